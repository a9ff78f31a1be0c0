#!/usr/bin/env bash
# Runs every test of the project. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo test (workspace) =="
cargo test --workspace --locked

echo "== core boundary: no browser, network or runtime crates in indexsmith =="
if cargo tree -p indexsmith -e normal --prefix none | grep -E '^(gloo|web-sys|reqwest|tokio|js-sys|wasm-bindgen)[ -]'; then
  echo "indexsmith depends on a browser, network or runtime crate" >&2
  exit 1
fi
echo "ok"

echo "== npm package: build, Node tests (require and import), Chromium, npm pack, tsc, size =="
./scripts/test-npm.sh
