"""Group short forms that are the head or tail of one fuller name, and the model's MISC names across kinds."""

from __future__ import annotations

from storytrace.resolve.entities import EntityResolution, MentionIn, resolve_entities


def m(doc: str, start: int, text: str, label: str = "ORG", pack: str | None = None) -> MentionIn:
    return MentionIn(doc, start, start + len(text), text, label, pack, text if pack else None, f"2025-03-0{doc[-1]}")


def entity(result: EntityResolution, mention: MentionIn) -> str | None:
    return result.entity_of(mention.doc_id, mention.start_char, mention.end_char)


def why(result: EntityResolution, mention: MentionIn) -> tuple[str, str]:
    _, _, method, explanation = result.links[(mention.doc_id, mention.start_char, mention.end_char)]
    return method, explanation


def test_the_head_of_a_pack_groups_name_in_the_report_joins_it() -> None:
    brigades = m("d1", 0, "Hoopoe Brigades", pack="demo:org/ksh")
    hoopoe = m("d1", 60, "Hoopoe")
    result = resolve_entities([brigades, hoopoe])
    assert entity(result, hoopoe) == "demo:org/ksh"
    method, explanation = why(result, hoopoe)
    assert method == "short_form" and "the head of 'Hoopoe Brigades'" in explanation


def test_the_tail_of_a_name_after_a_place_named_in_the_report_joins_it() -> None:
    town, paper = m("d1", 0, "Qasr Numayr", "GPE"), m("d1", 20, "Qasr Numayr Herald")
    herald = m("d1", 80, "Herald")
    result = resolve_entities([town, paper, herald])
    assert entity(result, herald) == entity(result, paper) != entity(result, town)
    # Without the place in the report, two missing words are too many to read as a short form.
    paper2, herald2 = m("d2", 20, "Qasr Numayr Herald"), m("d2", 80, "Herald")
    result = resolve_entities([paper2, herald2])
    assert entity(result, herald2) != entity(result, paper2)


def test_a_missing_distinctive_word_keeps_groups_apart() -> None:
    kh, hz = m("d1", 0, "Kataib Hezbollah"), m("d1", 40, "Hezbollah")
    ksh, shuhada = m("d1", 80, "Kataib Sayyid al-Shuhada"), m("d1", 120, "Sayyid al-Shuhada")
    result = resolve_entities([kh, hz, ksh, shuhada])
    assert entity(result, hz) != entity(result, kh)
    assert entity(result, shuhada) != entity(result, ksh)


def test_a_short_form_fitting_two_names_stays_apart() -> None:
    a, b = m("d1", 0, "Hoopoe Brigades"), m("d1", 30, "Hoopoe Forces")
    hoopoe = m("d1", 60, "Hoopoe")
    result = resolve_entities([a, b, hoopoe])
    assert entity(result, hoopoe) not in {entity(result, a), entity(result, b)}


def test_look_alike_groups_do_not_take_each_others_short_forms() -> None:
    hudhud, hudud = m("d1", 0, "Kataib Sayf al-Hudhud Brigades"), m("d1", 40, "Kataib Sayf al-Hudud")
    short = m("d1", 80, "Kataib Sayf al-Hudhud")
    result = resolve_entities([hudhud, hudud, short])
    assert entity(result, short) == entity(result, hudhud) != entity(result, hudud)


def test_across_reports_a_name_of_two_words_or_more_joins_the_only_longer_name() -> None:
    centre = m("d1", 0, "Centre for Frontier Security Studies", pack="demo:org/cfss")
    tail = m("d2", 0, "Frontier Security Studies")
    one_word = m("d3", 0, "Studies")  # one word: too many names end in it across a pile
    result = resolve_entities([centre, tail, one_word])
    assert entity(result, tail) == "demo:org/cfss"
    method, explanation = why(result, tail)
    assert method == "short_form_pile" and "the tail of 'Centre for Frontier Security Studies'" in explanation
    assert entity(result, one_word) != "demo:org/cfss"


def test_a_model_misc_name_joins_the_group_of_that_name_but_never_a_person() -> None:
    channel, app = m("d1", 0, "Telegram channel"), m("d2", 0, "Telegram", "MISC")
    exact_group, misc_again = m("d3", 0, "Outlook"), m("d4", 0, "Outlook", "MISC")
    person, misc_person = m("d5", 0, "Jordan", "PER"), m("d6", 0, "Jordan", "MISC")
    result = resolve_entities([channel, app, exact_group, misc_again, person, misc_person])
    assert entity(result, app) == entity(result, channel)
    assert entity(result, misc_again) == entity(result, exact_group)
    assert entity(result, misc_person) != entity(result, person)
