"""The records of one report: the raw item a reader yields, and the cleaned, immutable Document."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "DateVia",
    "Document",
    "OutletVia",
    "PublishedDate",
    "RawItem",
    "Span",
    "Trim",
]


class DateVia(StrEnum):
    """Where a publication date was found; a date is never invented, so there is no 'guess'."""

    USER = "user"  # given by the user (JSONL field, --published)
    FEED = "feed"  # the RSS/Atom item's date
    METADATA = "metadata"  # HTML meta tags, JSON-LD, <time>
    DATELINE = "dateline"  # "HARBAL, March 14 (Meridian Wire) -" or a date line under the title
    URL = "url"  # /2025/03/14/ in the URL
    TEXT = "text"  # a byline-like "Published March 14, 2025" in the body


class OutletVia(StrEnum):
    """Where the outlet (the source) was found."""

    USER = "user"
    FEED = "feed"
    METADATA = "metadata"  # og:site_name and the like
    SOURCE_LINE = "source_line"  # a "Source: X" footer
    MASTHEAD = "masthead"  # an ALL-CAPS name line at the top of a plain text: "THE TESRA COURIER · tagline"
    DATELINE = "dateline"  # "(Meridian Wire)" in a dateline
    COPYRIGHT = "copyright"  # the holder of a "© 2025 Harbal Herald Media Group" footer, legal suffix dropped
    URL = "url"  # the domain


@dataclass(frozen=True, slots=True)
class Span:
    """A view into a Document's text: ``text[start_char:end_char]``, with a label and free attributes."""

    start_char: int
    end_char: int
    label: str = ""
    attrs: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.start_char <= self.end_char:
            raise ValueError(f"bad span offsets {self.start_char}..{self.end_char}")


@dataclass(frozen=True, slots=True)
class PublishedDate:
    """A publication date with its provenance. ``value`` is ISO 8601: a date or a datetime with offset."""

    value: str
    via: DateVia
    evidence: str = ""  # the string it was read from, e.g. "HARBAL, March 14 (Meridian Wire)"
    precision: str = "day"  # "day", "minute", "month", "year"


@dataclass(frozen=True, slots=True)
class Trim:
    """A piece of the raw text removed as boilerplate, kept for audit (never silently lost)."""

    position: str  # "head", "tail" or "inline"
    text: str
    rule: str  # the name of the rule that removed it, e.g. "share-line", "copyright", "short-tail"


@dataclass(slots=True)
class RawItem:
    """What a reader yields before cleaning: bytes or text plus whatever metadata the input itself gave."""

    locator: str  # path, URL, "-" (stdin) or "file.jsonl:3"
    content: bytes | str
    kind: str  # "html", "text", "markdown"
    url: str | None = None
    original_id: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    published_via: DateVia | None = None  # USER for JSONL fields, FEED for feed items
    lang: str | None = None
    encoding: str | None = None  # a charset declared by HTTP or the user
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Document:
    """One cleaned report. ``text`` is fixed at creation: every span of every later stage points into it.

    ``spans`` holds named layers of spans (``"sentences"``, ``"mentions"`` …) added by extraction components.
    """

    id: str
    text: str
    locator: str
    title: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    original_id: str | None = None
    outlet: str | None = None
    outlet_via: OutletVia | None = None
    domain: str | None = None
    author: str | None = None
    published: PublishedDate | None = None
    lang: str | None = None
    lang_score: float | None = None
    kind: str = "text"
    trims: list[Trim] = field(default_factory=list)
    near_duplicate_of: str | None = None
    near_duplicate_score: float | None = None
    spans: dict[str, list[Span]] = field(default_factory=dict)
    layer_sources: dict[str, str] = field(default_factory=dict)  # layer -> the component (with version) that made it
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    def span_text(self, span: Span) -> str:
        return self.text[span.start_char : span.end_char]
