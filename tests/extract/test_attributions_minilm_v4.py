"""Tests for v4 of the MiniLM attribution tagger: v3 and the content-boundary repairs after it (invented text)."""

from __future__ import annotations

from storytrace.extract.attributions_minilm import (
    V3_MODEL_DIR,
    extract_attributions_minilm_v3,
    extract_attributions_minilm_v4,
    load_cascade_tagger,
    with_v4_repairs,
)
from storytrace.extract.sentences import split_sentences
from storytrace.model import Document, Span, make_id
from storytrace.pipeline import PIPELINES, Pipeline, get_component
from tests.extract.test_attributions_minilm_v3 import described, repaired, words_marked


def v4_repaired(text: str, marks: dict[str, str]) -> dict[str, list[Span]]:
    """v4's layers for a tagger that tags as ``marks`` says: v3's (fallback and repairs), then v4's."""
    return with_v4_repairs(text, split_sentences(text), repaired(text, marks))


def pieces(text: str, layers: dict[str, list[Span]]) -> list[list[str]]:
    """The text of each content's pieces."""
    return [[text[a:b] for a, b in dict(span.attrs)["pieces"]] for span in layers["contents"]]


def said(source: str, content: str) -> dict[str, str]:
    return words_marked(source, "SOURCE") | {"said": "B-CUE"} | words_marked(content, "CONTENT")


def test_the_words_before_an_interposed_source_are_the_first_piece() -> None:
    text = "The council met on Monday. In the northern districts, the mayor said, farmers have stopped planting wheat."
    marks = said("the mayor", "farmers have stopped planting wheat")
    assert pieces(text, repaired(text, marks)) == [["farmers have stopped planting wheat"]]
    layers = v4_repaired(text, marks)
    assert pieces(text, layers) == [["In the northern districts", "farmers have stopped planting wheat"]]
    [attribution] = layers["attributions"]
    assert dict(attribution.attrs)["content"]["start_char"] == text.index("In the northern")
    assert layers["contents"][0].start_char == text.index("In the northern")


def test_no_first_piece_before_a_quotation_or_without_the_commas() -> None:
    # Before a quotation the opening words are the reporter's framing ("As the convoy left, …").
    text = "As the convoy left, the mayor said, “nobody will stop these trucks.”"
    marks = said("the mayor", "nobody will stop these trucks")
    assert pieces(text, v4_repaired(text, marks)) == pieces(text, repaired(text, marks))
    # No comma after the cue: an ordinary "In …, X said Y" whose opening phrase is not the speaker's.
    text = "In a statement, the mayor said farmers have stopped planting wheat."
    marks = said("the mayor", "farmers have stopped planting wheat")
    assert pieces(text, v4_repaired(text, marks)) == [["farmers have stopped planting wheat"]]


def test_a_content_after_its_cue_stops_at_the_end_of_the_cues_sentence() -> None:
    text = "The mayor said the pumps were repaired. Engineers worked through the night."
    marks = said("The mayor", "the pumps were repaired . Engineers worked through the night")
    assert pieces(text, repaired(text, marks)) == [["the pumps were repaired. Engineers worked through the night"]]
    layers = v4_repaired(text, marks)
    assert pieces(text, layers) == [["the pumps were repaired"]]
    assert layers["attributions"][0].end_char == text.index(". Engineers")


def test_a_quotation_running_over_two_sentences_is_kept_whole() -> None:
    text = "The mayor said: “The pumps are repaired. We start pumping tomorrow.”"
    marks = {"The": "B-SOURCE", "mayor": "I-SOURCE", "said": "B-CUE"}
    marks |= words_marked("“ The pumps are repaired . We start pumping tomorrow . ”", "CONTENT")
    before = pieces(text, repaired(text, marks))
    assert "We start pumping tomorrow" in before[0][-1]
    assert pieces(text, v4_repaired(text, marks)) == before


def test_the_next_sentence_wholly_quoted_is_a_second_piece() -> None:
    text = "“The talks are over,” the envoy said. “We leave tonight.”\n\nThe river rose overnight."
    marks = words_marked("the envoy", "SOURCE") | {"said": "B-CUE"} | words_marked("The talks are over", "CONTENT")
    [[first]] = pieces(text, repaired(text, marks))
    layers = v4_repaired(text, marks)
    [[piece, second]] = pieces(text, layers)
    assert piece == first and "The talks are over" in first
    assert second == "“We leave tonight.”"
    assert dict(layers["attributions"][0].attrs)["content"]["end_char"] == text.index("\n\nThe river")


def test_no_second_piece_when_the_next_sentence_goes_on_after_its_quotation() -> None:
    text = "“The talks are over,” the envoy said. “We leave tonight,” her deputy added."
    marks = words_marked("the envoy", "SOURCE") | {"said": "B-CUE"} | words_marked("The talks are over", "CONTENT")
    assert len(pieces(text, v4_repaired(text, marks))[0]) == 1


def test_a_leading_connective_is_dropped_but_not_a_conjunction() -> None:
    text = "Still, the road will stay closed, officials said."
    marks = said("officials", "Still , the road will stay closed")
    assert pieces(text, repaired(text, marks)) == [["Still, the road will stay closed"]]
    assert pieces(text, v4_repaired(text, marks)) == [["the road will stay closed"]]
    text = "But the road will stay closed, officials said."
    marks = said("officials", "But the road will stay closed")
    assert pieces(text, v4_repaired(text, marks)) == [["But the road will stay closed"]]


def test_a_connective_inside_a_quotation_stays() -> None:
    text = "“Still, we will wait,” the ministry said."
    marks = said("the ministry", "“ Still , we will wait , ”")
    before = pieces(text, repaired(text, marks))
    assert "Still" in before[0][0]
    assert pieces(text, v4_repaired(text, marks)) == before


def test_v4_reads_a_quotation_continued_after_a_long_apposition() -> None:
    # v3 gives the second quotation to "asked" (its content ran on over the full stop); v4 gives it to "said".
    text = (
        "The envoys met for three hours in the border town.\n\n“Both sides came to listen, not to sign,” said the "
        "second delegate, an official who asked not to be named because of the sensitivity of the talks. “But the "
        "fact that they sat in one room matters.”"
    )
    cascade = load_cascade_tagger(V3_MODEL_DIR, threads=1)
    sentences = split_sentences(text)
    old = {
        cue: content for _, cue, content in described(text, extract_attributions_minilm_v3(cascade, text, sentences))
    }
    new = {
        cue: content for _, cue, content in described(text, extract_attributions_minilm_v4(cascade, text, sentences))
    }
    assert "sat in one room" in old["asked"] and "sat in one room" not in old["said"]
    assert new["asked"] == "not to be named because of the sensitivity of the talks"
    assert new["said"].startswith("“Both sides came to listen") and new["said"].endswith("sat in one room matters.”")


def test_v4_component_is_registered_v3_is_kept_and_default_uses_v4() -> None:
    text = "Still, the road will stay closed until the bridge is inspected, the ministry said on Sunday."
    doc = Document(id=make_id("doc", text), text=text, locator="t")
    doc = Pipeline.from_names(["extract.sentences.rules.v1", "extract.attributions.minilm.v4"])(doc)
    assert [doc.span_text(s) for s in doc.spans["contents"]] == [
        "the road will stay closed until the bridge is inspected"
    ]
    for name in ("extract.attributions.minilm.v3", "extract.attributions.minilm.v4"):
        info = get_component(name)
        assert info.requires == ("spans.sentences",)
        assert set(info.assigns) == {f"spans.{layer}" for layer in ("attributions", "cues", "sources", "contents")}
    attribution_components = [c for c in PIPELINES["default"] if c.startswith("extract.attributions.")]
    assert attribution_components == ["extract.attributions.minilm.v5"]  # v4's repairs and more since session 16
