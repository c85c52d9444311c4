// Reads a caller's argument, or an answer of the API, for the wasm module: everything that can
// throw or run the caller's code (getters, Proxy traps, `Array.isArray` of a revoked Proxy) runs
// here, inside a try, in one pass. The module gets a flat list it decodes into its `Value`
// (`src/input.rs`), or the read's refusal: the number of what failed and where, from which it
// writes the message. Nothing here throws.

/** Most items or keys read from one array or object of the caller's (answers have no cap). */
const MAX_ENTRIES = 10000;

/** Whether a string holds an unpaired surrogate, which Rust text cannot hold. */
const loneSurrogate = (text) => /\p{Cs}/u.test(text);

/**
 * Reads `value`, descending `depth` levels into arrays and plain objects. `answer`: an answer of
 * the API (no cap on entries, strings taken as they come, a plain object below the depth only
 * described). `argument`: an argument of an exported function, never an array, so an array is
 * described without reading its items. Answers the list: 0 undefined, 1 null, 2 false, 3 true,
 * 4 and a number, 5 and a string, 6 and a count of items, 7 and a count of key and value pairs,
 * 8 a function, 9 an abort signal, 10 a plain object below the depth (each then the value
 * itself, kept by the module), 11 and the index of what else it is; or `[12, kind, path]` when
 * the value is refused: `kind` numbers the message (0 could not be read, 1 its getter threw,
 * 2 a symbol key, 3 a key with an unpaired surrogate, 4 a string with one, 5 too many items,
 * 6 too many keys), `path` is where (empty for the value itself).
 */
export function readValue(value, depth, answer, argument) {
  const out = [];
  /** Runs `read`, or refuses as `kind` at `path` when it throws. */
  const guarded = (read, kind, path) => {
    try {
      return read();
    } catch {
      throw [kind, path];
    }
  };

  const walk = (item, path, below) => {
    if (item === undefined) return out.push(0);
    if (item === null) return out.push(1);
    const type = typeof item;
    if (type === "boolean") return out.push(item ? 3 : 2);
    if (type === "number") return out.push(4, item);
    if (type === "string") {
      if (!answer && loneSurrogate(item)) throw [4, path];
      return out.push(5, item);
    }
    if (type === "function") return out.push(8, item);
    if (type !== "object") return out.push(11, type === "symbol" ? 0 : type === "bigint" ? 1 : 2);
    // 0 an array, 1 a plain object, 2 anything else.
    const shape = guarded(
      () => {
        if (Array.isArray(item)) return 0;
        const prototype = Object.getPrototypeOf(item);
        return prototype === null || prototype === Object.prototype ? 1 : 2;
      },
      0,
      path,
    );
    if (shape === 2) {
      let signal = false;
      try {
        signal =
          typeof item.aborted === "boolean" &&
          typeof item.addEventListener === "function" &&
          typeof item.removeEventListener === "function";
      } catch {
        // A signal whose members cannot be read is no signal.
      }
      return signal ? out.push(9, item) : out.push(11, 3);
    }
    if (below === 0) return shape === 0 ? out.push(11, 4) : answer ? out.push(11, 5) : out.push(10, item);
    if (shape === 0) {
      const length = guarded(() => item.length, 0, path);
      if (typeof length !== "number") throw [0, path];
      if (!answer && length > MAX_ENTRIES) throw [5, path];
      const count = length > 0 ? Math.min(Math.floor(length), 4294967295) : 0;
      out.push(6, count);
      for (let index = 0; index < count; index++) {
        const itemPath = `${path}[${index}]`;
        walk(guarded(() => item[index], 0, itemPath), itemPath, below - 1);
      }
      return;
    }
    const keys = guarded(() => Reflect.ownKeys(item), 0, path);
    if (!answer && keys.length > MAX_ENTRIES) throw [6, path];
    out.push(7, keys.length);
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index];
      if (typeof key !== "string") throw [2, path];
      if (!answer && loneSurrogate(key)) throw [3, path];
      const entryPath = path ? `${path}.${key}` : key;
      out.push(key);
      walk(guarded(() => item[key], 1, entryPath), entryPath, below - 1);
    }
  };

  try {
    const isArray = guarded(() => argument && Array.isArray(value), 0, "");
    if (isArray) out.push(11, 4);
    else walk(value, "", depth);
    return out;
  } catch (refused) {
    // Anything but a refusal is a stack too deep to go on: the value could not be read.
    return Array.isArray(refused) ? [12, ...refused] : [12, 0, ""];
  }
}
