"""Tests for the MiniLM named-entity component (shipped ONNX model), its windows and case classes (invented text)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from storytrace.errors import PipelineError
from storytrace.extract.ner_minilm import (
    CASE_CLASSES,
    DEFAULT_MODEL_DIR,
    MODEL_NAME,
    Window,
    WindowConfig,
    build_windows,
    case_class,
    load_tagger,
)
from storytrace.model import Document
from storytrace.pipeline import Pipeline, get_component

SHIPPED = DEFAULT_MODEL_DIR / "model.onnx"


def _run(text: str) -> Document:
    assert SHIPPED.is_file(), "the shipped model is missing: see src/storytrace/models/ner-minilm-conll03/README.md"
    pipeline = Pipeline.from_names(["extract.sentences.rules.v1", "extract.entities.minilm.v1"])
    return pipeline(Document(id="d1", text=text, locator="test"))


def test_component_types_a_person_an_organisation_and_a_place_with_exact_offsets() -> None:
    text = (
        "Maria Lopez, a spokeswoman for the United Nations, said on Tuesday that aid had reached Geneva.\n\n"
        "The Tesra Council met in Ibdara on Monday, its chairman Samir Haddad told reporters."
    )
    doc = _run(text)
    spans = doc.spans["entities_minilm"]
    found = {(doc.span_text(s), s.label) for s in spans}
    assert {("Maria Lopez", "PER"), ("United Nations", "ORG"), ("Geneva", "LOC")} <= found
    assert ("Samir Haddad", "PER") in found
    for span in spans:
        assert text[span.start_char : span.end_char] == doc.span_text(span)
        assert text[span.start_char] != " " and text[span.end_char - 1] != " "
        attrs = dict(span.attrs)
        assert attrs["model"] == MODEL_NAME
        assert isinstance(attrs["confidence"], float) and 0.0 < attrs["confidence"] <= 1.0
    geneva = next(s for s in spans if doc.span_text(s) == "Geneva")
    assert (geneva.start_char, geneva.end_char) == (text.index("Geneva"), text.index("Geneva") + len("Geneva"))


def test_component_on_an_empty_document_and_a_sentence_without_names() -> None:
    assert _run("").spans["entities_minilm"] == []
    assert _run("it rained all day and then it stopped.").spans["entities_minilm"] == []


def test_tags_do_not_depend_on_the_batch_a_document_lands_in() -> None:
    tagger = load_tagger(DEFAULT_MODEL_DIR)
    document = [["Samir", "Haddad", "visited", "Qasra", "."], ["He", "left", "on", "Monday", "."]]
    alone = tagger.tag([document])[0]
    crowd = [[["Word"] * n, ["Lina", "Darwish", "spoke", "."]] for n in (3, 40, 90)]
    together = tagger.tag([*crowd, document])[-1]
    assert [t for t, _ in alone[0]] == [t for t, _ in together[0]]
    assert alone == together  # each window runs on its own: no batch-mates, no padding
    assert tagger.tag([document])[0] == alone


def test_missing_model_dir_says_how_to_rebuild(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(PipelineError) as info:
        get_component("extract.entities.minilm.v1").factory(model_dir=str(missing))
    message = info.value.line()
    assert f"MiniLM NER model file not found: {missing}" in message
    assert "python scripts/train_ner_minilm.py --train" in message
    assert info.value.code == "ST400"


def test_broken_model_dir_says_how_to_rebuild(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(DEFAULT_MODEL_DIR, broken, ignore=shutil.ignore_patterns("model.onnx"))
    (broken / "model.onnx").write_bytes(b"not an onnx model")
    with pytest.raises(PipelineError, match=r"cannot load MiniLM NER model .*rebuild it with `python scripts/train_"):
        get_component("extract.entities.minilm.v1").factory(model_dir=str(broken))


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("harbal", "lower"),
        ("Harbal", "title"),
        ("A", "single_capital"),
        ("UN", "upper"),
        ("U.S.", "upper"),
        ("1996", "digits"),
        (",", "punct"),
        ("McDonald", "mixed"),
        ("al-Asad", "mixed"),
    ],
)
def test_case_class(word: str, kind: str) -> None:
    assert CASE_CLASSES[case_class(word)] == kind


def _toy_document(rng: random.Random, sentences: int, long_at: int) -> list[list[list[int]]]:
    """Sentences of words of wordpiece ids; a piece id encodes (sentence, word, k) as 10,000 + s·10,000 + w·10 + k.

    Sentence ``long_at`` has 120 words of 3 pieces: longer than a window.
    """
    document = []
    for s in range(sentences):
        n_words = 120 if s == long_at else rng.randint(1, 30)
        words = []
        for w in range(n_words):
            n_pieces = 3 if s == long_at else rng.randint(1, 4)
            words.append([10_000 + s * 10_000 + w * 10 + k for k in range(n_pieces)])
        document.append(words)
    return document


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_windows_label_every_word_once_on_its_first_piece_with_context_inside_the_limit(seed: int) -> None:
    rng = random.Random(seed)
    document = _toy_document(rng, 26, long_at=5)
    cases = [[1] * len(words) for words in document]
    config = WindowConfig(max_len=96, block=48, context=12, max_word_pieces=4)
    for training_rng in (None, random.Random(seed)):
        windows = build_windows(document, cases, config, cls_id=101, sep_id=102, rng=training_rng, min_block=24)
        seen: list[tuple[int, int]] = []
        for window in windows:
            assert len(window.input_ids) <= config.max_len
            assert window.input_ids[0] == 101 and window.input_ids[-1] == 102
            assert len(window.case_ids) == len(window.input_ids)
            for (s, w), position in zip(window.words, window.positions, strict=True):
                assert window.input_ids[position] == document[s][w][0]
            seen.extend(window.words)
        assert seen == [(s, w) for s, words in enumerate(document) for w in range(len(words))]
    # Context: a block in the middle of the document sees wordpieces of the sentences on both sides.
    windows = build_windows(document, cases, config, cls_id=101, sep_id=102)
    middle = windows[len(windows) - 2]
    labelled = {s for s, _ in middle.words}
    sentence_of = [(i - 10_000) // 10_000 for i in middle.input_ids[1:-1]]
    assert sentence_of[0] < min(labelled) and sentence_of[-1] > max(labelled)
    assert 0 < sum(s not in labelled for s in sentence_of) <= 2 * config.context


def test_v2_tags_with_less_context_and_finds_the_same_names() -> None:
    from storytrace.extract.ner_minilm import V2_CONTEXT

    text = (
        "Maria Lopez, a spokeswoman for the United Nations, said on Tuesday that aid had reached Geneva.\n\n"
        "The Tesra Council met in Ibdara on Monday, its chairman Samir Haddad told reporters."
    )
    pipeline = Pipeline.from_names(["extract.sentences.rules.v1", "extract.entities.minilm.v2"])
    doc = pipeline(Document(id="d1", text=text, locator="test"))
    found = {(doc.span_text(s), s.label) for s in doc.spans["entities_minilm"]}
    assert {("Maria Lopez", "PER"), ("United Nations", "ORG"), ("Geneva", "LOC"), ("Samir Haddad", "PER")} <= found
    assert get_component("extract.entities.minilm.v2").assigns == ("spans.entities_minilm",)
    v1, v2 = load_tagger(DEFAULT_MODEL_DIR), load_tagger(DEFAULT_MODEL_DIR, context=V2_CONTEXT)
    assert v1.window_config.context == 24 and v2.window_config.context == V2_CONTEXT
    assert v2.session is not v1.session
    # Fewer wordpieces per window: each block sees at most V2_CONTEXT pieces of each neighbour.
    document = [[w for w in f"Sentence {n} names Samir Haddad of Qasra again .".split()] for n in range(40)]
    long_windows = [w for _, w in v1.windows([document])]
    short_windows = [w for _, w in v2.windows([document])]
    assert [w.words for w in long_windows] == [w.words for w in short_windows]
    pieces = [v2.piecer.pieces(words) for words in document]

    def context_pieces(window: Window) -> int:
        return len(window.input_ids) - 2 - sum(len(pieces[s][w]) for s, w in window.words)

    assert max(context_pieces(w) for w in short_windows) == 2 * V2_CONTEXT  # a middle block, both sides full
    assert max(context_pieces(w) for w in long_windows) == 2 * 24
