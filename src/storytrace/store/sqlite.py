"""The embedded SQLite store: readable tables, full-text search, versioned schema, crash-safe writes."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storytrace.errors import NotFound, StoreError
from storytrace.model import (
    DateVia,
    Document,
    Edge,
    Failure,
    OutletVia,
    PublishedDate,
    Span,
    Trim,
    make_id,
)
from storytrace.store.migrations import MIGRATIONS, SCHEMA_VERSION

__all__ = ["DocumentFilter", "SaveOutcome", "Sighting", "Store", "now_iso", "source_id_for", "span_rows"]


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def source_id_for(name: str | None, domain: str | None) -> str | None:
    """Outlets are keyed by their case-folded name, or by their domain when no name is known.

    A leading "The" is not part of the key: "The Tesra Courier", "Tesra Courier" and "THE TESRA COURIER" are
    one outlet (a name that is only "The" keeps it).
    """
    if name and name.strip():
        words = name.casefold().split()
        if len(words) > 1 and words[0] == "the":
            words = words[1:]
        return make_id("src", " ".join(words))
    if domain:
        return make_id("src", domain.casefold())
    return None


@dataclass(frozen=True, slots=True)
class Sighting:
    """One input that produced a document (see the `sightings` table)."""

    locator: str
    raw_hash: str
    url: str | None = None
    original_id: str | None = None
    outlet: str | None = None
    title: str | None = None
    published_at: str | None = None


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    """What saving a document did: ``added`` a new one, or found it already there (``duplicate``/``unchanged``)."""

    doc_id: str
    status: str  # "added", "duplicate" (same text from another input), "unchanged" (same input again)


@dataclass(slots=True)
class DocumentFilter:
    """Filters shared by `docs` and `search`."""

    outlet: str | None = None
    lang: str | None = None
    since: str | None = None
    until: str | None = None
    duplicates: str = "include"  # "include", "exclude" (originals only), "only"
    limit: int | None = 50
    offset: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


_DOC_COLUMNS = (
    "id, source_id, outlet, outlet_via, title, url, canonical_url, original_id, domain, author, published_at, "
    "published_precision, published_via, published_evidence, lang, lang_score, kind, text, word_count, "
    "near_duplicate_of, near_duplicate_score, locator, ingested_at, meta"
)


class Store:
    """A storytrace store in one SQLite file. Open it with ``Store(path)``; use it as a context manager."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"no store at {self.path}", hint="ingest something first: storytrace ingest PATH")
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder, not a store file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            # WAL keeps the file readable by other tools while we write, and a killed run loses at most
            # the document being written.
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open {self.path} as a store: {exc}") from exc

    # -- lifecycle -------------------------------------------------------------------------------------------

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work: all of it lands, or none of it."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.schema_version
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {current}, newer than this storytrace ({SCHEMA_VERSION})",
                hint="upgrade storytrace: pip install -U storytrace",
            )
        if current == 0 and self._has_foreign_tables():
            raise StoreError(
                f"{self.path} is an SQLite file but not a storytrace store",
                hint="pass another --db path; storytrace will not write into someone else's database",
            )
        if current < SCHEMA_VERSION:
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        for migration in MIGRATIONS:
            if migration.version <= current:
                continue
            with self.transaction() as db:
                for statement in _split_sql(migration.sql):
                    db.execute(statement)
                db.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, now_iso()),
                )
                db.execute(f"PRAGMA user_version = {migration.version}")

    def _has_foreign_tables(self) -> bool:
        rows = self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return any(row[0] != "schema_migrations" for row in rows)

    # -- writing ---------------------------------------------------------------------------------------------

    def doc_for_raw(self, raw_hash: str, locator: str) -> str | None:
        """The document an input with these exact bytes already produced, so a re-run can skip it."""
        row = self.db.execute(
            "SELECT doc_id FROM sightings WHERE raw_hash = ? AND locator = ?", (raw_hash, locator)
        ).fetchone()
        return str(row[0]) if row else None

    def save_document(
        self, doc: Document, sighting: Sighting, *, rows: Sequence[tuple[Any, ...]] | None = None
    ) -> SaveOutcome:
        """Insert a document (or a sighting of one we have), atomically. Re-saving the same input is a no-op.

        ``rows``, when given, are the document's ``span_rows`` made elsewhere (a worker process) and stand in for
        ``doc.spans``.
        """
        now = now_iso()
        with self.transaction() as db:
            exists = db.execute("SELECT 1 FROM documents WHERE id = ?", (doc.id,)).fetchone() is not None
            seen = db.execute(
                "SELECT raw_hash FROM sightings WHERE doc_id = ? AND locator = ?", (doc.id, sighting.locator)
            ).fetchone()
            if not exists:
                source_id = self._upsert_source(doc.outlet, doc.domain)
                db.execute(
                    f"INSERT INTO documents ({_DOC_COLUMNS}) VALUES ({', '.join('?' * 24)})",
                    _document_row(doc, source_id, now),
                )
                db.executemany(
                    "INSERT INTO trims (doc_id, seq, position, rule, text) VALUES (?, ?, ?, ?, ?)",
                    [(doc.id, i, t.position, t.rule, t.text) for i, t in enumerate(doc.trims)],
                )
                self._write_spans(doc, rows=rows)
            if seen is None:
                db.execute(
                    "INSERT INTO sightings (doc_id, locator, url, original_id, outlet, title, published_at, "
                    "raw_hash, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        doc.id,
                        sighting.locator,
                        sighting.url,
                        sighting.original_id,
                        sighting.outlet,
                        sighting.title,
                        sighting.published_at,
                        sighting.raw_hash,
                        now,
                        now,
                    ),
                )
            else:
                db.execute(
                    "UPDATE sightings SET last_seen = ?, raw_hash = ? WHERE doc_id = ? AND locator = ?",
                    (now, sighting.raw_hash, doc.id, sighting.locator),
                )
            self._resolve_failures(sighting.locator, now)
        if not exists:
            return SaveOutcome(doc.id, "added")
        return SaveOutcome(doc.id, "unchanged" if seen is not None else "duplicate")

    def _upsert_source(self, name: str | None, domain: str | None) -> str | None:
        source_id = source_id_for(name, domain)
        if source_id is None:
            return None
        self.db.execute(
            "INSERT INTO sources (id, name, domain) VALUES (?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET domain = COALESCE(sources.domain, excluded.domain)",
            (source_id, name or domain, domain),
        )
        return source_id

    def _write_spans(
        self, doc: Document, layers: Iterable[str] | None = None, rows: Sequence[tuple[Any, ...]] | None = None
    ) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO spans (id, doc_id, layer, start_char, end_char, label, attrs, produced_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            span_rows(doc, layers) if rows is None else rows,
        )

    def replace_layers(self, doc: Document, layers: Iterable[str]) -> None:
        """Swap a document's annotation layers for new ones, atomically (re-processing with another pipeline)."""
        layers = list(layers)
        with self.transaction() as db:
            db.executemany("DELETE FROM spans WHERE doc_id = ? AND layer = ?", [(doc.id, layer) for layer in layers])
            self._write_spans(doc, layers)
            # The dossier no longer holds what this report says now: the next resolve replays the pile.
            db.execute("DELETE FROM resolved_documents WHERE doc_id = ?", (doc.id,))

    def iter_documents(self, flt: DocumentFilter) -> Iterator[Document]:
        """Stored documents (with their layers) matching a filter, oldest first."""
        for row in self.list_documents(flt):
            yield self.get_document(row["id"])

    def save_edge(self, edge: Edge) -> None:
        self.db.execute(
            "INSERT INTO edges (id, left_id, right_id, kind, score, method, explanation, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET score = excluded.score, "
            "explanation = excluded.explanation",
            (
                edge.id,
                edge.left_id,
                edge.right_id,
                edge.kind,
                edge.score,
                edge.method,
                edge.explanation,
                edge.created_by,
                now_iso(),
            ),
        )

    def set_near_duplicate(self, doc_id: str, original_id: str | None, score: float | None) -> None:
        self.db.execute(
            "UPDATE documents SET near_duplicate_of = ?, near_duplicate_score = ? WHERE id = ?",
            (original_id, score, doc_id),
        )

    def save_fingerprint(self, doc_id: str, method: str, signature: bytes, bands: Iterable[tuple[int, int]]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO fingerprints (doc_id, method, signature) VALUES (?, ?, ?)",
            (doc_id, method, signature),
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO minhash_bands (band, bucket, doc_id) VALUES (?, ?, ?)",
            [(band, bucket, doc_id) for band, bucket in bands],
        )

    def has_document(self, doc_id: str) -> bool:
        """Whether a document with this id (a hash of its cleaned text) is stored."""
        return self.db.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def has_sighting(self, locator: str) -> bool:
        """Whether an input (a path, a URL) has already produced a document."""
        row = self.db.execute("SELECT 1 FROM sightings WHERE locator = ? LIMIT 1", (locator,)).fetchone()
        return row is not None

    def root_original(self, doc_id: str) -> str:
        """Follow near_duplicate_of links to the first document of a copy chain."""
        seen = {doc_id}
        while True:
            row = self.db.execute("SELECT near_duplicate_of FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None or row[0] is None or row[0] in seen:
                return doc_id
            doc_id = str(row[0])
            seen.add(doc_id)

    def repoint_copies(self, old_original: str, new_original: str) -> None:
        """Copies of a document that turned out to be a copy itself now point at the earlier original."""
        self.db.execute(
            "UPDATE documents SET near_duplicate_of = ? WHERE near_duplicate_of = ? AND id != ?",
            (new_original, old_original, new_original),
        )

    def has_fingerprint(self, doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM fingerprints WHERE doc_id = ?", (doc_id,)).fetchone() is not None

    def band_candidates(self, bands: Sequence[tuple[int, int]], exclude: str) -> list[str]:
        """Documents sharing at least one LSH band bucket with these bands, most shared first."""
        if not bands:
            return []
        clause = " OR ".join(["(band = ? AND bucket = ?)"] * len(bands))
        params: list[Any] = [value for pair in bands for value in pair]
        rows = self.db.execute(
            f"SELECT doc_id, COUNT(*) AS shared FROM minhash_bands WHERE ({clause}) AND doc_id != ? "
            "GROUP BY doc_id ORDER BY shared DESC, doc_id",
            [*params, exclude],
        ).fetchall()
        return [str(row["doc_id"]) for row in rows]

    def record_failure(self, failure: Failure) -> None:
        now = now_iso()
        self.db.execute(
            "INSERT INTO failures (id, locator, stage, code, message, hint, first_seen, last_seen) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen, "
            "message = excluded.message, hint = excluded.hint, count = failures.count + 1, resolved_at = NULL",
            (
                failure.id,
                failure.locator,
                failure.stage,
                failure.code,
                failure.message,
                failure.hint,
                now,
                now,
            ),
        )

    def _resolve_failures(self, locator: str, when: str) -> None:
        self.db.execute(
            "UPDATE failures SET resolved_at = ? WHERE locator = ? AND resolved_at IS NULL", (when, locator)
        )

    def start_run(self, command: str) -> str:
        started = now_iso()
        # A run is an event, not content: its ID only has to be unique, so the clock in nanoseconds goes in.
        run_id = make_id("run", command, started, time.time_ns())
        self.db.execute("INSERT INTO runs (id, command, started_at) VALUES (?, ?, ?)", (run_id, command, started))
        return run_id

    def finish_run(self, run_id: str, counts: dict[str, int]) -> None:
        self.db.execute(
            "UPDATE runs SET finished_at = ?, added = ?, duplicates = ?, unchanged = ?, failed = ? WHERE id = ?",
            (
                now_iso(),
                counts.get("added", 0),
                counts.get("duplicate", 0),
                counts.get("unchanged", 0),
                counts.get("failed", 0),
                run_id,
            ),
        )

    # -- reading ---------------------------------------------------------------------------------------------

    def count_documents(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def resolve_ref(self, ref: str) -> str:
        """A document ID from a full ID, a unique ID prefix, the original ID given at ingest, or a URL."""
        ref = ref.strip()
        row = self.db.execute("SELECT id FROM documents WHERE id = ?", (ref,)).fetchone()
        if row:
            return str(row[0])
        for column in ("original_id", "url", "canonical_url"):
            rows = self.db.execute(f"SELECT id FROM documents WHERE {column} = ? LIMIT 2", (ref,)).fetchall()
            if len(rows) == 1:
                return str(rows[0][0])
        rows = self.db.execute(
            "SELECT doc_id FROM sightings WHERE original_id = ? OR url = ? OR locator = ? GROUP BY doc_id LIMIT 2",
            (ref, ref, ref),
        ).fetchall()
        if len(rows) == 1:
            return str(rows[0][0])
        if len(ref) >= 6:
            escaped = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            rows = self.db.execute(
                "SELECT id FROM documents WHERE id LIKE ? ESCAPE '\\' LIMIT 2", (escaped + "%",)
            ).fetchall()
            if len(rows) == 1:
                return str(rows[0][0])
            if len(rows) > 1:
                raise NotFound(f"{ref!r} matches several documents", hint="give more characters of the ID")
        raise NotFound(f"no document {ref!r} in {self.path}")

    def get_document(self, ref: str) -> Document:
        doc_id = self.resolve_ref(ref)
        row = self.db.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,)).fetchone()
        doc = _row_document(row)
        doc.trims = [
            Trim(position=r["position"], text=r["text"], rule=r["rule"])
            for r in self.db.execute("SELECT * FROM trims WHERE doc_id = ? ORDER BY seq", (doc_id,))
        ]
        for r in self.db.execute(
            "SELECT * FROM spans WHERE doc_id = ? ORDER BY layer, start_char, end_char", (doc_id,)
        ):
            attrs = tuple(sorted(json.loads(r["attrs"]).items()))
            span = Span(r["start_char"], r["end_char"], r["label"], attrs)
            doc.spans.setdefault(r["layer"], []).append(span)
            doc.layer_sources[r["layer"]] = r["produced_by"]
        return doc

    def sightings(self, doc_id: str) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT * FROM sightings WHERE doc_id = ? ORDER BY first_seen, locator", (doc_id,))
        return [dict(r) for r in rows]

    def edges_of(self, record_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM edges WHERE (left_id = ? OR right_id = ?)"
        params: list[Any] = [record_id, record_id]
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        return [dict(r) for r in self.db.execute(sql + " ORDER BY score DESC, id", params)]

    def near_duplicates_of(self, doc_id: str) -> list[dict[str, Any]]:
        """Documents recorded as copies or rewrites of this one."""
        rows = self.db.execute(
            "SELECT id, outlet, title, published_at, near_duplicate_score FROM documents "
            "WHERE near_duplicate_of = ? ORDER BY published_at, id",
            (doc_id,),
        )
        return [dict(r) for r in rows]

    def texts(self, doc_ids: Sequence[str]) -> dict[str, str]:
        if not doc_ids:
            return {}
        marks = ", ".join("?" * len(doc_ids))
        rows = self.db.execute(f"SELECT id, text FROM documents WHERE id IN ({marks})", list(doc_ids))
        return {str(r["id"]): str(r["text"]) for r in rows}

    def order_keys(self, doc_ids: Sequence[str]) -> dict[str, tuple[str, int]]:
        """(publication date or '9999', ingest order) per document: the earlier one is the original."""
        if not doc_ids:
            return {}
        marks = ", ".join("?" * len(doc_ids))
        rows = self.db.execute(
            f"SELECT id, published_at, n, near_duplicate_of FROM documents WHERE id IN ({marks})",
            list(doc_ids),
        )
        return {str(r["id"]): (str(r["published_at"] or "9999"), int(r["n"])) for r in rows}

    def list_documents(self, flt: DocumentFilter) -> list[dict[str, Any]]:
        where, params = _filter_sql(flt)
        sql = (
            "SELECT d.id, d.original_id, d.published_at, d.published_via, d.outlet, d.lang, d.title, d.url, "
            "d.word_count, d.near_duplicate_of, d.near_duplicate_score, d.locator, "
            "(SELECT COUNT(*) FROM sightings s WHERE s.doc_id = d.id) AS copies "
            f"FROM documents d {where} ORDER BY d.published_at IS NULL, d.published_at, d.n"
        )
        sql, params = _paginate(sql, params, flt)
        return [dict(r) for r in self.db.execute(sql, params)]

    def search(self, query: str, flt: DocumentFilter) -> list[dict[str, Any]]:
        """Full-text search ranked by BM25 (title weighted up), with a snippet around the hits."""
        match = _fts_query(query)
        where, params = _filter_sql(flt)
        where = where.replace("WHERE", "AND", 1) if where else ""
        sql = (
            "SELECT d.id, d.original_id, d.published_at, d.outlet, d.title, d.url, d.locator, "
            "round(bm25(documents_fts, 5.0, 1.0), 3) AS rank, "
            "snippet(documents_fts, 1, '[', ']', ' … ', 16) AS snippet "
            f"FROM documents_fts JOIN documents d ON d.n = documents_fts.rowid "
            f"WHERE documents_fts MATCH ? {where} ORDER BY rank, d.n"
        )
        sql, params = _paginate(sql, [match, *params], flt)
        try:
            return [dict(r) for r in self.db.execute(sql, params)]
        except sqlite3.OperationalError as exc:
            raise StoreError(
                f"cannot search for {query!r}: {exc}",
                hint='use plain words, "quoted phrases", OR, NOT, or prefix*',
            ) from exc

    def list_failures(self, *, include_resolved: bool = False, limit: int | None = None) -> list[dict[str, Any]]:
        sql = "SELECT locator, stage, code, message, hint, count, first_seen, last_seen, resolved_at FROM failures"
        if not include_resolved:
            sql += " WHERE resolved_at IS NULL"
        sql += " ORDER BY last_seen DESC, locator"
        params: list[Any] = []
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [dict(r) for r in self.db.execute(sql, params)]

    def list_sources(self) -> list[dict[str, Any]]:
        """Outlets with their document counts (originals and near-duplicates) and first/last publication."""
        rows = self.db.execute(
            "SELECT s.id, s.name, s.domain, COUNT(d.id) AS documents, "
            "SUM(d.near_duplicate_of IS NOT NULL) AS copies, "
            "MIN(substr(d.published_at, 1, 10)) AS first, MAX(substr(d.published_at, 1, 10)) AS last "
            "FROM sources s LEFT JOIN documents d ON d.source_id = s.id GROUP BY s.id ORDER BY documents DESC, s.name"
        )
        return [dict(r) for r in rows]

    def summary(self) -> dict[str, Any]:
        """The figures `storytrace status` shows."""
        one = self.db.execute
        dates = one("SELECT MIN(published_at), MAX(published_at), SUM(published_at IS NULL) FROM documents").fetchone()
        languages = {
            str(r[0] or "?"): int(r[1])
            for r in one("SELECT lang, COUNT(*) FROM documents GROUP BY lang ORDER BY COUNT(*) DESC")
        }
        last = one("SELECT finished_at FROM runs WHERE finished_at IS NOT NULL ORDER BY finished_at DESC").fetchone()
        return {
            **self.stats(),
            "schema_version": self.schema_version,
            "first_published": dates[0],
            "last_published": dates[1],
            "undated": int(dates[2] or 0),
            "languages": languages,
            "last_run": last[0] if last else None,
            # The dossier: the reports a resolve has taken in, those waiting for the next one, its propositions.
            "resolved": int(one("SELECT COUNT(*) FROM resolved_documents").fetchone()[0]),
            "waiting": int(
                one(
                    "SELECT COUNT(*) FROM documents WHERE id NOT IN (SELECT doc_id FROM resolved_documents)"
                ).fetchone()[0]
            ),
            "propositions": int(one("SELECT COUNT(*) FROM propositions").fetchone()[0]),
        }

    def stats(self) -> dict[str, int]:
        one = self.db.execute
        return {
            "documents": int(one("SELECT COUNT(*) FROM documents").fetchone()[0]),
            "near_duplicates": int(
                one("SELECT COUNT(*) FROM documents WHERE near_duplicate_of IS NOT NULL").fetchone()[0]
            ),
            "sightings": int(one("SELECT COUNT(*) FROM sightings").fetchone()[0]),
            "sources": int(one("SELECT COUNT(*) FROM sources").fetchone()[0]),
            "failures": int(one("SELECT COUNT(*) FROM failures WHERE resolved_at IS NULL").fetchone()[0]),
        }


def span_rows(doc: Document, layers: Iterable[str] | None = None) -> list[tuple[Any, ...]]:
    """The ``spans`` table rows of a document's layers (all by default): pure, so a worker process can make them."""
    rows = []
    for layer in doc.spans if layers is None else layers:
        produced_by = doc.layer_sources.get(layer, "unknown")
        for span in doc.spans.get(layer, []):
            span_id = make_id("spn", doc.id, layer, span.start_char, span.end_char, span.label)
            attrs = json.dumps(dict(span.attrs), ensure_ascii=False, sort_keys=True, default=str)
            rows.append((span_id, doc.id, layer, span.start_char, span.end_char, span.label, attrs, produced_by))
    return rows


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies (which contain ';') whole."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines():
        if line.strip().startswith("--") or not line.strip():
            continue
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def _document_row(doc: Document, source_id: str | None, now: str) -> tuple[Any, ...]:
    published = doc.published
    meta = doc.meta
    return (
        doc.id,
        source_id,
        doc.outlet,
        doc.outlet_via.value if doc.outlet_via else None,
        doc.title,
        doc.url,
        doc.canonical_url,
        doc.original_id,
        doc.domain,
        doc.author,
        published.value if published else None,
        published.precision if published else None,
        published.via.value if published else None,
        published.evidence if published else None,
        doc.lang,
        doc.lang_score,
        doc.kind,
        doc.text,
        doc.word_count,
        doc.near_duplicate_of,
        doc.near_duplicate_score,
        doc.locator,
        now,
        json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str),
    )


def _row_document(row: sqlite3.Row) -> Document:
    published = None
    if row["published_at"]:
        published = PublishedDate(
            value=row["published_at"],
            via=DateVia(row["published_via"]),
            evidence=row["published_evidence"] or "",
            precision=row["published_precision"] or "day",
        )
    return Document(
        id=row["id"],
        text=row["text"],
        locator=row["locator"],
        title=row["title"],
        url=row["url"],
        canonical_url=row["canonical_url"],
        original_id=row["original_id"],
        outlet=row["outlet"],
        outlet_via=OutletVia(row["outlet_via"]) if row["outlet_via"] else None,
        domain=row["domain"],
        author=row["author"],
        published=published,
        lang=row["lang"],
        lang_score=row["lang_score"],
        kind=row["kind"],
        near_duplicate_of=row["near_duplicate_of"],
        near_duplicate_score=row["near_duplicate_score"],
        meta=json.loads(row["meta"]),
    )


def _filter_sql(flt: DocumentFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if flt.outlet:
        clauses.append("(d.outlet LIKE ? OR d.domain LIKE ?)")
        params += [f"%{flt.outlet}%", f"%{flt.outlet}%"]
    if flt.lang:
        clauses.append("d.lang = ?")
        params.append(flt.lang)
    if flt.since:
        clauses.append("d.published_at >= ?")
        params.append(flt.since)
    if flt.until:
        # An ISO date prefix compares below its own datetimes, so "until 2025-03-14" means "before 03-15".
        clauses.append("substr(d.published_at, 1, ?) <= ?")
        params += [len(flt.until), flt.until]
    if flt.duplicates == "exclude":
        clauses.append("d.near_duplicate_of IS NULL")
    elif flt.duplicates == "only":
        clauses.append("d.near_duplicate_of IS NOT NULL")
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _paginate(sql: str, params: list[Any], flt: DocumentFilter) -> tuple[str, list[Any]]:
    if flt.limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params = [*params, flt.limit, flt.offset]
    return sql, params


_FTS_SYNTAX = re.compile(r'["*()]|\b(?:AND|OR|NOT|NEAR)\b')
_WORD = re.compile(r"\w+", re.UNICODE)


def _fts_query(query: str) -> str:
    """Pass FTS5 syntax through when the user wrote some; otherwise match every word (as a prefix-free term)."""
    if _FTS_SYNTAX.search(query):
        return query
    words = _WORD.findall(query)
    if not words:
        raise StoreError(f"nothing to search for in {query!r}", hint="give one or more words")
    return " ".join(f'"{w}"' for w in words)
