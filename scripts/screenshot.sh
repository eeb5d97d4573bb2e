#!/usr/bin/env bash
# Render an HTML report to a PNG with headless Chromium, so anyone can look at it.
#
#   scripts/screenshot.sh report.html docs/report.png          # 1000 px wide
#   WIDTH=420 scripts/screenshot.sh report.html narrow.png     # a phone
#
# Installs Debian's chromium package when it is missing (needs root).
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 REPORT.html OUT.png" >&2
    exit 2
fi
report=$(realpath "$1")
out=$2
width=${WIDTH:-1000}
height=${HEIGHT:-2400}

if ! command -v chromium >/dev/null; then
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --force-device-scale-factor=1 \
    --window-size="$width,$height" --screenshot="$(realpath -m "$out")" "file://$report" 2>/dev/null
echo "wrote $out (${width}x${height})"
