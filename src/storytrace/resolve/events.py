"""Event coreference: the same strike or meeting reported by many outlets becomes one event, counted once.

Event mentions (the ``events`` layer of each report) are taken in order of publication. A mention joins the
event it is most compatible with, else it starts a new one:

* **type**: the same family (violence: attack, clash, air or drone strike, shelling, bombing, killing; the
  other types are each their own family, with talks = meeting);
* **date**: both dated and the same day (one day apart is allowed when either date came from a relative
  expression such as a weekday), or one of them undated but reported no earlier than the event;
* **place**: the same place entity, or one of them without a place;
* **participants**: at least one shared actor, target or place entity, or the same place and date.

An event's date is the one most of its reports give (ties: the earliest report's); the others are kept as
``date_conflicts`` with the reports that gave them, so "Tuesday" vs "Wednesday" is shown, not hidden.

Known gaps: two different attacks on the same day in the same town by the same group are merged; an event
reported only with a vague date ("last week") joins any compatible event.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from storytrace.model import make_id

__all__ = ["EventMention", "ResolvedEvent", "family_of", "resolve_events"]

_VIOLENCE = frozenset(
    {"attack", "armed_clash", "air_strike", "drone_strike", "shelling", "bombing", "killing", "ambush"}
)
_SAME = {"talks": "meeting", "negotiation": "meeting"}


def family_of(event_type: str) -> str:
    if event_type in _VIOLENCE:
        return "violence"
    return _SAME.get(event_type, event_type)


@dataclass(frozen=True, slots=True)
class EventMention:
    """One event mention of one report, as the resolver reads it."""

    doc_id: str
    start_char: int
    end_char: int
    type: str
    trigger: str
    date: str | None = None  # ISO day (or coarser) from the times layer
    precision: str | None = None
    relative: bool = False  # the date came from a relative expression (weekday, "yesterday")
    place: str | None = None  # entity id
    place_text: str | None = None
    participants: frozenset[str] = frozenset()  # entity ids of actors, targets and place
    published: str | None = None
    summary: str = ""


@dataclass(slots=True)
class ResolvedEvent:
    id: str
    type: str
    mentions: list[EventMention] = field(default_factory=list)
    date: str | None = None
    precision: str | None = None
    date_conflicts: list[dict[str, object]] = field(default_factory=list)
    place: str | None = None
    place_text: str | None = None
    summary: str = ""

    @property
    def reports(self) -> list[str]:
        return sorted({m.doc_id for m in self.mentions})


def _day(value: str | None) -> date | None:
    if value and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _dates_fit(a: EventMention, event: ResolvedEvent) -> bool:
    dated = [(m, d) for m in event.mentions if (d := _day(m.date)) is not None]
    mine = _day(a.date)
    if not dated:  # an undated event: its reports cannot come before this mention's date
        return mine is None or all(p is None or mine <= p for p in (_day(m.published) for m in event.mentions))
    if mine is None:  # an undated report of the event cannot come before it
        published = _day(a.published)
        return published is None or all(d <= published for _, d in dated)
    slack = 1 if a.relative or any(m.relative for m, _ in dated) else 0
    return any(abs((mine - d).days) <= slack for _, d in dated)


def _score(a: EventMention, event: ResolvedEvent) -> float:
    if family_of(a.type) != family_of(event.type) or not _dates_fit(a, event):
        return 0.0
    places = {m.place for m in event.mentions if m.place}
    if a.place and places and a.place not in places:
        return 0.0
    shared = set(a.participants) & set().union(*(m.participants for m in event.mentions))
    same_place_and_day = bool(a.place and a.place in places and _day(a.date) is not None)
    if not shared and not same_place_and_day:
        return 0.0
    return min(1.0, 0.5 + 0.15 * len(shared) + (0.2 if same_place_and_day else 0.0))


def _reconcile(event: ResolvedEvent) -> None:
    votes: Counter[str] = Counter(m.date[:10] for m in event.mentions if m.date and _day(m.date))
    if votes:
        ranked = sorted(votes.items(), key=lambda kv: -kv[1])
        best = ranked[0][0]
        event.date, event.precision = best, "day"
        event.date_conflicts = [
            {"date": value, "reports": sorted({m.doc_id for m in event.mentions if m.date and m.date[:10] == value})}
            for value, _ in ranked[1:]
        ]
    else:
        coarse = [m for m in event.mentions if m.date]
        if coarse:
            event.date, event.precision = coarse[0].date, coarse[0].precision
    placed = [m for m in event.mentions if m.place]
    if placed:
        event.place = Counter(m.place for m in placed).most_common(1)[0][0]
        event.place_text = next(m.place_text for m in placed if m.place == event.place)
    event.summary = event.mentions[0].summary


@dataclass(slots=True)
class _Tally:
    """What ``_score`` reads of an event, kept up to date as mentions join, so scoring a mention costs the
    same whatever the number of reports of the event (``_score`` recomputes it from every mention)."""

    days: set[date] = field(default_factory=set)
    relative_dated: bool = False
    last_day: date | None = None
    first_published: date | None = None  # earliest publication day of its reports (an undated event's bound)
    places: set[str] = field(default_factory=set)
    participants: set[str] = field(default_factory=set)

    def add(self, m: EventMention) -> None:
        day = _day(m.date)
        if day is not None:
            self.days.add(day)
            self.relative_dated = self.relative_dated or m.relative
            self.last_day = day if self.last_day is None else max(self.last_day, day)
        published = _day(m.published)
        if published is not None:
            self.first_published = published if self.first_published is None else min(self.first_published, published)
        if m.place:
            self.places.add(m.place)
        self.participants.update(m.participants)

    def score(self, a: EventMention) -> float:
        """``_score(a, event)`` (the family is checked by the caller)."""
        mine = _day(a.date)
        if not self.days:
            if mine is not None and self.first_published is not None and mine > self.first_published:
                return 0.0
        elif mine is None:
            published = _day(a.published)
            if published is not None and self.last_day is not None and self.last_day > published:
                return 0.0
        else:
            slack = 1 if a.relative or self.relative_dated else 0
            if not any(mine + timedelta(days=k) in self.days for k in range(-slack, slack + 1)):
                return 0.0
        if a.place and self.places and a.place not in self.places:
            return 0.0
        shared = a.participants & self.participants
        same_place_and_day = bool(a.place and a.place in self.places and mine is not None)
        if not shared and not same_place_and_day:
            return 0.0
        return min(1.0, 0.5 + 0.15 * len(shared) + (0.2 if same_place_and_day else 0.0))


def resolve_events(mentions: Iterable[EventMention], threshold: float = 0.5) -> list[ResolvedEvent]:
    """Group event mentions into events (see the module docstring); new reports join existing events.

    Only events sharing a participant or the place with the mention are scored (a score above 0 needs one),
    in the order they were founded: the result is that of trying every event of the family.
    """
    events: list[ResolvedEvent] = []
    tallies: list[_Tally] = []
    # (family, participant) -> indices of the events holding it, ascending
    by_participant: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_place: dict[tuple[str, str], list[int]] = defaultdict(list)
    ordered: Sequence[EventMention] = sorted(mentions, key=lambda m: (m.published or "9999", m.doc_id, m.start_char))
    for mention in ordered:
        fam = family_of(mention.type)
        found: set[int] = set()
        for participant in mention.participants:
            found.update(by_participant.get((fam, participant), ()))
        if mention.place:  # callers may leave the place out of the participants
            found.update(by_place.get((fam, mention.place), ()))
        best, best_score = -1, 0.0
        for index in sorted(found):
            score = tallies[index].score(mention)
            if score > best_score:
                best, best_score = index, score
        if best < 0 or best_score < threshold:
            events.append(ResolvedEvent(make_id("evt", mention.doc_id, mention.start_char), mention.type))
            tallies.append(_Tally())
            best = len(events) - 1
        tally = tallies[best]
        events[best].mentions.append(mention)
        for participant in mention.participants - tally.participants:
            by_participant[(fam, participant)].append(best)
        if mention.place and mention.place not in tally.places:
            by_place[(fam, mention.place)].append(best)
        tally.add(mention)
    for event in events:
        _reconcile(event)
    return events
