#!/usr/bin/env bash
# Runs a command inside a fresh network namespace whose only interface is loopback, so that browser
# tests (WebRTC media included) and the servers they start can reach nothing but 127.0.0.1 / ::1.
# As root (CI) a plain `unshare -n`; otherwise a user namespace gives the same without privileges.
set -euo pipefail
if [ "$(id -u)" = 0 ]; then ns=(unshare -n); else ns=(unshare -rn); fi
exec "${ns[@]}" bash -c 'ip link set lo up && exec "$@"' loopback "$@"
