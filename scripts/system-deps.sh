#!/usr/bin/env bash
# Installs the system libraries Qt needs to run (offscreen in tests), where they are missing.
set -euo pipefail
needed=(libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Qt needs these system packages: ${missing[*]} (install them with sudo apt-get install)" >&2
  fi
fi
