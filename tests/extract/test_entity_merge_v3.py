"""``extract.entities.merge.v3``: demonym marks kept, places yield to longer model names, model noise dropped."""

from __future__ import annotations

from storytrace.extract.entity_merge import merge_entities
from storytrace.extract.sentences import split_sentences
from storytrace.model import Document, Span
from storytrace.pipeline import get_component


def at(text: str, surface: str, label: str, nth: int = 0, **attrs: object) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Span(start, start + len(surface), label, tuple(attrs.items()))


def model(text: str, surface: str, label: str, nth: int = 0) -> Span:
    return at(text, surface, label, nth, model="minilm", confidence=0.9)


def merged(text: str, mentions: list[Span], spans: list[Span], *, v3: bool = True) -> list[tuple[str, str, object]]:
    sentences = split_sentences(text) if v3 else None
    out = merge_entities(text, mentions, [spans], sentences=sentences)
    return [(text[s.start_char : s.end_char], s.label, dict(s.attrs).get("form")) for s in out]


def test_v3_is_registered_and_needs_sentences() -> None:
    info = get_component("extract.entities.merge.v3")
    assert info.requires == ("spans.mentions", "spans.times", "spans.sentences")


def test_a_demonym_keeps_its_mark_only_in_v3() -> None:
    text = "Iraqi officials met."
    mention = at(text, "Iraqi", "GPE", entity_id="mideast:gpe/iraq", name="Iraq", form="demonym")
    assert merged(text, [mention], []) == [("Iraqi", "GPE", "demonym")]
    assert merged(text, [mention], [], v3=False) == [("Iraqi", "GPE", None)]


def test_a_place_or_demonym_inside_a_longer_model_name_yields_to_it() -> None:
    text = "Fighters of the Syrian Democratic Forces read the Harbal Herald near Harbal."
    mentions = [
        at(text, "Syrian", "GPE", entity_id="mideast:gpe/syria", name="Syria", form="demonym"),
        at(text, "Harbal", "GPE", entity_id="demo:gpe/harbal", name="Harbal"),
        at(text, "Harbal", "GPE", 1, entity_id="demo:gpe/harbal", name="Harbal"),
    ]
    spans = [model(text, "Syrian Democratic Forces", "ORG"), model(text, "Harbal Herald", "ORG")]
    assert merged(text, mentions, spans) == [
        ("Syrian Democratic Forces", "ORG", None),
        ("Harbal Herald", "ORG", None),
        ("Harbal", "GPE", None),
    ]
    # v2 kept the pack's place and lost the names
    assert [s for s, _, _ in merged(text, mentions, spans, v3=False)] == ["Syrian", "Harbal", "Harbal"]


def test_a_place_does_not_yield_to_a_qualifier_a_headline_or_a_person_or_an_org_name() -> None:
    text = "Northern Iraq was calm. BETRAYAL AT QASR NUMAYR. Kataib Hezbollah Baghdad office closed."
    iraq = at(text, "Iraq", "GPE", entity_id="mideast:gpe/iraq", name="Iraq")
    qasr = at(text, "QASR NUMAYR", "GPE", entity_id="demo:gpe/qasr-numayr", name="Qasr Numayr")
    kh = at(text, "Kataib Hezbollah", "ORG", entity_id="mideast:org/kataib-hezbollah", name="Kataib Hezbollah")
    baghdad = at(text, "Baghdad", "GPE", entity_id="mideast:gpe/baghdad", name="Baghdad")
    spans = [
        model(text, "Northern Iraq", "ORG"),
        model(text, "BETRAYAL AT QASR NUMAYR", "ORG"),
        model(text, "Kataib Hezbollah Baghdad", "ORG"),  # holds a pack group: the pack decides
    ]
    assert [s for s, _, _ in merged(text, [iraq, qasr, kh, baghdad], spans)] == [
        "Iraq",
        "QASR NUMAYR",
        "Kataib Hezbollah",
        "Baghdad",
    ]


def test_a_model_loc_takes_only_a_demonym() -> None:
    text = "Troops left northern Iraq for Iraqi Kurdistan."
    iraq = at(text, "Iraq", "GPE", entity_id="mideast:gpe/iraq", name="Iraq")
    iraqi = at(text, "Iraqi", "GPE", entity_id="mideast:gpe/iraq", name="Iraq", form="demonym")
    spans = [model(text, "northern Iraq", "LOC"), model(text, "Iraqi Kurdistan", "LOC")]
    assert merged(text, [iraq, iraqi], spans) == [("Iraq", "GPE", None), ("Iraqi Kurdistan", "LOC", None)]


def test_model_noise_is_dropped() -> None:
    text = (
        "Outlook\n\n"
        "“May God protect us,” she said. The post read in Arabic and in English. "
        "Checkpoints were shut. Troops guarded every checkpoint. Reporters spoke to French officials."
    )
    spans = [
        model(text, "Outlook", "ORG"),  # a heading alone on its line
        model(text, "God", "PER"),
        model(text, "Arabic", "MISC"),
        model(text, "English", "MISC"),  # "in English": the language
        model(text, "Checkpoints", "ORG"),  # opens a sentence, and the report writes "checkpoint" too
        model(text, "French", "MISC"),  # a nationality here: kept
    ]
    assert [s for s, _, _ in merged(text, [], spans)] == ["French"]
    assert len(merged(text, [], spans, v3=False)) == 6


def test_a_sentence_initial_name_never_written_in_lower_case_stays() -> None:
    text = "Courier staff left. Harbal was quiet; see harbal-news/harbal for more."
    spans = [model(text, "Courier", "ORG"), model(text, "Harbal", "LOC")]
    assert [s for s, _, _ in merged(text, [], spans)] == ["Courier", "Harbal"]  # a URL slug is not prose


def test_a_numbered_facility_keeps_its_number() -> None:
    text = "They were turned back at Checkpoint 14. The base 2 km away was quiet; Route 9, they said."
    spans = [model(text, "Checkpoint", "LOC"), model(text, "base", "LOC"), model(text, "Route", "LOC")]
    assert [(s, label) for s, label, _ in merged(text, [], spans)] == [
        ("Checkpoint 14", "FAC"),
        ("base", "FAC"),
        ("Route 9", "LOC"),
    ]


def test_the_v3_component_reads_the_sentences_layer() -> None:
    text = "Thank God. Iraqi troops left."
    doc = Document(id="doc_t", text=text, locator="t")
    doc.spans["sentences"] = split_sentences(text)
    doc.spans["times"] = []
    doc.spans["mentions"] = [at(text, "Iraqi", "GPE", entity_id="mideast:gpe/iraq", name="Iraq", form="demonym")]
    doc.spans["entities_minilm"] = [model(text, "God", "PER")]
    out = get_component("extract.entities.merge.v3").factory()(doc)
    assert [(text[s.start_char : s.end_char], dict(s.attrs).get("form")) for s in out.spans["entities"]] == [
        ("Iraqi", "demonym")
    ]
