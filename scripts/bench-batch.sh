#!/usr/bin/env bash
# Throughput of `dlpick batch` against a vectorised pandas + numpy baseline
# (scripts/baseline_batch.py) on the same seeded surveys, in one run.
#
#   scripts/bench-batch.sh            # 100k and 1M respondents
#   ROWS="1000000" RUNS=5 scripts/bench-batch.sh
#
# Sets up a local virtualenv (.venv) with pandas and numpy on first use and
# writes generated data to bench-data/ (both ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${ROWS:-100000 1000000}"
RUNS="${RUNS:-3}"
SEED="${SEED:-42}"

cargo build --release --quiet
DLPICK=target/release/dlpick

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
    .venv/bin/pip install --quiet pandas numpy
fi
PY=.venv/bin/python

mkdir -p bench-data
"$DLPICK" frameworks --format json > bench-data/kb.json

best() { # best wall time and its RSS over $RUNS runs: best OUT CMD...
    local out=$1; shift
    local best_wall="" best_rss=""
    for _ in $(seq "$RUNS"); do
        read -r wall rss < <(python3 scripts/measure.py "$out" "$@")
        if [ -z "$best_wall" ] || python3 -c "import sys; sys.exit(not $wall < $best_wall)"; then
            best_wall=$wall; best_rss=$rss
        fi
    done
    echo "$best_wall $best_rss"
}

printf '%-10s %-16s %10s %14s %10s\n' rows implementation "time (s)" "rows/s" "peak MiB"
for n in $ROWS; do
    survey="bench-data/survey-$n.csv"
    [ -f "$survey" ] || python3 scripts/gen_survey.py "$n" "$SEED" "$survey"
    read -r d_wall d_rss < <(best bench-data/dlpick-out.csv "$DLPICK" batch "$survey" --quiet)
    read -r p_wall p_rss < <(best bench-data/pandas-out.csv "$PY" scripts/baseline_batch.py bench-data/kb.json "$survey")
    d_rate=$(python3 -c "print(f'{$n / $d_wall:,.0f}')")
    p_rate=$(python3 -c "print(f'{$n / $p_wall:,.0f}')")
    printf '%-10s %-16s %10s %14s %10s\n' "$n" dlpick "$d_wall" "$d_rate" "$d_rss"
    printf '%-10s %-16s %10s %14s %10s\n' "$n" pandas+numpy "$p_wall" "$p_rate" "$p_rss"
    python3 - "$n" "$d_wall" "$p_wall" <<'PY'
import csv, sys
n, d, p = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
with open("bench-data/dlpick-out.csv") as a, open("bench-data/pandas-out.csv") as b:
    rows = list(zip(csv.reader(a), csv.reader(b)))
same = sum(x == y for x, y in rows[1:])
print(f"{'':10} dlpick is {p / d:.1f}x faster; outputs agree on {same:,} of {len(rows) - 1:,} rows")
PY
done
