#!/usr/bin/env python3
"""A vectorised pandas + numpy implementation of `dlpick batch` (weighted sum).

Usage: baseline_batch.py KNOWLEDGE_BASE.json SURVEY.csv [TOP]

KNOWLEDGE_BASE.json is `dlpick frameworks --format json`. Writes the same
columns as `dlpick batch` (name, team, top1, match1, ..., reason) to stdout.
It is the yardstick for scripts/bench-batch.sh, not part of dlpick.
"""
import json
import sys

import numpy as np
import pandas as pd


def main() -> None:
    kb_path, survey_path = sys.argv[1], sys.argv[2]
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    with open(kb_path) as f:
        kb = json.load(f)
    criteria = [c["id"] for c in kb["criteria"]]
    names = [c["name"] for c in kb["criteria"]]
    weights = np.array([c["weight"] for c in kb["criteria"]])
    frameworks = kb["frameworks"]  # sorted by id
    ids = np.array([f["id"] for f in frameworks])
    scores = np.array([[f["attributes"][c]["score"] for c in criteria] for f in frameworks])  # F x C
    active = np.array([f["status"] == "active" for f in frameworks])
    deep = np.array([f["deep_learning"] for f in frameworks])
    languages = sorted({lang for f in frameworks for lang in f["languages"]})

    text_columns = ["name", "team", "languages", "exclude", "active_only", "inactive"]
    df = pd.read_csv(survey_path, dtype={**{c: str for c in text_columns}, **{c: np.float64 for c in criteria}},
                     comment="#")
    for c in text_columns:
        if c in df:
            df[c] = df[c].fillna("")
    needs = df[criteria].fillna(0.0).to_numpy(dtype=np.float64)  # R x C
    effective = needs * weights
    total = effective.sum(axis=1)
    valid = (total > 0) & np.all((needs >= 0) & (needs <= 5), axis=1)

    # dlpick's default policy: only maintained frameworks compete (rows may
    # ask for the article's view with `inactive = rank`).
    allowed = np.broadcast_to(deep & active, (len(df), len(ids))).copy()
    if "inactive" in df:
        ranks_all = df["inactive"].fillna("").str.strip().str.lower().eq("rank").to_numpy()
        allowed |= ranks_all[:, None] & deep[None, :]
    if "exclude" in df and df["exclude"].str.len().any():
        for i, fid in enumerate(ids):
            allowed[:, i] &= ~df["exclude"].str.contains(rf"(?:^|[;,|])\s*{fid}\s*(?:$|[;,|])", regex=True).to_numpy()
    if "languages" in df and df["languages"].str.len().any():
        for lang in languages:
            wanted = df["languages"].str.lower().str.contains(rf"(?:^|[;,|])\s*{lang}\s*(?:$|[;,|])", regex=True).to_numpy()
            offers = np.array([lang in f["languages"] for f in frameworks])
            allowed &= ~(wanted[:, None] & ~offers[None, :])

    with np.errstate(divide="ignore", invalid="ignore"):
        match = 100.0 * (effective @ scores.T) / (5.0 * total)[:, None]  # R x F
    key = np.where(allowed, np.floor(match * 1e6 + 0.5), -1.0)
    # Best first, ties broken by framework id (column order).
    order = np.lexsort((np.broadcast_to(np.arange(len(ids)), key.shape), -key), axis=1)[:, :top]
    top_match = np.take_along_axis(match, order, axis=1)
    top_allowed = np.take_along_axis(allowed, order, axis=1)

    winner = order[:, 0]
    points = effective * scores[winner]
    strong = (scores[winner] >= 3.5) & (effective > 0)
    best_strong = np.where(strong, points, -np.inf).argmax(axis=1)
    best_any = np.where(effective > 0, points, -np.inf).argmax(axis=1)
    reason_c = np.where(strong.any(axis=1), best_strong, best_any)
    phrases = np.array([[f"{names[c]} {scores[f, c]:g}/5" for c in range(len(criteria))] for f in range(len(ids))],
                       dtype=object)
    reason = phrases[winner, reason_c]

    out = pd.DataFrame({"name": df["name"], "team": df["team"] if "team" in df else ""})
    for i in range(top):
        ok = top_allowed[:, i]
        out[f"top{i + 1}"] = np.where(ok, ids[order[:, i]], "")
        out[f"match{i + 1}"] = np.where(ok, np.floor(top_match[:, i] * 10 + 0.5) / 10, np.nan)
    out["reason"] = np.where(top_allowed[:, 0], reason, "no framework meets every requirement")
    out[valid].to_csv(sys.stdout, index=False, float_format="%.1f")


if __name__ == "__main__":
    main()
