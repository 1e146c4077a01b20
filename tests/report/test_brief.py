"""`storytrace brief` on the real demo store (built once per module): content, citations, filters, escaping, changes."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import storytrace
from storytrace.cli import cli
from storytrace.errors import NotFound, StoreError, StorytraceError
from storytrace.pipeline import pack_config
from storytrace.report.brief import (
    Briefing,
    BriefOptions,
    Citation,
    build_briefing,
    record_briefing,
    render_html,
    render_markdown,
)
from storytrace.resolve.job import resolve_store
from storytrace.store import Store

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = storytrace.IngestOptions(config=pack_config([str(ROOT / "examples" / "packs" / "ain-bashura")]))

# An invented report whose title and text carry live HTML, as a hostile page might.
HOSTILE = {
    "id": "ZB-2025-0001",
    "url": "javascript:alert(1)",
    "outlet": "Zarqa Bulletin",
    "title": "<script>alert('title')</script>Convoy <img src=x onerror=alert(2)> reaches Zarqavel",
    "published": "2025-03-25T10:00:00+03:00",
    "lang": "en",
    "text": (
        "ZARQAVEL, March 25 (Zarqa Bulletin) - A relief convoy of 14 trucks reached Zarqavel on Tuesday "
        "<script>alert('body')</script>, a Zarqavel council official said.\n\n"
        "The Zarqavel council said <img src=x onerror=alert(3)> the convoy carried flour and fuel for the bakeries."
    ),
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("brief") / "demo.db"
    with storytrace.open_store(db) as store:
        storytrace.ingest_inputs(store, [str(ROOT / "examples" / "demo")], OPTIONS)
        resolve_store(store)
    return db


@pytest.fixture(scope="module")
def store(demo_db: Path) -> Any:
    with Store(demo_db, create=False) as opened:
        yield opened


@pytest.fixture(scope="module")
def briefing(store: Store) -> Briefing:
    return build_briefing(store)


def _copy(db: Path, dest: Path) -> Path:
    with sqlite3.connect(db) as src, sqlite3.connect(dest) as dst:
        src.backup(dst)
    return dest


def _doc(store: Store, *, original_id: str | None = None, file: str | None = None) -> str:
    if original_id:
        row = store.db.execute("SELECT id FROM documents WHERE original_id = ?", (original_id,)).fetchone()
    else:
        row = store.db.execute("SELECT id FROM documents WHERE locator LIKE ?", (f"%/{file}",)).fetchone()
    return str(row[0])


def _all_cites(b: Briefing) -> list[Citation]:
    return [c for s in b.statements() for c in s.cites]


def test_brief_timeline_lists_only_events_a_report_says_happened(store: Store, briefing: Briefing) -> None:
    asserted = dict(store.db.execute("SELECT id, asserted FROM events").fetchall())
    assert briefing.timeline and all(asserted[t.id] for t in briefing.timeline)
    # the demanded release of 1 March (reported by several outlets) would otherwise rank among the first
    assert store.db.execute("SELECT COUNT(*) FROM events WHERE NOT asserted AND reports >= 3").fetchone()[0]
    # the scope line counts them apart
    total, happened = store.db.execute("SELECT COUNT(*), SUM(asserted) FROM events").fetchone()
    assert any(
        f"{total} events in scope ({happened} of them reported as happened)" in line for line in briefing.about_lines
    )


def test_brief_route_9_ambush_is_cited_to_both_reports(store: Store, briefing: Briefing) -> None:
    herald = _doc(store, file="01-harbal-herald-convoy-ambush.html")
    wire = _doc(store, original_id="MW-2025-0519")
    ambush = [
        t
        for t in briefing.timeline
        if t.date == "2025-03-05" and t.statement.text.startswith("Attack") and "ambush" in (t.statement.quote or "")
    ]
    assert ambush, [t.statement.text for t in briefing.timeline]
    cited = {c.doc_id for t in ambush for c in t.statement.cites}
    assert {herald, wire} <= cited
    md = render_markdown(briefing)
    notes = dict(re.findall(r"^\[\^(\d+)\]: (.*)$", md, flags=re.MULTILINE))
    lines = [next(v for v in notes.values() if c.locator in v) for c in ambush[0].statement.cites]
    for first in ("Harbal Herald, 2025-03-06", "Meridian Wire, 2025-03-05"):  # among the ambush's 8 reports
        assert any(line.startswith(first) for line in lines), lines
    # the wire (5 killed, 34 wounded, Defence Ministry) and the Herald (7 and 40, a medical source) side by side
    killed = [k for k in briefing.conflicts if k.quantity == "killed" and "ambush" in (k.subject.quote or "")]
    assert killed
    values = {s.text.split(":")[0]: s for s in killed[0].values}
    assert {"5", "7"} <= set(values)
    assert "Defence Ministry" in values["5"].text and wire in {c.doc_id for c in values["5"].cites}
    assert "medical source" in values["7"].text and herald in {c.doc_id for c in values["7"].cites}
    # an approximate figure keeps its report's wording: Qarnassa Rising's "dozens" wounded, not "about at least 24"
    wounded = [k for k in briefing.conflicts if k.quantity == "wounded" and "ambush" in (k.subject.quote or "")]
    assert wounded and "dozens" in {s.text.split(":")[0] for s in wounded[0].values}


def test_brief_every_sentence_cites_report_sentences_that_exist(store: Store, briefing: Briefing) -> None:
    statements = list(briefing.statements())
    assert len(statements) > 50
    assert all(s.cites for s in statements), [s.text for s in statements if not s.cites]
    texts = store.texts(sorted({c.doc_id for s in statements for c in s.cites}))
    for c in _all_cites(briefing):
        assert c.text.strip() and texts[c.doc_id][c.start : c.end] == c.text, c.locator
    # a generated sentence quotes only the wording of a sentence it cites
    for s in statements:
        if s.quote:
            assert any(s.quote in c.text for c in s.cites), s.quote
    md, page = render_markdown(briefing), render_html(briefing)
    for c in _all_cites(briefing):
        assert c.locator in md and c.locator in page
    # the Markdown footnotes and the HTML notes hold the sentence and its locator
    for n, body in re.findall(r"^\[\^(\d+)\]: (.*)$", md, flags=re.MULTILINE):
        doc_id, start, end = re.search(r"`(doc_\w+):(\d+)-(\d+)`", body).groups()  # type: ignore[union-attr]
        sentence = " ".join(texts[doc_id][int(start) : int(end)].split())
        plain = re.sub(r"\\(.)", r"\1", body)
        assert sentence in plain, (n, sentence)
        assert f"[^{n}]" in md.split("## Sources")[0]


def test_brief_links_to_the_sentence_with_a_text_fragment(briefing: Briefing) -> None:
    with_url = [c for c in _all_cites(briefing) if c.url]
    assert with_url
    for c in with_url:
        link = c.link()
        assert link is not None and link.startswith(c.url.split("#")[0] + "#:~:text=")
        assert "-" not in link.split("#:~:text=")[1]  # '-' is fragment syntax and must be escaped
    page = render_html(briefing)
    assert 'href="https://meridianwire.example/2025/03/05/' in page


def test_brief_ranks_contested_corroborated_denied_first_with_reasons(briefing: Briefing) -> None:
    statuses = [p.status for p in briefing.propositions]
    assert len(statuses) == 12
    first_tier = {"corroborated", "contested", "denied"}
    seen_other = False
    for status in statuses:
        seen_other = seen_other or status not in first_tier
        assert not (seen_other and status in first_tier), statuses
    contested = next(p for p in briefing.propositions if p.status == "contested")
    why = " ".join(s.text for s in contested.why)
    assert "independent origin" in why and "outlet:src_" not in why  # origin keys are spelled out as names
    assert any("refutes it" in v.text for v in contested.voices)


def test_brief_about_filters_to_the_entity(store: Store, briefing: Briefing) -> None:
    about = build_briefing(store, BriefOptions(about="Hisham al-Qandusi"))
    entity = "ain-bashura:per/hisham-al-qandusi"
    assert about.actors[0].id == entity
    assert about.propositions and len(about.timeline) < len(briefing.timeline)
    for p in about.propositions:
        named = store.db.execute(
            "SELECT 1 FROM claims c LEFT JOIN mentions m ON m.doc_id = c.doc_id AND m.start_char >= c.start_char "
            "AND m.end_char <= c.end_char WHERE c.proposition_id = ? AND (m.entity_id = ? OR c.speaker_entity = ?)",
            (p.id, entity, entity),
        ).fetchone()
        assert named, p.headline.quote
    ambush = {p.id for p in briefing.propositions if "ambushed" in (p.headline.quote or "")}
    assert ambush and not ambush & {p.id for p in about.propositions}
    assert "Scope: reports naming Hisham al-Qandusi" in render_markdown(about)


def test_brief_since_keeps_what_later_reports_carry(store: Store) -> None:
    later = build_briefing(store, BriefOptions(since="2025-03-20"))
    assert later.propositions
    for p in later.propositions:
        assert any(c["published_at"] and c["published_at"] >= "2025-03-20" for c in p.claims)
    assert later.timeline
    for t in later.timeline:
        row = store.db.execute(
            "SELECT 1 FROM event_mentions m JOIN documents d ON d.id = m.doc_id "
            "WHERE m.event_id = ? AND d.published_at >= '2025-03-20'",
            (t.id,),
        ).fetchone()
        assert row, t.statement.text
    every = build_briefing(store)
    assert {t.id for t in later.timeline} != {t.id for t in every.timeline}


def test_brief_topic_matches_sentences(store: Store) -> None:
    topic = build_briefing(store, BriefOptions(topic="drones"))
    assert topic.propositions
    for p in topic.propositions:
        assert any("drone" in c["sentence"].lower() for c in p.claims)


def test_brief_errors_say_what_to_do(tmp_path: Path, demo_db: Path) -> None:
    with pytest.raises(StoreError, match="no store at"):
        Store(tmp_path / "missing.db", create=False)
    unresolved = _copy(demo_db, tmp_path / "unresolved.db")
    with Store(unresolved) as store:
        store.db.execute("DELETE FROM entities")
        store.db.execute("DELETE FROM propositions")
        with pytest.raises(StoreError, match=r"has not been resolved.*storytrace resolve"):
            build_briefing(store)
    with Store(demo_db, create=False) as store:
        with pytest.raises(NotFound, match="no entity 'Nobody Atall'"):
            build_briefing(store, BriefOptions(about="Nobody Atall"))
        with pytest.raises(StorytraceError, match="is not a date"):
            build_briefing(store, BriefOptions(since="next week"))
    result = CliRunner().invoke(cli, ["brief", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code != 0
    result = CliRunner().invoke(cli, ["brief", "--db", str(demo_db), "--since", "2025-13-01"])
    assert result.exit_code == 2 and "is not a date" in result.output


@pytest.fixture(scope="module")
def second(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A briefing recorded, then a hostile report ingested and the store resolved again, then a second briefing."""
    folder = tmp_path_factory.mktemp("second")
    db = _copy(demo_db, folder / "second.db")
    with Store(db) as store:
        first = build_briefing(store)
        record_briefing(store, first)
        ambush = next(p for p in first.propositions if "ambushed" in (p.headline.quote or ""))
        other = next(p for p in first.propositions if p.id != ambush.id)
        # pretend the ambush was single-source last time, and that another proposition had another id
        row = store.db.execute("SELECT id, snapshot FROM briefings ORDER BY id DESC LIMIT 1").fetchone()
        snap = json.loads(row["snapshot"])
        snap["propositions"][ambush.id][:2] = ["single_source", 1]
        snap["propositions"]["prp_renamed_since"] = snap["propositions"].pop(other.id)
        store.db.execute("UPDATE briefings SET snapshot = ? WHERE id = ?", (json.dumps(snap), row["id"]))
        feed = folder / "hostile.jsonl"
        feed.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
        storytrace.ingest_inputs(store, [str(feed)], OPTIONS)
        resolve_store(store)
        later = build_briefing(store)
        topical = build_briefing(store, BriefOptions(topic="Zarqavel"))
        hostile_doc = _doc(store, original_id="ZB-2025-0001")
    return {
        "db": db,
        "first": first,
        "second": later,
        "topical": topical,
        "ambush": ambush.id,
        "other": other.id,
        "hostile": hostile_doc,
    }


def test_brief_second_briefing_reports_what_changed(second: dict[str, Any]) -> None:
    first, later = second["first"], second["second"]
    assert first.changes.previous_at is None
    changes = later.changes
    assert changes.previous_at == first.generated_at
    assert [c.doc_id for s in changes.new_reports for c in s.cites] == [second["hostile"]]
    assert changes.new_propositions and all(
        any(c.doc_id == second["hostile"] for c in s.cites) for s in changes.new_propositions
    )
    moved = [s for s in changes.status_changes if "was single source, now corroborated" in s.text.lower()]
    assert len(moved) == 1 and "ambushed" in (moved[0].quote or "")
    # a proposition whose id changed is found again through its claims, so it is neither new nor gone
    assert not any("no longer" in n for n in changes.notes)
    md = render_markdown(later)
    assert "Compared with the briefing of" in md and "Was single source, now corroborated" in md
    # the store has no changes of its own since the second briefing: a third one (same scope) lists none
    with Store(second["db"], create=False) as store:
        record_briefing(store, later)
        third = build_briefing(store).changes
    assert third.previous_at == later.generated_at
    assert not third.new_reports and not third.new_propositions and not third.status_changes


def test_brief_escapes_hostile_html(second: dict[str, Any]) -> None:
    for b in (second["second"], second["topical"]):
        page, md = render_html(b), render_markdown(b)
        assert "alert(" in page  # the hostile text is shown ...
        assert "<script" not in page.lower() and "<img" not in page.lower()  # ... as text, never as markup
        assert "&lt;script&gt;" in page
        assert not re.search(r"(?<!\\)<(script|img)", md)
        assert "javascript:" not in page and "javascript:" not in md  # a hostile url never becomes a link
    topical = second["topical"]
    assert any(c.doc_id == second["hostile"] for c in _all_cites(topical))


def test_brief_html_is_self_contained_and_printable(briefing: Briefing) -> None:
    page = render_html(briefing)
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert not re.search(r"<(link|script)\b|src=|url\(", page)  # no external asset of any kind
    assert "@media print" in page and "break-inside: avoid" in page and 'content: " <" attr(href)' in page


def test_brief_cli_writes_and_records(demo_db: Path, tmp_path: Path) -> None:
    db = _copy(demo_db, tmp_path / "cli.db")
    out = tmp_path / "brief.html"
    result = CliRunner().invoke(cli, ["brief", "--db", str(db), "-o", str(out), "--limit", "3"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = CliRunner().invoke(cli, ["brief", "--db", str(db), "--about", "KSH", "--no-record"])
    assert result.exit_code == 0 and result.output.startswith("# Briefing: Kata'ib Sayf al-Hudhud")
    with Store(db, create=False) as store:
        rows = store.db.execute("SELECT scope, params FROM briefings").fetchall()
    assert len(rows) == 1 and json.loads(rows[0]["params"])["format"] == "html"
