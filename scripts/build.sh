#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm, wasm-bindgen --target web, wasm-opt -Oz, short
# import and export names;
# pkg/index.js is pkg-template/index.js and the wasm-bindgen glue in one minified ES module
# (esbuild), so a page fetches one script and the wasm; then the other hand-written files from
# pkg-template/ with the crate's version. Installs what is missing first (scripts/setup.sh), unless
# the caller already did (SUPERMEMORY_SETUP_DONE=1).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh
[ "${SUPERMEMORY_SETUP_DONE:-}" = 1 ] || bash scripts/setup.sh

name=supermemory_connections
# The npm crate (npm/) links the library with its `npm` feature, an allocator and a panic handler.
cargo build --release --target wasm32-unknown-unknown -p supermemory-connections-npm
rm -rf pkg target/bindgen
wasm-bindgen --target web --no-typescript --out-dir target/bindgen --out-name "$name" \
  "target/wasm32-unknown-unknown/release/${name}_npm.wasm"
mkdir pkg
# --low-memory-unused: the linker puts the stack first, so the low 1 KiB is only the bottom of a
# 1 MiB stack, never data. --flatten --rereloop before -Oz: control flow rebuilt from scratch,
# then shrunk (about 200 B gzip less than -Oz alone). scripts/size.mjs runs the same passes.
node_modules/.bin/wasm-opt --flatten --rereloop -Oz -Oz --converge --low-memory-unused --strip-producers --strip-target-features \
  "target/bindgen/${name}_bg.wasm" -o "pkg/${name}_bg.wasm"
# Short names for the wasm's imports and exports, in the wasm and in the glue; fails the build
# when the two do not match name for name (scripts/minify-wasm-names.mjs).
node scripts/minify-wasm-names.mjs "pkg/${name}_bg.wasm" "target/bindgen/${name}.js"
cp pkg-template/index.js target/bindgen/index.js
# The operations' numbers, bundled into index.js and server.js alike.
cp pkg-template/operations.js target/bindgen/operations.js
# The package's JavaScript runs the wasm module's calls with the same attempts and pauses the Rust
# API uses (src/js/transport.js).
cp src/js/transport.js target/bindgen/transport.js
node_modules/.bin/esbuild target/bindgen/index.js --bundle --format=esm --minify \
  --legal-comments=none --log-level=warning \
  --log-override:duplicate-object-key=silent --outfile=pkg/index.js
# The server half (supermemory-connections/server): its own copy of the glue, so a server's module
# instance is its own.
cp pkg-template/server.js target/bindgen/server.js
node_modules/.bin/esbuild target/bindgen/server.js --bundle --format=esm --platform=neutral \
  --external:node:fs/promises --legal-comments=none --log-level=warning \
  --log-override:duplicate-object-key=silent --outfile=pkg/server.js
cp pkg-template/node.js pkg-template/server.d.ts pkg-template/index.d.ts pkg-template/LICENSE pkg-template/API.md pkg-template/SERVER-API.md pkg-template/CHANGELOG.md pkg/
# The npm README: its own introduction, then the user guide (docs/guide.md) as a whole.
node scripts/npm-readme.mjs
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
node -e '
  const fs = require("fs");
  const manifest = JSON.parse(fs.readFileSync("pkg-template/package.json", "utf8"));
  manifest.version = process.argv[1];
  fs.writeFileSync("pkg/package.json", JSON.stringify(manifest, null, 2) + "\n");
' "$version"
echo "built pkg/ (version $version)"
