#!/usr/bin/env bash
# Every test of the project, from a clean clone: install, build, lint, type-check the dev tooling,
# install the n8n runtimes (cached per user and reused), then run all test files.
set -euo pipefail
cd "$(dirname "$0")/.."

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
# The pinned version, which every test runs on, then the other versions of the compatibility matrix, which run
# the smoke suite (test/compat/): one install at a time, each cached per user and version (once per machine).
for version in $(node -p "const v = require('./scripts/n8n-versions.json'); [...new Set([v.pinned, ...v.smoke])].join(' ')"); do
  bash scripts/install-n8n-runtime.sh "$version" >/dev/null
done

mapfile -t files < <(find test -name '*.test.mts' | sort)
echo "[test] ${#files[@]} test files"
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
