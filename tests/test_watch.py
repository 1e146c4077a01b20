"""Watch mode against real loopback servers: feeds and article pages we write, a webhook receiver we run."""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from storytrace.batch import IngestOptions, ingest
from storytrace.cli import cli
from storytrace.store import Store
from storytrace.watch import Watcher, WatchOptions, parse_interval
from tests.httpserver import LocalServer, Reply, RequestHandler, free_port, local_server_fixture, stall

__all__ = ["local_server_fixture"]

# Invented reports about an invented place (fiction written for these tests).
BRIDGE = (
    "Bridge at Tell Wardi destroyed, ministry says",
    "2025-04-02T08:00:00+03:00",
    "Sorvan Gazette",
    [
        "The bridge over the Qaroun river at Tell Wardi was destroyed by an explosion on Tuesday night, the "
        "interior ministry said in a statement on Wednesday.",
        "The ministry said the Free Sorvan Brigade planted the explosives. Residents said the blast woke the "
        "whole town.",
    ],
)
DENIAL = (
    "Brigade denies blowing up Tell Wardi bridge",
    "2025-04-03T10:00:00+03:00",
    "Nahr Daily",
    [
        "The Free Sorvan Brigade on Thursday denied that it planted the explosives that destroyed the bridge at "
        "Tell Wardi.",
        '"We did not plant any explosives at the bridge," said Omar Haddad, a spokesman for the brigade, in a '
        "statement.",
    ],
)
MARKET = (
    "Grain market reopens in Bayt Sahl",
    "2025-04-02T12:00:00+03:00",
    "Nahr Daily",
    [
        "The grain market in Bayt Sahl reopened on Wednesday after two weeks of closure, traders said.",
        "Prices of wheat fell by a third on the first day, according to the chamber of commerce.",
    ],
)


def page(article: tuple[str, str, str, list[str]]) -> str:
    title, published, outlet, paragraphs = article
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{title} | {outlet}</title>"
        f'<meta property="og:site_name" content="{outlet}">'
        f'<meta property="article:published_time" content="{published}"></head>'
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
        f"<footer>© 2025 {outlet}</footer></body></html>"
    )


def rss(title: str, items: list[tuple[str, str]]) -> bytes:
    """An RSS 2.0 feed; items are (title, absolute link)."""
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Wed, 02 Apr 2025 09:00:00 GMT</pubDate></item>"
        for t, link in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://example.invalid/</link>{entries}</channel></rss>"
    ).encode()


class ConditionalFeed:
    """Serves a feed with an ETag and Last-Modified, answering 304 when the client has the current version."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.last_modified = format_datetime(datetime(2025, 4, 2, 9, 0, tzinfo=UTC), usegmt=True)

    def __call__(self, handler: RequestHandler) -> None:
        etag = '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'
        if handler.headers.get("If-None-Match") == etag:
            handler.write_reply(Reply(304, b"", {"ETag": etag}))
            return
        headers = {"Content-Type": "application/rss+xml", "ETag": etag, "Last-Modified": self.last_modified}
        handler.write_reply(Reply(200, self.body, headers))


class Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def news(local_server: LocalServer) -> dict[str, Any]:
    """One site with two article pages, a third to publish later, and a conditional feed listing the first."""
    server = local_server
    links = {
        "bridge": server.route("/2025/bridge", page(BRIDGE), headers={"Content-Type": "text/html"}),
        "denial": server.route("/2025/denial", page(DENIAL), headers={"Content-Type": "text/html"}),
        "market": server.route("/2025/market", page(MARKET), headers={"Content-Type": "text/html"}),
    }
    feed = ConditionalFeed(rss("Sorvan news", [(BRIDGE[0], links["bridge"])]))
    url = server.route_handler("/feed.xml", feed)
    return {"server": server, "links": links, "feed": feed, "url": url}


def options(**overrides: Any) -> WatchOptions:
    base: dict[str, Any] = {"every": 900.0, "timeout": 0.5, "host_interval": 0.0}
    return WatchOptions(**{**base, **overrides})


def watcher(store: Store, feeds: list[str], clock: Clock | None = None, **overrides: Any) -> Watcher:
    return Watcher(store, feeds, options(**overrides), clock=clock or Clock(), rng=random.Random(7))


def kinds(changes: list[dict[str, Any]]) -> list[str]:
    return [c["type"] for c in changes]


def test_watch_first_round_ingests_second_round_is_a_304(tmp_path: Path, news: dict[str, Any]) -> None:
    server = news["server"]
    with Store(tmp_path / "w.db") as store, watcher(store, [news["url"]]) as w:
        first = w.run_round()
        assert first.counts["added"] == 1 and first.resolved
        assert kinds(first.changes) and set(kinds(first.changes)) == {"new_proposition"}
        texts = {c["text"] for c in first.changes}
        assert "Bridge at Tell Wardi destroyed" in texts
        assert all(c["new_reports"] for c in first.changes)

        second = w.run_round(ignore_schedule=True)
        assert second.changes == [] and not second.resolved
        assert second.not_modified == 1 and second.counts.total() == 0
        feed_requests = server.requests_to("/feed.xml")
        assert feed_requests[-1].headers["if-none-match"].startswith('"')
        assert feed_requests[-1].headers["if-modified-since"] == news["feed"].last_modified
        assert len(server.requests_to("/2025/bridge")) == 1
        assert store.count_documents() == 1
        assert [r[0] for r in store.db.execute("SELECT added FROM runs")] == [1]  # the 304 round left no run


def test_watch_round_skips_feeds_not_due_yet(tmp_path: Path, news: dict[str, Any]) -> None:
    clock = Clock()
    with Store(tmp_path / "w.db") as store, watcher(store, [news["url"]], clock) as w:
        w.run_round()
        assert w.run_round().not_due == 1
        assert w.seconds_until_due() == pytest.approx(900.0, abs=1)
        clock.now += 901
        assert w.run_round().not_modified == 1
        assert len(news["server"].requests_to("/feed.xml")) == 2


def test_watch_new_item_yields_exactly_the_expected_changes(tmp_path: Path, news: dict[str, Any]) -> None:
    server, links = news["server"], news["links"]
    with Store(tmp_path / "w.db") as store, watcher(store, [news["url"]], entities=("Free Sorvan Brigade",)) as w:
        w.run_round()
        news["feed"].body = rss("Sorvan news", [(DENIAL[0], links["denial"]), (BRIDGE[0], links["bridge"])])
        report = w.run_round(ignore_schedule=True)
    assert report.counts["added"] == 1
    summary = sorted(
        (c["type"], c.get("text") or c.get("title"), c.get("old_status"), c.get("status")) for c in report.changes
    )
    # The spokesman's quote joins the proposition its report's lede denies (the member link), not one of its own.
    assert summary == [
        ("entity_report", DENIAL[0], None, None),
        ("status_changed", "Bridge at Tell Wardi destroyed", "corroborated", "contested"),
    ]
    changed = next(c for c in report.changes if c["type"] == "status_changed")
    assert "We did not plant any explosives at the bridge" in {c["claim"] for c in changed["new_reports"]}
    changed = next(c for c in report.changes if c["type"] == "status_changed")
    assert changed["old_reasons"] != changed["reasons"]
    assert any(r.startswith("refuted by") for r in changed["reasons"])
    # The move is explained by the new report (its headline and its sentence), and only by it.
    assert {r["doc_id"] for r in changed["new_reports"]} == {
        next(c for c in report.changes if c["type"] == "entity_report")["doc_id"]
    }
    assert {r["stance"] for r in changed["new_reports"]} == {"refutes"}
    # The known page was not fetched again.
    assert len(server.requests_to("/2025/bridge")) == 1


def test_watch_bad_feeds_give_one_error_line_each_and_do_not_stop_the_good_one(
    tmp_path: Path, news: dict[str, Any]
) -> None:
    server = news["server"]
    broken = server.route("/broken.xml", "oops", status=500, headers={"Content-Type": "text/plain"})
    garbage = server.route(
        "/garbage.xml", b"<?xml version='1.0'?><rss><chan", headers={"Content-Type": "application/rss+xml"}
    )
    hanging = server.route_handler("/hanging.xml", stall(5.0))
    clock = Clock()
    feeds = [broken, garbage, hanging, news["url"]]
    with Store(tmp_path / "w.db") as store, watcher(store, feeds, clock) as w:
        report = w.run_round()
        errors = [c for c in report.changes if c["type"] == "feed_error"]
        assert [(e["feed"], e["code"]) for e in errors] == [(broken, "ST203"), (garbage, "ST109"), (hanging, "ST202")]
        assert all(e["hint"] and "next try at" in e["what_to_do"] for e in errors)
        assert report.counts["added"] == 1 and report.failed_feeds == 3
        assert "new_proposition" in kinds(report.changes)

        # Backing off: the failing feeds are not polled again before their time, even with --once.
        again = w.run_round(ignore_schedule=True)
        assert again.failed_feeds == 0 and again.not_due == 3
        assert len(server.requests_to("/broken.xml")) == 1

        # Later the broken feed is back: it is polled, and its recovery is reported once.
        server.route("/broken.xml", rss("Back", []), headers={"Content-Type": "application/rss+xml"})
        clock.now += 3 * 900
        later = w.run_round()
        assert [(c["type"], c["feed"]) for c in later.changes if c["type"].startswith("feed")] == [
            ("feed_recovered", broken),
            ("feed_error", garbage),
            ("feed_error", hanging),
        ]
        failures = dict(store.db.execute("SELECT url, failures FROM watch_feeds").fetchall())
        assert failures == {broken: 0, garbage: 2, hanging: 2, news["url"]: 0}


def test_watch_hanging_feed_is_cut_at_the_timeout(tmp_path: Path, local_server: LocalServer) -> None:
    hanging = local_server.route_handler("/hanging.xml", stall(5.0))
    with Store(tmp_path / "w.db") as store, watcher(store, [hanging], timeout=0.3) as w:
        started = time.monotonic()
        report = w.run_round()
        elapsed = time.monotonic() - started
    assert [(c["type"], c["code"]) for c in report.changes] == [("feed_error", "ST202")]
    assert "sent nothing for 0.3 s" in report.changes[0]["error"]
    assert elapsed < 2.0


def test_watch_backoff_doubles_with_jitter_up_to_the_cap(tmp_path: Path) -> None:
    with Store(tmp_path / "w.db") as store, watcher(store, [], every=60.0, max_backoff=600.0) as w:
        for failures, nominal in [(1, 60.0), (2, 120.0), (3, 240.0), (4, 480.0), (5, 600.0), (9, 600.0)]:
            delays = [w.backoff(failures) for _ in range(50)]
            assert all(0.8 * nominal <= d <= 1.2 * nominal for d in delays)
            assert len({round(d, 6) for d in delays}) > 1  # jittered, not all the same


def test_watch_restart_does_not_duplicate(tmp_path: Path, news: dict[str, Any]) -> None:
    server = news["server"]
    # A server that ignores conditional requests: the restart sees the whole feed again.
    server.route("/plain.xml", rss("Plain", [(MARKET[0], news["links"]["market"])]), headers={})
    plain = server.url("/plain.xml")
    db = tmp_path / "w.db"
    with Store(db) as store, watcher(store, [news["url"], plain]) as w:
        assert w.run_round().counts["added"] == 2
    with Store(db) as store, watcher(store, [news["url"], plain]) as w:
        report = w.run_round()
        assert report.changes == [] and report.counts.total() == 0 and not report.resolved
        assert store.count_documents() == 2
    assert len(server.requests_to("/2025/market")) == 1 and len(server.requests_to("/2025/bridge")) == 1


def test_watch_crash_before_reporting_reports_the_changes_after_restart(
    tmp_path: Path, news: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "w.db"

    def crash(store: Store) -> None:
        raise RuntimeError("killed")

    with Store(db) as store, watcher(store, [news["url"]]) as w:
        monkeypatch.setattr("storytrace.watch.resolve_store", crash)
        with pytest.raises(RuntimeError):
            w.run_round()
        assert store.count_documents() == 1
    monkeypatch.undo()
    with Store(db) as store, watcher(store, [news["url"]]) as w:
        report = w.run_round()
        assert report.counts.total() == 0  # the item was not processed again
        assert "new_proposition" in kinds(report.changes)
        assert w.run_round(ignore_schedule=True).changes == []


def test_watch_first_watch_of_a_filled_store_reports_nothing_old(tmp_path: Path, news: dict[str, Any]) -> None:
    db = tmp_path / "w.db"
    with Store(db) as store:
        ingest(store, [news["links"]["market"]], IngestOptions())
        with watcher(store, [news["url"]]) as w:
            report = w.run_round()
    assert report.new_documents == 1
    assert all("Bayt Sahl" not in json.dumps(c) for c in report.changes)
    assert any("Tell Wardi" in c["text"] for c in report.changes)


def test_watch_item_page_failure_is_retried_then_given_up(tmp_path: Path, local_server: LocalServer) -> None:
    missing = local_server.url("/2025/gone")
    feed = ConditionalFeed(rss("Gone", [("A page that is gone", missing)]))
    url = local_server.route_handler("/feed.xml", feed)
    clock = Clock()
    with Store(tmp_path / "w.db") as store, watcher(store, [url], clock, max_item_attempts=2) as w:
        first = w.run_round()
        assert [(c["type"], c["code"], c["will_retry"]) for c in first.changes] == [("item_error", "ST203", True)]
        assert store.db.execute("SELECT etag FROM watch_feeds").fetchone()[0] is None
        second = w.run_round(ignore_schedule=True)
        assert [(c["type"], c["attempt"], c["will_retry"]) for c in second.changes] == [("item_error", 2, False)]
        assert store.db.execute("SELECT etag FROM watch_feeds").fetchone()[0] is not None
        assert w.run_round(ignore_schedule=True).changes == []
    assert len(local_server.requests_to("/2025/gone")) == 2


def test_watch_is_polite_to_a_host(tmp_path: Path, news: dict[str, Any]) -> None:
    server, links = news["server"], news["links"]
    news["feed"].body = rss("Sorvan news", [(BRIDGE[0], links["bridge"]), (MARKET[0], links["market"])])
    with Store(tmp_path / "w.db") as store, watcher(store, [news["url"]], host_interval=0.3) as w:
        w.run_round()
    times = sorted(r.time for r in server.requests)
    assert len(times) == 3
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.29


class _Hook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(json.loads(body))  # type: ignore[attr-defined]
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", server.received  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


def test_watch_webhook_receives_every_change(
    tmp_path: Path, news: dict[str, Any], hook: tuple[str, list[dict[str, Any]]]
) -> None:
    url, received = hook
    emitted: list[dict[str, Any]] = []
    bad = news["server"].route("/bad.xml", "no", status=503, headers={})
    with Store(tmp_path / "w.db") as store:
        w = Watcher(store, [bad, news["url"]], options(webhook=url, entities=("Tell Wardi",)), emit=emitted.append)
        with w:
            w.run_round()
    assert received == emitted
    assert {"feed_error", "new_proposition", "entity_report"} <= set(kinds(received))


def test_watch_webhook_down_is_logged_not_fatal(
    tmp_path: Path, news: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    dead = f"http://127.0.0.1:{free_port()}/hook"
    emitted: list[dict[str, Any]] = []
    with (
        Store(tmp_path / "w.db") as store,
        Watcher(store, [news["url"]], options(webhook=dead), emit=emitted.append) as w,
        caplog.at_level(logging.WARNING),
    ):
        report = w.run_round()
    assert report.counts["added"] == 1 and emitted
    assert f"webhook {dead} did not take a new_proposition change" in caplog.text


@pytest.mark.parametrize(
    ("text", "seconds"), [("15m", 900.0), ("90s", 90.0), ("1h30m", 5400.0), ("2d", 172800.0), ("45", 45.0)]
)
def test_parse_interval_reads_durations(text: str, seconds: float) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "15 minutes", "0s", "-5m"])
def test_parse_interval_refuses_what_is_not_a_duration(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_interval(text)


def test_cli_watch_once_prints_json_lines_and_exits_3_on_a_failed_feed(tmp_path: Path, news: dict[str, Any]) -> None:
    db = str(tmp_path / "w.db")
    broken = news["server"].route("/broken.xml", "down", status=500, headers={})
    runner = CliRunner()
    result = runner.invoke(cli, ["watch", news["url"], broken, "--once", "--db", db, "--timeout", "1", "-q"])
    assert result.exit_code == 3, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["type"] == "feed_error" and lines[0]["feed"] == broken
    assert "new_proposition" in kinds(lines)
    again = runner.invoke(cli, ["watch", news["url"], "--once", "--db", db, "-q"])
    assert again.exit_code == 0 and again.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["http://127.0.0.1:9/feed", "--every", "5s"], "too often"),
        (["feeds/local.xml"], "not an http(s) feed URL"),
        (["http://127.0.0.1:9/feed", "--every", "soon"], "not a duration"),
        (["http://127.0.0.1:9/feed", "--webhook", "hooks/local"], "not an http(s) URL"),
    ],
)
def test_cli_watch_refuses_bad_arguments(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["watch", *args, "--db", str(tmp_path / "w.db")])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.slow  # a real process: starts Python and loads the models (~10 s)
def test_cli_watch_stops_cleanly_on_sigterm(tmp_path: Path, news: dict[str, Any]) -> None:
    db = tmp_path / "w.db"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "storytrace", "watch", news["url"], "--every", "30s", "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stderr is not None
        summary = process.stderr.readline()  # the first round's summary: the loop now sleeps
        assert "polled 1 feeds" in summary
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert "Stopped" in err
    assert "new_proposition" in out
    with Store(db) as store:
        assert store.count_documents() == 1
