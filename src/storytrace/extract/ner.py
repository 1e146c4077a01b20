"""Named entities (PER, ORG, LOC, MISC) by a CRF over word-shape features: the always-available NER baseline.

The shipped model (``storytrace/models/ner-crf-conll03.crfsuite``, card in ``storytrace/models/README.md``) is
trained by ``scripts/train_ner_crf.py`` on CoNLL-2003 English, research-only Reuters text; read the card before
relying on it. Each sentence of ``spans.sentences`` is tokenized with ``extract.sentences.tokenize`` (which,
like CoNLL, keeps hyphenated words whole), tagged in BIO, and every chunk becomes a span of layer
``entities_crf`` labelled PER/ORG/LOC/MISC with attrs ``confidence`` (the mean marginal probability of the
chunk's tags) and ``model``. Chunks follow conlleval: an ``I-X`` after ``O`` or after another type opens a new
chunk. The features, the chunker and the conlleval-style scorer live here so that training, evaluation and
run time cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

# python-crfsuite ships no type stubs; only Tagger/Trainer/ItemSequence are used, typed at our call sites.
import pycrfsuite  # type: ignore[import-untyped]

from storytrace.errors import PipelineError
from storytrace.extract.sentences import tokenize
from storytrace.model import Document, Span
from storytrace.pipeline import ComponentFn, register

__all__ = [
    "DEFAULT_MODEL_PATH",
    "ENTITY_TYPES",
    "MODEL_NAME",
    "ChunkScore",
    "chunk_span",
    "forget_crfsuite",
    "iob_chunks",
    "load_tagger",
    "make_crf_ner",
    "open_crfsuite",
    "score_chunks",
    "sentence_features",
    "tag_entities",
]

MODEL_NAME = "ner-crf-conll03"
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / f"{MODEL_NAME}.crfsuite"
ENTITY_TYPES = ("PER", "ORG", "LOC", "MISC")
REBUILD_COMMAND = (
    "python scripts/train_ner_crf.py --train ../shared/data/conll2003/train.txt "
    f"--dev ../shared/data/conll2003/valid.txt --out src/storytrace/models/{MODEL_NAME}.crfsuite"
)

_SHAPE_UPPER = re.compile(r"[A-ZÀ-Þ]")
_SHAPE_LOWER = re.compile(r"[a-zß-ÿ]")
_SHAPE_DIGIT = re.compile(r"[0-9]")
_REPEATS = re.compile(r"(.)\1+")


def _shape(word: str) -> str:
    return _SHAPE_DIGIT.sub("d", _SHAPE_LOWER.sub("x", _SHAPE_UPPER.sub("X", word)))


def _length_bucket(n: int) -> str:
    return "1" if n == 1 else "2" if n == 2 else "3" if n == 3 else "4-5" if n <= 5 else "6-8" if n <= 8 else "9+"


@lru_cache(maxsize=200_000)  # news vocabulary repeats: most words are featurised once per process
def _word_features(word: str) -> tuple[str, str, str, tuple[str, ...]]:
    """(lower-cased word, short shape, title flag, the word's own features) of one normalised word."""
    lw = word.lower()
    shape = _shape(word)
    short = _REPEATS.sub(r"\1", shape)
    title = str(word.istitle())
    own = (
        "bias",
        "w=" + lw,
        "p2=" + lw[:2],
        "p3=" + lw[:3],
        "s2=" + lw[-2:],
        "s3=" + lw[-3:],
        "shape=" + (shape if len(shape) <= 12 else short),
        "sshape=" + short,
        "title=" + title,
        "upper=" + str(word.isupper()),
        "digit=" + str(word.isdigit()),
        "hasdigit=" + str(any(c.isdigit() for c in word)),
        "hyphen=" + str("-" in word),
        "apos=" + str("'" in word),
        "len=" + _length_bucket(len(word)),
    )
    return lw, short, title, own


def sentence_features(words: Sequence[str]) -> list[list[str]]:
    """CRF features of each word of one sentence, as crfsuite attribute strings (no POS or chunk tags).

    The word itself (lower-cased, curly apostrophes made straight, as in CoNLL), prefixes and suffixes of 2–3,
    shape and short shape, case and digit flags, hyphen/apostrophe, a length bucket, the sentence start, the
    lower-cased word, short shape and title flag of the words at ±1 and ±2, and the bigram with the word before.
    """
    info = [_word_features(w.replace("’", "'").replace("‘", "'")) for w in words]
    n = len(info)
    features: list[list[str]] = []
    for i, (lw, _, _, own) in enumerate(info):
        f = [*own, "bigram=" + (info[i - 1][0] if i else "<s>") + "|" + lw]
        if i == 0:
            f.append("BOS")
        if i == n - 1:
            f.append("EOS")
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < n:
                other_lower, other_short, other_title, _ = info[j]
                f.append(f"{offset}:w={other_lower}")
                f.append(f"{offset}:sshape={other_short}")
                f.append(f"{offset}:title={other_title}")
            else:
                f.append(f"{offset}:pad")
        features.append(f)
    return features


def iob_chunks(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """``(type, first, end)`` token ranges of the chunks in a BIO/IOB sequence, with conlleval's repairs.

    A chunk starts at ``B-X``, or at ``I-X`` when the tag before is ``O`` or of another type; it ends before
    ``O``, ``B-…`` or a tag of another type.
    """
    chunks: list[tuple[str, int, int]] = []
    open_type: str | None = None
    start = 0
    for i, tag in enumerate((*tags, "O")):
        prefix, _, kind = tag.partition("-")
        begins = prefix == "B" or (prefix == "I" and kind != open_type)
        if open_type is not None and (tag == "O" or begins or kind != open_type):
            chunks.append((open_type, start, i))
            open_type = None
        if prefix in ("B", "I") and (begins or open_type is None):
            open_type, start = kind, i
    return chunks


@dataclass(frozen=True, slots=True)
class ChunkScore:
    """conlleval counts for one entity type (or all): true positives, predicted and gold chunks."""

    correct: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return 100.0 * self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return 100.0 * self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_chunks(gold: Iterable[Sequence[str]], predicted: Iterable[Sequence[str]]) -> dict[str, ChunkScore]:
    """conlleval scores of tag sequences: exact boundaries and type, micro-averaged; key ``"overall"`` plus types."""
    correct: dict[str, int] = {}
    n_pred: dict[str, int] = {}
    n_gold: dict[str, int] = {}
    for gold_tags, pred_tags in zip(gold, predicted, strict=True):
        if len(gold_tags) != len(pred_tags):
            raise ValueError(f"sequence lengths differ: {len(gold_tags)} gold tags, {len(pred_tags)} predicted")
        gold_chunks = set(iob_chunks(gold_tags))
        pred_chunks = set(iob_chunks(pred_tags))
        for kind, _, _ in gold_chunks:
            n_gold[kind] = n_gold.get(kind, 0) + 1
        for chunk in pred_chunks:
            n_pred[chunk[0]] = n_pred.get(chunk[0], 0) + 1
            if chunk in gold_chunks:
                correct[chunk[0]] = correct.get(chunk[0], 0) + 1
    kinds = sorted(set(n_gold) | set(n_pred))
    scores = {k: ChunkScore(correct.get(k, 0), n_pred.get(k, 0), n_gold.get(k, 0)) for k in kinds}
    scores["overall"] = ChunkScore(sum(correct.values()), sum(n_pred.values()), sum(n_gold.values()))
    return scores


_TAGGERS: dict[Path, Any] = {}


def open_crfsuite(path: Path, what: str, missing_hint: str, rebuild: str) -> Any:
    """The crfsuite tagger of the model file ``path``, opened once per process; ``what`` names it in errors."""
    tagger = _TAGGERS.get(path)
    if tagger is None:
        if not path.is_file():
            raise PipelineError(f"{what} model file not found: {path}", hint=missing_hint)
        tagger = pycrfsuite.Tagger()
        try:
            tagger.open(str(path))
        except (OSError, ValueError) as error:
            raise PipelineError(
                f"cannot open {what} model file {path}: {error}",
                hint=f"the file is not a crfsuite model; rebuild it with `{rebuild}`",
            ) from error
        _TAGGERS[path] = tagger
    return tagger


def forget_crfsuite(path: Path) -> None:
    """Drop the cached tagger of ``path`` (a model file just rewritten), so the next ``open_crfsuite`` reads it."""
    _TAGGERS.pop(path, None)


def load_tagger(path: Path) -> Any:
    """The NER tagger of the model file ``path``, opened once per process."""
    hint = f"rebuild it with `{REBUILD_COMMAND}`, or pass model_path to extract.entities.crf.v1"
    return open_crfsuite(path, "NER", hint, REBUILD_COMMAND)


def _tag_with_confidence(tagger: Any, words: Sequence[str]) -> list[tuple[str, int, int, float]]:
    tagger.set(sentence_features(words))
    tags: list[str] = tagger.tag()
    result: list[tuple[str, int, int, float]] = []
    for kind, first, end in iob_chunks(tags):
        marginals = [tagger.marginal(tags[i], i) for i in range(first, end)]
        result.append((kind, first, end, sum(marginals) / len(marginals)))
    return result


def tag_entities(tagger: Any, text: str, sentences: Iterable[Span]) -> list[Span]:
    """Entity spans (offsets into ``text``) found by an open crfsuite ``tagger`` in each sentence span."""
    spans: list[Span] = []
    for sentence in sentences:
        tokens = tokenize(text, sentence.start_char, sentence.end_char)
        if not tokens:
            continue
        words = [text[t.start_char : t.end_char] for t in tokens]
        for kind, first, end, confidence in _tag_with_confidence(tagger, words):
            spans.append(chunk_span(tokens[first:end], kind, confidence, MODEL_NAME))
    return spans


def chunk_span(tokens: Sequence[Span], kind: str, confidence: float, model: str) -> Span:
    """The entity span of one tagged chunk of tokens, with the model's confidence and name."""
    return Span(
        tokens[0].start_char, tokens[-1].end_char, kind, (("confidence", round(confidence, 4)), ("model", model))
    )


@register(
    "extract.entities.crf.v1",
    requires=("spans.sentences",),
    assigns=("spans.entities_crf",),
    description="Named entities (PER/ORG/LOC/MISC) by the shipped CRF trained on CoNLL-2003 (research-only data).",
)
def make_crf_ner(model_path: str | None = None) -> ComponentFn:
    """Named entities by a CRF; ``model_path`` overrides the shipped model (loaded on the first document)."""
    path = Path(model_path).expanduser().resolve() if model_path else DEFAULT_MODEL_PATH
    if path not in _TAGGERS and not path.is_file():  # fail when the pipeline is built, not on the first document
        load_tagger(path)

    def run(doc: Document) -> Document:
        tagger = load_tagger(path)
        doc.spans["entities_crf"] = tag_entities(tagger, doc.text, doc.spans.get("sentences", []))
        return doc

    return run
