#!/usr/bin/env python3
"""Run a command with stdout to a file; print its wall time (s) and peak RSS (MiB).

Usage: measure.py OUT_FILE CMD [ARGS...]
"""
import resource
import subprocess
import sys
import time

out_path, cmd = sys.argv[1], sys.argv[2:]
with open(out_path, "wb") as out:
    start = time.perf_counter()
    code = subprocess.call(cmd, stdout=out, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
if code not in (0, 1):
    sys.exit(f"{cmd[0]} failed with exit code {code}")
rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{wall:.4f} {rss_mib:.1f}")
