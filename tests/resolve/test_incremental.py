"""Resolving a store that grows: the dossier after adding reports to a resolved store is the dossier of resolving
everything at once, and only the new reports' claims are embedded (the others come from ``claim_embeddings``)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import storytrace
from storytrace.pipeline import pack_config
from storytrace.resolve.job import resolve_store
from storytrace.store import DocumentFilter, Store

ROOT = Path(__file__).resolve().parents[2]

# Every derived table, in a fixed row order, without the time of writing.
_TABLES = {
    "entities": "SELECT id, kind, name, pack_id, mentions, documents, first_seen, last_seen FROM entities ORDER BY id",
    "mentions": "SELECT * FROM mentions ORDER BY doc_id, start_char, end_char",
    "events": "SELECT id, type, date, date_precision, date_conflicts, place_id, place, summary, reports, first_seen, "
    "last_seen FROM events ORDER BY id",
    "event_mentions": "SELECT * FROM event_mentions ORDER BY doc_id, start_char, end_char",
    "claims": "SELECT * FROM claims ORDER BY id",
    "propositions": "SELECT id, text, status, reasons, origins, supports, refutes, reports, event_id, first_seen, "
    "last_seen FROM propositions ORDER BY id",
}


def _dossier(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    return {table: [tuple(row) for row in store.db.execute(sql)] for table, sql in _TABLES.items()}


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus ingested (not resolved): the reports every test copies from."""
    db = tmp_path_factory.mktemp("incremental") / "demo.db"
    options = storytrace.IngestOptions(config=pack_config([str(ROOT / "examples" / "packs" / "ain-bashura")]))
    with storytrace.open_store(db) as store:
        storytrace.ingest_inputs(store, [str(ROOT / "examples" / "demo")], options)
    return db


@pytest.fixture(scope="module")
def full(ingested: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[Any, ...]]]:
    db = tmp_path_factory.mktemp("full") / "full.db"
    shutil.copyfile(ingested, db)
    with Store(db) as store:
        report = resolve_store(store)
        assert report.embedded == report.claims > 0
        return _dossier(store)


def _copy_documents(store: Store, source: Path, doc_ids: list[str]) -> None:
    """Add reports (text, metadata and layers, exactly as ingested) from another store."""
    marks = ", ".join("?" * len(doc_ids))
    store.db.execute("ATTACH DATABASE ? AS src", (str(source),))
    try:
        with store.transaction() as db:
            db.execute("INSERT OR IGNORE INTO sources SELECT * FROM src.sources")
            db.execute(f"INSERT INTO documents SELECT * FROM src.documents WHERE id IN ({marks})", doc_ids)
            db.execute(f"INSERT INTO spans SELECT * FROM src.spans WHERE doc_id IN ({marks})", doc_ids)
    finally:
        store.db.execute("DETACH DATABASE src")


def _claims_in(store: Store, doc_ids: list[str]) -> int:
    marks = ", ".join("?" * len(doc_ids))
    return int(store.db.execute(f"SELECT COUNT(*) FROM claims WHERE doc_id IN ({marks})", doc_ids).fetchone()[0])


@pytest.mark.parametrize("split", ["chronological", "interleaved"])
def test_incremental_adding_reports_gives_the_full_dossier_and_embeds_only_new_claims(
    ingested: Path, full: dict[str, list[tuple[Any, ...]]], tmp_path: Path, split: str
) -> None:
    with Store(ingested) as source:
        ordered = [row["id"] for row in source.list_documents(DocumentFilter(limit=None))]
    half = len(ordered) // 2
    first, later = (ordered[:half], ordered[half:]) if split == "chronological" else (ordered[::2], ordered[1::2])
    with Store(tmp_path / "grown.db") as store:
        _copy_documents(store, ingested, first)
        before = resolve_store(store)
        assert before.documents == len(first) and before.embedded == before.claims
        _copy_documents(store, ingested, later)
        after = resolve_store(store)
        assert after.documents == len(ordered)
        assert after.embedded == _claims_in(store, later) > 0
        assert after.embeddings_reused == _claims_in(store, first) == before.claims
        grown = _dossier(store)
    for table in _TABLES:
        assert grown[table] == full[table], f"{table} differs after adding reports ({split})"


def test_incremental_rerun_embeds_nothing_and_a_changed_claim_again(ingested: Path, tmp_path: Path) -> None:
    db = tmp_path / "rerun.db"
    shutil.copyfile(ingested, db)
    with Store(db) as store:
        first = resolve_store(store)
        dossier = _dossier(store)
        again = resolve_store(store)
        assert (again.embedded, again.embeddings_reused) == (0, first.claims)
        assert first.rows_written > 0 and again.rows_written == 0  # nothing changed: nothing rewritten
        assert _dossier(store) == dossier
        # A stored vector whose claim text no longer matches its hash is not used: it is computed again.
        store.db.execute(
            "UPDATE claim_embeddings SET text_hash = 'stale' WHERE claim_id = (SELECT MIN(id) FROM claims)"
        )
        third = resolve_store(store)
        assert third.embedded == 1
        assert _dossier(store) == dossier
        stored = store.db.execute("SELECT COUNT(*) FROM claim_embeddings").fetchone()[0]
        assert stored == first.claims


def test_incremental_embeddings_of_removed_claims_are_dropped(ingested: Path, tmp_path: Path) -> None:
    db = tmp_path / "shrunk.db"
    shutil.copyfile(ingested, db)
    with Store(db) as store:
        resolve_store(store)
        gone = store.db.execute("SELECT doc_id FROM claims GROUP BY doc_id ORDER BY doc_id LIMIT 1").fetchone()[0]
        with store.transaction() as tx:
            tx.execute("DELETE FROM spans WHERE doc_id = ? AND layer = 'claims'", (gone,))
        report = resolve_store(store)
        assert report.embedded == 0
        kept = store.db.execute("SELECT COUNT(*) FROM claim_embeddings").fetchone()[0]
        assert kept == report.claims
        orphans = store.db.execute(
            "SELECT COUNT(*) FROM claim_embeddings WHERE claim_id NOT IN (SELECT id FROM claims)"
        ).fetchone()[0]
        assert orphans == 0
