"""Publication dates as publishers write them, parsed to an ISO value and a precision; never guessed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

__all__ = [
    "MONTH_PATTERN",
    "DateMatch",
    "month_number",
    "parse_date_string",
    "search_date",
]

# A publication date outside this range is a parsing accident (a page number, a price), not a date.
MIN_YEAR = 1800
MAX_YEAR = 2199

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}

# Longest names first so that "Sept." is not read as "Sep" + "t.".
MONTH_PATTERN = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")(?<=[a-z])\.?(?![a-z])"
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?,?\s+"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
# A clock time with an optional zone; only zones that name an offset unambiguously are kept (see _zone).
_TIME = (
    r"(?:(?:,\s*|\s+|\s*[|·•]\s*|T)(?:at\s+)?"
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\.\d+)?"
    r"(?:\s*(?P<ampm>[ap]\.?\s?m\.?(?![a-z])))?"
    r"(?:\s*(?P<zone>z|utc|gmt|[+-]\d{2}:?\d{2}|(?:utc|gmt)\s*[+-]\d{1,2}(?::?\d{2})?|(?-i:[A-Z]{2,5}))\b)?)?"
)
_MDY = rf"(?P<month>{MONTH_PATTERN})\s+{_DAY},?\s+{_YEAR}"
_DMY = rf"{_DAY}\s+(?:of\s+)?(?P<month>{MONTH_PATTERN}),?\s+{_YEAR}"
_MY = rf"(?P<month>{MONTH_PATTERN}),?\s+{_YEAR}"

_WORDED = [re.compile(rf"(?:{_WEEKDAY})?{form}{_TIME}", re.IGNORECASE) for form in (_MDY, _DMY, _MY)]
_WORDED_FULL = [re.compile(rf"{pattern.pattern}\.?$", re.IGNORECASE) for pattern in _WORDED]
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}(?::?\d{2}(?::?\d{2}(?:[.,]\d+)?)?)?(?:z|[+-]\d{2}(?::?\d{2})?)?)?$", re.I
)
_ISO_COMPACT = re.compile(r"\d{8}(?:T\d{4}(?:\d{2})?(?:z|[+-]\d{2}:?\d{2})?)?$", re.IGNORECASE)
_YMD_SLASH = re.compile(r"(?P<year>\d{4})[/.](?P<month>\d{1,2})[/.](?P<day>\d{1,2})$")
_YEAR_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})$")
_YEAR_ONLY = re.compile(r"(?P<year>\d{4})$")
# "14/03/2025", "12.03.2025 | 09:40": a numeric day and month in either order, with an optional clock time.
_NUMERIC = re.compile(
    rf"(?P<a>\d{{1,2}})(?P<sep>[/.-])(?P<b>\d{{1,2}})(?P=sep)(?P<year>\d{{4}}){_TIME}$", re.IGNORECASE
)
# Found inside a longer text: ISO dates and the worded forms with a year; day-month order is left to
# parse_date_string, which refuses it when ambiguous.
_ISO_SEARCH = re.compile(
    r"(?<![\d-])\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:z|[+-]\d{2}:?\d{2})?)?(?![\d])", re.I
)


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date found in a longer string: where, the matched text, and what it parses to."""

    start: int
    end: int
    text: str
    value: str
    precision: str


def month_number(name: str) -> int | None:
    """1–12 for an English month name or abbreviation ("Sept.", "march"), else None."""
    return _MONTHS.get(name.lower().rstrip("."))


def parse_date_string(s: str, *, dayfirst: bool | None = None) -> tuple[str, str] | None:
    """Parse a whole date string to ``(ISO value, precision)``; None when it is not (only) a date.

    Precision is ``"minute"`` (a datetime, with its offset when the string gave one), ``"day"``, ``"month"``
    or ``"year"``. Numeric day/month orders ("04/03/2025") are accepted only when unambiguous (one part
    is over 12) or when ``dayfirst`` says which comes first; dotted ones ("04.03.2025") are day first
    unless ``dayfirst=False``. Two-digit years and relative phrases ("2 hours
    ago") are refused: they need a reference the caller has and this function does not.
    """
    text = " ".join(s.split())
    if not text or len(text) > 80:
        return None
    for parse in (_parse_iso, _parse_numeric, _parse_worded):
        try:
            result = parse(text, dayfirst)
        except (ValueError, OverflowError):
            # A well-formed shape with impossible fields ("2025-02-30") is simply not a date.
            return None
        if result is not None:
            return result
    return None


def search_date(text: str, *, dayfirst: bool | None = None) -> DateMatch | None:
    """The first full date (with a year) inside ``text``: worded forms and ISO; None when there is none."""
    best: DateMatch | None = None
    for pattern in (*_WORDED, _ISO_SEARCH):
        for match in pattern.finditer(text):
            if match.start() > 0 and text[match.start() - 1].isalnum():
                continue
            parsed = parse_date_string(match.group(0), dayfirst=dayfirst)
            if parsed is None:
                continue
            if best is None or match.start() < best.start:
                best = DateMatch(match.start(), match.end(), match.group(0), *parsed)
            break
    return best


def _parse_iso(text: str, dayfirst: bool | None) -> tuple[str, str] | None:
    if _ISO.match(text) or _ISO_COMPACT.match(text):
        has_time = len(text) > 10 and ("T" in text[8:] or "t" in text[8:] or " " in text)
        if not has_time:
            day = date.fromisoformat(text)
            return _checked_day(day)
        moment = datetime.fromisoformat(text.upper())
        return _checked_moment(moment)
    if match := _YMD_SLASH.match(text):
        return _checked_day(date(int(match["year"]), int(match["month"]), int(match["day"])))
    if match := _YEAR_MONTH.match(text):
        year, month = int(match["year"]), int(match["month"])
        if _year_ok(year) and 1 <= month <= 12:
            return f"{year:04d}-{month:02d}", "month"
        return None
    if match := _YEAR_ONLY.match(text):
        year = int(match["year"])
        return (f"{year:04d}", "year") if _year_ok(year) else None
    return None


def _parse_numeric(text: str, dayfirst: bool | None) -> tuple[str, str] | None:
    match = _NUMERIC.match(text)
    if match is None:
        return None
    a, b, year = int(match["a"]), int(match["b"]), int(match["year"])
    if dayfirst is None and match["sep"] == ".":
        # Dotted dates are written day first wherever dots are the convention (12.03.2025 is 12 March);
        # slashes and dashes are used both ways and stay ambiguous unless one part is over 12.
        dayfirst = True
    if a > 12 and b <= 12:
        day, month = a, b
    elif b > 12 and a <= 12:
        month, day = a, b
    elif a == b:
        day = month = a  # "03/03/2025" reads the same both ways
    elif dayfirst is None:
        return None  # "04/03/2025" is 4 March in Europe and April 3 in the US: do not pick one
    elif dayfirst:
        day, month = a, b
    else:
        month, day = a, b
    if match["hour"] is not None:
        return _with_time(date(year, month, day), match)
    return _checked_day(date(year, month, day))


def _parse_worded(text: str, dayfirst: bool | None) -> tuple[str, str] | None:
    for pattern in _WORDED_FULL:
        match = pattern.match(text)
        if match is None:
            continue
        month = month_number(match["month"])
        year = int(match["year"])
        if month is None:
            return None
        groups = match.groupdict()
        if groups.get("day") is None:
            return (f"{year:04d}-{month:02d}", "month") if _year_ok(year) else None
        day = date(year, month, int(groups["day"]))
        if match["hour"] is None:
            return _checked_day(day)
        return _with_time(day, match)
    return None


def _with_time(day: date, match: re.Match[str]) -> tuple[str, str] | None:
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"] or 0)
    ampm = (match["ampm"] or "").replace(".", "").replace(" ", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    zone = _zone(match["zone"])
    if match["zone"] and zone is None:
        # "EST", "AST", "IST" name several offsets; the day is still right, the clock is not knowable.
        return _checked_day(day)
    moment = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=zone)
    return _checked_moment(moment)


def _zone(raw: str | None) -> timezone | None:
    if raw is None:
        return None
    name = raw.replace(" ", "").lower()
    if name in ("z", "utc", "gmt"):
        return UTC
    match = re.fullmatch(r"(?:utc|gmt)?([+-])(\d{1,2}):?(\d{2})?", name)
    if match is None:
        return None
    hours, minutes = int(match[2]), int(match[3] or 0)
    if hours > 14 or minutes > 59:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if match[1] == "-" else offset)


def _year_ok(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def _checked_day(day: date) -> tuple[str, str] | None:
    return (day.isoformat(), "day") if _year_ok(day.year) else None


def _checked_moment(moment: datetime) -> tuple[str, str] | None:
    if not _year_ok(moment.year):
        return None
    return moment.replace(microsecond=0).isoformat(), "minute"
