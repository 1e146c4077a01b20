"""Train the stance model shipped as ``storytrace/models/stance-emergent/model.json``.

Emergent (Ferreira & Vlachos 2016) TRAIN only: each pair is a claim headline (the anchor, the proposition) and an
article headline (the claim whose stance is read), labelled for / against / observing = supports / refutes /
reports. Both texts are read by our claims component (``record_of`` in ``benchmarks/eval_stance.py``: polarity,
hedges, modality, speaker) and embedded with the shipped MiniLM; the features are
``storytrace.resolve.stance_features.pair_features``, the function ``stance_of`` runs. The classifier is
scikit-learn's multinomial logistic regression on standardised features (the ``bench`` extra); the weights are
written to JSON and evaluated in numpy at run time.

Choices (regularisation ``C``, the cue-word share, which feature blocks) were made by 5-fold cross-validation
by claim on train (``--cv``), never on test. ``--dev`` trains on train minus the benchmark's dev claims (the
same 20 % ``eval_stance.py emergent --dev`` holds out) so that ``eval_stance.py emergent-product --split dev
--model <out>`` scores unseen claims.

    python scripts/train_stance.py                        # all of train -> src/storytrace/models/stance-emergent
    python scripts/train_stance.py --cv                   # cross-validation by claim on train, grid of C
    python scripts/train_stance.py --dev --out /tmp/stance-dev
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from storytrace.model.dossier import ClaimRecord
from storytrace.pipeline import Pipeline
from storytrace.resolve.stance_features import CUE_WORDS, FeatureTables, StanceModel, pair_features

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from eval_stance import CLAIMS_PIPELINE, DATA, EM_LABELS, CachedEmbedder, dev_claims, read_csv, record_of

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "storytrace" / "models" / "stance-emergent"
TO_STANCE = {"for": "supports", "against": "refutes", "observing": "reports"}
GRID = (0.01, 0.03, 0.1, 0.3)


class Pairs:
    """Emergent rows with the claims component's reading and the embedding of each headline."""

    def __init__(self, rows: list[dict[str, str]], cache: Path) -> None:
        self.rows = rows
        texts = sorted({r[k] for r in rows for k in ("claimHeadline", "articleHeadline")})
        self.embedder = CachedEmbedder(cache)
        self.embedder.ensure(texts, "emergent")
        pipeline = Pipeline.from_names(CLAIMS_PIPELINE)
        self.records: dict[str, ClaimRecord] = {t: record_of(t, pipeline) for t in texts}
        self.labels = np.array([EM_LABELS.index(r["articleHeadlineStance"]) for r in rows])

    def texts(self, index: Sequence[int]) -> list[str]:
        return sorted({self.rows[i][k] for i in index for k in ("claimHeadline", "articleHeadline")})

    def features(self, index: Sequence[int], tables: FeatureTables) -> np.ndarray:
        out = []
        for i in index:
            claim, anchor = self.rows[i]["articleHeadline"], self.rows[i]["claimHeadline"]
            out.append(
                pair_features(
                    self.records[claim], self.records[anchor], self.embedder[claim], self.embedder[anchor], tables
                )
            )
        return np.stack(out).astype(np.float64)


def fit(pairs: Pairs, index: Sequence[int], c: float, min_share: float, cues: str, info: dict[str, Any]) -> StanceModel:
    from sklearn.linear_model import LogisticRegression  # the bench extra: training only

    lexicon = CUE_WORDS if cues == "lexicon" else None
    tables = FeatureTables.fit(pairs.texts(index), min_share=min_share, lexicon=lexicon)
    x = pairs.features(index, tables)
    mean = x.mean(0)
    scale = x.std(0)
    scale[scale < 1e-6] = 1.0  # a constant column (a cue word never added) stays 0 after centring
    classifier = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, pairs.labels[list(index)])
    order = [list(classifier.classes_).index(k) for k in range(len(EM_LABELS))]
    model = StanceModel(
        labels=tuple(TO_STANCE[label] for label in EM_LABELS),
        tables=tables,
        mean=mean.astype(np.float32),
        scale=scale.astype(np.float32),
        weights=classifier.coef_[order].astype(np.float32),
        bias=classifier.intercept_[order].astype(np.float32),
        info=info,
    )
    # The numpy evaluation must give scikit-learn's answer (up to float32 rounding).
    agree = (model.probabilities(x.astype(np.float32)).argmax(1) == classifier.predict((x - mean) / scale)).mean()
    if agree < 0.995:
        raise SystemExit(f"numpy and scikit-learn predictions agree on only {100 * agree:.1f}% of train")
    return model


def accuracy(model: StanceModel, pairs: Pairs, index: Sequence[int]) -> float:
    predicted = model.probabilities(pairs.features(index, model.tables).astype(np.float32)).argmax(1)
    return float((predicted == pairs.labels[list(index)]).mean())


def folds(rows: list[dict[str, str]], k: int = 5, seed: int = 13) -> list[tuple[list[int], list[int]]]:
    claims = sorted({r["claimId"] for r in rows})
    random.Random(seed).shuffle(claims)
    out = []
    for f in range(k):
        held = set(claims[f::k])
        out.append(
            (
                [i for i, r in enumerate(rows) if r["claimId"] not in held],
                [i for i, r in enumerate(rows) if r["claimId"] in held],
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/storytrace-stance-cache"))
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--dev", action="store_true", help="leave out the benchmark's dev claims")
    parser.add_argument("--cv", action="store_true", help="5-fold cross-validation by claim on train; writes nothing")
    parser.add_argument("--c", type=float, default=0.01, help="inverse L2 strength (chosen by --cv)")
    parser.add_argument("--min-share", type=float, default=0.006, help="cue words: share of texts (chosen by --cv)")
    parser.add_argument(
        "--cues", choices=("lexicon", "frequent"), default="lexicon", help="cue words: CUE_WORDS or any frequent word"
    )
    args = parser.parse_args(argv)
    rows = read_csv(args.data / "emergent" / "url-versions-2015-06-14-clean-train.csv")
    started = time.perf_counter()
    pairs = Pairs(rows, args.cache)
    print(f"  {len(rows)} train pairs read in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if args.cv:
        for c in GRID:
            scores = [accuracy(fit(pairs, tr, c, args.min_share, args.cues, {}), pairs, te) for tr, te in folds(rows)]
            print(f"C={c}: {100 * np.mean(scores):.2f}% ± {100 * np.std(scores):.2f} (5-fold by claim)")
        return 0
    held = dev_claims(rows) if args.dev else set()
    index = [i for i, r in enumerate(rows) if r["claimId"] not in held]
    info = {
        "data": "Emergent url-versions-2015-06-14-clean-train.csv" + (" minus the dev claims" if args.dev else ""),
        "pairs": len(index),
        "claims": len({rows[i]["claimId"] for i in index}),
        "classifier": "scikit-learn LogisticRegression (multinomial, L2)",
        "C": args.c,
        "min_share": args.min_share,
        "cues": args.cues,
    }
    model = fit(pairs, index, args.c, args.min_share, args.cues, info)
    model.save(args.out / "model.json")
    score = 100 * accuracy(model, pairs, index)
    print(f"wrote {args.out / 'model.json'}: {len(model.mean)} features, train accuracy {score:.2f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
