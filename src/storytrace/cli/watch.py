"""`storytrace watch`: poll feeds, keep the dossier current, print what changed as JSON lines."""

from __future__ import annotations

import json
import signal
import sys
from types import FrameType
from typing import Any

import click

from storytrace.batch import IngestOptions
from storytrace.cli.output import db_option
from storytrace.cli.pipeline import pack_config, pipeline_names, pipeline_options
from storytrace.store import Store
from storytrace.watch import Watcher, WatchOptions, parse_interval

__all__ = ["watch_command"]

# Exit code of --once when a feed failed, as `ingest` does when some inputs failed: cron mails the owner.
EXIT_SOME_FAILED = 3
MIN_EVERY = 30.0  # seconds: polling a feed more often than this is rude to its server


def _interval(ctx: click.Context, param: click.Parameter, value: str) -> float:
    try:
        seconds = parse_interval(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if param.name == "every" and seconds < MIN_EVERY:
        raise click.BadParameter(f"{value!r} is too often; poll feeds at most every {MIN_EVERY:g} s")
    return seconds


def _feeds(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    for url in value:
        if not url.strip().lower().startswith(("http://", "https://")):
            raise click.BadParameter(
                f"{url!r} is not an http(s) feed URL; to read a feed file, use `storytrace ingest`"
            )
    return value


def _webhook(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.strip().lower().startswith(("http://", "https://")):
        raise click.BadParameter(f"{value!r} is not an http(s) URL")
    return value


def _print(change: dict[str, Any]) -> None:
    # Flushed line by line: a consumer (`| jq`, a tail) sees each change as it happens.
    sys.stdout.write(json.dumps(change, ensure_ascii=False) + "\n")
    sys.stdout.flush()


@click.command("watch")
@click.argument("feeds", nargs=-1, required=True, callback=_feeds)
@db_option
@click.option(
    "--every", default="15m", show_default=True, callback=_interval, help="How often to poll each feed (90s, 15m, 1h)."
)
@click.option("--once", is_flag=True, help="Run one round and exit (for cron); failing feeds still wait their backoff.")
@click.option(
    "--entity", "entities", multiple=True, help="Report new reports naming this entity (id or name); repeatable."
)
@click.option(
    "--webhook", callback=_webhook, help="Also POST each change as JSON to this URL (failures are logged, never fatal)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1),
    default=20.0,
    show_default=True,
    help="Seconds to wait for a silent server; a whole download gets three times this.",
)
@click.option(
    "--host-interval",
    type=click.FloatRange(0.0),
    default=1.0,
    show_default=True,
    help="Minimum seconds between two requests to the same host.",
)
@click.option(
    "--max-backoff",
    default="6h",
    show_default=True,
    callback=_interval,
    help="Longest wait before retrying a failing feed.",
)
@click.option("--no-fetch-pages", is_flag=True, help="Use the items' own text; do not fetch their pages.")
@pipeline_options
@click.option("-q", "--quiet", is_flag=True, help="No per-round summary on stderr.")
@click.pass_context
def watch_command(
    ctx: click.Context,
    feeds: tuple[str, ...],
    db_path: str,
    every: float,
    once: bool,
    entities: tuple[str, ...],
    webhook: str | None,
    timeout: float,
    host_interval: float,
    max_backoff: float,
    no_fetch_pages: bool,
    pipeline: str,
    packs: tuple[str, ...],
    quiet: bool,
) -> None:
    """Poll FEEDS (RSS/Atom URLs), ingest new items, re-resolve, and print each change as one JSON line.

    Each round polls every due feed with a conditional GET, ingests new items as `ingest` does (a page already
    in the store is never fetched again), re-runs `resolve` when anything arrived, and prints on stdout:
    new_proposition, status_changed (old and new status, with reasons), entity_report (for --entity),
    feed_error and item_error (with what to do), feed_recovered. A failing feed is retried with exponential
    backoff and never stops the others. State lives in the store: stop and restart at will.
    Ctrl-C or SIGTERM stops after the current item.

    \b
    Examples:
      storytrace watch https://example.org/feed.xml --every 15m --db story.db
      storytrace watch https://a.example/rss https://b.example/atom --once --entity "Kataib al-Nour"
      storytrace watch https://example.org/feed.xml --webhook http://127.0.0.1:9000/hook | jq .type
    """
    options = WatchOptions(
        every=every,
        timeout=timeout,
        host_interval=host_interval,
        max_backoff=max_backoff,
        entities=entities,
        webhook=webhook,
        ingest=IngestOptions(
            fetch_feed_pages=not no_fetch_pages, pipeline=pipeline_names(pipeline), config=pack_config(packs)
        ),
    )
    failed = 0
    with Store(db_path) as store, Watcher(store, feeds, options, emit=_print) as watcher:
        previous = _stop_on_signals(watcher)
        try:
            while True:
                report = watcher.run_round(ignore_schedule=once)
                failed += report.failed_feeds
                if not quiet:
                    click.echo(report.summary(), err=True)
                if once or watcher.stop_event.wait(watcher.seconds_until_due()):
                    break
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
    if watcher.stop_event.is_set() and not quiet:
        click.echo("Stopped; run the same command again to carry on where it left off.", err=True)
    if once and failed:
        ctx.exit(EXIT_SOME_FAILED)


def _stop_on_signals(watcher: Watcher) -> dict[int, Any]:
    """SIGINT/SIGTERM ask the watcher to stop between items; a second one interrupts at once."""
    previous: dict[int, Any] = {}

    def handle(signum: int, frame: FrameType | None) -> None:
        if watcher.stop_event.is_set():
            raise KeyboardInterrupt
        click.echo("Stopping after the current item (again to interrupt now)…", err=True)
        watcher.stop()

    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, handle)
    return previous
