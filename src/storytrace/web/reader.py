"""The document reader's markup: a report's cleaned text cut into segments, each carrying the spans covering it.

Spans of different layers overlap (a claim covers the names and dates inside it), so the text is cut at every
span boundary and each piece lists the marks active over it; the page styles each layer differently (underline,
background, border) so overlaps stay visible, and the script explains every mark of a clicked piece. The text
itself is never turned into markup here: the template escapes each piece.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Mark", "Segment", "marks_of", "segments"]


@dataclass(slots=True)
class Mark:
    """One highlighted span with what the page says about it (``lines``) and where it leads (``link``)."""

    layer: str
    start: int
    end: int
    title: str
    lines: list[str] = field(default_factory=list)
    link: str | None = None
    link_text: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "title": self.title,
            "lines": self.lines,
            "link": self.link,
            "link_text": self.link_text,
        }


@dataclass(slots=True)
class Segment:
    text: str
    marks: list[int]  # indexes into the page's list of marks
    layers: list[str]
    anchor: str | None = None  # an id for links to this place


def _chain_text(chain: list[dict[str, Any]]) -> str:
    return " ← ".join(f"{hop.get('text', '?')} ({hop.get('kind', '?')})" for hop in chain) or "the outlet itself"


def marks_of(
    *,
    mentions: list[dict[str, Any]],
    claims: list[dict[str, Any]],
    events: list[dict[str, Any]],
    spans: list[dict[str, Any]],
    link: dict[str, Any],
) -> list[Mark]:
    """Marks for the reader from a document's rows; ``link`` maps a kind to a function giving a record's URL."""
    out: list[Mark] = []
    for m in mentions:
        out.append(
            Mark(
                "entity",
                m["start_char"],
                m["end_char"],
                f"{m['label']} · {m['name'] or m['entity_id']}",
                [f"linked by {m['method']}: {m['explanation']}"],
                link["entity"](m["entity_id"]),
                "entity page",
            )
        )
    for c in claims:
        lines = [
            f"speaker: {c['speaker'] or 'the outlet'} ({c['speaker_kind'] or 'outlet'})",
            f"chain: {_chain_text(c['chain'])}",
            f"stance: {c['stance'] or '?'}" + (f" ({c['stance_reason']})" if c.get("stance_reason") else ""),
            f"polarity: {c['polarity']}",
        ]
        if c["proposition_id"]:
            lines.append(f"proposition status: {c['status']}")
        out.append(
            Mark(
                "claim",
                c["start_char"],
                c["end_char"],
                f"claim {c['id']}",
                lines,
                link["proposition"](c["proposition_id"]) if c["proposition_id"] else None,
                "proposition",
            )
        )
    for e in events:
        lines = [f"this report's date: {e['date'] or 'none'}", f"reconciled date: {e['event_date'] or 'none'}"]
        out.append(
            Mark(
                "event",
                e["start_char"],
                e["end_char"],
                f"event · {e['type']}",
                lines,
                link["event"](e["event_id"]),
                "timeline",
            )
        )
    for s in spans:
        a = s["attrs"]
        if s["layer"] == "times":
            lines = [f"value: {a.get('value')}", f"precision: {a.get('precision')}", f"rule: {a.get('rule')}"]
            if a.get("anchor"):
                lines.append(f"anchored on: {a['anchor']}")
            out.append(Mark("time", s["start_char"], s["end_char"], f"time · {s['label']}", lines))
        elif s["layer"] == "attributions":
            chain = _chain_text(a.get("chain") or [])
            for part, title in (("source", "speaker"), ("cue", "attribution cue")):
                piece = a.get(part)
                if isinstance(piece, dict) and "start_char" in piece:
                    lines = [f"kind: {s['label']}", f"chain: {chain}", f"polarity: {a.get('polarity')}"]
                    if a.get("hedges"):
                        lines.append("hedges: " + ", ".join(str(h) for h in a["hedges"]))
                    out.append(Mark("attribution", piece["start_char"], piece["end_char"], title, lines))
    return out


def segments(text: str, marks: list[Mark], target: tuple[int, int] | None = None) -> list[Segment]:
    """The text cut at every mark boundary; each piece with the indexes and layers of the marks over it."""
    n = len(text)
    bounds = {0, n}
    for m in marks:
        bounds.update((max(0, min(n, m.start)), max(0, min(n, m.end))))
    if target:
        bounds.update((max(0, min(n, target[0])), max(0, min(n, target[1]))))
    cuts = sorted(bounds)
    starts: dict[int, list[int]] = {}
    for i, m in enumerate(marks):
        if m.end > m.start:
            starts.setdefault(max(0, m.start), []).append(i)
    active: set[int] = set()
    out: list[Segment] = []
    anchored = False
    for a, b in itertools.pairwise(cuts):
        active.update(starts.get(a, ()))
        active = {i for i in active if marks[i].end > a}
        ids = sorted(active)
        layers = sorted({marks[i].layer for i in ids})
        anchor = None
        if target and target[0] <= a < target[1]:
            layers.append("target")
            if not anchored:
                anchor, anchored = "target", True
        out.append(Segment(text[a:b], ids, layers, anchor))
    return out
