"""Tests for extract.times.rules.v4 (invented sentences; no article text): what changed from v3, and that v1-v3
did not change."""

from __future__ import annotations

from datetime import date

import pytest

from storytrace.extract.sentences import split_sentences
from storytrace.extract.times import find_times
from storytrace.model import DateVia, Document, PublishedDate
from storytrace.pipeline import Pipeline, get_component

WEDNESDAY = date(2025, 3, 12)
JAN_15 = date(2025, 1, 15)

RECENT_DEADLINE = "The council said it would return the family by Jan. 14."
POSSESSIVE = "Lawyers for the families will appeal Monday's ruling."
PREVIOUS = "The index closed higher on Friday, 3% above the previous Friday."
FOLLOWING = "The envoy arrived on Feb. 27 and left the following Monday."


def values(text: str, reference: date | None = WEDNESDAY, version: int = 4) -> dict[str, str]:
    """Each expression's text mapped to its value (the last one wins when a text occurs twice)."""
    found = find_times(text, split_sentences(text), reference, [], version)
    return {text[t.start_char : t.end_char]: t.value for t in found}


@pytest.mark.parametrize(
    ("text", "reference", "expression", "value"),
    [
        # A year-less date a day back is the deadline just passed, even after "would".
        (RECENT_DEADLINE, JAN_15, "Jan. 14", "2025-01-14"),
        # Further back than 31 days, a future sentence still means next year.
        ("The court will rule on Jan. 20.", WEDNESDAY, "Jan. 20", "2026-01-20"),
        # A possessive weekday is the one past, whatever the tense; a plain one in a future sentence is not.
        (POSSESSIVE, WEDNESDAY, "Monday", "2025-03-10"),
        ("Lawyers for the families will appeal on Monday.", WEDNESDAY, "Monday", "2025-03-17"),
        # "the previous"/"the following" weekday counts from the day named last.
        (PREVIOUS, WEDNESDAY, "the previous Friday", "2025-02-28"),
        (FOLLOWING, WEDNESDAY, "the following Monday", "2025-03-03"),
        # With no day named before, from the report's day; with no report date, no day at all.
        ("Trading was thin, as it had been the previous Tuesday.", WEDNESDAY, "the previous Tuesday", "2025-03-11"),
        ("Trading was thin, as it had been the previous Tuesday.", None, "the previous Tuesday", "XXXX-WXX-2"),
    ],
)
def test_find_times_v4_values(text: str, reference: date | None, expression: str, value: str) -> None:
    assert values(text, reference)[expression] == value


def test_find_times_v4_previous_weekday_anchor() -> None:
    found = find_times(PREVIOUS, split_sentences(PREVIOUS), WEDNESDAY, [], 4)
    relative = next(t for t in found if t.rule == "weekday-relative")
    assert (relative.anchor, relative.start, relative.end) == ("previous:2025-03-07", "2025-02-28", "2025-02-28")


@pytest.mark.parametrize(
    ("text", "reference", "version", "expected"),
    [
        (RECENT_DEADLINE, JAN_15, 1, {"Jan. 14": "2025-01-14"}),
        (RECENT_DEADLINE, JAN_15, 2, {"Jan. 14": "2026-01-14"}),
        (RECENT_DEADLINE, JAN_15, 3, {"Jan. 14": "2026-01-14"}),
        (POSSESSIVE, WEDNESDAY, 1, {"Monday": "2025-03-17"}),
        (POSSESSIVE, WEDNESDAY, 2, {"Monday": "2025-03-17"}),
        (POSSESSIVE, WEDNESDAY, 3, {"Monday": "2025-03-17"}),
        (PREVIOUS, WEDNESDAY, 1, {"Friday": "2025-03-07"}),
        (PREVIOUS, WEDNESDAY, 3, {"Friday": "2025-03-07"}),
        (FOLLOWING, WEDNESDAY, 2, {"Feb. 27": "2025-02-27", "Monday": "2025-03-10"}),
        (FOLLOWING, WEDNESDAY, 3, {"Feb. 27": "2025-02-27", "Monday": "2025-03-10"}),
    ],
)
def test_find_times_older_versions_unchanged(
    text: str, reference: date, version: int, expected: dict[str, str]
) -> None:
    assert values(text, reference, version) == expected


def test_find_times_runs_v4_unless_told_otherwise() -> None:
    found = find_times(POSSESSIVE, split_sentences(POSSESSIVE), WEDNESDAY, [])
    assert [t.value for t in found] == ["2025-03-10"]


def test_extractor_v4_is_registered_and_runs_in_a_pipeline() -> None:
    info = get_component("extract.times.rules.v4")
    assert (info.requires, info.assigns) == (("spans.sentences",), ("spans.times",))
    pipeline = Pipeline.from_names(["extract.sentences.rules.v1", "extract.times.rules.v4"])
    doc = Document(
        id="doc_t", text=RECENT_DEADLINE, locator="t.txt", published=PublishedDate("2025-01-15", DateVia.USER), meta={}
    )
    (span,) = pipeline(doc).spans["times"]
    attrs = dict(span.attrs)
    assert (RECENT_DEADLINE[span.start_char : span.end_char], attrs["value"], attrs["rule"]) == (
        "Jan. 14",
        "2025-01-14",
        "month-day",
    )
