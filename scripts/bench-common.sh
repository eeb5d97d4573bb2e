# Shared set-up for the benchmark scripts (sourced, not run).
# Builds dlpick (PROFILE, default release), makes the local virtualenv with pandas and numpy, writes the
# knowledge base as JSON for the Python baselines, and defines `best`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS="${RUNS:-5}"
# PROFILE=dist measures the binary users install (the wheel, and
# `cargo install --profile dist`): fat LTO, one codegen unit.
PROFILE="${PROFILE:-release}"
cargo build --profile "$PROFILE" --quiet
DLPICK="target/$PROFILE/dlpick"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
    .venv/bin/pip install --quiet pandas numpy
fi
PY=.venv/bin/python
mkdir -p bench-data
"$DLPICK" frameworks --format json > bench-data/kb.json

# best OUT CMD...: the best wall time (s) and its peak RSS (MiB) over $RUNS runs.
best() {
    local out=$1; shift
    local best_wall="" best_rss=""
    for _ in $(seq "$RUNS"); do
        sync # flush the previous run's output, so write-back does not land in this one
        read -r wall rss < <(python3 scripts/measure.py "$out" "$@")
        if [ -z "$best_wall" ] || python3 -c "import sys; sys.exit(not $wall < $best_wall)"; then
            best_wall=$wall; best_rss=$rss
        fi
    done
    echo "$best_wall $best_rss"
}
