// supermemory-connections: the package's entry point. A thin layer over the wasm module: it
// loads the module on first use and turns the module's error records into SupermemoryError.
import initWasm, * as wasm from "./supermemory_connections.js";

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

/** Runs one wasm export once the module is loaded, with errors as SupermemoryError. */
async function call(run) {
  await init();
  try {
    return await run(wasm);
  } catch (error) {
    throw toSupermemoryError(error);
  }
}

/** Create a connection in one call: client options, create parameters and request options together. */
export function createConnection(provider, options) {
  return call((module) => module.run("createConnection", undefined, provider, options));
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
  return call((module) => module.run("startOAuth", undefined, provider, options));
}

/** Reads the page's return from OAuth: `null` on an ordinary load, else how the round trip ended. */
export function completeOAuth(url) {
  return call((module) => module.completeOAuth(url));
}

/** Navigates to `connection.authLink` after checking it against the allow-list. */
export function redirectToAuthLink(connection, options) {
  return call((module) => module.redirectToAuthLink(connection, options));
}

/** The `/v3/connections` operations of a client. */
class Connections {
  #options;

  constructor(options) {
    this.#options = options;
  }

  /** Runs one operation other than create in the wasm module. */
  #call(operation, first, second, requestOptions) {
    return call((module) => module.run(operation, this.#options, first, second, requestOptions));
  }

  /** Creates a connection; resolves to `{ id, authLink, expiresIn, redirectsTo }`. */
  create(provider, params, requestOptions) {
    return call((module) => module.run("create", this.#options, provider, params, requestOptions));
  }

  /** Lists connections, optionally those having every one of `containerTags`. */
  list(params, requestOptions) {
    return this.#call("list", params, undefined, requestOptions);
  }

  /** One connection by its id. */
  getByID(connectionId, requestOptions) {
    return this.#call("getByID", connectionId, undefined, requestOptions);
  }

  /** The connection of a provider for the given container tags. */
  getByTag(provider, params, requestOptions) {
    return this.#call("getByTag", provider, params, requestOptions);
  }

  /** Deletes a connection by id; `deleteDocuments` is required. Resolves to an array. */
  deleteByID(connectionId, params, requestOptions) {
    return this.#call("deleteByID", connectionId, params, requestOptions);
  }

  /** Deletes a provider's connections for the given container tags. Resolves to an array. */
  deleteByProvider(provider, params, requestOptions) {
    return this.#call("deleteByProvider", provider, params, requestOptions);
  }

  /** Starts a sync of a provider's connections; resolves to the API's text. */
  import(provider, params, requestOptions) {
    return this.#call("import", provider, params, requestOptions);
  }

  /** The documents a provider's connections synced. */
  listDocuments(provider, params, requestOptions) {
    return this.#call("listDocuments", provider, params, requestOptions);
  }

  /** A page of the resources a connection can sync (GitHub). */
  resources(connectionId, params, requestOptions) {
    return this.#call("resources", connectionId, params, requestOptions);
  }

  /** Chooses the resources a connection syncs (GitHub). */
  configure(connectionId, params, requestOptions) {
    return this.#call("configure", connectionId, params, requestOptions);
  }

  /** Polls a connection until its sync has completed or failed. */
  waitForConnection(connectionId, options) {
    return this.#call("waitForConnection", connectionId, options, undefined);
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
