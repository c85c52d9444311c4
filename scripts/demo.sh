#!/usr/bin/env bash
# Sets up what is missing, builds the package, and serves the demo on http://127.0.0.1:8080/
# (offline against the local emulator; set SUPERMEMORY_API_KEY for the real API).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh
bash scripts/setup.sh
SUPERMEMORY_SETUP_DONE=1 bash scripts/build.sh
exec node www/server.mjs --port "${PORT:-8080}"
