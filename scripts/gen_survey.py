#!/usr/bin/env python3
"""Write a seeded synthetic survey CSV for benchmarks: gen_survey.py ROWS SEED OUT."""
import random
import sys

CRITERIA = [
    "beginner_friendliness", "debuggability", "flexibility", "dynamic_graphs", "rapid_prototyping",
    "distributed_training", "gpu_support", "mobile_deployment", "multi_language", "visualization", "api_stability",
]


def main() -> None:
    rows, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed)
    teams = [f"team{i:03d}" for i in range(200)]
    with open(out, "w", newline="") as f:
        f.write(",".join(["name", "team", *CRITERIA, "languages", "active_only", "exclude"]) + "\n")
        lines = []
        for i in range(rows):
            needs = [str(rng.randint(0, 5)) for _ in CRITERIA]
            if all(n == "0" for n in needs):
                needs[0] = "3"
            lines.append(f"r{i},{teams[i % len(teams)]},{','.join(needs)},,,\n")
            if len(lines) == 100_000:
                f.writelines(lines)
                lines = []
        f.writelines(lines)


if __name__ == "__main__":
    main()
