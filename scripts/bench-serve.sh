#!/usr/bin/env bash
# Load and fault test of `dlpick serve` against a minimal Python baseline
# (scripts/baseline_serve.py: http.server + sqlite3), in the same run:
#
#   scripts/bench-serve.sh                       # 64 clients, 20,000 responses each server
#   CLIENTS=16 RESPONSES=2000 scripts/bench-serve.sh   # a quick look
#
# 1. Load: CLIENTS concurrent keep-alive clients (scripts/bench_serve.py)
#    send RESPONSES responses; then the database must hold each one exactly
#    once (none lost, none duplicated). Throughput and p50/p99 latency.
# 2. Fault: the same load, the server killed with SIGKILL mid-way and
#    restarted on the same database; every response that got a success reply
#    must be there.
# Traffic goes to 127.0.0.1 only; every run is bounded by count and DEADLINE.
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-64}
RESPONSES=${RESPONSES:-20000}
DEADLINE=${DEADLINE:-240}
KILL_AFTER=${KILL_AFTER:-2}

cargo build --release --quiet
DLPICK=${CARGO_TARGET_DIR:-target}/release/dlpick
work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# start NAME DB: start a server; sets PID and URL.
start() {
    local name=$1 db=$2 links="$work/$1.links"
    : >"$links"
    if [ "$name" = dlpick ]; then
        "$DLPICK" serve --quiet --db "$db" --bind 127.0.0.1:0 >"$links" &
    else
        python3 scripts/baseline_serve.py "$db" 0 >"$links" &
    fi
    PID=$!
    pids+=("$PID")
    for _ in $(seq 100); do
        grep -q '^survey: ' "$links" && break
        sleep 0.1
    done
    URL=$(sed -n 's/^survey: //p' "$links")
}

# cpu PID: the CPU seconds (user + system) a process has used so far.
cpu() {
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}

# check DB ACKED: every acknowledged name stored exactly once.
check() {
    python3 - "$1" "$2" <<'PY'
import sqlite3, sys
db, acked_file = sys.argv[1], sys.argv[2]
names = [r[0] for r in sqlite3.connect(db).execute("SELECT name FROM responses")]
acked = [l.strip() for l in open(acked_file) if l.strip()]
stored = set(names)
lost = [a for a in acked if a not in stored]
dups = len(names) - len(stored)
print(f"stored {len(names)}, acknowledged {len(acked)}, lost {len(lost)}, duplicated {dups}")
sys.exit(1 if lost or dups else 0)
PY
}

echo "== load: $CLIENTS clients, $RESPONSES responses, $(nproc) cores"
for name in dlpick baseline; do
    start "$name" "$work/$name.db"
    figures=$(python3 scripts/bench_serve.py "$URL" --clients "$CLIENTS" --responses "$RESPONSES" \
        --acked "$work/$name.acked" --deadline "$DEADLINE")
    used=$(cpu "$PID")
    kill "$PID"; wait "$PID" 2>/dev/null || true
    echo "$name: $figures"
    echo "$name: server CPU $used s, $(python3 -c "print(round($used / $RESPONSES * 1e6))") µs per response"
    echo "$name: $(check "$work/$name.db" "$work/$name.acked")"
done

echo "== fault: SIGKILL after ${KILL_AFTER}s of load, then restart"
for name in dlpick baseline; do
    db="$work/$name-kill.db"
    start "$name" "$db"
    python3 scripts/bench_serve.py "$URL" --clients "$CLIENTS" --responses "$RESPONSES" \
        --acked "$work/$name-kill.acked" --deadline "$DEADLINE" >"$work/$name-kill.json" &
    client=$!
    sleep "$KILL_AFTER"
    kill -9 "$PID"
    wait "$PID" 2>/dev/null || true
    wait "$client" || true
    echo "$name: load before the kill: $(cat "$work/$name-kill.json")"
    start "$name" "$db"   # recovery: the write-ahead log is replayed on open
    if [ "$name" = dlpick ]; then
        admin=$(sed -n 's/^admin: //p' "$work/$name.links")
        curl_ok=$(python3 -c "import urllib.request,sys; print(sum(1 for _ in urllib.request.urlopen(sys.argv[1] + '/results.jsonl')))" "$admin")
        echo "$name: after restart the export lists $curl_ok respondents"
    fi
    kill "$PID"; wait "$PID" 2>/dev/null || true
    echo "$name: $(check "$db" "$work/$name-kill.acked")"
done
