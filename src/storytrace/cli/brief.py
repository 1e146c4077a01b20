"""`storytrace brief`: a sourced briefing of the story, in Markdown or self-contained HTML."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from storytrace.cli.output import db_option
from storytrace.report.brief import BriefOptions, build_briefing, record_briefing, render_briefing
from storytrace.store import Store

__all__ = ["brief_command"]


def _check_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; give it as YYYY-MM-DD") from None


@click.command("brief")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html"]),
    help="Markdown (the default) or one self-contained, printable HTML page (default for an -o ending in .html).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to this file, not stdout.")
@click.option("--since", callback=_check_date, metavar="DATE", help="Only reports published on or after DATE.")
@click.option("--about", metavar="ENTITY", help="Only what involves this entity (id, name or spelling).")
@click.option("--topic", metavar="TEXT", help="Only claims and events whose sentence matches TEXT (full text).")
@click.option(
    "--limit", type=click.IntRange(1), default=12, show_default=True, help="Key propositions (timeline: twice as many)."
)
@click.option("--no-record", is_flag=True, help="Do not remember this briefing (the next one compares with the last).")
def brief_command(
    db_path: str,
    fmt: str | None,
    output: str | None,
    since: str | None,
    about: str | None,
    topic: str | None,
    limit: int,
    no_record: bool,
) -> None:
    """A briefing on the story where every sentence cites the report sentences it rests on.

    Key propositions with their status and why, who says what on whose authority, conflicting figures and
    dates side by side, the timeline, the actors and their affiliations, and what changed since the last
    briefing of the same scope. Run `storytrace resolve` first.

    \b
    Examples:
      storytrace brief -o briefing.md
      storytrace brief --about "Kata'ib Sayf al-Hudhud" --since 2025-03-10 -o ksh.html
      storytrace brief --topic ambush --no-record
    """
    if fmt is None:
        fmt = "html" if output and Path(output).suffix.lower() in (".html", ".htm") else "md"
    with Store(db_path, create=False) as store:
        briefing = build_briefing(store, BriefOptions(about=about, topic=topic, since=since, limit=limit))
        text = render_briefing(briefing, fmt)
        for warning in briefing.warnings:
            click.echo(f"Warning: {warning}", err=True)
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        if not no_record:
            record_briefing(store, briefing, fmt)
    if output:
        click.echo(f"wrote {output}", err=True)
