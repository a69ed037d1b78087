#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through Playwright; never a browser download of
# Playwright's own. Install the Debian package when it is missing and we can.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests…" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/tmp/catalogue-apt.log 2>&1 \
    || { tail -20 /tmp/catalogue-apt.log >&2; }
fi
if [ ! -x /usr/bin/chromium ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "FATAL: /usr/bin/chromium is missing and could not be installed; browser tests are required under CI." >&2
    exit 1
  fi
  echo "WARNING: /usr/bin/chromium is missing: browser tests will be SKIPPED (install Debian's chromium)." >&2
fi
