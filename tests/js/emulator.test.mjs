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
