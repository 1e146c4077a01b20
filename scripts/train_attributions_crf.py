"""Train the attribution tagger shipped as ``storytrace/models/attributions-crf-polnear.crfsuite``.

PolNeAR train only (one annotation per article: the first annotator listed in ``metadata.tsv``, as the
benchmark does). Each paragraph is one sequence of ``extract.sentences.tokenize`` tokens tagged B/I-SOURCE,
B/I-CUE, B/I-CONTENT or O (the annotations are univocal; a later piece of a discontinuous content starts with
I-CONTENT). Features come from ``storytrace.extract.attributions_crf.paragraph_features`` (the function the
component runs), the rules' tags included. L-BFGS with L1 (c1) and L2 (c2) and a minimum feature frequency;
the setting is chosen on dev by the mean exact F1 of source, cue and content in the benchmark's own scorer
(``benchmarks/eval_polnear.py``), never on test. L-BFGS is deterministic given the data and its order.

    python scripts/train_attributions_crf.py --data ../shared/data/polnear \\
        --out src/storytrace/models/attributions-crf-polnear.crfsuite
    python scripts/train_attributions_crf.py ... --c1 0.1 --c2 0.01     # one setting instead of the grid
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pycrfsuite  # type: ignore[import-untyped]

from storytrace.extract.attributions import _quote_regions, extract_attributions
from storytrace.extract.attributions_crf import _paint, paragraph_features, paragraphs, rule_spans, rules_tags
from storytrace.extract.sentences import split_sentences

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from eval_polnear import ROLES, choose_annotations, evaluate, make_extractor, read_gold

# (c1, c2, minfreq): L1 and the minimum frequency keep the model small (≈ 7 MB). Earlier runs with c2 in
# {0.01, 0.1, 3.0} scored lower on dev (see the model card); this grid brackets the best.
GRID: tuple[tuple[float, float, int], ...] = ((0.1, 0.3, 3), (0.1, 1.0, 3), (0.03, 1.0, 3))
MAX_ITERATIONS = 100
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear"


def sequences(data: Path, split: str) -> Iterator[tuple[list[list[str]], list[str]]]:
    """(features, gold tags) of every paragraph of ``split``, one at a time (all of train would take gigabytes)."""
    for text_path, ann_path in choose_annotations(data, split):
        text = text_path.read_text(encoding="utf-8")
        gold = read_gold(ann_path, text)
        sentences = split_sentences(text)
        rules = rule_spans(extract_attributions(text, sentences))
        quotes = _quote_regions(text)
        for paragraph in paragraphs(text, sentences):
            tags = ["O"] * len(paragraph.starts)
            lo, hi = paragraph.starts[0], paragraph.ends[-1]
            # Content first, then source and cue: where annotations overlap the shorter role wins.
            for role in ("content", "source", "cue"):
                for pieces in gold[role]:
                    if pieces[-1][1] > lo and pieces[0][0] < hi:
                        _paint(tags, paragraph, role.upper(), sorted(pieces))
            yield paragraph_features(text, paragraph, quotes, rules_tags(paragraph, rules)), tags


def train(trainer: pycrfsuite.Trainer, out: Path, *, c1: float, c2: float, minfreq: int, max_iterations: int) -> float:
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": max_iterations,
            "feature.possible_transitions": True,
            "feature.minfreq": minfreq,
        }
    )
    started = time.perf_counter()
    trainer.train(str(out))
    return time.perf_counter() - started


def dev_scores(data: Path, model: Path) -> dict[str, dict[str, float]]:
    result = evaluate(data, "dev", extractor=make_extractor("crf", model))
    return {role: result.counts[role].scores() for role in ROLES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--c1", type=float)
    parser.add_argument("--c2", type=float)
    parser.add_argument("--minfreq", type=int, default=2)
    parser.add_argument("--max-iterations", type=int, default=MAX_ITERATIONS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    paragraph_count = token_count = 0
    for features, tags in sequences(args.data, "train"):
        trainer.append(features, tags)
        paragraph_count += 1
        token_count += len(tags)
    print(
        f"train: {paragraph_count} paragraphs, {token_count} tokens, features in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    grid = GRID if args.c1 is None else ((args.c1, args.c2 or 0.0, args.minfreq),)
    best: tuple[float, Path] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for n, (c1, c2, minfreq) in enumerate(grid):
            path = Path(tmp) / f"model-{n}.crfsuite"
            seconds = train(trainer, path, c1=c1, c2=c2, minfreq=minfreq, max_iterations=args.max_iterations)
            scores = dev_scores(args.data, path)
            mean = sum(scores[r]["exact_f1"] for r in ROLES) / len(ROLES)
            cells = " ".join(
                f"{r} {scores[r]['exact_p']:.1f}/{scores[r]['exact_r']:.1f}/{scores[r]['exact_f1']:.1f}"
                f" (overlap F1 {scores[r]['overlap_f1']:.1f})"
                for r in ROLES
            )
            size = path.stat().st_size / 1e6
            print(
                f"c1={c1} c2={c2} minfreq={minfreq}: {seconds:.0f} s, {size:.1f} MB; dev exact P/R/F1 {cells}; "
                f"mean exact F1 {mean:.1f}",
                flush=True,
            )
            if best is None or mean > best[0]:
                best = (mean, Path(tmp) / "best.crfsuite")
                shutil.copyfile(path, best[1])
        assert best is not None
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(best[1], args.out)
    print(f"best dev mean exact F1 {best[0]:.1f}; wrote {args.out}; total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
