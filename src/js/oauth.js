// The page's half of the OAuth round trip: its address, the one-time nonce, the pending sign-in
// in sessionStorage, the address bar and the navigation. The wasm module decides what is allowed
// (the allow-list, redirectUrl's rules) and writes every message; these functions answer with a
// value, or with the number of what failed (`src/oauth.rs` names them), and keep a failure's
// exception aside for `oauthCause()`. Nothing here throws.

import { readValue } from "./read.js";

/** The query parameter that carries the nonce back to the page. */
const STATE = "sm_oauth_state";
/** The query parameter the API uses to report a failed consent. */
const ERROR = "error";
/** The marker of a popup's round trip. */
const POPUP = "sm_oauth_popup";
/** Prefix of the sessionStorage keys of pending round trips. */
const PREFIX = "supermemory-connections:oauth:";

let cause;

/** The exception of the last failure that had one (then forgotten). */
export function oauthCause() {
  const kept = cause;
  cause = undefined;
  return kept;
}

/** 1 when there is no window (a worker, Node), else undefined. */
function noWindow() {
  try {
    const page = globalThis.window;
    return typeof page === "object" && page !== null ? undefined : 1;
  } catch {
    return 1;
  }
}

/** sessionStorage, or 1 (no window) or 2 (no storage, or it refused to be read). */
function storage() {
  const failed = noWindow();
  if (failed) return failed;
  try {
    const found = globalThis.sessionStorage;
    if (typeof found === "object" && found !== null) return found;
  } catch {
    // A sandboxed frame throws instead of answering.
  }
  return 2;
}

/** The page's address, or 1 (no window) or 3 (unreadable, or not a string). */
function pageHref() {
  const failed = noWindow();
  if (failed) return failed;
  try {
    const href = globalThis.location.href;
    return typeof href === "string" ? href : 3;
  } catch {
    return 3;
  }
}

/** `url` without the package's query parameters (and fragment, when asked), or undefined. */
function withoutOwnParams(url, dropFragment) {
  try {
    const parsed = new URL(url);
    for (const name of [STATE, ERROR, POPUP]) parsed.searchParams.delete(name);
    if (dropFragment) parsed.hash = "";
    return parsed.href;
  } catch {
    return undefined;
  }
}

/** A nonce of 128 bits from crypto.getRandomValues, as 32 hex digits; undefined without one. */
function newNonce() {
  try {
    const bytes = new Uint8Array(16);
    globalThis.crypto.getRandomValues(bytes);
    return Array.from(bytes, (byte) => (byte + 256).toString(16).slice(1)).join("");
  } catch {
    return undefined;
  }
}

/**
 * The redirect URL of a round trip: `redirect` (already checked), or the page's address without
 * the package's parameters and fragment, with a fresh nonce (and the popup marker) added. Answers
 * the nonce and the URL as one string (the nonce is its first 32 characters), or 1, 2
 * (`needsStorage` and none), 3, 4 (the page's address is not a URL), 5 (no crypto), 6 (the
 * redirect is not an absolute URL).
 */
export function oauthBegin(redirect, popup, needsStorage) {
  if (needsStorage) {
    const found = storage();
    if (typeof found === "number") return found;
  }
  let base = redirect;
  if (base === undefined) {
    const page = pageHref();
    if (typeof page === "number") return page;
    base = withoutOwnParams(page, true);
    if (base === undefined) return 4;
  }
  const nonce = newNonce();
  if (nonce === undefined) return 5;
  let url;
  try {
    url = new URL(base);
  } catch {
    return 6;
  }
  url.searchParams.set(STATE, nonce);
  if (popup) url.searchParams.set(POPUP, "1");
  return nonce + url.href;
}

/**
 * Sends the page to the checked `target`, first remembering the round trip under `nonce` when
 * one is given. Answers undefined, or 1, 2, 7 (the entry could not be stored) or 8 (the browser
 * refused to navigate), with the exception kept for 7 and 8.
 */
export function oauthGo(target, nonce, connectionId, provider) {
  if (nonce !== undefined) {
    const found = storage();
    if (typeof found === "number") return found;
    try {
      found.setItem(PREFIX + nonce, JSON.stringify({ connectionId, provider }));
    } catch (error) {
      cause = error;
      return 7;
    }
  }
  const failed = noWindow();
  if (failed) return failed;
  try {
    globalThis.location.assign(target);
  } catch (error) {
    cause = error;
    return 8;
  }
  return undefined;
}

/** Whether `text` has the form of a nonce. */
const isNonce = (text) => text !== null && /^[0-9a-fA-F]{32}$/.test(text);

/**
 * Reads and forgets the round trip stored under `nonce`: `{ connectionId, provider }`, null, or
 * 1 or 2. The entry is read as the caller's values are (`readValue`: no key or string with an
 * unpaired surrogate, at most 10,000 keys), then its own `connectionId` and `provider`.
 */
function takeEntry(nonce) {
  const found = storage();
  if (typeof found === "number") return found;
  const key = PREFIX + nonce;
  let text = null;
  try {
    text = found.getItem(key);
  } catch {
    // Unreadable storage holds no round trip.
  }
  try {
    found.removeItem(key);
  } catch {
    // Nothing more to forget.
  }
  try {
    const entry = JSON.parse(text);
    const own = (key) => (Object.hasOwn(entry, key) ? entry[key] : undefined);
    const connectionId = own("connectionId");
    const provider = own("provider");
    const refused = readValue(entry, 1, false, false)[0] === 12;
    if (!refused && typeof connectionId === "string" && typeof provider === "string") {
      return { connectionId, provider };
    }
  } catch {
    // Not an entry of this package.
  }
  return null;
}

/** Removes the package's parameters from the address bar, keeping the page's own. */
function cleanAddressBar(page) {
  const cleaned = withoutOwnParams(page, false);
  if (cleaned === undefined || cleaned === page || noWindow()) return;
  try {
    globalThis.history.replaceState(null, "", cleaned);
  } catch {
    // The address bar keeps the parameters; the nonce is spent already.
  }
}

/**
 * Reads the return of a round trip from `url` (or the page's address): null on an ordinary
 * load; `{ popupReturn: { nonce, error? } }` for a popup's, which the opener confirms; else
 * `{ ok, error?, connectionId?, provider? }` (`state_mismatch` when the nonce is not this
 * page's). Or 1, 2, 3, or 9 (`url` is not a URL).
 */
export function oauthComplete(url) {
  const page = pageHref();
  if (typeof page === "number") return page;
  let params;
  try {
    params = new URL(url ?? page, page).searchParams;
  } catch {
    return 9;
  }
  const nonce = params.get(STATE);
  const code = params.get(ERROR);
  if (nonce === null && code === null) return null;
  const error = code === null ? undefined : Array.from(code).slice(0, 100).join("");
  if (isNonce(nonce) && params.get(POPUP) !== null) {
    cleanAddressBar(page);
    return { popupReturn: error === undefined ? { nonce } : { nonce, error } };
  }
  const stored = isNonce(nonce) ? takeEntry(nonce) : null;
  if (typeof stored === "number") return stored;
  cleanAddressBar(page);
  if (stored === null) return { ok: false, error: "state_mismatch" };
  return error === undefined ? { ok: true, ...stored } : { ok: false, error, ...stored };
}
