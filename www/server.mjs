// The demo's local server: serves www/ and the built package from pkg/, with a strict
// Content-Security-Policy, and is the page's backend proxy for the supermemory API: the page
// calls /api/supermemory/... with no key, and this server adds the key.
//   offline (default): the API behind the proxy is the local emulator, started in-process.
//   proxy: with SUPERMEMORY_API_KEY set, requests go to the real API (SUPERMEMORY_BASE_URL to override).
// Run: node www/server.mjs [--port 8080] [--host 127.0.0.1]
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startEmulator, EMULATOR_API_KEY } from "../tests/emulator.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PROXY_PREFIX = "/api/supermemory/";

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

function send(res, status, type, body, extra = {}) {
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": type, "cache-control": "no-store", ...extra });
  res.end(body);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Forwards /api/supermemory/<rest> to <upstream>/<rest>, adding the API key on this side. */
async function forward(req, res, upstream, url) {
  const target = upstream.baseURL + "/" + url.pathname.slice(PROXY_PREFIX.length) + url.search;
  const headers = { authorization: `Bearer ${upstream.apiKey}` };
  for (const name of ["content-type", "accept"]) {
    if (req.headers[name]) headers[name] = req.headers[name];
  }
  const body = ["GET", "HEAD"].includes(req.method) ? undefined : await readBody(req);
  let answer;
  try {
    answer = await fetch(target, { method: req.method, headers, body, redirect: "manual" });
  } catch {
    return send(res, 502, "application/json", JSON.stringify({ error: "The API could not be reached" }));
  }
  const extra = {};
  for (const name of ["retry-after", "retry-after-ms"]) {
    const value = answer.headers.get(name);
    if (value !== null) extra[name] = value;
  }
  const text = Buffer.from(await answer.arrayBuffer());
  send(res, answer.status, answer.headers.get("content-type") ?? "application/octet-stream", text, extra);
}

/**
 * Starts the demo server. Without `upstream` it uses SUPERMEMORY_API_KEY (proxy mode) or starts
 * the emulator (offline mode). Resolves { url, mode, emulator, close() }.
 */
export async function startDemoServer({ port = 0, host = "127.0.0.1", upstream, env = process.env } = {}) {
  let emulator = null;
  let mode = "proxy";
  if (!upstream && env.SUPERMEMORY_API_KEY) {
    upstream = { baseURL: (env.SUPERMEMORY_BASE_URL || "https://api.supermemory.ai").replace(/\/+$/, ""), apiKey: env.SUPERMEMORY_API_KEY };
  } else if (!upstream) {
    emulator = await startEmulator({ host });
    upstream = { baseURL: emulator.url, apiKey: EMULATOR_API_KEY };
    mode = "offline";
  }
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://demo.invalid");
    try {
      if (url.pathname.startsWith(PROXY_PREFIX)) return await forward(req, res, upstream, url);
      if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "Method not allowed");
      return await serveFile(res, url.pathname);
    } catch {
      if (!res.headersSent) send(res, 500, "text/plain", "Internal error");
    }
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  return {
    url: `http://${host}:${address.port}`,
    mode,
    emulator,
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
