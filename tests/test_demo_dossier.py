"""Golden test: the dossier of the demo corpus against its hand-written key, examples/expected-dossier.yaml.

Entities are checked exactly (every spelling group one entity, every look-alike pair apart). Events and
propositions are scored, and the scores are pinned as floors: the key is what a perfect dossier holds, and
today's resolver does not reach all of it (run with -s for the table of what it gets). A floor is the score
measured when pinned, rounded down; raise it when the resolver improves.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

import storytrace
from storytrace.pipeline import DEFAULT_INGEST_PIPELINE, pack_config
from storytrace.resolve.job import resolve_store
from storytrace.store import DocumentFilter, Store

ROOT = Path(__file__).resolve().parents[1]
KEY = yaml.safe_load((ROOT / "examples" / "expected-dossier.yaml").read_text(encoding="utf-8"))

# Pinned (see the table printed by -s): found 1.00, alignment 0.61, status 0.80 (8 of 10: P06 became circular once
# relayed posts trace back to their account; P07 denied, with its one origin, once a claim reporting an arms
# transfer no longer joins the talks it shares a setting with; P05a contested once a report's lede joins its
# headline's proposition). Misses: P04 (until session 15) and P05b, whose evidence is split over several clusters.
# Session 14 (member link, events v3, stance read against the other text, chains joined across reports): found 1.00,
# alignment 0.66, status 0.80, purity 0.98 (1.00 with claims v4), origins 0.75. Session 15: background is no origin
# (P01), the word bonus reads containment (P04 gathers its water-cut claims): found 1.00, alignment 0.69, status 0.90,
# purity 0.99, origins 0.88.
PROPOSITIONS_FOUND_FLOOR = 1.0  # share of key propositions whose claims are found in their reports
# Session 16: claims v6 (P07 gathers the brief's sentence about the drone claim): alignment 0.75.
PROPOSITION_ALIGNMENT_FLOOR = 0.7  # mean share of a proposition's reports whose claim joins the main cluster
STATUS_FLOOR = 0.9  # share of key propositions whose main cluster has the key's status
# Mean share of a main cluster's reports that the key lists for its proposition (supporting or refuting): a
# cluster that gathers other stories' sentences gains origins it should not have. 0.98 when pinned (session 14).
PURITY_FLOOR = 0.9
# Share of the key propositions that give a number of origins whose main cluster has exactly that many. 0.75 when
# pinned (session 14: P01 merges the arrest with the roadblocks it explains, P04 misses its second origin).
# 0.88 since session 15 (P01: an outlet's own-voice mention of the arrest days after the first reports is background,
# not an origin); P04 still misses its second origin.
ORIGINS_FLOOR = 0.85

# Opt-in, to measure other components in `default`'s place (unset: `default` unchanged): each named component
# replaces the one of the same stage (its name up to the version), e.g.
# STORYTRACE_GOLDEN_SWAP=extract.attributions.minilm.v3,extract.claims.rules.v4 pytest -s tests/test_demo_dossier.py
# (STORYTRACE_GOLDEN_ATTRIBUTIONS=NAME, the older form, swaps the attribution component only.)
SWAP = [c for c in os.environ.get("STORYTRACE_GOLDEN_SWAP", "").split(",") if c]
SWAP += [os.environ["STORYTRACE_GOLDEN_ATTRIBUTIONS"]] if os.environ.get("STORYTRACE_GOLDEN_ATTRIBUTIONS") else []


def _swapped(component: str) -> str:
    """The component of SWAP that takes ``component``'s place: the same name in another version, else the same
    stage (``extract.claims``) when the pipeline has one component of that stage."""
    for other in SWAP:
        if other.rsplit(".", 1)[0] == component.rsplit(".", 1)[0]:
            return other
    stage = ".".join(component.split(".")[:2])
    in_stage = [c for c in DEFAULT_INGEST_PIPELINE if c.startswith(stage + ".")]
    return next((o for o in SWAP if o.startswith(stage + ".") and len(in_stage) == 1), component)


def _pipeline() -> tuple[str, ...]:
    return tuple(_swapped(c) for c in DEFAULT_INGEST_PIPELINE)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    db = tmp_path_factory.mktemp("golden") / "demo.db"
    options = storytrace.IngestOptions(
        pipeline=_pipeline(), config=pack_config([str(ROOT / "examples" / "packs" / "ain-bashura")])
    )
    with storytrace.open_store(db) as opened:
        storytrace.ingest_inputs(opened, [str(ROOT / "examples" / "demo")], options)
        resolve_store(opened)
        yield opened


def _refs(store: Store) -> dict[str, str]:
    """STORY.md's report names ("03", "MW-2025-0412") -> document ids."""
    refs = {}
    for row in store.list_documents(DocumentFilter(limit=None)):
        doc = store.get_document(row["id"])
        refs[doc.original_id or Path(doc.locator).name.split("-")[0]] = doc.id
    return refs


def _entities_of(store: Store, spelling: str) -> set[str]:
    rows = store.db.execute("SELECT DISTINCT entity_id FROM mentions WHERE text = ?", (spelling,)).fetchall()
    return {r[0] for r in rows}


def test_golden_spellings_resolve_to_one_entity_and_look_alikes_stay_apart(store: Store) -> None:
    for group in KEY["same_entity"]:
        ids = set().union(*(_entities_of(store, s) for s in group))
        seen = [s for s in group if _entities_of(store, s)]
        assert len(seen) == len(group), f"spellings never found: {sorted(set(group) - set(seen))}"
        assert len(ids) == 1, f"{group} split over {sorted(ids)}"
    for a, b in KEY["different_entities"]:
        assert _entities_of(store, a) and _entities_of(store, b)
        assert not _entities_of(store, a) & _entities_of(store, b), f"{a!r} and {b!r} merged"


def test_golden_events_are_merged_across_reports(store: Store) -> None:
    refs = _refs(store)
    for event in KEY["events"]:
        pattern = re.compile(event["match"], re.IGNORECASE)
        reports = [refs[name] for name in event["reports"]]
        found: dict[str, set[str]] = {doc: set() for doc in reports}
        rows = store.db.execute(
            "SELECT m.doc_id, m.event_id, substr(d.text, m.start_char + 1, m.end_char - m.start_char) AS trigger "
            "FROM event_mentions m JOIN documents d ON d.id = m.doc_id"
        )
        for r in rows:
            if r["doc_id"] in found and pattern.search(r["trigger"]):
                found[r["doc_id"]].add(r["event_id"])
        shared = set.intersection(*found.values())
        assert shared, f"{event['name']}: no event shared by {event['reports']}: {found}"
        dates = {r[0]: r[1] for r in store.db.execute("SELECT id, date FROM events")}
        assert any(dates[e] == event["date"] for e in shared), f"{event['name']}: dates {[dates[e] for e in shared]}"


def _score_propositions(store: Store) -> list[dict[str, Any]]:
    refs = _refs(store)
    claims = [
        dict(r)
        for r in store.db.execute(
            "SELECT c.*, p.status AS p_status FROM claims c JOIN propositions p ON p.id = c.proposition_id"
        )
    ]
    rows = []
    for prop in KEY["propositions"]:
        patterns = [re.compile(p, re.IGNORECASE) for p in prop["match"]]
        support_docs = {refs[name] for name in prop["reports"]}
        listed = support_docs | {refs[name] for name in prop.get("refuted_in", [])}
        hits = [c for c in claims if c["doc_id"] in support_docs and all(p.search(c["text"]) for p in patterns)]
        row: dict[str, Any] = {
            "id": prop["id"],
            "expected": prop["status"],
            "found": bool(hits),
            "key_origins": prop.get("origins"),
        }
        if hits:
            main, _ = Counter(c["proposition_id"] for c in hits).most_common(1)[0]
            aligned = {c["doc_id"] for c in hits if c["proposition_id"] == main}
            status = next(c["p_status"] for c in hits if c["proposition_id"] == main)
            origins = store.db.execute("SELECT origins FROM propositions WHERE id = ?", (main,)).fetchone()[0]
            carried = {c["doc_id"] for c in claims if c["proposition_id"] == main}
            row.update(
                got=status,
                alignment=len(aligned) / len(support_docs),
                purity=len(carried & listed) / len(carried),
                origins=origins,
                proposition=main,
            )
        else:
            row.update(got=None, alignment=0.0, purity=0.0, origins=None, proposition=None)
        rows.append(row)
    return rows


def test_golden_propositions_meet_their_floors(store: Store) -> None:
    rows = _score_propositions(store)
    print("\nkey   expected       got            aligned  purity  origins (key)  proposition")
    for r in rows:
        got, origins = r["got"] or "-", r["origins"] or "-"
        print(
            f"{r['id']:<5} {r['expected']:<14} {got:<14} {r['alignment']:>7.2f}  {r['purity']:>6.2f}  {origins:>7} "
            f"({r['key_origins'] or '-'})  {r['proposition'] or ''}"
        )
    found = sum(r["found"] for r in rows) / len(rows)
    alignment = sum(r["alignment"] for r in rows) / len(rows)
    status = sum(r["got"] == r["expected"] for r in rows) / len(rows)
    purity = sum(r["purity"] for r in rows) / len(rows)
    counted = [r["origins"] == r["key_origins"] for r in rows if r["key_origins"] is not None]
    origins = sum(counted) / len(counted)
    print(f"found {found:.2f}, alignment {alignment:.2f}, status {status:.2f}, ", end="")
    print(f"purity {purity:.2f}, origins {origins:.2f}")
    assert found >= PROPOSITIONS_FOUND_FLOOR, f"found {found:.2f}"
    assert alignment >= PROPOSITION_ALIGNMENT_FLOOR, f"alignment {alignment:.2f}"
    assert status >= STATUS_FLOOR, f"status {status:.2f}"
    assert purity >= PURITY_FLOOR, f"purity {purity:.2f}"
    assert origins >= ORIGINS_FLOOR, f"origins {origins:.2f}"
