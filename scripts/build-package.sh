#!/usr/bin/env bash
# Builds the npm package into pkg/ (or the folder given as $1) with the size-first
# wasm-release profile:
#
#   pkg/                 the `web` target: ES module whose init() fetches the .wasm; the
#                        dev server serves it at /pkg/, and the package exports it as
#                        "pds-backup-web/web"
#   pkg/bundler/         the `bundler` target, the package's main export, for bundlers
#                        that load .wasm imports (webpack 5, Vite with vite-plugin-wasm)
#   pkg/package.json     npm/package.json.in with the version from Cargo.toml
#   pkg/README.md        docs/package.md
#   pkg/LICENSE          the Apache License 2.0, as declared in package.json
#
# Debian's binaryen 108 writes modules that fail to load (a WebAssembly.Table.set
# TypeError on the externref table), so wasm-pack's own optimizer step is off and the
# npm package's wasm-opt runs here instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
out_dir=${1:-pkg}

if [ -e "$out_dir" ] && [ ! -e "$out_dir/pds_backup_web.js" ]; then
  echo "refusing to replace $out_dir: it does not look like a package built by this script" >&2
  exit 1
fi

# The package is built in a fresh folder under target/ and moved into place at the end, so
# a failed build keeps the previous package, a dev server that serves $out_dir sees no
# half-written files, and no file of an older build is left behind.
final_dir=$out_dir
mkdir -p target
out_dir=$(mktemp -d target/package-build.XXXXXX)
trap 'rm -rf "$out_dir"' EXIT
chmod 755 "$out_dir"

wasm-pack build --mode no-install --no-opt --no-pack --target web --out-dir "$out_dir" --profile wasm-release
wasm-pack build --mode no-install --no-opt --no-pack --target bundler --out-dir "$out_dir/bundler" --profile wasm-release

# wasm-bindgen drops the target_features section, so the features that rustc enables by
# default for wasm32-unknown-unknown are named here.
optimize() {
  local module=$1
  node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
    --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals \
    "$module" -o "$module.opt"
  mv "$module.opt" "$module"
  printf '[build] %s: %s bytes, %s bytes gzip\n' "$final_dir/${module#"$out_dir"/}" \
    "$(wc -c < "$module")" "$(gzip -9 -c "$module" | wc -c)" >&2
}
optimize "$out_dir/pds_backup_web_bg.wasm"
optimize "$out_dir/bundler/pds_backup_web_bg.wasm"

# wasm-pack writes a .gitignore of "*" into each folder, which npm pack would also read.
rm -f "$out_dir/.gitignore" "$out_dir/bundler/.gitignore"
node scripts/write-package-json.mjs "$out_dir"
cp docs/package.md "$out_dir/README.md"
cp LICENSE "$out_dir/LICENSE"

rm -rf "$final_dir"
mv "$out_dir" "$final_dir"
