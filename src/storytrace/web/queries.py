"""Paged reads of the dossier tables for the web pages: every listing has LIMIT/OFFSET and uses an index.

The propositions board pages store/dossier.py's ``list_propositions`` (``limit``/``offset``); the other listings
are the web's own (the CLI's readers return more per row, such as every spelling of an entity). Each fetches one
row more than shown to know whether there is a next page (no COUNT over big tables). The ORDER BY clauses are
written so that an index on the sort columns can serve them (docs/web.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from storytrace.store import Store
from storytrace.store.dossier import PLACE_NAME, entity_filter, list_propositions

__all__ = [
    "Page",
    "document_claims",
    "document_event_mentions",
    "document_mentions",
    "document_spans",
    "entity_claims",
    "entity_mentions",
    "entity_relations",
    "entity_row",
    "entity_spellings",
    "latest_documents",
    "list_documents_page",
    "list_entities_page",
    "list_events_page",
    "list_propositions_page",
    "overview_counts",
    "proposition_claims",
    "proposition_row",
]

PAGE_SIZE = 50


@dataclass(slots=True)
class Page:
    """One page of a listing: its rows, its number (from 1) and whether a next one exists."""

    rows: list[dict[str, Any]]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _page(rows: list[dict[str, Any]], number: int, size: int) -> Page:
    return Page(rows[:size], number, len(rows) > size)


def _offset(number: int, size: int) -> int:
    return (max(1, number) - 1) * size


def overview_counts(store: Store) -> dict[str, Any]:
    one = store.db.execute
    counts = {
        table: int(one(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        for table in ("documents", "entities", "propositions", "claims", "events", "judgements")
    }
    statuses = {str(r[0]): int(r[1]) for r in one("SELECT status, COUNT(*) FROM propositions GROUP BY status")}
    resolved = one("SELECT MAX(updated_at) FROM propositions").fetchone()[0]
    pending = int(
        one(
            "SELECT COUNT(*) FROM judgements WHERE active = 1 AND (? IS NULL OR created_at > ?)", (resolved, resolved)
        ).fetchone()[0]
    )
    return {"counts": counts, "statuses": statuses, "resolved_at": resolved, "pending_judgements": pending}


def latest_documents(store: Store, limit: int = 10) -> list[dict[str, Any]]:
    rows = store.db.execute(
        "SELECT id, outlet, title, published_at FROM documents ORDER BY published_at DESC, n DESC LIMIT ?",  # indexed
        (limit,),
    )
    return [dict(r) for r in rows]


def list_propositions_page(
    store: Store, *, status: str | None, search: str | None, number: int, size: int = PAGE_SIZE
) -> Page:
    """The board: list_propositions, one page at a time (one row more than shown says whether a next page exists)."""
    rows = list_propositions(store, status=status, search=search, limit=size + 1, offset=_offset(number, size))
    return _page(rows, number, size)


def proposition_row(store: Store, prop_id: str) -> dict[str, Any] | None:
    row = store.db.execute("SELECT * FROM propositions WHERE id = ?", (prop_id,)).fetchone()
    if row is None:
        return None
    prop = dict(row)
    prop["reasons"] = json.loads(prop["reasons"] or "[]")
    return prop


def proposition_claims(store: Store, prop_id: str, *, number: int, size: int = PAGE_SIZE) -> Page:
    """The claims of a proposition with their report's sentence (the query of proposition_detail, paged)."""
    rows = []
    for r in store.db.execute(
        "SELECT c.*, d.outlet, d.url, d.original_id, d.title, substr(d.text, c.sentence_start + 1, "
        "c.sentence_end - c.sentence_start) AS sentence FROM claims c JOIN documents d ON d.id = c.doc_id "
        "WHERE c.proposition_id = ? ORDER BY c.published_at, c.doc_id, c.start_char LIMIT ? OFFSET ?",
        (prop_id, size + 1, _offset(number, size)),
    ):
        claim = dict(r)
        claim["chain"] = json.loads(claim["chain"] or "[]")
        claim["hedges"] = json.loads(claim["hedges"] or "[]")
        rows.append(claim)
    return _page(rows, number, size)


def list_entities_page(
    store: Store, *, kind: str | None, search: str | None, number: int, size: int = PAGE_SIZE
) -> Page:
    where, params = entity_filter(kind, search)
    sql = (
        "SELECT id, kind, name, pack_id, documents, mentions, first_seen, last_seen FROM entities"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY documents DESC, mentions DESC, name LIMIT ? OFFSET ?"
    )
    rows = [dict(r) for r in store.db.execute(sql, [*params, size + 1, _offset(number, size)])]
    return _page(rows, number, size)


def entity_row(store: Store, entity_id: str) -> dict[str, Any] | None:
    row = store.db.execute("SELECT * FROM entities WHERE id = ?", (entity_id,)).fetchone()
    return dict(row) if row else None


def entity_spellings(store: Store, entity_id: str, limit: int = 100) -> list[dict[str, Any]]:
    """Each spelling with its count, how it was linked and one piece of evidence (its first mention).

    The counts come from the index on mentions (entity_id, text) alone (schema v7), and each spelling's methods
    from its first 1,000 mentions.
    """
    out = []
    for r in store.db.execute(
        "SELECT text, COUNT(*) AS count FROM mentions WHERE entity_id = ? GROUP BY text ORDER BY count DESC, text "
        "LIMIT ?",
        (entity_id, limit),
    ).fetchall():
        first = store.db.execute(
            "SELECT doc_id, start_char, end_char, explanation, method FROM mentions "
            "WHERE entity_id = ? AND text = ? LIMIT 1",
            (entity_id, r["text"]),
        ).fetchone()
        methods = store.db.execute(
            "SELECT DISTINCT method FROM (SELECT method FROM mentions WHERE entity_id = ? AND text = ? LIMIT 1000)",
            (entity_id, r["text"]),
        ).fetchall()
        out.append({**dict(r), "methods": sorted(str(m[0]) for m in methods), "evidence": dict(first)})
    return out


def entity_mentions(store: Store, entity_id: str, *, number: int, size: int = PAGE_SIZE) -> Page:
    rows = store.db.execute(
        "SELECT m.doc_id, m.start_char, m.end_char, m.text, m.method, m.explanation, d.outlet, d.title, "
        "d.published_at FROM mentions m JOIN documents d ON d.id = m.doc_id WHERE m.entity_id = ? "
        "ORDER BY m.entity_id, m.doc_id, m.start_char LIMIT ? OFFSET ?",  # the order of the mentions_entity index
        (entity_id, size + 1, _offset(number, size)),
    )
    return _page([dict(r) for r in rows], number, size)


def entity_claims(store: Store, entity_id: str, *, number: int, size: int = PAGE_SIZE) -> Page:
    """Claims this entity is the speaker of."""
    rows = store.db.execute(
        "SELECT c.id, c.doc_id, c.text, c.stance, c.polarity, c.proposition_id, c.sentence_start, c.sentence_end, "
        "d.outlet, d.published_at FROM claims c JOIN documents d ON d.id = c.doc_id WHERE c.speaker_entity = ? "
        "ORDER BY c.published_at LIMIT ? OFFSET ?",
        (entity_id, size + 1, _offset(number, size)),
    )
    return _page([dict(r) for r in rows], number, size)


def entity_relations(
    store: Store, entity_id: str, pack_id: str | None, *, documents: int = 200
) -> list[dict[str, Any]]:
    """Roles and affiliations reports state about this entity (``relations`` spans), from its latest reports."""
    doc_ids = [
        r[0]
        for r in store.db.execute(
            "SELECT DISTINCT doc_id FROM mentions WHERE entity_id = ? ORDER BY entity_id DESC, doc_id DESC LIMIT ?",
            (entity_id, documents),
        )
    ]
    out = []
    for doc_id in doc_ids:
        own = {
            (r[0], r[1])
            for r in store.db.execute(
                "SELECT start_char, end_char FROM mentions WHERE doc_id = ? AND entity_id = ?", (doc_id, entity_id)
            )
        }
        for r in store.db.execute(
            "SELECT label, start_char, end_char, attrs FROM spans WHERE doc_id = ? AND layer = 'relations'", (doc_id,)
        ):
            attrs = json.loads(r["attrs"])
            for side, other in (("subject", "object"), ("object", "subject")):
                end = attrs.get(side)
                if not isinstance(end, dict) or "start_char" not in end:
                    continue
                mine = (end["start_char"], end["end_char"]) in own or (pack_id and end.get("entity_id") == pack_id)
                if not mine:
                    continue
                far = attrs.get(other) if isinstance(attrs.get(other), dict) else None
                out.append(
                    {
                        "kind": r["label"],
                        "direction": side,
                        "role": attrs.get("role"),
                        "other": far.get("text") if far else None,
                        "other_entity": _entity_at(store, doc_id, far) if far else None,
                        "doc_id": doc_id,
                        "start_char": r["start_char"],
                        "end_char": r["end_char"],
                    }
                )
                break
    return out


def _entity_at(store: Store, doc_id: str, end: dict[str, Any]) -> str | None:
    """The resolved entity of a relation's end: the mention at exactly its offsets, else its pack actor."""
    if "start_char" in end:
        row = store.db.execute(
            "SELECT entity_id FROM mentions WHERE doc_id = ? AND start_char = ? AND end_char = ?",
            (doc_id, end["start_char"], end["end_char"]),
        ).fetchone()
        if row:
            return str(row[0])
    if end.get("entity_id"):
        row = store.db.execute("SELECT id FROM entities WHERE pack_id = ? LIMIT 1", (end["entity_id"],)).fetchone()
        if row:
            return str(row[0])
    return None


def list_events_page(
    store: Store, *, kind: str | None, number: int, size: int = PAGE_SIZE, everything: bool = False
) -> Page:
    """Events in date order, undated last: dated ones first, then the undated, so each part can use an index.
    Only the events a report says happened or is happening, unless ``everything`` (then with their modality)."""
    offset = _offset(number, size)
    where = "" if everything else " AND asserted = 1"
    where += " AND type = ?" if kind else ""
    params: list[Any] = [kind] if kind else []
    rows = [
        dict(r)
        for r in store.db.execute(
            f"SELECT e.*, {PLACE_NAME} FROM events e WHERE date IS NOT NULL"
            + where
            + " ORDER BY date, first_seen, id LIMIT ? OFFSET ?",
            [*params, size + 1, offset],
        )
    ]
    if len(rows) <= size:
        dated = offset + len(rows) if rows or offset == 0 else _count_dated(store, where, params)
        rows += [
            dict(r)
            for r in store.db.execute(
                f"SELECT e.*, {PLACE_NAME} FROM events e WHERE date IS NULL"
                + where
                + " ORDER BY first_seen, id LIMIT ? OFFSET ?",
                [*params, size + 1 - len(rows), max(0, offset - dated)],
            )
        ]
    for row in rows[:size]:
        row["date_conflicts"] = json.loads(row["date_conflicts"] or "[]")
        row["place"] = row.pop("place_name") or row["place"]
        row["evidence"] = [
            dict(m)
            for m in store.db.execute(
                "SELECT m.doc_id, m.start_char, m.end_char, d.outlet, d.published_at FROM event_mentions m "
                "JOIN documents d ON d.id = m.doc_id WHERE m.event_id = ? ORDER BY d.published_at LIMIT 20",
                (row["id"],),
            )
        ]
    return _page(rows, number, size)


def event_place(store: Store, event_id: str, size: int = PAGE_SIZE) -> tuple[int, bool] | None:
    """Where the timeline lists an event: its page, and whether only the ``everything`` view shows it (an event
    no report says happened); None for an unknown id. Counts the events before it in ``list_events_page``'s order."""
    row = store.db.execute("SELECT date, first_seen, id, asserted FROM events WHERE id = ?", (event_id,)).fetchone()
    if row is None:
        return None
    date, first_seen, _id, asserted = row
    where = "" if not asserted else " AND asserted = 1"
    if date is not None:
        sql = "SELECT COUNT(*) FROM events WHERE date IS NOT NULL AND (date, first_seen, id) < (?, ?, ?)" + where
        before = int(store.db.execute(sql, (date, first_seen, event_id)).fetchone()[0])
    else:
        sql = "SELECT COUNT(*) FROM events WHERE date IS NULL AND (first_seen, id) < (?, ?)" + where
        before = _count_dated(store, where, []) + int(store.db.execute(sql, (first_seen, event_id)).fetchone()[0])
    return before // size + 1, not asserted


def _count_dated(store: Store, where: str, params: list[Any]) -> int:
    # Only reached on a page past the last dated event.
    return int(store.db.execute("SELECT COUNT(*) FROM events WHERE date IS NOT NULL" + where, params).fetchone()[0])


def list_documents_page(store: Store, *, number: int, size: int = PAGE_SIZE) -> Page:
    rows = store.db.execute(
        "SELECT id, outlet, title, published_at, near_duplicate_of, word_count FROM documents "
        "ORDER BY published_at DESC, n DESC LIMIT ? OFFSET ?",  # NULL sorts last in DESC: undated at the end
        (size + 1, _offset(number, size)),
    )
    return _page([dict(r) for r in rows], number, size)


def document_spans(store: Store, doc_id: str, layers: tuple[str, ...]) -> list[dict[str, Any]]:
    marks = ", ".join("?" * len(layers))
    rows = store.db.execute(
        f"SELECT layer, label, start_char, end_char, attrs, produced_by FROM spans WHERE doc_id = ? "
        f"AND layer IN ({marks}) ORDER BY start_char, end_char",
        (doc_id, *layers),
    )
    return [{**dict(r), "attrs": json.loads(r["attrs"])} for r in rows]


def document_mentions(store: Store, doc_id: str) -> list[dict[str, Any]]:
    rows = store.db.execute(
        "SELECT m.start_char, m.end_char, m.text, m.label, m.entity_id, m.method, m.explanation, e.name "
        "FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id WHERE m.doc_id = ? ORDER BY m.start_char",
        (doc_id,),
    )
    return [dict(r) for r in rows]


def document_claims(store: Store, doc_id: str) -> list[dict[str, Any]]:
    rows = store.db.execute(
        "SELECT c.id, c.start_char, c.end_char, c.speaker, c.speaker_kind, c.stance, c.stance_reason, c.polarity, "
        "c.chain, c.proposition_id, p.status FROM claims c LEFT JOIN propositions p ON p.id = c.proposition_id "
        "WHERE c.doc_id = ? ORDER BY c.start_char",
        (doc_id,),
    )
    return [{**dict(r), "chain": json.loads(r["chain"] or "[]")} for r in rows]


def document_event_mentions(store: Store, doc_id: str) -> list[dict[str, Any]]:
    rows = store.db.execute(
        "SELECT m.start_char, m.end_char, m.event_id, m.type, m.date, e.date AS event_date, e.summary "
        "FROM event_mentions m LEFT JOIN events e ON e.id = m.event_id WHERE m.doc_id = ? ORDER BY m.start_char",
        (doc_id,),
    )
    return [dict(r) for r in rows]
