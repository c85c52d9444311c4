// Tests of the local API emulator (tests/emulator.mjs). Run: node --test tests/js/emulator.test.mjs
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { firstLine } from "./cli.mjs";
import { fileURLToPath } from "node:url";
import { EMULATOR_API_KEY, OAUTH_PROVIDERS, PROVIDERS, SYNC_ERROR_CODES, startEmulator } from "../emulator.mjs";

const EMULATOR_PATH = fileURLToPath(new URL("../emulator.mjs", import.meta.url));
const AUTH = { authorization: `Bearer ${EMULATOR_API_KEY}` };
const JSON_HEADERS = { ...AUTH, "content-type": "application/json" };
/** How long a simulated sync runs in the shared emulator. */
const SYNC_MS = 150;

let emulator;

before(async () => {
  emulator = await startEmulator({ syncMs: SYNC_MS });
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
  assert.deepEqual(SYNC_ERROR_CODES, ["auth_expired", "rate_limited", "plan_required", "provider_unavailable", "internal"]);
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

// ---- the OAuth consent flow ----

const CONSENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action *; frame-ancestors 'none'";
const INVALID_LINK = "<h1>This authorization link is invalid or has expired</h1>";
const REDIRECT = "https://app.example/back?step=2&state=a%20b";

/** Creates an OAuth connection; resolves { id, token, authLink }. */
async function createLink(provider = "notion", body = { containerTags: ["user_1"], redirectUrl: REDIRECT }) {
  const { id, authLink } = await (await create(provider, body)).json();
  return { id, authLink, token: new URL(authLink).searchParams.get("token") };
}

/** Posts the consent form the way a browser does; redirects are not followed. */
function decide(provider, fields) {
  return fetch(`${emulator.url}/oauth/${provider}/decide`, {
    method: "POST",
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
}

/** Asserts a 400 invalid-link page, with the consent page's headers and no form. */
async function expectInvalidLink(response, label) {
  assert.equal(response.status, 400, label);
  assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8", label);
  assert.equal(response.headers.get("content-security-policy"), CONSENT_CSP, label);
  const html = await response.text();
  assert.ok(html.includes(INVALID_LINK), `${label}: ${html}`);
  assert.equal(html.includes("<form"), false, label);
  assert.equal(html.includes('id="allow"'), false, label);
}

test("the consent page of a fresh link names the provider and the tags and has the two buttons", async () => {
  const names = { notion: "Notion", "google-drive": "Google Drive", onedrive: "OneDrive", gmail: "Gmail", github: "GitHub" };
  assert.deepEqual(Object.keys(names), OAUTH_PROVIDERS);
  for (const [provider, name] of Object.entries(names)) {
    const { id, token, authLink } = await createLink(provider, { containerTags: ["user_1", "org:a-b"] });
    const page = await fetch(authLink);
    assert.equal(page.status, 200, provider);
    assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(page.headers.get("content-security-policy"), CONSENT_CSP);
    assert.equal(page.headers.get("referrer-policy"), "no-referrer");
    assert.equal(page.headers.get("x-frame-options"), "DENY");
    assert.equal(page.headers.get("cache-control"), "no-store");
    const html = await page.text();
    assert.equal(/<script/i.test(html), false, "no script at all");
    assert.ok(html.includes(`<title>Allow supermemory to access your ${name}?</title>`), html);
    assert.ok(html.includes(`<h1>Allow supermemory to access your ${name}?</h1>`), html);
    assert.ok(html.includes(`<form method="post" action="/oauth/${provider}/decide">`), html);
    assert.ok(html.includes(`<input type="hidden" name="connection" value="${id}">`), html);
    assert.ok(html.includes(`<input type="hidden" name="token" value="${token}">`), html);
    assert.ok(html.includes('<button name="decision" value="allow" id="allow">Allow</button>'), html);
    assert.ok(html.includes('<button name="decision" value="deny" id="deny">Deny</button>'), html);
    assert.ok(html.includes("<li><code>user_1</code></li>\n<li><code>org:a-b</code></li>"), html);
    assert.equal(emulator.connections.get(id).status, "pending", "showing the page decides nothing");
  }
  const untagged = await (await fetch((await createLink("notion", {})).authLink)).text();
  assert.ok(untagged.includes('<p id="container-tags">No container tags.</p>'), untagged);
  assert.ok(
    emulator.requests.every((r) => r.method === "POST" || r.headers.authorization === undefined),
    "the consent page needs no API key",
  );
  assert.equal(emulator.requests.filter((r) => r.path.endsWith("/authorize")).length, 6, "consent requests are recorded");
});

test("allow activates the connection and redirects 303 to the redirectUrl unchanged", async () => {
  const { id, token } = await createLink("notion");
  const response = await decide("notion", { connection: id, token, decision: "allow" });
  assert.equal(response.status, 303);
  assert.equal(response.headers.get("location"), REDIRECT);
  assert.equal(await response.text(), "");
  const connection = emulator.connections.get(id);
  assert.equal(connection.status, "active");
  assert.equal(connection.email, "user@notion.example");
  assert.equal(connection.authUsed, true);
  const recorded = emulator.requests.at(-1);
  assert.equal(recorded.method, "POST");
  assert.equal(recorded.path, "/oauth/notion/decide");
  assert.equal(recorded.headers.authorization, undefined, "no API key needed");
  assert.deepEqual(Object.fromEntries(new URLSearchParams(recorded.body)), { connection: id, token, decision: "allow" });
});

test("deny marks the connection denied and adds error=access_denied to the redirectUrl's query", async () => {
  const { id, token } = await createLink("github");
  const response = await decide("github", { connection: id, token, decision: "deny" });
  assert.equal(response.status, 303);
  assert.equal(response.headers.get("location"), "https://app.example/back?step=2&state=a+b&error=access_denied");
  const location = new URL(response.headers.get("location"));
  assert.equal(location.origin + location.pathname, "https://app.example/back");
  assert.deepEqual(Object.fromEntries(location.searchParams), { step: "2", state: "a b", error: "access_denied" });
  assert.equal(emulator.connections.get(id).status, "denied");
  assert.equal(emulator.connections.get(id).email, null);
});

test("a link works once: after either decision both routes answer 400", async () => {
  for (const decision of ["allow", "deny"]) {
    const { id, token, authLink } = await createLink("gmail");
    assert.equal((await decide("gmail", { connection: id, token, decision })).status, 303, decision);
    const status = emulator.connections.get(id).status;
    await expectInvalidLink(await fetch(authLink), `GET after ${decision}`);
    const other = decision === "allow" ? "deny" : "allow";
    await expectInvalidLink(await decide("gmail", { connection: id, token, decision: other }), `POST after ${decision}`);
    assert.equal(emulator.connections.get(id).status, status, "the second decision changed nothing");
  }
});

test("a wrong token, another provider or an unknown connection is refused and consumes nothing", async () => {
  const { id, token, authLink } = await createLink("onedrive");
  const base = `${emulator.url}/oauth/onedrive/authorize`;
  const bad = [
    ["wrong token", "onedrive", { connection: id, token: "0".repeat(32) }],
    ["short token", "onedrive", { connection: id, token: token.slice(1) }],
    ["no token", "onedrive", { connection: id }],
    ["other provider", "notion", { connection: id, token }],
    ["unknown provider", "dropbox", { connection: id, token }],
    ["unknown connection", "onedrive", { connection: "conn_0000000000000000", token }],
    ["nothing", "onedrive", {}],
  ];
  for (const [label, provider, fields] of bad) {
    const query = new URLSearchParams(fields);
    await expectInvalidLink(await fetch(`${emulator.url}/oauth/${provider}/authorize?${query}`), `GET ${label}`);
    await expectInvalidLink(await decide(provider, { ...fields, decision: "allow" }), `POST ${label}`);
  }
  // A non-OAuth connection has no token, so a link without one must not match it either.
  const { id: crawlerId } = await (await create("web-crawler")).json();
  await expectInvalidLink(await fetch(`${emulator.url}/oauth/web-crawler/authorize?connection=${crawlerId}`), "crawler");
  assert.equal(authLink.startsWith(`${base}?`), true);
  assert.equal(emulator.connections.get(id).status, "pending");
  assert.equal((await fetch(authLink)).status, 200, "the real link still works");
});

test("a decision that is neither allow nor deny is refused and consumes nothing", async () => {
  const { id, token, authLink } = await createLink("notion");
  for (const fields of [{ connection: id, token }, { connection: id, token, decision: "maybe" }]) {
    const response = await decide("notion", fields);
    assert.equal(response.status, 400);
    assert.match(await response.text(), /<h1>Choose Allow or Deny<\/h1>/);
  }
  const asJson = await fetch(`${emulator.url}/oauth/notion/decide`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ connection: id, token, decision: "allow" }),
    redirect: "manual",
  });
  await expectInvalidLink(asJson, "a JSON body is not the form");
  assert.equal(emulator.connections.get(id).status, "pending");
  assert.equal((await fetch(authLink)).status, 200);
});

test("an expired link answers 400 on both routes, via the method and the control endpoint", async () => {
  const first = await createLink("notion");
  assert.ok(Date.parse(emulator.connections.get(first.id).authExpiresAt) > Date.now() + 59 * 60 * 1000, "one hour");
  emulator.expireAuthLinks();
  await expectInvalidLink(await fetch(first.authLink), "GET after expireAuthLinks()");
  await expectInvalidLink(await decide("notion", { ...first, decision: "allow" }), "POST after expireAuthLinks()");

  const second = await createLink("notion");
  assert.equal((await fetch(second.authLink)).status, 200, "a new link is fresh");
  const expire = await fetch(`${emulator.url}/__emulator/expire-auth-links`, { method: "POST" });
  assert.equal(expire.status, 204);
  await expectInvalidLink(await fetch(second.authLink), "GET after the control endpoint");
  await expectInvalidLink(await decide("notion", { ...second, decision: "deny" }), "POST after the control endpoint");
  assert.equal(emulator.connections.get(second.id).status, "pending");
  assert.equal(
    emulator.requests.some((r) => r.path.startsWith("/__emulator/")),
    false,
    "the control request is not recorded",
  );
});

test("without a redirectUrl the decision answers a 200 page", async () => {
  for (const [decision, heading, text] of [
    ["allow", "<h1>Connection authorised</h1>", "supermemory can now access your Google Drive."],
    ["deny", "<h1>Connection denied</h1>", "supermemory was not given access to your Google Drive."],
  ]) {
    const { id, token } = await createLink("google-drive", { containerTags: ["user_1"] });
    const response = await decide("google-drive", { connection: id, token, decision });
    assert.equal(response.status, 200, decision);
    assert.equal(response.headers.get("location"), null);
    assert.equal(response.headers.get("content-security-policy"), CONSENT_CSP);
    const html = await response.text();
    assert.ok(html.includes(heading), html);
    assert.ok(html.includes(text), html);
    assert.equal(/<script/i.test(html), false);
    assert.equal(emulator.connections.get(id).status, decision === "allow" ? "active" : "denied");
  }
});

test("the CLI prints its URL, serves, and exits cleanly on SIGTERM", async () => {
  const args = [EMULATOR_PATH, "--port", "0", "--sync-ms", "10"];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  try {
    const line = await firstLine(child);
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

// ---- the other nine operations ----

const TAG_RULE = "must be a string of 1 to 100 characters from A-Z a-z 0-9 _ : -";
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DOCUMENT_KEYS = ["createdAt", "id", "status", "summary", "title", "type", "updatedAt"];

/** Sends an API request; `body` is JSON-encoded unless it is a string or undefined. */
function api(method, path, body, headers = JSON_HEADERS) {
  const encoded = body === undefined || typeof body === "string" ? body : JSON.stringify(body);
  return fetch(`${emulator.url}${path}`, { method, headers, body: encoded });
}

/** Asserts a JSON answer with `status` and resolves its value. */
async function jsonOf(response, status = 200) {
  assert.equal(response.status, status, `expected ${status}, got ${response.status}`);
  assert.equal(response.headers.get("content-type"), "application/json");
  return response.json();
}

/** Creates a connection and, for OAuth providers, allows it on the consent page; resolves its id. */
async function connect(provider, body = {}) {
  const { id, authLink } = await jsonOf(await create(provider, body));
  if (authLink === undefined) return id;
  const token = new URL(authLink).searchParams.get("token");
  assert.equal((await decide(provider, { connection: id, token, decision: "allow" })).status, 200);
  return id;
}

/** Polls until the stored connection's sync run is no longer running; resolves its lastSyncRun. */
async function syncEnded(id, timeoutMs = 2000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const run = emulator.connections.get(id).lastSyncRun;
    if (run?.status !== "running") return run;
    assert.ok(performance.now() < deadline, `the sync of ${id} is still running`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleepMs = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const listConnections = (body = {}) => api("POST", "/v3/connections/list", body);
const getById = (id) => api("GET", `/v3/connections/${id}`);
const getByTag = (provider, body) => api("POST", `/v3/connections/${provider}/connection`, body);
const listDocs = (provider, body = {}) => api("POST", `/v3/connections/${provider}/documents`, body);
const importSync = (provider, body = {}) => api("POST", `/v3/connections/${provider}/import`, body);

test("list answers every connection, or those having all the given tags, oldest first", async () => {
  const notion = await (await create("notion", { containerTags: ["a", "b"] })).json();
  const github = await (await create("github", { containerTag: "a" })).json();
  const crawler = await (await create("web-crawler", {})).json();
  const ids = async (body) => (await jsonOf(await listConnections(body))).map((c) => c.id);
  assert.deepEqual(await ids({}), [notion.id, github.id, crawler.id]);
  assert.deepEqual(await ids({ containerTags: [] }), [notion.id, github.id, crawler.id]);
  assert.deepEqual(await ids({ containerTags: ["a"] }), [notion.id, github.id]);
  assert.deepEqual(await ids({ containerTags: ["b", "a"] }), [notion.id]);
  assert.deepEqual(await ids({ containerTags: ["a", "zzz"] }), []);
  const listed = await jsonOf(await listConnections({}));
  assert.deepEqual(Object.keys(listed[0]).sort(), ["createdAt", "documentLimit", "id", "provider"]);
  assert.equal(listed[0].provider, "notion");
});

test("the list route is not taken by create", async () => {
  const response = await listConnections({});
  assert.deepEqual(await jsonOf(response), []);
  assert.equal(emulator.connections.size, 0, "no connection was created");
  await expectError(await listConnections({ containerTag: "a" }), 400, "Invalid request body", 'unknown field "containerTag"');
  await expectError(await api("GET", "/v3/connections/list"), 404, "Connection not found");
});

test("every API route answers 401 without the key and changes nothing", async () => {
  const id = await connect("github", { containerTags: ["user_1"] });
  const tags = { containerTags: ["user_1"] };
  const routes = [
    ["POST", "/v3/connections/list", {}],
    ["GET", `/v3/connections/${id}`, undefined],
    ["POST", "/v3/connections/github/connection", tags],
    ["DELETE", `/v3/connections/${id}?deleteDocuments=true`, undefined],
    ["DELETE", "/v3/connections/github", tags],
    ["POST", "/v3/connections/github/import", tags],
    ["POST", "/v3/connections/github/documents", tags],
    ["GET", `/v3/connections/${id}/resources`, undefined],
    ["POST", `/v3/connections/${id}/configure`, { resources: [] }],
  ];
  for (const [method, path, body] of routes) {
    for (const headers of [{ "content-type": "application/json" }, { ...JSON_HEADERS, authorization: "Bearer sm_x" }]) {
      await expectError(await api(method, path, body, headers), 401, "Unauthorized");
    }
  }
  assert.equal(emulator.connections.has(id), true, "nothing was deleted");
  const refused = emulator.requests.filter((r) => r.path.startsWith("/v3/") && r.headers.authorization !== AUTH.authorization);
  assert.equal(refused.length, routes.length * 2);
});

test("bodies of the tag routes are validated like create's", async () => {
  const routes = [
    ["POST", "/v3/connections/list"],
    ["POST", "/v3/connections/notion/connection"],
    ["DELETE", "/v3/connections/notion"],
    ["POST", "/v3/connections/notion/import"],
    ["POST", "/v3/connections/notion/documents"],
  ];
  const cases = [
    ["", "the body must be a JSON object"],
    ["[]", "the body must be a JSON object"],
    [{ extra: 1, containerTags: ["a"] }, 'unknown field "extra"'],
    [{ containerTags: "user_1" }, "containerTags must be an array"],
    [{ containerTags: ["ok", "bad/tag"] }, `containerTags[1] ${TAG_RULE}`],
    [{ containerTags: ["a".repeat(101)] }, `containerTags[0] ${TAG_RULE}`],
  ];
  for (const [method, path] of routes) {
    for (const [body, details] of cases) {
      await expectError(await api(method, path, body), 400, "Invalid request body", details);
    }
    const textPlain = { ...AUTH, "content-type": "text/plain" };
    const wrongType = await api(method, path, "{}", textPlain);
    await expectError(wrongType, 400, "Invalid request body", "Content-Type must be application/json");
  }
  const badProvider = "provider must be one of notion, google-drive, onedrive, gmail, github, web-crawler, s3, granola";
  for (const suffix of ["connection", "import", "documents"]) {
    const response = await api("POST", `/v3/connections/dropbox/${suffix}`, { containerTags: ["a"] });
    await expectError(response, 400, "Invalid provider", badProvider);
  }
});

test("getById answers the API's fields, leaving unset optional fields and containerTags out", async () => {
  const pending = await (await create("notion", { containerTags: ["user_1"] })).json();
  const response = await getById(pending.id);
  assert.equal(response.status, 200);
  const text = await response.text();
  assert.equal(text.includes("null"), false, text);
  const body = JSON.parse(text);
  assert.deepEqual(Object.keys(body), ["id", "createdAt", "provider", "documentLimit"]);
  assert.equal(body.id, pending.id);
  assert.equal(body.provider, "notion");
  assert.equal(body.documentLimit, 10000);
  assert.match(body.createdAt, ISO);

  const crawlerId = await connect("web-crawler", { documentLimit: 5, metadata: { startUrl: "https://example.com" } });
  const crawler = await jsonOf(await getById(crawlerId));
  assert.deepEqual(Object.keys(crawler), ["id", "createdAt", "provider", "documentLimit", "metadata", "lastSyncRun"]);
  assert.equal(crawler.documentLimit, 5);
  assert.deepEqual(crawler.metadata, { startUrl: "https://example.com" });
  assert.deepEqual(Object.keys(crawler.lastSyncRun), ["status", "startedAt"], "no errorCode while running");
  assert.equal(crawler.lastSyncRun.status, "running");

  const notionId = await connect("notion", { containerTags: ["user_1"] });
  const notion = await jsonOf(await getById(notionId));
  assert.deepEqual(Object.keys(notion), ["id", "createdAt", "provider", "documentLimit", "email", "expiresAt", "lastSyncRun"]);
  assert.equal(notion.email, "user@notion.example");
  assert.match(notion.expiresAt, ISO);
  assert.ok(Date.parse(notion.expiresAt) > Date.now() + 59 * 60 * 1000, "the token lasts an hour");

  await expectError(await getById("conn_0000000000000000"), 404, "Connection not found");
});

test("getByTag answers the newest connection of the provider having all the tags", async () => {
  const older = await (await create("notion", { containerTags: ["user_1", "team"] })).json();
  await sleepMs(5);
  const newer = await (await create("notion", { containerTags: ["user_1"] })).json();
  await create("github", { containerTags: ["user_1", "team"] });
  assert.equal((await jsonOf(await getByTag("notion", { containerTags: ["user_1"] }))).id, newer.id);
  const both = await jsonOf(await getByTag("notion", { containerTags: ["team", "user_1"] }));
  assert.equal(both.id, older.id);
  assert.equal(both.provider, "notion");
  assert.equal("containerTags" in both, false);
  await expectError(await getByTag("notion", { containerTags: ["other"] }), 404, "Connection not found");
  await expectError(await getByTag("gmail", { containerTags: ["user_1"] }), 404, "Connection not found");
  await expectError(await getByTag("notion", {}), 400, "Invalid request body", "containerTags is required");
  await expectError(
    await getByTag("notion", { containerTags: [] }),
    400,
    "Invalid request body",
    "containerTags must have at least 1 item",
  );
});

test("delete by id removes the connection, and its documents unless deleteDocuments=false", async () => {
  const documentsOf = (id) => [...emulator.documents.values()].filter((d) => d.connectionId === id);
  const ids = {};
  for (const mode of ["true", "false", "absent"]) {
    ids[mode] = await connect("s3", { containerTags: [`mode_${mode}`] });
    await syncEnded(ids[mode]);
    assert.equal(documentsOf(ids[mode]).length, 3, mode);
  }
  const del = (id, query) => api("DELETE", `/v3/connections/${id}${query}`, undefined, AUTH);
  assert.deepEqual(await jsonOf(await del(ids.true, "?deleteDocuments=true")), [{ id: ids.true, provider: "s3" }]);
  assert.equal(documentsOf(ids.true).length, 0);
  assert.deepEqual(await jsonOf(await del(ids.false, "?deleteDocuments=false")), [{ id: ids.false, provider: "s3" }]);
  assert.equal(documentsOf(ids.false).length, 3, "deleteDocuments=false keeps the documents");
  assert.deepEqual(await jsonOf(await listDocs("s3", { containerTags: ["mode_false"] })), [], "not listed: no connection");
  assert.deepEqual(await jsonOf(await del(ids.absent, "")), [{ id: ids.absent, provider: "s3" }]);
  assert.equal(documentsOf(ids.absent).length, 0, "the API's default deletes the documents");
  assert.equal(emulator.connections.size, 0);
  await expectError(await del(ids.true, "?deleteDocuments=true"), 404, "Connection not found");
  const other = await (await create("notion")).json();
  const badQuery = await del(other.id, "?deleteDocuments=yes");
  await expectError(badQuery, 400, "Invalid query parameters", 'deleteDocuments must be "true" or "false"');
  assert.equal(emulator.connections.has(other.id), true);
});

test("DELETE /v3/connections/{x} deletes by provider when x is a provider name, else by id", async () => {
  const first = await (await create("notion", { containerTags: ["user_1", "x"] })).json();
  const second = await (await create("notion", { containerTags: ["user_1"] })).json();
  const kept = await (await create("notion", { containerTags: ["user_2"] })).json();
  const github = await (await create("github", { containerTags: ["user_1"] })).json();
  const byProvider = await api("DELETE", "/v3/connections/notion", { containerTags: ["user_1"] });
  assert.deepEqual(await jsonOf(byProvider), [
    { id: first.id, provider: "notion" },
    { id: second.id, provider: "notion" },
  ]);
  assert.deepEqual([...emulator.connections.keys()], [kept.id, github.id]);
  await expectError(
    await api("DELETE", "/v3/connections/notion", { containerTags: ["user_1"] }),
    404,
    "Provider not found",
  );
  const noBody = await api("DELETE", "/v3/connections/notion", undefined, AUTH);
  await expectError(noBody, 400, "Invalid request body", "Content-Type must be application/json");
  await expectError(await api("DELETE", "/v3/connections/notion", {}), 400, "Invalid request body", "containerTags is required");
  await expectError(
    await api("DELETE", "/v3/connections/notion", { containerTags: [] }),
    400,
    "Invalid request body",
    "containerTags must have at least 1 item",
  );
  assert.deepEqual(await jsonOf(await api("DELETE", `/v3/connections/${github.id}`, undefined, AUTH)), [
    { id: github.id, provider: "github" },
  ]);
  await expectError(await api("DELETE", "/v3/connections/dropbox", undefined, AUTH), 404, "Connection not found");
  assert.deepEqual([...emulator.connections.keys()], [kept.id]);
});

test("a non-OAuth connection syncs at once: running, then completed with three documents", async () => {
  const id = await connect("web-crawler", { containerTags: ["user_1"], metadata: { startUrl: "https://example.com" } });
  const running = emulator.connections.get(id).lastSyncRun;
  assert.deepEqual(Object.keys(running), ["status", "startedAt"]);
  assert.equal(running.status, "running");
  assert.deepEqual(await jsonOf(await listDocs("web-crawler")), [], "nothing synced yet");
  const run = await syncEnded(id);
  assert.deepEqual(Object.keys(run), ["status", "errorCode", "error", "startedAt", "completedAt"]);
  assert.equal(run.status, "completed");
  assert.equal(run.errorCode, null);
  assert.equal(run.error, null);
  assert.match(run.completedAt, ISO);
  assert.equal(run.startedAt, running.startedAt);
  assert.ok(Date.parse(run.completedAt) - Date.parse(run.startedAt) >= SYNC_MS - 5, "completed after syncMs");
  assert.deepEqual((await jsonOf(await getById(id))).lastSyncRun, run);

  const documents = await jsonOf(await listDocs("web-crawler", { containerTags: ["user_1"] }));
  assert.equal(documents.length, 3);
  for (const document of documents) {
    assert.deepEqual(Object.keys(document).sort(), DOCUMENT_KEYS);
    assert.match(document.id, /^doc_[0-9a-f]{16}$/);
    assert.equal(document.type, "webpage");
    assert.equal(document.status, "done");
    assert.equal(document.createdAt, run.completedAt);
    assert.equal(document.updatedAt, run.completedAt);
    assert.ok(document.summary === null || typeof document.summary === "string");
  }
  assert.equal(new Set(documents.map((d) => d.id)).size, 3, "distinct ids");
  assert.equal(documents[0].title, "Example Domain");
  assert.equal(documents.filter((d) => d.summary === null).length, 1);
});

test("an OAuth connection syncs only once allowed; a pending or denied one has no lastSyncRun", async () => {
  const { id, token } = await createLink("notion", { containerTags: ["user_1"] });
  const { id: deniedId, token: deniedToken } = await createLink("gmail", { containerTags: ["user_1"] });
  await sleepMs(SYNC_MS * 2);
  assert.equal("lastSyncRun" in (await jsonOf(await getById(id))), false);
  await decide("gmail", { connection: deniedId, token: deniedToken, decision: "deny" });
  assert.equal("lastSyncRun" in (await jsonOf(await getById(deniedId))), false);
  await decide("notion", { connection: id, token, decision: "allow" });
  assert.equal((await jsonOf(await getById(id))).lastSyncRun.status, "running");
  assert.equal((await syncEnded(id)).status, "completed");
  const documents = await jsonOf(await listDocs("notion", { containerTags: ["user_1"] }));
  assert.deepEqual(documents.map((d) => [d.title, d.type]), [
    ["Welcome to Notion", "notion_page"],
    ["Project roadmap", "notion_database"],
    ["Meeting notes", "notion_page"],
  ]);
  assert.deepEqual(await jsonOf(await listDocs("gmail")), []);
});

test("listDocuments answers only the documents of the matching connections, up to documentLimit", async () => {
  const a = await connect("granola", { containerTags: ["user_1", "team"], documentLimit: 2 });
  const b = await connect("granola", { containerTags: ["user_2"] });
  const c = await connect("s3", { containerTags: ["user_1"] });
  for (const id of [a, b, c]) await syncEnded(id);
  const titles = async (provider, body) => (await jsonOf(await listDocs(provider, body))).map((d) => d.title);
  assert.deepEqual(await titles("granola", { containerTags: ["user_1"] }), ["Weekly sync", "Customer call"]);
  assert.deepEqual(await titles("granola", {}), ["Weekly sync", "Customer call", "Weekly sync", "Customer call", "1:1 with Sam"]);
  assert.deepEqual(await titles("granola", { containerTags: ["team", "user_2"] }), []);
  assert.deepEqual(await titles("s3", { containerTags: ["user_1"] }), ["reports/summary.pdf", "notes/todo.txt", "data/readme.md"]);
  assert.deepEqual(await titles("notion", {}), [], "no connection: an empty list");
});

test("import answers 202 text and restarts the sync of the matching active connections", async () => {
  const id = await connect("granola", { containerTags: ["user_1"] });
  await (await create("notion", { containerTags: ["user_1"] })).json(); // pending: not imported
  const notionId = await connect("notion", { containerTags: ["user_1"] });
  const first = await syncEnded(id);
  await syncEnded(notionId);
  const before = [...emulator.documents.values()].filter((d) => d.connectionId === id);

  const response = await importSync("notion", { containerTags: ["user_1"] });
  assert.equal(response.status, 202);
  assert.equal(response.headers.get("content-type"), "text/plain; charset=UTF-8");
  assert.equal(await response.text(), "Import started for 1 connection(s)");

  const again = await importSync("granola", {});
  assert.equal(await again.text(), "Import started for 1 connection(s)");
  const restarted = (await jsonOf(await getById(id))).lastSyncRun;
  assert.deepEqual(Object.keys(restarted), ["status", "startedAt"]);
  assert.equal(restarted.status, "running");
  assert.ok(restarted.startedAt >= first.completedAt);
  const second = await syncEnded(id);
  assert.equal(second.status, "completed");
  assert.notEqual(second.completedAt, first.completedAt);
  const after = [...emulator.documents.values()].filter((d) => d.connectionId === id);
  assert.deepEqual(after.map((d) => d.id), before.map((d) => d.id), "the same documents, not new copies");
  assert.ok(after.every((d) => d.updatedAt === second.completedAt && d.createdAt === first.completedAt));

  assert.equal(await (await importSync("granola", { containerTags: ["nobody"] })).text(), "Import started for 0 connection(s)");
  assert.equal(await (await importSync("github", {})).text(), "Import started for 0 connection(s)");
});

test("sync-outcome makes the next sync fail with its errorCode, once", async () => {
  emulator.setSyncOutcome({ errorCode: "auth_expired", error: "Token revoked" });
  const id = await connect("web-crawler", { containerTags: ["user_1"] });
  const failed = await syncEnded(id);
  assert.deepEqual(Object.keys(failed), ["status", "errorCode", "error", "startedAt", "completedAt"]);
  assert.equal(failed.status, "failed");
  assert.equal(failed.errorCode, "auth_expired");
  assert.equal(failed.error, "Token revoked");
  assert.deepEqual((await jsonOf(await getById(id))).lastSyncRun, failed);
  assert.equal(emulator.documents.size, 0, "a failed sync stores nothing");

  await importSync("web-crawler", {});
  assert.equal((await syncEnded(id)).status, "completed", "the outcome was used up");
  assert.equal(emulator.documents.size, 3);

  const post = (body) =>
    fetch(`${emulator.url}/__emulator/sync-outcome`, { method: "POST", headers: { "content-type": "application/json" }, body });
  const set = await post(JSON.stringify({ errorCode: "rate_limited" }));
  assert.equal(set.status, 204);
  await importSync("web-crawler", {});
  const limited = await syncEnded(id);
  assert.equal(limited.status, "failed");
  assert.equal(limited.errorCode, "rate_limited");
  assert.equal(limited.error, "The provider rate-limited the sync; it will be retried later");

  for (const [body, details] of [
    [{ errorCode: "nope" }, `errorCode must be one of ${SYNC_ERROR_CODES.join(", ")}`],
    [{ errorCode: "internal", error: 5 }, "error must be a string or null"],
    [{ errorCode: "internal", code: 1 }, "code is not a known sync outcome field"],
    ["{x", "the sync outcome must be an object { errorCode, error } or null"],
  ]) {
    const response = await post(typeof body === "string" ? body : JSON.stringify(body));
    await expectError(response, 400, "Invalid request body", details);
  }
  assert.throws(() => emulator.setSyncOutcome({ errorCode: "auth_expired", error: 1 }), TypeError);

  emulator.setSyncOutcome({ errorCode: "internal", error: null });
  emulator.setSyncOutcome(null);
  await importSync("web-crawler", {});
  assert.equal((await syncEnded(id)).status, "completed", "null took the outcome back");
  emulator.setSyncOutcome({ errorCode: "internal" });
  emulator.reset();
  const fresh = await connect("s3");
  assert.equal((await syncEnded(fresh)).status, "completed", "reset took the outcome back");
});

test("resources lists the GitHub repositories a page at a time", async () => {
  const id = await connect("github", { containerTags: ["user_1"] });
  const resources = (query = "") => api("GET", `/v3/connections/${id}/resources${query}`, undefined, AUTH);
  const all = await jsonOf(await resources());
  assert.deepEqual(Object.keys(all), ["resources", "total_count"]);
  assert.equal(all.total_count, 5);
  assert.deepEqual(all.resources.map((r) => r.name), ["notes", "website", "infra", "design-docs", "dotfiles"]);
  assert.deepEqual(all.resources[2], {
    id: 100003,
    name: "infra",
    full_name: "emulator-user/infra",
    private: true,
    description: "Deployment scripts",
    html_url: "https://github.com/emulator-user/infra",
    default_branch: "main",
  });
  const names = async (query) => (await jsonOf(await resources(query))).resources.map((r) => r.name);
  assert.deepEqual(await names("?per_page=2"), ["notes", "website"]);
  assert.deepEqual(await names("?page=2&per_page=2"), ["infra", "design-docs"]);
  assert.deepEqual(await names("?page=3&per_page=2&parent_id=anything"), ["dotfiles"]);
  assert.deepEqual(await names("?page=2"), []);
  assert.equal((await jsonOf(await resources("?page=9"))).total_count, 5);
  for (const [query, details] of [
    ["?page=0", "page must be an integer from 1 up"],
    ["?page=1.5", "page must be an integer from 1 up"],
    ["?per_page=101", "per_page must be an integer from 1 to 100"],
    ["?per_page=", "per_page must be an integer from 1 to 100"],
  ]) {
    await expectError(await resources(query), 400, "Invalid query parameters", details);
  }
});

test("resources: 501 for other providers, 404 for an unknown id, 400 before consent", async () => {
  const get = (id) => api("GET", `/v3/connections/${id}/resources`, undefined, AUTH);
  const notion = await connect("notion");
  await expectError(await get(notion), 501, "Provider does not support resource fetching");
  await expectError(await get(await connect("web-crawler")), 501, "Provider does not support resource fetching");
  await expectError(await get("conn_0000000000000000"), 404, "Connection not found");
  const pending = await (await create("github")).json();
  await expectError(await get(pending.id), 400, "Connection missing refresh token");
});

test("configure validates resources and registers one webhook per GitHub resource", async () => {
  const id = await connect("github");
  const configure = (target, body) => api("POST", `/v3/connections/${target}/configure`, body);
  const repos = [{ id: 100001, full_name: "emulator-user/notes" }, { id: 100003, full_name: "emulator-user/infra" }];
  assert.deepEqual(await jsonOf(await configure(id, { resources: repos })), {
    success: true,
    message: "Configured 2 resources",
    webhooksRegistered: 2,
  });
  assert.deepEqual(emulator.connections.get(id).configuredResources, repos);
  assert.deepEqual(await jsonOf(await configure(id, { resources: [] })), {
    success: true,
    message: "Configured 0 resources",
    webhooksRegistered: 0,
  });
  for (const [body, details] of [
    [{}, "resources is required"],
    [{ resources: "notes" }, "resources must be an array"],
    [{ resources: [{ id: 1 }, "notes"] }, "resources[1] must be an object"],
    [{ resources: [[]] }, "resources[0] must be an object"],
    [{ resources: [], extra: true }, 'unknown field "extra"'],
    ["null", "the body must be a JSON object"],
  ]) {
    await expectError(await configure(id, body), 400, "Invalid request body", details);
  }
  const gmail = await configure(await connect("gmail"), { resources: [] });
  await expectError(gmail, 501, "Provider does not support resource configuration");
  await expectError(await configure("conn_0000000000000000", { resources: [] }), 404, "Connection not found");
  const pending = await (await create("github")).json();
  await expectError(await configure(pending.id, { resources: [] }), 400, "Connection missing refresh token");
});

test("reset() and close() stop running syncs; syncMs defaults to 1500 and must be >= 0", async () => {
  const id = await connect("s3");
  const connection = emulator.connections.get(id);
  emulator.reset();
  await sleepMs(SYNC_MS * 3);
  assert.equal(connection.lastSyncRun.status, "running", "the reset stopped the timer");
  assert.equal(emulator.documents.size, 0);

  /** Starts an emulator, creates a granola connection there; resolves [emulator, stored connection]. */
  async function ownSync(options) {
    const own = await startEmulator(options);
    const created = await fetch(`${own.url}/v3/connections/granola`, { method: "POST", headers: JSON_HEADERS, body: "{}" });
    return [own, own.connections.get((await created.json()).id)];
  }
  const [slow, slowConnection] = await ownSync();
  await sleepMs(300);
  assert.equal(slowConnection.lastSyncRun.status, "running", "still running after 300 ms");
  await slow.close();

  const [own, ownConnection] = await ownSync({ syncMs: 50 });
  const started = performance.now();
  await own.close();
  assert.ok(performance.now() - started < 500, "close did not wait for the sync");
  await sleepMs(200);
  assert.equal(ownConnection.lastSyncRun.status, "running", "the close stopped the timer");
  assert.equal(own.documents.size, 0);

  await assert.rejects(startEmulator({ syncMs: -1 }), /syncMs must be a number >= 0/);
});

test("scripted answers take precedence over the new routes too", async () => {
  emulator.script([{ status: 500, body: { error: "Boom" } }]);
  await expectError(await listConnections({}), 500, "Boom");
  assert.deepEqual(await jsonOf(await listConnections({})), []);
});
