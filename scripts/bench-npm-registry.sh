#!/usr/bin/env bash
# Builds the npm package and measures the registry budgets (bench/registry.mjs) against real
# docker-registry instances on 127.0.0.1, side by side with `skopeo copy --all`. Prints the
# figures and writes bench/report-registry.json (git-ignored; REPORT=<path> writes elsewhere).
#
# Environment: LAYER_MIB (default 256), RUNS (inspect runs, default 15), COPY_RUNS (default 3),
# ONLY=inspect (the inspect budget alone).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v node >/dev/null || missing+=(nodejs)
command -v docker-registry >/dev/null || missing+=(docker-registry)
command -v skopeo >/dev/null || missing+=(skopeo)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

./scripts/build-npm.sh
node bench/registry.mjs
