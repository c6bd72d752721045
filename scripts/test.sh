#!/usr/bin/env bash
# Runs every test: native unit and integration tests, the browser tests in headless
# Chromium and Firefox, the release-build smoke test, the package tests (npm pack into a
# Vite app and a plain page, tests/package/), the dashboard's end-to-end tests, the
# interop tests with Connect-ES (scripts/test-interop.sh) and the browser fault tests
# against pds-faultserver (docs/faults.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

scripts/setup.sh browsers
source scripts/devserver.sh
trap stop_devservers EXIT

step() { printf '\n==> %s\n' "$*"; }

step "native tests"
cargo build --locked -p pds-devserver -p pds-faultserver
cargo test --workspace --locked

step "browser tests (wasm-pack test)"
start_devserver PDS_DEVSERVER_URL --token test-token --allow-origin '*'
start_devserver PDS_SLOW_DEVSERVER_URL --latency-ms 2000 --allow-origin '*'
# wasm-pack compiles every test file, so tests/faults.rs needs its server's URL here too.
start_server PDS_FAULT_URL target/debug/pds-faultserver
export PDS_DEVSERVER_URL PDS_SLOW_DEVSERVER_URL PDS_DEVSERVER_TOKEN=test-token PDS_FAULT_URL
wasm-pack test --mode no-install --headless --chrome --chromedriver "$(command -v chromedriver)" -- --test web
wasm-pack test --mode no-install --headless --firefox --geckodriver "$(command -v geckodriver)" -- --test web

step "release build and smoke test"
scripts/build-package.sh pkg
export PDS_DEVSERVER_BIN=target/debug/pds-devserver PDS_PKG_DIR=pkg
node --test tests/smoke.test.mjs

step "package tests: npm pack, then a Vite app and a plain page in Chromium"
node --test tests/package/

if [ -d tests/e2e ]; then
  step "dashboard end-to-end tests"
  node --test tests/e2e/
fi

step "interop tests with Connect-ES"
scripts/test-interop.sh

# After the other tests, so that they still report when a fault test finds a client
# bug. One browser's run took 30 to 35 s on a busy 2-core machine, most of it the
# memory test's 10,500 calls. The runner's default limit for a whole run is 20 s.
step "fault tests against pds-faultserver (wasm-pack test --test faults)"
WASM_BINDGEN_TEST_TIMEOUT=180 wasm-pack test --mode no-install --headless \
  --chrome --chromedriver "$(command -v chromedriver)" -- --test faults
WASM_BINDGEN_TEST_TIMEOUT=180 wasm-pack test --mode no-install --headless \
  --firefox --geckodriver "$(command -v geckodriver)" -- --test faults

# Proves that the benchmark still builds and runs: few iterations on small data, no docs
# written and no timing asserted. `npm run bench` is the full run.
step "benchmark, quick mode (bench/run.mjs --quick)"
node bench/run.mjs --quick --pkg pkg --devserver target/debug/pds-devserver
