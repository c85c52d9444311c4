#!/usr/bin/env bash
# Installs what building, testing and the demo need, and skips whatever is already there:
# Debian's Chromium, ChromeDriver and shellcheck, the wasm32 target, wasm-bindgen-cli at the
# version in Cargo.lock, and the JS tooling from package-lock.json. Safe to run any number of
# times; prints one line before each long step and, at the end, what it installed and how long
# that took. The output of each install goes to test-output/setup/ and is shown only if it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh

say() { printf 'setup: %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

logs=test-output/setup
mkdir -p "$logs"
started=$(date +%s)
installed=()

# Runs "$@" with its output in $logs/$1.log; on failure shows the log's end and stops.
quietly() {
  local log=$logs/$1.log
  shift
  if ! "$@" > "$log" 2>&1; then
    say "failed: $*"
    tail -n 30 "$log" | sed 's/^/  | /'
    say "the whole output is in $log"
    exit 1
  fi
}

missing=()
command -v node > /dev/null 2>&1 || missing+=(nodejs npm)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
command -v shellcheck > /dev/null 2>&1 || missing+=(shellcheck)
command -v cc > /dev/null 2>&1 || missing+=(gcc libc6-dev)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]} (about 1 minute)"
  quietly apt-update as_root apt-get update -qq
  quietly apt-install as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  installed+=("Debian packages (${missing[*]})")
fi

if ! command -v rustup > /dev/null 2>&1; then
  say "Rust is installed through rustup: install it (Debian 13: apt-get install rustup; elsewhere see rustup.rs), then run this again"
  exit 1
fi
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding Rust's wasm32-unknown-unknown target (under a minute)"
  quietly rustup-target rustup target add wasm32-unknown-unknown
  installed+=("the wasm32-unknown-unknown target")
fi

wanted=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$wanted" ]; then
  # Without default features: no TLS stack (the test runner talks to the local ChromeDriver over
  # plain HTTP), which leaves out a C build (measured on 2 cores: 2 min 44 s instead of 3 min 27 s).
  say "building wasm-bindgen-cli $wanted from crates.io (about 3 minutes on 2 cores)"
  quietly wasm-bindgen-cli cargo install --quiet wasm-bindgen-cli --version "$wanted" --no-default-features
  installed+=("wasm-bindgen-cli $wanted")
fi

stamp=node_modules/.setup-lock-hash
lock_hash=$(sha256sum package-lock.json | awk '{ print $1 }')
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  say "installing the JS tooling from package-lock.json with npm ci (about 30 seconds)"
  quietly npm-ci npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
  installed+=("the JS tooling (npm ci)")
fi

elapsed=$(($(date +%s) - started))
if [ ${#installed[@]} -eq 0 ]; then
  say "everything is installed"
else
  for item in "${installed[@]}"; do say "installed ${item}"; done
  say "done in ${elapsed} s"
fi
