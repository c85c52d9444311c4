// The demo's local server: serves www/ and the built package from pkg/, with a strict
// Content-Security-Policy, and is the page's backend proxy for the supermemory API: the page
// calls /api/supermemory/... with no key, and this server adds the key.
//   offline (default): the API behind the proxy is the local emulator, started in-process.
//   proxy: with SUPERMEMORY_API_KEY set, requests go to the real API (SUPERMEMORY_BASE_URL to override).
// GET /config.json tells the page the mode and the extra hosts its authLinks may point at.
// Run: node www/server.mjs [--port 8080] [--host 127.0.0.1]
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startEmulator, EMULATOR_API_KEY } from "../tests/emulator.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PROXY_PREFIX = "/api/supermemory/";
const MAX_PROXY_BODY = 1024 * 1024;
/** Request headers the proxy passes on; never the browser's authorization or cookies. */
const FORWARDED_REQUEST_HEADERS = ["content-type", "accept"];
/** Answer headers the proxy passes back, besides the status and content-type. */
const FORWARDED_ANSWER_HEADERS = ["retry-after", "retry-after-ms"];
/** Methods fetch() refuses to send. */
const UNFORWARDABLE_METHODS = ["CONNECT", "TRACE", "TRACK"];

/** Headers every answer of the demo server carries. */
export const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ts": "text/plain; charset=utf-8",
};

/** Maps a URL path to a file under www/ or pkg/, or null when it points anywhere else. */
function fileFor(pathname) {
  const [folder, rest] = pathname.startsWith("/pkg/") ? ["pkg", pathname.slice(5)] : ["www", pathname.slice(1)];
  const base = join(ROOT, folder);
  let decoded;
  try {
    decoded = decodeURIComponent(rest || "index.html");
  } catch {
    return null;
  }
  const file = normalize(join(base, decoded));
  return file.startsWith(base + sep) ? file : null;
}

async function serveFile(res, pathname) {
  const file = fileFor(pathname);
  if (file === null || file.endsWith("server.mjs")) return send(res, 404, "text/plain", "Not found");
  try {
    const body = await readFile(file);
    send(res, 200, TYPES[extname(file)] ?? "application/octet-stream", body);
  } catch {
    send(res, 404, "text/plain", "Not found");
  }
}

/** Answers with the security headers; `type` null sends no content-type. */
function send(res, status, type, body, extra = {}) {
  const headers = { ...SECURITY_HEADERS, "cache-control": "no-store", ...extra };
  if (type !== null) headers["content-type"] = type;
  res.writeHead(status, headers);
  res.end(body);
}

function sendJson(res, status, value) {
  send(res, status, "application/json", JSON.stringify(value));
}

class TooLarge extends Error {}

/** Reads the whole request body; rejects with TooLarge past `limit` bytes. */
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        return reject(new TooLarge());
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * True when a proxy request comes from this server's own page: the Host header names this server
 * on a loopback name (no DNS rebinding), and the browser does not mark it as cross-site.
 */
function fromOwnPage(req, ownHosts) {
  const host = (req.headers.host ?? "").toLowerCase();
  if (!ownHosts.has(host)) return false;
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") return false;
  const origin = req.headers.origin;
  return origin === undefined || origin.toLowerCase() === `http://${host}`;
}

/**
 * Forwards /api/supermemory/<rest>?<query> to <upstream>/<rest>?<query> with any method, adding the
 * API key on this side. Only content-type and accept go up; status, content-type, retry-after and
 * retry-after-ms come back.
 */
async function forward(req, res, upstream, url) {
  if (UNFORWARDABLE_METHODS.includes(req.method)) {
    return sendJson(res, 405, { error: "Method not allowed" });
  }
  const target = upstream.baseURL + "/" + url.pathname.slice(PROXY_PREFIX.length) + url.search;
  const headers = { authorization: `Bearer ${upstream.apiKey}` };
  for (const name of FORWARDED_REQUEST_HEADERS) {
    if (req.headers[name]) headers[name] = req.headers[name];
  }
  let body;
  if (req.method !== "GET" && req.method !== "HEAD") {
    try {
      body = await readBody(req, MAX_PROXY_BODY);
    } catch (error) {
      if (error instanceof TooLarge) return sendJson(res, 413, { error: "Request body too large" });
      throw error;
    }
  }
  // When the browser gives up, so does the upstream request.
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  let answer;
  let payload;
  try {
    answer = await fetch(target, { method: req.method, headers, body, redirect: "manual", signal: abort.signal });
    payload = Buffer.from(await answer.arrayBuffer());
  } catch {
    if (res.destroyed) return;
    return sendJson(res, 502, { error: "The API could not be reached" });
  }
  const extra = {};
  for (const name of FORWARDED_ANSWER_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) extra[name] = value;
  }
  send(res, answer.status, answer.headers.get("content-type"), payload, extra);
}

/**
 * Starts the demo server. Without `upstream` it uses SUPERMEMORY_API_KEY (proxy mode) or starts
 * the emulator (offline mode). Resolves { url, mode, emulator, config, close() }, where `config`
 * is what GET /config.json answers: { mode, allowedHosts } with the emulator's origin in
 * allowedHosts in offline mode (its consent links are on it) and nothing in proxy mode.
 * `emulatorOptions` go to the offline emulator (e.g. `{ syncMs }` for a shorter simulated sync).
 */
export async function startDemoServer({ port = 0, host = "127.0.0.1", upstream, env = process.env, emulatorOptions = {} } = {}) {
  let emulator = null;
  let mode = "proxy";
  if (!upstream && env.SUPERMEMORY_API_KEY) {
    upstream = {
      baseURL: (env.SUPERMEMORY_BASE_URL || "https://api.supermemory.ai").replace(/\/+$/, ""),
      apiKey: env.SUPERMEMORY_API_KEY,
    };
  } else if (!upstream) {
    emulator = await startEmulator({ ...emulatorOptions, host });
    upstream = { baseURL: emulator.url, apiKey: EMULATOR_API_KEY };
    mode = "offline";
  }
  const config = { mode, allowedHosts: emulator ? [emulator.url] : [] };
  const ownHosts = new Set();

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://demo.invalid");
    try {
      if (url.pathname.startsWith(PROXY_PREFIX)) {
        if (!fromOwnPage(req, ownHosts)) return sendJson(res, 403, { error: "Only this demo's own page may use the proxy" });
        return await forward(req, res, upstream, url);
      }
      if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "Method not allowed");
      if (url.pathname === "/config.json") return sendJson(res, 200, config);
      return await serveFile(res, url.pathname);
    } catch {
      if (!res.headersSent) send(res, 500, "text/plain", "Internal error");
      else res.destroy();
    }
  });
  try {
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    if (emulator) await emulator.close();
    throw error;
  }
  const actualPort = server.address().port;
  const hostInUrl = host.includes(":") ? `[${host}]` : host;
  for (const name of [hostInUrl, "127.0.0.1", "localhost", "[::1]"]) ownHosts.add(`${name.toLowerCase()}:${actualPort}`);
  return {
    url: `http://${hostInUrl}:${actualPort}`,
    mode,
    emulator,
    config,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      if (emulator) await emulator.close();
    },
  };
}

async function main() {
  const args = process.argv.slice(2);
  const value = (flag, fallback) => {
    const i = args.indexOf(flag);
    return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
  };
  const port = Number(value("--port", "8080"));
  const host = value("--host", "127.0.0.1");
  const demo = await startDemoServer({ port, host });
  const where = demo.mode === "offline" ? `offline, API emulator at ${demo.emulator.url}` : "proxy to the real supermemory API";
  console.log(`demo running at ${demo.url}/ (${where})`);
  const stop = async () => {
    await demo.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
