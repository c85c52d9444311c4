#!/usr/bin/env bash
# Sets up what is missing, builds the package, and serves the demo on http://127.0.0.1:8080/
# (offline against the local emulator; set SUPERMEMORY_API_KEY for the real API).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh
bash scripts/build.sh
exec node www/server.mjs --port "${PORT:-8080}"
