#!/usr/bin/env bash
# Prints what each consumer of the npm package downloads and installs (build it first with
# scripts/build-npm.sh): the tarball npm downloads and what it unpacks; a page that only validates
# (the core module, raw and gzip -9, with the default entry point or indexsmith/inline); what the
# first registry call adds; and what Node loads. With --check, exits non-zero when the core
# module's gzip size is over the budget. Whole pages, as bundlers build them, are measured by the
# consumer matrix (scripts/test-consumers.sh; tests/output/consumers.json).
set -euo pipefail
cd "$(dirname "$0")/.."

pkg=crates/indexsmith-wasm/pkg
wasm=$pkg/indexsmith_bg.wasm
budget=$((120 * 1024)) # bytes, gzip -9
if [ ! -f "$wasm" ]; then
  echo "$wasm is missing: run scripts/build-npm.sh first" >&2
  exit 1
fi

raw() { wc -c < "$1"; }
gz() { gzip -9 -c "$1" | wc -c; }
sum_raw() { cat "$@" | wc -c; }
sum_gz() { cat "$@" | gzip -9 -c | wc -c; }
row() { printf '  %-58s %9d bytes %9d gzip -9\n' "$1" "$2" "$3"; }

echo "npm package ($pkg)"
packed=$(cd "$pkg" && npm pack --dry-run --json 2>/dev/null)
size=$(node -e 'const [p] = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(p.size, p.unpackedSize, p.entryCount)' <<< "$packed")
read -r tarball unpacked entries <<< "$size"
printf '  %-58s %9d bytes\n' "download (npm tarball)" "$tarball"
printf '  %-58s %9d bytes (%d files)\n' "install (unpacked)" "$unpacked" "$entries"

echo "a page that only validates"
row "indexsmith: indexsmith_bg.wasm" "$(raw "$wasm")" "$(gz "$wasm")"
row "  with its JS (web.js, loader.js, glue.web.js; unminified)" \
  "$(sum_raw "$wasm" "$pkg/web.js" "$pkg/loader.js" "$pkg/glue.web.js")" \
  "$(($(gz "$wasm") + $(sum_gz "$pkg/web.js" "$pkg/loader.js" "$pkg/glue.web.js")))"
row "indexsmith/inline: core.inline.js (the module in base64)" "$(raw "$pkg/core.inline.js")" "$(gz "$pkg/core.inline.js")"
echo "the first registry call adds"
row "indexsmith: indexsmith_registry_bg.wasm" "$(raw "$pkg/indexsmith_registry_bg.wasm")" "$(gz "$pkg/indexsmith_registry_bg.wasm")"
row "  with its JS (registry.web.js, registry_glue.web.js)" \
  "$(sum_raw "$pkg/registry.web.js" "$pkg/registry_glue.web.js")" \
  "$(sum_gz "$pkg/registry.web.js" "$pkg/registry_glue.web.js")"
row "indexsmith/inline: registry.inline.js" "$(raw "$pkg/registry.inline.js")" "$(gz "$pkg/registry.inline.js")"
echo "Node (read from disk)"
row "indexsmith_node_bg.wasm (built for speed)" "$(raw "$pkg/indexsmith_node_bg.wasm")" "$(gz "$pkg/indexsmith_node_bg.wasm")"

core_gz=$(gz "$wasm")
printf 'core module: %d bytes gzip -9 (%d KiB); budget %d KiB\n' "$core_gz" $((core_gz / 1024)) $((budget / 1024))
if [ "${1:-}" = --check ] && [ "$core_gz" -gt "$budget" ]; then
  echo "over budget by $((core_gz - budget)) bytes" >&2
  exit 1
fi
