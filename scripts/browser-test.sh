#!/usr/bin/env bash
# End-to-end test of `dlpick serve` in a real browser, on a fresh machine:
#
#   scripts/browser-test.sh            # installs Chromium, its WebDriver and selenium, then tests
#   SHOTS=docs scripts/browser-test.sh # also writes docs/survey.png and docs/admin.png
#
# Installs Debian's chromium and chromium-driver when missing (needs root),
# and selenium into a virtualenv under target/. The server listens on a free
# loopback port with a temporary database and is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

target=${CARGO_TARGET_DIR:-target}
venv="$target/browser-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import selenium' 2>/dev/null; then
    if ! python3 -c 'import ensurepip' 2>/dev/null; then   # Debian's python3 without venv support
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    fi
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'selenium>=4.20,<5'
fi

cargo build --release --quiet
bin="$target/release/dlpick"

work=$(mktemp -d)
out=${SHOTS:-$work}
mkdir -p "$out"
"$bin" serve --quiet --db "$work/survey.db" --bind 127.0.0.1:0 >"$work/links" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do
    [ "$(wc -l <"$work/links")" -ge 2 ] && break
    sleep 0.1
done
survey=$(sed -n 's/^survey: //p' "$work/links")
admin=$(sed -n 's/^admin: //p' "$work/links")

# Selenium must use the driver given, never fetch one.
export SE_OFFLINE=true
"$venv/bin/python" scripts/browser_test.py "$survey" "$admin" "$out"
if [ -n "${SHOTS:-}" ]; then echo "screenshots in $out"; fi
