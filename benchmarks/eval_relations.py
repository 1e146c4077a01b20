"""Relation and title extraction (extract.relations.rules.v1) scored on our invented dev fixture, by kind.

    python benchmarks/eval_relations.py                  # DEV: P/R/F1 by kind on tests/fixtures/relations_dev.jsonl
    python benchmarks/eval_relations.py --ner crf        # the same with the CRF NER model's entities merged in
    python benchmarks/eval_relations.py --errors         # also list every miss and every false relation
    python benchmarks/eval_relations.py --json           # machine-readable
    python benchmarks/eval_relations.py --speed          # ms per 1,000 words on a generated 1,000-word article

Data: tests/fixtures/relations_dev.jsonl, sentences we wrote (invented people and groups, and plain statements
about real actors in our own words), each with the relations and titles a careful reader takes from it. The
rules were written with these sentences in view: the numbers are a development and regression measure, not a
quality claim. No public data set annotates these relations for this domain: WikiEvents' ``relation_mentions``
are empty and its 15 ``TTL`` entity mentions (dev + test) are not exhaustive; MEANTIME annotates entities,
events, times and event-participant links, not roles or affiliations. So there is no held-out test here.

Metric: a relation matches when kind, subject text and object text (``None`` for holds_role; founded_in's
object is the time expression) equal the key's, case-insensitive, with a leading "the" and a trailing "group"
ignored (an entity span stops before "group", a phrase read without one does not); a title
matches on (role, holder text or ``None``). Micro-averaged precision, recall and F1 per kind and overall.
Entities come from ``--ner``: ``gazetteer`` (the built-in mideast pack only, default) or ``crf`` (pack + CRF).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from storytrace.extract.entity_merge import entity_spans
from storytrace.extract.relations import extract_relations
from storytrace.model import Document, make_id
from storytrace.pipeline import Pipeline

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "relations_dev.jsonl"
_BASE = ("extract.sentences.rules.v1", "extract.times.rules.v1", "extract.entities.gazetteer.v1")
PIPELINES = {
    "gazetteer": (*_BASE, "extract.entities.merge.v1", "extract.relations.rules.v1"),
    "crf": (*_BASE, "extract.entities.crf.v1", "extract.entities.merge.v1", "extract.relations.rules.v1"),
}

Triple = tuple[str, str, str | None]


def _norm(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split()).lower()
    text = text[4:] if text.startswith("the ") else text
    return text[:-6] if text.endswith(" group") else text


def predicted(doc: Document) -> tuple[set[Triple], set[tuple[str, str | None]]]:
    """The relations (kind, subject, object) and titles (role, holder) of a processed document, normalised."""
    relations = set()
    for span in doc.spans.get("relations", []):
        attrs = dict(span.attrs)
        obj = attrs["object"]
        relations.add((span.label, str(_norm(attrs["subject"]["text"])), _norm(obj["text"]) if obj else None))
    titles = set()
    for span in doc.spans.get("titles", []):
        attrs = dict(span.attrs)
        holder = attrs["holder"]
        titles.add((str(attrs["role"]), _norm(holder["text"]) if holder else None))
    return relations, titles


def load_fixture(path: Path = FIXTURE) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(records: list[dict[str, Any]], pipeline: Pipeline) -> dict[str, Any]:
    """Counts (tp, pred, gold) per relation kind, overall, and for titles; plus the errors."""
    tp: Counter[str] = Counter()
    pred: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    errors: list[str] = []
    for record in records:
        text = record["text"]
        doc = pipeline(Document(id=make_id("doc", text), text=text, locator=record["id"]))
        got_rel, got_titles = predicted(doc)
        want_rel = {(k, str(_norm(s)), _norm(o)) for k, s, o in record["relations"]}
        want_titles = {(r, _norm(h)) for r, h in record["titles"]}
        for key, got, want in (("relations", got_rel, want_rel), ("titles", got_titles, want_titles)):
            for item in got:
                kind = item[0] if key == "relations" else "TITLE"
                pred[kind] += 1
                tp[kind] += item in want
                if item not in want:
                    errors.append(f"{record['id']} false {item}")
            for item in want:
                gold[item[0] if key == "relations" else "TITLE"] += 1
                if item not in got:
                    errors.append(f"{record['id']} missed {item}")
    rows = {}
    for kind in sorted(set(gold) | set(pred)):
        rows[kind] = _prf(tp[kind], pred[kind], gold[kind])
    rel_kinds = [k for k in rows if k != "TITLE"]
    rows["ALL relations"] = _prf(
        sum(tp[k] for k in rel_kinds), sum(pred[k] for k in rel_kinds), sum(gold[k] for k in rel_kinds)
    )
    return {"scores": rows, "errors": errors, "sentences": len(records)}


def _prf(tp: int, pred: int, gold: int) -> dict[str, float | int]:
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    return {"tp": tp, "pred": pred, "gold": gold, "p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def speed(pipeline: Pipeline, records: list[dict[str, Any]], repeats: int = 20) -> dict[str, float]:
    """Milliseconds per 1,000 words of the relations rules alone (entities merged beforehand), on an article
    made of the fixture's sentences padded with cue-free filler (as most of a report is)."""
    filler = "Residents said the road was closed for most of the day while crews cleared the debris. "
    parts: list[str] = []
    words = 0
    index = 0
    while words < 1000:
        sentence = records[index % len(records)]["text"] if index % 3 == 0 else filler
        parts.append(sentence)
        words += len(sentence.split())
        index += 1
    text = " ".join(parts)
    doc = Pipeline.from_names(list(pipeline_names("gazetteer"))[:-1])(
        Document(id=make_id("doc", text), text=text, locator="speed")
    )
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        extract_relations(doc.text, doc.spans["sentences"], entity_spans(doc), doc.spans.get("times", []))
        best = min(best, time.perf_counter() - start)
    return {"words": words, "ms_per_1000_words": 1000 * best * 1000 / words}


def pipeline_names(ner: str) -> tuple[str, ...]:
    return PIPELINES[ner]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ner", choices=sorted(PIPELINES), default="gazetteer")
    parser.add_argument("--fixture", type=Path, default=FIXTURE)
    parser.add_argument("--errors", action="store_true", help="list misses and false relations")
    parser.add_argument("--speed", action="store_true", help="time the component on a 1,000-word article")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    records = load_fixture(args.fixture)
    pipeline = Pipeline.from_names(list(pipeline_names(args.ner)))
    result = evaluate(records, pipeline)
    if args.speed:
        result["speed"] = speed(pipeline, records)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"relations_dev.jsonl: {result['sentences']} sentences, entities from {args.ner}\n")
    print("| kind | gold | pred | P | R | F1 |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, row in result["scores"].items():
        print(
            f"| {kind} | {row['gold']} | {row['pred']} | {100 * row['p']:.1f} | {100 * row['r']:.1f} | "
            f"{100 * row['f1']:.1f} |"
        )
    if args.speed:
        s = result["speed"]
        print(f"\nspeed: {s['ms_per_1000_words']:.3f} ms per 1,000 words (best of 20, {s['words']}-word article)")
    if args.errors:
        print()
        print("\n".join(result["errors"]))


if __name__ == "__main__":
    main()
