"""Reading the dossier tables (`storytrace resolve` writes them) and recording the analyst's judgements."""

from __future__ import annotations

import json
from typing import Any

from storytrace.errors import NotFound
from storytrace.store.sqlite import Store, now_iso

__all__ = [
    "PLACE_NAME",
    "add_judgement",
    "entity_detail",
    "entity_filter",
    "find_entity",
    "list_entities",
    "list_events",
    "list_judgements",
    "list_propositions",
    "proposition_detail",
]


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _limit(limit: int | None, offset: int) -> str:
    if not limit:
        return f" LIMIT -1 OFFSET {int(offset)}" if offset else ""
    return f" LIMIT {int(limit)}" + (f" OFFSET {int(offset)}" if offset else "")


def find_entity(store: Store, ref: str) -> str:
    """An entity id from its id, a unique id prefix, its canonical name or one of its spellings."""
    ref = ref.strip()
    for sql in (
        "SELECT id FROM entities WHERE id = ?",
        "SELECT id FROM entities WHERE lower(name) = lower(?)",
        "SELECT DISTINCT entity_id FROM mentions WHERE lower(text) = lower(?)",
    ):
        rows = store.db.execute(sql + " LIMIT 2", (ref,)).fetchall()
        if len(rows) == 1:
            return str(rows[0][0])
        if len(rows) > 1:
            raise NotFound(f"{ref!r} names several entities", hint="give its id (storytrace entities --search …)")
    rows = store.db.execute("SELECT id FROM entities WHERE id LIKE ? ESCAPE '\\' LIMIT 2", (ref + "%",)).fetchall()
    if len(rows) == 1:
        return str(rows[0][0])
    raise NotFound(f"no entity {ref!r} in {store.path}", hint="run `storytrace resolve`, then `storytrace entities`")


def entity_filter(kind: str | None, search: str | None, table: str = "") -> tuple[list[str], list[Any]]:
    """The WHERE terms and parameters of an entity listing: of a kind, and/or a name or spelling containing
    ``search``; ``table`` prefixes the entity columns ("e.")."""
    where: list[str] = []
    params: list[Any] = []
    if kind:
        where.append(f"{table}kind = ?")
        params.append(kind.upper())
    if search:
        where.append(
            f"({table}name LIKE ? ESCAPE '\\' OR {table}id IN (SELECT entity_id FROM mentions WHERE text LIKE ? "
            "ESCAPE '\\'))"
        )
        params += [_like(search), _like(search)]
    return where, params


def list_entities(
    store: Store, *, kind: str | None = None, search: str | None = None, limit: int | None = 50
) -> list[dict[str, Any]]:
    """Entities by number of reports naming them, with their spellings."""
    where, params = entity_filter(kind, search, "e.")
    sql = (
        "SELECT e.id, e.kind, e.name, e.documents, e.mentions, e.first_seen, e.last_seen, "
        "(SELECT group_concat(text, ' | ') FROM (SELECT DISTINCT text FROM mentions m WHERE m.entity_id = e.id "
        "ORDER BY text)) AS spellings FROM entities e"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY e.documents DESC, e.mentions DESC, e.name"
        + _limit(limit, 0)
    )
    return [dict(r) for r in store.db.execute(sql, params)]


def entity_detail(store: Store, entity_id: str) -> dict[str, Any]:
    """One entity: spellings with their evidence (report, offsets, how the link was made) and its claims."""
    row = store.db.execute("SELECT * FROM entities WHERE id = ?", (entity_id,)).fetchone()
    if row is None:
        raise NotFound(f"no entity {entity_id!r}", hint="run `storytrace resolve` first")
    mentions = [
        dict(r)
        for r in store.db.execute(
            "SELECT m.doc_id, m.start_char, m.end_char, m.text, m.label, m.score, m.method, m.explanation, "
            "d.outlet, d.published_at FROM mentions m JOIN documents d ON d.id = m.doc_id "
            "WHERE m.entity_id = ? ORDER BY d.published_at, m.doc_id, m.start_char",
            (entity_id,),
        )
    ]
    spellings: dict[str, dict[str, Any]] = {}
    for m in mentions:
        entry = spellings.setdefault(m["text"], {"text": m["text"], "count": 0, "first": m, "methods": set()})
        entry["count"] += 1
        entry["methods"].add(m["method"])
    said = [
        dict(r)
        for r in store.db.execute(
            "SELECT c.id, c.doc_id, c.text, c.stance, c.polarity, c.proposition_id, d.outlet, d.published_at "
            "FROM claims c JOIN documents d ON d.id = c.doc_id WHERE c.speaker_entity = ? ORDER BY d.published_at",
            (entity_id,),
        )
    ]
    return {
        **dict(row),
        "spellings": [
            {
                "text": s["text"],
                "count": s["count"],
                "methods": sorted(s["methods"]),
                "evidence": {k: s["first"][k] for k in ("doc_id", "start_char", "end_char", "explanation")},
            }
            for s in sorted(spellings.values(), key=lambda s: -s["count"])
        ],
        "mentions": mentions,
        "claims_made": said,
    }


def list_propositions(
    store: Store,
    *,
    status: str | None = None,
    about: str | None = None,
    search: str | None = None,
    min_reports: int = 1,
    limit: int | None = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Propositions, most reported first, with status, independent origins and for/against counts."""
    where: list[str] = ["p.reports >= ?"]
    params: list[Any] = [min_reports]
    if status:
        where.append("p.status = ?")
        params.append(status)
    if search:
        where.append("p.text LIKE ? ESCAPE '\\'")
        params.append(_like(search))
    if about:
        where.append(
            "p.id IN (SELECT c.proposition_id FROM claims c JOIN mentions m ON m.doc_id = c.doc_id "
            "AND m.start_char >= c.start_char AND m.end_char <= c.end_char WHERE m.entity_id = ?)"
        )
        params.append(about)
    sql = (
        "SELECT p.id, p.status, p.origins, p.supports, p.refutes, p.reports, p.first_seen, p.last_seen, p.text, "
        "p.reasons FROM propositions p WHERE "
        + " AND ".join(where)
        + " ORDER BY p.reports DESC, p.origins DESC, p.first_seen"
        + _limit(limit, offset)
    )
    rows = []
    for r in store.db.execute(sql, params):
        row = dict(r)
        row["reasons"] = json.loads(row["reasons"])
        rows.append(row)
    return rows


def proposition_detail(store: Store, ref: str) -> dict[str, Any]:
    """One proposition with every report's sentence, stance, speaker, chain and origin."""
    rows = store.db.execute(
        "SELECT * FROM propositions WHERE id = ? OR id LIKE ? ESCAPE '\\' LIMIT 2", (ref, ref + "%")
    ).fetchall()
    if len(rows) != 1:
        raise NotFound(
            f"no proposition {ref!r}" if not rows else f"{ref!r} matches several propositions",
            hint="see `storytrace claims` for the ids",
        )
    prop = dict(rows[0])
    prop["reasons"] = json.loads(prop["reasons"])
    claims = []
    for r in store.db.execute(
        "SELECT c.*, d.outlet, d.url, d.original_id, d.title, substr(d.text, c.sentence_start + 1, "
        "c.sentence_end - c.sentence_start) AS sentence FROM claims c JOIN documents d ON d.id = c.doc_id "
        "WHERE c.proposition_id = ? ORDER BY c.published_at, c.doc_id, c.start_char",
        (prop["id"],),
    ):
        claim = dict(r)
        claim["chain"] = json.loads(claim["chain"])
        claim["hedges"] = json.loads(claim["hedges"])
        claims.append(claim)
    prop["claims"] = claims
    return prop


def list_events(
    store: Store,
    *,
    since: str | None = None,
    until: str | None = None,
    kind: str | None = None,
    asserted_only: bool = False,
) -> list[dict[str, Any]]:
    """Events merged across reports, in date order (undated last), with their conflicts and reports;
    ``asserted_only``: only those a report says happened or is happening (not only demanded, denied, planned …)."""
    where: list[str] = []
    params: list[Any] = []
    if asserted_only:
        where.append("e.asserted = 1")
    if since:
        where.append("e.date >= ?")
        params.append(since)
    if until:
        where.append("substr(e.date, 1, 10) <= ?")
        params.append(until)
    if kind:
        where.append("e.type = ?")
        params.append(kind)
    sql = (
        # Outlets by their source's name: one outlet however its reports' metadata write it ("The Tesra Courier").
        "SELECT e.*, (SELECT group_concat(DISTINCT coalesce(s.name, d.outlet)) FROM event_mentions m JOIN documents d "
        "ON d.id = m.doc_id LEFT JOIN sources s ON s.id = d.source_id WHERE m.event_id = e.id) AS outlets, "
        f"{PLACE_NAME} FROM events e"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY e.date IS NULL, e.date, e.first_seen"
    )
    rows = []
    for r in store.db.execute(sql, params):
        row = dict(r)
        row["date_conflicts"] = json.loads(row["date_conflicts"])
        row["place"] = row.pop("place_name") or row["place"]
        row["asserted"] = bool(row["asserted"])
        rows.append(row)
    return rows


# An event's place by its entity's name ("Qasr Numayr"), not as its first report wrote it ("QASR NMEIR", "the
# Ibdaran city of Qasr Numayr"): a column of a query on ``events e`` (``row["place"]`` when the place is no entity).
PLACE_NAME = "(SELECT name FROM entities WHERE id = e.place_id) AS place_name"


def add_judgement(
    store: Store, kind: str, subject: str, obj: str | None, value: str | None = None, note: str | None = None
) -> int:
    """Record an analyst's decision (``merge``, ``split``, ``stance``); `storytrace resolve` applies it every run."""
    with store.transaction() as db:
        cursor = db.execute(
            "INSERT INTO judgements (kind, subject, object, value, note, author, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, subject, obj, value, note, None, now_iso()),
        )
    return int(cursor.lastrowid or 0)


def list_judgements(store: Store) -> list[dict[str, Any]]:
    return [dict(r) for r in store.db.execute("SELECT * FROM judgements WHERE active = 1 ORDER BY id")]
