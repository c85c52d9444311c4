// The server half (pkg/server.js, `supermemory-connections/server`) in Node against the emulator
// holding the connections of two users: no user reaches the other's connections, nothing that
// fails a rule is forwarded, the key stays on the server. Run: node --test tests/js/proxy.test.mjs
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { rawRequest } from "./http.mjs";
import { once } from "node:events";
import { spawn } from "node:child_process";
import { copyFile, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EMULATOR_API_KEY, startEmulator } from "../emulator.mjs";
import { createProxy, toNodeHandler } from "../../pkg/server.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PREFIX = "/api/supermemory";
const ORIGIN = "https://app.example";
const USERS = {
  alice: { containerTags: ["user_alice"] },
  bob: { containerTags: ["user_bob"] },
  empty: { containerTags: [] },
  malformed: { containerTags: ["user alice"] },
};

let emulator;
let proxy;
let authorizeCalls;
/** Connections seeded for each user: { alice: { notion }, bob: { github, crawler } } (ids). */
let seeded;

before(async () => {
  emulator = await startEmulator({ port: 0 });
  proxy = createProxy({
    apiKey: EMULATOR_API_KEY,
    baseURL: emulator.url,
    authorize: (request) => {
      authorizeCalls += 1;
      const user = request.headers.get("x-demo-user");
      if (user === "throws") throw new Error("session store down");
      return USERS[user] ?? null;
    },
  });
});

after(async () => {
  await emulator?.close();
});

/** Creates a connection straight on the emulator, with the key; resolves to its id. */
async function seed(provider, body) {
  const response = await fetch(`${emulator.url}/v3/connections/${provider}`, {
    method: "POST",
    headers: { authorization: `Bearer ${EMULATOR_API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()).id;
}

beforeEach(async () => {
  emulator.reset();
  seeded = {
    alice: { notion: await seed("notion", { containerTags: ["user_alice"] }) },
    bob: {
      github: await seed("github", { containerTags: ["user_bob"] }),
      crawler: await seed("web-crawler", { containerTags: ["user_bob"], metadata: { startUrl: "https://example.com" } }),
    },
  };
  emulator.requests.length = 0;
  authorizeCalls = 0;
});

/** One request through the proxy as `user`; resolves to { status, headers, text, json }. */
async function send(user, method, path, { body, headers = {} } = {}) {
  const init = { method, headers: { ...(user ? { "x-demo-user": user } : {}), ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers["content-type"] = "application/json";
  }
  const response = await proxy(new Request(`${ORIGIN}${PREFIX}${path}`, init));
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  assert.ok(!text.includes(EMULATOR_API_KEY), `the key is in an answer: ${text}`);
  return { status: response.status, headers: response.headers, text, json };
}

/** The API requests the emulator saw, as "METHOD /path". */
const forwarded = () => emulator.requests.map((r) => `${r.method} ${r.path}`);
/** The forwarded requests other than the proxy's own ownership check (a list). */
const operations = () => forwarded().filter((r) => r !== "POST /v3/connections/list");

test("list with no tags (no body, {} or []) answers only the user's connections, scoped upstream", async () => {
  for (const body of [undefined, {}, { containerTags: [] }]) {
    emulator.requests.length = 0;
    const answer = await send("alice", "POST", "/v3/connections/list", { body });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.json.map((c) => c.id), [seeded.alice.notion]);
    assert.deepEqual(emulator.requests.map((r) => r.json), [{ containerTags: ["user_alice"] }]);
  }
  const bob = await send("bob", "POST", "/v3/connections/list", { body: {} });
  assert.deepEqual(bob.json.map((c) => c.id).sort(), [seeded.bob.github, seeded.bob.crawler].sort());
});

test("a user cannot name another user's tags: 403 for every tag-scoped operation, nothing forwarded", async () => {
  const others = { containerTags: ["user_bob"] };
  const cases = [
    ["POST", "/v3/connections/list", others],
    ["POST", "/v3/connections/list", { containerTags: ["user_alice", "user_bob"] }],
    ["POST", "/v3/connections/github/connection", others],
    ["DELETE", "/v3/connections/github", others],
    ["POST", "/v3/connections/github/import", others],
    ["POST", "/v3/connections/github/documents", others],
    ["POST", "/v3/connections/notion", others],
    ["POST", "/v3/connections/notion", { containerTag: "user_bob" }],
    ["POST", "/v3/connections/notion", { containerTags: ["user_alice", "user_bob"] }],
  ];
  for (const [method, path, body] of cases) {
    const answer = await send("alice", method, path, { body });
    assert.equal(answer.status, 403, `${method} ${path} ${JSON.stringify(body)}: ${answer.text}`);
    assert.deepEqual(answer.json, { error: "these container tags are not the signed-in user's" });
  }
  assert.deepEqual(forwarded(), []);
  const bob = await send("bob", "POST", "/v3/connections/list", { body: {} });
  assert.equal(bob.json.length, 2, "bob's connections are all still there");
});

test("a user cannot reach another user's connection by id: 404 as for an unknown id, not forwarded", async () => {
  const id = seeded.bob.github;
  const cases = [
    ["GET", `/v3/connections/${id}`],
    ["DELETE", `/v3/connections/${id}?deleteDocuments=true`],
    ["GET", `/v3/connections/${id}/resources?page=1`],
    ["POST", `/v3/connections/${id}/configure`, { resources: [] }],
    ["GET", "/v3/connections/conn_0000000000000000"],
  ];
  for (const [method, path, body] of cases) {
    const answer = await send("alice", method, path, { body });
    assert.equal(answer.status, 404, `${method} ${path}: ${answer.text}`);
    assert.deepEqual(answer.json, { error: "Connection not found" });
  }
  assert.deepEqual(operations(), [], "only the ownership checks (lists) reached the API");
  for (const request of emulator.requests) assert.deepEqual(request.json, { containerTags: ["user_alice"] });
  const own = await send("bob", "GET", `/v3/connections/${id}`);
  assert.equal(own.status, 200, "bob's connection was not deleted");
  assert.equal(own.json.id, id);
});

test("a user's own operations go through with the user's tags: create, getByTag, import, listDocuments, deleteByProvider", async () => {
  const created = await send("alice", "POST", "/v3/connections/github", { body: { containerTag: "user_alice", documentLimit: 50 } });
  assert.equal(created.status, 200, created.text);
  const sent = emulator.requests.at(-1);
  assert.equal(sent.path, "/v3/connections/github");
  assert.deepEqual(sent.json, { containerTags: ["user_alice"], documentLimit: 50 });

  const found = await send("alice", "POST", "/v3/connections/github/connection", { body: {} });
  assert.equal(found.status, 200, found.text);
  assert.equal(found.json.id, created.json.id);
  assert.deepEqual(emulator.requests.at(-1).json, { containerTags: ["user_alice"] });

  const imported = await send("alice", "POST", "/v3/connections/notion/import", { headers: { accept: "text/plain" } });
  assert.equal(imported.status, 202, imported.text);
  assert.deepEqual(emulator.requests.at(-1).json, { containerTags: ["user_alice"] });

  const documents = await send("alice", "POST", "/v3/connections/notion/documents", { body: { containerTags: ["user_alice"] } });
  assert.equal(documents.status, 200, documents.text);

  const deleted = await send("alice", "DELETE", "/v3/connections/github", { body: {} });
  assert.equal(deleted.status, 200, deleted.text);
  assert.deepEqual(emulator.requests.at(-1).json, { containerTags: ["user_alice"] });
  const bob = await send("bob", "POST", "/v3/connections/github/connection", { body: {} });
  assert.equal(bob.status, 200, "bob's github connection survived alice's deleteByProvider");
});

test("create then getByID: a connection unknown to the cache is listed again; deleteByID forgets it", async () => {
  const before = await send("alice", "GET", `/v3/connections/${seeded.alice.notion}`);
  assert.equal(before.status, 200, before.text);
  const created = await send("alice", "POST", "/v3/connections/gmail", { body: {} });
  assert.equal(created.status, 200, created.text);
  const read = await send("alice", "GET", `/v3/connections/${created.json.id}`);
  assert.equal(read.status, 200, read.text);
  assert.equal(read.json.id, created.json.id);
  const deleted = await send("alice", "DELETE", `/v3/connections/${created.json.id}?deleteDocuments=false`);
  assert.equal(deleted.status, 200, deleted.text);
  assert.equal(emulator.requests.at(-1).path, `/v3/connections/${created.json.id}`);
  assert.deepEqual(emulator.requests.at(-1).query, { deleteDocuments: "false" });
  emulator.requests.length = 0;
  const gone = await send("alice", "GET", `/v3/connections/${created.json.id}`);
  assert.equal(gone.status, 404);
  assert.deepEqual(operations(), [], "the deleted id was not served from the cache");
});

test("concurrent calls naming the user's ids share one ownership list", async () => {
  const ids = [seeded.bob.github, seeded.bob.crawler];
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send("bob", "GET", `/v3/connections/${ids[i % 2]}`)));
  assert.deepEqual(answers.map((a) => a.status), Array(20).fill(200));
  assert.deepEqual(answers.map((a) => a.json.id), Array.from({ length: 20 }, (_, i) => ids[i % 2]));
  assert.equal(forwarded().filter((r) => r === "POST /v3/connections/list").length, 1, forwarded().join("\n"));
  assert.equal(operations().length, 20);
});

test("routes: only the ten operations pass; everything else is 404 and reaches nothing", async () => {
  const cases = [
    ["PUT", "/v3/connections/list"],
    ["POST", "/v3/connections/dropbox"],
    ["POST", "/v3/connections/notion/unknown"],
    ["GET", "/v3/connections"],
    ["GET", "/v3/connections/"],
    ["GET", "/v3/documents"],
    ["POST", "/v3/search"],
    ["GET", `/v3/connections/a%2Fb`],
    ["GET", `/v3/connections/a%2fb/resources`],
    ["GET", `/v3/connections//resources`],
    ["GET", `/v3/connections/%2e%2e`],
    ["GET", `/v3/connections/%E0%A4%A`],
    ["GET", `/v3/connections/${seeded.alice.notion}/resources/extra`],
  ];
  for (const [method, path] of cases) {
    const answer = await send("alice", method, path);
    assert.equal(answer.status, 404, `${method} ${path}: ${answer.text}`);
  }
  const outside = await proxy(new Request(`${ORIGIN}/v3/connections/list`, { method: "POST", headers: { "x-demo-user": "alice" } }));
  assert.equal(outside.status, 404, "a path outside the prefix");
  assert.deepEqual(forwarded(), []);
  // GET /v3/connections/list is getByID("list") as the API classifies it: an id that is not the
  // user's, so only the ownership check (a list) reaches the API.
  const asId = await send("alice", "GET", "/v3/connections/list");
  assert.equal(asId.status, 404, asId.text);
  assert.deepEqual(forwarded(), ["POST /v3/connections/list"]);
});

test("not signed in (null, or authorize throws): 401; no valid tag: 500; nothing forwarded", async () => {
  for (const user of [undefined, "nobody", "throws"]) {
    const answer = await send(user, "POST", "/v3/connections/list", { body: {} });
    assert.equal(answer.status, 401, `${user}: ${answer.text}`);
    assert.deepEqual(answer.json, { error: "Sign in to manage connections" });
  }
  for (const user of ["empty", "malformed"]) {
    const answer = await send(user, "POST", "/v3/connections/list", { body: {} });
    assert.equal(answer.status, 500, `${user}: ${answer.text}`);
    assert.deepEqual(answer.json, { error: "authorize did not return the user's container tags" });
  }
  assert.equal(authorizeCalls, 5);
  assert.deepEqual(forwarded(), []);
});

test("bodies are checked with the package's validation: 400 with the package's message and field, nothing forwarded", async () => {
  const cases = [
    ["POST", "/v3/connections/notion", { documentLimit: 0 }, "documentLimit must be an integer from 1 to 10000", "documentLimit"],
    ["POST", "/v3/connections/notion", { redirectUrl: "http://example.com/x" }, "redirectUrl must use https: (http: only for localhost or 127.0.0.1)", "redirectUrl"],
    ["POST", "/v3/connections/web-crawler", {}, "web-crawler needs metadata.startUrl", "metadata.startUrl"],
    ["POST", "/v3/connections/notion", { colour: "red" }, "unknown option colour", "colour"],
    ["POST", "/v3/connections/list", { containerTags: ["user alice"] }, "containerTags[0] may only contain letters, digits, _, : and -", "containerTags[0]"],
    ["GET", `/v3/connections/${seeded.alice.notion}/resources?per_page=500`, undefined, "per_page must be an integer from 1 to 100", "per_page"],
    ["DELETE", `/v3/connections/${seeded.alice.notion}`, undefined, "deleteDocuments is required: true also deletes the documents synced from this connection, false keeps them", "deleteDocuments"],
    ["POST", `/v3/connections/${seeded.alice.notion}/configure`, { resources: "all" }, "resources must be an array of objects, not a string", "resources"],
  ];
  for (const [method, path, body, error, field] of cases) {
    const answer = await send("alice", method, path, { body });
    assert.equal(answer.status, 400, `${method} ${path}: ${answer.text}`);
    assert.deepEqual(answer.json, { error, field });
  }
  for (const [body, error] of [
    ["{not json", "the body is not JSON"],
    ["[1]", "the body must be a JSON object"],
    ["null", "the body must be a JSON object"],
  ]) {
    const answer = await send("alice", "POST", "/v3/connections/list", { body });
    assert.equal(answer.status, 400, answer.text);
    assert.deepEqual(answer.json, { error });
  }
  assert.deepEqual(forwarded(), []);
});

test("a body over 1 MB is 413 and not forwarded; exactly 1 MB is read", async () => {
  const padding = (size) => JSON.stringify({ containerTags: ["user_alice"], pad: "x".repeat(size) });
  const limit = 1024 * 1024;
  const over = padding(limit);
  const answer = await send("alice", "POST", "/v3/connections/list", { body: over });
  assert.equal(answer.status, 413, answer.text);
  const exact = padding(limit - padding(0).length);
  assert.equal(Buffer.byteLength(exact), limit);
  const read = await send("alice", "POST", "/v3/connections/list", { body: exact });
  assert.equal(read.status, 400, "a 1 MB body is read and checked (pad is an unknown option)");
  assert.equal(read.json.field, "pad");
  assert.deepEqual(forwarded(), []);
});

test("the browser's Authorization and Cookie are not forwarded; the key is added", async () => {
  const answer = await send("alice", "POST", "/v3/connections/list", {
    body: {},
    headers: { authorization: "Bearer browser-session-token", cookie: "session=abc", "x-custom": "1" },
  });
  assert.equal(answer.status, 200, answer.text);
  const [sent] = emulator.requests;
  assert.equal(sent.headers.authorization, `Bearer ${EMULATOR_API_KEY}`);
  assert.equal(sent.headers.cookie, undefined);
  assert.equal(sent.headers["x-custom"], undefined);
});

test("the API's failures pass through with their status, body and retry headers; only safe headers come back", async () => {
  emulator.script({ status: 429, headers: { "retry-after": "3", "x-internal": "secret" }, body: { error: "Too many requests" } });
  const answer = await send("alice", "POST", "/v3/connections/list", { body: {} });
  assert.equal(answer.status, 429);
  assert.deepEqual(answer.json, { error: "Too many requests" });
  assert.equal(answer.headers.get("retry-after"), "3");
  assert.equal(answer.headers.get("x-internal"), null);
  assert.deepEqual([...answer.headers.keys()].sort(), ["content-type", "retry-after"]);
});

test("an API that echoes the key: the answer carries it redacted; an unreachable API is 502", async () => {
  const echo = createProxy({
    apiKey: EMULATOR_API_KEY,
    authorize: () => USERS.alice,
    fetch: async (url, init) =>
      new Response(JSON.stringify({ error: `bad key ${init.headers.authorization}` }), {
        status: 401,
        headers: { "content-type": "application/json", "set-cookie": "a=b" },
      }),
  });
  const echoed = await echo(new Request(`${ORIGIN}${PREFIX}/v3/connections/list`, { method: "POST", body: "{}" }));
  assert.equal(echoed.status, 401);
  assert.deepEqual(await echoed.json(), { error: "bad key Bearer [redacted]" });
  assert.equal(echoed.headers.get("set-cookie"), null);

  const closed = createServer();
  closed.listen(0, "127.0.0.1");
  await once(closed, "listening");
  const deadUrl = `http://127.0.0.1:${closed.address().port}`;
  closed.close();
  await once(closed, "close");
  const dead = createProxy({ apiKey: EMULATOR_API_KEY, baseURL: deadUrl, authorize: () => USERS.alice });
  const unreachable = await dead(new Request(`${ORIGIN}${PREFIX}/v3/connections/list`, { method: "POST", body: "{}" }));
  assert.equal(unreachable.status, 502);
  const text = await unreachable.text();
  assert.deepEqual(JSON.parse(text), { error: "the supermemory API could not be reached" });
  assert.ok(!text.includes(EMULATOR_API_KEY));
});

test("createProxy refuses bad options with a TypeError naming the option", () => {
  const authorize = () => null;
  const cases = [
    [undefined, "createProxy needs an options object"],
    [{ authorize }, "apiKey must be a non-empty string"],
    [{ apiKey: "", authorize }, "apiKey must be a non-empty string"],
    [{ apiKey: "sm key", authorize }, "apiKey may only contain visible ASCII characters (no spaces or line breaks)"],
    [{ apiKey: "sm_key\n", authorize }, "apiKey may only contain visible ASCII characters (no spaces or line breaks)"],
    [{ apiKey: "k" }, "authorize must be a function of the request"],
    [{ apiKey: "k", authorize, baseURL: "api.supermemory.ai" }, "baseURL must be an absolute http(s) URL"],
    [{ apiKey: "k", authorize, baseURL: "ftp://x" }, "baseURL must use http: or https:"],
    [{ apiKey: "k", authorize, prefix: "api/" }, 'prefix must be "" or a path that starts with "/" and does not end with one'],
    [{ apiKey: "k", authorize, fetch: 1 }, "fetch must be a function"],
    [{ apiKey: "k", authorize, wasm: new Uint8Array(1) }, "wasm must be a WebAssembly.Module (the package's supermemory_connections_bg.wasm)"],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => createProxy(options), { name: "TypeError", message });
  }
  assert.throws(() => toNodeHandler({}), { name: "TypeError", message: "toNodeHandler needs the function createProxy returned" });
});

test("toNodeHandler: Node http, an Express-style mount (originalUrl, parsed req.body), dot segments and 413", async () => {
  const handler = toNodeHandler(proxy);
  const server = createServer((req, res) => {
    if (req.url.startsWith("/mounted")) {
      // What Express does for app.use("/mounted", express.json(), handler): req.url loses the
      // mount path, originalUrl keeps it, and the parser leaves the body in req.body.
      let text = "";
      req.on("data", (chunk) => (text += chunk));
      req.on("end", () => {
        req.originalUrl = req.url.replace(/^\/mounted/, "");
        req.url = "/list";
        req.body = text === "" ? {} : JSON.parse(text);
        handler(req, res);
      });
      return;
    }
    handler(req, res);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const user = { "x-demo-user": "alice", "content-type": "application/json" };
    const plain = await rawRequest(base, { method: "POST", path: `${PREFIX}/v3/connections/list`, body: "{}", headers: user });
    assert.equal(plain.status, 200, plain.text);
    assert.deepEqual(JSON.parse(plain.text).map((c) => c.id), [seeded.alice.notion]);

    const mounted = await rawRequest(base, { method: "POST", path: `/mounted${PREFIX}/v3/connections/list`, body: "{}", headers: user });
    assert.equal(mounted.status, 200, mounted.text);
    assert.deepEqual(JSON.parse(mounted.text).map((c) => c.id), [seeded.alice.notion]);

    const denied = await rawRequest(base, {
      method: "POST",
      path: `/mounted${PREFIX}/v3/connections/list`,
      body: JSON.stringify({ containerTags: ["user_bob"] }),
      headers: user,
    });
    assert.equal(denied.status, 403, denied.text);

    emulator.requests.length = 0;
    for (const path of [`${PREFIX}/v3/connections/x/../list`, `${PREFIX}/v3/connections/x/%2e%2E/list`, `${PREFIX}/v3/connections/./list`]) {
      const dotted = await rawRequest(base, { method: "POST", path, body: "{}", headers: user });
      assert.equal(dotted.status, 404, `${path}: ${dotted.text}`);
    }
    const large = await rawRequest(base, { method: "POST", path: `${PREFIX}/v3/connections/list`, body: "x".repeat(2 * 1024 * 1024), headers: user });
    assert.equal(large.status, 413, large.text);
    assert.deepEqual(forwarded(), []);
  } finally {
    server.close();
    server.closeAllConnections();
  }
});

test("a runtime that cannot read the wasm from disk passes the compiled module as `wasm`", async () => {
  // server.js alone in a folder, without the wasm file beside it: only the given module can work.
  const dir = join(ROOT, "test-output", "proxy-module");
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await copyFile(join(ROOT, "pkg", "server.js"), join(dir, "server.js"));
  const script = `
    import { readFile } from "node:fs/promises";
    import { createProxy } from "./server.js";
    const [baseURL, apiKey, wasmPath, give] = process.argv.slice(1);
    const wasm = give === "yes" ? await WebAssembly.compile(await readFile(wasmPath)) : undefined;
    const proxy = createProxy({ apiKey, baseURL, wasm, authorize: () => ({ containerTags: ["user_alice"] }) });
    const response = await proxy(new Request("http://app.local/api/supermemory/v3/connections/list", { method: "POST", body: "{}" }));
    console.log(JSON.stringify({ status: response.status, body: await response.json() }));
  `;
  const run = (give) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script, emulator.url, EMULATOR_API_KEY, join(ROOT, "pkg", "supermemory_connections_bg.wasm"), give], { cwd: dir });
      let out = "";
      child.stdout.on("data", (chunk) => (out += chunk));
      child.on("error", reject);
      child.on("close", () => resolve(JSON.parse(out.trim().split("\n").at(-1))));
    });
  const given = await run("yes");
  assert.equal(given.status, 200, JSON.stringify(given));
  assert.deepEqual(given.body.map((c) => c.id), [seeded.alice.notion]);
  const missing = await run("no");
  assert.deepEqual(missing, { status: 500, body: { error: "the proxy failed to handle the request" } });
});
