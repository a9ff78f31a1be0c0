#!/usr/bin/env bash
# Runs every fuzz target for the given number of seconds each (default 180), seeded from the
# corpus of real documents and the target's seeds in fuzz/seeds/, and prints the executions per
# target. Crashes are kept under fuzz/artifacts/<target>/.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-180}"
shift || true

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz (nightly) =="
  cargo +nightly install cargo-fuzz --locked
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cd fuzz && cargo +nightly fuzz list)
fi

summary=()
for target in "${targets[@]}"; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  # Seeds (copied each run; the corpus folder is git-ignored): the target's own seeds when it
  # has them (the text parsers' inputs; for the others, a minimized set of inputs earlier runs
  # found), and for the document targets the shared corpus of real documents too; for edit_index
  # each document once per edit selector (the first byte of its input).
  if [ -d "fuzz/seeds/$target" ]; then
    cp fuzz/seeds/"$target"/* "$corpus/"
  fi
  if [ "$target" = platform_parse ] || [ "$target" = reference_parse ]; then
    :
  elif [ "$target" = edit_index ]; then
    for f in tests/fixtures/corpus/*.json; do
      for selector in 1 2 3 4 5 6 7 17 33; do
        { printf "\\$(printf '%03o' "$selector")"; cat "$f"; } > "$corpus/$(basename "$f" .json)-$selector"
      done
    done
  else
    cp tests/fixtures/corpus/*.json "$corpus/"
  fi
  echo "== fuzz $target for ${seconds}s =="
  log="fuzz/artifacts/$target.log"
  mkdir -p fuzz/artifacts
  status=0
  # No sanitizer by default: the crates fuzzed have no `unsafe` code, and AddressSanitizer costs
  # several times the executions (FUZZ_SANITIZER=address to have it).
  (cd fuzz && cargo +nightly fuzz run --sanitizer "${FUZZ_SANITIZER:-none}" "$target" "corpus/$target" -- -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048) 2>&1 | tee "$log" | grep -E "^(Done|==[0-9]+== ERROR|SUMMARY)|panicked" || status=$?
  runs=$(grep -Eo '^Done [0-9]+ runs' "$log" | grep -Eo '[0-9]+' || true)
  if grep -q "Done [0-9]* runs" "$log"; then
    summary+=("$target: ${runs} executions, no crash")
  else
    summary+=("$target: CRASH (see $log and fuzz/artifacts/$target/)")
  fi
done

echo
echo "== fuzzing summary (${seconds}s per target) =="
printf '%s\n' "${summary[@]}"
if printf '%s\n' "${summary[@]}" | grep -q CRASH; then
  exit 1
fi
