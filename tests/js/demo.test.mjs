// End-to-end tests of the demo page (www/): the page served by www/server.mjs under its
// Content-Security-Policy, with the local emulator behind the server's proxy, driven by Playwright
// in Debian's Chromium. Every page is watched for page errors, console errors and CSP violations;
// the suite fails on any. Screenshots and a console log go to test-output/demo/.
// Run: node --test tests/js/demo.test.mjs
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { startDemoServer } from "../../www/server.mjs";
import { launchBrowser } from "./browser.mjs";

const OUTPUT = fileURLToPath(new URL("../../test-output/demo/", import.meta.url));
const DECLINED = "You declined access on the provider's page.";
const STATE_MISMATCH = "This sign-in link was not started here or was already used; please connect again.";

let demo;
let browser;
/** Every problem seen on any page of the suite (page errors, console errors, CSP violations). */
const suiteProblems = [];
/** Every console message of every page, written to test-output/demo/console.log at the end. */
const consoleLog = [];

before(async () => {
  await mkdir(OUTPUT, { recursive: true });
  // env: {} keeps the server offline (on the emulator) even where SUPERMEMORY_API_KEY is set.
  // A short simulated sync keeps the list tests quick.
  demo = await startDemoServer({ port: 0, env: {}, emulatorOptions: { syncMs: 500 } });
  browser = await launchBrowser();
});

after(async () => {
  await writeFile(`${OUTPUT}console.log`, consoleLog.join("\n") + "\n");
  await browser?.close();
  await demo?.close();
});

beforeEach(() => demo.emulator.reset());

const home = () => `${demo.url}/`;

/**
 * Opens a fresh browser context and page with the watchers attached. `provokedStatuses` lists
 * HTTP statuses the test causes on purpose, whose "Failed to load resource" console lines are
 * expected. Resolves { page, context, problems, navigations, apiRequests }.
 */
async function openPage(name, { provokedStatuses = [], viewport = { width: 1100, height: 900 }, collect = suiteProblems } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  const note = (text) => {
    problems.push(text);
    collect.push(`${name}: ${text}`);
  };
  // The page's CSP does not apply to bindings and init scripts, so this listener works on every
  // document the page loads and reports back to the test.
  await page.exposeFunction("reportCspViolation", (text) => note(`CSP violation: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      window.reportCspViolation(`${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"} in ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  page.on("pageerror", (error) => note(`page error: ${error.message}`));
  page.on("dialog", (dialog) => {
    note(`dialog opened: ${dialog.type()} ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  page.on("console", (message) => {
    const text = message.text();
    consoleLog.push(`[${name}] ${message.type()}: ${text}`);
    if (text.includes("Content Security Policy")) return note(`CSP console message: ${text}`);
    if (message.type() !== "error") return;
    const failed = /^Failed to load resource: the server responded with a status of (\d+)/.exec(text);
    if (failed && provokedStatuses.includes(Number(failed[1]))) return;
    note(`console error: ${text}`);
  });
  const navigations = [];
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) navigations.push(frame.url());
  });
  // What the page itself sends to its backend: never a key.
  const apiRequests = [];
  page.on("request", (request) => {
    if (request.url().startsWith(`${demo.url}/api/`)) apiRequests.push({ url: request.url(), headers: request.headers() });
  });
  return { page, context, problems, navigations, apiRequests };
}

/** Runs `body` with a fresh page, saves a screenshot, and fails on any problem the page had. */
async function withPage(name, options, body) {
  const opened = await openPage(name, options);
  try {
    await body(opened);
  } finally {
    await opened.page.screenshot({ path: `${OUTPUT}${name}.png`, fullPage: true }).catch(() => {});
    await opened.context.close();
  }
  assert.deepEqual(opened.problems, [], "page errors, console errors or CSP violations");
}

/**
 * Loads `url` (default: the page) and waits until Connect is usable (config read, return handled)
 * and the signed-in user's list has its first answer (so a scripted answer meets the next call).
 */
async function load(page, url = home()) {
  await page.goto(url);
  await page.waitForSelector("#connect:enabled");
  await page.waitForFunction(
    () => !document.getElementById("connection-list").hasAttribute("aria-busy") && document.getElementById("connections-empty").textContent !== "Loading…",
  );
}

/** The demo users' container tags (www/server.mjs), which the proxy puts on every call. */
const ADA = ["demo_ada"];
const BEN = ["demo_ben"];

/** What reached the emulator apart from list requests (the page's list, the proxy's id checks). */
const notLists = () => demo.emulator.requests.filter((r) => r.path !== "/v3/connections/list");

async function pick(page, provider) {
  await page.click(`label[for="provider-${provider}"]`);
  assert.equal(await page.isChecked(`#provider-${provider}`), true);
}

/** Waits for the result panel to show `kind` ("success", "error", "info"); resolves its text. */
async function resultText(page, kind) {
  await page.waitForSelector(`#result.result-${kind}:not([hidden])`);
  return page.textContent("#result");
}

const sessionKeys = (page) => page.evaluate(() => Object.keys(sessionStorage));
const hasNonce = (url) => new URL(url).searchParams.has("sm_oauth_state");

/** The create requests the emulator received for `provider`. */
const creates = (provider) =>
  demo.emulator.requests.filter((r) => r.method === "POST" && r.path === `/v3/connections/${provider}`);

/** Picks Notion, connects, and waits for the emulator's consent page; resolves the create request. */
async function startNotion(page) {
  await load(page);
  await pick(page, "notion");
  await page.uncheck("#use-popup"); // the full-page round trip
  const consent = `${demo.emulator.url}/oauth/notion/authorize`;
  await Promise.all([page.waitForURL((url) => url.href.startsWith(consent)), page.click("#connect")]);
  const [create] = creates("notion");
  assert.ok(create, "the emulator received the create request");
  return create;
}

/** Clicks #allow or #deny on the consent page and waits to be back on the demo page. */
async function answerConsent(page, button) {
  await Promise.all([page.waitForURL((url) => url.href.startsWith(home())), page.click(button)]);
}

test("the page says how it reaches the API, and shows only the chosen provider's settings", async () => {
  await withPage("layout", {}, async ({ page }) => {
    await load(page);
    assert.equal(
      await page.textContent("#mode"),
      "Offline demo: a local emulator stands in for supermemory.",
    );
    assert.match(await page.textContent(".intro"), /no key ever\s+reaches the browser/);
    assert.equal(await page.locator('input[name="provider"]').count(), 8);
    assert.equal(await page.isChecked("#provider-notion"), true);
    for (const id of ["start-url", "sync-scope", "s3-bucket", "granola-api-key"]) {
      assert.equal(await page.isVisible(`#${id}`), false, `#${id} is hidden for Notion`);
    }
    await pick(page, "web-crawler");
    assert.equal(await page.isVisible("#start-url"), true);
    assert.equal(await page.textContent("#connect"), "Connect Web crawler");
    await pick(page, "google-drive");
    assert.equal(await page.isVisible("#sync-scope"), true);
    assert.equal(await page.isVisible("#start-url"), false);
    await pick(page, "s3");
    for (const id of ["s3-bucket", "s3-region", "s3-access-key-id", "s3-secret-access-key", "s3-endpoint", "s3-prefix"]) {
      assert.equal(await page.isVisible(`#${id}`), true, `#${id} is shown for S3`);
    }
    assert.equal(await page.getAttribute("#s3-secret-access-key", "type"), "password");
    await pick(page, "granola");
    assert.equal(await page.getAttribute("#granola-api-key", "type"), "password");
    assert.equal(await page.isVisible("#s3-bucket"), false);
  });
});

test("the page fits a 360px-wide phone screen without sideways scrolling", async () => {
  await withPage("phone", { viewport: { width: 360, height: 740 } }, async ({ page }) => {
    await load(page);
    await pick(page, "s3");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `the page is ${width}px wide`);
  });
});

test("Notion round trip: consent page, Allow, back with success and the nonce gone", async () => {
  await withPage("notion-allow", {}, async ({ page, apiRequests }) => {
    const create = await startNotion(page);
    assert.deepEqual(create.json.containerTags, ADA, "the proxy put the signed-in user's tag on the create");
    assert.equal(create.json.documentLimit, undefined);
    const redirectUrl = new URL(create.json.redirectUrl);
    assert.equal(redirectUrl.origin + redirectUrl.pathname, home());
    assert.ok(redirectUrl.searchParams.get("sm_oauth_state"), "redirectUrl carries the nonce");
    for (const request of apiRequests) assert.equal(request.headers.authorization, undefined, "no key from the browser");

    await answerConsent(page, "#allow");
    const text = await resultText(page, "success");
    assert.match(text, /Notion connected/);
    const [id] = [...demo.emulator.connections.keys()];
    assert.ok(text.includes(id), `shows the connection id ${id}`);
    assert.equal(await page.getAttribute("#result", "role"), "status");
    assert.equal(hasNonce(page.url()), false, "the nonce left the address bar");
    assert.deepEqual(await sessionKeys(page), [], "no pending sign-in left in sessionStorage");
    assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), []);
  });
});

test("Connect in a popup (the default): Allow in the popup, the page says connected and kept its state", async () => {
  await withPage("popup-allow", {}, async ({ page, navigations }) => {
    await load(page);
    assert.equal(await page.isChecked("#use-popup"), true, "the popup is the default");
    await pick(page, "notion");
    await page.fill("#document-limit", "321");
    const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("#connect")]);
    assert.match(await resultText(page, "info"), /Waiting for Notion/);
    assert.equal(await page.isVisible("#cancel-popup"), true);
    await popup.waitForSelector("#allow");
    await popup.click("#allow");
    const text = await resultText(page, "success");
    assert.match(text, /Notion connected/);
    const [id] = [...demo.emulator.connections.keys()];
    assert.ok(text.includes(id), text);
    assert.equal(await page.inputValue("#document-limit"), "321", "the form kept what was typed");
    assert.deepEqual(navigations, [home()], "the page never navigated");
    await page.waitForSelector(row(id));
  });
});

test("Cancel while the popup is open aborts: the popup closes and the page is ready again", async () => {
  await withPage("popup-cancel", {}, async ({ page }) => {
    await load(page);
    await pick(page, "github");
    const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("#connect")]);
    await popup.waitForSelector("#allow");
    const closed = popup.waitForEvent("close");
    await page.click("#cancel-popup");
    await closed;
    await page.waitForSelector("#connect:enabled");
    assert.equal(await page.isVisible("#result"), false, "nothing to report after a cancel");
  });
});

test("deleting a connection removes the result panel that showed it", async () => {
  await withPage("result-after-delete", {}, async ({ page }) => {
    await load(page);
    const id = await syncedCrawler(page);
    assert.equal(await page.isVisible("#result"), true);
    await openDelete(page, id);
    await page.click(`${row(id)} [data-action="confirm-delete"]`);
    await page.waitForSelector(row(id), { state: "detached" });
    assert.equal(await page.isVisible("#result"), false, "the panel of the deleted connection is gone");
  });
});

test("Deny on the consent page shows the declined message", async () => {
  await withPage("notion-deny", {}, async ({ page }) => {
    await startNotion(page);
    await answerConsent(page, "#deny");
    const text = await resultText(page, "error");
    assert.match(text, /Notion was not connected/);
    assert.ok(text.includes(DECLINED), text);
    assert.equal(await page.getAttribute("#result", "role"), "alert");
    const url = new URL(page.url());
    assert.equal(url.searchParams.has("sm_oauth_state"), false);
    assert.equal(url.searchParams.has("error"), false, "the error parameter left the address bar");
    assert.deepEqual(await sessionKeys(page), []);
  });
});

test("Google Drive sends the chosen sync scope", async () => {
  await withPage("google-drive", {}, async ({ page }) => {
    await load(page);
    await pick(page, "google-drive");
    await page.uncheck("#use-popup");
    await page.selectOption("#sync-scope", "full");
    await page.fill("#document-limit", "250");
    const consent = `${demo.emulator.url}/oauth/google-drive/authorize`;
    await Promise.all([page.waitForURL((url) => url.href.startsWith(consent)), page.click("#connect")]);
    const [create] = creates("google-drive");
    assert.deepEqual(create.json.metadata, { syncScope: "full" });
    assert.deepEqual(create.json.containerTags, ADA);
    assert.equal(create.json.documentLimit, 250);
  });
});

test("web-crawler with a start URL is connected at once, without leaving the page", async () => {
  await withPage("web-crawler", {}, async ({ page, navigations }) => {
    await load(page);
    await pick(page, "web-crawler");
    await page.fill("#start-url", "https://docs.example.com/");
    await page.click("#connect");
    const text = await resultText(page, "success");
    const [create] = creates("web-crawler");
    assert.deepEqual(create.json.metadata, { startUrl: "https://docs.example.com/" });
    const [id] = [...demo.emulator.connections.keys()];
    assert.match(text, /Web crawler connected/);
    assert.ok(text.includes(id), `shows the connection id ${id}`);
    assert.equal(page.url(), home(), "the URL did not change");
    assert.deepEqual(navigations, [home()], "no navigation after the first load");
    assert.equal(await page.isEnabled("#connect"), true);
  });
});

test("S3 and Granola secrets go to the API once and stay out of the URL and storage", async () => {
  await withPage("secrets", {}, async ({ page }) => {
    await load(page);
    await pick(page, "s3");
    await page.fill("#s3-bucket", "team-docs");
    await page.fill("#s3-region", "eu-west-1");
    await page.fill("#s3-access-key-id", "AKIA_DEMO");
    await page.fill("#s3-secret-access-key", "s3-SECRET-value");
    await page.fill("#s3-prefix", "docs/");
    await page.click("#connect");
    assert.match(await resultText(page, "success"), /Amazon S3 connected/);
    assert.deepEqual(creates("s3")[0].json.metadata, {
      accessKeyId: "AKIA_DEMO",
      secretAccessKey: "s3-SECRET-value",
      bucket: "team-docs",
      region: "eu-west-1",
      prefix: "docs/",
    });
    assert.equal(await page.inputValue("#s3-secret-access-key"), "", "the secret is cleared once used");

    await pick(page, "granola");
    await page.fill("#granola-api-key", "gr-SECRET-value");
    await page.click("#connect");
    await page.waitForSelector("#result.result-success >> text=Granola connected");
    assert.deepEqual(creates("granola")[0].json.metadata, { apiKey: "gr-SECRET-value" });
    assert.equal(await page.inputValue("#granola-api-key"), "");

    const stored = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }, location.href]));
    assert.equal(stored.includes("SECRET"), false, stored);
  });
});

test("a bad start URL highlights #start-url and sends nothing; fixing it clears the highlight", async () => {
  await withPage("bad-start-url", {}, async ({ page }) => {
    await load(page);
    await pick(page, "web-crawler");
    await page.fill("#start-url", "ftp://x");
    await page.click("#connect");
    await page.waitForSelector('#start-url[aria-invalid="true"]');
    assert.equal(await page.evaluate(() => document.getElementById("start-url").classList.contains("is-invalid")), true);
    assert.equal(await page.isVisible("#start-url-error"), true);
    assert.equal(await page.textContent("#start-url-error"), "Start URL must be an absolute http: or https: URL", "the form's label, not the API's path");
    assert.equal(await page.evaluate(() => document.activeElement.id), "start-url", "focus moves to the field");
    assert.equal(await page.isVisible("#result"), false);
    assert.equal(await page.isEnabled("#connect"), true);
    assert.deepEqual(notLists(), [], "no request but the list reached the emulator");

    await page.fill("#start-url", "https://example.com");
    await page.click("#connect");
    assert.match(await resultText(page, "success"), /Web crawler connected/);
    assert.equal(await page.getAttribute("#start-url", "aria-invalid"), null);
    assert.equal(await page.isVisible("#start-url-error"), false);
  });
});

test("a bad document limit highlights its input and sends nothing; the form has no container tags", async () => {
  await withPage("bad-fields", {}, async ({ page }) => {
    await load(page);
    assert.equal(await page.locator("#container-tags").count(), 0, "the backend sets the user's tags");
    await page.fill("#document-limit", "20000");
    await page.click("#connect");
    await page.waitForSelector('#document-limit[aria-invalid="true"]');
    assert.equal(await page.textContent("#document-limit-error"), "Document limit must be an integer from 1 to 10000");
    assert.deepEqual(notLists(), []);
  });
});

for (const authLink of ["javascript:alert(1)", "http://evil.example/oauth", "https://evil.example/oauth"]) {
  test(`a rigged authLink ${authLink} is refused and the page stays put`, async () => {
    const name = `unsafe-${authLink.split(":")[0]}`;
    await withPage(name, {}, async ({ page, navigations }) => {
      await load(page);
      demo.emulator.script([{ status: 200, body: { id: "conn_x", authLink, expiresIn: "1 hour" } }]);
      await pick(page, "notion");
      await page.uncheck("#use-popup");
      await page.click("#connect");
      const text = await resultText(page, "error");
      assert.match(text, /Sign-in link refused/);
      assert.equal(await page.getAttribute("#result", "role"), "alert");
      assert.equal(page.url(), home(), "the URL did not change");
      assert.deepEqual(navigations, [home()], "no navigation after the first load");
      assert.equal(await page.isEnabled("#connect"), true);
      assert.equal(creates("notion").length, 1);
    });
  });
}

test("Connect is disabled while the request is under way", async () => {
  await withPage("busy", {}, async ({ page }) => {
    await load(page);
    demo.emulator.script([{ status: 200, body: { id: "conn_slow" }, delayMs: 600 }]);
    await pick(page, "web-crawler");
    await page.fill("#start-url", "https://docs.example.com");
    await page.click("#connect");
    assert.equal(await page.isDisabled("#connect"), true);
    assert.equal(await page.getAttribute("#connect-form", "aria-busy"), "true");
    assert.match(await resultText(page, "success"), /conn_slow/);
    assert.equal(await page.isEnabled("#connect"), true);
    assert.equal(creates("web-crawler").length, 1);
  });
});

test("an API error is explained in the result panel", async () => {
  await withPage("api-error", { provokedStatuses: [401] }, async ({ page }) => {
    await load(page);
    demo.emulator.script([{ status: 401, body: { error: "Unauthorized" } }]);
    await page.click("#connect");
    const text = await resultText(page, "error");
    assert.match(text, /The server's API key was refused/);
    assert.equal(await page.getAttribute("#result", "role"), "alert");
    assert.equal(await page.isEnabled("#connect"), true);
  });
});

test("a forged nonce shows state_mismatch and is taken out of the address bar", async () => {
  await withPage("forged-nonce", {}, async ({ page }) => {
    await load(page, `${home()}?sm_oauth_state=forged`);
    const text = await resultText(page, "error");
    assert.ok(text.includes(STATE_MISMATCH), text);
    assert.equal(hasNonce(page.url()), false);
  });
});

test("a return URL used a second time shows state_mismatch", async () => {
  await withPage("reused-nonce", {}, async ({ page }) => {
    const create = await startNotion(page);
    await answerConsent(page, "#allow");
    assert.match(await resultText(page, "success"), /Notion connected/);
    // The same way back again, nonce and all: the nonce was used up the first time.
    await load(page, create.json.redirectUrl);
    const text = await resultText(page, "error");
    assert.ok(text.includes(STATE_MISMATCH), text);
    assert.equal(hasNonce(page.url()), false);
  });
});

test("an error code from the way back is shown as text, never as markup", async () => {
  await withPage("error-markup", {}, async ({ page }) => {
    // A genuine nonce with a hostile error code: completeOAuth passes the code on, and the page
    // must print it, not parse it.
    const create = await startNotion(page);
    const markup = '<img src=x id=injected onerror="alert(1)">';
    await load(page, `${create.json.redirectUrl}&error=${encodeURIComponent(markup)}`);
    const text = await resultText(page, "error");
    assert.ok(text.includes(`The provider reported: ${markup}`), text);
    assert.equal(await page.locator("#injected").count(), 0, "no element was created from the query");
  });
});

test("an error parameter without a nonce of this page counts as state_mismatch", async () => {
  await withPage("error-without-nonce", {}, async ({ page }) => {
    await load(page, `${home()}?error=access_denied`);
    const text = await resultText(page, "error");
    assert.ok(text.includes(STATE_MISMATCH), text);
    assert.equal(new URL(page.url()).search, "");
  });
});

// ---- "Your connections": the list, its sync status, Sync now and Delete ----

/** The emulator's requests with this method and path. */
const requestsTo = (method, path) => demo.emulator.requests.filter((r) => r.method === method && r.path === path);
const listRequests = () => requestsTo("POST", "/v3/connections/list");
const deleteRequests = () => demo.emulator.requests.filter((r) => r.method === "DELETE");

const row = (id) => `#connections [data-connection-id="${id}"]`;
const statusOf = (page, id) => page.textContent(`${row(id)} [data-field="status"]`);

/** Waits until the status cell of connection `id` matches `pattern` (a sync takes 1.5 s offline). */
async function waitForStatus(page, id, pattern, timeout = 8000) {
  await page.waitForFunction(
    ([selector, source]) => {
      const cell = document.querySelector(selector);
      return cell !== null && new RegExp(source).test(cell.textContent);
    },
    [`${row(id)} [data-field="status"]`, pattern.source],
    { timeout },
  );
}

/** Connects a web crawler as the signed-in user; resolves its id once the page says so. */
async function connectCrawler(page) {
  const before = new Set(demo.emulator.connections.keys());
  await pick(page, "web-crawler");
  await page.fill("#start-url", "https://docs.example.com/");
  await page.click("#connect");
  await page.waitForSelector("#result.result-success >> text=Web crawler connected");
  const id = [...demo.emulator.connections.keys()].find((key) => !before.has(key));
  assert.ok(id, "the emulator stored a new connection");
  return id;
}

/** The connected web crawler of `connectCrawler`, once its first sync has completed. */
async function syncedCrawler(page) {
  const id = await connectCrawler(page);
  await waitForStatus(page, id, /^Synced \S/);
  return id;
}

/** Opens the delete confirmation of `id` and waits for the document count in its wording. */
async function openDelete(page, id, count = 3) {
  await page.click(`${row(id)} [data-action="delete"]`);
  await page.waitForSelector(`${row(id)} .delete-confirm:not([hidden])`);
  await page.waitForSelector(`${row(id)} .delete-confirm >> text=Also delete the ${count} documents synced from this connection`);
}

const summaryOf = (page, id) => page.textContent(`${row(id)} [data-field="delete-summary"]`);

/** Switches the demo user with the "Signed in as" select; waits for that user's list. */
async function switchUser(page, user, tags) {
  await page.selectOption("#demo-user", user);
  await page.waitForFunction((tag) => document.getElementById("connections-scope").textContent.includes(tag), tags[0]);
  await page.waitForSelector("#demo-user:enabled");
  await page.waitForFunction(() => !document.getElementById("connection-list").hasAttribute("aria-busy"));
}

test("switching users shows each user only their own connections; the proxy refuses the other's", async () => {
  await withPage("connections-users", { provokedStatuses: [403, 404] }, async ({ page }) => {
    await load(page);
    assert.equal(await page.inputValue("#demo-user"), "ada", "a new visitor is the first demo user");
    assert.match(await page.textContent("#connections-scope"), /Container tag demo_ada/);
    const adas = await connectCrawler(page);
    await page.waitForSelector(row(adas));

    await switchUser(page, "ben", BEN);
    assert.equal(await page.locator(row(adas)).count(), 0, "Ada's connection is not listed for Ben");
    assert.equal(await page.isVisible("#result"), false, "the result panel went with the switch");
    const bens = await connectCrawler(page);
    await page.waitForSelector(row(bens));
    assert.equal(await page.locator("#connections [data-connection-id]").count(), 1);
    assert.deepEqual(creates("web-crawler").map((r) => r.json.containerTags), [ADA, BEN]);

    // Ben's page asking for Ada's connection or Ada's tag gets nothing of hers.
    const refused = await page.evaluate(async (id) => {
      const { default: Supermemory } = await import("/pkg/index.js");
      const connections = new Supermemory({ baseURL: "/api/supermemory", maxRetries: 0 }).connections;
      const outcome = (promise) => promise.then((value) => ({ value }), (error) => ({ code: error.code, status: error.status }));
      return {
        byId: await outcome(connections.getByID(id)),
        byTag: await outcome(connections.list({ containerTags: ["demo_ada"] })),
        deleted: await outcome(connections.deleteByID(id, { deleteDocuments: true })),
      };
    }, adas);
    assert.deepEqual(refused, {
      byId: { code: "not_found", status: 404 },
      byTag: { code: "permission_denied", status: 403 },
      deleted: { code: "not_found", status: 404 },
    });
    assert.ok(demo.emulator.connections.has(adas), "Ada's connection survived");
    assert.equal(demo.emulator.requests.filter((r) => r.path.startsWith(`/v3/connections/${adas}`)).length, 0);

    await switchUser(page, "ada", ADA);
    await page.waitForSelector(row(adas));
    assert.equal(await page.locator(row(bens)).count(), 0, "Ben's connection is not listed for Ada");
    for (const request of listRequests()) assert.ok([ADA, BEN].some((tags) => JSON.stringify(request.json) === JSON.stringify({ containerTags: tags })));
  });
});

test("after a web-crawler connect the list shows the connection syncing, then synced, then stops refreshing", async () => {
  await withPage("connections-crawler", {}, async ({ page }) => {
    await load(page);
    const id = await connectCrawler(page);
    await page.waitForSelector(row(id));
    assert.equal(await page.locator("#connections [data-connection-id]").count(), 1);
    assert.match(await page.textContent("#connections-scope"), /Container tag demo_ada/);
    assert.equal(await page.textContent(`${row(id)} .connection-name`), "Web crawler");
    assert.equal(await page.getAttribute(`${row(id)} .provider-icon`, "data-provider"), "web-crawler");
    assert.equal(await page.textContent(`${row(id)} [data-field="account"]`), "—");
    const created = demo.emulator.connections.get(id).createdAt;
    assert.equal(await page.getAttribute(`${row(id)} [data-field="created"] time`, "datetime"), created);
    const shown = await page.textContent(`${row(id)} [data-field="created"] time`);
    const expected = await page.evaluate(
      (iso) => new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso)),
      created,
    );
    assert.equal(shown, expected, "the created time in the browser's local format");

    await waitForStatus(page, id, /^Syncing…$/, 3000);
    assert.equal(await page.isDisabled(`${row(id)} [data-action="sync"]`), true, "no Sync now while syncing");
    await waitForStatus(page, id, /^Synced \S/);
    assert.equal(await page.textContent("#connections-notice"), "Web crawler: sync completed.", "the end is announced");
    const completedAt = demo.emulator.connections.get(id).lastSyncRun.completedAt;
    assert.equal(await page.getAttribute(`${row(id)} [data-field="status"] time`, "datetime"), completedAt);
    assert.equal(await page.isEnabled(`${row(id)} [data-action="sync"]`), true);

    for (const request of listRequests()) assert.deepEqual(request.json, { containerTags: ADA });
    // About one list a second while the 1.5 s sync ran, then none.
    const whenSynced = listRequests().length;
    assert.ok(whenSynced >= 2 && whenSynced <= 5, `${whenSynced} list requests during the sync`);
    await page.waitForTimeout(2500);
    assert.equal(listRequests().length, whenSynced, "the list stopped refreshing once nothing syncs");
  });
});

test("a Notion round trip lists the connection with its account, back as the same user", async () => {
  await withPage("connections-notion", {}, async ({ page }) => {
    await startNotion(page);
    await answerConsent(page, "#allow");
    assert.match(await resultText(page, "success"), /Notion connected/);
    const [id] = [...demo.emulator.connections.keys()];
    await page.waitForSelector(row(id));
    assert.equal(await page.textContent(`${row(id)} [data-field="account"]`), "user@notion.example");
    assert.equal(await page.textContent(`${row(id)} .connection-name`), "Notion");
    assert.equal(await page.inputValue("#demo-user"), "ada", "still signed in as Ada");
    assert.match(await page.textContent("#connections-scope"), /Container tag demo_ada/);
    assert.equal(new URL(page.url()).search, "", "the nonce left the address bar");
    await waitForStatus(page, id, /^Synced \S/);
    assert.deepEqual(listRequests().at(-1).json, { containerTags: ADA });
  });
});

test("a declined Notion connection is listed as pending consent, without Sync now", async () => {
  await withPage("connections-pending", {}, async ({ page }) => {
    await startNotion(page);
    await answerConsent(page, "#deny");
    await resultText(page, "error");
    const [id] = [...demo.emulator.connections.keys()];
    await waitForStatus(page, id, /^Pending consent$/);
    assert.equal(await page.textContent(`${row(id)} [data-field="account"]`), "—");
    assert.equal(await page.isDisabled(`${row(id)} [data-action="sync"]`), true);
    assert.equal(await page.isEnabled(`${row(id)} [data-action="delete"]`), true);
  });
});

test("Sync now sends an import for the provider and tag, and the status goes Syncing, then Synced", async () => {
  await withPage("connections-sync-now", {}, async ({ page }) => {
    await load(page);
    const id = await syncedCrawler(page);
    const firstSync = demo.emulator.connections.get(id).lastSyncRun.startedAt;
    assert.equal(requestsTo("POST", "/v3/connections/web-crawler/import").length, 0);
    await page.click(`${row(id)} [data-action="sync"]`);
    await waitForStatus(page, id, /^Syncing…$/, 3000);
    const imports = requestsTo("POST", "/v3/connections/web-crawler/import");
    assert.equal(imports.length, 1);
    assert.deepEqual(imports[0].json, { containerTags: ADA });
    assert.notEqual(demo.emulator.connections.get(id).lastSyncRun.startedAt, firstSync, "a new sync run");
    assert.match(await page.textContent("#connections-notice"), /A new Web crawler sync has started/);
    await waitForStatus(page, id, /^Synced \S/);
  });
});

test("Delete asks first: unchecked, the documents are kept and deleteDocuments=false is sent", async () => {
  await withPage("connections-delete-keep", {}, async ({ page }) => {
    await load(page);
    const id = await syncedCrawler(page);
    assert.equal(demo.emulator.documents.size, 3);
    await openDelete(page, id);
    assert.equal(await page.isChecked(`${row(id)} [data-field="delete-documents"]`), false, "unchecked by default");
    const summary = await summaryOf(page, id);
    assert.match(summary, /kept/);
    assert.doesNotMatch(summary, /deleted/);
    assert.equal(await page.textContent(`${row(id)} [data-action="confirm-delete"]`), "Delete connection");
    assert.equal(await page.getAttribute(`${row(id)} [data-action="delete"]`, "aria-expanded"), "true");
    assert.deepEqual(deleteRequests(), [], "nothing deleted before Confirm");

    await page.click(`${row(id)} [data-action="confirm-delete"]`);
    await page.waitForSelector(row(id), { state: "detached" });
    const [request] = deleteRequests();
    assert.equal(deleteRequests().length, 1);
    assert.equal(request.path, `/v3/connections/${id}`);
    assert.deepEqual(request.query, { deleteDocuments: "false" });
    assert.equal(demo.emulator.connections.size, 0);
    assert.equal(demo.emulator.documents.size, 3, "the documents were kept");
    assert.match(await page.textContent("#connections-notice"), /deleted\. The documents synced from it were kept/);
    assert.match(await page.textContent("#connections-empty"), /No connections under this tag yet/);
  });
});

test("Delete with the box checked says the documents go too and sends deleteDocuments=true", async () => {
  await withPage("connections-delete-documents", {}, async ({ page }) => {
    await load(page);
    const id = await syncedCrawler(page);
    await openDelete(page, id);
    await page.check(`${row(id)} [data-field="delete-documents"]`);
    const summary = await summaryOf(page, id);
    assert.match(summary, /The connection and the 3 documents synced from it will be deleted/);
    assert.doesNotMatch(summary, /kept/);
    assert.equal(await page.textContent(`${row(id)} [data-action="confirm-delete"]`), "Delete connection and documents");
    // Unchecking goes back to keeping them.
    await page.uncheck(`${row(id)} [data-field="delete-documents"]`);
    assert.match(await summaryOf(page, id), /kept/);
    await page.check(`${row(id)} [data-field="delete-documents"]`);

    await page.click(`${row(id)} [data-action="confirm-delete"]`);
    await page.waitForSelector(row(id), { state: "detached" });
    assert.equal(deleteRequests().length, 1);
    assert.equal(deleteRequests()[0].path, `/v3/connections/${id}`);
    assert.deepEqual(deleteRequests()[0].query, { deleteDocuments: "true" });
    assert.equal(demo.emulator.documents.size, 0, "the documents were deleted");
    assert.match(await page.textContent("#connections-notice"), /connection and the documents synced from it were deleted/);
  });
});

test("Cancel closes the confirmation and deletes nothing; the open confirmation survives refreshes", async () => {
  await withPage("connections-delete-cancel", {}, async ({ page }) => {
    await load(page);
    const id = await connectCrawler(page);
    // Opened while the sync runs: the refreshes every second keep the box as it was ticked.
    await page.click(`${row(id)} [data-action="delete"]`);
    await page.check(`${row(id)} [data-field="delete-documents"]`);
    await waitForStatus(page, id, /^Synced \S/);
    assert.equal(await page.isVisible(`${row(id)} .delete-confirm`), true);
    assert.equal(await page.isChecked(`${row(id)} [data-field="delete-documents"]`), true);

    await page.click(`${row(id)} [data-action="cancel-delete"]`);
    assert.equal(await page.isVisible(`${row(id)} .delete-confirm`), false);
    assert.equal(await page.getAttribute(`${row(id)} [data-action="delete"]`, "aria-expanded"), "false");
    assert.equal(await page.evaluate(() => document.activeElement.dataset.action), "delete", "focus back on Delete");
    assert.deepEqual(deleteRequests(), []);
    assert.ok(demo.emulator.connections.has(id));
    assert.equal(await page.locator(row(id)).count(), 1);
    // Opened again, the box starts unchecked.
    await openDelete(page, id);
    assert.equal(await page.isChecked(`${row(id)} [data-field="delete-documents"]`), false);
    await page.keyboard.press("Escape");
    assert.equal(await page.isVisible(`${row(id)} .delete-confirm`), false, "Escape cancels too");
    assert.deepEqual(deleteRequests(), []);
  });
});

test("a failed sync shows Failed with its error code", async () => {
  await withPage("connections-sync-failed", {}, async ({ page }) => {
    await load(page);
    demo.emulator.setSyncOutcome({ errorCode: "auth_expired", error: "Token expired" });
    const id = await connectCrawler(page);
    await waitForStatus(page, id, /^Failed: auth_expired$/);
    assert.equal(await page.getAttribute(`${row(id)} [data-field="status"]`, "data-state"), "failed");
    assert.equal(await page.textContent(`${row(id)} [data-field="status-detail"]`), "Token expired");
    assert.equal(await page.textContent("#connections-notice"), "Web crawler: the sync failed (auth_expired).");
    assert.equal(await page.isEnabled(`${row(id)} [data-action="sync"]`), true, "a failed sync can be retried");
  });
});

test("a list the API refuses is explained in plain words; Refresh tries again", async () => {
  await withPage("connections-error", { provokedStatuses: [500] }, async ({ page }) => {
    await load(page);
    demo.emulator.script([{ status: 500, body: { error: "Internal Server Error" } }]);
    await page.click('#connections [data-action="refresh"]');
    await page.waitForSelector("#connections-error:not([hidden])");
    const text = await page.textContent("#connections-error");
    assert.match(text, /^Could not load the connections\. supermemory had a problem\./);
    assert.equal(await page.getAttribute("#connections-error", "role"), "alert");
    await page.click('#connections [data-action="refresh"]');
    await page.waitForSelector("#connections-error", { state: "hidden" });
    // The error hides as the new request starts; the empty-state text follows its answer.
    await page.waitForFunction(
      () => /No connections under this tag yet/.test(document.querySelector("#connections-empty")?.textContent ?? ""),
      null,
      { timeout: 5000 },
    );
    assert.match(await page.textContent("#connections-empty"), /No connections under this tag yet/);
  });
});

test("the list and an open confirmation fit a 360px-wide phone screen", async () => {
  await withPage("connections-phone", { viewport: { width: 360, height: 740 } }, async ({ page }) => {
    await load(page);
    const id = await syncedCrawler(page);
    await openDelete(page, id);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `the page is ${width}px wide`);
    const box = await page.locator(`${row(id)} [data-action="confirm-delete"]`).boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 360, "Confirm is on screen");
  });
});

test("the CSP watcher itself notices a violation", async () => {
  const caught = [];
  const { page, context } = await openPage("csp-self-check", { collect: caught });
  try {
    await load(page);
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.inlineRan = true;";
      document.body.append(script);
    });
    for (let i = 0; i < 50 && caught.length < 2; i += 1) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await page.evaluate(() => window.inlineRan), undefined, "the inline script did not run");
    assert.ok(caught.some((p) => p.includes("CSP violation: script-src")), caught.join("\n"));
  } finally {
    await context.close();
  }
});

test("no page error, console error or CSP violation anywhere in the suite", () => {
  assert.deepEqual(suiteProblems, []);
});
