"""Tests for ``extract.claims.rules.v5``: what a speaker would not say is no claim (invented sentences only)."""

from __future__ import annotations

import pytest

from storytrace.extract.claims import extract_claims
from storytrace.model import Document, make_id
from storytrace.pipeline import Pipeline

# A MiniLM attribution component (v3, in `default` when v5 was written; `default` now has v4): the rules of
# `fast` read "has not said" as no speech at all.
BEFORE = Pipeline.from_names(("extract.sentences.rules.v1", "extract.attributions.minilm.v3"))


def claim_texts(text: str, version: int = 5) -> list[str]:
    doc = BEFORE(Document(id=make_id("doc", text), text=text, locator="test"))
    return [doc.span_text(span) for span in extract_claims(doc, version=version)]


@pytest.mark.parametrize(
    "sentence",
    [
        "The council has not said whether it will reopen the ferry to Lindqvist Island.",
        "The coastguard would not say how many boats were searched.",
        "Police declined to say who was detained at the harbour.",
        "The mayor did not say when the ferry would run again.",
        "Port officials refused to say what the crew had been carrying.",
    ],
)
def test_a_withheld_answer_is_no_claim(sentence: str) -> None:
    assert claim_texts(sentence) == []
    # v4 read the question as the speaker's claim ("how many boats were searched", asserted by the coastguard)
    assert len(claim_texts(sentence, version=4)) == 1


def test_what_was_said_stays_a_claim() -> None:
    # An assertion ("what happened was …" is a free relative, not a question), a question asked and a refusal to
    # comment keep their claims: the stance reads the last two as not committing.
    text = (
        "The coastguard said what happened at the pier was an accident. "
        "A deckhand asked whether the ferry would sail on Friday. "
        "The council declined to comment on the inquiry."
    )
    assert claim_texts(text) == claim_texts(text, version=4)
    assert claim_texts(text) == [
        "what happened at the pier was an accident",
        "whether the ferry would sail on Friday",
        "to comment on the inquiry",
    ]


def test_a_negated_statement_that_asserts_something_stays() -> None:
    # Negated cue, but a that-clause: not a withheld answer (what it means is the stance's business).
    text = "The council did not deny that the ferry had been sold to a private operator."
    assert claim_texts(text) == ["the ferry had been sold to a private operator"]
