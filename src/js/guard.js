// Calls into JavaScript that may throw, for the wasm module. Each catches the exception and keeps
// it aside instead of letting it cross into the wasm: an exception caught by a `catch` import
// leaves one slot of the wasm's externref table allocated for good, so a page fed throwing
// getters or hostile Responses would grow the table without bound. After each call the wasm asks
// `guardFailed()` and, when it is true, takes the exception with `guardError()`.
let failed = false;
let caught;

function fail(error) {
  failed = true;
  caught = error;
}

export function guardFailed() {
  const was = failed;
  failed = false;
  return was;
}

export function guardError() {
  const error = caught;
  caught = undefined;
  return error;
}

/** The global object (a window, a worker's global, or Node's and Deno's). */
export function globalObject() {
  return globalThis;
}

export function guardGet(target, key) {
  try {
    return Reflect.get(target, key);
  } catch (error) {
    fail(error);
  }
}

export function guardCall(fn, thisArg, args) {
  try {
    return Reflect.apply(fn, thisArg, args);
  } catch (error) {
    fail(error);
  }
}

export function guardJsonParse(text) {
  try {
    return JSON.parse(text);
  } catch (error) {
    fail(error);
  }
}

export function guardJsonStringify(value) {
  try {
    return JSON.stringify(value);
  } catch (error) {
    fail(error);
  }
}

/**
 * `new URL(input, base)`'s href, protocol, username, password, hostname, port, origin,
 * pathname, search and hash, joined by newlines (a serialized URL never holds one): one call
 * and one string instead of a property read per part.
 */
export function guardUrlParts(input, base) {
  try {
    const u = base === undefined ? new URL(input) : new URL(input, base);
    return [u.href, u.protocol, u.username, u.password, u.hostname, u.port, u.origin, u.pathname, u.search, u.hash].join("\n");
  } catch (error) {
    fail(error);
  }
}

/** `target[key]` when it is an own property of `target`, else (or when reading throws) undefined. */
export function ownProperty(target, key) {
  try {
    return Object.hasOwn(target, key) ? target[key] : undefined;
  } catch {
    return undefined;
  }
}

/** `target[key] = value`, an exception ignored (a setter a page put on `Object.prototype`). */
export function setProperty(target, key, value) {
  try {
    target[key] = value;
  } catch {
    // The object is left without the property.
  }
}

/**
 * The `fetch` init of one request (each attempt adds its own signal). `lines` holds the headers,
 * each name and value on a line of its own; they become a record without a prototype (read by
 * `fetch` as properties, faster than a `Headers` object's iterator; a header named like an
 * object property is an own key). A member left `undefined` counts as not given (the caller's
 * `fetchOptions`, already checked, where given).
 */
export function fetchInit(method, lines, body, noStore, credentials, mode, referrer, referrerPolicy, integrity) {
  const headers = Object.create(null);
  const parts = lines === "" ? [] : lines.split("\n");
  for (let index = 0; index + 1 < parts.length; index += 2) headers[parts[index]] = parts[index + 1];
  const cache = noStore ? "no-store" : undefined;
  return { method, headers, body, cache, redirect: "error", credentials, mode, referrer, referrerPolicy, integrity };
}
