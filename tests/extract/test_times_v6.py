"""Tests for extract.times.rules.v6 (invented sentences; no article text): what v6 adds, what it keeps out, and
that v1-v5 did not change."""

from __future__ import annotations

from datetime import date

import pytest

from storytrace.extract import times as times_module
from storytrace.extract.sentences import split_sentences
from storytrace.extract.times import BUILTIN_ANCHORS, find_times
from storytrace.model import DateVia, Document, PublishedDate
from storytrace.pipeline import PACK_READERS, Pipeline, get_component
from tests.extract.test_times import assert_prefilters_sound

WEDNESDAY = date(2025, 3, 12)
OCTOBER = date(2025, 10, 27)  # a Monday


def values(text: str, reference: date | None = WEDNESDAY, version: int = 6) -> dict[str, str]:
    """Each expression's text mapped to its value (the last one wins when a text occurs twice)."""
    found = find_times(text, split_sentences(text), reference, [], version)
    return {text[t.start_char : t.end_char]: t.value for t in found}


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        # A plan that was: a future marker after "had (been)" is a past.
        ("The truce had been due to expire Friday evening.", OCTOBER, {"Friday evening": "2025-10-24TEV"}),
        ("The vote had been scheduled for Thursday.", OCTOBER, {"Thursday": "2025-10-23"}),
        ("The vote had originally been set to take place Thursday.", OCTOBER, {"Thursday": "2025-10-23"}),
        # ...while the plain future still reads ahead.
        ("The truce is due to expire Friday evening.", OCTOBER, {"Friday evening": "2025-10-31TEV"}),
        ("The truce will expire Friday evening.", OCTOBER, {"Friday evening": "2025-10-31TEV"}),
        # "effective" before a date: the date the change takes effect, ahead of the report.
        ("Ms. Harbi joins the board, effective Feb. 1.", OCTOBER, {"Feb. 1": "2026-02-01"}),
        ("The levy is cut effective as of June 1.", OCTOBER, {"June 1": "2026-06-01"}),
        ("The levy was cut on June 1.", OCTOBER, {"June 1": "2025-06-01"}),
        # A present tense of a scheduled act right before a weekday says future.
        ("The two envoys meet separately Monday with the mayor.", WEDNESDAY, {"Monday": "2025-03-17"}),
        ("Talks resume on Tuesday in Tesra.", WEDNESDAY, {"Tuesday": "2025-03-18"}),
        ("The council votes Friday on the budget.", WEDNESDAY, {"Friday": "2025-03-14"}),
        # ...unless a marker stands nearer the weekday.
        ("The rebels let the assault begin as planned Saturday night.", WEDNESDAY,
         {"Saturday night": "2025-03-08TNI"}),
        ("The envoys met Monday with the mayor.", WEDNESDAY, {"Monday": "2025-03-10"}),
        # A clock time takes the day named right after it.
        ("The decision came at 10:15 a.m. ET on Tuesday.", WEDNESDAY,
         {"10:15 a.m. ET": "2025-03-11T10:15", "Tuesday": "2025-03-11"}),
        ("The blast came at 9:40 a.m. (0640 GMT) Monday, officials said.", WEDNESDAY,
         {"9:40 a.m.": "2025-03-10T09:40", "0640 GMT": "2025-03-12T06:40Z", "Monday": "2025-03-10"}),
        ("At 16:15 UTC, March 3, the minister spoke.", WEDNESDAY,
         {"16:15 UTC": "2025-03-03T16:15Z", "March 3": "2025-03-03"}),
        ("The convoy left at 6 a.m. and arrived at noon.", WEDNESDAY,
         {"6 a.m.": "2025-03-12T06:00", "noon": "2025-03-12T12:00"}),
        # An ordinal day said in the present, with no anchor event: the report's day (week).
        ("It's the second day of the offensive on the ridge.", WEDNESDAY, {"the second day": "2025-03-12"}),
        ("The strike is now in its fourth day.", WEDNESDAY, {"now": "PRESENT_REF", "fourth day": "2025-03-12"}),
        ("Today is the eighth day of the blockade.", WEDNESDAY,
         {"Today": "2025-03-12", "the eighth day": "2025-03-12"}),
        ("It is the third week of the sit-in.", WEDNESDAY, {"the third week": "2025-W11"}),
        # "more recently" is one span, before a verb too.
        ("The unit guarded the port, and more recently has patrolled the coast.", WEDNESDAY,
         {"more recently": "PAST_REF"}),
        ("More recently, the unit patrolled the coast.", WEDNESDAY, {"More recently": "PAST_REF"}),
        # A year before a capitalised noun after "the" or a preposition is still a year.
        ("In 1998 Congress passed the law.", WEDNESDAY, {"1998": "1998"}),
        ("The 1990 Act was repealed in 2004.", WEDNESDAY, {"1990": "1990", "2004": "2004"}),
    ],
)  # fmt: skip
def test_find_times_v6_values(text: str, reference: date, expected: dict[str, str]) -> None:
    assert values(text, reference) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Flight 2013 landed safely at Harbal.",  # a number after a noun that numbers things
        "The council acted under Resolution 1973.",
        "The law, known as Article 2011, passed.",
        "The Harbal 2000 Index fell sharply.",  # a year between two capitalised words: a name
        "It was the third day of the strike.",  # a past: which day is not known
        "May the best team win.",  # the verb, not the month
        "Protesters will March on Harbal.",
        "He scored 2013 points.",
    ],
)
def test_find_times_v6_ignores_false_positives(text: str) -> None:
    assert values(text) == {}


def test_find_times_v6_event_day_still_wins_over_the_present_reading() -> None:
    siege = times_module.AnchorEvent("siege", ("the siege",), date(2025, 3, 3))
    text = "It is the tenth day of the siege."
    (found,) = find_times(text, split_sentences(text), WEDNESDAY, [siege], 6)
    assert (text[found.start_char : found.end_char], found.value, found.rule) == (
        "the tenth day of the siege",
        "2025-03-12",
        "event-day",
    )


@pytest.mark.parametrize(
    ("text", "reference", "version", "expected"),
    [
        ("The truce had been due to expire Friday evening.", OCTOBER, 5, {"Friday evening": "2025-10-31TEV"}),
        ("Ms. Harbi joins the board, effective Feb. 1.", OCTOBER, 5, {"Feb. 1": "2025-02-01"}),
        ("The two envoys meet separately Monday with the mayor.", WEDNESDAY, 5, {"Monday": "2025-03-10"}),
        ("The decision came at 10:15 a.m. ET on Tuesday.", WEDNESDAY, 5,
         {"10:15 a.m. ET": "2025-03-12T10:15", "Tuesday": "2025-03-11"}),
        ("It's the second day of the offensive on the ridge.", WEDNESDAY, 5, {}),
        ("The unit guarded the port, and more recently has patrolled the coast.", WEDNESDAY, 5, {}),
        ("Flight 2013 landed safely at Harbal.", WEDNESDAY, 5, {"2013": "2013"}),
        ("The Harbal 2000 Index fell sharply.", WEDNESDAY, 4, {"2000": "2000"}),
    ],
)  # fmt: skip
def test_find_times_older_versions_unchanged(
    text: str, reference: date, version: int, expected: dict[str, str]
) -> None:
    assert values(text, reference, version) == expected


# The v6 rules' prefilters (needs) only skip work, as test_times.py checks for the others.
_SOUNDNESS_V6 = [
    "It's the second day, it is the third week, today is the fifth day; the strike is in its fourth day.",
    "More recently, at 10 a.m. on Tuesday, 16:15 UTC, June 1st, the truce is due to expire Friday evening.",
]


@pytest.mark.parametrize("sentence", _SOUNDNESS_V6)
def test_v6_prefilters_change_no_candidate(sentence: str) -> None:
    rules = [*times_module._event_rules(BUILTIN_ANCHORS), *times_module._rules_of(6)]
    assert assert_prefilters_sound(sentence, rules) >= 4


def test_extractor_v6_is_registered_and_reads_packs() -> None:
    info = get_component("extract.times.rules.v6")
    assert (info.requires, info.assigns) == (("spans.sentences",), ("spans.times",))
    assert "extract.times.rules.v5" in PACK_READERS and "extract.times.rules.v6" in PACK_READERS
    pipeline = Pipeline.from_names(["extract.sentences.rules.v1", "extract.times.rules.v6"])
    text = "The two envoys meet separately Monday with the mayor."
    doc = Document(id="doc_t", text=text, locator="t.txt", published=PublishedDate("2025-03-12", DateVia.USER), meta={})
    (span,) = pipeline(doc).spans["times"]
    attrs = dict(span.attrs)
    assert (text[span.start_char : span.end_char], attrs["value"], attrs["rule"]) == ("Monday", "2025-03-17", "weekday")
