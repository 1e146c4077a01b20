"""Plugging in a spaCy pipeline or a Hugging Face model: offsets line up, labels map, pack identities still win."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import storytrace
from storytrace.errors import PipelineError
from storytrace.extract.adapters import hf_entities
from storytrace.model import Span

TEXT = "Omar Badri met the Harbal Water Board. Later, Kataib Hezbollah fighters left Erbil on Tuesday."
NAMES = [
    "extract.sentences.rules.v1",
    "extract.entities.gazetteer.v1",
    "extract.entities.spacy.v1",
    "extract.entities.merge.v1",
]


@pytest.fixture(scope="module")
def spacy_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "PERSON", "pattern": "Omar Badri"},
            {"label": "ORG", "pattern": "Harbal Water Board"},
            {"label": "PERSON", "pattern": "Kataib Hezbollah"},  # wrong on purpose: the pack must win
            {"label": "DATE", "pattern": "Tuesday"},  # not a name: left to the times component
        ]
    )
    path = tmp_path_factory.mktemp("spacy") / "model"
    nlp.to_disk(path)
    return path


def test_a_saved_spacy_pipeline_plugs_in(spacy_model: Path) -> None:
    nlp = storytrace.load(NAMES, config={"extract.entities.spacy.v1": {"model": str(spacy_model)}})
    doc = nlp(TEXT)
    plugged = [(doc.span_text(s), s.label) for s in doc.spans["entities_spacy"]]
    assert plugged == [("Omar Badri", "PER"), ("Harbal Water Board", "ORG"), ("Kataib Hezbollah", "PER")]
    merged = {doc.span_text(s): (s.label, dict(s.attrs)["entity_id"]) for s in doc.spans["entities"]}
    assert merged["Kataib Hezbollah"] == ("ORG", "mideast:org/kataib-hezbollah")
    assert merged["Omar Badri"] == ("PER", None)
    assert merged["Erbil"][1] == "mideast:gpe/erbil"


def test_a_loaded_spacy_object_plugs_in_too(spacy_model: Path) -> None:
    spacy = pytest.importorskip("spacy")
    nlp = storytrace.load(NAMES, config={"extract.entities.spacy.v1": {"model": spacy.load(spacy_model)}})
    doc = nlp("Omar Badri left the capital before dawn, neighbours said.")
    assert [doc.span_text(s) for s in doc.spans["entities_spacy"]] == ["Omar Badri"]


def test_a_missing_spacy_model_fails_when_the_pipeline_is_built(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    with pytest.raises(PipelineError, match="cannot load the spaCy model"):
        storytrace.load(NAMES, config={"extract.entities.spacy.v1": {"model": str(tmp_path / "nothing")}})


def test_hf_results_are_mapped_onto_sentence_offsets() -> None:
    text = "Omar Badri spoke. He left Erbil."
    sentences = [Span(0, 17), Span(18, 32)]

    def tagger(texts: list[str]) -> Any:  # the shape a transformers token-classification pipeline returns
        assert texts == ["Omar Badri spoke.", "He left Erbil."]
        return [
            [{"entity_group": "PER", "score": 0.99, "word": "omar badri", "start": 0, "end": 10}],
            [
                {"entity_group": "LOC", "score": 0.9, "word": "erbil", "start": 7, "end": 13},
                {"entity_group": "DATE", "score": 0.9, "word": "x", "start": 0, "end": 2},
            ],
        ]

    spans = hf_entities(tagger, text, sentences, "tiny")
    assert [(text[s.start_char : s.end_char], s.label, dict(s.attrs)["confidence"]) for s in spans] == [
        ("Omar Badri", "PER", 0.99),
        ("Erbil", "LOC", 0.9),
    ]


def test_hf_without_a_model_is_a_clear_error() -> None:
    with pytest.raises(PipelineError, match="needs a model"):
        storytrace.load(["extract.sentences.rules.v1", "extract.entities.hf.v1"])
