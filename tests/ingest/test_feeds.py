"""Tests of feed parsing (RSS 2.0, Atom 1.0, RDF) and of fetching a feed's items from a loopback server."""

from __future__ import annotations

from dataclasses import replace

import pytest

from storytrace.errors import FetchError, MalformedFeed
from storytrace.ingest.feeds import FeedItem, feed_item_to_raw, iter_feed_items, parse_feed
from storytrace.ingest.web import Fetched, Fetcher, FetchOptions
from storytrace.model import DateVia, RawItem
from tests.httpserver import LocalServer, local_server_fixture, redirect  # noqa: F401

FEED_URL = "http://feeds.test/world/rss.xml"

# Synthetic reports: invented outlets, places and people.
LONG_TEXT = (
    "Officials in Harbal said on Thursday that the trade office would reopen next week after a month of "
    "talks between the two delegations, according to a statement read to reporters outside the ministry. "
    "A spokesman for the opposition bloc said the decision had been taken without consulting parliament."
)
assert len(LONG_TEXT.split()) >= 40

RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Meridian  Wire</title>
  <link>http://feeds.test/</link>
  <language>en-gb</language>
  <item>
    <title>Trade office to reopen in Harbal &amp; Qasra</title>
    <link>/world/trade-office</link>
    <guid isPermaLink="false">mw-2024-0314-1</guid>
    <pubDate>Thu, 14 Mar 2024 09:30:00 +0300</pubDate>
    <dc:creator>Jane Roe</dc:creator>
    <description>&lt;p&gt;The office reopens.&lt;/p&gt;&lt;p&gt;Talks &amp;amp; more.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>{LONG_TEXT}</p><script>track()</script>]]></content:encoded>
  </item>
  <item>
    <title>Undated brief</title>
    <link>http://feeds.test/world/brief</link>
  </item>
</channel>
</rss>
""".encode()

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Harbal Herald</title>
  <link href="http://herald.test/"/>
  <id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id>
  <updated>2024-03-15T12:00:00Z</updated>
  <entry>
    <title type="html">Delegation &lt;em&gt;arrives&lt;/em&gt;</title>
    <link rel="alternate" href="http://herald.test/2024/03/delegation"/>
    <id>tag:herald.test,2024:delegation</id>
    <published>2024-03-14T22:15:00-05:00</published>
    <updated>2024-03-15T08:00:00Z</updated>
    <author><name>Omar Said</name></author>
    <summary>A delegation arrived.</summary>
    <content type="html">&lt;p&gt;The delegation arrived late.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Statement</title>
    <link href="http://herald.test/2024/03/statement"/>
    <id>tag:herald.test,2024:statement</id>
    <updated>2024-03-15T10:00:00Z</updated>
    <content type="text">First paragraph &lt;not a tag&gt;.

Second paragraph.</content>
  </entry>
</feed>
"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://qasra.test/">
    <title>Qasra Daily</title>
    <link>http://qasra.test/</link>
    <description>News from Qasra</description>
    <items><rdf:Seq><rdf:li resource="http://qasra.test/a/1"/></rdf:Seq></items>
  </channel>
  <item rdf:about="http://qasra.test/a/1">
    <title>Ceasefire holds</title>
    <link>http://qasra.test/a/1</link>
    <description>The ceasefire held overnight.</description>
    <dc:date>2024-03-14T09:30:00Z</dc:date>
    <dc:creator>Lina Haddad</dc:creator>
  </item>
</rdf:RDF>
"""


def test_parse_rss2() -> None:
    feed = parse_feed(RSS, url=FEED_URL, locator=FEED_URL)
    assert (feed.title, feed.link, feed.language, feed.url) == (
        "Meridian Wire",
        "http://feeds.test/",
        "en-gb",
        FEED_URL,
    )
    first, second = feed.items
    assert first == FeedItem(
        link="http://feeds.test/world/trade-office",  # relative link resolved against the feed URL
        guid="mw-2024-0314-1",
        title="Trade office to reopen in Harbal & Qasra",
        published="2024-03-14T06:30:00+00:00",  # +0300 turned into UTC
        date_field="published",
        author="Jane Roe",
        summary="The office reopens.\n\nTalks & more.",
        content=f"<p>{LONG_TEXT}</p>",  # feedparser's sanitiser dropped the script
        feed_title="Meridian Wire",
        feed_url=FEED_URL,
        language="en-gb",
    )
    assert (second.title, second.published, second.guid, second.content) == (
        "Undated brief",
        None,
        None,
        None,
    )


def test_parse_atom1() -> None:
    feed = parse_feed(ATOM, url="http://herald.test/atom", locator="herald.atom")
    assert (feed.title, feed.link) == ("Harbal Herald", "http://herald.test/")
    first, second = feed.items
    assert first.title == "Delegation arrives"
    assert first.link == "http://herald.test/2024/03/delegation"
    assert first.guid == "tag:herald.test,2024:delegation"
    assert (first.published, first.date_field) == ("2024-03-15T03:15:00+00:00", "published")
    assert first.author == "Omar Said"
    assert first.summary == "A delegation arrived."
    assert first.content == "<p>The delegation arrived late.</p>"
    # No <published>: the <updated> date stands in, and says so.
    assert (second.published, second.date_field) == ("2024-03-15T10:00:00+00:00", "updated")
    # Text content is escaped into paragraphs, so it is still honest HTML.
    assert second.content == "<p>First paragraph &lt;not a tag&gt;.</p>\n<p>Second paragraph.</p>"


def test_parse_rdf() -> None:
    feed = parse_feed(RDF, url="http://qasra.test/index.rdf", locator="qasra")
    assert feed.title == "Qasra Daily"
    (item,) = feed.items
    assert item.link == "http://qasra.test/a/1"
    assert item.guid == "http://qasra.test/a/1"  # rdf:about
    assert item.published == "2024-03-14T09:30:00+00:00"
    assert item.author == "Lina Haddad"
    assert item.summary == "The ceasefire held overnight."


def test_parse_feed_accepts_a_broken_feed_that_yields_entries() -> None:
    broken = RSS.replace(b"</channel>\n</rss>\n", b"<item><title>cut off")  # truncated download
    feed = parse_feed(broken, url=FEED_URL, locator=FEED_URL)
    assert feed.title == "Meridian Wire"
    assert len(feed.items) >= 2


def test_parse_feed_accepts_an_empty_channel() -> None:
    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    feed = parse_feed(empty, url=None, locator="quiet.xml")
    assert (feed.title, feed.items) == ("Quiet", [])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"<<<>>> not a feed",
            "could not parse the feed: not well-formed (invalid token) at line 1, column 2",
        ),
        (
            b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>x<br></p></body></html>",
            "mismatched tag",
        ),
        (
            b'<?xml version="1.0"?><urlset><url><loc>http://a.test/</loc></url></urlset>',
            "not an RSS, Atom or RDF feed",
        ),
        (b"", "could not parse the feed: the document is empty"),
        # Bytes that name a file must never be opened as one (feedparser would, given bare bytes).
        (b"/etc/hostname", "could not parse the feed"),
    ],
    ids=["garbage", "html-page", "sitemap", "empty", "file-name"],
)
def test_parse_feed_malformed(content: bytes, message: str) -> None:
    with pytest.raises(MalformedFeed) as caught:
        parse_feed(content, url="http://h.test/feed", locator="http://h.test/feed")
    error = caught.value
    assert error.code == "ST109"
    assert error.locator == "http://h.test/feed"
    assert message in error.message
    assert "check that the URL or file is an RSS or Atom feed" in error.hint
    assert str(error).startswith("http://h.test/feed: could not parse the feed")


def item() -> FeedItem:
    return parse_feed(RSS, url=FEED_URL, locator=FEED_URL).items[0]


def test_feed_item_to_raw_uses_the_fetched_page() -> None:
    page = Fetched(
        url="http://feeds.test/world/trade-office",
        final_url="https://feeds.test/world/trade-office",
        status=200,
        content_type="text/html",
        charset="windows-1256",
        content=b"<html><body><p>page</p></body></html>",
        headers={},
        elapsed_s=0.1,
    )
    raw = feed_item_to_raw(item(), page=page, locator="loc")
    assert raw == RawItem(
        locator="loc",
        content=page.content,
        kind="html",
        url="https://feeds.test/world/trade-office",
        original_id="mw-2024-0314-1",
        outlet="Meridian Wire",
        title="Trade office to reopen in Harbal & Qasra",
        published="2024-03-14T06:30:00+00:00",
        published_via=DateVia.FEED,
        lang="en-gb",
        encoding="windows-1256",
        meta={
            "feed": FEED_URL,
            "author": "Jane Roe",
            "feed_date_field": "published",
            "feed_summary": "The office reopens.\n\nTalks & more.",
            "text_from": "page",
            "link": "http://feeds.test/world/trade-office",
        },
    )


def test_feed_item_to_raw_falls_back_to_the_feed_text() -> None:
    raw = feed_item_to_raw(item(), page=None, locator="loc")
    assert (raw.kind, raw.content, raw.url) == (
        "html",
        f"<p>{LONG_TEXT}</p>",
        "http://feeds.test/world/trade-office",
    )
    assert raw.meta["text_from"] == "feed"
    assert raw.encoding is None
    summary_only = FeedItem(title="t", summary="One & two.\n\nThree.")
    raw = feed_item_to_raw(summary_only, page=None, locator="loc")
    assert raw.content == "<p>One &amp; two.</p>\n<p>Three.</p>"
    assert (raw.published, raw.published_via) == (None, None)  # never a date the feed did not give


def test_feed_item_to_raw_ignores_a_page_that_is_not_an_article() -> None:
    feed_page = Fetched("u", "u", 200, "application/rss+xml", None, b"<rss/>", {}, 0.0)
    raw = feed_item_to_raw(item(), page=feed_page, locator="loc")
    assert raw.meta["text_from"] == "feed"
    assert raw.meta["page_kind"] == "feed"


# --- Fetching a feed and its items -----------------------------------------------------------------------

FAST = FetchOptions(politeness_delay=0.0, deadline=3.0, retry_wait_default=0.0, trust_env=False)


def rss_linking(server: LocalServer, items: list[tuple[str, str]]) -> bytes:
    """An RSS feed whose items (path, description) link to pages on the loopback server."""
    entries = "".join(
        f"<item><title>{path}</title><link>{server.url(path)}</link><guid>urn:test:{path}</guid>"
        f"<pubDate>Fri, 15 Mar 2024 08:00:00 GMT</pubDate><description>{text}</description></item>"
        for path, text in items
    )
    return f'<rss version="2.0"><channel><title>Loopback News</title>{entries}</channel></rss>'.encode()


def test_iter_feed_items_fetches_pages_and_survives_a_dead_link(local_server: LocalServer) -> None:
    feed = rss_linking(
        local_server,
        [
            ("/news/a", "Short teaser."),
            ("/news/b", LONG_TEXT),  # dead link, but the feed carries the article
            ("/news/c", "Short teaser."),
            ("/news/d", "Short teaser."),  # dead link and only a teaser: just the error
        ],
    )
    feed_url = local_server.route("/feed.xml", feed, headers={"Content-Type": "application/rss+xml"})
    html = {"Content-Type": "text/html; charset=utf-8"}
    local_server.route("/news/a", b"<html><body><p>Article A</p></body></html>", headers=html)
    local_server.route("/news/b", b"gone", status=404)
    local_server.route_handler("/news/c", redirect("/news/c-final", 301))
    local_server.route("/news/c-final", b"<html><body><p>Article C</p></body></html>", headers=html)

    with Fetcher(FAST) as fetcher:
        results = list(iter_feed_items(feed_url, fetcher))

    kinds = [type(r).__name__ for r in results]
    assert kinds == ["RawItem", "FetchError", "RawItem", "RawItem", "FetchError"]
    a, b_error, b_from_feed, c, d_error = results
    assert isinstance(a, RawItem) and isinstance(b_from_feed, RawItem) and isinstance(c, RawItem)
    assert isinstance(b_error, FetchError) and isinstance(d_error, FetchError)

    assert a.content == b"<html><body><p>Article A</p></body></html>"
    assert (a.url, a.encoding, a.outlet, a.original_id) == (
        local_server.url("/news/a"),
        "utf-8",
        "Loopback News",
        "urn:test:/news/a",
    )
    assert (a.published, a.published_via) == ("2024-03-15T08:00:00+00:00", DateVia.FEED)
    assert a.meta["feed"] == feed_url and a.meta["text_from"] == "page"

    assert (b_error.code, b_error.status, b_error.locator) == ("ST203", 404, local_server.url("/news/b"))
    assert b_from_feed.meta["text_from"] == "feed"
    assert b_from_feed.content == f"<p>{LONG_TEXT}</p>"
    assert b_from_feed.locator == local_server.url("/news/b")

    assert c.url == local_server.url("/news/c-final")
    assert c.meta["link"] == local_server.url("/news/c")
    assert d_error.locator == local_server.url("/news/d")
    assert [r.path for r in local_server.requests] == [
        "/feed.xml",
        "/news/a",
        "/news/b",
        "/news/c",
        "/news/c-final",
        "/news/d",
    ]


def test_iter_feed_items_raises_for_the_feed_itself_at_the_call(local_server: LocalServer) -> None:
    missing = local_server.url("/missing.xml")
    broken = local_server.route("/broken.xml", b"<<<>>>", headers={"Content-Type": "application/rss+xml"})
    with Fetcher(FAST) as fetcher:
        with pytest.raises(FetchError) as fetch_failure:
            iter_feed_items(missing, fetcher)  # not iterated: the error comes at the call
        with pytest.raises(MalformedFeed) as parse_failure:
            iter_feed_items(broken, fetcher)
    assert fetch_failure.value.code == "ST203" and fetch_failure.value.locator == missing
    assert parse_failure.value.locator == broken
    assert "not well-formed" in parse_failure.value.message


@pytest.mark.parametrize(
    ("head", "hint"),
    [
        (
            '<link rel="alternate" type="application/rss+xml" href="/feeds/world.xml">',
            "the page names its feed: ",
        ),
        ("", "give the address of the site's RSS or Atom feed"),
    ],
    ids=["announced-feed", "no-feed"],
)
def test_iter_feed_items_given_a_web_page(local_server: LocalServer, head: str, hint: str) -> None:
    page = f"<!DOCTYPE html><html><head><title>Home</title>{head}</head><body><p>Hi</p></body></html>"
    url = local_server.route("/", page, headers={"Content-Type": "text/html"})
    with Fetcher(FAST) as fetcher, pytest.raises(MalformedFeed) as caught:
        iter_feed_items(url, fetcher)
    error = caught.value
    assert (error.code, error.locator, error.message) == (
        "ST109",
        url,
        "the URL serves an HTML page, not a feed",
    )
    assert hint in error.hint
    if head:
        assert error.hint.endswith(local_server.url("/feeds/world.xml"))


def test_iter_feed_items_not_modified_yields_nothing(local_server: LocalServer) -> None:
    url = local_server.route("/feed.xml", b"", status=304)
    with Fetcher(replace(FAST, headers={"If-None-Match": '"v7"'})) as fetcher:
        assert list(iter_feed_items(url, fetcher)) == []
