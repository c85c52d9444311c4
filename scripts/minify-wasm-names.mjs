// Gives the wasm module's imports and exports short names and rewrites the wasm-bindgen glue to
// match, so that neither the wasm nor pkg/index.js carries wasm-bindgen's long hashed names
// (`__wbg_get_2c6e...`, `./snippets/supermemory-connections-<hash>/src/js/guard.js`).
//
//   node scripts/minify-wasm-names.mjs <module>_bg.wasm <module>.js
//
// Rewrites both files in place: the wasm after wasm-opt, the glue before esbuild bundles it
// (scripts/build.sh; scripts/size.mjs does the same to its named copy of the wasm).
//   - Every import moves to one module, named "", under a short name ("a", "b", ... "aa", ...); the
//     glue's import object (`__wbg_get_imports`) is renamed to match: its functions keep their
//     bodies under the short keys, and the snippets' functions (`guardFailed`, ...) join it.
//   - Every export the glue calls (`wasm.<name>`) gets a short name, and the glue's calls follow.
//     Exports of wasm-bindgen's runtime that this glue never calls are dropped (DROPPABLE); any
//     other export the glue does not call fails the build.
//   - The glue also exports, for init()'s check that a module it is given is the package's own:
//     `wasmImports()`, the import object (the exact imports the wasm must have), and
//     `wasmExports`, the wasm's export names in order, comma-separated.
// Only the import and export sections of the wasm change; every other section, the code among
// them, is copied byte for byte.
//
// The build fails, naming what is wrong, when a wasm import has no function in the glue, a glue
// reference to the wasm's exports is not a plain `wasm.<export>`, or names the wasm does not
// export. After writing, it loads the new glue, compares its import object and export list with
// the new wasm's imports and exports name by name, and instantiates the wasm with it (which runs
// nothing: wasm-bindgen starts the module through its `__wbindgen_start` export, not called here).
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** The single import module of the minified wasm: the empty name, the shortest there is. */
const MODULE = "";
/** Exports wasm-bindgen's runtime adds that the glue may never call: dropped when it does not. */
const DROPPABLE = new Set(["__wbindgen_free", "__abort_handler", "__instance_terminated"]);
/** Characters of a short name: any first character of a JS identifier, then digits as well. */
const FIRST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$";
const REST = `${FIRST}0123456789`;

function fail(message) {
  console.error(`minify-wasm-names: ${message}`);
  process.exit(1);
}

/** The index-th short name: a, b, ..., $, aa, ba, ... (identifiers, so unquoted in the glue). */
function shortName(index) {
  let name = FIRST[index % FIRST.length];
  for (let rest = Math.floor(index / FIRST.length); rest > 0; rest = Math.floor((rest - 1) / REST.length)) {
    name += REST[(rest - 1) % REST.length];
  }
  return name;
}

// ---- the wasm binary ----

/** Reads an unsigned LEB128 number at `pos`: [value, position after it]. */
function readLeb(bytes, pos) {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (pos >= bytes.length) throw new Error("truncated LEB128 number");
    const byte = bytes[pos++];
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [value, pos];
    scale *= 128;
  }
}

function leb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Buffer.from(out);
}

const encodeName = (name) => {
  const bytes = Buffer.from(name, "utf8");
  return Buffer.concat([leb(bytes.length), bytes]);
};

function readName(bytes, pos) {
  const [length, start] = readLeb(bytes, pos);
  const name = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(start, start + length));
  return [name, start + length];
}

/** Position after a value type or reference type (a typed reference carries a heap type). */
function skipValueType(bytes, pos) {
  const type = bytes[pos++];
  return type === 0x63 || type === 0x64 ? readLeb(bytes, pos)[1] : pos;
}

/** Position after table or memory limits: flags, minimum, and the maximum when flagged. */
function skipLimits(bytes, pos) {
  const [flags, afterFlags] = readLeb(bytes, pos);
  let next = readLeb(bytes, afterFlags)[1];
  if (flags & 1) next = readLeb(bytes, next)[1];
  return next;
}

/** Position after an import's description of what it imports. */
function skipImportDesc(bytes, pos, kind) {
  switch (kind) {
    case 0: // function: type index
      return readLeb(bytes, pos)[1];
    case 1: // table: reference type, limits
      return skipLimits(bytes, skipValueType(bytes, pos));
    case 2: // memory: limits
      return skipLimits(bytes, pos);
    case 3: // global: value type, mutability
      return skipValueType(bytes, pos) + 1;
    case 4: // tag: attribute, type index
      return readLeb(bytes, pos + 1)[1];
    default:
      throw new Error(`import of unknown kind ${kind}`);
  }
}

/** The module's sections ({ id, start, body, end }), its imports and its exports. */
function parseWasm(bytes) {
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== 0x6d736100 || bytes.readUInt32LE(4) !== 1) {
    throw new Error("not a WebAssembly module (version 1)");
  }
  const sections = [];
  let imports = [];
  let exports = [];
  let pos = 8;
  while (pos < bytes.length) {
    const start = pos;
    const id = bytes[pos];
    const [size, body] = readLeb(bytes, pos + 1);
    const end = body + size;
    if (end > bytes.length) throw new Error(`section ${id} runs past the end of the file`);
    sections.push({ id, start, end });
    if (id === 2) imports = parseImports(bytes.subarray(body, end));
    if (id === 7) exports = parseExports(bytes.subarray(body, end));
    pos = end;
  }
  return { sections, imports, exports };
}

function parseImports(bytes) {
  const imports = [];
  let [count, pos] = readLeb(bytes, 0);
  for (; count > 0; count--) {
    let module;
    let name;
    [module, pos] = readName(bytes, pos);
    [name, pos] = readName(bytes, pos);
    const descStart = pos;
    pos = skipImportDesc(bytes, pos + 1, bytes[pos]);
    imports.push({ module, name, kind: bytes[descStart], desc: bytes.subarray(descStart, pos) });
  }
  if (pos !== bytes.length) throw new Error("the import section has bytes after its last import");
  return imports;
}

function parseExports(bytes) {
  const exports = [];
  let [count, pos] = readLeb(bytes, 0);
  for (; count > 0; count--) {
    let name;
    [name, pos] = readName(bytes, pos);
    const descStart = pos;
    pos = readLeb(bytes, pos + 1)[1];
    exports.push({ name, desc: bytes.subarray(descStart, pos) });
  }
  if (pos !== bytes.length) throw new Error("the export section has bytes after its last export");
  return exports;
}

function section(id, entries) {
  const body = Buffer.concat([leb(entries.length), ...entries]);
  return Buffer.concat([Buffer.from([id]), leb(body.length), body]);
}

/** The module with its import and export sections replaced, every other section as it was. */
function rewriteWasm(bytes, sections, imports, exports) {
  const parts = [bytes.subarray(0, 8)];
  for (const { id, start, end } of sections) {
    if (id === 2) {
      parts.push(section(2, imports.map((entry) => Buffer.concat([encodeName(entry.module), encodeName(entry.name), entry.desc]))));
    } else if (id === 7) {
      parts.push(section(7, exports.map((entry) => Buffer.concat([encodeName(entry.name), entry.desc]))));
    } else {
      parts.push(bytes.subarray(start, end));
    }
  }
  return Buffer.concat(parts);
}

// ---- the glue ----

const IDENT = "[A-Za-z_$][\\w$]*";

/**
 * The parts of `__wbg_get_imports()`: the object literal of the functions it defines (its
 * variable, and its members' keys and line numbers) and the modules of the object it returns.
 * wasm-bindgen writes this function in a fixed layout, read here by indentation: a line at the
 * function's or the objects' own level that is not part of that layout fails the build. The
 * members' bodies, indented further, are not read; the check after writing covers them.
 */
function parseImportFunction(glue) {
  const header = "\nfunction __wbg_get_imports() {\n";
  const start = glue.indexOf(header);
  if (start < 0 || glue.indexOf(header, start + 1) >= 0) fail("the glue has no single `function __wbg_get_imports()`");
  const bodyStart = start + header.length;
  const bodyEnd = glue.indexOf("\n}\n", bodyStart);
  if (bodyEnd < 0) fail("`__wbg_get_imports()` has no end");
  const lines = glue.slice(bodyStart, bodyEnd + 1).split("\n");
  lines.pop();

  const literals = [];
  let returned = null;
  for (let i = 0; i < lines.length; i++) {
    const opening = new RegExp(`^    const (${IDENT}) = \\{$`).exec(lines[i]);
    if (opening) {
      const literal = { variable: opening[1], members: [], open: i, close: -1 };
      for (i++; i < lines.length && lines[i] !== "    };"; i++) {
        const line = lines[i];
        if (line === "" || line === "        __proto__: null,") continue;
        if (line.startsWith("         ")) continue; // indented deeper: a member's body
        const key = new RegExp(`^        (${IDENT}): `).exec(line);
        if (key) literal.members.push({ key: key[1], line: i });
        else if (!line.startsWith("        }")) fail(`unexpected line in \`${literal.variable}\` of __wbg_get_imports(): ${line}`);
      }
      if (i === lines.length) fail(`\`${literal.variable}\` of __wbg_get_imports() has no end`);
      literal.close = i;
      literals.push(literal);
    } else if (lines[i] === "    return {") {
      if (returned !== null) fail("__wbg_get_imports() returns twice");
      returned = { open: i, modules: new Map() };
      for (i++; i < lines.length && lines[i] !== "    };"; i++) {
        if (lines[i] === "        __proto__: null,") continue;
        const entry = new RegExp(`^        (?:"([^"\\\\]*)"|'([^'\\\\]*)'|(${IDENT})): (${IDENT}),$`).exec(lines[i]);
        if (!entry) fail(`unexpected line in the object __wbg_get_imports() returns: ${lines[i]}`);
        // A module named twice is the last one's, as in JavaScript.
        returned.modules.set(entry[1] ?? entry[2] ?? entry[3], entry[4]);
      }
      if (i === lines.length) fail("the object __wbg_get_imports() returns has no end");
      returned.close = i;
    } else if (lines[i].trim() !== "") {
      fail(`unexpected line in __wbg_get_imports(): ${lines[i]}`);
    }
  }
  if (returned === null) fail("__wbg_get_imports() returns no object");
  return { bodyStart, bodyEnd, lines, literals, returned };
}

/** The glue's `import * as <name> from "<path>"` lines: name -> path. */
function namespaceImports(glue) {
  const found = new Map();
  for (const match of glue.matchAll(new RegExp(`^import \\* as (${IDENT}) from (?:"([^"]*)"|'([^']*)');?$`, "gm"))) {
    found.set(match[1], match[2] ?? match[3]);
  }
  return found;
}

/**
 * Walks the glue's code outside strings and comments: `visit(property, before, rest)` gets each
 * `wasm` that is a name of its own (not `wasmModule`, not `x.wasm`), with the property read from
 * it (`wasm.<property>`; undefined when none) and the rest of its line before and after it, and
 * returns what replaces `wasm` and its property. Regular expression literals are not told apart
 * from division; the glue has none with quotes in them, and one would turn up as a failed check,
 * not as a silent miss.
 */
function mapWasmReferences(glue, visit) {
  // Strings ('', "", ``) and comments, matched whole so that nothing inside them is visited.
  const skipped = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\[^])*`|\/\/[^\n]*|\/\*[^]*?\*\//.source;
  const reference = /(?<![\w$.])wasm(?:\.(IDENT))?(?![\w$])(?=([^\n]*))/.source.replace("IDENT", IDENT);
  const pattern = new RegExp(`${skipped}|${reference}`, "g");
  return glue.replace(pattern, (match, property, rest, offset) =>
    rest === undefined ? match : visit(property, glue.slice(glue.lastIndexOf("\n", offset) + 1, offset), rest),
  );
}

/**
 * Whether a `wasm` that is not `wasm.<export>` is one of the glue's own uses of the exports object
 * as a whole: its declaration, its assignment, a test whether it is set, and its return from init.
 * Anything else (`const { x } = wasm`, `wasm[x]`, passing it on) could reach an export by its old
 * name, so it fails the build.
 */
function plainWasm(before, rest) {
  return (
    /^\s*[!=]==\s*undefined\b/.test(rest) ||
    (/^\s*$/.test(before) && /^\s*=\s*instance\.exports\s*;/.test(rest)) ||
    (/(?:^|[\s;{)])return\s+$/.test(before) && /^\s*;/.test(rest)) ||
    (/^let\s+(?:[\w$]+\s*,\s*)*$/.test(before) && /^\s*;/.test(rest))
  );
}

// ---- main ----

async function main() {
  const [wasmPath, gluePath, ...extra] = process.argv.slice(2);
  if (!wasmPath || !gluePath || extra.length > 0) {
    console.error("usage: node scripts/minify-wasm-names.mjs <module>_bg.wasm <module>.js");
    process.exit(2);
  }
  const bytes = readFileSync(wasmPath);
  let glue = readFileSync(gluePath, "utf8");
  let parsed;
  try {
    parsed = parseWasm(bytes);
  } catch (error) {
    fail(`${wasmPath}: ${error.message}`);
  }
  const { sections, imports, exports } = parsed;
  if (imports.some((entry) => entry.module === MODULE)) {
    fail(`${wasmPath} already has imports from "${MODULE}": is it minified already?`);
  }
  if (/^export (?:const|function|let) wasm(?:Imports|Exports)\b/m.test(glue)) {
    fail(`${gluePath} already exports wasmImports or wasmExports`);
  }

  // Imports: each gets the next short name; the glue's function for it is found by its module.
  const fn = parseImportFunction(glue);
  if (fn.literals.length !== 1) fail(`__wbg_get_imports() defines ${fn.literals.length} objects of functions, not one`);
  const [literal] = fn.literals;
  const namespaces = namespaceImports(glue);
  const renamed = new Map(); // key of the literal -> short name
  const added = []; // members the literal gains: [short name, `namespace.function`]
  const newImports = imports.map((entry, index) => {
    const name = shortName(index);
    const variable = fn.returned.modules.get(entry.module);
    if (entry.kind !== 0) fail(`the wasm imports ${entry.module} ${entry.name} of kind ${entry.kind}, not a function`);
    if (variable === undefined) fail(`the wasm imports module "${entry.module}", which __wbg_get_imports() does not provide`);
    if (variable === literal.variable) {
      if (!literal.members.some((member) => member.key === entry.name)) {
        fail(`the wasm imports "${entry.name}" from "${entry.module}", which \`${literal.variable}\` of the glue does not define`);
      }
      if (renamed.has(entry.name)) fail(`the wasm imports "${entry.name}" from "${entry.module}" twice`);
      renamed.set(entry.name, name);
    } else if (namespaces.get(variable) === entry.module) {
      if (!new RegExp(`^${IDENT}$`).test(entry.name)) {
        fail(`the wasm imports "${entry.name}", not a JavaScript name, from "${entry.module}"`);
      }
      added.push([name, `${variable}.${entry.name}`]);
    } else {
      fail(
        `the glue provides module "${entry.module}" as \`${variable}\`, neither its object of functions ` +
          `nor \`import * as ${variable} from "${entry.module}"\``,
      );
    }
    return { ...entry, module: MODULE, name };
  });

  // The new __wbg_get_imports(): the literal's members under their short names (a member the wasm
  // does not import, which wasm-opt may have made unused, is left out), the snippets' functions
  // added, and one module returned.
  const unimported = literal.members.filter((member) => !renamed.has(member.key));
  const dropped = new Set(unimported.map((member) => member.line));
  const out = [];
  let skipping = false;
  fn.lines.forEach((line, i) => {
    if (i > fn.returned.open && i <= fn.returned.close) return;
    if (i === fn.returned.open) {
      out.push("    return {", "        __proto__: null,", `        ${JSON.stringify(MODULE)}: ${literal.variable},`, "    };");
      return;
    }
    const member = literal.members.find((entry) => entry.line === i);
    if (member) skipping = dropped.has(i);
    if (i === literal.close) {
      skipping = false;
      for (const [name, value] of added) out.push(`        ${name}: ${value},`);
    }
    if (skipping) return;
    out.push(member ? line.replace(`        ${member.key}: `, `        ${renamed.get(member.key)}: `) : line);
  });
  glue = `${glue.slice(0, fn.bodyStart)}${out.join("\n")}\n${glue.slice(fn.bodyEnd + 1)}`;
  for (const [oldName] of renamed) {
    if (glue.includes(oldName)) fail(`the glue still names the import "${oldName}" after the rename`);
  }

  // Exports: the ones the glue calls, each under the next short name; the calls follow.
  const exported = new Map(exports.map((entry) => [entry.name, entry]));
  const used = new Set();
  const problems = [];
  mapWasmReferences(glue, (property, before, rest) => {
    if (property !== undefined) {
      if (exported.has(property)) used.add(property);
      else problems.push(`wasm.${property}: the wasm has no such export`);
    } else if (!plainWasm(before, rest)) {
      problems.push(`\`wasm${rest.slice(0, 40)}\`: not a plain wasm.<export>, so its export cannot be renamed`);
    }
    return "";
  });
  const unused = exports.filter((entry) => !used.has(entry.name));
  const unexpected = unused.filter((entry) => !DROPPABLE.has(entry.name));
  for (const entry of unexpected) problems.push(`the wasm exports "${entry.name}", which the glue never calls`);
  if (problems.length > 0) fail(`the glue's uses of the wasm's exports do not match the wasm:\n  ${problems.join("\n  ")}`);
  const kept = exports.filter((entry) => used.has(entry.name));
  const newExports = kept.map((entry, index) => ({ ...entry, name: shortName(index) }));
  const exportName = new Map(kept.map((entry, index) => [entry.name, newExports[index].name]));
  glue = mapWasmReferences(glue, (property) => (property === undefined ? "wasm" : `wasm.${exportName.get(property)}`));

  glue +=
    "\n// The import object and the export names of the wasm this glue was built with, for a check" +
    "\n// that a module given to init() is that one.\n" +
    "export { __wbg_get_imports as wasmImports };\n" +
    `export const wasmExports = ${JSON.stringify(newExports.map((entry) => entry.name).join())};\n`;

  const newBytes = rewriteWasm(bytes, sections, newImports, newExports);
  writeFileSync(wasmPath, newBytes);
  writeFileSync(gluePath, glue);
  await verify(newBytes, gluePath);

  const saved = bytes.length - newBytes.length;
  console.log(
    `minified the wasm's names: ${newImports.length} imports, ${newExports.length} exports (${saved} bytes fewer in the wasm)` +
      (unused.length > 0 ? `; dropped the exports the glue never calls: ${unused.map((entry) => entry.name).join(", ")}` : "") +
      (unimported.length > 0
        ? `; left out the glue's functions the wasm does not import: ${unimported.map((member) => member.key).join(", ")}`
        : ""),
  );
}

/**
 * Loads the rewritten glue and checks it against the rewritten wasm: its import object has
 * exactly the wasm's imports, each a function; its export list is the wasm's; and the wasm
 * instantiates with that import object.
 */
async function verify(bytes, gluePath) {
  const module = new WebAssembly.Module(bytes);
  const glue = await import(pathToFileURL(gluePath).href);
  const provided = glue.wasmImports();
  const have = Object.keys(provided).flatMap((module) => Object.keys(provided[module]).map((name) => `${module}.${name}`)).sort();
  const want = WebAssembly.Module.imports(module).map((entry) => `${entry.module}.${entry.name}`).sort();
  if (have.join() !== want.join()) {
    const missing = want.filter((name) => !have.includes(name));
    const extra = have.filter((name) => !want.includes(name));
    fail(`the rewritten glue's imports do not match the wasm: missing ${missing.join(", ") || "none"}, extra ${extra.join(", ") || "none"}`);
  }
  const notFunctions = have.filter((name) => {
    const [module, field] = name.split(".");
    return typeof provided[module][field] !== "function";
  });
  if (notFunctions.length > 0) fail(`the rewritten glue's imports that are not functions: ${notFunctions.join(", ")}`);
  const exportNames = WebAssembly.Module.exports(module).map((entry) => entry.name).join();
  if (glue.wasmExports !== exportNames) {
    fail(`the rewritten glue's wasmExports "${glue.wasmExports}" is not the wasm's "${exportNames}"`);
  }
  try {
    await WebAssembly.instantiate(module, provided);
  } catch (error) {
    fail(`the rewritten wasm does not instantiate with the rewritten glue's imports: ${error.message}`);
  }
}

await main();
