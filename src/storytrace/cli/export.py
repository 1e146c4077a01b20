"""`storytrace export`: the dossier in a format other tools read (the formats are storytrace.report.exports')."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from typing import IO

import click

from storytrace.cli.output import db_option
from storytrace.report.exports import export_formats, load_context
from storytrace.store import Store

__all__ = ["export_command"]

_FORMATS = export_formats()
_LIST = "\n".join(f"  {name:<8} {fmt.description}" for name, fmt in _FORMATS.items())


@click.command("export", epilog="\b\nFormats:\n" + _LIST)
@click.argument("fmt", metavar="FORMAT", type=click.Choice(list(_FORMATS)))
@db_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to this file, not stdout.")
@click.option(
    "--pack",
    "packs",
    multiple=True,
    help="A domain pack folder (or name) for places' coordinates and curated affiliations; repeatable.",
)
def export_command(fmt: str, db_path: str, output: str | None, packs: tuple[str, ...]) -> None:
    """Export the resolved dossier as FORMAT: json, jsonl, csv (events), graphml/gexf (actor graph), ftm, stix.

    Run `storytrace resolve` first so that entities, claims and propositions are current. docs/exports.md
    describes every format with an example.

    \b
    Examples:
      storytrace export json -o dossier.json
      storytrace export jsonl | grep '"type": "proposition"'
      storytrace export csv --pack examples/packs/ain-bashura -o events.csv
      storytrace export gexf -o actors.gexf
      storytrace export stix -o bundle.json
    """
    with Store(db_path, create=False) as store, ExitStack() as stack:
        context = load_context(store, packs)  # before opening -o, so a failure leaves no empty file behind
        out: IO[str] = stack.enter_context(open(output, "w", encoding="utf-8", newline="")) if output else sys.stdout
        _FORMATS[fmt].write(context, out)
    if output:
        click.echo(f"wrote {output}", err=True)
