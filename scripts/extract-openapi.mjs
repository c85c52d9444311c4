// Refreshes the package's reference copy of the API: the `/v3/connections` part of the supermemory
// OpenAPI document, kept as tests/contract/connections.openapi.json, which the contract check runs
// Prism with. A maintainer command, run by hand with a newer copy of the document:
//
//   node scripts/extract-openapi.mjs path/to/supermemory-openapi.yaml [--output file.json]
//
// Kept: the document's `openapi`, `info`, `servers`, `security`, `components.securitySchemes`,
// every path starting with `/v3/connections`, and every component those paths reference
// (transitively). Dropped: `x-codeSamples`. Output: JSON with object keys sorted, two-space indent,
// so the file changes only when the extracted part does. It prints what changed against the file
// it replaces (operations and components added, removed or changed); review the overlay
// (tests/contract/overlay.json) and the emulator against those changes, then commit.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parse } from "yaml";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const OUTPUT = join(REPO_ROOT, "tests", "contract", "connections.openapi.json");

const PATH_PREFIX = "/v3/connections";
const DROPPED_KEYS = new Set(["x-codeSamples"]);
const TOP_LEVEL_KEYS = ["openapi", "info", "servers", "security"];

/** A copy of `value` without the dropped keys, object keys sorted (arrays keep their order). */
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== "object") return value;
  const out = {};
  for (const key of Object.keys(value).sort()) {
    if (!DROPPED_KEYS.has(key)) out[key] = canonical(value[key]);
  }
  return out;
}

/** Every `$ref` string inside `value`. */
function refsIn(value, found = []) {
  if (Array.isArray(value)) value.forEach((item) => refsIn(item, found));
  else if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$ref" && typeof inner === "string") found.push(inner);
      else refsIn(inner, found);
    }
  }
  return found;
}

const unescapePointer = (part) => part.replace(/~1/g, "/").replace(/~0/g, "~");

/**
 * The `/v3/connections` part of a parsed OpenAPI document, as a new object with sorted keys.
 * Throws when a kept part references something outside `#/components/<kind>/<name>`, or a
 * component that does not exist.
 */
export function extractConnections(doc) {
  const out = {};
  for (const key of TOP_LEVEL_KEYS) {
    if (doc[key] !== undefined) out[key] = doc[key];
  }
  const paths = Object.keys(doc.paths ?? {}).filter((path) => path.startsWith(PATH_PREFIX));
  if (paths.length === 0) throw new Error(`the document has no path starting with ${PATH_PREFIX}`);
  out.paths = Object.fromEntries(paths.map((path) => [path, doc.paths[path]]));

  const components = {};
  if (doc.components?.securitySchemes !== undefined) components.securitySchemes = doc.components.securitySchemes;
  // Follow references until no new component turns up.
  const pending = refsIn(canonical(out.paths));
  const seen = new Set();
  while (pending.length > 0) {
    const ref = pending.pop();
    if (seen.has(ref)) continue;
    seen.add(ref);
    const match = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref);
    if (match === null) throw new Error(`unsupported $ref ${JSON.stringify(ref)}: only #/components/<kind>/<name>`);
    const [kind, name] = [unescapePointer(match[1]), unescapePointer(match[2])];
    const target = doc.components?.[kind]?.[name];
    if (target === undefined) throw new Error(`$ref ${JSON.stringify(ref)} names no component`);
    components[kind] ??= {};
    components[kind][name] = target;
    pending.push(...refsIn(canonical(target)));
  }
  out.components = components;
  return canonical(out);
}

/** The extracted document as the committed file's text, from the YAML text of the whole one. */
export function extractText(yamlText) {
  const doc = parse(yamlText, { maxAliasCount: -1 });
  return `${JSON.stringify(extractConnections(doc), null, 2)}\n`;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Every part of an extract that a change is reported for, by name, as canonical JSON text. */
function parts(doc) {
  const out = new Map();
  for (const [path, item] of Object.entries(doc?.paths ?? {})) {
    for (const [key, value] of Object.entries(item)) {
      const name = METHODS.includes(key) ? `operation ${key.toUpperCase()} ${path}` : `path ${path} ${key}`;
      out.set(name, JSON.stringify(value));
    }
  }
  for (const [kind, entries] of Object.entries(doc?.components ?? {})) {
    for (const [name, value] of Object.entries(entries)) out.set(`components.${kind}.${name}`, JSON.stringify(value));
  }
  for (const key of TOP_LEVEL_KEYS) {
    if (doc?.[key] !== undefined) out.set(key, JSON.stringify(doc[key]));
  }
  return out;
}

/**
 * What changed from the `before` extract to the `after` one, as lines such as
 * `added operation POST /v3/connections/x`; an empty list when nothing did.
 */
export function describeChanges(before, after) {
  const [old, now] = [parts(before), parts(after)];
  const lines = [];
  for (const [name, text] of now) {
    if (!old.has(name)) lines.push(`added ${name}`);
    else if (old.get(name) !== text) lines.push(`changed ${name}`);
  }
  for (const name of old.keys()) {
    if (!now.has(name)) lines.push(`removed ${name}`);
  }
  return lines.sort();
}

const USAGE = "usage: node scripts/extract-openapi.mjs <path/to/supermemory-openapi.yaml> [--output <file>]\n";

function main() {
  const args = process.argv.slice(2);
  let output = OUTPUT;
  const outputAt = args.indexOf("--output");
  if (outputAt >= 0) {
    output = args[outputAt + 1] === undefined ? "" : resolve(args[outputAt + 1]);
    args.splice(outputAt, 2);
  }
  if (args.length !== 1 || args[0].startsWith("-") || output === "") {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  const source = resolve(args[0]);
  let yamlText;
  try {
    yamlText = readFileSync(source, "utf8");
  } catch (error) {
    process.stderr.write(`cannot read ${args[0]}: ${error.message}\n`);
    process.exit(1);
  }
  let text;
  try {
    text = extractText(yamlText);
  } catch (error) {
    process.stderr.write(`cannot extract from ${args[0]}: ${error.message}\n`);
    process.exit(1);
  }
  let before = null;
  try {
    before = JSON.parse(readFileSync(output, "utf8"));
  } catch {
    before = null;
  }
  writeFileSync(output, text);
  const doc = JSON.parse(text);
  const operations = Object.values(doc.paths).flatMap((item) => METHODS.filter((m) => m in item)).length;
  const schemas = Object.keys(doc.components.schemas ?? {}).join(", ") || "none";
  const changes = before === null ? ["(no earlier extract to compare with)"] : describeChanges(before, doc);
  process.stdout.write(
    `wrote ${relative(process.cwd(), output) || output}: ${Object.keys(doc.paths).length} paths, ` +
      `${operations} operations, schemas: ${schemas}\n` +
      (changes.length === 0 ? "no change\n" : `${changes.map((line) => `  ${line}`).join("\n")}\n`),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
