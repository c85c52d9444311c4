// The wasm module's memory under repeated large answers, in Node through the exports map: after
// the first list of 100,000 documents has grown the memory, five more lists of the same size
// are served from the memory the allocator already has (nothing grows).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

// The package's instance, found as it is made: the one whose exports are the package wasm's
// (Node's own fetch instantiates a module of its own too); then its one exported memory.
const wasm = await WebAssembly.compile(await readFile(new URL("../../pkg/supermemory_connections_bg.wasm", import.meta.url)));
const names = WebAssembly.Module.exports(wasm).map((entry) => entry.name).join();
let memory;
const { instantiate } = WebAssembly;
WebAssembly.instantiate = async function (...args) {
  const result = await instantiate.apply(this, args);
  const instance = result instanceof WebAssembly.Instance ? result : result.instance;
  if (Object.keys(instance.exports).join() === names) {
    memory ??= Object.values(instance.exports).find((value) => value instanceof WebAssembly.Memory);
  }
  return result;
};
const { Supermemory } = await import("../../pkg/node.js");
WebAssembly.instantiate = instantiate;

test("six lists of 100,000 documents in a row: the memory grows for the first and stays as it is", async () => {
  assert.ok(memory instanceof WebAssembly.Memory, "the package's memory was found");
  const at = "2026-11-24T10:00:00.000Z";
  const documents = Array.from({ length: 100_000 }, (_, i) => ({
    id: `doc_${i}`,
    createdAt: at,
    status: "done",
    summary: null,
    title: `Page ${i}`,
    type: "notion_page",
    updatedAt: at,
  }));
  const body = JSON.stringify(documents);
  const fetch = async () => new Response(body, { status: 200, headers: { "content-type": "application/json" } });
  const client = new Supermemory({ baseURL: "https://proxy.example.com/api", fetch });
  const sizes = [];
  for (let round = 0; round < 6; round++) {
    const list = await client.connections.listDocuments("notion", {});
    assert.equal(list.length, 100_000);
    assert.equal(list[99_999].id, "doc_99999");
    sizes.push(memory.buffer.byteLength);
  }
  assert.ok(sizes[0] > 8 * 1024 * 1024, `the first list grew the memory: ${sizes}`);
  assert.deepEqual(sizes.slice(1), Array(5).fill(sizes[0]), `bytes after each list: ${sizes}`);
});
