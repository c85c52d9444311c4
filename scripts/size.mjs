// What a browser downloads for this package, and where the wasm's bytes go.
//   node scripts/size.mjs          the size table, the wasm's biggest items, its bytes by section
//                                  and by crate; fails when the gzip total is over the budget
//   node scripts/size.mjs --check  the size table and the budget check only (CI: node alone)
// Needs a built pkg/ (bash scripts/build.sh). The budget is `gzipBytes` in size-budget.json.
//
// The browser entry is pkg/index.js (the package's own layer and the wasm-bindgen glue in one
// minified module), which fetches the wasm: those two files are the download. gzip is zlib at level 9, brotli zlib at quality 11.
//
// pkg/'s wasm has no names (wasm-opt drops the name section). For the item list the script
// rebuilds a named copy of the same wasm: wasm-bindgen on target/wasm32-unknown-unknown/release/
// (built with strip = "debuginfo", so its name section is kept; SIZE_TOP_ITEMS=N lists N items), then `wasm-opt --flatten --rereloop -Oz -Oz --converge --low-memory-unused -g` (build.sh's passes)
// and the build's short import and export names (scripts/minify-wasm-names.mjs), and checks that
// the copy's code section is byte-for-byte pkg/'s before trusting the names. Without
// wasm-bindgen it reads target/'s wasm itself (names right, sizes from before wasm-bindgen and
// wasm-opt), and says so. twiggy, when installed, adds its retained sizes (`twiggy top
// --retained`); nothing here needs it.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUDGET_FILE = "size-budget.json";
const NAME = "supermemory_connections";
/** The browser entry's files, in the order the browser fetches them. */
const DOWNLOAD = ["pkg/index.js", `pkg/${NAME}_bg.wasm`];
const TARGET_WASM = `target/wasm32-unknown-unknown/release/${NAME}_npm.wasm`;
const TOP_ITEMS = Number(process.env.SIZE_TOP_ITEMS ?? 15);

const checkOnly = process.argv.includes("--check");
for (const arg of process.argv.slice(2)) {
  if (arg !== "--check") {
    console.error(`unexpected argument ${JSON.stringify(arg)}; usage: node scripts/size.mjs [--check]`);
    process.exit(2);
  }
}

// ---- sizes ----

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const brotli = (bytes) =>
  brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  }).length;

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const num = (n) => n.toLocaleString("en-US");
const pct = (part, whole) => `${((100 * part) / whole).toFixed(1)}%`;

/** Prints rows as an aligned text table; `align` holds "l" or "r" per column. */
function table(header, rows, align) {
  const all = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row) =>
    row.map((cell, i) => (align[i] === "r" ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join("  ").trimEnd();
  console.log(line(all[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of all.slice(1)) console.log(line(row));
}

function measure() {
  const missing = DOWNLOAD.filter((file) => !existsSync(join(ROOT, file)));
  if (missing.length > 0) {
    console.error(`missing ${missing.join(", ")}: build the package first (bash scripts/build.sh)`);
    process.exit(2);
  }
  const files = DOWNLOAD.map((file) => {
    const bytes = readFileSync(join(ROOT, file));
    return { file, raw: bytes.length, gzip: gzip(bytes), brotli: brotli(bytes) };
  });
  const total = { file: "total", raw: 0, gzip: 0, brotli: 0 };
  for (const f of files) for (const key of ["raw", "gzip", "brotli"]) total[key] += f[key];
  return { files, total };
}

function readBudget() {
  const path = join(ROOT, BUDGET_FILE);
  let budget;
  try {
    budget = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    console.error(`cannot read ${BUDGET_FILE}: ${error.message}`);
    process.exit(2);
  }
  if (!Number.isInteger(budget.gzipBytes) || budget.gzipBytes <= 0) {
    console.error(`${BUDGET_FILE}: gzipBytes must be a positive integer`);
    process.exit(2);
  }
  return budget;
}

// ---- the wasm binary ----

/** Splits a wasm module into sections, its function bodies, data segments and names. */
function parseWasm(bytes) {
  let pos = 0;
  const u32 = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[pos++];
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  };
  const str = () => {
    const len = u32();
    const text = new TextDecoder().decode(bytes.subarray(pos, pos + len));
    pos += len;
    return text;
  };
  /** Skips a constant expression (an offset): instructions up to the matching `end`. */
  const skipConstExpr = () => {
    for (;;) {
      const op = bytes[pos++];
      if (op === 0x0b) return;
      if (op === 0x41 || op === 0x42 || op === 0x23) {
        while (bytes[pos++] & 0x80);
      } else if (op === 0x44) pos += 8;
      else if (op === 0x43) pos += 4;
      else throw new Error(`unexpected opcode 0x${op.toString(16)} in a data offset`);
    }
  };
  if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error("not a wasm module");
  pos = 8;
  const SECTION_NAMES = [
    "custom", "type", "import", "function", "table", "memory", "global",
    "export", "start", "element", "code", "data", "datacount", "tag",
  ];
  const sections = [];
  const functions = [];
  const data = [];
  const functionNames = new Map();
  const dataNames = new Map();
  const exportNames = new Map();
  let importedFunctions = 0;
  let codeBytes = null;
  while (pos < bytes.length) {
    const start = pos;
    const id = bytes[pos++];
    const size = u32();
    const end = pos + size;
    let name = SECTION_NAMES[id] ?? `section ${id}`;
    if (id === 0) {
      name = `custom "${str()}"`;
      if (name === 'custom "name"') {
        while (pos < end) {
          const sub = bytes[pos++];
          const subSize = u32();
          const subEnd = pos + subSize;
          if (sub === 1 || sub === 9) {
            const map = sub === 1 ? functionNames : dataNames;
            for (let n = u32(); n > 0; n--) map.set(u32(), str());
          }
          pos = subEnd;
        }
      }
    } else if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        str();
        str();
        const kind = bytes[pos++];
        if (kind === 0) {
          u32();
          importedFunctions++;
        } else if (kind === 1) {
          pos++;
          const flags = u32();
          u32();
          if (flags & 1) u32();
        } else if (kind === 2) {
          const flags = u32();
          u32();
          if (flags & 1) u32();
        } else if (kind === 3) pos += 2;
        else if (kind === 4) {
          pos++;
          u32();
        }
      }
    } else if (id === 7) {
      for (let n = u32(); n > 0; n--) {
        const exportName = str();
        const kind = bytes[pos++];
        const index = u32();
        if (kind === 0) exportNames.set(index, exportName);
      }
    } else if (id === 10) {
      codeBytes = bytes.subarray(pos, end);
      const count = u32();
      for (let i = 0; i < count; i++) {
        const bodyStart = pos;
        const bodySize = u32();
        pos += bodySize;
        functions.push({ index: importedFunctions + i, size: pos - bodyStart });
      }
    } else if (id === 11) {
      const count = u32();
      for (let i = 0; i < count; i++) {
        const segmentStart = pos;
        const flags = u32();
        if (flags === 2) u32();
        if (flags !== 1) skipConstExpr();
        const length = u32();
        pos += length;
        data.push({ index: i, size: pos - segmentStart });
      }
    }
    pos = end;
    const counts = { import: `${importedFunctions} functions`, code: `${functions.length} functions`, data: `${data.length} segments` };
    sections.push({ name: counts[name] ? `${name} (${counts[name]})` : name, size: end - start });
  }
  for (const f of functions) {
    f.name = functionNames.get(f.index) ?? (exportNames.has(f.index) ? `export "${exportNames.get(f.index)}"` : null);
  }
  for (const d of data) d.name = dataNames.has(d.index) ? `data segment "${dataNames.get(d.index)}"` : null;
  return { size: bytes.length, sections, functions, data, codeBytes, hasNames: functionNames.size > 0 };
}

/** `~/.cargo/bin/<tool>` or the tool on PATH, else null. */
function findTool(tool) {
  const candidates = [join(homedir(), ".cargo", "bin", tool), ...(process.env.PATH ?? "").split(":").map((dir) => join(dir, tool))];
  return candidates.find((path) => path && existsSync(path)) ?? null;
}

/**
 * A wasm with names whose items have pkg/'s sizes: { wasm, bytes, path, note }, or the pkg/ wasm
 * itself (unnamed) when no source of names is available.
 */
function namedWasm(pkgWasm, scratch) {
  if (pkgWasm.hasNames) return { wasm: pkgWasm, note: "names from pkg/'s own name section" };
  const target = join(ROOT, TARGET_WASM);
  if (!existsSync(target)) {
    return { wasm: pkgWasm, note: `no names: ${TARGET_WASM} is missing (run bash scripts/build.sh)` };
  }
  const bindgen = findTool("wasm-bindgen");
  const wasmOpt = join(ROOT, "node_modules", ".bin", "wasm-opt");
  if (bindgen === null || !existsSync(wasmOpt)) {
    const bytes = readFileSync(target);
    return {
      wasm: parseWasm(bytes),
      path: target,
      note:
        `names and sizes from ${TARGET_WASM} (before wasm-bindgen and wasm-opt, so larger than pkg/: ` +
        `${num(bytes.length)} bytes); install wasm-bindgen for pkg/'s own sizes`,
    };
  }
  const named = join(scratch, "named.wasm");
  try {
    execFileSync(bindgen, ["--target", "web", "--no-typescript", "--out-dir", scratch, "--out-name", NAME, target], { stdio: "pipe" });
    execFileSync(wasmOpt, ["--flatten", "--rereloop", "-Oz", "-Oz", "--converge", "--low-memory-unused", "-g", join(scratch, `${NAME}_bg.wasm`), "-o", named], { stdio: "pipe" });
    // As the build does, so that the import and export sections are pkg/'s too.
    execFileSync(process.execPath, [join(ROOT, "scripts", "minify-wasm-names.mjs"), named, join(scratch, `${NAME}.js`)], { stdio: "pipe" });
  } catch (error) {
    const why = String(error.stderr || error.message).trim().split("\n")[0];
    return {
      wasm: parseWasm(readFileSync(target)),
      path: target,
      note: `names and sizes from ${TARGET_WASM} itself (before wasm-bindgen and wasm-opt): the named rebuild failed: ${why}`,
    };
  }
  const wasm = parseWasm(readFileSync(named));
  const same = wasm.codeBytes !== null && pkgWasm.codeBytes !== null && Buffer.compare(wasm.codeBytes, pkgWasm.codeBytes) === 0;
  const note = same
    ? `names from a copy rebuilt from ${TARGET_WASM} with wasm-bindgen, build.sh's \`wasm-opt\` passes with -g and short import and export names; ` +
      "its code section is byte-for-byte pkg/'s, so the sizes are pkg/'s"
    : `WARNING: ${TARGET_WASM} is not the build in pkg/ (its rebuilt code section differs): ` +
      "the items below describe target/; rebuild with bash scripts/build.sh";
  return { wasm, path: named, note };
}

const LEGACY_ESCAPES = { SP: "@", BP: "*", RF: "&", LT: "<", GT: ">", LP: "(", RP: ")", C: "," };

/** Demangles a legacy Rust symbol (`_ZN...E`, as in target/'s name section); others unchanged. */
function demangle(name) {
  const match = /^_ZN(\d.*)E$/s.exec(name);
  if (!match) return name;
  const parts = [];
  let rest = match[1];
  while (rest.length > 0) {
    const length = /^\d+/.exec(rest);
    if (!length) return name;
    const start = length[0].length;
    parts.push(rest.slice(start, start + Number(length[0])));
    rest = rest.slice(start + Number(length[0]));
  }
  return parts
    .map((part) =>
      part
        .replace(/^_\$/, "$")
        .replace(/\.\./g, "::")
        .replace(/\$u([0-9a-f]+)\$/g, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
        .replace(/\$(SP|BP|RF|LT|GT|LP|RP|C)\$/g, (_, code) => LEGACY_ESCAPES[code]),
    )
    .join("::");
}

/** A function name for display: demangled, no `::h<hash>` suffix, no `[<crate hash>]` disambiguators. */
function shortName(name) {
  return demangle(name).replace(/::h[0-9a-f]{16}$/, "").replace(/\[[0-9a-f]{16}\]/g, "");
}

/** Which crate an item's bytes are counted under (generic code counts under its own crate). */
function crateOf(item) {
  if (item.kind === "data") return "data (strings, tables: .rodata/.data)";
  const name = item.name;
  if (name === null) return "(unnamed)";
  if (/ shim/.test(name) || name.startsWith("__wbindgen") || name.startsWith("__externref")) return "wasm-bindgen generated shims";
  if (name.startsWith("export ")) return "(unnamed exports)";
  const clean = shortName(name).replace(/^[<&*\s]+(?:mut |const |dyn )?/, "");
  const crate = /^([A-Za-z_][A-Za-z0-9_]*)::/.exec(clean);
  return crate ? crate[1] : "other (compiler builtins, no path)";
}

function printWasmReport(pkgWasmBytes) {
  const pkgWasm = parseWasm(pkgWasmBytes);
  const scratch = mkdtempSync(join(tmpdir(), "sm-size-"));
  try {
    const { wasm, path, note } = namedWasm(pkgWasm, scratch);
    // The name section of the named copy is not part of the download: percentages use the rest.
    const counted = wasm.sections.filter((s) => s.name !== 'custom "name"');
    const whole = counted.reduce((sum, s) => sum + s.size, 0);

    console.log(`\nwasm by section (${num(whole)} bytes without a name section)`);
    table(
      ["section", "bytes", "share"],
      counted.filter((s) => s.size > 0).sort((a, b) => b.size - a.size).map((s) => [s.name, num(s.size), pct(s.size, whole)]),
      ["l", "r", "r"],
    );

    const items = [
      ...wasm.functions.map((f) => ({ ...f, kind: "code", label: f.name === null ? `code[${f.index}]` : shortName(f.name) })),
      ...wasm.data.map((d) => ({ ...d, kind: "data", label: d.name ?? `data[${d.index}]` })),
    ].sort((a, b) => b.size - a.size);

    console.log(`\nthe ${TOP_ITEMS} biggest wasm items (${note})`);
    table(
      ["bytes", "share", "item"],
      items
        .slice(0, TOP_ITEMS)
        .map((item) => [num(item.size), pct(item.size, whole), item.label.length > 110 ? `${item.label.slice(0, 107)}...` : item.label]),
      ["r", "r", "l"],
    );
    if (items.some((item) => item.label.startsWith("js_sys::futures::future_to_promise::"))) {
      console.log(
        "(js_sys::futures::future_to_promise::{{closure}} items are the package's own async exports: each\n" +
          " `#[wasm_bindgen] async fn` body is inlined into js-sys' generic wrapper, one copy per export)",
      );
    }

    const byCrate = new Map();
    for (const item of items) {
      const crate = crateOf(item);
      const entry = byCrate.get(crate) ?? { bytes: 0, count: 0 };
      entry.bytes += item.size;
      entry.count += 1;
      byCrate.set(crate, entry);
    }
    console.log("\ncode and data by crate (a generic function counts under the crate that defines it)");
    table(
      ["crate", "items", "bytes", "share"],
      [...byCrate].sort((a, b) => b[1].bytes - a[1].bytes).map(([crate, e]) => [crate, e.count, num(e.bytes), pct(e.bytes, whole)]),
      ["l", "r", "r", "r"],
    );

    const twiggy = findTool("twiggy");
    if (twiggy !== null && path !== undefined) {
      console.log("\ntwiggy (installed): retained sizes (an item and all it alone keeps alive; % of the file with names)");
      const out = execFileSync(twiggy, ["top", "--retained", "-n", String(TOP_ITEMS), path], { encoding: "utf8" });
      console.log(out.trimEnd());
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ---- main ----

const { files, total } = measure();
const budget = readBudget();
console.log("what a browser downloads for `import ... from \"supermemory-connections\"` (pkg/index.js entry)");
table(
  ["file", "raw", "gzip -9", "brotli q11"],
  [...files, total].map((f) => [f.file, num(f.raw), num(f.gzip), num(f.brotli)]),
  ["l", "r", "r", "r"],
);
console.log(`(${kb(total.raw)} raw, ${kb(total.gzip)} gzip, ${kb(total.brotli)} brotli)`);

if (!checkOnly) {
  try {
    printWasmReport(readFileSync(join(ROOT, DOWNLOAD[1])));
  } catch (error) {
    console.log(`\n(the wasm analysis failed: ${error.message}; the budget check below still applies)`);
  }
}

const over = total.gzip > budget.gzipBytes;
console.log(
  `\ngzip total ${num(total.gzip)} bytes, budget ${num(budget.gzipBytes)} bytes (${BUDGET_FILE}): ` +
    (over ? `OVER by ${num(total.gzip - budget.gzipBytes)} bytes` : `${num(budget.gzipBytes - total.gzip)} bytes to spare`),
);
if (over) {
  console.error(`size budget exceeded: ${num(total.gzip)} > ${num(budget.gzipBytes)} gzip bytes`);
  process.exit(1);
}
