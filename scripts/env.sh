# Sourced by the other scripts: puts cargo's installed binaries (wasm-bindgen among them) on PATH,
# wherever CARGO_HOME points.
# shellcheck shell=bash
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
