#!/usr/bin/env python3
"""Write seeded synthetic past decisions as a survey CSV with a `chosen` column:
gen_decisions.py ROWS SEED KB_JSON OUT.

Each row rates a few criteria; the chosen framework is the weighted-sum winner
under hidden weights (so a fit has something to find), among maintained
deep-learning frameworks."""
import json
import random
import sys


def main() -> None:
    rows, seed, kb_path, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    rng = random.Random(seed)
    kb = json.load(open(kb_path))
    criteria = [c["id"] for c in kb["criteria"]]
    frameworks = [f for f in kb["frameworks"] if f["deep_learning"]]
    hidden = [rng.uniform(0.3, 2.0) for _ in criteria]
    with open(out, "w", newline="") as f:
        f.write(",".join(["name", *criteria, "inactive", "chosen"]) + "\n")
        for i in range(rows):
            needs = [rng.choice([0, 0, 0, 1, 2, 3, 4, 5]) for _ in criteria]
            if not any(needs):
                needs[rng.randrange(len(needs))] = 4
            best = max(
                frameworks,
                key=lambda fw: sum(n * w * fw["attributes"][c]["score"] for n, w, c in zip(needs, hidden, criteria)),
            )
            f.write(f"d{i},{','.join(map(str, needs))},rank,{best['id']}\n")


if __name__ == "__main__":
    main()
