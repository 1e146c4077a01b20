"""Event coreference: one ambush reported by many outlets is one event, its date reconciled, conflicts kept."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pytest

from storytrace.resolve.event_coref import FEATURES, VIEWS, PairModel, pair_features
from storytrace.resolve.events import (
    EventMention,
    EventPile,
    _pair_row,
    _Tally,
    coref_mentions,
    embed_event_mentions,
    family_of,
    group_events,
    resolve_events,
    vector_hashes,
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
    corefs = coref_mentions(ms)
    row = _pair_row(corefs[1], vectors[1], [corefs[0], corefs[2], corefs[3]], vectors[[0, 2, 3]])
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


# --- the product's grouping: speech acts by the rules, the other types by the pair scorer -----------------------


def typed(doc: str, type_: str, trigger: str, sentence: str, **kw: object) -> EventMention:
    start = sentence.index(trigger)
    return EventMention(
        doc, start, start + len(trigger), type_, trigger, "2025-03-05", "day", published="2025-03-05",
        sentence=sentence, trigger_span=(start, start + len(trigger)), **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_group_events_keeps_speech_acts_on_the_rules_and_scores_the_others() -> None:
    ms = [
        typed("a", "attack", "ambushed", "Fighters ambushed a convoy."),
        typed("b", "attack", "ambushed", "A convoy was ambushed south of the bridge."),
        typed("a", "statement", "said", "The ministry said the road was closed."),
        typed("b", "statement", "said", "A driver said the road was closed."),  # same words, nobody shared
    ]
    events = group_events(EventPile(model=LEMMA_ONLY), ms, _encode).resolved()
    assert sorted((e.type, e.reports) for e in events) == [
        ("attack", ["a", "b"]),
        ("statement", ["a"]),
        ("statement", ["b"]),
    ]
    # every type on the scorer: the two statements meet too
    everything = group_events(EventPile(model=LEMMA_ONLY, rules_types=frozenset()), ms, _encode).resolved()
    assert sorted((e.type, e.reports) for e in everything) == [("attack", ["a", "b"]), ("statement", ["a", "b"])]


def test_group_events_embeds_each_reports_scored_mentions_alone() -> None:
    calls: list[list[str]] = []

    def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        calls.append(list(texts))
        return _encode(texts)

    ms = [
        typed("a", "attack", "ambushed", "Fighters ambushed a convoy."),
        typed("a", "statement", "said", "The ministry said the road was closed."),
        typed("b", "attack", "shelled", "Guns shelled the town."),
        typed("b", "killing", "killed", "Five were killed."),
    ]
    group_events(EventPile(model=LEMMA_ONLY), ms, encode)
    assert len(calls) == 2  # one call per report, the statement not embedded
    assert not any("said" in text for call in calls for text in call)
    assert {"Guns shelled the town.", "Five were killed."} <= set(calls[1])


def test_a_learned_event_is_read_back_from_its_state_as_it_was() -> None:
    ms = [
        typed("a", "attack", "ambushed", "Fighters ambushed a convoy.", participants=frozenset({"org/ksh"})),
        typed("b", "attack", "ambush", "The ambush killed five.", place="gpe/qarn"),
    ]
    pile = group_events(EventPile(model=LEMMA_ONLY, pair_threshold=0.0), ms, _encode)
    [tally] = pile.tallies.values()
    assert tally.learned and len(tally.members) == 2
    back = _Tally.from_state(json.loads(json.dumps(tally.state())))
    assert back.learned and back.keys == tally.keys and "x\x1fentity\x1fgpe/qarn" in back.keys
    assert [(m.doc_id, m.lemma, m.context) for m in back.members] == [
        (m.doc_id, m.lemma, m.context) for m in tally.members
    ]
    assert all(np.array_equal(a, b) for a, b in zip(back.vectors, tally.vectors, strict=True))
    assert back.days == tally.days and back.reports == tally.reports == 2


SAME_SENTENCE = PairModel(
    tuple(20.0 if f == "cos_sentence" else 0.0 for f in FEATURES), -15.0, 0.5
)  # the same sentence: p 0.99; the stand-in's other sentences (cosine about 0.3 at most): under 0.01


@pytest.mark.parametrize(("per_key", "expected"), [(64, [["a", "c"], ["b"], ["b"]]), (2, [["a"], ["b"], ["b"], ["c"]])])
def test_only_the_latest_founded_events_of_a_key_are_candidates(per_key: int, expected: list[list[str]]) -> None:
    # "zorched" and "blitzed" share no lemma, stem, family or entity: only the key every learned event holds finds
    # the first one, and two events founded after it push it out of that key's latest two.
    sentence = "Fighters zorched and blitzed a convoy."
    between = [typed("b", "attack", f"raid{i}", f"A raid{i} hit village number {i}.") for i in range(2)]
    ms = [typed("a", "attack", "zorched", sentence), *between, typed("c", "attack", "blitzed", sentence)]
    pile = EventPile(model=SAME_SENTENCE)
    pile.per_key = per_key
    assert sorted(e.reports for e in group_events(pile, ms, _encode).resolved()) == expected


def test_a_negated_mention_never_joins_an_event_that_happened() -> None:
    ms = [
        typed("a", "agreement", "agreement", "The sides signed an agreement."),
        typed("b", "agreement", "agreement", "No agreement was reached.", asserted=False),
        typed("c", "agreement", "agreement", "The paper says no agreement was signed.", asserted=False),
    ]
    events = group_events(EventPile(model=LEMMA_ONLY), ms, _encode).resolved()
    assert sorted(e.reports for e in events) == [["a"], ["b", "c"]]


# --- the vector cache: a report embedded once is read back, whole or not at all -----------------------------------


class _Cache:
    """``EventVectorCache`` in memory, as resolve/job.py keeps it in the store (one report's rows replaced whole)."""

    tag = "model-a"

    def __init__(self) -> None:
        self.rows: dict[str, dict[tuple[int, int], tuple[str, npt.NDArray[np.float16]]]] = {}

    def load(self, doc_id: str) -> Mapping[tuple[int, int], tuple[str, npt.NDArray[np.float16]]]:
        return self.rows.get(doc_id, {})

    def save(self, doc_id: str, rows: Sequence[tuple[int, int, str, npt.NDArray[np.float16]]]) -> None:
        self.rows[doc_id] = {(start, end): (h, v) for start, end, h, v in rows}


def _cached_reports() -> list[EventMention]:
    return [
        typed("a", "attack", "ambushed", "Fighters ambushed a convoy on Route 9."),
        typed("a", "statement", "said", "The ministry said five soldiers died."),
        typed("a", "arrest", "arrested", "Police later arrested a commander."),
        typed("b", "attack", "ambush", "The ambush on Route 9 killed five."),
        typed("b", "arrest", "arrested", "The commander was arrested at a checkpoint."),
    ]


def _counting(calls: list[list[str]]) -> Callable[[Sequence[str]], npt.NDArray[np.float32]]:
    def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        calls.append(list(texts))
        return _encode(texts)

    return encode


def _grouping(pile: EventPile) -> list[list[tuple[str, int]]]:
    return sorted(sorted((m.doc_id, m.start_char) for m in e.mentions) for e in pile.resolved())


def test_a_cached_report_is_not_embedded_again_and_groups_the_same() -> None:
    ms, cache, calls = _cached_reports(), _Cache(), []
    first = group_events(EventPile(model=LEMMA_ONLY), ms, _counting(calls), cache=cache)
    assert len(calls) == 2 and sorted(cache.rows) == ["a", "b"]
    assert len(cache.rows["a"]) == 2  # the statement is grouped by the rules: not embedded, not kept
    again = group_events(EventPile(model=LEMMA_ONLY), ms, _counting(calls), cache=cache)
    assert len(calls) == 2  # nothing embedded the second time
    assert _grouping(again) == _grouping(first)
    assert [len(e.mentions) for e in first.resolved()] == [2, 1, 2]  # ambush (a, b), statement, arrest (a, b)
    stored = [tally.vectors for tally in again.tallies.values() if tally.learned]
    fresh = [tally.vectors for tally in first.tallies.values() if tally.learned]
    assert all(np.array_equal(x, y) for xs, ys in zip(stored, fresh, strict=True) for x, y in zip(xs, ys, strict=True))


def test_a_changed_mention_has_its_whole_report_embedded_again() -> None:
    ms, cache, calls = _cached_reports(), _Cache(), []
    group_events(EventPile(model=LEMMA_ONLY), ms, _counting(calls), cache=cache)
    batch_b = set(calls[1])
    old_b = dict(cache.rows["b"])
    # b processed again: its arrest is read in a longer sentence (same offsets), its ambush unchanged
    sentence = "Late on Sunday the commander was arrested at a checkpoint."
    start = sentence.index("arrested")
    ms[4] = dataclasses.replace(ms[4], sentence=sentence, trigger_span=(start, start + len("arrested")))
    group_events(EventPile(model=LEMMA_ONLY), ms, _counting(calls), cache=cache)
    assert len(calls) == 3 and sentence in calls[2]  # report a read from the cache, b embedded again
    assert "The ambush on Route 9 killed five." in calls[2]  # whole: the unchanged ambush is in the batch again
    assert all(cache.rows["b"][k][0] != old_b[k][0] for k in old_b)  # every row of b under its new hash
    # one of a's rows lost: a is embedded again whole, in the batch it was first embedded in
    del cache.rows["a"][(ms[2].start_char, ms[2].end_char)]
    group_events(EventPile(model=LEMMA_ONLY), ms, _counting(calls), cache=cache)
    assert len(calls) == 4 and set(calls[3]) == set(calls[0]) and set(calls[0]) != batch_b
    assert len(cache.rows["a"]) == 2


def test_a_mentions_hash_covers_its_texts_its_batch_mates_and_the_model() -> None:
    a1, a2 = typed("a", "attack", "ambushed", "Fighters ambushed a convoy."), typed("a", "arrest", "held", "Men held.")
    base = vector_hashes([a1, a2], "model-a")
    assert vector_hashes([a1, a2], "model-a") == base and base[0] != base[1]
    assert vector_hashes([a1, dataclasses.replace(a2, trigger="detained")], "model-a")[0] != base[0]  # a batch mate
    assert vector_hashes([a1], "model-a")[0] != base[0]  # another batch
    assert vector_hashes([a1, a2], "model-b") != base and set(vector_hashes([a1, a2], "model-b")).isdisjoint(base)
