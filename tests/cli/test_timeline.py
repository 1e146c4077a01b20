"""`storytrace timeline`: what happened by default; `--all` adds what was only demanded, denied or planned."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from storytrace.cli import cli
from storytrace.resolve.job import resolve_store
from storytrace.store import Store
from tests.resolve.test_event_assertion import report, save

# Invented: one prisoner released, another's release only demanded (two release events, reports a day apart).
FREED = ("Police in Varnel released the journalist Tomas Keller on Thursday.", "released", "release")
DEMANDED = ("Protesters in Varnel demanded the release of the teacher Ilse Brandt.", "release", "release")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("timeline") / "s.db"
    with Store(path) as store:
        save(store, report(1, *FREED, modality="asserted"), report(2, *DEMANDED, modality="demanded"))
        resolve_store(store)
    return str(path)


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["timeline", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_timeline_lists_only_what_happened_by_default(db: str) -> None:
    rows = json.loads(run("--db", db, "--json"))
    assert [(r["type"], r["asserted"], r["modality"]) for r in rows] == [("release", True, None)]
    assert "Tomas Keller" in rows[0]["summary"]
    table = run("--db", db)
    assert "Tomas Keller" in table and "Ilse Brandt" not in table
    assert "modality" not in table.splitlines()[0]


def test_timeline_all_adds_the_demanded_release_with_its_modality(db: str) -> None:
    rows = json.loads(run("--db", db, "--json", "--all"))
    assert sorted((r["asserted"], r["modality"]) for r in rows) == [(False, "demanded"), (True, None)]
    table = run("--db", db, "--all").splitlines()
    assert table[0].split()[:4] == ["date", "date_precision", "type", "modality"]
    [demanded] = [line for line in table if "Ilse Brandt" in line]
    assert "demanded" in demanded.split()


def test_timeline_csv_always_carries_asserted_and_modality(db: str) -> None:
    rows = list(csv.DictReader(io.StringIO(run("--db", db, "--csv"))))
    assert [(r["type"], r["asserted"], r["modality"]) for r in rows] == [("release", "True", "")]
    rows = list(csv.DictReader(io.StringIO(run("--db", db, "--csv", "--all"))))
    assert sorted(r["modality"] for r in rows) == ["", "demanded"]


def test_timeline_help_says_what_is_left_out() -> None:
    result = CliRunner().invoke(cli, ["timeline", "--help"])
    assert "--all" in result.output and "demanded" in result.output
