#!/usr/bin/env bash
# `dlpick tune robustness` against a vectorised numpy implementation of the
# same sampling (scripts/baseline_smaa.py), whole processes, in one run.
#
#   scripts/bench-robustness.sh                     # 1M samples, research-lab profile
#   SAMPLES=10000000 PROFILE=profiles/beginner.toml scripts/bench-robustness.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SAMPLES="${SAMPLES:-1000000}"
PROFILE="${PROFILE:-profiles/research-lab.toml}"
RUNS="${RUNS:-5}"

cargo build --release --quiet
DLPICK=target/release/dlpick
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
    .venv/bin/pip install --quiet pandas numpy
fi
mkdir -p bench-data
"$DLPICK" frameworks --format json > bench-data/kb.json
# The profile's needs and candidate frameworks, for the baseline.
"$DLPICK" recommend "$PROFILE" --format json | python3 -c '
import json, sys
p = json.load(sys.stdin)["profiles"][0]
json.dump({"needs": p["needs"], "candidates": [r["framework"] for r in p["ranking"]]}, sys.stdout)
' > bench-data/profile.json

best() {
    local best=""
    for _ in $(seq "$RUNS"); do
        read -r wall _ < <(python3 scripts/measure.py /dev/null "$@")
        if [ -z "$best" ] || python3 -c "import sys; sys.exit(not $wall < $best)"; then best=$wall; fi
    done
    echo "$best"
}

d=$(best "$DLPICK" tune robustness "$PROFILE" --samples "$SAMPLES" --spread 0.3 --seed 1 --quiet)
p=$(best .venv/bin/python scripts/baseline_smaa.py bench-data/kb.json bench-data/profile.json "$SAMPLES" 0.3 1)
printf '%-14s %10s samples  %8s s\n' dlpick "$SAMPLES" "$d" numpy "$SAMPLES" "$p"
python3 -c "print(f'dlpick is {$p / $d:.1f}x faster')"
echo "first-rank acceptability, dlpick:"
"$DLPICK" tune robustness "$PROFILE" --samples "$SAMPLES" --seed 1 --format json | python3 -c '
import json, sys
for f in json.load(sys.stdin)["frameworks"]:
    print("  %s %.4f" % (f["framework"], f["rank_acceptability"][0]))'
echo "numpy:"
.venv/bin/python scripts/baseline_smaa.py bench-data/kb.json bench-data/profile.json "$SAMPLES" 0.3 1 | sed 's/^/  /'
