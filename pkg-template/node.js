// The Node.js entry (picked by the "node" condition of the exports map): the same API as
// index.js, with the wasm read from disk, since Node's fetch cannot load file: URLs.
import { readFile } from "node:fs/promises";
import { init } from "./index.js";

await init(await readFile(new URL("./supermemory_connections_bg.wasm", import.meta.url)));

export * from "./index.js";
export { default } from "./index.js";
