// Fuzzing the built package in the browser: random JavaScript values (nested objects, arrays,
// symbols, BigInts, huge strings, NaN, throwing getters, Proxies, frozen and null-prototype
// objects...) as the arguments of createConnection, connections.getByID and connections.list.
// Every call must settle, with a result or a SupermemoryError whose code is in the closed list,
// no page error may occur, and a valid call must still succeed afterwards.
//
// The values are made in the page by a seeded PRNG. The seed is printed; FUZZ_SEED=<n>
// replays a run, FUZZ_CALLS=<n> changes the number of calls per operation (default 10000).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { startDemoServer } from "../../www/server.mjs";
import { launchBrowser } from "./browser.mjs";

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : randomInt(2 ** 32);
const CALLS = process.env.FUZZ_CALLS ? Number(process.env.FUZZ_CALLS) : 10_000;
const OPERATIONS = ["createConnection", "getByID", "list"];
const CHUNK = 2_000;
/** Calls in flight at once: a call that retries after a network error waits up to 1.5 s. */
const IN_FLIGHT = 64;
const HANG_MS = 10_000;

const CODES = [
  "invalid_request",
  "browser_key_exposure",
  "bad_request",
  "authentication",
  "payment_required",
  "permission_denied",
  "not_found",
  "conflict",
  "unprocessable",
  "rate_limited",
  "server_error",
  "api_error",
  "connection",
  "timeout",
  "aborted",
  "invalid_response",
  "unsafe_redirect",
];

console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${CALLS} calls per operation`);

let demo;
let browser;
let page;
const pageErrors = [];
let consoleErrors = 0;

before(async () => {
  demo = await startDemoServer({ env: {} });
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  // Expected: CSP refusals of absolute URLs, failed loads of error statuses. Only counted.
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors += 1;
  });
  await page.goto(`${demo.url}/`);
  // The demo's proxy scopes every call to the session's user (Ada, tag demo_ada): sign in first,
  // and let the page's own first list finish, so it never lands among a test's requests.
  await page.evaluate(() => fetch("/session"));
  await page.waitForFunction(
    () => !document.getElementById("connection-list").hasAttribute("aria-busy") && document.getElementById("connections-empty").textContent !== "Loading…",
  );
  const known = await page.evaluate(async () => {
    window.sm = await import("/pkg/index.js");
    return (await window.sm.createConnection("notion", { baseURL: "/api/supermemory", containerTag: "demo_ada" })).id;
  });
  await page.evaluate(installFuzzer, { seed: SEED, knownId: known, codes: CODES, hangMs: HANG_MS });
});

after(async () => {
  await browser?.close();
  await demo?.close();
});

/**
 * Installs `window.fuzz` in the page: the value generator and the runner. Runs in the page, so
 * it only uses what it is given.
 */
function installFuzzer({ seed, knownId, codes, hangMs }) {
  const sm = window.sm;

  // ---- the PRNG (mulberry32) ----
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(random() * n);
  const pick = (list) => list[int(list.length)];
  const chance = (p) => random() < p;

  // ---- building blocks ----
  const PROVIDERS = ["notion", "google-drive", "onedrive", "gmail", "github", "web-crawler", "s3", "granola"];
  const OPTION_NAMES = [
    "apiKey", "baseURL", "dangerouslyAllowBrowser", "timeout", "maxRetries", "defaultHeaders", "fetch",
    "fetchOptions", "redirectUrl", "containerTag", "containerTags", "documentLimit", "metadata", "signal",
  ];
  const OTHER_NAMES = [
    "allowedHosts", "deleteDocuments", "startUrl", "syncScope", "accessKeyId", "secretAccessKey", "bucket",
    "region", "endpoint", "credentials", "mode", "referrer", "referrerPolicy", "integrity", "page", "per_page",
    "interval", "maxWait", "__proto__", "constructor", "toString", "then", "length", "", "baseUrl", "APIKEY",
  ];
  const NUMBERS = [
    0, -0, 1, -1, 2, 3, 0.5, 1.5, 100, 10000, 10001, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53, 1e21, -1e21,
    NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, 60, 5000,
  ];
  const STRINGS = [
    "", " ", ".", "..", "/", "notion", "Notion", " notion", "web-crawler", "s3", "granola", "/api/supermemory",
    "/api/supermemory/", "api/supermemory", "/", "/pkg", "https://api.supermemory.ai", "https://example.com",
    "http://127.0.0.1:1", "//evil.example", "https://app.example.com/cb", "http://localhost:3000/cb",
    "https://u:p@h.example/", "https://h.example/#x", "javascript:alert(1)", "ftp://x", "data:,x", "conn_0000",
    knownId, "a/b", "a?b#c", "\u0000", "\ud800", "\udfff", "😀", "é", "a\r\nb", "%", "%2e%2e", "%00",
    "__proto__", "constructor", "true", "false", "selected", "full", "include", "same-origin", "no-referrer",
    "sha256-AAAA", "user_1", "team:a-b", "x".repeat(101), "sm_fuzz_key", "1", "NaN",
  ];
  // A few big values, made once.
  const MB = 1 << 20;
  const HUGE_STRINGS = ["x".repeat(MB), "é😀".repeat(MB / 6), "/api/supermemory/" + "a".repeat(MB)];
  const MANY_KEYS = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, i]));
  const FUNCTIONS = [
    () => {},
    function named() {
      throw new Error("fuzz function threw");
    },
    async () => {
      throw new Error("fuzz async function threw");
    },
    () => 42,
    () => Promise.reject(new Error("fuzz rejected")),
    () => new Response('{"id":"conn_fake"}', { headers: { "content-type": "application/json" } }),
    () => new Response("not json", { status: 200 }),
    () => new Response('{"error":"teapot"}', { status: 418 }),
    (url, init) => fetch(url, init),
    class Fuzz {},
    Math.max,
    Symbol,
    Object,
    Proxy,
  ];
  /** Looks like an AbortSignal to the package; its getters and methods may throw. */
  class SignalLike {
    constructor(aborted, throwing) {
      this.reads = 0;
      this.isAborted = aborted;
      this.throwing = throwing;
    }
    get aborted() {
      this.reads += 1;
      if (this.throwing && this.reads > 1) throw new Error("fuzz aborted getter");
      return this.isAborted;
    }
    get reason() {
      if (this.throwing) throw new Error("fuzz reason getter");
      return "fuzz reason";
    }
    addEventListener() {
      if (this.throwing) throw new Error("fuzz addEventListener");
    }
    removeEventListener() {
      if (this.throwing) throw new Error("fuzz removeEventListener");
    }
  }
  class Custom {
    constructor() {
      this.baseURL = "/api/supermemory";
    }
  }

  const randomString = () => {
    const length = int(12);
    let text = "";
    for (let i = 0; i < length; i += 1) {
      const range = pick([0x80, 0x800, 0x10000, 0x110000]);
      text += String.fromCodePoint(Math.min(int(range), 0x10ffff));
    }
    return text;
  };

  const number = () =>
    chance(0.6) ? pick(NUMBERS) : (random() * 2 - 1) * 10 ** int(12) * (chance(0.5) ? 1 : Math.round(random() * 3));
  const string = () => {
    if (chance(0.003)) return pick(HUGE_STRINGS);
    return chance(0.6) ? pick(STRINGS) : randomString();
  };

  /** maxRetries stays 0..=2 when valid: longer retry runs would be waits, not hangs. */
  const maxRetries = () => pick([0, 1, 2, 11, -1, 1.5, NaN, "2", null, 2 ** 32, undefined]);

  const signal = () =>
    pick([
      () => new AbortController().signal,
      () => AbortSignal.abort("fuzz abort"),
      () => AbortSignal.abort(),
      () => AbortSignal.timeout(int(50)),
      () => {
        const controller = new AbortController();
        setTimeout(() => controller.abort(new Error("fuzz late abort")), int(20));
        return controller.signal;
      },
      () => ({ aborted: false, addEventListener() {}, removeEventListener() {} }),
      () => new SignalLike(chance(0.5), chance(0.5)),
    ])();

  /** A value that is close to what `key` takes. */
  const nearValue = (key, depth) => {
    switch (key) {
      case "baseURL":
        return pick(["/api/supermemory", "/api/supermemory/", "/api/supermemory?", "/", "https://example.com", "api/supermemory", ""]);
      case "containerTag":
        return pick(["fuzz_a", "", "a b", "x".repeat(101), "é"]);
      case "containerTags":
        return pick([["fuzz_a", "fuzz_b"], [], ["ok", 1], "fuzz_a", new Array(3)]);
      case "documentLimit":
        return pick([1, 10000, 0, 10001, 5.5]);
      case "timeout":
        return pick([1, 5, 5000, 0, 2 ** 31, -1]);
      case "maxRetries":
        return maxRetries();
      case "signal":
        return signal();
      case "metadata":
        return pick([
          { startUrl: "https://docs.example.com" },
          { startUrl: "ftp://x" },
          { syncScope: "full" },
          { accessKeyId: "A", secretAccessKey: "S", bucket: "b", region: "r" },
          { apiKey: "granola_key" },
          null,
          { nested: {} },
        ]);
      case "defaultHeaders":
        return pick([{ "x-fuzz": "1" }, { accept: null }, { "bad name": "v" }, { x: "line\nbreak" }, { x: 1 }]);
      case "fetchOptions":
        return pick([{ credentials: "same-origin" }, { mode: "same-origin" }, { integrity: "sha256-AAAA" }, { cache: "reload" }, { credentials: "x" }]);
      case "redirectUrl":
        return pick(["https://app.example.com/cb", "http://localhost:3000/cb", "http://evil.example/cb", "https://a.example/#x"]);
      case "apiKey":
        return pick(["sm_fuzz_key", "", "has space", "clé"]);
      case "dangerouslyAllowBrowser":
        return pick([true, false, "true", 1]);
      case "fetch":
        return pick(FUNCTIONS);
      default:
        return value(depth + 1);
    }
  };

  const key = () => (chance(0.6) ? pick(OPTION_NAMES) : chance(0.6) ? pick(OTHER_NAMES) : randomString());

  /** A plain object with random keys, each holding a value for its key. */
  const plainObject = (depth) => {
    const object = {};
    const count = int(6);
    for (let i = 0; i < count; i += 1) {
      const name = key();
      const entry = name === "maxRetries" ? maxRetries() : chance(0.5) ? nearValue(name, depth) : value(depth + 1);
      // defineProperty: "__proto__" becomes an own key, like JSON.parse would make it.
      Object.defineProperty(object, name, { value: entry, enumerable: true, writable: true, configurable: true });
    }
    return object;
  };

  const throwingTrap = () => {
    const trap = pick(["get", "ownKeys", "getPrototypeOf", "has", "getOwnPropertyDescriptor", "apply"]);
    return {
      trap,
      value: new Proxy(pick([{}, { baseURL: "/api/supermemory" }, [1, 2], () => {}]), {
        [trap]() {
          throw new Error(`fuzz ${trap} trap`);
        },
      }),
    };
  };

  /** A random value and a short description of it. `depth` bounds the nesting. */
  const tagged = (depth) => {
    const kinds = depth > 4 ? 10 : 26;
    switch (int(kinds)) {
      case 0:
        return ["undefined", undefined];
      case 1:
        return ["null", null];
      case 2:
        return ["boolean", chance(0.5)];
      case 3:
      case 4: {
        const n = number();
        return [`number ${Object.is(n, -0) ? "-0" : n}`, n];
      }
      case 5:
      case 6: {
        const s = string();
        return [`string(${s.length}) ${JSON.stringify(s.slice(0, 40))}`, s];
      }
      case 7:
        return ["symbol", pick([Symbol("fuzz"), Symbol.iterator, Symbol.for("fuzz")])];
      case 8:
        return ["bigint", pick([0n, 5n, -1n, 2n ** 64n])];
      case 9: {
        const f = pick(FUNCTIONS);
        return [`function ${f.name || "anonymous"}`, f];
      }
      case 10:
      case 11:
      case 12:
        return ["plain object", plainObject(depth)];
      case 13: {
        const items = Array.from({ length: int(5) }, () => value(depth + 1));
        return [`array(${items.length})`, items];
      }
      case 14: {
        const sparse = [];
        sparse[int(8) + 1] = value(depth + 1);
        return [`sparse array(${sparse.length})`, sparse];
      }
      case 15:
        return pick([
          ["array of length 2**32-1", new Array(2 ** 32 - 1)],
          ["array of length 10001", new Array(10_001)],
          ["object with 10001 keys", MANY_KEYS],
        ]);
      case 16: {
        const name = key();
        const object = plainObject(depth);
        Object.defineProperty(object, name, {
          get() {
            throw new Error("fuzz getter");
          },
          enumerable: true,
          configurable: true,
        });
        return [`getter ${JSON.stringify(name)} throws`, object];
      }
      case 17: {
        const { trap, value: proxy } = throwingTrap();
        return [`Proxy whose ${trap} trap throws`, proxy];
      }
      case 18: {
        const { proxy, revoke } = Proxy.revocable(plainObject(depth), {});
        revoke();
        return ["revoked Proxy", proxy];
      }
      case 19:
        return ["frozen object", Object.freeze(plainObject(depth))];
      case 20:
        return ["null-prototype object", Object.assign(Object.create(null), plainObject(depth))];
      case 21:
        return pick([
          ["Date", new Date(0)],
          ["Map", new Map([["baseURL", "/api/supermemory"]])],
          ["Set", new Set([1])],
          ["RegExp", /x/],
          ["class instance", new Custom()],
          ["Error", new Error("fuzz")],
          ["Promise", Promise.resolve({ baseURL: "/api/supermemory" })],
          ["Uint8Array", new Uint8Array(4)],
          ["ArrayBuffer", new ArrayBuffer(8)],
          ["URL", new URL(location.href)],
          ["String object", new String("notion")],
          ["Number object", new Number(5)],
          ["window", window],
          ["document", document],
          ["WeakMap", new WeakMap()],
        ]);
      case 22: {
        const cyclic = plainObject(depth);
        cyclic.self = cyclic;
        cyclic.metadata = cyclic;
        cyclic.containerTags = [cyclic];
        return ["cyclic object", cyclic];
      }
      case 23:
        return ["AbortSignal-like", signal()];
      case 24: {
        const object = plainObject(depth);
        object[Symbol("fuzz")] = 1;
        return ["object with a symbol key", object];
      }
      default: {
        // A Proxy that answers differently on every read.
        let reads = 0;
        const proxy = new Proxy(
          { baseURL: "/api/supermemory", containerTag: "fuzz_p" },
          {
            get(target, name) {
              reads += 1;
              return reads % 2 ? Reflect.get(target, name) : { reads };
            },
          },
        );
        return ["Proxy changing on each read", proxy];
      }
    }
  };
  const value = (depth) => tagged(depth)[1];

  /** Options that pass or nearly pass, so that some calls reach the emulator. */
  const validLooking = (index, extra) => {
    const options = { baseURL: "/api/supermemory", ...extra };
    const count = int(3);
    for (let i = 0; i < count; i += 1) {
      const name = pick(OPTION_NAMES);
      if (name !== "baseURL") options[name] = nearValue(name, 1);
    }
    if (chance(0.5)) options.maxRetries = 0;
    return [`valid-looking ${JSON.stringify(Object.keys(options))}`, options];
  };

  const argument = (depth = 0) => tagged(depth);

  /** The arguments of call number `index` of `operation`, with their descriptions. */
  function makeCall(operation, index) {
    const near = chance(0.04);
    if (operation === "createConnection") {
      const provider = chance(0.4) ? ((p) => [`"${p}"`, p])(pick(PROVIDERS)) : argument();
      const options = near ? validLooking(index, { containerTag: `fuzz_${index}` }) : argument();
      return {
        describe: `createConnection(${provider[0]}, ${options[0]})`,
        run: () => sm.createConnection(provider[1], options[1]),
      };
    }
    const client = near || chance(0.3) ? validLooking(index, {}) : argument();
    const requestOptions = chance(0.5) ? argument() : ["undefined", undefined];
    if (operation === "getByID") {
      const id = chance(0.1) ? [`"${knownId}"`, knownId] : argument();
      return {
        describe: `new Supermemory(${client[0]}).connections.getByID(${id[0]}, ${requestOptions[0]})`,
        run: () => new sm.Supermemory(client[1]).connections.getByID(id[1], requestOptions[1]),
      };
    }
    const params = chance(0.2) ? [`{ containerTags: ["fuzz_known"] }`, { containerTags: ["fuzz_known"] }] : argument();
    return {
      describe: `new Supermemory(${client[0]}).connections.list(${params[0]}, ${requestOptions[0]})`,
      run: () => new sm.Supermemory(client[1]).connections.list(params[1], requestOptions[1]),
    };
  }

  /** How a call ended, or what is wrong with how it ended. */
  async function settle(call) {
    let timer;
    const hang = new Promise((resolve) => {
      timer = setTimeout(() => resolve({ problem: `did not settle within ${hangMs} ms` }), hangMs);
    });
    const started = performance.now();
    const outcome = (async () => {
      let promise;
      try {
        promise = call.run();
      } catch (error) {
        return { problem: `threw synchronously: ${String(error?.stack ?? error).slice(0, 300)}` };
      }
      if (!(promise instanceof Promise)) return { problem: "did not return a Promise" };
      try {
        await promise;
        return { code: "resolved" };
      } catch (error) {
        if (!(error instanceof sm.SupermemoryError)) {
          return { problem: `rejected with a non-SupermemoryError: ${String(error?.stack ?? error).slice(0, 300)}` };
        }
        if (!codes.includes(error.code)) return { problem: `code ${JSON.stringify(error.code)} is not in the list` };
        if (error.name !== "SupermemoryError" || typeof error.message !== "string" || error.message === "") {
          return { problem: `malformed error: name ${error.name}, message ${JSON.stringify(error.message)}` };
        }
        const validation = error.code === "invalid_request" || error.code === "browser_key_exposure";
        if (validation && typeof error.field !== "string") {
          return { problem: `${error.code} without a field: ${error.message}` };
        }
        return { code: error.code, message: error.message };
      }
    })();
    const result = await Promise.race([outcome, hang]);
    clearTimeout(timer);
    result.ms = performance.now() - started;
    return result;
  }

  /** Runs calls `from..to` of `operation`, `inFlight` at a time; returns the tally. */
  async function run(operation, from, to, inFlight) {
    const tally = {};
    const examples = {};
    const problems = [];
    let slowest = { ms: 0, describe: "" };
    let next = from;
    const worker = async () => {
      while (next < to) {
        const index = next;
        next += 1;
        const call = makeCall(operation, index);
        const result = await settle(call);
        if (result.problem) problems.push({ index, call: call.describe, problem: result.problem });
        else {
          tally[result.code] = (tally[result.code] ?? 0) + 1;
          examples[result.code] ??= `${call.describe}${result.message ? ` -> ${result.message}` : ""}`;
        }
        if (result.ms > slowest.ms) slowest = { ms: Math.round(result.ms), describe: call.describe };
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    return { tally, examples, problems, slowest };
  }

  window.fuzz = { run };
}

test("random values as arguments: every call settles with a result or a SupermemoryError", async (t) => {
  t.diagnostic(`seed ${SEED} (FUZZ_SEED=${SEED} replays this run)`);
  const started = Date.now();
  const tally = {};
  const examples = {};
  const problems = [];
  for (const operation of OPERATIONS) {
    const own = {};
    let slowest = { ms: 0 };
    for (let from = 0; from < CALLS; from += CHUNK) {
      const to = Math.min(from + CHUNK, CALLS);
      const chunk = await page.evaluate(
        ([op, a, b, n]) => window.fuzz.run(op, a, b, n),
        [operation, from, to, IN_FLIGHT],
      );
      for (const [code, count] of Object.entries(chunk.tally)) {
        own[code] = (own[code] ?? 0) + count;
        tally[code] = (tally[code] ?? 0) + count;
      }
      for (const [code, example] of Object.entries(chunk.examples)) examples[code] ??= example;
      problems.push(...chunk.problems.map((p) => ({ operation, ...p })));
      if (chunk.slowest.ms > slowest.ms) slowest = chunk.slowest;
    }
    t.diagnostic(`${operation}: ${JSON.stringify(own)}; slowest ${slowest.ms} ms: ${slowest.describe}`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  t.diagnostic(`all ${CALLS * OPERATIONS.length} calls in ${seconds} s: ${JSON.stringify(tally)}`);
  for (const [code, example] of Object.entries(examples)) t.diagnostic(`e.g. ${code}: ${example.slice(0, 300)}`);
  t.diagnostic(`console errors (CSP refusals, error statuses): ${consoleErrors}`);
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} calls misbehaved (seed ${SEED})`);
  const settled = Object.values(tally).reduce((a, b) => a + b, 0);
  assert.equal(settled, CALLS * OPERATIONS.length);
  for (const code of Object.keys(tally)) {
    assert.ok(code === "resolved" || CODES.includes(code), code);
  }
});

test("afterwards a valid call still succeeds: the module is not poisoned", async () => {
  const result = await page.evaluate(() =>
    window.sm.createConnection("notion", { baseURL: "/api/supermemory", containerTag: "demo_ada" }),
  );
  assert.match(result.id, /^conn_[0-9a-f]{16}$/);
  const stored = demo.emulator.connections.get(result.id);
  assert.deepEqual(stored?.containerTags, ["demo_ada"], "the session user's tag, as the demo's proxy requires");
});

test("no page error during the run", () => {
  assert.deepEqual(pageErrors, [], `seed ${SEED}`);
});
