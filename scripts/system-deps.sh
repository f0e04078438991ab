#!/usr/bin/env bash
# Installs the system libraries Qt needs to run (offscreen in tests), where they are missing.
set -euo pipefail
bash "$(dirname "$0")/apt-install-missing.sh" "Qt" \
  libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0
