"""Migrations: a store of the previous schema gains the new tables when opened, its rows kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from storytrace.store import SCHEMA_VERSION, Store
from storytrace.store.migrations import MIGRATIONS


def _store_at(path: Path, version: int) -> None:
    """A store as a storytrace of schema ``version`` left it."""
    con = sqlite3.connect(path)
    for migration in MIGRATIONS:
        if migration.version <= version:
            con.executescript(migration.sql)
    con.execute(f"PRAGMA user_version = {version}")
    con.commit()
    con.close()


def test_a_v9_store_gains_event_embeddings_and_keeps_its_claim_vectors(tmp_path: Path) -> None:
    path = tmp_path / "v9.db"
    _store_at(path, 9)
    con = sqlite3.connect(path)
    con.execute("INSERT INTO claim_embeddings VALUES ('clm_1', 'h', ?)", (np.ones(3, dtype="<f4").tobytes(),))
    con.commit()
    con.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 10
        columns = [r[1] for r in store.db.execute("PRAGMA table_info(event_embeddings)")]
        assert columns == ["doc_id", "start_char", "end_char", "text_hash", "vector"]
        assert [tuple(r) for r in store.db.execute("SELECT claim_id FROM claim_embeddings")] == [("clm_1",)]
        vector = np.arange(8, dtype=np.float16).reshape(4, 2)
        row = ("doc_a", 3, 9, "hash", vector.astype("<f2").tobytes())
        store.db.execute("INSERT INTO event_embeddings VALUES (?, ?, ?, ?, ?)", row)
        blob = store.db.execute("SELECT vector FROM event_embeddings WHERE doc_id = 'doc_a'").fetchone()[0]
        assert np.array_equal(np.frombuffer(blob, dtype="<f2").reshape(4, 2), vector)
        with pytest.raises(sqlite3.IntegrityError):  # one row per mention: (doc, start, end)
            store.db.execute("INSERT INTO event_embeddings VALUES (?, ?, ?, ?, ?)", row)
        name = store.db.execute("SELECT name FROM schema_migrations WHERE version = 10").fetchone()[0]
        assert name == "event_embeddings"
