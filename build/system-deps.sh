#!/usr/bin/env bash
# Installs what building the bundle needs on Linux, where it is missing: binutils (PyInstaller
# reads and strips binaries with objdump, nm and strip), gcc (build/icu_data.py links the
# trimmed ICU data library), and the X11 libraries Qt's xcb platform plugin links to that
# scripts/system-deps.sh does not bring, so that the bundle carries them for desktops that lack
# them.
set -euo pipefail
bash "$(dirname "$0")/../scripts/apt-install-missing.sh" "Building the bundle" \
  binutils gcc libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0
