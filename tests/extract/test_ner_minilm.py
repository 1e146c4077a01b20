"""Tests for the MiniLM named-entity component (shipped ONNX model), its windows and case classes (invented text)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from storytrace.errors import PipelineError
from storytrace.extract.ner import iob_chunks
from storytrace.extract.ner_minilm import (
    CASE_CLASSES,
    DEFAULT_MODEL_DIR,
    LABELS,
    MODEL_NAME,
    V1_SETTINGS,
    V3_CROP,
    V3_MIN_SINGLE_CONFIDENCE,
    V3_SETTINGS,
    Window,
    WindowConfig,
    build_windows,
    case_class,
    encoded_segments,
    is_foreign,
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


# extract.entities.minilm.v3: Latin script only, cropped encoding, Viterbi decoding, filtered chunks.


def _run_v3(text: str) -> Document:
    pipeline = Pipeline.from_names(["extract.sentences.rules.v1", "extract.entities.minilm.v3"])
    return pipeline(Document(id="d3", text=text, locator="test"))


@pytest.mark.parametrize(
    ("word", "foreign"),
    [
        ("Haddad", False),
        ("al-Qutrubi", False),
        ("Ḥaddād", False),  # Latin letters with diacritics
        ("Zürich", False),
        ("1996", False),
        ("مروان", True),
        ("أُصيب", True),  # a combining mark is not a letter, the rest is Arabic
        ("Москва", True),
        ("שלום", True),
    ],
)
def test_is_foreign(word: str, foreign: bool) -> None:
    assert is_foreign(word) is foreign


def test_v3_gives_no_entity_on_arabic_script_and_keeps_the_latin_names_around_it() -> None:
    text = (
        "The post by Samir Haddad read in Arabic: «قصف جوي قرب أم سدرة في الليل» (an air strike near Umm Sidra "
        "at night).\n\n"
        "قالت وزارة الداخلية إن الطريق مغلق حتى إشعار آخر.\n\n"
        "Lina Darwish of the Tesra Council said the road to Qasra was closed."
    )
    doc = _run_v3(text)
    found = {(doc.span_text(s), s.label) for s in doc.spans["entities_minilm"]}
    assert not [s for s, _ in found if is_foreign(s)]
    assert {("Samir Haddad", "PER"), ("Lina Darwish", "PER")} <= found
    tagger = load_tagger(DEFAULT_MODEL_DIR, settings=V3_SETTINGS)
    arabic_only = [["قالت", "وزارة", "الداخلية", "إن", "الطريق", "مغلق", "."]]
    assert tagger.windows([arabic_only]) == []  # not encoded at all
    assert tagger.chunks([arabic_only]) == [[[]]]


def test_encoded_segments_keep_the_words_near_capitals_and_skip_other_scripts() -> None:
    sentences = [
        "the convoy left at dawn and the drivers said that the road was quiet until noon".split(),
        "aid reached the town , Samir Haddad said on the radio in the evening after a long day".split(),
        "الطريق مغلق".split(),
        [],
        "Qasra".split(),
    ]
    assert encoded_segments(sentences, latin_only=False, crop=None) == [(0, 0, 16), (1, 0, 18), (2, 0, 2), (4, 0, 1)]
    assert encoded_segments(sentences, latin_only=True, crop=None) == [(0, 0, 16), (1, 0, 18), (4, 0, 1)]
    # Words 5 and 6 of sentence 1 are capitalised: two words either side of them.
    assert encoded_segments(sentences, latin_only=True, crop=2) == [(1, 3, 9), (4, 0, 1)]
    cropped = encoded_segments(sentences, latin_only=True, crop=0)
    assert cropped == [(1, 5, 7), (4, 0, 1)]


def test_v3_windows_hold_only_the_cropped_words_and_the_rest_is_o() -> None:
    tagger = load_tagger(DEFAULT_MODEL_DIR, settings=V3_SETTINGS)
    filler = "and the water was shared out slowly among the families who had waited for many hours".split()
    sentence = [*filler, "until", "Samir", "Haddad", "arrived", "from", "Qasra", *filler, "."]
    windows = [w for _, w in tagger.windows([[sentence]])]
    labelled = [w for window in windows for _, w in window.words]
    name = sentence.index("Samir")
    assert labelled == list(range(name - V3_CROP, sentence.index("Qasra") + V3_CROP + 1))
    probabilities = tagger.probabilities([[sentence]])[0][0]
    assert probabilities[0].tolist() == [1.0] + [0.0] * (len(LABELS) - 1)  # never encoded: O
    assert {(kind, first, end) for kind, first, end, _ in tagger.chunks([[sentence]])[0][0]} == {
        ("PER", name, name + 2),
        ("LOC", sentence.index("Qasra"), sentence.index("Qasra") + 1),
    }


def test_cropped_and_packed_tagging_finds_the_same_names_as_one_sentence_at_a_time() -> None:
    # Each sentence alone (no packing, no context) against the whole document in packed windows: the labels of
    # every window must land on the right words.
    document = [
        "Samir Haddad visited Qasra on Monday .".split(),
        "the talks went on for many hours and the delegates ate late in the evening .".split(),
        "Maria Lopez of the United Nations said aid had reached Geneva .".split(),
        "Lina Darwish met officials in Ibdara after the talks had ended in the morning .".split(),
    ]
    for settings in (V1_SETTINGS, V3_SETTINGS):
        tagger = load_tagger(DEFAULT_MODEL_DIR, settings=settings)
        # Tags, not the kept chunks: context moves probabilities a little, and v3 drops a one-word entity under 0.6.
        packed = [[tag for tag, _ in tags] for tags in tagger.tag([document])[0]]
        alone = [[tag for tag, _ in tagger.tag([[sentence]])[0][0]] for sentence in document]
        assert packed == alone
        assert len(tagger.windows([document])) == 1  # the four sentences share one window
        names = {" ".join(document[s][a:b]) for s, tags in enumerate(packed) for _, a, b in iob_chunks(tags)}
        assert {"Samir Haddad", "Qasra", "Maria Lopez", "United Nations", "Geneva", "Lina Darwish"} <= names


def test_viterbi_decoding_joins_a_name_argmax_splits_into_two_types() -> None:
    tagger = load_tagger(DEFAULT_MODEL_DIR, settings=V3_SETTINGS)
    index = {label: i for i, label in enumerate(LABELS)}
    probs = np.full((3, len(LABELS)), 0.01, dtype=np.float32)
    probs[0, index["B-PER"]], probs[0, index["B-ORG"]] = 0.55, 0.40  # "Ain": rather a person
    probs[1, index["I-ORG"]], probs[1, index["I-PER"]] = 0.60, 0.30  # "Bashura": rather inside an organisation
    probs[2, index["O"]] = 0.95
    assert [t for t, _ in tagger.decode(probs, "argmax")] == ["B-PER", "I-ORG", "O"]  # two chunks of one word each
    assert [t for t, _ in tagger.decode(probs, "viterbi")] == ["B-ORG", "I-ORG", "O"]
    probs[1, index["I-PER"]] = 0.9  # now argmax is valid BIO, hence the best path: kept as it is
    assert [t for t, _ in tagger.decode(probs, "viterbi")] == ["B-PER", "I-PER", "O"]
    probs[0, index["I-LOC"]] = 0.99  # a sentence cannot open inside a chunk
    assert tagger.decode(probs, "argmax")[0][0] == "I-LOC"
    assert tagger.decode(probs, "viterbi")[0][0] != "I-LOC"
    assert tagger.decode(probs[:0], "viterbi") == []
    assert tagger.decoding == "viterbi" and load_tagger(DEFAULT_MODEL_DIR).decoding == "argmax"


def test_v3_chunks_drop_hesitant_single_words_and_entities_without_letters(monkeypatch: pytest.MonkeyPatch) -> None:
    tagger = load_tagger(DEFAULT_MODEL_DIR, settings=V3_SETTINGS)
    words = ["Interior", "Minister", "Adnan", "Bayyoud", "took", "Route", "9", "to", "Harbal"]
    tags = [("B-ORG", 0.5), ("O", 0.9), ("B-PER", 0.55), ("I-PER", 0.6), ("O", 1.0)]
    tags += [("O", 0.6), ("B-MISC", 0.9), ("O", 1.0), ("B-LOC", 0.61)]
    monkeypatch.setattr(tagger, "probabilities", lambda documents: [[np.zeros((len(words), len(LABELS)))]])
    monkeypatch.setattr(tagger, "decode", lambda probs: tags)
    kept = [(kind, first, end) for kind, first, end, _ in tagger.chunks([[words]])[0][0]]
    # "Interior" (0.5 < V3_MIN_SINGLE_CONFIDENCE) and "9" (no letter) go; two words at 0.575 and "Harbal" stay.
    assert V3_MIN_SINGLE_CONFIDENCE == 0.6
    assert kept == [("PER", 2, 4), ("LOC", 8, 9)]


def test_v3_is_registered_and_finds_the_names() -> None:
    text = (
        "Maria Lopez, a spokeswoman for the United Nations, said on Tuesday that aid had reached Geneva.\n\n"
        "The Tesra Council met in Ibdara on Monday, its chairman Samir Haddad told reporters."
    )
    doc = _run_v3(text)
    found = {(doc.span_text(s), s.label) for s in doc.spans["entities_minilm"]}
    assert {("Maria Lopez", "PER"), ("United Nations", "ORG"), ("Geneva", "LOC"), ("Samir Haddad", "PER")} <= found
    info = get_component("extract.entities.minilm.v3")
    assert info.requires == ("spans.sentences",) and info.assigns == ("spans.entities_minilm",)
    assert V3_SETTINGS.context == 4 and V3_SETTINGS.crop == V3_CROP and V3_SETTINGS.latin_only
