#!/usr/bin/env bash
# Time `dlpick tune fit` on seeded synthetic decisions (1,000 and 10,000),
# best of $RUNS whole-process runs, with peak memory. Usage:
#   RUNS=5 scripts/bench-fit.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"
cargo build --release --quiet
DLPICK=target/release/dlpick
mkdir -p bench-data
"$DLPICK" frameworks --format json > bench-data/kb.json
printf '%-10s %10s %10s %12s\n' decisions "best (s)" "peak MiB" "decisions/s"
for n in 1000 10000; do
    file="bench-data/decisions-$n.csv"
    [ -f "$file" ] || python3 scripts/gen_decisions.py "$n" 1 bench-data/kb.json "$file"
    best_wall=""; best_rss=""
    for _ in $(seq "$RUNS"); do
        read -r wall rss < <(python3 scripts/measure.py /dev/null "$DLPICK" tune fit "$file" --quiet)
        if [ -z "$best_wall" ] || python3 -c "import sys; sys.exit(not $wall < $best_wall)"; then
            best_wall=$wall; best_rss=$rss
        fi
    done
    printf '%-10s %10s %10s %12.0f\n' "$n" "$best_wall" "$best_rss" "$(python3 -c "print($n / $best_wall)")"
done
