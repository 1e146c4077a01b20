from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.clean.dates import month_number, parse_date_string, search_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-03-14T08:30:00+03:00", ("2025-03-14T08:30:00+03:00", "minute")),
        ("2025-03-14T08:30Z", ("2025-03-14T08:30:00+00:00", "minute")),
        ("2025-03-14T08:30:00.123Z", ("2025-03-14T08:30:00+00:00", "minute")),
        ("2025-03-14 08:30", ("2025-03-14T08:30:00", "minute")),
        ("2025-03-14", ("2025-03-14", "day")),
        ("20250314", ("2025-03-14", "day")),
        ("2025/03/14", ("2025-03-14", "day")),
        ("2025-03", ("2025-03", "month")),
        ("2025", ("2025", "year")),
        ("14 March 2025", ("2025-03-14", "day")),
        ("14th of March, 2025", ("2025-03-14", "day")),
        ("March 14, 2025", ("2025-03-14", "day")),
        ("march 14 2025", ("2025-03-14", "day")),
        ("Mar. 14, 2025", ("2025-03-14", "day")),
        ("Sept. 3, 2024", ("2024-09-03", "day")),
        ("Friday, March 14, 2025", ("2025-03-14", "day")),
        ("  March   14,\n2025 ", ("2025-03-14", "day")),
        ("March 2025", ("2025-03", "month")),
        ("Fri, 14 Mar 2025 08:30:00 +0300", ("2025-03-14T08:30:00+03:00", "minute")),
        ("Fri, 14 Mar 2025 08:30:00 GMT", ("2025-03-14T08:30:00+00:00", "minute")),
        ("March 14, 2025 at 10:30 p.m.", ("2025-03-14T22:30:00", "minute")),
        ("March 14, 2025, 12:05 AM", ("2025-03-14T00:05:00", "minute")),
        ("May 2, 2025 10:30 am GMT+3", ("2025-05-02T10:30:00+03:00", "minute")),
        # A zone name that stands for several offsets keeps the day and drops the clock.
        ("March 14, 2025 10:30 AST", ("2025-03-14", "day")),
        ("14/03/2025", ("2025-03-14", "day")),
        ("03/14/2025", ("2025-03-14", "day")),
        ("14.03.2025", ("2025-03-14", "day")),
        ("3/3/2025", ("2025-03-03", "day")),
    ],
)
def test_parse_date_string_reads_publisher_formats(raw: str, expected: tuple[str, str]) -> None:
    assert parse_date_string(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "04/03/2025",  # 4 March or April 3: refused without a hint
        "March 14",  # no year: not guessed
        "2025-02-30",
        "June 31, 2024",
        "13/13/2025",
        "March 14, 25",
        "0001-01-01",
        "2 hours ago",
        "yesterday",
        "March 14, 2025 25:00",
        "March 14, 2025 13:00 pm",
        "the report of March 14, 2025",
        "2025-03-14Z",
        "99999999",
    ],
)
def test_parse_date_string_refuses_what_is_not_one_date(raw: str) -> None:
    assert parse_date_string(raw) is None


@pytest.mark.parametrize(
    ("dayfirst", "expected"),
    [(True, ("2025-03-04", "day")), (False, ("2025-04-03", "day")), (None, None)],
)
def test_parse_date_string_ambiguous_order_needs_a_hint(
    dayfirst: bool | None, expected: tuple[str, str] | None
) -> None:
    assert parse_date_string("04/03/2025", dayfirst=dayfirst) == expected


@pytest.mark.parametrize(
    ("text", "found", "value"),
    [
        ("By Lina Farouk. Published October 21, 2023 in Harbal", "October 21, 2023", "2023-10-21"),
        (
            "Posted 2025-03-14T08:30:00+03:00 by staff",
            "2025-03-14T08:30:00+03:00",
            "2025-03-14T08:30:00+03:00",
        ),
        ("Updated: 14 March 2025 | 3 min read", "14 March 2025", "2025-03-14"),
        (
            "Filed on June 11, 2024, 10:30 GMT, from the quay",
            "June 11, 2024, 10:30 GMT",
            "2024-06-11T10:30:00+00:00",
        ),
    ],
)
def test_search_date_finds_the_first_full_date(text: str, found: str, value: str) -> None:
    match = search_date(text)
    assert match is not None
    assert (match.text, match.value) == (found, value)
    assert text[match.start : match.end] == found


@pytest.mark.parametrize("text", ["On March 14 the port reopened.", "The 2025 budget", "Tel: 04/03/2025", ""])
def test_search_date_ignores_partial_and_ambiguous_dates(text: str) -> None:
    assert search_date(text) is None


@pytest.mark.parametrize(("name", "number"), [("March", 3), ("sept.", 9), ("Dec", 12), ("Marchy", None)])
def test_month_number_reads_names_and_abbreviations(name: str, number: int | None) -> None:
    assert month_number(name) == number


def _assert_valid(result: tuple[str, str]) -> None:
    value, precision = result
    if precision == "minute":
        datetime.fromisoformat(value)
    elif precision == "day":
        date.fromisoformat(value)
    elif precision == "month":
        date.fromisoformat(value + "-01")
    else:
        assert precision == "year"
        assert len(value) == 4
        assert value.isdigit()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_parse_date_string_never_crashes_and_never_returns_an_invalid_date(raw: str) -> None:
    result = parse_date_string(raw)
    if result is not None:
        _assert_valid(result)


_DATE_CHARS = st.sampled_from([*"0123456789/-.:T +,MarchJuneSeptOct stndrdth", "March ", "Sept. "])


@settings(max_examples=300, deadline=None)
@given(st.lists(_DATE_CHARS, max_size=25).map("".join), st.sampled_from([None, True, False]))
def test_parse_date_string_date_like_noise_is_valid_or_none(raw: str, dayfirst: bool | None) -> None:
    result = parse_date_string(raw, dayfirst=dayfirst)
    if result is not None:
        _assert_valid(result)


_FORMATS = ["%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%b %d, %Y", "%A, %d %b %Y", "%Y/%m/%d"]


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2150, 12, 31)), st.sampled_from(_FORMATS))
def test_parse_date_string_reads_back_formatted_dates(day: date, fmt: str) -> None:
    assert parse_date_string(day.strftime(fmt)) == (day.isoformat(), "day")


@settings(max_examples=100, deadline=None)
@given(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m))),
)
def test_parse_date_string_reads_back_iso_datetimes(moment: datetime, zone: timezone) -> None:
    aware = moment.replace(microsecond=0, tzinfo=zone)
    assert parse_date_string(aware.isoformat()) == (aware.isoformat(), "minute")


@pytest.mark.parametrize(
    ("raw", "dayfirst", "expected"),
    [
        ("04.03.2025", None, ("2025-03-04", "day")),  # dots are written day first
        ("04.03.2025", False, ("2025-04-03", "day")),  # unless the caller knows better
        ("12.03.2025 | 09:40", None, ("2025-03-12T09:40:00", "minute")),
        ("12.03.2025 09:40 GMT", None, ("2025-03-12T09:40:00+00:00", "minute")),
        ("14/03/2025 10:30", None, ("2025-03-14T10:30:00", "minute")),
        ("04/03/2025 10:30", None, None),  # slashes stay ambiguous
        ("04-03-2025", None, None),
    ],
)
def test_parse_date_string_numeric_dates_with_dots_and_times(
    raw: str, dayfirst: bool | None, expected: tuple[str, str] | None
) -> None:
    assert parse_date_string(raw, dayfirst=dayfirst) == expected
