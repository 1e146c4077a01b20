"""The dossier as one JSON document (`storytrace export json`): what later tools read.

The layout is versioned (``schema_version``); docs/dossier.md documents every field and
src/storytrace/report/dossier.schema.json is its JSON Schema, checked by the tests. Additions keep the
version's major number; a field that changes meaning or disappears bumps it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storytrace import __version__
from storytrace.store import Store, now_iso

__all__ = ["SCHEMA_PATH", "SCHEMA_VERSION", "dossier", "iter_dossier_records"]

# 1.1: claims gain stance_reason; 1.2: report_stance; 1.3: events gain asserted and modality (store v11), and each
# piece of an event's evidence its own modality
SCHEMA_VERSION = "1.3"
SCHEMA_PATH = Path(__file__).with_name("dossier.schema.json")


def _json(value: str | None, default: Any) -> Any:
    return json.loads(value) if value else default


def _documents(store: Store) -> Iterator[dict[str, Any]]:
    for r in store.db.execute(
        "SELECT id, original_id, url, outlet, source_id, title, published_at, published_precision, published_via, "
        "lang, near_duplicate_of, locator FROM documents ORDER BY published_at, n"
    ):
        yield {
            "id": r["id"],
            "original_id": r["original_id"],
            "url": r["url"],
            "input": r["locator"],
            "outlet": r["outlet"],
            "source_id": r["source_id"],
            "title": r["title"],
            "published": r["published_at"],
            "published_precision": r["published_precision"],
            "published_via": r["published_via"],
            "lang": r["lang"],
            "copy_of": r["near_duplicate_of"],
        }


def _mentions(store: Store) -> Iterator[dict[str, Any]]:
    for r in store.db.execute("SELECT * FROM mentions ORDER BY doc_id, start_char"):
        yield {
            "doc_id": r["doc_id"],
            "start": r["start_char"],
            "end": r["end_char"],
            "text": r["text"],
            "label": r["label"],
            "entity_id": r["entity_id"],
            "score": r["score"],
            "method": r["method"],
            "explanation": r["explanation"],
        }


def _entities(store: Store) -> Iterator[dict[str, Any]]:
    aliases: dict[str, list[str]] = {}
    for r in store.db.execute("SELECT entity_id, text, COUNT(*) AS n FROM mentions GROUP BY entity_id, text"):
        aliases.setdefault(r["entity_id"], []).append(r["text"])
    for r in store.db.execute("SELECT * FROM entities ORDER BY documents DESC, id"):
        yield {
            "id": r["id"],
            "kind": r["kind"],
            "name": r["name"],
            "pack_id": r["pack_id"],
            "aliases": sorted(aliases.get(r["id"], [])),
            "mentions": r["mentions"],
            "documents": r["documents"],
            "first_seen": r["first_seen"],
            "last_seen": r["last_seen"],
        }


def _claims(store: Store) -> Iterator[dict[str, Any]]:
    for r in store.db.execute(
        "SELECT c.*, substr(d.text, c.sentence_start + 1, c.sentence_end - c.sentence_start) AS sentence "
        "FROM claims c JOIN documents d ON d.id = c.doc_id ORDER BY c.published_at, c.doc_id, c.start_char"
    ):
        yield {
            "id": r["id"],
            "doc_id": r["doc_id"],
            "start": r["start_char"],
            "end": r["end_char"],
            "text": r["text"],
            "sentence": r["sentence"],
            "sentence_start": r["sentence_start"],
            "sentence_end": r["sentence_end"],
            "voice": r["voice"],
            "speaker": r["speaker"],
            "speaker_kind": r["speaker_kind"],
            "named": r["speaker_kind"] == "named",
            "speaker_entity": r["speaker_entity"],
            "chain": _json(r["chain"], []),
            "polarity": r["polarity"],
            "hedges": _json(r["hedges"], []),
            "modality": r["modality"],
            "proposition_id": r["proposition_id"],
            "stance": r["stance"],
            "stance_reason": r["stance_reason"],
            "report_stance": r["report_stance"],
            "origin": r["origin"],
            "origin_reason": r["origin_reason"],
            "published": r["published_at"],
        }


def _propositions(store: Store) -> Iterator[dict[str, Any]]:
    members: dict[str, list[str]] = {}
    for r in store.db.execute("SELECT id, proposition_id FROM claims WHERE proposition_id IS NOT NULL"):
        members.setdefault(r["proposition_id"], []).append(r["id"])
    for r in store.db.execute("SELECT * FROM propositions ORDER BY reports DESC, id"):
        yield {
            "id": r["id"],
            "text": r["text"],
            "status": r["status"],
            "reasons": _json(r["reasons"], []),
            "independent_origins": r["origins"],
            "supports": r["supports"],
            "refutes": r["refutes"],
            "reports": r["reports"],
            "event_id": r["event_id"],
            "first_seen": r["first_seen"],
            "last_seen": r["last_seen"],
            "members": members.get(r["id"], []),
        }


def _events(store: Store) -> Iterator[dict[str, Any]]:
    evidence: dict[str, list[dict[str, Any]]] = {}
    for r in store.db.execute("SELECT * FROM event_mentions ORDER BY doc_id, start_char"):
        evidence.setdefault(r["event_id"], []).append(
            {
                "doc_id": r["doc_id"],
                "start": r["start_char"],
                "end": r["end_char"],
                "date": r["date"],
                "modality": r["modality"],
            }
        )
    for r in store.db.execute("SELECT * FROM events ORDER BY date, id"):
        spans = evidence.get(r["id"], [])
        yield {
            "id": r["id"],
            "type": r["type"],
            "date": r["date"],
            "date_precision": r["date_precision"],
            "date_conflicts": _json(r["date_conflicts"], []),
            "place_id": r["place_id"],
            "place": r["place"],
            "summary": r["summary"],
            "asserted": bool(r["asserted"]),
            "modality": r["modality"],
            "evidence": spans,
            "reports": sorted({s["doc_id"] for s in spans}),
        }


def _edges(store: Store) -> Iterator[dict[str, Any]]:
    for r in store.db.execute("SELECT * FROM edges ORDER BY kind, left_id, right_id"):
        yield {k: r[k] for k in ("left_id", "right_id", "kind", "score", "method", "explanation")}


SECTIONS = {
    "documents": _documents,
    "entities": _entities,
    "mentions": _mentions,
    "claims": _claims,
    "propositions": _propositions,
    "events": _events,
    "edges": _edges,
}


def dossier(store: Store) -> dict[str, Any]:
    """The whole dossier as one JSON-ready dict."""
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generator": f"storytrace {__version__}",
        "exported_at": now_iso(),
        "store": str(store.path),
    }
    for name, read in SECTIONS.items():
        data[name] = list(read(store))
    return data


def iter_dossier_records(store: Store) -> Iterator[dict[str, Any]]:
    """The same records one per line (`storytrace export jsonl`): each with its ``type``; a record's own
    ``type`` (an event's: "attack") is ``<kind>_type`` there ("event_type"), so the line's stays the record's kind."""
    yield {"type": "header", "schema_version": SCHEMA_VERSION, "generator": f"storytrace {__version__}"}
    for name, read in SECTIONS.items():
        kind = name.removesuffix("s") if name != "entities" else "entity"
        for record in read(store):
            own = {f"{kind}_type" if key == "type" else key: value for key, value in record.items()}
            yield {"type": kind, **own}
