"""Title, dateline, outlet and publication date read from a plain text and its URL, each with its evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from storytrace.clean.dates import MONTH_PATTERN, month_number, parse_date_string, search_date
from storytrace.model import DateVia, PublishedDate

__all__ = [
    "Dateline",
    "TextMetadata",
    "date_from_url",
    "domain_from_url",
    "find_dateline",
    "find_text_date",
    "find_title",
    "read_text_metadata",
]

# Datelines, bylines and date lines sit above or at the start of the first paragraph.
_TOP_LINES = 8
_TITLE_MAX_WORDS = 40
_TITLE_MAX_CHARS = 300
_BYLINE_MAX_WORDS = 20

_PLACE = r"[A-Z][A-Z'’.\-]*(?:[ \-][A-Z][A-Z'’.\-]*){0,3}"  # BAGHDAD, NEW YORK, AL-QAIM
_REGION = rf"(?!(?:{MONTH_PATTERN}))[A-Z][A-Za-z'’.\-]+(?: [A-Z][A-Za-z'’.\-]+){{0,2}}"  # ", Iraq"
_DATELINE_DATE = (
    rf"(?:(?P<month>{MONTH_PATTERN})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?"
    rf"|(?P<day2>\d{{1,2}})\s+(?P<month2>{MONTH_PATTERN})(?:,?\s+(?P<year2>\d{{4}}))?)"
)
_DATELINE = re.compile(
    rf"(?P<place>{_PLACE}(?:,\s*{_REGION})?)"
    rf"(?:,\s*(?i:{_DATELINE_DATE}))?"
    r"\s*(?:\((?P<outlet>[^()\n]{2,40})\))?"
    r"\s*(?:[-–—]+|:)(?=\s|$)"
)
_PUBLISHED_LINE = re.compile(
    r"(?i)(?:.{0,80}?[|·•,;]\s*)?"
    r"(?P<kind>first published|published|posted|last updated|updated|last modified)"
    r"(?:\s+(?:on|at))?\s*:?\s*"
)
_BYLINE = re.compile(r"(?i)by\s+\S")
_URL_DAY = re.compile(r"(?<!\d)(?P<year>(?:19|20|21)\d{2})[/_-](?P<month>\d{1,2})[/_-](?P<day>\d{1,2})(?!\d)")
_URL_COMPACT = re.compile(r"(?<![\d])(?P<year>(?:19|20|21)\d{2})(?P<month>\d{2})(?P<day>\d{2})(?![\d])")
_URL_MONTH = re.compile(r"/(?P<year>(?:19|20|21)\d{2})/(?P<month>\d{1,2})(?:/|$)")


@dataclass(frozen=True, slots=True)
class Dateline:
    """A news dateline: the matched text, the place, the outlet in parentheses and the date if resolvable."""

    evidence: str
    place: str
    outlet: str | None
    published: PublishedDate | None


@dataclass(slots=True)
class TextMetadata:
    """What the text itself says about the article; each field None when the text does not say."""

    title: str | None = None
    dateline: Dateline | None = None
    published: PublishedDate | None = None  # from the dateline, a date line or a "Published …" line
    url_date: PublishedDate | None = None
    domain: str | None = None


def read_text_metadata(text: str, url: str | None = None, *, reference: date | None = None) -> TextMetadata:
    """Read title, dateline, dates and domain. ``reference`` dates a year-less dateline ("March 14").

    Without ``reference`` the URL's date is used; with neither, a year-less dateline gives no date.
    """
    url_date = date_from_url(url) if url else None
    if reference is None and url_date is not None:
        reference = _as_date(url_date)
    dateline = find_dateline(text, reference=reference)
    published = dateline.published if dateline is not None else None
    return TextMetadata(
        title=find_title(text),
        dateline=dateline,
        published=published or find_text_date(text),
        url_date=url_date,
        domain=domain_from_url(url) if url else None,
    )


def find_title(text: str) -> str | None:
    """The first line when it reads like a headline: short, no final period, not a dateline or a date."""
    lines = _top_lines(text, 2)
    if len(lines) < 2:
        return None  # a text of one line is all body
    line = lines[0]
    words = line.split()
    if len(words) > _TITLE_MAX_WORDS or len(line) > _TITLE_MAX_CHARS:
        return None
    if line.endswith((".", ":", ";", ",")) or (line.endswith(("?", "!")) and len(words) > 20):
        return None
    if _DATELINE.match(line) or parse_date_string(line) or _PUBLISHED_LINE.match(line) or _BYLINE.match(line):
        return None
    if len(words) > 15:
        # A long first line is a headline only in title case ("Hamas Leaders Plan To Flee …").
        lettered = [w for w in words if w[0].isalpha()]
        capitals = sum(1 for w in lettered if w[0].isupper())
        if not lettered or capitals / len(lettered) < 0.6:
            return None
    return line


def find_dateline(text: str, *, reference: date | None = None) -> Dateline | None:
    """A wire-style dateline ("BAGHDAD, Oct 21 (Reuters) —") at the start of one of the first lines.

    A dateline without a year takes it from ``reference`` (the day it cannot be after, give or take two
    days for time zones); without a reference its date is left None rather than guessed.
    """
    for line in _top_lines(text, _TOP_LINES):
        found = _DATELINE.match(line)
        if found is None or not (found["month"] or found["month2"] or found["outlet"]):
            continue  # "NEW YORK —" alone is a heading style, not enough to call it a dateline
        evidence = found.group(0).strip()
        outlet = found["outlet"].strip() if found["outlet"] else None
        published = _dateline_date(found, evidence, reference)
        return Dateline(evidence=evidence, place=found["place"], outlet=outlet, published=published)
    return None


def find_text_date(text: str) -> PublishedDate | None:
    """A date line ("June 24, 2024") or a byline date ("Published March 14, 2025") in the first lines.

    A standalone date line is a DATELINE date; a "Published/Posted/Updated" or "By …" line is a TEXT
    date. A publication date wins over an update date, which is only a later bound.
    """
    updated: PublishedDate | None = None
    for line in _top_lines(text, _TOP_LINES):
        parsed = parse_date_string(line)
        if parsed is not None and parsed[1] in ("day", "minute", "month"):
            return PublishedDate(parsed[0], DateVia.DATELINE, evidence=line, precision=parsed[1])
        if len(line.split()) > _BYLINE_MAX_WORDS:
            continue
        marker = _PUBLISHED_LINE.match(line)
        if marker is None and not _BYLINE.match(line):
            continue
        found = search_date(line[marker.end() :] if marker else line)
        if found is None:
            continue
        result = PublishedDate(found.value, DateVia.TEXT, evidence=line, precision=found.precision)
        kind = marker["kind"].lower() if marker is not None else ""
        if "updated" in kind or "modified" in kind:
            updated = updated or result
            continue
        return result
    return updated


def date_from_url(url: str) -> PublishedDate | None:
    """A date in the URL path: ``/2025/03/14/``, ``2025-03-14``, ``/20250314/``; ``/2025/03/`` is a month."""
    path = urlsplit(url).path
    for pattern in (_URL_DAY, _URL_COMPACT):
        for found in pattern.finditer(path):
            parsed = parse_date_string(f"{found['year']}-{int(found['month']):02d}-{int(found['day']):02d}")
            if parsed is not None:
                return PublishedDate(parsed[0], DateVia.URL, evidence=found.group(0), precision="day")
    month = _URL_MONTH.search(path)
    if month is not None and 1 <= int(month["month"]) <= 12:
        value = f"{month['year']}-{int(month['month']):02d}"
        return PublishedDate(value, DateVia.URL, evidence=month.group(0).strip("/"), precision="month")
    return None


def domain_from_url(url: str) -> str | None:
    """The host name, lower-cased, without ``www.``; None for URLs without a host (``file:``, paths)."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return re.sub(r"^www\d*\.", "", host.lower().rstrip("."))


def _top_lines(text: str, limit: int) -> list[str]:
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line:
            lines.append(line)
            if len(lines) == limit:
                break
    return lines


def _dateline_date(found: re.Match[str], evidence: str, reference: date | None) -> PublishedDate | None:
    month_name = found["month"] or found["month2"]
    if month_name is None:
        return None
    month = month_number(month_name)
    day = int(found["day"] or found["day2"])
    year_text = found["year"] or found["year2"]
    if month is None:
        return None
    if year_text is not None:
        year = int(year_text)
    elif reference is not None:
        year = reference.year
        try:
            # News is dated on or before the day it is known to exist; "Dec 31" seen on Jan 2 is last year.
            if date(year, month, day) > reference + timedelta(days=2):
                year -= 1
        except ValueError:
            return None
    else:
        return None
    parsed = parse_date_string(f"{year:04d}-{month:02d}-{day:02d}")
    if parsed is None:
        return None
    return PublishedDate(parsed[0], DateVia.DATELINE, evidence=evidence, precision="day")


def _as_date(published: PublishedDate) -> date | None:
    """The last day a PublishedDate can stand for: a month-precision URL date dates up to its month's end."""
    value = published.value[:10]
    try:
        if published.precision == "month":
            year, month = int(value[:4]), int(value[5:7])
            first_of_next = date(year + month // 12, month % 12 + 1, 1)
            return first_of_next - timedelta(days=1)
        if published.precision == "year":
            return date(int(value[:4]), 12, 31)
        return date.fromisoformat(value)
    except ValueError:
        return None
