"""Features of a (claim, anchor) pair for the learned stance model: one function for training, benchmark and run time.

``pair_features(claim, anchor, claim_vector, anchor_vector, tables)`` reads two claims (their texts and what the
``claims`` layer said about each: polarity, hedges, modality, speaker) and returns one float vector in two blocks:

- **scalars** (``SCALAR_NAMES``): the embedding cosine; TF-IDF cosine (IDF from the training texts, shipped in
  ``tables``); content-word overlap (Jaccard, share of the anchor's words in the claim and the reverse, shared
  bigrams); denial and hedge word counts and negation (``resolve/stance.py`` lists) in each text and the negation
  mismatch, each text's negation read against the other (``stance.is_negated(text, against)``: a tail like
  ", though not at ministerial level" that names nothing of the other text does not count); non-committal
  phrases; question marks; lengths; and the claims layer's reading of each claim;
- **added cue words**: which of ``tables.vocabulary`` the claim adds to the anchor's wording, as 0/1: what a report
  adds to a proposition ("hoax", "reportedly", "says", "not") is what tells its stance. They are read from the
  claim without the negations ``is_negated`` ignores, and a negation word is not "added" when both texts are
  negated ("no evidence" against "did not provide evidence"). The vocabulary is the
  words of ``CUE_WORDS`` (reporting, hedging, denying, confirming, negating, forecasting) frequent enough in the
  training texts; topic words are left out by design.

The vectors are the 384-d unit vectors of ``storytrace.resolve.claims.Embedder`` (MiniLM, ONNX); only their cosine
is a feature. On the Emergent train split (5-fold cross-validation by claim, logistic regression) the raw vectors
(the claim's, and its product with the anchor's) and a bag of all the claim's words lowered accuracy by 3-10
points against the scalars alone (they learn the topics of the training claims, not stance); any frequent word
as a cue scored 73.8 %, ``CUE_WORDS`` 75.7 %.

``StanceModel`` is the shipped classifier over these features (``models/stance-emergent/model.json``, built by
``scripts/train_stance.py``): a multinomial logistic regression on standardised features, evaluated in numpy.

Known gaps: the cue words and IDF come from news headlines (Emergent), so sentence-length claims from article
bodies are further from what the model saw; word overlap is by crude stems, not lemmas.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from storytrace.errors import PipelineError
from storytrace.model.dossier import ClaimRecord

__all__ = [
    "CUE_WORDS",
    "FORMAT",
    "SCALAR_NAMES",
    "FeatureTables",
    "StanceModel",
    "feature_names",
    "pair_features",
    "text_tokens",
]

FORMAT = "storytrace.stance.logreg.v1"

FloatArray = npt.NDArray[np.float32]

_TOKEN = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    "the a an of to in on and or for is was are were be by with at from that this it as has have".split()
)
# Words that carry a stance in news headlines whatever the topic: reporting, hedging, denying, confirming,
# negating, forecasting, and "video"/"watch" (a report that shows). Topic words are left out by design.
CUE_WORDS = frozenset(
    """says say said claims claim claimed report reports reported reportedly according rumor rumors rumour rumours
    allegedly alleged apparently may might could would will probably possibly likely unconfirmed unverified
    not no never isn t didn doesn wasn hoax fake false fraud debunked denies denied deny untrue satire satirical
    myth lie lies confirmed confirms confirm true real actually officially video watch photo photos pictures
    sources source suggests suggest believed thought seems appears""".split()
)
_NEGATION_CUES = frozenset("not no never isn t didn doesn wasn".split())  # CUE_WORDS that negate
_READING = ("denies", "hedged", "possible", "planned", "speaker", "social", "anonymous")
SCALAR_NAMES: tuple[str, ...] = (
    "cosine",
    "tfidf_cosine",
    "jaccard",
    "anchor_in_claim",
    "claim_in_anchor",
    "shared_bigrams",
    "claim_denial_words",
    "claim_hedge_words",
    "anchor_denial_words",
    "anchor_hedge_words",
    "claim_negated",
    "anchor_negated",
    "negation_mismatch",
    "claim_noncommittal",
    "claim_question",
    "anchor_question",
    "claim_length",
    "anchor_length",
    *(f"claim_{n}" for n in _READING),
    *(f"anchor_{n}" for n in _READING),
)


def text_tokens(text: str) -> list[str]:
    """Lower-cased word and number tokens, a few function words left out."""
    return [t for t in _TOKEN.findall(text.lower()) if t not in _STOPWORDS]


@dataclass(frozen=True, slots=True)
class FeatureTables:
    """What the features need beyond the two claims: IDF weights and the cue-word vocabulary, from training."""

    idf: Mapping[str, float]
    default_idf: float
    vocabulary: tuple[str, ...]

    @classmethod
    def fit(
        cls, texts: Sequence[str], min_share: float = 0.006, lexicon: Collection[str] | None = None
    ) -> FeatureTables:
        """IDF over ``texts``; cue words are the tokens in at least ``min_share`` of them (chosen by cross-validation
        on Emergent train: rarer words name topics, not stances), only those of ``lexicon`` when it is given."""
        df: Counter[str] = Counter()
        for text in texts:
            df.update(set(text_tokens(text)))
        n = len(texts)
        idf = {w: round(math.log((1 + n) / (1 + c)) + 1, 5) for w, c in sorted(df.items())}  # as saved
        vocabulary = tuple(sorted(w for w, c in df.items() if c >= min_share * n and (lexicon is None or w in lexicon)))
        return cls(idf=idf, default_idf=round(math.log(1 + n) + 1, 5), vocabulary=vocabulary)

    def tfidf_cosine(self, a: Iterable[str], b: Iterable[str]) -> float:
        wa = {w: c * self.idf.get(w, self.default_idf) for w, c in Counter(a).items()}
        wb = {w: c * self.idf.get(w, self.default_idf) for w, c in Counter(b).items()}
        dot = sum(v * wb.get(w, 0.0) for w, v in wa.items())
        na = math.sqrt(sum(v * v for v in wa.values()))
        nb = math.sqrt(sum(v * v for v in wb.values()))
        return dot / (na * nb) if na and nb else 0.0


def feature_names(tables: FeatureTables) -> list[str]:
    """Names of the columns ``pair_features`` returns, in order."""
    return [*SCALAR_NAMES, *(f"adds:{w}" for w in tables.vocabulary)]


def _reading(claim: ClaimRecord) -> list[float]:
    speaker = claim.speaker
    kind = speaker.kind if speaker is not None else ""
    return [
        float(claim.polarity in ("denies", "refutes")),
        float(len(claim.hedges)),
        float(claim.modality in ("possible", "conditional", "question")),
        float(claim.modality in ("future", "planned")),
        float(speaker is not None),
        float(kind == "social"),
        float(kind == "anonymous"),
    ]


def pair_features(
    claim: ClaimRecord,
    anchor: ClaimRecord,
    claim_vector: FloatArray,
    anchor_vector: FloatArray,
    tables: FeatureTables,
) -> FloatArray:
    """The feature vector of ``claim`` read against ``anchor`` (see the module docstring)."""
    # Imported here: stance.py imports this module for the model, and this one needs stance's cue lists.
    from storytrace.resolve.claims import signature_words
    from storytrace.resolve.stance import (
        DENIAL_WORDS,
        HEDGE_WORDS,
        NONCOMMITTAL,
        is_negated,
        without_ignored_negations,
    )

    ctok, atok = text_tokens(claim.text), text_tokens(anchor.text)
    cs, as_ = signature_words(claim.text), signature_words(anchor.text)
    anchor_bigrams, claim_bigrams = set(pairwise(atok)), set(pairwise(ctok))
    # Each text's negation as read against the other (a narrowing tail about something else does not count).
    claim_negated, anchor_negated = is_negated(claim.text, anchor.text), is_negated(anchor.text, claim.text)
    scalars = [
        float(np.asarray(claim_vector, dtype=np.float32) @ np.asarray(anchor_vector, dtype=np.float32)),
        tables.tfidf_cosine(atok, ctok),
        len(cs & as_) / max(1, len(cs | as_)),
        len(cs & as_) / max(1, len(as_)),
        len(cs & as_) / max(1, len(cs)),
        len(anchor_bigrams & claim_bigrams) / max(1, len(anchor_bigrams)),
        float(sum(w in DENIAL_WORDS for w in ctok)),
        float(sum(w in HEDGE_WORDS for w in ctok)),
        float(sum(w in DENIAL_WORDS for w in atok)),
        float(sum(w in HEDGE_WORDS for w in atok)),
        float(claim_negated),
        float(anchor_negated),
        float(claim_negated != anchor_negated),
        float(len(NONCOMMITTAL.findall(claim.text))),
        float("?" in claim.text),
        float("?" in anchor.text),
        math.log1p(len(ctok)),
        math.log1p(len(atok)),
        *_reading(claim),
        *_reading(anchor),
    ]
    # The cue words the claim adds, read without the negations that say nothing against the anchor (as above);
    # when both are negated, a negation word is not added ("no evidence" against "did not provide evidence").
    added = set(text_tokens(without_ignored_negations(claim.text, anchor.text))) - set(atok)
    if claim_negated and anchor_negated:
        added -= _NEGATION_CUES
    cues = [float(w in added) for w in tables.vocabulary]
    return np.asarray(scalars + cues, dtype=np.float32)


@dataclass(frozen=True, slots=True)
class StanceModel:
    """Multinomial logistic regression over ``pair_features``: P(label) = softmax(W (x - mean) / scale + b)."""

    labels: tuple[str, ...]  # supports, refutes, reports (storytrace's names)
    tables: FeatureTables
    mean: FloatArray
    scale: FloatArray
    weights: FloatArray  # (labels, features)
    bias: FloatArray
    info: Mapping[str, Any]  # how it was trained and what it scored (from the model file)

    @classmethod
    def load(cls, path: Path) -> StanceModel:
        """Read a model file written by ``save``; a missing or malformed file is a ``PipelineError``."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(f"format {data.get('format')!r}, expected {FORMAT!r}")
            tables = FeatureTables(
                idf=dict(data["idf"]), default_idf=float(data["default_idf"]), vocabulary=tuple(data["vocabulary"])
            )
            model = cls(
                labels=tuple(data["labels"]),
                tables=tables,
                mean=np.asarray(data["mean"], dtype=np.float32),
                scale=np.asarray(data["scale"], dtype=np.float32),
                weights=np.asarray(data["weights"], dtype=np.float32),
                bias=np.asarray(data["bias"], dtype=np.float32),
                info=dict(data.get("training", {})),
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise PipelineError(
                f"cannot load the stance model from {path}: {error}",
                hint="rebuild it with `python scripts/train_stance.py` (needs the bench extra)",
            ) from error
        width = len(feature_names(tables))
        if model.weights.shape != (len(model.labels), width) or model.mean.shape != (width,):
            raise PipelineError(
                f"the stance model in {path} has weights {model.weights.shape} for {width} features",
                hint="rebuild it with `python scripts/train_stance.py`",
            )
        return model

    def save(self, path: Path) -> None:
        """Write the model as JSON (readable, diffable; about 100 kB)."""
        data = {
            "format": FORMAT,
            "labels": list(self.labels),
            "features": feature_names(self.tables),
            "mean": [round(float(v), 7) for v in self.mean],
            "scale": [round(float(v), 7) for v in self.scale],
            "weights": [[round(float(v), 7) for v in row] for row in self.weights],
            "bias": [round(float(v), 7) for v in self.bias],
            "vocabulary": list(self.tables.vocabulary),
            "default_idf": self.tables.default_idf,
            "idf": dict(self.tables.idf),
            "training": dict(self.info),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    def probabilities(self, features: FloatArray) -> FloatArray:
        """Label probabilities for one feature vector (shape ``(n,)``) or a batch (``(rows, n)``)."""
        z = ((np.asarray(features, dtype=np.float32) - self.mean) / self.scale) @ self.weights.T + self.bias
        z = z - z.max(axis=-1, keepdims=True)
        e = np.exp(z)
        out: FloatArray = (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)
        return out
