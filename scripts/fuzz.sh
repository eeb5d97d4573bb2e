#!/usr/bin/env bash
# Run every cargo-fuzz target of fuzz/ for SECONDS each (default 60).
#
#   scripts/fuzz.sh 300        # five minutes per target
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Each target starts from the seeds in fuzz/seeds/<target>/ (the shipped
# profiles, knowledge bases and small surveys) and grows fuzz/corpus/<target>/.
# A crash is saved under fuzz/artifacts/<target>/; the script goes on with the
# other targets and exits 1 at the end. Full logs: fuzz/logs/<target>.log.
set -uo pipefail
seconds="${1:-60}"
cd "$(dirname "$0")/../fuzz" || exit 2
cargo +nightly fuzz build || exit 2
mkdir -p logs
failed=0
for target in profile catalog survey_csv survey_jsonl; do
    mkdir -p "corpus/$target"
    cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"logs/$target.log" 2>&1
    status=$?
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "logs/$target.log" | grep -oE '[0-9]+$' | tail -1)
    if [ "$status" -ne 0 ]; then
        failed=1
        echo "$target: FAILED after ${runs:-?} runs (exit $status); see fuzz/logs/$target.log and fuzz/artifacts/$target/"
    else
        echo "$target: ${runs:-?} runs in ${seconds}s, no crash"
    fi
done
exit "$failed"
