#!/usr/bin/env bash
# Sets up what is missing, then runs every check and test: formatting, clippy on the wasm
# target, native unit tests, the package build, the type checks, the contract check (the
# package's requests through a validating proxy built from the OpenAPI document), the JS tests
# (the emulator, the demo server, the package and the demo page in Chromium through
# Playwright), and the wasm tests in headless Chromium. Each step prints its name when it starts
# and its time when it ends; the last lines are the table of steps and `steps: N passed, M failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh

bash scripts/setup.sh
export SUPERMEMORY_SETUP_DONE=1

export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-120}
mkdir -p test-output
started=$(date +%s)
passed=0
failed=0

results=()

# Runs one step: its name when it starts, its result and time when it ends.
step() {
  local name=$1 begin outcome
  shift
  begin=$(date +%s)
  printf '\n=== [%d] %s\n' $((passed + failed + 1)) "$name"
  if "$@"; then
    passed=$((passed + 1))
    outcome=ok
  else
    failed=$((failed + 1))
    outcome=FAILED
  fi
  local took=$(($(date +%s) - begin))
  printf '=== %s in %d s: %s\n' "$outcome" "$took" "$name"
  results+=("$(printf '%-6s %5d s  %s' "$outcome" "$took" "$name")")
}

emulator_pid=
stop_emulator() { if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; fi; }
trap stop_emulator EXIT

browser_tests() {
  node tests/emulator.mjs --port 0 --sync-ms 300 > test-output/emulator.log 2>&1 &
  emulator_pid=$!
  local url=
  for _ in $(seq 1 50); do
    url=$(sed -n 's/^emulator listening on //p' test-output/emulator.log)
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "the emulator did not start"; cat test-output/emulator.log; return 1; }
  SUPERMEMORY_EMULATOR_URL=$url cargo test --target wasm32-unknown-unknown --features npm --test 'browser_*'
}

# The library without its npm exports (as a Rust app uses it), and the npm crate that builds the
# package's wasm (its panic handler only links without the test harness's std).
clippy_library_and_npm_crate() {
  cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings &&
    cargo clippy --target wasm32-unknown-unknown -p supermemory-connections-npm -- -D warnings &&
    cargo clippy --target wasm32-unknown-unknown -p supermemory-connections-example -- -D warnings
}

pack_lists_wasm() {
  local listing
  listing=$(cd pkg && npm pack --dry-run 2>&1)
  printf '%s\n' "$listing"
  grep -q 'supermemory_connections_bg.wasm' <<< "$listing"
}

step "cargo fmt --check (every crate)" cargo fmt --all --check
step "cargo clippy (wasm32, all targets, npm feature)" cargo clippy --target wasm32-unknown-unknown --all-targets --features npm -- -D warnings
step "cargo clippy (wasm32, the library alone; the npm crate; the example app)" clippy_library_and_npm_crate
step "cargo clippy (native, all targets, npm feature)" cargo clippy --all-targets --features npm -- -D warnings
step "repository: shell scripts pass bash -n and shellcheck; nothing outside the repository is read" node --test tests/repo/
step "native unit tests" cargo test --features npm
step "build pkg/" bash scripts/build.sh
step "npm pack --dry-run lists the wasm" pack_lists_wasm
step "size budget: what a browser downloads, gzip, against size-budget.json" node scripts/size.mjs --check
step "TypeScript: consumer compiles, wrong code does not" node tests/types/check.mjs pkg/index.d.ts
step "API reference is current and documents every export" node --test tests/types/api-reference.test.mjs
step "consumers: the packed tarball in a plain page, workers, Vite, webpack, Node and TypeScript; publint, attw" node --test tests/consumers/
step "consumer crate: a Rust-only page with its own allocator links the library, exports only its own function, and creates a connection in Chromium" node --test tests/consumer-crate/
step "contract check: the package's requests through Prism against the OpenAPI document" node --test tests/contract/
step "JS tests (emulator, demo server, package and demo page in Chromium)" node --test --test-concurrency=2 tests/js/
step "wasm tests in headless Chromium" browser_tests

printf '\ntest command wall time: %d s (after setup)\n\n' $(($(date +%s) - started))
printf 'result   time  step\n'
printf '%s\n' "${results[@]}"
printf 'steps: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
