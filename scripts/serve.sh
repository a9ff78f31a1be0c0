#!/usr/bin/env bash
# Builds and runs the local server: the app from dist/, the registry proxy, and a local registry
# seeded with a multi-platform sample image. Arguments go to indexsmith-serve (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release -p indexsmith-serve
exec target/release/indexsmith-serve "$@"
