"""End to end in headless Chromium (Debian's /usr/bin/chromium driven by Playwright; no downloaded browsers).

Skipped when the playwright package or chromium is missing, unless STORYTRACE_REQUIRE_BROWSER=1 (CI), where a
missing browser fails. Screenshots of the main pages land in tests/web/artifacts/ (not committed).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from storytrace.web import make_server
from tests.web.conftest import PACK, RunningServer, copy_store

CHROMIUM = Path(os.environ.get("STORYTRACE_CHROMIUM", "/usr/bin/chromium"))
REQUIRED = os.environ.get("STORYTRACE_REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
RESOLVE_TIMEOUT_MS = 180_000


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install playwright)"
    if not CHROMIUM.exists():
        return f"no chromium at {CHROMIUM} (apt-get install chromium, or set STORYTRACE_CHROMIUM)"
    return None


MISSING = _missing()
pytestmark = pytest.mark.skipif(
    MISSING is not None and not REQUIRED, reason=f"browser tests need Chromium and Playwright: {MISSING}"
)


@pytest.fixture(scope="module")
def site(demo_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    db = copy_store(demo_store_file, tmp_path_factory.mktemp("web-browser"))
    with RunningServer(make_server(db, port=0, packs=[str(PACK)])) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if MISSING is not None:
        pytest.fail(f"STORYTRACE_REQUIRE_BROWSER=1 but {MISSING}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # Chromium's sandbox cannot start as root (containers, CI); the pages are our own.
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Only the workspace itself may be reached: any other request fails the test.
    outside: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    opened = context.new_page()
    yield opened
    context.close()
    assert outside == [], f"the pages asked for outside resources: {outside}"


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_browser_click_through_main_pages(site: RunningServer, page: Any) -> None:
    page.goto(site.url + "/")
    assert page.locator(".count").count() == 6
    _shot(page, "01-overview")

    page.click("header nav >> text=Propositions")
    page.wait_for_url(re.compile(r"/propositions$"))
    assert page.locator("table.board tbody tr").count() == 50
    _shot(page, "02-propositions")

    page.select_option("select[name=status]", "contested")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r"status=contested"))
    statuses = page.locator("table.board .status").all_inner_texts()
    assert statuses and {s.lower() for s in statuses} == {"contested"}

    page.locator("table.board tbody tr a").first.click()
    page.wait_for_url(re.compile(r"/propositions/prp_"))
    assert page.locator("article.claim").count() >= 2
    _shot(page, "03-proposition")

    page.locator("article.claim dd a", has_text="the sentence in the reader").first.click()
    page.wait_for_url(re.compile(r"/documents/doc_.*from=\d+"))
    target = page.locator("#target")
    assert target.count() == 1 and "l-target" in (target.get_attribute("class") or "")
    assert page.locator("#explain .mark").count() >= 1  # the linked claim explains itself on arrival
    _shot(page, "04-reader")

    entity = page.locator("#reader .seg.l-entity").first
    entity.click()
    panel = page.locator("#explain")
    assert "linked by" in panel.inner_text()
    panel.locator("a", has_text="entity page").first.click()
    page.wait_for_url(re.compile(r"/entities/"))
    assert page.locator("table.spellings tbody tr").count() >= 1
    _shot(page, "05-entity")

    page.click("header nav >> text=Timeline")
    assert page.locator("ol.timeline li.event").count() >= 10
    _shot(page, "06-timeline")

    page.click("header nav >> text=Actors")
    assert page.locator("svg.graph a.node").count() >= 4
    assert page.locator("svg.graph line.edge").count() >= 2
    _shot(page, "07-actors")

    page.click("header nav >> text=Map")
    assert page.locator("h1", has_text="Places").count() == 1
    _shot(page, "08-map")

    page.fill("header input[name=q]", "convoy")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=convoy"))
    assert page.locator("ol.results li .snippet mark").count() >= 3
    _shot(page, "09-search")


def test_browser_merge_and_stance_correction(site: RunningServer, page: Any) -> None:
    keep = "ain-bashura:gpe/ain-bashura"
    page.goto(site.url + "/entities/" + quote(keep, safe=""))
    page.fill("form.merge-form input[name=other]", "Hayy al-Tawahin")
    page.fill("form.merge-form input[name=note]", "the district counts as its town")
    page.click("form.merge-form button")
    page.wait_for_url(re.compile(r"done=merge"))
    # The page polls /api/status and reloads once the background resolve is done.
    page.wait_for_selector("#resolving", state="detached", timeout=RESOLVE_TIMEOUT_MS)
    page.wait_for_load_state()
    spellings = page.locator("table.spellings").inner_text()
    assert "Hayy al-Tawahin" in spellings
    _shot(page, "10-after-merge")

    with sqlite3.connect(site.server.workspace.db_path) as db:
        claim_id, prop_id = db.execute(
            "SELECT c.id, c.proposition_id FROM claims c JOIN propositions p ON p.id = c.proposition_id "
            "WHERE c.stance = 'supports' ORDER BY p.reports DESC, c.published_at, c.doc_id, c.start_char LIMIT 1"
        ).fetchone()
    page.goto(site.url + f"/propositions/{prop_id}")
    card = page.locator(f"article.claim[id='{claim_id}']")
    card.locator("select[name=stance]").select_option("refutes")
    card.locator("input[name=note]").fill("the report quotes it to deny it")
    card.locator("button").click()
    page.wait_for_url(re.compile(r"done=stance"))
    page.wait_for_selector("#resolving", state="detached", timeout=RESOLVE_TIMEOUT_MS)
    page.wait_for_load_state()
    card = page.locator(f"article.claim[id='{claim_id}']")
    assert "stance-refutes" in (card.get_attribute("class") or "")
    _shot(page, "11-after-stance")

    page.click("header nav >> text=Judgements")
    rows = page.locator("table tbody tr").all_inner_texts()
    assert any("merge" in r and keep in r for r in rows)
    assert any("stance" in r and claim_id in r for r in rows)


def test_browser_hostile_document_stays_inert(site: RunningServer, page: Any) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with sqlite3.connect(site.server.workspace.db_path) as db:
        hostile = [r[0] for r in db.execute("SELECT id FROM documents WHERE text LIKE '%__pwned%' ORDER BY id")]
    assert len(hostile) == 2
    for path in ["/", "/documents", "/search?q=pwned", "/propositions?q=convoy"]:
        page.goto(site.url + path)
        assert page.evaluate("() => window.__pwned") is None, path
    for doc_id in hostile:
        page.goto(site.url + f"/documents/{doc_id}")
        assert page.locator("#reader script, #reader img, #reader svg, #reader b, h1 svg, h1 script").count() == 0
        for seg in page.locator("#reader .seg").all():
            seg.hover()
            seg.click()
        assert page.evaluate("() => window.__pwned") is None
        assert page.locator(".external").count() == 0  # a javascript: URL never becomes a link
    text = page.locator("#reader").inner_text() + page.locator("h1").inner_text()
    assert "<script>" in text or "onload=" in text
    _shot(page, "12-hostile-reader")
    assert dialogs == []
