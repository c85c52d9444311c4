// Tests of the demo server (www/server.mjs): static files, security headers, /config.json, the
// demo session (/session) and the package's proxy that scopes each call to the session's user and
// adds the key. Run: node --test tests/js/server.test.mjs
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { firstLine } from "./cli.mjs";
import { existsSync, readFileSync } from "node:fs";
import { rawRequest } from "./http.mjs";
import { fileURLToPath } from "node:url";
import { EMULATOR_API_KEY, startEmulator } from "../emulator.mjs";
import { startDemoServer } from "../../www/server.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SERVER_PATH = `${ROOT}www/server.mjs`;
const WASM_PATH = `${ROOT}pkg/supermemory_connections_bg.wasm`;
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

let demo;

before(async () => {
  // An empty env: offline mode whatever the machine's SUPERMEMORY_API_KEY says.
  demo = await startDemoServer({ port: 0, env: {} });
});

after(async () => {
  await demo.close();
});

beforeEach(() => demo.emulator.reset());

function expectSecurityHeaders(response, label) {
  assert.equal(response.headers.get("content-security-policy"), CSP, label);
  assert.equal(response.headers.get("referrer-policy"), "no-referrer", label);
  assert.equal(response.headers.get("x-content-type-options"), "nosniff", label);
}

const JSON_BODY = { redirectUrl: "http://127.0.0.1:9/back?x=1" };
/** The session cookie of demo user Ada, whose container tag is demo_ada. */
const ADA = "demo_user=ada";

function proxyCreate(headers = {}, query = "") {
  return fetch(`${demo.url}/api/supermemory/v3/connections/notion${query}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: ADA, ...headers },
    body: JSON.stringify(JSON_BODY),
  });
}

test("the page carries the security headers", async () => {
  assert.match(demo.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const page = await fetch(`${demo.url}/`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
  expectSecurityHeaders(page, "/");
  assert.match(await page.text(), /<html/i);
});

test("a JavaScript file and a 404 carry the security headers too", async () => {
  const script = await fetch(`${demo.url}/app.js`);
  assert.equal(script.status, 200);
  assert.equal(script.headers.get("content-type"), "text/javascript; charset=utf-8");
  expectSecurityHeaders(script, "/app.js");
  const pkgScript = await fetch(`${demo.url}/pkg/index.js`);
  assert.equal(pkgScript.status, 200);
  assert.equal(pkgScript.headers.get("content-type"), "text/javascript; charset=utf-8");
  expectSecurityHeaders(pkgScript, "/pkg/index.js");

  const missing = await fetch(`${demo.url}/no-such-file.txt`);
  assert.equal(missing.status, 404);
  assert.equal(await missing.text(), "Not found");
  expectSecurityHeaders(missing, "404");
  const posted = await fetch(`${demo.url}/`, { method: "POST" });
  assert.equal(posted.status, 405);
  expectSecurityHeaders(posted, "405");
});

test("the wasm file is served as application/wasm", async () => {
  if (!existsSync(WASM_PATH)) {
    assert.fail("pkg/supermemory_connections_bg.wasm is missing: run scripts/build.sh first to build pkg/");
  }
  const response = await fetch(`${demo.url}/pkg/supermemory_connections_bg.wasm`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/wasm");
  expectSecurityHeaders(response, "wasm");
  const bytes = Buffer.from(await response.arrayBuffer());
  assert.deepEqual(bytes, readFileSync(WASM_PATH));
  assert.deepEqual([...bytes.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], "the wasm magic number");
});

test("path traversal is refused with 404", async () => {
  for (const path of [
    "/..%2f..%2fetc%2fpasswd",
    "/pkg/..%2f..%2fCargo.toml",
    "/pkg/..%2fCargo.toml",
    "/..%2fCargo.toml",
    "/%2e%2e%2fCargo.toml",
    "/..%5cCargo.toml",
    "/%E0%A4%A",
  ]) {
    const response = await fetch(`${demo.url}${path}`);
    assert.equal(response.status, 404, path);
    expectSecurityHeaders(response, path);
    assert.equal(await response.text(), "Not found", path);
  }
  for (const path of ["/../Cargo.toml", "/pkg/../../Cargo.toml", "/../../../../etc/passwd"]) {
    const response = await rawRequest(demo.url, { path });
    assert.equal(response.status, 404, path);
    assert.equal(response.text, "Not found", path);
  }
});

test("the server's own source is not served", async () => {
  for (const path of ["/server.mjs", "/%73erver.mjs", "/./server.mjs"]) {
    const response = await fetch(`${demo.url}${path}`);
    assert.equal(response.status, 404, path);
    assert.equal(await response.text(), "Not found", path);
  }
});

test("/config.json says offline mode and allows the emulator's origin", async () => {
  const response = await fetch(`${demo.url}/config.json`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/json");
  expectSecurityHeaders(response, "/config.json");
  const config = await response.json();
  assert.deepEqual(config, { mode: "offline", allowedHosts: [demo.emulator.url] });
  assert.match(config.allowedHosts[0], /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(config.allowedHosts[0], demo.url);
  assert.equal(demo.mode, "offline");

  const { authLink } = await (await proxyCreate()).json();
  assert.equal(new URL(authLink).origin, config.allowedHosts[0], "the consent links are on the allowed origin");
});

test("GET /session signs a new visitor in as Ada; POST switches users; the cookie is HttpOnly and SameSite=Strict", async () => {
  const first = await fetch(`${demo.url}/session`);
  assert.equal(first.status, 200);
  expectSecurityHeaders(first, "/session");
  assert.equal(first.headers.get("set-cookie"), "demo_user=ada; Path=/; HttpOnly; SameSite=Strict");
  const users = [{ id: "ada", name: "Ada" }, { id: "ben", name: "Ben" }];
  assert.deepEqual(await first.json(), { user: "ada", name: "Ada", containerTags: ["demo_ada"], users });

  const switched = await fetch(`${demo.url}/session`, { method: "POST", headers: { cookie: ADA }, body: JSON.stringify({ user: "ben" }) });
  assert.equal(switched.status, 200);
  assert.equal(switched.headers.get("set-cookie"), "demo_user=ben; Path=/; HttpOnly; SameSite=Strict");
  assert.deepEqual(await switched.json(), { user: "ben", name: "Ben", containerTags: ["demo_ben"], users });

  const again = await fetch(`${demo.url}/session`, { headers: { cookie: "demo_user=ben" } });
  assert.equal((await again.json()).user, "ben", "the cookie is who the visitor is");

  for (const body of ['{"user":"eve"}', "not json", "{}"]) {
    const refused = await fetch(`${demo.url}/session`, { method: "POST", body });
    assert.equal(refused.status, 400, body);
    assert.deepEqual(await refused.json(), { error: "user must be one of the demo users" });
  }
  const crossSite = await fetch(`${demo.url}/session`, { method: "POST", headers: { origin: "https://evil.example" }, body: '{"user":"ben"}' });
  assert.equal(crossSite.status, 403, "another site cannot switch the user");
});

test("the proxy answers 401 without a demo session and forwards nothing", async () => {
  for (const cookie of [undefined, "demo_user=eve", "other=ada"]) {
    const response = await proxyCreate(cookie === undefined ? { cookie: "" } : { cookie });
    assert.equal(response.status, 401, String(cookie));
    assert.deepEqual(await response.json(), { error: "Sign in to manage connections" });
    expectSecurityHeaders(response, "401");
  }
  assert.equal(demo.emulator.requests.length, 0);
});

test("the proxy forwards a create with the signed-in user's tag and the key the browser never had", async () => {
  const response = await proxyCreate({}, "?trace=1&trace=2");
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/json");
  expectSecurityHeaders(response, "proxy");
  const body = await response.json();
  assert.match(body.id, /^conn_[0-9a-f]{16}$/);
  assert.equal(body.redirectsTo, JSON_BODY.redirectUrl);

  assert.equal(demo.emulator.requests.length, 1);
  const [sent] = demo.emulator.requests;
  assert.equal(sent.method, "POST");
  assert.equal(sent.path, "/v3/connections/notion");
  assert.deepEqual(sent.query, {}, "query parameters the operation does not take are not passed on");
  assert.equal(sent.headers.authorization, `Bearer ${EMULATOR_API_KEY}`);
  assert.equal(sent.headers["content-type"], "application/json");
  assert.deepEqual(sent.json, { ...JSON_BODY, containerTags: ["demo_ada"] });
});

test("the proxy replaces the browser's authorization and drops its cookies", async () => {
  const response = await proxyCreate({
    authorization: "Bearer wrong",
    cookie: `${ADA}; session=secret`,
    "x-api-key": "sm_browser_key",
    "x-custom": "1",
  });
  assert.equal(response.status, 200, "the wrong key did not reach the emulator");
  const [sent] = demo.emulator.requests;
  assert.equal(sent.headers.authorization, `Bearer ${EMULATOR_API_KEY}`);
  assert.equal(sent.headers.cookie, undefined);
  assert.equal(sent.headers["x-api-key"], undefined);
  assert.equal(sent.headers["x-custom"], undefined);
  assert.equal(JSON.stringify(sent.headers).includes("wrong"), false);
});

test("only the connections operations pass; the API's failures come back with status, body and retry headers", async () => {
  const refused = [
    ["GET", "/v3/connections?limit=5"],
    ["PUT", "/v3/things/1?a=1"],
    ["PATCH", "/v3/connections/list"],
    ["POST", "/v3/search"],
    ["OPTIONS", "/v3/connections/notion"],
  ];
  for (const [method, path] of refused) {
    const response = await fetch(`${demo.url}/api/supermemory${path}`, { method, headers: { cookie: ADA } });
    assert.equal(response.status, 404, `${method} ${path}`);
    expectSecurityHeaders(response, `${method} ${path}`);
  }
  assert.equal(demo.emulator.requests.length, 0, "nothing reached the API");

  demo.emulator.script([
    {
      status: 429,
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "retry-after": "7",
        "retry-after-ms": "6500",
        "set-cookie": "upstream=1",
        "x-upstream-secret": "s",
      },
      body: "slow down",
    },
  ]);
  const response = await fetch(`${demo.url}/api/supermemory/v3/connections/list`, { method: "POST", headers: { cookie: ADA }, body: "{}" });
  assert.equal(response.status, 429);
  assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(response.headers.get("retry-after"), "7");
  assert.equal(response.headers.get("retry-after-ms"), "6500");
  assert.equal(response.headers.get("set-cookie"), null);
  assert.equal(response.headers.get("x-upstream-secret"), null);
  expectSecurityHeaders(response, "429");
  assert.equal(await response.text(), "slow down");
  const [sent] = demo.emulator.requests;
  assert.deepEqual(sent.json, { containerTags: ["demo_ada"] });
});

test("the proxy refuses requests from other sites and other host names", async () => {
  const refusals = [
    ["another origin", { origin: "https://evil.example" }],
    ["a null origin", { origin: "null" }],
    ["a cross-site fetch", { "sec-fetch-site": "cross-site" }],
    ["a same-site fetch", { "sec-fetch-site": "same-site" }],
  ];
  for (const [label, headers] of refusals) {
    const response = await proxyCreate(headers);
    assert.equal(response.status, 403, label);
    assert.deepEqual(await response.json(), { error: "Only this demo's own page may use the proxy" }, label);
    expectSecurityHeaders(response, label);
  }
  const { port } = new URL(demo.url);
  const rebound = await rawRequest(demo.url, {
    path: "/api/supermemory/v3/connections/notion",
    method: "POST",
    headers: { host: `evil.example:${port}`, "content-type": "application/json", cookie: ADA },
    body: "{}",
  });
  assert.equal(rebound.status, 403, "a DNS-rebound Host header");
  assert.equal(demo.emulator.requests.length, 0, "nothing reached the API");

  const own = await proxyCreate({ origin: demo.url, "sec-fetch-site": "same-origin" });
  assert.equal(own.status, 200, "the page's own requests pass");
  const viaLocalhost = await rawRequest(demo.url, {
    path: "/api/supermemory/v3/connections/notion",
    method: "POST",
    headers: { host: `localhost:${port}`, origin: `http://localhost:${port}`, "content-type": "application/json", cookie: ADA },
    body: "{}",
  });
  assert.equal(viaLocalhost.status, 200, "the page opened as localhost passes");
});

test("the proxy answers 413 for a body over 1 MiB and sends nothing", async () => {
  const response = await fetch(`${demo.url}/api/supermemory/v3/connections/notion`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: ADA },
    body: "x".repeat(1024 * 1024 + 1),
  });
  assert.equal(response.status, 413);
  assert.deepEqual(await response.json(), { error: "the body is larger than 1048576 bytes" });
  assert.equal(demo.emulator.requests.length, 0);
});

test("proxy mode forwards to SUPERMEMORY_BASE_URL with SUPERMEMORY_API_KEY", async () => {
  const upstream = await startEmulator({ apiKey: "k" });
  const proxied = await startDemoServer({ env: { SUPERMEMORY_API_KEY: "k", SUPERMEMORY_BASE_URL: `${upstream.url}/` } });
  try {
    assert.equal(proxied.mode, "proxy");
    assert.equal(proxied.emulator, null);
    const config = await fetch(`${proxied.url}/config.json`);
    assert.equal(config.status, 200);
    assert.deepEqual(await config.json(), { mode: "proxy", allowedHosts: [] });

    const response = await fetch(`${proxied.url}/api/supermemory/v3/connections/github?x=1`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer wrong", cookie: "demo_user=ben" },
      body: JSON.stringify({ containerTags: ["demo_ben"] }),
    });
    assert.equal(response.status, 200);
    assert.match((await response.json()).id, /^conn_[0-9a-f]{16}$/);
    assert.equal(upstream.requests.length, 1);
    const [sent] = upstream.requests;
    assert.equal(sent.path, "/v3/connections/github");
    assert.deepEqual(sent.query, {});
    assert.equal(sent.headers.authorization, "Bearer k");
    assert.deepEqual(sent.json, { containerTags: ["demo_ben"] });
    assert.equal(demo.emulator.requests.length, 0, "the offline server's emulator saw nothing");
  } finally {
    await proxied.close();
    await upstream.close();
  }
});

test("an unreachable API answers 502", async () => {
  const gone = await startEmulator();
  const baseURL = gone.url;
  await gone.close();
  const proxied = await startDemoServer({ env: { SUPERMEMORY_API_KEY: "k", SUPERMEMORY_BASE_URL: baseURL } });
  try {
    const response = await fetch(`${proxied.url}/api/supermemory/v3/connections/notion`, { method: "POST", headers: { cookie: ADA }, body: "{}" });
    assert.equal(response.status, 502);
    assert.deepEqual(await response.json(), { error: "the supermemory API could not be reached" });
    expectSecurityHeaders(response, "502");
  } finally {
    await proxied.close();
  }
});

test("the CLI prints its URL and mode on one line, serves, and stops on SIGTERM", async () => {
  const env = { ...process.env };
  delete env.SUPERMEMORY_API_KEY;
  delete env.SUPERMEMORY_BASE_URL;
  const child = spawn(process.execPath, [SERVER_PATH, "--port", "0"], { env, stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  try {
    const line = await firstLine(child);
    const match =
      /^demo running at (http:\/\/127\.0\.0\.1:\d+)\/ \(offline, API emulator at (http:\/\/127\.0\.0\.1:\d+)\)$/.exec(line);
    assert.ok(match, `unexpected line: ${line}`);
    const config = await (await fetch(`${match[1]}/config.json`)).json();
    assert.deepEqual(config, { mode: "offline", allowedHosts: [match[2]] });
  } finally {
    child.kill("SIGTERM");
  }
  assert.deepEqual(await exited, { code: 0, signal: null });
});
