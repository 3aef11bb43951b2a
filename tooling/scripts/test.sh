#!/usr/bin/env bash
# README command 2: set everything up, then run every check and test in the workspace:
#   turbo run build typecheck lint test   (build = package dist/, web bundle, wrangler deploy --dry-run)
# and print one closing line `N passed, N failed` summing every test run. Cached turbo tasks are
# skipped on a second run (their reports are restored from the cache and still counted).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/bootstrap.sh" || { echo "0 passed, 1 failed"; exit 1; }
source "$here/env.sh"
cd "$SEALROOM_ROOT"

find packages apps tooling -maxdepth 3 -type d -name .reports -prune -exec rm -rf {} + 2>/dev/null
rm -rf .turbo/runs

status=0
pnpm lint || status=1   # biome over the whole tree (root files included)
turbo run build typecheck lint test --continue --summarize --output-logs=new-only "$@" || status=1
summary_file="$(ls -t .turbo/runs/*.json 2>/dev/null | head -1)"
node tooling/scripts/summarize.mjs "$SEALROOM_ROOT" "$summary_file" || status=1
exit $status
