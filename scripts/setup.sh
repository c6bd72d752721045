#!/usr/bin/env bash
# Installs the tools that building and testing need, skipping each one already present.
#
#   scripts/setup.sh            wasm target, wasm-pack, wasm-bindgen-cli, npm packages
#   scripts/setup.sh browsers   the above, plus Chromium, Firefox and their WebDriver clients
#
# Tools come from crates.io, npm and Debian's packages by name. wasm-pack runs with
# --mode no-install everywhere, so it never downloads binaries of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '[setup] %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! command -v wasm-pack >/dev/null; then
  log "installing wasm-pack (a few minutes on 2 cores)"
  cargo install --locked wasm-pack
fi

# wasm-bindgen-cli must match the wasm-bindgen version in Cargo.lock exactly.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]; then
  log "installing wasm-bindgen-cli $bindgen_version"
  # --locked fails here: the CLI's lockfile names a version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "=$bindgen_version" --force
fi

# npm ci runs when any devDependency of package.json is missing from node_modules.
missing_npm=$(node -e '
  const { devDependencies } = JSON.parse(require("fs").readFileSync("package.json", "utf8"));
  const missing = Object.keys(devDependencies).filter((name) => !require("fs").existsSync(`node_modules/${name}/package.json`));
  console.log(missing.join(" "));
')
if [ -n "$missing_npm" ]; then
  log "installing npm packages from package-lock.json (missing: $missing_npm)"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = browsers ]; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v firefox >/dev/null || missing+=(firefox-esr)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
      log "missing Debian packages: ${missing[*]}; install them with apt-get as root"
      exit 1
    fi
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if ! command -v geckodriver >/dev/null; then
    log "installing geckodriver (a few minutes on 2 cores)"
    cargo install --locked geckodriver
  fi
fi
