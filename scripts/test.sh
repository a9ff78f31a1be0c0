#!/usr/bin/env bash
# Runs every test of the project (`cargo xtask test`; see CONTRIBUTING.md). Installs what is
# missing first. Exits non-zero on any failure. Suite names run only those suites:
#   ./scripts/test.sh fmt clippy     (cargo xtask test --list names them)
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo xtask test "$@"
