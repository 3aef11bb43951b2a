#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests (the only non-npm download the
# project makes, and only when browser tests run). Never uses a test tool's own browser download.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "chromium.sh: /usr/bin/chromium is missing; install Debian's chromium package (needs root)" >&2
  exit 1
fi
echo "chromium.sh: installing Debian's chromium" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
