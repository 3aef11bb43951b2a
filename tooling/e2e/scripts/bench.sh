#!/usr/bin/env bash
# The e2e package's benchmarks, one after another (they share two cores), in real Chromium inside the
# loopback-only namespace: the call engine (bench/call.ts, issue 11), the call UI (bench/ui.ts, issue 14)
# transparent delivery (bench/transparent-delivery.ts, issue 16) and frame encryption (bench/frames.ts, issue 12). Each prints its tables with its
# same-run anchors. One of them: `bash scripts/bench.sh call` (or ui, transparent-delivery).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash ../scripts/chromium.sh
benches=("${@:-call ui transparent-delivery frames}")
for b in ${benches[*]}; do
  echo "== tooling/e2e/bench/$b.ts"
  bash ../scripts/loopback.sh nice -n 10 node "bench/$b.ts"
done
