#!/usr/bin/env bash
# Builds the npm package and runs its tests: the declarations against the golden file, tsc --strict
# on a typed example, the Node tests (import and require), the browser test (headless Chromium),
# npm pack + install, the consumer matrix (tests/consumers), the wasm-bindgen-test suite (Node),
# and the size report.
#
# Installs what it needs when missing: Debian's nodejs, npm and chromium; typescript and
# playwright-core into .tools/npm-test (git-ignored). UPDATE_GOLDEN=1 rewrites the golden file.
set -euo pipefail
cd "$(dirname "$0")/.."

crate=crates/indexsmith-wasm
tests=$crate/npm-tests

missing=()
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

tools=.tools/npm-test
if [ ! -d "$tools/node_modules/typescript" ] || [ ! -d "$tools/node_modules/playwright-core" ]; then
  mkdir -p "$tools"
  [ -f "$tools/package.json" ] || echo '{"private": true}' > "$tools/package.json"
  npm install --silent --no-audit --no-fund --prefix "$tools" typescript@5.9.3 playwright-core@1.65.1
fi

./scripts/build-npm.sh

echo "== TypeScript declarations =="
golden=$crate/indexsmith.d.ts.golden
if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
  cp "$crate/pkg/indexsmith.d.ts" "$golden"
  echo "updated $golden"
elif ! diff -u "$golden" "$crate/pkg/indexsmith.d.ts"; then
  echo "the generated declarations differ from $golden (UPDATE_GOLDEN=1 $0 accepts them)" >&2
  exit 1
fi
echo "declarations match the golden file"

# The tests import the built package by name, as users do.
mkdir -p "$tests/node_modules"
ln -sfn ../../pkg "$tests/node_modules/indexsmith"

echo "== tsc --strict =="
"$tools/node_modules/.bin/tsc" -p "$tests/tsconfig.json"
echo "typed example compiles"

echo "== node --test (package, browser, npm pack) =="
node --test "$tests/"

echo "== consumer matrix (tests/consumers: TypeScript, Node, Vite, webpack, esbuild, Rollup) =="
./scripts/test-consumers.sh --no-build

echo "== wasm-bindgen-test (Node) =="
runner=${WASM_BINDGEN_TEST_RUNNER:-$(command -v wasm-bindgen-test-runner || echo "$HOME/.cargo/bin/wasm-bindgen-test-runner")}
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=$runner \
  cargo test --locked --target wasm32-unknown-unknown -p indexsmith-wasm --test api

echo "== size =="
./scripts/size-report.sh --check
