"""Tests for extract.events.rules.v4: what the analyst's timeline stands on (invented sentences and places only).

Each fix is pinned twice: v4 reads the sentence right, and v3 keeps its old reading (stored reports name v3).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from storytrace.extract.events import load_ontology
from storytrace.model import Document, Span
from storytrace.pipeline import Pipeline
from storytrace.resolve.job import _mention_modality
from tests.extract.test_events import date, kinds
from tests.extract.test_events import events as events_of

events = partial(events_of, version=4)


def one(text: str, trigger: str, **kwargs: Any) -> dict[str, Any]:
    found = [e for e in events(text, **kwargs) if e["trigger"] == trigger]
    assert len(found) == 1, kinds(events(text, **kwargs))
    return found[0]


def asserted(e: dict[str, Any]) -> bool:
    """What the store's ``events.asserted`` reads from a mention."""
    return _mention_modality(e) is None


def place(text: str, surface: str, label: str = "GPE", name: str | None = None) -> Span:
    start = text.index(surface)
    return Span(start, start + len(surface), label, (("entity_id", f"x:{surface}"), ("name", name or surface)))


# ---------------------------------------------------------------------------------------------------------------
# False triggers: no event at all


@pytest.mark.parametrize(
    ("text", "v3_kinds"),
    [
        # a question, not a request made to anyone
        (
            "Four days later the envoy sat in a sheikh's tent in Dunaria, asking what it would take.",
            [("appeal", "asking")],
        ),
        # a kind of text named in a contrast
        ("Voters were owed a straight answer, not a press release.", [("statement", "press release")]),
        ("Voters wanted answers rather than a statement.", [("statement", "statement")]),
        # a bare plural after "of": what the posts are, not a statement someone made
        ("Most of the account's posts are copies of army statements.", [("statement", "statements")]),
        # a generic present: a habit, not a meeting
        ("«In this town everybody meets everybody,» said a baker.", [("meeting", "meets")]),
    ],
)
def test_v4_drops_false_events_that_v3_makes(text: str, v3_kinds: list[tuple[str, str]]) -> None:
    assert kinds(events(text, version=3)) == v3_kinds
    assert kinds(events(text)) == []


def test_v4_keeps_the_true_events_next_to_the_false_ones() -> None:
    assert kinds(events("The ministry asked the court to release the prisoners.")) == [
        ("appeal", "asked"),
        ("release", "release"),
    ]
    assert kinds(events("The ministry issued a statement on Monday.")) == [("statement", "issued a statement")]
    assert kinds(events("The envoy meets the commanders every week in Dunaria.")) == [("meeting", "meets")]
    assert kinds(events("Everybody met at the school.")) == [("meeting", "met")]  # a past meeting is an event
    assert asserted(one("There was not a single attack on the road.", "attack")) is False  # negated, still listed


# ---------------------------------------------------------------------------------------------------------------
# Asserted or not


def test_a_negative_subject_before_auxiliaries_negates() -> None:
    text = "We say: nothing should ever have been discussed."
    assert asserted(one(text, "discussed", version=3))
    e = one(text, "discussed")
    assert e["negated"] is True


def test_should_is_a_demand_not_an_occurrence() -> None:
    e = one("Critics say the minister should resign.", "resign")
    assert e["modality"] == "demanded"
    assert asserted(one("Critics say the minister should resign.", "resign", version=3))


def test_a_refusal_to_comment_is_no_statement_made() -> None:
    for text in ("The ministry declined to comment.", "A militia spokesman refused to comment on the claims."):
        assert asserted(one(text, text.split(" to ")[0].split()[-1] + " to comment", version=3))
        e = one(text, text.split(" to ")[0].split()[-1] + " to comment")
        assert e["type"] == "statement" and e["negated"] is True


def test_the_object_of_a_denial_is_a_speech_act_that_was_made() -> None:
    text = "The foreign ministry rejected as baseless an allegation by an official that drones had crossed."
    assert one(text, "allegation", version=3)["negated"] is True
    assert one(text, "allegation")["negated"] is False
    # the allegation's content is what is alleged
    assert asserted(one("The ministry denied the accusation.", "accusation"))
    # a verb between the denial and the noun still puts the noun in the denial's scope
    assert one("The group denied making threats against the village.", "threats")["negated"] is True
    # and the denial still negates an event that is no speech act
    assert one("The army denied the attack on the school.", "attack")["negated"] is True


def test_a_noun_in_the_subject_of_a_passive_denial_is_negated() -> None:
    text = "The newspaper's report of a secret meeting has been flatly denied by the government."
    assert asserted(one(text, "meeting", version=3))
    assert one(text, "meeting")["negated"] is True
    assert one("The meeting has been confirmed by both sides.", "meeting")["negated"] is False


def test_a_noun_subject_weighed_up_or_in_prospect_is_possible() -> None:
    weighed = "A prisoner release in exchange for reopening the road remains the likeliest way out."
    assert asserted(one(weighed, "prisoner release", version=3))
    assert one(weighed, "prisoner release")["modality"] == "possible"
    reach = "Elders said a deal to end the siege was within reach."
    assert one(reach, "deal", version=3)["modality"] == "asserted"
    assert one(reach, "deal")["modality"] == "possible"
    talk = "Corridor opens for civilians as talk of a deal grows"
    assert one(talk, "deal")["modality"] == "possible"
    # a deal that was reached stays asserted
    assert asserted(one("A deal to end the siege was signed on Friday.", "deal"))


def test_a_modal_beyond_v2s_window_and_a_purpose_share_the_event() -> None:
    text = "Families said they would set off on Saturday on a march on the capital to demand an end to the siege."
    v3 = events(text, version=3)
    assert [asserted(e) for e in v3] == [True, True]
    march, demand = events(text)
    assert (march["type"], march["modality"]) == ("protest", "conditional")
    assert (demand["type"], demand["modality"]) == ("demand", "conditional")
    # a march that set off is asserted, and so is its purpose
    done = events("Families set off on Saturday on a march on the capital to demand an end to the siege.")
    assert [asserted(e) for e in done] == [True, True]


def test_an_event_in_the_content_of_a_claim_is_alleged() -> None:
    text = "The spokesman ignored unverified claims on social media that the leader was wounded in a drone strike."
    assert asserted(one(text, "drone strike", version=3))
    assert one(text, "drone strike")["modality"] == "alleged"
    # the claim's own clause ends at a comma: the denial after it is asserted
    denied = "The claim that Dunaria supplied the group with armed drones rests on one official, and Dunaria denied it."
    assert one(denied, "supplied")["modality"] == "alleged"
    assert asserted(one(denied, "denied"))
    # a report that something happened is no allegation: the attributions layer records who said it
    assert asserted(one("The paper reported that the envoy met the commanders.", "met"))


# ---------------------------------------------------------------------------------------------------------------
# Place and date: the trigger's clause


def test_the_place_of_another_clause_is_not_the_events() -> None:
    text = "Hand back Adel Sarraf, the smuggler arrested on 1 May, and the trucks can cross the Wadi Qalam bridge."
    ents = [place(text, "Wadi Qalam", "LOC")]
    assert one(text, "arrested", entities=ents, version=3)["place"]["text"] == "Wadi Qalam"
    assert one(text, "arrested", entities=ents)["place"] is None
    semi = "His deputy was arrested in Tel Amra on 1 May; the siege began two days later."
    ents = [place(semi, "Tel Amra")]
    assert one(semi, "siege", entities=ents, version=3)["place"]["text"] == "Tel Amra"
    assert one(semi, "siege", entities=ents)["place"] is None
    assert one(semi, "arrested", entities=ents)["place"]["text"] == "Tel Amra"


def test_a_country_adjective_is_no_place() -> None:
    text = "Militia lifts siege of northern Dunarian town after deputy freed"
    ents = [place(text, "Dunarian", name="Dunaria")]
    assert one(text, "freed", entities=ents, version=3)["place"]["text"] == "Dunarian"
    assert one(text, "freed", entities=ents)["place"] is None
    # the country itself still is
    named = "Gunmen attacked a patrol, Dunaria police said."
    assert one(named, "attacked", entities=[place(named, "Dunaria")])["place"]["text"] == "Dunaria"


def test_the_date_of_a_relative_clause_is_not_the_events() -> None:
    text = "The group is demanding the release of its commander, who was arrested in Tel Amra on 1 May."
    times = [date(text, "1 May", "2025-05-01")]
    ents = [place(text, "Tel Amra")]
    assert one(text, "demanding", entities=ents, times=times, version=3)["time"]["value"] == "2025-05-01"
    demanding = one(text, "demanding", entities=ents, times=times)
    assert demanding["time"] is None and demanding["place"] is None
    arrested = one(text, "arrested", entities=ents, times=times)
    assert arrested["time"]["value"] == "2025-05-01" and arrested["place"]["text"] == "Tel Amra"


def test_a_dateline_still_dates_an_event_of_a_later_clause() -> None:
    text = "TEL AMRA, 21 May 2025 - Civilians left the town, as elders said the siege was lifted."
    times = [date(text, "21 May 2025", "2025-05-21")]
    assert one(text, "lifted", times=times)["time"]["value"] == "2025-05-21"


# ---------------------------------------------------------------------------------------------------------------
# The component


def test_v4_is_registered_beside_v3_and_reads_its_overlay() -> None:
    doc = Document(id="d", text="The ministry declined to comment. Rebels attacked the base.", locator="d")
    out = Pipeline.from_names(("extract.sentences.rules.v1", "extract.events.rules.v4"))(doc)
    found = [(s.label, dict(s.attrs)["negated"]) for s in out.spans["events"]]
    assert found == [("statement", True), ("attack", False)]
    assert set(load_ontology(4).types) == set(load_ontology(3).types)
    assert len(load_ontology(4).types["appeal"].guards) == len(load_ontology(3).types["appeal"].guards) + 1
