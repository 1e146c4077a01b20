"""Golden test: the demo corpus through the real CLI, checked against its answer key, examples/STORY.md.

The expected values below are copied from STORY.md (sections (a), (e), (f), (g)); the demo files are read only
to turn the key's line numbers into lines. Where a value is not in the key's own words, the comment says how
it was read:

- Dates: the key says *where* a date is; ``published_via`` names that place in storytrace's terms. A bare date
  under the title, alone or in a line of metadata ("By Rasha Dabbour | 8 March 2025", "12.03.2025 | 09:40 |
  Tesra Courier", a "· 19 March 2025" header), is a ``dateline``; a date a phrase states ("Posted on March 12,
  2025 …", a "pubdate" byline on a page) is ``text``; the wire records' ``published`` field is ``user``.
- Outlets: "one outlet" means one key in the store (``source_id_for``), so "Tesra Courier" is "The Tesra Courier".
- "Title, byline and date lines are metadata … do not include them in the body": the cleaned text is not only
  the body. Like a wire dateline that opens the first paragraph, a title or byline line stays in the text every
  span points into; these tests check the body lines are kept and the boilerplate lines trimmed.
- 06's footnote block (lines 21–23) is listed with the boilerplate but marked "keep as references, not body":
  references stay in the text, as 11's ``[^n]`` footnotes do (the key keeps everything above 11's rule).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner

from storytrace.clean.markdown import markdown_to_text
from storytrace.cli import cli
from storytrace.store import source_id_for

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo"
WIRE = ("MW-2025-0412", "MW-2025-0519", "MW-2025-0688")
TXT = ("02", "03", "04", "05", "dup05", "06", "08", "10", "12", "13")
HTML = ("01", "07", "09")
ALL = (*WIRE, "01", *TXT, "07", "09", "11")

# (g) Publication dates: value prefix, and where it was found.
DATES: dict[str, tuple[str, str] | None] = {
    "MW-2025-0412": ("2025-03-03T17:20:00+03:00", "user"),
    "MW-2025-0519": ("2025-03-05T21:05:00+03:00", "user"),
    "MW-2025-0688": ("2025-03-14T14:45:00+03:00", "user"),
    "01": ("2025-03-06T08:15:00+03:00", "metadata"),  # article:published_time, not the 11:02 modified_time
    "02": ("2025-03-08", "dateline"),  # byline line 2 "By Rasha Dabbour | 8 March 2025"
    "03": ("2025-03-11", "dateline"),  # line 3 "Tuesday, 11 March 2025 | By Rasha Dabbour"
    "04": ("2025-03-12T09:40", "dateline"),  # line 3 "12.03.2025 | 09:40" (day.month.year), not December
    "05": None,  # nothing: no metadata, dateline, URL or absolute date
    "dup05": None,
    "06": ("2025-03-12", "text"),  # line 3 "Posted on March 12, 2025 by the Lantern desk"
    "07": ("2025-03-12T19:40:00+03:00", "metadata"),  # <time class="entry-date published" datetime=…> only
    "08": ("2025-03-13", "dateline"),  # dateline "Mar. 13", the year from "© 2025"
    "09": ("2025-03-15", "text"),  # visible byline <span class="pubdate">Saturday 15 March 2025</span> only
    "10": ("2025-03-17", "url"),  # only the URL in line 19 ("…/politics/2025/03/17/…")
    "11": ("2025-03-19", "dateline"),  # header line 3 "19 March 2025"
    "12": ("2025-03-21", "dateline"),  # dateline "TESRA, 21 March 2025 —"
    "13": ("2025-03-24", "dateline"),  # dateline "March 24", the year from "© 2025"
}

# (a) Outlets and (f) the last column: the outlet, and where it comes from when the key says.
OUTLETS: dict[str, tuple[str, str | None]] = {
    **{ref: ("Meridian Wire", None) for ref in WIRE},
    "01": ("Harbal Herald", None),
    "02": ("The Tesra Courier", "source_line"),  # "Source: Tesra Courier" → The Tesra Courier
    "03": ("The Tesra Courier", "masthead"),  # no Source line; the masthead
    "04": ("Ibdara Mirror", "source_line"),  # the publisher; the credited origin is the Tesra Courier
    "05": ("QNewsNow", "source_line"),
    "dup05": ("QNewsNow", "source_line"),
    "06": ("Lantern Monitor", "masthead"),  # no Source line; the masthead
    "07": ("Qarnassa Rising", None),
    "08": ("Harbal Herald", "source_line"),
    "09": ("Ibdara Mirror", None),
    "10": ("Harbal Herald", None),  # no Source line; the URL domain and the © line (see the test below)
    "11": ("Centre for Frontier Security Studies", None),
    "12": ("The Tesra Courier", "source_line"),
    "13": ("Meridian Wire", "dateline"),  # no Source line; the dateline
}

# (f) Title line, body lines and boilerplate lines of the .txt files (1-based, inclusive ranges).
TITLE_LINE = {"02": 1, "03": 2, "04": 2, "05": 1, "dup05": 1, "06": 2, "08": 1, "10": 1, "12": 1, "13": 1}
BODY = {
    "02": [(5, 17)],
    "03": [(5, 21)],
    "04": [(5, 21)],
    "05": [(3, 17)],
    "dup05": [(3, 17)],
    "06": [(5, 19), (21, 23)],  # 21–23: the footnotes, kept as references
    "08": [(3, 15)],
    "10": [(4, 16)],
    "12": [(3, 17)],
    "13": [(3, 19), (21, 21)],
}
BOILERPLATE = {
    "02": [3, 19, 20, 21, 22],
    "03": [1, 23, 24, 25, 26, 27, 28],
    "04": [1, 23, 24, 25, 26],
    "05": [19, 20, 21, 22],
    "dup05": [19, 20, 21, 22],
    "06": [1, 25, 26, 27, 28, 29],
    "08": [17, 18, 19, 20, 21, 22, 23],
    "10": [18, 19, 20],
    "12": [19, 20, 21, 22],
    "13": [23],
}
# Lines the answer key calls boilerplate that storytrace keeps, with why; empty while there are none.
KNOWN_GAPS: dict[tuple[str, int], str] = {}

# (f) non-.txt files: what is body, and page furniture that must not reach the text.
HTML_BODY = {"01": "story-body", "07": "entry-content", "09": "text"}
HTML_FURNITURE = {
    "01": [
        "Breaking: Second relief convoy",  # ticker
        "Politics",  # nav
        "Share on Facebook",
        "Get the Herald Morning Brief",  # the inline promo inside the body
        "A burnt-out truck on Route 9",  # figure caption
        "Photo: Herald staff",
        "Related articles",
        "Pray for them all",  # comments
        "Please enter your comment!",
        "© 2025 Harbal Herald Media Group",
    ],
    "07": [
        "DONATE NOW",
        "Truth before power",
        "Share this:",
        "Tagged:",
        "More from Qarnassa Rising",
        "Bayoud must go",
        "Leave a Reply",
        "© 2025 Qarnassa Rising",
    ],
    "09": [
        "English edition",
        "Front page",
        "Main photo:",
        "Photo: Ibdara Mirror archive",
        "Read also",
        "Most read",
        "Comments are closed",
        "© Ibdara Mirror Media Company",
    ],
}
MARKDOWN_RULE_LINE = 42  # 11: keep everything above the --- rule, drop everything below it

# (e) The talks scoop: 03 is the origin; 04 a near-verbatim copy, 05 (= dup05) a light rewrite, 07 a heavy rewrite.
TALKS_ORIGIN = "03"
TALKS_CLUSTER = {"03", "04", "05", "07"}


@dataclass
class Corpus:
    db: Path
    docs: dict[str, dict[str, Any]]  # report reference → `storytrace show --json`
    count: int


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _path(ref: str) -> Path:
    if ref == "dup05":
        return DEMO / "saved-copy-of-05.txt"
    [path] = DEMO.glob(f"{ref}-*")
    return path


def _lines(ref: str) -> list[str]:
    return _path(ref).read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    _run("ingest", str(DEMO), "--db", str(db))
    listed = json.loads(_run("docs", "--db", str(db), "--json", "--limit", "0"))
    by_locator: dict[str, dict[str, Any]] = {}
    for row in listed:
        shown = json.loads(_run("show", row["id"], "--db", str(db), "--json"))
        for sighting in shown["seen_as"]:
            by_locator[Path(sighting["locator"]).name] = shown
    docs: dict[str, dict[str, Any]] = {}
    for ref in ALL:
        if ref in WIRE:
            [doc] = [d for d in by_locator.values() if d["original_id"] == ref]
        else:
            doc = by_locator[_path(ref).name]
        docs[ref] = doc
    return Corpus(db=db, docs=docs, count=len(listed))


def _text_lines(doc: dict[str, Any]) -> set[str]:
    return set(doc["text"].split("\n"))


def _trimmed(doc: dict[str, Any]) -> set[str]:
    return {t["text"] for t in doc["trimmed"]}


# --- the pile as a whole ------------------------------------------------------------------------------


def test_demo_has_sixteen_reports_and_the_saved_copy_collapses_into_05(corpus: Corpus) -> None:
    five, saved = corpus.docs["05"], corpus.docs["dup05"]

    assert corpus.count == 16
    assert five["id"] == saved["id"]
    assert sorted(Path(s["locator"]).name for s in five["seen_as"]) == [
        "05-qnewsnow-talks-rewrite.txt",
        "saved-copy-of-05.txt",
    ]


def test_demo_has_eight_outlets(corpus: Corpus) -> None:
    with sqlite3.connect(corpus.db) as db:
        names = [row[0] for row in db.execute("SELECT name FROM sources")]

    assert len(names) == 8, names


# --- per report: date, outlet, title ------------------------------------------------------------------


@pytest.mark.parametrize("ref", ALL)
def test_demo_publication_date(corpus: Corpus, ref: str) -> None:
    doc, expected = corpus.docs[ref], DATES[ref]

    if expected is None:
        assert (doc["published"], doc["published_via"]) == (None, None)
        return
    value, via = expected
    assert doc["published"] is not None and doc["published"].startswith(value), doc["published_evidence"]
    assert doc["published_via"] == via, doc["published_evidence"]


@pytest.mark.parametrize("ref", ["08", "13"])
def test_demo_year_less_dateline_names_where_its_year_came_from(corpus: Corpus, ref: str) -> None:
    evidence = corpus.docs[ref]["published_evidence"]

    assert evidence.startswith('"HARBAL, Mar')
    assert '+ year from "© 2025' in evidence


def test_demo_modified_time_does_not_date_01(corpus: Corpus) -> None:
    assert "article:published_time" in corpus.docs["01"]["published_evidence"]


@pytest.mark.parametrize("ref", ALL)
def test_demo_outlet(corpus: Corpus, ref: str) -> None:
    doc = corpus.docs[ref]
    name, via = OUTLETS[ref]

    assert doc["outlet"] is not None
    assert source_id_for(doc["outlet"], None) == source_id_for(name, None), doc["outlet"]
    if via is not None:
        assert doc["outlet_via"] == via


def test_demo_10_outlet_and_date_come_from_its_origin_link_and_copyright_line(corpus: Corpus) -> None:
    doc = corpus.docs["10"]

    assert (
        doc["url"] == "https://harbalherald.example/politics/2025/03/17/contacts-with-militia-did-take-place-lawmaker"
    )
    assert doc["domain"] == "harbalherald.example"
    assert (doc["outlet"], doc["outlet_via"]) == ("Harbal Herald", "copyright")


def test_demo_tesra_courier_is_one_outlet_under_its_forms(corpus: Corpus) -> None:
    forms = {corpus.docs[ref]["outlet"] for ref in ("02", "03", "12")}

    assert forms == {"Tesra Courier", "The Tesra Courier"}
    assert len({source_id_for(form, None) for form in forms}) == 1


@pytest.mark.parametrize("ref", ALL)
def test_demo_title(corpus: Corpus, ref: str) -> None:
    if ref in WIRE:
        records = [json.loads(line) for line in (DEMO / "wire-feed.jsonl").read_text(encoding="utf-8").splitlines()]
        [title] = [r["title"] for r in records if r["id"] == ref]
    elif ref in HTML:
        [title] = lxml.html.fromstring(_path(ref).read_bytes()).xpath("//article//h1/text()")
    elif ref == "11":
        title = _lines(ref)[0].removeprefix("# ")
    else:
        title = _lines(ref)[TITLE_LINE[ref] - 1]

    assert corpus.docs[ref]["title"] == title.strip()


# --- per report: body kept, boilerplate trimmed ---------------------------------------------------------


@pytest.mark.parametrize("ref", TXT)
def test_demo_body_lines_are_kept(corpus: Corpus, ref: str) -> None:
    lines, kept = _lines(ref), _text_lines(corpus.docs[ref])

    body = [lines[n - 1].strip() for first, last in BODY[ref] for n in range(first, last + 1)]
    assert [line for line in body if line and line not in kept] == []


def _boilerplate_cases() -> list[Any]:
    cases = []
    for ref, numbers in BOILERPLATE.items():
        for number in numbers:
            gap = KNOWN_GAPS.get((ref, number))
            marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
            cases.append(pytest.param(ref, number, marks=marks, id=f"{ref}-line{number}"))
    return cases


@pytest.mark.parametrize(("ref", "number"), _boilerplate_cases())
def test_demo_boilerplate_line_is_trimmed(corpus: Corpus, ref: str, number: int) -> None:
    doc = corpus.docs[ref]
    line = _lines(ref)[number - 1].strip()

    assert line in _trimmed(doc)
    assert line not in doc["text"]


def test_demo_markdown_brief_keeps_what_is_above_its_rule_and_drops_what_is_below(corpus: Corpus) -> None:
    doc, lines = corpus.docs["11"], _lines("11")
    assert lines[MARKDOWN_RULE_LINE - 1] == "---"
    rendered = markdown_to_text("\n".join(lines[: MARKDOWN_RULE_LINE - 1])).text
    above = [line for line in rendered.split("\n") if line]
    below = [markdown_to_text(line).text for line in lines[MARKDOWN_RULE_LINE:] if line.strip()]

    assert [line for line in above if line not in _text_lines(doc)] == []
    assert len(below) == 3
    for line in below:
        assert line in _trimmed(doc)
        assert line not in doc["text"]
    assert "[2] Harbal Herald, 17 March 2025." in _text_lines(doc)  # the [^n] footnotes are references


@pytest.mark.parametrize("ref", HTML)
def test_demo_html_keeps_the_article_body(corpus: Corpus, ref: str) -> None:
    page = lxml.html.fromstring(_path(ref).read_bytes())
    paragraphs = [
        " ".join(p.text_content().split())
        for p in page.xpath(f"//article//*[contains(concat(' ', @class, ' '), ' {HTML_BODY[ref]} ')]/p")
    ]
    kept = _text_lines(corpus.docs[ref])

    assert len(paragraphs) >= 5
    assert [p for p in paragraphs if p not in kept] == []


@pytest.mark.parametrize(("ref", "furniture"), [(ref, item) for ref, items in HTML_FURNITURE.items() for item in items])
def test_demo_html_drops_page_furniture(corpus: Corpus, ref: str, furniture: str) -> None:
    assert furniture not in corpus.docs[ref]["text"]


@pytest.mark.parametrize("ref", WIRE)
def test_demo_wire_record_text_runs_from_dateline_to_sign_off(corpus: Corpus, ref: str) -> None:
    text = corpus.docs[ref]["text"]

    assert text.split(" (Meridian Wire) - ")[0] in ("TESRA, March 3", "TESRA, March 5", "HARBAL, March 14")
    assert text.split("\n")[-1].startswith("(Reporting by ")
    assert corpus.docs[ref]["trimmed"] == []


# --- (e) the syndication map ------------------------------------------------------------------------------


def test_demo_04_is_a_near_duplicate_of_the_scoop(corpus: Corpus) -> None:
    origin, copy = corpus.docs[TALKS_ORIGIN], corpus.docs["04"]

    assert copy["near_duplicate_of"] == origin["id"]
    assert origin["near_duplicate_of"] is None
    assert copy["meta"].get("credited_origin") == "Tesra Courier"  # "first published by the Tesra Courier"


def test_demo_near_duplicate_links_stay_inside_the_talks_story(corpus: Corpus) -> None:
    cluster = {corpus.docs[ref]["id"] for ref in TALKS_CLUSTER}
    origin = corpus.docs[TALKS_ORIGIN]["id"]

    for ref, doc in corpus.docs.items():
        if doc["id"] in cluster:
            # A copy or rewrite of the scoop, if linked at all, is linked to the scoop itself.
            assert doc["near_duplicate_of"] in (None, origin), ref
        else:
            assert doc["near_duplicate_of"] is None, ref
            assert doc["copies"] == [], ref
