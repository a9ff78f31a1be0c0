#!/usr/bin/env bash
# Builds the app (release) and runs the local server: the app from dist/, the registry proxy, and a
# local registry seeded with a multi-platform sample image (`cargo xtask serve`). Arguments go to
# indexsmith-serve (see --help), e.g. `./scripts/serve.sh --port 9000`. Ctrl-C stops everything it
# started.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo xtask serve "$@"
