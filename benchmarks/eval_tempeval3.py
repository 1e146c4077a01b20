"""TempEval-3 Task A (time expressions): our ``extract.times.rules.v1`` against the gold TIMEX3 annotations.

Reads TimeML files from ``../shared/data/tempeval3`` (never copied into the repo): ``TBAQ-cleaned`` (TimeBank +
AQUAINT, the training split: develop and tune here) and ``te3-platinum`` (the official 20-document test set:
run it, never tune on it). Each document's ``<TEXT>`` is stripped of tags with offsets kept; the document
creation time (the TIMEX3 with ``functionInDocument="CREATION_TIME"``) becomes ``doc.published``. Scores follow
the official TempEval-3 definitions, micro-averaged over all timexes:

* strict span P/R/F1: exact character match (the official scorer matches tokens; on these files the same);
* relaxed span P/R/F1: any overlap; precision counts system spans overlapping a gold one, recall the reverse;
* value F1 / type F1: accuracy of the attribute over the relaxed-matched gold timexes × relaxed F1.

    python benchmarks/eval_tempeval3.py --split train           # TBAQ-cleaned (DEV: tune here)
    python benchmarks/eval_tempeval3.py --split test            # te3-platinum (TEST: report, never tune)
    python benchmarks/eval_tempeval3.py --split train --errors 40   # print value/span errors to stderr
    python benchmarks/eval_tempeval3.py --split test --json
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from storytrace.model import DateVia, Document, PublishedDate
from storytrace.pipeline import Pipeline

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "tempeval3"
SPLITS = {"train": ("TBAQ-cleaned",), "test": ("te3-platinum",)}
# Anchors, TE3 platinum Task A (UzZaman et al. 2013), as recorded in shared/data/tempeval3/SOURCE.md.
ANCHOR = {"system": "HeidelTime", "strict_f1": 81.34, "relaxed_f1": 90.30, "value_f1": 77.61, "type_f1": None}

_TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclass(frozen=True, slots=True)
class Timex:
    start: int
    end: int
    type: str
    value: str


@dataclass(slots=True)
class GoldDoc:
    name: str
    text: str
    dct: str | None
    timexes: list[Timex]


def read_tml(path: Path) -> GoldDoc:
    raw = path.read_text(encoding="utf-8")
    dct = None
    dct_block = re.search(r"<DCT>(.*?)</DCT>", raw, re.DOTALL)
    if dct_block:
        attrs = dict(_ATTR.findall(dct_block.group(1)))
        dct = attrs.get("value")
    body = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.DOTALL)
    source = body.group(1) if body else ""
    parts: list[str] = []
    length = 0
    open_timex: tuple[int, dict[str, str]] | None = None
    timexes: list[Timex] = []
    position = 0
    for tag in _TAG.finditer(source):
        chunk = html.unescape(source[position : tag.start()])
        parts.append(chunk)
        length += len(chunk)
        position = tag.end()
        if tag.group(2) != "TIMEX3":
            continue
        if tag.group(1) == "":
            open_timex = (length, dict(_ATTR.findall(tag.group(3))))
        elif open_timex is not None:
            start, attrs = open_timex
            timexes.append(Timex(start, length, attrs.get("type", ""), attrs.get("value", "")))
            open_timex = None
    parts.append(html.unescape(source[position:]))
    return GoldDoc(path.stem, "".join(parts), dct, timexes)


def load_split(split: str) -> list[GoldDoc]:
    docs: list[GoldDoc] = []
    for folder in SPLITS[split]:
        root = DATA / folder
        if not root.is_dir():
            sys.exit(f"Error: {root} not found; TempEval-3 is read from ../shared/data/tempeval3 next to the repo")
        docs += [read_tml(path) for path in sorted(root.rglob("*.tml"))]
    return docs


def run_system(pipeline: Pipeline, gold: GoldDoc) -> list[Timex]:
    published = PublishedDate(gold.dct, DateVia.USER) if gold.dct else None
    doc = Document(id=gold.name, text=gold.text, locator=gold.name, published=published)
    doc = pipeline(doc)
    return [
        Timex(span.start_char, span.end_char, span.label, str(dict(span.attrs)["value"])) for span in doc.spans["times"]
    ]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(docs: list[GoldDoc], systems: list[list[Timex]], errors: int = 0) -> dict[str, float | int]:
    n_gold = n_sys = strict = relaxed_sys = relaxed_gold = value_ok = type_ok = matched = 0
    shown = 0
    for gold_doc, sys_timexes in zip(docs, systems, strict=True):
        gold = gold_doc.timexes
        n_gold += len(gold)
        n_sys += len(sys_timexes)
        gold_spans = {(g.start, g.end) for g in gold}
        strict += sum((s.start, s.end) in gold_spans for s in sys_timexes)
        relaxed_sys += sum(any(s.start < g.end and g.start < s.end for g in gold) for s in sys_timexes)
        for g in gold:
            overlapping = [s for s in sys_timexes if s.start < g.end and g.start < s.end]
            if not overlapping:
                if shown < errors:
                    shown += 1
                    print(
                        f"MISS  {gold_doc.name}: {gold_doc.text[g.start : g.end]!r} {g.type} {g.value}", file=sys.stderr
                    )
                continue
            relaxed_gold += 1
            matched += 1
            best = max(overlapping, key=lambda s: min(s.end, g.end) - max(s.start, g.start))
            value_ok += best.value == g.value
            type_ok += best.type == g.type
            if best.value != g.value and shown < errors:
                shown += 1
                print(
                    f"VALUE {gold_doc.name} (dct {gold_doc.dct}): {gold_doc.text[g.start : g.end]!r} gold {g.type} "
                    f"{g.value} / ours {gold_doc.text[best.start : best.end]!r} {best.type} {best.value}",
                    file=sys.stderr,
                )
        for s in sys_timexes:
            if not any(s.start < g.end and g.start < s.end for g in gold) and shown < errors:
                shown += 1
                print(f"FALSE {gold_doc.name}: {gold_doc.text[s.start : s.end]!r} {s.type} {s.value}", file=sys.stderr)
    strict_p, strict_r = strict / max(n_sys, 1), strict / max(n_gold, 1)
    relaxed_p, relaxed_r = relaxed_sys / max(n_sys, 1), relaxed_gold / max(n_gold, 1)
    relaxed_f1 = _f1(relaxed_p, relaxed_r)
    return {
        "docs": len(docs),
        "gold_timexes": n_gold,
        "system_timexes": n_sys,
        "strict_p": 100 * strict_p,
        "strict_r": 100 * strict_r,
        "strict_f1": 100 * _f1(strict_p, strict_r),
        "relaxed_p": 100 * relaxed_p,
        "relaxed_r": 100 * relaxed_r,
        "relaxed_f1": 100 * relaxed_f1,
        "value_accuracy": 100 * value_ok / max(matched, 1),
        "value_f1": 100 * relaxed_f1 * value_ok / max(matched, 1),
        "type_accuracy": 100 * type_ok / max(matched, 1),
        "type_f1": 100 * relaxed_f1 * type_ok / max(matched, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="train")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--errors", type=int, default=0, metavar="N", help="print N errors to stderr")
    args = parser.parse_args()

    docs = load_split(args.split)
    pipeline = Pipeline.from_names(["extract.sentences.rules.v1", "extract.times.rules.v1"])
    began = time.perf_counter()
    systems = [run_system(pipeline, doc) for doc in docs]
    seconds = time.perf_counter() - began
    result = score(docs, systems, args.errors)
    result["seconds"] = round(seconds, 2)
    if args.json:
        print(json.dumps({"split": args.split, "scores": result, "anchor": ANCHOR}, indent=2))
        return
    label = {"train": "TBAQ-cleaned (train, DEV)", "test": "te3-platinum (test)"}[args.split]
    print(
        f"TempEval-3 Task A, {label}: {result['docs']} docs, {result['gold_timexes']} gold timexes, "
        f"{result['system_timexes']} found, {seconds:.1f} s\n"
    )
    print("| system | strict P | strict R | strict F1 | relaxed P | relaxed R | relaxed F1 | value F1 | type F1 |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| storytrace extract.times.rules.v1 | {result['strict_p']:.2f} | {result['strict_r']:.2f} | "
        f"{result['strict_f1']:.2f} | {result['relaxed_p']:.2f} | {result['relaxed_r']:.2f} | "
        f"{result['relaxed_f1']:.2f} | {result['value_f1']:.2f} | {result['type_f1']:.2f} |"
    )
    print(
        f"| anchor: {ANCHOR['system']} (TE3 platinum, published) | | | {ANCHOR['strict_f1']:.2f} | | | "
        f"{ANCHOR['relaxed_f1']:.2f} | {ANCHOR['value_f1']:.2f} | |"
    )


if __name__ == "__main__":
    main()
