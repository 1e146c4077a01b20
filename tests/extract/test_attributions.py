"""Tests for the rule-based attribution extractor (invented sentences only)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.extract.attributions import extract_attributions
from storytrace.extract.sentences import split_sentences
from storytrace.model import Document, Span, make_id
from storytrace.pipeline import Pipeline, get_component


def attributions(text: str) -> list[dict[str, Any]]:
    """Each attribution as a flat dict: label, cue, source, speaker, content text, chain, hedges, polarity."""
    out = []
    for span in extract_attributions(text, split_sentences(text))["attributions"]:
        attrs = dict(span.attrs)
        content = attrs["content"]
        out.append(
            {
                "label": span.label,
                "cue": attrs["cue"]["text"],
                "source": attrs["source"]["text"],
                "source_kind": attrs["source"]["kind"],
                "speaker": attrs["speaker"]["text"],
                "speaker_kind": attrs["speaker"]["kind"],
                "content": text[content["start_char"] : content["end_char"]],
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


def test_attributions_direct_quote_with_said_after() -> None:
    a = only("“The bridge is closed,” the governor said.")
    assert (a["label"], a["cue"], a["speaker"], a["content"]) == (
        "direct",
        "said",
        "the governor",
        "“The bridge is closed,”",
    )
    assert a["speaker_kind"] == "anonymous"
    assert a["chain"] == [("the governor", "anonymous")]


def test_attributions_direct_quote_with_said_before_and_colon() -> None:
    a = only("The mayor of Tesra said: “The bridge is closed.”")
    assert (a["label"], a["cue"], a["speaker"], a["content"]) == (
        "direct",
        "said",
        "The mayor of Tesra",
        "“The bridge is closed.”",
    )


def test_attributions_inverted_said_with_named_speaker() -> None:
    a = only("“The road stays shut,” said Omar Haddad.")
    assert (a["speaker"], a["speaker_kind"], a["content"]) == ("Omar Haddad", "named", "“The road stays shut,”")


def test_attributions_quote_over_two_sentences() -> None:
    text = "“We will not leave. We stay here,” the farmer said."
    a = only(text)
    assert a["content"] == "“We will not leave. We stay here,”"
    assert a["label"] == "direct"


def test_attributions_indirect_said_that() -> None:
    a = only("The minister said that the talks had failed.")
    assert (a["label"], a["cue"], a["speaker"], a["content"]) == (
        "indirect",
        "said",
        "The minister",
        "that the talks had failed",
    )


def test_attributions_mixed_content() -> None:
    a = only("The minister said the plan was “dead on arrival” and would be dropped.")
    assert a["label"] == "mixed"
    assert a["content"] == "the plan was “dead on arrival” and would be dropped"


def test_attributions_according_to_then_speaker_is_a_chain() -> None:
    a = only("According to the Courier, a council member said the road would reopen.")
    assert a["cue"] == "said"
    assert a["speaker"] == "a council member"
    assert a["source"] == "the Courier"  # the first hop: the speaker nearest the report
    assert a["chain"] == [("the Courier", "outlet"), ("a council member", "anonymous")]
    assert a["content"] == "the road would reopen"


def test_attributions_according_to_at_the_end_with_apposition() -> None:
    a = only("Leaders approved the move last month, according to a regional newspaper, the Gazette.")
    assert (a["cue"], a["speaker"], a["speaker_kind"]) == (
        "according to",
        "a regional newspaper, the Gazette",
        "outlet",
    )
    assert a["content"] == "Leaders approved the move last month"


def test_attributions_citing_gives_two_hops() -> None:
    a = only("The Mirror, citing a source close to the militia, reported that the envoy attended.")
    assert (a["cue"], a["speaker"], a["source"]) == ("reported", "The Mirror", "The Mirror")
    assert a["chain"] == [("The Mirror", "outlet"), ("a source close to the militia", "anonymous")]
    assert a["content"] == "that the envoy attended"


def test_attributions_sources_told_an_outlet() -> None:
    a = only("Sources told the Mirror that the envoy had left.")
    assert (a["cue"], a["speaker"], a["speaker_kind"]) == ("told", "Sources", "anonymous")
    assert a["chain"] == [("the Mirror", "outlet"), ("Sources", "anonymous")]
    assert a["source"] == "the Mirror"
    assert a["content"] == "that the envoy had left"


def test_attributions_quoted_outlet_name_after_told() -> None:
    a = only("Two officials told “Tesra Wire” that the office would open.")
    assert a["chain"] == [("Tesra Wire", "outlet"), ("Two officials", "anonymous")]


def test_attributions_social_account_speaker() -> None:
    a = only("An anonymous account on X claimed the commander was wounded.")
    assert (a["cue"], a["speaker"], a["speaker_kind"]) == ("claimed", "An anonymous account on X", "social")


def test_attributions_statement_speaker_is_a_document() -> None:
    a = only("A statement from the group said the convoy was attacked.")
    assert a["speaker_kind"] == "document"


@pytest.mark.parametrize(
    ("text", "polarity"),
    [
        ("The spokesman denied that any talks took place.", "denies"),
        ("The ministry rejected claims that it paid the group.", "denies"),
        ("The spokesman confirmed that talks took place.", "asserts"),
    ],
)
def test_attributions_polarity(text: str, polarity: str) -> None:
    assert only(text)["polarity"] == polarity


def test_attributions_hedges_are_recorded() -> None:
    a = only("The leader was reportedly wounded and could die, Iraqi sources said.")
    assert a["hedges"] == ["reportedly", "could"]
    assert (a["speaker"], a["speaker_kind"]) == ("Iraqi sources", "anonymous")
    assert a["content"] == "The leader was reportedly wounded and could die"


def test_attributions_month_may_is_not_a_hedge() -> None:
    assert only("The clerk said the deal was signed in May.")["hedges"] == []


def test_attributions_pronoun_resolved_to_the_last_named_speaker() -> None:
    text = "Army spokesman Karim Nassar said the road was clear. He added that no one was hurt."
    first, second = attributions(text)
    assert first["speaker"] == "Army spokesman Karim Nassar"
    assert first["speaker_kind"] == "named"
    assert (second["speaker"], second["speaker_kind"], second["resolved_to"]) == (
        "He",
        "pronoun",
        "Army spokesman Karim Nassar",
    )


def test_attributions_pronoun_without_antecedent_stays_unresolved() -> None:
    a = only("He said the road was clear.")
    assert (a["speaker_kind"], a["resolved_to"]) == ("pronoun", None)


def test_attributions_apposition_stays_with_the_name() -> None:
    a = only("Karim Nassar, an army spokesman, said the road was clear.")
    assert (a["speaker"], a["speaker_kind"]) == ("Karim Nassar, an army spokesman", "named")


def test_attributions_participle_shares_the_speaker() -> None:
    found = attributions("The road is open, the mayor said, adding that buses would run.")
    assert [(a["cue"], a["speaker"], a["content"]) for a in found] == [
        ("said", "the mayor", "The road is open"),
        ("adding", "the mayor", "that buses would run"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The said agreement was signed in May.",
        "The alleged attack took place at night.",
        "Nobody wanted to say anything.",
        "The road was closed for three days.",
    ],
)
def test_attributions_no_false_cue(text: str) -> None:
    assert attributions(text) == []


def test_attributions_cue_inside_a_quotation_is_not_a_new_attribution() -> None:
    a = only("“They told us to leave,” the farmer said.")
    assert (a["cue"], a["speaker"]) == ("said", "the farmer")


def test_attributions_layers_and_component() -> None:
    text = "Sources told the Mirror that the envoy had left."
    doc = Document(id=make_id("doc", text), text=text, locator="t")
    doc = Pipeline.from_names(["extract.sentences.rules.v1", "extract.attributions.rules.v3"])(doc)
    assert [doc.span_text(s) for s in doc.spans["cues"]] == ["told"]
    assert [(doc.span_text(s), s.label, dict(s.attrs)["role"]) for s in doc.spans["sources"]] == [
        ("the Mirror", "outlet", "via"),
        ("Sources", "anonymous", "speaker"),
    ]
    assert [doc.span_text(s) for s in doc.spans["contents"]] == ["that the envoy had left"]
    assert len(doc.spans["attributions"]) == 1
    info = get_component("extract.attributions.rules.v3")
    assert info.requires == ("spans.sentences",)
    assert "spans.attributions" in info.assigns


_WORDS = st.sampled_from(
    [
        *"""said says told “ ” " : , . according to citing quoting The the a Mirror Courier sources official he
        she denied reportedly could that Karim Nassar road was closed in May an account on X statement who""".split(),
        "\n\n",
        "\n",
        "according to",
        "’",
        "''",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, max_size=40).map(" ".join))
def test_attributions_spans_in_bounds_and_never_crash(text: str) -> None:
    sentences = split_sentences(text)
    layers = extract_attributions(text, sentences)
    assert set(layers) == {"attributions", "cues", "sources", "contents"}

    def sentence_of(span: Span) -> Span | None:
        return next((s for s in sentences if s.start_char <= span.start_char and span.end_char <= s.end_char), None)

    for layer in layers.values():
        for span in layer:
            assert 0 <= span.start_char <= span.end_char <= len(text)
    for span in layers["cues"] + layers["sources"]:
        assert sentence_of(span) is not None  # cues and speakers never leave their sentence
    for span in layers["attributions"]:
        attrs = dict(span.attrs)
        cue = attrs["cue"]
        assert span.start_char <= cue["start_char"] < cue["end_char"] <= span.end_char
        assert span.start_char <= attrs["content"]["start_char"] <= attrs["content"]["end_char"] <= span.end_char
        assert "\n\n" not in text[attrs["content"]["start_char"] : attrs["content"]["end_char"]]


def content_pieces(text: str) -> list[list[str]]:
    out = []
    for span in extract_attributions(text, split_sentences(text))["contents"]:
        out.append([text[start:end] for start, end in dict(span.attrs)["pieces"]])
    return out


def test_attributions_quote_continued_in_the_next_sentence() -> None:
    text = "“The road is shut,” the farmer said. “Nobody comes.” Later the rain stopped."
    assert content_pieces(text) == [["“The road is shut,”", "“Nobody comes.”"]]
    assert only(text)["label"] == "direct"


def test_attributions_quote_split_around_the_cue() -> None:
    text = "“The road is shut,” the farmer said, “and nobody comes.”"
    assert content_pieces(text) == [["“The road is shut,”", "“and nobody comes.”"]]


def test_attributions_parenthetical_cue_splits_the_content() -> None:
    text = "Back then, the farmer said, the road was open."
    assert content_pieces(text) == [["Back then", "the road was open"]]


def test_attributions_said_in_an_interview_keeps_the_quotation() -> None:
    a = only("“We will stay,” the mayor said in an interview with the Herald.")
    assert (a["speaker"], a["content"]) == ("the mayor", "“We will stay,”")


def test_attributions_said_in_a_statement_is_one_cue() -> None:
    a = only("The ministry said in a statement that the convoy was safe.")
    assert (a["cue"], a["content"]) == ("said in a statement", "that the convoy was safe")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The Herald reported that the bridge was closed.", "outlet"),
        ("The paper reported that the bridge was closed.", "outlet"),
        ("Several times a day, officials said, the sirens sounded.", "anonymous"),
        ("Mayor Lina Haddad said the bridge was closed.", "named"),
        ("A post on Telegram said the bridge was closed.", "social"),
    ],
)
def test_attributions_speaker_kind(text: str, kind: str) -> None:
    assert only(text)["speaker_kind"] == kind


@pytest.mark.parametrize(
    ("text", "speaker", "kind"),
    [
        ("The spokesman on Wednesday denied the report.", "The spokesman", "anonymous"),
        ("Mayor Haddad late on Tuesday said the road was open.", "Mayor Haddad", "named"),
        ("The government denied that talks took place.", "The government", "named"),
        (
            "A medical source at Tesra General Hospital said seven died.",
            "A medical source at Tesra General Hospital",
            "anonymous",
        ),
    ],
)
def test_attributions_speaker_past_time_words_and_head_kind(text: str, speaker: str, kind: str) -> None:
    a = only(text)
    assert (a["speaker"], a["speaker_kind"]) == (speaker, kind)


def test_attributions_connective_before_according_to_and_markdown_emphasis() -> None:
    a = only("However, according to the daily *Harbal Herald*, a lawmaker said that contacts took place.")
    assert a["chain"] == [("the daily Harbal Herald", "outlet"), ("a lawmaker", "anonymous")]
    assert a["content"] == "that contacts took place"


def test_attribution_a_name_with_a_lowercase_particle_is_named() -> None:
    [found] = attributions("Government spokesman Hisham al-Qandusi said the state does not negotiate.")
    assert (found["source"], found["source_kind"]) == ("Government spokesman Hisham al-Qandusi", "named")


def test_attributions_a_text_quoted_with_read_and_its_translation() -> None:
    text = 'The banner, hung on the bridge overnight, read in Arabic: "الطريق مغلق" ("The road is closed").'
    a = only(text)
    assert (a["cue"], a["speaker"], a["label"]) == ("read in Arabic:", "The banner", "direct")
    assert a["content"] == '"الطريق مغلق" ("The road is closed"'  # two pieces: the quotation and its translation


def test_attributions_read_is_a_cue_only_before_a_colon_and_a_quotation() -> None:
    assert attributions("The mayor read the statement to reporters at the town hall.") == []


def test_attributions_an_unnamed_post_is_tied_to_the_account_named_before_it() -> None:
    text = (
        'Late on Monday, an account calling itself "Hill Watch" (@hillwatch) said the dam had burst. '
        'The post, published at 22:10, read: "The dam at Kefr Sala has burst."'
    )
    post = next(a for a in attributions(text) if a["cue"] == "read:")
    assert (post["speaker"], post["speaker_kind"], post["resolved_to"]) == ("The post", "social", "@hillwatch")
    assert post["content"] == '"The dam at Kefr Sala has burst."'


def test_attributions_an_unnamed_post_with_no_account_named_before_stays_unresolved() -> None:
    a = only('The post read: "The dam has burst." Its author, @hillwatch, later deleted it.')
    assert (a["speaker"], a["speaker_kind"], a["resolved_to"]) == ("The post", "social", None)


def test_attributions_according_to_after_a_colon_takes_the_clause_after_it() -> None:
    a = only("The mayor had other worries: according to local monitors, the dam was leaking badly on Tuesday.")
    assert (a["cue"], a["speaker"], a["content"]) == (
        "according to",
        "local monitors",
        "the dam was leaking badly on Tuesday",
    )


def test_attributions_crf_keeps_the_rules_for_read_and_for_according_to_after_a_colon() -> None:
    from storytrace.extract.attributions_crf import DEFAULT_MODEL_PATH, extract_attributions_crf, load_tagger

    text = (
        'Late on Monday, an account calling itself "Hill Watch" (@hillwatch) claimed that the dam had burst.\n\n'
        'The post, published at 22:10 local time, read in Arabic: "انهار السد" ("The dam has burst"). '
        "It gave no source.\n\n"
        "The mayor had other worries: according to local monitors, the dam was leaking badly on Tuesday."
    )
    found = {}
    for span in extract_attributions_crf(load_tagger(DEFAULT_MODEL_PATH), text, split_sentences(text))["attributions"]:
        attrs = dict(span.attrs)
        pieces = [text[s:e] for s, e in attrs["content"]["pieces"]]
        found[attrs["cue"]["text"]] = (pieces, (attrs["resolved_to"] or {}).get("text"))
    # The tagger leaves "read in Arabic:" untagged: the rules' attribution is kept, with the translation.
    assert found["read in Arabic:"] == (['"انهار السد"', '"The dam has burst"'], "@hillwatch")
    assert found["according to"] == (["the dam was leaking badly on Tuesday"], None)


# The quotation lookups bisect a sorted list; these pin them to the plain scans they replaced.
_REGIONS = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12)), max_size=12).map(
    lambda pairs: [(a, a + length) for a, length in pairs]
)


@settings(max_examples=300, deadline=None)
@given(regions=_REGIONS, position=st.integers(0, 80), floor=st.integers(0, 80))
def test_quote_lookups_match_a_scan(regions: list[tuple[int, int]], position: int, floor: int) -> None:
    from storytrace.extract.attributions import _quote_ending_at, _quote_starting_at, _Quotes

    quotes = _Quotes(regions)
    ordered = sorted(regions)
    starting = next(((qs, qe) for qs, qe in ordered if position <= qs <= position + 2), None)
    ending = next(((qs, qe) for qs, qe in ordered if qs >= floor and position - 2 <= qe <= position + 2), None)
    assert _quote_starting_at(quotes, position) == starting
    assert _quote_ending_at(quotes, position, floor) == ending


@settings(max_examples=300, deadline=None)
@given(regions=_REGIONS, pieces=st.lists(st.tuples(st.integers(0, 80), st.integers(0, 20)), min_size=1, max_size=3))
def test_content_label_matches_a_scan_of_every_quotation(
    regions: list[tuple[int, int]], pieces: list[tuple[int, int]]
) -> None:
    from storytrace.extract.attributions import _content_label, _Quotes

    text = "x" * 120
    spans = [(a, a + length) for a, length in pieces]
    quoted = unquoted = 0
    for ps, pe in spans:
        covered = sum(max(0, min(qe, pe) - max(qs, ps)) for qs, qe in regions)
        quoted += covered
        unquoted += len(text[ps:pe].strip()) - covered
    expected = "indirect" if quoted == 0 else "direct" if unquoted <= 2 * len(spans) else "mixed"
    assert _content_label(text, _Quotes(regions), spans) == expected


def test_hedges_of_a_sentence_go_to_each_of_its_attributions_as_their_own_list() -> None:
    text = "The army reportedly said the road was shut, and the mayor said in May that it might open."
    found = extract_attributions(text, split_sentences(text))["attributions"]
    hedges = [dict(a.attrs)["hedges"] for a in found]
    assert len(hedges) == 2
    assert hedges[0] == hedges[1] == ["reportedly", "might"]  # not "May", the month
    assert hedges[0] is not hedges[1]


@pytest.mark.parametrize(
    ("text", "antecedent"),
    [
        ("The rumour came from Mara Velliot, who said the dam had cracked.", "Mara Velliot"),
        ("The mayor spoke to farmers, who said the dam had cracked.", "farmers"),
    ],
)
def test_a_relative_who_resolves_to_the_phrase_before_its_comma(text: str, antecedent: str) -> None:
    a = only(text)
    assert (a["speaker"], a["resolved_to"]) == ("who", antecedent)
