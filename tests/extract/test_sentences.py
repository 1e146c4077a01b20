"""Tests for the news sentence splitter and tokenizer (invented text)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storytrace.extract.sentences import split_sentences, tokenize
from storytrace.model import Document, make_id
from storytrace.pipeline import Pipeline


def sentences(text: str) -> list[str]:
    return [text[s.start_char : s.end_char] for s in split_sentences(text)]


def test_split_sentences_headline_dateline_and_body() -> None:
    text = (
        "Militia lifts siege of Ain Bashura\n"
        "By Dana Kassouf\n\n"
        "HARBAL, March 24 (Meridian Wire) - The militia lifted its siege on Sunday, officials said. "
        "Residents cheered."
    )
    assert sentences(text) == [
        "Militia lifts siege of Ain Bashura",
        "By Dana Kassouf",
        "HARBAL, March 24 (Meridian Wire) - The militia lifted its siege on Sunday, officials said.",
        "Residents cheered.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Gen. Fawwaz Ghannouj met Mr. Darwish on Oct. 7 in the U.S. embassy compound.",
        "The envoy arrived at 9 a.m. and left by noon.",
        "Brig. Gen. J. Haddad said the 3.5 km road was open.",
    ],
)
def test_split_sentences_keeps_abbreviations_inside(text: str) -> None:
    assert sentences(text) == [text]


def test_split_sentences_quotes_close_the_sentence() -> None:
    text = '“Both sides came to listen, not to sign.” The source declined to say more. "We wait," he added.'
    assert sentences(text) == [
        "“Both sides came to listen, not to sign.”",
        "The source declined to say more.",
        '"We wait," he added.',
    ]


def test_split_sentences_joins_hard_wrapped_lines() -> None:
    text = (
        "Negotiators for the militia and the provincial council reached a deal on Thursday to reopen\n"
        "the three water stations on the eastern bank, two officials said."
    )
    assert sentences(text) == [text]


def test_split_sentences_lowercase_after_stop_is_not_a_boundary() -> None:
    assert len(split_sentences("He cited the report no. 7 of the ministry. It was old.")) == 2


@given(st.text(max_size=500))
def test_split_sentences_spans_are_in_bounds_ordered_and_trimmed(text: str) -> None:
    previous_end = 0
    for span in split_sentences(text):
        assert previous_end <= span.start_char < span.end_char <= len(text)
        chunk = text[span.start_char : span.end_char]
        assert chunk == chunk.strip()
        previous_end = span.end_char


@given(st.text(max_size=300))
def test_split_sentences_cover_every_non_space_character(text: str) -> None:
    covered = set()
    for span in split_sentences(text):
        covered.update(range(span.start_char, span.end_char))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_tokenize_keeps_names_and_numbers_whole() -> None:
    text = "Al-Halbousi met Kata’ib Sayf al-Hudhud in the U.S. on 12.03.2025, 1,400 said; Iran-backed."
    assert [text[t.start_char : t.end_char] for t in tokenize(text)] == [
        "Al-Halbousi", "met", "Kata’ib", "Sayf", "al-Hudhud", "in", "the", "U.S.", "on", "12.03.2025", ",",
        "1,400", "said", ";", "Iran-backed", ".",
    ]  # fmt: skip


def test_sentence_component_adds_the_layer() -> None:
    text = "First sentence here. Second one there."
    doc = Document(id=make_id("doc", text), text=text, locator="t")
    doc = Pipeline.from_names(["extract.sentences.rules.v1"])(doc)
    assert [doc.span_text(s) for s in doc.spans["sentences"]] == ["First sentence here.", "Second one there."]


def test_a_headline_is_a_line_of_its_own_without_a_stop() -> None:
    from storytrace.extract.sentences import is_headline

    text = "Rebels seize the Varn bridge\n\nVARN — Rebels seized the bridge. Traffic stopped\nMore later."
    assert is_headline(text, 0, len("Rebels seize the Varn bridge"))
    body = text.index("Rebels seized")
    assert not is_headline(text, body, body + len("Rebels seized the bridge."))  # ends with a stop, mid-line
    stopped = text.index("Traffic")
    assert not is_headline(text, stopped, stopped + len("Traffic stopped"))  # its line does not start with it
