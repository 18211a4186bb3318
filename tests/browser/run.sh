#!/usr/bin/env bash
# Installs what the browser suite needs, if it is missing, and runs it:
#   Debian's chromium and nginx, a Java runtime for the Nu HTML checker, and the npm
#   packages pinned in package-lock.json (puppeteer-core, axe-core, vnu-jar).
# Usage: tests/browser/run.sh        (from anywhere; CI calls it as it is)
# The last line it prints is "N passed, M failed"; it exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

missing=()
command -v chromium >/dev/null || missing+=(chromium)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing+=(nginx)
command -v java >/dev/null || missing+=(default-jre-headless)
command -v node >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "the browser suite needs: ${missing[*]} (apt-get install -y ${missing[*]}, as root)" >&2
    exit 2
  fi
  echo "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The packages exactly as locked; no install scripts (puppeteer-core would fetch nothing,
# but the suite uses the system's Chromium either way).
if [ ! -d "$here/node_modules/puppeteer-core" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  npm --prefix "$here" ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

exec npm --prefix "$here" test --silent
