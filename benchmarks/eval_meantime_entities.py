"""Cross-document entity coreference on MEANTIME (English) with our resolver: a development check, names only.

    python benchmarks/eval_meantime_entities.py --split dev              # airbus + apple topics
    python benchmarks/eval_meantime_entities.py --split test             # gm + stock topics, reported once
    python benchmarks/eval_meantime_entities.py --split dev --mentions all --json

Data (read from ``--data``, default ``../shared/data/meantime-en`` next to the repository; never copied): the
``intra_cross-doc_annotation`` CAT XML files, 4 topics × 30 Wikinews articles (CC BY 4.0). MEANTIME has no
dev/test split; ours is by topic: dev = ``corpus_airbus`` + ``corpus_apple``, test = ``corpus_gm`` +
``corpus_stock``. Nothing in ``storytrace.resolve`` was tuned on either.

Protocol (ours). Gold mentions (``ENTITY_MENTION``; text = its tokens joined by spaces) are given to
``resolve_entities`` one topic at a time, so a topic's 30 articles form one pile; the resolver sees each
mention's text and a label from its gold entity's type (PER→PER, ORG→ORG, LOC→LOC; PRO, FIN, MIX→MISC), no
context, no relations, no pack: **names only**. ``--mentions nam`` (default) keeps the proper-name mentions
(``syntactic_type="NAM"``), which is what the resolver is for; ``--mentions all`` keeps every mention (pronouns
and descriptions cannot be resolved by name: they mostly stay singletons). Gold clusters: a mention's
``REFERS_TO`` target's cross-document ``instance_id``, else the in-document entity, else itself. Scores, our
small scorer (gold mentions, so no mention-detection error): MUC (Vilain et al. 1995), B³ (Bagga & Baldwin
1998, over all mentions including singletons) and CEAF-e (Luo 2005, entity-level φ4 similarity, optimal
alignment by the Hungarian method on each connected group of overlapping clusters), micro-averaged over topics
by pooling them (a mention never links across topics), and their mean ("CoNLL F1"). Two reference points on
the same mentions: *singletons* (every mention alone) and *same string* (identical lower-cased texts together).

No published number is comparable: NewsReader reported full-pipeline cross-document results (with mention
detection), not gold-mention name resolution.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path

from storytrace.resolve.coref_metrics import Score, clusters_from_labels, conll
from storytrace.resolve.entities import MentionIn, resolve_entities

SPLITS = {"dev": ("corpus_airbus", "corpus_apple"), "test": ("corpus_gm", "corpus_stock")}
LABELS = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}

Mention = tuple[str, int]  # (doc, mention id)
Clusters = list[frozenset[Hashable]]


def load_topic(folder: Path, which: str) -> tuple[list[MentionIn], dict[Mention, str]]:
    """Gold mentions of one topic as resolver input, and each mention's gold cluster key."""
    mentions: list[MentionIn] = []
    gold: dict[Mention, str] = {}
    for path in sorted(folder.glob("*.xml")):
        root = ET.parse(path).getroot()
        doc = root.get("doc_id") or path.stem
        tokens = {t.get("t_id"): t.text or "" for t in root.iter("token")}
        offsets: dict[str, tuple[int, int]] = {}
        pos = 0
        for t_id, text in tokens.items():
            offsets[str(t_id)] = (pos, pos + len(text))
            pos += len(text) + 1
        markables = root.find("Markables")
        relations = root.find("Relations")
        if markables is None:
            continue
        entities = {e.get("m_id"): e for e in markables.iter("ENTITY")}
        target: dict[str, str] = {}
        if relations is not None:
            for ref in relations.iter("REFERS_TO"):
                tgt = ref.find("target")
                if tgt is None or tgt.get("m_id") not in entities:
                    continue
                for src in ref.iter("source"):
                    target[str(src.get("m_id"))] = str(tgt.get("m_id"))
        for em in markables.iter("ENTITY_MENTION"):
            if which == "nam" and em.get("syntactic_type") != "NAM":
                continue
            m_id = str(em.get("m_id"))
            anchors = [str(a.get("t_id")) for a in em.iter("token_anchor")]
            if not anchors:
                continue
            start, end = offsets[anchors[0]][0], offsets[anchors[-1]][1]
            text = " ".join(tokens[a] for a in anchors)
            entity = entities.get(target.get(m_id, ""))
            kind = (entity.get("ent_type") if entity is not None else None) or ""
            mentions.append(MentionIn(doc, start, end, text, LABELS.get(kind, "MISC")))
            if entity is not None and entity.get("instance_id"):
                gold[(doc, start)] = f"x:{entity.get('instance_id')}"
            elif entity is not None:
                gold[(doc, start)] = f"d:{doc}:{target[m_id]}"
            else:
                gold[(doc, start)] = f"s:{doc}:{m_id}"
    # Two gold mentions may share a start (nested spans): the resolver keys by (start, end), we by start.
    seen: set[Mention] = set()
    unique = []
    for m in mentions:
        if (m.doc_id, m.start_char) not in seen:
            seen.add((m.doc_id, m.start_char))
            unique.append(m)
    return unique, gold


def clusters_of(labels: dict[Mention, str]) -> Clusters:
    generic: dict[Hashable, Hashable] = dict(labels)
    return clusters_from_labels(generic)


def evaluate(key: Clusters, response: Clusters) -> dict[str, dict[str, float]]:
    """MUC, B³, CEAF-e and CoNLL F1 in percent (storytrace.resolve.coref_metrics, as the ECB+ benchmark)."""
    out: dict[str, dict[str, float]] = {}
    scores = conll(key, response)
    for name in ("muc", "b3", "ceafe"):
        score = scores[name]
        assert isinstance(score, Score)
        out[name] = {
            "recall": round(100 * score.recall, 2),
            "precision": round(100 * score.precision, 2),
            "f1": round(100 * score.f1, 2),
        }
    out["conll"] = {"f1": round(sum(out[n]["f1"] for n in ("muc", "b3", "ceafe")) / 3, 2)}
    return out


def systems() -> dict[str, Callable[[list[MentionIn]], dict[Mention, str]]]:
    def ours(mentions: list[MentionIn]) -> dict[Mention, str]:
        result = resolve_entities(mentions)
        out = {}
        for m in mentions:
            entity = result.entity_of(m.doc_id, m.start_char, m.end_char)
            out[(m.doc_id, m.start_char)] = entity or f"none:{m.doc_id}:{m.start_char}"
        return out

    def singletons(mentions: list[MentionIn]) -> dict[Mention, str]:
        return {(m.doc_id, m.start_char): f"{m.doc_id}:{m.start_char}" for m in mentions}

    def same_string(mentions: list[MentionIn]) -> dict[Mention, str]:
        return {(m.doc_id, m.start_char): m.text.casefold() for m in mentions}

    return {"storytrace": ours, "singletons": singletons, "same_string": same_string}


def run(data: Path, split: str, which: str) -> dict[str, object]:
    folders = [data / "intra_cross-doc_annotation" / topic for topic in SPLITS[split]]
    key_all: Clusters = []
    responses: dict[str, Clusters] = defaultdict(list)
    seconds: dict[str, float] = defaultdict(float)
    counts = {"documents": 0, "mentions": 0}
    for folder in folders:
        mentions, gold = load_topic(folder, which)
        kept = {(m.doc_id, m.start_char) for m in mentions}
        key_all.extend(clusters_of({k: v for k, v in gold.items() if k in kept}))
        counts["documents"] += len({m.doc_id for m in mentions})
        counts["mentions"] += len(mentions)
        for name, system in systems().items():
            started = time.perf_counter()
            labels = system(mentions)
            seconds[name] += time.perf_counter() - started
            responses[name].extend(clusters_of({k: f"{folder.name}|{v}" for k, v in labels.items()}))
    return {
        "split": split,
        "topics": list(SPLITS[split]),
        "mentions_kind": which,
        **counts,
        "gold_entities": len(key_all),
        "systems": {
            name: {**evaluate(key_all, response), "entities": len(response), "seconds": round(seconds[name], 2)}
            for name, response in responses.items()
        },
    }


def _print(report: dict[str, object]) -> None:
    print(
        f"MEANTIME-en {report['split']} ({', '.join(report['topics'])}): {report['documents']} documents, "  # type: ignore[arg-type]
        f"{report['mentions']} {report['mentions_kind']} gold mentions, {report['gold_entities']} gold entities"
    )
    print(f"{'system':12s} {'MUC R/P/F1':>20s} {'B3 R/P/F1':>20s} {'CEAF-e R/P/F1':>20s} {'CoNLL':>6s} {'ents':>5s}")
    systems_: dict[str, dict[str, dict[str, float]]] = report["systems"]  # type: ignore[assignment]
    for name, s in systems_.items():
        cells = [f"{s[m]['recall']:.1f}/{s[m]['precision']:.1f}/{s[m]['f1']:.1f}" for m in ("muc", "b3", "ceafe")]
        print(
            f"{name:12s} {cells[0]:>20s} {cells[1]:>20s} {cells[2]:>20s} {s['conll']['f1']:6.2f} {s['entities']!s:>5s}"
        )


def main(argv: Iterable[str] | None = None) -> int:
    here = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=here.parent / "shared" / "data" / "meantime-en")
    parser.add_argument("--split", choices=sorted(SPLITS), default="dev")
    parser.add_argument("--mentions", choices=("nam", "all"), default="nam")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not (args.data / "intra_cross-doc_annotation").is_dir():
        print(f"no MEANTIME data at {args.data}", file=sys.stderr)
        return 2
    report = run(args.data, args.split, args.mentions)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
