from pathlib import Path

import pytest

from storytrace.clean.html import extract_html
from storytrace.errors import NoMainText
from storytrace.model import DateVia, PublishedDate

FIXTURES = Path(__file__).parent / "fixtures"
URL = "https://www.valleycourier.example/news/harbal-port-reopens"

ARTICLE = """<p>The town council voted on Thursday to rebuild the stone bridge over the Amber river.</p>
<p>The vote passed by nine to four, and work is expected to start next summer.</p>"""


def page(head: str = "", body: str = ARTICLE) -> str:
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


@pytest.fixture(scope="module")
def with_meta() -> str:
    return (FIXTURES / "article_with_meta.html").read_text(encoding="utf-8")


def test_extract_html_keeps_paragraphs_and_headings_as_paragraphs(with_meta: str) -> None:
    extract = extract_html(with_meta, url=URL, locator="page.html")

    paragraphs = extract.text.split("\n\n")
    assert len(paragraphs) == 9
    assert paragraphs[0] == "Harbal port reopens after floods"
    assert paragraphs[3] == "A costly closure"
    assert paragraphs[-1] == "The agency did not say when the southern quay, which was hit hardest, would reopen."
    assert all(p.strip() == p and p for p in paragraphs)


@pytest.mark.parametrize(
    "leak",
    [
        "cookies",
        "Search",
        "Share on",
        "Tags:",
        "Related articles",
        "Most popular",
        "Advertisement",
        "Great reporting",
        "Finally some good news",
        "Reply",
        "Please enter your comment",
        "All rights reserved",
        "Lina Farouk",
    ],
)
def test_extract_html_leaves_out_page_furniture_and_comments(with_meta: str, leak: str) -> None:
    assert leak not in extract_html(with_meta, url=URL, locator="page.html").text


def test_extract_html_reads_the_metadata_of_a_page_with_meta_tags(with_meta: str) -> None:
    extract = extract_html(with_meta, url=URL, locator="page.html")

    assert extract.title == "Harbal port reopens after floods"
    assert extract.published == PublishedDate(
        "2025-03-14T08:30:00+03:00",
        DateVia.METADATA,
        evidence='<meta property="article:published_time" content="2025-03-14T08:30:00+03:00">',
        precision="minute",
    )
    assert extract.sitename == "The Valley Courier"
    assert extract.author == "Lina Farouk"
    assert extract.canonical_url == URL
    assert extract.lang == "en"
    assert extract.description == "The river port closed for six weeks reopens to cargo."
    assert extract.tags == ["Harbal", "Floods"]


def test_extract_html_page_without_meta_dates_from_the_visible_byline() -> None:
    html = (FIXTURES / "article_no_meta.html").read_text(encoding="utf-8")

    extract = extract_html(html, url=None, locator="bridge.html")

    assert extract.title == "Council votes to rebuild the old bridge"
    assert extract.published == PublishedDate(
        "2023-10-21", DateVia.TEXT, evidence="Published October 21, 2023", precision="day"
    )
    # Without meta tags trafilatura's site name is the <title> and its author a byline fragment.
    assert extract.sitename is None
    assert extract.author is None
    assert extract.canonical_url is None
    assert "- Cost: 12 million\n- Length: 80 metres" in extract.text


@pytest.mark.parametrize(
    ("head", "body", "value", "evidence"),
    [
        (
            '<meta name="pubdate" content="2024-06-12">',
            ARTICLE,
            "2024-06-12",
            '<meta name="pubdate" content="2024-06-12">',
        ),
        (
            '<script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "Courier"}, '
            '{"@type": "NewsArticle", "datePublished": "2024-06-12T10:00:00Z"}]}</script>',
            ARTICLE,
            "2024-06-12T10:00:00+00:00",
            'JSON-LD "datePublished": "2024-06-12T10:00:00Z"',
        ),
        (
            "",
            '<p class="byline"><time datetime="2024-06-12">12 June</time></p>' + ARTICLE,
            "2024-06-12",
            '<time datetime="2024-06-12">',
        ),
        (
            '<meta property="article:modified_time" content="2024-07-01">',
            '<span itemprop="datePublished" content="2024-06-12">June 12</span>' + ARTICLE,
            "2024-06-12",
            "itemprop=\"datePublished\" 'June 12'",
        ),
    ],
)
def test_extract_html_reads_the_date_from_markup(head: str, body: str, value: str, evidence: str) -> None:
    published = extract_html(page(head, body), url=None, locator="p.html").published

    assert published is not None
    assert (published.value, published.via) == (value, DateVia.METADATA)
    assert published.evidence.startswith(evidence[:20])


@pytest.mark.parametrize(
    "body",
    [
        ARTICLE,  # no date at all: never today's date
        ARTICLE + "<p>The last vote, on March 2, 2024, was just as close.</p>",  # a date in the body is an event
        ARTICLE + '<div class="comments"><p>Posted on June 20, 2024 by Omar</p><p>Good.</p></div>',
        ARTICLE + '<aside><time datetime="2024-06-20">June 20</time> Bridge closed</aside>',
        '<script type="application/ld+json">{broken json</script>' + ARTICLE,
    ],
)
def test_extract_html_invents_no_date(body: str) -> None:
    assert extract_html(page("<title>Bridge vote</title>", body), url=None, locator="p.html").published is None


def test_extract_html_prefers_publication_over_update_in_the_byline() -> None:
    body = "<p>Updated June 20, 2024 · Published June 12, 2024</p>" + ARTICLE

    published = extract_html(page("", body), url=None, locator="p.html").published

    assert published == PublishedDate("2024-06-12", DateVia.TEXT, "Published June 12, 2024", "day")


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("", "p.html: this is not an HTML page with any content"),
        ("   \n", "p.html: this is not an HTML page with any content"),
        (
            "<html><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav></body></html>",
            "p.html: the page has no article text (only 2 words could be extracted)",
        ),
        (
            "<html><head><title>Loading</title></head><body><script>app()</script></body></html>",
            "p.html: the page",
        ),
    ],
)
def test_extract_html_page_without_body_raises_no_main_text(html: str, message: str) -> None:
    with pytest.raises(NoMainText) as caught:
        extract_html(html, url=None, locator="p.html")

    assert str(caught.value).startswith(message)
    assert caught.value.locator == "p.html"
    assert caught.value.code == "ST107"


@pytest.mark.parametrize(
    ("html_attrs", "lang"),
    [('lang="en-GB"', "en"), ('lang="AR"', "ar"), ('xml:lang="fr"', "fr"), ("", None)],
)
def test_extract_html_reads_the_page_language(html_attrs: str, lang: str | None) -> None:
    html = f"<html {html_attrs}><body><article>{ARTICLE}</article></body></html>"

    assert extract_html(html, url=None, locator="p.html").lang == lang


def test_extract_html_resolves_a_relative_canonical_url() -> None:
    html = page('<link rel="canonical" href="/news/bridge-vote">')

    extract = extract_html(html, url="https://courier.example/amp/bridge", locator="p.html")

    assert extract.canonical_url == "https://courier.example/news/bridge-vote"


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        (
            '<span class="pubdate">Saturday 15 March 2025</span>',
            PublishedDate("2025-03-15", DateVia.TEXT, '<span class="pubdate">Saturday 15 March 2025</span>', "day"),
        ),
        (
            '<div class="Post-Date">14 June 2024, 10:30 GMT</div>',
            PublishedDate(
                "2024-06-14T10:30:00+00:00",
                DateVia.TEXT,
                '<div class="Post-Date">14 June 2024, 10:30 GMT</div>',
                "minute",
            ),
        ),
        ('<span class="updated-date">15 March 2025</span>', None),  # an update is not the publication
        ('<span class="date">yesterday</span>', None),
        ('<span class="dateline">HARBAL, 15 March 2025</span>', None),  # not a date alone
    ],
)
def test_extract_html_reads_a_visible_date_by_its_class(byline: str, expected: PublishedDate | None) -> None:
    published = extract_html(
        page("", f"<p class='byline'>By Lina Farouk {byline}</p>" + ARTICLE), url=None, locator="p.html"
    ).published

    assert published == expected


def test_extract_html_class_date_in_comments_is_not_the_publication_date() -> None:
    body = ARTICLE + '<div class="comments"><p>Omar <span class="comment-date">20 June 2024</span></p></div>'

    assert extract_html(page("", body), url=None, locator="p.html").published is None
