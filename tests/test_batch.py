"""Tests for the batch runner: the network path on a real loopback server, bad inputs, resume after a kill."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from storytrace.batch import IngestOptions, ingest
from storytrace.ingest.web import FetchOptions
from storytrace.store import Store
from tests.conftest import OTHER, PAGE, SCOOP
from tests.httpserver import LocalServer, local_server_fixture, slow_drip  # noqa: F401

HTML = {"Content-Type": "text/html; charset=utf-8"}


def _options(**fetch: float) -> IngestOptions:
    return IngestOptions(fetch=FetchOptions(politeness_delay=0, retries=0, **fetch))


def _page(title: str, body: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return f"<html><head><title>{title}</title></head><body><article>{paragraphs}</article></body></html>".encode()


def _feed(server: LocalServer, links: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Item {i}</title><link>{server.url(link)}</link><guid>g{i}</guid>"
        f"<pubDate>Sat, 15 Mar 2025 09:00:00 +0300</pubDate></item>"
        for i, link in enumerate(links)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbal Herald</title>'
        f"<link>{server.url('/')}</link>{items}</channel></rss>"
    ).encode()


def test_ingest_urls_and_feeds_with_failures_recorded(local_server: LocalServer, tmp_path: Path) -> None:
    server = local_server
    server.route("/page", PAGE.encode(), headers=HTML)
    server.route("/a", _page("Drone strike hits depot", OTHER), headers=HTML)
    server.route("/b", _page("Talks reach a deal", SCOOP), headers=HTML)
    server.route("/feed.xml", _feed(server, ["/a", "/b", "/gone"]), headers={"Content-Type": "application/rss+xml"})
    server.route("/bad-feed.xml", b"<<< not a feed at all >>>", headers={"Content-Type": "application/rss+xml"})
    server.route("/photo", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, headers={"Content-Type": "image/png"})
    server.route_handler("/slow", slow_drip(b"<p>x</p>", interval=0.1, count=100))
    inputs = [server.url(p) for p in ("/page", "/feed.xml", "/missing", "/bad-feed.xml", "/photo", "/slow")]
    with Store(tmp_path / "s.db") as store:
        report = ingest(store, inputs, _options(deadline=0.5))
        assert report.counts["added"] == 3
        codes = sorted(f.code for f in report.failures)
        assert codes == ["ST109", "ST202", "ST203", "ST203", "ST207"]
        assert {f.locator for f in report.failures} >= {server.url("/missing"), server.url("/gone")}
        rows = store.list_failures()
        assert len(rows) == 5 and all(r["hint"] for r in rows)
        feed_doc = store.get_document(server.url("/a"))
        assert (feed_doc.outlet, feed_doc.published and feed_doc.published.via.value) == ("Harbal Herald", "feed")

        # Again: pages of feed items already in the store are not fetched a second time.
        before = len(server.requests_to("/a"))
        again = ingest(store, [server.url("/feed.xml")], _options())
        assert again.counts["added"] == 0
        assert len(server.requests_to("/a")) == before
        assert store.count_documents() == 3


def test_ingest_same_page_twice_is_unchanged(local_server: LocalServer, tmp_path: Path) -> None:
    url = local_server.route("/page", PAGE.encode(), headers=HTML)
    with Store(tmp_path / "s.db") as store:
        assert ingest(store, [url], _options()).counts["added"] == 1
        assert ingest(store, [url], _options()).counts["unchanged"] == 1
        assert store.count_documents() == 1


def test_ingest_killed_halfway_resumes_without_duplicates(tmp_path: Path) -> None:
    folder = tmp_path / "pile"
    folder.mkdir()
    total = 400
    for i in range(total):
        (folder / f"r{i:04d}.txt").write_text(f"Report {i}\n\n" + OTHER.replace("five", f"{i} people and five"))
    db = tmp_path / "s.db"
    cmd = [sys.executable, "-m", "storytrace", "ingest", str(folder), "--db", str(db), "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if db.exists():
            try:
                stored = sqlite3.connect(db, timeout=1).execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if stored >= 20:
                break
    assert proc.poll() is None, "the ingest finished before it could be killed; make the pile bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store(db) as store:  # opens fine after a kill
        partial = store.count_documents()
        assert 20 <= partial < total
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == total
    assert con.execute("SELECT COUNT(*) FROM sightings").fetchone()[0] == total
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    fts = con.execute("SELECT COUNT(*) FROM documents_fts WHERE documents_fts MATCH 'depot'").fetchone()[0]
    assert fts == total
