#!/usr/bin/env bash
# Builds the npm package into pkg/ (or the folder given as $1) with the size-first
# wasm-release profile, then optimizes the module with binaryen's wasm-opt from npm.
#
# Debian's binaryen 108 writes modules that fail to load (a WebAssembly.Table.set
# TypeError on the externref table), so wasm-pack's own optimizer step is off and the
# npm package's wasm-opt runs here instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
out_dir=${1:-pkg}

wasm-pack build --mode no-install --no-opt --target web --out-dir "$out_dir" --profile wasm-release
module="$out_dir/pds_backup_web_bg.wasm"
# wasm-bindgen drops the target_features section, so the features that rustc enables by
# default for wasm32-unknown-unknown are named here.
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals \
  "$module" -o "$module.opt"
mv "$module.opt" "$module"
printf '[build] %s: %s bytes, %s bytes gzip\n' "$module" "$(wc -c < "$module")" "$(gzip -9 -c "$module" | wc -c)" >&2
