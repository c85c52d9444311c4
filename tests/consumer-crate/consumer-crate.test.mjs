// The crate as a Rust web app uses it: examples/consumer is a cdylib with its own
// `#[global_allocator]` and the standard library, calling the Rust API. The test builds it for
// wasm32 (the build itself proves the library brings no allocator and no panic handler: a second
// one of either fails to link), runs wasm-bindgen --target web on it, and checks that
//   - the wasm's exports and the glue's ES exports are the app's `connect` and wasm-bindgen's
//     own, none of the npm package's (run, completeOAuth, redirectToAuthLink, createConnection,
//     connectionsCall, startOAuth);
//   - the app's page, in headless Chromium against the local API emulator, creates a
//     web-crawler connection through the Rust API and shows the id the emulator stored.
//
// Run: node --test tests/consumer-crate/
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { readFile, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, extname, join, normalize, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startEmulator, EMULATOR_API_KEY } from "../emulator.mjs";
import { launchBrowser } from "../js/browser.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PACKAGE = "supermemory-connections-example";
const WASM = join(ROOT, "target", "wasm32-unknown-unknown", "release", "supermemory_connections_example.wasm");
const EXAMPLE = join(ROOT, "examples", "consumer");
/** Where wasm-bindgen writes the glue; the page loads it as ./pkg/. */
const GLUE_DIR = join(ROOT, "target", "consumer-example", "pkg");
const GLUE = join(GLUE_DIR, "supermemory_connections_example.js");
const GLUE_WASM = join(GLUE_DIR, "supermemory_connections_example_bg.wasm");
/** What the npm package's wasm exports; a Rust app's binary must carry none of it. */
const NPM_EXPORTS = ["run", "completeOAuth", "redirectToAuthLink", "createConnection", "connectionsCall", "startOAuth"];
/** The app's own export. */
const APP_EXPORTS = ["connect"];
/** wasm-bindgen's own exports: memory, allocation, the externref table, closures, the start hook. */
const BINDGEN_EXPORT = /^(memory$|__|wasm_bindgen__)/;
const BUILD_TIMEOUT_MS = 600_000;
const PAGE_TIMEOUT_MS = 30_000;

let emulator;
let server;
let browser;

/** Runs a command from the repository root, with cargo's binaries on PATH (as scripts/env.sh). */
function run(command, args) {
  const cargoBin = join(process.env.CARGO_HOME ?? join(homedir(), ".cargo"), "bin");
  const env = { ...process.env, PATH: `${cargoBin}${delimiter}${process.env.PATH ?? ""}` };
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), BUILD_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(" ")} ended with ${signal ?? `code ${code}`}:\n${output}`));
    });
  });
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
};

/**
 * Serves the example's page from examples/consumer/ and the built glue under /pkg/, on
 * 127.0.0.1 and a free port; resolves to { url, close() }.
 */
async function serveExample() {
  const roots = [
    { prefix: "/pkg/", dir: GLUE_DIR },
    { prefix: "/", dir: EXAMPLE },
  ];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
    const root = roots.find(({ prefix }) => path.startsWith(prefix));
    const relative = path.slice(root.prefix.length) || "index.html";
    const file = normalize(join(root.dir, relative));
    const type = TYPES[extname(file)];
    if (req.method !== "GET" || !file.startsWith(root.dir + sep) || type === undefined) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

before(async () => {
  await run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "-p", PACKAGE]);
  await rm(GLUE_DIR, { recursive: true, force: true });
  await run("wasm-bindgen", ["--target", "web", "--out-dir", GLUE_DIR, WASM]);
});

after(async () => {
  await browser?.close();
  await server?.close();
  await emulator?.close();
});

test("the wasm exports the app's connect and wasm-bindgen's own, none of the npm package's", async () => {
  const names = WebAssembly.Module.exports(new WebAssembly.Module(await readFile(GLUE_WASM))).map((entry) => entry.name);
  for (const name of APP_EXPORTS) assert.ok(names.includes(name), `the wasm exports ${name}: ${names.join(", ")}`);
  for (const name of NPM_EXPORTS) assert.ok(!names.includes(name), `the wasm does not export ${name}`);
  assert.deepEqual(names.filter((name) => !BINDGEN_EXPORT.test(name)), APP_EXPORTS);
  // The binary cargo made, before wasm-bindgen (which names each export `<name>_<hash>` and adds
  // a `__wbindgen_describe_` function per export): the app's connect, and no npm export either.
  const raw = WebAssembly.Module.exports(new WebAssembly.Module(await readFile(WASM))).map((entry) => entry.name);
  const exported = (name) => new RegExp(`^(__wbindgen_describe_)?${name}(_[0-9a-f]+)?$`);
  for (const name of APP_EXPORTS) assert.ok(raw.some((found) => exported(name).test(found)), `the built wasm exports ${name}`);
  for (const name of NPM_EXPORTS) {
    assert.deepEqual(raw.filter((found) => exported(name).test(found)), [], `the built wasm does not export ${name}`);
  }
});

test("the glue's ES exports are the app's connect and wasm-bindgen's loaders, nothing else", async () => {
  const glue = await import(pathToFileURL(GLUE).href);
  const names = Object.keys(glue).sort();
  for (const name of NPM_EXPORTS) assert.ok(!names.includes(name), `the glue does not export ${name}`);
  assert.deepEqual(names, ["connect", "default", "initSync"]);
});

test("the app's page creates a web-crawler connection through the Rust API and shows its id", async () => {
  emulator = await startEmulator();
  server = await serveExample();
  browser = await launchBrowser();
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  const query = new URLSearchParams({ baseUrl: emulator.url, apiKey: EMULATOR_API_KEY });
  await page.goto(`${server.url}/?${query}`);
  await page.waitForSelector("#status:not([data-state='pending'])", { timeout: PAGE_TIMEOUT_MS });
  const shown = await page.evaluate(() => ({
    state: document.getElementById("status").dataset.state,
    status: document.getElementById("status").textContent,
    id: document.getElementById("connection-id").textContent,
    provider: document.getElementById("provider").textContent,
    startUrl: document.getElementById("start-url").textContent,
  }));
  assert.equal(shown.state, "connected", shown.status);
  assert.deepEqual(problems, []);

  // The one connection the emulator stored is the one the page shows.
  const stored = [...emulator.connections.values()];
  assert.equal(stored.length, 1);
  assert.match(shown.id, /^conn_[0-9a-f]{16}$/);
  assert.equal(shown.id, stored[0].id);
  assert.equal(shown.provider, "web-crawler");
  assert.equal(stored[0].provider, "web-crawler");
  assert.equal(shown.startUrl, "https://docs.example.com");
  assert.deepEqual(stored[0].containerTags, ["docs_site"]);

  // The Rust API's two calls, with the key: the create, then the read by id.
  const calls = emulator.requests.filter((request) => request.method !== "OPTIONS");
  assert.deepEqual(
    calls.map((request) => `${request.method} ${request.path}`),
    ["POST /v3/connections/web-crawler", `GET /v3/connections/${shown.id}`],
  );
  assert.deepEqual(calls[0].json, { containerTag: "docs_site", metadata: { startUrl: "https://docs.example.com" } });
  for (const request of calls) assert.equal(request.headers.authorization, `Bearer ${EMULATOR_API_KEY}`);
});
