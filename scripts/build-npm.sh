#!/usr/bin/env bash
# Builds the npm package `indexsmith` into crates/indexsmith-wasm/pkg/ (git-ignored).
#
#   cargo (wasm32-unknown-unknown; profile wasm-release for browsers, wasm-node for Node)
#   -> wasm-bindgen 0.2.130 (web and nodejs glue)
#   -> wasm-opt from the npm package binaryen@132 (skipped when it cannot be installed)
#   -> package.json, the TypeScript declarations, the JS entry points, README and LICENSE.
#
# Environment: WASM_BINDGEN (path of the wasm-bindgen CLI; default: on PATH or ~/.cargo/bin),
# SKIP_WASM_OPT=1 to leave the module unoptimised.
set -euo pipefail
cd "$(dirname "$0")/.."

crate=crates/indexsmith-wasm
pkg=$crate/pkg
tools=.tools
bindgen_version=0.2.130
binaryen_version=132

wasm_bindgen=${WASM_BINDGEN:-$(command -v wasm-bindgen || echo "$HOME/.cargo/bin/wasm-bindgen")}
if ! "$wasm_bindgen" --version 2>/dev/null | grep -q " $bindgen_version\$"; then
  echo "wasm-bindgen $bindgen_version is required (found: $("$wasm_bindgen" --version 2>&1 || echo none))" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf "$pkg"
mkdir -p "$pkg"
wasm_opt=$tools/binaryen/node_modules/binaryen/bin/wasm-opt
if [ "${SKIP_WASM_OPT:-0}" != 1 ] && [ ! -x "$wasm_opt" ]; then
  npm install --silent --no-audit --no-fund --prefix "$tools/binaryen" "binaryen@$binaryen_version" >&2 \
    || echo "could not install binaryen@$binaryen_version; wasm-opt skipped" >&2
fi

# Wasm module of a build: build_wasm PROFILE [cargo args...]; prints the path of the .wasm.
build_wasm() {
  local profile=$1
  shift
  # Keep the target_features section (strip only debug info) so wasm-bindgen sees the features;
  # wasm-bindgen and wasm-opt remove the names and producers sections afterwards.
  env "CARGO_PROFILE_$(echo "$profile" | tr a-z- A-Z_)_STRIP=debuginfo" \
    cargo build --locked --target wasm32-unknown-unknown --profile "$profile" -p indexsmith-wasm "$@" >&2
  echo "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/$profile/indexsmith_wasm.wasm"
}

# bindgen TARGET NAME WASM: wasm-bindgen's glue and module NAME for TARGET, in $tmp/NAME/TARGET.
bindgen() {
  "$wasm_bindgen" --target "$1" --out-dir "$tmp/$2/$1" --out-name "$2" \
    --experimental-reset-state-function --remove-name-section --remove-producers-section "$3"
}

# wasm_opt_in_place FILE LEVEL: optimizes FILE in place with binaryen's wasm-opt, when it is available.
wasm_opt_in_place() {
  if [ "${SKIP_WASM_OPT:-0}" != 1 ] && [ -x "$wasm_opt" ]; then
    # The features are those rustc enables by default for wasm32-unknown-unknown.
    "$wasm_opt" "$2" --strip-debug --strip-producers \
      --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
      --enable-reference-types --enable-multivalue --enable-sign-ext \
      -o "$1" "$1"
  else
    echo "wasm-opt not available: $1 is left as wasm-bindgen wrote it" >&2
  fi
}

# Three modules:
# - the core for browsers and bundlers (`indexsmith_bg.wasm`, glue.web.js), size-tuned;
# - the core for Node (`indexsmith_node_bg.wasm`, glue.node.cjs): the same code built for speed,
#   since Node reads it from disk and nobody downloads it;
# - the core with the registry API (`indexsmith_registry_bg.wasm`, registry_glue.*), which the
#   entry points load on the first registry call so that the core keeps its size budget.
echo "== cargo build (core; wasm-release) =="
wasm=$(build_wasm wasm-release)
echo "== wasm-bindgen (core, web) =="
bindgen web indexsmith "$wasm"
cp "$tmp/indexsmith/web/indexsmith_bg.wasm" "$pkg/indexsmith_bg.wasm"
cp "$tmp/indexsmith/web/indexsmith.js" "$pkg/glue.web.js"
echo "== wasm-opt (core, web) =="
# -O1: measured smaller after gzip -9 than -Os/-Oz (which inline and unroll for raw size).
wasm_opt_in_place "$pkg/indexsmith_bg.wasm" -O1

echo "== cargo build (core; wasm-node) =="
wasm=$(build_wasm wasm-node)
echo "== wasm-bindgen (core, nodejs) =="
bindgen nodejs indexsmith_node "$wasm"
cp "$tmp/indexsmith_node/nodejs/indexsmith_node_bg.wasm" "$pkg/indexsmith_node_bg.wasm"
cp "$tmp/indexsmith_node/nodejs/indexsmith_node.js" "$pkg/glue.node.cjs"
echo "== wasm-opt (core, nodejs) =="
wasm_opt_in_place "$pkg/indexsmith_node_bg.wasm" -O3

echo "== cargo build (registry; wasm-release) =="
wasm=$(build_wasm wasm-release --features registry)
echo "== wasm-bindgen (registry) =="
bindgen nodejs indexsmith_registry "$wasm"
bindgen web indexsmith_registry "$wasm"
registry=$tmp/indexsmith_registry
if ! cmp -s "$registry/nodejs/indexsmith_registry_bg.wasm" "$registry/web/indexsmith_registry_bg.wasm"; then
  echo "the nodejs and web targets produced different registry modules; one shared .wasm is assumed" >&2
  exit 1
fi
cp "$registry/web/indexsmith_registry_bg.wasm" "$pkg/indexsmith_registry_bg.wasm"
cp "$registry/nodejs/indexsmith_registry.js" "$pkg/registry_glue.node.cjs"
cp "$registry/web/indexsmith_registry.js" "$pkg/registry_glue.web.js"
echo "== wasm-opt (registry) =="
wasm_opt_in_place "$pkg/indexsmith_registry_bg.wasm" -O1

echo "== package =="
# The declarations: generated by wasm-bindgen from the Rust types (tsify), without the glue's
# internal reset function, followed by the declarations of the entry points' init functions. The
# same text serves `import` (indexsmith.d.ts, an ES module as the package is) and `require`
# (indexsmith.d.cts, CommonJS); web.d.ts, inline.d.ts and node.d.ts give the subpaths their types
# where TypeScript reads no `exports` (moduleResolution node10).
{
  # The registry module's declarations: the core's and the registry's types.
  grep -v '^export function __wbg_reset_state(): void;$' "$registry/nodejs/indexsmith_registry.d.ts"
  cat "$crate/js/init.d.ts"
  cat "$crate/js/registry.d.ts"
} > "$pkg/indexsmith.d.ts"
cp "$pkg/indexsmith.d.ts" "$pkg/indexsmith.d.cts"
for entry in web inline node; do
  printf 'export * from "./indexsmith.js";\nexport { default } from "./indexsmith.js";\n' > "$pkg/$entry.d.ts"
done
cp "$crate/js/node.cjs" "$crate/js/node.mjs" "$crate/js/web.js" "$crate/js/inline.js" "$crate/js/loader.js" "$pkg/"
# The registry driver is one source for both module systems: each gets its export line; in
# browsers the registry module's default place is next to the JS (a URL bundlers follow).
{ cat "$crate/js/registry.js"; echo 'module.exports = { registryApi };'; } > "$pkg/registry.cjs"
{
  cat "$crate/js/registry.js"
  echo 'export { registryApi };'
  echo 'export const defaultLocation = () => new URL("./indexsmith_registry_bg.wasm", import.meta.url);'
} > "$pkg/registry.web.js"
{ cat "$crate/js/call-options.js"; echo 'module.exports = { callRegistry };'; } > "$pkg/call-options.cjs"
{ cat "$crate/js/call-options.js"; echo 'export { callRegistry };'; } > "$pkg/call-options.web.js"
# indexsmith/inline: the browser modules as base64 in JS, for bundlers that carry no .wasm file.
inline_module() {
  { printf 'export default "'; base64 -w0 "$1"; printf '";\n'; } > "$2"
}
inline_module "$pkg/indexsmith_bg.wasm" "$pkg/core.inline.js"
inline_module "$pkg/indexsmith_registry_bg.wasm" "$pkg/registry.inline.js"
# So is the unpacking of validation reports.
{ cat "$crate/js/report.js"; echo 'module.exports = { unpackReport };'; } > "$pkg/report.cjs"
{ cat "$crate/js/report.js"; echo 'export { unpackReport };'; } > "$pkg/report.web.js"
cp "$crate/README.md" "$crate/LICENSE" "$pkg/"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
sed "s/\"version\": \"0.0.0\"/\"version\": \"$version\"/" "$crate/js/package.json" > "$pkg/package.json"

raw=$(wc -c < "$pkg/indexsmith_bg.wasm")
gz=$(gzip -9 -c "$pkg/indexsmith_bg.wasm" | wc -c)
echo "built $pkg (indexsmith_bg.wasm: $raw bytes, $gz bytes gzip -9)"
echo "  Node module (indexsmith_node_bg.wasm, built for speed): $(wc -c < "$pkg/indexsmith_node_bg.wasm") bytes"
rraw=$(wc -c < "$pkg/indexsmith_registry_bg.wasm")
rgz=$(gzip -9 -c "$pkg/indexsmith_registry_bg.wasm" | wc -c)
echo "  registry API module, loaded on the first registry call (indexsmith_registry_bg.wasm): $rraw bytes, $rgz bytes gzip -9"
