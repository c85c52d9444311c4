#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm, wasm-bindgen --target web, wasm-opt -Oz,
# then the hand-written files from pkg-template/ with the crate's version.
set -euo pipefail
cd "$(dirname "$0")/.."

name=supermemory_connections
cargo build --release --target wasm32-unknown-unknown
rm -rf pkg
wasm-bindgen --target web --no-typescript --out-dir pkg \
  "target/wasm32-unknown-unknown/release/$name.wasm"
node_modules/.bin/wasm-opt -Oz "pkg/${name}_bg.wasm" -o "pkg/${name}_bg.wasm"
cp pkg-template/index.js pkg-template/index.d.ts pkg-template/README.md pkg-template/LICENSE pkg/
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
node -e '
  const fs = require("fs");
  const manifest = JSON.parse(fs.readFileSync("pkg-template/package.json", "utf8"));
  manifest.version = process.argv[1];
  fs.writeFileSync("pkg/package.json", JSON.stringify(manifest, null, 2) + "\n");
' "$version"
echo "built pkg/ (version $version)"
