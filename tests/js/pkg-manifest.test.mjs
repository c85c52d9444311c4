// The built pkg/: its manifest matches the crate and npm's expectations, and the package
// imports and works in Node without touching `window`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startEmulator, EMULATOR_API_KEY } from "../emulator.mjs";

const root = new URL("../../", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("pkg/package.json", root), "utf8"));

test("the version equals Cargo.toml's and the manifest has what npm and bundlers need", () => {
  const cargo = readFileSync(new URL("Cargo.toml", root), "utf8");
  const version = /^version = "([^"]+)"/m.exec(cargo)[1];
  assert.equal(manifest.name, "supermemory-connections");
  assert.equal(manifest.version, version);
  assert.equal(manifest.type, "module");
  assert.equal(manifest.license, "MIT");
  assert.equal(manifest.sideEffects, false);
  assert.deepEqual(Object.keys(manifest.exports["."]), ["types", "node", "default"], "types first, default last");
  for (const file of manifest.files) {
    assert.ok(readFileSync(new URL(`pkg/${file}`, root)).length > 0, `${file} is in pkg/`);
  }
  assert.ok(manifest.files.includes("supermemory_connections_bg.wasm"));
});

test("importing the package in Node touches no window, and a call works with Node's fetch", async () => {
  assert.equal(typeof globalThis.window, "undefined");
  const sm = await import(new URL("pkg/index.js", root).href);
  await sm.init(readFileSync(new URL("pkg/supermemory_connections_bg.wasm", root)));
  const emulator = await startEmulator();
  try {
    // Node is not a browser: an apiKey needs no dangerouslyAllowBrowser here.
    const created = await sm.createConnection("granola", {
      apiKey: EMULATOR_API_KEY,
      baseURL: emulator.url,
      metadata: { apiKey: "gr_secret_value" },
    });
    assert.match(created.id, /^conn_/);
    assert.equal(created.authLink, null);
    await assert.rejects(
      sm.createConnection("notion", { apiKey: "sm_wrong_secret", baseURL: emulator.url }),
      (error) =>
        error instanceof sm.SupermemoryError &&
        error.code === "authentication" &&
        error.status === 401 &&
        !error.message.includes("sm_wrong_secret"),
    );
  } finally {
    await emulator.close();
  }
  assert.equal(typeof globalThis.window, "undefined");
});

test("the npm README is the package's introduction and the whole user guide", () => {
  const readme = readFileSync(new URL("pkg/README.md", root), "utf8");
  const guide = readFileSync(new URL("docs/guide.md", root), "utf8").trim();
  assert.ok(readme.includes(guide), "docs/guide.md appears whole in pkg/README.md");
  assert.ok(readme.startsWith("# supermemory-connections"), readme.slice(0, 80));
  assert.ok(readme.trimEnd().endsWith("## License\n\nMIT"));
  assert.doesNotMatch(readme, /\]\((?!https?:|#|mailto:)[^)]*\)/, "no relative link in the npm README");
});
