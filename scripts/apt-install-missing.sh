#!/usr/bin/env bash
# Installs the Debian packages named after the first argument (what they are for) that are not
# installed yet; without root, says which ones to install instead.
set -euo pipefail
purpose=$1
shift
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "$purpose needs these packages: ${missing[*]} (sudo apt-get install them)" >&2
  fi
fi
