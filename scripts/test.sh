#!/usr/bin/env bash
# Every test of the project, from a clean clone: install, build, lint, type-check the dev tooling,
# install the pinned n8n runtime (cached per user and reused), then run all test files.
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
echo "[test] n8n runtime"
bash scripts/install-n8n-runtime.sh >/dev/null

mapfile -t files < <(find test -name '*.test.mts' | sort)
echo "[test] ${#files[@]} test files"
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
