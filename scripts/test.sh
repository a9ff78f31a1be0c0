#!/usr/bin/env bash
# Runs every test of the project. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== setup: install what is missing (Debian packages, wasm target, pinned tools, npm tools) =="
./scripts/setup.sh

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

echo "== web app: release build and first-load size budget =="
./scripts/build-web.sh

echo "== end-to-end: the served app in headless Chromium, with the proxy and local registries =="
cargo build --release --locked -p indexsmith-serve
E2E_SKIP_BUILD=1 ./scripts/test-e2e.sh
