// Local emulator of the supermemory connections API, for tests and the offline demo.
// One dependency-free ES module: import { startEmulator } from it, or run it as a CLI:
//   node tests/emulator.mjs --port 8787 [--host 127.0.0.1] [--sync-ms 1500] [--log]
import { createServer } from "node:http";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { pathToFileURL } from "node:url";

/** The only API key the emulator accepts (`Authorization: Bearer <key>`). */
export const EMULATOR_API_KEY = "sm_emulator_test_key";

/** Every provider the API knows, in the order of the OpenAPI enum. */
export const PROVIDERS = ["notion", "google-drive", "onedrive", "gmail", "github", "web-crawler", "s3", "granola"];

/** Providers whose create answer carries an OAuth `authLink` and `expiresIn`. */
export const OAUTH_PROVIDERS = PROVIDERS.slice(0, 5);

/** The `errorCode` values a failed sync run can carry, as the OpenAPI document lists them. */
export const SYNC_ERROR_CODES = ["auth_expired", "rate_limited", "plan_required", "provider_unavailable", "internal"];

const CONTROL_PREFIX = "/__emulator/";
const CONTAINER_TAG = /^[A-Za-z0-9_:-]{1,100}$/;
const TAG_RULE = "must be a string of 1 to 100 characters from A-Z a-z 0-9 _ : -";
const CREATE_FIELDS = ["redirectUrl", "containerTag", "containerTags", "documentLimit", "metadata"];
const TAGS_FIELDS = ["containerTags"];
const CONFIGURE_FIELDS = ["resources"];
const ANSWER_FIELDS = ["status", "headers", "body", "delayMs", "stallMs", "drop", "repeat", "close"];
const OUTCOME_FIELDS = ["errorCode", "error"];
const AUTH_LINK_LIFETIME_MS = 60 * 60 * 1000;
/** How long the simulated provider access token of an authorised OAuth connection lasts. */
const ACCESS_TOKEN_LIFETIME_MS = 60 * 60 * 1000;
const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;
const DEFAULT_ALLOWED_HEADERS = "authorization, content-type, accept, x-api-key, x-request-id, *";

/** The names a provider's own consent screen shows. */
const PROVIDER_NAMES = {
  notion: "Notion",
  "google-drive": "Google Drive",
  onedrive: "OneDrive",
  gmail: "Gmail",
  github: "GitHub",
};

/** What a completed sync stores per provider: [title, type, summary], at most `documentLimit` of them. */
const SAMPLE_DOCUMENTS = {
  notion: [
    ["Welcome to Notion", "notion_page", "A tour of pages, blocks and databases."],
    ["Project roadmap", "notion_database", "Milestones for the next two quarters."],
    ["Meeting notes", "notion_page", null],
  ],
  "google-drive": [
    ["Quarterly plan", "google_doc", "Goals and owners for the quarter."],
    ["Team directory", "google_sheet", null],
    ["Launch deck", "google_slide", "Slides for the product launch."],
  ],
  onedrive: [
    ["Budget 2025", "word_document", "Planned spending by team."],
    ["Onboarding checklist", "word_document", null],
    ["Sales figures", "excel_workbook", "Monthly sales per region."],
  ],
  gmail: [
    ["Welcome to Gmail", "email", "Getting started with your inbox."],
    ["Your order has shipped", "email", null],
    [null, "email", "A message without a subject."],
  ],
  github: [
    ["README.md", "github_markdown", "What the notes repository holds."],
    ["CONTRIBUTING.md", "github_markdown", null],
    ["docs/architecture.md", "github_markdown", "How the services fit together."],
  ],
  "web-crawler": [
    ["Example Domain", "webpage", "This domain is for use in examples."],
    ["About us", "webpage", null],
    ["Blog", "webpage", "Latest posts."],
  ],
  s3: [
    ["reports/summary.pdf", "pdf", "The yearly summary report."],
    ["notes/todo.txt", "text", null],
    ["data/readme.md", "text", "Describes the data files."],
  ],
  granola: [
    ["Weekly sync", "granola_note", "Decisions from the weekly team sync."],
    ["Customer call", "granola_note", null],
    ["1:1 with Sam", "granola_note", "Career goals and next steps."],
  ],
};

/** The repositories every authorised GitHub connection can see: [id, name, private, description]. */
const GITHUB_OWNER = "emulator-user";
const GITHUB_REPOS = [
  [100001, "notes", false, "Personal notes in Markdown"],
  [100002, "website", false, "Source of my homepage"],
  [100003, "infra", true, "Deployment scripts"],
  [100004, "design-docs", true, null],
  [100005, "dotfiles", false, "Shell and editor settings"],
];

/** The `error` text of a failed sync when the scripted outcome gives none. */
const SYNC_ERROR_MESSAGES = {
  auth_expired: "The provider authorization has expired; connect again to resume syncing",
  rate_limited: "The provider rate-limited the sync; it will be retried later",
  plan_required: "Your plan does not include this connector",
  provider_unavailable: "The provider is unavailable",
  internal: "Internal error while syncing",
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
const invalidQuery = (details) => new HttpError(400, "Invalid query parameters", details);
const connectionNotFound = () => new HttpError(404, "Connection not found");
const isTag = (value) => typeof value === "string" && CONTAINER_TAG.test(value);
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

function sendText(req, res, status, text) {
  res.writeHead(status, {
    ...corsHeaders(req),
    "content-type": "text/plain; charset=UTF-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
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

// ---- request checks, shared by the handlers; each throws a 400 (or 404) HttpError ----

/** The JSON object body of a request, after checking its Content-Type and that every field is known. */
function jsonBody(req, record, fields) {
  const contentType = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (contentType !== "application/json") throw invalidBody("Content-Type must be application/json");
  const body = record.json;
  if (!isPlainObject(body)) throw invalidBody("the body must be a JSON object");
  for (const key of Object.keys(body)) {
    if (!fields.includes(key)) throw invalidBody(`unknown field "${key}"`);
  }
  return body;
}

/** The container tags in `body[field]` ([] when absent and optional); `required` also means 1+ items. */
function tagList(body, field, { required = false } = {}) {
  if (!(field in body)) {
    if (required) throw invalidBody(`${field} is required`);
    return [];
  }
  const tags = body[field];
  if (!Array.isArray(tags)) throw invalidBody(`${field} must be an array`);
  const bad = tags.findIndex((tag) => !isTag(tag));
  if (bad !== -1) throw invalidBody(`${field}[${bad}] ${TAG_RULE}`);
  if (required && tags.length === 0) throw invalidBody(`${field} must have at least 1 item`);
  return tags;
}

/**
 * The provider of a provider path. The OpenAPI document declares it as a path enum and lists no
 * 404 for a bad value, so a value outside the enum fails request validation like a body does: 400.
 */
function providerParam(match) {
  const provider = match[1];
  if (!PROVIDERS.includes(provider)) {
    throw new HttpError(400, "Invalid provider", `provider must be one of ${PROVIDERS.join(", ")}`);
  }
  return provider;
}

/** A positive integer query parameter, `fallback` when absent. */
function pageParam(url, name, fallback, max = Infinity) {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= max)) {
    throw invalidQuery(`${name} must be an integer from 1${max === Infinity ? " up" : ` to ${max}`}`);
  }
  return value;
}

/** Validates the fields of a create body that the shared checks leave. */
function validateCreateBody(body) {
  if ("redirectUrl" in body && typeof body.redirectUrl !== "string") {
    throw invalidBody("redirectUrl must be a string");
  }
  if ("containerTag" in body && !isTag(body.containerTag)) throw invalidBody(`containerTag ${TAG_RULE}`);
  tagList(body, "containerTags");
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

/** The `resources` of a configure body: an array of objects. */
function resourceList(body) {
  if (!("resources" in body)) throw invalidBody("resources is required");
  if (!Array.isArray(body.resources)) throw invalidBody("resources must be an array");
  const bad = body.resources.findIndex((item) => !isPlainObject(item));
  if (bad !== -1) throw invalidBody(`resources[${bad}] must be an object`);
  return body.resources;
}

/** Checks a scripted sync outcome; returns { errorCode, error } or null, throws a TypeError. */
function checkSyncOutcome(outcome) {
  if (outcome === null) return null;
  if (!isPlainObject(outcome)) throw new TypeError("the sync outcome must be an object { errorCode, error } or null");
  for (const key of Object.keys(outcome)) {
    if (!OUTCOME_FIELDS.includes(key)) throw new TypeError(`${key} is not a known sync outcome field`);
  }
  const { errorCode, error = SYNC_ERROR_MESSAGES[errorCode] } = outcome;
  if (!SYNC_ERROR_CODES.includes(errorCode)) {
    throw new TypeError(`errorCode must be one of ${SYNC_ERROR_CODES.join(", ")}`);
  }
  if (error !== null && typeof error !== "string") throw new TypeError("error must be a string or null");
  return { errorCode, error };
}

// ---- stored connections and documents, and what the API shows of them ----

const hasAllTags = (connection, tags) => tags.every((tag) => connection.containerTags.includes(tag));

/** The stored connections of `provider` having every tag, oldest first. */
function matchingConnections(state, provider, tags) {
  return [...state.connections.values()].filter((c) => c.provider === provider && hasAllTags(c, tags));
}

function findConnection(state, id) {
  const connection = state.connections.get(id);
  if (connection === undefined) throw connectionNotFound();
  return connection;
}

/**
 * A connection as the API answers it: optional fields absent when unset (never null), and the
 * deprecated, hidden `containerTags` left out.
 */
function connectionView(connection) {
  const { id, createdAt, provider, documentLimit, email, expiresAt, metadata, lastSyncRun } = connection;
  const view = { id, createdAt, provider, documentLimit };
  if (email !== null) view.email = email;
  if (expiresAt !== null) view.expiresAt = expiresAt;
  if (metadata !== null) view.metadata = metadata;
  if (lastSyncRun !== null) view.lastSyncRun = { ...lastSyncRun };
  return view;
}

function documentView({ id, createdAt, status, summary, title, type, updatedAt }) {
  return { id, createdAt, status, summary, title, type, updatedAt };
}

/** Removes a connection, stops its sync, and drops its documents when asked to. */
function removeConnection(state, connection, deleteDocuments) {
  stopSync(state, connection.id);
  state.connections.delete(connection.id);
  if (!deleteDocuments) return;
  for (const document of [...state.documents.values()]) {
    if (document.connectionId === connection.id) state.documents.delete(document.id);
  }
}

// ---- the simulated sync: running for `syncMs`, then completed (with documents) or failed ----

function stopSync(state, connectionId) {
  clearTimeout(state.syncTimers.get(connectionId));
  state.syncTimers.delete(connectionId);
}

/** Starts (or restarts) a sync run; the scripted outcome, if any, is used up by this run. */
function startSync(state, connection) {
  stopSync(state, connection.id);
  const outcome = state.nextSyncOutcome;
  state.nextSyncOutcome = null;
  const startedAt = new Date().toISOString();
  connection.lastSyncRun = { status: "running", startedAt };
  const timer = setTimeout(() => finishSync(state, connection, startedAt, outcome), state.syncMs);
  state.syncTimers.set(connection.id, timer);
}

function finishSync(state, connection, startedAt, outcome) {
  state.syncTimers.delete(connection.id);
  const completedAt = new Date().toISOString();
  if (outcome !== null) {
    connection.lastSyncRun = { status: "failed", ...outcome, startedAt, completedAt };
    return;
  }
  storeSyncedDocuments(state, connection, completedAt);
  connection.lastSyncRun = { status: "completed", errorCode: null, error: null, startedAt, completedAt };
}

/** Adds the provider's sample documents to the connection, or marks them updated when a sync repeats. */
function storeSyncedDocuments(state, connection, at) {
  const samples = SAMPLE_DOCUMENTS[connection.provider].slice(0, connection.documentLimit);
  const own = [...state.documents.values()].filter((d) => d.connectionId === connection.id);
  samples.forEach(([title, type, summary], slot) => {
    const existing = own.find((d) => d.slot === slot);
    if (existing !== undefined) return void (existing.updatedAt = at);
    const id = `doc_${randomHex(8)}`;
    const { id: connectionId, provider, containerTags } = connection;
    state.documents.set(id, {
      id, connectionId, provider, containerTags: [...containerTags], slot,
      createdAt: at, updatedAt: at, status: "done", summary, title, type,
    });
  });
}

// ---- route handlers: ({ req, res, match, record, state, url }) -> void ----

/** POST /v3/connections/{provider}: create a connection (OAuth providers get an authLink). */
function createConnection({ req, res, match, record, state }) {
  const provider = providerParam(match);
  const body = jsonBody(req, record, CREATE_FIELDS);
  validateCreateBody(body);
  const oauth = OAUTH_PROVIDERS.includes(provider);
  const connection = newConnection(provider, body, oauth);
  state.connections.set(connection.id, connection);
  // web-crawler, s3 and granola need no consent, so they are live, and syncing, at once.
  if (!oauth) startSync(state, connection);

  const answer = { id: connection.id };
  if (oauth) {
    const origin = `http://${req.headers.host ?? state.hostPort}`;
    const query = new URLSearchParams({ connection: connection.id, token: connection.authToken });
    answer.authLink = `${origin}/oauth/${provider}/authorize?${query}`;
    answer.expiresIn = "1 hour";
  }
  if (body.redirectUrl !== undefined) answer.redirectsTo = body.redirectUrl;
  sendJson(req, res, 200, answer);
}

/** The stored form of a new connection; `null` marks an unset optional field. */
function newConnection(provider, body, oauth) {
  const now = Date.now();
  return {
    id: `conn_${randomHex(8)}`,
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
    expiresAt: null,
    lastSyncRun: null,
    configuredResources: [],
  };
}

/** POST /v3/connections/list: every connection having all the given tags (no tags: all). */
function listConnections({ req, res, record, state }) {
  const tags = tagList(jsonBody(req, record, TAGS_FIELDS), "containerTags");
  const found = [...state.connections.values()].filter((c) => hasAllTags(c, tags));
  sendJson(req, res, 200, found.map(connectionView));
}

/** GET /v3/connections/{connectionId} */
function getConnection({ req, res, match, state }) {
  sendJson(req, res, 200, connectionView(findConnection(state, match[1])));
}

/** POST /v3/connections/{provider}/connection: the newest connection of the provider having all the tags. */
function getConnectionByTags({ req, res, match, record, state }) {
  const provider = providerParam(match);
  const tags = tagList(jsonBody(req, record, TAGS_FIELDS), "containerTags", { required: true });
  const newest = matchingConnections(state, provider, tags).at(-1);
  if (newest === undefined) throw connectionNotFound();
  sendJson(req, res, 200, connectionView(newest));
}

/**
 * DELETE /v3/connections/{connectionId}?deleteDocuments=true|false. The API's default, when the
 * parameter is absent, is "true": the connection's documents go too.
 */
function deleteConnectionById({ req, res, match, state, url }) {
  const raw = url.searchParams.get("deleteDocuments") ?? "true";
  if (raw !== "true" && raw !== "false") throw invalidQuery('deleteDocuments must be "true" or "false"');
  const connection = findConnection(state, match[1]);
  removeConnection(state, connection, raw === "true");
  sendJson(req, res, 200, [{ id: connection.id, provider: connection.provider }]);
}

/**
 * DELETE /v3/connections/{provider} with a JSON body { containerTags } (1+): deletes every
 * connection of the provider having all the tags, with their documents (the route has no
 * deleteDocuments parameter). When none matches: 404, the only non-2xx answer the OpenAPI document
 * lists for a valid provider, with its description "Provider not found" as the error.
 */
function deleteConnectionsByProvider({ req, res, match, record, state }) {
  const provider = providerParam(match);
  const tags = tagList(jsonBody(req, record, TAGS_FIELDS), "containerTags", { required: true });
  const found = matchingConnections(state, provider, tags);
  if (found.length === 0) throw new HttpError(404, "Provider not found");
  for (const connection of found) removeConnection(state, connection, true);
  sendJson(req, res, 200, found.map(({ id }) => ({ id, provider })));
}

/** POST /v3/connections/{provider}/import: restarts the sync of the matching active connections; 202 text. */
function importConnections({ req, res, match, record, state }) {
  const provider = providerParam(match);
  const tags = tagList(jsonBody(req, record, TAGS_FIELDS), "containerTags");
  const active = matchingConnections(state, provider, tags).filter((c) => c.status === "active");
  for (const connection of active) startSync(state, connection);
  sendText(req, res, 202, `Import started for ${active.length} connection(s)`);
}

/**
 * POST /v3/connections/{provider}/documents: the documents synced by the matching connections.
 * No match is an empty list, not the 404 "Provider not found" the document also lists.
 */
function listDocuments({ req, res, match, record, state }) {
  const provider = providerParam(match);
  const tags = tagList(jsonBody(req, record, TAGS_FIELDS), "containerTags");
  const ids = new Set(matchingConnections(state, provider, tags).map((c) => c.id));
  const documents = [...state.documents.values()].filter((d) => ids.has(d.connectionId));
  sendJson(req, res, 200, documents.map(documentView));
}

/**
 * The connection a resources or configure request names, when it can answer: 404 when unknown,
 * 501 for providers other than GitHub, 400 while it has no token (not authorised).
 */
function githubConnection(state, id, feature) {
  const connection = findConnection(state, id);
  if (connection.provider !== "github") throw new HttpError(501, `Provider does not support ${feature}`);
  if (connection.status !== "active") throw new HttpError(400, "Connection missing refresh token");
  return connection;
}

function repoView([id, name, isPrivate, description]) {
  const fullName = `${GITHUB_OWNER}/${name}`;
  return {
    id, name, full_name: fullName, private: isPrivate, description,
    html_url: `https://github.com/${fullName}`, default_branch: "main",
  };
}

/** GET /v3/connections/{connectionId}/resources?page&per_page&parent_id (parent_id filters nothing). */
function listResources({ req, res, match, state, url }) {
  const page = pageParam(url, "page", 1);
  const perPage = pageParam(url, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE);
  githubConnection(state, match[1], "resource fetching");
  const start = (page - 1) * perPage;
  const resources = GITHUB_REPOS.slice(start, start + perPage).map(repoView);
  sendJson(req, res, 200, { resources, total_count: GITHUB_REPOS.length });
}

/** POST /v3/connections/{connectionId}/configure { resources }: one webhook per resource. */
function configureConnection({ req, res, match, record, state }) {
  const resources = resourceList(jsonBody(req, record, CONFIGURE_FIELDS));
  const connection = githubConnection(state, match[1], "resource configuration");
  connection.configuredResources = resources;
  const count = resources.length;
  sendJson(req, res, 200, { success: true, message: `Configured ${count} resources`, webhooksRegistered: count });
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

/** Allow on the consent page: the connection goes live, gets an account and a token, and syncs. */
function authorise(state, connection) {
  connection.status = "active";
  connection.email = `user@${connection.provider}.example`;
  connection.expiresAt = new Date(Date.now() + ACCESS_TOKEN_LIFETIME_MS).toISOString();
  startSync(state, connection);
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
    authorise(state, connection);
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

/** The path of a provider delete: the API reads `DELETE /v3/connections/{x}` so when x is a provider name. */
const PROVIDER_DELETE_PATH = new RegExp(`^/v3/connections/(${PROVIDERS.join("|")})$`);

/**
 * API routes, first match wins; `auth` routes need the emulator's API key. `/v3/connections/list`
 * comes before the create route, which would take "list" for a provider, and the provider delete
 * before the delete by id.
 */
const ROUTES = [
  { method: "POST", path: /^\/v3\/connections\/list$/, auth: true, handler: listConnections },
  { method: "POST", path: /^\/v3\/connections\/([^/]+)\/connection$/, auth: true, handler: getConnectionByTags },
  { method: "POST", path: /^\/v3\/connections\/([^/]+)\/import$/, auth: true, handler: importConnections },
  { method: "POST", path: /^\/v3\/connections\/([^/]+)\/documents$/, auth: true, handler: listDocuments },
  { method: "POST", path: /^\/v3\/connections\/([^/]+)\/configure$/, auth: true, handler: configureConnection },
  { method: "POST", path: /^\/v3\/connections\/([^/]+)$/, auth: true, handler: createConnection },
  { method: "GET", path: /^\/v3\/connections\/([^/]+)\/resources$/, auth: true, handler: listResources },
  { method: "GET", path: /^\/v3\/connections\/([^/]+)$/, auth: true, handler: getConnection },
  { method: "DELETE", path: PROVIDER_DELETE_PATH, auth: true, handler: deleteConnectionsByProvider },
  { method: "DELETE", path: /^\/v3\/connections\/([^/]+)$/, auth: true, handler: deleteConnectionById },
  { method: "GET", path: /^\/oauth\/([^/]+)\/authorize$/, auth: false, handler: authorizePage },
  { method: "POST", path: /^\/oauth\/([^/]+)\/decide$/, auth: false, handler: decide },
];

/**
 * Starts an emulator; resolves to { url, port, requests, connections, documents, reset(),
 * script(answers), expireAuthLinks(), setSyncOutcome(outcome), close() }.
 * `requests` is a live array of { method, path, query, headers, body, json }; `connections` the
 * live Map of stored connections by id; `documents` the live Map of synced documents by id (each
 * with its `connectionId`, kept after its connection is deleted with deleteDocuments=false).
 * `syncMs` is how long a simulated sync runs before it completes (or fails, see setSyncOutcome).
 */
export async function startEmulator({
  port = 0,
  host = "127.0.0.1",
  apiKey = EMULATOR_API_KEY,
  log = false,
  syncMs = 1500,
} = {}) {
  if (!Number.isFinite(syncMs) || syncMs < 0) throw new TypeError("syncMs must be a number >= 0");
  const requests = [];
  const answers = [];
  const sockets = new Set();
  const timers = new Set();
  const state = {
    connections: new Map(),
    documents: new Map(),
    hostPort: "",
    syncMs,
    syncTimers: new Map(),
    nextSyncOutcome: null,
  };

  const sleep = (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  function stopAllSyncs() {
    for (const timer of state.syncTimers.values()) clearTimeout(timer);
    state.syncTimers.clear();
  }

  function reset() {
    requests.length = 0;
    answers.length = 0;
    stopAllSyncs();
    state.connections.clear();
    state.documents.clear();
    state.nextSyncOutcome = null;
  }

  /**
   * Makes the next sync run that starts end `failed` with this { errorCode, error? } (error
   * defaults to a message for the code); null takes a pending outcome back.
   */
  function setSyncOutcome(outcome) {
    state.nextSyncOutcome = checkSyncOutcome(outcome);
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

  /** Parses a control body and hands it to `apply`; a TypeError from it is a 400. */
  function applyBody(text, apply) {
    try {
      apply(parseJson(text));
    } catch (error) {
      if (error instanceof TypeError) throw new HttpError(400, "Invalid request body", error.message);
      throw error;
    }
  }

  function scriptFromBody(body) {
    if (!isPlainObject(body) || !Array.isArray(body.answers)) {
      throw new HttpError(400, "Invalid request body", 'expected { "answers": [ ... ] }');
    }
    script(body.answers);
  }

  /** The control endpoints under /__emulator/, by "METHOD name"; none is recorded or needs a key. */
  const controls = {
    "GET requests": (req, res) => sendJson(req, res, 200, requests),
    "GET health": (req, res) => sendJson(req, res, 200, { ok: true }),
    "POST reset": () => reset(),
    "POST expire-auth-links": () => expireAuthLinks(),
    "POST script": (req, res, text) => applyBody(text, scriptFromBody),
    "POST sync-outcome": (req, res, text) => applyBody(text, setSyncOutcome),
  };

  async function handleControl(req, res, path, text) {
    const control = controls[`${req.method} ${path.slice(CONTROL_PREFIX.length)}`];
    if (control === undefined) throw new HttpError(404, "Not found");
    control(req, res, text);
    if (!res.headersSent) sendEmpty(req, res);
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
    stopAllSyncs();
    const closed = new Promise((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  return {
    url: `http://${hostPort}`,
    port: actualPort,
    requests,
    connections: state.connections,
    documents: state.documents,
    reset,
    script,
    expireAuthLinks,
    setSyncOutcome,
    close,
  };
}

const CLI_USAGE = "--port N [--host H] [--sync-ms MS] [--log]";

function parseCliArgs(argv) {
  const options = { port: 8787, host: "127.0.0.1", log: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--log") options.log = true;
    else if (arg === "--host" && i + 1 < argv.length) options.host = argv[++i];
    else if (arg === "--port" && /^\d+$/.test(argv[i + 1] ?? "") && Number(argv[i + 1]) <= 65535) {
      options.port = Number(argv[++i]);
    } else if (arg === "--sync-ms" && /^\d+$/.test(argv[i + 1] ?? "")) options.syncMs = Number(argv[++i]);
    else throw new Error(`unexpected argument ${JSON.stringify(arg)}; usage: ${CLI_USAGE}`);
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
