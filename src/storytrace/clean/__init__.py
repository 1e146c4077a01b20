"""Cleaning: a raw item (HTML, text, Markdown) becomes one immutable Document with sourced metadata.

Each metadata field is taken from the strongest signal that has it: what the user or the feed gave, then
the page's markup, then a "Source:" line, a masthead or a dateline, then a copyright notice, then the URL,
then the text. Every date found is also kept in ``doc.meta["date_signals"]`` so that later stages can see
when the signals disagree.

Outlet precedence: user, feed, markup (og:site_name, front matter), a "Source: X" line (an explicit
statement), a masthead line ("THE TESRA COURIER · …", a heuristic), a dateline's "(Meridian Wire)" (which may
only be where the copy came from), the holder of a "© 2025 Harbal Herald Media Group" notice without its
legal suffix (a name, better than a host name but sometimes a parent company's), and last the URL's domain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from storytrace.clean.dates import parse_date_string
from storytrace.clean.html import HtmlExtract, extract_html
from storytrace.clean.language import detect_language
from storytrace.clean.markdown import markdown_to_text
from storytrace.clean.metadata import Copyright, TextMetadata, domain_from_url, find_copyright, read_text_metadata
from storytrace.clean.text import TrimResult, trim_boilerplate
from storytrace.errors import EmptyText, UnsupportedInput
from storytrace.model import DateVia, Document, OutletVia, PublishedDate, RawItem, make_id, normalize_for_hash

__all__ = ["clean_item", "detect_language", "extract_html", "parse_date_string", "trim_boilerplate"]

# Fewer words than this is a stub, a paywall notice or a failed extraction, not a report.
MIN_WORDS = 5
_FRONT_TITLE = ("title", "headline")
_FRONT_DATE = ("date", "published", "published_at", "pubdate")
_FRONT_OUTLET = ("source", "outlet", "publisher", "site_name", "sitename")
_FRONT_URL = ("url", "link", "canonical_url")
_FRONT_AUTHOR = ("author", "byline")
# A copyright notice is looked for in the trimmed tail and in this many last lines of the kept text.
_COPYRIGHT_LAST_LINES = 3


@dataclass(slots=True)
class _Signals:
    """What one item's own content says about it, before the precedence rules pick."""

    text: str
    html: HtmlExtract | None = None
    front: dict[str, str] | None = None
    footer: str | None = None  # what a Markdown document put below its last horizontal rule


def clean_item(item: RawItem) -> Document:
    """Clean one raw item into a Document; raise ``EmptyText`` or ``NoMainText`` when no article is left.

    ``item.content`` must already be decoded text (the ingest layer decodes bytes).
    """
    if not isinstance(item.content, str):
        raise TypeError(f"clean_item needs decoded text; {item.locator} holds {type(item.content).__name__}")
    signals = _read_content(item, item.content)
    trimmed = trim_boilerplate(signals.text, footer=signals.footer)
    text = trimmed.text
    words = len(text.split())
    if words < MIN_WORDS:
        removed = f"; {len(trimmed.trims)} boilerplate line(s) removed" if trimmed.trims else ""
        raise EmptyText(
            f"no article text left after cleaning ({words} word{'s' if words != 1 else ''}{removed})",
            locator=item.locator,
        )

    html, front = signals.html, signals.front or {}
    meta: dict[str, Any] = {}
    url = item.url or _first(front, _FRONT_URL)
    canonical = html.canonical_url if html is not None else None
    # An "Originally published at https://…" line gives the article's URL, and so its domain and URL date.
    page_url = url or canonical or trimmed.origin_url
    published, date_signals = _given_or_markup_date(item, html, front, meta)
    notice = _copyright(text, trimmed)
    year_hint = (notice.year, notice.evidence) if notice is not None and notice.year is not None else None
    text_meta = read_text_metadata(
        text, page_url, reference=_reference_day(published, date_signals), year_hint=year_hint
    )
    if published is None:
        published = _pick_date(date_signals, text_meta)
    outlet, outlet_via = _outlet(item, html, front, text_meta, trimmed, notice, page_url)
    meta.update(_provenance(html, front, text_meta, trimmed, notice, date_signals))
    lang, lang_score = _language(item)
    return Document(
        id=make_id("doc", normalize_for_hash(text)),
        text=text,
        locator=item.locator,
        title=item.title or (html.title if html else None) or _first(front, _FRONT_TITLE) or text_meta.title,
        url=page_url,
        canonical_url=canonical,
        original_id=item.original_id,
        outlet=outlet,
        outlet_via=outlet_via,
        domain=domain_from_url(page_url) if page_url else None,
        author=(html.author if html else None) or _first(front, _FRONT_AUTHOR),
        published=published,
        lang=lang,
        lang_score=lang_score,
        kind=item.kind,
        trims=trimmed.trims,
        meta=meta,
    )


def _copyright(text: str, trimmed: TrimResult) -> Copyright | None:
    """The copyright notice at the end of the item: in its last kept lines or its trimmed tail."""
    last = [line for line in text.splitlines() if line.strip()][-_COPYRIGHT_LAST_LINES:]
    return find_copyright([*last, *(t.text for t in trimmed.trims if t.position == "tail")])


def _provenance(
    html: HtmlExtract | None,
    front: dict[str, str],
    text_meta: TextMetadata,
    trimmed: TrimResult,
    notice: Copyright | None,
    date_signals: list[PublishedDate],
) -> dict[str, Any]:
    """What the content said beyond the Document's fields, JSON-ready, so disagreements stay visible."""
    meta: dict[str, Any] = {}
    if html is not None:
        for key, value in (
            ("description", html.description),
            ("categories", html.categories),
            ("tags", html.tags),
            ("html_lang", html.lang),
            ("sitename", html.sitename),
        ):
            if value:
                meta[key] = value
    if front:
        meta["front_matter"] = dict(front)
    if text_meta.dateline is not None:
        meta["dateline"] = text_meta.dateline.evidence
        meta["dateline_place"] = text_meta.dateline.place
        if text_meta.dateline.outlet:
            meta["dateline_outlet"] = text_meta.dateline.outlet
    if trimmed.source_line:
        meta["source_line"] = trimmed.source_line
    if trimmed.masthead:
        meta["masthead"] = trimmed.masthead
    if notice is not None:
        meta["copyright"] = notice.evidence
    if trimmed.origin_url:
        meta["origin_url"] = trimmed.origin_url
    if trimmed.credited_origin:
        # A syndicated copy's credit ("first published by the Tesra Courier"): the copy's origin, not its outlet.
        meta["credited_origin"] = trimmed.credited_origin
    found = [*date_signals, *(d for d in (text_meta.published, text_meta.url_date) if d is not None)]
    if found:
        meta["date_signals"] = [
            {"via": str(d.via), "value": d.value, "precision": d.precision, "evidence": d.evidence}
            for d in dict.fromkeys(found)
        ]
    return meta


def _read_content(item: RawItem, content: str) -> _Signals:
    if item.kind == "html":
        extract = extract_html(content, url=item.url, locator=item.locator)
        return _Signals(text=extract.text, html=extract)
    if item.kind == "markdown":
        converted = markdown_to_text(content)
        if converted.footer_offset is None:
            return _Signals(text=converted.text, front=converted.front_matter)
        return _Signals(text=converted.above_footer, front=converted.front_matter, footer=converted.footer)
    if item.kind == "text":
        return _Signals(text=content)
    raise UnsupportedInput(
        f"cannot clean an item of kind {item.kind!r}",
        locator=item.locator,
        hint="kinds: html, text, markdown",
    )


def _from_feed(item: RawItem, field_via: str | None) -> bool:
    """Whether a field the item carries came from a feed rather than from the user.

    ``meta["via"]`` says who set the outlet ("user" when ``--outlet`` filled it in for a feed item); items
    read from a feed carry ``meta["feed"]``.
    """
    if field_via is not None:
        return field_via == "feed"
    return item.published_via == DateVia.FEED or "feed" in item.meta


def _given_or_markup_date(
    item: RawItem, html: HtmlExtract | None, front: dict[str, str], meta: dict[str, Any]
) -> tuple[PublishedDate | None, list[PublishedDate]]:
    """The given or markup date when there is one, and every date signal above the text's own."""
    signals: list[PublishedDate] = []
    given: PublishedDate | None = None
    if item.published:
        parsed = parse_date_string(item.published)
        if parsed is None:
            # A date we cannot read is kept for the user to see; the other signals still date the item.
            meta["published_raw"] = item.published
        else:
            via = item.published_via or (DateVia.FEED if _from_feed(item, item.meta.get("via")) else DateVia.USER)
            given = PublishedDate(parsed[0], via, evidence=item.published, precision=parsed[1])
            signals.append(given)
    if html is not None and html.published is not None:
        signals.append(html.published)
    front_date = _first(front, _FRONT_DATE)
    if front_date and (parsed := parse_date_string(front_date)) is not None:
        signals.append(PublishedDate(parsed[0], DateVia.METADATA, evidence=f"date: {front_date}", precision=parsed[1]))
    if given is not None:
        return given, signals
    best = next((d for d in signals if d.via == DateVia.METADATA), None)
    return best, signals


def _pick_date(signals: list[PublishedDate], text_meta: TextMetadata) -> PublishedDate | None:
    """Without a given or markup date: dateline, then URL, then a byline in the text or page."""
    from_text = text_meta.published
    if from_text is not None and from_text.via == DateVia.DATELINE:
        return from_text
    text_dates = [d for d in signals if d.via == DateVia.TEXT]
    if from_text is not None and from_text.via == DateVia.TEXT:
        text_dates.append(from_text)
    url_date = text_meta.url_date
    if url_date is not None:
        # A month from the URL and a day in that month from the byline agree: keep the more precise one.
        for candidate in text_dates:
            if url_date.precision == "month" and candidate.value.startswith(url_date.value):
                return candidate
        return url_date
    return text_dates[0] if text_dates else None


def _reference_day(published: PublishedDate | None, signals: list[PublishedDate]) -> date | None:
    """A known date of the item, to give a year-less dateline its year; never today's date."""
    for candidate in (published, *signals):
        if candidate is not None and candidate.precision in ("day", "minute"):
            try:
                return date.fromisoformat(candidate.value[:10])
            except ValueError:
                continue
    return None


def _outlet(
    item: RawItem,
    html: HtmlExtract | None,
    front: dict[str, str],
    text_meta: TextMetadata,
    trimmed: TrimResult,
    notice: Copyright | None,
    url: str | None,
) -> tuple[str | None, OutletVia | None]:
    if item.outlet:
        return item.outlet, OutletVia.FEED if _from_feed(item, item.meta.get("via")) else OutletVia.USER
    if html is not None and html.sitename:
        return html.sitename, OutletVia.METADATA
    if front_outlet := _first(front, _FRONT_OUTLET):
        return front_outlet, OutletVia.METADATA
    # A "Source:" footer names who put out this copy; a dateline's wire may be only where the copy came
    # from, and stays in meta["dateline_outlet"] for the independence count.
    if trimmed.source_line:
        return trimmed.source_line, OutletVia.SOURCE_LINE
    if trimmed.masthead:
        return trimmed.masthead, OutletVia.MASTHEAD
    if text_meta.dateline is not None and text_meta.dateline.outlet:
        return text_meta.dateline.outlet, OutletVia.DATELINE
    if notice is not None and notice.outlet:
        return notice.outlet, OutletVia.COPYRIGHT
    domain = domain_from_url(url) if url else None
    if domain:
        return domain, OutletVia.URL
    return None, None


def _language(item: RawItem) -> tuple[str | None, float | None]:
    """The language the input itself gave; detection is the pipeline's `clean.language.*` component."""
    if item.lang:
        given = item.lang.strip()
        primary = re.split(r"[-_]", given)[0].lower()
        return (primary if re.fullmatch(r"[a-z]{2,3}", primary) else given), None
    return None, None


def _first(fields: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if fields.get(key):
            return fields[key]
    return None
