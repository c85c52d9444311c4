// The packed tarball as users install it: `npm pack` of pkg/, then each fixture folder next to
// this file is copied to test-output/consumers/<name>/, installs the .tgz with `npm install`,
// and makes a real createConnection call against the local API emulator:
//   plain       a page with <script type="module"> and an import map, no bundler (Chromium)
//   worker      a module worker, no bundler, imports the package and calls it (Chromium)
//   vite        `vite build` with no config, served and run in Chromium, on the page and in a
//               module worker Vite bundles; also the dev server with the one config line the
//               README gives
//   webpack     `webpack --mode production` with no config file, run in Chromium, on the page
//               and in a module worker webpack bundles
//   node        Node's ESM import through the exports map's "node" entry and Node's fetch; and
//               an import-only check that loading the package never reads `window`
//   typescript  `tsc` with moduleResolution bundler and node16
// plus publint and `attw --profile esm-only` on the tarball, and no `node:` import in what
// reaches a browser. The tools are the workspace's devDependencies (npm ci installs them once);
// the fixtures resolve the package only from their own node_modules.
//
// Run: node --test tests/consumers/   (after bash scripts/build.sh)
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cp, lstat, mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { builtinModules } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startEmulator, EMULATOR_API_KEY } from "../emulator.mjs";
import { launchBrowser } from "../js/browser.mjs";
import { serveStatic } from "./static-server.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const PKG = join(ROOT, "pkg");
const OUT = join(ROOT, "test-output", "consumers");
const BIN = join(ROOT, "node_modules", ".bin");
const FIXTURES = ["plain", "worker", "vite", "webpack", "node", "typescript"];
const PACKAGE = "supermemory-connections";

let tarball;
let emulator;
let browser;

/**
 * Runs a command; resolves to { code, stdout, output (stdout and stderr together), text (for a
 * failure message) }, and appends the text to OUT/<log>.
 */
function run(command, args, { cwd, log, timeout = 120_000 }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
    let output = "";
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("error", reject);
    child.on("close", async (code, signal) => {
      clearTimeout(timer);
      const text = `$ (cd ${relative(ROOT, cwd) || "."} && ${[command, ...args].join(" ")})\n${output}\n[exit ${code ?? signal}]\n`;
      if (log) await writeFile(join(OUT, log), text, { flag: "a" });
      resolve({ code, stdout, output, text });
    });
  });
}

/** Like run, but fails the test with the command's output unless it exits 0; resolves to the result. */
async function ok(command, args, options) {
  const result = await run(command, args, options);
  assert.equal(result.code, 0, `command failed:\n${result.text}`);
  return result;
}

/** Every file under `dir`, as paths relative to it. */
async function filesUnder(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath ?? entry.path, entry.name)));
}

/** Fails if any JavaScript file of a browser build mentions a `node:` specifier. */
async function assertNoNodeSpecifier(dir) {
  const scripts = (await filesUnder(dir)).filter((file) => /\.(m?js|html)$/.test(file));
  assert.ok(scripts.length > 0, `no scripts in ${dir}`);
  for (const file of scripts) {
    const text = await readFile(join(dir, file), "utf8");
    const hit = text.match(/.{0,40}\bnode:[a-z_/]+.{0,20}/);
    assert.equal(hit, null, `${relative(ROOT, join(dir, file))} mentions a node: specifier: ${hit?.[0]}`);
  }
}

/** A free TCP port on 127.0.0.1 (for the Vite dev server, which wants one up front). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Checks that the emulator created this connection from exactly one POST carrying the tag. */
function assertCreated(result, tag, where) {
  assert.equal(result?.ok, true, `createConnection failed ${where}: ${JSON.stringify(result)}`);
  assert.match(result.id, /\S/);
  assert.ok(emulator.connections.has(result.id), `the emulator does not know the id ${where}`);
  assert.match(result.authLink, new RegExp(`^${emulator.url}/oauth/notion/authorize\\?`));
  const posts = emulator.requests.filter(
    (request) => request.method === "POST" && request.path === "/v3/connections/notion" && request.json?.containerTag === tag,
  );
  assert.equal(posts.length, 1, `the emulator did not record exactly one POST /v3/connections/notion tagged ${tag}`);
  assert.equal(posts[0].headers.authorization, `Bearer ${EMULATOR_API_KEY}`);
}

/**
 * Opens `url` (with the emulator's URL, key and a container tag in the query) in a fresh browser
 * context, waits for the page's `window.consumerResult`, and checks the connection it made
 * (and, with `worker`, the one its bundled module worker made, tagged `<tag>_worker`).
 */
async function runPage(url, tag, { worker = false } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // Chromium asks every server for /favicon.ico and logs the 404.
    if (message.type() === "error" && !/status of 404 \(Not Found\)$/.test(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  const wasm = [];
  context.on("response", (response) => {
    if (new URL(response.url()).pathname.endsWith(".wasm")) wasm.push({ status: response.status(), type: response.headers()["content-type"] });
  });
  try {
    const query = new URLSearchParams({ api: emulator.url, key: EMULATOR_API_KEY, tag });
    await page.goto(`${url}${url.includes("?") ? "&" : "?"}${query}`);
    let result;
    try {
      result = await (await page.waitForFunction(() => window.consumerResult, null, { timeout: 20_000 })).jsonValue();
    } catch (error) {
      assert.fail(`the page never reported a result (${error.message}); ${problems.join("; ") || "no page errors"}`);
    }
    assertCreated(result, tag, `in the page (${problems.join("; ") || "no page errors"})`);
    if (worker) {
      assertCreated(result.worker, `${tag}_worker`, "in the bundled worker");
      assert.equal(result.worker.inWorker, true);
    }
    assert.deepEqual(problems, []);
    assert.ok(wasm.length >= 1, "the page loaded no .wasm file");
    for (const response of wasm) {
      assert.equal(response.status, 200);
      assert.equal(response.type, "application/wasm");
    }
    return result;
  } finally {
    await context.close();
  }
}

/** Serves `root` statically and runs the page at `path` under it; returns the paths served. */
async function runServedPage(root, path, tag, options) {
  const server = await serveStatic(root);
  try {
    const result = await runPage(`${server.url}${path}`, tag, options);
    return { result, served: server.requests };
  } finally {
    await server.close();
  }
}

before(async () => {
  assert.ok(existsSync(join(PKG, "package.json")), "pkg/ is not built: run bash scripts/build.sh first");
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  const packed = JSON.parse((await ok("npm", ["pack", "--json", "--pack-destination", OUT], { cwd: PKG, log: "pack.log" })).stdout);
  tarball = join(OUT, packed[0].filename);
  // The only copy of the package a fixture can reach is the one it installs.
  assert.equal(existsSync(join(ROOT, "node_modules", PACKAGE)), false, `the workspace's node_modules has a ${PACKAGE}`);
  // The browser and the emulator start while the fixtures install; each is kept as soon as it
  // is up, so that after() closes it even when an install fails.
  const started = Promise.allSettled([
    launchBrowser().then((value) => (browser = value)),
    startEmulator().then((value) => (emulator = value)),
  ]);
  const installed = Promise.allSettled(
    FIXTURES.map(async (name) => {
      const dir = join(OUT, name);
      await cp(join(HERE, name), dir, { recursive: true });
      await ok("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", relative(dir, tarball)], { cwd: dir, log: `${name}.log` });
      const copy = join(dir, "node_modules", PACKAGE);
      assert.equal((await lstat(copy)).isDirectory(), true, `${name}: the package is not an unpacked folder`);
    }),
  );
  for (const outcome of [...(await started), ...(await installed)]) {
    if (outcome.status === "rejected") throw outcome.reason;
  }
});

after(async () => {
  await browser?.close();
  await emulator?.close();
});

describe("the packed tarball, installed the way a user does", { concurrency: 4, timeout: 120_000 }, () => {
  it("publint reports nothing", async () => {
    const { output } = await ok(join(BIN, "publint"), ["run", tarball, "--level", "suggestion", "--strict"], { cwd: OUT, log: "publint.log" });
    assert.match(output, /All good!/, output);
  });

  it("attw --profile esm-only reports no problem", async () => {
    // The wasm file is exported for runtimes that import it as a module (Workers); it is not a
    // JavaScript entry point with types, which is all attw can check.
    const wasmEntry = `${PACKAGE}/supermemory_connections_bg.wasm`;
    await ok(join(BIN, "attw"), [tarball, "--profile", "esm-only", "--no-definitely-typed", "--exclude-entrypoints", wasmEntry, "--format", "table-flipped", "--no-color"], {
      cwd: OUT,
      log: "attw.log",
    });
  });

  it("the browser entry's import graph has no node: or Node built-in import", async () => {
    const dir = join(OUT, "plain", "node_modules", PACKAGE);
    const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    const entry = manifest.exports["."].default;
    assert.equal(entry, "./index.js");
    const builtins = new Set(builtinModules);
    const seen = new Set();
    const pending = [entry];
    while (pending.length > 0) {
      const file = pending.pop();
      if (seen.has(file)) continue;
      seen.add(file);
      const text = await readFile(join(dir, file), "utf8");
      assert.equal(/\bnode:/.test(text), false, `${file} mentions node:`);
      assert.equal(/\brequire\s*\(/.test(text), false, `${file} calls require`);
      // Static imports and re-exports (a statement at the start of a line), and import("…").
      const specifiers = [
        ...text.matchAll(/^\s*(?:import|export)\s+(?:[\w$]+\s*,?\s*)?(?:\*\s*(?:as\s+[\w$]+)?|\{[^}]*\})?\s*(?:from\s*)?["']([^"']+)["']/gm),
        ...text.matchAll(/\bimport\s*\(\s*["'`]([^"'`]+)["'`]/g),
      ].map((match) => match[1]);
      for (const specifier of specifiers) {
        assert.equal(builtins.has(specifier), false, `${file} imports the Node built-in ${specifier}`);
        assert.ok(specifier.startsWith("./"), `${file} imports ${specifier}, not a file of the package`);
        pending.push(`./${join(dirname(file), specifier)}`);
      }
    }
    assert.deepEqual([...seen].sort(), ["./index.js"]);
  });

  it("plain page, <script type=\"module\"> and an import map, no bundler", async () => {
    const dir = join(OUT, "plain");
    const { served } = await runServedPage(dir, "/index.html", "consumer_plain");
    assert.ok(served.includes(`/node_modules/${PACKAGE}/index.js`));
    assert.ok(served.includes(`/node_modules/${PACKAGE}/supermemory_connections_bg.wasm`));
  });

  it("module worker, no bundler", async () => {
    const dir = join(OUT, "worker");
    const { result, served } = await runServedPage(dir, "/index.html", "consumer_worker");
    assert.equal(result.inWorker, true);
    assert.ok(served.includes(`/node_modules/${PACKAGE}/supermemory_connections_bg.wasm`));
  });

  it("Vite: production build in Chromium (page and bundled worker), then the dev server", async () => {
    const dir = join(OUT, "vite");
    // The production build with no config file at all: the fixture's vite.config.js holds only
    // the dev server's line, set aside here and put back for the dev server below.
    await rename(join(dir, "vite.config.js"), join(dir, "vite.config.js.dev"));
    await ok("npm", ["run", "build"], { cwd: dir, log: "vite.log" });
    await rename(join(dir, "vite.config.js.dev"), join(dir, "vite.config.js"));
    const dist = join(dir, "dist");
    await assertNoNodeSpecifier(dist);
    const files = await filesUnder(dist);
    assert.ok(files.some((file) => /^assets\/supermemory_connections_bg-[\w-]+\.wasm$/.test(file)), `no hashed wasm in ${files}`);
    const { served } = await runServedPage(dist, "/index.html", "consumer_vite_build", { worker: true });
    assert.ok(served.some((path) => path.endsWith(".wasm")));

    // The dev server, with the fixture's vite.config.js: optimizeDeps.exclude (see the README).
    const port = await freePort();
    const dev = spawn(join(BIN, "vite"), ["--host", "127.0.0.1", "--port", String(port), "--strictPort"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let output = "";
    dev.stdout.on("data", (chunk) => (output += chunk));
    dev.stderr.on("data", (chunk) => (output += chunk));
    try {
      const started = Date.now();
      while (!output.includes(`127.0.0.1:${port}`)) {
        assert.ok(dev.exitCode === null && Date.now() - started < 20_000, `the Vite dev server did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await runPage(`http://127.0.0.1:${port}/`, "consumer_vite_dev", { worker: true });
    } finally {
      dev.kill("SIGTERM");
      await writeFile(join(OUT, "vite.log"), `$ vite --port ${port} (dev server)\n${output}\n`, { flag: "a" });
    }
  });

  it("webpack 5: production build with no config file, in Chromium (page and bundled worker)", async () => {
    const dir = join(OUT, "webpack");
    const { output } = await ok("npm", ["run", "build"], { cwd: dir, log: "webpack.log" });
    assert.match(output, /compiled successfully/);
    assert.match(output, new RegExp(`from: node_modules/${PACKAGE}/supermemory_connections_bg\\.wasm`));
    const dist = join(dir, "dist");
    await assertNoNodeSpecifier(dist);
    const { served } = await runServedPage(dir, "/index.html", "consumer_webpack", { worker: true });
    assert.ok(served.some((path) => /^\/dist\/[\w-]+\.wasm$/.test(path)), `no wasm from dist/ in ${served}`);
  });

  it("Node.js: ESM import through the exports map, Node's own fetch", async () => {
    const dir = join(OUT, "node");
    const { stdout: output } = await ok(process.execPath, ["create.mjs", emulator.url, EMULATOR_API_KEY, "consumer_node"], { cwd: dir, log: "node.log" });
    const result = JSON.parse(output.trim().split("\n").at(-1));
    assert.equal(result.resolved, pathToFileURL(join(dir, "node_modules", PACKAGE, "node.js")).href);
    assert.ok(emulator.connections.has(result.id));
    assert.match(result.authLink, new RegExp(`^${emulator.url}/oauth/notion/authorize\\?`));
    assert.deepEqual(result.listedIds, [result.id]);
    assert.deepEqual(result.refused, { isClass: true, code: "invalid_request", field: "containerTag" });
    assert.equal(result.fetchCalls, 2, "the package did not call Node's global fetch for each request");
    const posts = emulator.requests.filter((request) => request.path === "/v3/connections/notion" && request.json?.containerTag === "consumer_node");
    assert.equal(posts.length, 1);
  });

  it("Node.js: the server half through the exports map's ./server entry scopes each user to their own tags", async () => {
    const dir = join(OUT, "node");
    const { stdout: output } = await ok(process.execPath, ["proxy.mjs", emulator.url, EMULATOR_API_KEY], { cwd: dir, log: "node.log" });
    const result = JSON.parse(output.trim().split("\n").at(-1));
    assert.equal(result.resolved, pathToFileURL(join(dir, "node_modules", PACKAGE, "server.js")).href);
    assert.equal(result.nodeHandler, "function");
    assert.equal(result.created, 200);
    assert.deepEqual(result.listA, [result.createdId]);
    assert.deepEqual(result.listB, []);
    assert.equal(result.anonymous, 401);
    const created = emulator.requests.filter((request) => request.path === "/v3/connections/notion" && request.json?.containerTags?.[0] === "consumer_a");
    assert.equal(created.length, 1);
  });

  it("Node.js: importing the package (as server-side rendering does) touches no window", async () => {
    const dir = join(OUT, "node");
    const { stdout: output } = await ok(process.execPath, ["import-only.mjs"], { cwd: dir, log: "node.log" });
    const { exports } = JSON.parse(output.trim().split("\n").at(-1));
    assert.ok(exports.includes("createConnection") && exports.includes("default"), output);
  });

  for (const config of ["tsconfig.bundler.json", "tsconfig.node16.json"]) {
    it(`TypeScript: tsc -p ${config}`, async () => {
      const dir = join(OUT, "typescript");
      const { stdout: output } = await ok(join(BIN, "tsc"), ["-p", config, "--listFiles"], { cwd: dir, log: "typescript.log" });
      const declarations = output.split("\n").filter((line) => line.includes(`/${PACKAGE}/`));
      const installed = join(dir, "node_modules", PACKAGE);
      assert.deepEqual(declarations.sort(), [join(installed, "index.d.ts"), join(installed, "server.d.ts")]);
    });
  }
});
