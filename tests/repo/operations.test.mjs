// The wasm module's `run` and `describe` take an operation by number: src/npm.rs
// (`OPERATION_NAMES`, in the order of `Op`) and pkg-template/operations.js (one constant per
// operation, which index.js and server.js import) must number them alike.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

/** The string items of the array literal that follows `marker` in `text`. */
function arrayAfter(text, marker) {
  const start = text.indexOf(marker);
  assert.notEqual(start, -1, `${marker} not found`);
  const body = text.slice(text.indexOf("[", start + marker.length) + 1, text.indexOf("]", start + marker.length));
  return [...body.matchAll(/"([^"]+)"/g)].map((match) => match[1]);
}

/** `getByID` → `GET_BY_ID`, `startOAuth` → `START_OAUTH`. */
const constantName = (name) => name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();

test("src/npm.rs and pkg-template/operations.js number the operations alike", async () => {
  const rust = arrayAfter(read("src/npm.rs"), "const OPERATION_NAMES: [&str; 14] =");
  assert.equal(rust.length, 14);
  const numbers = await import("../../pkg-template/operations.js");
  assert.deepEqual(
    Object.entries(numbers).sort(([, a], [, b]) => a - b),
    rust.map((name, number) => [constantName(name), number]),
  );
});
