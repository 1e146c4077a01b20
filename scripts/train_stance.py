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

``--cv-product FILES`` runs ``resolve.stance.stance_of`` itself over every train pair with a regression trained
without the pair's fold and the out-of-fold probabilities of encoders trained without it
(``train_stance_encoder.py emergent --fold K --predict-out FILE``, one file per fold; several seeds' files are
averaged per pair, an ensemble): the pooled out-of-fold accuracy (report level) for a grid of gates and weights,
on 2,071 pairs instead of the 443 of the dev split. Only the folds whose pairs all have an encoder prediction are
scored (it says which). ``stance_of`` shows the encoder a text without its narrowing tail (", though not at
ministerial level"), which the fold encoders read in full: such a pair gets the full pair's prediction, and the
run says how many did (2 of Emergent train's pairs).

    python scripts/train_stance.py                        # all of train -> src/storytrace/models/stance-emergent
    python scripts/train_stance.py --cv                   # cross-validation by claim on train, grid of C
    python scripts/train_stance.py --dev --out /tmp/stance-dev
    for k in 0 1 2 3 4; do python scripts/train_stance_encoder.py emergent --fold $k --threads 1 --no-export \
        --predict-out /tmp/cv/enc_f$k.json; done
    python scripts/train_stance.py --cv-product /tmp/cv/enc_f*.json --gates 0.7 0.75 0.8 1.01 --weights 0.4 0.5
"""

from __future__ import annotations

import argparse
import json
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
from eval_stance import CLAIMS_PIPELINE, DATA, EM_LABELS, CachedEmbedder, claim_folds, dev_claims, read_csv, record_of

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
    """(train, held-out) row indices of each fold of ``eval_stance.claim_folds`` (the encoders' --fold K)."""
    return [
        (
            [i for i, r in enumerate(rows) if r["claimId"] not in held],
            [i for i, r in enumerate(rows) if r["claimId"] in held],
        )
        for held in claim_folds(rows, k, seed)
    ]


class LookupReader:
    """A ``resolve.stance.PairReader`` answering from precomputed (claim, text) probabilities: the out-of-fold
    predictions of encoders trained without each pair's fold (``train_stance_encoder.py --fold K --predict-out``)."""

    def __init__(self, table: dict[tuple[str, str], np.ndarray], labels: Sequence[str]) -> None:
        self.table = table
        self.labels = tuple(labels)
        self.shown: dict[tuple[str, str], tuple[str, str]] | None = None  # built when first needed
        self.fallbacks = 0  # pairs asked in the wording stance_of shows the encoder (see ``lookup``)

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        return np.stack([self.lookup(pair) for pair in pairs]).astype(np.float32)

    def lookup(self, pair: tuple[str, str]) -> np.ndarray:
        """The prediction for the pair. ``stance_of`` shows the encoder both texts without their narrowing tails
        (``stance.without_narrowing_tails``), which the fold encoders read in full: such a pair gets the full
        pair's prediction (counted in ``fallbacks``); a pair the folds never saw is a ``KeyError``."""
        if pair in self.table:
            return self.table[pair]
        if self.shown is None:
            from storytrace.resolve.stance import without_narrowing_tails

            self.shown = {(without_narrowing_tails(a, c), without_narrowing_tails(c, a)): (a, c) for a, c in self.table}
        full = self.shown[pair]
        self.fallbacks += 1
        return self.table[full]


def encoder_oof(files: Sequence[Path], epoch: int) -> tuple[dict[tuple[str, str], np.ndarray], tuple[str, ...]]:
    """The held-out probabilities of the fold encoders after ``epoch``, averaged over files of the same fold
    (several seeds: an ensemble), by (claim headline, article headline)."""
    sums: dict[tuple[str, str], list[np.ndarray]] = {}
    labels: tuple[str, ...] = ()
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        labels = tuple(data["labels"])
        probabilities = next(e["probabilities"] for e in data["epochs"] if e["epoch"] == epoch)
        for pair, p in zip(data["pairs"], probabilities, strict=True):
            sums.setdefault((pair[0], pair[1]), []).append(np.asarray(p, dtype=np.float32))
    return {pair: np.mean(ps, axis=0) for pair, ps in sums.items()}, labels


def cv_product(
    pairs: Pairs,
    reader: LookupReader | None,
    gates: Sequence[float],
    weights: Sequence[float],
    args: argparse.Namespace,
    dump: Path | None = None,
    only: Sequence[int] = (0, 1, 2, 3, 4),
) -> dict[tuple[float, float], float]:
    """``stance_of`` on every train pair with a regression and an encoder that never saw its fold: pooled
    out-of-fold accuracy (report level) for each (gate, weight)."""
    from storytrace.resolve.stance import is_negated, stance_of

    rows = pairs.rows
    to_label = {TO_STANCE[label]: k for k, label in enumerate(EM_LABELS)}
    correct: dict[tuple[float, float], int] = dict.fromkeys(((g, w) for g in gates for w in weights), 0)
    p_lr = np.zeros((len(rows), 3), dtype=np.float32)
    fold_of = np.zeros(len(rows), dtype=np.int64)
    sure = np.full(len(rows), -1, dtype=np.int64)  # the sure rules' label, -1 where the models decide
    anchor_negated = np.zeros(len(rows), dtype=np.int64)
    predicted: dict[tuple[float, float], np.ndarray] = {k: np.zeros(len(rows), dtype=np.int64) for k in correct}
    scored = 0
    for f, (train, held) in enumerate(folds(rows)):
        if f not in only:
            continue
        scored += len(held)
        model = fit(pairs, train, args.c, args.min_share, args.cues, {})
        for i in held:
            claim_text, anchor_text = rows[i]["articleHeadline"], rows[i]["claimHeadline"]
            claim, anchor = pairs.records[claim_text], pairs.records[anchor_text]
            vector, anchor_vector = pairs.embedder[claim_text], pairs.embedder[anchor_text]
            fold_of[i] = f
            p_lr[i] = model.probabilities(pair_features(claim, anchor, vector, anchor_vector, model.tables))
            for gate, weight in correct:
                stance = stance_of(
                    claim,
                    anchor,
                    vector=vector,
                    anchor_vector=anchor_vector,
                    model=model,
                    encoder=reader,
                    ask_below=gate if reader is not None else 0.0,
                    encoder_weight=weight,
                )
                label = to_label[stance.report]
                predicted[(gate, weight)][i] = label
                correct[(gate, weight)] += int(label == pairs.labels[i])
                if "model: " not in stance.reason:
                    sure[i] = label
            anchor_negated[i] = int(is_negated(anchor_text, claim_text))
    if dump is not None:
        np.savez(
            dump,
            p_lr=p_lr,
            gold=pairs.labels,
            fold=fold_of,
            sure=sure,
            anchor_negated=anchor_negated,
            **{f"pred_{g}_{w}": v for (g, w), v in predicted.items()},
        )
    return {k: v / max(1, scored) for k, v in correct.items()}


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
    parser.add_argument(
        "--cv-product",
        nargs="*",
        type=Path,
        help="out-of-fold stance_of: the fold encoders' --predict-out files (none: the regression alone)",
    )
    parser.add_argument("--epoch", type=int, default=3, help="--cv-product: the encoders' epoch to read")
    parser.add_argument("--gates", type=float, nargs="+", default=[0.75], help="--cv-product: ask below these p")
    parser.add_argument("--weights", type=float, nargs="+", default=[0.5], help="--cv-product: encoder weights")
    parser.add_argument("--dump", type=Path, help="--cv-product: write the out-of-fold predictions here (npz)")
    args = parser.parse_args(argv)
    rows = read_csv(args.data / "emergent" / "url-versions-2015-06-14-clean-train.csv")
    started = time.perf_counter()
    pairs = Pairs(rows, args.cache)
    print(f"  {len(rows)} train pairs read in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if args.cv_product is not None:
        reader = None
        held_out = [held for _, held in folds(rows)]
        covered = list(range(len(held_out)))
        if args.cv_product:
            table, labels = encoder_oof(args.cv_product, args.epoch)
            covered = [
                f
                for f, held in enumerate(held_out)
                if all((rows[i]["claimHeadline"], rows[i]["articleHeadline"]) in table for i in held)
            ]
            if len(covered) < len(held_out):
                print(f"only folds {covered} have out-of-fold encoder predictions: scored on those", file=sys.stderr)
            reader = LookupReader(table, labels)
        results = cv_product(pairs, reader, args.gates, args.weights if reader else [0.0], args, args.dump, covered)
        n = sum(len(held_out[f]) for f in covered)
        if reader is not None and reader.fallbacks:
            print(f"  {reader.fallbacks} encoder calls on a text shortened by stance_of (full text's prediction)")
        for (gate, weight), score in results.items():
            print(f"gate {gate:.2f} weight {weight:.2f}: {100 * score:.2f}% (out-of-fold, folds {covered}, {n} pairs)")
        return 0
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
