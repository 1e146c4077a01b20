"""Title, dateline, outlet and publication date read from a plain text and its URL, each with its evidence.

Also the two outlet signals of a plain text's edges: a masthead line at the top ("THE TESRA COURIER ·
tagline") and a copyright notice at the bottom ("© 2025 Harbal Herald Media Group"), whose year can date a
year-less dateline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from storytrace.clean.dates import MONTH_PATTERN, month_number, parse_date_string, search_date
from storytrace.model import DateVia, PublishedDate

__all__ = [
    "Copyright",
    "Dateline",
    "TextMetadata",
    "date_from_url",
    "domain_from_url",
    "find_copyright",
    "find_date_line",
    "find_dateline",
    "find_text_date",
    "find_title",
    "masthead_name",
    "read_copyright",
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
# The parts of a date line: "Tuesday, 11 March 2025 | By Rasha Dabbour", "12.03.2025 | 09:40 | Tesra Courier".
_SEGMENT_SEP = re.compile(r"\s*[|·•]\s*|\s+[—–-]\s+")
_SEGMENT_MAX_WORDS = 8
# "© 2025 Harbal Herald Media Group. All rights reserved." / "© Ibdara Mirror 2025" / "Copyright 2024 X".
_COPYRIGHT = re.compile(r"(?P<mark>©|\(c\)|copyright\b)\s*(?:©\s*)?(?P<body>.*)", re.IGNORECASE)
_NOTICE_END = re.compile(r"\.(?:\s|$)|\s[|·•]\s|\s[—–-]\s")
_YEAR = re.compile(r"(?<!\d)(?:19|20|21)\d{2}(?!\d)")
_YEAR_RANGE = re.compile(r"(?<!\d)(?:19|20|21)\d{2}(?:\s*[-–]\s*(?:19|20|21)\d{2})?(?!\d)")
# Legal forms of the company behind an outlet; dropping them leaves the outlet's own name.
_LEGAL_SUFFIX = re.compile(
    r"(?:,?\s+(?:media group|media company|media holdings|media ltd|publishing group|publishing company|"
    r"llc|l\.l\.c|inc|incorporated|ltd|limited|plc|gmbh|corp|corporation|co|pty|s\.?a|sarl)\.?)+$",
    re.IGNORECASE,
)
# A masthead names a publication: its last word is one of these, its first is not a kicker ("BREAKING NEWS").
_OUTLET_WORDS_LIST = """agency blog bulletin chronicle courant courier daily digest dispatch echo examiner express
gazette globe guardian herald independent inquirer insider journal leader magazine mail media mirror monitor network
news observer post press radio record register reporter review sentinel standard star sun telegraph
times today tribune tv voice weekly wire"""
_OUTLET_WORDS = frozenset(_OUTLET_WORDS_LIST.split())
_KICKERS_LIST = """alert analysis breaking comment developing editorial exclusive explainer feature flash interview just
latest live opinion special update updated urgent video watch"""
_KICKERS = frozenset(_KICKERS_LIST.split())
_MASTHEAD_SEP = re.compile(r"\s*[·|•]\s*|\s+[—–-]\s+")
_MASTHEAD_WORD = re.compile(r"[A-Z&'’.\-]*[A-Z][A-Z&'’.\-]*")
_MASTHEAD_MAX_WORDS = 6
_BARE_MASTHEAD_MAX_WORDS = 3  # without a tagline, "THE AMBER VALLEY TIMES" at most
_SMALL_WORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "the", "to"})


@dataclass(frozen=True, slots=True)
class Dateline:
    """A news dateline: the matched text, the place, the outlet in parentheses and the date if resolvable."""

    evidence: str
    place: str
    outlet: str | None
    published: PublishedDate | None


@dataclass(frozen=True, slots=True)
class Copyright:
    """A copyright notice: its first sentence as evidence, its (latest) year, its holder and that holder's outlet."""

    evidence: str  # "© 2025 Harbal Herald Media Group"
    year: int | None
    holder: str | None  # "Harbal Herald Media Group"
    outlet: str | None  # "Harbal Herald": the holder without a legal suffix, when something is left


@dataclass(slots=True)
class TextMetadata:
    """What the text itself says about the article; each field None when the text does not say."""

    title: str | None = None
    dateline: Dateline | None = None
    published: PublishedDate | None = None  # from the dateline, a date line or a "Published …" line
    url_date: PublishedDate | None = None
    domain: str | None = None


def read_text_metadata(
    text: str,
    url: str | None = None,
    *,
    reference: date | None = None,
    year_hint: tuple[int, str] | None = None,
) -> TextMetadata:
    """Read title, dateline, dates and domain. ``reference`` dates a year-less dateline ("March 14").

    Without ``reference`` the URL's date is used, then ``year_hint`` (a year and where it was read, e.g. the
    document's own "© 2025 …" line); with none of them, a year-less dateline gives no date.
    """
    url_date = date_from_url(url) if url else None
    if reference is None and url_date is not None:
        reference = _as_date(url_date)
    dateline = find_dateline(text, reference=reference, year_hint=year_hint)
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
    if find_date_line(line) is not None:
        return None  # "Tuesday, 11 March 2025 | By Rasha Dabbour" is metadata, not a headline
    if len(words) > 15:
        # A long first line is a headline only in title case ("Hamas Leaders Plan To Flee …").
        lettered = [w for w in words if w[0].isalpha()]
        capitals = sum(1 for w in lettered if w[0].isupper())
        if not lettered or capitals / len(lettered) < 0.6:
            return None
    return line


def find_dateline(
    text: str, *, reference: date | None = None, year_hint: tuple[int, str] | None = None
) -> Dateline | None:
    """A wire-style dateline ("BAGHDAD, Oct 21 (Reuters) —") at the start of one of the first lines.

    A dateline without a year takes it from ``reference`` (the day it cannot be after, give or take two
    days for time zones), else from ``year_hint`` (a year and the text it was read from, which the date's
    evidence then names); without either its date is left None rather than guessed.
    """
    for line in _top_lines(text, _TOP_LINES):
        found = _DATELINE.match(line)
        if found is None or not (found["month"] or found["month2"] or found["outlet"]):
            continue  # "NEW YORK —" alone is a heading style, not enough to call it a dateline
        evidence = found.group(0).strip()
        outlet = found["outlet"].strip() if found["outlet"] else None
        published = _dateline_date(found, evidence, reference, year_hint)
        return Dateline(evidence=evidence, place=found["place"], outlet=outlet, published=published)
    return None


def find_text_date(text: str) -> PublishedDate | None:
    """A date line ("June 24, 2024") or a byline date ("Published March 14, 2025") in the first lines.

    A date line — a bare date, alone or as one part of a line of metadata ("By Rasha Dabbour | 8 March
    2025") — is a DATELINE date; a date a "Published/Posted/Updated" or "By …" phrase states is a TEXT
    date. A publication date wins over an update date, which is only a later bound.
    """
    updated: PublishedDate | None = None
    for line in _top_lines(text, _TOP_LINES):
        date_line = find_date_line(line)
        if date_line is not None:
            return date_line
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


def find_date_line(line: str) -> PublishedDate | None:
    """A line of metadata whose date stands bare: the whole line, or one of its ``|``/``·``/``—`` parts.

    "8 March 2025", "Tuesday, 11 March 2025 | By Rasha Dabbour", "12.03.2025 | 09:40 | Tesra Courier" (a
    clock time right after the date is kept). The other parts must be short (a byline, an outlet, a
    place); a date a phrase introduces ("Posted on …") is not a date line but a byline date.
    """
    line = line.strip()
    words = line.split()
    if not words or len(words) > _BYLINE_MAX_WORDS:
        return None
    parsed = parse_date_string(line)
    if parsed is None:
        parsed = _date_segment(line)
    if parsed is None or parsed[1] not in ("day", "minute", "month"):
        return None
    return PublishedDate(parsed[0], DateVia.DATELINE, evidence=line, precision=parsed[1])


def read_copyright(line: str) -> Copyright | None:
    """Read a copyright notice line; None when the line is not one.

    "©" starts a notice on its own; "(c)" and "Copyright" need a year right after them.
    """
    found = _COPYRIGHT.fullmatch(line.strip())
    if found is None:
        return None
    body = found["body"]
    if found["mark"] != "©" and _YEAR_RANGE.match(body) is None:
        return None
    cut = _NOTICE_END.search(body)
    first = body[: cut.start()] if cut else body
    evidence = line.strip()[: len(line.strip()) - len(body) + len(first)].strip()
    years = [int(y) for y in _YEAR.findall(first)]
    holder = _YEAR_RANGE.sub(" ", first)
    holder = re.sub(r"^\s*(?:by\s+)?", "", " ".join(holder.split()), flags=re.IGNORECASE).strip(" ,;:-–—")
    if not any(ch.isalpha() for ch in holder) or re.fullmatch(r"(?i)all rights reserved", holder):
        holder = ""
    outlet = _LEGAL_SUFFIX.sub("", holder).strip(" ,") if holder else ""
    if not any(ch.isalpha() for ch in outlet):
        outlet = holder
    return Copyright(
        evidence=evidence,
        year=max(years) if years else None,
        holder=holder or None,
        outlet=outlet or None,
    )


def find_copyright(lines: Iterable[str]) -> Copyright | None:
    """The first copyright notice among ``lines`` (the last lines of a text and its trimmed tail, in order)."""
    for line in lines:
        notice = read_copyright(line)
        if notice is not None:
            return notice
    return None


def masthead_name(line: str, rest: str = "") -> str | None:
    """The outlet a masthead line names, in title case ("The Tesra Courier"); None when it is not clearly one.

    A masthead is an ALL-CAPS name of at most six words ending in a publication word (COURIER, MIRROR,
    MONITOR, TIMES …) and not opening with a kicker (BREAKING, EXCLUSIVE …), optionally followed by
    " · ", " | " or " — " and a tagline. Without a tagline the name must be short (three words besides a
    leading THE) and come back in ``rest`` (the other lines, e.g. "Source: Amber Post"), since an ALL-CAPS
    headline can end in such a word too ("STRIKE SHUTS THE HARBAL POST").
    """
    parts = _MASTHEAD_SEP.split(line.strip(), maxsplit=1)
    name, tagline = parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")
    words = name.split()
    if not 1 <= len(words) <= _MASTHEAD_MAX_WORDS or not all(_MASTHEAD_WORD.fullmatch(w) for w in words):
        return None
    last, first = words[-1].strip("'’.-&").lower(), words[0].strip("'’.-&").lower()
    if last not in _OUTLET_WORDS or first in _KICKERS:
        return None
    if len(parts) > 1 and not tagline:
        return None
    if not tagline:
        core = [w.lower() for w in words]
        if core[0] == "the":
            core = core[1:]
        named_again = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, core)) + r"(?!\w)")
        if not 2 <= len(core) <= _BARE_MASTHEAD_MAX_WORDS or named_again.search(rest.lower()) is None:
            return None
    return _title_case(words)


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


def _date_segment(line: str) -> tuple[str, str] | None:
    """The date of the one part of ``line`` that is a bare date (with the clock time after it, if any)."""
    segments = [part.strip() for part in _SEGMENT_SEP.split(line)]
    if len(segments) < 2 or not all(segments):
        return None
    for k, segment in enumerate(segments):
        parsed = parse_date_string(segment)
        if parsed is None:
            continue
        used = {k}
        if parsed[1] == "day" and k + 1 < len(segments) and segments[k + 1][:1].isdigit():
            timed = parse_date_string(f"{segment} {segments[k + 1]}")
            if timed is not None and timed[1] == "minute":
                parsed = timed
                used.add(k + 1)
        others = [s for j, s in enumerate(segments) if j not in used]
        if any(len(s.split()) > _SEGMENT_MAX_WORDS or s.endswith((".", "!", "?")) for s in others):
            return None
        return parsed
    return None


def _title_case(words: list[str]) -> str:
    """ "THE TESRA COURIER" → "The Tesra Courier"; vowel-less words are acronyms and stay ("BBC", "CNN")."""
    out: list[str] = []
    for k, word in enumerate(words):
        lower = word.lower()
        if k > 0 and lower in _SMALL_WORDS:
            out.append(lower)
        elif not any(ch in "aeiouy" for ch in lower):
            out.append(word)
        else:
            out.append("-".join(part[:1].upper() + part[1:] for part in lower.split("-")))
    return " ".join(out)


def _dateline_date(
    found: re.Match[str], evidence: str, reference: date | None, year_hint: tuple[int, str] | None
) -> PublishedDate | None:
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
    elif year_hint is not None:
        # The year is not the dateline's: say where it came from.
        year = year_hint[0]
        evidence = f'"{evidence}" + year from "{year_hint[1]}"'
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
