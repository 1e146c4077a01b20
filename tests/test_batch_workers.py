"""Tests for `ingest`, `process_documents` and `extract_inputs` with worker processes: the same as one process."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import storytrace.batch as batch
from storytrace import pipeline as pipeline_module
from storytrace.batch import IngestOptions, extract_inputs, ingest, process_documents
from storytrace.cli.extract import annotated_record
from storytrace.ingest.web import FetchOptions
from storytrace.model import Document, Failure
from storytrace.packs.loader import PackError
from storytrace.pipeline import PIPELINES, ComponentInfo, pack_config
from storytrace.store import DocumentFilter, Store
from tests.conftest import COPY, OTHER, PAGE, SCOOP
from tests.httpserver import LocalServer, local_server_fixture  # noqa: F401

FAST = PIPELINES["fast"]
# An invented report of its own, so that the pile has more reports than the workers have slots.
HOSPITAL = """Generators fail at the Qarnassa hospital

QARNASSA, March 17, 2025 (Meridian Wire) - The generators of the Qarnassa hospital stopped on Monday after the
reserve fuel ran out, the hospital's director, Dr Leila Haddad, told reporters. Two patients were moved to Harbal.

"We asked the provincial council for fuel three days ago and nobody answered," Dr Haddad said.
"""
needs_fork = pytest.mark.skipif(batch._START_METHOD != "fork", reason="the test component exists in forked workers")


def _pile(folder: Path) -> Path:
    """Reports, a syndicated copy (near-duplicate), a byte-identical copy, a binary file and a stub."""
    folder.mkdir()
    (folder / "01-scoop.txt").write_text(SCOOP)
    (folder / "02-copy.txt").write_text(COPY)
    (folder / "03-other.txt").write_text(OTHER)
    (folder / "04-page.html").write_text(PAGE)
    (folder / "05-photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)  # read failure, in the parent
    (folder / "06-saved-again.txt").write_text(OTHER)  # an exact copy, in flight with its original
    (folder / "07-stub.txt").write_text("Share.\n")  # a cleaning failure, in a worker
    (folder / "08-hospital.txt").write_text(HOSPITAL)
    return folder


def _contents(db: Path | sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Everything an ingest writes, without the times it wrote it."""
    con = db if isinstance(db, sqlite3.Connection) else sqlite3.connect(db)
    tables = {
        "documents": "id, outlet, title, published_at, near_duplicate_of, near_duplicate_score, text, meta",
        "spans": "id, doc_id, layer, start_char, end_char, label, attrs, produced_by",
        "sightings": "doc_id, locator, raw_hash, url, title, published_at",
        "failures": "locator, stage, code, message, hint, count",
        "edges": "id, left_id, right_id, kind, score, explanation",
        "fingerprints": "doc_id, method, signature",
        "trims": "doc_id, seq, position, rule, text",
    }
    out = {
        table: sorted(tuple(row) for row in con.execute(f"SELECT {cols} FROM {table}"))
        for table, cols in tables.items()
    }
    out["insert_order"] = [tuple(row) for row in con.execute("SELECT id FROM documents ORDER BY rowid")]
    return out


def _ingest(db: Path, inputs: list[str], workers: int, **options: Any) -> list[tuple[Any, ...]]:
    with Store(db) as store:
        report = ingest(store, inputs, IngestOptions(pipeline=FAST, workers=workers, **options))
    return [(o.locator, o.status, o.doc_id, o.near_duplicate_of, o.failure) for o in report.outcomes]


@needs_fork
def test_ingest_workers_store_what_one_process_stores(tmp_path: Path) -> None:
    pile = str(_pile(tmp_path / "pile"))
    one = _ingest(tmp_path / "one.db", [pile], workers=1, published="2025-03-18")
    two = _ingest(tmp_path / "two.db", [pile], workers=2, published="2025-03-18")
    assert two == one
    statuses = [(Path(locator).name, status) for locator, status, *_ in two]
    assert statuses == [
        ("01-scoop.txt", "added"),
        ("02-copy.txt", "added"),
        ("03-other.txt", "added"),
        ("04-page.html", "added"),
        ("05-photo.txt", "failed"),
        ("06-saved-again.txt", "duplicate"),
        ("07-stub.txt", "failed"),
        ("08-hospital.txt", "added"),
    ]
    assert [o[4].code for o in two if o[4] is not None] == ["ST103", "ST106"]
    contents = _contents(tmp_path / "two.db")
    assert contents == _contents(tmp_path / "one.db")
    assert len(contents["documents"]) == 5 and len(contents["spans"]) > 100 and contents["edges"]

    # Again with workers: every input is recognised, nothing changes.
    again = _ingest(tmp_path / "two.db", [pile], workers=2, published="2025-03-18")
    assert [status for _, status, *_ in again] == [
        "unchanged" if status in ("added", "duplicate") else status for _, status, *_ in two
    ]
    after = _contents(tmp_path / "two.db")
    assert [row[-1] for row in after.pop("failures")] == [2, 2]  # each failure seen twice now
    del contents["failures"]
    assert after == contents


@pytest.mark.slow  # each spawned worker starts Python and imports every component (~3 s on an idle machine)
def test_ingest_spawned_workers_store_what_one_process_stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "_START_METHOD", "spawn")
    pile = str(_pile(tmp_path / "pile"))
    one = _ingest(tmp_path / "one.db", [pile], workers=1)
    assert _ingest(tmp_path / "two.db", [pile], workers=2) == one
    assert _contents(tmp_path / "two.db") == _contents(tmp_path / "one.db")


def _register(monkeypatch: pytest.MonkeyPatch, name: str, run: Callable[[Document], Document]) -> tuple[str, ...]:
    """A test component after the language detector; workers forked from this process have it too."""
    monkeypatch.setitem(pipeline_module._REGISTRY, name, ComponentInfo(name=name, factory=lambda: run))
    return (*PIPELINES["light"], name)


@needs_fork
def test_ingest_workers_do_not_annotate_exact_copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = tmp_path / "annotated.log"

    def count(doc: Document) -> Document:
        with calls.open("a") as log:
            log.write(doc.id + "\n")
        return doc

    names = _register(monkeypatch, "test.count.calls.v1", count)
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "scoop.txt").write_text(SCOOP)
    (second / "a-scoop-again.txt").write_text(SCOOP)  # a copy of a stored report
    for i in range(3):  # byte-identical copies read one after the other: all in flight at once
        (second / f"b-other-{i}.txt").write_text(OTHER)
    with Store(tmp_path / "s.db") as store:
        ingest(store, [str(first)], IngestOptions(pipeline=names, workers=2))
        report = ingest(store, [str(second)], IngestOptions(pipeline=names, workers=2))
    scoop_id, other_id = report.outcomes[0].doc_id, report.outcomes[1].doc_id
    assert [o.status for o in report.outcomes] == ["duplicate", "added", "duplicate", "duplicate"]
    assert calls.read_text().split() == [scoop_id, other_id]  # each text annotated once, in either run


@needs_fork
def test_ingest_workers_record_a_crash_and_go_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fragile(doc: Document) -> Document:
        if "Qarnassa hospital" in doc.text:
            os._exit(9)  # the worker dies, as it would on a segfault or the out-of-memory killer
        if "Kataib al-Nour" in doc.text:
            raise ValueError("an unexpected bug")
        return doc

    names = _register(monkeypatch, "test.fragile.v1", fragile)
    pile = _pile(tmp_path / "pile")
    with Store(tmp_path / "s.db") as store:
        report = ingest(store, [str(pile)], IngestOptions(pipeline=names, workers=2))
        failures = {Path(f.locator).name: f for f in report.failures}
        rows = store.list_failures()
    assert [Path(o.locator).name for o in report.outcomes] == sorted(p.name for p in pile.iterdir())
    assert sorted(failures) == [
        "01-scoop.txt",
        "02-copy.txt",
        "04-page.html",
        "05-photo.txt",
        "07-stub.txt",
        "08-hospital.txt",
    ]
    assert failures["08-hospital.txt"].code == batch.CRASH_CODE
    assert failures["08-hospital.txt"].message == "the worker process annotating it stopped (exit code 9)"
    assert failures["01-scoop.txt"].message == "a component raised ValueError: an unexpected bug"
    assert report.counts["added"] == 1 and report.counts["duplicate"] == 1  # the batch went on after the crash
    assert len(rows) == 6


def test_ingest_workers_raise_a_pipeline_error_as_one_process_does(tmp_path: Path) -> None:
    bad_pack = tmp_path / "pack"
    bad_pack.mkdir()
    (bad_pack / "actors.yaml").write_text("actors: [unclosed\n")
    errors = []
    for workers in (1, 2):
        options = IngestOptions(pipeline=FAST, workers=workers, config=pack_config([str(bad_pack)]))
        with Store(tmp_path / f"s{workers}.db") as store, pytest.raises(PackError) as caught:
            ingest(store, [str(tmp_path)], options)
        errors.append(caught.value.line())
    assert errors[0] == errors[1]


def test_process_documents_with_workers_writes_the_same_layers(tmp_path: Path) -> None:
    pile = str(_pile(tmp_path / "pile"))
    layers: list[list[tuple[Any, ...]]] = []
    for workers in (1, 2):
        db = tmp_path / f"s{workers}.db"
        with Store(db) as store:
            ingest(store, [pile], IngestOptions(pipeline=PIPELINES["light"]))
            count = process_documents(store, FAST, DocumentFilter(limit=None), workers=workers)
        assert count == 5
        layers.append(_contents(db)["spans"])
    assert layers[0] == layers[1]
    assert {row[2] for row in layers[1]} >= {"sentences", "times", "claims"}


@needs_fork
def test_ingest_workers_fetch_a_feed_page_once_as_one_process_does(local_server: LocalServer, tmp_path: Path) -> None:
    server = local_server
    for path, text in (("/a", SCOOP), ("/b", OTHER)):
        body = "".join(f"<p>{p}</p>" for p in text.split("\n\n")[1:])
        page = f"<html><body><article>{body}</article></body></html>"
        server.route(path, page, headers={"Content-Type": "text/html"})
    items = "".join(
        f"<item><title>Item {i}</title><link>{server.url(link)}</link><guid>g{i}</guid></item>"
        for i, link in enumerate(["/a", "/b", "/a"])  # the third item is the first page again
    )
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'
    server.route("/feed.xml", feed, headers={"Content-Type": "application/rss+xml"})
    outcomes = []
    for workers in (1, 2):
        options = IngestOptions(pipeline=FAST, workers=workers, fetch=FetchOptions(politeness_delay=0, retries=0))
        with Store(tmp_path / f"s{workers}.db") as store:
            report = ingest(store, [server.url("/feed.xml")], options)
        outcomes.append([(o.locator, o.status) for o in report.outcomes])
    # The third item's page is stored by the time it is read: it is passed over, not fetched again.
    assert outcomes[1] == outcomes[0] == [(server.url("/a"), "added"), (server.url("/b"), "added")]
    assert len(server.requests_to("/a")) == 2  # once per store


def test_workers_on_a_store_in_memory(tmp_path: Path) -> None:
    pile = str(_pile(tmp_path / "pile"))
    one = _ingest(tmp_path / "one.db", [pile], workers=1)
    with Store(":memory:") as store:  # the workers cannot read it: they annotate every input, and get it sent
        report = ingest(store, [pile], IngestOptions(pipeline=FAST, workers=2))
        assert [(o.locator, o.status, o.doc_id, o.near_duplicate_of, o.failure) for o in report.outcomes] == one
        assert _contents(store.db) == _contents(tmp_path / "one.db")
        assert process_documents(store, FAST, DocumentFilter(limit=None), workers=2) == 5
        assert _contents(store.db)["spans"] == _contents(tmp_path / "one.db")["spans"]


def _extracted(inputs: list[str], names: tuple[str, ...], workers: int) -> list[Any]:
    """What `storytrace extract` prints for each input: a document's record, or a failure's line."""
    items = extract_inputs(inputs, names, IngestOptions(workers=workers))
    return [item.line() if isinstance(item, Failure) else annotated_record(item) for item in items]


def test_extract_workers_give_what_one_process_gives(tmp_path: Path) -> None:
    pile = str(_pile(tmp_path / "pile"))
    one = _extracted([pile], FAST, workers=1)
    assert _extracted([pile], FAST, workers=2) == one
    assert len(one) == 8 and sum(isinstance(item, str) for item in one) == 2  # the binary file and the stub
    assert any(item["layers"]["claims"]["spans"] for item in one if isinstance(item, dict))


@needs_fork
def test_extract_workers_name_the_input_a_crash_cost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fragile(doc: Document) -> Document:
        if "Qarnassa hospital" in doc.text:
            os._exit(9)
        return doc

    pile = _pile(tmp_path / "pile")
    out = _extracted([str(pile)], _register(monkeypatch, "test.fragile.v1", fragile), workers=2)
    assert len(out) == 8
    assert out[7].startswith(f"{pile / '08-hospital.txt'}: the worker process annotating it stopped (exit code 9)")
    assert out[7].endswith("[ST420]")
    assert out[0]["title"] == SCOOP.splitlines()[0]  # the inputs around it went on
