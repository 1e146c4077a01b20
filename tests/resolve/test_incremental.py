"""Resolving a store that grows (resolve/incremental.py): new reports join the stored dossier, reading only what
they touch; when they are the latest, the result is the dossier of resolving everything at once. A full run is
taken when a join cannot be sound (judgements, reprocessed reports), and ``full=True`` replays the pile."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

import storytrace
from storytrace.pipeline import pack_config
from storytrace.resolve import events, job
from storytrace.resolve.entities import MentionIn, resolve_entities
from storytrace.resolve.events import EventMention, EventPile, group_events
from storytrace.resolve.incremental import StoredClusterer, StoredEntityPile, StoredEventPile
from storytrace.resolve.job import resolve_store
from storytrace.store import DocumentFilter, Store
from storytrace.store.dossier import add_judgement
from tests.resolve.test_events import LEMMA_ONLY, _encode, typed

ROOT = Path(__file__).resolve().parents[2]

# Every derived table, in a fixed row order, without the time of writing.
_TABLES = {
    "entities": "SELECT id, kind, name, pack_id, mentions, documents, first_seen, last_seen FROM entities ORDER BY id",
    "mentions": "SELECT * FROM mentions ORDER BY doc_id, start_char, end_char",
    "events": "SELECT id, type, date, date_precision, date_conflicts, place_id, place, summary, reports, first_seen, "
    "last_seen, asserted, modality FROM events ORDER BY id",
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
    """Add reports (text, metadata and layers, exactly as ingested) and their outlets from another store."""
    marks = ", ".join("?" * len(doc_ids))
    store.db.execute("ATTACH DATABASE ? AS src", (str(source),))
    try:
        with store.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO sources SELECT * FROM src.sources WHERE id IN "
                f"(SELECT source_id FROM src.documents WHERE id IN ({marks}))",
                doc_ids,
            )
            db.execute(f"INSERT INTO documents SELECT * FROM src.documents WHERE id IN ({marks})", doc_ids)
            db.execute(f"INSERT INTO spans SELECT * FROM src.spans WHERE doc_id IN ({marks})", doc_ids)
    finally:
        store.db.execute("DETACH DATABASE src")


def _claims_in(store: Store, doc_ids: list[str]) -> int:
    marks = ", ".join("?" * len(doc_ids))
    return int(store.db.execute(f"SELECT COUNT(*) FROM claims WHERE doc_id IN ({marks})", doc_ids).fetchone()[0])


def _ordered(db: Path) -> list[str]:
    with Store(db) as source:
        return [row["id"] for row in source.list_documents(DocumentFilter(limit=None))]


@pytest.mark.parametrize("later_count", [1, 3, 8])
def test_joining_the_latest_reports_gives_the_full_dossier_and_embeds_only_their_claims(
    ingested: Path, full: dict[str, list[tuple[Any, ...]]], tmp_path: Path, later_count: int
) -> None:
    ordered = _ordered(ingested)
    first, later = ordered[:-later_count], ordered[-later_count:]
    with Store(tmp_path / "grown.db") as store:
        _copy_documents(store, ingested, first)
        before = resolve_store(store)
        assert (before.mode, before.reason) == ("full", "no resolved state yet")
        assert before.documents == len(first) and before.embedded == before.claims
        # events other than speech acts are grouped by the pair scorer: the state keeps what a join scores them by
        learned = "SELECT COUNT(*) FROM event_pile WHERE json_extract(state, '$.learned') AND state LIKE '%members%'"
        assert store.db.execute(learned).fetchone()[0] > 0
        _copy_documents(store, ingested, later)
        after = resolve_store(store)
        assert (after.mode, after.joined, after.reason) == ("join", later_count, None)
        assert after.documents == len(ordered)
        assert after.embedded == _claims_in(store, later) > 0 and after.embeddings_reused == 0
        grown = _dossier(store)
    for table in _TABLES:
        assert grown[table] == full[table], f"{table} differs after joining the {later_count} latest reports"


def test_a_join_reads_only_what_the_new_report_touches(ingested: Path, tmp_path: Path) -> None:
    ordered = _ordered(ingested)
    with Store(tmp_path / "grown.db") as store:
        _copy_documents(store, ingested, ordered[:-1])
        resolve_store(store)
        _copy_documents(store, ingested, ordered[-1:])
        db = store.db
        entities = StoredEntityPile(db)
        mentions = [
            MentionIn(ordered[-1], 0, 14, "Marwan Qutrubi", "PER"),
            MentionIn(ordered[-1], 20, 36, "Unheard Of Person", "PER"),
        ]
        resolve_entities(mentions, pile=entities)
        stored = db.execute("SELECT COUNT(*) FROM entity_pile").fetchone()[0]
        assert 0 < len(entities.stored) < stored / 4  # the blocking keys' entities, not the pile
        clusterer = StoredClusterer(db)
        total = db.execute("SELECT COUNT(*) FROM propositions").fetchone()[0]
        report = resolve_store(store)
        assert report.mode == "join"
        assert 0 < report.rows_written < total  # the new rows and those of what they joined
        assert clusterer.next_index == total  # new propositions are numbered after the stored ones


def test_joining_earlier_reports_keeps_the_dossier_whole_and_full_replays_it(
    ingested: Path, full: dict[str, list[tuple[Any, ...]]], tmp_path: Path
) -> None:
    ordered = _ordered(ingested)
    with Store(tmp_path / "grown.db") as store:
        _copy_documents(store, ingested, ordered[::2])
        resolve_store(store)
        _copy_documents(store, ingested, ordered[1::2])  # each dated before a resolved one
        joined = resolve_store(store)
        assert joined.mode == "join"
        db = store.db
        # Whole: every claim in a stored proposition, every mention's entity and event mention's event stored,
        # each entity's counts those of its mentions, each proposition's reports those of its claims.
        assert joined.claims == len(full["claims"]) and joined.mentions == len(full["mentions"])
        orphans = (
            "SELECT COUNT(*) FROM claims WHERE proposition_id NOT IN (SELECT id FROM propositions)",
            "SELECT COUNT(*) FROM mentions WHERE entity_id NOT IN (SELECT id FROM entities)",
            "SELECT COUNT(*) FROM event_mentions WHERE event_id NOT IN (SELECT id FROM events)",
            "SELECT COUNT(*) FROM propositions WHERE id NOT IN (SELECT proposition_id FROM claims)",
        )
        assert [db.execute(sql).fetchone()[0] for sql in orphans] == [0, 0, 0, 0]
        counts = db.execute(
            "SELECT COUNT(*) FROM entities e WHERE mentions != (SELECT COUNT(*) FROM mentions m WHERE "
            "m.entity_id = e.id) OR documents != (SELECT COUNT(DISTINCT doc_id) FROM mentions m "
            "WHERE m.entity_id = e.id)"
        ).fetchone()[0]
        assert counts == 0
        reports = db.execute(
            "SELECT COUNT(*) FROM events e WHERE reports != (SELECT COUNT(DISTINCT doc_id) FROM event_mentions m "
            "WHERE m.event_id = e.id)"
        ).fetchone()[0]
        assert reports == 0
        replayed = resolve_store(store, full=True)
        assert (replayed.mode, replayed.embedded) == ("full", 0)
        assert _dossier(store) == full


def test_a_rerun_without_new_reports_writes_nothing(ingested: Path, tmp_path: Path) -> None:
    db = tmp_path / "rerun.db"
    shutil.copyfile(ingested, db)
    with Store(db) as store:
        first = resolve_store(store)
        dossier = _dossier(store)
        again = resolve_store(store)
        assert (again.mode, again.rows_written, again.embedded) == ("unchanged", 0, 0)
        assert (again.claims, again.propositions, again.statuses) == (first.claims, first.propositions, first.statuses)
        assert _dossier(store) == dossier


def test_a_store_resolved_under_older_readings_is_replayed(ingested: Path, tmp_path: Path) -> None:
    db = tmp_path / "older.db"
    shutil.copyfile(ingested, db)
    with Store(db) as store:
        first = resolve_store(store)
        with store.transaction() as tx:  # as a store resolved before the resolver's readings last changed
            tx.execute("UPDATE resolve_state SET value = '2000-01-01' WHERE key = 'rules'")
        again = resolve_store(store)
        reason = "the resolver's readings (clustering, stance, status) changed since the last run"
        assert (again.mode, again.reason, again.statuses) == ("full", reason, first.statuses)
        assert resolve_store(store).mode == "unchanged"  # the replay wrote the current readings' stamp


def test_a_full_rerun_reuses_embeddings_and_computes_a_stale_one_again(ingested: Path, tmp_path: Path) -> None:
    db = tmp_path / "rerun.db"
    shutil.copyfile(ingested, db)
    with Store(db) as store:
        first = resolve_store(store)
        dossier = _dossier(store)
        again = resolve_store(store, full=True)
        assert (again.mode, again.embedded, again.embeddings_reused) == ("full", 0, first.claims)
        assert again.rows_written == 0  # nothing changed: nothing rewritten
        # A stored vector whose claim text no longer matches its hash is not used: it is computed again.
        store.db.execute(
            "UPDATE claim_embeddings SET text_hash = 'stale' WHERE claim_id = (SELECT MIN(id) FROM claims)"
        )
        third = resolve_store(store, full=True)
        assert third.embedded == 1
        assert _dossier(store) == dossier
        stored = store.db.execute("SELECT COUNT(*) FROM claim_embeddings").fetchone()[0]
        assert stored == first.claims


def _counting_encode(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Count the event mentions' encoder calls of ``resolve_store`` (claims have their own embedder)."""
    calls: list[list[str]] = []

    def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        calls.append(list(texts))
        return events.default_encode(texts)

    monkeypatch.setattr(job, "default_encode", encode)
    return calls


def _event_vector_rows(store: Store) -> dict[tuple[str, int, int], str]:
    rows = store.db.execute("SELECT doc_id, start_char, end_char, text_hash FROM event_embeddings")
    return {(d, s, e): h for d, s, e, h in rows}


def test_a_full_rerun_embeds_no_event_mention_again(
    ingested: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting_encode(monkeypatch)
    monkeypatch.setattr(job, "_FLUSH_ROWS", 7)  # new vectors are written in batches while the run groups events
    db = tmp_path / "events.db"
    shutil.copyfile(ingested, db)
    with Store(db) as store:
        first = resolve_store(store)
        scored = len(calls)  # one call per report with a mention the pair scorer groups
        stored = _event_vector_rows(store)
        assert scored > 0 and first.events_embedded == len(stored) > 0 and first.event_vectors_reused == 0
        assert {d for d, _s, _e in stored} == {r[0] for r in store.db.execute("SELECT doc_id FROM event_mentions")}
        dossier = _dossier(store)
        again = resolve_store(store, full=True)
        assert len(calls) == scored  # no encoder call: every report's vectors came from the store
        assert (again.mode, again.events_embedded, again.event_vectors_reused) == ("full", 0, len(stored))
        assert again.rows_written == 0 and _dossier(store) == dossier


def test_a_reprocessed_report_with_changed_event_texts_is_embedded_again_and_a_gone_ones_rows_dropped(
    ingested: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting_encode(monkeypatch)
    db = tmp_path / "events.db"
    shutil.copyfile(ingested, db)
    with Store(db) as store:
        resolve_store(store)
        stored = _event_vector_rows(store)
        changed, gone = sorted({d for d, _s, _e in stored})[:2]
        # `storytrace process` with another sentence splitter: one scored mention of `changed` is read in a shorter
        # sentence (from its trigger on), so its texts, and its report's batch, differ
        doc = store.get_document(changed)
        spans = doc.spans["events"]
        k = next(
            i for i, s in enumerate(spans) if (changed, s.start_char, s.end_char) in stored
            and dict(s.attrs)["sentence"][0] < s.start_char
        )  # fmt: skip
        attrs = {**dict(spans[k].attrs), "sentence": [spans[k].start_char, dict(spans[k].attrs)["sentence"][1]]}
        spans[k] = dataclasses.replace(spans[k], attrs=tuple(sorted(attrs.items())))
        store.replace_layers(doc, ["events"])
        other = store.get_document(gone)
        other.spans["events"] = []  # and another report no longer has any event
        store.replace_layers(other, ["events"])
        before = len(calls)
        report = resolve_store(store)
        assert report.mode == "full"
        assert len(calls) == before + 1  # only the changed report is embedded again, whole
        mine = {k: h for k, h in stored.items() if k[0] == changed}
        assert report.events_embedded == len(mine)
        after = _event_vector_rows(store)
        assert all(after[k] != h for k, h in mine.items())  # none of its old vectors is reused
        assert not any(d == gone for d, _s, _e in after)  # the rows of a report without events are dropped
        assert {k: h for k, h in after.items() if k[0] != changed} == {
            k: h for k, h in stored.items() if k[0] not in (changed, gone)
        }


def test_a_reprocessed_report_replays_the_pile_and_drops_the_embeddings_of_its_removed_claims(
    ingested: Path, tmp_path: Path
) -> None:
    db = tmp_path / "shrunk.db"
    shutil.copyfile(ingested, db)
    with Store(db) as store:
        resolve_store(store)
        gone = store.db.execute("SELECT doc_id FROM claims GROUP BY doc_id ORDER BY doc_id LIMIT 1").fetchone()[0]
        doc = store.get_document(gone)
        doc.spans["claims"] = []
        store.replace_layers(doc, ["claims"])  # as `storytrace process` does with another pipeline
        report = resolve_store(store)
        assert (report.mode, report.reason) == ("full", f"report {gone} was processed again")
        assert report.embedded == 0
        kept = store.db.execute("SELECT COUNT(*) FROM claim_embeddings").fetchone()[0]
        assert kept == report.claims
        orphans = store.db.execute(
            "SELECT COUNT(*) FROM claim_embeddings WHERE claim_id NOT IN (SELECT id FROM claims)"
        ).fetchone()[0]
        assert orphans == 0
        assert resolve_store(store).mode == "unchanged"


def test_a_stance_correction_is_applied_in_place_and_gives_the_full_runs_dossier(
    ingested: Path, tmp_path: Path
) -> None:
    db = tmp_path / "judged.db"
    shutil.copyfile(ingested, db)
    with Store(db) as store:
        resolve_store(store)
        # The one supporting claim of a single-source proposition: refuted, it leaves nobody supporting it.
        claim, proposition = store.db.execute(
            "SELECT c.id, p.id FROM claims c JOIN propositions p ON p.id = c.proposition_id "
            "WHERE p.status = 'single_source' AND c.stance = 'supports' AND p.supports = 1 AND c.origin IS NOT NULL "
            "ORDER BY c.id LIMIT 1"
        ).fetchone()
        add_judgement(store, "stance", claim, "refutes")
        report = resolve_store(store)
        assert (report.mode, report.corrected, report.reason) == ("corrected", 1, None)
        assert report.rows_written == 2  # the claim and its proposition
        row = store.db.execute("SELECT stance, stance_reason FROM claims WHERE id = ?", (claim,)).fetchone()
        assert row[0] == "refutes" and row[1].startswith("corrected by an analyst (the rules said supports")
        status = store.db.execute("SELECT status FROM propositions WHERE id = ?", (proposition,)).fetchone()[0]
        assert status == "contested"
        corrected = _dossier(store)
        assert resolve_store(store).mode == "unchanged"
        assert resolve_store(store, full=True).mode == "full"
        assert _dossier(store) == corrected


def test_other_judgements_replay_the_pile(ingested: Path, tmp_path: Path) -> None:
    db = tmp_path / "judged.db"
    shutil.copyfile(ingested, db)
    with Store(db) as store:
        resolve_store(store)
        first, second = (r[0] for r in store.db.execute("SELECT id FROM claims ORDER BY id LIMIT 2"))
        add_judgement(store, "stance", first, "refutes")
        assert resolve_store(store).mode == "corrected"
        add_judgement(store, "stance", first, "reports")  # a second correction of the same claim
        report = resolve_store(store)
        assert (report.mode, report.reason) == ("full", "an analyst's judgements changed since the last run")
        assert store.db.execute("SELECT stance FROM claims WHERE id = ?", (first,)).fetchone()[0] == "reports"
        with store.transaction() as tx:  # withdrawn, as the web workspace does it
            tx.execute("UPDATE judgements SET active = 0 WHERE subject = ?", (first,))
        assert resolve_store(store).mode == "full"
        entities = [r[0] for r in store.db.execute("SELECT id FROM entities ORDER BY id LIMIT 2")]
        add_judgement(store, "merge", entities[0], entities[1])
        add_judgement(store, "stance", second, "refutes")
        assert resolve_store(store).mode == "full"  # a merge among the new judgements
        assert store.db.execute("SELECT stance FROM claims WHERE id = ?", (second,)).fetchone()[0] == "refutes"


def test_a_claim_citing_an_outlet_is_traced_to_it_once_its_own_report_arrives(ingested: Path, tmp_path: Path) -> None:
    with Store(ingested) as source:
        herald = source.db.execute("SELECT id FROM sources WHERE name LIKE '%Harbal Herald%'").fetchone()[0]
        own = [r[0] for r in source.db.execute("SELECT id FROM documents WHERE source_id = ?", (herald,))]
    ordered = _ordered(ingested)
    with Store(tmp_path / "grown.db") as store:
        _copy_documents(store, ingested, [d for d in ordered if d not in own])
        resolve_store(store)
        citing = "SELECT COUNT(*) FROM claims WHERE chain LIKE '%Harbal Herald%' AND origin = ?"
        before = store.db.execute(citing, (f"outlet:{herald}",)).fetchone()[0]
        _copy_documents(store, ingested, own)
        assert resolve_store(store).mode == "join"
        after = store.db.execute(citing, (f"outlet:{herald}",)).fetchone()[0]
    assert before == 0 and after > 0


# --- the events the pair scorer groups, joined and replayed ------------------------------------------------------


def _event_state(store: Store, pile: EventPile) -> None:
    """What ``job.write_state`` keeps of the event pile."""
    with store.transaction() as db:
        for index in sorted(pile.touched):
            state = json.dumps({"type": pile.events[index].type, **pile.tallies[index].state()})
            db.execute(
                "INSERT OR REPLACE INTO event_pile (seq, id, state) VALUES (?, ?, ?)",
                (index, pile.events[index].id, state),
            )
            db.executemany(
                "INSERT OR IGNORE INTO event_keys (key, seq) VALUES (?, ?)", [(k, index) for k in pile.keys_of(index)]
            )


def _event_of(events: list[Any]) -> dict[tuple[str, int], str]:
    return {(m.doc_id, m.start_char): e.id for e in events for m in e.mentions}


@pytest.mark.parametrize("per_key", [64, 2])
def test_a_join_groups_scored_events_as_the_replay(tmp_path: Path, per_key: int) -> None:
    def mention(doc: str, type_: str, trigger: str, sentence: str, **kw: object) -> EventMention:
        return typed(doc, type_, trigger, sentence, **kw)

    ksh = frozenset({"org/ksh"})
    ms = [
        mention("a", "attack", "ambushed", "Fighters ambushed a convoy on Route 9."),
        mention("a", "statement", "said", "The ministry said five soldiers died.", participants=ksh),
        mention("b", "attack", "shelled", "Guns shelled the town."),
        mention("b", "arrest", "arrested", "Police arrested a commander."),
        mention("c", "bombing", "bombed", "Jets bombed a depot."),
        mention("c", "agreement", "agreement", "No agreement was reached.", asserted=False),
        mention("d", "attack", "ambush", "The ambush on Route 9 killed five."),  # joins a's, stored
        mention("d", "statement", "said", "A spokesman said the group was behind it.", participants=ksh),
        mention("e", "arrest", "arrested", "The commander was arrested at a checkpoint."),
        mention("e", "attack", "shelled", "Artillery shelled the town again."),
        mention("f", "attack", "ambushed", "Fighters ambushed a convoy on Route 9."),
        mention("f", "agreement", "agreement", "The sides signed an agreement."),  # not the stored negated one
        mention("f", "agreement", "agreement", "Officials said no agreement was reached.", asserted=False),
    ]

    def pile(store: Store | None = None) -> EventPile:
        made = EventPile(model=LEMMA_ONLY) if store is None else StoredEventPile(store.db, model=LEMMA_ONLY)
        made.per_key = per_key
        return made

    replayed = _event_of(group_events(pile(), ms, _encode).resolved())
    with Store(tmp_path / "events.db") as store:
        first = group_events(pile(), ms[:6], _encode)
        _event_state(store, first)
        joined = group_events(pile(store), ms[6:], _encode)
        assert any(joined.tallies[i].learned for i in joined.touched if i < first.next_index)  # a stored one joined
        grouped = {**_event_of(first.resolved()), **_event_of(joined.resolved(joined.touched))}
    assert grouped == replayed
    # ambush (a, d, f), statement (a, d: the rules, a shared participant), shelling, arrest, bombing, the agreement
    # not reached (c, f) and the one signed (f)
    assert len(set(replayed.values())) == 7
    assert replayed[("a", 9)] == replayed[("d", 4)] == replayed[("f", 9)]
    assert replayed[("c", 3)] == replayed[("f", 18)] != replayed[("f", 20)]
