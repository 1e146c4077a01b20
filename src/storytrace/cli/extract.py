"""`storytrace extract` (annotate inputs without a store) and `storytrace process` (re-run a pipeline on the store)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from storytrace.batch import IngestOptions, extract_inputs, process_documents
from storytrace.cli.ingest import workers_option
from storytrace.cli.output import db_option
from storytrace.cli.pipeline import pack_config, pipeline_names, pipeline_options
from storytrace.model import Document, Failure
from storytrace.store import DocumentFilter, Store

__all__ = ["annotated_record", "extract_command", "process_command"]


def annotated_record(doc: Document) -> dict[str, Any]:
    """A document with its annotation layers, every span with its offsets and its text."""
    return {
        "id": doc.id,
        "original_id": doc.original_id,
        "url": doc.url,
        "input": doc.locator,
        "title": doc.title,
        "outlet": doc.outlet,
        "published": doc.published.value if doc.published else None,
        "published_via": doc.published.via.value if doc.published else None,
        "lang": doc.lang,
        "text": doc.text,
        "layers": {
            layer: {
                "produced_by": doc.layer_sources.get(layer),
                "spans": [
                    {
                        "start": s.start_char,
                        "end": s.end_char,
                        "label": s.label,
                        "text": doc.span_text(s),
                        **({"attrs": dict(s.attrs)} if s.attrs else {}),
                    }
                    for s in spans
                ],
            }
            for layer, spans in doc.spans.items()
        },
    }


@click.command("extract")
@click.argument("inputs", nargs=-1)
@pipeline_options
@click.option("--published", help="Publication date for inputs that carry none (YYYY-MM-DD).")
@workers_option
@click.pass_context
def extract_command(
    ctx: click.Context,
    inputs: tuple[str, ...],
    pipeline: str,
    published: str | None,
    packs: tuple[str, ...],
    workers: int,
) -> None:
    """Annotate INPUTS (files, URLs, feeds; default - for stdin: text, HTML or JSONL) without storing them.

    Writes one JSON object per document on stdout: its metadata, text and every annotation layer, each span
    with its character offsets into the text. Bad inputs get one line on stderr; the exit code is then 3.

    \b
    Example:
      echo '{"text": "HARBAL, March 14 - Officials said the road was open.", "published": "2025-03-14"}' \\
        | storytrace extract -
    """
    failed = 0
    options = IngestOptions(published=published, workers=workers)
    names = pipeline_names(pipeline)
    items = extract_inputs(inputs or ("-",), names, options, config=pack_config(packs), stdin=sys.stdin.buffer)
    for item in items:
        if isinstance(item, Failure):
            failed += 1
            click.echo(f"skipped {item.line()}", err=True)
            continue
        click.echo(json.dumps(annotated_record(item), ensure_ascii=False))
    if failed:
        ctx.exit(3)


@click.command("process")
@db_option
@pipeline_options
@workers_option
@click.option("--outlet", help="Only documents whose outlet or domain contains this.")
@click.option("--since", help="Published on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Published on or before this date (YYYY-MM-DD).")
def process_command(
    db_path: str,
    pipeline: str,
    outlet: str | None,
    since: str | None,
    until: str | None,
    packs: tuple[str, ...],
    workers: int,
) -> None:
    """Run a pipeline again over stored documents, replacing the annotation layers it makes.

    The cleaned texts do not change, so the new spans point into the same texts; other layers are kept.
    """
    names = pipeline_names(pipeline)
    flt = DocumentFilter(outlet=outlet, since=since, until=until, limit=None)
    with Store(db_path, create=False) as store:
        count = process_documents(store, names, flt, config=pack_config(packs), workers=workers)
    click.echo(f"{count} documents processed with {', '.join(names) or 'nothing'}.")
