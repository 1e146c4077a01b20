"""Tests for extract.times.rules.v5 (invented sentences; no article text): what v5 adds, what it keeps out, and
that v1-v4 did not change."""

from __future__ import annotations

from datetime import date

import pytest

from storytrace.extract import times as times_module
from storytrace.extract.sentences import split_sentences
from storytrace.extract.times import BUILTIN_ANCHORS, find_times
from storytrace.model import DateVia, Document, PublishedDate
from storytrace.pipeline import PACK_READERS, PIPELINES, Pipeline, get_component
from tests.extract.test_times import assert_prefilters_sound

WEDNESDAY = date(2025, 3, 12)
OCT_27 = date(2025, 10, 27)  # a Monday, eight days before the US Election Day of 2025 (4 November)


def values(text: str, reference: date | None = WEDNESDAY, version: int = 5) -> dict[str, str]:
    """Each expression's text mapped to its value (the last one wins when a text occurs twice)."""
    found = find_times(text, split_sentences(text), reference, [], version)
    return {text[t.start_char : t.end_char]: t.value for t in found}


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        # Thousands separators: v4 read "000 years" (P0Y).
        ("The shrine has stood for 1,000 years.", WEDNESDAY, {"1,000 years": "P1000Y"}),
        # A US time zone stays in the span.
        ("The polls close at 8 p.m. ET.", WEDNESDAY, {"8 p.m. ET": "2025-03-12T20:00"}),
        # The second day of a range is a date of its own.
        ("The envoys met March 3-4 in Harbal.", WEDNESDAY, {"March 3": "2025-03-03", "4": "2025-03-04"}),
        ("The summit ran on Feb. 10 and 11, 2024.", WEDNESDAY, {"Feb. 10": "2024-02-10", "11, 2024": "2024-02-11"}),
        # A day of the month in digits takes the month named last, else the report's.
        ("Talks began in February. They met on the 16th and left on the 18th.", WEDNESDAY,
         {"February": "2025-02", "the 16th": "2025-02-16", "the 18th": "2025-02-18"}),
        ("The council met on the 10th.", WEDNESDAY, {"the 10th": "2025-03-10"}),
        ("The council met on the 20th.", WEDNESDAY, {"the 20th": "2025-02-20"}),  # still ahead: last month's
        ("The council will meet on the 20th.", WEDNESDAY, {"the 20th": "2025-03-20"}),
        # Holidays counted from Easter, weekday-counted ones, and Election Day.
        ("Pilgrims gathered on Palm Sunday and again on Good Friday.", date(2025, 4, 30),
         {"Palm Sunday": "2025-04-13", "Good Friday": "2025-04-18"}),
        ("The square was full during Holy Week.", date(2025, 4, 30), {"Holy Week": "2025-W16"}),
        ("Shops were shut on Labor Day.", OCT_27, {"Labor Day": "2025-09-01"}),
        # A holiday a week ahead is the coming one even with no future tense (v4: last year's).
        ("The race is tight from now to Election Day.", OCT_27, {"now": "PRESENT_REF", "Election Day": "2025-11-04"}),
        # The end of the year: the report's, the one before after "since".
        ("The sale should close by year-end.", WEDNESDAY, {"year-end": "2025"}),
        ("Shares are up 4% since year end.", WEDNESDAY, {"year end": "2024"}),
        ("The plant will be sold by year's end.", WEDNESDAY, {"year's end": "2025"}),
        # Count-less lengths back.
        ("The villages emptied years ago.", WEDNESDAY, {"years ago": "PAST_REF"}),
        ("The well had failed months earlier.", WEDNESDAY, {"months earlier": "PAST_REF"}),
        ("The well had failed three months ago.", WEDNESDAY, {"three months ago": "2024-12"}),
        # Weekdays and weekends in the plural are sets.
        ("The market opens on Fridays and on weekends.", WEDNESDAY,
         {"Fridays": "XXXX-WXX-5", "weekends": "XXXX-WXX-WE"}),
        # A part of the day with its edge.
        ("By mid-afternoon yesterday the road was open.", WEDNESDAY, {"mid-afternoon yesterday": "2025-03-11TAF"}),
        ("The convoy left in the late afternoon.", WEDNESDAY, {"the late afternoon": "2025-03-12TAF"}),
        # Quarters written Q1-Q4.
        ("Exports fell in Q4 and rose in Q1 2025.", WEDNESDAY, {"Q4": "2024-Q4", "Q1 2025": "2025-Q1"}),
        ("Sales will recover in Q3.", WEDNESDAY, {"Q3": "2025-Q3"}),
        # "this past weekend".
        ("Crowds gathered this past weekend.", WEDNESDAY, {"this past weekend": "2025-W10-WE"}),
        # Fiscal years.
        ("Sales in the current fiscal year will be flat.", WEDNESDAY, {"the current fiscal year": "2025"}),
        ("Sales in the latest fiscal year fell.", WEDNESDAY, {"the latest fiscal year": "2024"}),
        ("Profit will rise throughout the fiscal year.", WEDNESDAY, {"the fiscal year": "P1Y"}),
        # Weeks of a month.
        ("A hearing is set for the week of March 24.", WEDNESDAY, {"the week of March 24": "2025-W13"}),
        ("Sales rose in the last week of February.", WEDNESDAY, {"the last week of February": "2025-W09"}),
        ("Sales rose in the first week of March.", WEDNESDAY, {"the first week of March": "2025-W10"}),
        # "is set for" says future.
        ("The bill is set for a vote on Thursday.", WEDNESDAY, {"Thursday": "2025-03-13"}),
        # The weekend after more prepositions, the coming one in a future sentence.
        ("The truce has held since the weekend.", WEDNESDAY, {"the weekend": "2025-W10-WE"}),
        ("The envoy will arrive by the weekend.", WEDNESDAY, {"the weekend": "2025-W11-WE"}),
        # A part of a week, month or year.
        ("Shelling resumed later in the week.", WEDNESDAY, {"later in the week": "2025-W11"}),
        ("On Feb. 3 the council met, and earlier in the month it had voted.", WEDNESDAY,
         {"Feb. 3": "2025-02-03", "earlier in the month": "2025-02"}),
        ("Rains delayed planting earlier in the year.", WEDNESDAY, {"earlier in the year": "2025"}),
        # A quarter as a period, not a share.
        ("The firm lost money for two quarters of 2024.", WEDNESDAY, {"two quarters": "P6M", "2024": "2024"}),
    ],
)  # fmt: skip
def test_find_times_v5_values(text: str, reference: date, expected: dict[str, str]) -> None:
    assert values(text, reference) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The protests grew into what was called the Arab Spring.",  # a name, not this year's spring
        "He lives on the 16th floor of the tower.",  # no day of the month
        "She came second to the first and left.",  # spelled ordinals are not days
        "The dealer sold an Audi Q3 to the mayor.",  # a car, not a quarter
        "Weeks later the road reopened.",  # "later" is left out: no honest value
        "Fiscal year results were delayed.",  # a modifier
        "The board met at the end of the fiscal year.",  # a part of a year: no value to give
        "The fund holds about a quarter of the market.",  # a share, not a length
        "The group owns a quarter, of the shares.",
    ],
)
def test_find_times_v5_ignores_false_positives(text: str) -> None:
    assert values(text) == {}


def test_find_times_v5_count_after_a_date_is_no_second_day() -> None:
    assert values("Shells fell on March 3 and 25 people were hurt.") == {"March 3": "2025-03-03"}
    assert values("Prices rose on March 3 and 25 percent of shops shut.") == {"March 3": "2025-03-03"}


def test_find_times_v5_keeps_a_season_after_a_sentence_start() -> None:
    assert values("In Spring the river floods.") == {"Spring": "2025-SP"}


def test_find_times_v5_range_and_holiday_bounds() -> None:
    text = "Pilgrims filled the town during Holy Week."
    (week,) = find_times(text, split_sentences(text), date(2025, 4, 30), [], 5)
    assert (week.precision, week.start, week.end) == ("week", "2025-04-14", "2025-04-20")
    text = "The sale should close by year-end."
    (end,) = find_times(text, split_sentences(text), WEDNESDAY, [], 5)
    assert (end.precision, end.start, end.end, end.rule) == ("range", "2025-12-01", "2025-12-31", "year-end")


@pytest.mark.parametrize(
    ("text", "reference", "version", "expected"),
    [
        ("The shrine has stood for 1,000 years.", WEDNESDAY, 4, {"000 years": "P0Y"}),
        ("The polls close at 8 p.m. ET.", WEDNESDAY, 4, {"8 p.m.": "2025-03-12T20:00"}),
        ("The envoys met March 3-4 in Harbal.", WEDNESDAY, 4, {}),
        ("The race is tight from now to Election Day.", OCT_27, 4, {"now": "PRESENT_REF"}),
        ("Pilgrims gathered on Palm Sunday.", date(2025, 4, 30), 4, {"Sunday": "2025-04-27"}),
        ("The sale should close by year-end.", WEDNESDAY, 3, {}),
        ("The villages emptied years ago.", WEDNESDAY, 4, {}),
        ("The protests grew into what was called the Arab Spring.", WEDNESDAY, 4, {"Spring": "2025-SP"}),
        ("The bill is set for a vote on Thursday.", WEDNESDAY, 4, {"Thursday": "2025-03-06"}),
        ("Sales in the current fiscal year will be flat.", WEDNESDAY, 2, {"current": "PRESENT_REF"}),
        ("Sales rose in the last week of February.", WEDNESDAY, 1, {"February": "2025-02"}),
        ("The envoy will arrive over the weekend.", WEDNESDAY, 4, {"the weekend": "2025-W10-WE"}),
        ("The fund holds about a quarter of the market.", WEDNESDAY, 4, {"about a quarter": "P3M"}),
    ],
)
def test_find_times_older_versions_unchanged(
    text: str, reference: date, version: int, expected: dict[str, str]
) -> None:
    assert values(text, reference, version) == expected


# The v5 rules' prefilters (needs) only skip work, as test_times.py checks for the others.
_SOUNDNESS_V5 = [
    "On Fridays and on weekends, 1,000 years, 8 p.m. ET, March 3-4 and April 24 and 25, 2024.",
    "Good Friday, Holy Week, Easter week, Labor Day, Election Day, St. Patrick's Day, Presidents' Day, May Day.",
    "By year-end, since year end, years ago, months earlier, mid-afternoon yesterday, the late evening.",
    "In Q4, Q1 2025, Q3 '24, this past weekend, the current fiscal year, the week of March 6, the last week of May.",
    "They met on the 16th and left on the 18th; the Arab Spring; the bill is set for Thursday.",
    "Since the weekend, later in the week, early in the year, a quarter of the market, two quarters of 2024.",
]


@pytest.mark.parametrize("sentence", _SOUNDNESS_V5)
def test_v5_prefilters_change_no_candidate(sentence: str) -> None:
    rules = [*times_module._event_rules(BUILTIN_ANCHORS), *times_module._rules_of(5)]
    assert assert_prefilters_sound(sentence, rules) >= 4  # each sentence holds several v5 expressions


def test_extractor_v5_is_registered_named_and_reads_packs() -> None:
    info = get_component("extract.times.rules.v5")
    assert (info.requires, info.assigns) == (("spans.sentences",), ("spans.times",))
    # v6 replaced v5 in the named pipelines (test_times_v6.py); v5 stays registered for the reports made with it.
    assert "extract.times.rules.v5" not in PIPELINES["fast"] and "extract.times.rules.v5" not in PIPELINES["default"]
    assert "extract.times.rules.v5" in PACK_READERS
    pipeline = Pipeline.from_names(["extract.sentences.rules.v1", "extract.times.rules.v5"])
    text = "Shops were shut on Labor Day."
    doc = Document(id="doc_t", text=text, locator="t.txt", published=PublishedDate("2025-10-27", DateVia.USER), meta={})
    (span,) = pipeline(doc).spans["times"]
    attrs = dict(span.attrs)
    assert (text[span.start_char : span.end_char], attrs["value"], attrs["rule"]) == (
        "Labor Day",
        "2025-09-01",
        "holiday",
    )
