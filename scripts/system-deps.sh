#!/usr/bin/env bash
# The Debian packages the test suite needs and pip/npm cannot bring: chromium (browser tests drive
# /usr/bin/chromium, never a downloaded browser), a Chinese font (pages render in screenshots) and
# GNU gettext (the translation test checks the catalogue against the code with xgettext), curl and jq
# (the documentation's examples are run as written: tests/docs/).
# Installs what is missing when run as root; otherwise stops with the command to run.
set -euo pipefail
missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi wqy || missing+=(fonts-wqy-microhei)
command -v xgettext >/dev/null || missing+=(gettext)
command -v curl >/dev/null || missing+=(curl)
command -v jq >/dev/null || missing+=(jq)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need Debian packages that are missing: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "== installing ${missing[*]}"
log=$(mktemp)
if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >"$log" 2>&1; then
  tail -20 "$log" >&2
  echo "Could not install ${missing[*]}; the browser and translation tests cannot run without them." >&2
  exit 1
fi
