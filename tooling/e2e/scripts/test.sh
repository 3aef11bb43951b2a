#!/usr/bin/env bash
# The e2e package's tests: Node-side whole-workspace tests, then the browser tests in real Chromium
# inside a loopback-only network namespace. Both always run; the exit code reports either failing.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
status=0
vitest run || status=1
if bash ../scripts/chromium.sh; then
  bash ../scripts/loopback.sh vitest run --config vitest.browser.config.ts || status=1
else
  echo "browser tests could not run: Chromium is unavailable" >&2
  status=1
fi
exit $status
