#!/usr/bin/env bash
# The npm package's consumer matrix (tests/consumers/run.mjs): the packed tarball in a fresh
# project per setup — TypeScript in every module resolution, arethetypeswrong, Node, Vite (dev
# server and build), webpack 5, esbuild (browser and Node bundles), Rollup — built with the pinned
# tools of tests/consumers/package-lock.json and run in Node or headless Chromium.
#
# Installs the tools (npm ci, into tests/consumers/node_modules) when the lockfile changed since
# the last install, and builds the package first unless given --no-build. Other arguments go to
# run.mjs (e.g. --only vite-dev-inline,webpack).
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
if [ "${1:-}" = --no-build ]; then
  build=0
  shift
fi

consumers=tests/consumers
stamp=$consumers/node_modules/.installed-package-lock.json
if ! cmp -s "$consumers/package-lock.json" "$stamp"; then
  npm ci --no-audit --no-fund --prefix "$consumers"
  cp "$consumers/package-lock.json" "$stamp"
fi

[ "$build" = 0 ] || cargo xtask build-npm
node "$consumers/run.mjs" "$@"
