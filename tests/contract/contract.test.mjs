// Contract check: the built package's requests, and the emulator's answers, go through Prism in
// proxy mode, validating both against the API's OpenAPI document (the /v3/connections part,
// plus the deviations in overlay.json). With --errors Prism refuses a request that breaks the
// document (422, or 401 for missing auth) and replaces an answer that breaks it with a 500; the
// package then rejects, so the call fails its test. Every call also has to come back without
// Prism's `sl-violations` header, and the contract Prism's log has to stay free of violations.
//
//   node --test tests/contract/        (needs pkg/ built: bash scripts/build.sh)
//
// Three Prism processes, all with the same flags, in front of one emulator:
// - contract:  the effective document; only traffic that must pass. Its log must stay clean.
// - refusals:  the effective document; traffic built to break it, proving the check can fail.
// - published: the extracted document without the overlay, proving each deviation is needed.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EMULATOR_API_KEY, startEmulator } from "../emulator.mjs";
import { effectiveSpec, loadExtracted } from "./spec.mjs";
import { startPrism } from "./prism.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const OUT = join(ROOT, "test-output", "contract");

/** Container tags of this run; the emulator is shared by all tests of the file. */
const TAG = "contract_user";
const AMBIGUITY_TAG = "contract_ambiguity";
const REDIRECT_URL = "https://app.example.com/connected?from=contract";

let emulator;
let pkg;
/** Prism instances by name: contract, refusals, published. */
const prism = {};

before(async () => {
  mkdirSync(OUT, { recursive: true });
  const specs = {
    contract: join(OUT, "spec.json"),
    refusals: join(OUT, "spec.json"),
    published: join(OUT, "published.json"),
  };
  writeFileSync(specs.contract, `${JSON.stringify(effectiveSpec(), null, 2)}\n`);
  writeFileSync(specs.published, `${JSON.stringify(loadExtracted(), null, 2)}\n`);

  if (!existsSync(join(ROOT, "pkg", "index.js"))) throw new Error("pkg/ is not built: run bash scripts/build.sh");
  pkg = await import("../../pkg/index.js");
  await pkg.init(readFileSync(join(ROOT, "pkg", "supermemory_connections_bg.wasm")));
  emulator = await startEmulator({ syncMs: 100 });

  const logs = { contract: "prism.log", refusals: "prism-refusals.log", published: "prism-published.log" };
  const names = Object.keys(specs);
  const started = await Promise.allSettled(
    names.map((name) => startPrism({ spec: specs[name], upstream: emulator.url, logFile: join(OUT, logs[name]) })),
  );
  started.forEach((result, index) => {
    if (result.status === "fulfilled") prism[names[index]] = result.value;
  });
  const failure = started.find((result) => result.status === "rejected");
  if (failure) throw failure.reason;
});

after(async () => {
  await Promise.all(Object.values(prism).map((instance) => instance.stop()));
  await emulator?.close();
});

// ---- helpers ----

/**
 * A `fetch` for the package's `fetch` option that records each exchange: status, Prism's
 * `sl-violations` header, and the body of any non-2xx answer (Prism's problem+json included).
 */
function recorder() {
  const calls = [];
  async function recordingFetch(url, init) {
    const request = new Request(url, init);
    const response = await fetch(request);
    const call = {
      method: request.method,
      path: new URL(request.url).pathname,
      status: response.status,
      contentType: response.headers.get("content-type") ?? "",
      violations: response.headers.get("sl-violations"),
    };
    if (!response.ok) call.body = await response.clone().text();
    calls.push(call);
    return response;
  }
  return { calls, fetch: recordingFetch };
}

/** A client through the named Prism, recording its calls; `apiKey` may be overridden. */
function clientVia(name, { apiKey = EMULATOR_API_KEY } = {}) {
  const log = recorder();
  const client = new pkg.Supermemory({ apiKey, baseURL: prism[name].url, fetch: log.fetch });
  return { connections: client.connections, calls: log.calls };
}

/** Every recorded call went through Prism without a violation; `count` calls in all. */
function assertClean(calls, count) {
  const flagged = calls.filter((call) => call.violations !== null || call.contentType.includes("problem+json"));
  assert.deepEqual(flagged, [], "Prism flagged a request or an answer");
  if (count !== undefined) assert.equal(calls.length, count, "number of calls through Prism");
}

/** Asserts that `promise` rejects with a SupermemoryError having these fields; returns it. */
async function rejectsWith(promise, fields) {
  const error = await promise.then(
    (value) => assert.fail(`expected a rejection, resolved ${JSON.stringify(value)}`),
    (reason) => reason,
  );
  assert.ok(error instanceof pkg.SupermemoryError, `not a SupermemoryError: ${error}`);
  for (const [name, value] of Object.entries(fields)) assert.equal(error[name], value, `error.${name}`);
  return error;
}

/** The emulator's requests recorded while `run` ran. */
async function emulatorRequestsDuring(run) {
  const start = emulator.requests.length;
  const result = await run();
  return { result, requests: emulator.requests.slice(start) };
}

/** Prism's problem+json from a recorded call: its type and the validation messages. */
function problem(call) {
  assert.ok(call.contentType.includes("application/problem+json"), `not a Prism problem: ${call.contentType}`);
  const body = JSON.parse(call.body);
  return { type: body.type, status: body.status, messages: (body.validation ?? []).map((v) => v.message) };
}

/** Waits until the named Prism's log has a line matching `pattern` (logging trails the answer). */
async function logLine(name, pattern) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const line = prism[name]
      .log()
      .split("\n")
      .find((l) => pattern.test(l));
    if (line !== undefined) return line;
    if (Date.now() > deadline) assert.fail(`no log line of prism ${name} matches ${pattern}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Allows an OAuth connection on the emulator's consent page (not an API call: no Prism). */
async function allowConsent(authLink, provider) {
  const link = new URL(authLink);
  const form = new URLSearchParams({
    connection: link.searchParams.get("connection"),
    token: link.searchParams.get("token"),
    decision: "allow",
  });
  const response = await fetch(`${emulator.url}/oauth/${provider}/decide`, {
    method: "POST",
    body: form,
    redirect: "manual",
  });
  await response.arrayBuffer();
  assert.equal(response.status, 303, "the consent page redirects back");
}

const isConnection = (value) =>
  typeof value?.id === "string" && typeof value.createdAt === "string" && typeof value.provider === "string";

// ---- traffic that must pass: every operation through the contract Prism ----

describe("the package's requests pass the document (contract Prism)", () => {
  /** Ids of the connections created here, by provider. */
  const ids = {};

  test("create: an OAuth provider (client.connections.create, every parameter)", async () => {
    const { connections, calls } = clientVia("contract");
    const created = await connections.create("github", {
      containerTags: [TAG, "team_a"],
      redirectUrl: REDIRECT_URL,
      documentLimit: 2,
      metadata: { team: "growth", seats: 3, beta: true },
    });
    assert.match(created.id, /^conn_/);
    assert.match(created.authLink, /\/oauth\/github\/authorize\?/);
    assert.equal(created.expiresIn, "1 hour");
    assert.equal(created.redirectsTo, REDIRECT_URL);
    assertClean(calls, 1);
    ids.github = created.id;
    await allowConsent(created.authLink, "github");
  });

  test("create: OAuth providers through createConnection (the package's own fetch)", async () => {
    const notion = await pkg.createConnection("notion", {
      apiKey: EMULATOR_API_KEY,
      baseURL: prism.contract.url,
      containerTag: TAG,
      metadata: null,
    });
    assert.equal(typeof notion.authLink, "string");
    assert.equal(notion.redirectsTo, null);
    ids.notion = notion.id;
    const drive = await pkg.createConnection("google-drive", {
      apiKey: EMULATOR_API_KEY,
      baseURL: prism.contract.url,
      containerTags: [TAG],
      metadata: { syncScope: "full" },
    });
    assert.equal(typeof drive.authLink, "string");
    // No recorder here: the final log check covers these calls.
  });

  test("create: web-crawler, s3 and granola answer without authLink (null)", async () => {
    const settings = {
      "web-crawler": { startUrl: "https://docs.example.com/start" },
      s3: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret-example", bucket: "docs", region: "us-east-1", prefix: "a/" },
      granola: { apiKey: "granola-example-key" },
    };
    for (const [provider, metadata] of Object.entries(settings)) {
      const log = recorder();
      const created = await pkg.createConnection(provider, {
        apiKey: EMULATOR_API_KEY,
        baseURL: prism.contract.url,
        fetch: log.fetch,
        containerTags: [TAG],
        metadata,
      });
      assert.deepEqual(
        { authLink: created.authLink, expiresIn: created.expiresIn, redirectsTo: created.redirectsTo },
        { authLink: null, expiresIn: null, redirectsTo: null },
        provider,
      );
      assertClean(log.calls, 1);
      ids[provider] = created.id;
    }
  });

  test("create: explicit nulls, as the API's docs answer for granola, pass (overlay)", async () => {
    const { connections, calls } = clientVia("contract");
    emulator.script({ body: { id: "conn_null_fields", authLink: null, expiresIn: null, redirectsTo: null } });
    const created = await connections.create("granola", { containerTag: TAG, metadata: { apiKey: "k" } });
    assert.deepEqual(created, { id: "conn_null_fields", authLink: null, expiresIn: null, redirectsTo: null });
    assertClean(calls, 1);
  });

  test("list: with and without container tags", async () => {
    const { connections, calls } = clientVia("contract");
    const tagged = await connections.list({ containerTags: [TAG] });
    assert.ok(tagged.every(isConnection));
    for (const provider of ["github", "notion", "web-crawler", "s3", "granola"]) {
      assert.ok(tagged.some((c) => c.id === ids[provider]), `${provider} is listed`);
    }
    const all = await connections.list();
    assert.ok(all.length >= tagged.length);
    assertClean(calls, 2);
  });

  test("waitForConnection and getByID: the authorised GitHub connection after its sync", async () => {
    const { connections, calls } = clientVia("contract");
    const synced = await connections.waitForConnection(ids.github, { interval: 100, maxWait: 20_000 });
    assert.equal(synced.lastSyncRun.status, "completed");
    const connection = await connections.getByID(ids.github);
    assert.equal(connection.id, ids.github);
    assert.equal(connection.provider, "github");
    assert.equal(typeof connection.email, "string");
    assert.equal(typeof connection.expiresAt, "string");
    assert.equal(connection.documentLimit, 2);
    assertClean(calls);
    assert.ok(calls.length >= 2);
  });

  test("getByTag: the provider's connection for the tags", async () => {
    const { connections, calls } = clientVia("contract");
    const connection = await connections.getByTag("github", { containerTags: [TAG] });
    assert.equal(connection.id, ids.github);
    assertClean(calls, 1);
  });

  test("listDocuments: with and without container tags", async () => {
    const { connections, calls } = clientVia("contract");
    const documents = await connections.listDocuments("github", { containerTags: [TAG] });
    assert.equal(documents.length, 2, "documentLimit 2");
    for (const document of documents) {
      assert.equal(typeof document.createdAt, "string");
      assert.equal(typeof document.type, "string");
      assert.ok("summary" in document && "title" in document && "id" in document);
    }
    assert.ok(Array.isArray(await connections.listDocuments("notion")));
    assertClean(calls, 2);
  });

  test("import: resolves the 202 text, with and without container tags", async () => {
    const { connections, calls } = clientVia("contract");
    const text = await connections.import("github", { containerTags: [TAG] });
    assert.equal(typeof text, "string");
    assert.ok(text.length > 0, "the 202 text");
    assert.equal(typeof (await connections.import("notion")), "string");
    assertClean(calls, 2);
  });

  test("resources: default page, and page / per_page / parent_id", async () => {
    const { connections, calls } = clientVia("contract");
    const first = await connections.resources(ids.github);
    assert.ok(first.resources.length > 0);
    assert.equal(typeof first.total_count, "number");
    const second = await connections.resources(ids.github, { page: 2, per_page: 2, parent_id: "root" });
    assert.equal(second.resources.length, 2);
    assertClean(calls, 2);
    const query = emulator.requests.at(-1).query;
    assert.deepEqual(query, { page: "2", per_page: "2", parent_id: "root" });
  });

  test("configure: the chosen resources", async () => {
    const { connections, calls } = clientVia("contract");
    const { resources } = await connections.resources(ids.github, { per_page: 2 });
    const answer = await connections.configure(ids.github, { resources });
    assert.equal(answer.success, true);
    assert.equal(typeof answer.message, "string");
    assert.equal(answer.webhooksRegistered, 2);
    assertClean(calls, 2);
  });

  test("deleteByID: keeps or deletes documents, resolves an array", async () => {
    const { connections, calls } = clientVia("contract");
    const { result, requests } = await emulatorRequestsDuring(() =>
      connections.deleteByID(ids["web-crawler"], { deleteDocuments: false }),
    );
    assert.deepEqual(result, [{ id: ids["web-crawler"], provider: "web-crawler" }]);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].path, `/v3/connections/${ids["web-crawler"]}`);
    assert.deepEqual(requests[0].query, { deleteDocuments: "false" });
    assert.equal(requests[0].body, "");
    assertClean(calls, 1);
  });

  test("deleteByProvider: resolves an array of what went", async () => {
    const { connections, calls } = clientVia("contract");
    const deleted = await connections.deleteByProvider("s3", { containerTags: [TAG] });
    assert.deepEqual(deleted, [{ id: ids.s3, provider: "s3" }]);
    assertClean(calls, 1);
  });

  test("delete: a single { id, provider } object (older deployments) resolves an array (overlay)", async () => {
    const { connections, calls } = clientVia("contract");
    emulator.script({ body: { id: "conn_single", provider: "granola" } });
    const deleted = await connections.deleteByID("conn_single", { deleteDocuments: true });
    assert.deepEqual(deleted, [{ id: "conn_single", provider: "granola" }]);
    emulator.script({ body: { id: "conn_single_2", provider: "granola" } });
    const byProvider = await connections.deleteByProvider("granola", { containerTags: [TAG] });
    assert.deepEqual(byProvider, [{ id: "conn_single_2", provider: "granola" }]);
    assertClean(calls, 2);
  });

  test("route ambiguity: DELETE /v3/connections/{x} by provider name and by id", async () => {
    const { connections, calls } = clientVia("contract");
    const notionA = await connections.create("notion", { containerTag: AMBIGUITY_TAG });
    const notionB = await connections.create("notion", { containerTags: [AMBIGUITY_TAG, "other"] });
    const onedrive = await connections.create("onedrive", { containerTag: AMBIGUITY_TAG });

    const byProvider = await emulatorRequestsDuring(() =>
      connections.deleteByProvider("notion", { containerTags: [AMBIGUITY_TAG] }),
    );
    assert.deepEqual(
      byProvider.result.map((c) => c.id).sort(),
      [notionA.id, notionB.id].sort(),
      "only notion's connections with the tag",
    );
    assert.ok(byProvider.result.every((c) => c.provider === "notion"));
    const [providerRequest] = byProvider.requests;
    assert.equal(providerRequest.method, "DELETE");
    assert.equal(providerRequest.path, "/v3/connections/notion");
    assert.deepEqual(providerRequest.json, { containerTags: [AMBIGUITY_TAG] });
    assert.deepEqual(providerRequest.query, {});

    const byId = await emulatorRequestsDuring(() => connections.deleteByID(onedrive.id, { deleteDocuments: true }));
    assert.deepEqual(byId.result, [{ id: onedrive.id, provider: "onedrive" }]);
    const [idRequest] = byId.requests;
    assert.equal(idRequest.path, `/v3/connections/${onedrive.id}`);
    assert.deepEqual(idRequest.query, { deleteDocuments: "true" });
    assert.equal(idRequest.body, "");
    assertClean(calls, 5);
    assert.equal(emulator.connections.has(ids.notion), true, "notion's connection without the tag stays");
  });

  test("401: a wrong API key, for every operation (the emulator's answers pass the document)", async () => {
    const { connections, calls } = clientVia("contract", { apiKey: "sm_wrong_key" });
    const tags = { containerTags: [TAG] };
    const calls401 = {
      create: () => connections.create("notion", { containerTag: TAG }),
      list: () => connections.list(),
      getByID: () => connections.getByID(ids.github),
      getByTag: () => connections.getByTag("github", tags),
      deleteByID: () => connections.deleteByID(ids.github, { deleteDocuments: false }),
      deleteByProvider: () => connections.deleteByProvider("github", tags),
      import: () => connections.import("github", tags),
      listDocuments: () => connections.listDocuments("github", tags),
      resources: () => connections.resources(ids.github),
      configure: () => connections.configure(ids.github, { resources: [{ id: 100001, name: "notes" }] }),
      waitForConnection: () => connections.waitForConnection(ids.github, { interval: 100, maxWait: 5000 }),
    };
    for (const [operation, run] of Object.entries(calls401)) {
      await rejectsWith(run(), { code: "authentication", status: 401 }).catch((error) => {
        error.message = `${operation}: ${error.message}`;
        throw error;
      });
    }
    assertClean(calls, Object.keys(calls401).length);
    assert.ok(calls.every((call) => call.status === 401 && call.contentType.startsWith("application/json")));
    assert.ok(emulator.connections.has(ids.github), "nothing was deleted");
  });

  test("404: unknown connection id, and no connection for the tags", async () => {
    const { connections, calls } = clientVia("contract");
    await rejectsWith(connections.getByID("conn_does_not_exist"), { code: "not_found", status: 404 });
    await rejectsWith(connections.getByTag("onedrive", { containerTags: ["nobody_here"] }), {
      code: "not_found",
      status: 404,
    });
    await rejectsWith(connections.deleteByProvider("gmail", { containerTags: ["nobody_here"] }), {
      code: "not_found",
      status: 404,
    });
    assertClean(calls, 3);
  });

  test("the contract Prism logged no violation and refused nothing", async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(prism.contract.problems(), [], "see test-output/contract/prism.log");
    assert.match(prism.contract.log(), /Forwarding "delete" request/);
  });
});

// ---- traffic built to break the document: the check can fail ----

describe("violations fail (refusals Prism, the same document and flags)", () => {
  test("a request breaking the document is refused before it reaches the API", async () => {
    const { result: response, requests } = await emulatorRequestsDuring(() =>
      fetch(`${prism.refusals.url}/v3/connections/notion`, {
        method: "POST",
        headers: { authorization: `Bearer ${EMULATOR_API_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ containerTag: TAG, documentLimit: "x" }),
      }),
    );
    const body = await response.json();
    assert.equal(response.status, 422);
    assert.match(response.headers.get("content-type"), /application\/problem\+json/);
    assert.deepEqual(
      body.validation.map((v) => v.location),
      [["body", "documentLimit"]],
    );
    assert.equal(requests.length, 0, "Prism did not forward it");
    await logLine("refusals", /terminated with error: .*UNPROCESSABLE_ENTITY/);
  });

  test("the package's request without a key is refused (the document requires bearer auth)", async () => {
    const log = recorder();
    const { requests } = await emulatorRequestsDuring(() =>
      rejectsWith(
        pkg.createConnection("notion", { baseURL: prism.refusals.url, fetch: log.fetch, containerTag: TAG }),
        { code: "authentication", status: 401 },
      ),
    );
    assert.equal(requests.length, 0, "Prism did not forward it");
    assert.match(problem(log.calls[0]).type, /#UNAUTHORIZED$/);
  });

  test("an answer breaking the document ({ authLink: 5 }, no id) makes the package reject", async () => {
    const log = recorder();
    const client = new pkg.Supermemory({ apiKey: EMULATOR_API_KEY, baseURL: prism.refusals.url, fetch: log.fetch });
    emulator.script({ body: { authLink: 5 } });
    const { requests } = await emulatorRequestsDuring(() =>
      // server_error, not invalid_response: Prism replaced the answer before the package saw it.
      rejectsWith(client.connections.create("notion", { containerTag: TAG }), { code: "server_error", status: 500 }),
    );
    assert.equal(requests.length, 1, "the emulator answered");
    const { type, messages } = problem(log.calls[0]);
    assert.match(type, /#VIOLATIONS$/);
    assert.ok(messages.some((m) => /required property 'id'/.test(m)), messages.join("; "));
    assert.ok(messages.some((m) => /authLink must be string/.test(m)), messages.join("; "));
    await logLine("refusals", /terminated with error: .*VIOLATIONS/);
  });
});

// ---- the published document without the overlay: each deviation is needed ----

describe("each overlay entry is needed (published Prism, no overlay)", () => {
  test("deleteByID: the two identical DELETE templates refuse a connection id", async () => {
    const { connections, calls } = clientVia("published");
    const { requests } = await emulatorRequestsDuring(() =>
      rejectsWith(connections.deleteByID("conn_abc123", { deleteDocuments: true }), {
        code: "unprocessable",
        status: 422,
      }),
    );
    assert.equal(requests.length, 0);
    const { messages } = problem(calls[0]);
    assert.ok(messages.some((m) => /path parameter provider must be equal to one of the allowed values/.test(m)));
  });

  test("create: an explicit null authLink breaks the published document", async () => {
    const { connections, calls } = clientVia("published");
    emulator.script({ body: { id: "conn_null_fields", authLink: null, expiresIn: null, redirectsTo: null } });
    await rejectsWith(connections.create("granola", { containerTag: TAG, metadata: { apiKey: "k" } }), {
      code: "server_error",
      status: 500,
    });
    const { messages } = problem(calls[0]);
    for (const field of ["authLink", "expiresIn", "redirectsTo"]) {
      assert.ok(messages.some((m) => m.includes(`${field} must be string`)), `${field}: ${messages.join("; ")}`);
    }
  });

  test("delete: a single { id, provider } object breaks the published document", async () => {
    const { connections, calls } = clientVia("published");
    emulator.script({ body: { id: "conn_single", provider: "s3" } });
    await rejectsWith(connections.deleteByProvider("s3", { containerTags: [TAG] }), {
      code: "server_error",
      status: 500,
    });
    const { messages } = problem(calls[0]);
    assert.ok(messages.some((m) => /must be array/.test(m)), messages.join("; "));
  });

  test("import: the published document lists no 401, so Prism flags the API's 401", async () => {
    const { connections, calls } = clientVia("published", { apiKey: "sm_wrong_key" });
    await rejectsWith(connections.import("github", { containerTags: [TAG] }), { code: "authentication", status: 401 });
    assert.match(calls[0].violations ?? "", /Unable to match the returned status code/);
  });
});
