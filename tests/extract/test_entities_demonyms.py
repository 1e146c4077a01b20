"""Demonyms in ``extract.entities.gazetteer.v2``: "Iraqi", "Iraqis" link to the state and are marked as demonyms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from storytrace.extract.entities import build_gazetteer, find_mentions
from storytrace.model import Document
from storytrace.pipeline import Pipeline, get_component

DEMO_PACK = str(Path(__file__).resolve().parents[2] / "examples" / "packs" / "ain-bashura")
GAZETTEER_V2 = "extract.entities.gazetteer.v2"


def found(text: str, packs: tuple[str, ...] = ("mideast",), demonyms: bool = True) -> list[tuple[str, str, Any]]:
    """(surface, entity id, form) of each mention."""
    gazetteer = build_gazetteer(packs, demonyms=demonyms)
    return [
        (text[s.start_char : s.end_char], dict(s.attrs)["entity_id"], dict(s.attrs).get("form"))
        for s in find_mentions(text, gazetteer)
    ]


def test_v2_is_registered_with_the_same_contract_as_v1() -> None:
    info = get_component(GAZETTEER_V2)
    assert (info.requires, info.assigns) == (("spans.sentences",), ("spans.mentions",))


IRAQ, SYRIA, LEBANON = "mideast:gpe/iraq", "mideast:gpe/syria", "mideast:gpe/lebanon"
SAUDI, UAE, US, UK = (
    "mideast:gpe/saudi-arabia",
    "mideast:gpe/united-arab-emirates",
    "mideast:gpe/united-states",
    "mideast:gpe/united-kingdom",
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Iraqi officials met in Baghdad.", [("Iraqi", IRAQ, "demonym"), ("Baghdad", "mideast:gpe/baghdad", None)]),
        ("Two Iraqis and a Syrian were hurt.", [("Iraqis", IRAQ, "demonym"), ("Syrian", SYRIA, "demonym")]),
        ("Lebanese troops moved south.", [("Lebanese", LEBANON, "demonym")]),
        ("Saudi and Emirati envoys arrived.", [("Saudi", SAUDI, "demonym"), ("Emirati", UAE, "demonym")]),
        ("American and British jets flew.", [("American", US, "demonym"), ("British", UK, "demonym")]),
    ],
)
def test_demonyms_link_to_their_state_with_a_mark(text: str, expected: list[tuple[str, str, Any]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A longer pack name that starts with a demonym wins: the demonym is part of it.
        ("Iraqi Kurdistan held a vote.", [("Iraqi Kurdistan", "mideast:gpe/kurdistan-region", None)]),
        ("The Lebanese Hezbollah fired rockets.", [("Lebanese Hezbollah", "mideast:org/hezbollah", None)]),
        ("The Iraqi government said so.", [("Iraqi government", "mideast:org/government-of-iraq", None)]),
        ("Saudi Arabia denied it.", [("Saudi Arabia", "mideast:gpe/saudi-arabia", None)]),
    ],
)
def test_a_longer_name_holding_a_demonym_is_found_whole(text: str, expected: list[tuple[str, str, Any]]) -> None:
    assert found(text) == expected


def test_demonyms_are_capitalised_words_only() -> None:
    assert found("the iraqi border") == []  # names are capitalised in prose
    assert found("IRAQI FORCES ADVANCE") == [("IRAQI", "mideast:gpe/iraq", "demonym")]  # a headline in capitals


def test_v1_reads_no_demonyms() -> None:
    assert found("Iraqi officials met in Baghdad.", demonyms=False) == [("Baghdad", "mideast:gpe/baghdad", None)]


def test_demo_pack_demonyms_and_pipeline_attrs() -> None:
    text = "An Ibdaran official met Qarnassan envoys. Ibdarans crossed into Qarnassa."
    pipeline = Pipeline.from_names(
        ["extract.sentences.rules.v1", GAZETTEER_V2], {GAZETTEER_V2: {"packs": [DEMO_PACK, "mideast"]}}
    )
    doc = pipeline(Document(id="doc_test", text=text, locator="test"))
    got = [(text[s.start_char : s.end_char], s.label, dict(s.attrs)) for s in doc.spans["mentions"]]
    assert [(surface, label, attrs["entity_id"], attrs.get("form")) for surface, label, attrs in got] == [
        ("Ibdaran", "GPE", "ain-bashura:gpe/ibdara", "demonym"),
        ("Qarnassan", "GPE", "ain-bashura:gpe/qarnassa", "demonym"),
        ("Ibdarans", "GPE", "ain-bashura:gpe/ibdara", "demonym"),
        ("Qarnassa", "GPE", "ain-bashura:gpe/qarnassa", None),
    ]
    assert got[0][2]["alias"] == "Ibdaran" and got[0][2]["name"] == "Ibdara"
