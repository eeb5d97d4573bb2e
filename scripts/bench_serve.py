"""Load client for `dlpick serve` and its Python baseline (stdlib only).

    python3 scripts/bench_serve.py SURVEY_URL --clients 64 --responses 20000 \
        [--acked FILE] [--deadline SECONDS]

Each client opens one keep-alive connection to a loopback address, loads the
form once (CSRF cookie and token), then sends its share of responses, each
with a unique name (`c<client>-<n>`) and a fresh form id, and records the
latency of every POST. A response counts as acknowledged only on `303 See
Other`; the names acknowledged are written to --acked. Bounded by the count
and by --deadline; stops at the first connection error (a killed server).
Prints one JSON line of figures.
"""

import argparse
import asyncio
import json
import os
import random
import re
import sys
import time
import urllib.parse

CRITERIA = [
    "beginner_friendliness", "debuggability", "flexibility", "dynamic_graphs",
    "rapid_prototyping", "distributed_training", "gpu_support", "mobile_deployment",
    "multi_language", "visualization", "api_stability",
]


async def read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers.setdefault(k.strip().lower(), []).append(v.strip())
    length = int(headers.get("content-length", ["0"])[0])
    body = await reader.readexactly(length) if length else b""
    return status, headers, body


async def client(n, count, host, port, path, acked, latencies, deadline, stats):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        await writer.drain()
        status, headers, body = await read_response(reader)
        if status != 200:
            raise RuntimeError(f"GET form: {status}")
        cookie = headers["set-cookie"][0].split(";")[0]
        csrf = re.search(rb'name="csrf" value="([0-9a-f]+)"', body).group(1).decode()
        rng = random.Random(n)
        for i in range(count):
            if time.monotonic() > deadline:
                stats["timed_out"] += 1
                break
            name = f"c{n}-{i}"
            fields = {"csrf": csrf, "form_id": os.urandom(16).hex(), "name": name, "team": f"team{n % 8}"}
            for c in rng.sample(CRITERIA, 3):
                fields[c] = str(rng.randint(1, 5))
            data = urllib.parse.urlencode(fields).encode()
            request = (
                f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
                f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(data)}\r\n\r\n"
            ).encode() + data
            start = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status, _, _ = await read_response(reader)
            latencies.append(time.perf_counter() - start)
            if status == 303:
                acked.append(name)
            else:
                stats["refused"] += 1
    except (ConnectionError, asyncio.IncompleteReadError, OSError) as e:
        stats["connection_errors"] += 1
        stats["last_error"] = repr(e)
    finally:
        writer.close()


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--responses", type=int, default=20000)
    ap.add_argument("--acked")
    ap.add_argument("--deadline", type=float, default=300)
    args = ap.parse_args()
    url = urllib.parse.urlsplit(args.url)
    if url.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("refusing a non-loopback target")
    acked, latencies = [], []
    stats = {"refused": 0, "connection_errors": 0, "timed_out": 0}
    share = [args.responses // args.clients + (1 if i < args.responses % args.clients else 0) for i in range(args.clients)]
    deadline = time.monotonic() + args.deadline
    start = time.perf_counter()
    await asyncio.gather(*(
        client(i, share[i], url.hostname, url.port, url.path, acked, latencies, deadline, stats)
        for i in range(args.clients)
    ))
    elapsed = time.perf_counter() - start
    if args.acked:
        with open(args.acked, "w") as f:
            f.write("\n".join(acked) + ("\n" if acked else ""))
    print(json.dumps({
        "sent": len(latencies), "acked": len(acked), "seconds": round(elapsed, 3),
        "per_second": round(len(acked) / elapsed, 1) if elapsed else None,
        "p50_ms": round(1000 * percentile(latencies, 50), 2) if latencies else None,
        "p99_ms": round(1000 * percentile(latencies, 99), 2) if latencies else None,
        **stats,
    }))


if __name__ == "__main__":
    asyncio.run(main())
