// The API reference, pkg-template/API.md: it is what scripts/api-reference.mjs writes from
// pkg-template/index.d.ts right now, and every export of index.d.ts (as the TypeScript checker
// sees them) has a section there with documentation from a doc comment.
//
//   node --test tests/types/api-reference.test.mjs
//
// When the first test fails, regenerate with `node scripts/api-reference.mjs`; when the second
// fails, document the export named in the message in index.d.ts, then regenerate.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { NO_DOCS } from "../../scripts/api-reference.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const script = join(root, "scripts", "api-reference.mjs");
const dtsPath = join(root, "pkg-template", "index.d.ts");
const apiPath = join(root, "pkg-template", "API.md");

function generator(...args) {
  return spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: "utf8" });
}

/** The module's exports per the type checker, in declaration order, and whether each has a doc comment. */
function exportsOf(file) {
  const program = ts.createProgram({ rootNames: [file], options: { noEmit: true, noLib: true, types: [] } });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(file));
  assert.ok(moduleSymbol !== undefined, `${file} is not a module`);
  const documented = (symbol) =>
    ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== "" ||
    symbol.getJsDocTags(checker).length > 0;
  return checker
    .getExportsOfModule(moduleSymbol)
    .map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return {
        name: symbol.name,
        position: Math.min(...(symbol.declarations ?? []).map((d) => d.getStart())),
        documented: documented(symbol) || documented(target),
      };
    })
    .sort((a, b) => a.position - b.position);
}

/** Level-2 and level-3 sections of the Markdown by heading, each with its lines outside code blocks. */
function sectionsOf(markdown) {
  const sections = [];
  let fence = null;
  for (const line of markdown.split("\n")) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      sections.at(-1)?.lines.push({ code: true, line });
      continue;
    }
    if (marker !== undefined) {
      fence = marker;
      sections.at(-1)?.lines.push({ code: true, line });
      continue;
    }
    const heading = /^(#{2,3}) (.+)$/.exec(line);
    if (heading !== null) sections.push({ level: heading[1].length, title: heading[2], lines: [] });
    else sections.at(-1)?.lines.push({ code: false, line });
  }
  return sections;
}

/**
 * What is wrong with the documentation of `dtsFile`'s exports in `markdown`: exports without a
 * doc comment, without a section, or whose section shows no documentation after the declaration;
 * and sections for names that are not exported.
 */
function documentationProblems(dtsFile, markdown) {
  const problems = [];
  const exported = exportsOf(dtsFile);
  const sections = new Map(
    sectionsOf(markdown)
      .filter((s) => s.level === 2 && /^`[^`]+`$/.test(s.title))
      .map((s) => [s.title.slice(1, -1), s]),
  );
  for (const { name, documented } of exported) {
    if (!documented) problems.push(`export \`${name}\` has no doc comment in ${dtsFile}`);
    const section = sections.get(name);
    if (section === undefined) {
      problems.push(`export \`${name}\` has no section "## \`${name}\`"`);
      continue;
    }
    // Layout: kind line, the declaration in a code block, then the documentation.
    const firstCode = section.lines.findIndex((l) => l.code);
    if (firstCode < 0) {
      problems.push(`section \`${name}\` has no declaration code block`);
      continue;
    }
    const afterDeclaration = section.lines.slice(firstCode).findIndex((l) => !l.code);
    const docs = section.lines
      .slice(afterDeclaration < 0 ? section.lines.length : firstCode + afterDeclaration)
      .filter((l) => !l.code && l.line.trim() !== "")
      .map((l) => l.line.trim())
      .filter((line) => !line.startsWith("|") && !/^\*\*Members\b/.test(line));
    if (docs.length === 0 || docs[0] === NO_DOCS) {
      problems.push(`section \`${name}\` shows no documentation`);
    }
  }
  const names = new Set(exported.map((e) => e.name));
  for (const name of sections.keys()) {
    if (!names.has(name)) problems.push(`section \`${name}\` is not an export of ${dtsFile}`);
  }
  const order = [...sections.keys()].filter((name) => names.has(name));
  const expected = exported.map((e) => e.name).filter((name) => sections.has(name));
  if (JSON.stringify(order) !== JSON.stringify(expected)) {
    problems.push(`sections are not in declaration order: ${order.join(", ")}`);
  }
  return problems;
}

/** GitHub's heading anchors (github-slugger), for checking the reference's links. */
function anchorsOf(markdown) {
  const anchors = new Set();
  const counts = new Map();
  let fence = null;
  for (const line of markdown.split("\n")) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      continue;
    }
    if (marker !== undefined) {
      fence = marker;
      continue;
    }
    const heading = /^#{1,6} (.+)$/.exec(line);
    if (heading === null) continue;
    const base = heading[1]
      .replace(/`/g, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

test("pkg-template/API.md is what scripts/api-reference.mjs writes from index.d.ts now", () => {
  const result = generator("--check");
  assert.equal(
    result.status,
    0,
    `the generator's --check failed (exit ${result.status}):\n${result.stderr}${result.stdout}`,
  );
});

test("every export of index.d.ts has a documented section in API.md, in declaration order", () => {
  const problems = documentationProblems(dtsPath, readFileSync(apiPath, "utf8"));
  assert.deepEqual(problems, [], `API.md / index.d.ts:\n  ${problems.join("\n  ")}`);
  // The default export and a few known names, so an empty module cannot pass.
  const names = exportsOf(dtsPath).map((e) => e.name);
  for (const name of ["Supermemory", "createConnection", "SupermemoryError", "DEFAULT_ALLOWED_HOSTS", "default"]) {
    assert.ok(names.includes(name), `${name} is exported`);
  }
});

const serverDts = join(root, "pkg-template", "server.d.ts");
const serverApi = join(root, "pkg-template", "SERVER-API.md");

test("pkg-template/SERVER-API.md is what the generator writes from server.d.ts now, and documents every export", () => {
  const result = generator("--check", "--input", serverDts, "--output", serverApi);
  assert.equal(result.status, 0, `the generator's --check failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
  const markdown = readFileSync(serverApi, "utf8");
  assert.ok(markdown.startsWith("# supermemory-connections/server API reference\n"), markdown.slice(0, 80));
  const problems = documentationProblems(serverDts, markdown);
  assert.deepEqual(problems, [], `SERVER-API.md / server.d.ts:\n  ${problems.join("\n  ")}`);
  const names = exportsOf(serverDts).map((e) => e.name);
  for (const name of ["createProxy", "toNodeHandler", "ProxyOptions"]) assert.ok(names.includes(name), `${name} is exported`);
});

test("every link in API.md points at a heading of API.md, and {@link} tags were all converted", () => {
  const markdown = readFileSync(apiPath, "utf8");
  const anchors = anchorsOf(markdown);
  const broken = [...markdown.matchAll(/\]\(#([^)]*)\)/g)].map((m) => m[1]).filter((a) => !anchors.has(a));
  assert.deepEqual([...new Set(broken)], [], "links to missing anchors");
  assert.doesNotMatch(markdown, /\{@link/, "a {@link} tag was left as written");
  assert.doesNotMatch(markdown, /\/\*\*/, "a doc comment was left in a declaration");
});

test("the checks catch an undocumented export, a stale API.md and a broken {@link}", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "api-reference-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dts = join(dir, "index.d.ts");
  const md = join(dir, "API.md");
  writeFileSync(
    dts,
    [
      "/** Documented, with a {@link Documented.value | link}. */",
      "export interface Documented {",
      "  /** A value. */",
      "  value: string;",
      "}",
      "export declare function undocumented(x: Documented): void;",
      "",
    ].join("\n"),
  );

  // Missing output: --check says so.
  let result = generator("--check", "--input", dts, "--output", md);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /does not exist/);

  // Written, with a warning; up to date; the documentation check names the undocumented export.
  result = generator("--input", dts, "--output", md);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /warning: .*`undocumented` has no doc comment/);
  assert.equal(generator("--check", "--input", dts, "--output", md).status, 0);
  const markdown = readFileSync(md, "utf8");
  assert.deepEqual(documentationProblems(dts, markdown), [
    `export \`undocumented\` has no doc comment in ${dts}`,
    "section `undocumented` shows no documentation",
  ]);

  // Edited by hand: stale.
  writeFileSync(md, markdown.replace("A value.", "A value!"));
  result = generator("--check", "--input", dts, "--output", md);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /is out of date with .*index\.d\.ts; regenerate it with/);
  assert.match(result.stderr, /first difference at line \d+/);

  // A link to a name without a section: the generator refuses, naming it.
  writeFileSync(dts, "/** See {@link Nowhere}. */\nexport type A = string;\n");
  result = generator("--check", "--input", dts, "--output", md);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /\{@link Nowhere\} names nothing declared/);
});
