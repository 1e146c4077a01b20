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
        assert store.schema_version == SCHEMA_VERSION
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


def test_a_v10_store_reads_whether_its_events_happened_from_their_spans(tmp_path: Path) -> None:
    path = tmp_path / "v10.db"
    _store_at(path, 10)
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO documents (id, kind, text, word_count, locator, ingested_at) "
        "VALUES ('doc_a', 'text', 'x', 1, 'a.txt', 'now'), ('doc_b', 'text', 'x', 1, 'b.txt', 'now')"
    )
    spans = [  # (doc, start, end, attrs) of the `events` layer, as the extraction wrote them
        ("doc_a", 0, 5, '{"modality": "asserted", "negated": false}'),  # freed: asserted
        ("doc_a", 10, 17, '{"modality": "demanded", "negated": false}'),  # release demanded
        ("doc_b", 0, 7, '{"modality": "demanded", "negated": false}'),
        ("doc_b", 20, 27, '{"modality": "conditional", "negated": false}'),
        ("doc_b", 30, 34, '{"modality": "asserted", "negated": true}'),  # "no talks": negated
        ("doc_b", 40, 44, "{}"),  # an older extraction without the attrs: asserted
        ("doc_b", 50, 57, '{"modality": "demanded", "negated": false}'),
        ("doc_b", 60, 65, '{"modality": "planned", "negated": false}'),
        ("doc_b", 70, 75, '{"modality": "future", "negated": false}'),
    ]
    con.executemany(
        "INSERT INTO spans (id, doc_id, layer, start_char, end_char, label, attrs, produced_by) "
        "VALUES (?, ?, 'events', ?, ?, 'release', ?, 'test')",
        [(f"spn_{n}", *row) for n, row in enumerate(spans)],
    )
    members = {  # event -> its mentions (by their spans)
        "evt_freed": [0, 1],  # one asserted mention is enough
        "evt_demanded": [2, 3, 6],  # the most frequent
        "evt_visit": [7, 8],  # a tie: the first by name, as resolve/job.py breaks it
        "evt_talks": [4],
        "evt_old": [5],
        "evt_none": [],  # no mention rows at all
    }
    con.executemany(
        "INSERT INTO event_mentions (doc_id, start_char, end_char, event_id, type, score, explanation) "
        "VALUES (?, ?, ?, ?, 'release', 1.0, '')",
        [(*spans[i][:3], event) for event, ids in members.items() for i in ids],
    )
    con.executemany(
        "INSERT INTO events (id, type, summary, updated_at) VALUES (?, 'release', '', 'now')", [(e,) for e in members]
    )
    con.commit()
    con.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 11
        rows = {r[0]: (r[1], r[2]) for r in store.db.execute("SELECT id, asserted, modality FROM events")}
        assert rows == {
            "evt_freed": (1, None),
            "evt_demanded": (0, "demanded"),
            "evt_visit": (0, "future"),
            "evt_talks": (0, "negated"),
            "evt_old": (1, None),
            "evt_none": (1, None),
        }
        mentions = [tuple(r) for r in store.db.execute("SELECT doc_id, start_char, modality FROM event_mentions")]
        assert sorted(mentions, key=str) == sorted(
            [
                ("doc_a", 0, None),
                ("doc_a", 10, "demanded"),
                ("doc_b", 0, "demanded"),
                ("doc_b", 20, "conditional"),
                ("doc_b", 30, "negated"),
                ("doc_b", 40, None),
                ("doc_b", 50, "demanded"),
                ("doc_b", 60, "planned"),
                ("doc_b", 70, "future"),
            ],
            key=str,
        )
        plan = store.db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM events WHERE asserted = 1 AND date IS NOT NULL ORDER BY date, first_seen"
        ).fetchall()
        assert "events_asserted_date" in " ".join(str(r[-1]) for r in plan)
