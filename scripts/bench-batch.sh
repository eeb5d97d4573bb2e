#!/usr/bin/env bash
# Throughput of `dlpick batch` against a vectorised pandas + numpy baseline
# (scripts/baseline_batch.py) on the same seeded surveys, in one run.
#
#   scripts/bench-batch.sh            # 100k and 1M respondents
#   ROWS="1000000" RUNS=3 scripts/bench-batch.sh   (RUNS: best of, default 5)
#   COMPARE=/path/to/other/dlpick scripts/bench-batch.sh
#
# COMPARE times another build of dlpick side by side, each run of it right
# after a run of this one, and checks that its output is byte-identical.
#
# Each size also runs `dlpick batch --by-team` (200 teams) for its peak RSS.
#
# Sets up a local virtualenv (.venv) with pandas and numpy on first use and
# writes generated data to bench-data/ (both ignored by git).
ROWS="${ROWS:-100000 1000000}"
SEED="${SEED:-42}"
source "$(dirname "$0")/bench-common.sh"

printf '%-10s %-16s %10s %14s %10s\n' rows implementation "time (s)" "rows/s" "peak MiB"
for n in $ROWS; do
    survey="bench-data/survey-$n.csv"
    [ -f "$survey" ] || python3 scripts/gen_survey.py "$n" "$SEED" "$survey"
    if [ -n "${COMPARE:-}" ]; then
        # Interleaved, so a change in the machine's speed hits both alike.
        c_best=""; d_best=""
        for _ in $(seq "$RUNS"); do
            sync
            read -r w r < <(python3 scripts/measure.py bench-data/dlpick-out.csv "$DLPICK" batch "$survey" --quiet)
            if [ -z "$d_best" ] || python3 -c "import sys; sys.exit(not $w < $d_best)"; then d_best=$w; d_rss=$r; fi
            sync
            read -r w r < <(python3 scripts/measure.py bench-data/compare-out.csv "$COMPARE" batch "$survey" --quiet)
            if [ -z "$c_best" ] || python3 -c "import sys; sys.exit(not $w < $c_best)"; then c_best=$w; c_rss=$r; fi
        done
        d_wall=$d_best
        c_rate=$(python3 -c "print(f'{$n / $c_best:,.0f}')")
        printf '%-10s %-16s %10s %14s %10s\n' "$n" "compare" "$c_best" "$c_rate" "$c_rss"
        if cmp -s bench-data/dlpick-out.csv bench-data/compare-out.csv; then
            echo "           outputs are byte-identical; this build takes $(python3 -c "print(f'{$d_wall / $c_best:.3f}')")x the time of COMPARE"
        else
            echo "           OUTPUTS DIFFER from COMPARE's"; exit 1
        fi
    else
        read -r d_wall d_rss < <(best bench-data/dlpick-out.csv "$DLPICK" batch "$survey" --quiet)
    fi
    read -r p_wall p_rss < <(best bench-data/pandas-out.csv "$PY" scripts/baseline_batch.py bench-data/kb.json "$survey")
    # --by-team keeps aggregates per team and framework, not per member:
    # its peak RSS should not grow with respondents.
    read -r t_wall t_rss < <(best bench-data/dlpick-teams.txt "$DLPICK" batch "$survey" --by-team --quiet)
    d_rate=$(python3 -c "print(f'{$n / $d_wall:,.0f}')")
    p_rate=$(python3 -c "print(f'{$n / $p_wall:,.0f}')")
    printf '%-10s %-16s %10s %14s %10s\n' "$n" dlpick "$d_wall" "$d_rate" "$d_rss"
    t_rate=$(python3 -c "print(f'{$n / $t_wall:,.0f}')")
    printf '%-10s %-16s %10s %14s %10s\n' "$n" "dlpick --by-team" "$t_wall" "$t_rate" "$t_rss"
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
