from datetime import date

import pytest

from storytrace.clean.metadata import (
    date_from_url,
    domain_from_url,
    find_dateline,
    find_text_date,
    find_title,
    read_text_metadata,
)
from storytrace.model import DateVia, PublishedDate

PARAGRAPH = "The river port of Harbal reopened to cargo ships on Friday, six weeks after the floods."


@pytest.mark.parametrize(
    ("first", "title"),
    [
        ("Harbal port reopens after floods", "Harbal port reopens after floods"),
        ("Will the Harbal port reopen?", "Will the Harbal port reopen?"),
        (
            "Water Board Denies Plan To Sell Northern Wells As Pressure From Traders And Farmers Mounts",
            "Water Board Denies Plan To Sell Northern Wells As Pressure From Traders And Farmers Mounts",
        ),
        ("The port reopened on Friday.", None),
        (
            "the port of harbal reopened on friday after six weeks of repairs that cost more than expected",
            None,
        ),
        ("HARBAL, March 14 (Meridian Wire) - The port reopened", None),
        ("June 24, 2024", None),
        ("Published March 14, 2025", None),
        ("By Lina Farouk", None),
        ("Contents:", None),
    ],
)
def test_find_title_takes_a_headline_like_first_line(first: str, title: str | None) -> None:
    assert find_title(f"{first}\n\n{PARAGRAPH}") == title


def test_find_title_one_line_text_has_no_title() -> None:
    assert find_title("Harbal port reopens after floods") is None


@pytest.mark.parametrize(
    ("line", "place", "outlet", "value"),
    [
        ("HARBAL, March 14 (Meridian Wire) - The port", "HARBAL", "Meridian Wire", "2025-03-14"),
        ("BAGHDAD, Oct 21 (Reuters) — Iraq said", "BAGHDAD", "Reuters", "2024-10-21"),
        ("LONDON, 14 March 2023 (AFP) - The", "LONDON", "AFP", "2023-03-14"),
        ("AL-QAIM, Iraq, Sept. 2 – Officials", "AL-QAIM, Iraq", None, "2024-09-02"),
        ("KYIV, Ukraine (AP) — A drone", "KYIV, Ukraine", "AP", None),
        ("NEW YORK (Meridian Wire) - Markets", "NEW YORK", "Meridian Wire", None),
    ],
)
def test_find_dateline_reads_place_outlet_and_date(
    line: str, place: str, outlet: str | None, value: str | None
) -> None:
    dateline = find_dateline(f"Harbal port reopens\n\n{line} fell.", reference=date(2025, 3, 20))

    assert dateline is not None
    assert (dateline.place, dateline.outlet) == (place, outlet)
    assert (dateline.published.value if dateline.published else None) == value
    if dateline.published is not None:
        assert dateline.published.via == DateVia.DATELINE
        assert dateline.published.evidence == dateline.evidence
        assert line.startswith(dateline.evidence)


@pytest.mark.parametrize(
    "text", ["NEW YORK — Markets fell.", "Harbal, March 14 - The port reopened.", "WARNING: floods ahead"]
)
def test_find_dateline_ignores_lines_that_are_not_datelines(text: str) -> None:
    assert find_dateline(text, reference=date(2025, 3, 20)) is None


def test_find_dateline_without_a_year_or_reference_leaves_the_date_unset() -> None:
    dateline = find_dateline("HARBAL, March 14 (Meridian Wire) - The port reopened.")

    assert dateline is not None
    assert dateline.outlet == "Meridian Wire"
    assert dateline.published is None


def test_find_dateline_year_less_date_after_the_reference_is_last_year() -> None:
    dateline = find_dateline("BAGHDAD, Dec 31 (Reuters) - Iraq said.", reference=date(2025, 1, 2))

    assert dateline is not None
    assert dateline.published == PublishedDate(
        "2024-12-31", DateVia.DATELINE, evidence="BAGHDAD, Dec 31 (Reuters) -", precision="day"
    )


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        ("June 24, 2024", PublishedDate("2024-06-24", DateVia.DATELINE, "June 24, 2024", "day")),
        (
            "Published March 14, 2025",
            PublishedDate("2025-03-14", DateVia.TEXT, "Published March 14, 2025", "day"),
        ),
        (
            "By Lina Farouk | Posted on 14 March 2025, 10:30 GMT",
            PublishedDate(
                "2025-03-14T10:30:00+00:00",
                DateVia.TEXT,
                "By Lina Farouk | Posted on 14 March 2025, 10:30 GMT",
                "minute",
            ),
        ),
        (
            "Updated March 15, 2025\nPublished March 14, 2025",
            PublishedDate("2025-03-14", DateVia.TEXT, "Published March 14, 2025", "day"),
        ),
        (
            "Updated March 15, 2025",
            PublishedDate("2025-03-15", DateVia.TEXT, "Updated March 15, 2025", "day"),
        ),
        ("By Lina Farouk", None),
    ],
)
def test_find_text_date_reads_date_lines_and_bylines(top: str, expected: PublishedDate | None) -> None:
    assert find_text_date(f"Harbal port reopens\n{top}\n\n{PARAGRAPH}") == expected


def test_find_text_date_ignores_dates_inside_paragraphs() -> None:
    text = f"Harbal port reopens\n\nOn June 11, 2024, a local channel reported the sale. {PARAGRAPH}"

    assert find_text_date(text) is None


@pytest.mark.parametrize(
    ("url", "value", "precision"),
    [
        ("https://www.courier.example/2025/03/14/harbal-port", "2025-03-14", "day"),
        ("https://courier.example/news/2025-03-14-harbal-port", "2025-03-14", "day"),
        ("https://courier.example/a/20250314/harbal.html", "2025-03-14", "day"),
        ("https://courier.example/2025/3/4/harbal", "2025-03-04", "day"),
        ("https://courier.example/world/2025/03/harbal-port", "2025-03", "month"),
        ("https://courier.example/2025/13/40/harbal", None, None),
        ("https://courier.example/story/123456789", None, None),
        ("https://courier.example/harbal?date=2025-03-14", None, None),
    ],
)
def test_date_from_url_reads_dates_in_the_path(url: str, value: str | None, precision: str | None) -> None:
    found = date_from_url(url)

    assert (found.value if found else None, found.precision if found else None) == (value, precision)
    if found is not None:
        assert found.via == DateVia.URL


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.courier.example/news", "courier.example"),
        ("http://WWW2.Courier.Example./x", "courier.example"),
        ("https://news.courier.example:8443/x", "news.courier.example"),
        ("file:///tmp/article.html", None),
        ("article.html", None),
        ("http://[::1", None),
    ],
)
def test_domain_from_url_strips_www(url: str, domain: str | None) -> None:
    assert domain_from_url(url) == domain


def test_read_text_metadata_dates_a_year_less_dateline_from_the_url() -> None:
    text = f"Harbal port reopens\n\nHARBAL, March 14 (Meridian Wire) - {PARAGRAPH}"

    found = read_text_metadata(text, "https://www.courier.example/world/2025/03/harbal-port")

    assert found.title == "Harbal port reopens"
    assert found.dateline is not None
    assert found.dateline.outlet == "Meridian Wire"
    assert found.published == PublishedDate(
        "2025-03-14", DateVia.DATELINE, evidence="HARBAL, March 14 (Meridian Wire) -", precision="day"
    )
    assert found.url_date == PublishedDate("2025-03", DateVia.URL, evidence="2025/03", precision="month")
    assert found.domain == "courier.example"
