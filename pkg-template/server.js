// supermemory-connections/server: the backend proxy the browser package calls with
// `baseURL: "/api/supermemory"` and no key. It lets through only the /v3/connections
// operations, scopes each to the signed-in user's container tags, checks bodies with the
// package's own validation (the same wasm module, loaded here), adds the API key, and passes the
// API's answers back. Built on Web Request, Response and fetch; `toNodeHandler` adapts it to
// Node's http and Express.
import initWasm, * as wasm from "./supermemory_connections.js";
import {
  CREATE,
  LIST,
  GET_BY_ID,
  GET_BY_TAG,
  DELETE_BY_ID,
  DELETE_BY_PROVIDER,
  IMPORT,
  LIST_DOCUMENTS,
  RESOURCES,
  CONFIGURE,
} from "./operations.js";

/** The API's provider names: a path segment that is one of these names a provider. */
const PROVIDERS = ["notion", "google-drive", "onedrive", "gmail", "github", "web-crawler", "s3", "granola"];
/** Largest request body the proxy reads. */
const MAX_BODY_BYTES = 1024 * 1024;
/** The API's answer headers the browser may see. */
const ANSWER_HEADERS = ["content-type", "retry-after", "retry-after-ms"];
/** Operations whose body carries container tags, and which are scoped to the user's. */
const TAG_SCOPED = new Set([CREATE, LIST, GET_BY_TAG, DELETE_BY_PROVIDER, IMPORT, LIST_DOCUMENTS]);
/** Operations that name a connection by id, which must be one of the user's. */
const ID_SCOPED = new Set([GET_BY_ID, DELETE_BY_ID, RESOURCES, CONFIGURE]);
/** Operations after which the user's known connection ids are forgotten. */
const CHANGES_CONNECTIONS = new Set([CREATE, DELETE_BY_ID, DELETE_BY_PROVIDER]);
/** The most users whose connection ids are remembered at once. */
const MAX_CACHED_USERS = 10_000;
/** A container tag, as the package and the API accept it. */
const TAG = /^[A-Za-z0-9_:-]{1,100}$/;

let loading;

/** Loads the wasm module once: the given module, or the package's file read from disk. */
function loadWasm(module) {
  if (!loading) {
    loading = (async () => {
      const input = module ?? (await readPackageWasm());
      await initWasm({ module_or_path: input });
    })().catch((error) => {
      loading = undefined;
      throw error;
    });
  }
  return loading;
}

async function readPackageWasm() {
  const { readFile } = await import("node:fs/promises");
  return readFile(new URL("./supermemory_connections_bg.wasm", import.meta.url));
}

/**
 * Creates the proxy: `(request: Request) => Promise<Response>`. Throws a TypeError at once for a
 * missing `apiKey` or `authorize`, or a malformed `baseURL` or `prefix`.
 */
export function createProxy(options) {
  const config = readConfig(options);
  const known = new Map();
  const client = { apiKey: config.apiKey, baseURL: config.baseURL };

  /** Checks one operation with the package's validation; resolves to the request it would send. */
  const describe = async (operation, first, second) => {
    await loadWasm(config.wasm);
    return wasm.describe(operation, client, first, second, undefined);
  };

  /** Sends a described request to the API with the key; rejects when the API cannot be reached. */
  const forward = (described) => {
    const headers = { authorization: `Bearer ${config.apiKey}`, accept: described.accept };
    if (described.body !== undefined) headers["content-type"] = "application/json";
    return config.fetch(config.baseURL + described.path, {
      method: described.method,
      headers,
      body: described.body,
      redirect: "manual",
    });
  };

  /** The list of a user's connections under way, shared by the calls that wait for it. */
  const listings = new Map();
  /** Counts the lists started, so a call can tell a list that began after it arrived. */
  let listsStarted = 0;

  /**
   * The ids of the user's connections, from a list started no earlier than `notBefore` (joined
   * when one is under way): `{ started, ids }`, or `{ started, failed }` with the API's answer.
   */
  const listIds = (user, tags, notBefore) => {
    const running = listings.get(user);
    if (running !== undefined && running.started >= notBefore) return running.promise;
    const started = ++listsStarted;
    const promise = (async () => {
      const upstream = await forward(await describe(LIST, { containerTags: tags }));
      if (!upstream.ok) return { started, failed: await readAnswer(upstream, config.apiKey) };
      const connections = await upstream.json();
      const ids = new Set(Array.isArray(connections) ? connections.map((connection) => connection?.id) : []);
      if (known.size >= MAX_CACHED_USERS) known.clear();
      known.set(user, ids);
      return { started, ids };
    })();
    const entry = { started, promise };
    listings.set(user, entry);
    const done = () => {
      if (listings.get(user) === entry) listings.delete(user);
    };
    promise.then(done, done);
    return promise;
  };

  /**
   * Whether `id` is one of the connections having exactly the user's tags: `{ owned }`, or
   * `{ failed }` when the API refused the list. A miss is only believed from a list that began
   * after the call arrived, so a connection created just before is found.
   */
  const owns = async (tags, id) => {
    const user = tags.join("\n");
    if (known.get(user)?.has(id)) return { owned: true };
    const arrived = listsStarted;
    let listed = await listIds(user, tags, 0);
    if (listed.ids !== undefined && !listed.ids.has(id) && listed.started <= arrived) {
      listed = await listIds(user, tags, arrived + 1);
    }
    if (listed.failed !== undefined) return { failed: listed.failed };
    return { owned: listed.ids.has(id) };
  };

  return async function proxy(request) {
    try {
      return await handle(request);
    } catch {
      // Nothing of the error is shown: it could carry what the upstream or authorize said.
      return json(500, { error: "the proxy failed to handle the request" });
    }
  };

  async function handle(request) {
    const url = new URL(request.url);
    const route = matchRoute(request.method, url.pathname, config.prefix);
    if (route === null) return json(404, { error: "Not found" });

    let user;
    try {
      user = await config.authorize(request);
    } catch {
      user = null;
    }
    if (user === null || user === undefined) return json(401, { error: "Sign in to manage connections" });
    const tags = user.containerTags;
    if (!Array.isArray(tags) || tags.length === 0 || !tags.every((tag) => typeof tag === "string" && TAG.test(tag))) {
      return json(500, { error: "authorize did not return the user's container tags" });
    }

    const body = await readBody(request);
    if (body === TOO_LARGE) return json(413, { error: `the body is larger than ${MAX_BODY_BYTES} bytes` });
    let params;
    if (route.takesBody) {
      try {
        params = body === "" ? {} : JSON.parse(body);
      } catch {
        return json(400, { error: "the body is not JSON" });
      }
      if (params === null || typeof params !== "object" || Array.isArray(params)) {
        return json(400, { error: "the body must be a JSON object" });
      }
    } else {
      params = route.query(url.searchParams);
    }

    const scoped = TAG_SCOPED.has(route.operation);
    let named;
    if (scoped) {
      named = namedTags(params);
      // A body that names no tag gets the user's; one that names others is refused below.
      if (named.length === 0) {
        params = { ...params, containerTags: [...tags] };
        delete params.containerTag;
      }
    }

    let described;
    try {
      described = await describe(route.operation, ...route.arguments(params));
    } catch (error) {
      // The proxy's own settings are checked at createProxy; a refusal of them is not the page's.
      const ours = error?.field === "apiKey" || error?.field === "baseURL";
      if (error?.supermemoryError === true && error.code === "invalid_request" && !ours) {
        return json(400, { error: error.message, ...(error.field === undefined ? {} : { field: error.field }) });
      }
      throw error;
    }

    if (scoped) {
      if (named.length > 0 && !sameTags(named, tags)) {
        return json(403, { error: "these container tags are not the signed-in user's" });
      }
      described = { ...described, body: withTags(described.body, tags) };
    }

    let upstream;
    try {
      if (ID_SCOPED.has(route.operation)) {
        const check = await owns(tags, route.id);
        if (check.failed !== undefined) return respond(check.failed);
        if (!check.owned) return json(404, { error: "Connection not found" });
      }
      upstream = await forward(described);
    } catch {
      return json(502, { error: "the supermemory API could not be reached" });
    }
    if (upstream.ok && CHANGES_CONNECTIONS.has(route.operation)) known.delete(tags.join("\n"));
    return respond(await readAnswer(upstream, config.apiKey));
  }
}

/** Checks createProxy's options; throws a TypeError naming the first bad one. */
function readConfig(options) {
  if (options === null || typeof options !== "object") throw new TypeError("createProxy needs an options object");
  const { apiKey, authorize, baseURL = "https://api.supermemory.ai", prefix = "/api/supermemory" } = options;
  if (typeof apiKey !== "string" || apiKey === "") throw new TypeError("apiKey must be a non-empty string");
  // The package's own rule for a key: it travels in a header.
  if (!/^[\x21-\x7e]+$/.test(apiKey)) {
    throw new TypeError("apiKey may only contain visible ASCII characters (no spaces or line breaks)");
  }
  if (typeof authorize !== "function") throw new TypeError("authorize must be a function of the request");
  let base;
  try {
    base = new URL(baseURL);
  } catch {
    throw new TypeError("baseURL must be an absolute http(s) URL");
  }
  if (base.protocol !== "https:" && base.protocol !== "http:") throw new TypeError("baseURL must use http: or https:");
  if (typeof prefix !== "string" || (prefix !== "" && (!prefix.startsWith("/") || prefix.endsWith("/")))) {
    throw new TypeError('prefix must be "" or a path that starts with "/" and does not end with one');
  }
  const fetcher = options.fetch ?? globalThis.fetch;
  if (typeof fetcher !== "function") throw new TypeError("fetch must be a function");
  const module = options.wasm;
  if (module !== undefined && !(module instanceof WebAssembly.Module)) {
    throw new TypeError("wasm must be a WebAssembly.Module (the package's supermemory_connections_bg.wasm)");
  }
  return {
    apiKey,
    authorize,
    baseURL: base.href.replace(/\/+$/, ""),
    prefix,
    fetch: fetcher,
    wasm: module,
  };
}

/**
 * The operation a request names, as the API classifies it, or null. Segments are decoded once;
 * an empty segment, a dot segment or an encoded slash matches nothing.
 */
function matchRoute(method, pathname, prefix) {
  if (!pathname.startsWith(`${prefix}/v3/connections/`)) return null;
  const raw = pathname.slice(prefix.length + "/v3/connections/".length).split("/");
  const segments = [];
  for (const part of raw) {
    let segment;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return null;
    }
    if (segment === "" || segment === "." || segment === ".." || segment.includes("/")) return null;
    segments.push(segment);
  }
  const [first, second] = segments;
  const isProvider = PROVIDERS.includes(first);
  const withBody = (operation, makeArguments) => ({ operation, takesBody: true, arguments: makeArguments });
  const byProvider = (operation) => withBody(operation, (params) => [first, params]);
  const byId = (operation, query, makeArguments) => ({
    operation,
    id: first,
    takesBody: query === undefined,
    query: query ?? (() => ({})),
    arguments: makeArguments,
  });
  if (segments.length === 1) {
    if (method === "POST" && first === "list") return withBody(LIST, (params) => [params]);
    if (method === "POST" && isProvider) return byProvider(CREATE);
    if (method === "GET") return byId(GET_BY_ID, () => ({}), () => [first]);
    if (method === "DELETE" && isProvider) return byProvider(DELETE_BY_PROVIDER);
    if (method === "DELETE") return byId(DELETE_BY_ID, deleteQuery, (params) => [first, params]);
    return null;
  }
  if (segments.length !== 2) return null;
  if (method === "POST" && isProvider && second === "connection") return byProvider(GET_BY_TAG);
  if (method === "POST" && isProvider && second === "import") return byProvider(IMPORT);
  if (method === "POST" && isProvider && second === "documents") return byProvider(LIST_DOCUMENTS);
  if (method === "GET" && second === "resources") return byId(RESOURCES, resourcesQuery, (params) => [first, params]);
  if (method === "POST" && second === "configure") return byId(CONFIGURE, undefined, (params) => [first, params]);
  return null;
}

/** deleteByID's one query parameter. */
function deleteQuery(search) {
  const value = search.get("deleteDocuments");
  return value === null ? {} : { deleteDocuments: value };
}

/** resources' query parameters; whole numbers become numbers, anything else is checked as given. */
function resourcesQuery(search) {
  const params = {};
  for (const name of ["page", "per_page"]) {
    const value = search.get(name);
    if (value !== null) params[name] = /^\d{1,10}$/.test(value) ? Number(value) : value;
  }
  const parent = search.get("parent_id");
  if (parent !== null) params.parent_id = parent;
  return params;
}

/** The tags a body names: `containerTags`' items and `containerTag`. */
function namedTags(params) {
  const named = [];
  if (Array.isArray(params.containerTags)) named.push(...params.containerTags);
  else if (params.containerTags !== undefined) named.push(params.containerTags);
  if (params.containerTag !== undefined) named.push(params.containerTag);
  return named;
}

/** Set equality: a subset would widen the API's "has every tag" filter, a superset would share. */
function sameTags(named, tags) {
  const given = new Set(named);
  return given.size === tags.length && tags.every((tag) => given.has(tag));
}

/** The JSON body with the user's tags as `containerTags` (and no `containerTag`). */
function withTags(body, tags) {
  const object = JSON.parse(body);
  delete object.containerTag;
  object.containerTags = [...tags];
  return JSON.stringify(object);
}

const TOO_LARGE = Symbol("too large");

/** The request's body as text, or TOO_LARGE past MAX_BODY_BYTES. */
async function readBody(request) {
  if (Number(request.headers.get("content-length")) > MAX_BODY_BYTES) return TOO_LARGE;
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      return TOO_LARGE;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * The API's answer as the browser may see it: its status and body (the key redacted, should the
 * API ever echo it) and only the safe headers.
 */
async function readAnswer(upstream, apiKey) {
  const headers = [];
  for (const name of ANSWER_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) headers.push([name, value]);
  }
  const text = await upstream.text();
  return { status: upstream.status, headers, text: text.replaceAll(apiKey, "[redacted]") };
}

/** A Response of a read answer (one per waiting call: a body can be read only once). */
function respond({ status, headers, text }) {
  const empty = status === 204 || status === 205 || status === 304;
  return new Response(empty ? null : text, { status, headers });
}

function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

/** Headers of the browser's request that are about the connection, not the request. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length", "expect"]);

/**
 * Adapts the proxy to Node's `http` and Express: `(req, res) => void`. Under Express it reads
 * `req.originalUrl` (a mount strips `req.url`) and `req.body` when a body parser has read it.
 */
export function toNodeHandler(proxy) {
  if (typeof proxy !== "function") throw new TypeError("toNodeHandler needs the function createProxy returned");
  return (req, res) => {
    serveNode(proxy, req, res).catch(() => {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  };
}

async function serveNode(proxy, req, res) {
  const raw = req.originalUrl ?? req.url ?? "/";
  const path = raw.split("?")[0];
  // The URL parser below would resolve dot segments: refuse them as written.
  const dotted = path.split("/").some((part) => /^(\.|%2e){1,2}$/i.test(part));
  let response;
  if (dotted) {
    response = json(404, { error: "Not found" });
  } else {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || name.startsWith(":") || HOP_BY_HOP.has(name)) continue;
      for (const item of Array.isArray(value) ? value : [value]) {
        try {
          headers.append(name, item);
        } catch {
          // A header value the Fetch API refuses is left out.
        }
      }
    }
    const method = req.method ?? "GET";
    const body = method === "GET" || method === "HEAD" ? undefined : await nodeBody(req);
    const request = new Request(requestUrl(raw, req.headers.host), { method, headers, body });
    response = await proxy(request);
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  res.end(bytes);
}

/** The request's URL with its Host header (a malformed one gives way to localhost). */
function requestUrl(raw, host) {
  try {
    return new URL(raw, `http://${host}`);
  } catch {
    return new URL(raw, "http://localhost");
  }
}

/** The body of a Node request: what a body parser left in `req.body`, or the stream (capped). */
async function nodeBody(req) {
  if (req.body !== undefined) {
    if (typeof req.body === "string" || req.body instanceof Uint8Array) return req.body;
    return JSON.stringify(req.body);
  }
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    chunks.push(chunk);
    size += chunk.length;
    // One byte past the limit is enough for the proxy to answer 413.
    if (size > MAX_BODY_BYTES) break;
  }
  return Buffer.concat(chunks);
}
