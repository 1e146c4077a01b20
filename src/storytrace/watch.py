"""Watch feeds: poll them politely, ingest what is new, re-resolve, and report what changed in the dossier.

One round (``Watcher.run_round``) polls every feed that is due, each with a conditional GET (``If-None-Match`` /
``If-Modified-Since`` from the validators kept in ``watch_feeds``); a 304 costs one request and nothing else. New
items go through the same path as ``storytrace ingest`` (``batch``: clean, annotate, exact and near-duplicate
checks), item pages already in the store are never fetched again, and the per-host politeness clock of one
long-lived ``Fetcher`` spaces every request to a host. When documents arrived that watch has not yet accounted for,
``resolve_store`` brings the dossier up to date (the new reports join it: resolve/incremental.py) and the
propositions it wrote are compared with the snapshot of the last report:

- ``new_proposition``: a proposition none of whose claims belonged to a reported proposition;
- ``status_changed``: a proposition (or its successor, when new claims gave it a new id) whose status moved, e.g.
  corroborated → contested, with the old and new reasons and the new reports behind the move;
- ``entity_report``: a new report naming a watched entity;
- ``feed_error`` (one per failed poll, with the hint and when the next try is), ``item_error`` (an item page that
  failed; retried up to ``max_item_attempts`` times) and ``feed_recovered``.

A failing feed backs off exponentially (``every`` × 2^(failures-1), capped, with ±20 % jitter) and never stops the
others. State lives in the store, so a restart neither duplicates nor loses anything: validators are saved only
after all of a feed's items were handled, and the documents and snapshot are marked as reported only after their
changes were emitted (so a crash in between reports them again: delivery is at least once, never zero times).

Known gaps: robots.txt is not consulted (neither does ``Fetcher``); rounds poll feeds one after another, so one
slow feed delays the others by up to the fetch deadline; a round with news costs the new reports' join, not a
rebuild, except when a judgement or ``storytrace process`` forces a full resolve (see docs/watch.md); a proposition
that disappears (merged into another) is not reported; the webhook gets one retry, then the change is only logged.
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from storytrace.batch import IngestOptions, NearDuplicateLinker, process_raw
from storytrace.errors import FetchError, InputError, MalformedFeed, NotFound, StorytraceError
from storytrace.ingest.feeds import iter_feed_pages, parse_feed
from storytrace.ingest.files import decode_bytes
from storytrace.ingest.web import Fetcher, FetchOptions, sniff_kind
from storytrace.model import Failure, RawItem
from storytrace.pipeline import Pipeline
from storytrace.resolve.incremental import chunks, marks
from storytrace.resolve.job import resolve_store
from storytrace.store import Store, now_iso
from storytrace.store.dossier import find_entity

__all__ = ["RoundReport", "WatchOptions", "Watcher", "parse_interval"]

logger = logging.getLogger(__name__)

Change = dict[str, Any]

_INTERVAL_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)", re.I)
_UNIT_SECONDS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_interval(text: str) -> float:
    """Seconds in '15m', '90s', '1h30m', '2d' or a bare number of seconds; ValueError if it is none of these."""
    compact = text.strip().replace(" ", "")
    if not compact or _INTERVAL_PART.sub("", compact):
        raise ValueError(f"{text!r} is not a duration; write e.g. 90s, 15m, 1h30m or 2d")
    total = sum(float(n) * _UNIT_SECONDS[unit.lower()] for n, unit in _INTERVAL_PART.findall(compact))
    if total <= 0:
        raise ValueError(f"{text!r} is not a positive duration")
    return total


@dataclass(slots=True)
class WatchOptions:
    """How often and how gently to poll, what to watch, and how new items are ingested."""

    every: float = 900.0  # seconds between two polls of a healthy feed
    timeout: float = 20.0  # longest silence from a server; the whole download gets three times this
    host_interval: float = 1.0  # min seconds between two requests to the same host
    max_backoff: float = 6 * 3600.0  # a failing feed is still tried at least this often
    max_item_attempts: int = 3  # an item page that keeps failing is given up after this many rounds
    entities: tuple[str, ...] = ()  # ids, names or spellings of entities whose new reports are reported
    webhook: str | None = None  # POST each change here as JSON
    ingest: IngestOptions = field(default_factory=IngestOptions)

    def fetch_options(self) -> FetchOptions:
        base = self.ingest.fetch
        return FetchOptions(
            connect_timeout=min(base.connect_timeout, self.timeout),
            read_timeout=self.timeout,
            deadline=self.timeout * 3,
            max_bytes=base.max_bytes,
            user_agent=base.user_agent,
            politeness_delay=self.host_interval,
            retries=base.retries,
            retry_wait_cap=min(base.retry_wait_cap, self.timeout),
            trust_env=base.trust_env,
        )


@dataclass(slots=True)
class RoundReport:
    """What one round did; the changes were also emitted as they were found."""

    at: str
    polled: int = 0
    not_modified: int = 0
    failed_feeds: int = 0
    not_due: int = 0
    counts: Counter[str] = field(default_factory=Counter)  # item outcomes: added, duplicate, unchanged, failed
    new_documents: int = 0
    resolved: bool = False
    interrupted: bool = False
    changes: list[Change] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: {"poll": 0.0, "resolve": 0.0, "diff": 0.0})

    def summary(self) -> str:
        c = self.counts
        return (
            f"{self.at}: polled {self.polled} feeds ({self.not_modified} unchanged, {self.failed_feeds} failed, "
            f"{self.not_due} not due); items {c['added']} added, {c['duplicate']} duplicates, {c['failed']} failed; "
            f"{len(self.changes)} changes; poll {self.seconds['poll']:.2f} s, resolve {self.seconds['resolve']:.2f} s"
        )


@dataclass(slots=True)
class _FeedState:
    url: str
    etag: str | None
    last_modified: str | None
    failures: int
    next_poll: str | None
    last_success: str | None


class Watcher:
    """Polls ``feeds`` into ``store``; ``emit`` gets each change (a JSON-ready dict) as soon as it is known.

    ``clock`` (epoch seconds) and ``rng`` are injectable so tests can move time and fix the jitter.
    """

    def __init__(
        self,
        store: Store,
        feeds: Sequence[str],
        options: WatchOptions | None = None,
        *,
        emit: Callable[[Change], None] | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.feeds = list(dict.fromkeys(url.strip() for url in feeds))
        self.options = options or WatchOptions()
        self._emit = emit
        self.clock = clock
        self.rng = rng or random.Random()
        self.stop_event = threading.Event()
        self.fetcher = Fetcher(self.options.fetch_options())
        self._pipeline: Pipeline | None = None  # built on first use: loading models costs seconds
        self._linker = NearDuplicateLinker(store) if self.options.ingest.near_duplicates else None
        self._webhook = httpx.Client(timeout=self.options.timeout) if self.options.webhook else None
        self._start()

    # -- lifecycle -------------------------------------------------------------------------------------------

    def close(self) -> None:
        self.fetcher.close()
        if self._webhook is not None:
            self._webhook.close()

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def stop(self) -> None:
        """Ask the loop to stop: the current item finishes, the rest waits for the next run."""
        self.stop_event.set()

    def _start(self) -> None:
        """Register the feeds; on the very first watch of a store, take what it holds as already reported."""
        db = self.store.db
        first = db.execute("SELECT 1 FROM watch_feeds LIMIT 1").fetchone() is None
        if first and db.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None:
            # The dossier may be older than the last ingest: bring it up to date before taking it as reported.
            logger.info("first watch of %s: resolving its dossier once, to report only what is new", self.store.path)
            resolve_store(self.store)
        with self.store.transaction():
            if first:
                # Reports ingested before watching are not news: without this, the first round would announce
                # every proposition of the store.
                db.execute(
                    "INSERT OR IGNORE INTO watch_documents (doc_id, seen_at) SELECT id, ? FROM documents",
                    (self._iso(),),
                )
                self._snapshot()
            db.executemany("INSERT OR IGNORE INTO watch_feeds (url) VALUES (?)", [(url,) for url in self.feeds])

    # -- the loop --------------------------------------------------------------------------------------------

    def run(self, *, max_rounds: int | None = None) -> None:
        """Run rounds until ``stop()`` (or ``max_rounds``), sleeping until the next feed is due."""
        rounds = 0
        while not self.stop_event.is_set():
            self.run_round()
            rounds += 1
            if max_rounds is not None and rounds >= max_rounds:
                return
            self.stop_event.wait(self.seconds_until_due())

    def seconds_until_due(self) -> float:
        """How long until the earliest feed is due (0 if one is), never more than ``every``."""
        now = self.clock()
        wait = self.options.every
        for state in self._states():
            due = _epoch(state.next_poll) if state.next_poll else now
            wait = min(wait, max(0.0, due - now))
        return wait

    def run_round(self, *, ignore_schedule: bool = False) -> RoundReport:
        """Poll the due feeds, ingest their new items, resolve if anything arrived, emit the changes.

        ``ignore_schedule`` polls healthy feeds even before they are due (``--once`` from cron, where cron sets
        the pace); a failing feed still waits for the end of its backoff.
        """
        report = RoundReport(at=self._iso())
        started = time.perf_counter()
        for state in self._states():
            if self.stop_event.is_set():
                report.interrupted = True
                break
            if not self._is_due(state, ignore_schedule):
                report.not_due += 1
                continue
            self._poll(state, report)
        if report.counts.total():
            # Recorded only when items came, so that a day of 304s leaves no trace in `runs`.
            self.store.finish_run(self.store.start_run("watch " + " ".join(self.feeds)), dict(report.counts))
        report.seconds["poll"] = time.perf_counter() - started
        if not report.interrupted:
            self._report_dossier(report)
        return report

    # -- polling ---------------------------------------------------------------------------------------------

    def _states(self) -> list[_FeedState]:
        rows = self.store.db.execute(
            "SELECT url, etag, last_modified, failures, next_poll, last_success FROM watch_feeds "
            f"WHERE url IN ({marks(self.feeds)})",
            self.feeds,
        ).fetchall()
        by_url = {r["url"]: _FeedState(*r) for r in rows}
        return [by_url[url] for url in self.feeds if url in by_url]

    def _is_due(self, state: _FeedState, ignore_schedule: bool) -> bool:
        if state.next_poll is None or (ignore_schedule and state.failures == 0):
            return True
        return _epoch(state.next_poll) <= self.clock()

    def _poll(self, state: _FeedState, report: RoundReport) -> None:
        url = state.url
        report.polled += 1
        headers = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        try:
            fetched = self.fetcher.fetch(url, headers=headers)
            if fetched.status == 304:
                report.not_modified += 1
                self._succeeded(
                    state,
                    report,
                    etag=fetched.headers.get("etag", state.etag),
                    last_modified=fetched.headers.get("last-modified", state.last_modified),
                )
                return
            if sniff_kind(fetched.content, fetched.content_type, fetched.final_url) == "html":
                raise MalformedFeed(
                    "the URL serves an HTML page, not a feed",
                    locator=url,
                    hint="give the address of the site's RSS or Atom feed (look for a feed link on the page)",
                )
            feed = parse_feed(
                fetched.content, url=fetched.final_url, locator=url, content_type=fetched.headers.get("content-type")
            )
        except StorytraceError as exc:
            self._failed(state, report, exc)
            return
        items = iter_feed_pages(
            feed,
            url,
            self.fetcher,
            fetch_pages=self.options.ingest.fetch_feed_pages,
            skip=None if self.options.ingest.refetch else self.store.has_sighting,
        )
        complete = self._ingest_items(url, items, report)
        if report.interrupted:
            # Stopped halfway: forget the validators and stay due, so the next run sees the whole feed again.
            self.store.db.execute("UPDATE watch_feeds SET etag = NULL, last_modified = NULL WHERE url = ?", (url,))
            return
        # Validators are kept only when every item was handled: otherwise the next poll must see the feed again.
        self._succeeded(
            state,
            report,
            etag=fetched.headers.get("etag") if complete else None,
            last_modified=fetched.headers.get("last-modified") if complete else None,
        )

    def _ingest_items(self, feed_url: str, feed_items: Iterable[RawItem | FetchError], report: RoundReport) -> bool:
        """Process a feed's raw items; False if an item is left to retry or the loop was asked to stop."""
        if self._pipeline is None:
            self._pipeline = Pipeline.from_names(self.options.ingest.pipeline, self.options.ingest.config)
        complete = True
        added = 0
        for raw in feed_items:
            if self.stop_event.is_set():
                report.interrupted = True
                return False
            item: RawItem | StorytraceError = raw
            if isinstance(raw, RawItem) and isinstance(raw.content, bytes):
                try:
                    raw.content = decode_bytes(raw.content, raw.locator, raw.encoding)
                except InputError as exc:
                    item = exc
            outcome = process_raw(self.store, item, self.options.ingest, self._pipeline, self._linker)
            report.counts[outcome.status] += 1
            added += outcome.status == "added"
            if outcome.failure is not None:
                retry = self._item_failed(feed_url, outcome.failure.locator, outcome.failure, report)
                complete = complete and not retry
        if added:
            self.store.db.execute(
                "UPDATE watch_feeds SET items_added = items_added + ? WHERE url = ?", (added, feed_url)
            )
        return complete

    def _item_failed(self, feed_url: str, locator: str, failure: Failure, report: RoundReport) -> bool:
        """Emit an item's failure; True if it should be tried again next round."""
        row = self.store.db.execute("SELECT count FROM failures WHERE id = ?", (failure.id,)).fetchone()
        attempts = int(row[0]) if row else 1
        # A page that failed but whose feed text was kept has a sighting: nothing left to retry.
        retry = attempts < self.options.max_item_attempts and not self.store.has_sighting(locator)
        self._send(
            report,
            {
                "type": "item_error",
                "feed": feed_url,
                "item": locator,
                "code": failure.code,
                "error": failure.message,
                "hint": failure.hint,
                "attempt": attempts,
                "will_retry": retry,
            },
        )
        return retry

    def _succeeded(
        self, state: _FeedState, report: RoundReport, *, etag: str | None, last_modified: str | None
    ) -> None:
        now = self.clock()
        if state.failures:
            self._send(
                report,
                {
                    "type": "feed_recovered",
                    "feed": state.url,
                    "after_failures": state.failures,
                    "last_success_before": state.last_success,
                },
            )
        self.store.db.execute(
            "UPDATE watch_feeds SET etag = ?, last_modified = ?, last_poll = ?, last_success = ?, failures = 0, "
            "next_poll = ?, last_error = NULL WHERE url = ?",
            (etag, last_modified, _iso(now), _iso(now), _iso(now + self.options.every), state.url),
        )

    def _failed(self, state: _FeedState, report: RoundReport, exc: StorytraceError) -> None:
        now = self.clock()
        failures = state.failures + 1
        delay = self.backoff(failures)
        next_poll = _iso(now + delay)
        report.failed_feeds += 1
        self.store.db.execute(
            "UPDATE watch_feeds SET last_poll = ?, failures = ?, next_poll = ?, last_error = ? WHERE url = ?",
            (_iso(now), failures, next_poll, exc.line(), state.url),
        )
        since = f" since {state.last_success}" if state.last_success else " and has never answered"
        self._send(
            report,
            {
                "type": "feed_error",
                "feed": state.url,
                "code": exc.code,
                "error": exc.message,
                "hint": exc.hint,
                "failures": failures,
                "next_poll": next_poll,
                "what_to_do": f"{exc.hint}; the feed has failed {failures} time(s) in a row{since}, "
                f"next try at {next_poll}"
                + ("; if it stays down, check the URL or drop it from the watch list" if failures >= 5 else ""),
            },
        )

    def backoff(self, failures: int) -> float:
        """Seconds before retrying a feed after ``failures`` failed polls in a row: doubling, capped, jittered."""
        opts = self.options
        delay = min(opts.every * 2.0 ** min(failures - 1, 30), max(opts.max_backoff, opts.every))
        # Jitter spreads the retries of feeds that failed together (one host down) so they do not return at once.
        return delay * self.rng.uniform(0.8, 1.2)

    # -- the dossier -----------------------------------------------------------------------------------------

    def _report_dossier(self, report: RoundReport) -> None:
        db = self.store.db
        new_docs = [
            r[0]
            for r in db.execute(
                "SELECT id FROM documents WHERE id NOT IN (SELECT doc_id FROM watch_documents) ORDER BY n"
            )
        ]
        report.new_documents = len(new_docs)
        if not new_docs:
            return
        started = time.perf_counter()
        since = now_iso()  # the propositions resolve writes now are stamped no earlier
        resolve_store(self.store)
        report.resolved = True
        report.seconds["resolve"] = time.perf_counter() - started
        started = time.perf_counter()
        # Only what this resolve wrote can have changed: the diff costs what the new reports touched, not the store.
        touched = [r[0] for r in db.execute("SELECT id FROM propositions WHERE updated_at >= ?", (since,))]
        changes = self._proposition_changes(set(new_docs), touched) + self._entity_reports(new_docs)
        for change in changes:
            self._send(report, change)
        # Marked as reported only now: a crash before this line reports the same changes again next time.
        with self.store.transaction():
            db.executemany(
                "INSERT OR IGNORE INTO watch_documents (doc_id, seen_at) VALUES (?, ?)",
                [(d, report.at) for d in new_docs],
            )
            self._snapshot(touched)
        report.seconds["diff"] = time.perf_counter() - started

    def _snapshot(self, touched: list[str] | None = None) -> None:
        """Keep the dossier as reported: all of it, or only the ``touched`` propositions (and drop vanished ones)."""
        db = self.store.db
        if touched is None:
            db.execute("DELETE FROM watch_propositions")
            db.execute("DELETE FROM watch_claims")
            db.execute(
                "INSERT INTO watch_propositions (id, status, reasons, reports) SELECT id, status, reasons, reports "
                "FROM propositions"
            )
            db.execute(
                "INSERT INTO watch_claims (claim_id, proposition_id) SELECT id, proposition_id FROM claims "
                "WHERE proposition_id IS NOT NULL"
            )
            return
        db.execute("DELETE FROM watch_propositions WHERE id NOT IN (SELECT id FROM propositions)")
        for chunk in chunks(touched):
            held = marks(chunk)
            db.execute(
                "INSERT OR REPLACE INTO watch_propositions (id, status, reasons, reports) SELECT id, status, reasons, "
                f"reports FROM propositions WHERE id IN ({held})",
                chunk,
            )
            db.execute(
                "INSERT OR REPLACE INTO watch_claims (claim_id, proposition_id) SELECT id, proposition_id FROM claims "
                f"WHERE proposition_id IN ({held})",
                chunk,
            )

    def _proposition_changes(self, new_docs: set[str], touched: list[str]) -> list[Change]:
        """New propositions and status changes among the ``touched`` ones, against the snapshot."""
        db = self.store.db
        members: dict[str, list[Any]] = defaultdict(list)
        props: list[Any] = []
        for chunk in chunks(touched):
            held = marks(chunk)
            for claim in db.execute(
                "SELECT c.id, c.proposition_id, c.doc_id, c.stance, c.text, d.outlet, d.title, d.url, d.published_at "
                f"FROM claims c JOIN documents d ON d.id = c.doc_id WHERE c.proposition_id IN ({held}) "
                "ORDER BY c.published_at, c.doc_id, c.start_char",
                chunk,
            ):
                members[claim["proposition_id"]].append(claim)
            props.extend(
                db.execute(
                    "SELECT id, text, status, reasons, origins, supports, refutes, reports, first_seen, last_seen "
                    f"FROM propositions WHERE id IN ({held})",
                    chunk,
                )
            )
        props.sort(key=lambda p: (p["first_seen"] is not None, p["first_seen"] or "", p["id"]))
        claim_ids = [c["id"] for claims in members.values() for c in claims]
        old_claims: dict[str, str] = {}
        for chunk in chunks(claim_ids):
            sql = f"SELECT claim_id, proposition_id FROM watch_claims WHERE claim_id IN ({marks(chunk)})"
            old_claims.update(db.execute(sql, chunk).fetchall())
        old: dict[str, tuple[str, Any]] = {}
        for chunk in chunks(sorted({*touched, *old_claims.values()})):
            sql = f"SELECT id, status, reasons FROM watch_propositions WHERE id IN ({marks(chunk)})"
            old.update((r[0], (r[1], json.loads(r[2]))) for r in db.execute(sql, chunk))
        changes: list[Change] = []
        for prop in props:
            claims = members.get(prop["id"], [])
            predecessor = prop["id"] if prop["id"] in old else _predecessor(claims, old_claims, old)
            fresh = [_report_of(c) for c in claims if c["doc_id"] in new_docs]
            base = {
                "proposition": prop["id"],
                "text": prop["text"],
                "status": prop["status"],
                "reasons": json.loads(prop["reasons"]),
                "origins": prop["origins"],
                "supports": prop["supports"],
                "refutes": prop["refutes"],
                "reports": prop["reports"],
                "new_reports": fresh,
            }
            if predecessor is None:
                changes.append({"type": "new_proposition", **base})
            elif old[predecessor][0] != prop["status"]:
                change: Change = {
                    "type": "status_changed",
                    **base,
                    "old_status": old[predecessor][0],
                    "old_reasons": old[predecessor][1],
                }
                if predecessor != prop["id"]:
                    change["previous_id"] = predecessor  # new claims made another claim its first: new id
                changes.append(change)
        return changes

    def _entity_reports(self, new_docs: list[str]) -> list[Change]:
        db = self.store.db
        changes: list[Change] = []
        for ref in self.options.entities:
            try:
                entity_id = find_entity(self.store, ref)
            except NotFound:
                continue  # not named in any report yet; it may be tomorrow
            name_row = db.execute("SELECT name FROM entities WHERE id = ?", (entity_id,)).fetchone()
            spellings: dict[str, set[str]] = defaultdict(set)
            for doc_id in new_docs:  # the new reports' mentions, not every mention of the entity
                for (text,) in db.execute(
                    "SELECT text FROM mentions WHERE doc_id = ? AND entity_id = ?", (doc_id, entity_id)
                ):
                    spellings[doc_id].add(text)
            for doc_id in new_docs:
                if doc_id not in spellings:
                    continue
                doc = db.execute(
                    "SELECT outlet, title, url, published_at FROM documents WHERE id = ?", (doc_id,)
                ).fetchone()
                changes.append(
                    {
                        "type": "entity_report",
                        "entity": entity_id,
                        "name": name_row[0] if name_row else ref,
                        "doc_id": doc_id,
                        "outlet": doc["outlet"],
                        "title": doc["title"],
                        "url": doc["url"],
                        "published_at": doc["published_at"],
                        "spellings": sorted(spellings[doc_id]),
                    }
                )
        return changes

    # -- output ----------------------------------------------------------------------------------------------

    def _send(self, report: RoundReport, change: Change) -> None:
        change = {"type": change["type"], "at": report.at, **change}
        report.changes.append(change)
        if self._emit is not None:
            self._emit(change)
        if self._webhook is not None and self.options.webhook:
            self._post(self.options.webhook, change)

    def _post(self, url: str, change: Change) -> None:
        for attempt in (1, 2):
            try:
                response = self._webhook.post(url, json=change) if self._webhook is not None else None
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if response is None or response.status_code < 300:
                    return
                problem = f"HTTP {response.status_code}"
            if attempt == 1:
                time.sleep(0.5)
        logger.warning("webhook %s did not take a %s change (%s); it is on stdout only", url, change["type"], problem)

    def _iso(self) -> str:
        return _iso(self.clock())


def _predecessor(claims: list[Any], old_claims: dict[str, str], old: dict[str, Any]) -> str | None:
    """The reported proposition most of these claims belonged to, if any did."""
    votes = Counter(old_claims[c["id"]] for c in claims if old_claims.get(c["id"]) in old)
    return votes.most_common(1)[0][0] if votes else None


def _report_of(claim: Any) -> dict[str, Any]:
    return {
        "doc_id": claim["doc_id"],
        "outlet": claim["outlet"],
        "title": claim["title"],
        "url": claim["url"],
        "published_at": claim["published_at"],
        "stance": claim["stance"],
        "claim": claim["text"],
    }


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()
