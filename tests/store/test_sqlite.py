"""Tests for the SQLite store: migrations, idempotent saves, sightings, search, failures, foreign files."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storytrace.errors import NotFound, StoreError
from storytrace.model import DateVia, Document, Edge, Failure, PublishedDate, Span, Trim, make_id
from storytrace.store import SCHEMA_VERSION, DocumentFilter, Sighting, Store, source_id_for


def _doc(text: str, **kw: object) -> Document:
    return Document(id=make_id("doc", text), text=text, locator=str(kw.pop("locator", "a.txt")), **kw)  # type: ignore[arg-type]


def _sighting(locator: str = "a.txt", raw: str = "raw1") -> Sighting:
    return Sighting(locator=locator, raw_hash=raw)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "s.db")


def test_store_creates_schema_at_current_version(store: Store) -> None:
    assert store.schema_version == SCHEMA_VERSION
    tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "documents",
        "sightings",
        "trims",
        "spans",
        "edges",
        "failures",
        "sources",
        "documents_fts",
    } <= tables


def test_store_opens_in_plain_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as s:
        s.save_document(_doc("Hello there, a report."), _sighting())
    con = sqlite3.connect(path)
    assert con.execute("SELECT text FROM documents").fetchone()[0] == "Hello there, a report."


def test_store_save_is_idempotent(store: Store) -> None:
    doc = _doc("One text of a report.", trims=[Trim("tail", "Share.", "share-line")])
    first = store.save_document(doc, _sighting())
    again = store.save_document(doc, _sighting())
    assert (first.status, again.status) == ("added", "unchanged")
    assert store.count_documents() == 1
    assert store.db.execute("SELECT COUNT(*) FROM trims").fetchone()[0] == 1
    assert store.db.execute("SELECT COUNT(*) FROM sightings").fetchone()[0] == 1


def test_store_exact_duplicate_adds_a_sighting_not_a_document(store: Store) -> None:
    doc = _doc("The same syndicated text.", outlet="First Wire")
    store.save_document(doc, _sighting("a.txt"))
    outcome = store.save_document(doc, Sighting(locator="b.txt", raw_hash="raw2", outlet="Second Daily"))
    assert outcome.status == "duplicate"
    assert store.count_documents() == 1
    assert [s["outlet"] for s in store.sightings(doc.id)] == [None, "Second Daily"]


def test_store_roundtrips_a_document(store: Store) -> None:
    doc = _doc(
        "HARBAL, March 14 (Meridian Wire) - A convoy was hit.",
        title="Convoy hit",
        outlet="Meridian Wire",
        published=PublishedDate("2025-03-14", DateVia.DATELINE, "HARBAL, March 14 (Meridian Wire)"),
        spans={"sentences": [Span(0, 10, "S")]},
        meta={"k": [1, 2]},
    )
    store.save_document(doc, _sighting())
    back = store.get_document(doc.id)
    assert (back.text, back.title, back.outlet, back.published, back.meta) == (
        doc.text,
        doc.title,
        doc.outlet,
        doc.published,
        doc.meta,
    )
    assert back.spans == {"sentences": [Span(0, 10, "S")]}


def test_store_resolves_prefix_original_id_and_url(store: Store) -> None:
    doc = _doc("A text with an id.", original_id="MW-1", url="https://w.example/a")
    store.save_document(doc, Sighting("x.jsonl:1", "r", url="https://w.example/a", original_id="MW-1"))
    assert store.resolve_ref(doc.id[:10]) == doc.id
    assert store.resolve_ref("MW-1") == doc.id
    assert store.resolve_ref("https://w.example/a") == doc.id
    with pytest.raises(NotFound, match="no document 'nope'"):
        store.resolve_ref("nope")


def test_store_search_ranks_and_snippets(store: Store) -> None:
    store.save_document(_doc("Nothing about it here at all."), _sighting("a"))
    store.save_document(_doc("The office in Harbal opened on Monday.", title="Harbal office"), _sighting("b"))
    rows = store.search("harbal office", DocumentFilter())
    assert len(rows) == 1
    assert "[Harbal]" in rows[0]["snippet"] or "[office]" in rows[0]["snippet"]


def test_store_search_rejects_an_empty_query(store: Store) -> None:
    with pytest.raises(StoreError, match="nothing to search for"):
        store.search("  ...  ", DocumentFilter())


def test_store_search_reports_bad_fts_syntax(store: Store) -> None:
    with pytest.raises(StoreError, match="cannot search for"):
        store.search('"unbalanced', DocumentFilter())


def test_store_filters_by_date_and_outlet(store: Store) -> None:
    for day, outlet in (
        ("2025-03-01", "A Wire"),
        ("2025-03-14T09:00:00+00:00", "B Daily"),
        ("2025-04-01", "A Wire"),
    ):
        doc = _doc(f"Report of {day}.", outlet=outlet, published=PublishedDate(day, DateVia.USER))
        store.save_document(doc, _sighting(day))
    rows = store.list_documents(DocumentFilter(since="2025-03-10", until="2025-03-14"))
    assert [r["outlet"] for r in rows] == ["B Daily"]
    assert len(store.list_documents(DocumentFilter(outlet="a wire"))) == 2


def test_store_failures_recorded_counted_and_resolved(store: Store) -> None:
    failure = Failure("bad.txt", "read", "ST103", "this is a PDF document, not text", "convert it")
    store.record_failure(failure)
    store.record_failure(failure)
    [row] = store.list_failures()
    assert (row["locator"], row["count"]) == ("bad.txt", 2)
    store.save_document(_doc("Now it is text."), _sighting("bad.txt"))
    assert store.list_failures() == []
    assert len(store.list_failures(include_resolved=True)) == 1


def test_store_refuses_a_foreign_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not a storytrace store"):
        Store(path)


def test_store_refuses_a_non_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just some notes, not a database " * 100)
    with pytest.raises(StoreError, match="cannot open"):
        Store(path)


def test_store_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    Store(path).close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(StoreError, match="newer than this storytrace"):
        Store(path)


def test_store_missing_file_when_reading(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at"):
        Store(tmp_path / "missing.db", create=False)


def test_store_edges_upsert_and_root_original(store: Store) -> None:
    a, b, c = (_doc(f"text {i} of a report") for i in range(3))
    for i, d in enumerate((a, b, c)):
        store.save_document(d, _sighting(str(i)))
    store.set_near_duplicate(b.id, a.id, 0.9)
    store.set_near_duplicate(c.id, b.id, 0.8)
    assert store.root_original(c.id) == a.id
    edge = Edge(c.id, a.id, "near_duplicate", 0.8, "m.v1", "why")
    store.save_edge(edge)
    store.save_edge(Edge(c.id, a.id, "near_duplicate", 0.85, "m.v1", "why again"))
    [row] = store.edges_of(a.id)
    assert (row["score"], row["explanation"]) == (0.85, "why again")


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        (("The Tesra Courier", None), ("Tesra Courier", None), True),
        (("THE TESRA COURIER", None), ("tesra  courier", None), True),
        (("Tesra Courier", "courier.example"), ("The Tesra Courier", None), True),
        ((None, "Courier.Example"), (None, "courier.example"), True),
        (("Tesra Courier", None), ("Tesra Courier Weekly", None), False),
        (("The", None), ("the", None), True),
        (("The Post", None), ("Post", None), True),
    ],
)
def test_source_id_for_ignores_case_spacing_and_a_leading_the(
    left: tuple[str | None, str | None], right: tuple[str | None, str | None], same: bool
) -> None:
    assert (source_id_for(*left) == source_id_for(*right)) is same


def test_store_keys_the_and_no_the_as_one_outlet(store: Store) -> None:
    store.save_document(_doc("Corridor opens for civilians.", outlet="The Tesra Courier"), _sighting("a"))
    store.save_document(_doc("Pumping station loses power.", outlet="Tesra Courier"), _sighting("b"))

    [(source_id, name)] = store.db.execute("SELECT id, name FROM sources").fetchall()
    assert name == "The Tesra Courier"  # the first name seen is the one shown
    assert {r[0] for r in store.db.execute("SELECT source_id FROM documents")} == {source_id}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(min_size=1, max_size=400).filter(lambda t: t.strip()),
    title=st.none() | st.text(max_size=60),
    spans=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400)), max_size=5),
)
def test_store_document_roundtrip_property(
    tmp_path: Path, text: str, title: str | None, spans: list[tuple[int, int]]
) -> None:
    in_bounds = sorted({(min(a, b, len(text)), min(max(a, b), len(text))) for a, b in spans})
    doc = _doc(text, title=title, spans={"x": [Span(a, b, "L") for a, b in in_bounds]} if in_bounds else {})
    # tmp_path is shared by every example hypothesis tries, so each example gets a folder of its own.
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder, Store(Path(folder) / "s.db") as store:
        store.save_document(doc, _sighting())
        back = store.get_document(doc.id)
    assert (back.text, back.title) == (text, title)
    assert [(s.start_char, s.end_char) for s in back.spans.get("x", [])] == in_bounds
    assert all(0 <= s.start_char <= s.end_char <= len(back.text) for s in back.spans.get("x", []))
