"""Attribution extraction scored on PolNeAR: source, cue and content span F1.

    python benchmarks/eval_polnear.py --split dev            # DEV: what the rules were tuned on (with train)
    python benchmarks/eval_polnear.py --split test           # TEST: reported once, never tuned on
    python benchmarks/eval_polnear.py --split dev --component crf   # the CRF tagger (extract.attributions.crf.v3)
    python benchmarks/eval_polnear.py --split dev --component minilm   # extract.attributions.minilm.v1
    python benchmarks/eval_polnear.py --split dev --component minilm2  # extract.attributions.minilm.v2
    python benchmarks/eval_polnear.py --split dev --component minilm3  # extract.attributions.minilm.v3
    python benchmarks/eval_polnear.py --split dev --component minilm3 --unsure-below 0.8   # v3's cascade threshold
    python benchmarks/eval_polnear.py --split dev --component minilm4  # extract.attributions.minilm.v4
    python benchmarks/eval_polnear.py --split dev --component minilm5  # extract.attributions.minilm.v5
    python benchmarks/eval_polnear.py --split dev --json     # machine-readable
    python benchmarks/eval_polnear.py --data ../shared/data/polnear --split train

Data: PolNeAR v1.0.0 (Newell, Margolin & Ruths, LREC 2018), read from ``--data`` (default
``../shared/data/polnear`` next to the repository); never copied into the repo. Articles annotated by several
annotators are scored against one annotation, chosen deterministically: the first annotator id listed for the
article in ``metadata.tsv`` (the official loader picks one at random).

Metric (the PARC convention, Pareti 2016, as used by Citron): per role (source, cue, content), spans compared as
sets of word tokens (our tokenizer; punctuation tokens, quotation marks included, are ignored, so a content
with or without its closing quote mark is the same span). **Exact**: identical token sets. **Overlap**: at least
one shared token, with one-to-one matching (greedy by the size of the overlap). Discontinuous gold spans are
the union of their pieces. Identical spans within one role of one article count once, on both sides.
Precision = matched predictions / predictions, recall = matched gold / gold, micro-averaged over the split.
"""

from __future__ import annotations

import argparse
import bisect
import json
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from storytrace.extract.attributions import REPORTING_VERBS, extract_attributions
from storytrace.extract.sentences import split_sentences, tokenize
from storytrace.model import Span

ROLES = ("source", "cue", "content")
COMPONENTS = {
    "rules": "extract.attributions.rules.v3",
    "crf": "extract.attributions.crf.v3",
    "minilm": "extract.attributions.minilm.v1",
    "minilm2": "extract.attributions.minilm.v2",
    "minilm3": "extract.attributions.minilm.v3",
    "minilm4": "extract.attributions.minilm.v4",
    "minilm5": "extract.attributions.minilm.v5",
}
Extractor = Callable[[str, list[Span]], dict[str, list[Span]]]
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear"


@dataclass(slots=True)
class Counts:
    gold: int = 0
    pred: int = 0
    exact: int = 0
    overlap: int = 0

    def scores(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for kind, hits in (("exact", self.exact), ("overlap", self.overlap)):
            p = hits / self.pred if self.pred else 0.0
            r = hits / self.gold if self.gold else 0.0
            out[f"{kind}_p"] = 100 * p
            out[f"{kind}_r"] = 100 * r
            out[f"{kind}_f1"] = 100 * (2 * p * r / (p + r) if p + r else 0.0)
        return out


@dataclass(slots=True)
class Result:
    split: str
    articles: int = 0
    chars: int = 0
    seconds: float = 0.0
    counts: dict[str, Counts] = field(default_factory=lambda: {role: Counts() for role in ROLES})


def choose_annotations(data: Path, split: str) -> list[tuple[Path, Path]]:
    """(text, .ann) per article of ``split``: the first annotator listed in metadata.tsv."""
    pairs = []
    lines = (data / "metadata.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    col = {name: i for i, name in enumerate(header)}
    for line in lines[1:]:
        row = line.split("\t")
        if row[col["compartment"]] != split:
            continue
        name = row[col["filename"]]
        text = data / split / "text" / f"{name}.txt"
        candidates = [data / split / "attributions" / f"{name}_{a}.ann" for a in row[col["annotators"]].split("|")]
        existing = [c for c in candidates if c.exists()] or sorted(
            (data / split / "attributions").glob(f"{name}_*.ann")
        )
        if text.exists() and existing:
            pairs.append((text, existing[0]))
    return pairs


Pieces = list[tuple[int, int]]


def read_gold(ann: Path, text: str = "", lexicon: frozenset[str] | None = None) -> dict[str, list[Pieces]]:
    """Gold spans per role, each a list of (start, end) pieces.

    With ``lexicon``, only the attributions whose cue contains one of its words (the speech-reporting subset).
    """
    spans: dict[str, tuple[str, Pieces]] = {}
    relations: list[dict[str, str]] = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) < 2:
            continue
        if line.startswith("E"):
            relations.append(dict(part.split(":", 1) for part in fields[1].split() if ":" in part))
            continue
        if not line.startswith("T"):
            continue
        label, _, offsets = fields[1].partition(" ")
        if label.lower() not in ROLES:
            continue
        pieces = []
        for piece in offsets.split(";"):
            start, end = piece.split()
            pieces.append((int(start), int(end)))
        spans[fields[0]] = (label.lower(), pieces)
    keep = set(spans)
    if lexicon is not None:
        keep = set()
        for relation in relations:
            cue = spans.get(relation.get("Cue", ""))
            if cue is None:
                continue
            words = {text[t.start_char : t.end_char].lower() for a, b in cue[1] for t in tokenize(text, a, b)}
            if words & lexicon:
                keep.update(v for k, v in relation.items() if k in {"Source", "Cue", "Content"})
    gold: dict[str, list[Pieces]] = {role: [] for role in ROLES}
    for key, (role, pieces) in spans.items():
        if key in keep:
            gold[role].append(pieces)
    return gold


def token_sets(text: str, spans: list[Pieces]) -> list[frozenset[int]]:
    """Each span as the set of word-token indices it touches (deduplicated, empty sets dropped)."""
    words = [t for t in tokenize(text) if any(ch.isalnum() for ch in text[t.start_char : t.end_char])]
    starts = [t.start_char for t in words]
    out: set[frozenset[int]] = set()
    for pieces in spans:
        ids: set[int] = set()
        for start, end in pieces:
            i = max(bisect.bisect_right(starts, start) - 1, 0)
            while i < len(words) and words[i].start_char < end:
                if words[i].end_char > start:
                    ids.add(i)
                i += 1
        if ids:
            out.add(frozenset(ids))
    return sorted(out, key=min)


def match(gold: list[frozenset[int]], pred: list[frozenset[int]]) -> tuple[int, int]:
    exact = len(set(gold) & set(pred))
    pairs = sorted(
        ((len(g & p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred) if g & p), reverse=True
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
    return exact, len(used_g)


def make_extractor(
    component: str, model: Path | None = None, context: int | None = None, unsure_below: float | None = None
) -> Extractor:
    """The function behind ``--component``: the rules, or a tagger with its shipped model (or ``model``)."""
    if component == "rules":
        return extract_attributions
    if component in {"minilm3", "minilm4", "minilm5"}:
        from storytrace.extract.attributions_minilm import (
            V3_MODEL_DIR,
            V3_UNSURE_BELOW,
            extract_attributions_minilm_v3,
            extract_attributions_minilm_v4,
            extract_attributions_minilm_v5,
            load_cascade_tagger,
        )

        threshold = V3_UNSURE_BELOW if unsure_below is None else unsure_below
        cascade = load_cascade_tagger(model or V3_MODEL_DIR, threads=1, unsure_below=threshold)
        extract = {
            "minilm3": extract_attributions_minilm_v3,
            "minilm4": extract_attributions_minilm_v4,
            "minilm5": extract_attributions_minilm_v5,
        }[component]
        return lambda text, sentences: extract(cascade, text, sentences)
    if component == "minilm2":
        from storytrace.extract.attributions_minilm import (
            V2_MODEL_DIR,
            extract_attributions_minilm_v2,
            load_gated_tagger,
        )

        gated = load_gated_tagger(model or V2_MODEL_DIR, threads=1)
        return lambda text, sentences: extract_attributions_minilm_v2(gated, text, sentences)
    if component == "minilm":
        from storytrace.extract.attributions_minilm import (
            DEFAULT_MODEL_DIR,
            V1_CONTEXT,
            extract_attributions_minilm,
            load_attribution_tagger,
        )

        # One intra-op thread: the speed column is CPU per article, and a second thread adds CPU (ner_minilm).
        context = V1_CONTEXT if context is None else context
        minilm = load_attribution_tagger(model or DEFAULT_MODEL_DIR, threads=1, context=context)
        return lambda text, sentences: extract_attributions_minilm(minilm, text, sentences)
    from storytrace.extract.attributions_crf import DEFAULT_MODEL_PATH, extract_attributions_crf, load_tagger

    tagger = load_tagger(model or DEFAULT_MODEL_PATH)
    return lambda text, sentences: extract_attributions_crf(tagger, text, sentences)


def evaluate(
    data: Path, split: str, lexicon: frozenset[str] | None = None, extractor: Extractor = extract_attributions
) -> Result:
    result = Result(split)
    for text_path, ann_path in choose_annotations(data, split):
        text = text_path.read_text(encoding="utf-8")
        gold = read_gold(ann_path, text, lexicon)
        started = time.perf_counter()
        layers = extractor(text, split_sentences(text))
        result.seconds += time.perf_counter() - started
        predicted = {
            "source": [
                [(s.start_char, s.end_char)] for s in layers["sources"] if dict(s.attrs).get("role") == "speaker"
            ],
            "cue": [[(s.start_char, s.end_char)] for s in layers["cues"]],
            "content": [list(dict(s.attrs)["pieces"]) for s in layers["contents"]],
        }
        result.articles += 1
        result.chars += len(text)
        for role in ROLES:
            g = token_sets(text, gold[role])
            p = token_sets(text, predicted[role])
            exact, overlap = match(g, p)
            counts = result.counts[role]
            counts.gold += len(g)
            counts.pred += len(p)
            counts.exact += exact
            counts.overlap += overlap
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("train", "dev", "test"), default="dev")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a Markdown table")
    parser.add_argument("--component", choices=tuple(COMPONENTS), default="rules", help="what to score")
    parser.add_argument(
        "--model",
        type=Path,
        help="with --component crf (a model file) or minilm, minilm2 … minilm5 (a folder): not the shipped one",
    )
    parser.add_argument(
        "--unsure-below",
        type=float,
        help="with --component minilm3, minilm4 or minilm5: the CRF marginal under which a sentence is re-read by the "
        "encoder (0.5)",
    )
    parser.add_argument("--context", type=int, help="with --component minilm: context wordpieces per side (v1: 24)")
    args = parser.parse_args(argv)
    if not (args.data / "metadata.tsv").exists():
        print(f"Error: no PolNeAR metadata.tsv under {args.data}; pass --data", file=sys.stderr)
        return 2
    extractor = make_extractor(args.component, args.model, args.context, args.unsure_below)
    lexicon = REPORTING_VERBS | {"according", ":"}
    results = {
        "all": evaluate(args.data, args.split, extractor=extractor),
        "speech": evaluate(args.data, args.split, lexicon, extractor),
    }
    if args.json:
        payload = {
            "split": args.split,
            "component": COMPONENTS[args.component],
            "machine": platform.platform(),
            "date": time.strftime("%Y-%m-%d"),
        }
        for scope, result in results.items():
            payload[scope] = {
                "articles": result.articles,
                "extract_seconds": round(result.seconds, 2),
                "counts": {role: vars(result.counts[role]) for role in ROLES},
                "scores": {role: {k: round(v, 1) for k, v in result.counts[role].scores().items()} for role in ROLES},
            }
        print(json.dumps(payload, indent=2))
        return 0
    for scope, result in results.items():
        title = {
            "all": "all gold attributions",
            "speech": "only gold attributions whose cue contains a word of our cue lexicon (speech reporting)",
        }[scope]
        print(
            f"PolNeAR {args.split}, {COMPONENTS[args.component]}, {title}: {result.articles} articles, "
            f"extraction {result.seconds:.1f} s\n"
        )
        print_table(result)
        print()
    return 0


def print_table(result: Result) -> None:
    print("| role | gold | predicted | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for role in ROLES:
        c, s = result.counts[role], result.counts[role].scores()
        print(
            f"| {role} | {c.gold} | {c.pred} | {s['exact_p']:.1f} | {s['exact_r']:.1f} | {s['exact_f1']:.1f} "
            f"| {s['overlap_p']:.1f} | {s['overlap_r']:.1f} | {s['overlap_f1']:.1f} |"
        )


if __name__ == "__main__":
    raise SystemExit(main())
