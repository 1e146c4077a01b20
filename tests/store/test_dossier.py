from __future__ import annotations

from pathlib import Path

import storytrace
from storytrace.store.dossier import list_events


def test_an_events_place_is_named_by_its_entity_not_as_first_written(tmp_path: Path) -> None:
    with storytrace.open_store(tmp_path / "s.db") as store, store.transaction() as db:
        db.execute("INSERT INTO entities (id, kind, name, updated_at) VALUES ('gpe/qasr', 'GPE', 'Qasr Numayr', 'now')")
        rows = [
            ("evt_a", "meeting", "2025-03-09", "gpe/qasr", "QASR NMEIR"),  # a dateline's capitals
            ("evt_b", "attack", "2025-03-10", None, "the old market"),  # no entity: as written
            ("evt_c", "attack", "2025-03-11", "gpe/gone", "Tel Gone"),  # an entity since merged away
        ]
        db.executemany(
            "INSERT INTO events (id, type, date, place_id, place, summary, updated_at) "
            "VALUES (?, ?, ?, ?, ?, 's', 'now')",
            rows,
        )
    with storytrace.open_store(tmp_path / "s.db") as store:
        assert [e["place"] for e in list_events(store)] == ["Qasr Numayr", "the old market", "Tel Gone"]
