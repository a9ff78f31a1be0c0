#!/usr/bin/env bash
# Installs what building the web app needs beyond the Rust toolchain, into the git-ignored
# project-local folder .tools/ (idempotent: skips what is already there).
#   - binaryen's wasm-opt (npm package binaryen@132), used by Trunk for -Oz.
# Trunk itself (0.21.14) and wasm-bindgen-cli (0.2.130) are expected on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

BINARYEN_VERSION=132
TOOLS=.tools/binaryen

if [ -x "$TOOLS/node_modules/.bin/wasm-opt" ] \
  && "$TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
  echo "wasm-opt $BINARYEN_VERSION already installed in $TOOLS"
else
  command -v npm >/dev/null || { echo "npm is required to install binaryen" >&2; exit 1; }
  mkdir -p "$TOOLS"
  [ -f "$TOOLS/package.json" ] || echo '{"name":"indexsmith-tools","private":true}' > "$TOOLS/package.json"
  npm install --prefix "$TOOLS" --no-audit --no-fund --save-exact "binaryen@$BINARYEN_VERSION"
fi

rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown
for tool in trunk wasm-bindgen; do
  command -v "$tool" >/dev/null || echo "warning: $tool is not on PATH" >&2
done
