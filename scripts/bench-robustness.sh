#!/usr/bin/env bash
# `dlpick tune robustness` against a vectorised numpy implementation of the
# same sampling (scripts/baseline_smaa.py), whole processes, in one run.
#
#   scripts/bench-robustness.sh                     # 1M samples, research-lab profile
#   SAMPLES=10000000 PROFILE=profiles/beginner.toml scripts/bench-robustness.sh
SAMPLES="${SAMPLES:-1000000}"
PROFILE="${PROFILE:-profiles/research-lab.toml}"
source "$(dirname "$0")/bench-common.sh"

# The profile's needs and candidate frameworks, for the baseline.
"$DLPICK" recommend "$PROFILE" --format json | python3 -c '
import json, sys
p = json.load(sys.stdin)["profiles"][0]
json.dump({"needs": p["needs"], "candidates": [r["framework"] for r in p["ranking"]]}, sys.stdout)
' > bench-data/profile.json

read -r d _ < <(best /dev/null "$DLPICK" tune robustness "$PROFILE" --samples "$SAMPLES" --spread 0.3 --seed 1 --quiet)
read -r p _ < <(best /dev/null "$PY" scripts/baseline_smaa.py bench-data/kb.json bench-data/profile.json "$SAMPLES" 0.3 1)
printf '%-14s %10s samples  %8s s\n' dlpick "$SAMPLES" "$d" numpy "$SAMPLES" "$p"
python3 -c "print(f'dlpick is {$p / $d:.1f}x faster')"
echo "first-rank acceptability, dlpick:"
"$DLPICK" tune robustness "$PROFILE" --samples "$SAMPLES" --seed 1 --format json | python3 -c '
import json, sys
for f in json.load(sys.stdin)["frameworks"]:
    print("  %s %.4f" % (f["framework"], f["rank_acceptability"][0]))'
echo "numpy:"
"$PY" scripts/baseline_smaa.py bench-data/kb.json bench-data/profile.json "$SAMPLES" 0.3 1 | sed 's/^/  /'
