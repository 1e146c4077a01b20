"""TempEval-3 Task A (time expressions): our ``extract.times.rules`` against the gold TIMEX3 annotations.

Reads TimeML files from ``../shared/data/tempeval3`` (never copied into the repo): ``TBAQ-cleaned`` (TimeBank +
AQUAINT, the training split: develop and tune here) and ``te3-platinum`` (the official 20-document test set:
run it, never tune on it). Each document's ``<TEXT>`` is stripped of tags with offsets kept; the document
creation time (the TIMEX3 with ``functionInDocument="CREATION_TIME"``) becomes ``doc.published``. A second
development set, ``--split meantime``, reads the TIMEX3 of MEANTIME's 120 English Wikinews articles
(``../shared/data/meantime-en``, CAT XML): their tokens are joined back into text (no space before
punctuation); the creation-time timex (the article's date line) and the text after sentence 5 (MEANTIME marks
timexes in the title and first sentences only) are left out of gold and system alike. Two files mark no creation
time: their date line's timex is taken as it; one writes it day first ("03-02-2009"), read as ISO.
Scores follow the official TempEval-3 definitions, micro-averaged over all timexes:

* strict span P/R/F1: exact character match (the official scorer matches tokens; on these files the same);
* relaxed span P/R/F1: any overlap; precision counts system spans overlapping a gold one, recall the reverse;
* value F1 / type F1: accuracy of the attribute over the relaxed-matched gold timexes × relaxed F1.

    python benchmarks/eval_tempeval3.py --split train           # TBAQ-cleaned (DEV: tune here)
    python benchmarks/eval_tempeval3.py --split test            # te3-platinum (TEST: report, never tune)
    python benchmarks/eval_tempeval3.py --split meantime        # MEANTIME (a second DEV set)
    python benchmarks/eval_tempeval3.py --split train --errors 40   # print value/span errors to stderr
    python benchmarks/eval_tempeval3.py --split train --groups 30   # the errors counted by pattern, on stderr
    python benchmarks/eval_tempeval3.py --split test --json
    python benchmarks/eval_tempeval3.py --split train --component extract.times.rules.v2   # an older version
    python benchmarks/eval_tempeval3.py --split train --part AQUAINT       # one sub-corpus of TBAQ-cleaned
    python benchmarks/eval_tempeval3.py --split meantime --component extract.times.rules_crf.v1 [--model PATH]
    python benchmarks/eval_tempeval3.py --two-fold     # the CRF's held-out protocol (see below)
    python benchmarks/eval_tempeval3.py --split train --wrap 72   # the texts hard-wrapped at 72 columns

``--wrap N`` hard-wraps every text at N columns before extraction, as plain-text mail and feeds are (a space
becomes a line break, so the gold offsets still hold): a robustness check for text that breaks its sentences
across lines; the gold is the same.

``--two-fold`` is the honest protocol for ``extract.times.rules_crf.v1`` (whose CRF is trained on TBAQ-cleaned):
a CRF is fitted on TBAQ's AQUAINT part and scored on its TimeBank part, then the other way round, and one fitted
on all of TBAQ is scored on MEANTIME (which no CRF saw), each beside the rules alone (v3). The models go to a
temporary folder; nothing in the repo changes. It never reads te3-platinum.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from storytrace.model import DateVia, Document, PublishedDate
from storytrace.pipeline import Pipeline

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "tempeval3"
MEANTIME = Path(__file__).resolve().parents[2] / "shared" / "data" / "meantime-en" / "intra_cross-doc_annotation"
SPLITS = {"train": ("TBAQ-cleaned",), "test": ("te3-platinum",), "meantime": ()}
LABELS = {"train": "TBAQ-cleaned (train, DEV)", "test": "te3-platinum (test)", "meantime": "MEANTIME-en (DEV 2)"}
COMPONENTS = (
    "extract.times.rules.v1",
    "extract.times.rules.v2",
    "extract.times.rules.v3",
    "extract.times.rules.v4",
    "extract.times.rules.v5",
    "extract.times.rules.v6",
    "extract.times.rules.v7",
    "extract.times.rules_crf.v1",
)
PARTS = ("TimeBank", "AQUAINT")  # TBAQ-cleaned's two sub-corpora (the folders)
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
    rule: str = ""


@dataclass(slots=True)
class GoldDoc:
    name: str
    text: str
    dct: str | None
    timexes: list[Timex]
    ignored: tuple[tuple[int, int], ...] = ()  # spans scored neither way (MEANTIME's date line)


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


# CAT XML tokens are joined with a space except before closing punctuation and after opening punctuation.
_NO_SPACE_BEFORE = re.compile(r"^(?:[,.;:!?%)\]}]|'s|'|n't|'re|'ve|'ll|'d|'m)$", re.IGNORECASE)
_NO_SPACE_AFTER = {"(", "[", "{", "$", "``"}
_TOKEN = re.compile(r'<token [^>]*?sentence="(\d+)"[^>]*?t_id="(\d+)"[^>]*>(.*?)</token>', re.DOTALL)
# MEANTIME annotates timexes in the title and the first sentences only (sentence numbers 0-5, 1 being the
# date line; counted in the files: no TIMEX3 anchor beyond 5): the rest of the text is scored neither way.
_CAT_TIMEX_SENTENCES = 5
_CAT_TIMEX = re.compile(r"<TIMEX3 ([^>]*?)(/?)>((?:\s*<token_anchor[^>]*/>)*)")


def read_cat(path: Path) -> GoldDoc:
    """One MEANTIME CAT XML file: the text rebuilt from its tokens, the TIMEX3 spans mapped onto it."""
    raw = path.read_text(encoding="utf-8")
    offsets: dict[str, tuple[int, int]] = {}
    sentences: dict[str, str] = {}
    parts: list[str] = []
    length, last_sentence, previous = 0, "", ""
    annotated_end: int | None = None
    for sentence, t_id, token in _TOKEN.findall(raw):
        token = html.unescape(token)
        if parts:
            gap = "\n" if sentence != last_sentence else ""
            if not gap and not _NO_SPACE_BEFORE.match(token) and previous not in _NO_SPACE_AFTER:
                gap = " "
            parts.append(gap)
            length += len(gap)
        if int(sentence) > _CAT_TIMEX_SENTENCES and annotated_end is None:
            annotated_end = length
        offsets[t_id] = (length, length + len(token))
        sentences[t_id] = sentence
        parts.append(token)
        length += len(token)
        last_sentence, previous = sentence, token
    dct = None
    timexes: list[Timex] = []
    ignored: list[tuple[int, int]] = []
    has_creation_time = 'functionInDocument="CREATION_TIME"' in raw
    for attrs_text, empty, body in _CAT_TIMEX.findall(raw):
        attrs = dict(_ATTR.findall(attrs_text))
        token_ids = [t for t in re.findall(r'<token_anchor t_id="(\d+)"', body) if t in offsets]
        anchored = [offsets[t] for t in token_ids]
        if empty or not anchored:
            continue  # an implicit timex (a range's other end) with no tokens
        start, end = min(a for a, _ in anchored), max(b for _, b in anchored)
        # Two files mark no creation time: their date line's timex (sentence 1) is the document's date.
        on_date_line = not has_creation_time and dct is None and all(sentences[t] == "1" for t in token_ids)
        if attrs.get("functionInDocument") == "CREATION_TIME" or on_date_line:
            dct = _iso_date(attrs.get("value"))
            ignored.append((start, end))  # the date line under the title: the document's date, not its text's
            continue
        timexes.append(Timex(start, end, attrs.get("type", ""), attrs.get("value", "")))
    if annotated_end is not None:
        ignored.append((annotated_end, length))
    return GoldDoc(path.stem, "".join(parts), dct, sorted(timexes, key=lambda t: t.start), tuple(ignored))


def _iso_date(value: str | None) -> str | None:
    """A creation time as ISO: one MEANTIME file writes it day first ("03-02-2009")."""
    if value and (day_first := re.fullmatch(r"(\d\d)-(\d\d)-(\d{4})", value)):
        return f"{day_first[3]}-{day_first[2]}-{day_first[1]}"
    return value


def load_split(split: str, part: str | None = None) -> list[GoldDoc]:
    """The gold documents of a split; ``part`` (train only) one sub-corpus of TBAQ-cleaned (see PARTS)."""
    docs: list[GoldDoc] = []
    if split == "meantime":
        if not MEANTIME.is_dir():
            sys.exit(f"Error: {MEANTIME} not found; MEANTIME is read from ../shared/data/meantime-en next to the repo")
        return [read_cat(path) for path in sorted(MEANTIME.rglob("*.xml"))]
    for folder in SPLITS[split]:
        root = DATA / folder / part if part else DATA / folder
        if not root.is_dir():
            sys.exit(f"Error: {root} not found; TempEval-3 is read from ../shared/data/tempeval3 next to the repo")
        docs += [read_tml(path) for path in sorted(root.rglob("*.tml"))]
    return docs


def wrap_text(text: str, width: int) -> str:
    """``text`` hard-wrapped at ``width`` columns: the last space before a line grows longer becomes a newline
    (same length, so every offset still points at the same character)."""
    chars = list(text)
    column, last_space = 0, -1
    for index, char in enumerate(text):
        if char == "\n":
            column, last_space = 0, -1
            continue
        if char == " ":
            last_space = index
        column += 1
        if column > width and last_space >= 0:
            chars[last_space] = "\n"
            column, last_space = index - last_space, -1
    return "".join(chars)


def run_system(pipeline: Pipeline, gold: GoldDoc) -> list[Timex]:
    published = PublishedDate(gold.dct, DateVia.USER) if gold.dct else None
    doc = Document(id=gold.name, text=gold.text, locator=gold.name, published=published)
    doc = pipeline(doc)
    found = [
        Timex(span.start_char, span.end_char, span.label, str(dict(span.attrs)["value"]), str(dict(span.attrs)["rule"]))
        for span in doc.spans["times"]
    ]
    # MEANTIME's date line is in the text but not a timex to score: drop what we find there.
    return [t for t in found if not any(t.start < end and start < t.end for start, end in gold.ignored)]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_WEEKDAYS = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"


def shape(text: str) -> str:
    """A pattern key for grouping errors: lower case, numbers as 9, month and weekday names as words."""
    key = " ".join(text.lower().split())
    key = re.sub(rf"\b{_WEEKDAYS}\b", "WEEKDAY", key)
    key = re.sub(rf"\b{_MONTHS}(?=\s|$|,)", "MONTH", key)
    return re.sub(r"\d+", "9", key)


def value_shape(value: str) -> str:
    """A value's form: "2025-03-09" -> "9-9-9", "P3Y" -> "P9Y", "PAST_REF" stays."""
    return re.sub(r"\d+", "9", value)


def score(docs: list[GoldDoc], systems: list[list[Timex]], errors: int = 0, groups: int = 0) -> dict[str, float | int]:
    n_gold = n_sys = strict = relaxed_sys = relaxed_gold = value_ok = type_ok = matched = 0
    shown = 0
    grouped: Counter[str] = Counter()

    def report(line: str) -> None:
        nonlocal shown
        if shown < errors:
            shown += 1
            print(line, file=sys.stderr)

    for gold_doc, sys_timexes in zip(docs, systems, strict=True):
        gold = gold_doc.timexes
        n_gold += len(gold)
        n_sys += len(sys_timexes)
        gold_spans = {(g.start, g.end) for g in gold}
        strict += sum((s.start, s.end) in gold_spans for s in sys_timexes)
        relaxed_sys += sum(any(s.start < g.end and g.start < s.end for g in gold) for s in sys_timexes)
        for g in gold:
            overlapping = [s for s in sys_timexes if s.start < g.end and g.start < s.end]
            gold_text = gold_doc.text[g.start : g.end]
            if not overlapping:
                grouped[f"MISS  {shape(gold_text)!r} {g.type} {value_shape(g.value)}"] += 1
                report(f"MISS  {gold_doc.name}: {gold_text!r} {g.type} {g.value}")
                continue
            relaxed_gold += 1
            matched += 1
            best = max(overlapping, key=lambda s: min(s.end, g.end) - max(s.start, g.start))
            value_ok += best.value == g.value
            type_ok += best.type == g.type
            if best.value != g.value:
                grouped[f"VALUE {best.rule}: gold {value_shape(g.value)} / ours {value_shape(best.value)}"] += 1
                report(
                    f"VALUE {gold_doc.name} (dct {gold_doc.dct}): {gold_text!r} gold {g.type} {g.value} / ours "
                    f"{gold_doc.text[best.start : best.end]!r} {best.type} {best.value} [{best.rule}]"
                )
        for s in sys_timexes:
            if not any(s.start < g.end and g.start < s.end for g in gold):
                sys_text = gold_doc.text[s.start : s.end]
                grouped[f"FALSE {s.rule}: {shape(sys_text)!r}"] += 1
                report(f"FALSE {gold_doc.name}: {sys_text!r} {s.type} {s.value} [{s.rule}]")
    if groups:
        kinds = Counter(key.split()[0] for key in grouped.elements())
        print("errors: " + ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())), file=sys.stderr)
        for key, count in grouped.most_common(groups):
            print(f"{count:5d}  {key}", file=sys.stderr)
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


def make_pipeline(component: str, model: str | None = None) -> Pipeline:
    """Sentences then the time component; ``model`` is the crfsuite file of extract.times.rules_crf.v1."""
    config: dict[str, dict[str, object]] = {}
    if component == "extract.times.rules_crf.v1" and model:
        config[component] = {"model_path": model}
    return Pipeline.from_names(["extract.sentences.rules.v1", component], config)


def fit_crf(docs: list[GoldDoc], out: Path) -> None:
    """Train the time-span CRF on gold documents (the recipe of scripts/train_times_crf.py)."""
    from storytrace.extract.times_crf import train_crf, training_sequences

    sentencer = Pipeline.from_names(["extract.sentences.rules.v1"])
    sequences = []
    for gold in docs:
        published = PublishedDate(gold.dct, DateVia.USER) if gold.dct else None
        doc = sentencer(Document(id=gold.name, text=gold.text, locator=gold.name, published=published))
        sequences += training_sequences(doc.text, doc.spans["sentences"], [(t.start, t.end) for t in gold.timexes])
    train_crf(sequences, out)


def two_fold() -> None:
    """Fit on one TBAQ part, score the other (both ways); fit on all TBAQ, score MEANTIME; v3 beside each."""
    crf = "extract.times.rules_crf.v1"
    rows: list[tuple[str, str, dict[str, float | int]]] = []
    with tempfile.TemporaryDirectory() as folder:
        for held_out in PARTS:
            fit_on = next(part for part in PARTS if part != held_out)
            model = Path(folder) / f"crf-{fit_on}.crfsuite"
            fit_crf(load_split("train", fit_on), model)
            docs = load_split("train", held_out)
            label = f"TBAQ {held_out} (CRF fitted on {fit_on})"
            for component in ("extract.times.rules.v3", crf):
                pipeline = make_pipeline(component, str(model))
                rows.append((label, component, score(docs, [run_system(pipeline, doc) for doc in docs])))
        model = Path(folder) / "crf-TBAQ.crfsuite"
        fit_crf(load_split("train"), model)
        docs = load_split("meantime")
        for component in ("extract.times.rules.v3", crf):
            pipeline = make_pipeline(component, str(model))
            rows.append(
                ("MEANTIME (CRF fitted on all TBAQ)", component, score(docs, [run_system(pipeline, d) for d in docs]))
            )
    print("TempEval-3 Task A, two-fold by TBAQ sub-corpus, and MEANTIME\n")
    columns = "strict P | strict R | strict F1 | relaxed P | relaxed R | relaxed F1 | value F1 | type F1"
    print(f"| held out | component | {columns} |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, component, r in rows:
        print(
            f"| {label} | {component} | {r['strict_p']:.2f} | {r['strict_r']:.2f} | {r['strict_f1']:.2f} | "
            f"{r['relaxed_p']:.2f} | {r['relaxed_r']:.2f} | {r['relaxed_f1']:.2f} | {r['value_f1']:.2f} | "
            f"{r['type_f1']:.2f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="train")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--errors", type=int, default=0, metavar="N", help="print N errors to stderr")
    parser.add_argument(
        "--groups", type=int, default=0, metavar="N", help="print the N largest groups of errors (by pattern) to stderr"
    )
    parser.add_argument("--component", choices=COMPONENTS, default="extract.times.rules.v7", help="the time extractor")
    parser.add_argument("--part", choices=PARTS, help="score one sub-corpus of TBAQ-cleaned (--split train)")
    parser.add_argument("--model", help="extract.times.rules_crf.v1: a crfsuite model instead of the shipped one")
    parser.add_argument(
        "--two-fold", action="store_true", help="the CRF's held-out protocol (TBAQ parts, MEANTIME); see the docstring"
    )
    parser.add_argument("--wrap", type=int, metavar="N", help="hard-wrap every text at N columns first (robustness)")
    args = parser.parse_args()
    if args.two_fold:
        two_fold()
        return

    docs = load_split(args.split, args.part)
    if args.wrap:
        docs = [replace(doc, text=wrap_text(doc.text, args.wrap)) for doc in docs]
    pipeline = make_pipeline(args.component, args.model)
    began = time.perf_counter()
    systems = [run_system(pipeline, doc) for doc in docs]
    seconds = time.perf_counter() - began
    result = score(docs, systems, args.errors, args.groups)
    result["seconds"] = round(seconds, 2)
    if args.json:
        print(
            json.dumps({"split": args.split, "component": args.component, "scores": result, "anchor": ANCHOR}, indent=2)
        )
        return
    label = LABELS[args.split] + (f", wrapped at {args.wrap} columns" if args.wrap else "")
    print(
        f"TempEval-3 Task A, {label}: {result['docs']} docs, {result['gold_timexes']} gold timexes, "
        f"{result['system_timexes']} found, {seconds:.1f} s\n"
    )
    print("| system | strict P | strict R | strict F1 | relaxed P | relaxed R | relaxed F1 | value F1 | type F1 |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| storytrace {args.component} | {result['strict_p']:.2f} | {result['strict_r']:.2f} | "
        f"{result['strict_f1']:.2f} | {result['relaxed_p']:.2f} | {result['relaxed_r']:.2f} | "
        f"{result['relaxed_f1']:.2f} | {result['value_f1']:.2f} | {result['type_f1']:.2f} |"
    )
    print(
        f"| anchor: {ANCHOR['system']} (TE3 platinum, published) | | | {ANCHOR['strict_f1']:.2f} | | | "
        f"{ANCHOR['relaxed_f1']:.2f} | {ANCHOR['value_f1']:.2f} | |"
    )


if __name__ == "__main__":
    main()
