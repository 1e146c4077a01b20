"""Tests for v5 of the MiniLM attribution tagger: v4 and the speaker and cue repairs after it (invented text).

Each test feeds a repair the layers a tagger error gives (a fake tagger's marks, through v3's and v4's repairs, or
hand-built layers where a mark per word cannot say it) and asserts the speaker (and content) v5 reads instead.
"""

from __future__ import annotations

from typing import Any

from storytrace.extract.attributions import _quote_regions
from storytrace.extract.attributions_minilm import (
    V3_MODEL_DIR,
    V5_REPAIRS,
    extract_attributions_minilm_v4,
    extract_attributions_minilm_v5,
    load_cascade_tagger,
    with_v5_repairs,
)
from storytrace.extract.sentences import split_sentences
from storytrace.model import Document, Span, make_id
from storytrace.pipeline import Pipeline, get_component
from tests.extract.test_attributions_minilm_v3 import described, words_marked
from tests.extract.test_attributions_minilm_v4 import v4_repaired


def v5(text: str, layers: dict[str, list[Span]]) -> list[tuple[str, str, str]]:
    """(speaker, cue, content) of each attribution after v5's repairs."""
    return described(text, with_v5_repairs(text, split_sentences(text), layers))


def marked(text: str, source: str, cue: str, content: str) -> dict[str, list[Span]]:
    """v4's layers for a tagger that marks ``source``, ``cue`` and ``content`` (each word once in the text)."""
    marks = words_marked(source, "SOURCE") | words_marked(cue, "CUE") | words_marked(content, "CONTENT")
    return v4_repaired(text, marks)


def built(text: str, *records: tuple[str, str, list[str], str | None]) -> dict[str, list[Span]]:
    """Layers of hand-built attributions: (speaker, cue, content pieces, pronoun antecedent or None), each phrase
    the first occurrence in ``text`` after the previous record's cue (the speaker searched from the sentence
    start)."""
    layers: dict[str, list[Span]] = {"attributions": [], "cues": [], "sources": [], "contents": []}
    at = 0
    for speaker, cue, pieces, antecedent in records:
        s = text.index(speaker, text.rfind(".", 0, text.index(cue, at)) + 1)
        c = text.index(cue, at)
        spans = [(text.index(p), text.index(p) + len(p)) for p in pieces]
        hop = {"text": speaker, "start_char": s, "end_char": s + len(speaker), "kind": "named"}
        resolved = None
        if antecedent is not None:
            a = text.index(antecedent)
            resolved = {"text": antecedent, "start_char": a, "end_char": a + len(antecedent), "kind": "named"}
            hop["kind"] = "pronoun"
        start = min(s, c, spans[0][0])
        end = max(s + len(speaker), c + len(cue), spans[-1][1])
        label = "indirect" if not _quote_regions(text) else "mixed"
        attrs: dict[str, Any] = {
            "cue": {"text": cue, "start_char": c, "end_char": c + len(cue)},
            "source": hop,
            "speaker": hop,
            "content": {"start_char": spans[0][0], "end_char": spans[-1][1], "pieces": [list(p) for p in spans]},
            "chain": [{"text": speaker, "kind": hop["kind"]}],
            "hedges": [],
            "polarity": "asserts",
            "resolved_to": resolved,
        }
        layers["attributions"].append(Span(start, end, label, tuple(attrs.items())))
        layers["cues"].append(Span(c, c + len(cue), "cue", (("polarity", "asserts"),)))
        layers["sources"].append(Span(s, s + len(speaker), str(hop["kind"]), (("role", "speaker"),)))
        layers["contents"].append(Span(spans[0][0], spans[-1][1], label, (("pieces", tuple(spans)),)))
        at = c + len(cue)
    return layers


def speakers(text: str, layers: dict[str, list[Span]]) -> dict[str, str]:
    """Cue -> speaker after v5's repairs."""
    return {cue: speaker for speaker, cue, _ in v5(text, layers)}


def test_a_correct_speaker_is_left_alone() -> None:
    text = "A harbour pilot said the channel was closed. She added that two buoys were missing."
    layers = marked(text, "A harbour pilot", "said", "the channel was closed")
    assert described(text, layers)[0] == ("A harbour pilot", "said", "the channel was closed")
    assert with_v5_repairs(text, split_sentences(text), layers) == layers


def test_y_said_x_gives_x_the_word_and_y_the_content() -> None:
    text = "Harbin Vale runs a ferry office, said two clerks who work at the port."
    layers = marked(text, "Harbin", "said", "two clerks who work at the port")
    assert described(text, layers)[0][0] == "Harbin"
    assert v5(text, layers)[0] == ("two clerks who work at the port", "said", "Harbin Vale runs a ferry office")


def test_x_who_said_y_gives_x_the_word_back() -> None:
    text = "A retired judge, who sat on an appeals bench until 2019, said the inquiry was rushed."
    layers = marked(text, "the inquiry", "said", "was rushed")
    [(speaker, _, content)] = [a for a in v5(text, layers) if a[1] == "said"]
    assert speaker == "A retired judge, who sat on an appeals bench until 2019"
    assert content == "the inquiry was rushed"


def test_an_article_alone_gives_way_to_the_noun_phrase_before_the_cue() -> None:
    text = "The bulletin added that “trusted wardens” confirmed the dam was safe."
    layers = built(text, ("The", "confirmed", ["the dam was safe"], None))
    assert speakers(text, layers) == {"confirmed": "trusted wardens"}


def test_a_speaker_running_into_its_cue_is_cut_before_it() -> None:
    text = "According to the clerk cited by the Dernow Courier, the ferry will stop."
    layers = built(text, ("the clerk cited", "cited", ["the ferry will stop"], None))
    assert speakers(text, layers) == {"cited": "the clerk"}


def test_a_leading_connective_is_no_part_of_the_speaker_and_a_pronoun_follows_the_fix() -> None:
    text = "However, Captain Ilse Varn said the channel was closed. She added that two buoys were missing."
    layers = built(
        text,
        ("However, Captain Ilse Varn", "said", ["the channel was closed"], None),
        ("She", "added", ["two buoys were missing"], "However, Captain Ilse Varn"),
    )
    repaired = with_v5_repairs(text, split_sentences(text), layers)
    assert [speaker for speaker, _, _ in described(text, repaired)] == ["Captain Ilse Varn", "She"]
    assert dict(repaired["attributions"][1].attrs)["resolved_to"]["text"] == "Captain Ilse Varn"
    assert text[repaired["sources"][0].start_char : repaired["sources"][0].end_char] == "Captain Ilse Varn"
    # The claim of the second sentence is the captain's, not "However, …".
    doc = Document(id=make_id("doc", text), text=text, locator="t")
    doc.spans.update({"sentences": split_sentences(text), **repaired})
    doc = get_component("extract.claims.rules.v5").factory()(doc)
    claims = {doc.span_text(c): dict(c.attrs)["speaker"]["text"] for c in doc.spans["claims"]}
    assert claims["two buoys were missing"] == "Captain Ilse Varn"


def test_a_time_phrase_is_no_speaker() -> None:
    text = "The floods that came in the past three weeks of 2031 called for new levees."
    layers = built(text, ("the past three weeks of 2031", "called for", ["new levees"], None))
    assert v5(text, layers) == []
    text = "Two weeks before, Mira Osk said the archive had burned."
    layers = built(text, ("Two weeks before, Mira Osk", "said", ["the archive had burned"], None))
    assert speakers(text, layers) == {"said": "Mira Osk"}


def test_the_last_name_of_a_subject_gives_way_to_the_whole_subject() -> None:
    text = "Data from the Relief Office in Dernow showed that wells were dry."
    layers = marked(text, "Dernow", "showed", "wells were dry")
    assert described(text, layers)[0][0] == "Dernow"
    assert speakers(text, layers) == {"showed": "Data from the Relief Office in Dernow"}
    # After a verb the name is the verb's object, not a subject's tail: left alone.
    text = "The talks ended with Osk saying that wells were dry."
    layers = built(text, ("Osk", "saying", ["wells were dry"], None))
    assert speakers(text, layers) == {"saying": "Osk"}


def test_a_name_cut_short_runs_on_over_its_capitalised_words() -> None:
    text = "Prime Minister Omar Tal said the port would reopen on Monday."
    layers = built(text, ("Prime Minister Omar", "said", ["the port would reopen on Monday"], None))
    assert speakers(text, layers) == {"said": "Prime Minister Omar Tal"}


def test_a_speaker_with_one_quotation_mark_takes_the_other() -> None:
    text = "Sources at the “Harbour Gazette” said piers were unsafe."
    layers = marked(text, "Sources at the “ Harbour Gazette", "said", "piers were unsafe")
    assert described(text, layers)[0][0] == "Sources at the “Harbour Gazette"
    assert speakers(text, layers) == {"said": "Sources at the “Harbour Gazette”"}


def test_a_speaker_ending_on_a_preposition_runs_on_and_one_ending_on_quoting_is_cut() -> None:
    text = "According to engineers from the “Dernow Water Board”, pumps failed twice."
    layers = marked(text, "engineers from", "According to", "pumps failed twice")
    assert described(text, layers)[0][0] == "engineers from"
    assert speakers(text, layers) == {"According to": "engineers from the “Dernow Water Board”"}
    text = "Pumps failed twice, according to leaks quoting engineers close to the board."
    layers = built(text, ("leaks quoting", "according to", ["Pumps failed twice"], None))
    assert speakers(text, layers) == {"according to": "leaks"}


def test_a_speaker_read_into_its_own_content_is_taken_out() -> None:
    text = "The river guild had reported on its website the closure of the “north quay” in Dernow."
    layers = built(text, ("The river guild", "had reported", ["The river guild", "“north quay” in Dernow"], None))
    [(speaker, _, content)] = v5(text, layers)
    assert (speaker, content) == ("The river guild", "on its website the closure of the “north quay” in Dernow")


def test_declaring_a_state_is_an_act_not_a_report() -> None:
    text = "The council declared a state of emergency on Monday. The mayor declared that the bridge was safe."
    layers = built(
        text,
        ("The council", "declared", ["a state of emergency on Monday"], None),
        ("The mayor", "declared", ["the bridge was safe"], None),
    )
    assert v5(text, layers) == [("The mayor", "declared", "the bridge was safe")]


def test_a_possessive_before_a_noun_and_the_sentences_predicate_is_no_attribution() -> None:
    text = "Mira Osk’s warning seemed routine to the crew. Tal’s warning that the dam would fail went unheeded."
    layers = built(
        text,
        ("Mira Osk’s", "warning", ["seemed routine to the crew"], None),
        ("Tal’s", "warning", ["the dam would fail"], None),
    )
    assert v5(text, layers) == [("Tal’s", "warning", "the dam would fail")]


def test_a_cue_read_twice_inside_anothers_content_is_dropped() -> None:
    text = "They not only sought the mine, they also wanted the port, said a miner who left in 2030."
    layers = built(
        text,
        ("a miner who", "sought", ["the mine"], None),
        ("a miner who left in 2030", "said", ["They not only sought the mine, they also wanted the port"], None),
    )
    assert [cue for _, cue, _ in v5(text, layers)] == ["said"]


def test_v5_runs_v4_then_the_repairs_and_is_registered_with_v1_to_v4_kept() -> None:
    text = "However, Captain Ilse Varn said the channel was closed.\n\nThe river rose overnight."
    cascade = load_cascade_tagger(V3_MODEL_DIR, threads=1)
    sentences = split_sentences(text)
    v4_layers = extract_attributions_minilm_v4(cascade, text, sentences)
    assert extract_attributions_minilm_v5(cascade, text, sentences) == with_v5_repairs(text, sentences, v4_layers)
    doc = Document(id=make_id("doc", text), text=text, locator="t")
    doc = Pipeline.from_names(["extract.sentences.rules.v1", "extract.attributions.minilm.v5"])(doc)
    assert [doc.span_text(s) for s in doc.spans["cues"]] == ["said"]
    assert [doc.span_text(s) for s in doc.spans["sources"]] == ["Captain Ilse Varn"]
    for version in range(1, 6):
        info = get_component(f"extract.attributions.minilm.v{version}")
        assert set(info.assigns) == {f"spans.{layer}" for layer in ("attributions", "cues", "sources", "contents")}
    assert list(V5_REPAIRS)[:2] == ["inverted", "uninverted"]
