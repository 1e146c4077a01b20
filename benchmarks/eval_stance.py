"""Stance (and claim clustering) measured on public data: FNC-1 and Emergent, trained only on their train splits.

    python benchmarks/eval_stance.py fnc --dev          # DEV: train on 80% of the train bodies, score the other 20%
    python benchmarks/eval_stance.py fnc                # TEST: train on all of train, score the competition test once
    python benchmarks/eval_stance.py emergent --dev     # DEV: train on 80% of the train claims
    python benchmarks/eval_stance.py emergent           # TEST: the 524-pair test split
    python benchmarks/eval_stance.py emergent-rules --split train   # the shipped rules alone (rule_stance)
    python benchmarks/eval_stance.py emergent-product --split test  # the shipped stance_of: rules, LR, encoder
    python benchmarks/eval_stance.py emergent-product --split test --level speaker   # the speaker's position
    python benchmarks/eval_stance.py emergent-product --split test --ask-below 0     # without the encoder
    python scripts/train_stance.py --dev --out /tmp/stance-dev && \
    python benchmarks/eval_stance.py emergent-product --split dev --model /tmp/stance-dev/model.json \
        --ask-below 0 0.6 0.65 0.7 0.75 0.8 1.01     # a grid of gates: the encoder is asked below that p
    python benchmarks/eval_stance.py cluster --split train   # ClaimClusterer on Emergent headlines (B-cubed F1)
    python scripts/train_stance_encoder.py emergent --dev --out /tmp/stance-encoder-dev && \
    python benchmarks/eval_stance.py emergent-encoder --split dev --model /tmp/stance-encoder-dev [--rules]
    python benchmarks/eval_stance.py emergent-encoder --split test [--rules]   # the shipped cross-encoder
    python scripts/train_stance_encoder.py fnc --dev --out /tmp/stance-encoder-fnc-dev && \
    python benchmarks/eval_stance.py fnc-encoder --dev --model /tmp/stance-encoder-fnc-dev
    python benchmarks/eval_stance.py fnc-blend --dev --model DIR     # GBDT unrelated, encoder the rest: a weight grid
    python benchmarks/eval_stance.py fnc-blend --model benchmarks/models/stance-encoder-fnc --blend W   # TEST once

**Features** (one row per headline/text pair; the embeddings are the shipped ONNX MiniLM of
``storytrace.resolve.claims.Embedder``, cached in ``--cache``): cosine of the headline with the body's
sentences (max, mean, mean of the top 3, first sentence, the mean body vector); TF-IDF cosine (IDF from the
training texts only); word overlap (Jaccard, share of headline stems in the body and in its first 255
characters, shared bigrams); the FNC baseline's refuting and hedging word counts (``resolve/stance.py`` lists)
in the headline, the body and its 3 sentences closest to the headline; negation of the headline and of those
sentences (``stance.is_negated``) and its mismatch; non-committal phrases; question marks; and our claims
component's reading (``extract.claims.rules.v2`` over the text: share of claims that deny/refute, are hedged,
possible/conditional/question, future/planned; for FNC only over the 3 closest sentences). For Emergent the
"body" is the article headline and the headline is the claim; the article headline's own embedding is added.
The classifier is scikit-learn's HistGradientBoostingClassifier (scikit-learn is a benchmark-only need, not a
storytrace dependency); its settings were chosen on the dev split.

**Scores.** FNC-1: the official weighted score (0.25 for the related/unrelated split, 0.75 more for the exact
related label; relative to the maximum) and the class-wise macro-F1 of Hanselowski et al. 2018. Anchors on the
competition test set: SOLAT in the SWEN 82.02%, Athene 81.97%, UCL 81.72% (macro-F1 about 0.58-0.60), official
baseline 75.20%. Emergent: accuracy on the test split; anchor Ferreira & Vlachos 2016, 73.28%; majority 46.9%.
**Product** (``emergent-product``): ``resolve.stance.stance_of`` itself on each pair, as ``ClaimClusterer`` calls
it (the claim headline is the anchor, both read by our claims component, embeddings passed in); with the
shipped model (trained on all of train by ``scripts/train_stance.py``) for ``--split test``; for ``--split dev``
pass a model trained without the dev claims (``--model``), else the dev pairs were seen in training (the shipped
encoder was trained without them). It scores ``Stance.report``, the report's own stance that Emergent annotates
(``--level speaker``: ``Stance.label``, the speaker's position origins are counted with); ``--ask-below`` gives
the gate (one or several values), ``--encoder-weight`` and ``--encoder`` the encoder's weight and directory; the
CPU time per pair counts each encoder call once, as a run over the settings memoises them.
**Encoder** (``emergent-encoder``, ``fnc-encoder``): the fine-tuned MiniLM cross-encoder
(``resolve.stance_encoder.StanceEncoder``, ``scripts/train_stance_encoder.py``), one pair per ONNX run; for FNC
the pair is the headline and the 4 body sentences most like it (``fnc_passages``), its dev split 20% of the train
headlines (``fnc_dev_headlines``); ``--rules`` lets ``stance_of``'s sure rules decide first (Emergent).
**Blend** (``fnc-blend``): the GBDT of ``fnc`` says unrelated or related; a cross-encoder trained on the related
pairs only (``--unrelated-share 0``) picks agree / disagree / discuss for the pairs called related, mixed with the
GBDT's related-class probabilities (``--blend``: the GBDT's weight, chosen on dev). Its dev split (held-out train
headlines) is optimistic: 98% of its related pairs have a body the encoder saw in training with another headline.
**Clustering**: article headlines of Emergent (each belongs to one claim, whatever its stance) are clustered
with ``ClaimClusterer``; B-cubed precision/recall/F1 against the claim ids, and claims per second.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from storytrace.model import Document, make_id
from storytrace.model.dossier import ClaimRecord, Hop
from storytrace.pipeline import Pipeline
from storytrace.resolve.claims import ClaimClusterer, Embedder, signature_words
from storytrace.resolve.stance import (
    DENIAL_WORDS,
    ENCODER_ASK_BELOW,
    ENCODER_WEIGHT,
    HEDGE_WORDS,
    NONCOMMITTAL,
    default_stance_model,
    is_negated,
    rule_stance,
    stance_of,
)
from storytrace.resolve.stance_features import StanceModel
from storytrace.resolve.stance_features import pair_features as lr_pair_features

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
FNC_LABELS = ("agree", "disagree", "discuss", "unrelated")
EM_LABELS = ("for", "against", "observing")
CLAIMS_PIPELINE = ("extract.sentences.rules.v1", "extract.attributions.rules.v3", "extract.claims.rules.v2")
_SENT = re.compile(r"(?<=[.!?])[\"'”’]?\s+(?=[A-Z\"“‘'(])|\n+")
_TOKEN = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    "the a an of to in on and or for is was are were be by with at from that this it as has have".split()
)


def read_csv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(10**8)
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


class CachedEmbedder:
    """Embeds unique texts once and keeps them on disk (``--cache``), keyed by the text's hash."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        cache.mkdir(parents=True, exist_ok=True)
        self.embedder: Embedder | None = None
        self.vectors: dict[str, np.ndarray] = {}

    def ensure(self, texts: Sequence[str], name: str) -> None:
        path = self.cache / f"{name}.npz"
        if path.exists() and not self.vectors:
            stored = np.load(path, allow_pickle=False)
            self.vectors.update(zip(stored["texts"].tolist(), stored["matrix"], strict=True))
        todo = sorted({t for t in texts if t not in self.vectors})
        if todo:
            self.embedder = self.embedder or Embedder(threads=2, max_length=96)
            started = time.perf_counter()
            matrix = self.embedder.encode(todo)
            print(f"  embedded {len(todo)} texts in {time.perf_counter() - started:.0f} s", file=sys.stderr)
            self.vectors.update(zip(todo, matrix, strict=True))
            keys = sorted(self.vectors)
            np.savez(path, texts=np.array(keys), matrix=np.stack([self.vectors[k] for k in keys]))

    def __getitem__(self, text: str) -> np.ndarray:
        return self.vectors[text]


def sentences_of(body: str, limit: int = 30) -> list[str]:
    parts = [p.strip() for p in _SENT.split(body) if len(p.strip()) > 15]
    return parts[:limit] or [body.strip()[:500] or "."]


def tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower()) if t not in _STOPWORDS]


def count(words: Sequence[str], lexicon: frozenset[str]) -> int:
    return sum(1 for w in words if w in lexicon)


class ClaimsReader:
    """Our claims component's reading of a text: shares of denying, hedged, possible and future claims."""

    def __init__(self) -> None:
        self.pipeline = Pipeline.from_names(CLAIMS_PIPELINE)
        self.memo: dict[str, list[float]] = {}

    def __call__(self, text: str) -> list[float]:
        if text not in self.memo:
            doc = self.pipeline(Document(id=make_id("doc", text), text=text, locator="stance-eval", title=None))
            attrs = [dict(s.attrs) for s in doc.spans.get("claims", [])]
            n = max(1, len(attrs))
            self.memo[text] = [
                len(attrs),
                sum(a["polarity"] in ("denies", "refutes") for a in attrs) / n,
                sum(bool(a["hedges"]) for a in attrs) / n,
                sum(a["modality"] in ("possible", "conditional", "question") for a in attrs) / n,
                sum(a["modality"] in ("future", "planned") for a in attrs) / n,
                sum(a.get("label") == "attributed" or bool(a.get("speaker")) for a in attrs) / n,
            ]
        return self.memo[text]


def fnc_features_file(cache: Path, split: str, claims: bool) -> Path:
    """Where the ``fnc`` mode stores its features; named after the components that read claims into them, so
    that a new component version computes them afresh."""
    versions = hashlib.blake2b(" ".join(CLAIMS_PIPELINE).encode(), digest_size=4).hexdigest() if claims else "none"
    return cache / f"fnc-features-{split}-claims-{versions}.npz"


class Idf:
    def __init__(self, texts: Sequence[str]) -> None:
        df: Counter[str] = Counter()
        for text in texts:
            df.update(set(tokens(text)))
        self.n = len(texts)
        self.idf = {w: math.log((1 + self.n) / (1 + c)) + 1 for w, c in df.items()}

    def cosine(self, a: str, b: str) -> float:
        va, vb = Counter(tokens(a)), Counter(tokens(b))
        default = math.log(1 + self.n) + 1
        wa = {w: c * self.idf.get(w, default) for w, c in va.items()}
        wb = {w: c * self.idf.get(w, default) for w, c in vb.items()}
        dot = sum(v * wb.get(w, 0.0) for w, v in wa.items())
        na = math.sqrt(sum(v * v for v in wa.values()))
        nb = math.sqrt(sum(v * v for v in wb.values()))
        return dot / (na * nb) if na and nb else 0.0


def pair_features(
    headline: str, body: str, sents: list[str], emb: CachedEmbedder, idf: Idf, reader: ClaimsReader | None
) -> list[float]:
    h = emb[headline]
    matrix = np.stack([emb[s] for s in sents])
    sims = matrix @ h
    top = np.argsort(-sims)[:3]
    mean_body = matrix.mean(0)
    mean_body /= max(float(np.linalg.norm(mean_body)), 1e-9)
    htok, btok = tokens(headline), tokens(body)
    hs, bs = signature_words(headline), signature_words(body)
    head_bigrams = set(pairwise(htok))
    body_bigrams = set(pairwise(btok))
    top_text = " ".join(sents[i] for i in top)
    ttok = tokens(top_text)
    best = sents[int(top[0])]
    row = [
        float(sims.max()),
        float(sims.mean()),
        float(sims[top].mean()),
        float(sims[0]),
        float(mean_body @ h),
        idf.cosine(headline, body),
        idf.cosine(headline, top_text),
        len(hs & bs) / max(1, len(hs | bs)),
        len(hs & bs) / max(1, len(hs)),
        len(hs & signature_words(body[:255])) / max(1, len(hs)),
        len(head_bigrams & body_bigrams) / max(1, len(head_bigrams)),
        count(htok, DENIAL_WORDS),
        count(htok, HEDGE_WORDS),
        count(btok, DENIAL_WORDS) / max(1, len(btok)) * 100,
        count(btok, HEDGE_WORDS) / max(1, len(btok)) * 100,
        count(ttok, DENIAL_WORDS),
        count(ttok, HEDGE_WORDS),
        float(is_negated(headline)),
        sum(is_negated(sents[i]) for i in top) / len(top),
        float(is_negated(best) != is_negated(headline)),
        len(NONCOMMITTAL.findall(body)),
        float("?" in headline),
        body.count("?"),
        math.log1p(len(btok)),
        len(htok),
    ]
    if reader is not None:
        row += reader(top_text)
    return row


# ---------------------------------------------------------------- FNC-1


def fnc_score(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    score = best = 0.0
    for g, p in zip(gold, pred, strict=True):
        best += 0.25 if g == "unrelated" else 1.0
        if g == p:
            score += 0.25 if g == "unrelated" else 1.0
        elif g != "unrelated" and p != "unrelated":
            score += 0.25
    confusion = Counter(zip(gold, pred, strict=True))
    f1s = class_f1(gold, pred, FNC_LABELS)
    return {
        "weighted": 100 * score / best,
        "macro_f1": sum(f1s.values()) / len(f1s),
        "f1": f1s,
        "accuracy": sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold),
        "confusion": {f"{g}->{p}": confusion[(g, p)] for g in FNC_LABELS for p in FNC_LABELS},
    }


def fnc_rows(
    stances: list[dict[str, str]], bodies: dict[str, str], emb: CachedEmbedder, idf: Idf, reader: ClaimsReader | None
) -> np.ndarray:
    split = {bid: sentences_of(body) for bid, body in bodies.items()}
    return np.array(
        [pair_features(r["Headline"], bodies[r["Body ID"]], split[r["Body ID"]], emb, idf, reader) for r in stances],
        dtype=np.float64,
    )


def fnc_pair_vectors(stances: list[dict[str, str]], bodies: dict[str, str], emb: CachedEmbedder) -> np.ndarray:
    """Headline vector times its closest body sentence's vector, element-wise (what they agree on)."""
    split = {bid: np.stack([emb[s] for s in sentences_of(body)]) for bid, body in bodies.items()}
    out = np.zeros((len(stances), 384))
    for i, r in enumerate(stances):
        h = emb[r["Headline"]]
        matrix = split[r["Body ID"]]
        out[i] = h * matrix[int(np.argmax(matrix @ h))]
    return out


def classifier(seed: int, iterations: int, weights: str) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier  # benchmark-only dependency

    return HistGradientBoostingClassifier(
        max_iter=iterations,
        learning_rate=0.08,
        max_leaf_nodes=31,
        l2_regularization=1.0,
        random_state=seed,
        class_weight="balanced" if weights == "balanced" else None,
    )


def run_fnc(args: argparse.Namespace) -> dict[str, Any]:
    data = args.data / "fnc-1"
    train_bodies = {r["Body ID"]: r["articleBody"] for r in read_csv(data / "train_bodies.csv")}
    train = read_csv(data / "train_stances.csv")
    if args.dev:
        ids = sorted(train_bodies)
        random.Random(13).shuffle(ids)
        held = set(ids[: len(ids) // 5])
        test = [r for r in train if r["Body ID"] in held]
        train = [r for r in train if r["Body ID"] not in held]
        test_bodies = train_bodies
    else:
        test_bodies = {r["Body ID"]: r["articleBody"] for r in read_csv(data / "competition_test_bodies.csv")}
        test = read_csv(data / "competition_test_stances.csv")
    emb = CachedEmbedder(args.cache)
    texts = [s for b in list(train_bodies.values()) + list(test_bodies.values()) for s in sentences_of(b)]
    texts += [r["Headline"] for r in train + test]
    emb.ensure(texts, "fnc")
    idf = Idf(list({r["Headline"] for r in train}) + [train_bodies[b] for b in {r["Body ID"] for r in train}])
    reader = ClaimsReader() if args.claims else None
    started = time.perf_counter()
    stored = fnc_features_file(args.cache, "dev" if args.dev else "test", args.claims)
    if stored.exists():
        arrays = np.load(stored)
        x_train, x_test = arrays["train"], arrays["test"]
    else:
        x_train = fnc_rows(train, train_bodies, emb, idf, reader)
        x_test = fnc_rows(test, test_bodies, emb, idf, reader)
        np.savez(stored, train=x_train, test=x_test)
    if args.pair_embedding:
        x_train = np.hstack([x_train, fnc_pair_vectors(train, train_bodies, emb)])
        x_test = np.hstack([x_test, fnc_pair_vectors(test, test_bodies, emb)])
    print(f"  features in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    y_train = np.array([FNC_LABELS.index(r["Stance"]) for r in train])
    model = classifier(args.seed, args.iterations, args.weights).fit(x_train, y_train)
    pred = [FNC_LABELS[i] for i in model.predict(x_test)]
    result = fnc_score([r["Stance"] for r in test], pred)
    result.update(split="dev (20% of train bodies)" if args.dev else "competition test", pairs=len(test))
    return result


def fnc_dev_headlines(train: list[dict[str, str]]) -> set[str]:
    """The headlines of the encoder's FNC dev split: 20% of the train headlines, fixed (seed 13)."""
    headlines = sorted({r["Headline"] for r in train})
    random.Random(13).shuffle(headlines)
    return set(headlines[: len(headlines) // 5])


def fnc_passages(stances: list[dict[str, str]], bodies: dict[str, str], keep: int = 4) -> dict[tuple[str, str], str]:
    """(headline, body id) -> the ``keep`` body sentences most like the headline, most alike first.

    Likeness is the TF-IDF cosine of content words (IDF over the sentences of ``bodies``: no labels used); the
    most alike come first so that the encoder's longest-first cut drops the least alike. Used by the cross-encoder
    (``scripts/train_stance_encoder.py`` and ``fnc-encoder``), whose input is a few hundred wordpieces at most.
    """
    split = {bid: sentences_of(body, limit=80) for bid, body in bodies.items()}
    df: Counter[str] = Counter()
    n = 0
    for sents in split.values():
        for s in sents:
            df.update(set(tokens(s)))
            n += 1
    idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items()}
    weighted: dict[str, list[tuple[dict[str, float], float]]] = {}
    for bid, sents in split.items():
        rows = []
        for s in sents:
            w = {t: c * idf[t] for t, c in Counter(tokens(s)).items()}
            rows.append((w, math.sqrt(sum(v * v for v in w.values())) or 1.0))
        weighted[bid] = rows
    out: dict[tuple[str, str], str] = {}
    for r in stances:
        key = (r["Headline"], r["Body ID"])
        if key in out:
            continue
        head = Counter(tokens(r["Headline"]))
        sims = [sum(c * w.get(t, 0.0) for t, c in head.items()) / norm for w, norm in weighted[r["Body ID"]]]
        order = sorted(range(len(sims)), key=lambda i: (-sims[i], i))[:keep]
        out[key] = " ".join(split[r["Body ID"]][i] for i in order)
    return out


# ---------------------------------------------------------------- Emergent


def dev_claims(train: list[dict[str, str]]) -> set[str]:
    """The claim ids of the dev split: 20% of the train claims, fixed (scripts/train_stance.py leaves them out)."""
    claims = sorted({r["claimId"] for r in train})
    random.Random(13).shuffle(claims)
    return set(claims[: len(claims) // 5])


def claim_folds(train: list[dict[str, str]], k: int = 5, seed: int = 13) -> list[set[str]]:
    """The claim ids of each of ``k`` cross-validation folds of Emergent train (by claim, fixed by ``seed``):
    ``train_stance_encoder.py --fold K`` holds out fold K, the folds of ``train_stance.py --cv`` and
    ``--cv-product``."""
    claims = sorted({r["claimId"] for r in train})
    random.Random(seed).shuffle(claims)
    return [set(claims[f::k]) for f in range(k)]


def run_emergent(args: argparse.Namespace) -> dict[str, Any]:
    data = args.data / "emergent"
    train = read_csv(data / "url-versions-2015-06-14-clean-train.csv")
    if args.dev:
        held = dev_claims(train)
        test = [r for r in train if r["claimId"] in held]
        train = [r for r in train if r["claimId"] not in held]
    else:
        test = read_csv(data / "url-versions-2015-06-14-clean-test.csv")
    emb = CachedEmbedder(args.cache)
    emb.ensure([r[k] for r in train + test for k in ("claimHeadline", "articleHeadline")], "emergent")
    idf = Idf(list({r["claimHeadline"] for r in train} | {r["articleHeadline"] for r in train}))
    reader = ClaimsReader() if args.claims else None

    def rows(part: list[dict[str, str]]) -> np.ndarray:
        out = []
        for r in part:
            claim, article = r["claimHeadline"], r["articleHeadline"]
            row = pair_features(claim, article, [article], emb, idf, reader)
            if args.article_embedding:
                row += list(emb[article]) + list(emb[article] * emb[claim])
            out.append(row)
        return np.array(out, dtype=np.float64)

    x_train, x_test = rows(train), rows(test)
    y_train = np.array([EM_LABELS.index(r["articleHeadlineStance"]) for r in train])
    model = classifier(args.seed, args.iterations, args.weights).fit(x_train, y_train)
    pred = [EM_LABELS[i] for i in model.predict(x_test)]
    gold = [r["articleHeadlineStance"] for r in test]
    split = "dev (20% of train claims)" if args.dev else "test"
    return {"split": split, "pairs": len(test), **em_scores(gold, pred)}


def record_of(text: str, pipeline: Pipeline) -> ClaimRecord:
    """A text read as one claim by our claims component (its first claim's polarity, hedges, modality, speaker)."""
    doc = pipeline(Document(id=make_id("doc", text), text=text, locator="stance-eval", title=None))
    spans = doc.spans.get("claims", [])
    a = dict(spans[0].attrs) if spans else {}
    chain = tuple(
        Hop(str(h.get("text") or ""), str(h.get("kind") or "named"))
        for h in a.get("chain") or []
        if isinstance(h, dict)
    )
    return ClaimRecord(
        id=make_id("clm", text),
        doc_id="stance-eval",
        start_char=0,
        end_char=len(text),
        sentence_start=0,
        sentence_end=len(text),
        text=text,
        voice="attributed" if chain else "outlet",
        chain=chain,
        polarity=str(a.get("polarity") or "asserts"),
        hedges=tuple(a.get("hedges") or ()),
        modality=str(a.get("modality") or "asserted"),
    )


def emergent_rows(data: Path, split: str) -> list[dict[str, str]]:
    """Emergent pairs of a split: train, dev (the held-out 20% of train claims) or test."""
    if split == "test":
        return read_csv(data / "emergent" / "url-versions-2015-06-14-clean-test.csv")
    train = read_csv(data / "emergent" / "url-versions-2015-06-14-clean-train.csv")
    if split == "dev":
        held = dev_claims(train)
        return [r for r in train if r["claimId"] in held]
    return train


def run_emergent_rules(args: argparse.Namespace) -> dict[str, Any]:
    """The rules alone (``resolve.stance.rule_stance``) on Emergent: the claim is the anchor, the article headline
    the claim whose stance is read; supports/refutes/reports = for/against/observing. Nothing is trained.
    ``--level report`` (default) scores ``Stance.report``, ``--level speaker`` ``Stance.label``."""
    rows = emergent_rows(args.data, args.split)
    pipeline = Pipeline.from_names(CLAIMS_PIPELINE)
    to_label = {"supports": "for", "refutes": "against", "reports": "observing"}
    gold, pred = [], []
    for r in rows:
        anchor = record_of(r["claimHeadline"], pipeline)
        claim = record_of(r["articleHeadline"], pipeline)
        stance = rule_stance(claim, anchor)
        pred.append(to_label[stance.report if args.level == "report" else stance.label])
        gold.append(r["articleHeadlineStance"])
    split = f"{args.split} (rules alone, untrained, {args.level} level)"
    return {"split": split, "pairs": len(rows), **em_scores(gold, pred)}


class MemoEncoder:
    """A ``StanceEncoder`` whose answers are kept by pair, so that a grid of settings runs it once per pair; it
    counts the pairs it was asked on and the time it took (one pair per ONNX run, as in ``stance_of``)."""

    def __init__(self, model_dir: Path | None) -> None:
        from storytrace.resolve.stance_encoder import StanceEncoder

        self.encoder = StanceEncoder(model_dir, threads=2, batch_size=1)
        self.labels = self.encoder.labels
        self.memo: dict[tuple[str, str], np.ndarray] = {}
        self.asked = 0
        self.seconds = 0.0

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        self.asked += len(pairs)
        todo = [pair for pair in pairs if pair not in self.memo]
        if todo:
            started = time.process_time()
            self.memo.update(zip(todo, self.encoder.probabilities(todo), strict=True))
            self.seconds += time.process_time() - started
        return np.stack([self.memo[pair] for pair in pairs])


def run_emergent_product(args: argparse.Namespace) -> dict[str, Any]:
    """``resolve.stance.stance_of`` as the product runs it: sure rules, then the regression (``--model`` or the
    shipped one) and, when the regression is unsure (``--ask-below``), the cross-encoder (``--encoder`` or the
    shipped one) averaged in; the embeddings are passed in as ``ClaimClusterer`` has them. ``--level report``
    (default) scores ``Stance.report``, the report's own stance that Emergent annotates; ``--level speaker`` scores
    ``Stance.label``, the speaker's position the dossier counts origins with (an attributed assertion supports)."""
    if args.split == "dev" and args.model is None:
        raise SystemExit("--split dev needs --model: a model trained without the dev claims (train_stance.py --dev)")
    rows = emergent_rows(args.data, args.split)
    model = StanceModel.load(args.model) if args.model is not None else default_stance_model()
    if model is None:
        raise SystemExit("emergent-product needs the stance-emergent model.json")
    encoder = MemoEncoder(args.encoder) if max(args.ask_below) > 0 else None
    emb = CachedEmbedder(args.cache)
    emb.ensure([r[k] for r in rows for k in ("claimHeadline", "articleHeadline")], "emergent")
    pipeline = Pipeline.from_names(CLAIMS_PIPELINE)
    to_label = {"supports": "for", "refutes": "against", "reports": "observing"}
    pairs = [(record_of(r["articleHeadline"], pipeline), record_of(r["claimHeadline"], pipeline)) for r in rows]
    gold = [r["articleHeadlineStance"] for r in rows]
    by_setting: dict[float, dict[str, Any]] = {}
    for ask_below in args.ask_below:
        pred, by_model, seconds = [], 0, 0.0
        asked_before = encoder.asked if encoder is not None else 0
        encoder_seconds = encoder.seconds if encoder is not None else 0.0
        for (claim, anchor), r in zip(pairs, rows, strict=True):
            started = time.process_time()
            stance = stance_of(
                claim,
                anchor,
                vector=emb[r["articleHeadline"]],
                anchor_vector=emb[r["claimHeadline"]],
                model=model,
                encoder=encoder,
                ask_below=ask_below,
                encoder_weight=args.encoder_weight,
            )
            seconds += time.process_time() - started
            by_model += "model: " in stance.reason
            pred.append(to_label[stance.report if args.level == "report" else stance.label])
        asked = (encoder.asked - asked_before) if encoder is not None else 0
        # A memoised pair costs nothing the second time: charge the encoder's first-run time per pair asked.
        per_ask = encoder.seconds / max(1, len(encoder.memo)) if encoder is not None else 0.0
        seconds += asked * per_ask - ((encoder.seconds - encoder_seconds) if encoder is not None else 0.0)
        by_setting[ask_below] = {
            "by_model": by_model,
            "asked": asked,
            "ms_per_pair": 1000 * seconds / len(rows),
            **em_scores(gold, pred),
        }
    name = args.model.parent.name if args.model is not None else "stance-emergent (shipped)"
    encoder_name = (args.encoder.name if args.encoder is not None else "stance-encoder (shipped)") if encoder else ""
    return {
        "split": f"{args.split} (stance_of, {args.level} level, model {name}"
        + (f", encoder {encoder_name} weight {args.encoder_weight}" if encoder_name else ", no encoder")
        + ")",
        "pairs": len(rows),
        "by_setting": by_setting,
    }


def sure_rule_label(text: str, pipeline: Pipeline) -> str | None:
    """What ``stance_of``'s sure rules say of a claim text, in Emergent's labels (None: no sure rule applies)."""
    claim = record_of(text, pipeline)
    if claim.polarity in ("denies", "refutes"):
        return "against"
    if NONCOMMITTAL.search(text):
        return "observing"
    return None


def run_emergent_encoder(args: argparse.Namespace) -> dict[str, Any]:
    """The cross-encoder (``resolve.stance_encoder.StanceEncoder``) on Emergent pairs (claim, article headline),
    one pair per call as the product would run it; with ``--rules`` the sure rules of ``stance_of`` decide first."""
    from storytrace.resolve.stance_encoder import StanceEncoder

    if args.split != "test" and args.model is None:
        raise SystemExit(
            f"--split {args.split} needs --model: a model trained without those claims "
            "(scripts/train_stance_encoder.py emergent --dev --out DIR)"
        )
    rows = emergent_rows(args.data, args.split)
    encoder = StanceEncoder(args.model, threads=2, batch_size=args.batch_size)
    pairs = [(r["claimHeadline"], r["articleHeadline"]) for r in rows]
    started = time.perf_counter()
    probabilities = encoder.probabilities(pairs)
    seconds = time.perf_counter() - started
    pipeline = Pipeline.from_names(CLAIMS_PIPELINE)
    how = "encoder alone"
    if args.blend:
        # Mix in the logistic regression of stance_of (its probabilities, in the encoder's label order).
        if args.split != "test" and args.stance_model is None:
            raise SystemExit("--blend on a train-split part needs --stance-model (train_stance.py --dev --out DIR)")
        lr_model = StanceModel.load(args.stance_model) if args.stance_model else default_stance_model()
        if lr_model is None:
            raise SystemExit("--blend needs the stance-emergent model.json")
        emb = CachedEmbedder(args.cache)
        emb.ensure([t for pair in pairs for t in pair], "emergent")
        to_label = {"supports": "for", "refutes": "against", "reports": "observing"}
        order = [lr_model.labels.index(next(k for k, v in to_label.items() if v == label)) for label in encoder.labels]
        for i, (anchor_text, claim_text) in enumerate(pairs):
            claim, anchor = record_of(claim_text, pipeline), record_of(anchor_text, pipeline)
            features = lr_pair_features(claim, anchor, emb[claim_text], emb[anchor_text], lr_model.tables)
            p_lr = lr_model.probabilities(features)[order]
            probabilities[i] = (1 - args.blend) * probabilities[i] + args.blend * p_lr
        how = f"encoder blended with the stance-emergent LR (weight {args.blend})"
    pred = [encoder.labels[int(k)] for k in probabilities.argmax(1)]
    by_rules = 0
    if args.rules:
        for i, r in enumerate(rows):
            sure = sure_rule_label(r["articleHeadline"], pipeline)
            if sure is not None:
                by_rules += 1
                pred[i] = sure
    gold = [r["articleHeadlineStance"] for r in rows]
    name = args.model.name if args.model is not None else "stance-encoder (shipped)"
    how = f"sure rules first ({by_rules} pairs), then the {how}" if args.rules else how
    return {
        "split": f"{args.split} ({name}, {how})",
        "pairs": len(rows),
        "ms_per_pair": 1000 * seconds / len(rows),
        **em_scores(gold, pred),
    }


def run_fnc_encoder(args: argparse.Namespace) -> dict[str, Any]:
    """A 4-class cross-encoder trained on FNC-1 train (``train_stance_encoder.py fnc``) on (headline, passage)
    pairs: ``--dev`` scores the held-out train headlines (``fnc_dev_headlines``), else the competition test."""
    from storytrace.resolve.stance_encoder import StanceEncoder

    if args.model is None:
        raise SystemExit("fnc-encoder needs --model: a directory written by train_stance_encoder.py fnc")
    data = args.data / "fnc-1"
    if args.dev:
        bodies = {r["Body ID"]: r["articleBody"] for r in read_csv(data / "train_bodies.csv")}
        train = read_csv(data / "train_stances.csv")
        held = fnc_dev_headlines(train)
        rows = [r for r in train if r["Headline"] in held]
        passages = fnc_passages(train, bodies)  # as in training: IDF over the same bodies
    else:
        bodies = {r["Body ID"]: r["articleBody"] for r in read_csv(data / "competition_test_bodies.csv")}
        rows = read_csv(data / "competition_test_stances.csv")
        passages = fnc_passages(rows, bodies)
    encoder = StanceEncoder(args.model, threads=2, batch_size=args.batch_size)
    started = time.perf_counter()
    predicted = encoder.predict([(r["Headline"], passages[(r["Headline"], r["Body ID"])]) for r in rows])
    seconds = time.perf_counter() - started
    result = fnc_score([r["Stance"] for r in rows], [label for label, _ in predicted])
    split = "dev (20% of train headlines)" if args.dev else "competition test"
    result.update(split=f"{split}, encoder {args.model.name}", pairs=len(rows), ms_per_pair=1000 * seconds / len(rows))
    return result


FNC_BLEND_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def run_fnc_blend(args: argparse.Namespace) -> dict[str, Any]:
    """The ``fnc`` GBDT decides unrelated vs related; a related-only cross-encoder (``train_stance_encoder.py fnc
    --unrelated-share 0``) picks agree / disagree / discuss for the pairs it calls related, its probabilities mixed
    with the GBDT's (both renormalised over the three related labels; ``--blend`` is the GBDT's weight).

    ``--dev``: the GBDT is trained without the encoder's dev headlines (``fnc_dev_headlines``) and both score them,
    for each weight of ``FNC_BLEND_WEIGHTS`` (``by_weight``); else the competition test, once, with ``--blend``. The
    GBDT's features are those the ``fnc`` mode stores in ``--cache`` (their TF-IDF saw all train texts, no labels).
    """
    from storytrace.resolve.stance_encoder import StanceEncoder

    if args.model is None:
        raise SystemExit("fnc-blend needs --model: a directory of train_stance_encoder.py fnc --unrelated-share 0")
    stored = fnc_features_file(args.cache, "test", args.claims)
    if not stored.exists():
        raise SystemExit(f"{stored} not found: `python benchmarks/eval_stance.py fnc` computes and stores it")
    arrays = np.load(stored)
    data = args.data / "fnc-1"
    train = read_csv(data / "train_stances.csv")
    if args.dev:
        held = fnc_dev_headlines(train)
        fit = np.array([r["Headline"] not in held for r in train])
        x_fit, x_eval = arrays["train"][fit], arrays["train"][~fit]
        rows = [r for r in train if r["Headline"] in held]
        bodies = {r["Body ID"]: r["articleBody"] for r in read_csv(data / "train_bodies.csv")}
        passages = fnc_passages(train, bodies)  # as in training: IDF over the same bodies
        fit_rows = [r for r in train if r["Headline"] not in held]
    else:
        x_fit, x_eval, fit_rows = arrays["train"], arrays["test"], train
        rows = read_csv(data / "competition_test_stances.csv")
        bodies = {r["Body ID"]: r["articleBody"] for r in read_csv(data / "competition_test_bodies.csv")}
        passages = fnc_passages(rows, bodies)
    y_fit = np.array([FNC_LABELS.index(r["Stance"]) for r in fit_rows])
    model = classifier(args.seed, args.iterations, args.weights).fit(x_fit, y_fit)
    p_gbdt = model.predict_proba(x_eval)
    unrelated = FNC_LABELS.index("unrelated")
    related = [i for i in range(len(rows)) if int(p_gbdt[i].argmax()) != unrelated]
    encoder = StanceEncoder(args.model, threads=2, batch_size=args.batch_size)
    if encoder.labels[:3] != FNC_LABELS[:3]:
        raise SystemExit(f"{args.model}: labels {encoder.labels}, expected {FNC_LABELS}")
    started = time.perf_counter()
    p_enc = encoder.probabilities(
        [(rows[i]["Headline"], passages[(rows[i]["Headline"], rows[i]["Body ID"])]) for i in related]
    )
    seconds = time.perf_counter() - started
    p_enc = p_enc[:, :3] / p_enc[:, :3].sum(1, keepdims=True)
    p_rel = p_gbdt[related, :3] / np.maximum(p_gbdt[related, :3].sum(1, keepdims=True), 1e-9)
    gold = [r["Stance"] for r in rows]

    def predict(weight: float) -> list[str]:
        pred = ["unrelated"] * len(rows)
        for i, k in zip(related, ((1 - weight) * p_enc + weight * p_rel).argmax(1), strict=True):
            pred[i] = FNC_LABELS[int(k)]
        return pred

    common = {
        "pairs": len(rows),
        "asked": len(related),
        "ms_per_pair": 1000 * seconds / max(1, len(related)),
    }
    if args.dev:
        by_weight = {w: fnc_score(gold, predict(w)) for w in FNC_BLEND_WEIGHTS}
        return {"split": f"dev (20% of train headlines), encoder {args.model.name}", "by_weight": by_weight, **common}
    result = fnc_score(gold, predict(args.blend))
    result.update(split=f"competition test, GBDT + encoder {args.model.name}, GBDT weight {args.blend}", **common)
    return result


def print_fnc_blend(r: dict[str, Any]) -> None:
    print(
        f"FNC-1 {r['split']} ({r['pairs']} pairs; {r['asked']} called related by the GBDT,"
        f" {r['ms_per_pair']:.2f} ms per pair in the encoder):"
    )
    for weight, s in r.get("by_weight", {None: r}).items():
        head = "  " if weight is None else f"  GBDT weight {weight:.1f}: "
        print(
            f"{head}weighted score {s['weighted']:.2f}%  macro-F1 {s['macro_f1']:.3f}  accuracy"
            f" {100 * s['accuracy']:.2f}%; F1 " + ", ".join(f"{k} {v:.3f}" for k, v in s["f1"].items())
        )
    if "confusion" in r:
        print("  confusion (gold->pred): " + ", ".join(f"{k} {v}" for k, v in r["confusion"].items() if v))
    print("  anchors (competition test): SOLAT 82.02%, Athene 81.97%, UCL 81.72% (F1m ~0.58); target >= 85%")


def class_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> dict[str, float]:
    """F1 of each label (precision and recall of that label against the rest)."""
    confusion = Counter(zip(gold, pred, strict=True))
    f1s = {}
    for label in labels:
        tp = confusion[(label, label)]
        npred = sum(confusion[(g, label)] for g in labels)
        ngold = sum(confusion[(label, p)] for p in labels)
        prec, rec = (tp / npred if npred else 0.0), (tp / ngold if ngold else 0.0)
        f1s[label] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return f1s


def em_scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    f1s = class_f1(gold, pred, EM_LABELS)
    return {
        "accuracy": 100 * sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold),
        "macro_f1": sum(f1s.values()) / 3,
        "f1": f1s,
    }


# ---------------------------------------------------------------- clustering


def run_cluster(args: argparse.Namespace) -> dict[str, Any]:
    rows = emergent_rows(args.data, args.split)
    claims = [
        ClaimRecord(
            id=f"c{i}",
            doc_id=r["articleId"],
            start_char=0,
            end_char=len(r["articleHeadline"]),
            sentence_start=0,
            sentence_end=len(r["articleHeadline"]),
            text=r["articleHeadline"],
            voice="outlet",
            published_at=f"{i:06d}",
        )
        for i, r in enumerate(rows)
    ]
    gold = {f"c{i}": r["claimId"] for i, r in enumerate(rows)}
    embedder = Embedder(threads=2)
    started = time.perf_counter()
    vectors = embedder.encode([c.text for c in claims])
    embed_rate = len(claims) / (time.perf_counter() - started)
    results = {}
    for threshold in args.thresholds:
        clusterer = ClaimClusterer(threshold=threshold, embedder=embedder)
        started = time.perf_counter()
        for claim, vector in zip(claims, vectors, strict=True):  # already oldest first
            clusterer.add(claim, vector)
        seconds = time.perf_counter() - started
        pred = {cid: c.proposition.id for c in clusterer.clusters for cid in c.proposition.claim_ids}
        results[threshold] = {
            **bcubed(gold, pred),
            "propositions": len(clusterer.clusters),
            "claims_per_s": len(claims) / seconds,
            "embed_per_s": embed_rate,
        }
    return {
        "split": args.split,
        "claims": len(claims),
        "gold_clusters": len(set(gold.values())),
        "by_threshold": results,
    }


def bcubed(gold: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
    by_gold: dict[str, set[str]] = {}
    by_pred: dict[str, set[str]] = {}
    for item, g in gold.items():
        by_gold.setdefault(g, set()).add(item)
        by_pred.setdefault(pred[item], set()).add(item)
    precision = recall = 0.0
    for item in gold:
        same = by_gold[gold[item]] & by_pred[pred[item]]
        precision += len(same) / len(by_pred[pred[item]])
        recall += len(same) / len(by_gold[gold[item]])
    p, r = precision / len(gold), recall / len(gold)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "task",
        choices=(
            "fnc",
            "fnc-encoder",
            "fnc-blend",
            "emergent",
            "emergent-rules",
            "emergent-product",
            "emergent-encoder",
            "cluster",
        ),
    )
    parser.add_argument("--dev", action="store_true", help="score a dev split carved from train")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/storytrace-stance-cache"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--weights", choices=("none", "balanced"), default="none")
    parser.add_argument("--no-claims", dest="claims", action="store_false", help="leave out the claims reading")
    parser.add_argument("--pair-embedding", action="store_true", help="FNC: add headline x best sentence vector")
    parser.add_argument("--no-article-embedding", dest="article_embedding", action="store_false")
    parser.add_argument("--split", default="train", choices=("train", "dev", "test"))
    parser.add_argument(
        "--model", type=Path, help="emergent-product: a model.json; *-encoder: a model directory (default: shipped)"
    )
    parser.add_argument("--rules", action="store_true", help="emergent-encoder: the sure rules decide first")
    parser.add_argument(
        "--level",
        choices=("report", "speaker"),
        default="report",
        help="emergent-product, emergent-rules: score the report's own stance (Emergent's reading) or the speaker's",
    )
    parser.add_argument(
        "--ask-below",
        type=float,
        nargs="+",
        default=[ENCODER_ASK_BELOW],
        help="emergent-product: ask the encoder when the regression's top p is below this (0: never; several: a grid)",
    )
    parser.add_argument("--encoder-weight", type=float, default=ENCODER_WEIGHT, help="emergent-product: its weight")
    parser.add_argument("--encoder", type=Path, help="emergent-product: an encoder directory (default: shipped)")
    parser.add_argument("--blend", type=float, default=0.0, help="emergent-encoder: weight of the stance-emergent LR")
    parser.add_argument("--stance-model", type=Path, help="emergent-encoder --blend: a model.json (default shipped)")
    parser.add_argument("--batch-size", type=int, default=1, help="*-encoder: pairs per ONNX run (1 as in resolve)")
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.66])
    args = parser.parse_args(argv)
    if args.task == "fnc-blend":
        print_fnc_blend(run_fnc_blend(args))
        return 0
    if args.task in ("fnc", "fnc-encoder"):
        r = run_fnc(args) if args.task == "fnc" else run_fnc_encoder(args)
        print(
            f"FNC-1 {r['split']} ({r['pairs']} pairs): weighted score {r['weighted']:.2f}%"
            f"  macro-F1 {r['macro_f1']:.3f}"
            f"  accuracy {100 * r['accuracy']:.2f}%"
        )
        if "ms_per_pair" in r:
            print(f"  {r['ms_per_pair']:.2f} ms per pair in the encoder (passage selection not counted)")
        print("  per-class F1: " + ", ".join(f"{k} {v:.3f}" for k, v in r["f1"].items()))
        print(
            "  anchors (competition test): SOLAT 82.02%, Athene 81.97%, UCL 81.72% (F1m ~0.58), baseline 75.20%;"
            " target >= 85%"
        )
        print("  confusion (gold->pred): " + ", ".join(f"{k} {v}" for k, v in r["confusion"].items() if v))
    elif args.task in ("emergent", "emergent-rules", "emergent-product", "emergent-encoder"):
        run = {
            "emergent": run_emergent,
            "emergent-rules": run_emergent_rules,
            "emergent-product": run_emergent_product,
            "emergent-encoder": run_emergent_encoder,
        }
        r = run[args.task](args)
        if args.task == "emergent-product":
            print(f"Emergent {r['split']} ({r['pairs']} pairs):")
            for ask_below, t in r["by_setting"].items():
                print(
                    f"  encoder asked below p {ask_below:.2f}: accuracy {t['accuracy']:.2f}%  macro-F1"
                    f" {t['macro_f1']:.3f}  ({t['by_model']} by the models, encoder on {t['asked']} ="
                    f" {100 * t['asked'] / r['pairs']:.1f}%; {t['ms_per_pair']:.2f} CPU ms per pair in stance_of)"
                )
                print("    per-class F1: " + ", ".join(f"{k} {v:.3f}" for k, v in t["f1"].items()))
            print("  (claims reading and embedding not counted)")
            print("  anchors (test): Ferreira & Vlachos 73.28%, majority 46.9%; target >= 80%")
            return 0
        print(
            f"Emergent {r['split']} ({r['pairs']} pairs): accuracy {r['accuracy']:.2f}%  macro-F1 {r['macro_f1']:.3f}"
        )
        if args.task == "emergent-encoder":
            print(f"  {r['ms_per_pair']:.2f} ms per pair in the encoder (claims reading for --rules not counted)")
        elif "ms_per_pair" in r:
            print(f"  {r['ms_per_pair']:.2f} ms per pair in stance_of (claims reading and embedding not counted)")
        print("  per-class F1: " + ", ".join(f"{k} {v:.3f}" for k, v in r["f1"].items()))
        print("  anchors (test): Ferreira & Vlachos 73.28%, majority 46.9%; target >= 80%")
    else:
        r = run_cluster(args)
        print(f"Emergent {r['split']} headlines: {r['claims']} claims, {r['gold_clusters']} gold propositions")
        for t, s in r["by_threshold"].items():
            print(
                f"  threshold {t:.2f}: B3 P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}, "
                f"{s['propositions']} propositions, {s['claims_per_s']:.0f} claims/s clustering "
                f"+ {s['embed_per_s']:.0f} claims/s embedding"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
