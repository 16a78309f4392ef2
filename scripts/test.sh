#!/usr/bin/env bash
# Every test of the project, from a clean clone: install, build, lint, type-check the dev tooling,
# install the n8n runtimes (cached per user and reused), then run all test files.
set -euo pipefail
cd "$(dirname "$0")/.."

# The n8n runtimes install in the background from the start, one at a time: the pinned version, which every test
# runs on, then the other versions of the compatibility matrix, which only the smoke suite (test/compat/) uses.
# The tests start once the pinned version is ready; the smoke suite runs after the browser tests, about 17 minutes
# in, and waits for an install still under way (the install script's lock) or installs one that failed itself,
# with the error. Each runtime is cached per user and version (once per machine).
pinned=$(node -p "require('./scripts/n8n-versions.json').pinned")
smoke_only=$(node -p "const v = require('./scripts/n8n-versions.json'); v.smoke.filter((s) => s !== v.pinned).join(' ')")
(for version in "$pinned" $smoke_only; do bash scripts/install-n8n-runtime.sh "$version" >/dev/null || true; done) &

if [ ! -x node_modules/.bin/n8n-node ] || [ ! -d node_modules/tsx ]; then
  echo "[test] installing dev dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "[test] build"
npm run --silent build
echo "[test] lint"
npm run --silent lint
echo "[test] type-check sandbox, tests and scripts"
npx tsc -p tsconfig.dev.json
if [ ! -x /usr/bin/chromium ]; then
  # Browser tests drive Debian's Chromium through playwright-core (no browser download).
  echo "[test] installing Chromium"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
echo "[test] n8n runtimes"
# Waits for the pinned version's install started above, if it is still running (the install script's lock).
bash scripts/install-n8n-runtime.sh "$pinned" >/dev/null

# Two lanes at once. The browser tests keep Chromium's main thread busy, while the other files spend much of
# their time waiting (n8n starting, rate-limit windows, the crash tests' slow workflows): one after the other the
# machine stood a third idle outside the browser tests. The smoke suite and the queue-mode file follow the browser
# tests in their lane, which makes the two lanes about as long. Node's test runner orders each lane's files by
# path (browser, compat, e2e). Lines of the browser lane are prefixed.
mapfile -t browser_lane < <(find test/browser test/compat test/e2e/queue.test.mts -name '*.test.mts' | sort)
mapfile -t other_lane < <(find test -name '*.test.mts' | sort | grep -vxF -f <(printf '%s\n' "${browser_lane[@]}"))
echo "[test] $(( ${#browser_lane[@]} + ${#other_lane[@]} )) test files in two lanes"
run() { node --import tsx --test --test-concurrency=1 --test-reporter=spec "$@"; }
(run "${browser_lane[@]}" 2>&1 | sed -u 's/^/[browser lane] /') &
lane=$!
status=0
run "${other_lane[@]}" || status=1
wait "$lane" || status=1
exit "$status"
