"""`storytrace ingest`: files, folders, URLs, feeds, JSONL and stdin into the store."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from storytrace.batch import IngestOptions, ItemOutcome, ingest
from storytrace.clean.dates import parse_date_string
from storytrace.cli.dossier import resolve_summary
from storytrace.cli.output import db_option
from storytrace.cli.pipeline import pack_config, pipeline_names, pipeline_options
from storytrace.ingest.files import ReadOptions, walk_folder
from storytrace.ingest.web import FetchOptions
from storytrace.resolve.job import resolve_store
from storytrace.store import Store

__all__ = ["ingest_command", "workers_option"]

F = TypeVar("F", bound=Callable[..., Any])

# Exit codes: 0 all inputs read, 1 an error stopped the command, 3 some inputs failed (see `storytrace failures`).
EXIT_SOME_FAILED = 3


class _Progress:
    """A progress bar on stderr while a batch runs (only on a terminal), and one line per failed input.

    The total is estimated before the run from the files under the local inputs (a JSONL file counts its
    lines); URLs and feeds add what they yield as they go, so the bar can grow.
    """

    def __init__(self, *, quiet: bool, jsonl: bool, total: int) -> None:
        self.jsonl = jsonl
        self.live = sys.stderr.isatty() and not quiet
        self.total = total
        self.seen = 0
        self.failed = 0
        self.started = time.monotonic()
        self.drawn = 0.0

    def __call__(self, outcome: ItemOutcome) -> None:
        self.seen += 1
        if outcome.failure is not None:
            self.failed += 1
            self._clear()
            click.echo(f"skipped {outcome.failure.line()}", err=True)
        if self.jsonl:
            row = {
                "input": outcome.locator,
                "status": outcome.status,
                "doc_id": outcome.doc_id,
                "near_duplicate_of": outcome.near_duplicate_of,
                "error": outcome.failure.line() if outcome.failure else None,
            }
            click.echo(json.dumps(row, ensure_ascii=False))
        now = time.monotonic()
        if self.live and now - self.drawn > 0.1:
            self.drawn = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        total = max(self.total, self.seen)
        done = int(30 * self.seen / total) if total else 30
        rate = self.seen / max(now - self.started, 1e-6)
        eta = (total - self.seen) / rate if rate else 0
        failed = f" · {self.failed} failed" if self.failed else ""
        line = f"[{'#' * done}{'-' * (30 - done)}] {self.seen}/{total} inputs · {rate:.0f}/s · {eta:.0f}s left{failed}"
        click.echo("\r" + line.ljust(90), nl=False, err=True)

    def _clear(self) -> None:
        if self.live:
            click.echo("\r" + " " * 90 + "\r", nl=False, err=True)

    def close(self) -> None:
        self._clear()


def _estimate_total(inputs: tuple[str, ...]) -> int:
    """How many inputs a batch will yield, roughly, counted without reading the files' contents."""
    total = 0
    for arg in inputs:
        path = Path(arg)
        if arg == "-" or "://" in arg or not path.exists():
            total += 1
            continue
        for file in walk_folder(path) if path.is_dir() else [path]:
            if file.suffix.lower() in {".jsonl", ".ndjson"}:
                with file.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            else:
                total += 1
    return total


def _check_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    parsed = parse_date_string(value)
    if parsed is None:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD or an ISO 8601 datetime")
    return parsed[0]


def _check_workers(ctx: click.Context, param: click.Parameter, value: str) -> int:
    if value == "auto":  # the cores this process may run on, which a container may limit below the machine's
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise click.BadParameter(f"{value!r} is not a number of workers; give a whole number, 1 or more, or auto")
    return count


def workers_option(func: F) -> F:
    """``--workers N|auto``, shared by ingest, extract and process."""
    return click.option(
        "--workers",
        default="1",
        show_default=True,
        metavar="N|auto",
        callback=_check_workers,
        help="Processes that annotate reports side by side (auto: one per core). Each loads its own copy of the "
        "pipeline, so memory grows with N; reading and the store stay in one process, and the results are the "
        "same as with 1.",
    )(func)


@click.command("ingest")
@click.argument("inputs", nargs=-1, required=True)
@db_option
@click.option("--published", callback=_check_date, help="Publication date for inputs that carry none (YYYY-MM-DD).")
@click.option("--outlet", help="Outlet name for inputs that carry none.")
@click.option(
    "--max-bytes",
    type=click.IntRange(1),
    default=20 * 1024 * 1024,
    show_default=True,
    help="Largest article to read, for files and downloads alike.",
)
@click.option("--encoding", help="Read files in this encoding instead of detecting it.")
@click.option(
    "--timeout",
    type=click.FloatRange(0.1),
    default=20.0,
    show_default=True,
    help="Seconds to wait for a web server to answer.",
)
@click.option("--no-fetch-pages", is_flag=True, help="For feeds, use the items' own text; do not fetch their pages.")
@click.option("--refetch", is_flag=True, help="Fetch feed items again even when their URL is already in the store.")
@click.option("--no-near-duplicates", is_flag=True, help="Skip near-duplicate detection (faster for huge piles).")
@pipeline_options
@workers_option
@click.option(
    "--resolve/--no-resolve",
    "do_resolve",
    default=True,
    show_default=True,
    help="Resolve the dossier (entities, events, propositions, statuses) when reports were added.",
)
@click.option("--jsonl", "as_jsonl", is_flag=True, help="Print one JSON line per input on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="Print only failures.")
@click.pass_context
def ingest_command(
    ctx: click.Context,
    inputs: tuple[str, ...],
    db_path: str,
    published: str | None,
    outlet: str | None,
    max_bytes: int,
    encoding: str | None,
    timeout: float,
    no_fetch_pages: bool,
    refetch: bool,
    no_near_duplicates: bool,
    pipeline: str,
    packs: tuple[str, ...],
    workers: int,
    do_resolve: bool,
    as_jsonl: bool,
    quiet: bool,
) -> None:
    """Read INPUTS into the store: files, folders (recursive), http(s) URLs, RSS/Atom feeds, JSONL, or - for stdin.

    Each new report is annotated on the way in by the `default` pipeline (sentences, times, entities,
    attributions, …); `--pipeline light` stores reports unannotated, for `storytrace process` later. When reports
    were added, the dossier is then resolved (as `storytrace resolve` does) unless `--no-resolve` is given.
    Running the same command again changes nothing; a run that was interrupted resumes where it stopped.
    Each input that cannot be read gets one line on stderr and a row in `storytrace failures`.

    \b
    Examples:
      storytrace ingest examples/demo --pack examples/packs/ain-bashura
      storytrace ingest https://example.org/feed.xml --db story.db
      cat reports.jsonl | storytrace ingest -
      storytrace ingest reports/ --pipeline fast --workers auto
    """
    options = IngestOptions(
        read=ReadOptions(max_bytes=max_bytes, encoding=encoding),
        fetch=FetchOptions(read_timeout=timeout, max_bytes=max_bytes),
        published=published,
        outlet=outlet,
        near_duplicates=not no_near_duplicates,
        fetch_feed_pages=not no_fetch_pages,
        refetch=refetch,
        pipeline=pipeline_names(pipeline),
        config=pack_config(packs),
        workers=workers,
    )
    progress = _Progress(quiet=quiet, jsonl=as_jsonl, total=_estimate_total(inputs))
    with Store(db_path) as store:
        try:
            report = ingest(store, list(inputs), options, on_outcome=progress)
        finally:
            progress.close()
        total = store.count_documents()
        counts = report.counts
        if not quiet and not as_jsonl:
            click.echo(
                f"{sum(counts.values()) - counts['near_duplicate']} inputs: {counts['added']} added "
                f"({counts['near_duplicate']} near-duplicates linked), {counts['duplicate']} exact duplicates, "
                f"{counts['unchanged']} unchanged, {counts['failed']} failed. Store {db_path}: {total} documents."
            )
        if do_resolve and counts["added"] and pipeline != "light":  # unannotated reports give nothing to resolve
            summary = resolve_summary(resolve_store(store))
            if not quiet and not as_jsonl:
                click.echo(f"Resolved: {summary}")
    if counts["failed"]:
        ctx.exit(EXIT_SOME_FAILED)
