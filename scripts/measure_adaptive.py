#!/usr/bin/env python3
"""How many rating questions the adaptive questionnaire asks.

Drives `dlpick ask --next --answers PARTIAL --format json` as a script or a
form would: the requirements are written into the partial profile first,
then each rating the command asks for is answered from the respondent's
full profile, until it says the top pick is settled. Every verdict is then
checked against `dlpick recommend` on the full profile (the script fails on
any difference). Populations:

  shipped    profiles/, profiles/decisions/, tests/fixtures/personas/
  uniform    every rating drawn uniformly from 0..5 (whole steps), no requirements
  realistic  as survey respondents answer: 1-4 ratings that matter (4 or 5),
             the rest low (0: 40%, 1: 35%, 2: 25%), no requirements

Prints, per population, the respondents, the share of rating questions
asked, and the median and 90th percentile (nearest rank) of ratings asked.

Usage: measure_adaptive.py DLPICK [N] [SEED]
"""
import json
import os
import random
import subprocess
import sys
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DLPICK = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
SEED = int(sys.argv[3]) if len(sys.argv) > 3 else 24
CRITERIA = [c["id"] for c in json.loads(subprocess.check_output([DLPICK, "criteria", "--format", "json"]))]


def run(*args):
    out = subprocess.run([DLPICK, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"dlpick {' '.join(args)} failed: {out.stderr}")
    return json.loads(out.stdout)


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(v)


def write_toml(path, table):
    lines = [f"{k} = {toml_value(v)}" for k, v in table.items() if not isinstance(v, dict) or k == "min"]
    for section in ("needs", "require"):
        lines.append(f"[{section}]")
        lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in table.get(section, {}).items()]
    Path(path).write_text("\n".join(lines) + "\n")


def norm(key):
    return key.strip().lower().replace("-", "_").replace(" ", "_")


def drive(full, workdir):
    """Ratings asked before the verdict, and the verdict's top pick."""
    req = dict(full.get("require", {}))
    needs = {norm(k): v for k, v in full.get("needs", {}).items()}
    partial_req = {k: req[k] for k in ("min", "deep_learning") if k in req}
    for k in ("languages", "targets", "hardware", "exclude"):
        partial_req[k] = req.get(k, [])
    partial_req["inactive"] = req.get("inactive", "exclude" if req.get("active_only") else "separate")
    partial = {"needs": {}, "require": partial_req}
    path = os.path.join(workdir, "partial.toml")
    asked = 0
    while True:
        write_toml(path, partial)
        v = run("ask", "--next", "--answers", path, "--format", "json")
        if v["settled"]:
            assert asked + len(v["unasked"]) == len(CRITERIA), v
            return asked, v["top"]
        assert v["next"]["kind"] == "need", v
        partial["needs"][v["next"]["id"]] = needs.get(v["next"]["id"], 0)
        asked += 1


def recommended(path):
    ranking = run("recommend", str(path), "--format", "json")["profiles"][0]["ranking"]
    return ranking[0]["framework"] if ranking else None


def measure(name, files):
    def one(path):
        with tempfile.TemporaryDirectory() as d:
            full = tomllib.loads(Path(path).read_text())
            asked, top = drive(full, d)
            want = recommended(path)
            if top != want:
                sys.exit(f"{path}: the adaptive verdict is {top}, recommend gives {want}")
            return asked

    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = sorted(pool.map(one, files))
    n = len(counts)
    share = sum(counts) / (n * len(CRITERIA))
    median = counts[(n - 1) // 2] if n % 2 else (counts[n // 2 - 1] + counts[n // 2]) / 2
    p90 = counts[max(0, -(-9 * n // 10) - 1)]
    print(f"{name:<10} {n:>11} {share:>14.1%} {median:>7} {p90:>5}   (of {len(CRITERIA)} ratings; 0 differences from recommend)")
    return counts


def generated(kind, rng, folder):
    files = []
    for i in range(N):
        if kind == "uniform":
            needs = {c: rng.randint(0, 5) for c in CRITERIA}
        else:
            key = set(rng.sample(CRITERIA, rng.randint(1, 4)))
            needs = {c: rng.choice([4, 5]) if c in key else rng.choices([0, 1, 2], [40, 35, 25])[0] for c in CRITERIA}
        if not any(needs.values()):
            needs[CRITERIA[0]] = 1
        path = folder / f"{kind}-{i}.toml"
        write_toml(path, {"name": f"{kind}-{i}", "needs": needs})
        files.append(path)
    return files


def main():
    print(f"{'population':<10} {'respondents':>11} {'ratings asked':>14} {'median':>7} {'p90':>5}")
    shipped = sorted((ROOT / "profiles").glob("*.toml")) + sorted((ROOT / "profiles/decisions").glob("*.toml"))
    shipped += [p for p in sorted((ROOT / "tests/fixtures/personas").glob("*.toml")) if p.name != "expected.toml"]
    measure("shipped", shipped)
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as d:
        measure("uniform", generated("uniform", rng, Path(d)))
        measure("realistic", generated("realistic", rng, Path(d)))


main()
