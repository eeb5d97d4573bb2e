#!/usr/bin/env python3
"""A vectorised numpy implementation of `dlpick tune robustness` (weighted sum).

Usage: baseline_smaa.py KNOWLEDGE_BASE.json PROFILE_NEEDS_JSON SAMPLES SPREAD SEED

KNOWLEDGE_BASE.json is `dlpick frameworks --format json`; PROFILE_NEEDS_JSON a
JSON object of needs and the ids of the candidate frameworks, as written by
scripts/bench-robustness.sh. Prints first-rank acceptabilities. The random
numbers differ from dlpick's, so figures agree to sampling error, not bits.
"""
import json
import sys

import numpy as np


def main() -> None:
    kb = json.load(open(sys.argv[1]))
    profile = json.load(open(sys.argv[2]))
    samples, spread, seed = int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    criteria = [c["id"] for c in kb["criteria"]]
    weights = np.array([c["weight"] for c in kb["criteria"]])
    frameworks = [f for f in kb["frameworks"] if f["id"] in profile["candidates"]]
    needs = np.array([profile["needs"].get(c, 0.0) for c in criteria])
    rated = np.flatnonzero(needs * weights > 0)
    effective = (needs * weights)[rated]
    scores = np.array([[f["attributes"][criteria[c]]["score"] for c in rated] for f in frameworks])  # F x K
    rng = np.random.default_rng(seed)
    first = np.zeros(len(frameworks))
    chunk = 1 << 18
    for start in range(0, samples, chunk):
        n = min(chunk, samples - start)
        w = effective * rng.uniform(1 - spread, 1 + spread, size=(n, len(rated)))
        values = w @ scores.T  # n x F
        first += np.bincount(values.argmax(axis=1), minlength=len(frameworks))
    for f, count in zip(frameworks, first / samples):
        print(f"{f['id']} {count:.4f}")


if __name__ == "__main__":
    main()
