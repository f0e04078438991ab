#!/usr/bin/env bash
# Runs the bundle's `--smoke` (no Python involved) with the bundle made read-only: it must pass
# and leave every file of dist/catalogue/ as it was. As root (who may write anywhere) it runs as
# the unprivileged user `nobody` where it can, so a write next to the program would fail.
set -euo pipefail
cd "$(dirname "$0")/.."
bundle="$PWD/dist/catalogue"
exe="$bundle/catalogue"
[ -x "$exe" ] || { echo "frozen-smoke: no $exe (build it: .venv/bin/python build/build.py)" >&2; exit 1; }
listing() { find "$bundle" -printf '%p %s %T@ %m\n' | sort; }
before="$(listing)"
chmod -R a-w "$bundle"
trap 'chmod -R u+w "$bundle"' EXIT
run=("$exe" --smoke)
nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && "${nobody[@]}" test -x "$exe" 2>/dev/null; then
  run=("${nobody[@]}" env HOME=/nonexistent "${run[@]}")
fi
(cd /tmp && CI=true "${run[@]}")
chmod -R u+w "$bundle"
after="$(listing | sed 's/ [0-7]*$//')"
if [ "$(printf '%s\n' "$before" | sed 's/ [0-7]*$//')" != "$after" ]; then
  echo "frozen-smoke: the smoke check changed files in $bundle" >&2
  exit 1
fi
echo "frozen-smoke: passed with $bundle read-only; nothing in it changed"
