"""Tests for the CRF attribution tagger (invented sentences only; the shipped model, no dataset)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from storytrace.errors import PipelineError
from storytrace.extract.attributions import extract_attributions
from storytrace.extract.attributions_crf import (
    DEFAULT_MODEL_PATH,
    decode,
    extract_attributions_crf,
    load_tagger,
    paragraphs,
)
from storytrace.extract.sentences import split_sentences
from storytrace.model import Document, make_id
from storytrace.pipeline import Pipeline, get_component

LAYERS = ("attributions", "cues", "sources", "contents")


def layers(text: str) -> dict[str, Any]:
    return extract_attributions_crf(load_tagger(DEFAULT_MODEL_PATH), text, split_sentences(text))


def attributions(text: str) -> list[dict[str, Any]]:
    """Each attribution as a flat dict: label, cue, speaker, source kind, content text (pieces joined), chain."""
    out = []
    for span in layers(text)["attributions"]:
        attrs = dict(span.attrs)
        out.append(
            {
                "label": span.label,
                "cue": attrs["cue"]["text"],
                "speaker": attrs["speaker"]["text"],
                "speaker_kind": attrs["speaker"]["kind"],
                "source": attrs["source"]["text"],
                "content": " ".join(text[a:b] for a, b in attrs["content"]["pieces"]),
                "chain": [(hop["text"], hop["kind"]) for hop in attrs["chain"]],
                "hedges": attrs["hedges"],
                "polarity": attrs["polarity"],
                "resolved_to": (attrs["resolved_to"] or {}).get("text"),
            }
        )
    return out


def only(text: str) -> dict[str, Any]:
    found = attributions(text)
    assert len(found) == 1, found
    return found[0]


def test_model_is_shipped_and_small() -> None:
    assert DEFAULT_MODEL_PATH.is_file(), "the shipped model is missing: see attributions-crf-polnear.md"
    assert DEFAULT_MODEL_PATH.stat().st_size <= 10_000_000


def test_direct_quote_with_a_named_speaker_after_the_cue() -> None:
    a = only("“The bridge will stay closed until the spring,” said Mara Velliot, the mayor of Teluna.")
    assert a["cue"] == "said"
    assert a["speaker"].startswith("Mara Velliot")
    assert a["speaker_kind"] == "named"
    assert "The bridge will stay closed until the spring" in a["content"]
    assert a["label"] == "direct"


def test_indirect_speech_with_an_anonymous_source() -> None:
    a = only("Two officials in the provincial council said that the harvest had failed for a second year.")
    assert a["cue"] == "said"
    assert a["speaker"].endswith("officials in the provincial council")
    assert a["speaker_kind"] == "anonymous"
    assert a["content"].endswith("the harvest had failed for a second year")
    assert a["label"] == "indirect"
    assert a["polarity"] == "asserts"


def test_denial_with_a_hedge_and_a_pronoun_resolved_to_the_named_speaker() -> None:
    text = (
        "Dorian Kell, the harbour master, said the ferry had left on time.\n\n"
        "He denied that the crew could have ignored the storm warning."
    )
    found = attributions(text)
    assert [a["speaker"] for a in found][-1] == "He"
    last = found[-1]
    assert last["polarity"] == "denies"
    assert last["resolved_to"] is not None and last["resolved_to"].startswith("Dorian Kell")
    assert "could" in last["hedges"]
    assert "the crew could have ignored the storm warning" in last["content"]


def test_chain_of_an_outlet_citing_a_source_comes_from_the_rules() -> None:
    a = only("The Teluna Courier, citing a council member, reported that the budget had doubled.")
    assert a["speaker"] == "The Teluna Courier"
    assert a["chain"] == [("The Teluna Courier", "outlet"), ("a council member", "anonymous")]
    assert a["source"] == "The Teluna Courier"
    assert a["content"].endswith("the budget had doubled")


def test_quote_split_around_the_cue_is_one_content_in_two_pieces() -> None:
    text = "“We have no water,” the farmer said, “and no one has come to help us.”"
    a = only(text)
    assert a["cue"] == "said"
    assert a["speaker"] == "the farmer"
    assert "We have no water" in a["content"] and "no one has come to help us" in a["content"]


def test_a_headline_attribution_left_out_by_the_tagger_is_kept_from_the_rules() -> None:
    text = "Harbour authority denies ferry sank near Teluna\n\nThe ferry was seen leaving the port on Monday."
    a = attributions(text)[0]
    assert (a["speaker"], a["cue"], a["polarity"]) == ("Harbour authority", "denies", "denies")
    assert a["content"] == "ferry sank near Teluna"


def test_layers_have_the_shape_of_the_rules() -> None:
    text = (
        "“The road is open again,” said Ines Marl, a spokeswoman for the ministry.\n\n"
        "Residents told reporters that the water supply had been cut for three days."
    )
    crf = layers(text)
    rules = extract_attributions(text, split_sentences(text))
    assert set(crf) == set(rules) == set(LAYERS)
    assert len(crf["attributions"]) == len(crf["cues"]) == len(crf["contents"]) >= 2
    for ours, theirs in zip(crf["attributions"], rules["attributions"], strict=False):
        assert [k for k, _ in ours.attrs] == [k for k, _ in theirs.attrs]
        assert {k: type(v) for k, v in ours.attrs if v is not None} == {
            k: type(v) for k, v in theirs.attrs if v is not None
        }
        assert ours.label in {"direct", "indirect", "mixed"}
    for span in crf["sources"]:
        assert dict(span.attrs)["role"] in {"speaker", "via"}
        assert span.label in {"named", "anonymous", "outlet", "document", "social", "pronoun"}
    speakers = [s for s in crf["sources"] if dict(s.attrs)["role"] == "speaker"]
    assert len(speakers) == len(crf["attributions"])
    for cue, content, attribution in zip(crf["cues"], crf["contents"], crf["attributions"], strict=True):
        attrs = dict(attribution.attrs)
        assert (cue.start_char, cue.end_char) == (attrs["cue"]["start_char"], attrs["cue"]["end_char"])
        assert attribution.start_char <= min(cue.start_char, content.start_char)
        assert attribution.end_char >= max(cue.end_char, content.end_char)
        assert [list(p) for p in dict(content.attrs)["pieces"]] == attrs["content"]["pieces"]


def test_text_without_attribution_gives_empty_layers() -> None:
    found = layers("The river rose by two metres overnight.\n\nSchools in the valley stayed shut.")
    assert all(found[name] == [] for name in LAYERS)


def test_decode_joins_a_later_content_piece_and_keeps_roles_apart() -> None:
    tags = ["B-CONTENT", "I-CONTENT", "O", "B-SOURCE", "I-SOURCE", "B-CUE", "O", "I-CONTENT", "I-CONTENT"]
    assert decode(tags) == [("CONTENT", [(0, 2), (7, 9)]), ("SOURCE", [(3, 5)]), ("CUE", [(5, 6)])]
    # A content far from the last one starts a content of its own.
    far = ["B-CONTENT", *["O"] * 40, "I-CONTENT"]
    assert decode(far) == [("CONTENT", [(0, 1)]), ("CONTENT", [(41, 42)])]
    assert decode(far, max_gap=50) == [("CONTENT", [(0, 1), (41, 42)])]
    assert decode(["B-CUE", "B-CUE", "I-CUE"]) == [("CUE", [(0, 1)]), ("CUE", [(1, 3)])]


def test_paragraphs_split_on_blank_lines_only() -> None:
    text = "One said two.\nThree said four.\n\nFive said six."
    paras = paragraphs(text, split_sentences(text))
    assert len(paras) == 2
    assert [text[s:e] for s, e in zip(paras[1].starts, paras[1].ends, strict=True)] == ["Five", "said", "six", "."]


def test_component_assigns_the_four_layers() -> None:
    text = "Sources told the Mirror that the envoy had left the capital."
    doc = Document(id=make_id("doc", text), text=text, locator="t")
    doc = Pipeline.from_names(["extract.sentences.rules.v1", "extract.attributions.crf.v3"])(doc)
    assert [doc.span_text(s) for s in doc.spans["cues"]] == ["told"]
    assert "the envoy had left the capital" in doc.span_text(doc.spans["contents"][0])
    info = get_component("extract.attributions.crf.v3")
    assert info.requires == ("spans.sentences",)
    assert set(info.assigns) == {f"spans.{name}" for name in LAYERS}


def test_missing_model_gives_a_pipeline_error_that_says_how_to_rebuild(tmp_path: Path) -> None:
    missing = tmp_path / "nope.crfsuite"
    with pytest.raises(PipelineError) as info:
        get_component("extract.attributions.crf.v3").factory(model_path=str(missing))
    message = info.value.line()
    assert f"attribution model file not found: {missing}" in message
    assert "python scripts/train_attributions_crf.py" in message


def test_broken_model_file_gives_a_pipeline_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.crfsuite"
    broken.write_text("not a model", encoding="utf-8")
    with pytest.raises(PipelineError, match="cannot open attribution model file"):
        get_component("extract.attributions.crf.v3").factory(model_path=str(broken))


def test_a_time_adjunct_at_the_end_of_a_tagged_source_is_left_out() -> None:
    from storytrace.extract.attributions_crf import _without_time_tail

    def trimmed(source: str) -> str:
        return source[: _without_time_tail(source, 0, len(source))]

    assert trimmed("The government on Wednesday") == "The government"
    assert trimmed("police late on Sunday night") == "police"
    assert trimmed("Monday") == "Monday"  # nothing else would be left
    assert trimmed("the Tuesday Group") == "the Tuesday Group"


def test_intervals_overlapping_matches_a_scan() -> None:
    import random

    from storytrace.extract.attributions_crf import _Intervals, _overlaps

    rng = random.Random(7)
    for _ in range(300):
        intervals = [(a, a + rng.randint(0, 15)) for a in (rng.randint(0, 80) for _ in range(rng.randint(0, 12)))]
        start = rng.randint(0, 90)
        end = start + rng.randint(0, 10)
        expected = [k for k, iv in enumerate(intervals) if _overlaps(iv, (start, end))]
        assert _Intervals(intervals).overlapping(start, end) == expected


def test_intervals_overlapping_a_point_finds_the_intervals_strictly_around_it() -> None:
    from storytrace.extract.attributions_crf import _Intervals

    # "X, citing Y, said": a cue at 10 lies inside the chain (5, 20), not inside (10, 30) nor (0, 10).
    assert _Intervals([(10, 30), (5, 20), (0, 10)]).overlapping(10, 10) == [1]


def test_painted_spans_per_paragraph_give_the_tags_of_all_spans() -> None:
    from storytrace.extract.attributions import extract_attributions
    from storytrace.extract.attributions_crf import _painted_per_paragraph, rule_spans, rules_tags

    text = (
        "“The road is open,” the mayor said. Officials said the convoy left.\n\n"
        "According to the Courier, a council member said the talks had failed.\n\n"
        "Nothing was said here. “We will stay,” he said, “until the end.”"
    )
    sentences = split_sentences(text)
    parts = paragraphs(text, sentences)
    painted = rule_spans(extract_attributions(text, sentences))
    per_paragraph = _painted_per_paragraph(parts, painted)
    assert len(parts) == 3 and all(per_paragraph)
    for paragraph, spans in zip(parts, per_paragraph, strict=True):
        assert rules_tags(paragraph, spans) == rules_tags(paragraph, painted)
        assert len(spans) < len(painted)


def test_a_relative_which_resolves_to_the_outlet_before_its_comma() -> None:
    text = (
        "The report was carried by the Teluna Wire news agency, which quoted a port official as saying that "
        "the ferry had sunk."
    )
    a = next(a for a in attributions(text) if a["speaker"] == "which")
    assert a["resolved_to"] == "the Teluna Wire news agency"
