#!/usr/bin/env bash
# README command 1: set everything up, then start the local full stack with `pnpm dev`:
# room :8787 (serving the web client), transparency :8788, witness :8789, all wrangler dev (workerd,
# local Durable Objects and R2) on 127.0.0.1, plus the web client rebuilding on change. Ctrl-C stops all.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/bootstrap.sh"
source "$here/env.sh"
cd "$SEALROOM_ROOT"
# Local witness key + each app's .dev.vars (git-ignored; generated once, reused afterwards).
node tooling/scripts/dev-keys.ts
exec pnpm dev "$@"
