// connectInPopup in headless Chromium against the demo server (offline emulator): the popup
// opened inside a click, the consent page in it, the return reported on the BroadcastChannel,
// and every way the flow can end. Run: node --test tests/js/popup.test.mjs
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { startDemoServer } from "../../www/server.mjs";
import { launchBrowser } from "./browser.mjs";

const PROVIDERS = ["notion", "google-drive", "onedrive", "gmail", "github", "web-crawler", "s3", "granola"];
const OAUTH = new Set(PROVIDERS.slice(0, 5));

let demo;
let coopDemo;
let browser;

before(async () => {
  demo = await startDemoServer({ env: {} });
  coopDemo = await startDemoServer({ env: {}, pageHeaders: { "cross-origin-opener-policy": "same-origin" } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await demo?.close();
  await coopDemo?.close();
});

beforeEach(() => {
  demo.emulator.reset();
  coopDemo.emulator.reset();
});

/**
 * A fresh page of `server`, signed in, with a #popup-test button whose click calls
 * connectInPopup(provider, options) as a page would (inside the click); the outcome lands in
 * window.__outcome. `options.signal` "controller" means a fresh AbortController's, kept in
 * window.__controller.
 */
async function openPage(server = demo) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(error.message));
  await page.goto(`${server.url}/`);
  await page.waitForSelector("#connect:enabled");
  await page.evaluate(async () => {
    await fetch("/session");
    window.sm = await import("/pkg/index.js");
    // The emulator's consent pages are on its own origin: allowed as the demo allows it.
    const config = await (await fetch("/config.json")).json();
    window.__allowed = [...window.sm.DEFAULT_ALLOWED_HOSTS, ...config.allowedHosts];
    const button = document.createElement("button");
    button.id = "popup-test";
    button.textContent = "popup test";
    document.body.prepend(button);
    button.addEventListener("click", () => {
      const { provider, options } = window.__next;
      if (options.signal === "controller") {
        window.__controller = new AbortController();
        options.signal = window.__controller.signal;
      }
      window.__outcome = undefined;
      window.sm.connectInPopup(provider, { baseURL: "/api/supermemory", allowedHosts: window.__allowed, ...options }).then(
        (value) => (window.__outcome = { ok: true, value }),
        (error) => (window.__outcome = { ok: false, code: error.code, message: error.message, ...(error.field === undefined ? {} : { field: error.field }) }),
      );
    });
  });
  return { page, context, problems };
}

/** Clicks the test button for `provider`; resolves the popup page when one opens. */
async function start(page, provider, options = {}, { expectPopup = true } = {}) {
  await page.evaluate(([p, o]) => (window.__next = { provider: p, options: o }), [provider, options]);
  if (!expectPopup) {
    await page.click("#popup-test");
    return null;
  }
  const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("#popup-test")]);
  return popup;
}

/** Waits for the call's outcome (bounded). */
async function outcome(page, timeout = 10_000) {
  await page.waitForFunction(() => window.__outcome !== undefined, null, { timeout });
  return page.evaluate(() => window.__outcome);
}

/** Resolves once the popup page is closed (at once when it already is). */
const whenClosed = (popup) => (popup.isClosed() ? Promise.resolve() : popup.waitForEvent("close"));

/** Waits until the popup shows the emulator's consent page. */
async function consentPage(popup, server = demo) {
  await popup.waitForURL((url) => url.href.startsWith(`${server.emulator.url}/oauth/`), { timeout: 10_000 });
  await popup.waitForSelector("#allow");
}

const creates = (server = demo) => server.emulator.requests.filter((r) => r.method === "POST" && /^\/v3\/connections\/[a-z-]+$/.test(r.path) && r.path !== "/v3/connections/list");

test("Allow in the popup: the page resolves ok, the popup closes, the page keeps its state", async () => {
  const { page, context, problems } = await openPage();
  try {
    await page.fill("#document-limit", "1234");
    const popup = await start(page, "notion");
    await consentPage(popup);
    await popup.click("#allow");
    const result = await outcome(page);
    await whenClosed(popup);
    const [id] = [...demo.emulator.connections.keys()];
    assert.deepEqual(result, { ok: true, value: { ok: true, connectionId: id, provider: "notion" } });
    assert.equal(await page.inputValue("#document-limit"), "1234", "the page kept what was typed");
    assert.equal(new URL(page.url()).search, "", "the page never navigated");
    const redirect = new URL(creates()[0].json.redirectUrl);
    assert.equal(redirect.searchParams.get("sm_oauth_popup"), "1");
    assert.match(redirect.searchParams.get("sm_oauth_state"), /^[0-9a-f]{32}$/);
    assert.deepEqual(await page.evaluate(() => Object.keys(sessionStorage)), [], "the nonce lived in memory only");
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("Deny in the popup: ok false with the provider's error code", async () => {
  const { page, context } = await openPage();
  try {
    const popup = await start(page, "github");
    await consentPage(popup);
    await popup.click("#deny");
    const result = await outcome(page);
    const [id] = [...demo.emulator.connections.keys()];
    assert.deepEqual(result, { ok: true, value: { ok: false, error: "access_denied", connectionId: id, provider: "github" } });
  } finally {
    await context.close();
  }
});

test("the person closes the popup: popup_closed within the grace period and a second", async () => {
  const { page, context } = await openPage();
  try {
    const popup = await start(page, "notion");
    await consentPage(popup);
    await page.waitForTimeout(1600); // past the moment a severed handle would read closed
    const closedAt = Date.now();
    await popup.close();
    const result = await outcome(page);
    assert.equal(result.code, "popup_closed", JSON.stringify(result));
    assert.ok(Date.now() - closedAt <= 2500, `${Date.now() - closedAt} ms after the close`);
  } finally {
    await context.close();
  }
});

test("a blocked popup: popup_blocked and nothing created; with fallback redirect the page goes to the consent page", async () => {
  const { page, context } = await openPage();
  try {
    await page.evaluate(() => (window.open = () => null));
    await start(page, "notion", {}, { expectPopup: false });
    const result = await outcome(page);
    assert.equal(result.code, "popup_blocked", JSON.stringify(result));
    assert.deepEqual(creates(), [], "nothing was created");

    await start(page, "notion", { fallback: "redirect" }, { expectPopup: false });
    await page.waitForURL((url) => url.href.startsWith(`${demo.emulator.url}/oauth/notion/authorize`));
    assert.equal(creates().length, 1);
    assert.equal(new URL(creates()[0].json.redirectUrl).searchParams.has("sm_oauth_popup"), false);
  } finally {
    await context.close();
  }
});

test("abort and maxWait end the flow and close the popup", async () => {
  const { page, context } = await openPage();
  try {
    let popup = await start(page, "notion", { signal: "controller" });
    await consentPage(popup);
    await page.evaluate(() => window.__controller.abort(new Error("cancelled")));
    let result = await outcome(page);
    assert.equal(result.code, "aborted", JSON.stringify(result));
    await whenClosed(popup);

    popup = await start(page, "notion", { maxWait: 2500 });
    await consentPage(popup);
    result = await outcome(page);
    assert.deepEqual(result, { ok: false, code: "timeout", message: "the popup did not come back within maxWait (2500 ms)" });
    await whenClosed(popup);
  } finally {
    await context.close();
  }
});

test("a double click opens one popup; the second call is invalid_request", async () => {
  const { page, context } = await openPage();
  try {
    const popups = [];
    context.on("page", (opened) => popups.push(opened));
    await page.evaluate(() => {
      window.__second = undefined;
      const first = window.sm.connectInPopup("notion", { baseURL: "/api/supermemory", allowedHosts: window.__allowed, maxWait: 3000 });
      first.catch(() => {});
      window.sm.connectInPopup("notion", { baseURL: "/api/supermemory" }).catch((error) => (window.__second = { code: error.code, message: error.message }));
    });
    await page.waitForFunction(() => window.__second !== undefined);
    assert.deepEqual(await page.evaluate(() => window.__second), { code: "invalid_request", message: "a connection is already in progress" });
    await page.waitForTimeout(500);
    assert.equal(popups.length, 1, "one window");
  } finally {
    await context.close();
  }
});

test("a hostile authLink: unsafe_redirect, the popup never leaves its blank page and is closed", async () => {
  const { page, context } = await openPage();
  try {
    demo.emulator.script([{ status: 200, body: { id: "conn_x", authLink: "https://evil.example/oauth", expiresIn: "1 hour" } }]);
    const popup = await start(page, "notion");
    const result = await outcome(page);
    assert.equal(result.code, "unsafe_redirect", JSON.stringify(result));
    await whenClosed(popup);
    assert.equal(popup.url(), "about:blank");
  } finally {
    await context.close();
  }
});

test("a message with another nonce (another tab) is ignored; the real return still completes", async () => {
  const { page, context } = await openPage();
  try {
    const popup = await start(page, "notion");
    await consentPage(popup);
    const other = await context.newPage();
    await other.goto(`${demo.url}/config.json`);
    await other.evaluate(() => new BroadcastChannel("supermemory-connections:oauth").postMessage({ type: "result", nonce: "f".repeat(32), error: "forged" }));
    await page.waitForTimeout(600);
    assert.equal(await page.evaluate(() => window.__outcome), undefined, "still waiting");
    await popup.click("#allow");
    const result = await outcome(page);
    assert.equal(result.value?.ok, true, JSON.stringify(result));
  } finally {
    await context.close();
  }
});

test("Cross-Origin-Opener-Policy: same-origin severs the handle; a consent page kept open longer than the grace still completes", async () => {
  const { page, context } = await openPage(coopDemo);
  try {
    const popup = await start(page, "notion");
    await consentPage(popup, coopDemo);
    await page.waitForTimeout(3000);
    assert.equal(await page.evaluate(() => window.__outcome), undefined, "a severed handle is not a closed popup");
    await popup.click("#allow");
    const result = await outcome(page);
    const [id] = [...coopDemo.emulator.connections.keys()];
    assert.deepEqual(result, { ok: true, value: { ok: true, connectionId: id, provider: "notion" } });
  } finally {
    await context.close();
  }
});

test("the providers the JavaScript layer opens a window for are the wasm module's OAuth providers", async () => {
  const { page, context } = await openPage();
  try {
    const seen = await page.evaluate(async (providers) => {
      const rows = [];
      for (const provider of providers) {
        let opened = 0;
        window.open = () => {
          opened += 1;
          return null;
        };
        const settled = await window.sm
          .connectInPopup(provider, {
            baseURL: "/api/supermemory",
            metadata: { startUrl: "https://example.com", accessKeyId: "a", secretAccessKey: "s", bucket: "b", region: "r", apiKey: "k" },
          })
          .then(
            () => "created",
            (error) => error.code,
          );
        rows.push([provider, opened, settled]);
      }
      return rows;
    }, PROVIDERS);
    for (const [provider, opened, settled] of seen) {
      const oauth = OAUTH.has(provider);
      assert.equal(opened, oauth ? 1 : 0, `${provider}: window.open calls`);
      // The wasm module refuses a missing window only for its OAuth providers.
      assert.equal(settled === "popup_blocked", oauth, `${provider}: ${settled}`);
    }
  } finally {
    await context.close();
  }
});

test("connectInPopup's own options are checked before anything is created; the window it opened closes", async () => {
  const { page, context } = await openPage();
  try {
    const cases = [
      [{ maxWait: 0 }, "maxWait", "maxWait must be an integer from 1 to 2147483647"],
      [{ maxWait: 2147483648 }, "maxWait", "maxWait must be an integer from 1 to 2147483647"],
      [{ fallback: "popup" }, "fallback", 'fallback must be "redirect" or left out'],
      [{ maxwait: 10 }, "maxwait", "unknown option maxwait: did you mean maxWait?"],
      [{ allowedhosts: [] }, "allowedhosts", "unknown option allowedhosts: did you mean allowedHosts?"],
      [{ allowedHosts: "github.com" }, "allowedHosts", "allowedHosts must be an array of strings, not a string"],
    ];
    for (const [options, field, message] of cases) {
      const popup = await start(page, "notion", options);
      const result = await page.evaluate(async () => {
        while (window.__outcome === undefined) await new Promise((r) => setTimeout(r, 20));
        return window.__outcome;
      });
      assert.deepEqual(result, { ok: false, code: "invalid_request", message, field }, JSON.stringify(options));
      await whenClosed(popup);
    }
    assert.deepEqual(creates(), [], "nothing was created");
  } finally {
    await context.close();
  }
});

test("no channel or timer is left after each way a flow ends (Allow, abort, maxWait, hostile link, blocked)", async () => {
  const context = await browser.newContext();
  // Counts the page's open BroadcastChannels and pending setTimeout timers.
  await context.addInitScript(() => {
    const Channel = window.BroadcastChannel;
    window.__channels = 0;
    window.BroadcastChannel = class extends Channel {
      constructor(name) {
        super(name);
        window.__channels += 1;
      }
      close() {
        window.__channels -= 1;
        super.close();
      }
    };
    const pending = new Set();
    const { setTimeout: set, clearTimeout: clear } = window;
    window.setTimeout = (fn, ms, ...args) => {
      const id = set(() => {
        pending.delete(id);
        fn(...args);
      }, ms);
      pending.add(id);
      return id;
    };
    window.clearTimeout = (id) => {
      pending.delete(id);
      clear(id);
    };
    window.__timers = () => pending.size;
  });
  const page = await context.newPage();
  try {
    // A page of the demo's origin with nothing of its own running.
    await page.goto(`${demo.url}/config.json`);
    await page.evaluate(async () => {
      window.sm = await import("/pkg/index.js");
      const config = await (await fetch("/config.json")).json();
      window.__allowed = [...window.sm.DEFAULT_ALLOWED_HOSTS, ...config.allowedHosts];
      await fetch("/session");
    });
    const run = (options) =>
      page.evaluate((extra) => {
        window.__outcome = undefined;
        if (extra.abortAfter) {
          const controller = new AbortController();
          extra.signal = controller.signal;
          setTimeout(() => controller.abort(), extra.abortAfter);
          delete extra.abortAfter;
        }
        window.sm
          .connectInPopup("notion", { baseURL: "/api/supermemory", allowedHosts: window.__allowed, ...extra })
          .then(
            (value) => (window.__outcome = { ok: true, value }),
            (error) => (window.__outcome = { ok: false, code: error.code }),
          );
      }, options);
    const leftAfter = async (label) => {
      const result = await outcome(page, 15_000);
      await page.waitForTimeout(300);
      const left = await page.evaluate(() => ({ channels: window.__channels, timers: window.__timers() }));
      assert.deepEqual(left, { channels: 0, timers: 0 }, `${label}: ${JSON.stringify(result)}`);
      return result;
    };

    const [popup] = await Promise.all([page.waitForEvent("popup"), run({ redirectUrl: `${demo.url}/` })]);
    await consentPage(popup);
    await popup.click("#allow");
    assert.equal((await leftAfter("Allow")).value?.ok, true);

    let [opened] = await Promise.all([page.waitForEvent("popup"), run({ abortAfter: 1500 })]);
    assert.equal((await leftAfter("abort")).code, "aborted");
    await whenClosed(opened);

    [opened] = await Promise.all([page.waitForEvent("popup"), run({ maxWait: 1500 })]);
    assert.equal((await leftAfter("maxWait")).code, "timeout");
    await whenClosed(opened);

    demo.emulator.script([{ status: 200, body: { id: "conn_x", authLink: "https://evil.example/oauth", expiresIn: "1 hour" } }]);
    [opened] = await Promise.all([page.waitForEvent("popup"), run({})]);
    assert.equal((await leftAfter("hostile link")).code, "unsafe_redirect");

    await page.evaluate(() => (window.open = () => null));
    await run({});
    assert.equal((await leftAfter("blocked")).code, "popup_blocked");
  } finally {
    await context.close();
  }
});

test("a popup return no opener acknowledges shows state_mismatch in the popup and leaves its address bar clean", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${demo.url}/?sm_oauth_state=${"a".repeat(32)}&sm_oauth_popup=1`);
    await page.waitForSelector("#result.result-error:not([hidden])", { timeout: 5000 });
    assert.match(await page.textContent("#result"), /not started here or was already used/);
    assert.equal(new URL(page.url()).search, "");
    assert.equal(page.isClosed(), false, "no opener acknowledged: the window stays with the message");
  } finally {
    await context.close();
  }
});

test("cancelled while COOP keeps the popup out of reach: the popup closes itself when it comes back", async () => {
  const { page, context } = await openPage(coopDemo);
  try {
    const popup = await start(page, "notion", { signal: "controller" });
    await consentPage(popup, coopDemo);
    await page.waitForTimeout(1600); // the handle is severed by now
    await page.evaluate(() => window.__controller.abort());
    assert.equal((await outcome(page)).code, "aborted");
    assert.equal(popup.isClosed(), false, "a severed popup cannot be closed by the opener");
    const closed = popup.waitForEvent("close");
    await popup.click("#allow");
    await closed;
    assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), [], "the cancellation mark is gone");
  } finally {
    await context.close();
  }
});
