"""`storytrace docs`, `show`, `search` and `failures`: reading the store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from storytrace.cli.annotations import print_annotations
from storytrace.cli.extract import annotated_record
from storytrace.cli.output import db_option, emit, output_options, shorten
from storytrace.model import Document
from storytrace.store import DocumentFilter, Store

__all__ = ["docs_command", "failures_command", "search_command", "show_command", "sources_command", "status_command"]

_DOC_COLUMNS = ["id", "published_at", "outlet", "lang", "words", "dup_of", "title", "original_id", "url"]


def _filter_options(func: Any) -> Any:
    options = [
        click.option("--outlet", help="Only documents whose outlet or domain contains this."),
        click.option("--lang", help="Only documents in this language (ISO 639-1, e.g. en)."),
        click.option("--since", help="Published on or after this date (YYYY-MM-DD)."),
        click.option("--until", help="Published on or before this date (YYYY-MM-DD)."),
        click.option(
            "--duplicates",
            type=click.Choice(["include", "exclude", "only"]),
            default="include",
            show_default=True,
            help="Near-duplicates: keep them, hide them (originals only), or show only them.",
        ),
        click.option("--limit", type=click.IntRange(0), default=50, show_default=True, help="0 for no limit."),
        click.option("--offset", type=click.IntRange(0), default=0),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _filter(**kw: Any) -> DocumentFilter:
    return DocumentFilter(
        outlet=kw["outlet"],
        lang=kw["lang"],
        since=kw["since"],
        until=kw["until"],
        duplicates=kw["duplicates"],
        limit=kw["limit"] or None,
        offset=kw["offset"],
    )


def _doc_row(row: dict[str, Any], fmt: str) -> dict[str, Any]:
    out = dict(row)
    out["words"] = out.pop("word_count", None)
    out["dup_of"] = out.get("near_duplicate_of")
    # Where the document came from, as the user knows it: their own id, else the URL, else the input path.
    out["original"] = out.get("original_id") or out.get("url") or _relative(out.get("locator"))
    if fmt == "table" and out["dup_of"]:
        out["dup_of"] = str(out["dup_of"])[:12]
    if fmt == "table" and out["original"] and len(out["original"]) > 40:
        out["original"] = "…" + out["original"][-39:]  # the end of a path or URL says the most
    return out


def _relative(locator: str | None) -> str | None:
    """An input path relative to the working folder when it is inside it: shorter in a table."""
    if locator is None or "://" in locator:
        return locator
    try:
        return str(Path(locator).resolve().relative_to(Path.cwd()))
    except ValueError:
        return locator


@click.command("docs")
@db_option
@_filter_options
@output_options
def docs_command(db_path: str, fmt: str, **filters: Any) -> None:
    """List documents, oldest first, with their metadata (filters combine)."""
    with Store(db_path, create=False) as store:
        rows = store.list_documents(_filter(**filters))
    table = ["id", "published_at", "outlet", "lang", "words", "dup_of", "title", "original"]
    columns = table if fmt == "table" else [*_DOC_COLUMNS, "locator"]
    emit([_doc_row(r, fmt) for r in rows], fmt, columns, wide="title")


@click.command("search")
@click.argument("query")
@db_option
@_filter_options
@output_options
def search_command(query: str, db_path: str, fmt: str, **filters: Any) -> None:
    """Full-text search (titles weigh more), best first, with a snippet; hits are in [brackets].

    QUERY is plain words (all must occur), or FTS5 syntax: "exact phrase", OR, NOT, prefix*.
    """
    with Store(db_path, create=False) as store:
        rows = store.search(query, _filter(**filters))
    columns = ["id", "published_at", "outlet", "title", "snippet", "original"]
    if fmt != "table":
        columns = ["id", "published_at", "outlet", "title", "snippet", "rank", "original_id", "url", "locator"]
    emit([_doc_row(r, fmt) for r in rows], fmt, columns, wide="snippet")


@click.command("failures")
@db_option
@click.option("--all", "include_resolved", is_flag=True, help="Include failures that a later run fixed.")
@click.option("--limit", type=click.IntRange(1), default=None)
@output_options
def failures_command(db_path: str, include_resolved: bool, limit: int | None, fmt: str) -> None:
    """Inputs that could not be read, with why and what to do."""
    with Store(db_path, create=False) as store:
        rows = store.list_failures(include_resolved=include_resolved, limit=limit)
    if fmt == "table":
        # The same one line the ingest printed: what, which input, what to do.
        for row in rows:
            row["failure"] = f"{row['locator']}: {row['message']} ({row['hint']})"
        emit(rows, fmt, ["code", "count", "last_seen", "failure"], wide="failure")
        return
    columns = ["locator", "code", "message", "hint", "stage", "count", "first_seen", "last_seen", "resolved_at"]
    emit(rows, fmt, columns)


@click.command("show")
@click.argument("ref")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Everything as one JSON object.")
@click.option("--no-text", is_flag=True, help="Metadata and provenance only.")
@click.option("--no-annotations", is_flag=True, help="Leave out the digest of entities, times, claims, events.")
@click.option("--layer", "layers", multiple=True, help="List the spans of this annotation layer (repeatable).")
def show_command(
    ref: str, db_path: str, as_json: bool, no_text: bool, no_annotations: bool, layers: tuple[str, ...]
) -> None:
    """Show one document: metadata with where each value came from, copies, trimmed boilerplate, text, and a
    digest of its annotations (entities, times, who says what, claims, events, roles).

    REF is a document ID (or a unique prefix of it), the original ID given at ingest, or a URL.
    """
    with Store(db_path, create=False) as store:
        doc = store.get_document(ref)
        sightings = store.sightings(doc.id)
        copies = store.near_duplicates_of(doc.id)
        edges = store.edges_of(doc.id, "near_duplicate")
    data = document_record(doc, sightings, copies, edges, with_text=not no_text)
    if as_json:
        data["layers"] = annotated_record(doc)["layers"]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_document(data)
    if not no_annotations and not layers:
        print_annotations(doc)
    for layer in layers:
        click.echo(f"\n{layer} ({doc.layer_sources.get(layer, 'not made yet: storytrace process')}):")
        for span in doc.spans.get(layer, []):
            attrs = " ".join(f"{k}={v}" for k, v in span.attrs if v not in (None, "", [], {}))
            text = shorten(doc.span_text(span), 80)
            click.echo(f"  {span.start_char}-{span.end_char} {span.label} {text!r} {attrs}".rstrip())


def document_record(
    doc: Document,
    sightings: list[dict[str, Any]],
    copies: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    *,
    with_text: bool,
) -> dict[str, Any]:
    """A document as a JSON-ready dict, with the provenance of each metadata value."""
    published = doc.published
    record: dict[str, Any] = {
        "id": doc.id,
        "original_id": doc.original_id,
        "url": doc.url,
        "canonical_url": doc.canonical_url,
        "title": doc.title,
        "outlet": doc.outlet,
        "outlet_via": doc.outlet_via.value if doc.outlet_via else None,
        "domain": doc.domain,
        "author": doc.author,
        "published": published.value if published else None,
        "published_precision": published.precision if published else None,
        "published_via": published.via.value if published else None,
        "published_evidence": published.evidence if published else None,
        "lang": doc.lang,
        "lang_score": doc.lang_score,
        "kind": doc.kind,
        "words": doc.word_count,
        "input": doc.locator,
        "near_duplicate_of": doc.near_duplicate_of,
        "near_duplicate_score": doc.near_duplicate_score,
        "near_duplicate_edges": [
            {k: e[k] for k in ("left_id", "right_id", "score", "method", "explanation")} for e in edges
        ],
        "copies": copies,
        "seen_as": [
            {k: s[k] for k in ("locator", "url", "original_id", "outlet", "published_at", "first_seen")}
            for s in sightings
        ],
        "trimmed": [{"position": t.position, "rule": t.rule, "text": t.text} for t in doc.trims],
        "layer_counts": {layer: len(spans) for layer, spans in doc.spans.items()},
        "layer_sources": dict(doc.layer_sources),
        "meta": doc.meta,
    }
    if with_text:
        record["text"] = doc.text
    return record


def _print_document(d: dict[str, Any]) -> None:
    def line(label: str, value: object) -> None:
        if value not in (None, "", []):
            click.echo(f"  {label:<13}{value}")

    click.echo(click.style(d["id"], bold=True) + "  " + (d["title"] or "(no title)"))
    line("outlet", f"{d['outlet']} (from {d['outlet_via']})" if d["outlet"] else None)
    if d["published"]:
        evidence = f": {shorten(d['published_evidence'], 70)!r}" if d["published_evidence"] else ""
        line("published", f"{d['published']} (from {d['published_via']}{evidence})")
    else:
        line("published", "unknown (no date found in metadata, dateline, URL or text)")
    line("url", d["url"])
    line("canonical", d["canonical_url"] if d["canonical_url"] != d["url"] else None)
    line("original id", d["original_id"])
    line("author", d["author"])
    line(
        "language",
        f"{d['lang']} ({d['lang_score']:.2f})" if d["lang"] and d["lang_score"] is not None else d["lang"],
    )
    line("words", d["words"])
    line("input", d["input"])
    if d["near_duplicate_of"]:
        why = next(
            (e["explanation"] for e in d["near_duplicate_edges"] if e["right_id"] == d["near_duplicate_of"]),
            "",
        )
        line("copy of", f"{d['near_duplicate_of']} (score {d['near_duplicate_score']}) {why}".rstrip())
    for copy in d["copies"]:
        line(
            "copied by",
            f"{copy['id']} {copy['outlet'] or ''} {copy['published_at'] or ''} (score {copy['near_duplicate_score']})",
        )
    if len(d["seen_as"]) > 1:
        for seen in d["seen_as"]:
            line("seen as", f"{seen['locator']} {seen['outlet'] or ''}".rstrip())
    for trim in d["trimmed"]:
        line("trimmed", f"[{trim['position']}, {trim['rule']}] {shorten(trim['text'], 80)!r}")
    for layer, count in d["layer_counts"].items():
        line("layer", f"{layer}: {count} spans (by {d['layer_sources'].get(layer, '?')})")
    if "text" in d:
        click.echo()
        click.echo(d["text"])


@click.command("sources")
@db_option
@output_options
def sources_command(db_path: str, fmt: str) -> None:
    """List the outlets in the store with how many documents each published and over which dates."""
    with Store(db_path, create=False) as store:
        rows = store.list_sources()
    emit(rows, fmt, ["id", "name", "domain", "documents", "copies", "first", "last"], wide="name")


@click.command("status")
@db_option
@click.option("--json", "as_json", is_flag=True, help="As one JSON object.")
def status_command(db_path: str, as_json: bool) -> None:
    """Summarise the store: documents, near-duplicates, outlets, languages, date range, open failures, and how
    many reports the dossier holds or has still to take in."""
    with Store(db_path, create=False) as store:
        data = store.summary()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"store        {db_path} (schema v{data['schema_version']})")
    click.echo(
        f"documents    {data['documents']} ({data['near_duplicates']} near-duplicates of others, "
        f"{data['sightings'] - data['documents']} exact copies folded in)"
    )
    click.echo(f"outlets      {data['sources']}")
    click.echo(
        f"published    {data['first_published'] or '?'} .. {data['last_published'] or '?'} ({data['undated']} undated)"
    )
    click.echo("languages    " + ", ".join(f"{k} {v}" for k, v in data["languages"].items()))
    click.echo(f"failures     {data['failures']} open (storytrace failures)")
    click.echo(f"last ingest  {data['last_run'] or 'never'}")
    waiting = f", {data['waiting']} waiting (storytrace resolve)" if data["waiting"] else ""
    click.echo(f"dossier      {data['resolved']} reports resolved{waiting}; {data['propositions']} propositions")
