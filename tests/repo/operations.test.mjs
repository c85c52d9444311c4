// The wasm module's `run` and `describe` take an operation by number: src/npm.rs (`OPERATION_NAMES`,
// in the order of `Op`), pkg-template/index.js (one constant per operation) and
// pkg-template/server.js (`OPERATIONS`) must number them alike.
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

test("src/npm.rs, index.js and server.js number the operations alike", () => {
  const rust = arrayAfter(read("src/npm.rs"), "const OPERATION_NAMES: [&str; 14] =");
  assert.equal(rust.length, 14);
  assert.deepEqual(arrayAfter(read("pkg-template/server.js"), "const OPERATIONS ="), rust);
  const index = read("pkg-template/index.js");
  const numbers = Object.fromEntries([...index.matchAll(/^const ([A-Z_]+) = (\d+);$/gm)].map((match) => [match[1], Number(match[2])]));
  assert.deepEqual(
    rust.map((name) => [constantName(name), numbers[constantName(name)]]),
    rust.map((name, number) => [constantName(name), number]),
  );
});
