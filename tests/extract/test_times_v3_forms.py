"""Tests for the forms extract.times.rules.v3 gained in its second round (invented sentences; no article text):
spaced counts, frequencies, short decades and years, parts of the day, vague lengths, "annual" results, "the
following week"; and that v1 and v2 did not change."""

from __future__ import annotations

from datetime import date

import pytest

from storytrace.extract.sentences import split_sentences
from storytrace.extract.times import find_times

WEDNESDAY = date(2025, 3, 12)


def found(text: str, reference: date | None = WEDNESDAY, version: int = 3) -> dict[str, tuple[str, str]]:
    """Each expression's text mapped to its (type, value)."""
    times = find_times(text, split_sentences(text), reference, [], version)
    return {text[t.start_char : t.end_char]: (t.type, t.value) for t in times}


@pytest.mark.parametrize(
    ("text", "expression", "kind", "value"),
    [
        # Counts written in several words are read whole ("a couple of" is two).
        ("Rebuilding the bridge took a couple of years.", "a couple of years", "DURATION", "P2Y"),
        ("The envoy expects talks over the next couple of weeks.", "the next couple of weeks", "DURATION", "P2W"),
        ("The convoy waited a few days at the crossing.", "a few days", "DURATION", "PXD"),
        ("The market in Harbal reopened a few weeks ago.", "a few weeks ago", "DATE", "PAST_REF"),
        # How often: a SET.
        ("The council of Ain Bashura meets twice a month.", "a month", "SET", "P1M"),
        ("Inspectors visit the dam three times a year.", "a year", "SET", "P1Y"),
        # Short decades and years.
        ("Cars of the 70s and 80s filled the lot.", "the 70s", "DATE", "197"),
        ("Cars of the 70s and 80s filled the lot.", "80s", "DATE", "198"),
        ("The town grew in the late nineties.", "the late nineties", "DATE", "199"),
        ("The index is at its lowest since '82.", "'82", "DATE", "1982"),
        # Parts of the day, clock times said in words, the night before.
        ("Shelling stopped on Monday. Aid trucks crossed in the morning.", "the morning", "TIME", "2025-03-10TMO"),
        ("Aid trucks crossed in the afternoon.", "the afternoon", "TIME", "2025-03-12TAF"),
        ("The ferry left at 4 in the morning.", "4 in the morning", "TIME", "2025-03-12T04:00"),
        ("The ferry left at 7:30 in the evening.", "7:30 in the evening", "TIME", "2025-03-12T19:30"),
        ("Drones struck the depot overnight.", "overnight", "TIME", "2025-03-11TNI"),
        ("Five died late on Tuesday. Two more died overnight.", "overnight", "TIME", "2025-03-11TNI"),
        ("Harbal shares fell on Friday, March 7, after overnight losses abroad.", "overnight", "TIME", "2025-03-06TNI"),
        # Lengths of unknown count.
        ("The index lost 300 points in just minutes.", "minutes", "DURATION", "PTXM"),
        ("Crowds waited for hours at the gate.", "hours", "DURATION", "PTXH"),
        ("The deal follows months of talks.", "months", "DURATION", "PXM"),
        ("Prices may fall in the weeks ahead.", "the weeks ahead", "DURATION", "PXW"),
        # Halves.
        ("The hearing lasted half an hour.", "half an hour", "DURATION", "PT30M"),
        ("The feud has lasted nearly half a century.", "nearly half a century", "DURATION", "P50Y"),
        # Results news: an annual figure covers a year.
        ("Harbal Cement posted its first annual loss.", "annual", "DURATION", "P1Y"),
        # The week of the day named last.
        (
            "The siege began on March 5, 2024. Talks resumed the following week.",
            "the following week",
            "DATE",
            "2024-W11",
        ),
        ("The siege began on March 5, 2024. Talks began that week.", "that week", "DATE", "2024-W10"),
    ],
)
def test_find_times_v3_new_forms(text: str, expression: str, kind: str, value: str) -> None:
    assert found(text).get(expression) == (kind, value)


@pytest.mark.parametrize(
    "text",
    [
        "The mayor is in his 30s.",  # an age
        "She is in her early twenties.",
        "Temperatures were in the 90s all week long.",  # a temperature ("all week long" is not the point)
        "The firm sold 40s and 50s models.",  # a bare "40s" with no "the"
        "The studio shipped iLife '11 to buyers.",  # a product name, not a year
        "The annual meeting of the council was calm.",  # "annual" outside results news
        "Talks began that week.",  # nothing dated before it: no week to give
    ],
)
def test_find_times_v3_new_forms_leave_these_out(text: str) -> None:
    times = found(text)
    assert not any(value[0] == "DATE" and value[1].startswith(("19", "20")) for value in times.values()), times
    assert "annual" not in times and "that week" not in times and "'11" not in times


def test_find_times_v3_rate_is_not_a_frequency_set() -> None:
    # "$2 million a year" stays out (TimeBank marks few); "twice a year" is how often.
    assert found("The mine earns $2 million a year.") == {}
    assert found("The mine is inspected twice a year.") == {"a year": ("SET", "P1Y")}


def test_find_times_v3_temperature_is_not_a_decade() -> None:
    assert found("Highs were in the 90s.") == {}


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("Rebuilding the bridge took a couple of years.", "a couple of years"),
        ("Cars of the 70s and 80s filled the lot.", "the 70s"),
        ("The hearing lasted half an hour.", "half an hour"),
        ("Harbal Cement posted its first annual loss.", "annual"),
        ("Drones struck the depot overnight.", "overnight"),
    ],
)
@pytest.mark.parametrize("version", [1, 2])
def test_find_times_older_versions_unchanged_by_v3_forms(text: str, expression: str, version: int) -> None:
    assert expression not in found(text, version=version)


def test_find_times_v3_new_forms_without_a_reference_invent_no_year() -> None:
    times = found("Aid trucks crossed in the afternoon. Drones struck overnight.", reference=None)
    assert times == {"the afternoon": ("TIME", "XXXX-XX-XXTAF"), "overnight": ("TIME", "XXXX-XX-XXTNI")}
