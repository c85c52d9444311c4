// supermemory-connections: the package's entry point. A thin layer over the wasm module: it
// loads the module on first use and turns the module's error records into SupermemoryError.
import initWasm, * as wasm from "./supermemory_connections.js";
import { attempt, pause } from "./transport.js";
import {
  CREATE_CONNECTION,
  CONNECT_IN_POPUP,
  START_OAUTH,
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
  WAIT_FOR_CONNECTION,
} from "./operations.js";

let loading;

/**
 * Loads the wasm module. Calls do this themselves on first use; call it early to preload, or
 * pass the wasm bytes, a URL, a Response or a compiled module where the default URL won't do.
 * A failed load rejects with a SupermemoryError (`connection` when the wasm could not be fetched
 * or compiled, `invalid_request` when given bytes or a module are not this package's wasm), and
 * the next call tries again.
 */
export function init(input) {
  if (!loading) {
    loading = load(input).catch((error) => {
      loading = undefined;
      throw error;
    });
  }
  return loading;
}

async function load(input) {
  let given;
  try {
    given = await input;
  } catch (error) {
    throw loadError("connection", "the input given to init() rejected", error);
  }
  const fetched =
    given === undefined ||
    typeof given === "string" ||
    given instanceof URL ||
    (typeof Request === "function" && given instanceof Request) ||
    (typeof Response === "function" && given instanceof Response);
  try {
    if (!fetched && given !== undefined) given = await ownModule(given);
    await (given === undefined ? initWasm() : initWasm({ module_or_path: given }));
  } catch (error) {
    const text = String(error?.message ?? error);
    if (fetched || /unsafe-eval|Content Security Policy/i.test(text)) {
      // The default URL is written out in full, as the glue writes it: bundlers rewrite that form
      // to the asset's URL.
      const url =
        given === undefined
          ? new URL("supermemory_connections_bg.wasm", import.meta.url).href
          : String(given.url ?? given);
      throw loadError(
        "connection",
        `the WebAssembly module could not be loaded from ${url} (${text}). Check that the file is ` +
          "served there with status 200 and Content-Type application/wasm, and that a " +
          "Content-Security-Policy allows 'wasm-unsafe-eval' in script-src",
        error,
      );
    }
    throw loadError(
      "invalid_request",
      `init() was given bytes or a module that are not this package's WebAssembly module (${text})`,
      error,
      "input",
    );
  }
}

/**
 * Bytes or a module given to init(), compiled and checked to be this package's module before
 * the glue instantiates it: the glue keeps the first instance it finishes for good, so a foreign
 * module would leave every later call broken. The build gives the module's imports and exports
 * short names and writes them into the glue: the module is the package's own when it imports
 * exactly the functions of the glue's import object and exports exactly the names the glue uses.
 */
async function ownModule(given) {
  const module = given instanceof WebAssembly.Module ? given : await WebAssembly.compile(given);
  const provided = wasm.wasmImports();
  const names = (entries) => entries.map((entry) => `${entry.module}.${entry.name}`).sort().join();
  const imports = Object.keys(provided).flatMap((name) => Object.keys(provided[name]).map((field) => ({ module: name, name: field })));
  const ours = names(WebAssembly.Module.imports(module)) === names(imports);
  const exports = WebAssembly.Module.exports(module).map((entry) => entry.name).join();
  if (!ours || exports !== wasm.wasmExports) throw new TypeError("the module does not have this package's imports and exports");
  return module;
}

function loadError(code, message, cause, field) {
  return new SupermemoryError(message, { code, cause, ...(field ? { field } : {}) });
}

/** The one error class every call rejects with; `code` says what went wrong. */
export class SupermemoryError extends Error {
  constructor(message, fields) {
    const details = fields ?? {};
    super(message, "cause" in details ? { cause: details.cause } : undefined);
    this.code = details.code;
    for (const name of ["status", "field", "details", "retryAfter"]) {
      if (details[name] !== undefined) this[name] = details[name];
    }
  }
}
Object.defineProperty(SupermemoryError.prototype, "name", {
  value: "SupermemoryError",
  writable: true,
  configurable: true,
});

/** Turns the wasm module's error record into a SupermemoryError; anything else passes through. */
function toSupermemoryError(raw) {
  if (raw !== null && typeof raw === "object" && raw.supermemoryError === true) {
    return new SupermemoryError(raw.message, raw);
  }
  return raw;
}

/**
 * Runs `run` once the module is loaded, with errors as SupermemoryError. (It names the wasm
 * exports itself, so the bundler can leave out the glue's unused ones.)
 */
async function call(run) {
  await init();
  try {
    return await run();
  } catch (error) {
    throw toSupermemoryError(error);
  }
}

/**
 * Runs one call in the wasm module: it reads and checks the arguments, then says step by step
 * what to do (send an attempt, pause, or done) and reads what each step brought.
 */
async function drive(operation, client, first, second, third) {
  const pending = wasm.run(operation, client, first, second, third);
  try {
    let outcome;
    for (;;) {
      const step = pending.next(outcome);
      if (step.length === 1) return step[0];
      outcome = step.length === 2 ? await pause(step[0], step[1]) : await attempt(...step);
    }
  } finally {
    pending.free();
  }
}

/** Create a connection in one call: client options, create parameters and request options together. */
export function createConnection(provider, options) {
  return call(() => drive(CREATE_CONNECTION, undefined, provider, options));
}

/**
 * The hosts an `authLink` may point at unless `allowedHosts` says otherwise: the API and the
 * providers' OAuth pages. The same list the wasm module checks against (a test keeps them equal).
 */
export const DEFAULT_ALLOWED_HOSTS = Object.freeze([
  "api.supermemory.ai",
  "api.notion.com",
  "accounts.google.com",
  "login.microsoftonline.com",
  "github.com",
]);

/**
 * Creates a connection and, for OAuth providers, sends the page to the provider's consent page
 * with a one-time nonce kept in sessionStorage. Options: createConnection's plus `allowedHosts`.
 */
export function startOAuth(provider, options) {
  return call(() => drive(START_OAUTH, undefined, provider, options));
}

/**
 * Reads the page's return from OAuth: `null` on an ordinary load, else how the round trip ended.
 * In a popup of connectInPopup it reports the return to the opener first.
 */
export function completeOAuth(url) {
  return call(async () => {
    const done = wasm.completeOAuth(url);
    return done?.popupReturn ? reportReturn(done.popupReturn) : done;
  });
}

/** The same-origin channel of popup round trips: { type, nonce, ... } messages. */
const CHANNEL = "supermemory-connections:oauth";
/** How often the opener looks at its popup and the channel, in ms. */
const TICK_MS = 200;
/** A popup that reads closed this soon after pointing it at authLink was severed by COOP. */
const SEVERED_WITHIN_MS = 1500;
/** How long a closed popup may still deliver its message, in ms. */
const CLOSED_GRACE_MS = 1000;
/** How long a returning popup waits for the opener's acknowledgement, in ms. */
const ACK_WAIT_MS = 1000;
/**
 * localStorage key prefix of a flow the opener cancelled (abort, maxWait): a popup the opener
 * could no longer close (COOP) closes itself when it comes back. The popup removes the mark.
 */
const CANCELLED = "supermemory-connections:oauth-cancelled:";

/** localStorage, where the page may use it. */
const local = () => {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
};

/** A channel whose messages queue up in `queue` until read. */
function openChannel() {
  const channel = new BroadcastChannel(CHANNEL);
  const queue = [];
  channel.onmessage = (event) => queue.push(event.data);
  const take = (type, nonce) => {
    const found = queue.find((data) => data?.type === type && data?.nonce === nonce);
    queue.length = 0;
    return found;
  };
  return { channel, take };
}

/** The popup's side: posts its return and waits about a second for the opener's acknowledgement. */
async function reportReturn({ nonce, error }) {
  const mismatch = { ok: false, error: "state_mismatch" };
  const cancelled = local()?.getItem(CANCELLED + nonce);
  if (cancelled) {
    local().removeItem(CANCELLED + nonce);
    globalThis.close?.();
    return mismatch;
  }
  const { channel, take } = openChannel();
  try {
    channel.postMessage({ type: "result", nonce, error });
    for (const started = Date.now(); Date.now() - started < ACK_WAIT_MS; ) {
      await pause(50);
      const ack = take("ack", nonce);
      if (ack) {
        globalThis.close?.();
        const ids = { connectionId: ack.connectionId, provider: ack.provider };
        return error === undefined ? { ok: true, ...ids } : { ok: false, error, ...ids };
      }
    }
    return mismatch;
  } finally {
    channel.close();
  }
}

/**
 * The opener's side, with what the wasm module checked (the authLink, the nonce, maxWait and the
 * caller's signal as it was read): points the popup at the link and waits for its return on the
 * channel, for `maxWait`, for the signal, or until the person closes it.
 */
async function waitForPopup(popup, { target, nonce, provider, connectionId, maxWait, signal }) {
  const { channel, take } = openChannel();
  const started = Date.now();
  const fail = (code, message) => new SupermemoryError(message, { code });
  let severed = false;
  let closedSince;
  try {
    if (popup.closed) throw fail("popup_closed", "the popup was closed before it could show the consent page");
    popup.location.href = target;
    for (;;) {
      await pause(TICK_MS);
      if (signal?.aborted) throw new SupermemoryError("the request was aborted", { code: "aborted", cause: signal.reason });
      const result = take("result", nonce);
      if (result) {
        channel.postMessage({ type: "ack", nonce, provider, connectionId });
        popup.close();
        const ids = { connectionId, provider };
        return result.error === undefined ? { ok: true, ...ids } : { ok: false, error: String(result.error), ...ids };
      }
      const now = Date.now();
      if (now - started >= maxWait) throw fail("timeout", `the popup did not come back within maxWait (${maxWait} ms)`);
      if (popup.closed && !severed) {
        // Closed within a moment of the cross-origin navigation: a handle severed by
        // Cross-Origin-Opener-Policy, not a closed window; only the channel ends it now.
        if (closedSince === undefined && now - started < SEVERED_WITHIN_MS) severed = true;
        else if (now - (closedSince ??= now) >= CLOSED_GRACE_MS) {
          throw fail("popup_closed", "the popup was closed before the connection was allowed");
        }
      }
    }
  } catch (error) {
    if (error?.code !== "popup_closed") {
      channel.postMessage({ type: "cancel", nonce });
      try {
        local()?.setItem(CANCELLED + nonce, "1");
      } catch {
        // Full or refused storage: the popup then shows state_mismatch when it comes back.
      }
    }
    throw error;
  } finally {
    channel.close();
  }
}

/**
 * The providers whose consent page connectInPopup opens a window for: the wasm module's OAuth
 * providers (a test keeps the two equal). The window must open before anything is awaited.
 */
const OAUTH_PROVIDERS = ["notion", "google-drive", "onedrive", "gmail", "github"];

/** The connectInPopup call under way: { popup }. */
let popupFlow = null;

/**
 * Connects in a popup: opens the window now, inside the click, then creates the connection,
 * checks its authLink and waits for the popup to come back. Resolves completeOAuth's result
 * (startOAuth's with `fallback: "redirect"` and a blocked popup).
 */
export function connectInPopup(provider, options) {
  if (popupFlow !== null) {
    try {
      popupFlow.popup?.focus();
    } catch {
      // A window that cannot be focused stays where it is.
    }
    return Promise.reject(new SupermemoryError("a connection is already in progress", { code: "invalid_request" }));
  }
  let popup = null;
  if (OAUTH_PROVIDERS.includes(provider) && typeof globalThis.open === "function") {
    try {
      popup = globalThis.open("", "_blank", "popup,width=520,height=720") ?? null;
      if (popup) {
        popup.document.title = "Connecting…";
        popup.document.body.textContent = "Connecting…";
      }
    } catch {
      // A window whose page cannot be written still works; one that did not open is null.
    }
  }
  const flow = { popup };
  popupFlow = flow;
  const run = async () => {
    const created = await drive(CONNECT_IN_POPUP, undefined, provider, options, popup);
    return created?.target ? waitForPopup(popup, created) : created;
  };
  return call(run).finally(() => {
    if (popupFlow === flow) popupFlow = null;
    try {
      if (popup && !popup.closed) popup.close();
    } catch {
      // Closed already, or no longer ours to close.
    }
  });
}

/** Navigates to `connection.authLink` after checking it against the allow-list. */
export function redirectToAuthLink(connection, options) {
  return call(() => wasm.redirectToAuthLink(connection, options));
}

/** The `/v3/connections` operations of a client. */
class Connections {
  #options;

  constructor(options) {
    this.#options = options;
  }

  /** Runs one operation other than create in the wasm module. */
  #call(operation, first, second, requestOptions) {
    return call(() => drive(operation, this.#options, first, second, requestOptions));
  }

  /** Creates a connection; resolves to `{ id, authLink, expiresIn, redirectsTo }`. */
  create(provider, params, requestOptions) {
    return call(() => drive(CREATE, this.#options, provider, params, requestOptions));
  }

  /** Lists connections, optionally those having every one of `containerTags`. */
  list(params, requestOptions) {
    return this.#call(LIST, params, undefined, requestOptions);
  }

  /** One connection by its id. */
  getByID(connectionId, requestOptions) {
    return this.#call(GET_BY_ID, connectionId, undefined, requestOptions);
  }

  /** The connection of a provider for the given container tags. */
  getByTag(provider, params, requestOptions) {
    return this.#call(GET_BY_TAG, provider, params, requestOptions);
  }

  /** Deletes a connection by id; `deleteDocuments` is required. Resolves to an array. */
  deleteByID(connectionId, params, requestOptions) {
    return this.#call(DELETE_BY_ID, connectionId, params, requestOptions);
  }

  /** Deletes a provider's connections for the given container tags. Resolves to an array. */
  deleteByProvider(provider, params, requestOptions) {
    return this.#call(DELETE_BY_PROVIDER, provider, params, requestOptions);
  }

  /** Starts a sync of a provider's connections; resolves to the API's text. */
  import(provider, params, requestOptions) {
    return this.#call(IMPORT, provider, params, requestOptions);
  }

  /** The documents a provider's connections synced. */
  listDocuments(provider, params, requestOptions) {
    return this.#call(LIST_DOCUMENTS, provider, params, requestOptions);
  }

  /** A page of the resources a connection can sync (GitHub). */
  resources(connectionId, params, requestOptions) {
    return this.#call(RESOURCES, connectionId, params, requestOptions);
  }

  /** Chooses the resources a connection syncs (GitHub). */
  configure(connectionId, params, requestOptions) {
    return this.#call(CONFIGURE, connectionId, params, requestOptions);
  }

  /** Polls a connection until its sync has completed or failed. */
  waitForConnection(connectionId, options) {
    return this.#call(WAIT_FOR_CONNECTION, connectionId, options, undefined);
  }
}

/** A client for the supermemory API. The constructor never throws: a bad option rejects the first call. */
export class Supermemory {
  #connections;

  constructor(options) {
    this.#connections = new Connections(options);
  }

  /** The `/v3/connections` operations. */
  get connections() {
    return this.#connections;
  }
}

export default Supermemory;
