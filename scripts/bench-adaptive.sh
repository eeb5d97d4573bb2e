#!/usr/bin/env bash
# How many rating questions the adaptive questionnaire asks, on the shipped
# profiles and on generated respondents (uniform and realistic), each verdict
# checked against `dlpick recommend`. Usage:
#   N=1000 SEED=24 scripts/bench-adaptive.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
python3 scripts/measure_adaptive.py target/release/dlpick "${N:-1000}" "${SEED:-24}"
