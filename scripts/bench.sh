#!/usr/bin/env bash
# Runs every benchmark available and writes a Markdown report; prints its path.
#   scripts/bench.sh            native benches (10 to 10,000 entries); in Node the JavaScript
#                               baseline and floor, and the npm package when it is built; the
#                               web build against the baseline in headless Chromium
#   BENCH_50MB=1 scripts/bench.sh   also the 50 MB document (native and Node)
#   BENCH_QUICK=1 scripts/bench.sh  shorter measurement (noisier)
set -euo pipefail
cd "$(dirname "$0")/.."

inputs=target/bench-inputs
report=target/bench-report.md
node_results=target/bench-node.md

echo "== generating inputs in $inputs =="
cargo run --quiet --release -p indexsmith-bench --bin gen-inputs -- "$inputs"

criterion_args=()
if [ -n "${BENCH_QUICK:-}" ]; then
  criterion_args=(--warm-up-time 1 --measurement-time 3)
fi
if [ -n "${BENCH_50MB:-}" ]; then
  export INDEXSMITH_BENCH_50MB=1
fi

echo "== native benchmarks =="
cargo bench -p indexsmith-bench --bench validate -- "${criterion_args[@]}"
cargo bench -p indexsmith-bench --bench compose -- "${criterion_args[@]}"

node_arg=()
rm -f "$node_results" target/bench-wasm-core.md
pkg=crates/indexsmith-wasm/pkg
deps=target/bench-node-deps
if command -v node >/dev/null 2>&1; then
  # ajv and @noble/hashes for the JavaScript baseline, in a git-ignored folder (skipped when
  # present).
  if [ ! -d "$deps/node_modules/ajv" ] || [ ! -d "$deps/node_modules/@noble/hashes" ]; then
    echo "== installing ajv and @noble/hashes into $deps =="
    mkdir -p "$deps"
    [ -f "$deps/package.json" ] || echo '{"private": true}' > "$deps/package.json"
    (cd "$deps" && npm install --no-audit --no-fund ajv@8.17.1 @noble/hashes@1.8.0)
  fi
  if [ ! -d "$pkg" ] && [ -x scripts/build-npm.sh ]; then
    echo "== building the npm package =="
    scripts/build-npm.sh
  fi
  echo "== Node benchmarks =="
  node bench/node.mjs "$inputs" "$node_results" "$deps" "$pkg"
  node_arg=("$node_results")
  chromium=${CHROMIUM:-/usr/bin/chromium}
  if [ -x "$chromium" ]; then
    tools=.tools/npm-test
    if [ ! -d "$tools/node_modules/playwright-core" ]; then
      mkdir -p "$tools"
      [ -f "$tools/package.json" ] || echo '{"private": true}' > "$tools/package.json"
      npm install --silent --no-audit --no-fund --prefix "$tools" typescript@5.9.3 playwright-core@1.65.1
    fi
    echo "== headless Chromium =="
    node bench/chromium.mjs "$inputs" target/bench-chromium.md "$deps" "$pkg"
    node_arg+=(target/bench-chromium.md)
  else
    echo "== headless Chromium: skipped ($chromium not found; scripts/setup.sh installs it) =="
  fi
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    echo "== the core in WebAssembly against native =="
    # The profiles of the npm package's modules: wasm-release (browsers) and wasm-node (Node).
    cargo build --quiet --profile wasm-release --target wasm32-unknown-unknown -p indexsmith-bench-wasm
    cargo build --quiet --profile wasm-node --target wasm32-unknown-unknown -p indexsmith-bench-wasm
    node bench/wasm-core.mjs "$inputs" target/bench-wasm-core.md target/criterion
    node_arg+=(target/bench-wasm-core.md)
  fi
fi

cargo run --quiet --release -p indexsmith-bench --bin bench-report -- target/criterion "$inputs" "$report" "${node_arg[@]}"

wasm=$(ls "$pkg"/*/*.wasm "$pkg"/*.wasm 2>/dev/null | head -n 1 || true)
if [ -n "$wasm" ]; then
  {
    echo
    echo "npm \`.wasm\` ($(basename "$wasm")): $(stat -c %s "$wasm") bytes raw, $(gzip -9 -c "$wasm" | wc -c) bytes gzip -9."
  } >> "$report"
fi

echo "report: $report"
