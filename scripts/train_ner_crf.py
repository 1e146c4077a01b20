"""Train the CRF named-entity model shipped as ``storytrace/models/ner-crf-conll03.crfsuite``.

Features come from ``storytrace.extract.ner.sentence_features`` (the same function the component runs), the
POS and chunk columns of CoNLL are ignored (we do not have them at run time). L-BFGS; c1/c2 are chosen on the
dev file only (a small grid), never on test. L-BFGS is deterministic given the data and its order, so two runs
give the same model. Prints each setting's dev F1 (conlleval) and writes the best model to ``--out``.

    python scripts/train_ner_crf.py --train ../shared/data/conll2003/train.txt \\
        --dev ../shared/data/conll2003/valid.txt --out src/storytrace/models/ner-crf-conll03.crfsuite
    python scripts/train_ner_crf.py ... --c1 0.1 --c2 0.05      # one setting instead of the grid
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import pycrfsuite  # type: ignore[import-untyped]

from storytrace.extract.ner import score_chunks, sentence_features

# (c1, c2): the spike's untuned setting first, then less and more regularisation.
GRID: tuple[tuple[float, float], ...] = ((0.1, 0.05), (0.05, 0.01), (0.2, 0.01), (0.3, 0.1))
MAX_ITERATIONS = 150

Sentence = tuple[list[str], list[str]]


def read_conll(path: Path) -> list[Sentence]:
    """(words, tags) per sentence of a CoNLL-2003 file: token first, NER tag last; ``-DOCSTART-`` skipped."""
    sentences: list[Sentence] = []
    words: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0] == "-DOCSTART-":
            if words:
                sentences.append((words, tags))
                words, tags = [], []
            continue
        words.append(parts[0])
        tags.append(parts[-1])
    if words:
        sentences.append((words, tags))
    return sentences


def train(
    sentences: Sequence[Sentence], out: Path, *, c1: float, c2: float, max_iterations: int = MAX_ITERATIONS
) -> None:
    """Train an L-BFGS CRF on ``sentences`` and write it to ``out``."""
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    for words, tags in sentences:
        trainer.append(sentence_features(words), tags)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations, "feature.possible_transitions": True})
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))


def predict(model: Path, sentences: Sequence[Sentence]) -> list[list[str]]:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    try:
        return [list(tagger.tag(sentence_features(words))) for words, _ in sentences]
    finally:
        tagger.close()


def dev_f1(model: Path, sentences: Sequence[Sentence]) -> float:
    return score_chunks([tags for _, tags in sentences], predict(model, sentences))["overall"].f1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True, help="CoNLL-2003 train file")
    parser.add_argument("--dev", type=Path, required=True, help="CoNLL-2003 dev file (valid.txt): picks c1/c2")
    parser.add_argument("--out", type=Path, required=True, help="where to write the .crfsuite model")
    parser.add_argument("--c1", type=float, help="train one setting (with --c2) instead of the grid")
    parser.add_argument("--c2", type=float)
    parser.add_argument("--max-iterations", type=int, default=MAX_ITERATIONS)
    args = parser.parse_args(argv)
    if (args.c1 is None) != (args.c2 is None):
        parser.error("give both --c1 and --c2, or neither (the grid)")

    train_set, dev_set = read_conll(args.train), read_conll(args.dev)
    print(f"train {len(train_set)} sentences, dev {len(dev_set)} sentences", file=sys.stderr)
    grid = [(args.c1, args.c2)] if args.c1 is not None and args.c2 is not None else list(GRID)
    results: list[dict[str, float]] = []
    best: tuple[float, Path] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for c1, c2 in grid:
            candidate = Path(tmp) / f"c1={c1}-c2={c2}.crfsuite"
            started = time.perf_counter()
            train(train_set, candidate, c1=c1, c2=c2, max_iterations=args.max_iterations)
            seconds = time.perf_counter() - started
            f1 = dev_f1(candidate, dev_set)
            results.append({"c1": c1, "c2": c2, "dev_f1": round(f1, 2), "train_seconds": round(seconds, 1)})
            print(f"c1={c1} c2={c2}: dev F1 {f1:.2f} ({seconds:.0f} s)", file=sys.stderr)
            if best is None or f1 > best[0]:
                best = (f1, candidate)
        assert best is not None
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(best[1], args.out)
    chosen = max(results, key=lambda r: r["dev_f1"])
    print(json.dumps({"grid": results, "chosen": chosen, "max_iterations": args.max_iterations, "out": str(args.out)}))
    print(f"dev F1 {best[0]:.2f} with c1={chosen['c1']} c2={chosen['c2']} -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
