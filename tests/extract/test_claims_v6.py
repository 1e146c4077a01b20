"""Tests for ``extract.claims.rules.v6``: what is no proposition is no claim (invented sentences only).

Most cases build the attribution layer by hand, as the layers were seen to read long-form reports (a cue that is an
act, a content cut at the wrong place), so each rule is tested on exactly the reading it repairs; the last tests run
the attribution components of ``fast`` and ``default`` end to end.
"""

from __future__ import annotations

from typing import Any

import pytest

from storytrace.extract.claims import extract_claims
from storytrace.model import Document, Span, make_id
from storytrace.pipeline import Pipeline

SENTENCES = Pipeline.from_names(("extract.sentences.rules.v1",))


def _at(text: str, part: str, after: int = 0) -> tuple[int, int]:
    start = text.index(part, after)
    return start, start + len(part)


def attribution(
    text: str, cue: str, speaker: str, content: str | list[str], label: str = "indirect", after: int = 0
) -> Span:
    """An attribution as a layer gives it: cue, speaker and content pieces found by their words (first occurrence
    at or after ``after``)."""
    cs, ce = _at(text, cue, after)
    ss, se = _at(text, speaker, after)
    pieces = [_at(text, piece, after) for piece in ([content] if isinstance(content, str) else content)]
    hop = {"text": speaker, "start_char": ss, "end_char": se, "kind": "anonymous"}
    attrs: dict[str, Any] = {
        "cue": {"text": cue, "start_char": cs, "end_char": ce},
        "speaker": hop,
        "source": hop,
        "content": {"start_char": pieces[0][0], "end_char": pieces[-1][1], "pieces": [list(p) for p in pieces]},
        "chain": [hop],
        "hedges": [],
        "polarity": "asserts",
    }
    start = min(cs, ss, pieces[0][0])
    end = max(ce, se, pieces[-1][1])
    return Span(start, end, label, tuple(attrs.items()))


def claims(text: str, attributions: list[Span], version: int = 6) -> list[tuple[str, str | None, str]]:
    """(claim text, speaker, polarity) of ``text`` with the given attribution layer."""
    doc = SENTENCES(Document(id=make_id("doc", text), text=text, locator="test"))
    doc.spans["attributions"] = attributions
    out = []
    for span in extract_claims(doc, version=version):
        attrs = dict(span.attrs)
        out.append((doc.span_text(span), (attrs["speaker"] or {}).get("text"), attrs["polarity"]))
    return out


def texts(text: str, attributions: list[Span], version: int = 6) -> list[str]:
    return [t for t, _, _ in claims(text, attributions, version)]


# --- A noun phrase after a verb that reports no proposition -------------------------------------------------------


def test_an_act_with_a_noun_phrase_object_is_the_outlets_claim() -> None:
    text = "Soon after the vote, the mayor declared a state of emergency in Lindqvist."
    layer = [attribution(text, "declared", "the mayor", "a state of emergency in Lindqvist")]
    assert texts(text, layer, version=5) == ["a state of emergency in Lindqvist"]
    assert claims(text, layer) == [
        ("Soon after the vote, the mayor declared a state of emergency in Lindqvist", None, "asserts")
    ]


def test_praise_is_no_proposition_even_with_a_verb_in_its_object() -> None:
    text = "The governor praised the rescuers for pulling fishermen stranded near the pier out of the water."
    layer = [attribution(text, "praised", "The governor", "the rescuers for pulling fishermen stranded near the pier")]
    assert texts(text, layer) == [
        "The governor praised the rescuers for pulling fishermen stranded near the pier out of the water"
    ]


def test_the_speakers_own_phrase_after_a_post_posed_cue_is_no_claim() -> None:
    # The layer read the sentence's subject as the speaker and the source as the content.
    text = "The ferry will resume on Friday, said a harbour official who attended the meeting."
    layer = [attribution(text, "said", "The ferry", "a harbour official who attended the meeting")]
    assert texts(text, layer, version=5) == ["a harbour official who attended the meeting"]
    assert texts(text, layer) == []  # someone speaks in it: not the outlet's own claim either


@pytest.mark.parametrize(
    ("text", "cue", "speaker", "content", "polarity"),
    [
        (
            "The coastguard denied any involvement in the collision.",
            "denied",
            "The coastguard",
            "any involvement in the collision",
            "denies",
        ),
        (
            "The hospital confirmed the death of a second fisherman.",
            "confirmed",
            "The hospital",
            "the death of a second fisherman",
            "asserts",
        ),
        ("The harbour board refuted the claims.", "refuted", "The harbour board", "the claims", "refutes"),
        (
            "The union accused the port authority of hiding the damage.",
            "accused",
            "The union",
            "the port authority of hiding the damage",
            "asserts",
        ),
        (
            "Organisers expect several hundred people to walk to the capital.",
            "expect",
            "Organisers",
            "several hundred people to walk to the capital",
            "asserts",
        ),
    ],
)
def test_a_noun_phrase_a_speaker_vouches_for_or_rejects_stays_a_claim(
    text: str, cue: str, speaker: str, content: str, polarity: str
) -> None:
    assert claims(text, [attribution(text, cue, speaker, content)]) == [(content, speaker, polarity)]


def test_a_predication_stays_a_claim() -> None:
    text = "Three councillors described the mayor as an able administrator."
    layer = [attribution(text, "described", "Three councillors", "the mayor as an able administrator")]
    assert texts(text, layer) == ["the mayor as an able administrator"]


# --- Contents cut at the wrong place ------------------------------------------------------------------------------


def test_the_sources_phrase_is_cut_off_the_head_of_a_content() -> None:
    text = "According to the official cited by the Varnela Post, the ferry will not sail before May."
    content = "by the Varnela Post, the ferry will not sail before May"
    layer = [attribution(text, "According to", "the official", content)]
    assert claims(text, layer) == [("the ferry will not sail before May", "the official", "asserts")]


def test_a_passives_agent_read_as_content_leaves_the_sentence_to_the_outlet() -> None:
    text = "The story rests on one official quoted by the Varnela Post, and the council has denied it."
    layer = [attribution(text, "quoted", "the Varnela Post", "by the Varnela Post, and the council has denied it")]
    assert texts(text, layer, version=5) == ["by the Varnela Post, and the council has denied it"]
    assert claims(text, layer) == [(text.rstrip("."), None, "asserts")]


def test_the_addressee_is_cut_off_the_head_of_a_content() -> None:
    text = "A council member told “Harbour Radio,” the pier had been closed since Monday."
    layer = [attribution(text, "told", "A council member", "“Harbour Radio,” the pier had been closed since Monday")]
    assert texts(text, layer) == ["the pier had been closed since Monday"]


def test_a_content_starting_in_mid_phrase_loses_its_head_and_a_subordinate_clause_alone_is_dropped() -> None:
    text = "As the storm reached the islands near Lindqvist, the ferry was cancelled at the last minute, sources say."
    layer = [
        attribution(text, "say", "sources", "As the storm reached the islands near Lindqvist"),
        attribution(text, "say", "sources", "Lindqvist, the ferry was cancelled at the last minute"),
    ]
    assert texts(text, layer, version=5) == [
        "As the storm reached the islands near Lindqvist",
        "Lindqvist, the ferry was cancelled at the last minute",
    ]
    assert texts(text, layer) == ["the ferry was cancelled at the last minute"]


def test_a_content_ends_where_another_attribution_starts_after_a_comma() -> None:
    text = "The mayor said the pier would reopen in June, adding that repairs had cost two million."
    layer = [
        attribution(text, "said", "The mayor", text[text.index("the pier") : -1]),
        attribution(text, "adding", "The mayor", "repairs had cost two million"),
    ]
    assert texts(text, layer) == ["the pier would reopen in June", "repairs had cost two million"]


def test_a_participle_of_speech_the_layer_missed_gives_the_same_speaker_its_claim() -> None:
    text = "Opposition councillors called for his resignation, accusing the mayor of ignoring the engineers' warnings."
    layer = [
        attribution(
            text,
            "called for",
            "Opposition councillors",
            "his resignation, accusing the mayor of ignoring the engineers' warnings",
        )
    ]
    assert claims(text, layer) == [
        ("Opposition councillors called for his resignation", None, "asserts"),
        ("the mayor of ignoring the engineers' warnings", "Opposition councillors", "asserts"),
    ]


def test_a_cue_in_a_fronted_subordinate_clause_leaves_the_main_clause_to_the_outlet() -> None:
    text = "When the mayor said the pier was safe, fishermen returned to the harbour."
    layer = [attribution(text, "said", "the mayor", "the pier was safe, fishermen returned to the harbour")]
    assert claims(text, layer) == [
        ("the pier was safe", "the mayor", "asserts"),
        ("fishermen returned to the harbour", None, "asserts"),
    ]
    act = "Before the council declared a curfew, residents had gathered at the pier."
    layer = [attribution(act, "declared", "the council", "a curfew, residents had gathered at the pier")]
    assert texts(act, layer) == ["Before the council declared a curfew, residents had gathered at the pier"]


def test_a_dangling_end_is_cut() -> None:
    text = "The union said it would block the port road after they voted on Monday."
    layer = [attribution(text, "said", "The union", "it would block the port road after they")]
    assert texts(text, layer) == ["it would block the port road"]


def test_a_relative_cut_by_a_parenthetical_cue_goes_on_after_it() -> None:
    text = "The Lindqvist Front is a dockers' union that, according to the Varnela Post, “has organised every strike.”"
    layer = [attribution(text, "according to", "the Varnela Post", "The Lindqvist Front is a dockers' union that")]
    # one claim in two pieces: its stored text runs from the first to the last
    assert claims(text, layer) == [(text[: text.index("strike") + len("strike")], "the Varnela Post", "asserts")]


def test_cited_as_saying_that_takes_the_quotation_after_it() -> None:
    text = 'The radio cited port workers as saying that "the cranes have not moved for a week."'
    layer = [attribution(text, "cited", "The radio", "port workers as saying that")]
    assert texts(text, layer) == ["the cranes have not moved for a week"]


def test_the_cues_adjunct_is_cut_off_the_head_of_a_content() -> None:
    text = "The skipper explains in a radio interview, the nets were cut by a trawler."
    layer = [attribution(text, "explains", "The skipper", "in a radio interview, the nets were cut by a trawler")]
    assert texts(text, layer) == ["the nets were cut by a trawler"]
    that = "The mayor told councillors during a closed meeting that the pier would be sold."
    layer = [attribution(that, "told", "The mayor", "during a closed meeting that the pier would be sold")]
    assert texts(that, layer) == ["the pier would be sold"]


def test_a_content_before_its_cue_keeps_its_own_opening_phrase() -> None:
    text = "On Saturday night a storm sank two trawlers in the harbour, port sources said."
    content = "On Saturday night a storm sank two trawlers in the harbour"
    assert claims(text, [attribution(text, "said", "port sources", content)]) == [(content, "port sources", "asserts")]


def test_a_long_source_phrase_after_according_to_is_cut_at_its_comma() -> None:
    text = "According to a post that is shared widely online, the ferry company has gone bankrupt."
    layer = [
        attribution(text, "According to", "a post", "is shared widely online, the ferry company has gone bankrupt")
    ]
    assert texts(text, layer) == ["the ferry company has gone bankrupt"]


def test_a_subject_read_with_the_addressee_is_given_back() -> None:
    text = "The doctor told him it was a jellyfish sting. A clerk told the Varnela Post the ledger was forged in May."
    layer = [
        attribution(text, "told", "The doctor", "was a jellyfish sting"),
        attribution(text, "told", "A clerk", "was forged in May"),
    ]
    assert texts(text, layer, version=5) == ["was a jellyfish sting", "was forged in May"]
    assert texts(text, layer) == ["it was a jellyfish sting", "the ledger was forged in May"]


def test_a_demonstrative_subject_is_not_cut_as_a_complementiser() -> None:
    text = "But that is not the case, harbour officials said."
    layer = [attribution(text, "said", "harbour officials", "that is not the case")]
    assert texts(text, layer, version=5) == ["is not the case"]
    assert texts(text, layer) == ["that is not the case"]


def test_a_gerund_after_a_denial_and_a_naming_predication_stay_claims() -> None:
    text = "The union denied having agreed to a truce. The mayor called the closure a betrayal of the town."
    layer = [
        attribution(text, "denied", "The union", "having agreed to a truce"),
        attribution(text, "called", "The mayor", "the closure a betrayal of the town"),
    ]
    assert claims(text, layer) == [
        ("having agreed to a truce", "The union", "denies"),
        ("the closure a betrayal of the town", "The mayor", "asserts"),
    ]


# --- Fragments ----------------------------------------------------------------------------------------------------


def test_a_content_opening_on_a_verb_is_a_fragment() -> None:
    # its subject read with the addressee, a name that cannot be told from it: no claim
    text = "A clerk told the Varnela Post Ilse Varga had signed the ledger in May."
    layer = [attribution(text, "told", "A clerk", "had signed the ledger in May")]
    assert texts(text, layer, version=5) == ["had signed the ledger in May"]
    assert texts(text, layer) == []


def test_a_verb_right_after_its_cue_makes_the_cue_a_noun_and_the_sentence_the_outlets() -> None:
    text = "The harbour master's warning appeared routine given the storm season."
    layer = [attribution(text, "warning", "The harbour master's", "appeared routine given the storm season")]
    assert texts(text, layer, version=5) == ["appeared routine given the storm season"]
    assert claims(text, layer) == [(text.rstrip("."), None, "asserts")]


def test_a_content_after_a_relative_and_its_speaker_keeps_its_predicate() -> None:
    # the subject is the relative's antecedent (not recovered): the predicate stays, as in v5
    text = "The flood, which the council said was caused by a blocked drain, closed the pier."
    layer = [attribution(text, "said", "the council", "was caused by a blocked drain")]
    assert "was caused by a blocked drain" in texts(text, layer)


def test_a_content_holding_its_own_cue_is_the_outlets_sentence() -> None:
    text = "In recent days, the harbour board had reported on its website the sale of two ferries."
    content = "the harbour board had reported on its website the sale of two ferries"
    layer = [attribution(text, "had reported", "the harbour board", content)]
    assert claims(text, layer) == [(f"In recent days, {content}", None, "asserts")]


def test_an_unquoted_content_in_an_earlier_sentence_than_its_cue_is_dropped() -> None:
    text = "The ferry could be sold to a private operator. According to port sources, a buyer has been found."
    layer = [
        attribution(text, "According to", "port sources", "The ferry could be sold to a private operator"),
        attribution(text, "According to", "port sources", "a buyer has been found"),
    ]
    assert texts(text, layer) == ["a buyer has been found"]


# --- The outlet's own voice ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Mayor Ilse Varga, left, meets harbour workers at Lindqvist pier on Monday.",  # a photo caption
        "On the third day of the strike, something started to happen in Lindqvist.",  # a teaser
        "It remains difficult to verify who ordered the closure of the pier.",  # what the writer cannot tell
        "It is still unclear whether the ferry will sail again this year.",
        "Who ordered the closure of the pier is a question that has yet to be answered.",
        "This was first reported by the Varnela Post, citing a port official.",  # it only sources the sentence before
    ],
)
def test_own_voice_that_asserts_nothing_checkable_is_no_claim(sentence: str) -> None:
    assert len(texts(sentence, [], version=5)) == 1
    assert texts(sentence, []) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "The pier was closed on Monday after a crane collapsed.",
        "It is difficult to tell the two unions apart, since both were founded by dock workers in 1998.",
        "It is as if the whole harbour had been emptied overnight.",
        "It is unclear whether the ferry will sail, but the pier reopened on Monday.",
        "In the aftermath of the storm, which flooded forty homes, it is unclear whether the ferry will sail.",
    ],
)
def test_own_voice_that_asserts_something_stays_a_claim(sentence: str) -> None:
    assert texts(sentence, []) == texts(sentence, [], version=5) == [sentence.rstrip(".")]


def test_so_far_is_not_cut_and_a_pointer_keeps_what_it_points_at() -> None:
    text = "So far, the port has lost two contracts to Varnela."
    assert texts(text, [], version=5) == ["far, the port has lost two contracts to Varnela"]
    assert texts(text, []) == ["So far, the port has lost two contracts to Varnela"]
    pointer = "Take, for instance, the Lindqvist Front, whose members blocked the port road in March."
    assert texts(pointer, []) == ["the Lindqvist Front, whose members blocked the port road in March"]


def test_a_clause_with_its_own_subject_is_not_split_as_a_participle() -> None:
    text = "The storm flooded the road near Lindqvist, the ferry was cancelled at the last minute."
    assert texts(text, [], version=5) == [
        "The storm flooded the road near Lindqvist",
        "Lindqvist, the ferry was cancelled at the last minute",
    ]
    assert texts(text, []) == [text.rstrip(".")]


# --- End to end, with the attribution components of `fast` and `default` ------------------------------------------

REPORT = (
    "Soon after the vote, the mayor declared a state of emergency in Lindqvist. "
    "The coastguard denied any involvement in the collision. "
    "The harbour master said the pier would stay closed until Friday. "
    "On the third day of the strike, something started to happen in Lindqvist."
)


@pytest.mark.parametrize(
    "component", ["extract.attributions.rules.v3", "extract.attributions.minilm.v4", "extract.attributions.minilm.v5"]
)
def test_v6_on_the_attribution_layers_of_fast_and_default(component: str) -> None:
    doc = Pipeline.from_names(("extract.sentences.rules.v1", component))(
        Document(id=make_id("doc", REPORT), text=REPORT, locator="test")
    )
    got = {doc.span_text(span) for span in extract_claims(doc, version=6)}
    assert "any involvement in the collision" in got
    assert "the pier would stay closed until Friday" in got
    assert not any("something started" in claim for claim in got)
    assert "a state of emergency in Lindqvist" not in got
