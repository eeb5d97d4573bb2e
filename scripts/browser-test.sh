#!/usr/bin/env bash
# End-to-end tests in a real browser, on a fresh machine:
#
#   scripts/browser-test.sh              # installs Chromium, its WebDriver and selenium, then tests
#   SHOTS=docs scripts/browser-test.sh   # also writes the README's screenshots into docs/
#   ONLY=report scripts/browser-test.sh  # just the HTML report (or ONLY=serve: just the survey)
#   DLPICK_BIN=target/debug/dlpick scripts/browser-test.sh   # test this binary, build nothing
#
# `serve`: the survey and admin pages of `dlpick serve` (docs/survey.png,
# recommendation.png, admin.png, survey-phone.png), then the adaptive survey
# a few questions at a time, stopped early and finished anyway (stop-here.png). `report`: the HTML
# report of `recommend --format html` on a desktop, a 390 px phone, in dark
# mode and printed (docs/report.png, report-phone.png; the dark-mode
# screenshot and the PDF are kept in a temporary folder, named at the end
# when KEEP=1).
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

if [ -n "${DLPICK_BIN:-}" ]; then
    bin=$DLPICK_BIN
else
    cargo build --release --quiet
    bin="$target/release/dlpick"
fi

work=$(mktemp -d)
out=${SHOTS:-$work}
mkdir -p "$out"
server=
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; fi
    if [ -z "${KEEP:-}" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
# Selenium must use the driver given, never fetch one.
export SE_OFFLINE=true

if [ "${ONLY:-serve}" = serve ]; then
    "$bin" serve --quiet --db "$work/survey.db" --bind 127.0.0.1:0 >"$work/links" &
    server=$!
    for _ in $(seq 100); do
        [ "$(wc -l <"$work/links")" -ge 2 ] && break
        sleep 0.1
    done
    survey=$(sed -n 's/^survey: //p' "$work/links")
    admin=$(sed -n 's/^admin: //p' "$work/links")
    "$venv/bin/python" scripts/browser_test.py serve "$survey" "$admin" "$out"
    "$venv/bin/python" scripts/browser_test.py adaptive "$survey" "$admin" "$out"
    kill "$server"; wait "$server" 2>/dev/null || true
    server=
fi

if [ "${ONLY:-report}" = report ]; then
    # A fixed date, so the screenshots' footers do not change from day to day.
    export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1795564800}
    "$bin" recommend profiles/research-lab.toml --format html --explain --out "$work/report.html"
    "$bin" recommend profiles/research-lab.toml profiles/mobile-app.toml --format html --out "$work/two.html"
    "$venv/bin/python" scripts/browser_test.py report "$work/report.html" "$work/two.html" "$out" "$work"
fi
if [ -n "${SHOTS:-}" ]; then echo "screenshots in $out"; fi
if [ -n "${KEEP:-}" ]; then echo "reports, the dark-mode screenshot and the PDF kept in $work"; fi
