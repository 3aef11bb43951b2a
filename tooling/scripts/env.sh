# Sourced by every project script: pinned toolchain first on PATH, no telemetry.
# Node 24 and pnpm live under .tools/ (git-ignored), installed by bootstrap.sh from the npm registry.
SEALROOM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export SEALROOM_ROOT
export SEALROOM_NODE_VERSION="24.21.0"
export SEALROOM_PNPM_VERSION="12.18.0"
export PATH="$SEALROOM_ROOT/.tools/node/bin:$SEALROOM_ROOT/.tools/pnpm/bin:$SEALROOM_ROOT/node_modules/.bin:$PATH"
export WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false WRANGLER_HIDE_BANNER=true
export CLOUDFLARE_CF_FETCH_ENABLED=false DO_NOT_TRACK=1 TURBO_TELEMETRY_DISABLED=1
export COREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0
export NPM_CONFIG_UPDATE_NOTIFIER=false
