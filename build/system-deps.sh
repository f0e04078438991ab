#!/usr/bin/env bash
# Installs what building the bundle needs on Linux, where it is missing: binutils (PyInstaller
# reads and strips binaries with objdump, nm and strip), gcc (build/icu_data.py links the
# trimmed ICU data library), and the X11 libraries Qt's xcb platform plugin links to that
# scripts/system-deps.sh does not bring, so that the bundle carries them for desktops that lack
# them.
set -euo pipefail
needed=(binutils gcc libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "The bundle needs these build packages: ${missing[*]} (sudo apt-get install them)" >&2
  fi
fi
