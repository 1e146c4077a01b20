"""The dossier export: valid against its published schema, every offset pointing at its text, JSONL typed."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from storytrace.cli import cli
from storytrace.report.dossier import SCHEMA_PATH

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def resolved_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("dossier") / "demo.db")
    runner = CliRunner()
    pack = str(ROOT / "examples" / "packs" / "ain-bashura")
    result = runner.invoke(cli, ["ingest", str(ROOT / "examples" / "demo"), "--db", db, "--pack", pack, "-q"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["resolve", "--db", db])
    assert result.exit_code == 0, result.output
    return db


def test_the_json_export_follows_its_schema_and_offsets_hold(resolved_db: str, tmp_path: Path) -> None:
    out = tmp_path / "dossier.json"
    result = CliRunner().invoke(cli, ["export", "json", "--db", resolved_db, "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    assert len(data["documents"]) == 16 and data["entities"] and data["mentions"]
    shown = CliRunner().invoke(cli, ["show", data["mentions"][0]["doc_id"], "--db", resolved_db, "--json"])
    text = json.loads(shown.output)["text"]
    for mention in (m for m in data["mentions"] if m["doc_id"] == data["mentions"][0]["doc_id"]):
        assert text[mention["start"] : mention["end"]] == mention["text"]
    entity_ids = {e["id"] for e in data["entities"]}
    assert all(m["entity_id"] in entity_ids for m in data["mentions"])
    ksh = next(e for e in data["entities"] if e["id"] == "ain-bashura:org/kataib-sayf-al-hudhud")
    assert {"KSH", "Kataeb Seif el-Hodhod", "Kata'ib Sayf al-Hudhud"} <= set(ksh["aliases"])


def test_the_jsonl_export_types_every_record(resolved_db: str) -> None:
    result = CliRunner().invoke(cli, ["export", "jsonl", "--db", resolved_db])
    records = [json.loads(line) for line in result.output.splitlines()]
    assert records[0] == {"type": "header", "schema_version": "1.3", "generator": records[0]["generator"]}
    kinds = {r["type"] for r in records}
    assert kinds == {"header", "document", "entity", "mention", "claim", "proposition", "event", "edge"}
    # An event's own type is event_type on its line (it overwrote the line's type before 1.3).
    events = [r for r in records if r["type"] == "event"]
    assert events and {"release", "attack"} <= {e["event_type"] for e in events}
    assert sum(r["type"] == "document" for r in records) == 16


def test_claims_carry_the_speakers_stance_and_the_reports_own(resolved_db: str) -> None:
    result = CliRunner().invoke(cli, ["export", "jsonl", "--db", resolved_db])
    claims = [r for r in map(json.loads, result.output.splitlines()) if r["type"] == "claim"]
    assert claims and all(c["report_stance"] in ("supports", "refutes", "reports") for c in claims)
    # A named speaker's unhedged assertion, relayed: the speaker supports it, the report only relays it.
    relayed = [c for c in claims if c["stance"] == "supports" and c["report_stance"] == "reports"]
    assert relayed and all(c["voice"] == "attributed" and not c["hedges"] for c in relayed)
    # The report's own voice is never a relay of a speaker.
    assert all(c["report_stance"] == c["stance"] for c in claims if c["voice"] == "outlet")


def test_events_say_whether_a_report_says_they_happened(resolved_db: str, tmp_path: Path) -> None:
    out = tmp_path / "dossier.json"
    assert CliRunner().invoke(cli, ["export", "json", "--db", resolved_db, "-o", str(out)]).exit_code == 0
    events = json.loads(out.read_text(encoding="utf-8"))["events"]
    assert all((e["modality"] is None) == e["asserted"] for e in events)
    # The demo's demands for the deputy commander's release are releases no report says happened: each one's
    # modality is the most frequent of its evidence's (ties: the first by name), and no piece of it is asserted.
    unasserted = [e for e in events if e["type"] == "release" and not e["asserted"]]
    assert unasserted
    for event in unasserted:
        said = [s["modality"] for s in event["evidence"]]
        assert None not in said
        assert event["modality"] == min(set(said), key=lambda m: (-said.count(m), m))
    # the release on bail did happen (a court released him on 21 March)
    assert any(e["type"] == "release" and e["asserted"] and e["date"] == "2025-03-21" for e in events)
