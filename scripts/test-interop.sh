#!/usr/bin/env bash
# Interop tests against independent implementations of grpc-web and the schema, all from
# Connect-ES (docs/interop.md lists what each one proves):
#   1. generates Connect-ES code from proto/ and exports the dev server's data set;
#   2. runs the browser tests (tests/web.rs) in headless Chromium against the Connect
#      server, tests/interop/connect-server.mjs; the deadline and abort tests keep the
#      slow Rust dev server;
#   3. runs node --test tests/interop/: the Connect server against the dev server, the dev
#      server with Connect-ES in Chromium, and wire equality with Connect-ES.
#
# Needs target/debug/pds-devserver and the package in pkg/ (PDS_PKG_DIR), which
# scripts/test.sh builds before it runs this script.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

source scripts/devserver.sh
trap stop_devservers EXIT

step() { printf '\n==> interop: %s\n' "$*"; }

step "generate Connect-ES code, export the data set, bundle the page"
node tests/interop/prepare.mjs

step "browser tests (tests/web.rs) against the Connect server"
start_server connect_url tests/interop/connect-server.mjs --token interop-token
if [ -z "${PDS_SLOW_DEVSERVER_URL:-}" ]; then
  start_devserver PDS_SLOW_DEVSERVER_URL --latency-ms 2000 --allow-origin '*'
fi
# wasm-pack builds every test target, and tests/faults.rs reads PDS_FAULT_URL at build
# time. Only tests/web.rs runs here, so an unreachable placeholder does when the caller
# has not started the fault server.
export PDS_FAULT_URL=${PDS_FAULT_URL:-http://127.0.0.1:9}

# Both test runs go ahead when one fails, so one report shows every disagreement.
status=0
PDS_DEVSERVER_URL=$connect_url PDS_DEVSERVER_TOKEN=interop-token PDS_SLOW_DEVSERVER_URL=$PDS_SLOW_DEVSERVER_URL \
  wasm-pack test --mode no-install --headless --chrome --chromedriver "$(command -v chromedriver)" -- --test web || status=1

step "Connect server, dev server and wire tests (node --test tests/interop/)"
node --test tests/interop/ || status=1
exit "$status"
