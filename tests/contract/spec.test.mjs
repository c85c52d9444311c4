// The overlay: it applies, says why for every entry, and fails loudly when it no longer fits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyOverlay, effectiveSpec, loadExtracted, loadOverlay } from "./spec.mjs";

const JSON_BODY = "application/json";

test("the effective document: one DELETE template, nullable create fields, array or object deletes", () => {
  const doc = effectiveSpec();
  assert.equal(doc.paths["/v3/connections/{provider}"].delete, undefined);
  assert.ok(doc.paths["/v3/connections/{provider}"].post, "create stays");
  const del = doc.paths["/v3/connections/{connectionId}"].delete;
  assert.equal(del.requestBody.required, false);
  assert.deepEqual(del.requestBody.content[JSON_BODY].schema.required, ["containerTags"]);
  assert.deepEqual(
    del.parameters.map((p) => [p.in, p.name, p.required === true]),
    [
      ["path", "connectionId", true],
      ["query", "deleteDocuments", false],
    ],
  );
  assert.equal(del.responses["200"].content[JSON_BODY].schema.anyOf.length, 2);
  const created = doc.paths["/v3/connections/{provider}"].post.responses["200"].content[JSON_BODY].schema;
  for (const field of ["authLink", "expiresIn", "redirectsTo"]) {
    assert.deepEqual(created.properties[field], { anyOf: [{ type: "string" }, { type: "null" }] });
  }
  assert.deepEqual(created.required, ["id"]);
  assert.ok(doc.paths["/v3/connections/{provider}/import"].post.responses["401"]);
});

test("every overlay entry names an operation of the extract and gives a reason", () => {
  const extracted = loadExtracted();
  for (const entry of loadOverlay()) {
    assert.ok(extracted.paths[entry.path]?.[entry.method], `${entry.method} ${entry.path}`);
    assert.ok(entry.reason.length > 40, `a reason for ${entry.method} ${entry.path}`);
  }
});

test("applying the overlay leaves the extract untouched", () => {
  const extracted = loadExtracted();
  const copy = structuredClone(extracted);
  applyOverlay(extracted, loadOverlay());
  assert.deepEqual(extracted, copy);
});

test("a stale overlay fails, naming the entry and the step", () => {
  const extracted = loadExtracted();
  const overlay = loadOverlay();

  // The document fixed upstream: authLink already nullable, so the recorded "test" step fails.
  const fixed = structuredClone(extracted);
  fixed.paths["/v3/connections/{provider}"].post.responses["200"].content[JSON_BODY].schema.properties.authLink = {
    type: ["string", "null"],
  };
  assert.throws(() => applyOverlay(fixed, overlay), /overlay entry 2 \(POST \/v3\/connections\/\{provider\}\), step 0: the document no longer says/);

  // An operation that disappeared.
  const gone = structuredClone(extracted);
  delete gone.paths["/v3/connections/{provider}/import"];
  assert.throws(() => applyOverlay(gone, overlay), /overlay entry 4 .*: no such operation/);

  const step = (change) => [{ path: "/v3/connections/list", method: "post", change: [change], reason: "a reason long enough to count" }];
  assert.throws(() => applyOverlay(extracted, step({ op: "replace", path: "/responses/418", value: {} })), /nothing at \/responses\/418/);
  assert.throws(() => applyOverlay(extracted, step({ op: "add", path: "/responses/200", value: {} })), /exists already/);
  assert.throws(() => applyOverlay(extracted, step({ op: "anyOf", path: "/nope", value: [{}] })), /nothing at \/nope/);
  assert.throws(() => applyOverlay(extracted, step({ op: "merge", path: "/x" })), /unknown op "merge"/);
  assert.throws(() => applyOverlay(extracted, step({ op: "remove", path: "/responses", value: 1 })), /exactly op, path/);
  assert.throws(() => applyOverlay(extracted, [{ path: "/v3/connections/list", method: "post", change: [] }]), /exactly path, method, change, reason/);
});
