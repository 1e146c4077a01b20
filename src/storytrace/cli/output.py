"""The output options every listing command shares (table, --json, --jsonl, --csv), and the table renderer."""

from __future__ import annotations

import csv
import json
import shutil
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

__all__ = ["db_option", "emit", "output_options", "shorten"]

F = TypeVar("F", bound=Callable[..., Any])


def output_options(func: F) -> F:
    """Add --json / --jsonl / --csv / --table to a command; the choice arrives as ``fmt``."""
    options = [
        click.option("--table", "fmt", flag_value="table", default=True, help="Aligned columns (the default)."),
        click.option("--json", "fmt", flag_value="json", help="One JSON array."),
        click.option("--jsonl", "fmt", flag_value="jsonl", help="One JSON object per line."),
        click.option("--csv", "fmt", flag_value="csv", help="CSV with a header row."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def db_option(func: F) -> F:
    """The store to use: --db, then $STORYTRACE_DB, then ./storytrace.db."""
    option = click.option(
        "--db",
        "db_path",
        envvar="STORYTRACE_DB",
        default="storytrace.db",
        show_default=True,
        type=click.Path(dir_okay=False),
        help="SQLite store file (env: STORYTRACE_DB).",
    )
    return option(func)


def shorten(value: object, width: int) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


def emit(rows: Sequence[dict[str, Any]], fmt: str, columns: Sequence[str], *, wide: str | None = None) -> None:
    """Write rows to stdout in the chosen format. ``wide`` names the column that absorbs spare width."""
    out = sys.stdout
    if fmt == "json":
        out.write(json.dumps(list(rows), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        _write_table(out, rows, columns, wide)


def _write_table(out: Any, rows: Sequence[dict[str, Any]], columns: Sequence[str], wide: str | None) -> None:
    if not rows:
        click.echo("(nothing)", err=True)
        return
    cells = [[shorten(row.get(c), 300) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    # On a terminal, fit its width; piped to a file or a pager, allow lines long enough to read.
    total = shutil.get_terminal_size((120, 24)).columns if sys.stdout.isatty() else 240
    # Other long columns are capped so the wide one (a title, a snippet) keeps room to be read.
    widths = [min(w, 40) if columns[j] != wide else w for j, w in enumerate(widths)]
    if wide is not None and wide in columns:
        i = list(columns).index(wide)
        others = sum(w + 2 for j, w in enumerate(widths) if j != i)
        widths[i] = max(20, min(widths[i], total - others))
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write("  ".join(shorten(v, w).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")
