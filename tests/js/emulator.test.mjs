// Tests of the local API emulator (tests/emulator.mjs). Run: node --test tests/js/emulator.test.mjs
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { EMULATOR_API_KEY, OAUTH_PROVIDERS, PROVIDERS, startEmulator } from "../emulator.mjs";

const EMULATOR_PATH = fileURLToPath(new URL("../emulator.mjs", import.meta.url));
const AUTH = { authorization: `Bearer ${EMULATOR_API_KEY}` };
const JSON_HEADERS = { ...AUTH, "content-type": "application/json" };

let emulator;

before(async () => {
  emulator = await startEmulator();
});

after(async () => {
  await emulator.close();
});

beforeEach(() => emulator.reset());

/** POSTs a create request; `body` is JSON-encoded unless it is already a string. */
function create(provider, body = {}, headers = JSON_HEADERS) {
  return fetch(`${emulator.url}/v3/connections/${provider}`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function expectError(response, status, error, details) {
  assert.equal(response.status, status);
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.equal(response.headers.get("access-control-allow-origin"), "*");
  const expected = details === undefined ? { error } : { error, details };
  assert.deepEqual(await response.json(), expected);
}

test("exports the key and the provider lists", () => {
  assert.equal(EMULATOR_API_KEY, "sm_emulator_test_key");
  assert.deepEqual(PROVIDERS, ["notion", "google-drive", "onedrive", "gmail", "github", "web-crawler", "s3", "granola"]);
  assert.deepEqual(OAUTH_PROVIDERS, ["notion", "google-drive", "onedrive", "gmail", "github"]);
  assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(emulator.url, `http://127.0.0.1:${emulator.port}`);
});

test("answers a CORS preflight with 204 and the CORS headers, and records it", async () => {
  const response = await fetch(`${emulator.url}/v3/connections/notion`, {
    method: "OPTIONS",
    headers: {
      origin: "http://localhost:5173",
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization,content-type,x-custom",
    },
  });
  assert.equal(response.status, 204);
  assert.equal(await response.text(), "");
  assert.equal(response.headers.get("access-control-allow-origin"), "http://localhost:5173");
  assert.equal(response.headers.get("access-control-allow-headers"), "authorization,content-type,x-custom");
  assert.equal(response.headers.get("access-control-allow-methods"), "GET,POST,PUT,PATCH,DELETE,OPTIONS");
  assert.equal(response.headers.get("access-control-expose-headers"), "retry-after, retry-after-ms, x-request-id");
  assert.equal(response.headers.get("access-control-max-age"), "0");
  assert.equal(emulator.requests.length, 1);
  assert.equal(emulator.requests[0].method, "OPTIONS");
  assert.equal(emulator.requests[0].path, "/v3/connections/notion");
});

test("puts CORS headers on 404 and control answers too", async () => {
  const missing = await fetch(`${emulator.url}/nowhere?x=1`);
  await expectError(missing, 404, "Not found");
  assert.equal(missing.headers.get("access-control-max-age"), "0");
  const health = await fetch(`${emulator.url}/__emulator/health`);
  assert.equal(health.status, 200);
  assert.equal(health.headers.get("access-control-allow-origin"), "*");
  assert.deepEqual(await health.json(), { ok: true });
  const preflight = await fetch(`${emulator.url}/__emulator/script`, { method: "OPTIONS" });
  assert.equal(preflight.status, 204);
  assert.match(preflight.headers.get("access-control-allow-headers"), /authorization/);
  assert.deepEqual(
    emulator.requests.map((r) => r.path),
    ["/nowhere"],
    "control requests are not recorded",
  );
});

test("rejects a missing or wrong API key with 401", async () => {
  await expectError(await create("notion", {}, { "content-type": "application/json" }), 401, "Unauthorized");
  const wrong = { authorization: "Bearer sm_other", "content-type": "application/json" };
  await expectError(await create("notion", {}, wrong), 401, "Unauthorized");
  const noBearer = { authorization: EMULATOR_API_KEY, "content-type": "application/json" };
  await expectError(await create("notion", {}, noBearer), 401, "Unauthorized");
});

test("rejects an unknown provider with 400", async () => {
  await expectError(
    await create("dropbox"),
    400,
    "Invalid provider",
    "provider must be one of notion, google-drive, onedrive, gmail, github, web-crawler, s3, granola",
  );
});

test("rejects each invalid body with 400 and the field in details", async () => {
  const tagRule = "must be a string of 1 to 100 characters from A-Z a-z 0-9 _ : -";
  const cases = [
    ["", "the body must be a JSON object"],
    ["{not json", "the body must be a JSON object"],
    ["[]", "the body must be a JSON object"],
    ["null", "the body must be a JSON object"],
    [{ extra: 1 }, 'unknown field "extra"'],
    [{ redirectUrl: 5 }, "redirectUrl must be a string"],
    [{ containerTag: "" }, `containerTag ${tagRule}`],
    [{ containerTag: "a".repeat(101) }, `containerTag ${tagRule}`],
    [{ containerTag: "has space" }, `containerTag ${tagRule}`],
    [{ containerTag: 7 }, `containerTag ${tagRule}`],
    [{ containerTags: "user_1" }, "containerTags must be an array"],
    [{ containerTags: ["ok", "bad/tag"] }, `containerTags[1] ${tagRule}`],
    [{ documentLimit: 0 }, "documentLimit must be an integer from 1 to 10000"],
    [{ documentLimit: 10001 }, "documentLimit must be an integer from 1 to 10000"],
    [{ documentLimit: 1.5 }, "documentLimit must be an integer from 1 to 10000"],
    [{ documentLimit: "5" }, "documentLimit must be an integer from 1 to 10000"],
    [{ metadata: [] }, "metadata must be an object or null"],
    [{ metadata: "x" }, "metadata must be an object or null"],
    [{ metadata: { nested: { a: 1 } } }, "metadata.nested must be a string, number or boolean"],
    [{ metadata: { gone: null } }, "metadata.gone must be a string, number or boolean"],
  ];
  for (const [body, details] of cases) {
    await expectError(await create("notion", body), 400, "Invalid request body", details);
  }
  const textPlain = { ...AUTH, "content-type": "text/plain" };
  await expectError(
    await create("notion", {}, textPlain),
    400,
    "Invalid request body",
    "Content-Type must be application/json",
  );
});

test("accepts the edge values of every field", async () => {
  const response = await create("github", {
    containerTag: "a".repeat(100),
    containerTags: ["user_1", "org:a-b"],
    documentLimit: 10000,
    metadata: { s: "x", n: 1.5, b: false },
    redirectUrl: "http://localhost:3000/back?x=1",
  });
  assert.equal(response.status, 200);
  for (const body of [{ documentLimit: 1 }, { metadata: null }, { containerTags: [] }]) {
    assert.equal((await create("github", body)).status, 200, JSON.stringify(body));
  }
});

test("creates an OAuth connection with an authLink on the emulator's origin", async () => {
  const response = await create("google-drive", {
    containerTags: ["user_1"],
    redirectUrl: "https://app.example/back?step=2",
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/json");
  const body = await response.json();
  assert.deepEqual(Object.keys(body).sort(), ["authLink", "expiresIn", "id", "redirectsTo"]);
  assert.match(body.id, /^conn_[0-9a-f]{16}$/);
  assert.equal(body.expiresIn, "1 hour");
  assert.equal(body.redirectsTo, "https://app.example/back?step=2");
  const link = new URL(body.authLink);
  assert.equal(link.origin, emulator.url);
  assert.equal(link.pathname, "/oauth/google-drive/authorize");
  assert.equal(link.searchParams.get("connection"), body.id);
  assert.match(link.searchParams.get("token"), /^[0-9a-f]{32}$/);

  const second = await (await create("google-drive")).json();
  assert.notEqual(second.id, body.id);
  assert.equal("redirectsTo" in second, false, "redirectsTo is absent without redirectUrl");
});

test("uses the Host header the client reached the emulator with", async () => {
  const viaLocalhost = `http://localhost:${emulator.port}`;
  const response = await fetch(`${viaLocalhost}/v3/connections/notion`, {
    method: "POST",
    headers: JSON_HEADERS,
    body: "{}",
  }).catch(() => null);
  if (response === null) return; // localhost does not resolve to 127.0.0.1 on this machine
  const body = await response.json();
  assert.equal(new URL(body.authLink).origin, viaLocalhost);
});

test("creates non-OAuth connections without authLink or expiresIn", async () => {
  const crawler = await create("web-crawler", { metadata: { startUrl: "https://example.com" } });
  assert.equal(crawler.status, 200);
  const body = await crawler.json();
  assert.deepEqual(Object.keys(body), ["id"]);
  assert.match(body.id, /^conn_[0-9a-f]{16}$/);

  const s3 = await (await create("s3", { redirectUrl: "https://app.example/done" })).json();
  assert.deepEqual(Object.keys(s3).sort(), ["id", "redirectsTo"]);
  assert.equal(s3.redirectsTo, "https://app.example/done");
});

test("records method, path, query, lowercased headers and raw body", async () => {
  const raw = '{ "containerTags": ["user_1"] }';
  await fetch(`${emulator.url}/v3/connections/notion?a=1&a=2&b=%20x`, {
    method: "POST",
    headers: { ...JSON_HEADERS, "X-Custom-Header": "Yes" },
    body: raw,
  });
  await fetch(`${emulator.url}/some%20path`);
  assert.equal(emulator.requests.length, 2);
  const [post, get] = emulator.requests;
  assert.equal(post.method, "POST");
  assert.equal(post.path, "/v3/connections/notion");
  assert.deepEqual(post.query, { a: "2", b: " x" });
  assert.equal(post.headers["x-custom-header"], "Yes");
  assert.equal(post.headers.authorization, `Bearer ${EMULATOR_API_KEY}`);
  assert.equal(post.headers["content-type"], "application/json");
  assert.equal(post.body, raw);
  assert.deepEqual(post.json, { containerTags: ["user_1"] });
  assert.equal(get.method, "GET");
  assert.equal(get.path, "/some%20path");
  assert.deepEqual(get.query, {});
  assert.equal(get.body, "");
  assert.equal(get.json, undefined);

  const listed = await (await fetch(`${emulator.url}/__emulator/requests`)).json();
  assert.equal(listed.length, 2);
  assert.equal(listed[0].body, raw);
  assert.equal(listed[1].path, "/some%20path");
  assert.equal("json" in listed[1], false, "undefined json is left out of the JSON listing");
});

test("reset clears requests, scripted answers and connections", async () => {
  const { authLink } = await (await create("notion")).json();
  emulator.script([{ status: 500, repeat: true }]);
  emulator.reset();
  assert.equal(emulator.requests.length, 0);
  assert.equal((await fetch(authLink)).status, 400, "the connection is gone");
  assert.equal(emulator.requests.length, 1, "no scripted answer left");

  await create("notion");
  const reset = await fetch(`${emulator.url}/__emulator/reset`, { method: "POST" });
  assert.equal(reset.status, 204);
  assert.equal(reset.headers.get("access-control-allow-origin"), "*");
  assert.deepEqual(await (await fetch(`${emulator.url}/__emulator/requests`)).json(), []);
});

test("scripted answers replace status, body and headers, once each, in order", async () => {
  emulator.script([
    { status: 429, headers: { "retry-after": "3" }, body: { error: "Too many", retryAfterSeconds: 3 } },
    { status: 503, body: "plain text", headers: { "Content-Type": "text/plain" } },
  ]);
  const first = await create("notion");
  assert.equal(first.status, 429);
  assert.equal(first.headers.get("retry-after"), "3");
  assert.equal(first.headers.get("content-type"), "application/json");
  assert.equal(first.headers.get("connection"), "close");
  assert.equal(first.headers.get("access-control-allow-origin"), "*");
  assert.deepEqual(await first.json(), { error: "Too many", retryAfterSeconds: 3 });

  const second = await fetch(`${emulator.url}/anything`);
  assert.equal(second.status, 503);
  assert.equal(second.headers.get("content-type"), "text/plain");
  assert.equal(await second.text(), "plain text");

  const third = await create("notion");
  assert.equal(third.status, 200, "answers are consumed");
  assert.equal(emulator.requests.length, 3, "scripted requests are recorded");
});

test("a scripted answer with no fields is an empty 200", async () => {
  emulator.script([{}]);
  const response = await create("notion");
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), null);
  assert.equal(await response.text(), "");
});

test("scripted answers do not answer preflights", async () => {
  emulator.script([{ status: 502 }]);
  const preflight = await fetch(`${emulator.url}/v3/connections/notion`, { method: "OPTIONS" });
  assert.equal(preflight.status, 204);
  assert.equal((await create("notion")).status, 502);
});

test("a repeat answer answers every request until reset", async () => {
  emulator.script([{ status: 502, body: { error: "Bad gateway" }, repeat: true }, { status: 418 }]);
  for (let i = 0; i < 3; i += 1) assert.equal((await create("notion")).status, 502);
  emulator.reset();
  assert.equal((await create("notion")).status, 200);
});

test("the script control endpoint appends answers and validates them", async () => {
  const post = (body) =>
    fetch(`${emulator.url}/__emulator/script`, { method: "POST", headers: { "content-type": "application/json" }, body });
  const ok = await post(JSON.stringify({ answers: [{ status: 401, body: { error: "Nope" } }] }));
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get("access-control-allow-origin"), "*");
  await expectError(await post("{}"), 400, "Invalid request body", 'expected { "answers": [ ... ] }');
  await expectError(
    await post(JSON.stringify({ answers: [{ stauts: 500 }] })),
    400,
    "Invalid request body",
    "answers[0].stauts is not a known answer field",
  );
  assert.throws(() => emulator.script([{ status: 99 }]), /answers\[0\]\.status must be an integer 100\.\.599/);
  const scripted = await create("notion");
  assert.equal(scripted.status, 401);
  assert.deepEqual(await scripted.json(), { error: "Nope" });
  assert.equal((await create("notion")).status, 200, "the invalid scripts added nothing");
});

test("delayMs waits before answering", async () => {
  emulator.script([{ status: 200, body: { id: "conn_delayed" }, delayMs: 300 }]);
  const started = performance.now();
  const response = await create("notion");
  assert.ok(performance.now() - started >= 280, "answered too early");
  assert.deepEqual(await response.json(), { id: "conn_delayed" });
});

test("drop destroys the socket so fetch rejects", async () => {
  emulator.script([{ drop: true }]);
  await assert.rejects(create("notion"), TypeError);
  assert.equal(emulator.requests.length, 1);
  assert.equal((await create("notion")).status, 200, "the drop was consumed");
});

test("stallMs sends headers and half the body, then the rest after the stall", async () => {
  const body = { id: "conn_stalled", authLink: "https://example.com/auth" };
  emulator.script([{ body, stallMs: 400 }]);
  const started = performance.now();
  const response = await create("notion");
  const headersAt = performance.now() - started;
  assert.ok(headersAt < 300, `headers arrived after ${headersAt} ms`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-length"), String(JSON.stringify(body).length));
  assert.deepEqual(await response.json(), body);
  assert.ok(performance.now() - started >= 380, "body arrived before the stall ended");
});

test("stallMs with drop cuts the body off after the stall", async () => {
  emulator.script([{ body: { id: "conn_cut" }, stallMs: 100, drop: true }]);
  const response = await create("notion");
  assert.equal(response.status, 200);
  await assert.rejects(response.text(), TypeError);
});

test("close() finishes while a stalled answer is pending", async () => {
  const own = await startEmulator();
  own.script([{ body: "x".repeat(10), stallMs: 60_000 }]);
  const client = new AbortController();
  const response = await fetch(`${own.url}/v3/connections/notion`, { method: "POST", signal: client.signal });
  const started = performance.now();
  const giveUp = setTimeout(() => client.abort(), 2000); // so a broken close() fails instead of hanging
  await own.close();
  clearTimeout(giveUp);
  assert.ok(performance.now() - started < 1000, "close waited for the stalled socket");
  await assert.rejects(response.text());
});

test("the authorize page accepts the link of a pending connection only", async () => {
  const { id, authLink } = await (await create("notion")).json();
  const page = await fetch(authLink);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
  assert.match(await page.text(), /<h1>Authorize notion<\/h1>/);

  const base = `${emulator.url}/oauth/notion/authorize`;
  const token = new URL(authLink).searchParams.get("token");
  for (const query of [`connection=${id}&token=wrong`, `connection=conn_0000000000000000&token=${token}`, ""]) {
    const bad = await fetch(`${base}?${query}`);
    assert.equal(bad.status, 400, query);
    assert.match(await bad.text(), /<h1>Invalid or expired authorization link<\/h1>/);
  }
  const otherProvider = await fetch(authLink.replace("/oauth/notion/", "/oauth/github/"));
  assert.equal(otherProvider.status, 400);
});

test("the CLI prints its URL, serves, and exits cleanly on SIGTERM", async () => {
  const child = spawn(process.execPath, [EMULATOR_PATH, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  try {
    const line = await new Promise((resolve, reject) => {
      let out = "";
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (chunk) => {
        out += chunk;
        if (out.includes("\n")) resolve(out.split("\n")[0]);
      });
      child.on("exit", () => reject(new Error(`CLI exited early; output: ${out}`)));
    });
    const match = /^emulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
    assert.ok(match, `unexpected line: ${line}`);
    assert.notEqual(match[2], "0");
    const health = await fetch(`${match[1]}/__emulator/health`);
    assert.deepEqual(await health.json(), { ok: true });
  } finally {
    child.kill("SIGTERM");
  }
  assert.deepEqual(await exited, { code: 0, signal: null });
});

test("the CLI rejects a bad argument with exit code 2", async () => {
  const child = spawn(process.execPath, [EMULATOR_PATH, "--port", "http"], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr.on("data", (chunk) => (err += chunk));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  assert.equal(code, 2);
  assert.match(err, /unexpected argument "--port"/);
});
