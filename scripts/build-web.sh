#!/usr/bin/env bash
# Builds the web app into dist/ with Trunk (offline, size-tuned profile `wasm-release`, wasm-opt
# -Oz from the project-local binaryen), then reports the size of every file, raw and gzip -9.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-web-tools.sh >/dev/null
# Trunk uses the wasm-opt it finds on PATH (no version pinned in Trunk.toml), so it never
# downloads one; --offline makes any missing tool an error instead of a download.
export PATH="$PWD/.tools/binaryen/node_modules/.bin:$PATH"

trunk build --release --offline --dist dist index.html

echo
echo "== dist/ sizes (bytes) =="
printf '%-48s %10s %10s\n' file raw gzip-9
total_raw=0
total_gz=0
first_raw=0
first_gz=0
while IFS= read -r f; do
  raw=$(wc -c < "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  printf '%-48s %10d %10d\n' "${f#dist/}" "$raw" "$gz"
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  case "$f" in
    *.wasm|*.js|*.css|*.html) first_raw=$((first_raw + raw)); first_gz=$((first_gz + gz)) ;;
  esac
done < <(find dist -type f | sort)
printf '%-48s %10d %10d\n' "total" "$total_raw" "$total_gz"
printf '%-48s %10d %10d\n' "first load (html+wasm+js+css)" "$first_raw" "$first_gz"
budget=$((450 * 1024))
if [ "$first_gz" -gt "$budget" ]; then
  echo "first load is over the 450 KiB gzip budget" >&2
  exit 1
fi
