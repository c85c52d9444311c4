// Many calls at once through the demo's proxy to the emulator: 500 concurrent createConnection
// calls each resolve with their own connection (the one the emulator stored for their tag), and
// 500 concurrent getByID calls each resolve with the connection they asked for.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startDemoServer } from "../../www/server.mjs";
import { launchBrowser } from "./browser.mjs";

const COUNT = 500;
/** A hang detector, not a speed limit. */
const HANG_MS = 60_000;
const PROVIDERS = ["notion", "google-drive", "onedrive", "gmail", "github", "web-crawler", "s3", "granola"];

let demo;
let browser;
let page;
const pageErrors = [];
/** What the 500 creates resolved to, by index: { provider, id, authLink }. */
let created = null;

before(async () => {
  demo = await startDemoServer({ env: {} });
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${demo.url}/`);
  // The demo's proxy scopes every call to the session's user (Ada, tag demo_ada): sign in first,
  // and let the page's own first list finish, so it never lands among a test's requests.
  await page.evaluate(() => fetch("/session"));
  await page.waitForFunction(
    () => !document.getElementById("connection-list").hasAttribute("aria-busy") && document.getElementById("connections-empty").textContent !== "Loading…",
  );
  await page.evaluate(async () => {
    window.sm = await import("/pkg/index.js");
    await window.sm.init();
  });
});

after(async () => {
  await browser?.close();
  await demo?.close();
});

/**
 * Starts at once, in the page, every call the builder `name` (see installBodies) makes from
 * `arg`; resolves to each call's { ok, value } or { ok: false, code, message }, and the time.
 */
function settleAllInPage(name, arg) {
  return page.evaluate(
    async ([builder, value, hangMs]) => {
      const started = performance.now();
      const calls = window.__concurrencyBodies[builder](window.sm, value);
      const settled = Promise.all(
        calls.map((call) =>
          call().then(
            (result) => ({ ok: true, value: result }),
            (error) => ({ ok: false, code: error?.code, message: String(error?.message ?? error) }),
          ),
        ),
      );
      let timer;
      const hang = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the calls did not all settle within ${hangMs} ms`)), hangMs);
      });
      const results = await Promise.race([settled, hang]);
      clearTimeout(timer);
      return { results, ms: Math.round(performance.now() - started) };
    },
    [name, arg, HANG_MS],
  );
}

/** Installs the page-side builders of the calls, by name. */
async function installBodies() {
  await page.evaluate((providers) => {
    const settings = {
      "web-crawler": { startUrl: "https://docs.example.com" },
      s3: { accessKeyId: "AKIA_TEST", secretAccessKey: "secret", bucket: "docs", region: "us-east-1" },
      granola: { apiKey: "granola_key" },
    };
    window.__concurrencyBodies = {
      create: (sm, count) =>
        Array.from({ length: count }, (_, i) => () => {
          const provider = providers[i % providers.length];
          return sm.createConnection(provider, {
            baseURL: "/api/supermemory",
            metadata: { ...settings[provider], index: i },
            // A retry could store a second connection for the tag: every attempt must count.
            maxRetries: 0,
          });
        }),
      getByID: (sm, ids) => {
        const client = new sm.Supermemory({ baseURL: "/api/supermemory", maxRetries: 0 });
        return ids.map((id) => () => client.connections.getByID(id));
      },
    };
  }, PROVIDERS);
}

test(`${COUNT} concurrent createConnection calls all resolve with their own results`, async (t) => {
  await installBodies();
  demo.emulator.reset();
  const { results, ms } = await settleAllInPage("create", COUNT);
  t.diagnostic(`${COUNT} concurrent creates settled in ${ms} ms`);
  const failures = results.map((r, i) => ({ i, ...r })).filter((r) => !r.ok);
  assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${COUNT} creates failed`);

  // The emulator stored exactly one connection per call (its metadata index), under the
  // session user's tag the proxy set; each call got that one's id.
  const byIndex = new Map();
  for (const connection of demo.emulator.connections.values()) {
    assert.deepEqual(connection.containerTags, ["demo_ada"]);
    const index = connection.metadata?.index;
    if (!byIndex.has(index)) byIndex.set(index, []);
    byIndex.get(index).push(connection);
  }
  assert.equal(demo.emulator.connections.size, COUNT);
  const mismatches = [];
  results.forEach(({ value }, i) => {
    const stored = byIndex.get(i) ?? [];
    const provider = PROVIDERS[i % PROVIDERS.length];
    const own = stored.length === 1 && stored[0].id === value.id && stored[0].provider === provider;
    const ownMetadata = stored[0]?.metadata?.index === i;
    // OAuth links name the connection they consent to.
    const linkId = value.authLink === null ? value.id : new URL(value.authLink).searchParams.get("connection");
    if (!own || !ownMetadata || linkId !== value.id) {
      mismatches.push({ i, got: value, stored: stored.map((c) => [c.id, c.provider, c.metadata?.index]) });
    }
  });
  assert.deepEqual(mismatches.slice(0, 10), [], `${mismatches.length} results are not their own call's`);
  const ids = results.map((r) => r.value.id);
  assert.equal(new Set(ids).size, COUNT, "every id is distinct");
  created = results.map((r, i) => ({ provider: PROVIDERS[i % PROVIDERS.length], id: r.value.id }));
});

test(`${COUNT} concurrent getByID calls each return their own connection`, async (t) => {
  assert.ok(created, "needs the connections of the previous test");
  const ids = created.map((c) => c.id);
  const { results, ms } = await settleAllInPage("getByID", ids);
  t.diagnostic(`${COUNT} concurrent getByID settled in ${ms} ms`);
  const failures = results.map((r, i) => ({ i, ...r })).filter((r) => !r.ok);
  assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${COUNT} getByID calls failed`);
  const mismatches = [];
  results.forEach(({ value }, i) => {
    const want = created[i];
    if (value.id !== want.id || value.provider !== want.provider || value.metadata?.index !== i) {
      mismatches.push({ i, want, got: { id: value.id, provider: value.provider, index: value.metadata?.index } });
    }
  });
  assert.deepEqual(mismatches.slice(0, 10), [], `${mismatches.length} answers are not their own call's`);
  const gets = demo.emulator.requests.filter((r) => r.method === "GET");
  assert.equal(gets.length, COUNT, "one request per call, no retry");
});

test("no page error during the concurrent calls", () => {
  assert.deepEqual(pageErrors, []);
});
