// Node.js 20+, ESM: the exports map's "node" entry reads the wasm from disk; requests go
// through Node's own fetch. Run: node create.mjs <emulator URL> <API key> <container tag>
// Prints one JSON line: where the package resolved from, and the call's result.
import Supermemory, { createConnection, SupermemoryError } from "supermemory-connections";

const [baseURL, apiKey, containerTag] = process.argv.slice(2);
const resolved = import.meta.resolve("supermemory-connections");
const nodeFetch = globalThis.fetch;
let fetchCalls = 0;
globalThis.fetch = (...args) => {
  fetchCalls += 1;
  return nodeFetch(...args);
};

const connection = await createConnection("notion", { apiKey, baseURL, containerTag });

// The client object and the error class, as a server would use them.
const client = new Supermemory({ apiKey, baseURL });
const listed = await client.connections.list({ containerTags: [containerTag] });
let refused = null;
try {
  await createConnection("notion", { apiKey, baseURL, containerTag: "not a valid tag!" });
} catch (error) {
  refused = { isClass: error instanceof SupermemoryError, code: error.code, field: error.field };
}

console.log(
  JSON.stringify({
    resolved,
    node: process.versions.node,
    id: connection.id,
    authLink: connection.authLink,
    listedIds: listed.map((item) => item.id),
    refused,
    fetchCalls,
  }),
);
