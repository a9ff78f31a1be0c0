#!/usr/bin/env bash
# Prints the raw and gzip -9 sizes of the npm package's WebAssembly module (build it first with
# scripts/build-npm.sh). With --check, exits non-zero when the gzip size is over the budget.
set -euo pipefail
cd "$(dirname "$0")/.."

wasm=crates/indexsmith-wasm/pkg/indexsmith_bg.wasm
budget=$((120 * 1024)) # bytes, gzip -9
if [ ! -f "$wasm" ]; then
  echo "$wasm is missing: run scripts/build-npm.sh first" >&2
  exit 1
fi
raw=$(wc -c < "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
printf '%s\n  raw:     %8d bytes (%d KiB)\n  gzip -9: %8d bytes (%d KiB); budget %d KiB\n' "$wasm" "$raw" $((raw / 1024)) "$gz" $((gz / 1024)) $((budget / 1024))
if [ "${1:-}" = --check ] && [ "$gz" -gt "$budget" ]; then
  echo "over budget by $((gz - budget)) bytes" >&2
  exit 1
fi
