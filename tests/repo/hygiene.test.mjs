// The suite reads nothing outside the repository, and its shell scripts are sound: no file under
// tests/, scripts/ or .ci/ names the folder beside the repository or a path of one person's
// machine, and every shell script passes `bash -n` and shellcheck.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CHECKED = ["tests", "scripts", ".ci"];
const SKIPPED_DIRS = new Set(["node_modules", "dist", "target"]);

// Built from pieces so that this file does not flag itself.
const DOTDOT = "..";
const OUTSIDE = [
  { what: "the folder beside the repository", pattern: new RegExp(`\\${DOTDOT[0]}\\${DOTDOT[1]}[/\\\\]shared\\b`) },
  { what: "the folder beside the repository", pattern: new RegExp(`["']\\.\\.["']\\s*,\\s*["']shared["']`) },
  ...["home", "root", "Users", "tmp", "work", "var/tmp", "var/folders"].map((dir) => ({
    what: "a path of one person's machine",
    pattern: new RegExp(`(^|[\\s"'\`(=:])/${dir}/`),
  })),
  { what: "a path of one person's machine", pattern: new RegExp(`[A-Za-z]:\\\\${"Users"}\\\\`) },
];

/** The findings in one file's text: `line N: what (text)`. */
export function outsidePaths(text) {
  const found = [];
  text.split("\n").forEach((line, index) => {
    for (const { what, pattern } of OUTSIDE) {
      if (pattern.test(line)) found.push(`line ${index + 1}: ${what} (${line.trim().slice(0, 120)})`);
    }
  });
  return found;
}

function filesUnder(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...filesUnder(path));
    } else if (entry.isFile() && statSync(path).size < 2_000_000) out.push(path);
  }
  return out;
}

const checkedFiles = () => CHECKED.flatMap((dir) => filesUnder(join(ROOT, dir)));
const shellScripts = () =>
  checkedFiles().filter((path) => path.endsWith(".sh") || readFileSync(path, "utf8").startsWith("#!/usr/bin/env bash"));

test("the check flags the folder beside the repository and home, temporary and workspace paths", () => {
  const samples = [
    `resolve(ROOT, "${DOTDOT}", "shared", "openapi")`,
    `cat ${DOTDOT}/shared/openapi/x.yaml`,
    `const out = "/${"tmp"}/build";`,
    `cd /${"home"}/alice/repo`,
    `export PATH=/${"root"}/.cargo/bin`,
    `C:\\${"Users"}\\bob\\repo`,
    `open /${"work"}/main/README.md`,
  ];
  for (const sample of samples) assert.equal(outsidePaths(sample).length, 1, sample);
  const allowed = ["executablePath: '/usr/bin/chromium'", 'new URL("./worker.js", import.meta.url)', "tmpdir()", "see shared state"];
  for (const sample of allowed) assert.deepEqual(outsidePaths(sample), [], sample);
});

test("no file under tests/, scripts/ or .ci/ refers to a path outside the repository", () => {
  const files = checkedFiles();
  assert.ok(files.length > 50, `found only ${files.length} files to check`);
  const findings = files.flatMap((path) =>
    outsidePaths(readFileSync(path, "utf8")).map((finding) => `${relative(ROOT, path)} ${finding}`),
  );
  assert.deepEqual(findings, []);
});

test("every shell script passes bash -n and shellcheck", () => {
  const scripts = shellScripts();
  assert.ok(scripts.some((path) => path.endsWith(join(".ci", "run"))), ".ci/run is checked");
  assert.ok(scripts.some((path) => path.endsWith("setup.sh")), "scripts/setup.sh is checked");
  for (const path of scripts) {
    const syntax = spawnSync("bash", ["-n", path], { encoding: "utf8" });
    assert.equal(syntax.status, 0, `bash -n ${relative(ROOT, path)}: ${syntax.stderr}`);
  }
  const lint = spawnSync("shellcheck", ["--external-sources", ...scripts], { encoding: "utf8", cwd: ROOT });
  assert.equal(lint.error, undefined, `shellcheck could not run (bash scripts/setup.sh installs it): ${lint.error}`);
  assert.equal(lint.status, 0, `shellcheck:\n${lint.stdout}${lint.stderr}`);
});
