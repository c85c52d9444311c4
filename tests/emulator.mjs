// Local emulator of the supermemory connections API, for tests and the offline demo.
// One dependency-free ES module: import { startEmulator } from it, or run it as a CLI:
//   node tests/emulator.mjs --port 8787 [--host 127.0.0.1] [--log]
import { createServer } from "node:http";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { pathToFileURL } from "node:url";

/** The only API key the emulator accepts (`Authorization: Bearer <key>`). */
export const EMULATOR_API_KEY = "sm_emulator_test_key";

/** Every provider the API knows, in the order of the OpenAPI enum. */
export const PROVIDERS = ["notion", "google-drive", "onedrive", "gmail", "github", "web-crawler", "s3", "granola"];

/** Providers whose create answer carries an OAuth `authLink` and `expiresIn`. */
export const OAUTH_PROVIDERS = PROVIDERS.slice(0, 5);

const CONTROL_PREFIX = "/__emulator/";
const CONTAINER_TAG = /^[A-Za-z0-9_:-]{1,100}$/;
const CREATE_FIELDS = ["redirectUrl", "containerTag", "containerTags", "documentLimit", "metadata"];
const ANSWER_FIELDS = ["status", "headers", "body", "delayMs", "stallMs", "drop", "repeat", "close"];
const AUTH_LINK_LIFETIME_MS = 60 * 60 * 1000;
const DEFAULT_ALLOWED_HEADERS = "authorization, content-type, accept, x-api-key, x-request-id, *";

/** The names a provider's own consent screen shows. */
const PROVIDER_NAMES = {
  notion: "Notion",
  "google-drive": "Google Drive",
  onedrive: "OneDrive",
  gmail: "Gmail",
  github: "GitHub",
};

/**
 * Headers of every HTML page: no script at all, inline style only, never framed. The consent form
 * posts to the emulator itself and its answer redirects to the app, so form-action allows any URL.
 */
const HTML_HEADERS = {
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action *; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};

const PAGE_STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f4f4f7; color: #1c1c22; }
  main { max-width: 28rem; margin: 1rem; padding: 2rem; border-radius: 12px; background: #fff;
         box-shadow: 0 2px 12px rgb(0 0 0 / 0.08); }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  .note { font-size: 0.8rem; color: #666; margin: 0 0 1.25rem; }
  ul { padding-left: 1.25rem; }
  code { background: #eef; padding: 0 0.25rem; border-radius: 4px; }
  form { display: flex; gap: 0.75rem; justify-content: flex-end; margin-top: 1.5rem; }
  button { font: inherit; padding: 0.5rem 1.25rem; border-radius: 8px; border: 1px solid #bbb;
           background: #fff; color: #1c1c22; cursor: pointer; }
  button#allow { background: #2f5bea; border-color: #2f5bea; color: #fff; }
  @media (prefers-color-scheme: dark) {
    body { background: #15151a; color: #eee; }
    main { background: #22222a; }
    code { background: #33334a; }
    .note { color: #aaa; }
    button { background: #22222a; color: #eee; }
  }`;

/** Thrown by a handler to answer with a JSON error `{ error, details? }`. */
class HttpError extends Error {
  constructor(status, error, details) {
    super(error);
    this.status = status;
    this.details = details;
  }
}

const invalidBody = (details) => new HttpError(400, "Invalid request body", details);
const randomHex = (bytes) => randomBytes(bytes).toString("hex");
const isPlainObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

const HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

function corsHeaders(req) {
  const origin = req.headers.origin;
  const headers = {
    "access-control-allow-origin": origin ?? "*",
    "access-control-allow-headers": req.headers["access-control-request-headers"] ?? DEFAULT_ALLOWED_HEADERS,
    "access-control-allow-methods": "GET,POST,PUT,PATCH,DELETE,OPTIONS",
    "access-control-expose-headers": "retry-after, retry-after-ms, x-request-id",
    "access-control-max-age": "0",
    vary: "Origin",
  };
  if (origin !== undefined) headers["access-control-allow-credentials"] = "true";
  return headers;
}

function sendJson(req, res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    ...corsHeaders(req),
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

function sendEmpty(req, res) {
  res.writeHead(204, corsHeaders(req));
  res.end();
}

/** Sends a whole HTML page; `title` is text, `html` the already escaped body. */
function sendHtml(req, res, status, title, html) {
  const body =
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>${escapeHtml(title)}</title>\n<style>${PAGE_STYLE}\n</style>\n</head>\n` +
    `<body>\n<main>\n${html}\n</main>\n</body>\n</html>\n`;
  res.writeHead(status, {
    ...corsHeaders(req),
    ...HTML_HEADERS,
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Checks a scripted answer's shape; throws a TypeError naming the bad field. */
function checkAnswer(answer, index) {
  if (!isPlainObject(answer)) throw new TypeError(`answers[${index}] must be an object`);
  for (const key of Object.keys(answer)) {
    if (!ANSWER_FIELDS.includes(key)) throw new TypeError(`answers[${index}].${key} is not a known answer field`);
  }
  const { status = 200, headers = {}, delayMs = 0, stallMs = 0 } = answer;
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new TypeError(`answers[${index}].status must be an integer 100..599`);
  }
  if (!isPlainObject(headers)) throw new TypeError(`answers[${index}].headers must be an object`);
  for (const [name, ms] of [["delayMs", delayMs], ["stallMs", stallMs]]) {
    if (!Number.isFinite(ms) || ms < 0) throw new TypeError(`answers[${index}].${name} must be a number >= 0`);
  }
  return answer;
}

/** Validates a create body against the OpenAPI schema; returns nothing, throws a 400 HttpError. */
function validateCreateBody(body) {
  if (!isPlainObject(body)) throw invalidBody("the body must be a JSON object");
  for (const key of Object.keys(body)) {
    if (!CREATE_FIELDS.includes(key)) throw invalidBody(`unknown field "${key}"`);
  }
  const tagRule = "must be a string of 1 to 100 characters from A-Z a-z 0-9 _ : -";
  const isTag = (value) => typeof value === "string" && CONTAINER_TAG.test(value);
  if ("redirectUrl" in body && typeof body.redirectUrl !== "string") {
    throw invalidBody("redirectUrl must be a string");
  }
  if ("containerTag" in body && !isTag(body.containerTag)) throw invalidBody(`containerTag ${tagRule}`);
  if ("containerTags" in body) {
    if (!Array.isArray(body.containerTags)) throw invalidBody("containerTags must be an array");
    const bad = body.containerTags.findIndex((tag) => !isTag(tag));
    if (bad !== -1) throw invalidBody(`containerTags[${bad}] ${tagRule}`);
  }
  if ("documentLimit" in body) {
    const limit = body.documentLimit;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10000) {
      throw invalidBody("documentLimit must be an integer from 1 to 10000");
    }
  }
  if ("metadata" in body && body.metadata !== null) {
    if (!isPlainObject(body.metadata)) throw invalidBody("metadata must be an object or null");
    for (const [key, value] of Object.entries(body.metadata)) {
      if (!["string", "number", "boolean"].includes(typeof value)) {
        throw invalidBody(`metadata.${key} must be a string, number or boolean`);
      }
    }
  }
}

// ---- route handlers: ({ req, res, match, record, state, url }) -> void ----

/** POST /v3/connections/{provider}: create a connection (OAuth providers get an authLink). */
function createConnection({ req, res, match, record, state }) {
  const provider = match[1];
  // The OpenAPI document declares the provider as a path enum and lists no 404 for create, so a
  // value outside the enum fails request validation like the body does: 400, not 404.
  if (!PROVIDERS.includes(provider)) {
    throw new HttpError(400, "Invalid provider", `provider must be one of ${PROVIDERS.join(", ")}`);
  }
  const contentType = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (contentType !== "application/json") throw invalidBody("Content-Type must be application/json");
  if (record.json === undefined) throw invalidBody("the body must be a JSON object");
  const body = record.json;
  validateCreateBody(body);

  const oauth = OAUTH_PROVIDERS.includes(provider);
  const id = `conn_${randomHex(8)}`;
  const now = Date.now();
  const connection = {
    id,
    provider,
    createdAt: new Date(now).toISOString(),
    documentLimit: body.documentLimit ?? 10000,
    metadata: body.metadata ?? null,
    containerTags: [...new Set([...(body.containerTags ?? []), ...[body.containerTag ?? []].flat()])],
    redirectUrl: body.redirectUrl ?? null,
    status: oauth ? "pending" : "active",
    authToken: oauth ? randomHex(16) : null,
    authExpiresAt: oauth ? new Date(now + AUTH_LINK_LIFETIME_MS).toISOString() : null,
    authUsed: false,
    email: null,
  };
  state.connections.set(id, connection);

  const answer = { id };
  if (oauth) {
    const origin = `http://${req.headers.host ?? state.hostPort}`;
    const query = new URLSearchParams({ connection: id, token: connection.authToken });
    answer.authLink = `${origin}/oauth/${provider}/authorize?${query}`;
    answer.expiresIn = "1 hour";
  }
  if (body.redirectUrl !== undefined) answer.redirectsTo = body.redirectUrl;
  sendJson(req, res, 200, answer);
}

// ---- the provider's consent screen, reached by the browser through the authLink ----

const INVALID_LINK = "This authorization link is invalid or has expired";

/** True when the two strings are equal, compared in constant time. */
function sameSecret(expected, given) {
  if (typeof expected !== "string" || typeof given !== "string") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The pending connection an auth link names, or undefined when the link is not usable: unknown
 * connection, another provider, wrong token, already decided, or expired.
 */
function linkedConnection(state, provider, connectionId, token) {
  const connection = state.connections.get(connectionId ?? "");
  if (connection === undefined || connection.provider !== provider) return undefined;
  if (!sameSecret(connection.authToken, token) || connection.authUsed) return undefined;
  if (!(Date.parse(connection.authExpiresAt) > Date.now())) return undefined;
  return connection;
}

function sendInvalidLink(req, res) {
  const html =
    `<h1>${INVALID_LINK}</h1>\n` +
    `<p>Start connecting again from the app to get a new link. A link works once and for one hour.</p>`;
  sendHtml(req, res, 400, "Authorization link invalid", html);
}

/** GET /oauth/{provider}/authorize?connection=..&token=..: the consent page of a pending connection. */
function authorizePage({ req, res, match, state, url }) {
  const provider = match[1];
  const connection = linkedConnection(state, provider, url.searchParams.get("connection"), url.searchParams.get("token"));
  if (connection === undefined) return sendInvalidLink(req, res);
  const name = PROVIDER_NAMES[provider];
  const title = `Allow supermemory to access your ${name}?`;
  const tags =
    connection.containerTags.length === 0
      ? `<p id="container-tags">No container tags.</p>`
      : `<ul id="container-tags">\n${connection.containerTags.map((tag) => `<li><code>${escapeHtml(tag)}</code></li>`).join("\n")}\n</ul>`;
  const html = [
    `<p class="note">supermemory API emulator: an offline stand-in for ${escapeHtml(name)}'s consent screen.</p>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>supermemory will read your ${escapeHtml(name)} content and keep it as memories under these container tags:</p>`,
    tags,
    `<form method="post" action="/oauth/${escapeHtml(provider)}/decide">`,
    `<input type="hidden" name="connection" value="${escapeHtml(connection.id)}">`,
    `<input type="hidden" name="token" value="${escapeHtml(connection.authToken)}">`,
    `<button name="decision" value="deny" id="deny">Deny</button>`,
    `<button name="decision" value="allow" id="allow">Allow</button>`,
    `</form>`,
  ].join("\n");
  sendHtml(req, res, 200, title, html);
}

/** The stored redirectUrl when the browser can be sent there (absolute http: or https:), else null. */
function redirectTarget(connection) {
  const raw = connection.redirectUrl;
  if (typeof raw !== "string" || raw === "") return null;
  let parsed;
  try {
    parsed = new URL(raw);
  } catch {
    return null;
  }
  return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed : null;
}

/** POST /oauth/{provider}/decide (a form: connection, token, decision): allow or deny, once. */
function decide({ req, res, match, record, state }) {
  const provider = match[1];
  const contentType = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  const form = new URLSearchParams(contentType === "application/x-www-form-urlencoded" ? record.body : "");
  const connection = linkedConnection(state, provider, form.get("connection"), form.get("token"));
  if (connection === undefined) return sendInvalidLink(req, res);
  const decision = form.get("decision");
  if (decision !== "allow" && decision !== "deny") {
    const html = `<h1>Choose Allow or Deny</h1>\n<p>Go back to the consent page and press one of its two buttons.</p>`;
    return sendHtml(req, res, 400, "No decision", html);
  }

  connection.authUsed = true;
  const name = escapeHtml(PROVIDER_NAMES[provider]);
  const target = redirectTarget(connection);
  if (decision === "allow") {
    connection.status = "active";
    connection.email = `user@${provider}.example`;
    // The app gets its redirectUrl back unchanged, query string and all (normalised only when
    // the stored text could not be a header value).
    const raw = connection.redirectUrl;
    if (target !== null) return sendRedirect(req, res, /^[\x21-\x7e]+$/.test(raw) ? raw : target.href);
    const html = `<h1>Connection authorised</h1>\n<p>supermemory can now access your ${name}. You can close this window.</p>`;
    return sendHtml(req, res, 200, "Connection authorised", html);
  }
  connection.status = "denied";
  if (target !== null) {
    target.searchParams.set("error", "access_denied");
    return sendRedirect(req, res, target.href);
  }
  const html = `<h1>Connection denied</h1>\n<p>supermemory was not given access to your ${name}. You can close this window.</p>`;
  return sendHtml(req, res, 200, "Connection denied", html);
}

function sendRedirect(req, res, location) {
  res.writeHead(303, { ...corsHeaders(req), ...HTML_HEADERS, location, "content-length": 0 });
  res.end();
}

/** API routes, first match wins; `auth` routes need the emulator's API key. */
const ROUTES = [
  { method: "POST", path: /^\/v3\/connections\/([^/]+)$/, auth: true, handler: createConnection },
  { method: "GET", path: /^\/oauth\/([^/]+)\/authorize$/, auth: false, handler: authorizePage },
  { method: "POST", path: /^\/oauth\/([^/]+)\/decide$/, auth: false, handler: decide },
];

/**
 * Starts an emulator; resolves to
 * { url, port, requests, connections, reset(), script(answers), expireAuthLinks(), close() }.
 * `requests` is a live array of { method, path, query, headers, body, json }; `connections` the
 * live Map of stored connections by id.
 */
export async function startEmulator({ port = 0, host = "127.0.0.1", apiKey = EMULATOR_API_KEY, log = false } = {}) {
  const requests = [];
  const answers = [];
  const sockets = new Set();
  const timers = new Set();
  const state = { connections: new Map(), hostPort: "" };

  const sleep = (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  function reset() {
    requests.length = 0;
    answers.length = 0;
    state.connections.clear();
  }

  /** Makes every stored auth link expired, as if its hour had passed. */
  function expireAuthLinks() {
    const past = new Date(Date.now() - 1000).toISOString();
    for (const connection of state.connections.values()) {
      if (connection.authExpiresAt !== null) connection.authExpiresAt = past;
    }
  }

  function script(list) {
    const items = Array.isArray(list) ? list : [list];
    items.forEach(checkAnswer);
    answers.push(...items);
  }

  /** Sends a scripted answer: optional delay, stall halfway through the body, or a dropped socket. */
  async function sendScripted(req, res, answer) {
    const gone = () => res.destroyed || req.socket.destroyed;
    if (answer.delayMs) await sleep(answer.delayMs);
    if (gone()) return;
    if (answer.drop && !answer.stallMs) return void req.socket.destroy();
    const isText = typeof answer.body === "string";
    const payload = Buffer.from(answer.body === undefined ? "" : isText ? answer.body : JSON.stringify(answer.body));
    const headers = { ...corsHeaders(req), "content-length": payload.length };
    if (answer.body !== undefined && !isText) headers["content-type"] = "application/json";
    for (const [name, value] of Object.entries(answer.headers ?? {})) headers[name.toLowerCase()] = value;
    headers.connection = "close";
    res.writeHead(answer.status ?? 200, headers);
    if (!answer.stallMs) return void res.end(payload);
    const half = Math.ceil(payload.length / 2);
    if (half > 0) res.write(payload.subarray(0, half));
    else res.flushHeaders();
    await sleep(answer.stallMs);
    if (gone()) return;
    if (answer.drop) return void req.socket.destroy();
    res.end(payload.subarray(half));
  }

  async function handleControl(req, res, path, text) {
    const route = `${req.method} ${path.slice(CONTROL_PREFIX.length)}`;
    if (route === "GET requests") return sendJson(req, res, 200, requests);
    if (route === "GET health") return sendJson(req, res, 200, { ok: true });
    if (route === "POST reset") {
      reset();
      return sendEmpty(req, res);
    }
    if (route === "POST expire-auth-links") {
      expireAuthLinks();
      return sendEmpty(req, res);
    }
    if (route === "POST script") {
      const body = parseJson(text);
      if (!isPlainObject(body) || !Array.isArray(body.answers)) {
        throw new HttpError(400, "Invalid request body", 'expected { "answers": [ ... ] }');
      }
      try {
        script(body.answers);
      } catch (error) {
        throw new HttpError(400, "Invalid request body", error.message);
      }
      return sendEmpty(req, res);
    }
    throw new HttpError(404, "Not found");
  }

  async function handleApi(req, res, record, url) {
    if (answers.length > 0) {
      const answer = answers[0].repeat ? answers[0] : answers.shift();
      return sendScripted(req, res, answer);
    }
    const route = ROUTES.find((r) => r.method === req.method && r.path.test(record.path));
    if (!route) throw new HttpError(404, "Not found");
    if (route.auth && req.headers.authorization !== `Bearer ${apiKey}`) throw new HttpError(401, "Unauthorized");
    route.handler({ req, res, match: route.path.exec(record.path), record, state, url });
  }

  async function handle(req, res) {
    // Every answer closes its connection, so the browser never silently retries a request on a
    // reused socket and tests see exactly what the package sent.
    res.setHeader("connection", "close");
    const text = await readBody(req);
    const path = req.url.split("?")[0];
    const url = new URL(req.url, "http://emulator.invalid");
    if (log) res.on("close", () => process.stderr.write(`${req.method} ${req.url} -> ${res.statusCode}\n`));
    const isControl = path.startsWith(CONTROL_PREFIX);
    const record = {
      method: req.method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body: text,
      json: text === "" ? undefined : parseJson(text),
    };
    if (!isControl) requests.push(record);
    if (req.method === "OPTIONS") return sendEmpty(req, res);
    return isControl ? handleControl(req, res, path, text) : handleApi(req, res, record, url);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (res.headersSent || res.destroyed) return void res.destroy();
      if (error instanceof HttpError) {
        const { status, message, details } = error;
        return sendJson(req, res, status, details === undefined ? { error: message } : { error: message, details });
      }
      sendJson(req, res, 500, { error: "Emulator failure", details: String(error?.message ?? error) });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  const hostPort = `${host.includes(":") ? `[${host}]` : host}:${actualPort}`;
  state.hostPort = hostPort;

  async function close() {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    const closed = new Promise((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  return {
    url: `http://${hostPort}`,
    port: actualPort,
    requests,
    connections: state.connections,
    reset,
    script,
    expireAuthLinks,
    close,
  };
}

function parseCliArgs(argv) {
  const options = { port: 8787, host: "127.0.0.1", log: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--log") options.log = true;
    else if (arg === "--host" && i + 1 < argv.length) options.host = argv[++i];
    else if (arg === "--port" && /^\d+$/.test(argv[i + 1] ?? "") && Number(argv[i + 1]) <= 65535) {
      options.port = Number(argv[++i]);
    } else throw new Error(`unexpected argument ${JSON.stringify(arg)}; usage: --port N [--host H] [--log]`);
  }
  return options;
}

async function main() {
  let options;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const emulator = await startEmulator(options);
  process.stdout.write(`emulator listening on ${emulator.url}\n`);
  const stop = () => emulator.close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
