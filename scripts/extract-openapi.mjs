// Extracts the `/v3/connections` part of the supermemory OpenAPI document into
// tests/contract/connections.openapi.json, which the contract test runs Prism with.
//
//   node scripts/extract-openapi.mjs [path/to/supermemory-openapi.yaml]
//
// Default input: ../shared/openapi/supermemory-openapi.yaml beside the repository. Kept: the
// document's `openapi`, `info`, `servers`, `security`, `components.securitySchemes`, every path
// starting with `/v3/connections`, and every component those paths reference (transitively).
// Dropped: `x-codeSamples`. Output: JSON with object keys sorted, two-space indent, so the
// committed file changes only when the extracted part does. Run it by hand and commit the
// result; tests/contract/extract.test.mjs fails when the committed file is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parse } from "yaml";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_SOURCE = resolve(REPO_ROOT, "..", "shared", "openapi", "supermemory-openapi.yaml");
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

function main() {
  const args = process.argv.slice(2);
  if (args.length > 1 || args.some((arg) => arg.startsWith("-"))) {
    process.stderr.write("usage: node scripts/extract-openapi.mjs [path/to/supermemory-openapi.yaml]\n");
    process.exit(2);
  }
  const source = args.length === 1 ? resolve(args[0]) : DEFAULT_SOURCE;
  let yamlText;
  try {
    yamlText = readFileSync(source, "utf8");
  } catch (error) {
    process.stderr.write(`cannot read ${source}: ${error.message}\n`);
    process.exit(1);
  }
  const text = extractText(yamlText);
  writeFileSync(OUTPUT, text);
  const doc = JSON.parse(text);
  const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
  const operations = Object.values(doc.paths).flatMap((item) => methods.filter((m) => m in item)).length;
  const schemas = Object.keys(doc.components.schemas ?? {}).join(", ") || "none";
  process.stdout.write(
    `wrote ${relative(REPO_ROOT, OUTPUT)}: ${Object.keys(doc.paths).length} paths, ` +
      `${operations} operations, schemas: ${schemas}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
