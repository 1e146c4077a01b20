"""Event coreference: one ambush reported by many outlets is one event, its date reconciled, conflicts kept."""

from __future__ import annotations

from storytrace.resolve.events import EventMention, family_of, resolve_events

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
