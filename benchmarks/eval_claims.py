"""Claims (`extract.claims.rules.v2`) scored on our invented fixture, and a public check of hedging on Emergent.

    python benchmarks/eval_claims.py                          # the fixture: detection and attribute accuracy
    python benchmarks/eval_claims.py --emergent train         # DEV: Emergent train split (what the rules saw)
    python benchmarks/eval_claims.py --emergent test          # TEST: reported once, never tuned on
    python benchmarks/eval_claims.py --speed 100              # ms per 1,000 words on generated articles
    python benchmarks/eval_claims.py --json                   # machine-readable
    python benchmarks/eval_claims.py --claims extract.claims.rules.v4 --emergent test   # another version
    python benchmarks/eval_claims.py --claims extract.claims.rules.v6 --against extract.claims.rules.v5 \
        --inputs ../shared/seeds [--pipeline fast] [--pack DIR]     # which claims a version adds and drops

**Fixture** (tests/fixtures/claims_dev.jsonl, sentences and snippets we wrote, with the claims we expect): a
predicted claim matches a gold claim when their word tokens overlap with F1 >= 0.5 (one-to-one, greedy by
overlap); detection P/R/F1 count matches. On the matched pairs: exact span (same tokens), label (attributed /
outlet), speaker (same text), polarity, modality and hedges (same set) accuracy. The rules were written with
this fixture in view: the scores are regression floors (tests/test_quality_gate_claims.py), not quality claims.

**Emergent** (Ferreira & Vlachos 2016, ``--data``, default ``../shared/data/emergent``): each article headline
is run through the per-article pipeline as a one-line report whose title is itself, and its claims are read
as a stance-free signal: ``against`` when a claim denies or refutes, ``observing`` when a claim is hedged
or possible/conditional/a question, or when the headline gives no claim (a question or a fragment), else
``for``. (Counting an attributed headline, "X says Y", as observing was tried on train and did worse: 0.655
against 0.668, annotators mostly read it as "for".) This is *not* a stance classifier (it never reads the
claim the headline is about); it measures whether our hedge, modality and polarity reading of a headline
agrees with the annotators' "observing" (the article reports the claim without endorsing it) and "against".
Anchors: majority class ("for") 46.9% on test; Ferreira & Vlachos's full model 73.3% (it sees the claim too).

**Compare** (``--inputs PATH --against NAME``): runs a named pipeline without its claims stage over the reports
under PATH, then both claims components, and lists the claims only one of them gives (report, voice, speaker,
text). A diagnostic for reading, not a score: on reports the rules were written against it is in-sample.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from storytrace.clean import clean_item
from storytrace.ingest.files import ReadOptions, read_path
from storytrace.model import Document, RawItem, Span, make_id
from storytrace.pipeline import PIPELINES, Pipeline, get_component, pack_config

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "claims_dev.jsonl"
DEFAULT_EMERGENT = ROOT.parent / "shared" / "data" / "emergent"
PIPELINE = (
    "extract.sentences.rules.v1",
    "extract.times.rules.v1",
    "extract.attributions.rules.v3",
    "extract.claims.rules.v2",
)
ATTRIBUTES = ("exact_span", "label", "speaker", "polarity", "modality", "hedges")


def annotate(pipeline: Pipeline, text: str, title: str | None = None) -> Document:
    doc = Document(id=make_id("doc", text), text=text, locator="claims-eval", title=title)
    return pipeline(doc)


def _tokens(text: str) -> list[str]:
    return [w.strip(".,;:!?“”\"'«»()").lower() for w in text.split() if w.strip(".,;:!?“”\"'«»()")]


def _overlap_f1(a: list[str], b: list[str]) -> float:
    common = sum((Counter(a) & Counter(b)).values())
    if not common:
        return 0.0
    p, r = common / len(a), common / len(b)
    return 2 * p * r / (p + r)


def claim_record(doc: Document, span: Span) -> dict[str, Any]:
    attrs = dict(span.attrs)
    speaker = attrs["speaker"]
    return {
        "text": doc.span_text(span),
        "label": span.label,
        "speaker": speaker["text"] if speaker else None,
        "polarity": attrs["polarity"],
        "modality": attrs["modality"],
        "hedges": attrs["hedges"],
    }


def _pipeline(claims: str | None) -> Pipeline:
    """``PIPELINE``, with ``claims`` (a component name) in place of its claims stage when given."""
    return Pipeline.from_names((*PIPELINE[:-1], claims) if claims else PIPELINE)


def score_fixture(path: Path = FIXTURE, claims: str | None = None) -> dict[str, Any]:
    """Detection P/R/F1 and per-attribute accuracy on the matched claims; ``errors`` lists every miss."""
    pipeline = _pipeline(claims)
    gold_n = pred_n = matched = 0
    right = Counter[str]()
    errors: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        doc = annotate(pipeline, case["text"], case.get("title"))
        predicted = [claim_record(doc, c) for c in doc.spans["claims"]]
        gold = case["claims"]
        gold_n += len(gold)
        pred_n += len(predicted)
        pairs = sorted(
            (
                (_overlap_f1(_tokens(p["text"]), _tokens(g["text"])), i, j)
                for i, p in enumerate(predicted)
                for j, g in enumerate(gold)
            ),
            reverse=True,
        )
        used_p: set[int] = set()
        used_g: set[int] = set()
        for f1, i, j in pairs:
            if f1 < 0.5 or i in used_p or j in used_g:
                continue
            used_p.add(i)
            used_g.add(j)
            matched += 1
            p, g = predicted[i], gold[j]
            checks = {
                "exact_span": _tokens(p["text"]) == _tokens(g["text"]),
                "label": p["label"] == g["label"],
                "speaker": p["speaker"] == g["speaker"],
                "polarity": p["polarity"] == g["polarity"],
                "modality": p["modality"] == g["modality"],
                "hedges": set(p["hedges"]) == set(g["hedges"]),
            }
            for name, ok in checks.items():
                right[name] += ok
                if not ok:
                    errors.append(f"{case['id']} {name}: got {p[_field(name)]!r}, want {g[_field(name)]!r}")
        errors += [f"{case['id']} spurious: {predicted[i]['text']!r}" for i in range(len(predicted)) if i not in used_p]
        errors += [f"{case['id']} missed: {gold[j]['text']!r}" for j in range(len(gold)) if j not in used_g]
    precision = matched / pred_n if pred_n else 0.0
    recall = matched / gold_n if gold_n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "gold": gold_n,
        "predicted": pred_n,
        "matched": matched,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "accuracy": {name: right[name] / matched if matched else 0.0 for name in ATTRIBUTES},
        "errors": errors,
    }


def _field(name: str) -> str:
    return "text" if name == "exact_span" else name


def headline_reading(doc: Document) -> str:
    """for / observing / against from the headline's claims (see the module docstring)."""
    claims = doc.spans.get("claims", [])
    if not claims:
        return "observing"
    attrs = [dict(c.attrs) for c in claims]
    if any(a["polarity"] in {"denies", "refutes"} for a in attrs):
        return "against"
    if any(a["hedges"] or a["modality"] in {"possible", "conditional", "question"} for a in attrs):
        return "observing"
    return "for"


def score_emergent(data: Path, split: str, claims: str | None = None) -> dict[str, Any]:
    name = {
        "train": "url-versions-2015-06-14-clean-train.csv",
        "test": "url-versions-2015-06-14-clean-test.csv",
    }[split]
    pipeline = _pipeline(claims)
    confusion: Counter[tuple[str, str]] = Counter()
    started = time.perf_counter()
    with (data / name).open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            headline = row["articleHeadline"].strip()
            doc = annotate(pipeline, headline, headline)
            confusion[(row["articleHeadlineStance"], headline_reading(doc))] += 1
    labels = ("for", "observing", "against")
    total = sum(confusion.values())
    per_class = {}
    for label in labels:
        tp = confusion[(label, label)]
        pred = sum(confusion[(g, label)] for g in labels)
        gold = sum(confusion[(label, p)] for p in labels)
        p = tp / pred if pred else 0.0
        r = tp / gold if gold else 0.0
        per_class[label] = {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "gold": gold}
    binary = [(g, p) for (g, p), n in confusion.items() for _ in range(n) if g in {"for", "observing"}]
    binary_right = sum(1 for g, p in binary if (p == "for") == (g == "for"))
    majority = max(per_class.values(), key=lambda c: c["gold"])["gold"] / total if total else 0.0
    return {
        "split": split,
        "pairs": total,
        "seconds": round(time.perf_counter() - started, 2),
        "accuracy": sum(confusion[(label, label)] for label in labels) / total if total else 0.0,
        "majority_baseline": majority,
        "for_vs_observing_accuracy": binary_right / len(binary) if binary else 0.0,
        "for_vs_observing_pairs": len(binary),
        "per_class": per_class,
        "confusion": {f"{g}->{p}": confusion[(g, p)] for g in labels for p in labels},
    }


def measure_speed(count: int, seed: int = 7, claims: str | None = None) -> dict[str, Any]:
    """CPU ms per 1,000 words of the claims component alone (``claims``, an ``extract.claims.rules`` version; v2
    when None), and beside it of attributions, on the generated ~1,000-word articles of pipeline_speed.py, with
    their sentences, times, mentions and attributions already made.
    """
    version = int(claims.rsplit(".v", 1)[1]) if claims and claims.startswith("extract.claims.rules.v") else 2
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from pipeline_speed import articles
    from storytrace.extract.attributions import extract_attributions
    from storytrace.extract.claims import extract_claims

    before = Pipeline.from_names(
        (
            "extract.sentences.rules.v1",
            "extract.times.rules.v1",
            "extract.entities.gazetteer.v1",
            "extract.entities.merge.v1",
            "extract.attributions.rules.v3",
        )
    )
    docs = [
        before(Document(id=make_id("doc", t), text=t, locator=f"gen:{i}")) for i, t in enumerate(articles(count, seed))
    ]
    words = sum(d.word_count for d in docs)
    best: dict[str, float] = {}
    for _ in range(3):  # best of three: the machine is shared
        for name, run in (
            ("claims", lambda d: extract_claims(d, version=version)),
            ("attributions", lambda d: extract_attributions(d.text, d.spans["sentences"])),
        ):
            started = time.process_time()
            for doc in docs:
                run(doc)
            best[name] = min(best.get(name, float("inf")), time.process_time() - started)
    found = sum(len(extract_claims(d, version=version)) for d in docs)
    return {
        "articles": len(docs),
        "mean_words": round(words / len(docs)),
        "claims_per_article": round(found / len(docs), 1),
        "claims_ms_per_1000_words": round(best["claims"] * 1e6 / words, 2),
        "attributions_ms_per_1000_words": round(best["attributions"] * 1e6 / words, 2),
    }


def compare_claims(
    inputs: Path, claims: str, against: str, pipeline: str = "default", packs: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The claims ``claims`` and ``against`` give on the reports under ``inputs``, after ``pipeline`` without its
    claims stage: their counts, and the claims only one of them gives."""
    before = Pipeline.from_names(
        [c for c in PIPELINES[pipeline] if not c.startswith("extract.claims.")], pack_config(list(packs))
    )
    runs = {name: get_component(name).factory() for name in (claims, against)}
    counts = Counter[str]()
    only: dict[str, list[tuple[str, str, str | None, str]]] = {claims: [], against: []}
    reports = 0
    for item in read_path(inputs, ReadOptions()):
        if not isinstance(item, RawItem) or item.kind == "feed":
            continue  # an unreadable file or a feed (fetching is not this harness's business)
        doc = before(clean_item(item))
        reports += 1
        found: dict[str, list[tuple[str, str, str | None, str]]] = {}
        for name, run in runs.items():
            spans = run(doc).spans["claims"]
            found[name] = [
                (Path(doc.locator).name, s.label, (dict(s.attrs)["speaker"] or {}).get("text"), doc.span_text(s))
                for s in spans
            ]
            counts[name] += len(spans)
        for name, other in ((claims, against), (against, claims)):
            only[name] += [c for c in found[name] if c not in set(found[other])]
    return {"reports": reports, "counts": dict(counts), "only": only}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixture", type=Path, default=FIXTURE)
    parser.add_argument("--emergent", choices=("train", "test"), help="also score Emergent headlines (split)")
    parser.add_argument("--data", type=Path, default=DEFAULT_EMERGENT, help="the Emergent folder")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--errors", action="store_true", help="list the fixture's misses")
    parser.add_argument("--speed", type=int, metavar="N", help="also time the component on N generated articles")
    parser.add_argument("--claims", help=f"the claims component to score (default: {PIPELINE[-1]})")
    parser.add_argument("--against", metavar="NAME", help="with --inputs: the claims component to compare with")
    parser.add_argument("--inputs", type=Path, metavar="PATH", help="reports (a file or folder) to compare on")
    parser.add_argument("--pipeline", choices=sorted(PIPELINES), default="default", help="with --inputs")
    parser.add_argument("--pack", action="append", default=[], metavar="DIR", help="with --inputs: a domain pack")
    args = parser.parse_args(argv)
    if args.inputs is not None:
        if not (args.claims and args.against):
            print("Error: --inputs needs --claims and --against (two claims components)", file=sys.stderr)
            return 2
        diff = compare_claims(args.inputs, args.claims, args.against, args.pipeline, tuple(args.pack))
        if args.json:
            print(json.dumps(diff, indent=2, ensure_ascii=False))
            return 0
        print(
            f"{diff['reports']} reports, pipeline {args.pipeline}: "
            + ", ".join(f"{name} {n} claims" for name, n in diff["counts"].items())
        )
        for name, claims in diff["only"].items():
            print(f"\nOnly {name} ({len(claims)}):")
            print("\n".join(f"  {report} | {voice} | {speaker} | {text}" for report, voice, speaker, text in claims))
        return 0
    result: dict[str, Any] = {"fixture": score_fixture(args.fixture, args.claims)}
    if args.emergent:
        if not (args.data / "url-versions-2015-06-14-clean-train.csv").exists():
            print(f"Error: no Emergent CSV files under {args.data}; pass --data", file=sys.stderr)
            return 2
        result["emergent"] = score_emergent(args.data, args.emergent, args.claims)
    if args.speed:
        result["speed"] = measure_speed(args.speed, claims=args.claims)
    if args.json:
        if not args.errors:
            result["fixture"].pop("errors")
        print(json.dumps(result, indent=2))
        return 0
    fx = result["fixture"]
    print(
        f"Fixture {args.fixture.name}: gold {fx['gold']}, predicted {fx['predicted']}, matched {fx['matched']}; "
        f"P {fx['precision']:.3f} R {fx['recall']:.3f} F1 {fx['f1']:.3f}"
    )
    print("Accuracy on matched claims: " + ", ".join(f"{k} {v:.3f}" for k, v in fx["accuracy"].items()))
    if args.errors:
        print("\n".join(f"  {e}" for e in fx["errors"]))
    if "speed" in result:
        sp = result["speed"]
        print(
            f"\nSpeed on {sp['articles']} generated articles of ~{sp['mean_words']} words "
            f"({sp['claims_per_article']} claims each): claims {sp['claims_ms_per_1000_words']} ms per 1,000 words, "
            f"attributions {sp['attributions_ms_per_1000_words']} ms (CPU time, best of 3)"
        )
    if "emergent" in result:
        em = result["emergent"]
        print(
            f"\nEmergent {em['split']} ({em['pairs']} article headlines, {em['seconds']} s): headline reading "
            f"accuracy {em['accuracy']:.3f} (majority class {em['majority_baseline']:.3f}); for vs observing only "
            f"({em['for_vs_observing_pairs']} headlines): {em['for_vs_observing_accuracy']:.3f}"
        )
        print("| gold | predicted P | R | F1 | gold n |")
        print("|---|---|---|---|---|")
        for label, c in em["per_class"].items():
            print(f"| {label} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} | {c['gold']} |")
        print("confusion (gold->predicted): " + ", ".join(f"{k} {v}" for k, v in em["confusion"].items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
