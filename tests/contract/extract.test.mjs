// The committed extract (tests/contract/connections.openapi.json) must be what
// scripts/extract-openapi.mjs makes of the shared OpenAPI document today. The shared folder sits
// beside the repository (CI has it there); without it this test fails rather than skip.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { parse } from "yaml";
import { DEFAULT_SOURCE, OUTPUT, REPO_ROOT, extractConnections, extractText } from "../../scripts/extract-openapi.mjs";

const committedText = () => readFileSync(OUTPUT, "utf8");

test("the committed extract is up to date with ../shared/openapi/supermemory-openapi.yaml", () => {
  assert.ok(
    existsSync(DEFAULT_SOURCE),
    `${DEFAULT_SOURCE} is missing: the contract check needs the shared folder beside the repository ` +
      `(as CI has it) to prove tests/contract/connections.openapi.json is current`,
  );
  const expected = extractText(readFileSync(DEFAULT_SOURCE, "utf8"));
  const committed = committedText();
  if (committed !== expected) {
    const a = committed.split("\n");
    const b = expected.split("\n");
    const line = a.findIndex((text, index) => text !== b[index]);
    assert.fail(
      `${relative(REPO_ROOT, OUTPUT)} is out of date (first difference at line ${line + 1}: ` +
        `committed ${JSON.stringify(a[line])}, extracted ${JSON.stringify(b[line])}). ` +
        `Run node scripts/extract-openapi.mjs, review the overlay, and commit the result.`,
    );
  }
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
