from datetime import date

import pytest

from storytrace.clean.metadata import (
    Copyright,
    date_from_url,
    domain_from_url,
    find_copyright,
    find_date_line,
    find_dateline,
    find_text_date,
    find_title,
    masthead_name,
    read_copyright,
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
        ("Tuesday, 11 March 2025 | By Lina Farouk", None),
        ("12.03.2025 | 09:40 | Amber Post", None),
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


@pytest.mark.parametrize(
    ("line", "value", "precision"),
    [
        ("8 March 2025", "2025-03-08", "day"),
        ("Tuesday, 11 March 2025 | By Lina Farouk", "2025-03-11", "day"),
        ("By Lina Farouk | 8 March 2025", "2025-03-08", "day"),
        ("12.03.2025 | 09:40 | Amber Post", "2025-03-12T09:40:00", "minute"),  # dotted: day first
        ("Amber Institute (AI) · Brief No. 7/2025 · 19 March 2025", "2025-03-19", "day"),
        ("HARBAL — March 2025", "2025-03", "month"),
    ],
)
def test_find_date_line_reads_a_bare_date_among_metadata(line: str, value: str, precision: str) -> None:
    assert find_date_line(line) == PublishedDate(value, DateVia.DATELINE, evidence=line, precision=precision)


@pytest.mark.parametrize(
    "line",
    [
        "Posted on March 12, 2025 by the desk",  # a phrase states the date: a byline date, not a date line
        "By Lina Farouk | Posted on 14 March 2025",
        "Brief No. 7/2025 · Amber Institute",
        "04/03/2025 | Amber Post",  # day and month order unknown
        "2025 | Amber Post",
        "8 March 2025 | The port reopened to ships on Friday after the floods had closed it for six long weeks.",
        "Harbal port reopens after floods",
    ],
)
def test_find_date_line_refuses_lines_that_are_not_date_lines(line: str) -> None:
    assert find_date_line(line) is None


@pytest.mark.parametrize(
    ("top", "via"),
    [
        ("By Lina Farouk | 8 March 2025", DateVia.DATELINE),
        ("Tuesday, 8 March 2025 | By Lina Farouk", DateVia.DATELINE),
        ("Posted on March 8, 2025 by the Amber desk", DateVia.TEXT),
    ],
)
def test_find_text_date_date_line_is_a_dateline_and_a_stated_date_is_text(top: str, via: DateVia) -> None:
    found = find_text_date(f"Harbal port reopens\n{top}\n\n{PARAGRAPH}")

    assert found is not None
    assert (found.value, found.via, found.evidence) == ("2025-03-08", via, top)


def test_find_dateline_year_less_takes_the_year_hint_and_says_so() -> None:
    text = f"Harbal port reopens\n\nHARBAL, Mar. 13 (Amber Post) – {PARAGRAPH}"
    hint = (2025, "© 2025 Amber Post Media Group")

    dateline = find_dateline(text, year_hint=hint)
    with_reference = find_dateline(text, reference=date(2024, 3, 20), year_hint=hint)

    assert dateline is not None and with_reference is not None
    assert dateline.published == PublishedDate(
        "2025-03-13",
        DateVia.DATELINE,
        evidence='"HARBAL, Mar. 13 (Amber Post) –" + year from "© 2025 Amber Post Media Group"',
        precision="day",
    )
    assert dateline.evidence == "HARBAL, Mar. 13 (Amber Post) –"
    # A known date of the item beats a copyright year, and needs no mention.
    assert with_reference.published == PublishedDate(
        "2024-03-13", DateVia.DATELINE, evidence="HARBAL, Mar. 13 (Amber Post) –", precision="day"
    )


@pytest.mark.parametrize(
    ("line", "evidence", "year", "holder", "outlet"),
    [
        (
            "© 2025 Amber Post Media Group. All rights reserved.",
            "© 2025 Amber Post Media Group",
            2025,
            "Amber Post Media Group",
            "Amber Post",
        ),
        ("© Amber Post 2025", "© Amber Post 2025", 2025, "Amber Post", "Amber Post"),
        ("© 2019–2025 The Amber Post | Terms", "© 2019–2025 The Amber Post", 2025, "The Amber Post", "The Amber Post"),
        (
            "© 2024 Valley Courier, LLC. All rights reserved.",
            "© 2024 Valley Courier, LLC",
            2024,
            "Valley Courier, LLC",
            "Valley Courier",
        ),
        (
            "Copyright © 2025 by Amber Inc. All rights reserved.",
            "Copyright © 2025 by Amber Inc",
            2025,
            "Amber Inc",
            "Amber",
        ),
        (
            "© Amber Mirror Media Company. All rights reserved.",
            "© Amber Mirror Media Company",
            None,
            "Amber Mirror Media Company",
            "Amber Mirror",
        ),
        ("© 2025. All rights reserved.", "© 2025", 2025, None, None),
        ("(c) 2025 Media Group", "(c) 2025 Media Group", 2025, "Media Group", "Media Group"),  # nothing left: kept
    ],
)
def test_read_copyright_reads_year_holder_and_outlet(
    line: str, evidence: str, year: int | None, holder: str | None, outlet: str | None
) -> None:
    assert read_copyright(line) == Copyright(evidence=evidence, year=year, holder=holder, outlet=outlet)


@pytest.mark.parametrize(
    "line", ["Copyright law protects the port's charts.", "The port, © its owners", "(c) the third option"]
)
def test_read_copyright_refuses_lines_that_are_not_notices(line: str) -> None:
    assert read_copyright(line) is None


def test_find_copyright_takes_the_first_notice() -> None:
    found = find_copyright(["It was not enough, she said.", "© 2024 Amber Post", "© 2025 Other"])

    assert found is not None
    assert (found.year, found.outlet) == (2024, "Amber Post")
    assert find_copyright(["It was not enough, she said."]) is None


@pytest.mark.parametrize(
    ("line", "rest", "name"),
    [
        ("THE AMBER VALLEY TIMES · since 1952", "", "The Amber Valley Times"),
        ("RIVERSIDE MIRROR — Regional", "", "Riverside Mirror"),
        ("CNN NEWS | Home", "", "CNN News"),
        ("THE AMBER POST", "Source: Amber Post", "The Amber Post"),
        ("THE AMBER POST", "nothing here", None),
        ("HARBAL PORT REOPENS AFTER FLOODS", "", None),
        ("BREAKING NEWS — Harbal port reopens", "", None),
        ("EXCLUSIVE | Amber Post reveals the deal", "", None),
        ("STRIKE SHUTS THE HARBAL POST", "Read more: Strike shuts the Harbal Post", None),  # too long to be bare
        ("Amber Post — Regional", "", None),
        ("12 KILLED AT THE AMBER POST", "", None),
        ("THE AMBER POST ·", "", None),
    ],
)
def test_masthead_name_only_for_clear_mastheads(line: str, rest: str, name: str | None) -> None:
    assert masthead_name(line, rest) == name
