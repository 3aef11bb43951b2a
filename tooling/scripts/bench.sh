#!/usr/bin/env bash
# `pnpm bench` with the toolchain set up: every package's benchmarks, one after another (they share
# two cores; running them in parallel would distort each other's figures).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/bootstrap.sh"
source "$here/env.sh"
cd "$SEALROOM_ROOT"
exec pnpm bench "$@"
