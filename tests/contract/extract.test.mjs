// The committed extract (tests/contract/connections.openapi.json) is the package's reference copy
// of the API; scripts/extract-openapi.mjs is the maintainer command that refreshes it from a newer
// document. These tests need nothing outside the repository: they check the committed extract's
// shape and run the command on documents made here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { OUTPUT, REPO_ROOT, describeChanges, extractConnections } from "../../scripts/extract-openapi.mjs";

const runExtract = (args) =>
  spawnSync(process.execPath, [join(REPO_ROOT, "scripts", "extract-openapi.mjs"), ...args], { encoding: "utf8" });

const committedText = () => readFileSync(OUTPUT, "utf8");

test("the maintainer command refreshes an extract from a document path and says what changed", () => {
  // A whole document made from the committed extract plus parts the extraction drops: extracting
  // it gives the committed file back, and a change to one operation and one schema is reported.
  const committed = JSON.parse(committedText());
  const whole = structuredClone(committed);
  whole.tags = [{ name: "dropped" }];
  whole.paths["/v3/documents"] = { get: { responses: { 200: { description: "not a connection path" } } } };
  whole.components.schemas.Unused = { type: "string" };
  const dir = mkdtempSync(join(tmpdir(), "extract-"));
  try {
    const source = join(dir, "document.yaml");
    const output = join(dir, "extract.json");
    writeFileSync(source, stringify(whole));
    writeFileSync(output, committedText());
    const same = runExtract([source, "--output", output]);
    assert.equal(same.status, 0, same.stderr);
    assert.match(same.stdout, /10 operations/);
    assert.match(same.stdout, /\nno change\n$/);
    assert.equal(readFileSync(output, "utf8"), committedText());

    const listPath = "/v3/connections/list";
    whole.paths[listPath].post.summary = "changed summary";
    delete whole.paths["/v3/connections/{connectionId}/configure"];
    whole.components.schemas.ErrorResponse.description = "changed";
    writeFileSync(source, stringify(whole));
    const changed = runExtract([source, "--output", output]);
    assert.equal(changed.status, 0, changed.stderr);
    assert.deepEqual(changed.stdout.split("\n").slice(1, -1), [
      "  changed components.schemas.ErrorResponse",
      `  changed operation POST ${listPath}`,
      "  removed operation POST /v3/connections/{connectionId}/configure",
    ]);
    assert.match(readFileSync(output, "utf8"), /changed summary/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the maintainer command needs the document's path and names a file it cannot read", () => {
  const none = runExtract([]);
  assert.equal(none.status, 2);
  assert.equal(none.stderr, "usage: node scripts/extract-openapi.mjs <path/to/supermemory-openapi.yaml> [--output <file>]\n");
  assert.equal(runExtract(["a.yaml", "--output"]).status, 2);
  const dir = mkdtempSync(join(tmpdir(), "extract-"));
  try {
    const missing = runExtract([join(dir, "missing.yaml"), "--output", join(dir, "out.json")]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^cannot read .*missing\.yaml: ENOENT/);
    assert.equal(existsSync(join(dir, "out.json")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("describeChanges lists added, changed and removed parts, sorted", () => {
  const before = { openapi: "3.1.0", paths: { "/a": { get: { x: 1 }, post: { x: 1 } } }, components: { schemas: { S: { type: "string" } } } };
  const after = { openapi: "3.1.1", paths: { "/a": { get: { x: 2 } }, "/b": { delete: {} } }, components: { schemas: { T: { type: "string" } } } };
  assert.deepEqual(describeChanges(before, after), [
    "added components.schemas.T",
    "added operation DELETE /b",
    "changed openapi",
    "changed operation GET /a",
    "removed components.schemas.S",
    "removed operation POST /a",
  ]);
  assert.deepEqual(describeChanges(after, after), []);
});

test("the extract keeps every /v3/connections operation, resolvable, without x-codeSamples", () => {
  const doc = JSON.parse(committedText());
  assert.deepEqual(Object.keys(doc).sort(), ["components", "info", "openapi", "paths", "security", "servers"]);
  assert.ok(Object.keys(doc.paths).every((path) => path.startsWith("/v3/connections")));
  const operations = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
  assert.equal(operations.length, 10);
  assert.equal(committedText().includes('"x-codeSamples"'), false);
  assert.deepEqual(Object.keys(doc.components.securitySchemes), ["bearerAuth"]);
  const refs = committedText().match(/"\$ref": "[^"]*"/g) ?? [];
  for (const ref of new Set(refs)) {
    const [, kind, name] = /"#\/components\/([^/]+)\/([^"]+)"/.exec(ref);
    assert.ok(doc.components[kind]?.[name], `${ref} resolves`);
  }
});

test("extraction follows references transitively, sorts keys and rejects outside references", () => {
  const source = parse(`
openapi: "3.1.0"
info: { title: t, version: "1" }
tags: [{ name: dropped }]
components:
  securitySchemes: { bearerAuth: { type: http, scheme: bearer } }
  schemas:
    Unused: { type: string }
    B: { type: object, properties: { c: { $ref: "#/components/schemas/C" } } }
    C: { type: string }
    A: { $ref: "#/components/schemas/B" }
paths:
  /v3/documents: { get: { responses: { "200": { description: x } } } }
  /v3/connections/x:
    get:
      x-codeSamples: [{ lang: bash, source: curl }]
      responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/A" } } } } }
`);
  const out = extractConnections(source);
  assert.deepEqual(Object.keys(out.paths), ["/v3/connections/x"]);
  assert.deepEqual(Object.keys(out.components.schemas), ["A", "B", "C"]);
  assert.equal(out.tags, undefined);
  assert.equal("x-codeSamples" in out.paths["/v3/connections/x"].get, false);
  assert.deepEqual(Object.keys(out), ["components", "info", "openapi", "paths"]);

  source.paths["/v3/connections/x"].get.responses["200"].content["application/json"].schema = { $ref: "other.yaml#/X" };
  assert.throws(() => extractConnections(source), /unsupported \$ref/);
  source.paths["/v3/connections/x"].get.responses["200"].content["application/json"].schema = {
    $ref: "#/components/schemas/Missing",
  };
  assert.throws(() => extractConnections(source), /names no component/);
});
