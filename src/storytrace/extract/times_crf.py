"""Time expressions by the rules plus a CRF span detector that adds what they miss: ``extract.times.rules_crf.v1``.

The rules (``extract.times.rules.v3``, storytrace.extract.times) run first and keep every span they find. A
linear-chain CRF (``storytrace/models/times-crf-tbaq.crfsuite``, trained by ``scripts/train_times_crf.py`` on
TempEval-3's TBAQ-cleaned; card beside it) then tags each sentence's ``extract.sentences.tokenize`` tokens in
BIO over TIMEX3 extents, from the word, its shape and suffix, month / weekday / number / ordinal / unit /
season / time-word lexicons and the words two either side. A CRF span that overlaps no rule span gets its type
and value from the rules: the longest rule match inside it that resolves in its sentence, read as a trusted
span (the guards that only ask whether a word is a time at all are waived: a bare "January", "recently"
before a verb; see ``times._normalise_extra``). A span no rule reads is dropped: a span with no value counts
in TempEval as a match with a wrong value and lowers value F1. Added spans carry ``rule`` ``crf+<rule>``.

Measured on held-out data (benchmarks/eval_tempeval3.py --two-fold): the CRF adds one or two right values per
few hundred timexes; the numbers are in the model card. Tried and left out: the rules' own tag of each token as
a feature (the CRF then copies the rules: on TBAQ-cleaned, which they were written on, they find 95 % of the
timexes, and it proposed 3 new spans in TimeBank's 1,243), a lower decision threshold on the CRF's marginals,
a lexicon of context-free values for spans no rule reads, and reading a span's text alone.

Known gaps: a CRF span only gets a value when a rule pattern matches inside it, so the new forms the CRF finds
("the latest period", "fiscal year", "the second day") are dropped; it learns TimeBank's extents and vocabulary
(1989–1998 newswire); the trusted reading can take a capitalised name for a month ("the March on Rome"; "March
for", "March of" followed by a capital are refused).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from storytrace.extract.ner import forget_crfsuite, iob_chunks, open_crfsuite
from storytrace.extract.sentences import TOKEN_PATTERN
from storytrace.extract.times import (
    BUILTIN_ANCHORS,
    AnchorEvent,
    TimeExpr,
    find_times,
    make_anchored_extractor,
)
from storytrace.model import Span
from storytrace.pipeline import ComponentFn, register

__all__ = [
    "DEFAULT_MODEL_PATH",
    "MODEL_NAME",
    "crf_spans",
    "find_times_crf",
    "load_times_tagger",
    "make_times_rules_crf",
    "sentence_features",
    "token_labels",
    "train_crf",
    "training_sequences",
]

MODEL_NAME = "times-crf-tbaq"
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / f"{MODEL_NAME}.crfsuite"
REBUILD_COMMAND = f"python scripts/train_times_crf.py --out src/storytrace/models/{MODEL_NAME}.crfsuite"

_MONTHS = frozenset(
    "january february march april may june july august september october november december jan feb mar apr jun "
    "jul aug sep sept oct nov dec".split()
)
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_NUMBERS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred few several couple".split()
)
_ORDINALS = frozenset("first second third fourth fifth sixth seventh eighth ninth tenth last final latest".split())
_UNITS = frozenset(
    "second seconds minute minutes hour hours day days night nights week weeks weekend month months quarter "
    "quarters year years decade decades century centuries period periods season morning afternoon evening".split()
)
_SEASONS = frozenset("spring summer autumn fall winter".split())
_TIME_WORDS = frozenset(
    "now today tonight yesterday tomorrow currently recently recent current former formerly future past present "
    "ago later earlier early late mid end beginning start since until soon once daily weekly monthly annually "
    "annual quarterly yearly fiscal previous next this that coming following last prior before after then".split()
)
# Each lexicon's class name, in the order the features list them.
_LEXICONS = (
    ("month", _MONTHS),
    ("weekday", _WEEKDAYS),
    ("number", _NUMBERS),
    ("ordinal", _ORDINALS),
    ("unit", _UNITS),
    ("season", _SEASONS),
    ("timeword", _TIME_WORDS),
)
_YEAR = re.compile(r"(?:1[89]|20)\d\d(?:s)?$")
_DIGITS = re.compile(r"\d")


def _shape(word: str) -> str:
    shape = re.sub(r"[A-Z]", "X", re.sub(r"[a-z]", "x", re.sub(r"\d", "d", word)))
    return re.sub(r"(.)\1+", r"\1\1", shape)


def _classes(lower: str) -> tuple[str, ...]:
    """The lexicon classes of a lower-cased token (its hyphen parts count: "five-year" is a number and a unit)."""
    found: list[str] = []
    for part in lower.split("-"):
        stripped = part.rstrip(".")
        found += [name for name, words in _LEXICONS if stripped in words]
        if _YEAR.match(stripped):
            found.append("year")
        elif stripped.isdigit():
            found.append(f"digits{min(len(stripped), 5)}")
    return tuple(dict.fromkeys(found))


_OFFSETS = (-2, -1, 1, 2)
# Classes that a time expression with no rule to read it still holds one of; a sentence with none of them is
# not tagged (the common words of _TIME_WORDS, "this", "after", "end", only qualify such a word).
_STRONG = frozenset({"month", "weekday", "number", "ordinal", "unit", "season", "year"}) | {
    f"digits{n}" for n in range(1, 6)
}
_STRONG_WORDS = frozenset(
    "now today tonight yesterday tomorrow recently currently recent current future past present formerly once "
    "soon later earlier daily weekly monthly annually annual quarterly yearly".split()
)


@lru_cache(maxsize=100_000)  # news vocabulary repeats: most words are featurised once per process
def _word_features(word: str) -> tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...], bool]:
    """(lower-cased word, its own features, its features as a neighbour at each of _OFFSETS, whether it holds a
    strong class) of one token."""
    lower = word.lower()
    kinds = _classes(lower)
    own = (
        "bias",
        "w=" + lower,
        "s3=" + lower[-3:],
        "sh=" + _shape(word),
        "title=" + str(word[:1].isupper()),
        "digit=" + str(bool(_DIGITS.search(word))),
        *(["c=" + kind for kind in kinds] or ["c=none"]),
    )
    around = tuple((f"{d}:w={lower}", *(f"{d}:c={kind}" for kind in kinds)) for d in _OFFSETS)
    strong = lower in _STRONG_WORDS or not _STRONG.isdisjoint(kinds)
    return lower, own, around, strong


def _token_words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in TOKEN_PATTERN.finditer(text, start, end)]


def sentence_features(text: str, tokens: Sequence[tuple[int, int]]) -> list[list[str]]:
    """The CRF features of each (start, end) token of a sentence (shared by training, evaluation and run time)."""
    infos = [_word_features(text[a:b]) for a, b in tokens]
    n = len(infos)
    features: list[list[str]] = []
    for i, (lower, own, _, _) in enumerate(infos):
        feats = list(own)
        for slot, d in enumerate(_OFFSETS):
            j = i + d
            if 0 <= j < n:
                feats += infos[j][2][slot]
            else:
                feats.append(f"{d}:edge")
        if i > 0:
            feats.append(f"-1|0={infos[i - 1][0]}|{lower}")
        if i + 1 < n:
            feats.append(f"0|+1={lower}|{infos[i + 1][0]}")
        features.append(feats)
    return features


def token_labels(tokens: Sequence[tuple[int, int]], gold: Sequence[tuple[int, int]]) -> list[str]:
    """BIO labels ("B-T", "I-T", "O") of (start, end) tokens against gold extents: a token overlapping one is in it."""
    labels = ["O"] * len(tokens)
    for start, end in gold:
        inside = False
        for i, (first, last) in enumerate(tokens):
            if first < end and start < last:
                labels[i] = "I-T" if inside else "B-T"
                inside = True
    return labels


def crf_spans(tagger: Any, text: str, sentence: Span) -> list[tuple[int, int]]:
    """The (start, end) character spans the CRF tags as time expressions in one sentence."""
    tokens = _token_words(text, sentence.start_char, sentence.end_char)
    if not any(_word_features(text[a:b])[3] for a, b in tokens):
        return []  # no month, number, unit or time word: nothing the rules could read, so nothing to add
    tagger.set(sentence_features(text, tokens))
    tags: list[str] = tagger.tag()
    return [(tokens[first][0], tokens[end - 1][1]) for _, first, end in iob_chunks(tags)]


def find_times_crf(
    tagger: Any,
    text: str,
    sentences: Sequence[Span],
    reference: Any,
    anchors: Sequence[AnchorEvent] = BUILTIN_ANCHORS,
) -> list[TimeExpr]:
    """The rules' (v3) time expressions plus the CRF's spans that overlap none of them and a rule can read."""

    def extra(sentence: Span, found: Sequence[TimeExpr]) -> list[tuple[int, int]]:
        return crf_spans(tagger, text, sentence)

    return find_times(text, sentences, reference, anchors, 3, extra)


def training_sequences(
    text: str, sentences: Sequence[Span], gold: Sequence[tuple[int, int]]
) -> list[tuple[list[list[str]], list[str]]]:
    """(features, BIO labels) of each sentence of a gold document."""
    sequences: list[tuple[list[list[str]], list[str]]] = []
    for sentence in sentences:
        tokens = _token_words(text, sentence.start_char, sentence.end_char)
        if not tokens:
            continue
        inside = [(a, b) for a, b in gold if sentence.start_char <= a < sentence.end_char]
        sequences.append((sentence_features(text, tokens), token_labels(tokens, inside)))
    return sequences


def train_crf(
    sequences: Sequence[tuple[list[list[str]], list[str]]],
    out: Path,
    c1: float = 0.1,
    c2: float = 0.05,
    iterations: int = 100,
) -> None:
    """Fit the span CRF (L-BFGS, L1 ``c1`` and L2 ``c2``) on ``sequences`` and write it to ``out``."""
    import pycrfsuite  # type: ignore[import-untyped]

    trainer = pycrfsuite.Trainer(verbose=False)
    for features, labels in sequences:
        trainer.append(features, labels)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iterations, "feature.possible_transitions": True})
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    forget_crfsuite(out)


def load_times_tagger(path: Path) -> Any:
    """The time-span tagger of the model file ``path``, opened once per process."""
    hint = f"rebuild it with `{REBUILD_COMMAND}`, or pass model_path to extract.times.rules_crf.v1"
    return open_crfsuite(path, "time-span CRF", hint, REBUILD_COMMAND)


@register(
    "extract.times.rules_crf.v1",
    requires=("spans.sentences",),
    assigns=("spans.times",),
    description="Time expressions: the v3 rules plus a CRF (TBAQ) adding spans the rules miss, valued by the rules.",
)
def make_times_rules_crf(
    anchors: list[AnchorEvent] | list[dict[str, Any]] | None = None,
    packs: Sequence[str] = ("mideast",),
    model_path: str | None = None,
) -> ComponentFn:
    """Build the extractor: ``anchors`` and ``packs`` as for ``extract.times.rules.v3``; ``model_path`` another
    crfsuite model made by scripts/train_times_crf.py."""
    path = Path(model_path) if model_path else DEFAULT_MODEL_PATH
    tagger = load_times_tagger(path)

    def find(
        text: str, sentences: Sequence[Span], reference: date | None, known: Sequence[AnchorEvent]
    ) -> list[TimeExpr]:
        return find_times_crf(tagger, text, sentences, reference, known)

    return make_anchored_extractor("extract.times.rules_crf.v1", find, anchors, packs)
