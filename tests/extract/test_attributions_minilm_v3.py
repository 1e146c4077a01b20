"""Tests for v3 of the MiniLM attribution tagger: the CRF/encoder cascade and the content repairs (invented text)."""

from __future__ import annotations

from typing import Any

import pytest

from storytrace.errors import PipelineError
from storytrace.extract.attributions import _quote_regions, extract_attributions
from storytrace.extract.attributions_crf import (
    _CUE_LIKE,
    attributions_from_tags,
    paragraph_features,
    paragraphs,
    rule_spans,
    rules_tags,
)
from storytrace.extract.attributions_minilm import (
    V3_MODEL_DIR,
    CascadeAttributionTagger,
    extract_attributions_minilm_v3,
    fill_content_gaps,
    load_cascade_tagger,
    with_rules_fallback,
    with_v3_repairs,
)
from storytrace.extract.sentences import split_sentences
from storytrace.model import Document, Span, make_id
from storytrace.pipeline import Pipeline, get_component
from tests.extract.test_attributions_minilm import FakeTagger


def tagged(text: str, marks: dict[str, str]) -> dict[str, list[Span]]:
    """The layers ``attributions_from_tags`` builds when a tagger tags each word as ``marks`` says (else O)."""

    def tagger(text: str, parts: Any, rule_tags: Any, quotes: Any) -> list[list[str]]:
        return [[marks.get(text[a:b], "O") for a, b in zip(p.starts, p.ends, strict=True)] for p in parts]

    return attributions_from_tags(text, split_sentences(text), tagger, rules_headlines=True)


def repaired(text: str, marks: dict[str, str]) -> dict[str, list[Span]]:
    """v3's layers for a tagger that tags as ``marks`` says: v2's fallback and repairs, then v3's."""
    sentences = split_sentences(text)
    rules = extract_attributions(text, sentences)
    return with_v3_repairs(text, sentences, with_rules_fallback(text, sentences, tagged(text, marks), rules), rules)


def described(text: str, layers: dict[str, list[Span]]) -> list[tuple[str, str, str]]:
    """(speaker, cue, content) of each attribution, the content's pieces joined by a space."""
    out = []
    for span in layers["attributions"]:
        attrs = dict(span.attrs)
        content = " ".join(text[a:b] for a, b in attrs["content"]["pieces"])
        out.append((attrs["speaker"]["text"], attrs["cue"]["text"], content))
    return out


def words_marked(words: str, role: str) -> dict[str, str]:
    first, *rest = words.split()
    return {first: f"B-{role}", **{w: f"I-{role}" for w in rest}}


def test_an_apposition_after_the_cue_gives_way_to_the_clause_before_the_source() -> None:
    text = (
        "HARBAL, March 14 (Vell Wire) - The armed group has received drones from Korvan, a senior official said "
        "on Friday, an allegation likely to anger the neighbours."
    )
    marks = words_marked("a senior official", "SOURCE") | {"said": "B-CUE"}
    marks |= words_marked("an allegation likely to anger the neighbours", "CONTENT")
    assert described(text, tagged(text, marks))[0][2] == "an allegation likely to anger the neighbours"
    [(speaker, cue, content)] = described(text, repaired(text, marks))
    assert (speaker, cue, content) == ("a senior official", "said", "The armed group has received drones from Korvan")


def test_a_content_after_the_cue_that_is_no_apposition_stays() -> None:
    text = "The bridge reopened, a senior official said on Friday, adding that trucks would follow."
    marks = words_marked("a senior official", "SOURCE") | {"said": "B-CUE"}
    marks |= words_marked("trucks would follow", "CONTENT")
    assert [c for _, _, c in described(text, repaired(text, marks))] == ["trucks would follow"]


def test_a_content_cut_mid_clause_runs_on_to_the_clause_end() -> None:
    text = "The ministry denied a report that its envoy met the commanders as the siege entered its second week."
    marks = words_marked("The ministry", "SOURCE") | {"denied": "B-CUE"}
    marks |= words_marked("a report that its envoy met the commanders as the siege", "CONTENT")
    [(_, _, content)] = described(text, repaired(text, marks))
    assert content == "a report that its envoy met the commanders as the siege entered its second week"


def test_a_content_runs_on_only_to_the_next_punctuation_mark() -> None:
    text = "Two tankers reached the town on Saturday morning, residents said."
    marks = words_marked("Two tankers reached the town on", "CONTENT")
    marks |= {"residents": "B-SOURCE", "said": "B-CUE"}
    [(speaker, _, content)] = described(text, repaired(text, marks))
    assert (speaker, content) == ("residents", "Two tankers reached the town on Saturday morning")


def test_the_reporters_framing_after_a_content_is_cut() -> None:
    text = "Spokesman Dov Arlen declined to comment on the health of the leader, amid claims online that he was hurt."
    marks = words_marked("Spokesman Dov Arlen", "SOURCE") | {"declined": "B-CUE"}
    marks |= words_marked("to comment on the health of the leader , amid claims online that he was hurt", "CONTENT")
    [(_, _, content)] = described(text, repaired(text, marks))
    assert content == "to comment on the health of the leader"


def test_a_speaker_from_another_sentence_gives_the_rules_attribution_back() -> None:
    text = (
        "The claim that Korvan sent drones rests on one anonymous official quoted by the Vell Wire. "
        "We have seen no evidence."
    )
    marks = words_marked("The claim that Korvan sent drones rests on", "CONTENT")
    marks |= {"have": "B-CUE", "seen": "I-CUE", "evidence": "I-CONTENT"}
    before = described(text, tagged(text, marks))
    assert [(s, c) for s, c, _ in before] == [("one anonymous official", "have seen")]  # the rules' speaker
    fixed = repaired(text, marks)
    assert "have seen" not in [c for _, c, _ in described(text, fixed)]
    [chain] = [[hop["text"] for hop in dict(a.attrs)["chain"]] for a in fixed["attributions"]]
    assert chain == ["the Vell Wire", "one anonymous official"]


def paragraph_of(text: str) -> Any:
    [paragraph] = paragraphs(text, split_sentences(text))
    return paragraph


@pytest.mark.parametrize(
    ("text", "tags", "expected"),
    [
        # An O word inside one sentence's content is content.
        ("Dov said the road , sadly , is shut .", "S C B I O O O I I O", "S C B I I I I I I O"),
        # A B-CONTENT after such a gap continues the content.
        ("Dov said the road was shut .", "S C B O B I O", "S C B I I I O"),
        # Not across a quotation mark, a cue or a source, nor across sentences.
        ('Dov said " the road " was shut .', "S C O B I O I I O", "S C O B I O I I O"),
        ("Dov said the road . It is shut .", "S C B I O O I I O", "S C B I O O I I O"),
        ("Ana said roads , Dov said bridges .", "S C B O S C B O", "S C B O S C B O"),
    ],
)
def test_fill_content_gaps(text: str, tags: str, expected: str) -> None:
    full = {"S": "B-SOURCE", "C": "B-CUE", "B": "B-CONTENT", "I": "I-CONTENT", "O": "O"}
    paragraph = paragraph_of(text)
    assert len(paragraph.starts) == len(tags.split())
    got = fill_content_gaps(text, paragraph, [full[t] for t in tags.split()])
    assert got == [full[t] for t in expected.split()]


class FakeCRF:
    """A crfsuite tagger stand-in: O everywhere, unsure (marginal 0.3) on the words of ``unsure``, else 0.9."""

    def __init__(self, unsure: set[str]) -> None:
        self.unsure = unsure
        self.words: list[str] = []

    def set(self, features: list[list[str]]) -> None:
        self.words = [next(f.split("=", 1)[1] for f in fs if f.startswith("w=")) for fs in features]

    def tag(self) -> list[str]:
        return ["O"] * len(self.words)

    def marginal(self, tag: str, i: int) -> float:
        return 0.3 if self.words[i].lower() in self.unsure else 0.9


def test_the_cascade_encodes_only_candidate_sentences_where_the_crf_is_unsure() -> None:
    text = (
        "The river rose overnight, perhaps. Ona Vell said the well was dry. Her husband believes it will rain.\n\n"
        "Schools stayed shut."
    )
    sentences = split_sentences(text)
    parts = paragraphs(text, sentences)
    rule_tags = [rules_tags(p, rule_spans(extract_attributions(text, sentences))) for p in parts]
    encoder = FakeTagger("B-CUE")
    # "perhaps" is unsure but its sentence is no candidate; "said" is a candidate the CRF is sure of.
    crf = FakeCRF({"perhaps", "believes"})
    cascade = CascadeAttributionTagger(encoder, crf, _CUE_LIKE)  # type: ignore[arg-type]
    tags = cascade.tag_paragraphs(text, parts, rule_tags, _quote_regions(text))
    assert encoder.runs == [[["Her", "husband", "believes", "it", "will", "rain", "."]]]
    words = [text[a:b] for a, b in zip(parts[0].starts, parts[0].ends, strict=True)]
    cues = [w for w, t in zip(words, tags[0], strict=True) if t != "O"]
    assert cues == ["Her", "husband", "believes", "it", "will", "rain", "."]  # the rest keeps the CRF's O
    assert all(t == "O" for t in tags[1])


def test_the_cascade_checks_the_feature_name_it_reads() -> None:
    # FakeCRF reads the word from the CRF's "w=" feature: fail loudly here if that feature is renamed.
    text = "Ona Vell said the well was dry."
    sentences = split_sentences(text)
    [paragraph] = paragraphs(text, sentences)
    features = paragraph_features(text, paragraph, _quote_regions(text), ["O"] * len(paragraph.starts))
    assert any(f == "w=said" for f in features[2])


def test_v3_reads_a_wire_lede_with_an_apposition() -> None:
    text = (
        "HARBAL, March 14 (Vell Wire) - The armed group holding the bridge has received drones from Korvan, "
        "a senior security official said on Friday, a claim likely to anger the neighbours."
    )
    cascade = load_cascade_tagger(V3_MODEL_DIR, threads=1)
    found = described(text, extract_attributions_minilm_v3(cascade, text, split_sentences(text)))
    [(speaker, _, content)] = [a for a in found if a[1] == "said"]
    assert speaker == "a senior security official"
    assert content == "The armed group holding the bridge has received drones from Korvan"


def test_v3_component_is_registered_and_v1_v2_are_kept() -> None:
    text = "Sources told the Mirror that the envoy had left the capital.\n\nThe river rose overnight."
    doc = Document(id=make_id("doc", text), text=text, locator="t")
    doc = Pipeline.from_names(["extract.sentences.rules.v1", "extract.attributions.minilm.v3"])(doc)
    assert [doc.span_text(s) for s in doc.spans["cues"]] == ["told"]
    assert "the envoy had left the capital" in doc.span_text(doc.spans["contents"][0])
    for name in ("extract.attributions.minilm.v1", "extract.attributions.minilm.v2", "extract.attributions.minilm.v3"):
        info = get_component(name)
        assert info.requires == ("spans.sentences",)
        assert set(info.assigns) == {f"spans.{layer}" for layer in ("attributions", "cues", "sources", "contents")}
    with pytest.raises(PipelineError, match="attribution model file not found"):
        get_component("extract.attributions.minilm.v3").factory(model_dir="/nonexistent/model")
