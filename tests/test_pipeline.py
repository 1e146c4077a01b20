"""Tests for the component registry and pipeline: versioned names, requires/assigns checks, immutable text."""

from __future__ import annotations

import pytest

from storytrace.errors import PipelineError
from storytrace.model import Document, Span, make_id
from storytrace.pipeline import (
    DEFAULT_INGEST_PIPELINE,
    ComponentFn,
    Pipeline,
    get_component,
    register,
    registered_components,
)


def _doc(text: str = "A short report about a meeting in Harbal on Monday.") -> Document:
    return Document(id=make_id("doc", text), text=text, locator="t")


@register("test.sentences.naive.v1", requires=("doc.text",), assigns=("spans.sentences",))
def _sentences() -> ComponentFn:
    """Test component: the whole text as one sentence."""

    def run(doc: Document) -> Document:
        doc.spans["sentences"] = [Span(0, len(doc.text), "S")]
        return doc

    return run


@register("test.needs.sentences.v1", requires=("spans.sentences",), assigns=("spans.words",))
def _words() -> ComponentFn:
    def run(doc: Document) -> Document:
        doc.spans["words"] = [Span(0, doc.text.index(" "), "W")]
        return doc

    return run


@register("test.broken.returns.v1")
def _returns_none() -> ComponentFn:
    def run(doc: Document) -> Document:
        return None  # type: ignore[return-value]

    return run


@register("test.broken.edits.v1")
def _edits_text() -> ComponentFn:
    def run(doc: Document) -> Document:
        doc.text = doc.text.upper()
        return doc

    return run


def test_pipeline_runs_components_in_order() -> None:
    doc = Pipeline.from_names(["test.sentences.naive.v1", "test.needs.sentences.v1"])(_doc())
    assert [s.label for s in doc.spans["sentences"]] == ["S"]
    assert doc.span_text(doc.spans["words"][0]) == "A"


def test_pipeline_checks_requires_when_built() -> None:
    with pytest.raises(PipelineError) as info:
        Pipeline.from_names(["test.needs.sentences.v1", "test.sentences.naive.v1"])
    assert info.value.line() == (
        "component 'test.needs.sentences.v1' requires spans.sentences, which no earlier component assigns "
        "(put a component that assigns it before this one) [ST400]"
    )


def test_pipeline_unknown_component_lists_the_known_ones() -> None:
    with pytest.raises(PipelineError, match=r"no component named 'nope.v1' \(registered: .*clean.language"):
        get_component("nope.v1")


@pytest.mark.parametrize("name", ["language", "clean.language", "clean.language.latest", "clean.language.v"])
def test_register_requires_a_versioned_dotted_name(name: str) -> None:
    with pytest.raises(PipelineError, match="must be dotted and end in a version"):
        register(name)


def test_register_refuses_a_second_factory_under_one_name() -> None:
    def other() -> ComponentFn:
        return lambda doc: doc

    with pytest.raises(PipelineError, match="already registered") as info:
        register("test.sentences.naive.v1")(other)
    assert "a changed behaviour needs a new version" in info.value.line()


def test_pipeline_refuses_a_component_that_returns_no_document() -> None:
    with pytest.raises(PipelineError, match="returned NoneType instead of a Document"):
        Pipeline.from_names(["test.broken.returns.v1"])(_doc())


def test_pipeline_refuses_a_component_that_edits_the_text() -> None:
    with pytest.raises(PipelineError, match="changed the document text") as info:
        Pipeline.from_names(["test.broken.edits.v1"])(_doc())
    assert "add spans instead of editing it" in info.value.line()


def test_builtins_are_registered_like_any_other() -> None:
    names = {info.name for info in registered_components()}
    assert set(DEFAULT_INGEST_PIPELINE) <= names
    info = get_component("clean.language.py3langid.v1")
    assert info.assigns == ("doc.lang", "doc.lang_score") and info.module == "storytrace.clean.language"
