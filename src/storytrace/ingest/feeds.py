"""Read RSS 2.0, Atom 1.0 and RSS 1.0 (RDF) feeds into items, and turn each item into a raw item to clean."""

from __future__ import annotations

import html
import io
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import feedparser

from storytrace.errors import FetchError, MalformedFeed
from storytrace.ingest.web import Fetched, Fetcher, sniff_kind
from storytrace.model import DateVia, RawItem

__all__ = [
    "MIN_FEED_TEXT_WORDS",
    "Feed",
    "FeedItem",
    "feed_item_to_raw",
    "iter_feed_items",
    "iter_feed_pages",
    "parse_feed",
]

# Below this, a feed's own text is a teaser, not a report: not worth keeping when the item's page failed.
MIN_FEED_TEXT_WORDS = 40

_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.I)
_FEED_LINK_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})


@dataclass(slots=True)
class FeedItem:
    """One entry of a feed, with the feed's own metadata copied in so it can travel alone."""

    link: str | None = None  # absolute, resolved against the feed URL
    guid: str | None = None  # RSS <guid>, Atom <id>, RDF rdf:about
    title: str | None = None
    published: str | None = None  # ISO 8601 in UTC, e.g. "2024-03-14T09:30:00+00:00"
    date_field: str | None = None  # the feed field the date came from: "published", "updated" or "created"
    author: str | None = None
    summary: str | None = None  # plain text
    content: str | None = None  # HTML of content:encoded / Atom <content>, sanitised by feedparser
    feed_title: str | None = None  # the outlet
    feed_url: str | None = None
    language: str | None = None  # the feed's declared language, e.g. "en-us"


@dataclass(slots=True)
class Feed:
    """A parsed feed: its title, its home page link, and its items in feed order."""

    title: str | None
    link: str | None
    items: list[FeedItem] = field(default_factory=list)
    url: str | None = None
    language: str | None = None


def parse_feed(content: bytes, *, url: str | None, locator: str, content_type: str | None = None) -> Feed:
    """Parse feed bytes; relative links resolve against ``url``. Raise ``MalformedFeed`` if it is no feed.

    feedparser is lenient: a feed with a syntax error that still yielded entries or a title is accepted.
    ``content_type`` (the HTTP header, if fetched) gives the charset, if it declares one.
    """
    # feedparser applies RFC 3023 to the header (text/* without charset means US-ASCII) and flags any non-XML
    # type as an error that hides the real parse error. Servers mislabel feeds all the time, so we call the
    # body XML and keep only the charset the server declared.
    charset = _CHARSET.search(content_type or "")
    headers = {"content-type": "application/xml" + (f"; charset={charset.group(1)}" if charset else "")}
    if url:
        headers["content-location"] = url
    # A BytesIO, never bare bytes: feedparser would try a bytes value as a file name before parsing it.
    parsed = feedparser.parse(io.BytesIO(content), response_headers=headers)
    meta = parsed.get("feed", {})
    title = _clean_line(meta.get("title"))
    entries = parsed.get("entries", [])
    if not entries and not title:
        if parsed.get("bozo"):
            # feedparser adds an XML declaration line to a document that lacks one, shifting line numbers.
            added = 0 if re.match(rb"(\xef\xbb\xbf)?<\?xml", content) else 1
            reason = _bozo_reason(parsed.get("bozo_exception"), line_offset=added)
            raise MalformedFeed(f"could not parse the feed: {reason}", locator=locator)
        if not parsed.get("version"):
            what = "the document is empty" if not content.strip() else "not an RSS, Atom or RDF feed"
            raise MalformedFeed(f"could not parse the feed: {what}", locator=locator)
    language = _str(meta.get("language"))
    feed = Feed(title=title, link=_str(meta.get("link")), url=url, language=language)
    for entry in entries:
        feed.items.append(_feed_item(entry, feed))
    return feed


def feed_item_to_raw(item: FeedItem, *, page: Fetched | None, locator: str) -> RawItem:
    """The raw item to clean: the item's fetched page when there is one, else the feed's own text."""
    meta: dict[str, Any] = {}
    if item.feed_url:
        meta["feed"] = item.feed_url
    if item.author:
        meta["author"] = item.author
    if item.date_field:
        meta["feed_date_field"] = item.date_field
    if item.summary:
        meta["feed_summary"] = item.summary
    kind = sniff_kind(page.content, page.content_type, page.final_url) if page is not None else None
    if page is not None and kind in ("html", "text"):
        content: bytes | str = page.content
        raw_kind = kind
        url: str | None = page.final_url
        encoding: str | None = page.charset
        meta["text_from"] = "page"
        if item.link and item.link != page.final_url:
            meta["link"] = item.link
    else:
        # No page, or the link led to something that is not an article (a feed, JSON): use the feed's text.
        content = _feed_html(item)
        raw_kind = "html"
        url = item.link
        encoding = None
        meta["text_from"] = "feed"
        if kind is not None:
            meta["page_kind"] = kind
    return RawItem(
        locator=locator,
        content=content,
        kind=raw_kind,
        url=url,
        original_id=item.guid,
        outlet=item.feed_title,
        title=item.title,
        published=item.published,
        published_via=DateVia.FEED if item.published else None,
        lang=item.language,
        encoding=encoding,
        meta=meta,
    )


def iter_feed_items(feed_url: str, fetcher: Fetcher) -> Iterator[RawItem | FetchError]:
    """Fetch and parse a feed, then fetch each item's page, yielding raw items and per-item errors.

    Errors about the feed itself (``FetchError``, ``MalformedFeed``) are raised here, at the call, before any
    item. A failing item page yields its ``FetchError`` — the caller records it and goes on — followed by the
    raw item built from the feed's own text when that text has at least ``MIN_FEED_TEXT_WORDS`` words.
    """
    fetched = fetcher.fetch(feed_url)
    if fetched.status == 304:  # a conditional GET (If-None-Match in the fetcher's headers): nothing new
        return iter(())
    if sniff_kind(fetched.content, fetched.content_type, fetched.final_url) == "html":
        # The commonest mistake: the site's home page instead of its feed. Point at the feed if it names one.
        found = _feed_links(fetched.content, fetched.final_url)
        raise MalformedFeed(
            "the URL serves an HTML page, not a feed",
            locator=feed_url,
            hint=f"the page names its feed: {found[0]}"
            if found
            else "give the address of the site's RSS or Atom feed, or ingest the page itself as a URL",
        )
    feed = parse_feed(
        fetched.content,
        url=fetched.final_url,
        locator=feed_url,
        content_type=fetched.headers.get("content-type"),
    )
    return iter_feed_pages(feed, feed_url, fetcher)


def iter_feed_pages(
    feed: Feed,
    feed_locator: str,
    fetcher: Fetcher,
    *,
    fetch_pages: bool = True,
    skip: Callable[[str], bool] | None = None,
) -> Iterator[RawItem | FetchError]:
    """The raw items of a parsed feed: each item's page when it can be fetched, else the feed's own text.

    A failing page yields its ``FetchError`` and then, when the feed carried at least ``MIN_FEED_TEXT_WORDS``
    words for that item, the item built from that text. ``skip(link)`` true means the page is already known
    (a re-run): the item is passed over without a request.
    """
    for number, item in enumerate(feed.items, start=1):
        locator = item.link or f"{feed_locator}#item-{number}"
        if not item.link or not fetch_pages:
            if item.link and skip is not None and skip(item.link):
                continue
            yield feed_item_to_raw(item, page=None, locator=locator)
            continue
        if skip is not None and skip(item.link):
            continue
        try:
            page = fetcher.fetch(item.link)
        except FetchError as error:
            yield error
            if _word_count(item) >= MIN_FEED_TEXT_WORDS:
                yield feed_item_to_raw(item, page=None, locator=locator)
            continue
        yield feed_item_to_raw(item, page=page, locator=locator)


def _feed_links(page: bytes, base: str) -> list[str]:
    """The feeds an HTML page announces with <link rel="alternate" type="application/rss+xml" href=…>."""
    collector = _FeedLinkCollector()
    collector.feed(page.decode("utf-8", errors="replace"))
    collector.close()
    return [urljoin(base, href) for href in collector.hrefs]


class _FeedLinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        values = {name: (value or "").strip() for name, value in attrs}
        rel = values.get("rel", "").lower().split()
        if "alternate" in rel and values.get("type", "").lower() in _FEED_LINK_TYPES and values.get("href"):
            self.hrefs.append(values["href"])


def _feed_item(entry: Any, feed: Feed) -> FeedItem:
    published, date_field = _entry_date(entry)
    return FeedItem(
        link=_str(entry.get("link")),
        guid=_str(entry.get("id")),
        title=_clean_line(entry.get("title")),
        published=published,
        date_field=date_field,
        author=_clean_line(entry.get("author")),
        summary=_html_to_text(_str(entry.get("summary")) or "") or None,
        content=_entry_content(entry),
        feed_title=feed.title,
        feed_url=feed.url,
        language=feed.language,
    )


def _entry_date(entry: Any) -> tuple[str | None, str | None]:
    """The entry's date in ISO 8601 UTC (feedparser normalises to UTC struct_time), and which field it was."""
    for name in ("published", "updated", "created"):
        parsed = entry.get(f"{name}_parsed")
        if isinstance(parsed, time.struct_time):
            try:
                value = datetime(*parsed[:6], tzinfo=UTC)
            except ValueError:  # feedparser can hand back impossible dates (day 0) from broken feeds
                continue
            return value.isoformat(), name
    return None, None


def _entry_content(entry: Any) -> str | None:
    """The full text the feed carries (content:encoded, Atom <content>) as HTML; HTML parts win over text."""
    parts = [part for part in entry.get("content") or [] if _str(part.get("value"))]
    if not parts:
        return None
    htmlish = [part for part in parts if "html" in str(part.get("type", ""))]
    part = (htmlish or parts)[0]
    value = str(part.get("value"))
    if "html" in str(part.get("type", "")):
        return value
    # Plain text content: escape it so the "html" kind we hand to clean stays true.
    return _paragraphs_html(value)


def _feed_html(item: FeedItem) -> str:
    if item.content:
        return item.content
    return _paragraphs_html(item.summary or "")


def _paragraphs_html(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def _word_count(item: FeedItem) -> int:
    text = _html_to_text(item.content) if item.content else (item.summary or "")
    return len(text.split())


def _bozo_reason(exc: object, *, line_offset: int = 0) -> str:
    """The parser's complaint, with expat's '<unknown>:3:4:' turned into words."""
    if exc is None:
        return "unknown parser error"
    text = str(exc) or type(exc).__name__
    match = re.match(r"<unknown>:(\d+):(\d+):\s*(.*)", text)
    if match:
        line, column = int(match.group(1)) - line_offset, int(match.group(2)) + 1
        return f"{match.group(3)} at line {max(line, 1)}, column {column}"
    return text


def _str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _clean_line(value: object) -> str | None:
    """A one-line field (title, author): feedparser may leave tags or entities in it, and line breaks."""
    text = _str(value)
    if text is None:
        return None
    if "<" in text or "&" in text:
        text = _html_to_text(text)
    return " ".join(text.split()) or None


_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "hr", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}
    | {"table", "tr", "section", "article", "header", "footer", "figure", "figcaption"}
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})


class _TextCollector(HTMLParser):
    """Collects the text of an HTML fragment, a blank line between blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def _html_to_text(fragment: str) -> str:
    """Plain text of a feed's HTML fragment: paragraphs separated by a blank line, spaces collapsed."""
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    blocks = re.split(r"\n\s*\n", "".join(collector.parts))
    return "\n\n".join(" ".join(block.split()) for block in blocks if block.strip())
