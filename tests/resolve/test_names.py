"""Transliteration-aware name matching: variants meet, distinct names stay apart, every verdict says why."""

from __future__ import annotations

import pytest

from storytrace.resolve.names import (
    VARIANT_MIN,
    blocking_keys,
    name_similarity,
    normalise,
    transliterate_arabic,
)

VARIANTS = [
    ("Kata'ib Hezbollah", "Kataib Hizbullah"),
    ("Kataib", "Katai'b"),
    ("Hezbollah", "Hizbullah"),
    ("Hezbollah", "Hizballah"),
    ("Hizb Allah", "Hezbollah"),
    ("Haniyeh", "Haniya"),
    ("Haniyeh", "Hanieh"),
    ("al-Sudani", "Al Sudani"),
    ("el-Sudani", "al-Sudani"),
    ("Mohammed Shia' al-Sudani", "Muhammad Shia Al-Sudani"),
    ("Abdul Rahman", "Abd al-Rahman"),
    ("Abdulrahman", "Abdel-Rahman"),
    ("Hassan Nasrallah", "Hassan Nasr Allah"),
    ("Kataib Hezbollah (KH)", "Kata'ib Hizballah"),
    ("The Islamic Resistance in Iraq", "Islamic Resistance in Iraq"),
]

ARABIC = [
    ("حزب الله", "Hezbollah"),
    ("كتائب حزب الله", "Kataib Hezbollah"),
    ("محمد شياع السوداني", "Mohammed Shia al-Sudani"),
    ("إسماعيل هنية", "Ismail Haniyeh"),
    ("عبد الرحمن", "Abdulrahman"),
    ("مُحَمَّد", "Muhammad"),  # harakat are dropped
    ("قيس الخزعلي", "Qais al-Khazali"),
    ("عصائب أهل الحق", "Asaib Ahl al-Haq"),
    ("نوري المالكي", "Nouri al-Maliki"),
]

DISTINCT = [
    ("Kataib Hezbollah", "Kataib Sayyid al-Shuhada"),
    ("Kataib Hezbollah", "Kata'ib al-Imam Ali"),
    ("Kataib Hezbollah", "Lebanese Hezbollah"),
    ("Kataib Sayyid al-Shuhada", "Kata'ib al-Imam Ali"),
    ("Mohammed al-Halbousi", "Mohammed al-Hafi"),
    ("كتائب حزب الله", "Kataib Sayyid al-Shuhada"),
    ("محمد الحلبوسي", "Mohammed al-Hafi"),
]


@pytest.mark.parametrize(("a", "b"), VARIANTS + ARABIC)
def test_variants_match(a: str, b: str) -> None:
    match = name_similarity(a, b)
    assert match.kind in {"exact", "variant"}, match
    assert match.score >= VARIANT_MIN
    assert name_similarity(b, a).score == match.score  # symmetric


@pytest.mark.parametrize(("a", "b"), DISTINCT)
def test_distinct_names_stay_apart_with_a_margin(a: str, b: str) -> None:
    match = name_similarity(a, b)
    assert match.kind == "different", match
    assert match.score <= VARIANT_MIN - 0.25
    assert "no counterpart for" in match.explanation


def test_explanation_says_why() -> None:
    match = name_similarity("Hizballah", "al-Hezbollah")
    assert "same name after transliteration: Hizballah ~ Hezbollah (skeleton hzbl)" in match.explanation
    assert "article dropped" in match.explanation
    arabic = name_similarity("حزب الله", "Hezbollah")
    assert "Arabic script read as 'hzb allh'" in arabic.explanation


def test_titles_are_stripped_before_a_person_name_only() -> None:
    assert [t.fold for t in normalise("Iraqi Prime Minister Mohammed Shia al-Sudani").tokens] == [
        "mohammed",
        "shia",
        "sudani",
    ]
    assert normalise("Mr Haniyeh's").titles == ("Mr",)
    assert [t.fold for t in normalise("Mr Haniyeh's").tokens] == ["haniyeh"]
    assert [t.fold for t in normalise("Brig. Gen. Yahya Rasul").tokens] == ["yahya", "rasul"]
    assert [t.fold for t in normalise("Minister of Foreign Affairs Fuad Hussein").tokens] == ["fuad", "hussein"]
    assert [t.fold for t in normalise("الشيخ قيس الخزعلي").tokens] == ["قيس", "خزعلي"]
    # "Sayyid" inside an organisation name is part of the name.
    assert [t.fold for t in normalise("Kataib Sayyid al-Shuhada").tokens] == ["kataib", "sayyid", "shuhada"]
    # A lone title is a name, not nothing.
    assert [t.fold for t in normalise("President").tokens] == ["president"]
    match = name_similarity("Sheikh Qais al-Khazali", "Qays al-Khazaali")
    assert match.kind == "variant"
    assert "title stripped" in match.explanation


def test_short_forms_are_flagged_not_merged() -> None:
    sudani = name_similarity("Sudani", "Mohammed Shia al-Sudani")
    assert sudani.kind == "short_form"
    assert "needs context" in sudani.explanation
    assert 0.5 <= sudani.score < VARIANT_MIN
    mr = name_similarity("Mr Haniyeh", "Ismail Haniyeh")
    assert mr.kind == "short_form"
    # A missing distinctive word costs more than a missing given name.
    assert name_similarity("Hezbollah", "Kataib Hezbollah").score < mr.score


def test_arabic_script_is_transliterated() -> None:
    assert transliterate_arabic("حزب الله") == "hzb allh"
    assert normalise("حزب الله").skeleton == normalise("Hezbollah").skeleton == "hzbl"
    assert normalise("هنية").skeleton == normalise("Haniyeh").skeleton
    # Persian letters: پ چ ژ گ ی ک.
    assert normalise("پزشکیان").skeleton == normalise("Pezeshkian").skeleton == "bzSkn"
    assert normalise("گلپایگانی").skeleton == normalise("Golpayegani").skeleton
    assert normalise("چمران").skeleton == normalise("Chamran").skeleton
    # أ is a hamza seat, not the start of the article ال.
    assert normalise("ألكسندر").tokens[0].skeleton == normalise("Alexander").tokens[0].skeleton


def test_blocking_keys_bring_variants_together_and_keep_strangers_out() -> None:
    for a, b in VARIANTS + ARABIC:
        assert blocking_keys(a) & blocking_keys(b), (a, b)
    assert not blocking_keys("Mohammed al-Halbousi") & blocking_keys("Mohammed al-Hafi")
    # Given names alone do not block, so every Mohammed is not a candidate for every other.
    assert "s:mhmd" not in blocking_keys("Mohammed al-Halbousi")


def test_normalise_is_cached_and_empty_names_do_not_match() -> None:
    assert normalise("Hezbollah") is normalise("Hezbollah")
    assert name_similarity("", "Hezbollah").score == 0.0
    assert name_similarity("al-", "Hezbollah").kind == "different"
