// Hostile input to the built package, in headless Chromium against the local emulator (bench in
// hostile.mjs). The package's promise: every call ends, in bounded time, with a result or a
// SupermemoryError, and the module stays usable. These tests cover what used to break it:
//
// - a `fetch` (the option, or the page's global fetch replaced by a wrapper) that hands back
//   something whose use throws: a Proxy of a Response, throwing or odd status and headers, a
//   promise whose constructor getter throws. Such a Response is a `connection` error for that
//   attempt, retried by the usual rules; the call's timeout and abort still end a call whose
//   fetch never answers; no 'abort' listener is left on the caller's signal; no uncaught error
//   reaches the page; 1,000 such calls leave the wasm memory and externref table flat;
// - a wasm that fails to load (HTTP status, bytes that do not compile, a CSP without
//   'wasm-unsafe-eval'): a SupermemoryError `connection`, and the next call loads again; bytes
//   or a module given to init() that are not the package's: `invalid_request`, field `input`;
// - answers of more than 10,000 items resolve whole;
// - lone surrogates are refused with `invalid_request` before anything is sent;
// - negative retry hints are no hint; maxWait's upper bound; unknown options set to undefined.
//
// Every wait is bounded: a call that hangs fails its test after a few seconds.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { EMULATOR_API_KEY } from "../emulator.mjs";
import { startHostileBench, CONNECTION, OAUTH_CREATED, HOSTILE, WASM_FILE, sleep } from "./hostile.mjs";

/** The per-attempt timeout of the trigger rows, and the slack allowed above it (2 cores, CI). */
const TIMEOUT_MS = 500;
const MARGIN_MS = 2000;
/** How soon after abort() an aborted call must have rejected. */
const ABORT_LAG_MS = 1000;
/** A backstop per test, far above any bound below, in case Chromium itself stops answering. */
const LIMIT = { timeout: 90_000 };

let bench;

before(async () => {
  bench = await startHostileBench();
});

after(async () => {
  await bench?.close();
});

/** Opens a fresh page (each test gets its own module instance), runs `body`, closes it. */
async function withPage(options, body) {
  const page = await bench.open(options);
  try {
    return await body(page);
  } finally {
    await page.close();
  }
}

/** The facts of a result that the messages below print. */
const show = (result) => JSON.stringify(result);

/**
 * Asserts that the call settled (no synchronous throw, no hang) within `boundMs`; for a hang the
 * message also gives what the page logged.
 */
function assertSettled(result, boundMs, page) {
  assert.notEqual(result.threwSynchronously, true, `the call threw synchronously: ${show(result)}`);
  const logged = page === undefined ? "" : `; the page logged ${JSON.stringify(page.problems)}`;
  assert.notEqual(result.hung, true, `the call never settled (still pending after ${result.elapsedMs} ms): ${show(result)}${logged}`);
  assert.ok(result.elapsedMs <= boundMs, `settled after ${result.elapsedMs} ms, bound ${boundMs} ms: ${show(result)}`);
}

/** Asserts a rejection with a SupermemoryError of `code` (and the given fields). */
function assertRejected(result, code, fields = {}) {
  const actual = { ok: result.ok, isSupermemoryError: result.isSupermemoryError, name: result.name, code: result.code };
  const wanted = { ok: false, isSupermemoryError: true, name: "SupermemoryError", code };
  for (const name of Object.keys(fields)) {
    actual[name] = result[name];
    wanted[name] = fields[name];
  }
  assert.deepEqual(actual, wanted, show(result));
}

/** Asserts what a settled call must leave behind: no abort listener, no page error. */
function assertClean(page, result) {
  assert.equal(result.abortListeners, 0, `an 'abort' listener is left on the caller's signal: ${show(result)}`);
  assert.deepEqual(page.problems, [], "an uncaught error or console error reached the page");
}

// ---- 1. a fetch whose answer throws when used --------------------------------------------------

/** The three operations each trigger is tried with; the bound is the timeout, no retries. */
const OPERATIONS = [
  { name: "createConnection(notion)", spec: { op: "createConnection", body: OAUTH_CREATED, client: { timeout: TIMEOUT_MS, maxRetries: 0 } } },
  { name: "connections.getByID", spec: { op: "getByID", body: CONNECTION, call: { timeout: TIMEOUT_MS, maxRetries: 0 } } },
  { name: "connections.waitForConnection", spec: { op: "waitForConnection", body: CONNECTION, client: { timeout: TIMEOUT_MS, maxRetries: 0 } } },
];

/** [kind, where]: every trigger through the fetch option; the main ones through a global wrapper too. */
const TRIGGERS = [
  ["proxy", "option"],
  ["proxy", "global"],
  ["status-throws", "option"],
  ["status-throws", "global"],
  ["status-symbol", "option"],
  ["429-headers-throws", "option"],
  ["429-headers-plain", "option"],
  ["429-get-throws", "option"],
  ["429-get-throws", "global"],
  ["429-get-number", "option"],
  ["constructor-throws", "option"],
  ["constructor-throws", "global"],
];

/** The message each trigger row ends with: where the attempt failed. */
const TRIGGER_MESSAGE = {
  proxy: "the fetch function's Response could not be read",
  "status-throws": "the fetch function's Response could not be read",
  "status-symbol": "the fetch function's Response could not be read",
  "429-headers-throws": "the fetch function's Response could not be read",
  "429-headers-plain": "the fetch function's Response could not be read",
  "429-get-throws": "the fetch function's Response could not be read",
  "429-get-number": "the fetch function's Response could not be read",
  "constructor-throws": "fetch failed before sending the request",
};

const through = (where) => (where === "global" ? "a wrapped global fetch (no fetch option)" : "the fetch option");

for (const [kind, where] of TRIGGERS) {
  for (const { name, spec } of OPERATIONS) {
    test(`${name}: ${HOSTILE[kind]}, through ${through(where)}: connection within the timeout, nothing left behind`, LIMIT, () =>
      withPage({}, async (page) => {
        bench.emulator.reset();
        // The proxy kind calls the emulator for real: answer it as the operation expects.
        bench.emulator.script({ body: spec.body, repeat: true });
        const result = await page.run({ ...spec, hostile: kind, where, guardMs: TIMEOUT_MS + MARGIN_MS });
        assertSettled(result, TIMEOUT_MS + MARGIN_MS, page);
        assertRejected(result, "connection");
        assert.equal(result.message, TRIGGER_MESSAGE[kind], show(result));
        assert.equal(result.fetchCalls, 1, `maxRetries: 0 makes one attempt: ${show(result)}`);
        assertClean(page, result);
      }));
  }
}

test("retried by the usual rules: a read (getByID, maxRetries: 1) tries twice, then connection", LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    const result = await page.run({
      op: "getByID",
      hostile: "status-throws",
      body: CONNECTION,
      call: { timeout: TIMEOUT_MS, maxRetries: 1 },
      guardMs: 2 * TIMEOUT_MS + 500 + MARGIN_MS,
    });
    assertSettled(result, 2 * TIMEOUT_MS + 500 + MARGIN_MS, page);
    assertRejected(result, "connection");
    assert.equal(result.fetchCalls, 2, show(result));
    assertClean(page, result);
  }));

test("retried by the usual rules: an OAuth create (notion, maxRetries: 1) tries twice, then connection", LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    const result = await page.run({
      op: "createConnection",
      hostile: "proxy-local",
      body: OAUTH_CREATED,
      client: { timeout: TIMEOUT_MS, maxRetries: 1 },
      guardMs: 2 * TIMEOUT_MS + 500 + MARGIN_MS,
    });
    assertSettled(result, 2 * TIMEOUT_MS + 500 + MARGIN_MS, page);
    assertRejected(result, "connection");
    assert.equal(result.fetchCalls, 2, show(result));
    assertClean(page, result);
  }));

test("retried by the usual rules: a live create (web-crawler, default maxRetries) is not retried after connection", LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    const result = await page.run({
      op: "create",
      provider: "web-crawler",
      params: { containerTag: "user_1", metadata: { startUrl: "https://example.com/docs" } },
      hostile: "status-throws",
      body: { id: "conn_live", authLink: null, expiresIn: null, redirectsTo: null },
      call: { timeout: TIMEOUT_MS },
      guardMs: TIMEOUT_MS + MARGIN_MS,
    });
    assertSettled(result, TIMEOUT_MS + MARGIN_MS, page);
    assertRejected(result, "connection");
    assert.equal(result.fetchCalls, 1, show(result));
    assertClean(page, result);
  }));

// ---- the timeout and the abort end a call whose fetch misbehaves --------------------------------

for (const where of ["option", "global"]) {
  for (const kind of ["never", "then-never"]) {
    test(`getByID: ${HOSTILE[kind]}, through ${through(where)}: timeout ${TIMEOUT_MS} ms ends it with timeout`, LIMIT, () =>
      withPage({}, async (page) => {
        bench.emulator.reset();
        const result = await page.run({
          op: "getByID",
          hostile: kind,
          where,
          call: { timeout: TIMEOUT_MS, maxRetries: 0 },
          guardMs: TIMEOUT_MS + MARGIN_MS,
        });
        assertSettled(result, TIMEOUT_MS + MARGIN_MS, page);
        assertRejected(result, "timeout");
        assert.ok(result.elapsedMs >= TIMEOUT_MS - 50, `ended before the timeout: ${show(result)}`);
        assertClean(page, result);
      }));

    test(`getByID: ${HOSTILE[kind]}, through ${through(where)}: an abort after 200 ms ends it with aborted and the reason`, LIMIT, () =>
      withPage({}, async (page) => {
        bench.emulator.reset();
        const result = await page.run({
          op: "getByID",
          hostile: kind,
          where,
          call: { timeout: 20000, maxRetries: 0 },
          abortAfterMs: 200,
          guardMs: 200 + MARGIN_MS,
        });
        assertSettled(result, 200 + MARGIN_MS, page);
        assertRejected(result, "aborted", { causeIsReason: true });
        assert.ok(result.abortLagMs < ABORT_LAG_MS, `rejected ${result.abortLagMs} ms after the abort: ${show(result)}`);
        assertClean(page, result);
      }));
  }

  test(`getByID: ${HOSTILE["then-throws"]}, through ${through(where)}: connection`, LIMIT, () =>
    withPage({}, async (page) => {
      bench.emulator.reset();
      const result = await page.run({
        op: "getByID",
        hostile: "then-throws",
        where,
        call: { timeout: TIMEOUT_MS, maxRetries: 0 },
        guardMs: TIMEOUT_MS + MARGIN_MS,
      });
      assertSettled(result, TIMEOUT_MS + MARGIN_MS, page);
      assertRejected(result, "connection");
      assertClean(page, result);
    }));
}

test(`createConnection(notion): ${HOSTILE.never}, through a wrapped global fetch: an abort ends it`, LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    const result = await page.run({
      op: "createConnection",
      hostile: "never",
      where: "global",
      client: { timeout: 20000 },
      abortAfterMs: 200,
      guardMs: 200 + MARGIN_MS,
    });
    assertSettled(result, 200 + MARGIN_MS, page);
    assertRejected(result, "aborted", { causeIsReason: true });
    assert.ok(result.abortLagMs < ABORT_LAG_MS, `rejected ${result.abortLagMs} ms after the abort: ${show(result)}`);
    assertClean(page, result);
  }));

test(`waitForConnection: ${HOSTILE.never}, through a wrapped global fetch: the client's timeout ends it`, LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    const result = await page.run({
      op: "waitForConnection",
      hostile: "never",
      where: "global",
      client: { timeout: TIMEOUT_MS, maxRetries: 0 },
      guardMs: TIMEOUT_MS + MARGIN_MS,
    });
    assertSettled(result, TIMEOUT_MS + MARGIN_MS, page);
    assertRejected(result, "timeout");
    assertClean(page, result);
  }));

test("the DevTools listener count sees the package's 'abort' listener while a call waits (the check above can fail)", LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    const running = page.run({ op: "getByID", hostile: "never", call: { timeout: 20000, maxRetries: 0 }, abortAfterMs: 1200, guardMs: 1200 + MARGIN_MS });
    await sleep(400);
    const during = await page.abortListeners();
    const result = await running;
    assert.ok(during >= 1, `no 'abort' listener on the signal while the call waited (${during})`);
    assertSettled(result, 1200 + MARGIN_MS, page);
    assertRejected(result, "aborted", { causeIsReason: true });
    assertClean(page, result);
  }));

/**
 * Runs in the page: `count` getByID calls, one after another, each with a fetch option handing
 * back the next of `kinds`; stops at the first call that does not settle within `guardMs`.
 * Returns the codes seen (with how many) and where it stopped, if it did.
 */
async function hostileLoopInPage({ count, kinds, baseURL, apiKey, guardMs }) {
  const sm = window.sm;
  const codes = {};
  for (let i = 0; i < count; i += 1) {
    const kind = kinds[i % kinds.length];
    const client = new sm.Supermemory({ baseURL, apiKey, dangerouslyAllowBrowser: true, fetch: window.__hostile.make(kind, {}) });
    let guard;
    const hung = new Promise((done) => {
      guard = setTimeout(() => done("(hung)"), guardMs);
    });
    const code = await Promise.race([
      client.connections.getByID("conn_x", { timeout: 500, maxRetries: 0 }).then(
        () => "(resolved)",
        (error) => (error instanceof sm.SupermemoryError ? error.code : `(not a SupermemoryError: ${error?.name})`),
      ),
      hung,
    ]);
    clearTimeout(guard);
    codes[code] = (codes[code] ?? 0) + 1;
    if (code === "(hung)") return { codes, hungAt: i, kind };
  }
  return { codes, hungAt: null };
}

const LOOP_KINDS = [
  "proxy-local",
  "status-throws",
  "status-symbol",
  "429-headers-throws",
  "429-headers-plain",
  "429-get-throws",
  "429-get-number",
  "constructor-throws",
  "then-throws",
];

test("1,000 calls with hostile Responses: each ends with connection, then a normal call succeeds; memory and externref table stay flat", LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    bench.emulator.script({ body: CONNECTION });
    const first = await page.run({ op: "getByID", guardMs: 5000 });
    assert.equal(first.ok, true, `the first normal call failed: ${show(first)}`);
    const loop = (count) =>
      page.evaluate(hostileLoopInPage, { count, kinds: LOOP_KINDS, baseURL: bench.emulator.url, apiKey: EMULATOR_API_KEY, guardMs: TIMEOUT_MS + MARGIN_MS });

    const warmUp = await loop(LOOP_KINDS.length * 3);
    assert.equal(warmUp.hungAt, null, `a warm-up call never settled: ${show(warmUp)}`);
    const before = await page.sizes();
    assert.equal(before.memories, 1, `the instance exports one memory: ${show(before)}`);
    assert.equal(before.externrefTables, 1, `the instance exports one externref table: ${show(before)}`);

    const run = await loop(1000);
    assert.equal(run.hungAt, null, `a call never settled: ${show(run)}`);
    assert.deepEqual(run.codes, { connection: 1000 }, show(run));

    bench.emulator.script({ body: CONNECTION });
    const last = await page.run({ op: "getByID", guardMs: 5000 });
    assert.equal(last.ok, true, `the module no longer works: ${show(last)}`);
    assert.equal(last.value.id, "conn_x");
    const after = await page.sizes();
    assert.equal(after.instances, before.instances, "the wasm was instantiated again");
    const grew = { memoryBytes: after.memoryBytes - before.memoryBytes, tableLength: after.tableLength - before.tableLength };
    assert.ok(grew.memoryBytes <= 1024 * 1024, `wasm memory grew by ${grew.memoryBytes} bytes: ${show({ before, after })}`);
    assert.ok(grew.tableLength <= 64, `the externref table grew by ${grew.tableLength}: ${show({ before, after })}`);
    assert.deepEqual(page.problems, []);
  }));

// ---- 2. the wasm fails to load ---------------------------------------------------------------

/** Asserts the rejection of a call whose wasm could not be loaded. */
function assertLoadFailure(result, wasmUrl, page) {
  assertSettled(result, 10000, page);
  assertRejected(result, "connection", { hasCause: true });
  assert.notEqual(result.cause, "undefined", `the original error is not the cause: ${show(result)}`);
  assert.ok(result.message.includes(wasmUrl), `the message does not name ${wasmUrl}: ${show(result)}`);
}

// [what, fault, where the original failure must show: in the message or the cause]
for (const [what, fault, shows] of [
  ["answers 503", { status: 503 }, (failed) => assert.match(`${failed.message} ${failed.cause}`, /\b503\b/, show(failed))],
  ["answers bytes that do not compile", { bytes: [0, 1, 2, 3, 4, 5, 6, 7] }, (failed) => assert.match(failed.cause, /^CompileError/, show(failed))],
]) {
  test(`the .wasm ${what} once: the call rejects with connection naming the wasm URL, the next call loads it and works`, LIMIT, () =>
    withPage({ load: false }, async (page) => {
      bench.emulator.reset();
      bench.emulator.script({ body: CONNECTION });
      bench.pages.state.wasmRequests = 0;
      bench.pages.state.wasmFaults = [fault];
      const wasmUrl = `${bench.pages.url}/pkg/${WASM_FILE}`;
      const failed = await page.run({ op: "getByID", guardMs: 10000 });
      assertLoadFailure(failed, wasmUrl, page);
      shows(failed);
      assert.deepEqual(failed.requests, [], "nothing reached the API");

      const next = await page.run({ op: "getByID", guardMs: 10000 });
      assertSettled(next, 10000, page);
      assert.equal(next.ok, true, `the next call did not work: ${show(next)}`);
      assert.equal(next.value.id, "conn_x");
      assert.equal(bench.pages.state.wasmRequests, 2, "the next call fetched the wasm again");
      assert.deepEqual(page.problems, []);
    }));
}

test("a page whose CSP forbids compiling wasm: connection naming the wasm URL with the CompileError as cause, and again on the next call", LIMIT, () =>
  withPage({ path: "/no-wasm-csp", load: false }, async (page) => {
    bench.emulator.reset();
    bench.pages.state.wasmRequests = 0;
    bench.pages.state.wasmFaults = [];
    const wasmUrl = `${bench.pages.url}/pkg/${WASM_FILE}`;
    const failed = await page.run({ op: "getByID", guardMs: 10000 });
    assertLoadFailure(failed, wasmUrl, page);
    assert.match(failed.cause, /^CompileError/, show(failed));
    const again = await page.run({ op: "getByID", guardMs: 10000 });
    assertLoadFailure(again, wasmUrl, page);
    assert.equal(bench.pages.state.wasmRequests, 2, "the second call tried the load again");
    assert.deepEqual(bench.apiRequests(), []);
  }));

/** Runs in the page: init(input) where `input` is "garbage" or "empty-module", and how it ended. */
async function initInPage(input) {
  const sm = window.sm;
  const value =
    input === "garbage"
      ? new Uint8Array([1, 2, 3])
      : // A valid wasm module with nothing in it: not the package's module.
        new WebAssembly.Module(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  try {
    const hung = new Promise((done) => setTimeout(() => done("hung"), 10000));
    if ((await Promise.race([sm.init(value), hung])) === "hung") return { hung: true };
    return { ok: true };
  } catch (error) {
    return {
      ok: false,
      isSupermemoryError: error instanceof sm.SupermemoryError,
      name: error?.name,
      code: error?.code,
      field: error?.field,
      message: String(error?.message ?? error),
    };
  }
}

for (const [input, what] of [
  ["garbage", "init(new Uint8Array([1, 2, 3]))"],
  ["empty-module", "init(an empty WebAssembly.Module, valid but not the package's)"],
]) {
  test(`${what} rejects invalid_request with field input; then init() and a call work`, LIMIT, () =>
    withPage({ load: false }, async (page) => {
      bench.emulator.reset();
      bench.emulator.script({ body: CONNECTION });
      bench.pages.state.wasmRequests = 0;
      bench.pages.state.wasmFaults = [];
      const refused = await page.evaluate(initInPage, input);
      assert.notEqual(refused.hung, true, `init(input) never settled: ${show(refused)}`);
      assert.deepEqual(
        { ok: refused.ok, isSupermemoryError: refused.isSupermemoryError, name: refused.name, code: refused.code, field: refused.field },
        { ok: false, isSupermemoryError: true, name: "SupermemoryError", code: "invalid_request", field: "input" },
        show(refused),
      );
      assert.equal(bench.pages.state.wasmRequests, 0, "init(input) fetched the default wasm");
      const reloaded = await page.evaluate(() =>
        Promise.race([
          window.sm.init().then(
            () => "loaded",
            (error) => `rejected with ${error?.name}: ${error?.message}`,
          ),
          new Promise((done) => setTimeout(() => done("still pending after 10 s"), 10000)),
        ]),
      );
      assert.equal(reloaded, "loaded", "init() after the refused input");
      const next = await page.run({ op: "getByID", guardMs: 10000 });
      assertSettled(next, 10000, page);
      assert.equal(next.ok, true, `the call after init() did not work: ${show(next)}`);
      assert.equal(next.value.id, "conn_x");
      assert.deepEqual(page.problems, []);
    }));
}

// ---- 3. answers of more than 10,000 items ----------------------------------------------------

test("list: a valid answer of 10,001 connections resolves with all of them", LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    const connections = Array.from({ length: 10_001 }, (_, i) => ({ id: `conn_${i}`, createdAt: "2026-11-24T10:00:00.000Z", provider: "notion" }));
    bench.emulator.script({ body: connections });
    const result = await page.run({ op: "list", params: { containerTags: ["user_1"] }, guardMs: 20000 });
    assertSettled(result, 20000, page);
    assert.equal(result.ok, true, show(result));
    assert.deepEqual(result.value, { length: 10_001, first: "conn_0", last: "conn_10000" });
    assert.deepEqual(result.requests, ["POST /v3/connections/list"]);
  }));

test("listDocuments: a valid answer of 100,000 documents resolves with all of them", LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    const at = "2026-11-24T10:00:00.000Z";
    const documents = Array.from({ length: 100_000 }, (_, i) => ({
      id: `doc_${i}`,
      createdAt: at,
      status: "done",
      summary: null,
      title: `Page ${i}`,
      type: "notion_page",
      updatedAt: at,
    }));
    bench.emulator.script({ body: documents });
    const result = await page.run({ op: "listDocuments", provider: "notion", params: { containerTags: ["user_1"] }, guardMs: 30000 });
    assertSettled(result, 30000, page);
    assert.equal(result.ok, true, show(result));
    assert.deepEqual(result.value, { length: 100_000, first: "doc_0", last: "doc_99999" });
  }));

// ---- 4. lone surrogates ------------------------------------------------------------------------

// `{D800}` is one UTF-16 code unit, built in the page (see runInPage).
const SURROGATES = [
  ["createConnection metadata value a{D800}b", { op: "createConnection", params: { metadata: { note: "a{D800}b" } } }, "metadata.note"],
  ["createConnection metadata value ending in a high surrogate", { op: "createConnection", params: { metadata: { team: "growth", memo: "ab{DBFF}" } } }, "metadata.memo"],
  ["createConnection containerTags[0] with a lone low surrogate", { op: "createConnection", params: { containerTags: ["u{DC00}"] } }, "containerTags[0]"],
  ["connections.create containerTag with a lone surrogate", { op: "create", params: { containerTag: "user_{DFFF}" } }, "containerTag"],
  ["connections.list containerTags[1] with a lone surrogate", { op: "list", params: { containerTags: ["user_1", "t{D83D}"] } }, "containerTags[1]"],
  ['getByID("x{D800}")', { op: "getByID", id: "x{D800}" }, "connectionId"],
  ['getByID("x{DBFF}")', { op: "getByID", id: "x{DBFF}" }, "connectionId"],
];

for (const [what, spec, field] of SURROGATES) {
  test(`lone surrogate: ${what} is invalid_request (field ${field}), nothing sent`, LIMIT, () =>
    withPage({}, async (page) => {
      bench.emulator.reset();
      bench.emulator.script({ body: spec.op === "list" ? [] : spec.op.startsWith("create") ? OAUTH_CREATED : CONNECTION, repeat: true });
      const result = await page.run({ ...spec, guardMs: 5000 });
      assertSettled(result, 5000, page);
      assertRejected(result, "invalid_request", { field });
      assert.ok(result.message.endsWith("contains an unpaired surrogate"), `message: ${JSON.stringify(result.message)}`);
      assert.deepEqual(bench.emulator.requests.map((r) => `${r.method} ${r.path}`), [], "something was sent");
    }));
}

test("a valid surrogate pair (an emoji) in metadata is sent intact", LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    const result = await page.run({ op: "createConnection", params: { metadata: { note: "a{D83D}{DE00}b" } }, guardMs: 5000 });
    assertSettled(result, 5000, page);
    assert.equal(result.ok, true, show(result));
    const sent = bench.emulator.requests.filter((r) => r.method === "POST");
    assert.equal(sent.length, 1);
    assert.equal(sent[0].json.metadata.note, "a\u{1F600}b");
  }));

// ---- smaller items -----------------------------------------------------------------------------

for (const [status, code, headers] of [
  [429, "rate_limited", { "retry-after": "-5" }],
  [503, "server_error", { "retry-after-ms": "-100" }],
]) {
  const [[name, value]] = Object.entries(headers);
  test(`a ${status} with ${name}: ${value}, three times: no hint, the usual backoff between the 3 requests`, LIMIT, () =>
    withPage({}, async (page) => {
      bench.emulator.reset();
      bench.emulator.script(Array.from({ length: 3 }, () => ({ status, headers, body: { error: `status ${status}` } })));
      const result = await page.run({ op: "getByID", guardMs: 8000 });
      assertSettled(result, 8000, page);
      assertRejected(result, code, { status, retryAfter: undefined });
      assert.deepEqual(result.requests, Array(3).fill("GET /v3/connections/conn_x"));
      // The backoffs are 375-500 ms and 750-1000 ms; a 0 s hint would take a few ms.
      assert.ok(result.elapsedMs >= 300, `3 requests in ${result.elapsedMs} ms: the negative hint was waited as 0 s`);
    }));
}

test("waitForConnection: maxWait 2147483647 is accepted", LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    bench.emulator.script({ body: CONNECTION });
    const result = await page.run({ op: "waitForConnection", call: { maxWait: 2147483647 }, guardMs: 5000 });
    assertSettled(result, 5000, page);
    assert.equal(result.ok, true, show(result));
    assert.equal(result.value.id, "conn_x");
    assert.deepEqual(result.requests, ["GET /v3/connections/conn_x"]);
  }));

test("waitForConnection: maxWait 2147483648 is invalid_request (field maxWait), nothing sent", LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    const result = await page.run({ op: "waitForConnection", call: { maxWait: 2147483648 }, guardMs: 5000 });
    assertSettled(result, 5000, page);
    assertRejected(result, "invalid_request", { field: "maxWait", message: "maxWait must be an integer from 1 to 2147483647" });
    assert.equal(bench.emulator.requests.length, 0);
  }));

test("an unknown option set to undefined ({ baseUrl: undefined }) is ignored: createConnection and a client work", LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    const created = await page.run({ op: "createConnection", params: { baseUrl: "{undefined}" }, guardMs: 5000 });
    assertSettled(created, 5000, page);
    assert.equal(created.ok, true, show(created));
    assert.match(created.value.id, /^conn_/);
    assert.deepEqual(created.requests, ["POST /v3/connections/notion"]);

    bench.emulator.reset();
    bench.emulator.script({ body: CONNECTION });
    const read = await page.run({ op: "getByID", client: { baseUrl: "{undefined}" }, guardMs: 5000 });
    assertSettled(read, 5000, page);
    assert.equal(read.ok, true, show(read));
    assert.equal(read.value.id, "conn_x");
  }));

test('{ baseUrl: "x" } is still refused with the case hint, nothing sent', LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    const fields = { field: "baseUrl", message: "unknown option baseUrl: did you mean baseURL?" };
    const created = await page.run({ op: "createConnection", params: { baseUrl: "x" }, guardMs: 5000 });
    assertSettled(created, 5000, page);
    assertRejected(created, "invalid_request", fields);
    const read = await page.run({ op: "getByID", client: { baseUrl: "x" }, guardMs: 5000 });
    assertSettled(read, 5000, page);
    assertRejected(read, "invalid_request", fields);
    assert.equal(bench.emulator.requests.length, 0);
  }));

test("configure sends the resources that were checked: a getter read once, whatever it returns later", LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    bench.emulator.script({ body: { success: true, message: "Configured 1 resources" } });
    const result = await page.evaluate(async ({ baseURL, apiKey }) => {
      let reads = 0;
      const params = {
        get resources() {
          reads += 1;
          return reads === 1 ? [{ id: "checked" }] : "not an array";
        },
      };
      const client = new window.sm.Supermemory({ baseURL, apiKey, dangerouslyAllowBrowser: true });
      try {
        const value = await client.connections.configure("conn_x", params);
        return { ok: true, value, reads };
      } catch (error) {
        return { ok: false, code: error.code, message: error.message, reads };
      }
    }, { baseURL: bench.emulator.url, apiKey: EMULATOR_API_KEY });
    assert.equal(result.ok, true, show(result));
    assert.equal(result.reads, 1, "the resources getter ran more than once");
    const sent = bench.emulator.requests.filter((r) => r.method === "POST");
    assert.deepEqual(sent.map((r) => [r.path, r.json]), [["/v3/connections/conn_x/configure", { resources: [{ id: "checked" }] }]]);
  }));

test("a fetch that changes the init it was given: the retry sends the request as built, not as changed", LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    bench.emulator.script({ body: CONNECTION });
    const result = await page.evaluate(async ({ baseURL, apiKey }) => {
      const seen = [];
      const auth = (headers) => Object.keys(headers).find((name) => name.toLowerCase() === "authorization");
      const fetch = (url, init) => {
        seen.push({ method: init.method, authorization: init.headers[auth(init.headers)] ?? null, cache: init.cache ?? null });
        if (seen.length === 1) {
          init.method = "PUT";
          init.cache = "reload";
          delete init.headers[auth(init.headers)];
          return Promise.resolve(new Response("", { status: 503 }));
        }
        return globalThis.fetch(url, init);
      };
      const client = new window.sm.Supermemory({ baseURL, apiKey, dangerouslyAllowBrowser: true, fetch });
      try {
        const value = await client.connections.getByID("conn_x", { maxRetries: 1 });
        return { ok: true, id: value.id, seen };
      } catch (error) {
        return { ok: false, code: error.code, message: error.message, seen };
      }
    }, { baseURL: bench.emulator.url, apiKey: EMULATOR_API_KEY });
    assert.equal(result.ok, true, show(result));
    const sent = { method: "GET", authorization: `Bearer ${EMULATOR_API_KEY}`, cache: "no-store" };
    assert.deepEqual(result.seen, [sent, sent], show(result));
  }));

test("a 429 whose retry-after-ms gives the hint: a Retry-After that cannot be read is not read, and a live create is retried after the hint", LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    bench.emulator.script({ body: { id: "conn_web" } });
    const result = await page.evaluate(async ({ baseURL, apiKey }) => {
      let calls = 0;
      const fetch = (url, init) => {
        calls += 1;
        if (calls > 1) return globalThis.fetch(url, init);
        const response = new Response(JSON.stringify({ error: "Too many requests" }), { status: 429 });
        const get = (name) => {
          if (name === "retry-after-ms") return "1";
          throw new Error("Retry-After threw (on purpose)");
        };
        Object.defineProperty(response.headers, "get", { value: get });
        return Promise.resolve(response);
      };
      try {
        const value = await window.sm.createConnection("web-crawler", {
          baseURL, apiKey, dangerouslyAllowBrowser: true, fetch, metadata: { startUrl: "https://example.com" },
        });
        return { ok: true, id: value.id, calls };
      } catch (error) {
        return { ok: false, code: error.code, message: error.message, calls };
      }
    }, { baseURL: bench.emulator.url, apiKey: EMULATOR_API_KEY });
    assert.deepEqual(result, { ok: true, id: "conn_web", calls: 2 });
  }));

test("a signal-like object that calls its listener as it is added, with a fetch that never answers: the call still ends", LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    const started = Date.now();
    const result = await page.evaluate(async ({ baseURL, apiKey }) => {
      const SignalLike = class {
        aborted = false;
        addEventListener(type, listener) {
          listener();
        }
        removeEventListener() {}
      };
      const signal = new SignalLike();
      const fetch = () => new Promise(() => {});
      const client = new window.sm.Supermemory({ baseURL, apiKey, dangerouslyAllowBrowser: true, fetch, timeout: 60_000 });
      try {
        await client.connections.getByID("conn_x", { signal, maxRetries: 0 });
        return { ok: true };
      } catch (error) {
        return { ok: false, code: error.code, message: error.message };
      }
    }, { baseURL: bench.emulator.url, apiKey: EMULATOR_API_KEY });
    assert.deepEqual(result, {
      ok: false,
      code: "connection",
      message: "the request failed: network error, CORS refusal, or a redirect",
    });
    assert.ok(Date.now() - started < 10_000, "the call waited for its 60 s timeout");
  }));

test("a page without AbortController: the call rejects with a SupermemoryError (connection), not a TypeError", LIMIT, () =>
  withPage({}, async (page) => {
    bench.emulator.reset();
    const result = await page.evaluate(async ({ baseURL, apiKey }) => {
      const saved = globalThis.AbortController;
      delete globalThis.AbortController;
      try {
        const client = new window.sm.Supermemory({ baseURL, apiKey, dangerouslyAllowBrowser: true, maxRetries: 0 });
        await client.connections.getByID("conn_x");
        return { ok: true };
      } catch (error) {
        return { ok: false, name: error.name, code: error.code, message: error.message };
      } finally {
        globalThis.AbortController = saved;
      }
    }, { baseURL: bench.emulator.url, apiKey: EMULATOR_API_KEY });
    assert.deepEqual(result, { ok: false, name: "SupermemoryError", code: "connection", message: "fetch failed before sending the request" });
    assert.equal(bench.emulator.requests.length, 0, "nothing is sent");
  }));
