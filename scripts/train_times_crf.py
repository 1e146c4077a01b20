"""Train the time-span CRF shipped as ``storytrace/models/times-crf-tbaq.crfsuite`` (``extract.times.rules_crf.v1``).

TempEval-3's TBAQ-cleaned (TimeBank + AQUAINT, read by path from ``../shared/data/tempeval3``; never te3-platinum):
each sentence of ``extract.sentences.rules.v1`` is one sequence of ``extract.sentences.tokenize`` tokens tagged
B-T / I-T / O over the gold TIMEX3 extents (the creation time is not in the text). Features come from
``storytrace.extract.times_crf.sentence_features``, the function the component runs. L-BFGS, L1 ``c1`` and L2
``c2``, 100 iterations: deterministic given the data and its order. The recipe is ``fit_crf`` of
benchmarks/eval_tempeval3.py, which its ``--two-fold`` protocol also runs on each half.

    python scripts/train_times_crf.py --out src/storytrace/models/times-crf-tbaq.crfsuite
    python scripts/train_times_crf.py --out /tmp/crf-aquaint.crfsuite --part AQUAINT   # one sub-corpus
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from eval_tempeval3 import PARTS, fit_crf, load_split


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="the crfsuite model file to write")
    parser.add_argument("--part", choices=PARTS, help="train on one sub-corpus of TBAQ-cleaned only")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    docs = load_split("train", args.part)
    fit_crf(docs, args.out)
    size = args.out.stat().st_size / 1e6
    timexes = sum(len(doc.timexes) for doc in docs)
    print(
        f"trained on {len(docs)} documents ({timexes} timexes) of TBAQ-cleaned{' ' + args.part if args.part else ''}: "
        f"{size:.2f} MB, {time.perf_counter() - started:.0f} s; wrote {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
