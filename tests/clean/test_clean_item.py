from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import storytrace.clean
from storytrace.clean import clean_item
from storytrace.errors import EmptyText, NoMainText, UnsupportedInput
from storytrace.model import DateVia, Document, OutletVia, PublishedDate, RawItem, make_id, normalize_for_hash
from storytrace.pipeline import DEFAULT_INGEST_PIPELINE, Pipeline

FIXTURES = Path(__file__).parent / "fixtures"
WIRE_URL = "https://www.meridianwire.example/world/2025/03/harbal-port-reopens"
BODY = (
    "The river port of Harbal reopened to cargo ships on Friday, six weeks after the floods, they said.\n\n"
    "Director Samir Okonedo said two of the four berths were working again and the rest would follow soon."
)


def item(content: str, kind: str = "text", **fields: Any) -> RawItem:
    return RawItem(locator=fields.pop("locator", "story.txt"), content=content, kind=kind, **fields)


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_clean_item_exports_the_public_functions() -> None:
    assert storytrace.clean.__all__ == [
        "clean_item",
        "detect_language",
        "extract_html",
        "parse_date_string",
        "trim_boilerplate",
    ]


def test_clean_item_wire_story_becomes_a_document_with_sourced_metadata() -> None:
    doc = clean_item(item(fixture("wire_story.txt"), url=WIRE_URL))

    assert doc.id == make_id("doc", normalize_for_hash(doc.text))
    assert doc.text.startswith("Harbal port reopens six weeks after floods\n\nHARBAL, March 14 (Meridian Wire) -")
    assert doc.text.endswith("It was not enough, she said.")
    assert doc.title == "Harbal port reopens six weeks after floods"
    assert (doc.outlet, doc.outlet_via) == ("Meridian Wire", OutletVia.SOURCE_LINE)
    assert doc.meta["dateline_outlet"] == "Meridian Wire"
    # The dateline has no year; the URL's month gives it.
    assert doc.published == PublishedDate(
        "2025-03-14", DateVia.DATELINE, evidence="HARBAL, March 14 (Meridian Wire) -", precision="day"
    )
    assert doc.domain == "meridianwire.example"
    assert (doc.lang, doc.kind, doc.url) == (None, "text", WIRE_URL)  # detection is a pipeline component
    assert len(doc.trims) == 14
    assert doc.meta["source_line"] == "Meridian Wire"
    assert doc.meta["date_signals"] == [
        {
            "via": "dateline",
            "value": "2025-03-14",
            "precision": "day",
            "evidence": "HARBAL, March 14 (Meridian Wire) -",
        },
        {"via": "url", "value": "2025-03", "precision": "month", "evidence": "2025/03"},
    ]


def test_clean_item_html_page_takes_markup_metadata() -> None:
    doc = clean_item(item(fixture("article_with_meta.html"), kind="html", locator="page.html"))

    assert doc.kind == "html"
    assert doc.title == "Harbal port reopens after floods"
    assert (doc.outlet, doc.outlet_via) == ("The Valley Courier", OutletVia.METADATA)
    assert doc.published is not None
    assert (doc.published.value, doc.published.via) == ("2025-03-14T08:30:00+03:00", DateVia.METADATA)
    assert doc.url == doc.canonical_url == "https://www.valleycourier.example/news/harbal-port-reopens"
    assert doc.domain == "valleycourier.example"
    assert doc.author == "Lina Farouk"
    assert doc.meta["description"] == "The river port closed for six weeks reopens to cargo."
    assert doc.meta["tags"] == ["Harbal", "Floods"]
    assert "\n\nA costly closure\n\n" in doc.text


def test_clean_item_markdown_uses_front_matter() -> None:
    doc = clean_item(item(fixture("field_notes.md"), kind="markdown", locator="notes.md"))

    assert doc.text.startswith("Field notes: the Harbal quay\n\nThe southern quay is still under water")
    assert "#" not in doc.text
    assert "](" not in doc.text
    assert doc.title == "Field notes: the Harbal quay"
    assert (doc.outlet, doc.outlet_via) == ("Valley Courier Blog", OutletVia.METADATA)
    assert doc.published == PublishedDate("2025-03-16", DateVia.METADATA, evidence="date: 2025-03-16")
    assert doc.author == "Lina Farouk"


@pytest.mark.parametrize(
    ("fields", "published"),
    [
        (
            {"published": "2025-03-15", "published_via": DateVia.USER},
            PublishedDate("2025-03-15", DateVia.USER, evidence="2025-03-15"),
        ),
        (
            {"published": "Sat, 15 Mar 2025 09:00:00 GMT", "published_via": DateVia.FEED},
            PublishedDate(
                "2025-03-15T09:00:00+00:00",
                DateVia.FEED,
                evidence="Sat, 15 Mar 2025 09:00:00 GMT",
                precision="minute",
            ),
        ),
        (
            {"published": "2025-03-15", "meta": {"via": "feed"}},
            PublishedDate("2025-03-15", DateVia.FEED, "2025-03-15"),
        ),
        ({}, PublishedDate("2025-03-14", DateVia.URL, evidence="2025/03/14")),
    ],
)
def test_clean_item_given_date_beats_the_url(fields: dict[str, Any], published: PublishedDate) -> None:
    doc = clean_item(item(BODY, url="https://courier.example/2025/03/14/harbal", **fields))

    assert doc.published == published


def test_clean_item_unreadable_given_date_is_kept_raw_and_other_signals_date_the_item() -> None:
    doc = clean_item(item(BODY, url="https://courier.example/2025/03/14/harbal", published="last Friday"))

    assert doc.meta["published_raw"] == "last Friday"
    assert doc.published == PublishedDate("2025-03-14", DateVia.URL, evidence="2025/03/14")


@pytest.mark.parametrize(
    ("top", "url", "published"),
    [
        # A dateline beats the URL; a byline date only refines a month-precise URL.
        (
            "HARBAL, March 14 (Meridian Wire) - Port news.",
            "https://c.example/2025/03/20/x",
            ("2025-03-14", "dateline"),
        ),
        ("Published March 14, 2025", "https://c.example/2025/03/20/x", ("2025-03-20", "url")),
        ("Published March 14, 2025", "https://c.example/2025/03/x", ("2025-03-14", "text")),
        ("Published March 14, 2025", None, ("2025-03-14", "text")),
        ("June 24, 2024", "https://c.example/2025/03/20/x", ("2024-06-24", "dateline")),
        ("Port news", None, None),
    ],
)
def test_clean_item_date_precedence_in_plain_text(top: str, url: str | None, published: tuple[str, str] | None) -> None:
    doc = clean_item(item(f"Harbal port reopens\n{top}\n\n{BODY}", url=url))

    assert ((doc.published.value, str(doc.published.via)) if doc.published else None) == published


@pytest.mark.parametrize(
    ("fields", "text", "outlet"),
    [
        ({"outlet": "Courier Desk"}, BODY, ("Courier Desk", OutletVia.USER)),
        ({"outlet": "Courier Feed", "published_via": DateVia.FEED}, BODY, ("Courier Feed", OutletVia.FEED)),
        ({"outlet": "Courier Feed", "meta": {"via": "feed"}}, BODY, ("Courier Feed", OutletVia.FEED)),
        ({"outlet": "Courier Feed", "meta": {"feed": "feed.xml"}}, BODY, ("Courier Feed", OutletVia.FEED)),
        (
            {
                "outlet": "Courier Desk",
                "published_via": DateVia.FEED,
                "meta": {"feed": "feed.xml", "via": "user"},
            },
            BODY,
            ("Courier Desk", OutletVia.USER),
        ),
        (
            {},
            f"HARBAL (Meridian Wire) - {BODY}\n\nSource: Amber Times",
            ("Amber Times", OutletVia.SOURCE_LINE),
        ),
        ({}, f"{BODY}\n\nSource: Amber Times", ("Amber Times", OutletVia.SOURCE_LINE)),
        ({}, f"HARBAL (Meridian Wire) - {BODY}", ("Meridian Wire", OutletVia.DATELINE)),
        ({}, BODY, ("courier.example", OutletVia.URL)),
        ({"url": None}, BODY, (None, None)),
    ],
)
def test_clean_item_outlet_precedence(
    fields: dict[str, Any], text: str, outlet: tuple[str | None, OutletVia | None]
) -> None:
    fields = {"url": "https://www.courier.example/harbal", **fields}

    doc = clean_item(item(text, **fields))

    assert (doc.outlet, doc.outlet_via) == outlet


def test_clean_item_given_fields_beat_what_the_content_says() -> None:
    doc = clean_item(
        item(
            fixture("article_with_meta.html"),
            kind="html",
            title="Port reopens (user title)",
            outlet="Courier Desk",
            lang="en-GB",
            original_id="42",
            url="https://mirror.example/p/1",
        )
    )

    assert doc.title == "Port reopens (user title)"
    assert (doc.outlet, doc.outlet_via) == ("Courier Desk", OutletVia.USER)
    assert (doc.lang, doc.lang_score) == ("en", None)
    assert doc.original_id == "42"
    assert (doc.url, doc.domain) == ("https://mirror.example/p/1", "mirror.example")
    assert doc.canonical_url == "https://www.valleycourier.example/news/harbal-port-reopens"


def test_default_pipeline_detects_the_language_when_not_given() -> None:
    text = "Le port fluvial de Harbal a rouvert vendredi aux navires de marchandises, après les crues."

    doc = Pipeline.from_names(DEFAULT_INGEST_PIPELINE)(clean_item(item(text)))

    assert doc.lang == "fr"
    assert doc.lang_score is not None
    assert doc.lang_score > 0.5


def test_clean_item_normalises_line_ends_and_trailing_spaces_but_not_quotes() -> None:
    raw = "Harbal’s port reopens  \r\n\r\n“We had no boats,” said Hana Teller, who sells grain.  \r\n"

    doc = clean_item(item(raw))

    assert doc.text == "Harbal’s port reopens\n\n“We had no boats,” said Hana Teller, who sells grain."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "story.txt: no article text left after cleaning (0 words)"),
        (
            "Share.\nExit mobile version\n",
            "story.txt: no article text left after cleaning (0 words; 2 boilerplate",
        ),
        ("Port reopens on Friday", "story.txt: no article text left after cleaning (4 words)"),
    ],
)
def test_clean_item_without_article_text_raises_empty_text(content: str, message: str) -> None:
    with pytest.raises(EmptyText) as caught:
        clean_item(item(content))

    assert str(caught.value).startswith(message)
    assert caught.value.locator == "story.txt"
    assert caught.value.code == "ST106"


def test_clean_item_html_page_without_body_raises_no_main_text() -> None:
    html = "<html><body><nav><a href='/'>Home</a></nav></body></html>"

    with pytest.raises(NoMainText) as caught:
        clean_item(item(html, kind="html", locator="https://courier.example/x"))

    assert str(caught.value).startswith("https://courier.example/x: the page has no article text")


def test_clean_item_unknown_kind_raises_unsupported_input() -> None:
    with pytest.raises(UnsupportedInput) as caught:
        clean_item(item(BODY, kind="pdf"))

    assert caught.value.message == "cannot clean an item of kind 'pdf'"
    assert caught.value.locator == "story.txt"


def test_clean_item_refuses_undecoded_bytes() -> None:
    with pytest.raises(TypeError, match=r"clean_item needs decoded text; story\.txt holds bytes"):
        clean_item(RawItem(locator="story.txt", content=BODY.encode(), kind="text"))


_WORDS = st.sampled_from(
    [
        "Harbal",
        "port",
        "reopened",
        "on",
        "Friday,",
        "officials",
        "said.",
        "Share.",
        "\n",
        "\n\n",
        "  ",
        "“quay”",
    ]
)


@settings(max_examples=50, deadline=None)
@given(st.lists(_WORDS, min_size=12, max_size=80).map(" ".join), st.sampled_from(["text", "markdown"]))
def test_clean_item_is_deterministic(text: str, kind: str) -> None:
    try:
        first = clean_item(item(text, kind=kind))
    except EmptyText:
        return
    second = clean_item(item(text, kind=kind))

    assert isinstance(first, Document)
    assert (second.id, second.text, second.trims) == (first.id, first.text, first.trims)
    assert first.id == make_id("doc", normalize_for_hash(first.text))
    assert all(line == line.strip() for line in first.text.split("\n"))
    assert "\r" not in first.text


# --- plain-text edges: mastheads, date lines, copyright notices, origin links ------------------------


def test_clean_item_masthead_gives_the_outlet_and_the_next_line_is_the_title() -> None:
    text = f"THE AMBER VALLEY TIMES · The valley's own paper since 1952\nHarbal port reopens\nBy Lina Farouk\n\n{BODY}"

    doc = clean_item(item(text))

    assert doc.title == "Harbal port reopens"
    assert (doc.outlet, doc.outlet_via) == ("The Amber Valley Times", OutletVia.MASTHEAD)
    assert doc.meta["masthead"] == "The Amber Valley Times"
    assert doc.trims[0].rule == "masthead"
    assert "1952" not in doc.text


def test_clean_item_source_line_beats_a_masthead() -> None:
    doc = clean_item(
        item(f"RIVERSIDE MIRROR — Regional\nHarbal port reopens\n\n{BODY}\n\nSource: Riverside Mirror Online")
    )

    assert (doc.outlet, doc.outlet_via) == ("Riverside Mirror Online", OutletVia.SOURCE_LINE)
    assert doc.meta["masthead"] == "Riverside Mirror"


def test_clean_item_all_caps_headline_stays_the_title() -> None:
    doc = clean_item(item(f"HARBAL PORT REOPENS AFTER FLOODS\nBy Lina Farouk | 14 March 2025\n\n{BODY}"))

    assert doc.title == "HARBAL PORT REOPENS AFTER FLOODS"
    assert doc.outlet is None
    assert doc.published == PublishedDate(
        "2025-03-14", DateVia.DATELINE, evidence="By Lina Farouk | 14 March 2025", precision="day"
    )


def test_clean_item_dotted_date_line_with_time_is_day_first_and_stays_in_the_text() -> None:
    doc = clean_item(item(f"Harbal port reopens\n12.03.2025 | 09:40 | Amber Post\n\n{BODY}"))

    assert doc.published == PublishedDate(
        "2025-03-12T09:40:00", DateVia.DATELINE, evidence="12.03.2025 | 09:40 | Amber Post", precision="minute"
    )
    assert doc.text.startswith("Harbal port reopens\n12.03.2025 | 09:40 | Amber Post\n\n")
    assert doc.title == "Harbal port reopens"


@pytest.mark.parametrize(
    ("footer", "outlet"),
    [
        ("© 2025 Amber Post Media Group. All rights reserved.", ("Amber Post", OutletVia.COPYRIGHT)),
        ("Source: Amber Times\n© 2025 Amber Post Media Group.", ("Amber Times", OutletVia.SOURCE_LINE)),
        ("", ("courier.example", OutletVia.URL)),
    ],
)
def test_clean_item_copyright_holder_names_the_outlet_before_the_domain(
    footer: str, outlet: tuple[str, OutletVia]
) -> None:
    doc = clean_item(item(f"{BODY}\n\n{footer}", url="https://www.courier.example/harbal"))

    assert (doc.outlet, doc.outlet_via) == outlet


def test_clean_item_dateline_outlet_beats_the_copyright_holder() -> None:
    doc = clean_item(item(f"HARBAL (Meridian Wire) - {BODY}\n\n© 2025 Amber Post Media Group."))

    assert (doc.outlet, doc.outlet_via) == ("Meridian Wire", OutletVia.DATELINE)


@pytest.mark.parametrize(
    ("url", "published"),
    [
        (
            None,
            PublishedDate(
                "2025-03-13",
                DateVia.DATELINE,
                evidence='"HARBAL, Mar. 13 (Amber Post) –" + year from "© 2025 Amber Post Media Group"',
                precision="day",
            ),
        ),
        (
            "https://amberpost.example/2024/03/harbal",
            PublishedDate("2024-03-13", DateVia.DATELINE, evidence="HARBAL, Mar. 13 (Amber Post) –", precision="day"),
        ),
    ],
)
def test_clean_item_year_less_dateline_takes_its_year_from_the_items_own_evidence(
    url: str | None, published: PublishedDate
) -> None:
    text = (
        f"Harbal port reopens\n\nHARBAL, Mar. 13 (Amber Post) – {BODY}\n\n"
        "© 2025 Amber Post Media Group. All rights reserved."
    )

    doc = clean_item(item(text, url=url))

    assert doc.published == published
    assert doc.meta["copyright"] == "© 2025 Amber Post Media Group"


def test_clean_item_year_less_dateline_without_any_year_stays_undated() -> None:
    doc = clean_item(item(f"Harbal port reopens\n\nHARBAL, Mar. 13 (Amber Post) – {BODY}"))

    assert doc.published is None  # never this year by default


def test_clean_item_origin_link_gives_url_domain_and_date() -> None:
    url = "https://amberpost.example/politics/2025/03/17/port-reopens"
    text = f"Harbal port reopens\nBy Lina Farouk\n\n{BODY}\n\nShare this story\nOriginally published at {url}\n"

    doc = clean_item(item(text))
    given = clean_item(item(text, url="https://mirror.example/p/1"))

    assert (doc.url, doc.domain) == (url, "amberpost.example")
    assert doc.published == PublishedDate("2025-03-17", DateVia.URL, evidence="2025/03/17")
    assert (doc.outlet, doc.outlet_via) == ("amberpost.example", OutletVia.URL)
    assert [t.rule for t in doc.trims] == ["share-line", "origin-link"]
    assert url not in doc.text
    assert doc.meta["origin_url"] == url
    assert (given.url, given.domain) == ("https://mirror.example/p/1", "mirror.example")  # a given URL wins


def test_clean_item_syndication_credit_is_trimmed_and_kept_as_a_signal() -> None:
    credit = "This article was first published by the Amber Post and is republished here."
    text = f"{BODY}\n\n{credit}\nSource: Riverside Mirror"

    doc = clean_item(item(text))

    assert (doc.outlet, doc.meta["credited_origin"]) == ("Riverside Mirror", "Amber Post")
    assert "first published" not in doc.text


def test_clean_item_markdown_drops_a_short_footer_below_the_last_rule() -> None:
    markdown = (
        "# Harbal port reopens\n\n*Amber Institute · Brief No. 4/2025 · 14 March 2025*\n\n"
        f"{BODY}\n\n[^1]: Port authority notice, 13 March 2025.\n\n---\n\n"
        "*The Amber Institute is an independent research centre.*\n\n"
        "© 2025 Amber Institute. All rights reserved.\n"
    )

    doc = clean_item(item(markdown, kind="markdown", locator="brief.md"))

    assert doc.title == "Harbal port reopens"
    assert doc.text.endswith("[1] Port authority notice, 13 March 2025.")
    assert [(t.rule, t.text) for t in doc.trims] == [
        ("after-markdown-rule", "The Amber Institute is an independent research centre."),
        ("copyright", "© 2025 Amber Institute. All rights reserved."),
    ]
    assert (doc.outlet, doc.outlet_via) == ("Amber Institute", OutletVia.COPYRIGHT)
    assert doc.published == PublishedDate(
        "2025-03-14",
        DateVia.DATELINE,
        evidence="Amber Institute · Brief No. 4/2025 · 14 March 2025",
        precision="day",
    )
