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

With ``vectors`` (``embed_event_mentions``: the MiniLM vectors of each mention's sentence, trigger windows and
trigger) the **learned pair scorer** of ``resolve.event_coref`` (``PairModel``, fitted on ECB+) stands in for the
type family and participant rules: the date and place vetoes stay, and a mention joins the event of best mean
pair probability against the event's mentions when it is at least ``PAIR_THRESHOLD`` (0.2, the online threshold
chosen on the ECB+ dev topics). Candidates are the events sharing a participant, the place, the trigger's lemma,
stem or type family (the latest ``_PER_KEY`` per key) and the ``_RECENT`` events joined last; an event is scored
through its first ``_MEMBERS`` mentions (on ECB+ dev these bounds change nothing: unbounded gives the same 79.3).
ECB+ (``benchmarks/eval_ecbplus.py``, gold mentions, CoNLL F1 with / without singletons): rules 68.9 / 60.6 on dev,
learned 80.1 / 74.8 on dev (see the benchmark for test). ``resolve.job`` does not pass vectors yet: on the demo
corpus the learned joins halve the events (148 to 71) and merge generic verbs of different events across reports
("gave", "declined to comment", "blamed"), since the scorer learnt on ECB+ topics that one lemma in one story is
mostly one event; the rules stay the product's.

Known gaps: two different attacks on the same day in the same town by the same group are merged; an event
reported only with a vague date ("last week") joins any compatible event. With vectors: the scorer was fitted on
ECB+ (English news of 2006-2013, gold mentions), not on our extractor's mentions; the ``names`` feature reads
resolved entity ids in place of ECB+'s sentence names; joins are greedy in publication order (no later merge);
the bounded candidates can miss an old event sharing nothing but its words with the mention.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from storytrace.model import make_id

if TYPE_CHECKING:  # event_coref imports this module (family_of): imported lazily at run time
    from storytrace.resolve.event_coref import CorefMention, FloatArray, PairModel

__all__ = [
    "PAIR_THRESHOLD",
    "EventMention",
    "EventPile",
    "ResolvedEvent",
    "coref_mentions",
    "embed_event_mentions",
    "family_of",
    "resolve_events",
]

PAIR_THRESHOLD = 0.2  # ECB+ dev, online joins: 0.2 78.4, 0.25 78.3, 0.35 78.1 (benchmarks/eval_ecbplus.py --sweep)
_RECENT = 64  # events last joined, always candidates (a story's events sharing no entity with the mention)
_PER_KEY = 64  # the latest events per blocking key (participant, place, lemma, stem, family)
_MEMBERS = 32  # an event's mentions its mean pair probability is taken over (its first ones)

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
    sentence: str | None = None  # the mention's sentence (for the learned pair scorer's embeddings)
    trigger_span: tuple[int, int] | None = None  # the trigger's character offsets in ``sentence``


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
    reports_count: int = 0  # reports of the event, those of a stored dossier included
    first_seen: str | None = None
    last_seen: str | None = None

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


@dataclass(slots=True)
class _Tally:
    """What scoring and reconciling read of an event, kept up to date as mentions join, so scoring a mention
    costs the same whatever the number of reports of the event, and an event of a stored dossier is joined
    without its mentions (``state`` / ``from_state``)."""

    days: set[date] = field(default_factory=set)
    relative_dated: bool = False
    last_day: date | None = None
    first_published: date | None = None  # earliest publication day of its reports (an undated event's bound)
    places: set[str] = field(default_factory=set)
    participants: set[str] = field(default_factory=set)
    # For reconciling: mentions per day (and their reports), the first coarse date, mentions per place (and the
    # first wording of it), the first mention's summary, the reports and their publication dates.
    day_votes: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    coarse: tuple[str, str | None] | None = None
    place_votes: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    summary: str = ""
    reports: int = 0
    last_doc: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None

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
        if m.date and day is not None:
            n, docs = self.day_votes.get(m.date[:10], (0, []))
            self.day_votes[m.date[:10]] = (n + 1, docs if m.doc_id in docs else sorted([*docs, m.doc_id]))
        if m.date and self.coarse is None:
            self.coarse = (m.date, m.precision)
        if m.place:
            n, text = self.place_votes.get(m.place, (0, m.place_text))
            self.place_votes[m.place] = (n + 1, text)
        if self.reports == 0:
            self.summary = m.summary
        if m.doc_id != self.last_doc:  # a report's mentions come together: publication order, then report id
            self.reports, self.last_doc = self.reports + 1, m.doc_id
        if m.published:
            self.first_seen = min(self.first_seen or m.published, m.published)
            self.last_seen = max(self.last_seen or m.published, m.published)

    def reconcile(self, event: ResolvedEvent) -> None:
        """Set the event's date (the one most mentions give, ties: the earliest; the others as conflicts), place
        (the most named, ties: the earliest) and summary (its first report's)."""
        if self.day_votes:
            ranked = sorted(self.day_votes.items(), key=lambda kv: -kv[1][0])
            event.date, event.precision = ranked[0][0], "day"
            event.date_conflicts = [{"date": value, "reports": list(docs)} for value, (_n, docs) in ranked[1:]]
        elif self.coarse is not None:
            event.date, event.precision = self.coarse
        if self.place_votes:
            event.place, (_n, event.place_text) = sorted(self.place_votes.items(), key=lambda kv: -kv[1][0])[0]
        event.summary = self.summary
        event.reports_count, event.first_seen, event.last_seen = self.reports, self.first_seen, self.last_seen

    def score(self, a: EventMention) -> float:
        """How well ``a`` fits the event (0 when a veto holds or nothing is shared); the caller checks the family."""
        if not self.fits(a):
            return 0.0
        shared = a.participants & self.participants
        same_place_and_day = bool(a.place and a.place in self.places and _day(a.date) is not None)
        if not shared and not same_place_and_day:
            return 0.0
        return min(1.0, 0.5 + 0.15 * len(shared) + (0.2 if same_place_and_day else 0.0))

    def fits(self, a: EventMention) -> bool:
        """The vetoes: ``a``'s date fits the event's (the same day, one day apart when a date came from a relative
        expression; an undated side cannot be reported before the other's date) and its place is not another."""
        mine = _day(a.date)
        if not self.days:
            if mine is not None and self.first_published is not None and mine > self.first_published:
                return False
        elif mine is None:
            published = _day(a.published)
            if published is not None and self.last_day is not None and self.last_day > published:
                return False
        else:
            slack = 1 if a.relative or self.relative_dated else 0
            if not any(mine + timedelta(days=k) in self.days for k in range(-slack, slack + 1)):
                return False
        return not (a.place and self.places and a.place not in self.places)

    def state(self) -> dict[str, object]:
        """The tally as JSON-ready values (resolve/incremental.py keeps it in ``event_pile``)."""
        return {
            "days": sorted(d.isoformat() for d in self.days),
            "relative_dated": self.relative_dated,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "first_published": self.first_published.isoformat() if self.first_published else None,
            "places": sorted(self.places),
            "participants": sorted(self.participants),
            "day_votes": [[k, n, docs] for k, (n, docs) in self.day_votes.items()],
            "coarse": list(self.coarse) if self.coarse else None,
            "place_votes": [[k, n, text] for k, (n, text) in self.place_votes.items()],
            "summary": self.summary,
            "reports": self.reports,
            "last_doc": self.last_doc,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> _Tally:
        def day(value: str | None) -> date | None:
            return date.fromisoformat(value) if value else None

        coarse = state["coarse"]
        return cls(
            days={date.fromisoformat(d) for d in state["days"]},
            relative_dated=bool(state["relative_dated"]),
            last_day=day(state["last_day"]),
            first_published=day(state["first_published"]),
            places=set(state["places"]),
            participants=set(state["participants"]),
            day_votes={k: (int(n), list(docs)) for k, n, docs in state["day_votes"]},
            coarse=(str(coarse[0]), coarse[1]) if coarse else None,
            place_votes={k: (int(n), text) for k, n, text in state["place_votes"]},
            summary=str(state["summary"]),
            reports=int(state["reports"]),
            last_doc=state["last_doc"],
            first_seen=state["first_seen"],
            last_seen=state["last_seen"],
        )


class EventPile:
    """The rules' grouping, one mention at a time in publication order (``resolve_events`` without vectors).

    Events are found through keys (family and participant, family and place) and scored in the order they were
    founded. ``_keyed`` and ``_event`` are the lookups resolve/incremental.py overrides to read the events of a
    stored dossier when a new report's mentions first need them.
    """

    def __init__(self, threshold: float = 0.5) -> None:
        self.threshold = threshold
        self.events: dict[int, ResolvedEvent] = {}  # by founding order
        self.tallies: dict[int, _Tally] = {}
        self.by_key: dict[str, list[int]] = defaultdict(list)  # key -> the events holding it (this run's joins)
        self.next_index = 0
        self.touched: set[int] = set()

    @staticmethod
    def _keys(event_type: str, participants: Iterable[str], places: Iterable[str]) -> list[str]:
        """The blocking keys of a family with those participants and places (callers may leave the place out
        of the participants, so places have keys of their own)."""
        fam = family_of(event_type)
        return [*(f"p\x1f{fam}\x1f{p}" for p in sorted(participants)), *(f"l\x1f{fam}\x1f{p}" for p in sorted(places))]

    def keys_of(self, index: int) -> list[str]:
        """The keys event ``index`` is found by (resolve/incremental.py keeps them)."""
        tally = self.tallies[index]
        return self._keys(self.events[index].type, tally.participants, tally.places)

    def _keyed(self, key: str) -> list[int]:
        return self.by_key.get(key, [])

    def add(self, mention: EventMention) -> int:
        """Join the mention to its event, or found one; returns the event's index."""
        found: set[int] = set()
        places = [mention.place] if mention.place else []
        for key in self._keys(mention.type, mention.participants, places):
            found.update(self._keyed(key))
        best, best_score = -1, 0.0
        for index in sorted(found):  # the keys hold the family: only events of the mention's are found
            score = self.tallies[index].score(mention)
            if score > best_score:
                best, best_score = index, score
        if best < 0 or best_score < self.threshold:
            best = self.next_index
            self.next_index += 1
            self.events[best] = ResolvedEvent(make_id("evt", mention.doc_id, mention.start_char), mention.type)
            self.tallies[best] = _Tally()
        tally = self.tallies[best]
        new_places = [p for p in places if p not in tally.places]
        for key in self._keys(mention.type, mention.participants - tally.participants, new_places):
            self.by_key[key].append(best)
        self.events[best].mentions.append(mention)
        tally.add(mention)
        self.touched.add(best)
        return best

    def resolved(self, indices: Iterable[int] | None = None) -> list[ResolvedEvent]:
        """The events (all, or those of ``indices``) in founding order, reconciled."""
        out = []
        for index in sorted(self.events if indices is None else indices):
            self.tallies[index].reconcile(self.events[index])
            out.append(self.events[index])
        return out


def coref_mentions(mentions: Sequence[EventMention]) -> list[CorefMention]:
    """The mentions as the pair scorer reads them: trigger words, sentence and span, participants as names."""
    from storytrace.resolve.event_coref import CorefMention

    return [
        CorefMention(
            (m.doc_id, m.start_char, m.end_char),
            m.doc_id,
            tuple(m.trigger.split()) or (m.trigger,),
            m.participants | {m.place} if m.place else m.participants,
            sentence=m.sentence or "",
            span=m.trigger_span if m.sentence else None,
        )
        for m in mentions
    ]


def embed_event_mentions(mentions: Sequence[EventMention], encode: Callable[[Sequence[str]], FloatArray]) -> FloatArray:
    """``resolve_events``'s ``vectors``: ``event_coref.embed_mentions`` of ``coref_mentions(mentions)``, e.g. with
    ``storytrace.resolve.claims.default_embedder().encode``."""
    from storytrace.resolve.event_coref import embed_mentions

    return embed_mentions(coref_mentions(mentions), encode)


@lru_cache(maxsize=1)
def _shipped_model() -> PairModel:
    from storytrace.resolve.event_coref import load_pair_model

    return load_pair_model()


def resolve_events(
    mentions: Iterable[EventMention],
    threshold: float = 0.5,
    *,
    vectors: FloatArray | None = None,
    model: PairModel | None = None,
    pair_threshold: float = PAIR_THRESHOLD,
) -> list[ResolvedEvent]:
    """Group event mentions into events (see the module docstring); new reports join existing events.

    Without ``vectors``, only events sharing a participant or the place with the mention are scored (a score
    above 0 needs one), in the order they were founded: the result is that of trying every event of the family.
    With ``vectors`` (``embed_event_mentions`` of ``mentions``, same order), the learned ``model`` (default: the
    shipped one) scores the candidates and ``pair_threshold`` replaces ``threshold``.
    """
    if vectors is not None:
        items = list(mentions)
        if len(vectors) != len(items):
            raise ValueError(f"{len(vectors)} vectors for {len(items)} event mentions")
        return _resolve_learned(items, vectors, model or _shipped_model(), pair_threshold)
    pile = EventPile(threshold)
    for mention in sorted(mentions, key=lambda m: (m.published or "9999", m.doc_id, m.start_char)):
        pile.add(mention)
    return pile.resolved()


def _block_keys(m: EventMention, c: CorefMention) -> set[Hashable]:
    keys: set[Hashable] = {("entity", p) for p in m.participants}
    if m.place:
        keys.add(("entity", m.place))
    keys |= {("lemma", c.lemma), ("stem", c.stem)}
    if c.family is not None:
        keys.add(("family", c.family))
    return keys


def _resolve_learned(
    items: list[EventMention], vectors: FloatArray, model: PairModel, threshold: float
) -> list[ResolvedEvent]:
    """``resolve_events`` with the pair scorer: each mention, in publication order, joins the candidate event
    (see the module docstring) of best mean pair probability if it reaches ``threshold``, else founds one."""
    corefs = coref_mentions(items)
    events: list[ResolvedEvent] = []
    tallies: list[_Tally] = []
    members: list[list[int]] = []  # per event, the indices (into items) of its first _MEMBERS mentions
    event_keys: list[set[Hashable]] = []
    by_key: dict[Hashable, list[int]] = defaultdict(list)  # key -> events holding it, in order of first holding
    recent: OrderedDict[int, None] = OrderedDict()  # events, the last joined last
    order = sorted(
        range(len(items)), key=lambda i: (items[i].published or "9999", items[i].doc_id, items[i].start_char)
    )
    for i in order:
        mention = items[i]
        keys = _block_keys(mention, corefs[i])
        found: set[int] = set(islice(reversed(recent), _RECENT))
        for key in keys:
            found.update(by_key.get(key, ())[-_PER_KEY:])
        candidates = [e for e in sorted(found) if tallies[e].fits(mention)]
        best, best_score = -1, 0.0
        if candidates:
            rows = [j for e in candidates for j in members[e]]
            probability = model.probabilities(_pair_row(corefs, vectors, i, rows))
            start = 0
            for e in candidates:
                n = len(members[e])
                score = float(probability[start : start + n].mean())
                start += n
                if score > best_score:
                    best, best_score = e, score
        if best < 0 or best_score < threshold:
            events.append(ResolvedEvent(make_id("evt", mention.doc_id, mention.start_char), mention.type))
            tallies.append(_Tally())
            members.append([])
            event_keys.append(set())
            best = len(events) - 1
        events[best].mentions.append(mention)
        tallies[best].add(mention)
        if len(members[best]) < _MEMBERS:
            members[best].append(i)
        for key in keys - event_keys[best]:
            by_key[key].append(best)
        event_keys[best] |= keys
        recent.pop(best, None)
        recent[best] = None
    for event, tally in zip(events, tallies, strict=True):
        tally.reconcile(event)
    return events


def _pair_row(corefs: Sequence[CorefMention], vectors: FloatArray, i: int, rows: Sequence[int]) -> FloatArray:
    """``event_coref.pair_features`` of mention ``i`` against each of ``rows`` (shape rows x features), without
    building the square matrix of every pair."""
    from storytrace.resolve.event_coref import FEATURES, VIEWS

    a = corefs[i]
    others = [corefs[j] for j in rows]

    def same(values: Iterable[object], mine: object) -> npt.NDArray[np.float32]:
        return np.fromiter((v == mine for v in values), dtype=np.float32, count=len(others))

    lemma = same((b.lemma for b in others), a.lemma)
    known = np.fromiter((b.family is not None for b in others), dtype=np.float32, count=len(others))
    known *= np.float32(a.family is not None)
    family = same((b.family for b in others), a.family) * known
    names = np.fromiter((min(3, len(a.context & b.context)) / 3 for b in others), dtype=np.float32, count=len(others))
    theirs = vectors[list(rows)]
    cosine = {view: theirs[:, k] @ vectors[i, k] for k, view in enumerate(VIEWS)}
    columns = {
        "lemma": lemma,
        "stem": same((b.stem for b in others), a.stem),
        "family": family,
        "other_family": known - family,
        "names": names,
        **{f"cos_{view}": cosine[view] for view in VIEWS},
        "same_doc": same((b.doc_id for b in others), a.doc_id),
        "lemma_x_cos_sentence": lemma * cosine["sentence"],
        "lemma_x_cos_window5": lemma * cosine["window5"],
        "other_lemma_x_cos_trigger": (1 - lemma) * cosine["trigger"],
    }
    return np.stack([columns[f] for f in FEATURES], axis=-1).astype(np.float32)
