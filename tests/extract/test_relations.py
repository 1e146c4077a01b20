"""Tests for the rule-based relation and title extractor (invented sentences, or plain statements in our words)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.extract.relations import RELATION_KINDS, extract_relations
from storytrace.extract.sentences import split_sentences
from storytrace.model import Document, Span, make_id
from storytrace.pipeline import Pipeline, get_component

# Gazetteer entities (built-in mideast pack) and times, as the default pipeline gives them.
NAMES = (
    "extract.sentences.rules.v1",
    "extract.times.rules.v1",
    "extract.entities.gazetteer.v1",
    "extract.entities.merge.v1",
    "extract.relations.rules.v1",
)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_names(list(NAMES))


def run(pipeline: Pipeline, text: str) -> Document:
    return pipeline(Document(id=make_id("doc", text), text=text, locator="t"))


def triples(doc: Document) -> set[tuple[str, str, str | None]]:
    out = set()
    for span in doc.spans["relations"]:
        attrs = dict(span.attrs)
        obj = attrs["object"]
        out.add((span.label, attrs["subject"]["text"], obj["text"] if obj else None))
    return out


def titles(doc: Document) -> list[tuple[str, str, str | None]]:
    out = []
    for span in doc.spans["titles"]:
        attrs = dict(span.attrs)
        holder = attrs["holder"]
        out.append((doc.text[span.start_char : span.end_char], attrs["role"], holder["text"] if holder else None))
    return out


def relation(doc: Document, kind: str) -> tuple[Span, dict[str, Any]]:
    [span] = [s for s in doc.spans["relations"] if s.label == kind]
    return span, dict(span.attrs)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Qais al-Khazali, the leader of Asaib Ahl al-Haq, said on Sunday that the talks had failed.",
            {("leads", "Qais al-Khazali", "Asaib Ahl al-Haq")},
        ),
        ("Kataib Hezbollah, an Iran-backed militia, denied any role.", {("backed_by", "Kataib Hezbollah", "Iran")}),
        ("The Iran-backed Kataib Hezbollah has threatened U.S. forces.", {("backed_by", "Kataib Hezbollah", "Iran")}),
        (
            "The group's spokesman, Abu Ali al-Askari, wrote that the truce was over.",
            {("spokesman_for", "Abu Ali al-Askari", "The group")},
        ),
        ("Hezbollah leader Hassan Nasrallah gave a speech.", {("leads", "Hassan Nasrallah", "Hezbollah")}),
        (
            "Iraqi government spokesman Basim al-Awadi said the cabinet would meet.",
            {("spokesman_for", "Basim al-Awadi", "Iraqi government")},
        ),
        (
            "Prime Minister Mohammed Shia al-Sudani met tribal elders.",
            {("holds_role", "Mohammed Shia al-Sudani", None)},
        ),
        (
            "Iraqi Foreign Minister Fuad Hussein flew to Tehran.",
            {("holds_role", "Fuad Hussein", None), ("works_for", "Fuad Hussein", "Iraqi")},
        ),
        (
            "Salim Harbi, a member of the Badr Organization, was arrested.",
            {("member_of", "Salim Harbi", "Badr Organization")},
        ),
        (
            "Officials named Karim Sadoun, a commander in Kataib Sayyid al-Shuhada, as the target.",
            {("member_of", "Karim Sadoun", "Kataib Sayyid al-Shuhada")},
        ),
        (
            "Harakat al-Nujaba, part of the Popular Mobilization Forces, rejected the plan.",
            {("part_of", "Harakat al-Nujaba", "Popular Mobilization Forces")},
        ),
        (
            "The Wadi Raml Front, which is based in Qasr Dulab, claimed the attack.",
            {("located_in", "Wadi Raml Front", "Qasr Dulab")},
        ),
        ("Fighters of the Mosul-based Ninawa Guard were seen.", {("located_in", "Ninawa Guard", "Mosul")}),
        (
            "Jamal Jaafar Ibrahimi, better known as Abu Mahdi al-Muhandis, was killed.",
            {("alias_of", "Abu Mahdi al-Muhandis", "Jamal Jaafar Ibrahimi")},
        ),
        (
            "The Badr Organization, allied with Asaib Ahl al-Haq, won nine seats.",
            {("allied_with", "Badr Organization", "Asaib Ahl al-Haq")},
        ),
        (
            "Faleh al-Fayyadh, who heads the Popular Mobilization Forces, visited the front.",
            {("leads", "Faleh al-Fayyadh", "Popular Mobilization Forces")},
        ),
        (
            "Hadi al-Amiri, who leads the Badr Organization, called for calm.",
            {("leads", "Hadi al-Amiri", "Badr Organization")},
        ),
        (
            "The head of the Popular Mobilization Forces, Faleh al-Fayyadh, said the units would stay.",
            {("leads", "Faleh al-Fayyadh", "Popular Mobilization Forces")},
        ),
        (
            "Akram al-Kaabi, the founder of Harakat al-Nujaba, appeared in the video.",
            {("founded_by", "Harakat al-Nujaba", "Akram al-Kaabi")},
        ),
        (
            "Omar Nassif, the deputy leader of the Tesra Brigades, denied the report.",
            {("member_of", "Omar Nassif", "Tesra Brigades")},
        ),
        (
            "Wissam Jabbar, a Kataib Hezbollah commander, was killed.",
            {("member_of", "Wissam Jabbar", "Kataib Hezbollah")},
        ),
        (
            "The brigade, once commanded by Jawad Tlaib, now answers to the ministry.",
            {("commands", "Jawad Tlaib", "The brigade")},
        ),
    ],
)
def test_relations_patterns(pipeline: Pipeline, text: str, expected: set[tuple[str, str, str | None]]) -> None:
    assert triples(run(pipeline, text)) == expected


def test_relations_founded_and_led_share_their_head_and_carry_the_time_value(pipeline: Pipeline) -> None:
    text = "The Tesra Brigades, founded in June 2014 and led by Marwan Dabbagh, took over the checkpoint."
    doc = run(pipeline, text)
    assert triples(doc) == {
        ("founded_in", "Tesra Brigades", "June 2014"),
        ("leads", "Marwan Dabbagh", "Tesra Brigades"),
    }
    _, founded = relation(doc, "founded_in")
    assert founded["time"] == {"text": "June 2014", "value": "2014-06", "precision": "month"}
    assert founded["pattern"] == "participle"
    _, leads = relation(doc, "leads")
    assert leads["time"] is None


def test_relations_founded_in_without_a_times_layer_keeps_the_text_without_a_value() -> None:
    text = "The Qandil Falcons were formed in 2019 by Yusuf Barzan."
    found = extract_relations(text, split_sentences(text), [])
    kinds = {s.label: dict(s.attrs) for s in found["relations"]}
    assert kinds["founded_in"]["time"] == {"text": "2019", "value": None, "precision": None}
    assert kinds["founded_by"]["object"]["text"] == "Yusuf Barzan"


def test_relations_evidence_offsets_args_and_entity_ids() -> None:
    text = "Qais al-Khazali, the leader of Asaib Ahl al-Haq, said the attack was a crime."
    entities = [
        Span(0, 15, "PER", (("entity_id", "per/qais"), ("name", "Qais al-Khazali"))),
        Span(31, 47, "ORG", (("entity_id", "org/aah"), ("name", "Asaib Ahl al-Haq"))),
    ]
    [span] = extract_relations(text, split_sentences(text), entities)["relations"]
    attrs = dict(span.attrs)
    assert span.label == "leads"
    assert text[span.start_char : span.end_char] == "Qais al-Khazali, the leader of Asaib Ahl al-Haq"
    assert attrs["subject"] == {
        "text": "Qais al-Khazali",
        "start_char": 0,
        "end_char": 15,
        "entity_id": "per/qais",
        "label": "PER",
    }
    assert attrs["object"]["entity_id"] == "org/aah"
    assert attrs["role"] == "leader"
    assert attrs["pattern"] == "appos-after-name"
    assert attrs["sentence"] == [0, len(text)]


def test_relations_args_without_an_entity_are_the_phrase_found() -> None:
    text = "Dalia Mansour, a spokeswoman for the Ain Bashura council, confirmed the curfew."
    [span] = extract_relations(text, split_sentences(text), [])["relations"]
    attrs = dict(span.attrs)
    assert span.label == "spokesman_for"
    assert attrs["subject"]["entity_id"] is None and attrs["subject"]["label"] is None
    assert attrs["object"]["text"] == "Ain Bashura council"
    obj = attrs["object"]
    assert text[obj["start_char"] : obj["end_char"]] == "Ain Bashura council"


@pytest.mark.parametrize(
    "text",
    [
        "The leader of the opposition said the vote had been rigged.",
        "Hamas, Hezbollah and the Houthis issued separate statements.",
        "Guests included the head of the Dawa Party, Nouri al-Maliki and Hadi al-Amiri.",
        "Asaib Ahl al-Haq and Kataib Hezbollah, two Iran-backed groups, denied it.",
        "Hamas and Kataib Hezbollah, an Iran-backed militia, denied it.",
        "According to the daily Harbal Herald, a lawmaker said the contacts took place.",
        "Samir Haddad led the assault on the airport.",
        "The decision was based on intelligence reports, officials said.",
        "The blockade led to fuel shortages across the province.",
        "The shrine, known locally as the Green Dome, was damaged.",
        "The Qandil Falcons are part of an alliance of groups backed by Tehran.",
        "Major attacks hit the city, and the general situation remained tense.",
        "Rebels led by the Tesra Brigades entered the town at dawn.",
    ],
)
def test_relations_guards_give_nothing(pipeline: Pipeline, text: str) -> None:
    assert triples(run(pipeline, text)) == set()


def test_titles_leader_without_a_name_is_a_title_without_holder(pipeline: Pipeline) -> None:
    doc = run(pipeline, "The leader of the opposition said the vote had been rigged.")
    assert titles(doc) == [("leader", "leader", None)]
    assert doc.spans["relations"] == []


def test_titles_holders_and_normalised_roles(pipeline: Pipeline) -> None:
    text = (
        "Gen. Qassem Soleimani met Prime Minister Mohammed Shia al-Sudani and the group's spokesman, Abu Ali al-Askari."
    )
    doc = run(pipeline, text)
    assert titles(doc) == [
        ("Gen.", "general", "Qassem Soleimani"),
        ("Prime Minister", "prime minister", "Mohammed Shia al-Sudani"),
        ("spokesman", "spokesman", "Abu Ali al-Askari"),
    ]
    holder = dict(doc.spans["titles"][1].attrs)["holder"]
    assert holder["entity_id"] == "mideast:per/mohammed-shia-al-sudani"


def test_titles_ambiguous_words_need_a_holder(pipeline: Pipeline) -> None:
    doc = run(pipeline, "Members of the public were told to head to the general hospital, a major said.")
    assert titles(doc) == []


def test_relations_appositions_in_a_coordination_each_keep_their_own(pipeline: Pipeline) -> None:
    text = (
        "Tariq Zayd, a member of the Badr Organization, and Omar Nassif, a commander in Kataib Hezbollah, "
        "were arrested."
    )
    assert triples(run(pipeline, text)) == {
        ("member_of", "Tariq Zayd", "Badr Organization"),
        ("member_of", "Omar Nassif", "Kataib Hezbollah"),
    }


def test_relations_title_before_a_name_binds_to_the_first_of_two(pipeline: Pipeline) -> None:
    doc = run(pipeline, "Lebanese Prime Minister Najib Mikati and President Michel Aoun discussed the border.")
    assert ("holds_role", "Najib Mikati", None) in triples(doc)
    assert ("holds_role", "Michel Aoun", None) in triples(doc)
    assert [t[2] for t in titles(doc)] == ["Najib Mikati", "Michel Aoun"]


def test_relations_component_is_registered_with_its_layers() -> None:
    info = get_component("extract.relations.rules.v1")
    assert info.requires == ("spans.sentences",)
    assert set(info.assigns) == {"spans.relations", "spans.titles"}


def test_relations_kinds_are_the_specified_ones(pipeline: Pipeline) -> None:
    doc = run(
        pipeline,
        "Kataib Hezbollah, an Iran-backed militia founded in June 2014 and led by Abu Mahdi al-Muhandis, "
        "is part of the Popular Mobilization Forces.",
    )
    assert {s.label for s in doc.spans["relations"]} == {"backed_by", "founded_in", "leads", "part_of"}
    assert {s.label for s in doc.spans["relations"]} <= set(RELATION_KINDS)


_PIECES = [
    "Qais al-Khazali, the leader of Asaib Ahl al-Haq, said so.",
    "The Iran-backed Kataib Hezbollah denied it.",
    "Hezbollah leader Hassan Nasrallah spoke.",
    "The group's spokesman, Abu Ali al-Askari, wrote.",
    "The Tesra Brigades, founded in June 2014 and led by Marwan Dabbagh, left.",
    "Residents said the road was closed.",
    "Jamal, also known as Abu Z, was seen.",
    "Ahmed, 54, a former member of parliament, was shot.",
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(_PIECES), st.text(alphabet="ab ,.'-ABZ", max_size=30)), min_size=1, max_size=6)
)
def test_relations_offsets_are_in_bounds_and_args_are_slices(pieces: list[str]) -> None:
    text = " ".join(pieces)
    found = extract_relations(text, split_sentences(text), [])
    for span in found["relations"]:
        assert 0 <= span.start_char < span.end_char <= len(text)
        attrs = dict(span.attrs)
        for arg in (attrs["subject"], attrs["object"]):
            if arg is None:
                continue
            assert text[arg["start_char"] : arg["end_char"]] == arg["text"]
            assert span.start_char <= arg["start_char"] and arg["end_char"] <= span.end_char
    for span in found["titles"]:
        assert span.label == "TITLE" and 0 <= span.start_char < span.end_char <= len(text)
