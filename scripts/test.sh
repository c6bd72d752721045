#!/usr/bin/env bash
# Runs every test: native unit and integration tests, the browser tests in headless
# Chromium and Firefox, the release-build smoke test, the dashboard's end-to-end tests and
# the interop tests with Connect-ES (scripts/test-interop.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

scripts/setup.sh browsers
source scripts/devserver.sh
trap stop_devservers EXIT

step() { printf '\n==> %s\n' "$*"; }

step "native tests"
cargo build --locked -p pds-devserver
cargo test --workspace --locked

step "browser tests (wasm-pack test)"
start_devserver PDS_DEVSERVER_URL --token test-token --allow-origin '*'
start_devserver PDS_SLOW_DEVSERVER_URL --latency-ms 2000 --allow-origin '*'
export PDS_DEVSERVER_URL PDS_SLOW_DEVSERVER_URL PDS_DEVSERVER_TOKEN=test-token
wasm-pack test --mode no-install --headless --chrome --chromedriver "$(command -v chromedriver)"
wasm-pack test --mode no-install --headless --firefox --geckodriver "$(command -v geckodriver)"

step "release build and smoke test"
scripts/build-package.sh pkg
export PDS_DEVSERVER_BIN=target/debug/pds-devserver PDS_PKG_DIR=pkg
node --test tests/smoke.test.mjs

if [ -d tests/e2e ]; then
  step "dashboard end-to-end tests"
  node --test tests/e2e/
fi

step "interop tests with Connect-ES"
scripts/test-interop.sh
