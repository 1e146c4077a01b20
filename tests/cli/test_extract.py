"""`storytrace extract` and `storytrace process`: annotation layers with offsets, on stdin and on a real store."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from storytrace.cli import cli


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_extract_reads_jsonl_on_stdin_and_writes_layers_with_offsets() -> None:
    record = {"id": "X-1", "text": "HARBAL, March 14 - The road was open, officials said. Mr. Darwish agreed."}
    code, out, _ = run("extract", "-", "--pipeline", "extract.sentences.rules.v1", input=json.dumps(record).encode())
    assert code == 0
    [doc] = [json.loads(line) for line in out.splitlines()]
    assert doc["original_id"] == "X-1"
    layer = doc["layers"]["sentences"]
    assert layer["produced_by"] == "extract.sentences.rules.v1"
    for span in layer["spans"]:
        assert doc["text"][span["start"] : span["end"]] == span["text"]
    assert [s["text"] for s in layer["spans"]][-1] == "Mr. Darwish agreed."


def test_extract_reports_bad_input_and_unknown_component(tmp_path: Path) -> None:
    code, _, err = run("extract", str(tmp_path / "missing.txt"))
    assert code == 3 and "missing.txt: no such file or folder" in err
    result = CliRunner().invoke(cli, ["extract", "-", "--pipeline", "no.such.thing.v1"], input=b"Some text here.")
    assert result.exit_code == 1 or isinstance(result.exception, Exception)
    assert "no component named 'no.such.thing.v1'" in str(result.exception)


def test_process_adds_layers_to_stored_documents_and_show_lists_them(pile: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    run("ingest", str(pile), "--db", db)
    code, out, _ = run("process", "--db", db, "--pipeline", "default")
    assert code == 0 and out.startswith("4 documents processed")
    code, out, _ = run("docs", "--db", db, "--json", "--outlet", "Meridian")
    [row] = json.loads(out)
    code, out, _ = run("show", row["id"], "--db", db, "--json")
    record = json.loads(out)
    spans = record["layers"]["sentences"]["spans"]
    assert record["layer_sources"]["sentences"] == "extract.sentences.rules.v1"
    assert spans[0]["text"] == "Drone strike hits depot near Qarnassa"
    # Processing again replaces the layer instead of adding to it.
    run("process", "--db", db, "--pipeline", "default")
    code, out, _ = run("show", row["id"], "--db", db, "--json")
    assert len(json.loads(out)["layers"]["sentences"]["spans"]) == len(spans)
    code, out, _ = run("show", row["id"], "--db", db, "--layer", "sentences", "--no-text")
    assert "sentences (extract.sentences.rules.v1):" in out


def test_extract_with_a_user_pack_resolves_event_days_and_actors() -> None:
    pack = str(Path(__file__).resolve().parents[2] / "examples" / "packs" / "ain-bashura")
    record = {
        "text": "The siege, now in its ninth day, was discussed by Kataib Saif al-Hudhud envoys in Qasr Numayr.",
        "published": "2025-03-11",
    }
    code, out, _ = run("extract", "-", "--pack", pack, input=json.dumps(record).encode())
    assert code == 0
    doc = json.loads(out)
    [day] = [s for s in doc["layers"]["times"]["spans"] if s["text"] == "ninth day"]
    assert day["attrs"]["value"] == "2025-03-11"
    assert day["attrs"]["anchor"] == "event:ain-bashura:event/siege-of-ain-bashura"
    ids = {s["attrs"]["entity_id"] for s in doc["layers"]["mentions"]["spans"]}
    assert {"ain-bashura:org/kataib-sayf-al-hudhud", "ain-bashura:gpe/qasr-numayr"} <= ids
