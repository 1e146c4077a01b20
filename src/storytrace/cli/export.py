"""`storytrace export`: the dossier in a format other tools read."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from typing import IO

import click

from storytrace.cli.output import db_option
from storytrace.report.dossier import dossier, iter_dossier_records
from storytrace.store import Store

__all__ = ["export_command"]


@click.command("export")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["json", "jsonl"]))
@db_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to this file, not stdout.")
def export_command(fmt: str, db_path: str, output: str | None) -> None:
    """Export the dossier: json (one document, schema in docs/dossier.md) or jsonl (one typed record per line).

    Run `storytrace resolve` first so that entities, claims and propositions are current.

    \b
    Examples:
      storytrace export json -o dossier.json
      storytrace export jsonl | grep '"type": "proposition"'
    """
    with Store(db_path, create=False) as store, ExitStack() as stack:
        out: IO[str] = stack.enter_context(open(output, "w", encoding="utf-8")) if output else sys.stdout
        if fmt == "json":
            json.dump(dossier(store), out, ensure_ascii=False, indent=1)
            out.write("\n")
        else:
            for record in iter_dossier_records(store):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    if output:
        click.echo(f"wrote {output}", err=True)
