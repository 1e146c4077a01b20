"""Event coreference: one ambush reported by many outlets is one event, its date reconciled, conflicts kept."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest

from storytrace.resolve.event_coref import FEATURES, VIEWS, PairModel, pair_features
from storytrace.resolve.events import (
    EventMention,
    _pair_row,
    coref_mentions,
    embed_event_mentions,
    family_of,
    resolve_events,
)

AMBUSH = frozenset({"org/ksh", "gpe/route9"})


def mention(doc: str, type_: str, date: str | None, **kw: object) -> EventMention:
    return EventMention(doc, 0, 6, type_, type_, date, "day" if date else None, **kw)  # type: ignore[arg-type]


def test_violence_types_are_one_family_and_talks_are_meetings() -> None:
    assert family_of("attack") == family_of("killing") == family_of("drone_strike") == "violence"
    assert family_of("talks") == family_of("meeting")
    assert family_of("arrest") != family_of("attack")


def test_the_same_ambush_in_three_reports_is_one_event_with_its_conflict() -> None:
    events = resolve_events(
        [
            mention("wire", "attack", "2025-03-05", participants=AMBUSH, published="2025-03-05"),
            mention("herald", "killing", "2025-03-05", participants=AMBUSH, published="2025-03-06"),
            mention("rising", "attack", "2025-03-04", relative=True, participants=AMBUSH, published="2025-03-12"),
            mention("brief", "attack", None, participants=frozenset({"org/ksh"}), published="2025-03-20"),
        ]
    )
    [event] = events
    assert event.reports == ["brief", "herald", "rising", "wire"]
    assert event.date == "2025-03-05" and event.precision == "day"
    assert event.date_conflicts == [{"date": "2025-03-04", "reports": ["rising"]}]


def test_different_days_places_or_types_stay_apart() -> None:
    events = resolve_events(
        [
            mention("a", "attack", "2025-03-05", participants=AMBUSH, place="gpe/route9"),
            mention("b", "attack", "2025-03-09", participants=AMBUSH, place="gpe/route9"),  # four days later
            mention("c", "attack", "2025-03-05", participants=AMBUSH, place="gpe/harbal"),  # elsewhere
            mention("d", "arrest", "2025-03-05", participants=AMBUSH),  # another type
            mention("e", "attack", "2025-03-05", participants=frozenset({"org/other"})),  # nobody shared
        ]
    )
    assert len(events) == 5


def test_an_undated_report_cannot_precede_its_event() -> None:
    events = resolve_events(
        [
            mention("a", "attack", "2025-03-05", participants=AMBUSH, published="2025-03-05"),
            mention("b", "attack", None, participants=AMBUSH, published="2025-03-01"),
        ]
    )
    assert len(events) == 2


# --- with the learned pair scorer ------------------------------------------------------------------------------

LEMMA_ONLY = PairModel((10.0,) + (0.0,) * (len(FEATURES) - 1), -5.0, 0.35)  # same trigger lemma: p 0.99, else 0.007


def _encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """A stand-in for MiniLM: one fixed unit vector per text."""
    out = np.stack([np.random.default_rng(sum(map(ord, t))).standard_normal(8) for t in texts]).astype(np.float32)
    return np.asarray(out / np.linalg.norm(out, axis=1, keepdims=True), dtype=np.float32)


def said(doc: str, trigger: str, sentence: str, date: str | None = None, **kw: object) -> EventMention:
    start = sentence.index(trigger)
    return EventMention(
        doc, start, start + len(trigger), "attack", trigger, date, "day" if date else None,
        sentence=sentence, trigger_span=(start, start + len(trigger)), **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_the_pair_row_is_the_row_of_pair_features() -> None:
    ms = [
        said("a", "ambushed", "Fighters ambushed a convoy near Qarn.", participants=frozenset({"org/ksh"})),
        said("b", "ambush", "The ambush killed five.", participants=frozenset({"org/ksh", "gpe/qarn"})),
        said("b", "shelled", "Guns shelled the town of Qarn."),
        said("c", "ambushing", "After ambushing the trucks, they fled."),
    ]
    vectors = embed_event_mentions(ms, _encode)
    assert vectors.shape == (4, len(VIEWS), 8)
    full = pair_features(coref_mentions(ms), vectors)
    row = _pair_row(coref_mentions(ms), vectors, 1, [0, 2, 3])
    assert np.allclose(row, full[1, [0, 2, 3]], atol=1e-6)


def test_the_scorer_joins_across_reports_without_a_shared_participant() -> None:
    ms = [
        said("a", "ambushed", "Fighters ambushed a convoy.", "2025-03-05", published="2025-03-05"),
        said("b", "ambushed", "A convoy was ambushed on Wednesday.", "2025-03-05", published="2025-03-06"),
        said("c", "shelled", "Guns shelled the town.", "2025-03-05", published="2025-03-06"),
    ]
    # the rules need a shared participant (or place and day): three events
    assert len(resolve_events(ms)) == 3
    events = resolve_events(ms, vectors=embed_event_mentions(ms, _encode), model=LEMMA_ONLY)
    assert sorted(e.reports for e in events) == [["a", "b"], ["c"]]


def test_the_scorer_keeps_the_date_and_place_vetoes() -> None:
    ms = [
        said("a", "ambushed", "Fighters ambushed a convoy.", "2025-03-05", place="gpe/qarn"),
        said("b", "ambushed", "Fighters ambushed a convoy.", "2025-03-09", place="gpe/qarn"),  # four days later
        said("c", "ambushed", "Fighters ambushed a convoy.", "2025-03-05", place="gpe/harbal"),  # elsewhere
    ]
    assert len(resolve_events(ms, vectors=embed_event_mentions(ms, _encode), model=LEMMA_ONLY)) == 3


def test_the_scorer_needs_one_vector_row_per_mention() -> None:
    ms = [said("a", "ambushed", "Fighters ambushed a convoy.")]
    with pytest.raises(ValueError, match="1 vectors for 2"):
        resolve_events([*ms, *ms], vectors=embed_event_mentions(ms, _encode), model=LEMMA_ONLY)
