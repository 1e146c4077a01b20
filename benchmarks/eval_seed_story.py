"""Claim clustering inside one real story: the five seed reports (``../shared/seeds``) against our hand key.

    python benchmarks/eval_seed_story.py                     # ingest and resolve the seeds, score the propositions
    python benchmarks/eval_seed_story.py --sweep             # also re-cluster the same claims at other thresholds
    python benchmarks/eval_seed_story.py --pipeline fast --json

Emergent (benchmarks/eval_claim_clusters.py) measures whether headlines about one claim meet, against headlines
about 299 other claims, mostly other stories. A pile an analyst ingests is one story: every claim shares its
setting (the same places, groups and people), and the question is whether body sentences that say different things
about that story stay apart. The five seed reports (a real story: Hamas and an office in Baghdad, 2023-24; research
only, read by path, never copied) are that case. ``seed_story_key.json`` (ours, written in session 16 by reading the
claims the default pipeline extracted; it holds offsets and a hash of each claim's text, no text) groups the claims
that state the same proposition, 25 groups of 2-6 claims; every other claim stands alone. It is small and
in-sample (we looked at these claims while writing it): a diagnostic of the regime, not a benchmark to tune on.

A claim of the run takes the key group of the key claim its span overlaps by at least half (of the shorter span),
so a claims component that cuts spans a little differently is still scored. Reported: pairwise precision and recall
(pairs of claims in one proposition), the CoNLL F1 of the partition (singletons kept), the pairs across reports and
how many are right, the largest proposition, and the **corroborated** propositions whose corroboration the key
bears out (claims of two origins in one key group among their members). Baseline: every claim alone.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import tempfile
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

import storytrace
from storytrace.pipeline import PIPELINES, pack_config
from storytrace.resolve.claims import ClaimClusterer, order_for_clustering
from storytrace.resolve.coref_metrics import clusters_from_labels, conll
from storytrace.resolve.incremental import stored_claims
from storytrace.resolve.job import resolve_store

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"
KEY = Path(__file__).with_name("seed_story_key.json")
SWEEP = (0.66, 0.7, 0.74, 0.78, 0.82)


def _labels(claims: list[Any], files: dict[str, str], texts: dict[str, str]) -> tuple[dict[str, str], int]:
    """Each claim's key group (its own id when none), and how many key claims found no claim of the run."""
    key = json.loads(KEY.read_text(encoding="utf-8"))
    labels = {c.id: c.id for c in claims}
    missing = 0
    for group, members in key.items():
        for m in members:
            text = texts.get(m["file"], "")
            if hashlib.sha1(text[m["start"] : m["end"]].encode()).hexdigest()[:10] != m["sha1"]:
                print(f"warning: {m['file']} {m['start']}-{m['end']} no longer holds the keyed text", file=sys.stderr)
            hits = [
                c
                for c in claims
                if files[c.doc_id] == m["file"]
                and min(c.end_char, m["end"]) - max(c.start_char, m["start"])
                >= 0.5 * min(c.end_char - c.start_char, m["end"] - m["start"])
            ]
            missing += not hits
            for c in hits:
                labels[c.id] = group
    return labels, missing


def score(claims: list[Any], response: dict[str, str], labels: dict[str, str]) -> dict[str, Any]:
    """Pairwise and CoNLL scores of ``response`` (claim id -> proposition) against the key ``labels``."""
    doc = {c.id: c.doc_id for c in claims}

    def pairs(of: dict[str, str]) -> set[tuple[str, str]]:
        groups: dict[str, list[str]] = {}
        for claim_id, label in of.items():
            groups.setdefault(label, []).append(claim_id)
        return {p for g in groups.values() for p in itertools.combinations(sorted(g), 2)}

    gold, got = pairs(labels), pairs(response)
    right = gold & got
    cross = {p for p in got if doc[p[0]] != doc[p[1]]}
    sizes: dict[str, int] = {}
    for label in response.values():
        sizes[label] = sizes.get(label, 0) + 1
    precision = len(right) / len(got) if got else 1.0
    recall = len(right) / len(gold) if gold else 1.0
    return {
        "propositions": len(sizes),
        "largest": max(sizes.values()),
        "pairs": len(got),
        "precision": round(100 * precision, 1),
        "recall": round(100 * recall, 1),
        "pair_f1": round(200 * precision * recall / (precision + recall), 1) if right else 0.0,
        "conll_f1": round(100 * _conll(labels, response), 1),
        "cross_report_pairs": len(cross),
        "cross_report_right": len(cross & gold),
    }


def _conll(key: Mapping[str, str], response: Mapping[str, str]) -> float:
    def groups(labels: Mapping[str, str]) -> list[frozenset[Hashable]]:
        as_hashable: dict[Hashable, Hashable] = dict(labels.items())
        return clusters_from_labels(as_hashable)

    value = conll(groups(key), groups(response))["conll"]
    return value if isinstance(value, float) else value.f1


def corroborated(claims: list[Any], labels: dict[str, str], status: dict[str, str]) -> tuple[int, int]:
    """Corroborated propositions, and those with claims of two origins in one key group."""
    members: dict[str, list[Any]] = {}
    for c in claims:
        members.setdefault(c.proposition_id, []).append(c)
    total = borne = 0
    for prop, of in members.items():
        if status.get(prop) != "corroborated":
            continue
        total += 1
        origins: dict[str, set[str | None]] = {}
        for c in of:
            if labels[c.id] != c.id:
                origins.setdefault(labels[c.id], set()).add(c.origin)
        borne += any(len(o) > 1 for o in origins.values())
    return total, borne


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--pipeline", default="default", help="a named pipeline or a comma list of components")
    parser.add_argument("--sweep", action="store_true", help="re-cluster the same claims at other thresholds")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"error: no seed reports at {args.seeds}: pass --seeds DIR", file=sys.stderr)
        return 2
    pipeline = PIPELINES.get(args.pipeline) or tuple(args.pipeline.split(","))
    with tempfile.TemporaryDirectory() as tmp, storytrace.open_store(Path(tmp) / "seeds.db") as store:
        options = storytrace.IngestOptions(pipeline=pipeline, config=pack_config([]))
        storytrace.ingest_inputs(store, [str(args.seeds)], options)
        resolve_store(store)
        db = store.db
        files = {i: str(loc).rsplit("/", 1)[-1] for i, loc in db.execute("SELECT id, locator FROM documents")}
        texts = {files[i]: str(t) for i, t in db.execute("SELECT id, text FROM documents")}
        claims = stored_claims(db, [r[0] for r in db.execute("SELECT id FROM claims")])
        status = {str(i): str(s) for i, s in db.execute("SELECT id, status FROM propositions")}
        vectors = {
            str(i): np.frombuffer(v, dtype="<f4").astype(np.float32)
            for i, v in db.execute("SELECT claim_id, vector FROM claim_embeddings")
        }
    labels, missing = _labels(claims, files, texts)
    rows = {"resolve (the product)": score(claims, {c.id: str(c.proposition_id) for c in claims}, labels)}
    rows["every claim alone"] = score(claims, {c.id: c.id for c in claims}, labels)
    if args.sweep:
        for threshold in SWEEP:
            clusterer = ClaimClusterer(threshold=threshold)
            ordered = order_for_clustering(claims)
            for claim in ordered:
                clusterer.add(claim, vectors[claim.id])
            response = {i: p.id for p in clusterer.propositions(ordered) for i in p.claim_ids}
            rows[f"re-clustered at {threshold}"] = score(claims, response, labels)
    total, borne = corroborated(claims, labels, status)
    summary = {"claims": len(claims), "key_claims_missing": missing, "corroborated": total, "corroborated_borne": borne}
    if args.json:
        print(json.dumps({"summary": summary, "rows": rows}, indent=2))
        return 0
    print(
        f"{len(claims)} claims ({missing} key claims not found); corroborated propositions: {total}, "
        f"of which the key bears out {borne}"
    )
    head = ("system", *next(iter(rows.values())))
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for name, row in rows.items():
        print("| " + " | ".join([name, *(str(v) for v in row.values())]) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
