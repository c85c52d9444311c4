// The OpenAPI document the contract test validates against: the extracted `/v3/connections` part
// of the API's document (connections.openapi.json, written by scripts/extract-openapi.mjs) with
// the deviations of overlay.json applied.
//
// overlay.json is a list of { path, method, change, reason }. `change` is a list of steps on the
// operation `paths[path][method]`, each with a JSON pointer `path` relative to that operation:
//   { "op": "test", "path", "value" }     the value there must equal `value` (records what the
//                                          document says, so a fixed document shows up)
//   { "op": "add", "path", "value" }      sets a member that must not exist yet ("-" appends)
//   { "op": "replace", "path", "value" }  sets a member that must exist
//   { "op": "remove", "path" }            deletes a member that must exist; "" deletes the operation
//   { "op": "copy", "from", "path" }      like add, with the value at `from`, a pointer into the
//                                          extracted document (before any overlay step)
//   { "op": "anyOf", "path", "value" }    the schema there becomes { anyOf: [schema, ...value] }
// Every step throws when its target is not as described, so a stale overlay fails loudly.
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";

export const EXTRACTED_URL = new URL("./connections.openapi.json", import.meta.url);
export const OVERLAY_URL = new URL("./overlay.json", import.meta.url);

const ENTRY_KEYS = ["path", "method", "change", "reason"];
const STEP_KEYS = {
  test: ["op", "path", "value"],
  add: ["op", "path", "value"],
  replace: ["op", "path", "value"],
  remove: ["op", "path"],
  copy: ["op", "from", "path"],
  anyOf: ["op", "path", "value"],
};
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export const loadExtracted = () => JSON.parse(readFileSync(EXTRACTED_URL, "utf8"));
export const loadOverlay = () => JSON.parse(readFileSync(OVERLAY_URL, "utf8"));

/** The reference tokens of a JSON pointer ("" is the whole value). */
function tokens(pointer) {
  if (pointer === "") return [];
  if (typeof pointer !== "string" || !pointer.startsWith("/")) {
    throw new Error(`${JSON.stringify(pointer)} is not a JSON pointer`);
  }
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

const isContainer = (value) => value !== null && typeof value === "object";
const has = (container, key) => isContainer(container) && Object.prototype.hasOwnProperty.call(container, key);

/** The value the tokens lead to from `root`; throws (naming `pointer`) when it does not exist. */
function walk(root, parts, pointer) {
  let value = root;
  for (const token of parts) {
    if (!has(value, token)) throw new Error(`nothing at ${pointer}`);
    value = value[token];
  }
  return value;
}

const resolvePointer = (root, pointer) => walk(root, tokens(pointer), pointer);

/** [parent, key] of the member `pointer` names; the parent must exist. */
function parentOf(root, pointer) {
  const parts = tokens(pointer);
  if (parts.length === 0) throw new Error("this step needs a member, not the whole operation");
  const key = parts.pop();
  const parent = walk(root, parts, pointer);
  if (!isContainer(parent)) throw new Error(`the parent of ${pointer} is not an object or array`);
  return [parent, key];
}

function setNew(root, pointer, value) {
  const [parent, key] = parentOf(root, pointer);
  if (Array.isArray(parent) && key === "-") return void parent.push(value);
  if (has(parent, key)) throw new Error(`${pointer} exists already (use replace)`);
  parent[key] = value;
}

function applyStep(operation, step, extracted) {
  const keys = STEP_KEYS[step?.op];
  if (keys === undefined) throw new Error(`unknown op ${JSON.stringify(step?.op)}`);
  const wrong = Object.keys(step).filter((key) => !keys.includes(key));
  const missing = keys.filter((key) => !(key in step));
  if (wrong.length > 0 || missing.length > 0) {
    throw new Error(`a "${step.op}" step has exactly ${keys.join(", ")}`);
  }
  const { op, path } = step;
  if (path === "" && op !== "test" && op !== "remove") throw new Error(`"${op}" needs a member, not the whole operation`);
  switch (op) {
    case "test": {
      if (!isDeepStrictEqual(resolvePointer(operation, path), step.value)) {
        throw new Error(`the document no longer says ${JSON.stringify(step.value)} at ${path}`);
      }
      return;
    }
    case "add":
      return setNew(operation, path, structuredClone(step.value));
    case "copy":
      return setNew(operation, path, structuredClone(resolvePointer(extracted, step.from)));
    case "replace":
    case "remove":
    case "anyOf": {
      const [parent, key] = parentOf(operation, path);
      if (!has(parent, key)) throw new Error(`nothing at ${path}`);
      if (op === "replace") parent[key] = structuredClone(step.value);
      else if (op === "anyOf") {
        if (!Array.isArray(step.value) || step.value.length === 0) throw new Error(`"anyOf" needs a non-empty array`);
        parent[key] = { anyOf: [parent[key], ...structuredClone(step.value)] };
      } else if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    }
  }
}

/** Checks an overlay's shape; returns it. */
export function checkOverlay(overlay) {
  if (!Array.isArray(overlay)) throw new Error("the overlay must be an array");
  overlay.forEach((entry, index) => {
    const where = `overlay entry ${index}`;
    if (!isContainer(entry) || Array.isArray(entry)) throw new Error(`${where} must be an object`);
    const keys = Object.keys(entry).sort();
    if (!isDeepStrictEqual(keys, [...ENTRY_KEYS].sort())) {
      throw new Error(`${where} must have exactly ${ENTRY_KEYS.join(", ")}`);
    }
    if (typeof entry.path !== "string" || !entry.path.startsWith("/v3/connections")) {
      throw new Error(`${where}: path must be a /v3/connections path`);
    }
    if (!METHODS.includes(entry.method)) throw new Error(`${where}: method must be one of ${METHODS.join(", ")}`);
    if (!Array.isArray(entry.change) || entry.change.length === 0) throw new Error(`${where}: change must list steps`);
    if (typeof entry.reason !== "string" || entry.reason.trim().length < 20) {
      throw new Error(`${where}: reason must say why, in a sentence`);
    }
  });
  return overlay;
}

/**
 * The extracted document with the overlay applied, as a new object. Throws (naming the entry and
 * the step) when an entry no longer fits the document.
 */
export function applyOverlay(extracted, overlay) {
  checkOverlay(overlay);
  const doc = structuredClone(extracted);
  overlay.forEach((entry, index) => {
    const where = `overlay entry ${index} (${entry.method.toUpperCase()} ${entry.path})`;
    const item = doc.paths?.[entry.path];
    if (!isContainer(item) || !isContainer(item[entry.method])) throw new Error(`${where}: no such operation`);
    entry.change.forEach((step, stepIndex) => {
      try {
        if (step?.op === "remove" && step.path === "") {
          if (Object.keys(step).length !== 2) throw new Error(`a "remove" step has exactly op, path`);
          delete item[entry.method];
          if (!METHODS.some((method) => method in item)) delete doc.paths[entry.path];
          return;
        }
        if (!isContainer(item[entry.method])) throw new Error("the operation was removed by an earlier step");
        applyStep(item[entry.method], step, extracted);
      } catch (error) {
        throw new Error(`${where}, step ${stepIndex}: ${error.message}`);
      }
    });
  });
  return doc;
}

/** The document the contract test runs Prism with: extracted + overlay. */
export function effectiveSpec() {
  return applyOverlay(loadExtracted(), loadOverlay());
}
