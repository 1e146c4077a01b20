"""Incremental resolve: new reports join the resolved dossier without replaying the pile.

The three cross-document stages are online: entity resolution (resolve/entities.py), event grouping
(resolve/events.py) and claim clustering (resolve/claims.py) each take their records one at a time in a fixed
order, and each record joins the best existing entity, event or proposition or founds one. A full run
(resolve/job.py) keeps, beside the dossier, what those stages reached (schema v8: ``entity_pile`` and
``entity_keys``, ``name_votes``, ``event_pile`` and ``event_keys``, ``proposition_pile`` and
``proposition_keys``, each claim's ``context``, ``resolved_documents``). A **join** reads only the new reports,
and each stage looks up the stored entities, events and propositions through their blocking keys when a new
record first needs them (``StoredEntityPile``, ``StoredEventPile``, ``StoredClusterer``): the cost grows with
the new reports and what they touch, not with the pile. An event the pair scorer grouped (resolve/events.py
``group_events``) keeps its first mentions and their float16 vectors in its ``event_pile`` state, and a join
reads the latest founded events of each of a new mention's keys, as the full run's candidates were. Only the rows
that change are written: the new mentions, event mentions and claims, and the entities, events and propositions
they joined (their counts, dates, status and reasons recomputed from the whole proposition). A claim that cites
an outlet first seen now is traced to it again ("according to the Courier" before the Courier's own report
arrived).

``plan`` decides between a join and a full run. A full run is taken when there is no state yet (the first run,
or a store of an older storytrace), when an analyst merged or split entities or withdrew a judgement, when the
embedding model or the state's format changed, when a resolved report was removed or processed again
(``Store.replace_layers`` forgets it), or when the new reports outnumber the resolved ones (replaying is then as
cheap, and exact). A **stance correction** (`storytrace stance`, the web workspace) is applied in place when
corrections are the only new judgements and each is the first for its claim (``Plan.stance_fixes``): the claim's
row and its proposition's status, counts and wording are rewritten, which is what a full run makes of it (a full
run applies corrections after clustering, and a stance moves no claim between propositions).

What a join gives: the dossier of resolving everything in one run when the new reports are the latest (dated no
earlier than the resolved ones, as in a live feed); ``tests/resolve/test_incremental.py`` checks it on the demo
corpus. Known gaps, where a join differs from a full run (``storytrace resolve --full`` replays the pile):
reports dated before resolved ones are taken after them; a one-word name or a bare acronym in a resolved report
was matched against the names known then (a full run takes those last); the kind vote of a name counts the new
mentions only for the new ones; and a new report stating that an earlier report's name is another name of
someone (``alias_pile``) makes the join give way to a full run.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from storytrace.assess.status import assess
from storytrace.model.dossier import ClaimRecord, Hop, PropositionRecord
from storytrace.resolve.claims import MODEL_DIR, ClaimClusterer, FloatArray, _Cluster, representative
from storytrace.resolve.entities import EntityPile, MentionIn, _Entity, vote_counts
from storytrace.resolve.events import EventPile, ResolvedEvent, _Tally
from storytrace.resolve.sources import OutletIndex, assign_origin, normalise_outlet
from storytrace.store import Store

__all__ = [
    "RESOLVER_RULES",
    "STATE_VERSION",
    "NeedsFullRun",
    "Plan",
    "StoredClusterer",
    "StoredEntityPile",
    "StoredEventPile",
    "chunks",
    "marks",
    "model_tag",
    "plan",
    "state_stamp",
    "stored_claims",
]

_CHUNK = 500  # ids per IN (...) query
T = TypeVar("T")


class NeedsFullRun(Exception):
    """A join cannot give a sound dossier here; the message says why, and a full run follows."""


@dataclass(slots=True)
class Plan:
    new: list[str]  # the reports to join, in the order a full run reads them
    full_reason: str | None = None  # why a full run is needed instead, if it is
    stance_fixes: dict[str, str] = field(default_factory=dict)  # claim id -> stance: new corrections to apply
    judgements: str | None = None  # with ``stance_fixes``: the judgements' signature they were read under


# The state a later run joins (resolve/incremental.py): bump when what it holds, or how it is read, changes.
STATE_VERSION = "1"
# The resolver's readings: bump when a change to how claims are clustered, read for stance (rules or models) or
# assessed would change a stored dossier, so that the next run replays the pile instead of joining new reports to
# propositions read the old way. 2026-11-22: only sure refutations count for contested and denied. 2026-11-22-claims:
# refutations by reference join the proposition they point to (resolve/claims.py ``_referred``). 2026-11-22-entities:
# group short forms by head or tail, MISC names across kinds (resolve/entities.py). 2026-11-22-events: events other
# than speech acts are grouped by the learned pair scorer (resolve/events.py ``group_events``). 2026-11-22-background:
# an outlet's own-voice restatement after other origins is background, not an origin (assess/status.py).
# 2026-11-22-containment: the word bonus reads a long claim's share of words in the core (resolve/claims.py).
# 2026-11-22-events-v4: sources credited to an outlet of the store are its origin, and its background when its own
# mentions are (resolve/sources.py, assess/status.py).
# 2026-11-22-attributions-v4 marks the switch of `default` to extract.attributions.minilm.v4 (contents move).
# 2026-11-22-caveats: a caveat on the evidence goes with the claim it qualifies (resolve/claims.py, stance.py).
# 2026-11-22-undated: an undated report no longer counts as earlier when background is told (assess/status.py).
# 2026-11-22-platforms: "the group" never resolves to a platform ("a statement on Telegram") (resolve/job.py).
RESOLVER_RULES = "2026-11-22-platforms"


def judgements_signature(store: Store, up_to: int | None = None) -> str:
    """Changes whenever an analyst's judgement is added or withdrawn (of those up to id ``up_to``, if given)."""
    where, params = ("", ()) if up_to is None else (" WHERE id <= ?", (up_to,))
    sql = f"SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(active), 0) FROM judgements{where}"
    row = store.db.execute(sql, params).fetchone()
    return f"{row[0]}:{row[1]}:{row[2]}"


def _new_stance_fixes(store: Store, signature: str, now: str) -> dict[str, str] | None:
    """The stance corrections added between the run that left ``signature`` and the judgements' signature ``now``,
    when they are all that changed and each is the first for its claim; else None (a full run applies them)."""
    try:
        last, upto = int(signature.split(":")[1]), int(now.split(":")[1])
    except (IndexError, ValueError):
        return None
    if judgements_signature(store, last) != signature:  # one was withdrawn or removed
        return None
    rows = store.db.execute(
        "SELECT kind, subject, object, active FROM judgements WHERE id > ? AND id <= ? ORDER BY id", (last, upto)
    ).fetchall()
    if not rows or any(kind != "stance" or not active or obj is None for kind, _, obj, active in rows):
        return None
    fixes = {str(subject): str(obj) for _, subject, obj, _ in rows}
    subjects = sorted(fixes)
    for chunk in chunks(subjects):
        sql = f"SELECT 1 FROM judgements WHERE kind = 'stance' AND id <= ? AND subject IN ({marks(chunk)}) LIMIT 1"
        if store.db.execute(sql, (last, *chunk)).fetchone():
            return None  # a second correction of a claim: the first one's record of the model's stance is gone
    return fixes


def state_stamp(store: Store) -> dict[str, str]:
    """What a join needs unchanged since the last run: this state's version, the resolver's readings, the
    judgements, the embedding model."""
    return {
        "version": STATE_VERSION,
        "rules": RESOLVER_RULES,
        "judgements": judgements_signature(store),
        "model": model_tag(),
    }


def model_tag() -> str:
    """Names the embedding model by a hash of its file: a rebuilt model makes every cached vector stale, a fresh
    checkout or reinstall of the same model does not (its file time changes, its bytes do not)."""
    path = MODEL_DIR / "model.onnx"
    try:
        stat = path.stat()
    except OSError:
        return "missing"
    return _file_hash(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4)
def _file_hash(path: str, size: int, mtime_ns: int) -> str:
    """blake2b of the file (about 30 ms for the 23 MB model), once per process while its size and time hold."""
    digest = hashlib.blake2b(digest_size=10)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return f"{Path(path).parent.name}:{digest.hexdigest()}"


def plan(store: Store) -> Plan:
    """Join the new reports, or replay the pile (with the reason); see the module docstring."""
    db = store.db
    state = {r[0]: r[1] for r in db.execute("SELECT key, value FROM resolve_state")}
    if not state:
        return Plan([], "no resolved state yet")
    fixes: dict[str, str] = {}
    judgements = None
    for key, value in state_stamp(store).items():
        if state.get(key) != value:
            if key == "judgements" and (found := _new_stance_fixes(store, state.get(key) or "", value)) is not None:
                fixes, judgements = found, value
                continue
            why = {
                "version": "the resolver's state format",
                "rules": "the resolver's readings (clustering, stance, status)",
                "judgements": "an analyst's judgements",
            }
            return Plan([], f"{why.get(key, 'the embedding model')} changed since the last run")
    gone = db.execute(
        "SELECT COUNT(*) FROM resolved_documents WHERE doc_id NOT IN (SELECT id FROM documents)"
    ).fetchone()[0]
    if gone:
        return Plan([], f"{gone} resolved reports were removed")
    new = [
        r[0]
        for r in db.execute(
            "SELECT id FROM documents WHERE id NOT IN (SELECT doc_id FROM resolved_documents) "
            "ORDER BY published_at IS NULL, published_at, n"
        )
    ]
    for doc_id in new:
        for table in ("mentions", "claims", "event_mentions"):
            if db.execute(f"SELECT 1 FROM {table} WHERE doc_id = ? LIMIT 1", (doc_id,)).fetchone():
                return Plan([], f"report {doc_id} was processed again")
    resolved = db.execute("SELECT COUNT(*) FROM resolved_documents").fetchone()[0]
    if len(new) > resolved:
        return Plan(new, f"{len(new)} new reports outnumber the {resolved} resolved ones")
    return Plan(new, stance_fixes=fixes, judgements=judgements)


def chunks(ids: Sequence[T]) -> Iterator[list[T]]:
    """``ids`` in slices small enough for one ``IN (...)`` query."""
    for begin in range(0, len(ids), _CHUNK):
        yield list(ids[begin : begin + _CHUNK])


def marks(ids: Sequence[object]) -> str:
    """The ``?, ?, …`` of an ``IN (...)`` over ``ids``."""
    return ", ".join("?" * len(ids))


class StoredEntityPile(EntityPile):
    """The entity pile of a resolved store, read as blocking keys and ids are first looked up."""

    def __init__(self, db: sqlite3.Connection) -> None:
        super().__init__()
        self.db = db
        self._loaded_keys: set[str] = set()
        self._absent: set[str] = set()
        self.stored: set[str] = set()  # the ids read from the store (the others are founded by this run)

    def _load(self, ids: Iterable[str]) -> None:
        todo = sorted({i for i in ids if i not in self.entities and i not in self._absent})
        found: set[str] = set()
        for chunk in chunks(todo):
            sql = f"SELECT id, generic, state FROM entity_pile WHERE id IN ({marks(chunk)})"
            for entity_id, generic, state in self.db.execute(sql, chunk):
                entity = self.entity_from(entity_id, generic, state)
                self.entities[entity_id] = entity
                self.stored.add(entity_id)
                found.add(entity_id)
                if generic:
                    self.generic[generic] = entity_id
        self._absent.update(set(todo) - found)

    def _held_keys(self, entity: _Entity) -> set[str]:
        # A stored entity is held by the keys of its stored spellings too: a spelling it gains here must make the
        # candidates cached for them stale.
        if entity.id in self.stored and entity.id not in self._keys_of:
            self._keys_of[entity.id] = self.state_of(entity)[1]
        return self._keys_of[entity.id]

    def _ids(self, key: str) -> set[str]:
        if key not in self._loaded_keys:
            self._loaded_keys.add(key)
            ids = {r[0] for r in self.db.execute("SELECT entity_id FROM entity_keys WHERE key = ?", (key,))}
            self._load(ids)
            held = ids & self.entities.keys()
            if held:
                self.index[key] |= held
        return self.index.get(key, set())

    def _entity(self, entity_id: str) -> _Entity | None:
        if entity_id not in self.entities:
            self._load([entity_id])
        return self.entities.get(entity_id)

    def _generic_id(self, generic: str) -> str | None:
        if generic not in self.generic:
            row = self.db.execute("SELECT id FROM entity_pile WHERE generic = ?", (generic,)).fetchone()
            if row is not None:
                self._load([row[0]])
        return self.generic.get(generic)

    def _absorbing(self, other: _Entity) -> None:
        if other.id in self.stored:
            raise NeedsFullRun(f"a new report names {other.name!r} as another name of someone resolved earlier")


class StoredEventPile(EventPile):
    """The events of a resolved store, read as the new mentions' keys first find them: all the events holding a
    rules key, the latest ``per_key`` founded holding a learned one (with the members and vectors their state
    keeps, so the pair scorer reads a stored event as the full run did)."""

    def __init__(self, db: sqlite3.Connection, threshold: float = 0.5, **options: Any) -> None:
        super().__init__(threshold, **options)
        self.db = db
        self._loaded_keys: set[str] = set()
        self.next_index = int(db.execute("SELECT COALESCE(MAX(seq), -1) + 1 FROM event_pile").fetchone()[0])

    def _load(self, seqs: Iterable[int]) -> None:
        todo = [i for i in seqs if i not in self.events]
        for chunk in chunks(todo):
            sql = f"SELECT seq, id, state FROM event_pile WHERE seq IN ({marks(chunk)})"
            for seq, event_id, state in self.db.execute(sql, chunk):
                data = json.loads(state)
                self.events[seq] = ResolvedEvent(event_id, str(data["type"]))
                self.tallies[seq] = _Tally.from_state(data)

    def _keyed(self, key: str) -> list[int]:
        if key not in self._loaded_keys:
            self._loaded_keys.add(key)
            stored = [r[0] for r in self.db.execute("SELECT seq FROM event_keys WHERE key = ? ORDER BY seq", (key,))]
            self._load(stored)
            self.by_key[key] = [*stored, *(i for i in self.by_key.get(key, []) if i not in stored)]
        return self.by_key.get(key, [])

    def _latest(self, key: str) -> list[int]:
        if key not in self._loaded_keys:
            self._loaded_keys.add(key)
            # The latest stored holders are enough: an older one cannot rank among the latest of stored and new.
            sql = "SELECT seq FROM event_keys WHERE key = ? ORDER BY seq DESC LIMIT ?"
            stored = [r[0] for r in self.db.execute(sql, (key, self.per_key))]
            self._load(stored)
            self.by_key[key] = sorted({*stored, *self.by_key.get(key, [])})
        return super()._latest(key)


_CLAIM_SELECT = (
    "SELECT c.id, c.doc_id, c.start_char, c.end_char, c.sentence_start, c.sentence_end, c.text, c.voice, c.chain, "
    "c.polarity, c.hedges, c.modality, c.published_at, d.outlet, d.source_id, c.context, c.proposition_id, "
    "c.stance, c.stance_score, c.stance_reason, c.origin, c.origin_reason, c.report_stance FROM claims c "
    "JOIN documents d ON d.id = c.doc_id"
)
# A proposition's claims in the order clustering took them.
_CLAIM_ORDER = " ORDER BY COALESCE(c.published_at, '9999'), c.doc_id, c.start_char"


def claim_from_row(row: Sequence[object]) -> ClaimRecord:
    """A stored claim (a row of ``_CLAIM_SELECT``) as the record the stages made of it."""
    context = json.loads(str(row[15]))
    chain = tuple(Hop(str(h["text"]), str(h["kind"]), h.get("entity_id")) for h in json.loads(str(row[8])))
    score = row[18]
    return ClaimRecord(
        id=str(row[0]),
        doc_id=str(row[1]),
        start_char=int(str(row[2])),
        end_char=int(str(row[3])),
        sentence_start=int(str(row[4])),
        sentence_end=int(str(row[5])),
        text=str(row[6]),
        voice=str(row[7]),
        chain=chain,
        polarity=str(row[9]),
        hedges=tuple(json.loads(str(row[10]))),
        modality=str(row[11]),
        published_at=None if row[12] is None else str(row[12]),
        outlet=None if row[13] is None else str(row[13]),
        source_id=None if row[14] is None else str(row[14]),
        copy_root=context.get("copy_root"),
        entities=tuple(context.get("entities", ())),
        event_types=tuple(context.get("event_types", ())),
        event_ids=tuple(context.get("event_ids", ())),
        figures=tuple(context.get("figures", ())),
        lead=context.get("lead"),
        proposition_id=None if row[16] is None else str(row[16]),
        stance=None if row[17] is None else str(row[17]),
        stance_score=None if score is None else float(str(score)),
        stance_reason=None if row[19] is None else str(row[19]),
        origin=None if row[20] is None else str(row[20]),
        origin_reason=None if row[21] is None else str(row[21]),
        report_stance=None if row[22] is None else str(row[22]),
    )


def stored_claims(db: sqlite3.Connection, claim_ids: Sequence[str]) -> list[ClaimRecord]:
    """The stored claims of these ids (those that exist), in id order."""
    found: list[ClaimRecord] = []
    for chunk in chunks(sorted(claim_ids)):
        found.extend(claim_from_row(r) for r in db.execute(f"{_CLAIM_SELECT} WHERE c.id IN ({marks(chunk)})", chunk))
    return sorted(found, key=lambda c: c.id)


class StoredClusterer(ClaimClusterer):
    """The propositions of a resolved store, each read back (sum of embeddings, seed, anchor, tallies) when a new
    claim's blocking keys first find it; a proposition's claims are read only if it gains one (``members``)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        super().__init__()
        self.db = db
        self._loaded_keys: set[str] = set()
        self.stored: set[int] = set()  # the propositions read from the store
        self.next_index = int(db.execute("SELECT COALESCE(MAX(seq), -1) + 1 FROM proposition_pile").fetchone()[0])

    def _postings(self, key: str) -> list[int]:
        if key not in self._loaded_keys:
            self._loaded_keys.add(key)
            # One more than the cap is enough to know a key is too common to block on.
            stored = [
                r[0]
                for r in self.db.execute(
                    "SELECT seq FROM proposition_keys WHERE key = ? LIMIT ?", (key, self.max_postings + 1)
                )
            ]
            held = set(stored)
            self._by_key[key] = [*stored, *(i for i in self._by_key.get(key, []) if i not in held)]
        return self._by_key.get(key, [])

    def _cluster(self, index: int) -> _Cluster:
        if index not in self.clusters:
            self.load(index)
        return self.clusters[index]

    def seq_of(self, proposition_id: str) -> int | None:
        row = self.db.execute("SELECT seq FROM proposition_pile WHERE id = ?", (proposition_id,)).fetchone()
        return None if row is None else int(row[0])

    def load(self, index: int) -> None:
        """Read stored proposition ``index`` back as clustering left it."""
        row = self.db.execute("SELECT id, total, state FROM proposition_pile WHERE seq = ?", (index,)).fetchone()
        if row is None:
            raise NeedsFullRun(f"proposition #{index} of the stored state is missing")
        proposition_id, total, state = row
        data = json.loads(state)
        seed, anchor = str(data["seed"]), str(data["anchor"])
        found = self.db.execute(f"{_CLAIM_SELECT} WHERE c.id = ?", (anchor,)).fetchone()
        needed = {seed, anchor, *self.state_members(state)}
        vectors = _stored_vectors(self.db, sorted(needed))
        if found is None or len(vectors) < len(needed) or "members" not in data:
            raise NeedsFullRun(f"the claims of proposition {proposition_id} or their embeddings are missing")
        cluster = self.cluster_from(
            PropositionRecord(id=str(proposition_id), text=""),
            claim_from_row(found),
            vectors[seed],
            vectors[anchor],
            total,
            state,
            vectors,
        )
        self.clusters[index] = cluster
        self.stored.add(index)

    def members(self, index: int) -> list[ClaimRecord]:
        """The stored claims of proposition ``index``, in the order clustering took them."""
        proposition_id = self.clusters[index].proposition.id
        return [
            claim_from_row(r)
            for r in self.db.execute(f"{_CLAIM_SELECT} WHERE c.proposition_id = ?{_CLAIM_ORDER}", (proposition_id,))
        ]


def _stored_vectors(db: sqlite3.Connection, claim_ids: Sequence[str]) -> dict[str, FloatArray]:
    out: dict[str, FloatArray] = {}
    for chunk in chunks(claim_ids):
        sql = f"SELECT claim_id, vector FROM claim_embeddings WHERE claim_id IN ({marks(chunk)})"
        for claim_id, blob in db.execute(sql, chunk):
            out[claim_id] = np.frombuffer(blob, dtype="<f4").astype(np.float32)
    return out


def stored_votes(db: sqlite3.Connection, mentions: Sequence[MentionIn]) -> dict[str, Counter[str]]:
    """The kind-vote counts of the new mentions' names: the stored ones plus the new mentions'."""
    votes = vote_counts(mentions)
    skeletons = sorted(votes)
    for chunk in chunks(skeletons):
        sql = f"SELECT skeleton, counts FROM name_votes WHERE skeleton IN ({marks(chunk)})"
        for skeleton, counts in db.execute(sql, chunk):
            votes[skeleton].update(json.loads(counts))
    return votes


def retrace_origins(
    store: Store, outlets: OutletIndex, new_sources: Sequence[tuple[str, str]], skip: set[str]
) -> dict[str, tuple[str, str]]:
    """Stored claims whose chain names an outlet first seen now, traced again: {claim id: (origin, reason)} for
    those whose origin changes. ``skip``: the new reports' documents (their claims are traced anyway)."""
    roots: dict[str, str | None] = {}
    changed: dict[str, tuple[str, str]] = {}
    seen: set[str] = set()
    for _source_id, name in new_sources:
        words = normalise_outlet(name).split()
        if not words:
            continue
        rows = store.db.execute(f"{_CLAIM_SELECT} WHERE c.chain LIKE ?", (f"%{words[-1]}%",)).fetchall()
        for row in rows:
            claim = claim_from_row(row)
            if claim.doc_id in skip or claim.id in seen:
                continue
            seen.add(claim.id)
            root = claim.copy_root or claim.doc_id
            if root not in roots:
                found = store.db.execute("SELECT source_id FROM documents WHERE id = ?", (root,)).fetchone()
                roots[root] = found[0] if found else None
            origin = assign_origin(claim, outlets, roots)
            if origin != (claim.origin, claim.origin_reason):
                changed[claim.id] = origin
    return changed


def assess_touched(
    clusterer: StoredClusterer,
    new_claims: Iterable[ClaimRecord],
    retraced: dict[str, tuple[str, str]],
    parties: Callable[[PropositionRecord, list[ClaimRecord]], set[str]],
    corrected: Iterable[ClaimRecord] = (),
) -> list[int]:
    """Status, reasons, counts, wording and event of every proposition that gained a claim, whose claims were
    traced again or had their stance corrected (``corrected``: those claims as corrected), from all its claims
    (in clustering order); returns their indices."""
    fixed = {c.id: c for c in corrected}
    for claim_id in [*retraced, *fixed]:
        row = clusterer.db.execute("SELECT proposition_id FROM claims WHERE id = ?", (claim_id,)).fetchone()
        index = clusterer.seq_of(row[0]) if row and row[0] else None
        if index is not None:
            clusterer._cluster(index)
            clusterer.touched.add(index)
    fresh = {c.id: c for c in new_claims}
    out = []
    for index in sorted(clusterer.touched):
        proposition = clusterer.clusters[index].proposition
        stored = clusterer.members(index) if index in clusterer.stored else []
        stored = [fixed.get(c.id, c) for c in stored]
        for claim in stored:
            if claim.id in retraced:
                claim.origin, claim.origin_reason = retraced[claim.id]
        proposition.claim_ids = [*(c.id for c in stored), *(i for i in proposition.claim_ids if i in fresh)]
        members = [*stored, *(fresh[i] for i in proposition.claim_ids if i in fresh)]
        proposition.text = representative(members) or proposition.text
        assess(proposition, members, parties(proposition, members))
        votes = [e for c in members for e in c.event_ids]
        proposition.event_id = max(sorted(set(votes)), key=votes.count) if votes else None
        out.append(index)
    return out


def entity_rows(
    db: sqlite3.Connection,
    links: dict[tuple[str, int, int], tuple[str, float, str, str]],
    mentions: Sequence[MentionIn],
    kinds: dict[str, str],
    names: dict[str, str],
    pack_ids: dict[str, str],
) -> list[tuple[object, ...]]:
    """The ``entities`` rows of the entities the new mentions link to: the stored counts and dates plus theirs."""
    by_key = {(m.doc_id, m.start_char, m.end_char): m for m in mentions}
    added: dict[str, list[MentionIn]] = {}
    for key, (entity, *_rest) in links.items():
        added.setdefault(entity, []).append(by_key[key])
    ids = sorted(added)
    stored: dict[str, tuple[object, ...]] = {}
    for chunk in chunks(ids):
        sql = (
            "SELECT id, kind, name, pack_id, mentions, documents, first_seen, last_seen FROM entities "
            f"WHERE id IN ({marks(chunk)})"
        )
        for row in db.execute(sql, chunk):
            stored[row[0]] = tuple(row)
    rows: list[tuple[object, ...]] = []
    for entity in ids:
        ms = added[entity]
        old = stored.get(entity, (entity, "", ms[0].text, None, 0, 0, None, None))
        dates = [str(d) for d in (*(m.published for m in ms), old[6], old[7]) if d]
        rows.append(
            (
                entity,
                kinds.get(entity) or old[1],
                names.get(entity) or old[2],
                pack_ids.get(entity) or old[3],
                int(str(old[4])) + len(ms),
                int(str(old[5])) + len({m.doc_id for m in ms}),
                min(dates, default=None),
                max(dates, default=None),
            )
        )
    return rows
