"""Tests for the CRF named-entity component, its chunker and scorer, and the training script (invented text)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scripts.train_ner_crf import dev_f1, read_conll, train

from storytrace.errors import PipelineError
from storytrace.extract.ner import (
    DEFAULT_MODEL_PATH,
    MODEL_NAME,
    iob_chunks,
    score_chunks,
    sentence_features,
)
from storytrace.model import Document
from storytrace.pipeline import Pipeline, get_component

# An invented toy corpus (fiction written for these tests): 20 sentences in CoNLL layout, tag last.
_TOY_SENTENCES = [
    "Dana/B-PER Kassouf/I-PER visited/O Harbal/B-LOC on/O Monday/O ./O",
    "The/O Tesra/B-ORG Council/I-ORG met/O in/O Ibdara/B-LOC ./O",
    "Samir/B-PER Haddad/I-PER spoke/O for/O the/O Tesra/B-ORG Council/I-ORG ./O",
    "Fighters/O left/O Harbal/B-LOC at/O dawn/O ./O",
    "Lina/B-PER Darwish/I-PER works/O for/O Meridian/B-ORG Wire/I-ORG ./O",
    "Meridian/B-ORG Wire/I-ORG reported/O from/O Ibdara/B-LOC ./O",
    "Officials/O in/O Qasra/B-LOC said/O Dana/B-PER Kassouf/I-PER resigned/O ./O",
    "Samir/B-PER Haddad/I-PER arrived/O in/O Qasra/B-LOC ./O",
    "The/O Harbal/B-ORG Water/I-ORG Authority/I-ORG closed/O three/O stations/O ./O",
    "Lina/B-PER Darwish/I-PER denied/O the/O report/O ./O",
    "Talks/O resumed/O in/O Harbal/B-LOC after/O a/O week/O ./O",
    "The/O Tesra/B-ORG Council/I-ORG refused/O the/O offer/O ./O",
    "Engineers/O from/O the/O Harbal/B-ORG Water/I-ORG Authority/I-ORG returned/O ./O",
    "Dana/B-PER Kassouf/I-PER called/O Samir/B-PER Haddad/I-PER ./O",
    "Ibdara/B-LOC and/O Qasra/B-LOC lie/O on/O the/O river/O ./O",
    "Meridian/B-ORG Wire/I-ORG quoted/O Lina/B-PER Darwish/I-PER ./O",
    "Residents/O of/O Ibdara/B-LOC cheered/O ./O",
    "The/O militia/O withdrew/O from/O Qasra/B-LOC ./O",
    "Samir/B-PER Haddad/I-PER thanked/O the/O Tesra/B-ORG Council/I-ORG ./O",
    "A/O spokesman/O said/O talks/O would/O continue/O ./O",
]


def _write_toy_conll(path: Path) -> Path:
    lines = ["-DOCSTART- -X- -X- O", ""]
    for sentence in _TOY_SENTENCES:
        for item in sentence.split():
            word, tag = item.rsplit("/", 1)
            lines.append(f"{word} NNP B-NP {tag}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def toy_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ner")
    sentences = read_conll(_write_toy_conll(folder / "toy.txt"))
    model = folder / "toy.crfsuite"
    train(sentences, model, c1=0.05, c2=0.01, max_iterations=50)
    return model


def test_train_script_reads_conll_and_trains_a_model_that_fits_its_data(toy_model: Path, tmp_path: Path) -> None:
    sentences = read_conll(_write_toy_conll(tmp_path / "toy.txt"))
    assert len(sentences) == 20
    assert sentences[0] == (
        ["Dana", "Kassouf", "visited", "Harbal", "on", "Monday", "."],
        ["B-PER", "I-PER", "O", "B-LOC", "O", "O", "O"],
    )
    assert toy_model.stat().st_size > 0
    assert dev_f1(toy_model, sentences) > 90.0


def test_crf_component_finds_person_organisation_and_place_with_exact_offsets(toy_model: Path) -> None:
    text = "Samir Haddad met the Tesra Council.\n\nLater, Lina Darwish flew to Ibdara on Monday."
    doc = Document(id="d1", text=text, locator="test")
    pipeline = Pipeline.from_names(
        ["extract.sentences.rules.v1", "extract.entities.crf.v1"],
        {"extract.entities.crf.v1": {"model_path": str(toy_model)}},
    )
    doc = pipeline(doc)
    found = [(doc.span_text(s), s.label) for s in doc.spans["entities_crf"]]
    assert ("Samir Haddad", "PER") in found
    assert ("Tesra Council", "ORG") in found
    assert ("Lina Darwish", "PER") in found
    assert ("Ibdara", "LOC") in found
    for span in doc.spans["entities_crf"]:
        assert text[span.start_char : span.end_char] == doc.span_text(span)
        assert any(s.start_char <= span.start_char < span.end_char <= s.end_char for s in doc.spans["sentences"])
        attrs = dict(span.attrs)
        assert attrs["model"] == MODEL_NAME
        assert 0.0 < attrs["confidence"] <= 1.0
    tesra = next(s for s in doc.spans["entities_crf"] if s.label == "ORG")
    assert (tesra.start_char, tesra.end_char) == (21, 34)
    assert doc.layer_sources["entities_crf"] == "extract.entities.crf.v1"


def test_shipped_model_tags_an_invented_news_sentence() -> None:
    assert DEFAULT_MODEL_PATH.is_file(), "the shipped model is missing: see src/storytrace/models/README.md"
    text = "Maria Lopez, a spokeswoman for the United Nations, said on Tuesday that aid had reached Geneva."
    doc = Pipeline.from_names(["extract.sentences.rules.v1", "extract.entities.crf.v1"])(
        Document(id="d2", text=text, locator="test")
    )
    found = {(doc.span_text(s), s.label) for s in doc.spans["entities_crf"]}
    assert {("Maria Lopez", "PER"), ("United Nations", "ORG"), ("Geneva", "LOC")} <= found


def test_crf_component_with_a_missing_model_says_how_to_rebuild(tmp_path: Path) -> None:
    missing = tmp_path / "nope.crfsuite"
    with pytest.raises(PipelineError) as info:
        get_component("extract.entities.crf.v1").factory(model_path=str(missing))
    message = info.value.line()
    assert f"NER model file not found: {missing}" in message
    assert "python scripts/train_ner_crf.py --train" in message
    assert info.value.code == "ST400"


@pytest.mark.parametrize(
    ("tags", "chunks"),
    [
        (["B-PER", "I-PER", "O", "B-LOC"], [("PER", 0, 2), ("LOC", 3, 4)]),
        (["I-ORG", "I-ORG", "B-ORG"], [("ORG", 0, 2), ("ORG", 2, 3)]),  # conlleval: I- after O opens a chunk
        (["B-PER", "I-LOC", "I-LOC"], [("PER", 0, 1), ("LOC", 1, 3)]),  # a type change opens a chunk
        (["O", "O"], []),
    ],
)
def test_iob_chunks_follow_conlleval(tags: list[str], chunks: list[tuple[str, int, int]]) -> None:
    assert iob_chunks(tags) == chunks


def test_score_chunks_counts_exact_boundary_and_type_matches() -> None:
    gold = [
        ["B-PER", "I-PER", "O", "B-LOC", "O"],
        ["B-ORG", "I-ORG", "I-ORG", "O", "B-MISC"],
    ]
    predicted = [
        ["B-PER", "I-PER", "O", "B-ORG", "O"],  # PER right; LOC typed ORG: one miss, one false ORG
        ["B-ORG", "I-ORG", "O", "O", "B-MISC"],  # ORG too short: wrong; MISC right
    ]
    scores = score_chunks(gold, predicted)
    overall = scores["overall"]
    assert (overall.correct, overall.predicted, overall.gold) == (2, 4, 4)
    assert overall.precision == overall.recall == overall.f1 == 50.0
    assert (scores["ORG"].correct, scores["ORG"].predicted, scores["ORG"].gold) == (0, 2, 1)
    assert scores["LOC"].f1 == 0.0 and scores["PER"].f1 == 100.0


def test_sentence_features_straighten_curly_apostrophes_and_see_neighbours() -> None:
    features = sentence_features(["Kata’ib", "Hezbollah"])
    assert "w=kata'ib" in features[0] and "apos=True" in features[0] and "BOS" in features[0]
    assert "-1:w=kata'ib" in features[1] and "EOS" in features[1]


def test_crf_component_with_a_broken_model_file_says_how_to_rebuild(tmp_path: Path) -> None:
    broken = tmp_path / "broken.crfsuite"
    broken.write_text("not a model", encoding="utf-8")
    component = get_component("extract.entities.crf.v1").factory(model_path=str(broken))
    with pytest.raises(
        PipelineError, match=r"cannot open NER model file .*rebuild it with `python scripts/train_ner_crf"
    ):
        component(Document(id="d3", text="Hello.", locator="test"))
