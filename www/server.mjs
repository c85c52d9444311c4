// The demo's local server: serves www/ and the built package from pkg/, with a strict
// Content-Security-Policy, and is the page's backend for the supermemory API through the
// package's own proxy (createProxy from supermemory-connections/server): the page calls
// /api/supermemory/... with no key; the proxy scopes every call to the signed-in demo user's
// container tag and adds the key. Two demo users, switched with a session cookie (/session),
// show that each sees only their own connections.
//   offline (default): the API behind the proxy is the local emulator, started in-process.
//   proxy: with SUPERMEMORY_API_KEY set, requests go to the real API (SUPERMEMORY_BASE_URL to override).
// GET /config.json tells the page the mode and the extra hosts its authLinks may point at.
// Run: node www/server.mjs [--port 8080] [--host 127.0.0.1]
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startEmulator, EMULATOR_API_KEY } from "../tests/emulator.mjs";
import { createProxy, toNodeHandler } from "../pkg/server.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PROXY_PREFIX = "/api/supermemory/";
/** The demo's users: a name to show and the container tag that is theirs alone. */
export const DEMO_USERS = {
  ada: { name: "Ada", containerTags: ["demo_ada"] },
  ben: { name: "Ben", containerTags: ["demo_ben"] },
};
/** Who a new visitor is signed in as. */
const FIRST_USER = "ada";
/** The demo session cookie: which demo user this browser is. */
const SESSION_COOKIE = "demo_user";

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

async function serveFile(res, pathname, extra = {}) {
  const file = fileFor(pathname);
  if (file === null || file.endsWith("server.mjs")) return send(res, 404, "text/plain", "Not found");
  try {
    const body = await readFile(file);
    send(res, 200, TYPES[extname(file)] ?? "application/octet-stream", body, extra);
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

/** The demo user named by the request's session cookie, or null. */
function sessionUser(cookieHeader) {
  for (const part of (cookieHeader ?? "").split(";")) {
    const [name, value] = part.trim().split("=");
    if (name === SESSION_COOKIE && Object.hasOwn(DEMO_USERS, value)) return value;
  }
  return null;
}

/** What GET and POST /session answer: the user, their tags, and whom the page can switch to. */
function sessionAnswer(user) {
  const users = Object.entries(DEMO_USERS).map(([id, { name }]) => ({ id, name }));
  return { user, name: DEMO_USERS[user].name, containerTags: DEMO_USERS[user].containerTags, users };
}

/** Reads a small JSON body (a session switch); null when it is not one. */
async function readSmallJson(req) {
  let text = "";
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 1000) return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * GET /session: the signed-in demo user (a new visitor becomes the first one). POST /session with
 * { user }: switches to that demo user. The cookie is HttpOnly and SameSite=Strict.
 */
async function session(req, res) {
  let user = sessionUser(req.headers.cookie);
  if (req.method === "POST") {
    const body = await readSmallJson(req);
    if (!Object.hasOwn(DEMO_USERS, body?.user)) return sendJson(res, 400, { error: "user must be one of the demo users" });
    user = body.user;
  } else if (req.method !== "GET") {
    return send(res, 405, "text/plain", "Method not allowed");
  }
  const cookie = `${SESSION_COOKIE}=${user ?? FIRST_USER}; Path=/; HttpOnly; SameSite=Strict`;
  send(res, 200, "application/json", JSON.stringify(sessionAnswer(user ?? FIRST_USER)), { "set-cookie": cookie });
}

/**
 * Starts the demo server. Without `upstream` it uses SUPERMEMORY_API_KEY (proxy mode) or starts
 * the emulator (offline mode). Resolves { url, mode, emulator, config, close() }, where `config`
 * is what GET /config.json answers: { mode, allowedHosts } with the emulator's origin in
 * allowedHosts in offline mode (its consent links are on it) and nothing in proxy mode.
 * `emulatorOptions` go to the offline emulator (e.g. `{ syncMs }` for a shorter simulated sync);
 * `pageHeaders` are added to the files it serves (the popup tests' Cross-Origin-Opener-Policy).
 */
export async function startDemoServer({ port = 0, host = "127.0.0.1", upstream, env = process.env, emulatorOptions = {}, pageHeaders = {} } = {}) {
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
  // The package's server half, scoped to the demo user of the session cookie.
  const proxy = toNodeHandler(
    createProxy({
      apiKey: upstream.apiKey,
      baseURL: upstream.baseURL,
      authorize: (request) => DEMO_USERS[sessionUser(request.headers.get("cookie"))] ?? null,
    }),
  );
  /** The proxy's answers with the demo's security headers. */
  const proxied = (req, res) => {
    for (const [name, value] of Object.entries({ ...SECURITY_HEADERS, "cache-control": "no-store" })) res.setHeader(name, value);
    proxy(req, res);
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://demo.invalid");
    try {
      if (url.pathname.startsWith(PROXY_PREFIX)) {
        if (!fromOwnPage(req, ownHosts)) return sendJson(res, 403, { error: "Only this demo's own page may use the proxy" });
        return proxied(req, res);
      }
      if (url.pathname === "/session") {
        if (!fromOwnPage(req, ownHosts)) return sendJson(res, 403, { error: "Only this demo's own page may use the session" });
        return await session(req, res);
      }
      if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "Method not allowed");
      if (url.pathname === "/config.json") return sendJson(res, 200, config);
      return await serveFile(res, url.pathname, pageHeaders);
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
