"""Claim clustering (resolve/claims.py) on Emergent: do the headlines about one claim become one proposition?

    python benchmarks/eval_claim_clusters.py --split train             # DEV: what the threshold was chosen on
    python benchmarks/eval_claim_clusters.py --split train --sweep     # DEV: the threshold swept
    python benchmarks/eval_claim_clusters.py --split test              # TEST: reported once, never tuned on
    python benchmarks/eval_claim_clusters.py --split test --json

Emergent (Ferreira & Vlachos 2016, ``--data``, default ``../shared/data/emergent``) groups news headlines by the
claim they report, refute or relay (train: 2,071 headlines of 240 claims; test: 524 of 60). Each headline is
made a claim in the outlet's voice (text only: no entities, events or dates, so the clusterer's bonuses for
shared entities and events never fire) and ``ClaimClusterer.add_all`` clusters them as ``resolve`` does, in a
fixed order (by article id). The response clusters are scored against the claims with the coreference metrics
of resolve/coref_metrics.py (MUC, B³, CEAF-e and their mean, the CoNLL F1), plus two readings an analyst cares
about: the share of headlines in their claim's largest cluster (**alignment**, as the demo golden test counts
it) and the same for the ``against`` headlines alone (a denial must land with what it denies, or the
proposition never reads as contested).

Baselines in the same run: every headline alone (singletons) and one cluster of all. No published anchor for
clustering Emergent's headlines exists that we know of; the stance anchors are in benchmarks/eval_stance.py.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

from storytrace.model.dossier import ClaimRecord
from storytrace.resolve.claims import ClaimClusterer
from storytrace.resolve.coref_metrics import clusters_from_labels, conll

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "emergent"
FILES = {"train": "url-versions-2015-06-14-clean-train.csv", "test": "url-versions-2015-06-14-clean-test.csv"}


def load(data: Path, split: str) -> list[dict[str, str]]:
    with (data / FILES[split]).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    seen: set[str] = set()
    out = []
    for row in rows:
        if row["articleId"] not in seen:  # an article appears once
            seen.add(row["articleId"])
            out.append(row)
    return out


def _claims(rows: Sequence[dict[str, str]]) -> list[ClaimRecord]:
    return [
        ClaimRecord(
            id=row["articleId"],
            doc_id=row["articleId"],
            start_char=0,
            end_char=len(row["articleHeadline"]),
            sentence_start=0,
            sentence_end=len(row["articleHeadline"]),
            text=row["articleHeadline"],
            voice="outlet",
        )
        for row in rows
    ]


def score(rows: Sequence[dict[str, str]], response: dict[str, Hashable]) -> dict[str, Any]:
    gold = {row["articleId"]: row["claimId"] for row in rows}
    key, found = clusters_from_labels(gold), clusters_from_labels(response)
    metrics = conll(key, found)
    out: dict[str, Any] = {name: value if isinstance(value, float) else value.f1 for name, value in metrics.items()}
    members: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        members[row["claimId"]].append(row["articleId"])
    aligned = against = against_total = 0
    for claim, articles in members.items():
        main, _n = Counter(response[a] for a in articles).most_common(1)[0]
        aligned += sum(response[a] == main for a in articles)
        for row in rows:
            if row["claimId"] == claim and row["articleHeadlineStance"] == "against":
                against_total += 1
                against += response[row["articleId"]] == main
    out["alignment"] = aligned / len(rows)
    out["against_alignment"] = against / against_total if against_total else 0.0
    out["clusters"] = len(set(response.values()))
    out["claims"] = len(members)
    return out


def run(rows: Sequence[dict[str, str]], threshold: float | None = None) -> dict[str, Any]:
    clusterer = ClaimClusterer() if threshold is None else ClaimClusterer(threshold=threshold)
    claims = _claims(rows)
    clusterer.add_all(claims)
    return score(rows, {c.id: str(c.proposition_id) for c in claims})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=sorted(FILES), default="train")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sweep", action="store_true", help="DEV only: try thresholds 0.5-0.8")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.sweep and args.split != "train":
        raise SystemExit("sweep on the train split only: the test split is reported once, never tuned on")
    rows = load(args.data, args.split)
    table: dict[str, dict[str, Any]] = {
        "singletons": score(rows, {r["articleId"]: r["articleId"] for r in rows}),
        "one cluster": score(rows, {r["articleId"]: 0 for r in rows}),
    }
    if args.sweep:
        for threshold in (0.5, 0.55, 0.6, 0.66, 0.7, 0.75, 0.8):
            table[f"ClaimClusterer threshold {threshold}"] = run(rows, threshold)
    else:
        table["ClaimClusterer (resolve's)"] = run(rows)
    if args.json:
        print(json.dumps({"split": args.split, "headlines": len(rows), "results": table}, indent=2))
        return
    print(f"Emergent {args.split}: {len(rows)} headlines of {table['singletons']['claims']} claims")
    print(f"{'':34} {'MUC':>6} {'B3':>6} {'CEAF-e':>6} {'CoNLL':>6} {'align':>6} {'against':>7} {'clusters':>8}")
    for name, r in table.items():
        print(
            f"{name:34} {100 * r['muc']:6.1f} {100 * r['b3']:6.1f} {100 * r['ceafe']:6.1f} "
            f"{100 * r['conll']:6.1f} {100 * r['alignment']:6.1f} {100 * r['against_alignment']:7.1f} "
            f"{r['clusters']:8d}"
        )


if __name__ == "__main__":
    main()
