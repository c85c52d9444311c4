// The built package as a consumer uses it: pkg/index.js imported by a page served under the
// demo's Content-Security-Policy, driven by Playwright in Debian's Chromium.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { startDemoServer } from "../../www/server.mjs";
import { launchBrowser } from "./browser.mjs";

let demo;
let browser;
let page;
const problems = [];

before(async () => {
  demo = await startDemoServer();
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // HTTP error statuses the tests provoke are logged by Chromium as failed loads; anything
    // else at error level is a real problem.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource: the server responded with a status of")) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  await page.goto(`${demo.url}/`);
  // The demo's proxy scopes every call to the session's user (Ada, tag demo_ada): sign in first,
  // and let the page's own first list finish, so it never lands among a test's requests.
  await page.evaluate(() => fetch("/session"));
  await page.waitForFunction(
    () => !document.getElementById("connection-list").hasAttribute("aria-busy") && document.getElementById("connections-empty").textContent !== "Loading…",
  );
  await page.evaluate(async () => {
    window.sm = await import("/pkg/index.js");
  });
});

after(async () => {
  await browser?.close();
  await demo?.close();
});

beforeEach(() => demo.emulator.reset());

/** Runs `body(sm, arg)` in the page, where `sm` is the imported package; fails if it hangs. */
function inPage(body, arg) {
  return page.evaluate(
    async ([source, value]) => {
      const run = new Function("sm", "arg", `return (${source})(sm, arg);`);
      const hang = new Promise((_, reject) => setTimeout(() => reject(new Error("the call never settled")), 5000));
      return Promise.race([run(window.sm, value), hang]);
    },
    [body.toString(), arg],
  );
}

/** Describes how a call ended, for assertions. */
const settle = `async (promise) => {
  try { return { ok: true, value: await promise }; }
  catch (e) {
    return { ok: false, isClass: e instanceof sm.SupermemoryError, isError: e instanceof Error, name: e.name,
      code: e.code, field: e.field, message: e.message, status: e.status, details: e.details,
      retryAfter: e.retryAfter, hasCause: "cause" in e, cause: String(e.cause) };
  }
}`;

test("the default export is the Supermemory class, also exported by name", async () => {
  const result = await inPage((sm) => ({
    same: sm.default === sm.Supermemory,
    exports: Object.keys(sm).sort(),
  }));
  assert.equal(result.same, true);
  assert.deepEqual(result.exports, [
    "DEFAULT_ALLOWED_HOSTS",
    "Supermemory",
    "SupermemoryError",
    "completeOAuth",
    "connectInPopup",
    "createConnection",
    "default",
    "init",
    "redirectToAuthLink",
    "startOAuth",
  ]);
});

test("DEFAULT_ALLOWED_HOSTS is frozen and equal to the list the wasm module checks", async () => {
  const result = await inPage(async (sm) => ({ js: [...sm.DEFAULT_ALLOWED_HOSTS], frozen: Object.isFrozen(sm.DEFAULT_ALLOWED_HOSTS) }));
  // The wasm's list, as src/allow_list.rs writes it.
  const rust = await readFile(new URL("../../src/allow_list.rs", import.meta.url), "utf8");
  const list = /pub const DEFAULT_ALLOWED_HOSTS: \[&str; \d+\] = \[([^\]]*)\]/.exec(rust);
  assert.ok(list, "src/allow_list.rs declares DEFAULT_ALLOWED_HOSTS");
  assert.deepEqual(result.js, [...list[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]));
  assert.equal(result.frozen, true);
  assert.ok(result.js.includes("api.notion.com"));
});

test("createConnection through the page's proxy resolves a typed result", async () => {
  const result = await inPage((sm) =>
    sm.createConnection("notion", {
      baseURL: "/api/supermemory",
      redirectUrl: "https://app.example.com/connected",
      containerTags: ["demo_ada"],
      metadata: { team: "growth" },
      documentLimit: 5000,
    }),
  );
  assert.match(result.id, /^conn_[0-9a-f]{16}$/);
  assert.match(result.authLink, new RegExp(`^${demo.emulator.url}/oauth/notion/authorize\\?`));
  assert.equal(result.expiresIn, "1 hour");
  assert.equal(result.redirectsTo, "https://app.example.com/connected");
  assert.deepEqual(Object.keys(result), ["id", "authLink", "expiresIn", "redirectsTo"]);
  const sent = demo.emulator.requests.filter((r) => r.method === "POST");
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].json, {
    redirectUrl: "https://app.example.com/connected",
    containerTags: ["demo_ada"],
    documentLimit: 5000,
    metadata: { team: "growth" },
  });
});

test("a validation error is a SupermemoryError with code and field, and sends nothing", async () => {
  const result = await inPage(
    new Function("sm", `return (${settle})(sm.createConnection("web-crawler", { baseURL: "/api/supermemory", metadata: { startUrl: "ftp://x" } }));`),
  );
  assert.deepEqual(
    { isClass: result.isClass, isError: result.isError, name: result.name, code: result.code, field: result.field },
    { isClass: true, isError: true, name: "SupermemoryError", code: "invalid_request", field: "metadata.startUrl" },
  );
  assert.equal(result.message, "metadata.startUrl must be an absolute http: or https: URL");
  assert.equal(demo.emulator.requests.length, 0);
});

test("throwing getters, Proxies, symbols and bigints settle as invalid_request", async () => {
  const cases = [
    ["({ get baseURL() { throw new Error('boom'); } })", "baseURL"],
    ["new Proxy({}, { ownKeys() { throw new Error('trap'); } })", "options"],
    ["new Proxy({ baseURL: '/api/supermemory' }, { get() { throw new Error('trap'); } })", "baseURL"],
    ["({ baseURL: '/api/supermemory', documentLimit: 5n })", "documentLimit"],
    ["({ baseURL: '/api/supermemory', containerTag: Symbol('x') })", "containerTag"],
  ];
  for (const [expression, field] of cases) {
    const result = await inPage(
      new Function("sm", `return (${settle})(sm.createConnection("notion", ${expression}));`),
    );
    assert.equal(result.ok, false, expression);
    assert.equal(result.isClass, true, expression);
    assert.equal(result.code, "invalid_request", expression);
    assert.equal(result.field, field, expression);
  }
  assert.equal(demo.emulator.requests.length, 0);
  const after = await inPage((sm) => sm.createConnection("gmail", { baseURL: "/api/supermemory" }));
  assert.match(after.id, /^conn_/, "the module still works afterwards");
});

test("HTTP errors carry status and the API's details", async () => {
  demo.emulator.script([{ status: 402, body: { error: "Plan limit reached", details: "upgrade to connect more" } }]);
  const result = await inPage(
    new Function("sm", `return (${settle})(sm.createConnection("notion", { baseURL: "/api/supermemory" }));`),
  );
  assert.deepEqual(
    { code: result.code, status: result.status, message: result.message, details: result.details, isClass: result.isClass },
    { code: "payment_required", status: 402, message: "Plan limit reached", details: "upgrade to connect more", isClass: true },
  );
});

test("an abort rejects with aborted and the reason as cause", async () => {
  const result = await inPage(
    new Function(
      "sm",
      `const c = new AbortController(); c.abort("user left");
       return (${settle})(sm.createConnection("notion", { baseURL: "/api/supermemory", signal: c.signal }));`,
    ),
  );
  assert.deepEqual(
    { code: result.code, hasCause: result.hasCause, cause: result.cause },
    { code: "aborted", hasCause: true, cause: "user left" },
  );
  assert.equal(demo.emulator.requests.length, 0);
});

test("new Supermemory never throws; a bad option rejects the first call", async () => {
  const result = await inPage(
    new Function(
      "sm",
      `const client = new sm.Supermemory(42);
       const bad = new sm.Supermemory({ baseURL: "/api/supermemory", timeout: -1 });
       return Promise.all([(${settle})(client.connections.create("notion")), (${settle})(bad.connections.create("notion"))]);`,
    ),
  );
  assert.deepEqual(
    result.map((r) => [r.code, r.field, r.message]),
    [
      ["invalid_request", "options", "options must be a plain object, not a number"],
      ["invalid_request", "timeout", "timeout must be an integer from 1 to 2147483647"],
    ],
  );
});

test("client.connections.create with params and request options", async () => {
  const result = await inPage(async (sm) => {
    const client = new sm.default({ baseURL: "/api/supermemory", timeout: 10000 });
    return client.connections.create(
      "s3",
      { containerTag: "demo_ada", metadata: { accessKeyId: "AKIA", secretAccessKey: "s", bucket: "b", region: "r" } },
      { timeout: 5000, maxRetries: 0 },
    );
  });
  assert.match(result.id, /^conn_/);
  assert.equal(result.authLink, null);
  assert.equal(result.expiresIn, null);
  assert.equal(result.redirectsTo, null);
});

test("an apiKey in the browser needs dangerouslyAllowBrowser", async () => {
  const result = await inPage(
    new Function("sm", `return (${settle})(sm.createConnection("notion", { apiKey: "sm_live_secret", baseURL: "/api/supermemory" }));`),
  );
  assert.equal(result.code, "browser_key_exposure");
  assert.equal(result.field, "apiKey");
  assert.doesNotMatch(result.message, /sm_live_secret/);
});

test("init() preloads and can be called again", async () => {
  const result = await inPage(async (sm) => {
    await sm.init();
    await sm.init();
    return (await sm.createConnection("github", { baseURL: "/api/supermemory" })).id;
  });
  assert.match(result, /^conn_/);
});

test("no page error and no console error during the suite", () => {
  assert.deepEqual(problems, []);
});
