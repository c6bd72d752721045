#!/usr/bin/env bash
# Builds the package and the dev server, then serves the dashboard and the package on
# http://127.0.0.1:8080 (set PDS_ADDR to change it). Extra arguments go to the dev server,
# for example: npm start -- --token secret
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

scripts/setup.sh
scripts/build-package.sh pkg
cargo build --locked -p pds-devserver
echo "[start] open http://${PDS_ADDR:-127.0.0.1:8080}/ in a browser; Ctrl-C stops the server" >&2
exec target/debug/pds-devserver --addr "${PDS_ADDR:-127.0.0.1:8080}" --www www --pkg pkg "$@"
