"""Language identification of a cleaned text with py3langid, and the pipeline component that applies it."""

from __future__ import annotations

from functools import cache
from typing import Any

from storytrace.model import Document
from storytrace.pipeline import ComponentFn, register

__all__ = ["detect_language", "make_language_detector"]

# Below this many letters the character n-grams say more about the topic than the language.
MIN_LETTERS = 20
# The start of an article settles its language; reading all of a long one only costs time.
_SAMPLE_CHARS = 1500


@cache
def _identifier() -> Any:
    # Loaded on first use: the model takes a noticeable fraction of a second to unpack.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float]:
    """``(ISO 639-1 code, probability)`` for a text; ``(None, 0.0)`` when it has too few letters to tell."""
    sample = " ".join(text[:_SAMPLE_CHARS].split())
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None, 0.0
    lang, probability = _identifier().classify(sample)
    return str(lang), round(float(probability), 4)


@register(
    "clean.language.py3langid.v1",
    requires=("doc.text",),
    assigns=("doc.lang", "doc.lang_score"),
    description="Detect the language of the text with py3langid, unless the input gave one.",
)
def make_language_detector(*, overwrite: bool = False) -> ComponentFn:
    """Detect the language of the text with py3langid, unless the input gave one."""

    def detect(doc: Document) -> Document:
        if doc.lang is None or overwrite:
            doc.lang, doc.lang_score = detect_language(doc.text)
        return doc

    return detect
