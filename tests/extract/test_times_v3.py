"""Tests for extract.times.rules.v3 (invented sentences; no article text): what changed from v2, and that v2 did
not change."""

from __future__ import annotations

from datetime import date

import pytest

from storytrace.extract.sentences import split_sentences
from storytrace.extract.times import find_times
from storytrace.model import DateVia, Document, PublishedDate
from storytrace.pipeline import Pipeline, get_component

WEDNESDAY = date(2025, 3, 12)


def values(text: str, reference: date | None = WEDNESDAY, version: int = 3) -> dict[str, str]:
    """Each expression's text mapped to its value."""
    found = find_times(text, split_sentences(text), reference, [], version)
    return {text[t.start_char : t.end_char]: t.value for t in found}


@pytest.mark.parametrize(
    ("text", "expression", "value"),
    [
        # A length counted from an event, with the bound that is part of it.
        ("The ceasefire collapsed two days before the vote.", "two days", "P2D"),
        ("Shelling resumed at least 72 hours after the truce.", "at least 72 hours", "PT72H"),
        ("The blockade has lasted nearly two months.", "nearly two months", "P2M"),
        ("Protests in Ain Bashura lasted six straight days.", "six straight days", "P6D"),
        ("The convoy will wait two more weeks.", "two more weeks", "P2W"),
        ("The currency hit a five year low.", "five year", "P5Y"),
        ("The envoys held a three hour meeting.", "three hour", "PT3H"),
        # The day of a market report.
        ("The Harbal index ended the day 2% lower.", "the day", "2025-03-12"),
        ("The index fell on Monday and ended the day lower.", "the day", "2025-03-10"),
        ("Shares recovered late in the day.", "late in the day", "2025-03-12"),
        # Anaphora: the year or month of what was dated before.
        ("The militia took the town in March 2019 and lost it later that year.", "later that year", "2019"),
        ("The dam was finished in May 1995. The following year it failed.", "The following year", "1996"),
        ("The strike began in June 2021. The following month it spread.", "The following month", "2021-07"),
        ("Exports fell in 2023, after a rise the year before.", "the year before", "2022"),
        ("Sales fell in January 2024 from the previous month.", "the previous month", "2023-12"),
        ("Sales rose in February 2025 from the same period last year.", "the same period last year", "2024-02"),
        (
            "Profit in the third quarter of 2024 beat the same quarter a year earlier.",
            "the same quarter a year earlier",
            "2023-Q3",
        ),
        ("Sales beat the same period last year.", "the same period last year", "2024"),  # nothing named before
        # New forms.
        ("The port reopened in mid-1996.", "mid-1996", "1996"),
        ("He was fined twice from 1991 to 1997.", "1991", "1991"),
        ("He was fined twice from 1991 to 1997.", "1997", "1997"),
        ("The fortress dates from the 11th century.", "the 11th century", "10"),
        ("Losses in the first quarter of last year were large.", "the first quarter of last year", "2024-Q1"),
        ("Profit in the final quarter of 2009 rose.", "the final quarter of 2009", "2009-Q4"),
        ("Earnings will fall in the last half of 2025.", "the last half of 2025", "2025-H2"),
        ("Profit fell in the fourth quarter of 2024 and for the full year.", "the full year", "2024"),
        ("The year-ago third quarter was weak.", "The year-ago third quarter", "2024-Q3"),
        ("The clans ended their decades-long feud.", "decades-long", "PXY"),
        ("It was the worst single-day fall.", "single-day", "P1D"),
        ("The families have waited for years.", "years", "PXY"),
        ("The ministry expects calm in the near term.", "the near term", "FUTURE_REF"),
        ("The road stays shut for the time being.", "the time being", "PRESENT_REF"),
    ],
)
def test_find_times_v3_forms(text: str, expression: str, value: str) -> None:
    assert values(text).get(expression) == value


def test_find_times_v3_year_quarter_is_a_quarter_not_a_count() -> None:
    text = "Kirschner earned $4 million in the 1988 quarter."
    assert values(text, date(1989, 10, 30))["the 1988 quarter"] == "1988-Q3"
    assert values(text, date(1989, 10, 30), version=2)["the 1988 quarter"] == "P5964M"  # v2 keeps its reading


@pytest.mark.parametrize(
    "text",
    [
        "The new plant saves $2 million a year.",  # a rate, not a length
        "The airline runs four flights a week.",
        "That year was hard for the valley.",  # nothing dated before it: no year to give
        "The day began with rain.",  # "the day" alone is not a market day
        "The index fell at the start of the day of mourning.",  # a named day, not the report's
    ],
)
def test_find_times_v3_ignores_false_positives(text: str) -> None:
    assert values(text) == {}


def test_find_times_v3_keeps_v2_readings_of_unchanged_forms() -> None:
    text = "The road was closed. Talks are set to resume on Monday. Three days before, the envoy left."
    assert values(text) == values(text, version=2)


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("The ceasefire collapsed two days before the vote.", "two days"),
        ("The port reopened in mid-1996.", "mid-1996"),
        ("The militia took the town in March 2019 and lost it later that year.", "later that year"),
    ],
)
def test_find_times_v2_unchanged_by_v3(text: str, expression: str) -> None:
    assert expression not in values(text, version=2)


def test_find_times_v3_rate_is_dropped_but_a_length_is_kept() -> None:
    text = "Talks lasted a year. The mine earns $5 million a year."
    found = values(text)
    assert found == {"a year": "P1Y"}
    assert text.index("a year") < text.index("The mine")  # the one kept is the length


def test_find_times_v3_that_year_spans_and_anchor() -> None:
    text = "The militia took the town in March 2019 and lost it later that year."
    found = find_times(text, split_sentences(text), WEDNESDAY, [], 3)
    later = next(t for t in found if t.rule == "that-unit")
    assert (later.anchor, later.start, later.end) == ("previous:2019-03", "2019-01-01", "2019-12-31")


def test_extractor_v3_is_registered_and_runs_in_a_pipeline() -> None:
    info = get_component("extract.times.rules.v3")
    assert (info.requires, info.assigns) == (("spans.sentences",), ("spans.times",))
    pipeline = Pipeline.from_names(["extract.sentences.rules.v1", "extract.times.rules.v3"])
    text = "The ceasefire collapsed two days before the vote."
    doc = Document(id="doc_t", text=text, locator="t.txt", published=PublishedDate("2025-03-12", DateVia.USER), meta={})
    (span,) = pipeline(doc).spans["times"]
    assert (text[span.start_char : span.end_char], span.label, dict(span.attrs)["value"]) == (
        "two days",
        "DURATION",
        "P2D",
    )
