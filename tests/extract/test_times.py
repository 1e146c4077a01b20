"""Tests for the time-expression extractor (invented sentences; no article text)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.errors import PipelineError
from storytrace.extract import times as times_module
from storytrace.extract.sentences import split_sentences
from storytrace.extract.times import BUILTIN_ANCHORS, AnchorEvent, find_times, make_time_extractor
from storytrace.model import DateVia, Document, PublishedDate, Span
from storytrace.pipeline import Pipeline, get_component

SIEGE = AnchorEvent("siege-of-ain-bashura", ("the siege", "siege of Ain Bashura"), date(2025, 3, 3))
WEDNESDAY = date(2025, 3, 12)


def times(text: str, reference: date | None = WEDNESDAY, *, anchors: list[AnchorEvent] | None = None) -> list[Any]:
    return find_times(text, split_sentences(text), reference, [SIEGE] if anchors is None else anchors)


def found(text: str, reference: date | None = WEDNESDAY) -> dict[str, str]:
    """Each expression's text mapped to its value."""
    return {text[t.start_char : t.end_char]: t.value for t in times(text, reference)}


@pytest.mark.parametrize(
    ("text", "expression", "value"),
    [
        ("The bridge was seized on March 3.", "March 3", "2025-03-03"),
        ("The bridge was seized on 3 March 2025.", "3 March 2025", "2025-03-03"),
        ("Fighting resumed on Mar. 3 near the river.", "Mar. 3", "2025-03-03"),
        ("The brief is dated 12.03.2025 in the footer.", "12.03.2025", "2025-03-12"),
        ("The order was signed on 2025-03-14 by the court.", "2025-03-14", "2025-03-14"),
        ("The office opened on November 17.", "November 17", "2024-11-17"),  # year-less: the past
        ("The ministers will meet on March 30.", "March 30", "2025-03-30"),  # future tense
        ("The pact was signed in Jan. 2020 abroad.", "Jan. 2020", "2020-01"),
        ("He left the country in 2019.", "2019", "2019"),
        ("The unrest began in the 1990s.", "the 1990s", "199"),
        ("The mayor resigned last month.", "last month", "2025-02"),
        ("Exports fell last year.", "last year", "2024"),
        ("The ministry said so yesterday.", "yesterday", "2025-03-11"),
        ("The ministry said so today.", "today", "2025-03-12"),
        ("Talks took place last Sunday.", "last Sunday", "2025-03-09"),
        ("Talks took place on Sunday.", "Sunday", "2025-03-09"),
        ("Talks resume next Monday.", "next Monday", "2025-03-17"),
        ("The council met on Friday morning.", "Friday morning", "2025-03-07TMO"),
        ("Officials met this week.", "this week", "2025-W11"),
        ("Prices rose in the third quarter.", "the third quarter", "2024-Q3"),
        ("Shells fell in the past 48 hours.", "the past 48 hours", "PT48H"),
        ("The convoy waited for three weeks.", "three weeks", "P3W"),
        ("The 21-day siege ended.", "21-day", "P21D"),
        ("The blast came at 8 a.m. local time.", "8 a.m.", "2025-03-12T08:00"),
        ("The group was founded two years ago.", "two years ago", "2023"),
        ("Aid arrives every week.", "every week", "P1W"),
    ],
)
def test_find_times_resolves_each_pattern(text: str, expression: str, value: str) -> None:
    assert found(text).get(expression) == value


def test_find_times_ranges_late_january_and_earlier_this_month() -> None:
    text = "The deal collapsed in late January. A second arrest came earlier this month."
    late, earlier = times(text, date(2024, 3, 27))
    assert (late.value, late.precision, late.start, late.end) == ("2024-01", "range", "2024-01-21", "2024-01-31")
    assert (earlier.value, earlier.start, earlier.end) == ("2024-03", "2024-03-01", "2024-03-26")


def test_find_times_past_hours_is_a_duration_with_bounds() -> None:
    (expr,) = times("Mortar rounds fell in the past 48 hours.", date(2025, 3, 5))
    assert (expr.type, expr.value, expr.start, expr.end) == ("DURATION", "PT48H", "2025-03-03", "2025-03-05")
    assert expr.anchor == "doc:published"


def test_find_times_anchor_event_day() -> None:
    (expr,) = times("Food ran out on the tenth day of the siege.")
    assert (expr.type, expr.value, expr.precision) == ("DATE", "2025-03-12", "day")
    assert expr.anchor == "event:siege-of-ain-bashura"
    assert expr.rule == "event-day"


def test_find_times_builtin_gaza_war_anchor() -> None:
    text = "On the 39th day of the Gaza war, the office closed."
    (expr,) = times(text, date(2024, 1, 20), anchors=list(BUILTIN_ANCHORS))
    assert text[expr.start_char : expr.end_char] == "the 39th day of the Gaza war"
    assert (expr.value, expr.anchor) == ("2023-11-14", "event:gaza-war-2023")


def test_find_times_in_its_nth_day_uses_the_event_named_before() -> None:
    text = "The siege of Ain Bashura, now in its ninth day, has cut the water. It entered its second week on Monday."
    ninth, week = (t for t in times(text) if t.rule == "event-in-its-day")
    assert (ninth.value, ninth.anchor) == ("2025-03-11", "event:siege-of-ain-bashura")
    assert (week.value, week.start) == ("2025-W11", "2025-03-10")


@pytest.mark.parametrize(
    ("text", "reference", "expression", "value"),
    [
        ("Shops closed on Christmas Day.", date(2025, 1, 5), "Christmas Day", "2024-12-25"),
        ("Families met at Thanksgiving.", date(1999, 12, 1), "Thanksgiving", "1999-11-25"),
        ("The vote opened at 9 a.m. Tuesday.", WEDNESDAY, "9 a.m. Tuesday", "2025-03-11T09:00"),
        ("On March 5, the shelling began at 4 p.m.", WEDNESDAY, "4 p.m.", "2025-03-05T16:00"),
    ],
)
def test_find_times_holidays_and_clock_times(text: str, reference: date, expression: str, value: str) -> None:
    assert found(text, reference).get(expression) == value


def test_find_times_siege_is_not_built_in() -> None:
    assert times("Food ran out on the tenth day of the siege.", anchors=list(BUILTIN_ANCHORS)) == []


def test_find_times_duration_of_an_anchored_event_gets_its_dates() -> None:
    (expr,) = times("The 19-day siege ended on Friday.", date(2025, 3, 21))[:1]
    assert (expr.value, expr.start, expr.end, expr.anchor) == (
        "P19D",
        "2025-03-03",
        "2025-03-21",
        "event:siege-of-ain-bashura",
    )


def test_find_times_relative_to_the_previous_date() -> None:
    text = "The convoy was ambushed on 5 March. Four days later, talks began."
    first, later = times(text)
    assert first.value == "2025-03-05"
    assert (later.value, later.anchor) == ("2025-03-09", "previous:2025-03-05")


def test_find_times_relative_weekday_depends_on_reference() -> None:
    text = "The talks took place last Sunday."
    assert times(text, date(2025, 3, 11))[0].value == "2025-03-09"  # Tuesday
    assert times(text, date(2025, 3, 15))[0].value == "2025-03-09"  # Saturday
    assert times(text, date(2025, 3, 16))[0].value == "2025-03-09"  # a Sunday: the one before


def test_find_times_without_reference_leaves_the_year_unknown() -> None:
    text = "The bridge fell on March 3. On Sunday the talks began. Prices rose last year."
    values = [t.value for t in times(text, None)]
    assert values[:2] == ["XXXX-03-03", "XXXX-WXX-7"]
    assert all(not v[:4].isdigit() for v in values)
    assert {t.anchor for t in times(text, None)} == {"none"}


@pytest.mark.parametrize(
    "text",
    [
        "The group may also be getting involved.",
        "May God protect the children.",
        "The march on the capital set off at dawn.",
        "March organisers counted the crowd.",
        "The Sun reported the story first.",
        "Brief No. 7/2025 lists the crossings.",
        "Trucks used Route 9 to reach the town.",
        "About 2,000 people joined the protest.",
        "Channel 14 aired the footage.",
        "The claim is disputed.[1] Others agree [2].",
        "The wire item MW-2025-0412 was withdrawn.",
        "A user named Harbali_1977 posted the video.",
        "A 33-kilovolt line was cut.",
        "The 6-year-old boy was rescued.",
    ],
)
def test_find_times_ignores_false_positives(text: str) -> None:
    assert found(text) == {}


def test_find_times_march_as_noun_beside_a_real_date() -> None:
    assert found("March organisers said on Thursday that the walk would go on.") == {"Thursday": "2025-03-06"}


def _doc(text: str, published: str | None = "2025-03-12", **meta: Any) -> Document:
    pub = PublishedDate(published, DateVia.USER) if published else None
    return Document(id="doc_t", text=text, locator="t.txt", published=pub, meta=dict(meta))


def test_extractor_component_in_pipeline_writes_spans() -> None:
    pipeline = Pipeline.from_names(
        ["extract.sentences.rules.v1", "extract.times.rules.v1"],
        {"extract.times.rules.v1": {"anchors": [{"id": "siege", "names": ["the siege"], "start": "2025-03-03"}]}},
    )
    doc = pipeline(_doc("Water ran out on the fifth day of the siege. Talks failed yesterday."))
    spans = doc.spans["times"]
    assert [doc.span_text(s) for s in spans] == ["the fifth day of the siege", "yesterday"]
    attrs = dict(spans[0].attrs)
    assert spans[0].label == "DATE"
    assert attrs["value"] == "2025-03-07"
    assert attrs["anchor"] == "event:siege"
    assert {"value", "precision", "rule", "anchor", "start", "end"} <= attrs.keys()


def test_extractor_reads_anchors_from_doc_meta() -> None:
    run = make_time_extractor()
    doc = _doc(
        "Clashes flared on the third day of the siege of Ain Bashura.",
        anchors=[{"id": "siege-of-ain-bashura", "names": ["siege of Ain Bashura"], "start": "2025-03-03"}, "bad"],
    )
    doc.spans["sentences"] = split_sentences(doc.text)
    (span,) = run(doc).spans["times"]
    assert dict(span.attrs)["value"] == "2025-03-05"


def test_extractor_bad_config_anchor_message() -> None:
    with pytest.raises(PipelineError, match="bad anchor event"):
        make_time_extractor(anchors=[{"id": "x"}])


def test_extractor_is_registered_with_requirements() -> None:
    info = get_component("extract.times.rules.v1")
    assert info.requires == ("spans.sentences",)
    assert info.assigns == ("spans.times",)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*"aM ,.-/:'\n09", "March ", "May ", "Sunday", " 2025", " ago", "3 ", "the ", "day of the siege"]
        ),
        max_size=40,
    ).map("".join),
    st.sampled_from([None, date(2025, 3, 12), date(2024, 2, 29)]),
)
def test_find_times_spans_in_bounds_and_inside_sentences(text: str, reference: date | None) -> None:
    sentences = split_sentences(text)
    for version in (6, 7):
        for expr in find_times(text, sentences, reference, [SIEGE], version):
            assert 0 <= expr.start_char < expr.end_char <= len(text)
            inside = [s for s in sentences if s.end_char > expr.start_char and s.start_char < expr.end_char]
            assert inside and inside[0].start_char <= expr.start_char and expr.end_char <= inside[-1].end_char
            # v7 reads a line wrapped mid-sentence as one sentence: only a line break may join two of the splitter's
            gaps = [text[a.end_char : b.start_char] for a, b in pairwise(inside)]
            assert len(inside) == 1 or (version >= 7 and all(g.isspace() and "\n" in g for g in gaps))
            assert expr.type in ("DATE", "TIME", "DURATION", "SET")
            assert isinstance(expr.to_span(), Span)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_find_times_never_crashes_on_arbitrary_text(text: str) -> None:
    find_times(text, split_sentences(text), date(2025, 3, 12), [SIEGE])
    find_times(text, split_sentences(text), None, [])


# The per-rule prefilters (needs) and the word-set trigger only skip work: with them or without, the same
# candidates come out.

_SOUNDNESS = [
    "On March 3, 2025 at 9 a.m. EST the talks resumed, three days after the 2024-12-01 accord.",
    "The 1990s, the '80s and early 2010s: every two weeks, twice a year, daily.",
    "They met at midday over the weekend; the following morning was quiet.",
    "Fiscal 2024 results for the third quarter beat the year-ago period, the year before.",
    "the ſecond day of the ſiege, now in its ninth day, 14:30 on Monday morning",  # long s folds to "s"
    "a 48-hour truce, a three\u212aday lull, the past 48 hours",  # Kelvin sign folds to "k"
    "\u201cNext Tuesday,\u201d she said \u2014 Christmas Eve, New Year\u2019s Day, the Gaza war\u2019s 39th day.",
    "FOR THE YEAR, LAST WEEK, YESTERDAY EVENING, 10 PM, 5 DAYS AGO.",
    "Nothing here at all, just words.",
    "In nineteen ninety-six, at noon Monday, 18:00 UTC and 5 p.m. EST Mar. 20: July last year, 5 1/2 hours.",
    "The summer of 1994, within weeks, over the years, the year two thousand, in the past, now holds.",
    "Two days before the vote, six straight days, at least 72 hours; it ended the day lower, later that year.",
    "In mid-1996, the 20th century, a decades-long and single-day feud, for years, for the time being.",
    "The year before, the last half of 2025, the full year, the year-ago third quarter, the 1988 quarter.",
    "The first quarter of last year, in the near term, $2 million a year, a five year low, that same day.",
]


def _without_needs(rules: list[Any]) -> list[Any]:
    return [replace(rule, needs=()) for rule in rules]


def _plain(found: list[Any]) -> list[tuple[int, int, int, str, str]]:
    return [(start, end, priority, rule.name, match.group(0)) for start, end, priority, rule, match in found]


def assert_prefilters_sound(sentence: str, rules: list[Any]) -> int:
    """Assert that the trigger and the rules' needs skip no candidate of ``sentence``; return how many there are
    (the test_times_v* files check theirs with it too)."""
    lowered = None if times_module._FOLDS_TO_ASCII.search(sentence) else sentence.lower()
    assert times_module._triggered(sentence, lowered) == bool(times_module._TRIGGER.search(sentence))
    candidates = _plain(times_module._candidates(sentence, 0, rules))
    assert candidates == _plain(times_module._candidates(sentence, 0, _without_needs(rules)))
    return len(candidates)


@pytest.mark.parametrize("sentence", _SOUNDNESS)
def test_prefilters_change_no_candidate(sentence: str) -> None:
    assert_prefilters_sound(sentence, [*times_module._event_rules((SIEGE, *BUILTIN_ANCHORS)), *times_module._RULES])


_TOKENS = st.sampled_from(
    "the a on in at of for last next this past 3 14 2025 1990s '80s March Mar. May monday Monday day days "
    "week-long 48-hour hours ago later earlier year quarter third fiscal midday noon 9 a.m. pm 14:30 , . - "
    "every daily spring fall tonight yesterday its ninth siege Gaza war Christmas \u017f \u212a \u201c "
    "nineteen ninety-six thousand UTC 18:00 1/2 old soon within years now noon "
    "before after straight more that following mid-1996 20th century decades-long single-day term near being "
    "full half end ended million".split()
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_TOKENS, max_size=14))
def test_prefilters_change_no_candidate_on_random_text(words: list[str]) -> None:
    rules = [*times_module._event_rules((SIEGE, *BUILTIN_ANCHORS)), *times_module._RULES]
    assert_prefilters_sound(" ".join(words), rules)


def test_find_times_midday_alone_is_not_skipped_by_the_prefilter() -> None:
    text = "The convoy left at midday."
    [found] = find_times(text, split_sentences(text), date(2025, 3, 14))
    assert (text[found.start_char : found.end_char], found.value) == ("midday", "2025-03-14T12:00")


# Version 2 (extract.times.rules.v2, the default of find_times): tense, new forms, changed values.


def times_v(text: str, reference: date | None = WEDNESDAY, version: int = 2) -> dict[str, str]:
    found = find_times(text, split_sentences(text), reference, [SIEGE], version)
    return {text[t.start_char : t.end_char]: t.value for t in found}


@pytest.mark.parametrize(
    ("text", "expression", "value"),
    [
        # A future cue in a later sentence counts (v1 saw cues in the first sentence only).
        ("The road was closed. Talks are set to resume on Monday.", "Monday", "2025-03-17"),
        ("The road was closed. The salaries will be paid on Friday.", "Friday", "2025-03-14"),  # a passive
        ("The road was closed. On Saturday, the families plan to march.", "Saturday", "2025-03-15"),
        # The verb nearest the date wins over a future cue further back.
        ("The road was closed. The minister, who will retire soon, resigned on Friday.", "Friday", "2025-03-07"),
        ("The road was closed. Until Thursday, the envoy had not called.", "Thursday", "2025-03-06"),
        # "since" is a past whatever the tense around it.
        ("The road was closed. Aid will keep flowing, as it has since May.", "May", "2024-05"),
        ("The road was closed. The pact will be signed in April.", "April", "2025-04"),
    ],
)
def test_find_times_v2_reads_the_tense_of_the_sentence(text: str, expression: str, value: str) -> None:
    assert times_v(text).get(expression) == value


def test_find_times_v1_keeps_its_first_sentence_only_future_cue() -> None:
    text = "The road was closed. Talks are set to resume on Monday."
    assert times_v(text, version=1)["Monday"] == "2025-03-10"
    assert times_v(text, version=2)["Monday"] == "2025-03-17"


@pytest.mark.parametrize(
    ("text", "expression", "value"),
    [
        ("The bridge was built in nineteen ninety-six.", "nineteen ninety-six", "1996"),
        ("Debts were due by the year two thousand.", "the year two thousand", "2000"),
        ("It opened in January nineteen ninety-seven.", "January nineteen ninety-seven", "1997-01"),
        ("The offer runs until 5 p.m. EST Mar. 20.", "5 p.m. EST Mar. 20", "2025-03-20T17:00"),
        ("Talks broke off at noon Monday.", "noon Monday", "2025-03-10T12:00"),
        ("The plane landed at 18:00 UTC on the runway.", "18:00 UTC", "2025-03-12T18:00Z"),
        ("The dam failed in July last year.", "July last year", "2024-07"),
        ("The dam failed in the summer of 1994.", "the summer of 1994", "1994-SU"),
        ("The convoy waited 5 1/2 hours.", "5 1/2 hours", "PT5H30M"),
        ("He was held for two and a half years.", "two and a half years", "P2Y6M"),
        ("The stocks were sold within weeks.", "weeks", "PXW"),
        ("Prices have risen over the years.", "the years", "PXY"),
        ("Prices have risen in recent years.", "recent years", "PXY"),
        ("Sales in fiscal 2024 were flat.", "fiscal 2024", "2024"),
        ("The fund now holds a cash position.", "now", "PRESENT_REF"),
        ("The town currently has two clinics.", "currently", "PRESENT_REF"),
        ("In the past, the road flooded.", "the past", "PAST_REF"),
        ("Prosecutors may soon seek charges.", "soon", "FUTURE_REF"),
    ],
)
def test_find_times_v2_new_forms(text: str, expression: str, value: str) -> None:
    assert times_v(text).get(expression) == value


@pytest.mark.parametrize(
    "text",
    [
        "The mayor, 52 years old, resigned.",  # an age is not a duration
        "He left as soon as the doors opened.",
        "The guard was soon released.",
        "The group paid two thousand dollars.",
        "Nineteen people were hurt.",
    ],
)
def test_find_times_v2_ignores_false_positives(text: str) -> None:
    assert times_v(text) == {}


def test_find_times_v2_year_earlier_after_year_ago_counts_back_once() -> None:
    text = "Profit rose in the third quarter. Sales fell from a year ago. Costs were flat a year earlier."
    values = times_v(text, date(2025, 10, 20))
    assert values["the third quarter"] == "2025-Q3"
    assert values["a year ago"] == "2024-Q3"
    assert values["a year earlier"] == "2024-Q3"
    assert times_v(text, date(2025, 10, 20), version=1)["a year earlier"] == "2023-Q3"


def test_find_times_v1_values_kept_for_changed_forms() -> None:
    assert times_v("Sales in fiscal 2024 were flat.", version=1)["fiscal 2024"] == "FY2024"
    assert times_v("Prices have risen in recent years.", version=1)["recent years"] == "PAST_REF"
    assert "nineteen ninety-six" not in times_v("The bridge was built in nineteen ninety-six.", version=1)


def test_find_times_unknown_version_message() -> None:
    with pytest.raises(PipelineError, match="no version 8 of the time rules"):
        find_times("Talks on Monday.", split_sentences("Talks on Monday."), WEDNESDAY, [], 8)


def test_extractor_v2_is_registered_and_runs_in_a_pipeline() -> None:
    info = get_component("extract.times.rules.v2")
    assert (info.requires, info.assigns) == (("spans.sentences",), ("spans.times",))
    pipeline = Pipeline.from_names(["extract.sentences.rules.v1", "extract.times.rules.v2"])
    doc = pipeline(_doc("The road was closed. Talks are set to resume on Monday."))
    (span,) = doc.spans["times"]
    assert dict(span.attrs)["value"] == "2025-03-17"
