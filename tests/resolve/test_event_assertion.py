"""Whether an event happened (schema v11): an event is asserted when one of its reports says it happened, else it
keeps what they say instead (``events.modality``), the same whether its reports were resolved at once or joined."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from storytrace.model import DateVia, Document, PublishedDate, Span, make_id
from storytrace.resolve.job import _assertion, _mention_modality, resolve_store
from storytrace.store import Sighting, Store

# Invented reports of one town council's statement (a speech act, grouped by the rules: shared participant).
COUNCIL = "Varnel town council"


def report(day: int, sentence: str, trigger: str, event_type: str, **attrs: object) -> Document:
    """A report published on 2025-05-``day`` whose one event is ``trigger`` in ``sentence``, by the council."""
    text = f"VARNEL, May {day} - {sentence}"
    start = text.index(trigger)
    actor = text.index(COUNCIL) if COUNCIL in text else None
    actors = [] if actor is None else [{"text": COUNCIL, "start_char": actor, "end_char": actor + len(COUNCIL)}]
    for arg in actors:
        arg["entity_id"] = "test:org/varnel-council"
    span = Span(
        start,
        start + len(trigger),
        event_type,
        tuple(sorted({"sentence": [0, len(text)], "actors": actors, **attrs}.items())),
    )
    return Document(
        id=make_id("doc", text),
        text=text,
        locator=f"r{day}.txt",
        outlet=f"Outlet {day}",
        published=PublishedDate(f"2025-05-{day:02d}", DateVia.DATELINE),
        spans={"events": [span]},
        layer_sources={"events": "test.events.v1"},
    )


def save(store: Store, *docs: Document) -> None:
    for doc in docs:
        store.save_document(doc, Sighting(locator=doc.locator, raw_hash=doc.id))


def events(store: Store) -> list[tuple[str, int, str | None, int]]:
    """(type, asserted, modality, reports) of each event, sorted."""
    sql = "SELECT type, asserted, modality, reports FROM events"
    return sorted((str(r[0]), int(r[1]), r[2], int(r[3])) for r in store.db.execute(sql))


PLANNED_1 = ("The Varnel town council plans a statement on the water supply.", "statement", "statement")
PLANNED_2 = ("The Varnel town council is planning a statement on the water supply.", "statement", "statement")
NEGATED = ("The Varnel town council issued no statement on the water supply.", "statement", "statement")
ISSUED = ("The Varnel town council issued a statement on the water supply.", "statement", "statement")


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [
        ({"negated": False, "modality": "asserted"}, None),
        ({}, None),
        ({"negated": False, "modality": ""}, None),
        ({"negated": True, "modality": "asserted"}, "negated"),
        ({"negated": True, "modality": "future"}, "negated"),  # "will not meet": a denial first
        ({"negated": False, "modality": "demanded"}, "demanded"),
    ],
)
def test_mention_modality_reads_the_extractions_attrs(attrs: dict[str, object], expected: str | None) -> None:
    assert _mention_modality(attrs) == expected


def test_assertion_one_asserted_mention_is_enough_else_the_most_frequent_word_ties_by_name() -> None:
    assert _assertion(Counter({"demanded": 5, None: 1})) == (1, None)
    assert _assertion(Counter({"demanded": 2, "negated": 1})) == (0, "demanded")
    assert _assertion(Counter({"planned": 1, "future": 1})) == (0, "future")
    assert _assertion(Counter()) == (1, None)


def test_a_join_counts_the_stored_mentions_modalities_as_a_replay_does(tmp_path: Path) -> None:
    planned = [report(1, *PLANNED_1, modality="planned"), report(2, *PLANNED_2, modality="planned")]
    negated = report(3, *NEGATED, negated=True)
    issued = report(4, *ISSUED, modality="asserted")
    with Store(tmp_path / "join.db") as store:
        save(store, *planned)
        assert resolve_store(store).mode == "full"
        assert events(store) == [("statement", 0, "planned", 2)]
        save(store, negated)
        assert resolve_store(store).mode == "join"
        # two stored "planned" mentions outweigh the new "negated" one: a join that forgot them would say negated
        assert events(store) == [("statement", 0, "planned", 3)]
        joined = events(store)
        modalities = sorted(r[0] for r in store.db.execute("SELECT modality FROM event_mentions"))
        assert modalities == ["negated", "planned", "planned"]
        save(store, issued)
        assert resolve_store(store).mode == "join"
        assert events(store) == [("statement", 1, None, 4)]
        after_issued = events(store)
    with Store(tmp_path / "full.db") as store:
        save(store, *planned, negated)
        resolve_store(store)
        assert events(store) == joined
        save(store, issued)
        resolve_store(store, full=True)
        assert events(store) == after_issued
