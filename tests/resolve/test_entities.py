"""Entity resolution: pack ids, variants and look-alikes across reports, aliases, short forms, context, judgements."""

from __future__ import annotations

import random

import pytest

from storytrace.resolve.entities import (
    EntityResolution,
    MentionIn,
    family,
    resolve_entities,
    same_name,
    strip_title,
)


def m(
    doc: str,
    start: int,
    text: str,
    label: str = "PER",
    pack: str | None = None,
    published: str | None = None,
    **kw: object,
) -> MentionIn:
    return MentionIn(doc, start, start + len(text), text, label, pack, text if pack else None, published, **kw)  # type: ignore[arg-type]


def entity(result: EntityResolution, mention: MentionIn) -> str | None:
    return result.entity_of(mention.doc_id, mention.start_char, mention.end_char)


def link(result: EntityResolution, mention: MentionIn) -> tuple[str, float, str, str]:
    return result.links[(mention.doc_id, mention.start_char, mention.end_char)]


def test_titles_are_stripped_and_kinds_grouped() -> None:
    assert strip_title("Brigadier General Zaid Armoush") == "Zaid Armoush"
    assert strip_title("Mr Qandusi") == "Qandusi"
    assert family("GPE") == family("LOC") == family("FAC") == "place"
    assert family("PER") != family("ORG")


def test_spelling_variants_join_across_reports_with_an_explanation() -> None:
    kh = [
        m("d1", 0, "Kata'ib Hezbollah", "ORG"),
        m("d2", 0, "Kataib Hizbullah", "ORG"),
        m("d3", 0, "Kataib Hizballah", "ORG"),
    ]
    hamas = [m("d1", 40, "Ismail Haniyeh"), m("d2", 40, "Ismail Haniya"), m("d3", 40, "Ismail Hanieh")]
    sudani = [m("d4", 0, "Mohammed Shia' al-Sudani"), m("d5", 0, "Muhammad Shia Al-Sudani")]
    result = resolve_entities(kh + hamas + sudani)
    for group in (kh, hamas, sudani):
        assert len({entity(result, x) for x in group}) == 1
    assert entity(result, kh[0]) != entity(result, hamas[0])
    _, score, method, why = link(result, kh[2])
    assert method == "variant" and 0.85 <= score < 1.0
    assert "same name after transliteration: Hizballah ~ Hezbollah (skeleton hzbl)" in why
    assert link(result, kh[0])[2] == "new"


LOOK_ALIKES = [
    ("Kataib Hezbollah", "Kataib Sayyid al-Shuhada", "ORG"),
    ("Kataib Hezbollah", "Kata'ib al-Imam Ali", "ORG"),
    ("Kataib Hezbollah", "Lebanese Hezbollah", "ORG"),
    ("Kataib Sayyid al-Shuhada", "Kata'ib al-Imam Ali", "ORG"),
    ("Mohammed al-Halbousi", "Mohammed al-Hafi", "PER"),
    ("Kataib Saif al-Hudhud", "Kata'ib Sayf al-Hudud", "ORG"),  # one written h apart
    ("Hisham al-Qandusi", "Hisham al-Qaddusi", "PER"),  # 0.90 by name, 0.79 on the surname
    ("Hisham Al Qandoussi", "Hisham al-Qaddusi", "PER"),
    ("Omar al-Badri", "Omar al-Bakri", "PER"),
    ("كتائب سيف الهدهد", "Kata'ib Sayf al-Hudud", "ORG"),
    ("Airbus A380", "Airbus A350", "MISC"),  # the phonetic form drops digits
    ("Checkpoint 14", "Checkpoint 41", "FAC"),
]


@pytest.mark.parametrize(("a", "b", "label"), LOOK_ALIKES)
def test_look_alikes_stay_apart(a: str, b: str, label: str) -> None:
    x, y = m("d1", 0, a, label), m("d2", 0, b, label)
    result = resolve_entities([x, y])
    assert entity(result, x) != entity(result, y)
    assert same_name(a, b) is None


def test_look_alikes_in_one_pile_each_keep_their_variants() -> None:
    mentions = [
        m("d1", 0, "Kataib Saif al-Hudhud", "ORG"),
        m("d1", 50, "Kataib Saif al-Hudud", "ORG"),
        m("d2", 0, "Kataeb Seif el-Hodhod", "ORG"),
        m("d3", 0, "Kata'ib Sayf al-Hudud", "ORG"),
        m("d4", 0, "Kata'ib Saif Al Hudhoud", "ORG"),
    ]
    result = resolve_entities(mentions)
    hudhud = {entity(result, mentions[i]) for i in (0, 2, 4)}
    hudud = {entity(result, mentions[i]) for i in (1, 3)}
    assert len(hudhud) == len(hudud) == 1
    assert hudhud != hudud


def test_arabic_script_joins_its_latin_spelling() -> None:
    mentions = [
        m("d1", 0, "Hezbollah", "ORG"),
        m("d2", 0, "حزب الله", "ORG"),
        m("d1", 30, "Ismail Haniyeh"),
        m("d3", 0, "إسماعيل هنية"),
        m("d4", 0, "قيس الخزعلي"),
        m("d5", 0, "Qais al-Khazali"),
    ]
    result = resolve_entities(mentions)
    assert entity(result, mentions[0]) == entity(result, mentions[1])
    assert entity(result, mentions[2]) == entity(result, mentions[3])
    assert entity(result, mentions[4]) == entity(result, mentions[5])
    assert "Arabic script read as" in link(result, mentions[1])[3]


def test_kinds_must_agree_except_for_an_exact_name_of_two_words() -> None:
    country, person = m("d1", 0, "Jordan", "GPE"), m("d2", 0, "Jordan", "PER")
    result = resolve_entities([country, person])
    assert entity(result, country) != entity(result, person)
    place = m("d1", 0, "Ain Bashura", "GPE")
    mistyped = m("d2", 0, "Ain Bashura", "PER")  # a model's mistyping of an exact two-word name
    variant = m("d3", 0, "Ein Bashoura", "PER")  # a variant needs the kind to agree
    result = resolve_entities([place, mistyped, variant])
    assert entity(result, place) == entity(result, mistyped) != entity(result, variant)
    assert "labelled PER here" in link(result, mistyped)[3]
    packed = m("d1", 0, "Ain Bashura", "GPE", pack="demo:gpe/ain-bashura")
    result = resolve_entities([packed, mistyped, m("d3", 0, "Ein Bashoura", "LOC")])
    assert entity(result, mistyped) == "demo:gpe/ain-bashura"
    assert link(result, mistyped)[2] == "pack_name"
    assert result.links[("d3", 0, 12)][0] == "demo:gpe/ain-bashura"
    assert result.kinds["demo:gpe/ain-bashura"] == "GPE"


def test_a_middle_name_and_a_bare_alias_join_across_reports() -> None:
    full = m("d1", 0, "Marwan Fayez al-Qutrubi", published="2025-03-01")
    bare_alias = m("d2", 0, "Abu Ruwayd", published="2025-03-02")  # no relation here: its own entity at first
    shorter = m("d3", 0, "Marwan al-Qutrubi", published="2025-03-03")
    name = m("d4", 0, "Marwan al-Qutrubi", published="2025-03-04")
    alias = m("d4", 30, "Abu Ruwayd", published="2025-03-04", alias_of=(0, 17), evidence="known as Abu Ruwayd")
    other = m("d5", 0, "Marwan Khalil", published="2025-03-05")
    result = resolve_entities([full, bare_alias, shorter, name, alias, other])
    assert len({entity(result, x) for x in (full, bare_alias, shorter, name, alias)}) == 1
    assert entity(result, other) != entity(result, full)
    assert link(result, shorter)[2] == "short_form_pile"
    assert link(result, bare_alias)[2] == "alias_pile"
    assert "known as Abu Ruwayd" in link(result, bare_alias)[3]


def test_a_model_mention_of_a_pack_spelling_joins_the_pack_entity() -> None:
    a = m("d1", 0, "Kata'ib Hezbollah", "ORG", pack="mideast:org/kataib-hezbollah")
    b = m("d2", 0, "Kataib Hizballah", "ORG")
    c = m("d3", 0, "Kataib Sayyid al-Shuhada", "ORG")
    result = resolve_entities([a, b, c])
    assert entity(result, a) == entity(result, b) == "mideast:org/kataib-hezbollah"
    assert link(result, b)[2] == "pack_name"
    assert entity(result, c) != entity(result, a)
    assert result.pack_ids == {"mideast:org/kataib-hezbollah": "mideast:org/kataib-hezbollah"}


def test_aliases_stated_in_text_are_linked_with_their_evidence() -> None:
    name = m("d1", 0, "Marwan al-Qutrubi")
    evidence = "Marwan al-Qutrubi, known as Abu Ruwayd"
    alias = m("d1", 28, "Abu Ruwayd", alias_of=(0, 17), evidence=evidence)
    later = m("d2", 0, "Abu Rowaid")  # no relation in this report: the alias spelling is a reference
    fighter = m("d3", 0, "Abu Hamza")
    result = resolve_entities([name, alias, later, fighter])
    assert entity(result, name) == entity(result, alias) == entity(result, later)
    assert entity(result, fighter) != entity(result, name)
    _, _, method, why = link(result, alias)
    assert method == "alias"
    assert evidence in why
    assert result.names[entity(result, name) or ""] == "Marwan al-Qutrubi"


def test_an_alias_before_its_name_and_without_a_relation() -> None:
    alias = m("d1", 0, "Abu Ruwayd", alias_of=(40, 57), evidence="Abu Ruwayd, whose name is Marwan al-Qutrubi")
    name = m("d1", 40, "Marwan al-Qutrubi")
    unrelated = m("d2", 0, "Abu Ruwayd")
    result = resolve_entities([alias, name, unrelated])
    assert entity(result, alias) == entity(result, name) == entity(result, unrelated)
    # Without the relation the kunya is a name of its own.
    plain = resolve_entities([m("d1", 0, "Abu Ruwayd"), name])
    assert plain.entity_of("d1", 0, 10) != entity(plain, name)


def test_short_forms_in_the_report_and_in_the_pile() -> None:
    full = m("d1", 0, "Mohammed Shia al-Sudani")
    short = m("d1", 50, "Sudani")
    mr = m("d1", 80, "Mr Sudani")
    elsewhere = m("d2", 0, "Sudani")
    given = m("d1", 120, "Mohammed")  # a given name alone is not the short form
    result = resolve_entities([full, short, mr, elsewhere, given])
    assert entity(result, short) == entity(result, mr) == entity(result, full) == entity(result, elsewhere)
    assert entity(result, given) != entity(result, full)
    assert link(result, short)[2] == "short_form"
    assert link(result, elsewhere)[2] == "short_form_pile"
    assert "Sudani" in link(result, elsewhere)[3]


def test_short_forms_pick_the_right_look_alike_and_ambiguity_stays_apart() -> None:
    qandusi, qaddusi = m("d1", 0, "Hisham al-Qandusi"), m("d1", 40, "Hisham al-Qaddusi")
    mr = m("d1", 80, "Mr Qandusi")
    hisham = m("d1", 100, "Hisham")
    result = resolve_entities([qandusi, qaddusi, mr, hisham])
    assert entity(result, mr) == entity(result, qandusi) != entity(result, qaddusi)
    assert entity(result, hisham) not in {entity(result, qandusi), entity(result, qaddusi)}
    a, b, lone = m("d1", 0, "Ali Hassan"), m("d2", 0, "Omar Hassan"), m("d3", 0, "Hassan")
    result = resolve_entities([a, b, lone])
    assert entity(result, lone) not in {entity(result, a), entity(result, b)}


def test_a_group_short_form_keeps_distinctive_words_and_places_are_not_shortened() -> None:
    kh = m("d1", 0, "Kataib Hezbollah", "ORG")
    hz = m("d1", 40, "Hezbollah", "ORG")
    paper, courier = m("d1", 60, "Tesra Courier", "ORG"), m("d1", 90, "Courier", "ORG")
    province, city = m("d1", 120, "Wadi Tesra", "GPE"), m("d1", 140, "Tesra", "GPE")
    result = resolve_entities([kh, hz, paper, courier, province, city])
    assert entity(result, hz) != entity(result, kh)
    assert entity(result, courier) == entity(result, paper)
    assert entity(result, city) != entity(result, province)


def test_acronyms_in_the_report_and_in_the_pile() -> None:
    full = m("d1", 0, "Kata'ib Sayf al-Hudhud", "ORG")
    short = m("d1", 30, "KSH", "ORG")
    bare = m("d2", 0, "KSH", "ORG")
    result = resolve_entities([full, short, bare])
    assert entity(result, short) == entity(result, full) == entity(result, bare)
    assert link(result, short)[2] == "acronym"
    assert link(result, bare)[2] == "same_name"  # the acronym stated beside its name is a reference spelling
    office, gao = m("d1", 0, "Government Accountability Office", "ORG"), m("d2", 0, "the GAO", "ORG")
    other = m("d3", 0, "Kata'ib Hezbollah", "ORG")
    result = resolve_entities([office, gao, other, m("d3", 30, "KH", "ORG"), m("d4", 0, "PMF", "ORG")])
    assert entity(result, gao) == entity(result, office)
    assert link(result, gao)[2] == "acronym_pile"
    assert result.entity_of("d3", 30, 32) == entity(result, other)
    assert result.entity_of("d4", 0, 3) not in {entity(result, office), entity(result, other)}


def test_a_description_before_a_name_is_dropped() -> None:
    plain = m("d1", 0, "Ryanair", "ORG")
    described = m("d2", 0, "Irish low cost airline , Ryanair", "ORG")
    spokeswoman = m("d3", 0, "ministry spokeswoman Mireille Azzar")
    named = m("d4", 0, "Mireille Azzar")
    resistance = m("d5", 0, "Islamic Resistance in Iraq", "ORG")
    iraq = m("d6", 0, "Iraq", "ORG")
    result = resolve_entities([plain, described, spokeswoman, named, resistance, iraq])
    assert entity(result, plain) == entity(result, described)
    assert entity(result, spokeswoman) == entity(result, named)
    assert entity(result, resistance) != entity(result, iraq)  # a function word: not a description
    assert "description dropped" in link(result, described)[3]


def test_generic_descriptions_join_only_in_the_same_context() -> None:
    ibdara = m("d1", 0, "interior ministry", "ORG", context="Ibdara")
    qarnassa_1 = m("d2", 0, "interior ministry", "ORG", context="Qarnassa")
    qarnassa_2 = m("d3", 0, "interior ministry", "ORG", context="Qarnassa")
    unknown_1 = m("d4", 0, "interior ministry", "ORG")
    unknown_2 = m("d5", 0, "interior ministry", "ORG")
    named = m("d6", 0, "Interior Ministry", "ORG")
    result = resolve_entities([ibdara, qarnassa_1, qarnassa_2, unknown_1, unknown_2, named])
    assert entity(result, qarnassa_1) == entity(result, qarnassa_2) != entity(result, ibdara)
    assert entity(result, unknown_1) != entity(result, unknown_2)
    assert entity(result, named) not in {entity(result, x) for x in (ibdara, qarnassa_1, unknown_1)}
    assert "Qarnassa" in link(result, qarnassa_2)[3]


def test_merges_and_splits_are_applied() -> None:
    a, b = m("d1", 0, "Abu Ruwayd"), m("d2", 0, "Marwan Qutrubi")
    c = m("d3", 0, "Abu Rowaid")
    first = resolve_entities([a, b, c])
    keep, other = entity(first, b) or "", entity(first, a) or ""
    merged = resolve_entities([a, b, c], merges=[(keep, other)])
    assert entity(merged, a) == entity(merged, b) == entity(merged, c) == keep
    assert link(merged, a)[2] == "judgement"
    split = resolve_entities([a, b, c], merges=[(keep, other)], splits=[(keep, "Abu Ruwayd")])
    assert entity(split, a) != entity(split, b)
    assert entity(split, c) == entity(split, a)  # the variant spelling of the split alias leaves too
    # A new report joins, the judgements still hold.
    again = resolve_entities([a, b, c, m("d4", 0, "Marwan Qutrubi")], merges=[(keep, other)])
    assert again.entity_of("d4", 0, 14) == entity(again, a) == keep


def _pile() -> list[MentionIn]:
    return [
        m("d1", 0, "Kata'ib Hezbollah", "ORG", published="2025-03-01"),
        m("d1", 30, "Ismail Haniyeh", published="2025-03-01"),
        m("d1", 50, "Haniyeh", published="2025-03-01"),
        m("d2", 0, "Kataib Hizbullah", "ORG", published="2025-03-02"),
        m("d2", 20, "Hisham al-Qandusi", published="2025-03-02"),
        m("d3", 0, "Hisham al-Qaddusi", published="2025-03-03"),
        m("d3", 30, "Ismail Haniya", published="2025-03-03"),
        m("d3", 50, "Qaddusi", published="2025-03-03"),
        m("d4", 0, "interior ministry", "ORG", published="2025-03-04", context="Ibdara"),
    ]


def test_resolution_does_not_depend_on_input_order() -> None:
    pile = _pile()
    expected = resolve_entities(pile)
    rng = random.Random(7)
    for _ in range(5):
        shuffled = pile[:]
        rng.shuffle(shuffled)
        assert resolve_entities(shuffled).links == expected.links


def test_a_new_report_joins_without_renaming_other_entities() -> None:
    pile = _pile()
    before = resolve_entities(pile)
    new = [
        m("d5", 0, "Kataib Hizballah", "ORG", published="2025-03-05"),
        m("d5", 30, "Hisham Al Qandoussi", published="2025-03-05"),
        m("d5", 60, "Mohammed al-Hafi", published="2025-03-05"),
    ]
    after = resolve_entities(pile + new)
    for key, (entity_id, *_rest) in before.links.items():
        assert after.links[key][0] == entity_id
    assert entity(after, new[0]) == entity(before, pile[0])
    assert entity(after, new[1]) == entity(before, pile[4])
    assert entity(after, new[2]) not in set(e for e, *_ in before.links.values())


def test_every_link_has_a_score_method_and_explanation() -> None:
    result = resolve_entities(_pile())
    assert len(result.links) == len(_pile())
    for entity_id, score, method, why in result.links.values():
        assert entity_id and 0.0 < score <= 1.0 and method and len(why) > 10


def test_the_resolve_job_reads_aliases_and_context_from_a_report() -> None:
    from storytrace.model import Document, Span
    from storytrace.resolve.job import _mentions_of

    text = "Marwan Qutrubi, known as Abu Ruwayd, spoke. Ibdara's interior ministry said so."
    name, alias = (0, 14), (25, 35)
    ibdara, ministry = (44, 50), (53, 70)
    assert text[ibdara[0] : ibdara[1]] == "Ibdara" and text[ministry[0] : ministry[1]] == "interior ministry"

    def model(span: tuple[int, int], label: str) -> Span:
        return Span(span[0], span[1], label, (("model", "test"), ("confidence", 0.9)))

    def arg(span: tuple[int, int]) -> dict[str, object]:
        return {"text": text[span[0] : span[1]], "start_char": span[0], "end_char": span[1], "entity_id": None}

    doc = Document(id="doc_t", text=text, locator="test")
    doc.spans["entities_crf"] = [model(name, "PER"), model(alias, "PER"), model(ibdara, "LOC"), model(ministry, "ORG")]
    doc.spans["relations"] = [Span(0, 35, "alias_of", (("subject", arg(alias)), ("object", arg(name))))]
    mentions = {(x.start_char, x.end_char): x for x in _mentions_of(doc, "2025-03-01")}
    assert mentions[alias].alias_of == name
    assert mentions[alias].evidence == "Marwan Qutrubi, known as Abu Ruwayd"
    assert mentions[ministry].context == "Ibdara"
    assert mentions[name].alias_of is None and mentions[name].context is None
    result = resolve_entities(mentions.values())
    assert result.entity_of("doc_t", *alias) == result.entity_of("doc_t", *name)
    assert result.links[("doc_t", *alias)][2] == "alias"


def test_a_group_short_form_joins_the_only_group_it_shortens_across_reports() -> None:
    courier = m("d1", 0, "The Tesra Courier", "ORG", published="2025-03-01")
    short = m("d2", 0, "Courier", "ORG", published="2025-03-02")  # "according to the Courier", in another report
    kh = m("d3", 0, "Kataib Hezbollah", "ORG", published="2025-03-03")
    hezbollah = m("d4", 0, "Hezbollah", "ORG", published="2025-03-04")  # leaves out the distinctive "Kataib"
    result = resolve_entities([courier, short, kh, hezbollah])
    assert entity(result, short) == entity(result, courier)
    _, score, method, why = link(result, short)
    assert (method, score) == ("short_form_pile", 0.6)
    assert why.startswith("'Courier' is a short form of 'The Tesra Courier', the only such group in the pile")
    assert entity(result, hezbollah) != entity(result, kh)


def test_a_group_known_by_one_word_takes_its_fuller_name_when_only_one_fits() -> None:
    short = m("d1", 0, "Lantern", "ORG", published="2025-03-01")
    full = m("d2", 0, "Lantern Monitor", "ORG", published="2025-03-02")
    other = m("d3", 0, "Lantern Foundation", "ORG", published="2025-03-03")  # the entity now has a fuller name
    result = resolve_entities([short, full, other])
    assert entity(result, full) == entity(result, short)
    assert result.names[entity(result, short) or ""] == "Lantern Monitor"
    assert entity(result, other) != entity(result, short)
    # Two groups that "Herald" could shorten: it stays apart from both.
    herald = [m("d1", 0, "Harbal Herald", "ORG"), m("d2", 0, "Tesra Herald", "ORG"), m("d3", 0, "Herald", "ORG")]
    ambiguous = resolve_entities(herald)
    assert len({entity(ambiguous, x) for x in herald}) == 3


def test_a_demonym_is_explained_as_one() -> None:
    state = MentionIn("d1", 0, 6, "Ibdara", "GPE", "x:gpe/ibdara", "Ibdara")
    adjective = MentionIn("d1", 20, 27, "Ibdaran", "GPE", "x:gpe/ibdara", "Ibdara", form="demonym")
    result = resolve_entities([state, adjective])
    assert entity(result, adjective) == entity(result, state) == "x:gpe/ibdara"
    assert result.links[("d1", 20, 27)][3] == "a demonym of Ibdara in the domain pack"
    assert result.links[("d1", 0, 6)][3] == "a spelling of Ibdara in the domain pack"
