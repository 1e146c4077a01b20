"""A readable digest of a report's annotations for `storytrace show`: who, when, who says what, what happened.

Each line starts with the character offsets of its evidence, so the sentence is one `--layer` away.
"""

from __future__ import annotations

from collections import defaultdict
from textwrap import shorten
from typing import Any

import click

from storytrace.model import Document, Span

__all__ = ["print_annotations"]


def _attrs(span: Span) -> dict[str, Any]:
    return dict(span.attrs)


def _arg(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text", ""))
    if isinstance(value, list):
        return ", ".join(_arg(v) for v in value if v)
    return "" if value is None else str(value)


def _where(span: Span) -> str:
    return f"{span.start_char}-{span.end_char}"


def _section(title: str, lines: list[str]) -> None:
    if lines:
        click.echo(f"\n{title}:")
        for line in lines:
            click.echo(f"  {line}")


def _entities(doc: Document) -> list[str]:
    groups: dict[str, list[Span]] = defaultdict(list)
    for span in doc.spans.get("entities", doc.spans.get("mentions", [])):
        attrs = _attrs(span)
        groups[str(attrs.get("entity_id") or f"{span.label}:{doc.span_text(span)}")].append(span)
    lines = []
    for key, spans in sorted(groups.items(), key=lambda kv: kv[1][0].start_char):
        first = spans[0]
        name = _attrs(first).get("name") or doc.span_text(first)
        surfaces = sorted({doc.span_text(s) for s in spans} - {name})
        also = f" as {', '.join(surfaces)}" if surfaces else ""
        ident = f" [{key}]" if _attrs(first).get("entity_id") else ""
        lines.append(f"{first.label:<5} {name} ×{len(spans)}{also}{ident}")
    return lines


def _times(doc: Document) -> list[str]:
    lines = []
    for span in doc.spans.get("times", []):
        a = _attrs(span)
        anchor = f", from {a['anchor']}" if a.get("anchor") else ""
        lines.append(f"{_where(span):<11} {doc.span_text(span)!r} -> {a.get('value')} ({a.get('precision')}{anchor})")
    return lines


def _attributions(doc: Document) -> list[str]:
    lines = []
    for span in doc.spans.get("attributions", []):
        a = _attrs(span)
        chain = " <- ".join(f"{h.get('text')} ({h.get('kind')})" for h in a.get("chain") or [])
        content = a.get("content") or {}
        said = doc.text[content.get("start_char", span.start_char) : content.get("end_char", span.end_char)]
        cue = _arg(a.get("cue"))
        extra = "".join(f" [{w}]" for w in a.get("hedges") or [])
        lines.append(f"{_where(span):<11} {chain or '?'} {cue}: «{shorten(said, 90)}»{extra}")
    return lines


def _claims(doc: Document) -> list[str]:
    lines = []
    for span in doc.spans.get("claims", []):
        a = _attrs(span)
        who = _arg(a.get("speaker")) if span.label == "attributed" else "(the outlet)"
        marks = [str(a.get("polarity", ""))] + [m for m in [a.get("modality")] if m and m != "asserted"]
        marks += [f"hedge:{h}" for h in a.get("hedges") or []]
        marked = " ".join(m for m in marks if m)
        lines.append(f"{_where(span):<11} {who}: «{shorten(doc.span_text(span), 90)}» {marked}")
    return lines


def _events(doc: Document) -> list[str]:
    lines = []
    for span in doc.spans.get("events", []):
        a = _attrs(span)
        parts = [f"{span.label} ({doc.span_text(span)!r})"]
        if a.get("actors"):
            parts.append(f"by {_arg(a['actors'])}")
        if a.get("targets"):
            parts.append(f"on {_arg(a['targets'])}")
        if a.get("place"):
            parts.append(f"in {_arg(a['place'])}")
        time = a.get("time")
        if isinstance(time, dict):
            parts.append(f"at {time.get('value') or time.get('text')}")
        figures = a.get("figures") or []
        if figures:
            parts.append("; ".join(f"{f.get('kind')}: {f.get('text')!r}" for f in figures))
        if a.get("negated"):
            parts.append("NEGATED")
        if a.get("modality") not in (None, "asserted"):
            parts.append(str(a["modality"]))
        lines.append(f"{_where(span):<11} " + " ".join(parts))
    return lines


def _relations(doc: Document) -> list[str]:
    lines = []
    for span in doc.spans.get("relations", []):
        a = _attrs(span)
        role = f" ({a['role']})" if a.get("role") else ""
        lines.append(f"{_where(span):<11} {_arg(a.get('subject'))} -{span.label}{role}-> {_arg(a.get('object'))}")
    return lines


def print_annotations(doc: Document) -> None:
    """Entities, times, attributions, claims, events and relations, one line each, in reading order."""
    _section("Entities", _entities(doc))
    _section("Times", _times(doc))
    _section("Who says what", _attributions(doc))
    _section("Claims", _claims(doc))
    _section("Events", _events(doc))
    _section("Roles and affiliations", _relations(doc))
    if not doc.spans:
        click.echo("\n(no annotations: run `storytrace process` to annotate stored reports)")
