// Bench of hostile.test.mjs and scripts/soak.mjs: the built package in headless Chromium,
// calling the local emulator, with `fetch` functions that hand back things whose use throws
// (Proxies of Responses, throwing getters, odd headers, odd promises), a page server that can
// make the .wasm fail, and readers for what a call leaves behind: the 'abort' listeners on the
// caller's signal (through the Chrome DevTools Protocol, not through a wrapper the package could
// bypass), the page's uncaught errors, and the wasm memory and externref table sizes.
//
// The page is served here (like faults.mjs does) and calls the emulator directly with its key;
// everything listens on 127.0.0.1. HOSTILE_PKG_DIR may name another build than pkg/ (e.g. a
// copy kept to compare before and after a change).
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator, EMULATOR_API_KEY } from "../emulator.mjs";
import { launchBrowser } from "./browser.mjs";

export const PKG_DIR = process.env.HOSTILE_PKG_DIR
  ? resolve(process.env.HOSTILE_PKG_DIR)
  : fileURLToPath(new URL("../../pkg/", import.meta.url));
export const WASM_FILE = "supermemory_connections_bg.wasm";

const PAGE = '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>hostile</title></head><body></body></html>\n';
const TYPES = { ".js": "text/javascript; charset=utf-8", ".wasm": "application/wasm", ".json": "application/json" };
/** A page whose policy allows same-origin scripts but not compiling WebAssembly. */
const NO_WASM_CSP = "default-src 'none'; script-src 'self'; connect-src *";
/** Chromium's console lines for loads that failed on purpose (provoked statuses, network faults). */
const PROVOKED_LOAD_FAILURE = /^Failed to load resource: (the server responded with a status of \d+|net::ERR_[A-Z_]+)/;

export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** A 200 create answer for an OAuth provider. */
export const OAUTH_CREATED = {
  id: "conn_oauth",
  authLink: "https://api.notion.com/v1/oauth/authorize?client_id=x",
  expiresIn: "1 hour",
  redirectsTo: "https://app.example.com/done",
};
/** A 200 answer of GET /v3/connections/conn_x whose sync has completed. */
export const CONNECTION = {
  id: "conn_x",
  createdAt: "2026-11-24T10:00:00.000Z",
  provider: "notion",
  lastSyncRun: { status: "completed", startedAt: "2026-11-24T10:00:01.000Z", completedAt: "2026-11-24T10:00:02.000Z" },
};

/**
 * The hostile `fetch` results, by name. Each is built in the page by pageSetup below; this list
 * says what each one is, for test names.
 */
export const HOSTILE = {
  proxy: "a Proxy of the real Response (its native getters throw Illegal invocation)",
  "proxy-local": "a Proxy of a Response made in the page",
  "status-throws": "a Response whose status getter throws",
  "status-symbol": "a Response whose status is a Symbol",
  "429-headers-throws": "a 429 whose headers getter throws",
  "429-headers-plain": "a 429 whose headers is a plain object",
  "429-get-throws": "a 429 whose headers.get throws",
  "429-get-number": "a 429 whose headers.get returns a number",
  "constructor-throws": "a Promise whose constructor getter throws",
  "then-throws": "a thenable whose then throws",
  never: "a promise that never settles",
  "then-never": "a thenable whose then never calls back",
};

/**
 * Runs in every page before its own scripts (page.addInitScript): records the exports of every
 * WebAssembly instance made through WebAssembly.instantiate / instantiateStreaming, and defines
 * window.__hostile.make(kind, body), a fetch returning the hostile result `kind` (see HOSTILE),
 * counting its calls in window.__fetchCalls.
 */
function pageSetup() {
  const instances = [];
  window.__smWasm = instances;
  const record = (result) => {
    const instance = result instanceof WebAssembly.Instance ? result : result?.instance;
    if (instance instanceof WebAssembly.Instance) {
      const found = { memories: [], tables: [] };
      for (const value of Object.values(instance.exports)) {
        if (value instanceof WebAssembly.Memory) found.memories.push(value);
        else if (value instanceof WebAssembly.Table) found.tables.push(value);
      }
      instances.push(found);
    }
    return result;
  };
  const { instantiate, instantiateStreaming } = WebAssembly;
  WebAssembly.instantiate = function (...args) {
    return instantiate.apply(this, args).then(record);
  };
  if (typeof instantiateStreaming === "function") {
    WebAssembly.instantiateStreaming = function (...args) {
      return instantiateStreaming.apply(this, args).then(record);
    };
  }

  const realFetch = window.fetch;
  const json = (status, body) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const own = (target, name, descriptor) => Object.defineProperty(target, name, { configurable: true, ...descriptor });
  const boom = (what) => {
    throw new Error(`${what} threw (on purpose)`);
  };
  const limited = () => json(429, { error: "Too many requests" });
  const kinds = {
    proxy: (url, init) => realFetch.call(window, url, init).then((response) => new Proxy(response, {})),
    "proxy-local": (url, init, body) => Promise.resolve(new Proxy(json(200, body), {})),
    "status-throws": (url, init, body) => Promise.resolve(own(json(200, body), "status", { get: () => boom("the status getter") })),
    "status-symbol": (url, init, body) => Promise.resolve(own(json(200, body), "status", { get: () => Symbol("status") })),
    "429-headers-throws": () => Promise.resolve(own(limited(), "headers", { get: () => boom("the headers getter") })),
    "429-headers-plain": () => Promise.resolve(own(limited(), "headers", { value: { "retry-after": "0" } })),
    "429-get-throws": () => {
      const response = limited();
      own(response.headers, "get", { value: () => boom("headers.get") });
      return Promise.resolve(response);
    },
    "429-get-number": () => {
      const response = limited();
      own(response.headers, "get", { value: () => 0 });
      return Promise.resolve(response);
    },
    "constructor-throws": (url, init, body) => {
      const promise = Promise.resolve(json(200, body));
      own(promise, "constructor", { get: () => boom("the promise's constructor getter") });
      return promise;
    },
    "then-throws": () => ({ then: () => boom("then") }),
    never: () => new Promise(() => {}),
    "then-never": () => ({ then() {} }),
  };
  window.__fetchCalls = 0;
  window.__hostile = {
    realFetch,
    make(kind, body) {
      const answer = kinds[kind];
      if (answer === undefined) throw new Error(`unknown hostile kind ${kind}`);
      return (url, init) => {
        window.__fetchCalls += 1;
        return answer(url, init, body);
      };
    },
  };
}

/**
 * Runs in the page: one call of the package as `spec` says, bounded by `spec.guardMs`, and how it
 * ended. Strings in `spec` may hold `{D800}` (a UTF-16 code unit, so that lone surrogates survive
 * the trip into the page) and the string "{undefined}" stands for `undefined`.
 *
 * spec: { op, hostile?, where?: "option" | "global", body?, client?, params?, call?, id?,
 *         provider?, abortAfterMs?, baseURL, apiKey, guardMs }
 * op: "createConnection" (client, params and call merged into one object), "create", "getByID",
 *     "waitForConnection" (`call` are its wait options), "list", "listDocuments".
 * The call's signal is window.__signal (always passed), aborted after `abortAfterMs` if given.
 */
async function runInPage(raw) {
  const sm = window.sm;
  const decode = (value) => {
    if (value === "{undefined}") return undefined;
    if (typeof value === "string") return value.replace(/\{([0-9A-F]{4})\}/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    if (Array.isArray(value)) return value.map(decode);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [decode(key), decode(item)]));
    }
    return value;
  };
  const spec = decode(raw);
  const controller = new AbortController();
  window.__signal = controller.signal;
  const reason = new Error("the test aborted the call");
  const client = { baseURL: spec.baseURL, apiKey: spec.apiKey, dangerouslyAllowBrowser: true, ...spec.client };
  const call = { ...spec.call, signal: controller.signal };
  const savedFetch = window.fetch;
  window.__fetchCalls = 0;
  if (spec.hostile !== undefined) {
    const fetch = window.__hostile.make(spec.hostile, spec.body);
    if (spec.where === "global") window.fetch = fetch;
    else client.fetch = fetch;
  }
  let abortedAt = null;
  const timer =
    spec.abortAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          abortedAt = performance.now();
          controller.abort(reason);
        }, spec.abortAfterMs);

  const describeCause = (cause) => {
    try {
      return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    } catch {
      return "(unprintable)";
    }
  };
  const describeValue = (value) =>
    Array.isArray(value) ? { length: value.length, first: value[0]?.id, last: value.at(-1)?.id } : value;

  const started = performance.now();
  let promise;
  try {
    const connections = () => new sm.Supermemory(client).connections;
    if (spec.op === "createConnection") {
      promise = sm.createConnection(spec.provider ?? "notion", { ...client, ...spec.params, ...call });
    } else if (spec.op === "create") {
      promise = connections().create(spec.provider ?? "notion", spec.params, call);
    } else if (spec.op === "getByID") {
      promise = connections().getByID(spec.id ?? "conn_x", call);
    } else if (spec.op === "waitForConnection") {
      promise = connections().waitForConnection(spec.id ?? "conn_x", call);
    } else if (spec.op === "list") {
      promise = connections().list(spec.params, call);
    } else if (spec.op === "listDocuments") {
      promise = connections().listDocuments(spec.provider ?? "notion", spec.params, call);
    } else {
      throw new TypeError(`unknown op ${spec.op}`);
    }
  } catch (error) {
    window.fetch = savedFetch;
    clearTimeout(timer);
    return { threwSynchronously: true, message: String(error?.message ?? error), elapsedMs: 0 };
  }
  const outcome = Promise.resolve(promise).then(
    (value) => ({ ok: true, value: describeValue(value) }),
    (error) => ({
      ok: false,
      isSupermemoryError: error instanceof sm.SupermemoryError,
      name: error?.name,
      code: error?.code,
      field: error?.field,
      status: error?.status,
      retryAfter: error?.retryAfter,
      message: String(error?.message ?? error),
      hasCause: error !== null && typeof error === "object" && "cause" in error,
      cause: describeCause(error?.cause),
      causeIsReason: error?.cause === reason,
    }),
  );
  let guard;
  const hung = new Promise((done) => {
    guard = setTimeout(() => done({ hung: true }), spec.guardMs);
  });
  const result = await Promise.race([outcome, hung]);
  const ended = performance.now();
  clearTimeout(guard);
  clearTimeout(timer);
  window.fetch = savedFetch;
  return {
    ...result,
    elapsedMs: Math.round(ended - started),
    abortLagMs: abortedAt === null ? null : Math.round(ended - abortedAt),
    fetchCalls: window.__fetchCalls,
  };
}

/** Runs in the page: the wasm memory bytes and the externref table length of the last instance. */
function wasmSizesInPage() {
  const found = window.__smWasm.at(-1);
  if (found === undefined) return { instances: 0 };
  // An externref table holds JS values (undefined, true, objects); a funcref table only null
  // or functions.
  const isExternref = (table) => {
    for (let i = 0; i < table.length; i += 1) {
      const item = table.get(i);
      if (item !== null && typeof item !== "function") return true;
    }
    return false;
  };
  const externref = found.tables.filter(isExternref);
  return {
    instances: window.__smWasm.length,
    memories: found.memories.length,
    memoryBytes: found.memories[0]?.buffer.byteLength,
    externrefTables: externref.length,
    tableLength: externref[0]?.length,
  };
}

/**
 * Serves GET / (a blank page; /no-wasm-csp the same under a policy without 'wasm-unsafe-eval')
 * and GET /pkg/<file> from PKG_DIR. `wasmFaults` is a queue of faults for the next requests of
 * the .wasm, each { status } (an error page) or { bytes } (these bytes as application/wasm);
 * `wasmRequests` counts the requests of the .wasm.
 */
export async function startPageServer() {
  const state = { wasmFaults: [], wasmRequests: 0 };
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://page.invalid").pathname;
    const send = (status, type, body, extra = {}) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...extra });
      res.end(body);
    };
    if (req.method !== "GET") return send(405, "text/plain", "Method not allowed");
    if (path === "/") return send(200, "text/html; charset=utf-8", PAGE);
    if (path === "/no-wasm-csp") return send(200, "text/html; charset=utf-8", PAGE, { "content-security-policy": NO_WASM_CSP });
    const name = path.startsWith("/pkg/") ? path.slice(5) : "";
    const type = TYPES[name.slice(name.lastIndexOf("."))];
    if (!/^[A-Za-z0-9_-]+\.[a-z]+$/.test(name) || type === undefined) return send(404, "text/plain", "Not found");
    if (name === WASM_FILE) {
      state.wasmRequests += 1;
      const fault = state.wasmFaults.shift();
      if (fault?.status !== undefined) return send(fault.status, "text/plain", `status ${fault.status} on purpose`);
      if (fault?.bytes !== undefined) return send(200, "application/wasm", Buffer.from(fault.bytes));
    }
    try {
      send(200, type, await readFile(join(PKG_DIR, name)));
    } catch {
      send(404, "text/plain", "Not found");
    }
  });
  await new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", done);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    state,
    close() {
      server.closeAllConnections();
      return new Promise((done) => server.close(done));
    },
  };
}

/**
 * Starts the emulator, the page server and Chromium. `open()` opens a fresh page (see openPage);
 * `close()` stops everything.
 */
export async function startHostileBench({ syncMs } = {}) {
  const emulator = await startEmulator({ host: "127.0.0.1", ...(syncMs === undefined ? {} : { syncMs }) });
  const pages = await startPageServer();
  let browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    await pages.close();
    await emulator.close();
    throw error;
  }
  const bench = {
    emulator,
    pages,
    browser,
    /** The API requests the emulator saw since its last reset, CORS preflights left out. */
    apiRequests: () => emulator.requests.filter((r) => r.method !== "OPTIONS").map((r) => `${r.method} ${r.path}`),
    open: (options) => openPage(bench, options),
    async close() {
      await browser.close().catch(() => {});
      await pages.close();
      await emulator.close();
    },
  };
  return bench;
}

/**
 * Opens a page at `path` with pageSetup in it and the package imported as window.sm; `load`
 * (default true) also loads the wasm. Returns { page, problems, run(spec), sizes(),
 * abortListeners(), evaluate(fn, arg), close() }. `problems` collects uncaught errors and console
 * errors other than provoked failed loads.
 */
export async function openPage(bench, { path = "/", load = true } = {}) {
  const page = await bench.browser.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !PROVOKED_LOAD_FAILURE.test(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  await page.addInitScript(pageSetup);
  await page.goto(`${bench.pages.url}${path}`);
  await page.evaluate(async (loadNow) => {
    window.sm = await import("/pkg/index.js");
    if (loadNow) await window.sm.init();
  }, load);
  const cdp = await page.context().newCDPSession(page);

  const handle = {
    page,
    problems,
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    /** The live 'abort' listeners on window.__signal, as DevTools lists them. */
    async abortListeners() {
      const { result } = await cdp.send("Runtime.evaluate", { expression: "window.__signal" });
      if (result.objectId === undefined) throw new Error("window.__signal is not an object");
      try {
        const { listeners } = await cdp.send("DOMDebugger.getEventListeners", { objectId: result.objectId });
        return listeners.filter((listener) => listener.type === "abort").length;
      } finally {
        await cdp.send("Runtime.releaseObject", { objectId: result.objectId });
      }
    },
    sizes: () => page.evaluate(wasmSizesInPage),
    /**
     * One call (see runInPage); `settleMs` later (for late errors and stray requests) adds
     * `abortListeners` and `requests` (the API requests the emulator saw since its reset).
     */
    async run(spec, { settleMs = 100 } = {}) {
      const result = await page.evaluate(runInPage, {
        baseURL: bench.emulator.url,
        apiKey: EMULATOR_API_KEY,
        ...spec,
      });
      await sleep(settleMs);
      return { ...result, abortListeners: await handle.abortListeners(), requests: bench.apiRequests() };
    },
    async close() {
      await cdp.detach().catch(() => {});
      await page.close().catch(() => {});
    },
  };
  return handle;
}
