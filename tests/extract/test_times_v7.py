"""Tests for extract.times.rules.v7 (invented sentences; no article text): what v7 adds, what it keeps out, and
that v1-v6 did not change."""

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
JULY = date(2007, 7, 9)  # a Monday


def values(text: str, reference: date | None = WEDNESDAY, version: int = 7) -> dict[str, str]:
    """Each expression's text mapped to its value (the last one wins when a text occurs twice)."""
    found = find_times(text, split_sentences(text), reference, [], version)
    return {text[t.start_char : t.end_char]: t.value for t in found}


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        # A line broken inside a sentence is read as one: the expression across the break, the tense before it.
        ("The council met last\nweek to vote on the levy.", WEDNESDAY, {"last\nweek": "2025-W10"}),
        ("The envoys will meet again on\nMonday in Tesra.", WEDNESDAY, {"Monday": "2025-03-17"}),
        ("The bonds fall due Oct.\n15, 2027, the ministry said.", WEDNESDAY, {"Oct.\n15, 2027": "2027-10-15"}),
        ("The bridge was built in nineteen\nseventy-nine by the army.", WEDNESDAY,
         {"nineteen\nseventy-nine": "1979"}),
        # Below a day, a count before "later" is a length.
        ("Just over an hour later, the guard was released.", WEDNESDAY, {"over an hour": "PT1H"}),
        ("A minute and a half later, the siren stopped.", WEDNESDAY, {"A minute and a half": "PT1M30S"}),
        # "or so" and halves in a count back from the report.
        ("Then, a week or so ago, the envoy left Tesra.", WEDNESDAY, {"a week or so ago": "2025-W10"}),
        ("The bridge opened two and a half years ago.", WEDNESDAY, {"two and a half years ago": "2022"}),
        ("Prices rose over the past year and a half.", WEDNESDAY, {"the past year and a half": "P1Y6M"}),
        # A month that modifies a noun after a determiner.
        ("The mayor signed a June agreement with the union.", date(2025, 10, 1), {"June": "2025-06"}),
        ("Carmakers reported their January sales.", date(2025, 2, 3), {"January": "2025-01"}),
        # A day of the month in words.
        ("Women's Day is this coming Sunday, March eighth.", date(2025, 3, 5), {"Sunday, March eighth": "2025-03-08"}),
        ("The hearing is set for the twenty-first of June.", WEDNESDAY, {"the twenty-first of June": "2025-06-21"}),
        # Sets: a month every year, every other unit.
        ("Herders cross the pass each July.", WEDNESDAY, {"each July": "XXXX-07"}),
        ("The council meets every other week.", WEDNESDAY, {"every other week": "P2W"}),
        # "that afternoon" after a day named before it; a time of day names its day for "the next day".
        ("Troops reached Tesra on Monday. That afternoon, the shelling stopped.", WEDNESDAY,
         {"Monday": "2025-03-10", "That afternoon": "2025-03-10TAF"}),
        ("The vote came Friday night. The next day, the council met.", WEDNESDAY,
         {"Friday night": "2025-03-07TNI", "The next day": "2025-03-08"}),
        # A slashed date with a two-digit year: the reading in the month up to the report.
        ("The plan was unveiled on 7/8/07 in Tesra.", JULY, {"7/8/07": "2007-07-08"}),
        ("The plan was unveiled on 8/7/07 in Tesra.", JULY, {"8/7/07": "2007-07-08"}),
        ("The depot reopens on 7/20/07.", JULY, {"7/20/07": "2007-07-20"}),
        # A fiscal year's code; a span of years is its two years.
        ("Results for FY2024 were flat.", WEDNESDAY, {"FY2024": "2024"}),
        ("The 1980-88 war ended in a truce.", WEDNESDAY, {"1980": "1980", "88": "1988"}),
        ("The budget for 2024-25 was cut.", WEDNESDAY, {"2024": "2024", "25": "2025"}),
        # A zone after a clock time lets the day after it be read.
        ("The talks ended at 10am BST on Monday.", WEDNESDAY, {"10am BST": "2025-03-10T10:00", "Monday": "2025-03-10"}),
        ("The convoy left at noon.", WEDNESDAY, {"noon": "2025-03-12T12:00"}),
    ],
)  # fmt: skip
def test_find_times_v7_values(text: str, reference: date, expected: dict[str, str]) -> None:
    assert values(text, reference) == expected


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        # A headline is not joined to the sentence after it: its tense stays its own.
        ("Council to vote on levy\nThe council voted on Friday.", WEDNESDAY, {"Friday": "2025-03-07"}),
        # A day or more before "later" is still a date counted from the last one.
        ("The envoys met on Monday. Two days later, the talks ended.", WEDNESDAY,
         {"Monday": "2025-03-10", "Two days later": "2025-03-12"}),
        ("The guard was released an hour ago.", WEDNESDAY, {"an hour ago": "2025-03-12"}),
        ("The envoy stayed for a week or so.", WEDNESDAY, {"a week": "P1W"}),
        ("Prices rose over the past year.", WEDNESDAY, {"the past year": "2024"}),
        ("The council meets each May 1.", WEDNESDAY, {"May 1": "2025-05-01"}),
    ],
)  # fmt: skip
def test_find_times_v7_keeps_these_readings(text: str, reference: date, expected: dict[str, str]) -> None:
    assert values(text, reference) == expected


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("The March for Life went ahead.", WEDNESDAY),  # a name, not a month
        ("The March of the Mothers set off from Tesra.", WEDNESDAY),
        ("May second homes be taxed?", WEDNESDAY),  # the verb
        ("Redemptions were strong that day.", WEDNESDAY),  # no day named before it
        ("The envoy came back later in the day before returning home.", WEDNESDAY),
        ("The plan was unveiled on 3/4/10.", WEDNESDAY),  # both readings far from the report: which is unknown
        ("The shop is open 24/7.", WEDNESDAY),
        ("FYI, the figures were flat.", WEDNESDAY),
        ("Between 1500-2000 troops arrived.", WEDNESDAY),  # a count
        ("The fund was set up under rule 2011-05.", WEDNESDAY),  # no span of years: the second is not later
        ("In the film High Noon the sheriff waits.", WEDNESDAY),
        ("For the city, high noon has come.", WEDNESDAY),
    ],
)
def test_find_times_v7_ignores_false_positives(text: str, reference: date) -> None:
    assert values(text, reference) == {}


@pytest.mark.parametrize(
    ("text", "reference", "version", "expected"),
    [
        ("The council met last\nweek to vote on the levy.", WEDNESDAY, 6, {}),
        ("Just over an hour later, the guard was released.", WEDNESDAY, 6, {"over an hour later": "FUTURE_REF"}),
        ("Then, a week or so ago, the envoy left Tesra.", WEDNESDAY, 6, {"a week": "P1W"}),
        ("The mayor signed a June agreement with the union.", date(2025, 10, 1), 6, {}),
        ("The hearing is set for the twenty-first of June.", WEDNESDAY, 6, {"June": "2025-06"}),
        ("Redemptions were strong that day.", WEDNESDAY, 6, {"that day": "XXXX-XX-XX"}),
        ("The plan was unveiled on 7/8/07 in Tesra.", JULY, 6, {}),
        ("The 1980-88 war ended in a truce.", WEDNESDAY, 6, {}),
        ("The talks ended at 10am BST on Monday.", WEDNESDAY, 6, {"10am": "2025-03-12T10:00", "Monday": "2025-03-10"}),
        ("For the city, high noon has come.", WEDNESDAY, 5, {"noon": "2025-03-12T12:00"}),
    ],
)  # fmt: skip
def test_find_times_older_versions_unchanged(
    text: str, reference: date, version: int, expected: dict[str, str]
) -> None:
    assert values(text, reference, version) == expected


# The v7 rules' prefilters (needs) only skip work, as test_times.py checks for the others; the count is of the
# candidates each sentence holds (so that a rule that stopped matching fails here too).
@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("A week or so ago, a minute and a half later, each July, every other week, FY2024, the 1980-88 war.", 7),
        ("On 7/8/07, Sunday, March eighth, the twenty-first of June, 10am BST Monday, that afternoon, high noon.", 5),
    ],
)
def test_v7_prefilters_change_no_candidate(sentence: str, count: int) -> None:
    rules = [*times_module._event_rules(BUILTIN_ANCHORS), *times_module._rules_of(7)]
    assert assert_prefilters_sound(sentence, rules) == count


def test_extractor_v7_is_registered_and_runs_in_a_pipeline() -> None:
    info = get_component("extract.times.rules.v7")
    assert (info.requires, info.assigns) == (("spans.sentences",), ("spans.times",))
    assert "extract.times.rules.v7" in PIPELINES["fast"] and "extract.times.rules.v7" in PIPELINES["default"]
    assert "extract.times.rules.v7" in PACK_READERS
    pipeline = Pipeline.from_names(["extract.sentences.rules.v1", "extract.times.rules.v7"])
    text = "The council met last\nweek to vote on the levy."
    doc = Document(id="doc_t", text=text, locator="t.txt", published=PublishedDate("2025-03-12", DateVia.USER), meta={})
    (span,) = pipeline(doc).spans["times"]
    attrs = dict(span.attrs)
    found = (text[span.start_char : span.end_char], attrs["value"], attrs["rule"])
    assert found == ("last\nweek", "2025-W10", "this-unit")
