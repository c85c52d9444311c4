// The OAuth helpers against every way a page can fail them (no window, no sessionStorage, an
// unreadable address, no crypto, storage or navigation refused), with the package imported in
// Node and the page's globals made up per test: each failure's exact error, and that nothing is
// sent when the page fails before the create.
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { startOAuth, completeOAuth, redirectToAuthLink, SupermemoryError } from "../../pkg/node.js";

const PAGE_GLOBALS = ["window", "location", "sessionStorage", "history"];
const cryptoDescriptor = Object.getOwnPropertyDescriptor(globalThis, "crypto");

afterEach(() => {
  for (const name of PAGE_GLOBALS) delete globalThis[name];
  Object.defineProperty(globalThis, "crypto", cryptoDescriptor);
});

/** A sessionStorage over a Map; `refuse` makes setItem throw it. */
function memoryStorage(refuse) {
  const items = new Map();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem(key, value) {
      if (refuse) throw refuse;
      items.set(key, String(value));
    },
    removeItem: (key) => items.delete(key),
  };
}

/**
 * Makes the process look like a page at `href`; `globals` replaces any of its parts. Answers
 * what the page saw: the addresses it was sent to and the address bar's replacements.
 */
function enterPage({ href = "https://app.example.com/start?tab=2#top", refuseAssign, ...globals } = {}) {
  const seen = { assigned: [], replaced: [], storage: memoryStorage() };
  const location = {
    href,
    assign(url) {
      if (refuseAssign) throw refuseAssign;
      seen.assigned.push(url);
    },
  };
  const history = {
    replaceState: (_state, _title, url) => {
      seen.replaced.push(url);
      location.href = url;
    },
  };
  Object.assign(globalThis, { window: globalThis, location, history, sessionStorage: seen.storage }, globals);
  return seen;
}

const AUTH_LINK = "https://api.notion.com/v1/oauth/authorize?client_id=x";

/** A client `fetch` that answers every create with a pending Notion connection. */
function createdFetch(sent) {
  return async (url, init) => {
    sent.push({ url, body: JSON.parse(init.body) });
    const body = { id: "conn_1", authLink: AUTH_LINK, expiresIn: "1 hour" };
    return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
  };
}

/** startOAuth for Notion through `createdFetch`, with `options` added. */
function start(sent, options = {}) {
  return startOAuth("notion", { baseURL: "https://proxy.example.com/api", fetch: createdFetch(sent), ...options });
}

/** The settled error of `promise`, as `{ code, message, field }` (and the error itself). */
async function failure(promise) {
  const error = await promise.then(
    () => assert.fail("the call should have failed"),
    (e) => e,
  );
  assert.ok(error instanceof SupermemoryError, `a SupermemoryError, not ${error}`);
  return { code: error.code, message: error.message, field: error.field, error };
}

const NO_PAGE = {
  code: "invalid_request",
  message: "the OAuth helpers need a browser page (a window with location and sessionStorage)",
  field: undefined,
};
const NO_STORAGE = {
  code: "invalid_request",
  message: "sessionStorage is not available in this page; the OAuth helpers need it to check the return",
  field: undefined,
};

/** `{ code, message, field }` of a failure, for deepEqual. */
const described = ({ code, message, field }) => ({ code, message, field });

test("without a window, completeOAuth and startOAuth fail as invalid_request and send nothing", async () => {
  assert.deepEqual(described(await failure(completeOAuth())), NO_PAGE);
  const sent = [];
  assert.deepEqual(described(await failure(start(sent, { redirectUrl: "https://app.example.com/back" }))), NO_PAGE);
  assert.equal(sent.length, 0);
});

test("without sessionStorage, or with one that throws when read, startOAuth fails before the create", async () => {
  const sent = [];
  enterPage({ sessionStorage: undefined });
  assert.deepEqual(described(await failure(start(sent))), NO_STORAGE);
  Object.defineProperty(globalThis, "sessionStorage", {
    configurable: true,
    get() {
      throw new Error("SecurityError: sandboxed");
    },
  });
  assert.deepEqual(described(await failure(start(sent))), NO_STORAGE);
  assert.equal(sent.length, 0);
});

test("a page address that cannot be read, or is not a URL, fails startOAuth without a redirectUrl", async () => {
  const sent = [];
  enterPage();
  Object.defineProperty(globalThis.location, "href", {
    get() {
      throw new Error("unreadable");
    },
  });
  assert.deepEqual(described(await failure(start(sent))), {
    code: "invalid_request",
    message: "the page's address could not be read",
    field: undefined,
  });
  enterPage({ href: "not a url" });
  assert.deepEqual(described(await failure(start(sent))), {
    code: "invalid_request",
    message: "the page's address could not be used as redirectUrl",
    field: "redirectUrl",
  });
  assert.equal(sent.length, 0);
});

test("without crypto.getRandomValues startOAuth fails before the create", async () => {
  const sent = [];
  enterPage();
  for (const crypto of [undefined, {}, { getRandomValues: () => { throw new Error("no entropy"); } }]) {
    Object.defineProperty(globalThis, "crypto", { configurable: true, value: crypto });
    assert.deepEqual(described(await failure(start(sent))), {
      code: "invalid_request",
      message: "crypto.getRandomValues is not available here",
      field: undefined,
    });
  }
  assert.equal(sent.length, 0);
});

test("startOAuth remembers a nonce, sends the page to the checked authLink, and completeOAuth takes it back once", async () => {
  const sent = [];
  const seen = enterPage();
  const started = await start(sent);
  assert.equal(started.redirected, true);
  assert.equal(started.connection.id, "conn_1");
  assert.deepEqual(seen.assigned, [AUTH_LINK]);
  const redirect = new URL(sent[0].body.redirectUrl);
  const nonce = redirect.searchParams.get("sm_oauth_state");
  assert.match(nonce, /^[0-9a-f]{32}$/);
  assert.equal(redirect.href, `https://app.example.com/start?tab=2&sm_oauth_state=${nonce}`, "the page without its fragment");
  assert.deepEqual(JSON.parse(seen.storage.items.get(`supermemory-connections:oauth:${nonce}`)), { connectionId: "conn_1", provider: "notion" });

  globalThis.location.href = `${redirect.href}#after`;
  assert.deepEqual(await completeOAuth(), { ok: true, connectionId: "conn_1", provider: "notion" });
  assert.deepEqual(seen.replaced, ["https://app.example.com/start?tab=2#after"], "the page's own query and fragment stay");
  assert.equal(seen.storage.items.size, 0, "the nonce is spent");
  assert.deepEqual(await completeOAuth(redirect.href), { ok: false, error: "state_mismatch" });
  assert.equal(await completeOAuth("https://app.example.com/start?tab=2"), null, "an ordinary load");
});

test("completeOAuth reports the provider's error, cut to 100 characters, with the stored ids", async () => {
  const sent = [];
  const seen = enterPage();
  await start(sent);
  const redirect = new URL(sent[0].body.redirectUrl);
  redirect.searchParams.set("error", `access_denied${"é".repeat(200)}`);
  assert.deepEqual(await completeOAuth(redirect.href), {
    ok: false,
    error: `access_denied${"é".repeat(87)}`,
    connectionId: "conn_1",
    provider: "notion",
  });
  assert.equal(seen.storage.items.size, 0);
});

test("completeOAuth refuses a url that is not a URL against the page", async () => {
  enterPage();
  assert.deepEqual(described(await failure(completeOAuth("http://[::1"))), {
    code: "invalid_request",
    message: "url must be a URL",
    field: "url",
  });
});

test("a sessionStorage that refuses the entry fails startOAuth with the refusal as its cause, and the page stays", async () => {
  const refusal = new Error("QuotaExceededError");
  const seen = enterPage({ sessionStorage: memoryStorage(refusal) });
  const { error, ...rest } = await failure(start([]));
  assert.deepEqual(rest, {
    code: "invalid_request",
    message: "the pending sign-in could not be stored in sessionStorage",
    field: undefined,
  });
  assert.equal(error.cause, refusal);
  assert.deepEqual(seen.assigned, []);
});

test("a browser that refuses the navigation fails startOAuth and redirectToAuthLink as unsafe_redirect with its cause", async () => {
  const refusal = new Error("navigation blocked");
  enterPage({ refuseAssign: refusal });
  const expected = { code: "unsafe_redirect", message: "the browser refused to navigate to authLink", field: undefined };
  const started = await failure(start([]));
  assert.deepEqual(described(started), expected);
  assert.equal(started.error.cause, refusal);
  const redirected = await failure(redirectToAuthLink({ id: "conn_1", authLink: AUTH_LINK }));
  assert.deepEqual(described(redirected), expected);
  assert.equal(redirected.error.cause, refusal);
});

const UNREADABLE = { code: "invalid_request", message: "the page's address could not be read", field: undefined };

test("a page address that is not a string is an address that could not be read", async () => {
  const unreadable = UNREADABLE;
  for (const href of [new URL("https://app.example.com/"), undefined, 5]) {
    enterPage();
    globalThis.location.href = href;
    assert.deepEqual(described(await failure(start([]))), unreadable, String(href));
    assert.deepEqual(described(await failure(completeOAuth())), unreadable, String(href));
  }
});

test("a location that throws when read is an address that could not be read, and a refused navigation", async () => {
  // Before, the getter's exception came out of the wasm module as it was, not as a SupermemoryError.
  const unreadable = UNREADABLE;
  enterPage();
  Object.defineProperty(globalThis, "location", {
    configurable: true,
    get() {
      throw new Error("no location");
    },
  });
  assert.deepEqual(described(await failure(start([]))), unreadable);
  assert.deepEqual(described(await failure(completeOAuth())), unreadable);
  const redirected = await failure(redirectToAuthLink({ id: "conn_1", authLink: AUTH_LINK }));
  assert.deepEqual(described(redirected), { code: "unsafe_redirect", message: "the browser refused to navigate to authLink", field: undefined });
  assert.equal(redirected.error.cause.message, "no location");
});

test("a stored round trip that was tampered with is no round trip: state_mismatch", async () => {
  const nonce = "a".repeat(32);
  const url = `https://app.example.com/start?sm_oauth_state=${nonce}`;
  const many = Object.fromEntries(Array.from({ length: 10000 }, (_, i) => [`k${i}`, "v"]));
  const entries = [
    `{"connectionId":"c\\ud800","provider":"notion"}`,
    `{"connectionId":"conn_1","provider":"notion","note":"\\udc00"}`,
    `{"connectionId":"conn_1","provider":"notion","\\ud800":1}`,
    JSON.stringify({ connectionId: "conn_1", provider: "notion", ...many }),
    `{"connectionId":5,"provider":"notion"}`,
    `{"provider":"notion"}`,
    `["conn_1","notion"]`,
    `null`,
    `not json`,
  ];
  for (const text of entries) {
    const seen = enterPage();
    seen.storage.items.set(`supermemory-connections:oauth:${nonce}`, text);
    assert.deepEqual(await completeOAuth(url), { ok: false, error: "state_mismatch" }, text.slice(0, 60));
    assert.equal(seen.storage.items.size, 0, "the entry is forgotten all the same");
  }
  // An id only on Object.prototype is not the entry's.
  Object.prototype.connectionId = "polluted";
  try {
    const seen = enterPage();
    seen.storage.items.set(`supermemory-connections:oauth:${nonce}`, `{"provider":"notion"}`);
    assert.deepEqual(await completeOAuth(url), { ok: false, error: "state_mismatch" });
  } finally {
    delete Object.prototype.connectionId;
  }
  // 10,000 keys in all is still an entry.
  const seen = enterPage();
  const { k0, k1, ...rest } = many;
  seen.storage.items.set(`supermemory-connections:oauth:${nonce}`, JSON.stringify({ connectionId: "conn_1", provider: "notion", ...rest }));
  assert.deepEqual(await completeOAuth(url), { ok: true, connectionId: "conn_1", provider: "notion" });
});

test("an entry that JSON.stringify refuses (a page's throwing Object.prototype.toJSON) fails startOAuth with its cause", async () => {
  // Before, the entry was stored as an empty string and the page navigated anyway.
  const seen = enterPage();
  const refusal = new Error("toJSON refused");
  // Only the stored entry ({ connectionId, provider }) is refused; the create's body still encodes.
  Object.defineProperty(Object.prototype, "toJSON", {
    configurable: true,
    value() {
      if (Object.keys(this).join() === "connectionId,provider") throw refusal;
      return this;
    },
  });
  try {
    const { error, ...rest } = await failure(start([]));
    assert.deepEqual(rest, { code: "invalid_request", message: "the pending sign-in could not be stored in sessionStorage", field: undefined });
    assert.equal(error.cause, refusal);
    assert.deepEqual(seen.assigned, []);
  } finally {
    delete Object.prototype.toJSON;
  }
});
