// Shared bench of the fault-matrix tests (faults-create.test.mjs, faults-read.test.mjs): the
// built package in headless Chromium, calling the local API emulator whose scripted answers
// provoke each fault.
//
// The page is NOT served by the demo server: its proxy buffers the whole upstream answer, so a
// dropped connection reaches the browser as a proxy 502 and a stalled body as headers that never
// come. Instead a throwaway server here serves pkg/ and one blank page (no CSP), and the page
// calls the emulator directly with its key (the emulator answers CORS preflights itself). The
// preflights are recorded by the emulator too; the counts below leave them out.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { startEmulator, EMULATOR_API_KEY } from "../emulator.mjs";
import { launchBrowser } from "./browser.mjs";

const PKG = fileURLToPath(new URL("../../pkg/", import.meta.url));
const PAGE = '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>fault matrix</title></head><body></body></html>\n';
const TYPES = { ".js": "text/javascript; charset=utf-8", ".wasm": "application/wasm", ".json": "application/json" };

/** Upper bound for a call to settle in most rows: against hangs, far above any row's worst case. */
export const BOUND_MS = 5000;
/** How soon after `abort()` an aborted call must have rejected. */
export const ABORT_LAG_MS = 250;
/** The in-page guard: a call still pending after this is reported as hung. */
const HANG_GUARD_MS = 20000;

/** A 200 create answer for an OAuth provider. */
export const OAUTH_CREATED = {
  id: "conn_oauth",
  authLink: "https://api.notion.com/v1/oauth/authorize?client_id=x",
  expiresIn: "1 hour",
  redirectsTo: "https://app.example.com/done",
};
/** A 200 create answer for a provider without OAuth. */
export const LIVE_CREATED = { id: "conn_live", authLink: null, expiresIn: null, redirectsTo: null };
/** A 200 answer of GET /v3/connections/conn_x. */
export const CONNECTION = { id: "conn_x", createdAt: "2026-11-24T10:00:00.000Z", provider: "notion" };

/** Chromium's console lines for loads that failed on purpose: provoked statuses and network faults. */
const PROVOKED_LOAD_FAILURE = /^Failed to load resource: (the server responded with a status of \d+|net::ERR_[A-Z_]+)/;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Serves GET / (a blank page) and GET /pkg/<file> from the built package; nothing else. */
async function startPageServer() {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://page.invalid").pathname;
    const send = (status, type, body) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    if (req.method !== "GET") return send(405, "text/plain", "Method not allowed");
    if (path === "/") return send(200, "text/html; charset=utf-8", PAGE);
    const name = path.startsWith("/pkg/") ? path.slice(5) : "";
    const type = TYPES[name.slice(name.lastIndexOf("."))];
    if (!/^[A-Za-z0-9_-]+\.[a-z]+$/.test(name) || type === undefined) return send(404, "text/plain", "Not found");
    try {
      send(200, type, await readFile(join(PKG, name)));
    } catch {
      send(404, "text/plain", "Not found");
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Runs in the page: makes one call of the package as `spec` says and describes how it ended.
 * spec: { op: "create" | "createConnection" | "getByID", provider, params, client, call,
 *         abort: "before" | { afterMs } }.
 * `client` are client options (with createConnection merged into its one options object),
 * `call` per-call options. The abort reason is a fresh Error; `causeIsReason` says whether the
 * rejection carries that very object as `cause`.
 */
async function runInPage({ spec, baseURL, apiKey, guardMs }) {
  const sm = window.sm;
  const client = { baseURL, apiKey, dangerouslyAllowBrowser: true, ...spec.client };
  const controller = new AbortController();
  const reason = new Error("the test aborted the call");
  const call = { ...spec.call };
  if (spec.abort !== undefined) call.signal = controller.signal;
  let abortedAt = null;
  const abort = () => {
    abortedAt = Date.now();
    controller.abort(reason);
  };
  if (spec.abort === "before") abort();

  const started = Date.now();
  const timer = typeof spec.abort === "object" ? setTimeout(abort, spec.abort.afterMs) : undefined;
  let promise;
  if (spec.op === "getByID") {
    promise = new sm.Supermemory(client).connections.getByID("conn_x", call);
  } else if (spec.op === "create") {
    promise = new sm.Supermemory(client).connections.create(spec.provider, spec.params, call);
  } else if (spec.op === "createConnection") {
    promise = sm.createConnection(spec.provider, { ...client, ...spec.params, ...call });
  } else {
    throw new Error(`unknown op ${spec.op}`);
  }
  const outcome = promise.then(
    (value) => ({ ok: true, value }),
    (error) => ({
      ok: false,
      isSupermemoryError: error instanceof sm.SupermemoryError,
      code: error?.code,
      status: error?.status,
      retryAfter: error?.retryAfter,
      message: String(error?.message),
      causeIsReason: error?.cause === reason,
      cause: error?.cause === undefined ? undefined : String(error.cause),
    }),
  );
  let guard;
  const hung = new Promise((resolve) => {
    guard = setTimeout(() => resolve({ hung: true }), guardMs);
  });
  const result = await Promise.race([outcome, hung]);
  const ended = Date.now();
  clearTimeout(guard);
  clearTimeout(timer);
  return {
    ...result,
    elapsedMs: ended - started,
    abortLagMs: abortedAt === null ? null : ended - abortedAt,
  };
}

/**
 * Starts the emulator, the page server and Chromium, and opens the page with the package
 * imported as `window.sm` (and its wasm loaded, so no call pays for that).
 */
export async function startFaultBench() {
  const emulator = await startEmulator({ host: "127.0.0.1" });
  const pages = await startPageServer();
  const browser = await launchBrowser();
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !PROVOKED_LOAD_FAILURE.test(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  await page.goto(`${pages.url}/`);
  await page.evaluate(async () => {
    window.sm = await import("/pkg/index.js");
    await window.sm.init();
  });

  /** The API requests the emulator saw since its last reset, CORS preflights left out. */
  const apiRequests = () => emulator.requests.filter((r) => r.method !== "OPTIONS").map((r) => `${r.method} ${r.path}`);

  return {
    emulator,
    page,
    problems,
    apiRequests,
    /** Runs one call in the page (see runInPage) and adds `requests`, the API requests it made. */
    async call(spec) {
      const result = await page.evaluate(runInPage, { spec, baseURL: emulator.url, apiKey: EMULATOR_API_KEY, guardMs: HANG_GUARD_MS });
      // Anything the call still sent (it should not) has a moment to reach the emulator.
      await sleep(25);
      return { ...result, requests: apiRequests() };
    },
    async close() {
      await browser.close().catch(() => {});
      await pages.close();
      await emulator.close();
    },
  };
}

/**
 * One row of the matrix: resets the emulator, scripts its answers (`row.script`, an array or a
 * function returning one), makes the call and checks the outcome against `row.expect`:
 *   { ok, id?, code?, status?, retryAfter?, requests: [n, "METHOD /path"], boundMs?, minElapsedMs?,
 *     abortLag?: true }
 * Returns the result for any further checks.
 */
export async function runRow(bench, row) {
  bench.emulator.reset();
  bench.emulator.script(typeof row.script === "function" ? row.script() : row.script ?? []);
  const result = await bench.call(row.call);
  const detail = `row "${row.name}" ended with ${JSON.stringify(result)}`;
  assert.notEqual(result.hung, true, `the call never settled; ${detail}`);
  const { expect } = row;
  const [count, request] = expect.requests;

  const actual = { ok: result.ok, requests: result.requests.length };
  const wanted = { ok: expect.ok, requests: count };
  if (expect.ok) {
    actual.id = result.value?.id;
    wanted.id = expect.id;
  } else {
    actual.isSupermemoryError = result.isSupermemoryError;
    actual.code = result.code;
    wanted.isSupermemoryError = true;
    wanted.code = expect.code;
    for (const name of ["status", "retryAfter"]) {
      if (name in expect) {
        actual[name] = result[name];
        wanted[name] = expect[name];
      }
    }
  }
  assert.deepEqual(actual, wanted, detail);
  for (const sent of result.requests) assert.equal(sent, request, `an unexpected request; ${detail}`);
  if (count === 0) assert.equal(bench.emulator.requests.length, 0, `something was sent (a preflight?); ${detail}`);

  const bound = expect.boundMs ?? BOUND_MS;
  assert.ok(result.elapsedMs < bound, `took ${result.elapsedMs} ms, bound ${bound} ms; ${detail}`);
  if (expect.minElapsedMs !== undefined) {
    assert.ok(result.elapsedMs >= expect.minElapsedMs, `took only ${result.elapsedMs} ms, the hint says >= ${expect.minElapsedMs} ms; ${detail}`);
  }
  if (expect.abortLag) {
    assert.ok(result.abortLagMs !== null, `the test never aborted (the call ended first); ${detail}`);
    assert.ok(result.abortLagMs < ABORT_LAG_MS, `rejected ${result.abortLagMs} ms after the abort; ${detail}`);
    assert.equal(result.causeIsReason, true, `cause is not the signal's reason; ${detail}`);
  }
  return result;
}

/** Answers for `n` attempts that all get the same scripted answer. */
export const times = (n, answer) => Array.from({ length: n }, () => ({ ...answer }));

/** An HTML error page as a proxy or load balancer sends it. */
export const HTML_502 = {
  status: 502,
  headers: { "content-type": "text/html; charset=utf-8" },
  body: "<!doctype html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>",
};

/** 5,000,000 characters of JSON that never closes its string. */
export const BROKEN_JSON_5MB = '{"id":"' + "x".repeat(5_000_000 - 7);

/** An HTTP date about `ms` from now (HTTP dates have 1 s resolution). */
export const httpDateIn = (ms) => new Date(Date.now() + ms).toUTCString();

/**
 * The rows both files share, for one operation. `call` is the spec of a plain call (its `call`
 * options may be extended per row); `request` is what each attempt must look like; `success` the
 * 200 body and `id` its id; `retriesTransport` whether 502, 504, network errors and timeouts are
 * retried (false only for creating a connection that is live at once); `waitHints: false` leaves
 * out the rows that wait out a 1-2 s hint (the hints are read the same way by every operation).
 *
 * Timing: the backoffs before the 1st and 2nd retry are 375-500 ms and 750-1000 ms, so a row with
 * two retries spends at most 1.5 s waiting, plus 3 x 300 ms in the timeout rows: ~2.5 s at worst,
 * well under BOUND_MS. Hint rows use hints of 1-2 s, over the 500 ms the first backoff can be, so
 * `minElapsedMs` proves the hint (not the backoff) was waited. Rows that only count attempts use
 * a `retry-after-ms: 0` hint to skip the backoff.
 */
export function matrixRows({ call, request, success, retriesTransport, waitHints = true }) {
  const id = success.id;
  const withCall = (extra) => ({ ...call, call: { ...call.call, ...extra } });
  const retried = retriesTransport ? 3 : 1;
  const noWait = { "retry-after-ms": "0" };
  const waiting = [
    // ---- server hints on a 429, then success ----
    {
      name: "429 with retry-after-ms: 1200, then 200: waits the hint, succeeds",
      script: [{ status: 429, headers: { "retry-after-ms": "1200" }, body: { error: "Too many requests" } }, { body: success }],
      call,
      expect: { ok: true, id, requests: [2, request], minElapsedMs: 1150 },
    },
    {
      name: "429 with Retry-After: 1 (seconds), then 200: waits the hint, succeeds",
      script: [{ status: 429, headers: { "retry-after": "1" }, body: { error: "Too many requests" } }, { body: success }],
      call,
      expect: { ok: true, id, requests: [2, request], minElapsedMs: 950 },
    },
    {
      // The date is ~2 s ahead but truncated to the second, so the wait is 1-2 s.
      name: "429 with Retry-After as an HTTP date ~2 s ahead, then 200: waits until then, succeeds",
      script: () => [{ status: 429, headers: { "retry-after": httpDateIn(2000) }, body: { error: "Too many requests" } }, { body: success }],
      call,
      expect: { ok: true, id, requests: [2, request], minElapsedMs: 800 },
    },
    {
      name: "429 with retryAfterSeconds: 1 in the body, then 200: waits the hint, succeeds",
      script: [{ status: 429, body: { error: "Too many requests", retryAfterSeconds: 1 } }, { body: success }],
      call,
      expect: { ok: true, id, requests: [2, request], minElapsedMs: 950 },
    },
    {
      name: "429 with Retry-After: 1 and retryAfterSeconds: 120: Retry-After wins over the body",
      script: [{ status: 429, headers: { "retry-after": "1" }, body: { error: "Too many requests", retryAfterSeconds: 120 } }, { body: success }],
      call,
      expect: { ok: true, id, requests: [2, request], minElapsedMs: 950 },
    },
  ];
  const rows = [
    ...(waitHints ? waiting : []),
    {
      // Were Retry-After or the body read first, the 120 s would end the call at once.
      name: "429 with retry-after-ms: 100, Retry-After: 120 and retryAfterSeconds: 120: retry-after-ms wins",
      script: [
        { status: 429, headers: { "retry-after-ms": "100", "retry-after": "120" }, body: { error: "Too many requests", retryAfterSeconds: 120 } },
        { body: success },
      ],
      call,
      expect: { ok: true, id, requests: [2, request], minElapsedMs: 90 },
    },
    {
      name: "429 with retry-after-ms: 0, then 200: retried, succeeds",
      script: [{ status: 429, headers: { "retry-after-ms": "0" }, body: { error: "Too many requests" } }, { body: success }],
      call,
      expect: { ok: true, id, requests: [2, request] },
    },
    // ---- hints over 60 s: not waited, the call fails at once with retryAfter ----
    {
      name: "429 with Retry-After: 120: fails at once with rate_limited and retryAfter 120",
      script: [{ status: 429, headers: { "retry-after": "120" }, body: { error: "Too many requests" } }, { body: success }],
      call,
      expect: { ok: false, code: "rate_limited", status: 429, retryAfter: 120, requests: [1, request] },
    },
    {
      name: "503 with Retry-After: 120: fails at once with server_error and retryAfter 120",
      script: [{ status: 503, headers: { "retry-after": "120" }, body: { error: "Service unavailable" } }, { body: success }],
      call,
      expect: { ok: false, code: "server_error", status: 503, retryAfter: 120, requests: [1, request] },
    },
    {
      name: "429 with retry-after-ms: 120000: fails at once with retryAfter 120",
      script: [{ status: 429, headers: { "retry-after-ms": "120000" } }, { body: success }],
      call,
      expect: { ok: false, code: "rate_limited", status: 429, retryAfter: 120, requests: [1, request] },
    },
    {
      name: "503 with retryAfterSeconds: 120 in the body: fails at once with retryAfter 120",
      script: [{ status: 503, body: { error: "Service unavailable", retryAfterSeconds: 120 } }, { body: success }],
      call,
      expect: { ok: false, code: "server_error", status: 503, retryAfter: 120, requests: [1, request] },
    },
    // ---- statuses retried by every operation ----
    {
      name: "503 then 200: retried, succeeds",
      script: [{ status: 503, body: { error: "Service unavailable" } }, { body: success }],
      call,
      expect: { ok: true, id, requests: [2, request] },
    },
    {
      name: "408 then 200: retried, succeeds",
      script: [{ status: 408, body: { error: "Request timeout" } }, { body: success }],
      call,
      expect: { ok: true, id, requests: [2, request] },
    },
    {
      name: "429 three times (retry-after-ms: 0): fails with rate_limited after 3 requests",
      script: times(3, { status: 429, headers: noWait, body: { error: "Too many requests" } }),
      call,
      expect: { ok: false, code: "rate_limited", status: 429, requests: [3, request] },
    },
    {
      name: "503 three times (retry-after-ms: 0): fails with server_error after 3 requests",
      script: times(3, { status: 503, headers: noWait, body: { error: "Service unavailable" } }),
      call,
      expect: { ok: false, code: "server_error", status: 503, requests: [3, request] },
    },
    // ---- retry counts ----
    {
      name: "maxRetries: 0 for the call: 503 is not retried (1 request)",
      script: [{ status: 503, body: { error: "Service unavailable" } }, { body: success }],
      call: withCall({ maxRetries: 0 }),
      expect: { ok: false, code: "server_error", status: 503, requests: [1, request] },
    },
    {
      name: "maxRetries: 1 for the client: 503 twice fails after 2 requests",
      script: [...times(2, { status: 503, body: { error: "Service unavailable" } }), { body: success }],
      call: { ...call, client: { ...call.client, maxRetries: 1 } },
      expect: { ok: false, code: "server_error", status: 503, requests: [2, request] },
    },
    {
      name: "maxRetries: 2 for the call overrides the client's 0: 503 twice then 200 succeeds",
      script: [...times(2, { status: 503, headers: noWait, body: { error: "Service unavailable" } }), { body: success }],
      call: { ...withCall({ maxRetries: 2 }), client: { ...call.client, maxRetries: 0 } },
      expect: { ok: true, id, requests: [3, request] },
    },
  ];

  // ---- 502, 504, network errors and timeouts: retried unless the create is live at once ----
  if (retriesTransport) {
    rows.push(
      {
        name: "502 twice then 200: retried, succeeds after 3 requests",
        script: [...times(2, { status: 502, body: { error: "Bad gateway" } }), { body: success }],
        call,
        expect: { ok: true, id, requests: [3, request] },
      },
      {
        name: "504 then 200: retried, succeeds",
        script: [{ status: 504, body: { error: "Gateway timeout" } }, { body: success }],
        call,
        expect: { ok: true, id, requests: [2, request] },
      },
    );
  }
  rows.push(
    {
      name: `502 three times: fails with server_error after ${retried} request(s)`,
      script: [...times(3, { status: 502, body: { error: "Bad gateway" } }), { body: success }],
      call,
      expect: { ok: false, code: "server_error", status: 502, requests: [retried, request] },
    },
    {
      name: `504 three times: fails with server_error after ${retried} request(s)`,
      script: [...times(3, { status: 504, body: { error: "Gateway timeout" } }), { body: success }],
      call,
      expect: { ok: false, code: "server_error", status: 504, requests: [retried, request] },
    },
    {
      name: `an HTML 502 page three times: server_error with status 502 after ${retried} request(s)`,
      script: [...times(3, HTML_502), { body: success }],
      call,
      expect: { ok: false, code: "server_error", status: 502, requests: [retried, request] },
    },
    {
      name: `the connection dropped before any answer, three times: connection after ${retried} request(s)`,
      script: [...times(3, { drop: true }), { body: success }],
      call,
      expect: { ok: false, code: "connection", requests: [retried, request] },
    },
    {
      name: `the body cut off midway, three times: connection after ${retried} request(s)`,
      script: [...times(3, { body: success, stallMs: 150, drop: true }), { body: success }],
      call,
      expect: { ok: false, code: "connection", requests: [retried, request] },
    },
    {
      // timeout 300 ms against answers held back 2 s: ends after 3 x 300 ms plus the backoffs.
      name: `headers never sent within timeout: 300, three times: timeout after ${retried} request(s)`,
      script: [...times(3, { body: success, delayMs: 2000 }), { body: success }],
      call: withCall({ timeout: 300 }),
      expect: { ok: false, code: "timeout", requests: [retried, request] },
    },
    {
      // The status and half the body arrive at once; the rest 2 s later, after the timeout.
      name: `the body stalled past timeout: 300, three times: timeout after ${retried} request(s)`,
      script: [...times(3, { body: success, stallMs: 2000 }), { body: success }],
      call: withCall({ timeout: 300 }),
      expect: { ok: false, code: "timeout", requests: [retried, request] },
    },
    {
      name: "timeout: 300 once, then a prompt 200: " + (retriesTransport ? "retried, succeeds" : "not retried (timeout, 1 request)"),
      script: [{ body: success, delayMs: 2000 }, { body: success }],
      call: withCall({ timeout: 300 }),
      expect: retriesTransport ? { ok: true, id, requests: [2, request] } : { ok: false, code: "timeout", requests: [1, request] },
    },
    {
      name: "the connection dropped once, then 200: " + (retriesTransport ? "retried, succeeds" : "not retried (connection, 1 request)"),
      script: [{ drop: true }, { body: success }],
      call,
      expect: retriesTransport ? { ok: true, id, requests: [2, request] } : { ok: false, code: "connection", requests: [1, request] },
    },
  );

  // ---- never retried ----
  const noRetry = [
    [500, "server_error"],
    [501, "server_error"],
    [400, "bad_request"],
    [401, "authentication"],
    [402, "payment_required"],
    [403, "permission_denied"],
    [404, "not_found"],
    [409, "conflict"],
    [410, "api_error"],
    [422, "unprocessable"],
  ];
  for (const [status, code] of noRetry) {
    rows.push({
      name: `${status}: ${code}, not retried`,
      script: [{ status, body: { error: `status ${status}` } }, { body: success }],
      call,
      expect: { ok: false, code, status, requests: [1, request] },
    });
  }

  // ---- 2xx answers that are not what was asked for: invalid_response, never retried ----
  rows.push(
    {
      name: "a 200 whose body is not JSON: invalid_response, not retried",
      script: [{ status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: "<!doctype html><p>OK</p>" }, { body: success }],
      call,
      expect: { ok: false, code: "invalid_response", requests: [1, request] },
    },
    {
      name: "a 200 with an empty body: invalid_response, not retried",
      script: [{ status: 200, headers: { "content-type": "application/json" }, body: "" }, { body: success }],
      call,
      expect: { ok: false, code: "invalid_response", requests: [1, request] },
    },
    {
      name: "a 200 whose id is a number: invalid_response, not retried",
      script: [{ body: { ...success, id: 42 } }, { body: success }],
      call,
      expect: { ok: false, code: "invalid_response", requests: [1, request] },
    },
    {
      name: "a 200 that is an array: invalid_response, not retried",
      script: [{ body: [success] }, { body: success }],
      call,
      expect: { ok: false, code: "invalid_response", requests: [1, request] },
    },
    {
      name: "a 200 with 5 MB of JSON that never ends: invalid_response, not retried",
      script: [{ status: 200, headers: { "content-type": "application/json" }, body: BROKEN_JSON_5MB }, { body: success }],
      call,
      expect: { ok: false, code: "invalid_response", requests: [1, request] },
    },
  );

  // ---- aborts: rejected promptly with the signal's reason as cause ----
  rows.push(
    {
      name: "a signal aborted before the call: aborted, nothing sent",
      script: [{ body: success }],
      call: { ...call, abort: "before" },
      expect: { ok: false, code: "aborted", requests: [0, request], abortLag: true },
    },
    {
      name: "an abort while waiting for the headers: aborted within 250 ms, 1 request",
      script: [{ body: success, delayMs: 3000 }, { body: success }],
      call: { ...call, abort: { afterMs: 250 } },
      expect: { ok: false, code: "aborted", requests: [1, request], abortLag: true },
    },
    {
      name: "an abort while the body stalls: aborted within 250 ms, 1 request",
      script: [{ body: success, stallMs: 3000 }, { body: success }],
      call: { ...call, abort: { afterMs: 250 } },
      expect: { ok: false, code: "aborted", requests: [1, request], abortLag: true },
    },
    {
      // The 503 is answered at once; the first backoff is at least 375 ms, so 200 ms is inside it.
      name: "an abort in the backoff after a 503: aborted within 250 ms, no second request",
      script: [{ status: 503, body: { error: "Service unavailable" } }, { body: success }],
      call: { ...call, abort: { afterMs: 200 } },
      expect: { ok: false, code: "aborted", requests: [1, request], abortLag: true },
    },
    {
      name: "an abort while waiting out a 429's 30 s hint: aborted within 250 ms, no second request",
      script: [{ status: 429, headers: { "retry-after": "30" }, body: { error: "Too many requests" } }, { body: success }],
      call: { ...call, abort: { afterMs: 300 } },
      expect: { ok: false, code: "aborted", requests: [1, request], abortLag: true },
    },
  );
  return rows;
}
