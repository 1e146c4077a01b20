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

**The product** (``group_events``, what ``resolve.job`` runs in a full resolve and in a join) splits the types:
speech acts (``REPORTING_TYPES``: statement, accusation, threat, demand, appeal, denial, support) stay on the rules
above, and the other types are grouped by the **learned pair scorer** of ``resolve.event_coref`` (``PairModel``,
fitted on ECB+) in place of the type family and participant rules; the date and place vetoes stay. Each report's
scored mentions are embedded together (``embed_event_mentions``: the shipped MiniLM vectors of each mention's
sentence, trigger windows and trigger), rounded to float16. A mention joins the candidate event of best mean pair
probability against the event's first ``_MEMBERS`` mentions when it is at least ``PRODUCT_PAIR_THRESHOLD`` (0.3);
candidates are the latest ``_PER_KEY`` founded scored events holding one of its keys (a participant, the place,
the trigger's lemma, stem or type family, or the key every scored event holds) whose date and place fit and
which are asserted as the mention is (a negated or unasserted mention, "no agreement was reached", "will meet",
never joins an event reported as having happened, nor the reverse). Those
members and their vectors are kept in the event's state, so a join (resolve/incremental.py) scores a stored event
as the full run did and gives the same grouping for the same order of arrival. ``resolve_events(vectors=)``
puts every type on the scorer (at ``PAIR_THRESHOLD``, 0.2).

Why the split and the threshold (ECB+ dev, gold mentions, CoNLL F1 with / without singletons,
``benchmarks/eval_ecbplus.py --product-sweep``): every type on the scorer 80.1 / 74.8 at 0.2, 79.1 / 73.0 at 0.3,
78.1 / 71.2 at 0.5; speech acts on the rules 79.8 / 74.6 at 0.2, 78.8 / 72.7 at 0.3, 77.7 / 70.9 at 0.5; the rules
alone 69.5 / 61.4. ECB+ test, run once with the product: 76.5 / 65.2 (the rules 70.9 / 55.5; the same-lemma anchor
about 76.5). On the demo corpus every threshold merges the convoy ambush's mentions of its 8 reports into one event
(the rules: 2 reports) and the arrest's of 9 (the rules: 8); 0.2 also merges a convoy attack with the drone strike;
0.3 merges the talks' mentions more than 0.5 does (151 events with the rules, 96 at 0.2 and 0.3, 100 at 0.5). With
every type on the scorer the demo's generic verbs of different statements meet across reports ("said", "declined
to comment", "blamed"): the scorer learnt on ECB+ topics that one lemma in one story is mostly one event.

Known gaps: two different attacks on the same day in the same town by the same group are merged; an event
reported only with a vague date ("last week") joins any compatible event. The scorer was fitted on ECB+ (English
news of 2006-2013, gold mentions), not on our extractor's mentions: the extractor's false triggers in near-identical
sentences meet across reports ("gave no casualty figures" read as aid, "asked not to be named" as an appointment);
the ``names`` feature reads resolved entity ids in place of ECB+'s sentence names; joins are greedy in publication
order (no later merge); the bounded candidates can miss an old event sharing nothing but its words with the
mention. Each scored event keeps up to ``_MEMBERS`` vectors of 4 x 384 float16 in its state (about 4 KB each, base64
in JSON). Given a ``cache`` (resolve/job.py: the store's ``event_embeddings``), ``group_events`` embeds only the
reports whose scored mentions are new or changed; the cache holds 3 KB per scored mention (a second copy of the
vectors the state keeps), and a report with one changed mention is embedded again whole.
"""

from __future__ import annotations

import base64
import hashlib
from bisect import insort
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from itertools import groupby
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from storytrace.model import make_id

if TYPE_CHECKING:  # event_coref imports this module (family_of): imported lazily at run time
    from storytrace.resolve.event_coref import CorefMention, FloatArray, PairModel

__all__ = [
    "PAIR_THRESHOLD",
    "PRODUCT_PAIR_THRESHOLD",
    "REPORTING_TYPES",
    "EventMention",
    "EventPile",
    "EventVectorCache",
    "ResolvedEvent",
    "coref_mentions",
    "default_encode",
    "embed_event_mentions",
    "family_of",
    "group_events",
    "resolve_events",
    "vector_hashes",
]

PAIR_THRESHOLD = 0.2  # ECB+ dev, every type learned (``resolve_events(vectors=)``): see the module docstring
PRODUCT_PAIR_THRESHOLD = 0.3  # ECB+ dev 78.8 (0.2: 79.8, 0.5: 77.7); the demo's: 0.2 merges two attacks
# Speech acts: grouped by the rules in the product, since the pair scorer (fitted on ECB+, where one lemma in one
# story is mostly one event) merges the generic verbs of different statements across reports ("said", "denied").
REPORTING_TYPES = frozenset({"statement", "accusation", "threat", "demand", "appeal", "denial", "support"})
_PER_KEY = 64  # the latest founded events per blocking key (participant, place, lemma, stem, family, any)
_MEMBERS = 32  # an event's mentions its mean pair probability is taken over (its first ones)
_ANY = "x\x1f*"  # the key every learned event holds: the latest founded ones are always candidates

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
    asserted: bool = True  # not negated and stated as fact (not future, planned, hypothetical)


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
    # An event the pair scorer groups (``EventPile.add`` with a vector): the blocking keys it holds, and its first
    # ``_MEMBERS`` mentions as the scorer reads them with their vectors (float16, as ``state`` keeps them), so a
    # join scores a stored event as the full run did.
    learned: bool = False
    asserted: bool = True  # its first mention's: the scorer joins asserted and unasserted mentions apart
    keys: set[str] = field(default_factory=set)
    members: list[CorefMention] = field(default_factory=list)
    vectors: list[npt.NDArray[np.float16]] = field(default_factory=list)

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
            **(self._learned_state() if self.learned else {}),
        }

    def _learned_state(self) -> dict[str, object]:
        members = [
            [m.doc_id, " ".join(m.tokens), sorted(m.context), base64.b64encode(v.astype("<f2").tobytes()).decode()]
            for m, v in zip(self.members, self.vectors, strict=True)
        ]
        return {"learned": True, "asserted": self.asserted, "keys": sorted(self.keys), "members": members}

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
            **(_learned_from_state(state) if state.get("learned") else {}),
        )


def _learned_from_state(state: dict[str, Any]) -> dict[str, Any]:
    from storytrace.resolve.event_coref import VIEWS, CorefMention

    members, vectors = [], []
    for n, (doc_id, trigger, context, blob) in enumerate(state["members"]):
        members.append(CorefMention((doc_id, n), str(doc_id), tuple(str(trigger).split()), frozenset(context)))
        vectors.append(np.frombuffer(base64.b64decode(blob), dtype="<f2").astype(np.float16).reshape(len(VIEWS), -1))
    keys = set(state["keys"])
    return {"learned": True, "asserted": bool(state["asserted"]), "keys": keys, "members": members, "vectors": vectors}


class EventPile:
    """The grouping, one mention at a time in publication order (``group_events``, ``resolve_events``).

    A mention given without a vector, or of one of ``rules_types``, is grouped by the rules: events are found
    through keys (family and participant, family and place) and scored in the order they were founded. A mention
    given its vector (``embed_event_mentions``) is grouped by the pair scorer (``model``, default the shipped one):
    its candidates are the latest ``_PER_KEY`` founded learned events holding one of its keys (participant,
    place, trigger lemma, stem or type family, or any), those its date and place fit; it joins the one of best
    mean pair probability over its first ``_MEMBERS`` mentions if at least ``pair_threshold``. The two kinds of
    events never meet (their keys differ). ``_keyed``, ``_latest`` and ``_event`` are the lookups
    resolve/incremental.py overrides to read the events of a stored dossier when a new report first needs them.
    """

    def __init__(
        self,
        threshold: float = 0.5,
        *,
        pair_threshold: float = PRODUCT_PAIR_THRESHOLD,
        rules_types: frozenset[str] = REPORTING_TYPES,
        model: PairModel | None = None,
    ) -> None:
        self.threshold = threshold
        self.pair_threshold = pair_threshold
        self.rules_types = rules_types
        self._model = model
        self.per_key = _PER_KEY
        self.events: dict[int, ResolvedEvent] = {}  # by founding order
        self.tallies: dict[int, _Tally] = {}
        # key -> the events holding it (this run's joins); a learned key's list is sorted (``_latest``)
        self.by_key: dict[str, list[int]] = defaultdict(list)
        self.next_index = 0
        self.touched: set[int] = set()

    @property
    def model(self) -> PairModel:
        if self._model is None:
            self._model = _shipped_model()
        return self._model

    def is_learned(self, mention: EventMention) -> bool:
        """Whether the mention is grouped by the pair scorer when given its vector."""
        return mention.type not in self.rules_types

    @staticmethod
    def _keys(event_type: str, participants: Iterable[str], places: Iterable[str]) -> list[str]:
        """The blocking keys of a family with those participants and places (callers may leave the place out
        of the participants, so places have keys of their own)."""
        fam = family_of(event_type)
        return [*(f"p\x1f{fam}\x1f{p}" for p in sorted(participants)), *(f"l\x1f{fam}\x1f{p}" for p in sorted(places))]

    def keys_of(self, index: int) -> list[str]:
        """The keys event ``index`` is found by (resolve/incremental.py keeps them)."""
        tally = self.tallies[index]
        if tally.learned:
            return sorted(tally.keys)
        return self._keys(self.events[index].type, tally.participants, tally.places)

    def _keyed(self, key: str) -> list[int]:
        return self.by_key.get(key, [])

    def _latest(self, key: str) -> list[int]:
        """The latest ``per_key`` founded events holding a learned key."""
        return self.by_key.get(key, [])[-self.per_key :]

    def add(self, mention: EventMention, vector: npt.NDArray[np.float16] | FloatArray | None = None) -> int:
        """Join the mention to its event, or found one; returns the event's index. ``vector``: the mention's
        ``embed_event_mentions`` row (views x dim), for the pair scorer."""
        if vector is not None and self.is_learned(mention):
            return self._add_learned(mention, vector)
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
            best = self._found(mention, learned=False)
        tally = self.tallies[best]
        new_places = [p for p in places if p not in tally.places]
        for key in self._keys(mention.type, mention.participants - tally.participants, new_places):
            self.by_key[key].append(best)
        self._join(best, mention)
        return best

    def _found(self, mention: EventMention, *, learned: bool) -> int:
        index = self.next_index
        self.next_index += 1
        self.events[index] = ResolvedEvent(make_id("evt", mention.doc_id, mention.start_char), mention.type)
        self.tallies[index] = _Tally(learned=learned)
        return index

    def _join(self, index: int, mention: EventMention) -> None:
        self.events[index].mentions.append(mention)
        self.tallies[index].add(mention)
        self.touched.add(index)

    def _add_learned(self, mention: EventMention, vector: npt.NDArray[np.float16] | FloatArray) -> int:
        [coref] = coref_mentions([mention])
        keys = _learned_keys(mention, coref)
        found: set[int] = set()
        for key in keys:
            found.update(self._latest(key))
        # "No agreement was reached" is not the agreement another report says was signed
        candidates = [
            e for e in sorted(found) if self.tallies[e].asserted == mention.asserted and self.tallies[e].fits(mention)
        ]
        best, best_score = -1, 0.0
        if candidates:
            others = [m for e in candidates for m in self.tallies[e].members]
            theirs = np.stack([v for e in candidates for v in self.tallies[e].vectors]).astype(np.float32)
            mine = np.asarray(vector, dtype=np.float32)
            probability = self.model.probabilities(_pair_row(coref, mine, others, theirs))
            start = 0
            for e in candidates:
                n = len(self.tallies[e].members)
                score = float(probability[start : start + n].mean())
                start += n
                if score > best_score:
                    best, best_score = e, score
        if best < 0 or best_score < self.pair_threshold:
            best = self._found(mention, learned=True)
            self.tallies[best].asserted = mention.asserted
        tally = self.tallies[best]
        if len(tally.members) < _MEMBERS:
            tally.members.append(coref)
            tally.vectors.append(np.asarray(vector, dtype=np.float16))
        for key in sorted(keys - tally.keys):
            insort(self.by_key[key], best)
        tally.keys |= keys
        self._join(best, mention)
        return best

    def resolved(self, indices: Iterable[int] | None = None) -> list[ResolvedEvent]:
        """The events (all, or those of ``indices``) in founding order, reconciled."""
        out = []
        for index in sorted(self.events if indices is None else indices):
            self.tallies[index].reconcile(self.events[index])
            out.append(self.events[index])
        return out


def _learned_keys(m: EventMention, c: CorefMention) -> set[str]:
    keys = {_ANY, f"x\x1flemma\x1f{c.lemma}", f"x\x1fstem\x1f{c.stem}"}
    keys |= {f"x\x1fentity\x1f{p}" for p in m.participants | ({m.place} if m.place else set())}
    if c.family is not None:
        keys.add(f"x\x1ffamily\x1f{c.family}")
    return keys


def default_encode(texts: Sequence[str]) -> FloatArray:
    """``group_events``' ``encode``: the shipped MiniLM of the claims layer, loaded when first needed."""
    from storytrace.resolve.claims import default_embedder

    return default_embedder().encode(texts)


class EventVectorCache(Protocol):
    """Where ``group_events`` keeps each report's vectors of its scored mentions between runs (resolve/job.py keeps
    them in the store's ``event_embeddings``)."""

    tag: str  # names the encoder (a hash of the model file): another model's vectors are not reused

    def load(self, doc_id: str) -> Mapping[tuple[int, int], tuple[str, npt.NDArray[np.float16]]]:
        """The report's stored rows: (start, end) -> (hash, vector)."""
        ...

    def save(self, doc_id: str, rows: Sequence[tuple[int, int, str, npt.NDArray[np.float16]]]) -> None:
        """Replace all of the report's rows with ``rows`` (start, end, hash, vector)."""
        ...


def vector_hashes(mentions: Sequence[EventMention], tag: str) -> list[str]:
    """Each of one report's scored mentions' cache hash: its own texts (``event_coref.mention_texts``), every text
    its report's batch sends to the encoder, and ``tag``. The batch is in it because the shipped int8 MiniLM
    quantises activations per batch: a text's vector moves with its batch mates (by up to 0.03 a component)."""
    from storytrace.resolve.event_coref import mention_texts

    texts = [mention_texts(c) for c in coref_mentions(mentions)]
    batch = "\x1e".join([tag, *sorted({t for views in texts for t in views})])
    report = hashlib.blake2b(batch.encode(), digest_size=16).hexdigest()
    return [hashlib.blake2b("\x1f".join([report, *views]).encode(), digest_size=10).hexdigest() for views in texts]


def _report_vectors(
    learned: Sequence[EventMention],
    encode: Callable[[Sequence[str]], FloatArray],
    cache: EventVectorCache | None,
) -> npt.NDArray[np.float16]:
    """One report's scored mentions' vectors (float16): from ``cache`` when it holds every one under its current
    hash, else embedded now (and saved)."""
    if cache is None:
        return embed_event_mentions(learned, encode).astype(np.float16)
    doc_id = learned[0].doc_id
    hashes = vector_hashes(learned, cache.tag)
    stored = cache.load(doc_id)
    found = [stored.get((m.start_char, m.end_char)) for m in learned]
    if all(row is not None and row[0] == h for row, h in zip(found, hashes, strict=True)):
        return np.stack([row[1] for row in found if row is not None]).astype(np.float16)
    # A partly cached report is embedded whole, not only its missing mentions: alone in a smaller batch they would
    # get other vectors than the full report's batch gives (see ``vector_hashes``), and the grouping would then
    # depend on the store's history (a fresh store, a join and a replay would differ). Since the hashes cover the
    # whole batch, a report is partly cached only when some of its rows were removed; a changed report misses all.
    vectors = embed_event_mentions(learned, encode).astype(np.float16)
    cache.save(doc_id, [(m.start_char, m.end_char, h, v) for m, h, v in zip(learned, hashes, vectors, strict=True)])
    return vectors


def group_events(
    pile: EventPile,
    mentions: Iterable[EventMention],
    encode: Callable[[Sequence[str]], FloatArray] | None = None,
    *,
    cache: EventVectorCache | None = None,
) -> EventPile:
    """Add the mentions to ``pile`` in publication order (then report id and offset); with ``encode`` (e.g.
    ``storytrace.resolve.claims.default_embedder().encode``) those the pile scores with the pair scorer are
    embedded first, one report at a time and rounded to float16: a report's vectors do not depend on what else
    is resolved, so a join (resolve/incremental.py) gives the grouping of a full replay. With ``cache``, a report
    whose scored mentions and their texts are unchanged since it was embedded is not embedded again (no
    ``encode`` call). Returns ``pile``."""
    ordered = sorted(mentions, key=lambda m: (m.published or "9999", m.doc_id, m.start_char))
    for _doc_id, group in groupby(ordered, key=lambda m: (m.published, m.doc_id)):
        report = list(group)
        learned = [m for m in report if pile.is_learned(m)] if encode is not None else []
        vectors = _report_vectors(learned, encode, cache) if learned and encode else None
        rows = {id(m): k for k, m in enumerate(learned)}
        for mention in report:
            k = rows.get(id(mention))
            pile.add(mention, None if k is None or vectors is None else vectors[k])
    return pile


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

    Without ``vectors``, by the rules: only events sharing a participant or the place with the mention are scored
    (a score above 0 needs one), in the order they were founded: the result is that of trying every event of the
    family. With ``vectors`` (``embed_event_mentions`` of ``mentions``, same order), every mention is grouped by
    the learned ``model`` (default: the shipped one) at ``pair_threshold`` (the product's split of types is
    ``group_events``).
    """
    items = list(mentions)
    if vectors is not None and len(vectors) != len(items):
        raise ValueError(f"{len(vectors)} vectors for {len(items)} event mentions")
    pile = EventPile(threshold, pair_threshold=pair_threshold, rules_types=frozenset(), model=model)
    order = sorted(
        range(len(items)), key=lambda i: (items[i].published or "9999", items[i].doc_id, items[i].start_char)
    )
    for i in order:
        pile.add(items[i], None if vectors is None else vectors[i])
    return pile.resolved()


def _pair_row(a: CorefMention, mine: FloatArray, others: Sequence[CorefMention], theirs: FloatArray) -> FloatArray:
    """``event_coref.pair_features`` of mention ``a`` (vectors ``mine``, views x dim) against each of ``others``
    (vectors ``theirs``, others x views x dim): shape others x features, without the square matrix of every pair."""
    from storytrace.resolve.event_coref import FEATURES, VIEWS

    def same(values: Iterable[object], value: object) -> npt.NDArray[np.float32]:
        return np.fromiter((v == value for v in values), dtype=np.float32, count=len(others))

    lemma = same((b.lemma for b in others), a.lemma)
    known = np.fromiter((b.family is not None for b in others), dtype=np.float32, count=len(others))
    known *= np.float32(a.family is not None)
    family = same((b.family for b in others), a.family) * known
    names = np.fromiter((min(3, len(a.context & b.context)) / 3 for b in others), dtype=np.float32, count=len(others))
    cosine = {view: theirs[:, k] @ mine[k] for k, view in enumerate(VIEWS)}
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
