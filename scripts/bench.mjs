// Benchmark (not a test): this package against the official `supermemory` SDK and a raw `fetch`,
// in headless Chromium (Debian's /usr/bin/chromium through playwright-core) against the local
// API emulator on loopback. Prints Markdown tables; each figure is the median of the rounds with
// its spread (min-max). About 5 minutes with the defaults on 2 cores.
//   node scripts/bench.mjs [--rounds 5] [--cold-rounds 15] [--calls 1000] [--concurrency 100] [--batches 10]
// Needs a built pkg/ (bash scripts/build.sh) and the devDependencies (npm ci).
//   BENCH_PKG_DIR=<dir> node scripts/bench.mjs ...  measures the package in <dir> (index.js and
//   the wasm, e.g. a copy of pkg/ or the pkg/ of a worktree at an older commit) instead of pkg/;
//   the rest (page, harness, SDK, emulator) comes from this checkout.
//
// What runs: esbuild bundles the official SDK for the browser (scripts/bench/sdk-entry.mjs:
// minified ESM, `--external:node:*`); the emulator (tests/emulator.mjs, no logging) runs as a
// child process; a server here serves the page (scripts/bench/), the SDK bundle and pkg/ (read
// once at start, so a rebuild during the run changes nothing), and passes /v3/* on to the
// emulator. The API is on the page's own origin, so no variant pays a CORS preflight, except in
// the cross-origin line. Every answer is `Cache-Control: no-store`. The raw fetch is written as
// the package sends its requests: `cache: "no-store"` for a GET only, the default mode for a POST.
//   requests: one call of each variant, compared header by header as the emulator received them;
//   cold start: a fresh browser context (HTTP cache disabled too) per round and variant, from
//     `import()` to the first create resolved (for this package: index.js (glue included), and
//     fetching, compiling and instantiating the wasm);
//   per call: one warm page; per round, `--calls` sequential calls of each variant taking turns
//     call by call, then `--batches` batches of `--concurrency` calls started together, taking
//     turns batch by batch; time per call and its ratio to the raw fetch of the same round;
//   where the time goes: the same calls through a `fetch` wrapper that notes when it is called
//     and when the Response arrives;
//   without the network: a `fetch` option that answers from memory, so only the library runs;
//   rejections: calls per second of a create this package refuses before sending anything (the
//     SDK sends it and gets a 400), and of one with an already-aborted signal;
//   cross-origin: the page on one port of 127.0.0.1, the API on other ports (one per variant, so
//     each variant has its own CORS preflight cache entry and its preflights are counted apart),
//     behind servers here that pass everything on to the emulator and add
//     `Access-Control-Max-Age: 600` to preflight answers (the emulator sends 0; a real API lets
//     browsers cache preflights); a fresh page, `--calls` sequential calls per round and variant
//     taking turns call by call as in the per-call line, after a warm-up of a few calls; time per
//     call, its ratio to the raw fetch, and the preflight (OPTIONS) requests each variant's
//     server saw. A call in the default cache mode uses the preflight cache; one with
//     `cache: "no-store"` makes Chromium skip it and send a preflight every time.
import { spawn } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import { request, createServer, Agent } from "node:http";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";
import { launchBrowser } from "../tests/js/browser.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const NAME = "supermemory_connections";
/** Where the measured package is read from: BENCH_PKG_DIR if set, else this checkout's pkg/. */
const PKG_DIR = process.env.BENCH_PKG_DIR ? process.env.BENCH_PKG_DIR : join(ROOT, "pkg");

// ---- arguments ----

const USAGE = "node scripts/bench.mjs [--rounds N] [--cold-rounds N] [--calls N] [--concurrency N] [--batches N]";
const settings = { rounds: 5, coldRounds: 15, calls: 1000, concurrency: 100, batches: 10 };
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, "").replace(/-(\w)/g, (_, c) => c.toUpperCase());
    const value = Number(argv[i + 1]);
    if (!(key in settings) || !argv[i].startsWith("--") || !Number.isInteger(value) || value < 1) {
      console.error(`unexpected arguments ${JSON.stringify(argv.slice(i))}; usage: ${USAGE}`);
      process.exit(2);
    }
    settings[key] = value;
  }
}
/** Calls per round for the rejection lines: without network it is cheap, with it it is not. */
const REJECTIONS_LOCAL = 20_000;
const REJECTIONS_NETWORK = 300;
const WARMUP_CALLS = 300;
/** Calls per round, and for warming up, of the per-call line without the network, in turns of 50. */
const MEMORY_CALLS = 5_000;
const MEMORY_CHUNK = 50;
/** Calls per round and variant of the where-the-time-goes line. */
const PHASE_CALLS = 300;
/** Warm-up calls per variant of the cross-origin line (its first call pays a preflight anyway). */
const CROSS_WARMUP_CALLS = 20;
/** What the cross-origin servers put in `Access-Control-Max-Age` of a preflight answer (s). */
const PREFLIGHT_MAX_AGE = "600";
/** The variants of the cross-origin line. */
const CROSS_VARIANTS = ["fetch", "sdk", "ours"];

const VARIANTS = {
  fetch: "raw `fetch` (hand-built request)",
  sdk: "official SDK 4.25.4 `client.connections.create`",
  ours: "this package `createConnection`",
  oursClient: "this package `client.connections.create`",
};

// ---- small helpers ----

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const brotli = (bytes) =>
  brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }).length;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
/** "median (min-max)" with `digits` decimals. */
const spread = (values, digits, unit = "") => {
  const f = (v) => v.toFixed(digits);
  return `${f(median(values))}${unit} (${f(Math.min(...values))}-${f(Math.max(...values))})`;
};
const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);
/** Prints a Markdown table; `align` holds "l" or "r" per column (default: first left, others right). */
function markdownTable(header, rows, align = header.map((_, i) => (i === 0 ? "l" : "r"))) {
  console.log(`| ${header.join(" | ")} |`);
  console.log(`| ${align.map((a) => (a === "r" ? "---:" : "---")).join(" | ")} |`);
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
}
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

// ---- what gets served ----

function readPackage() {
  const files = ["index.js", `${NAME}_bg.wasm`];
  const missing = files.filter((file) => !existsSync(join(PKG_DIR, file)));
  if (missing.length > 0) {
    const where = process.env.BENCH_PKG_DIR ? "BENCH_PKG_DIR" : "pkg/";
    console.error(`missing ${missing.join(", ")} in ${where}: build the package first (bash scripts/build.sh)`);
    process.exit(2);
  }
  return new Map(files.map((file) => [`/pkg/${file}`, readFileSync(join(PKG_DIR, file))]));
}

/** The version in the measured package's package.json, or null. */
function packageVersion() {
  try {
    return JSON.parse(readFileSync(join(PKG_DIR, "package.json"), "utf8")).version ?? null;
  } catch {
    return null;
  }
}

/** `esbuild --bundle --minify --format=esm --platform=browser --external:node:*` of one entry, in memory. */
async function bundle(entry) {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    external: ["node:*"],
    write: false,
    logLevel: "silent",
  });
  return Buffer.from(result.outputFiles[0].contents);
}

/** Starts tests/emulator.mjs as a child process without logging; resolves { url, child }. */
function startEmulator() {
  const child = spawn(process.execPath, [join(ROOT, "tests", "emulator.mjs"), "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.once("exit", (code) => reject(new Error(`the emulator exited (${code}): ${output}`)));
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const match = /emulator listening on (\S+)/.exec(output);
      if (match) resolve({ url: match[1], child });
    });
  });
}

/**
 * Passes one request on to the emulator and its answer back; `changeHeaders(headers)` may edit
 * the answer's headers first.
 */
function passOn(req, res, upstream, agent, changeHeaders = () => {}) {
  const headers = { ...req.headers, host: upstream.host };
  delete headers.connection;
  const forwarded = request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
    (answer) => {
      const back = { ...answer.headers };
      delete back.connection;
      delete back["keep-alive"];
      changeHeaders(back);
      res.writeHead(answer.statusCode, back);
      answer.pipe(res);
    },
  );
  forwarded.on("error", () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(forwarded);
}

/** Resolves once `server` listens on a free port of 127.0.0.1; to its origin. */
function listen(server) {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}

/** The page's server: the files from memory, and /v3/* passed on to the emulator. */
function startServer(files, emulatorUrl) {
  const upstream = new URL(emulatorUrl);
  const agent = new Agent({ keepAlive: false });
  const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".wasm": "application/wasm" };
  const server = createServer((req, res) => {
    const path = req.url.split("?")[0];
    if (path.startsWith("/v3/")) return void passOn(req, res, upstream, agent);
    const body = files.get(path === "/" ? "/index.html" : path);
    if (body === undefined) {
      res.writeHead(404, { "content-type": "text/plain" });
      return void res.end("Not found");
    }
    res.writeHead(200, {
      "content-type": types[path.slice(path.lastIndexOf("."))] ?? types[".html"],
      "content-length": body.length,
      "cache-control": "no-store",
      // Cross-origin isolation: performance.now() in the page gets 5 µs resolution, not 100 µs.
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp",
    });
    res.end(body);
  });
  return listen(server).then((url) => ({ server, url }));
}

/**
 * The cross-origin line's API: one server per variant, each on a port of its own (another origin
 * than the page's), passing every request on to the emulator and counting the requests by
 * method; a preflight's answer gets `Access-Control-Max-Age: PREFLIGHT_MAX_AGE`. Resolves
 * { servers, origins: { variant: origin }, counts: { variant: { METHOD: n } } }.
 */
async function startApiServers(emulatorUrl, variants) {
  const upstream = new URL(emulatorUrl);
  const agent = new Agent({ keepAlive: false });
  const servers = [];
  const origins = {};
  const counts = {};
  for (const variant of variants) {
    counts[variant] = {};
    const server = createServer((req, res) => {
      counts[variant][req.method] = (counts[variant][req.method] ?? 0) + 1;
      if (!req.url.startsWith("/v3/")) {
        res.writeHead(404, { "content-type": "text/plain" });
        return void res.end("Not found");
      }
      const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
      passOn(req, res, upstream, agent, (headers) => {
        if (preflight) headers["access-control-max-age"] = PREFLIGHT_MAX_AGE;
      });
    });
    servers.push(server);
    origins[variant] = await listen(server);
  }
  return { servers, origins, counts };
}

async function emulatorControl(emulatorUrl, method, name) {
  const answer = await fetch(`${emulatorUrl}/__emulator/${name}`, { method });
  if (!answer.ok) throw new Error(`emulator ${name}: HTTP ${answer.status}`);
  return answer.status === 204 ? null : answer.json();
}

async function openPage(browser, url, { noCache = false } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (noCache) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  }
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  await page.goto(url + "/");
  await page.waitForFunction(() => window.benchReady === true);
  return { context, page, errors };
}

// ---- the measurements ----

/** One call of each variant through the emulator; prints how each request differs from the raw fetch's. */
async function checkEquivalentRequests(browser, url, emulatorUrl) {
  const { context, page } = await openPage(browser, url);
  await emulatorControl(emulatorUrl, "POST", "reset");
  const order = Object.keys(VARIANTS);
  for (const variant of order) {
    await page.evaluate(async (v) => {
      await window.bench.load(v);
      await window.bench.sequential(v, 1);
    }, variant);
  }
  const requests = await emulatorControl(emulatorUrl, "GET", "requests");
  await context.close();
  if (requests.length !== order.length) throw new Error(`expected ${order.length} requests, the emulator saw ${requests.length}`);
  const ignored = new Set(["host", "connection"]);
  const [reference] = requests;
  const rows = requests.map((r, i) => {
    const differences = [];
    if (r.method !== reference.method || r.path !== reference.path) differences.push(`${r.method} ${r.path}`);
    if (r.body !== reference.body) {
      const sameJson = JSON.stringify(r.json) === JSON.stringify(reference.json);
      differences.push(sameJson ? "body: same JSON, other byte order" : `body: ${r.body}`);
    }
    const names = new Set([...Object.keys(r.headers), ...Object.keys(reference.headers)]);
    for (const name of [...names].sort()) {
      if (ignored.has(name) || r.headers[name] === reference.headers[name]) continue;
      if (!(name in r.headers)) differences.push(`no \`${name}\``);
      else if (!(name in reference.headers)) differences.push(`+ \`${name}: ${r.headers[name]}\``);
      else differences.push(`\`${name}: ${r.headers[name]}\` (fetch: \`${reference.headers[name]}\`)`);
    }
    return [VARIANTS[order[i]], differences.length === 0 ? "identical" : differences.join("; ")];
  });
  // The browser's own headers (sec-*, user-agent, origin, ...) are compared too, but not listed.
  const browserAdded = /^(sec-|user-agent$|origin$|referer$|accept-(encoding|language)$)/;
  const shown = Object.entries(reference.headers).filter(([name]) => !ignored.has(name) && !browserAdded.test(name));
  console.log("\n### Requests\n");
  console.log(`The raw fetch's request: ${reference.method} ${reference.path}, body ${reference.body}`);
  console.log(
    `headers besides the browser's own: ` +
      `${shown.map(([name, value]) => `${name}: ${name === "authorization" ? "Bearer <key>" : value}`).join("; ")}\n`,
  );
  markdownTable(["variant", "request compared with the raw fetch's (host and connection aside)"], rows, ["l", "l"]);
}

async function coldStarts(browser, url) {
  const variants = ["fetch", "sdk", "ours"];
  const results = Object.fromEntries(variants.map((v) => [v, []]));
  for (let round = 0; round < settings.coldRounds; round++) {
    for (const variant of rotate(variants, round)) {
      const { context, page, errors } = await openPage(browser, url, { noCache: true });
      results[variant].push(await page.evaluate((v) => window.bench.cold(v), variant));
      await context.close();
      if (errors.length > 0) throw errors[0];
    }
  }
  return results;
}

/**
 * Per call on one warm page. Per round: `--calls` sequential calls of each variant, the variants
 * taking turns call by call, then `--batches` batches of `--concurrency` calls each, the variants
 * taking turns batch by batch; so load from elsewhere on the machine falls on every variant alike.
 */
async function perCall(browser, url, emulatorUrl) {
  const variants = Object.keys(VARIANTS);
  const { context, page, errors } = await openPage(browser, url);
  for (const variant of variants) await page.evaluate((v) => window.bench.load(v), variant);
  await page.evaluate(
    async ([list, warmup, size]) => {
      await window.bench.interleavedSequential(list, warmup, 1);
      await window.bench.interleavedConcurrent(list, size, 2);
    },
    [variants, WARMUP_CALLS, settings.concurrency],
  );
  const sequential = Object.fromEntries(variants.map((v) => [v, []]));
  const concurrent = Object.fromEntries(variants.map((v) => [v, []]));
  for (let round = 0; round < settings.rounds; round++) {
    await emulatorControl(emulatorUrl, "POST", "reset");
    const order = rotate(variants, round);
    const seq = await page.evaluate(([list, n]) => window.bench.interleavedSequential(list, n, 1), [order, settings.calls]);
    const conc = await page.evaluate(
      ([list, size, batches]) => window.bench.interleavedConcurrent(list, size, batches),
      [order, settings.concurrency, settings.batches],
    );
    for (const variant of variants) {
      sequential[variant].push(seq[variant] / settings.calls);
      concurrent[variant].push(conc[variant] / (settings.concurrency * settings.batches));
    }
  }
  await emulatorControl(emulatorUrl, "POST", "reset");
  await context.close();
  if (errors.length > 0) throw errors[0];
  return { sequential, concurrent };
}

/** Where the time of a call goes (ms per call, per round): before `fetch`, in it, after it. */
async function perCallPhases(browser, url, emulatorUrl) {
  const variants = ["fetch", "sdk", "ours"].map((v) => `${v}~timed`);
  const { context, page, errors } = await openPage(browser, url);
  for (const variant of variants) await page.evaluate((v) => window.bench.load(v), variant);
  await page.evaluate(([list, n]) => window.bench.phases(list, n), [variants, PHASE_CALLS]);
  const results = Object.fromEntries(variants.map((v) => [v.split("~")[0], { before: [], fetch: [], after: [] }]));
  for (let round = 0; round < settings.rounds; round++) {
    await emulatorControl(emulatorUrl, "POST", "reset");
    const sums = await page.evaluate(([list, n]) => window.bench.phases(list, n), [rotate(variants, round), PHASE_CALLS]);
    for (const [variant, sum] of Object.entries(sums)) {
      for (const phase of ["before", "fetch", "after"]) results[variant.split("~")[0]][phase].push(sum[phase] / PHASE_CALLS);
    }
  }
  await context.close();
  if (errors.length > 0) throw errors[0];
  return results;
}

/** Per call without the network: each variant with a `fetch` that answers from memory (µs per call). */
async function perCallInMemory(browser, url) {
  const variants = Object.keys(VARIANTS).map((v) => `${v}~memory`);
  const { context, page, errors } = await openPage(browser, url);
  for (const variant of variants) await page.evaluate((v) => window.bench.load(v), variant);
  await page.evaluate(([list, n, chunk]) => window.bench.interleavedSequential(list, n, chunk), [variants, MEMORY_CALLS, MEMORY_CHUNK]);
  const results = Object.fromEntries(variants.map((v) => [v, []]));
  for (let round = 0; round < settings.rounds; round++) {
    const elapsed = await page.evaluate(
      ([list, n, chunk]) => window.bench.interleavedSequential(list, n, chunk),
      [rotate(variants, round), MEMORY_CALLS, MEMORY_CHUNK],
    );
    for (const variant of variants) results[variant].push((1000 * elapsed[variant]) / MEMORY_CALLS);
  }
  await context.close();
  if (errors.length > 0) throw errors[0];
  return Object.fromEntries(Object.entries(results).map(([v, list]) => [v.split("~")[0], list]));
}

async function rejectionRates(browser, url) {
  const lines = [
    ["ours", "invalid", REJECTIONS_LOCAL],
    ["oursClient", "invalid", REJECTIONS_LOCAL],
    ["sdk", "invalid", REJECTIONS_NETWORK],
    ["ours", "aborted", REJECTIONS_LOCAL],
    ["oursClient", "aborted", REJECTIONS_LOCAL],
    ["sdk", "aborted", REJECTIONS_LOCAL],
  ];
  const { context, page, errors } = await openPage(browser, url);
  for (const variant of ["sdk", "ours", "oursClient"]) await page.evaluate((v) => window.bench.load(v), variant);
  for (const [variant, kind] of lines) await page.evaluate(([v, k]) => window.bench.rejections(v, k, 200), [variant, kind]);
  const results = lines.map(() => ({ rates: [], first: null }));
  for (let round = 0; round < settings.rounds; round++) {
    for (const index of rotate([...lines.keys()], round)) {
      const [variant, kind, count] = lines[index];
      const r = await page.evaluate(([v, k, n]) => window.bench.rejections(v, k, n), [variant, kind, count]);
      results[index].rates.push((count * 1000) / r.elapsedMs);
      results[index].first = r;
    }
  }
  await context.close();
  if (errors.length > 0) throw errors[0];
  return lines.map(([variant, kind, count], i) => ({ variant, kind, count, ...results[i] }));
}

/**
 * Cross-origin, per call sequential, on a fresh page (so an empty CORS preflight cache): the
 * variants take turns call by call, each against its own API server; per round, ms per call and
 * the requests each server saw by method.
 */
async function crossOrigin(browser, url, emulatorUrl, api) {
  const variants = CROSS_VARIANTS.map((v) => `${v}~cross`);
  const name = (v) => v.split("~")[0];
  const { context, page, errors } = await openPage(browser, url);
  await page.evaluate((origins) => window.bench.setApiOrigins(origins), api.origins);
  for (const variant of variants) await page.evaluate((v) => window.bench.load(v), variant);
  const reset = () => {
    for (const variant of CROSS_VARIANTS) api.counts[variant] = {};
  };
  const snapshot = () => Object.fromEntries(CROSS_VARIANTS.map((v) => [v, { ...api.counts[v] }]));
  reset();
  await page.evaluate(([list, n]) => window.bench.interleavedSequential(list, n, 1), [variants, CROSS_WARMUP_CALLS]);
  const warmup = snapshot();
  const results = Object.fromEntries(CROSS_VARIANTS.map((v) => [v, { ms: [], options: [], posts: [] }]));
  for (let round = 0; round < settings.rounds; round++) {
    await emulatorControl(emulatorUrl, "POST", "reset");
    reset();
    const elapsed = await page.evaluate(
      ([list, n]) => window.bench.interleavedSequential(list, n, 1),
      [rotate(variants, round), settings.calls],
    );
    const seen = snapshot();
    for (const variant of variants) {
      const r = results[name(variant)];
      r.ms.push(elapsed[variant] / settings.calls);
      r.options.push(seen[name(variant)].OPTIONS ?? 0);
      r.posts.push(seen[name(variant)].POST ?? 0);
    }
  }
  await emulatorControl(emulatorUrl, "POST", "reset");
  await context.close();
  if (errors.length > 0) throw errors[0];
  for (const [variant, r] of Object.entries(results)) {
    if (r.posts.some((n) => n !== settings.calls)) {
      throw new Error(`cross-origin ${variant}: the server saw ${r.posts.join(", ")} POSTs per round, not ${settings.calls}`);
    }
  }
  return { results, warmup };
}

// ---- main ----

const started = performance.now();
const pkgFiles = readPackage();
const sdkBundle = await bundle("scripts/bench/sdk-entry.mjs");
const files = new Map([
  ...pkgFiles,
  ["/index.html", readFileSync(join(ROOT, "scripts", "bench", "page.html"))],
  ["/bench/harness.js", readFileSync(join(ROOT, "scripts", "bench", "harness.js"))],
  ["/bench/sdk.js", sdkBundle],
]);

const emulator = await startEmulator();
let server;
let api;
let browser;
const timings = {};
try {
  let url;
  ({ server, url } = await startServer(files, emulator.url));
  api = await startApiServers(emulator.url, CROSS_VARIANTS);
  browser = await launchBrowser();
  const day = new Date().toISOString().slice(0, 10);
  const version = packageVersion();
  console.log(
    `supermemory-connections${version ? ` ${version}` : ""} benchmark` +
      `${process.env.BENCH_PKG_DIR ? " (package from BENCH_PKG_DIR)" : ""}, ${day}: ` +
      `Chromium ${browser.version()} headless, Node ${process.version}, ` +
      `${settings.rounds} rounds (cold start: ${settings.coldRounds}); ` +
      "page and API (the emulator, behind the page's origin) on 127.0.0.1; " +
      "cross-origin line: the API on other ports of 127.0.0.1",
  );

  console.log("\n### Download size\n");
  const wasm = pkgFiles.get(`/pkg/${NAME}_bg.wasm`);
  /** Raw, gzip and brotli bytes of files fetched one by one (each compressed on its own). */
  const sizes = (...buffers) =>
    [(b) => b.length, gzip, brotli].map((measure) => buffers.reduce((sum, b) => sum + measure(b), 0));
  markdownTable(
    ["what", "raw", "gzip -9", "brotli q11"],
    [
      ["official SDK 4.25.4, esbuild bundle for one `connections.create` (minified)", ...sizes(sdkBundle)],
      ["this package: pkg/index.js as published (its layer and the glue, minified)", ...sizes(pkgFiles.get("/pkg/index.js"))],
      ["this package: the wasm", ...sizes(wasm)],
      ["this package: index.js + wasm", ...sizes(pkgFiles.get("/pkg/index.js"), wasm)],
    ].map(([what, ...bytes]) => [what, ...bytes.map((n) => `${n.toLocaleString("en-US")} B (${kib(n)})`)]),
  );

  let t = performance.now();
  await checkEquivalentRequests(browser, url, emulator.url);
  timings.equivalence = seconds(t);

  t = performance.now();
  const cold = await coldStarts(browser, url);
  timings.cold = seconds(t);
  console.log("\n### Cold start\n");
  console.log("`import()` to the first create resolved, a fresh page per round; ms, median (min-max).\n");
  const coldNames = {
    fetch: "raw `fetch` (nothing to import; first request)",
    sdk: "official SDK 4.25.4 (esbuild bundle)",
    ours: "this package (index.js, wasm)",
  };
  markdownTable(
    ["variant", "import to first answer", "of which import", "wasm: fetch, compile, instantiate", "first call", "median / SDK's median"],
    Object.entries(cold).map(([variant, rounds]) => {
      const total = (list) => median(list.map((r) => r.totalMs));
      return [
        coldNames[variant],
        spread(rounds.map((r) => r.totalMs), 1),
        spread(rounds.map((r) => r.importMs), 1),
        variant === "ours" ? spread(rounds.map((r) => r.wasmMs), 1) : "-",
        spread(rounds.map((r) => r.firstCallMs), 1),
        variant === "sdk" ? "1.00" : `${(total(rounds) / total(cold.sdk)).toFixed(2)}x`,
      ];
    }),
  );
  const wasmFetch = cold.ours.map((r) => r.wasmFetchMs).filter((v) => v !== null);
  if (wasmFetch.length > 0) console.log(`\n(of this package's wasm step, fetching the wasm took ${spread(wasmFetch, 1)} ms)`);

  t = performance.now();
  const { sequential, concurrent } = await perCall(browser, url, emulator.url);
  timings.perCall = seconds(t);
  console.log(
    "\n### Per call\n\nPOST /v3/connections/notion on a warm page; ms per call and its ratio to the raw `fetch` of the same round, " +
      "median (min-max).\n",
  );
  const ratios = (results, variant) => results[variant].map((ms, i) => ms / results.fetch[i]);
  markdownTable(
    [
      "variant",
      `${settings.calls} sequential: ms per call`,
      "vs raw fetch",
      `${settings.concurrency} concurrent (x${settings.batches}): ms per call`,
      "vs raw fetch",
    ],
    Object.keys(VARIANTS).map((variant) => [
      VARIANTS[variant],
      spread(sequential[variant], 3),
      variant === "fetch" ? "1.00" : spread(ratios(sequential, variant), 3, "x"),
      spread(concurrent[variant], 3),
      variant === "fetch" ? "1.00" : spread(ratios(concurrent, variant), 3, "x"),
    ]),
  );

  t = performance.now();
  const phases = await perCallPhases(browser, url, emulator.url);
  timings.phases = seconds(t);
  console.log(
    "\n### Where the time of a call goes\n\nThe browser's `fetch` through a wrapper that notes when it is called and when " +
      `the Response arrives; ${PHASE_CALLS} sequential calls per round; µs per call, median (min-max).\n`,
  );
  const us = (list) => spread(list.map((ms) => ms * 1000), 0);
  markdownTable(
    ["variant", "before `fetch` (checks, building the request)", "in `fetch` until the Response", "after (body, JSON, result)"],
    Object.entries(phases).map(([variant, p]) => [VARIANTS[variant], us(p.before), us(p.fetch), us(p.after)]),
  );

  t = performance.now();
  const memory = await perCallInMemory(browser, url);
  timings.memory = seconds(t);
  console.log(
    "\n### Per call without the network\n\nA `fetch` option that answers from memory, so only the library's own work is " +
      `timed; ${MEMORY_CALLS} sequential calls per round; µs per call, median (min-max).\n`,
  );
  markdownTable(
    ["variant", "µs per call", "vs raw fetch", "above raw fetch (µs)"],
    Object.keys(VARIANTS).map((variant) => [
      VARIANTS[variant],
      spread(memory[variant], 1),
      variant === "fetch" ? "1.00" : spread(memory[variant].map((us, i) => us / memory.fetch[i]), 2, "x"),
      variant === "fetch" ? "0" : spread(memory[variant].map((us, i) => us - memory.fetch[i]), 1),
    ]),
  );

  t = performance.now();
  const rejections = await rejectionRates(browser, url);
  timings.validation = seconds(t);
  console.log("\n### Rejections\n\nCalls per second, one after the other, median (min-max).\n");
  const what = {
    invalid: "a tag with a space (`user 123`)",
    aborted: "an already-aborted `signal`",
  };
  markdownTable(
    ["variant", "request", "network", "calls per second", "rejected with"],
    rejections.map((r) => [
      VARIANTS[r.variant],
      what[r.kind],
      r.variant === "sdk" && r.kind === "invalid" ? "yes: the SDK sends it, the API answers 400" : "none",
      spread(r.rates, 0),
      r.first.code !== null
        ? `\`${r.first.code}\``
        : r.first.status !== null
          ? `an APIError, status ${r.first.status}`
          : `"${r.first.message}"`,
    ]),
    ["l", "l", "l", "r", "l"],
  );

  t = performance.now();
  const cross = await crossOrigin(browser, url, emulator.url, api);
  timings.cross = seconds(t);
  console.log(
    "\n### Cross-origin, per call\n\nThe same POST from the page on one port of 127.0.0.1 to the API on another " +
      `(one port per variant), preflight answers with \`Access-Control-Max-Age: ${PREFLIGHT_MAX_AGE}\`; a fresh page, ` +
      `${CROSS_WARMUP_CALLS} warm-up calls per variant, then ${settings.calls} sequential calls per round and variant ` +
      "taking turns call by call; ms per call and its ratio to the raw `fetch` of the same round, median (min-max); " +
      "preflights: the OPTIONS requests the variant's server saw.\n",
  );
  markdownTable(
    [
      "variant",
      `${settings.calls} sequential: ms per call`,
      "vs raw fetch",
      `preflights per round (${settings.calls} calls)`,
      `preflights in the warm-up (${CROSS_WARMUP_CALLS} calls)`,
    ],
    CROSS_VARIANTS.map((variant) => {
      const r = cross.results[variant];
      return [
        VARIANTS[variant],
        spread(r.ms, 3),
        variant === "fetch" ? "1.00" : spread(r.ms.map((ms, i) => ms / cross.results.fetch.ms[i]), 3, "x"),
        spread(r.options, 0),
        String(cross.warmup[variant].OPTIONS ?? 0),
      ];
    }),
  );

  console.log(
    `\nruntime: ${seconds(started)} in all (requests check ${timings.equivalence}, cold start ${timings.cold}, ` +
      `per call ${timings.perCall}, phases ${timings.phases}, without the network ${timings.memory}, ` +
      `rejections ${timings.validation}, cross-origin ${timings.cross})`,
  );
} finally {
  await browser?.close();
  server?.closeAllConnections();
  server?.close();
  for (const apiServer of api?.servers ?? []) {
    apiServer.closeAllConnections();
    apiServer.close();
  }
  emulator.child.kill();
}
