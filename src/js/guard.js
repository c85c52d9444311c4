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

export function guardGet(target, key) {
  try {
    return Reflect.get(target, key);
  } catch (error) {
    fail(error);
  }
}

export function guardOwnKeys(target) {
  try {
    return Reflect.ownKeys(target);
  } catch (error) {
    fail(error);
  }
}

export function guardIsArray(value) {
  try {
    return Array.isArray(value);
  } catch (error) {
    fail(error);
    return false;
  }
}

export function guardPrototypeOf(value) {
  try {
    return Object.getPrototypeOf(value);
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

export function guardFetch(url, init) {
  try {
    return fetch(url, init);
  } catch (error) {
    fail(error);
  }
}

export function guardResolve(value) {
  try {
    return Promise.resolve(value);
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

export function guardUrl(input, base) {
  try {
    return base === undefined ? new URL(input) : new URL(input, base);
  } catch (error) {
    fail(error);
  }
}
