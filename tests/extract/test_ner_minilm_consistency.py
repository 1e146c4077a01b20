"""Tests for the document-level label consistency of extract.entities.minilm.v4 (``harmonise_chunks``)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from storytrace.extract.ner_minilm import (
    DEFAULT_MODEL_DIR,
    LABELS,
    V3_SETTINGS,
    V4_SETTINGS,
    Chunk,
    DocumentConsistency,
    FloatArray,
    harmonise_chunks,
    load_tagger,
)
from storytrace.model import Document
from storytrace.pipeline import Pipeline, get_component

INDEX = {label: i for i, label in enumerate(LABELS)}
RULES = DocumentConsistency()


def _probs(words: list[str], tags: dict[int, tuple[str, float]] | None = None) -> FloatArray:
    """Word × label probabilities: O at 0.99 unless ``tags`` gives (label, probability) for a word (rest on O)."""
    probs = np.zeros((len(words), len(LABELS)), dtype=np.float32)
    probs[:, INDEX["O"]] = 0.99
    probs[:, INDEX["B-MISC"]] = 0.01
    for w, (label, p) in (tags or {}).items():
        probs[w] = 0.0
        probs[w, INDEX[label]] = p
        probs[w, INDEX["O"]] = 1.0 - p
    return probs


def _harmonise(
    sentences: list[list[str]], chunks: list[list[Chunk]], probs: list[FloatArray], rules: DocumentConsistency = RULES
) -> list[list[tuple[str, int, int]]]:
    return [[c[:3] for c in found] for found in harmonise_chunks(sentences, chunks, probs, LABELS, rules)]


def test_a_hesitant_entity_takes_its_strings_leading_type_and_a_confident_one_keeps_its_own() -> None:
    sentences = [["Rios", "won", "."], ["Rios", "lost", "."], ["Rios", "drew", "."], ["Rios", "left", "."]]
    probs = [_probs(s, {0: ("B-PER", 0.3)}) for s in sentences[:3]] + [_probs(sentences[3])]  # the last: sure O
    probs[1][0, INDEX["B-LOC"]] = 0.6
    chunks: list[list[Chunk]] = [[("PER", 0, 1, 0.99)], [("LOC", 0, 1, 0.6)], [("PER", 0, 1, 0.98)], []]
    result = harmonise_chunks(sentences, chunks, probs, LABELS, RULES)
    assert [[c[:3] for c in found] for found in result] == [[("PER", 0, 1)]] * 3 + [[]]
    # The retyped entity's confidence is the model's own probability of B-PER there, not the votes.
    assert result[1][0][3] == pytest.approx(0.3)
    # Confident (0.97 >= retype_below 0.9): the minority type stays.
    chunks[1] = [("LOC", 0, 1, 0.97)]
    assert _harmonise(sentences, chunks, probs)[1] == [("LOC", 0, 1)]


def test_retyping_needs_the_leading_types_share_of_the_votes() -> None:
    sentences = [["Milan", "won", "."], ["Milan", "is", "big", "."], ["Milan", "drew", "."]]
    probs = [_probs(s, {0: ("B-ORG", 0.5)}) for s in sentences]
    chunks: list[list[Chunk]] = [[("ORG", 0, 1, 0.9)], [("LOC", 0, 1, 0.8)], [("MISC", 0, 1, 0.8)]]
    # ORG leads with 0.9 of 2.5 votes (36 %): under a share of 0.5 nothing changes, above 0.3 both others go ORG.
    assert _harmonise(sentences, chunks, probs) == [[("ORG", 0, 1)], [("LOC", 0, 1)], [("MISC", 0, 1)]]
    loose = replace(RULES, retype_share=0.3)
    assert _harmonise(sentences, chunks, probs, loose) == [[("ORG", 0, 1)]] * 3


def test_an_untagged_occurrence_of_a_tagged_name_is_tagged_in_any_capitalisation() -> None:
    sentences = [
        ["CHECHNYA", "TRUCE", "HOLDS"],
        ["Rebels", "in", "Chechnya", "said", "the", "truce", "held", "."],
        ["Officials", "in", "Chechnya", "agreed", "."],
    ]
    probs = [
        _probs(sentences[0], {0: ("B-LOC", 0.2)}),  # the headline: the model hesitated, then v3 dropped it
        _probs(sentences[1], {2: ("B-LOC", 0.99)}),
        _probs(sentences[2], {2: ("B-LOC", 0.95)}),
    ]
    chunks: list[list[Chunk]] = [[], [("LOC", 2, 3, 0.99)], [("LOC", 2, 3, 0.95)]]
    result = harmonise_chunks(sentences, chunks, probs, LABELS, RULES)
    assert [[c[:3] for c in found] for found in result] == [[("LOC", 0, 1)], [("LOC", 2, 3)], [("LOC", 2, 3)]]
    assert result[0][0][3] == pytest.approx(0.2)


def test_propagation_needs_votes_a_capital_room_and_some_doubt_of_the_model() -> None:
    sentences = [["May", "Lind", "spoke", "."], ["It", "may", "rain", "."], ["Lind", "said", "so", "."]]
    base = [_probs(sentences[0], {0: ("B-PER", 0.9), 1: ("I-PER", 0.9)}), _probs(sentences[1]), _probs(sentences[2])]
    base[2][0, INDEX["O"]], base[2][0, INDEX["B-PER"]] = 0.5, 0.5
    chunks: list[list[Chunk]] = [[("PER", 0, 2, 0.9)], [], []]
    # "May Lind" has 0.9 votes: its words alone are other strings, and "may" is never "May Lind".
    assert _harmonise(sentences, chunks, base) == [[("PER", 0, 2)], [], []]
    one_word = [["Lind", "spoke", "."], ["It", "may", "rain", "."], ["Lind", "said", "so", "."]]
    probs = [_probs(one_word[0], {0: ("B-PER", 0.95)}), _probs(one_word[1]), base[2]]
    tagged: list[list[Chunk]] = [[("PER", 0, 1, 0.95)], [], []]
    assert _harmonise(one_word, tagged, probs)[2] == [("PER", 0, 1)]
    assert _harmonise(one_word, tagged, probs, replace(RULES, propagate_votes=1.0))[2] == []  # too few votes
    sure = [probs[0], probs[1], _probs(one_word[2])]  # the model gave O 0.99 on the other "Lind"
    assert _harmonise(one_word, tagged, sure)[2] == []


def test_propagation_takes_the_longest_name_and_never_overlaps_an_entity() -> None:
    sentences = [
        ["New", "York", "Yankees", "won", "."],
        ["New", "York", "is", "cold", "."],
        ["The", "New", "York", "Yankees", "lost", "in", "New", "York", "."],
        ["New", "York", "Times", "wrote", "."],
    ]
    probs = [_probs(s, {i: ("O", 0.5) for i in range(len(s))}) for s in sentences]
    chunks: list[list[Chunk]] = [[("ORG", 0, 3, 0.99)], [("LOC", 0, 2, 0.99)], [], [("ORG", 0, 3, 0.99)]]
    assert _harmonise(sentences, chunks, probs) == [
        [("ORG", 0, 3)],
        [("LOC", 0, 2)],
        [("ORG", 1, 4), ("LOC", 6, 8)],
        [("ORG", 0, 3)],  # an entity already there: "New York" inside "New York Times" is left alone
    ]


def test_v4_is_v3_with_consistency_and_the_function_word_filter_and_is_registered() -> None:
    assert replace(V3_SETTINGS, drop_function_words=True, consistency=DocumentConsistency()) == V4_SETTINGS
    info = get_component("extract.entities.minilm.v4")
    assert info.requires == ("spans.sentences",) and info.assigns == ("spans.entities_minilm",)
    text = (
        "NEW CLASHES IN QASRA\n\nFighting broke out in Qasra on Tuesday. Residents of Qasra said shells fell near "
        "the market."
    )
    found: dict[str, list[tuple[int, int, str]]] = {}
    for version in ("v3", "v4"):
        pipeline = Pipeline.from_names(["extract.sentences.rules.v1", f"extract.entities.minilm.{version}"])
        doc = pipeline(Document(id="d1", text=text, locator="test"))
        found[version] = [(s.start_char, s.end_char, s.label) for s in doc.spans["entities_minilm"]]
    # The headline's "QASRA" gets the type of the two "Qasra" of the text (the model alone hesitates on it).
    assert [(text[a:b], label) for a, b, label in found["v4"]] == [("QASRA", "LOC"), ("Qasra", "LOC"), ("Qasra", "LOC")]
    assert {(a, b) for a, b, _ in found["v3"]} <= {(a, b) for a, b, _ in found["v4"]}


def test_v4_changes_nothing_in_a_document_without_repeated_names() -> None:
    v3 = load_tagger(DEFAULT_MODEL_DIR, settings=V3_SETTINGS)
    v4 = load_tagger(DEFAULT_MODEL_DIR, settings=V4_SETTINGS)
    document = [
        "Samir Haddad visited Qasra on Monday .".split(),
        "Maria Lopez of the United Nations said aid had reached Geneva .".split(),
    ]
    assert v4.chunks([document]) == v3.chunks([document])


def test_v4_drops_a_function_word_tagged_alone_and_v3_keeps_it(monkeypatch: pytest.MonkeyPatch) -> None:
    words = ["The", "Defence", "Ministry", "said", "The", "Hague", "agreed", "."]
    tags = [("B-ORG", 0.88), ("B-ORG", 0.8), ("I-ORG", 0.8), ("O", 0.99), ("B-LOC", 0.9), ("I-LOC", 0.9)]
    tags += [("O", 0.99), ("O", 0.99)]
    kept = {}
    for name, settings in (("v3", V3_SETTINGS), ("v4", V4_SETTINGS)):
        tagger = load_tagger(DEFAULT_MODEL_DIR, settings=settings)
        monkeypatch.setattr(tagger, "probabilities", lambda documents: [[np.zeros((len(words), len(LABELS)))]])
        monkeypatch.setattr(tagger, "decode", lambda probs: tags)
        kept[name] = [c[:3] for c in tagger.chunks([[words]])[0][0]]
    assert kept["v3"] == [("ORG", 0, 1), ("ORG", 1, 3), ("LOC", 4, 6)]
    assert kept["v4"] == [("ORG", 1, 3), ("LOC", 4, 6)]  # "The Hague" is two words: kept
