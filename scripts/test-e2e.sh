#!/usr/bin/env bash
# End-to-end tests of the web app in headless Chromium, against the served app, the registry
# proxy and two local registries, neither with CORS headers (the app reaches both through the
# proxy):
#   - the registry indexsmith-serve starts and seeds;
#   - a second docker-registry, seeded with sample/hello:latest by copying it through the proxy.
# Builds the app and the server, installs playwright-core (no browser download: Debian's
# chromium is used), runs `node --test tests/e2e/`, keeps a screenshot per test in
# tests/output/e2e/, and stops everything it started. Exits non-zero on any failure.
#
#   E2E_SKIP_BUILD=1   reuse dist/ and target/release/indexsmith-serve as they are
#   E2E_CHROMIUM=PATH  the browser (default /usr/bin/chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PLAYWRIGHT_VERSION=$(node -e 'console.log(require("./tests/e2e/package.json").dependencies["playwright-core"])')
CHROMIUM=${E2E_CHROMIUM:-/usr/bin/chromium}
OUTPUT=$ROOT/tests/output/e2e
SERVE=$ROOT/target/release/indexsmith-serve
REGISTRY_PROGRAM=$(command -v docker-registry || echo /usr/bin/docker-registry)

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "test-e2e: $tool is required" >&2; exit 1; }
done
# node --test with --test-concurrency and several reporters needs Node 20.10 or later.
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 10) ? 0 : 1)' \
  || { echo "test-e2e: Node $(node --version) is too old; Node 20.10 or later is needed" >&2; exit 1; }
[ -x "$CHROMIUM" ] || { echo "test-e2e: no browser at $CHROMIUM (scripts/setup.sh installs Debian's chromium)" >&2; exit 1; }
[ -x "$REGISTRY_PROGRAM" ] || { echo "test-e2e: docker-registry is missing (scripts/setup.sh installs it)" >&2; exit 1; }

if [ "${E2E_SKIP_BUILD:-0}" != 1 ]; then
  echo "== build: web app =="
  ./scripts/build-web.sh
  echo "== build: indexsmith-serve (release) =="
  cargo build --release --locked -p indexsmith-serve
fi
[ -f dist/index.html ] || { echo "test-e2e: dist/index.html is missing (scripts/build-web.sh)" >&2; exit 1; }
[ -x "$SERVE" ] || { echo "test-e2e: $SERVE is missing" >&2; exit 1; }

echo "== playwright-core $PLAYWRIGHT_VERSION (tests/e2e/node_modules, no browser download) =="
installed=$(node -e 'try { console.log(require("./tests/e2e/node_modules/playwright-core/package.json").version) } catch { }')
if [ "$installed" = "$PLAYWRIGHT_VERSION" ]; then
  echo "present"
else
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix tests/e2e --no-audit --no-fund --no-package-lock --silent
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/indexsmith-e2e.XXXXXX")
SERVE_PID=
PLAIN_PID=
stop() {
  local status=$?
  for pid in $SERVE_PID $PLAIN_PID; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [ "$status" -ne 0 ]; then
    for log in "$WORK"/*.log; do
      [ -s "$log" ] && { echo "--- $(basename "$log") (last lines)"; tail -n 20 "$log"; }
    done
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap stop EXIT
trap 'exit 130' INT TERM

# Polls `$1` (a command) every 0.2 s until it succeeds or `$2` seconds pass.
wait_for() {
  local tries=$(( $2 * 5 ))
  until eval "$1"; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || return 1
    sleep 0.2
  done
}

echo "== start: indexsmith-serve --port 0 (app, proxy, seeded registry) =="
"$SERVE" --dist dist --port 0 --registry-bin "$REGISTRY_PROGRAM" >"$WORK/serve.log" 2>&1 &
SERVE_PID=$!
wait_for "grep -q '^  ready in' '$WORK/serve.log' || ! kill -0 $SERVE_PID 2>/dev/null" 180 \
  || { echo "test-e2e: indexsmith-serve did not become ready" >&2; exit 1; }
kill -0 "$SERVE_PID" 2>/dev/null || { echo "test-e2e: indexsmith-serve exited" >&2; exit 1; }
cat "$WORK/serve.log"
APP=$(awk '$1 == "app" { print $2; exit }' "$WORK/serve.log")
APP=${APP%/}
REGISTRY=$(awk '$1 == "registry" { sub("^http://", "", $2); sub("/$", "", $2); print $2; exit }' "$WORK/serve.log")
grep -q '^  sample ' "$WORK/serve.log" || { echo "test-e2e: the sample image was not seeded" >&2; exit 1; }
[ -n "$APP" ] && [ -n "$REGISTRY" ] || { echo "test-e2e: cannot read the app and registry addresses" >&2; exit 1; }

echo "== start: docker-registry without CORS headers =="
free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}
registry_answers() {
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' "http://$1/v2/"
}
for attempt in 1 2 3; do
  PLAIN_PORT=$(free_port)
  PLAIN=127.0.0.1:$PLAIN_PORT
  mkdir -p "$WORK/plain-storage"
  cat >"$WORK/plain-registry.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: '$WORK/plain-storage'
  delete:
    enabled: true
http:
  addr: '$PLAIN'
  secret: 'e2e-$RANDOM$RANDOM'
EOF
  "$REGISTRY_PROGRAM" serve "$WORK/plain-registry.yml" >"$WORK/plain-registry.log" 2>&1 &
  PLAIN_PID=$!
  if wait_for "registry_answers $PLAIN || ! kill -0 $PLAIN_PID 2>/dev/null" 60 && kill -0 "$PLAIN_PID" 2>/dev/null; then
    break
  fi
  kill -TERM "$PLAIN_PID" 2>/dev/null || true
  wait "$PLAIN_PID" 2>/dev/null || true
  PLAIN_PID=
  [ "$attempt" -lt 3 ] || { echo "test-e2e: the registry without CORS did not start" >&2; exit 1; }
done
echo "  registry without CORS  http://$PLAIN/"
node tests/e2e/support/seed-plain.mjs "$APP" "$REGISTRY" "$PLAIN"

echo "== node --test tests/e2e/ =="
rm -rf "$OUTPUT"
mkdir -p "$OUTPUT"
set +e
E2E_APP=$APP E2E_REGISTRY=$REGISTRY E2E_PLAIN_REGISTRY=$PLAIN E2E_OUTPUT=$OUTPUT E2E_CHROMIUM=$CHROMIUM \
  node --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$WORK/results.tap" \
  tests/e2e/
status=$?
set -e
passed=$(awk '/^# pass / { print $3 }' "$WORK/results.tap")
failed=$(awk '/^# fail / { print $3 }' "$WORK/results.tap")
echo "e2e: ${passed:-0} passed, ${failed:-0} failed (screenshots in tests/output/e2e/)"
if [ "$status" -ne 0 ] || [ "${failed:-1}" != 0 ] || [ "${passed:-0}" = 0 ]; then
  exit 1
fi
