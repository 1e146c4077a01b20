"""The resolve job's reading of a report's claims: who a speaker is."""

from __future__ import annotations

import json
from pathlib import Path

import storytrace
from storytrace.pipeline import PIPELINES
from storytrace.resolve.job import resolve_store
from storytrace.store import Store

# Invented reports; Kataib Hezbollah is in the built-in mideast pack.
PAUSE = """Militia announces pause in attacks

BAGHDAD, May 2, 2025 (Meridian Wire) - Kataib Hezbollah announced on Monday a pause in its attacks on bases hosting
US troops. The group said the pause would last until the end of the month.
"""
ROADS = """Roads reopened in the capital

BAGHDAD, May 3, 2025 (Meridian Wire) - The Interior Ministry reopened the road to the airport on Tuesday. The group
said the checkpoints had been removed overnight.
"""


def _speakers(tmp_path: Path) -> dict[str, tuple[dict[str, object], str]]:
    """Each claim's text -> (its speaker hop, its origin), after ingesting and resolving the two reports."""
    for name, text in (("pause.txt", PAUSE), ("roads.txt", ROADS)):
        (tmp_path / name).write_text(text)
    with Store(tmp_path / "s.db") as store:
        options = storytrace.IngestOptions(pipeline=PIPELINES["fast"])
        storytrace.ingest_inputs(store, [str(tmp_path / "pause.txt"), str(tmp_path / "roads.txt")], options)
        resolve_store(store)
        rows = store.db.execute("SELECT text, chain, origin FROM claims").fetchall()
    return {text: (json.loads(chain)[-1], origin) for text, chain, origin in rows if json.loads(chain)}


def test_the_group_as_a_speaker_is_the_group_named_before_it_or_after_a_headline(tmp_path: Path) -> None:
    speakers = _speakers(tmp_path)
    hop, origin = speakers["the pause would last until the end of the month"]
    assert hop == {"text": "Kataib Hezbollah", "kind": "named", "entity_id": "mideast:org/kataib-hezbollah"}
    assert origin == "speaker:mideast:org/kataib-hezbollah"  # one origin with the group's own announcement
    # A headline names the group after it: "Militia announces pause" is the group the lede names.
    assert speakers["pause in attacks"][0]["entity_id"] == "mideast:org/kataib-hezbollah"
    # A ministry named before it is not "the group": the speaker stays unresolved.
    hop, origin = speakers["the checkpoints had been removed overnight"]
    assert (hop["text"], hop["entity_id"], origin) == ("The group", None, "speaker:group")
