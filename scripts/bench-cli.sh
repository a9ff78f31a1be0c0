#!/usr/bin/env bash
# Measures the command line's budgets (bench/cli.mjs): validate of the 10,000-entry index against
# the core's native benchmark plus process start, process start to first request, and a copy of a
# 2-platform image with 64 MiB layers against `skopeo copy --all` with peak RSS, on real
# docker-registry instances on 127.0.0.1. Prints the figures and writes bench/report-cli.json.
#
# Environment: LAYER_MIB (default 64), RUNS (default 30), COPY_RUNS (default 3),
# ONLY=validate|first-request|copy (one budget alone), BENCH_QUICK=1 (shorter criterion run).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo xtask setup

cargo build --release --locked -p indexsmith-cli
inputs=target/bench-inputs
estimate=target/criterion/validate/validate+digest/10000/new/estimates.json
if [ -z "${ONLY:-}" ] || [ "${ONLY:-}" = validate ]; then
  cargo run --quiet --release --locked -p indexsmith-bench --bin gen-inputs -- "$inputs"
  criterion_args=()
  if [ -n "${BENCH_QUICK:-}" ]; then
    criterion_args=(--warm-up-time 1 --measurement-time 3)
  fi
  cargo bench --locked -p indexsmith-bench --bench validate -- "${criterion_args[@]}" 'validate/validate\+digest/10000$'
fi
node bench/cli.mjs target/release/indexsmith "$inputs/index-10000.json" "$estimate"
