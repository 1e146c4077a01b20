"""End-to-end tests of the `storytrace` command on real SQLite files: ingest, docs, show, search, failures."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from storytrace.cli import cli, main


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_help_lists_commands() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in ("ingest", "docs", "show", "search", "failures", "components"):
        assert command in out


def test_cli_ingest_pile_then_reingest_changes_nothing(pile: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    code, out, _ = run("ingest", str(pile), "--db", db)
    assert code == 0
    assert "4 inputs: 4 added (1 near-duplicates linked), 0 exact duplicates, 0 unchanged, 0 failed" in out
    before = sqlite3.connect(db).execute("SELECT COUNT(*), group_concat(id) FROM documents").fetchone()
    code, out, _ = run("ingest", str(pile), "--db", db)
    assert code == 0
    assert "0 added (0 near-duplicates linked), 0 exact duplicates, 4 unchanged, 0 failed" in out
    assert sqlite3.connect(db).execute("SELECT COUNT(*), group_concat(id) FROM documents").fetchone() == before


def test_cli_exact_duplicate_is_collapsed(pile: Path, tmp_path: Path) -> None:
    (pile / "05-saved-again.txt").write_text((pile / "03-other.txt").read_text())
    db = str(tmp_path / "s.db")
    code, out, _ = run("ingest", str(pile), "--db", db)
    assert code == 0
    assert "4 added" in out and "1 exact duplicates" in out
    code, out, _ = run("docs", "--db", db, "--json")
    docs = json.loads(out)
    assert len(docs) == 4
    [other] = [d for d in docs if d["outlet"] == "Meridian Wire"]
    assert other["copies"] == 2


def test_cli_docs_formats(pile: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    run("ingest", str(pile), "--db", db)
    code, out, _ = run("docs", "--db", db)
    assert code == 0 and out.splitlines()[0].split()[:3] == ["id", "published_at", "outlet"]
    code, out, _ = run("docs", "--db", db, "--jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 4 and all(r["id"].startswith("doc_") for r in rows)
    code, out, _ = run("docs", "--db", db, "--csv", "--duplicates", "exclude")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 3
    assert {"id", "published_at", "outlet", "title", "url", "original_id", "locator"} <= set(rows[0])


def test_cli_show_gives_provenance_and_copies(pile: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    run("ingest", str(pile), "--db", db)
    code, out, _ = run("docs", "--db", db, "--json")
    docs = json.loads(out)
    [copy] = [d for d in docs if d["near_duplicate_of"]]
    code, out, _ = run("show", copy["id"][:12], "--db", db, "--json")
    record = json.loads(out)
    assert record["published"] == "2025-03-14"
    assert record["published_via"] == "dateline"
    assert record["outlet"] == "Ibdara Mirror" and record["outlet_via"] == "source_line"
    assert record["near_duplicate_edges"][0]["explanation"]
    assert any("Source: Ibdara Mirror" in t["text"] for t in record["trimmed"])
    assert "All rights reserved" not in record["text"]
    code, out, _ = run("show", copy["near_duplicate_of"], "--db", db)
    assert code == 0 and "copied by" in out and "Share." in out  # the original's trimmed share line is listed


def test_cli_search_ranks_with_snippets(pile: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    run("ingest", str(pile), "--db", db)
    code, out, _ = run("search", "drone depot", "--db", db, "--json")
    rows = json.loads(out)
    assert len(rows) == 1 and "[" in rows[0]["snippet"]
    code, out, _ = run("search", "fee demand", "--db", db, "--json")
    assert code == 0
    titles = [r["title"] for r in json.loads(out)]
    assert titles[0] == "Council denies fee demand"


def test_cli_bad_inputs_are_reported_and_do_not_stop_the_batch(pile: Path, tmp_path: Path) -> None:
    (pile / "scan.pdf").write_bytes(b"%PDF-1.4 binary")
    (pile / "empty.txt").write_text("   \n")
    (pile / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n")
    db = str(tmp_path / "s.db")
    code, out, err = run("ingest", str(pile), str(tmp_path / "missing.txt"), "--db", db)
    assert code == 3
    assert "4 added" in out and "4 failed" in out
    lines = [line for line in err.splitlines() if line.startswith("skipped ")]
    assert len(lines) == 4
    assert any("photo.txt: this is a PNG image, not text" in line for line in lines)
    assert any("missing.txt: no such file or folder" in line for line in lines)
    code, out, _ = run("failures", "--db", db, "--json")
    assert {r["code"] for r in json.loads(out)} == {"ST101", "ST103", "ST106", "ST110"}


def test_cli_stdin_jsonl_keeps_original_ids(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    records = [
        {
            "id": "MW-7",
            "url": "https://mw.example/7",
            "outlet": "Meridian Wire",
            "published": "2025-03-20",
            "text": "A curfew was declared in Tesra on Thursday after two nights of clashes, the governor said.",
        },
        {"id": "MW-8", "text": "Too short"},
    ]
    data = "".join(json.dumps(r) + "\n" for r in records).encode()
    code, out, err = run("ingest", "-", "--db", db, input=data)
    assert code == 3 and "stdin:2" in err
    code, out, _ = run("show", "MW-7", "--db", db, "--json")
    record = json.loads(out)
    assert (record["original_id"], record["url"], record["published_via"]) == (
        "MW-7",
        "https://mw.example/7",
        "user",
    )
    assert record["seen_as"][0]["locator"] == "stdin:1"


def test_cli_user_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.argv", ["storytrace", "docs", "--db", str(tmp_path / "none.db")])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: no store at") and err.count("\n") == 1
    monkeypatch.setattr("sys.argv", ["storytrace", "ingest", "x", "--published", "someday"])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 2
    assert "'someday' is not a date" in capsys.readouterr().err


def test_cli_show_unknown_id(
    pile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "s.db")
    run("ingest", str(pile), "--db", db)
    monkeypatch.setattr("sys.argv", ["storytrace", "show", "doc_nothing", "--db", db])
    with pytest.raises(SystemExit):
        main()
    assert "Error: no document 'doc_nothing'" in capsys.readouterr().err


def test_cli_db_from_environment(pile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYTRACE_DB", str(tmp_path / "env.db"))
    code, _, _ = run("ingest", str(pile / "03-other.txt"))
    assert code == 0 and (tmp_path / "env.db").exists()


def test_cli_components_lists_versioned_names() -> None:
    code, out, _ = run("components", "--json")
    assert code == 0
    names = [row["name"] for row in json.loads(out)]
    assert "clean.language.py3langid.v1" in names


def test_cli_status_and_sources(pile: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    run("ingest", str(pile), "--db", db, "--no-resolve")
    code, out, _ = run("status", "--db", db, "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["documents"], data["near_duplicates"], data["failures"]) == (4, 1, 0)
    assert data["first_published"].startswith("2025-03-14") and data["languages"] == {"en": 4}
    assert (data["resolved"], data["waiting"], data["propositions"]) == (0, 4, 0)
    assert (
        "dossier      0 reports resolved, 4 waiting (storytrace resolve); 0 propositions"
        in run("status", "--db", db)[1]
    )
    run("resolve", "--db", db)
    data = json.loads(run("status", "--db", db, "--json")[1])
    assert (data["resolved"], data["waiting"]) == (4, 0) and data["propositions"] > 0
    code, out, _ = run("sources", "--db", db, "--json")
    names = {r["name"]: r["documents"] for r in json.loads(out)}
    assert names == {"Tesra Courier": 1, "Ibdara Mirror": 1, "Meridian Wire": 1, "Harbal Herald": 1}


def test_cli_tables_show_where_each_document_came_from(pile: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    run("ingest", str(pile), "--db", db)
    code, out, _ = run("docs", "--db", db)
    assert code == 0
    assert out.splitlines()[0].split()[-1] == "original"
    assert sum("01-scoop.txt" in line for line in out.splitlines()) == 1


def test_cli_new_reports_join_the_dossier_and_full_replays_it(pile: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    first, later = tmp_path / "first", tmp_path / "later"
    first.mkdir()
    later.mkdir()
    for path in sorted(pile.iterdir()):
        (first if path.name < "03" else later).joinpath(path.name).write_bytes(path.read_bytes())
    code, out, _ = run("ingest", str(first), "--db", db)
    assert code == 0 and "joined the dossier" not in out
    code, out, _ = run("ingest", str(later), "--db", db)
    assert code == 0 and "2 new reports joined the dossier. 4 documents" in out
    joined = sqlite3.connect(db).execute("SELECT COUNT(*), COUNT(DISTINCT proposition_id) FROM claims").fetchone()
    code, out, _ = run("resolve", "--db", db)
    assert code == 0 and out.startswith("No new reports. 4 documents")
    code, out, _ = run("resolve", "--db", db, "--full")
    assert code == 0 and out.startswith("4 documents")
    assert (
        sqlite3.connect(db).execute("SELECT COUNT(*), COUNT(DISTINCT proposition_id) FROM claims").fetchone() == joined
    )


def test_cli_ingest_and_process_with_workers(pile: Path, tmp_path: Path) -> None:
    def spans(db: str) -> list[tuple[str, ...]]:
        return sorted(sqlite3.connect(db).execute("SELECT id, attrs, produced_by FROM spans").fetchall())

    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    outputs = []
    for db, workers in ((one, "1"), (two, "2")):
        code, out, _ = run("ingest", str(pile), "--db", db, "--pipeline", "fast", "--no-resolve", "--workers", workers)
        assert code == 0
        outputs.append(out.replace(db, "DB"))
    assert outputs[0] == outputs[1]
    assert "4 inputs: 4 added (1 near-duplicates linked)" in outputs[1]
    assert spans(one) == spans(two)
    code, out, _ = run("process", "--db", two, "--pipeline", "crf", "--workers", "2")
    assert code == 0 and out.startswith("4 documents processed with")
    assert {row[2] for row in spans(two)} >= {"extract.entities.crf.v1"}


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_cli_workers_must_be_a_count_or_auto(pile: Path, tmp_path: Path, value: str) -> None:
    result = CliRunner().invoke(cli, ["ingest", str(pile), "--db", str(tmp_path / "s.db"), "--workers", value])
    assert result.exit_code == 2
    assert f"'{value}' is not a number of workers; give a whole number, 1 or more, or auto" in result.stderr
