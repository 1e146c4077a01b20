"""The `storytrace` command: one module per verb group, each thin over library functions."""

from __future__ import annotations

import logging
import sys

import click

from storytrace import __version__
from storytrace.cli.brief import brief_command
from storytrace.cli.documents import (
    docs_command,
    failures_command,
    search_command,
    show_command,
    sources_command,
    status_command,
)
from storytrace.cli.dossier import (
    claim_command,
    claims_command,
    entities_command,
    entity_command,
    merge_command,
    resolve_command,
    split_command,
    stance_command,
    timeline_command,
)
from storytrace.cli.export import export_command
from storytrace.cli.extract import extract_command, process_command
from storytrace.cli.ingest import ingest_command
from storytrace.cli.pipeline import components_command
from storytrace.cli.serve import serve_command
from storytrace.cli.watch import watch_command
from storytrace.errors import StorytraceError

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="storytrace")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
def cli(verbose: int) -> None:
    """storytrace: turn a pile of news reports into a sourced, cross-checked dossier.

    \b
    Start with:
      storytrace ingest examples/demo     # files, folders, URLs, RSS/Atom feeds, JSONL, - for stdin
      storytrace status                   # what the store holds
      storytrace docs                     # the documents, oldest first
      storytrace search "secret talks"    # full-text search with snippets
      storytrace show ID                  # one document with its metadata and provenance

    The store is an SQLite file: --db, then $STORYTRACE_DB, then ./storytrace.db.
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(
        level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


for command in (
    ingest_command,
    status_command,
    docs_command,
    show_command,
    search_command,
    sources_command,
    failures_command,
    extract_command,
    process_command,
    components_command,
    resolve_command,
    entities_command,
    entity_command,
    claims_command,
    claim_command,
    merge_command,
    split_command,
    stance_command,
    timeline_command,
    export_command,
    brief_command,
    serve_command,
    watch_command,
):
    cli.add_command(command)


def main() -> None:
    """Entry point: library errors become one `Error: …` line and exit code 1, never a traceback."""
    try:
        code = cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except StorytraceError as exc:
        click.echo(f"Error: {exc.line()}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        # The reader of our stdout went away (`storytrace docs | head`): not an error.
        sys.stderr.close()
        sys.exit(0)
    except KeyboardInterrupt:
        click.echo("Interrupted; what was stored so far is kept. Run the same command again to resume.", err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
