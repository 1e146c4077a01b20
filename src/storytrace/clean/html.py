"""HTML pages to main text and metadata with trafilatura; dates only from real markup or a visible byline."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import trafilatura
from trafilatura.settings import Document as TrafilaturaDocument
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from storytrace.clean.dates import parse_date_string, search_date
from storytrace.errors import NoMainText
from storytrace.model import DateVia, PublishedDate

__all__ = ["HtmlExtract", "extract_html"]

MIN_BODY_WORDS = 5

# Publication-date meta tags, most specific first. Modification dates are deliberately absent.
_DATE_META = (
    ("property", "article:published_time"),
    ("property", "og:published_time"),
    ("property", "og:article:published_time"),
    ("itemprop", "datePublished"),
    ("name", "article:published_time"),
    ("name", "parsely-pub-date"),
    ("name", "sailthru.date"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "publish-date"),
    ("name", "publish_date"),
    ("name", "dc.date.issued"),
    ("name", "dcterms.issued"),
    ("name", "dcterms.created"),
    ("name", "dc.date"),
    ("name", "date"),
)
_AUTHOR_META = ("author", "article:author", "byl", "sailthru.author", "parsely-author", "dc.creator")
_ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "blogposting"}
# Dates and bylines inside these belong to comments, teasers or the page frame, not to the article.
_NOT_ARTICLE = (
    "ancestor::aside or ancestor::footer or ancestor::nav or ancestor::script or ancestor::style "
    "or ancestor::noscript or ancestor::template "
    "or ancestor::*[contains(@class, 'comment') or contains(@id, 'comment') "
    "or contains(@class, 'related') or contains(@class, 'sidebar')]"
)
_VISIBLE_DATE = re.compile(
    r"(?i)\b(?P<kind>first published|published|posted|last updated|updated)(?:\s+(?:on|at))?\s*:?\s*"
)
# An element whose class says it holds the publication date ("pubdate", "post-date", "entry-date").
_LOWER = "translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
_DATE_CLASS = (
    f"//body//*[contains({_LOWER}, 'date') or contains({_LOWER}, 'published')]"
    f"[not(contains({_LOWER}, 'updat') or contains({_LOWER}, 'modif') or contains({_LOWER}, 'edit'))]"
)
_BLANK_RUN = re.compile(r"\n{3,}")
# An lxml.html.HtmlElement; lxml ships no type stubs.
HtmlElement = Any


@dataclass(slots=True)
class HtmlExtract:
    """The main text of a page (paragraphs separated by a blank line) and what its markup says about it."""

    text: str
    title: str | None = None
    published: PublishedDate | None = None
    sitename: str | None = None
    author: str | None = None
    canonical_url: str | None = None
    lang: str | None = None
    description: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def extract_html(html: str, *, url: str | None, locator: str) -> HtmlExtract:
    """Extract the article of an HTML page; raise ``NoMainText`` when the page has no body text.

    Comments are never included. Site name and author are kept only when the page declares them in meta
    tags or JSON-LD: without them trafilatura falls back to the ``<title>`` or byline fragments.
    """
    tree = load_html(html) if html.strip() else None
    if tree is None:
        raise NoMainText("this is not an HTML page with any content", locator=locator)
    result = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        # trafilatura's own date comes from htmldate's heuristics, which can take a date from anywhere in
        # the page; we read dates ourselves below. Keep its search cheap since its answer is not used.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if not isinstance(result, TrafilaturaDocument) or result.body is None:
        raise NoMainText("the page has no article text (none could be extracted)", locator=locator)
    text = _render_body(result.body)
    words = len(text.split())
    if words < MIN_BODY_WORDS:
        # trafilatura falls back to whatever text the page has; a handful of words is a menu, not a body.
        raise NoMainText(
            f"the page has no article text (only {words} word{'' if words == 1 else 's'} could be extracted)",
            locator=locator,
        )

    json_ld = list(_json_ld_objects(tree))
    return HtmlExtract(
        text=text,
        title=_clean(result.title),
        published=_markup_date(tree, json_ld) or _visible_date(tree) or _dated_element(tree),
        sitename=_sitename(tree, json_ld),
        author=_clean(result.author) if _declares_author(tree, json_ld) else None,
        canonical_url=_canonical_url(tree, url),
        lang=_page_lang(tree),
        description=_clean(result.description),
        categories=[c for c in (result.categories or []) if c],
        tags=[t for t in (result.tags or []) if t],
    )


def _render_body(body: Any) -> str:
    """One paragraph per block of trafilatura's body (heading, paragraph, list, quote, table)."""
    blocks: list[str] = []
    if body.text and body.text.strip():
        blocks.append(body.text.strip())
    for child in body:
        tail, child.tail = child.tail, None  # a block's tail is loose text of the next block, not its own
        rendered = xmltotxt(child, False).strip()
        if rendered:
            blocks.append(rendered)
        if tail and tail.strip():
            blocks.append(tail.strip())
    return _BLANK_RUN.sub("\n\n", "\n\n".join(blocks))


def _markup_date(tree: HtmlElement, json_ld: list[dict[str, Any]]) -> PublishedDate | None:
    for attribute, key in _DATE_META:
        for element in tree.xpath(
            f"//meta[translate(@{attribute}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
            f"'abcdefghijklmnopqrstuvwxyz')='{key.lower()}']"
        ):
            content = element.get("content") or element.get("datetime") or ""
            found = _published(content, DateVia.METADATA, f'<meta {attribute}="{key}" content="{content}">')
            if found is not None:
                return found
    for item in sorted(json_ld, key=lambda obj: not _is_article(obj)):
        raw = item.get("datePublished")
        if isinstance(raw, str):
            found = _published(raw, DateVia.METADATA, f'JSON-LD "datePublished": "{raw}"')
            if found is not None:
                return found
    for element in tree.xpath(f"//*[@itemprop='datePublished'][not({_NOT_ARTICLE})]"):
        raw = element.get("datetime") or element.get("content") or element.text_content()
        found = _published(raw, DateVia.METADATA, f'itemprop="datePublished" {raw.strip()!r}')
        if found is not None:
            return found
    # A <time> marked as the publication time first, then the first <time> of the article's own markup.
    for xpath in (
        f"//time[@pubdate or contains(@class, 'publish')][@datetime][not({_NOT_ARTICLE})]",
        f"//time[@datetime][not({_NOT_ARTICLE})]",
    ):
        for element in tree.xpath(xpath):
            raw = element.get("datetime", "")
            found = _published(raw, DateVia.METADATA, f'<time datetime="{raw}">')
            if found is not None:
                return found
    return None


def _visible_date(tree: HtmlElement) -> PublishedDate | None:
    """A visible "Published October 21, 2023" outside comments and sidebars; an update date as last resort."""
    texts = tree.xpath(f"//body//text()[not({_NOT_ARTICLE})]")
    visible = " ".join(" ".join(str(t).split()) for t in texts if str(t).strip())
    updated: PublishedDate | None = None
    for marker in _VISIBLE_DATE.finditer(visible):
        window = visible[marker.end() : marker.end() + 60]
        found = search_date(window)
        if found is None or found.start > 0:
            continue
        evidence = visible[marker.start() : marker.end() + found.end]
        date = PublishedDate(found.value, DateVia.TEXT, evidence=evidence, precision=found.precision)
        if "updated" in marker["kind"].lower():
            updated = updated or date
            continue
        return date
    return updated


def _dated_element(tree: HtmlElement) -> PublishedDate | None:
    """A visible byline date without a "Published" label: ``<span class="pubdate">Saturday 15 March 2025</span>``.

    Only an element of the article's own markup whose class names a date and whose whole text is one
    date; an update or modification date is never taken for the publication date.
    """
    for element in tree.xpath(f"{_DATE_CLASS}[not({_NOT_ARTICLE})]"):
        raw = " ".join(element.text_content().split())
        parsed = parse_date_string(raw) if raw else None
        if parsed is None or parsed[1] not in ("day", "minute"):
            continue
        tag, css = element.tag, " ".join(str(element.get("class", "")).split())
        return PublishedDate(
            parsed[0], DateVia.TEXT, evidence=f'<{tag} class="{css}">{raw}</{tag}>', precision=parsed[1]
        )
    return None


def _published(raw: str, via: DateVia, evidence: str) -> PublishedDate | None:
    parsed = parse_date_string(raw.strip())
    if parsed is None or parsed[1] == "year":
        return None
    return PublishedDate(parsed[0], via, evidence=evidence, precision=parsed[1])


def _json_ld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text_content())
        except (ValueError, TypeError):
            continue  # broken JSON-LD is common; the page is still readable
        yield from _walk_json_ld(data)


def _walk_json_ld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk_json_ld(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _walk_json_ld(data["@graph"])


def _is_article(obj: dict[str, Any]) -> bool:
    kinds = obj.get("@type", [])
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(kind, str) and kind.lower() in _ARTICLE_TYPES for kind in kinds)


def _sitename(tree: HtmlElement, json_ld: list[dict[str, Any]]) -> str | None:
    for xpath in ("//meta[@property='og:site_name']/@content", "//meta[@name='application-name']/@content"):
        for value in tree.xpath(xpath):
            if cleaned := _clean(str(value)):
                return cleaned
    for item in json_ld:
        publisher = item.get("publisher")
        if _is_article(item) and isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            return _clean(publisher["name"])
    return None


def _declares_author(tree: HtmlElement, json_ld: list[dict[str, Any]]) -> bool:
    names = " or ".join(
        f"translate(@name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')='{n}'" for n in _AUTHOR_META
    )
    if tree.xpath(f"//meta[{names} or @property='article:author'][@content]"):
        return True
    if tree.xpath("//*[@rel='author' or @itemprop='author']"):
        return True
    return any(_is_article(item) and item.get("author") for item in json_ld)


def _canonical_url(tree: HtmlElement, url: str | None) -> str | None:
    for xpath in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"):
        for value in tree.xpath(xpath):
            href = str(value).strip()
            if href:
                return urljoin(url, href) if url else href
    return None


def _page_lang(tree: HtmlElement) -> str | None:
    candidates = [
        *tree.xpath("/html/@lang"),
        *tree.xpath("/html/@*[name()='xml:lang']"),  # the HTML parser keeps the prefix in the name
        *tree.xpath("//meta[translate(@http-equiv, 'CONTELAGU', 'contelagu')='content-language']/@content"),
        *tree.xpath("//meta[@property='og:locale']/@content"),
    ]
    for value in candidates:
        primary = re.split(r"[-_,\s]", str(value).strip())[0].lower()
        if re.fullmatch(r"[a-z]{2,3}", primary):
            return primary
    return None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(value.split())
    return cleaned or None
