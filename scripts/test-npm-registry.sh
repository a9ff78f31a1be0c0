#!/usr/bin/env bash
# Builds the npm package and runs its registry tests: Node tests against real docker-registry
# instances on 127.0.0.1 (plain, htpasswd basic auth, token auth, fault-injecting proxies) and a
# headless Chromium run. Every registry, token service and proxy is started by the tests on free
# ports and stopped by them.
#
# Installs what it needs when missing: Debian's nodejs, npm, chromium, docker-registry, openssl and
# apache2-utils (htpasswd); playwright-core into .tools/npm-test (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

crate=crates/indexsmith-wasm
tests=$crate/npm-tests

missing=()
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v docker-registry >/dev/null || missing+=(docker-registry)
command -v openssl >/dev/null || missing+=(openssl)
command -v htpasswd >/dev/null || missing+=(apache2-utils)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

tools=.tools/npm-test
if [ ! -d "$tools/node_modules/playwright-core" ]; then
  mkdir -p "$tools"
  [ -f "$tools/package.json" ] || echo '{"private": true}' > "$tools/package.json"
  npm install --silent --no-audit --no-fund --prefix "$tools" playwright-core@1.65.1
fi

./scripts/build-npm.sh

# The tests import the built package by name, as users do.
mkdir -p "$tests/node_modules"
ln -sfn ../../pkg "$tests/node_modules/indexsmith"

echo "== node --test (registry API: Node and Chromium) =="
node --test "$tests"/registry*.test.mjs
