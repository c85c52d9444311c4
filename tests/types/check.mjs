#!/usr/bin/env node
// Type tests for the package's hand-written declarations.
//
//   node tests/types/check.mjs [path/to/index.d.ts] [--verbose]
//
// The optional path (relative to the current directory) is the declaration file that
// "supermemory-connections" resolves to; default: pkg-template/index.d.ts in this repository,
// so the check runs before the package is built. Point it at pkg/index.d.ts to check a build.
//
// Cases:
// - consumer.ts compiles with zero diagnostics (with the options of tsconfig.json, and again
//   with exactOptionalPropertyTypes);
// - the declaration file uses no `any`;
// - every must-fail/*.ts fails, and only with the diagnostic code named on its first line
//   (`// expect-error: TS2345`); an optional `// expect-message: <text>` line further down
//   names text that one of those diagnostics must contain, to pin down the reason.
// --verbose prints the diagnostics of must-fail cases too, to see why each one fails.
//
// Uses only Node and the workspace's `typescript` package (the compiler API, no emit).

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..", "..");
const mustFailDir = join(here, "must-fail");
const packageName = "supermemory-connections";

const args = process.argv.slice(2);
const verbose = args.includes("--verbose") || args.includes("-v");
const positional = args.filter((a) => !a.startsWith("-"));
if (positional.length > 1) {
  console.error("usage: node tests/types/check.mjs [path/to/index.d.ts] [--verbose]");
  process.exit(2);
}
const dtsPath =
  positional.length === 1
    ? resolve(process.cwd(), positional[0])
    : join(repoRoot, "pkg-template", "index.d.ts");

const formatHost = {
  getCanonicalFileName: (name) => name,
  getCurrentDirectory: () => repoRoot,
  getNewLine: () => "\n",
};

function formatDiagnostics(diagnostics) {
  return ts
    .formatDiagnostics(diagnostics, formatHost)
    .trimEnd()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

/** Compiler options from tests/types/tsconfig.json, with the package mapped to `dtsPath`. */
function baseOptions() {
  const configPath = join(here, "tsconfig.json");
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) {
    throw new Error(`cannot read tsconfig.json:\n${formatDiagnostics([read.error])}`);
  }
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, here, undefined, configPath);
  if (parsed.errors.length > 0) {
    throw new Error(`bad tsconfig.json:\n${formatDiagnostics(parsed.errors)}`);
  }
  return {
    ...parsed.options,
    noEmit: true,
    skipLibCheck: false,
    paths: { [packageName]: [dtsPath] },
  };
}

/** Type-checks one root file; returns its diagnostics, or throws if the package did not resolve. */
function check(rootFile, options) {
  const program = ts.createProgram({ rootNames: [rootFile], options });
  const diagnostics = [...ts.getPreEmitDiagnostics(program)];
  const resolvedTo = program.getSourceFile(dtsPath);
  if (resolvedTo === undefined && diagnostics.length === 0) {
    throw new Error(`${packageName} was not resolved to ${relative(repoRoot, dtsPath)}`);
  }
  return diagnostics;
}

/** `any` written in the declaration file, as "line:column" positions. */
function anyPositions(file) {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) {
      const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push(`${line + 1}:${character + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

let passed = 0;
let failed = 0;

function ok(name) {
  passed += 1;
  console.log(`ok - ${name}`);
}

function notOk(name, why) {
  failed += 1;
  console.log(`not ok - ${name}: ${why}`);
}

function runCase(name, body) {
  try {
    body();
  } catch (error) {
    notOk(name, error instanceof Error ? error.message : String(error));
  }
}

function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

if (!existsSync(dtsPath)) {
  notOk("declarations exist", `not found: ${dtsPath}`);
  finish();
}
let options;
try {
  options = baseOptions();
} catch (error) {
  notOk("tsconfig.json", error instanceof Error ? error.message : String(error));
  finish();
}
const consumer = join(here, "consumer.ts");

for (const [name, extra] of [
  ["consumer compiles", {}],
  ["consumer compiles with exactOptionalPropertyTypes", { exactOptionalPropertyTypes: true }],
]) {
  runCase(name, () => {
    const diagnostics = check(consumer, { ...options, ...extra });
    if (diagnostics.length === 0) ok(name);
    else notOk(name, `${diagnostics.length} diagnostic(s)\n${formatDiagnostics(diagnostics)}`);
  });
}

runCase("declarations use no `any`", () => {
  const found = anyPositions(dtsPath);
  if (found.length === 0) ok("declarations use no `any`");
  else notOk("declarations use no `any`", `\`any\` at ${found.join(", ")}`);
});

const mustFail = readdirSync(mustFailDir)
  .filter((f) => f.endsWith(".ts"))
  .sort();
if (mustFail.length === 0) notOk("must-fail cases", `no .ts files in ${relative(repoRoot, mustFailDir)}`);

for (const file of mustFail) {
  const name = `must-fail/${file}`;
  runCase(name, () => {
    const path = join(mustFailDir, file);
    const lines = readFileSync(path, "utf8").split("\n");
    const header = /^\/\/ expect-error: TS(\d+)\s*$/.exec(lines[0]);
    if (header === null) {
      notOk(name, "first line must be `// expect-error: TSxxxx`");
      return;
    }
    const expected = Number(header[1]);
    const wantedText = lines
      .map((line) => /^\/\/ expect-message: (.+?)\s*$/.exec(line)?.[1])
      .find((text) => text !== undefined);
    const diagnostics = check(path, options);
    const codes = [...new Set(diagnostics.map((d) => `TS${d.code}`))];
    const details = diagnostics.length > 0 ? `\n${formatDiagnostics(diagnostics)}` : "";
    if (diagnostics.length === 0) {
      notOk(name, `compiles, expected TS${expected}`);
    } else if (!diagnostics.some((d) => d.code === expected)) {
      notOk(name, `fails with ${codes.join(", ")}, expected TS${expected}${details}`);
    } else if (diagnostics.some((d) => d.code !== expected)) {
      notOk(name, `fails with ${codes.join(", ")}, expected only TS${expected}${details}`);
    } else if (
      wantedText !== undefined &&
      !diagnostics.some((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n").includes(wantedText))
    ) {
      notOk(name, `fails with TS${expected}, but no message contains "${wantedText}"${details}`);
    } else {
      ok(`${name} fails with TS${expected}`);
      if (verbose) console.log(details.slice(1));
    }
  });
}

finish();
