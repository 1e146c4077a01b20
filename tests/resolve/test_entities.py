"""Entity resolution: pack ids, short forms in a report and in the pile, same names, analyst judgements."""

from __future__ import annotations

from storytrace.resolve.entities import MentionIn, family, resolve_entities, strip_title


def m(doc: str, start: int, text: str, label: str = "PER", pack: str | None = None) -> MentionIn:
    return MentionIn(doc, start, start + len(text), text, label, pack, text if pack else None)


def entity(result: object, mention: MentionIn) -> str | None:
    return result.entity_of(mention.doc_id, mention.start_char, mention.end_char)  # type: ignore[attr-defined]


def test_titles_are_stripped_and_kinds_grouped() -> None:
    assert strip_title("Brigadier General Zaid Armoush") == "Zaid Armoush"
    assert strip_title("Mr Qandusi") == "Qandusi"
    assert family("GPE") == family("LOC") == family("FAC") == "place"
    assert family("PER") != family("ORG")


def test_pack_ids_and_spelling_variants_across_reports() -> None:
    a = m("d1", 0, "Kata'ib Hezbollah", "ORG", pack="mideast:org/kataib-hezbollah")
    b = m("d2", 0, "Omar al-Badri")
    c = m("d3", 5, "Omar Al Badri")
    d = m("d3", 40, "Omar al-Bakri")  # one letter apart: a different man
    result = resolve_entities([a, b, c, d])
    assert entity(result, a) == "mideast:org/kataib-hezbollah"
    assert entity(result, b) == entity(result, c) != entity(result, d)
    assert "same name" in result.links[("d2", 0, 13)][3]


def test_short_forms_join_the_full_name_in_the_report_or_the_only_one_in_the_pile() -> None:
    full = m("d1", 0, "Hisham al-Qaddusi")
    short = m("d1", 50, "Mr Qaddusi")
    elsewhere = m("d2", 0, "Qaddusi")
    other = m("d3", 0, "Hisham al-Qandusi")
    result = resolve_entities([full, short, elsewhere, other])
    assert entity(result, short) == entity(result, full) == entity(result, elsewhere) != entity(result, other)
    assert result.links[("d1", 50, 60)][2] == "short_form"
    assert result.links[("d2", 0, 7)][2] == "short_form_pile"


def test_an_ambiguous_surname_stays_apart() -> None:
    a, b = m("d1", 0, "Ali Hassan"), m("d2", 0, "Omar Hassan")
    lone = m("d3", 0, "Hassan")
    result = resolve_entities([a, b, lone])
    assert entity(result, lone) not in {entity(result, a), entity(result, b)}


def test_merges_and_splits_are_applied() -> None:
    a, b = m("d1", 0, "Abu Ruwayd"), m("d2", 0, "Marwan Qutrubi")
    first = resolve_entities([a, b])
    merged = resolve_entities([a, b], merges=[(entity(first, b) or "", entity(first, a) or "")])
    assert entity(merged, a) == entity(merged, b) == entity(first, b)
    assert merged.links[("d1", 0, 10)][2] == "judgement"
    split = resolve_entities(
        [a, b],
        merges=[(entity(first, b) or "", entity(first, a) or "")],
        splits=[(entity(first, b) or "", "Abu Ruwayd")],
    )
    assert entity(split, a) != entity(split, b)
