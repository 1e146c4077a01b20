"""`storytrace resolve`: the cross-document stages over the whole store, in order, written back as tables.

1. entities: every mention of every report linked to an entity (resolve/entities.py) -> ``entities``, ``mentions``
1b. events: event mentions merged across reports (resolve/events.py) -> ``events``, ``event_mentions``
2. claims: every ``claims`` span flattened, with its chain's speakers resolved -> ClaimRecords
3. origins: each claim traced to its independent origin (resolve/sources.py)
4. propositions: claims clustered, each claim's stance set (resolve/claims.py)
5. status: each proposition assessed, with reasons (assess/status.py) -> ``claims``, ``propositions``

Two ways to run. A **join** (the default once a store is resolved; resolve/incremental.py) reads only the reports
added since the last run and joins them to the stored entities, events and propositions. A **full run** replays
the pile: the derived tables are rebuilt from the span layers in one transaction, so a re-run gives the same ids
and rows, and the state a later join needs is written beside them. It is taken on the first run, with ``full``,
or when a join cannot be sound (``incremental.plan``). Either way the analyst's ``judgements`` (merges, splits,
stance corrections) are applied.

Scale (``benchmarks/scale_resolve.py``). A full run reads the reports twice, once for the entity layers and once
for the event and claim layers, instead of holding them: memory grows with the derived records, not with the
layers. Each claim's embedding is kept in ``claim_embeddings`` under a hash of its text and of the model file,
and is computed only for claims that are new or reworded; a claim is embedded alone (see ``_claim_vectors``), so
its vector does not depend on what else the store holds, and joining the latest reports to a resolved store gives
exactly the dossier of resolving them all in one go (tests/resolve/test_incremental.py). The pair scorer's vectors
of event mentions are kept likewise in ``event_embeddings``, per report (``_EventVectors``). A full run writes only
the rows that differ. ``ResolveReport.timings`` has the seconds per stage.
"""

from __future__ import annotations

import gc
import hashlib
import json
import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from storytrace.assess.status import CORRECTED, assess, parties_of
from storytrace.extract.attributions import _INSTITUTIONS, _OUTLET_NAME_WORDS, _OUTLET_NOUNS, _SOCIAL_WORDS
from storytrace.extract.entity_merge import entity_spans
from storytrace.extract.sentences import is_headline
from storytrace.model import Document, Span, make_id
from storytrace.model.dossier import ClaimRecord, Hop, PropositionRecord
from storytrace.resolve.claims import ClaimClusterer, FloatArray, default_embedder, order_for_clustering
from storytrace.resolve.entities import (
    EntityPile,
    EntityResolution,
    MentionIn,
    family,
    resolve_entities,
    vote_counts,
)
from storytrace.resolve.event_coref import VIEWS
from storytrace.resolve.events import EventMention, EventPile, ResolvedEvent, default_encode, group_events
from storytrace.resolve.incremental import (
    NeedsFullRun,
    StoredClusterer,
    StoredEntityPile,
    StoredEventPile,
    assess_touched,
    chunks,
    entity_rows,
    marks,
    model_tag,
    plan,
    retrace_origins,
    state_stamp,
    stored_claims,
    stored_votes,
)
from storytrace.resolve.sources import OutletIndex, assign_origin
from storytrace.store import Store, now_iso

__all__ = ["ResolveReport", "resolve_store"]


@dataclass(slots=True)
class ResolveReport:
    documents: int = 0
    mentions: int = 0
    entities: int = 0
    events: int = 0
    event_mentions: int = 0
    claims: int = 0
    propositions: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    embedded: int = 0  # claims embedded by this run (new or reworded)
    embeddings_reused: int = 0  # claims whose embedding the store already held
    events_embedded: int = 0  # event mentions embedded for the pair scorer by this run
    event_vectors_reused: int = 0  # those whose vectors the store already held (``event_embeddings``)
    rows_written: int = 0  # derived rows inserted, changed or deleted (unchanged rows are left alone)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    # full (the pile replayed), join (new reports joined: resolve/incremental.py), corrected (only new stance
    # corrections applied), unchanged
    mode: str = "full"
    joined: int = 0  # reports a join added
    corrected: int = 0  # stance corrections a join applied in place
    reason: str | None = None  # why a full run was needed, when one was not asked for


@dataclass(slots=True)
class _DocInfo:
    id: str
    source_id: str | None
    outlet: str | None
    published: str | None
    copy_of: str | None


def _doc_infos(store: Store, only: Sequence[str] | None = None) -> dict[str, _DocInfo]:
    """Every report's metadata, or only that of the ``only`` reports and of the reports they copy (a join)."""
    sql = "SELECT id, source_id, outlet, published_at, near_duplicate_of FROM documents"
    if only is None:
        return {r[0]: _DocInfo(r[0], r[1], r[2], r[3], r[4]) for r in store.db.execute(sql)}
    infos: dict[str, _DocInfo] = {}
    todo = sorted(set(only))
    while todo:
        for chunk in chunks(todo):
            for r in store.db.execute(f"{sql} WHERE id IN ({marks(chunk)})", chunk):
                infos[r[0]] = _DocInfo(r[0], r[1], r[2], r[3], r[4])
        todo = sorted({i.copy_of for i in infos.values() if i.copy_of and i.copy_of not in infos} - set(todo))
    return infos


def _copy_root(infos: dict[str, _DocInfo], doc_id: str) -> str:
    seen = {doc_id}
    while (parent := infos[doc_id].copy_of) is not None and parent in infos and parent not in seen:
        seen.add(parent)
        doc_id = parent
    return doc_id


def _judgements(store: Store, kind: str) -> list[tuple[str, str]]:
    rows = store.db.execute(
        "SELECT subject, object FROM judgements WHERE kind = ? AND active = 1 ORDER BY id", (kind,)
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def _mentions_of(doc: Document, published: str | None) -> list[MentionIn]:
    """The report's entity spans, with the aliases its ``relations`` state and a place context for descriptions."""
    spans = entity_spans(doc)
    aliases: dict[tuple[int, int], tuple[tuple[int, int], str]] = {}
    for rel in doc.spans.get("relations", []):
        attrs = dict(rel.attrs)
        subject, obj = attrs.get("subject"), attrs.get("object")
        if rel.label == "alias_of" and isinstance(subject, dict) and isinstance(obj, dict):
            try:
                alias = (int(subject["start_char"]), int(subject["end_char"]))
                aliases[alias] = ((int(obj["start_char"]), int(obj["end_char"])), doc.span_text(rel))
            except (KeyError, TypeError, ValueError):
                continue
    # The report's main place: its most named GPE (a pack's countries and cities), else LOC (CoNLL models).
    places = [s for s in spans if s.label == "GPE"] or [s for s in spans if s.label == "LOC"]
    # A pack place by its canonical name, so its spellings count as one.
    names = {
        id(s): str(dict(s.attrs).get("name") if dict(s.attrs).get("entity_id") else doc.span_text(s)) for s in spans
    }
    counts: dict[str, int] = defaultdict(int)
    for s in places:
        counts[names[id(s)]] += 1
    main_place = max(counts, key=lambda p: (counts[p], p)) if counts else None
    out = []
    for span in spans:
        attrs = dict(span.attrs)
        pack_id = attrs.get("entity_id")
        text = doc.span_text(span)
        context = None
        if not any(ch.isupper() for ch in text):  # a description: "Ibdara's interior ministry", else the report's
            before = [p for p in spans if p.label in {"GPE", "LOC", "NORP", "MISC"} and p.end_char <= span.start_char]
            gap = doc.text[before[-1].end_char : span.start_char] if before else "."
            context = names[id(before[-1])] if len(gap) <= 4 and gap.strip() in {"", "'s", "’s"} else main_place
        stated = aliases.get((span.start_char, span.end_char))
        out.append(
            MentionIn(
                doc.id,
                span.start_char,
                span.end_char,
                text,
                span.label,
                str(pack_id) if pack_id else None,
                str(attrs.get("name")) if pack_id else None,
                published,
                alias_of=stated[0] if stated else None,
                evidence=stated[1] if stated else None,
                context=context,
                form=str(attrs["form"]) if "form" in attrs else None,
            )
        )
    return out


def _entity_at(entities: EntityResolution, doc: Document, start: int, end: int) -> str | None:
    """The entity of the mention inside ``[start, end)`` (a speaker phrase holds its name), the longest first."""
    best: tuple[int, str] | None = None
    for span in entity_spans(doc):
        if start <= span.start_char and span.end_char <= end:
            entity = entities.entity_of(doc.id, span.start_char, span.end_char)
            if entity and (best is None or span.end_char - span.start_char > best[0]):
                best = (span.end_char - span.start_char, entity)
    return best[1] if best else None


# "The group said", "the militia says": a description that stands for the armed group named before it.
_GROUP_HEADS = frozenset("group militia faction movement organisation organization brigade brigades".split())
# Names that are not such a group: institutions and outlets ("the Interior Ministry", "The Tesra Courier").
# A platform is where a group speaks, not the group ("they said in a statement on Telegram").
_NOT_A_GROUP = (_INSTITUTIONS - _GROUP_HEADS) | _OUTLET_NAME_WORDS | _OUTLET_NOUNS | _SOCIAL_WORDS
_ANTECEDENT_REACH = 1500  # characters back from the speaker


def _group_antecedent(
    doc: Document, entities: EntityResolution, start: int, end: int, description: str, *, headline: bool
) -> tuple[str, str] | None:
    """(name as written, entity id) of the group a speaker such as "the group" stands for: the nearest group
    named before it in the report (within ``_ANTECEDENT_REACH`` characters), not an institution nor an outlet;
    in a ``headline`` ("Militia announces pause"), the first one named after it. None for any other speaker."""
    words = description.casefold().split()
    if words[:1] in (["the"], ["this"]):
        words = words[1:]
    if len(words) != 1 or words[0] not in _GROUP_HEADS:
        return None
    before: tuple[int, str, str] | None = None
    after: tuple[int, str, str] | None = None
    for span in entity_spans(doc):
        if family(span.label) != "group" or not start - _ANTECEDENT_REACH <= span.start_char <= end + _ANTECEDENT_REACH:
            continue
        name = doc.text[span.start_char : span.end_char]
        if {w.strip(".,'’").casefold() for w in name.split()} & _NOT_A_GROUP:
            continue
        entity = entities.entity_of(doc.id, span.start_char, span.end_char)
        if entity is None:
            continue
        if span.end_char <= start and (before is None or span.end_char > before[0]):
            before = (span.end_char, name, entity)
        elif headline and span.start_char >= end and (after is None or span.start_char < after[0]):
            after = (span.start_char, name, entity)
    found = before or after
    return (found[1], found[2]) if found else None


_RELATIVE_RULES = ("weekday", "relative", "yesterday", "today", "tomorrow", "last", "next", "ago")


# An event mention's key: its report and trigger offsets (the ``event_mentions`` primary key).
_MentionKey = tuple[str, int, int]


def _mention_modality(attrs: Mapping[str, object]) -> str | None:
    """None when the report says the event happened or is happening, else what it says instead, in the
    extraction's words ("negated", "demanded", "future", "planned", "conditional" ...). Schema v11's migration
    reads old stores the same way in SQL (store/migrations.py): change both together."""
    if attrs.get("negated"):
        return "negated"
    modality = str(attrs.get("modality") or "")
    return None if modality in ("asserted", "") else modality


def _event_mentions_of(
    doc: Document,
    info: _DocInfo,
    entities: EntityResolution,
    modalities: dict[_MentionKey, str | None] | None = None,
) -> list[EventMention]:
    """The report's event mentions as the grouping reads them; ``modalities``, if given, gains each one's
    ``_mention_modality`` (the grouping keeps only whether it is asserted, the events table stores the word)."""
    times = {(s.start_char, s.end_char): dict(s.attrs) for s in doc.spans.get("times", [])}
    out = []
    for span in doc.spans.get("events", []):
        a = dict(span.attrs)
        modality = _mention_modality(a)
        if modalities is not None:
            modalities[(doc.id, span.start_char, span.end_char)] = modality

        def resolved(arg: object) -> str | None:
            if not isinstance(arg, dict) or "start_char" not in arg:
                return None
            return _entity_at(entities, doc, int(arg["start_char"]), int(arg["end_char"])) or (
                str(arg["entity_id"]) if arg.get("entity_id") else None
            )

        time = a.get("time") if isinstance(a.get("time"), dict) else None
        rule = str(times.get((time["start_char"], time["end_char"]), {}).get("rule", "")) if time else ""
        place = a.get("place") if isinstance(a.get("place"), dict) else None
        args = [*(a.get("actors") or []), *(a.get("targets") or []), place]
        participants = {e for arg in args if (e := resolved(arg))}
        sentence = a.get("sentence") or [span.start_char, span.end_char]
        first, last = int(sentence[0]), int(sentence[1])
        inside = first <= span.start_char and span.end_char <= last
        out.append(
            EventMention(
                doc_id=doc.id,
                start_char=span.start_char,
                end_char=span.end_char,
                type=span.label,
                trigger=doc.span_text(span),
                date=str(time["value"]) if time and time.get("value") else None,
                precision=str(time.get("precision")) if time else None,
                relative=any(r in rule for r in _RELATIVE_RULES),
                place=resolved(place),
                place_text=str(place["text"]) if place else None,
                participants=frozenset(participants),
                published=info.published,
                summary=" ".join(doc.text[first:last].split())[:300],
                sentence=doc.text[first:last] if inside else None,
                trigger_span=(span.start_char - first, span.end_char - first) if inside else None,
                asserted=modality is None,
            )
        )
    return out


def _claims_of(
    doc: Document,
    info: _DocInfo,
    root: str,
    entities: EntityResolution,
    own_events: dict[str, list[tuple[str, int, int]]],
) -> list[ClaimRecord]:
    """The report's claims; ``own_events`` receives each claim's event mentions (resolved into
    ``event_ids`` once every report's events are grouped)."""
    attributions = doc.spans.get("attributions", [])
    records = []
    for span in doc.spans.get("claims", []):
        a = dict(span.attrs)
        chain: list[Hop] = []
        index = a.get("attribution")
        attribution = dict(attributions[index].attrs) if isinstance(index, int) and index < len(attributions) else {}
        for hop in a.get("chain") or []:
            chain.append(Hop(str(hop.get("text", "")), str(hop.get("kind", "")), None))
        sentence = a.get("sentence") or [span.start_char, span.end_char]
        speaker = attribution.get("resolved_to") or attribution.get("speaker")
        if chain and isinstance(speaker, dict) and "start_char" in speaker:
            entity = _entity_at(entities, doc, int(speaker["start_char"]), int(speaker["end_char"]))
            last = chain[-1]
            kind = "named" if entity and last.kind == "pronoun" else last.kind
            text = last.text if last.kind != "pronoun" else str(speaker.get("text"))
            if entity is None and last.kind == "named":
                where = int(speaker["start_char"]), int(speaker["end_char"])
                headline = is_headline(doc.text, int(sentence[0]), int(sentence[1]))
                text, entity = _group_antecedent(doc, entities, *where, last.text, headline=headline) or (text, None)
            chain[-1] = Hop(text, kind, entity)
        mentioned = sorted(
            {
                e
                for s in entity_spans(doc)
                if span.start_char <= s.start_char and s.end_char <= span.end_char
                if (e := entities.entity_of(doc.id, s.start_char, s.end_char))
            }
        )
        events = doc.spans.get("events", [])
        own = [events[i] for i in a.get("events") or [] if isinstance(i, int) and i < len(events)]
        event_types = tuple(sorted({e.label for e in own}))
        claim_id = make_id("clm", doc.id, span.start_char, span.end_char)
        own_events[claim_id] = [(doc.id, e.start_char, e.end_char) for e in own]
        records.append(
            ClaimRecord(
                id=claim_id,
                doc_id=doc.id,
                start_char=span.start_char,
                end_char=span.end_char,
                sentence_start=int(sentence[0]),
                sentence_end=int(sentence[1]),
                text=doc.span_text(span),
                voice=span.label or "outlet",
                chain=tuple(chain),
                polarity=str(a.get("polarity") or "asserts"),
                hedges=tuple(a.get("hedges") or ()),
                modality=str(a.get("modality") or "asserted"),
                published_at=info.published,
                outlet=info.outlet,
                source_id=info.source_id,
                copy_root=root,
                entities=tuple(mentioned),
                event_types=event_types,
                figures=tuple(a.get("figures") or ()),
            )
        )
    _mark_lead(doc.text, records)
    return records


def _mark_lead(text: str, records: list[ClaimRecord]) -> None:
    """The report's headline claim (its first, on a headline line) and its lede (the first claim after it)."""
    ordered = sorted(records, key=lambda c: (c.sentence_start, c.start_char))
    if not ordered or not is_headline(text, ordered[0].sentence_start, ordered[0].sentence_end, quoted_end=True):
        return
    ordered[0].lead = "headline"
    headline_end = ordered[0].sentence_end
    lede = next((c for c in ordered[1:] if c.sentence_start >= headline_end), None)
    if lede is not None and not is_headline(text, lede.sentence_start, lede.sentence_end, quoted_end=True):
        lede.lead = "lede"


def resolve_store(
    store: Store, *, full: bool = False, on_document: Callable[[str], None] | None = None
) -> ResolveReport:
    """Bring the dossier up to date: join the new reports to it (resolve/incremental.py) or, with ``full`` or
    when a join cannot be sound, run every cross-document stage over the store (see the module docstring)."""
    # The stages build millions of long-lived records and no cycles worth collecting; Python's cyclic collector
    # would walk that growing heap again and again (a third of the entity stage's time at 3,000 reports).
    enabled = gc.isenabled()
    gc.disable()
    try:
        reason = None
        if not full:
            planned = plan(store)
            reason = planned.full_reason
            if reason is None:
                try:
                    return _join(store, planned.new, on_document, planned.stance_fixes, planned.judgements)
                except NeedsFullRun as why:
                    reason = str(why)
        report = _resolve(store, on_document)
        report.reason = reason
        return report
    finally:
        if enabled:
            gc.enable()


def _resolve(store: Store, on_document: Callable[[str], None] | None) -> ResolveReport:
    report = ResolveReport()
    stamp = state_stamp(store)  # before reading: a judgement added during the run is left for the next one
    clock = _Clock(report.timings)
    infos = _doc_infos(store)
    mentions: list[MentionIn] = []
    for doc in _iter_documents(store, _ENTITY_LAYERS):
        report.documents += 1
        mentions.extend(_mentions_of(doc, infos[doc.id].published))
        if on_document is not None:
            on_document(doc.id)
    clock.lap("read_mentions")
    pile, name_votes = EntityPile(), vote_counts(mentions)
    merges, splits = _judgements(store, "merge"), _judgements(store, "split")
    entities = resolve_entities(mentions, merges, splits, pile=pile, votes=name_votes)
    clock.lap("entities")
    # Second pass: the documents are read again rather than kept, so memory does not grow with their layers.
    roots = {doc_id: _copy_root(infos, doc_id) for doc_id in infos}
    event_mentions: list[EventMention] = []
    claims: list[ClaimRecord] = []
    own_events: dict[str, list[tuple[str, int, int]]] = {}
    modalities: dict[_MentionKey, str | None] = {}
    for doc in _iter_documents(store, _CLAIM_LAYERS):
        info = infos[doc.id]
        event_mentions.extend(_event_mentions_of(doc, info, entities, modalities))
        claims.extend(_claims_of(doc, info, roots[doc.id], entities, own_events))
    clock.lap("read_events_claims")
    event_vectors = _EventVectors(store)
    # see events.py: rules and pair scorer
    event_pile = group_events(EventPile(), event_mentions, default_encode, cache=event_vectors)
    event_vectors.count(report, event_pile, event_mentions)
    events = event_pile.resolved()
    event_of = {(m.doc_id, m.start_char, m.end_char): e.id for e in events for m in e.mentions}
    for claim in claims:
        keys = own_events.get(claim.id, ())
        claim.event_ids = tuple(sorted({e for k in keys if (e := event_of.get(k))}))
    clock.lap("events")
    outlets = OutletIndex.build((r["id"], r["name"]) for r in store.list_sources())
    root_source = {doc_id: infos[root].source_id for doc_id, root in roots.items()}
    for claim in claims:
        claim.origin, claim.origin_reason = assign_origin(claim, outlets, root_source)
    clock.lap("origins")
    vectors, fresh = _claim_vectors(store, claims)
    report.embedded, report.embeddings_reused = len(fresh), len(claims) - len(fresh)
    clock.lap("embeddings")
    clusterer = ClaimClusterer()
    propositions = clusterer.add_all(claims, vectors)
    clock.lap("propositions")
    by_id = {c.id: c for c in claims}
    for claim_id, stance in dict(_judgements(store, "stance")).items():
        if claim_id in by_id:
            _correct(by_id[claim_id], stance)
    for proposition in propositions:
        members = [by_id[i] for i in proposition.claim_ids]
        assess(proposition, members, parties_of(proposition, members))
        votes = [e for c in members for e in c.event_ids]
        proposition.event_id = max(sorted(set(votes)), key=votes.count) if votes else None  # ties: the first id
    clock.lap("status")
    report.rows_written = _write(store, mentions, entities, claims, propositions)
    report.rows_written += _write_events(store, events, modalities)
    _write_vectors(store, fresh)
    event_vectors.flush(prune=True)
    _write_state(store, pile, name_votes, event_pile, clusterer, stamp)
    clock.lap("write")
    report.events = len(events)
    report.event_mentions = len(event_of)
    report.mentions = len(entities.links)
    report.entities = len(set(link[0] for link in entities.links.values()))
    report.claims = len(claims)
    report.propositions = len(propositions)
    statuses: dict[str, int] = defaultdict(int)
    for proposition in propositions:
        statuses[proposition.status] += 1
    report.statuses = dict(statuses)
    return report


def _correct(claim: ClaimRecord, stance: str) -> None:
    """An analyst's stance correction, with what the resolver had said kept in the reason."""
    claim.stance_reason = f"{CORRECTED} (the rules said {claim.stance}: {claim.stance_reason})"
    claim.stance, claim.stance_score = stance, 1.0


def _join(
    store: Store,
    new: list[str],
    on_document: Callable[[str], None] | None,
    stance_fixes: Mapping[str, str] | None = None,
    judgements: str | None = None,
) -> ResolveReport:
    """Join the ``new`` reports to the stored dossier and apply the new ``stance_fixes`` (claim id -> stance;
    ``judgements``: their signature as planned) (resolve/incremental.py); raises ``NeedsFullRun``."""
    stance_fixes = stance_fixes or {}
    report = ResolveReport(mode="join" if new else "corrected" if stance_fixes else "unchanged", joined=len(new))
    clock = _Clock(report.timings)
    if not new and not stance_fixes:
        _count(store, report)
        return report
    infos = _doc_infos(store, new)
    mentions: list[MentionIn] = []
    for doc in _iter_documents(store, _ENTITY_LAYERS, new):
        mentions.extend(_mentions_of(doc, infos[doc.id].published))
        if on_document is not None:
            on_document(doc.id)
    clock.lap("read_mentions")
    pile, name_votes = StoredEntityPile(store.db), stored_votes(store.db, mentions)
    merges, splits = _judgements(store, "merge"), _judgements(store, "split")
    entities = resolve_entities(mentions, merges, splits, pile=pile, votes=name_votes)
    clock.lap("entities")
    event_mentions: list[EventMention] = []
    claims: list[ClaimRecord] = []
    own_events: dict[str, list[tuple[str, int, int]]] = {}
    modalities: dict[_MentionKey, str | None] = {}
    for doc in _iter_documents(store, _CLAIM_LAYERS, new):
        info = infos[doc.id]
        event_mentions.extend(_event_mentions_of(doc, info, entities, modalities))
        claims.extend(_claims_of(doc, info, _copy_root(infos, doc.id), entities, own_events))
    clock.lap("read_events_claims")
    event_vectors = _EventVectors(store)
    event_pile = group_events(StoredEventPile(store.db), event_mentions, default_encode, cache=event_vectors)
    event_vectors.count(report, event_pile, event_mentions)
    events = event_pile.resolved(event_pile.touched)
    event_of = {(m.doc_id, m.start_char, m.end_char): e.id for e in events for m in e.mentions}
    for claim in claims:
        claim.event_ids = tuple(sorted({e for k in own_events.get(claim.id, ()) if (e := event_of.get(k))}))
    clock.lap("events")
    sources = [(r["id"], r["name"]) for r in store.list_sources()]
    outlets = OutletIndex.build(sources)
    root_source = {c.copy_root or c.doc_id: infos[c.copy_root or c.doc_id].source_id for c in claims}
    for claim in claims:
        claim.origin, claim.origin_reason = assign_origin(claim, outlets, root_source)
    known = set(json.loads(store.db.execute("SELECT value FROM resolve_state WHERE key = 'sources'").fetchone()[0]))
    retraced = retrace_origins(store, outlets, [s for s in sources if s[0] not in known], set(new))
    clock.lap("origins")
    vectors, fresh = _claim_vectors(store, claims)
    report.embedded, report.embeddings_reused = len(fresh), len(claims) - len(fresh)
    clock.lap("embeddings")
    clusterer = StoredClusterer(store.db)
    for claim in order_for_clustering(claims):
        clusterer.add(claim, vectors[claim.id])
    clock.lap("propositions")
    corrected = stored_claims(store.db, sorted(stance_fixes))
    for claim in corrected:
        _correct(claim, stance_fixes[claim.id])
    report.corrected = len(corrected)
    touched = assess_touched(clusterer, claims, retraced, parties_of, corrected)
    clock.lap("status")
    with store.transaction() as db:
        by_key = {(m.doc_id, m.start_char, m.end_char): m for m in mentions}
        written = _upsert(
            db,
            "mentions",
            _MENTION_COLUMNS,
            [
                (k[0], k[1], k[2], by_key[k].text, by_key[k].label, entity, score, method, why)
                for k, (entity, score, method, why) in entities.links.items()
            ],
        )
        rows = entity_rows(db, entities.links, mentions, entities.kinds, entities.names, entities.pack_ids)
        written += _upsert(db, "entities", _ENTITY_COLUMNS, rows, stamped=True)
        # A stored event's earlier mentions are not read back: their modalities are counted from their rows.
        stored = _stored_modalities(db, [e.id for e in events])
        written += _upsert(db, "events", _EVENT_COLUMNS, _event_rows(events, modalities, stored), stamped=True)
        written += _upsert(db, "event_mentions", _EVENT_MENTION_COLUMNS, _event_mention_rows(events, modalities))
        written += _upsert(db, "claims", _CLAIM_COLUMNS, [_claim_row(c) for c in claims])
        db.executemany(
            "UPDATE claims SET origin = ?, origin_reason = ? WHERE id = ?",
            [(origin, why, claim_id) for claim_id, (origin, why) in retraced.items()],
        )
        written += len(retraced)
        db.executemany(
            "UPDATE claims SET stance = ?, stance_score = ?, stance_reason = ? WHERE id = ?",
            [(c.stance, c.stance_score, c.stance_reason, c.id) for c in corrected],
        )
        written += len(corrected)
        rows = [_proposition_row(clusterer.clusters[i].proposition) for i in touched]
        written += _upsert(db, "propositions", _PROPOSITION_COLUMNS, rows, stamped=True)
        write_state(db, pile, name_votes, event_pile, clusterer, new)
        if judgements is not None:  # the corrections applied: the judgements as the plan saw them
            db.execute("INSERT OR REPLACE INTO resolve_state (key, value) VALUES ('judgements', ?)", (judgements,))
        _write_sources(db)
    _write_vectors(store, fresh, prune=False)
    event_vectors.flush(prune=False)
    report.rows_written = written
    clock.lap("write")
    _count(store, report)
    return report


def _count(store: Store, report: ResolveReport) -> None:
    """The dossier's totals after a join (a full run counts as it goes)."""
    db = store.db
    report.documents = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    report.mentions = db.execute("SELECT COUNT(*) FROM mentions").fetchone()[0]
    report.entities = db.execute("SELECT COUNT(*) FROM entities").fetchone()[0]
    report.events = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    report.event_mentions = db.execute("SELECT COUNT(*) FROM event_mentions").fetchone()[0]
    report.claims = db.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
    report.propositions = db.execute("SELECT COUNT(*) FROM propositions").fetchone()[0]
    report.statuses = dict(db.execute("SELECT status, COUNT(*) FROM propositions GROUP BY status").fetchall())


class _Clock:
    """Seconds per stage, into ``ResolveReport.timings`` (benchmarks/scale_resolve.py prints them)."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into, self.last = into, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.into[stage] = round(now - self.last, 3)
        self.last = now


# The layers each pass reads (``entity_spans`` falls back on ``mentions`` and the models' ``entities_*``).
_ENTITY_LAYERS = ("entities", "mentions", "entities_*", "relations")
_CLAIM_LAYERS = ("entities", "mentions", "entities_*", "events", "times", "claims", "attributions")


def _iter_documents(store: Store, layers: Sequence[str], only: Sequence[str] | None = None) -> Iterator[Document]:
    """The stored documents in ``Store.iter_documents`` order (or the ``only`` ones, in their order), with only
    ``layers`` loaded (a name ending in ``*`` is a prefix): one query per document and no sightings count, so
    reading 100,000 is not the bottleneck."""
    exact = [name for name in layers if not name.endswith("*")]
    prefixes = [name[:-1] for name in layers if name.endswith("*")]
    # A prefix as a range of names: "entities_" <= layer < "entities`" (the next character), index-friendly.
    clause = " OR ".join(
        ["layer IN (" + ", ".join("?" * len(exact)) + ")"] + ["(layer >= ? AND layer < ?)"] * len(prefixes)
    )
    params = [*exact, *(bound for p in prefixes for bound in (p, p[:-1] + chr(ord(p[-1]) + 1)))]
    sql = (
        "SELECT layer, start_char, end_char, label, attrs FROM spans WHERE doc_id = ? AND "
        f"({clause}) ORDER BY layer, start_char, end_char"
    )
    if only is None:
        rows: Iterable[tuple[str, str, str]] = store.db.execute(
            "SELECT id, text, locator FROM documents ORDER BY published_at IS NULL, published_at, n"
        ).fetchall()
    else:
        read = "SELECT id, text, locator FROM documents WHERE id = ?"
        rows = (row for doc_id in only for row in store.db.execute(read, (doc_id,)))
    for doc_id, text, locator in rows:
        doc = Document(id=doc_id, text=text, locator=locator)
        for layer, start, end, label, attrs in store.db.execute(sql, (doc_id, *params)):
            doc.spans.setdefault(layer, []).append(Span(start, end, label, tuple(sorted(json.loads(attrs).items()))))
        yield doc


def _text_hash(tag: str, text: str) -> str:
    return hashlib.blake2b(f"{tag}\x1f{text}".encode(), digest_size=10).hexdigest()


def _claim_vectors(
    store: Store, claims: Sequence[ClaimRecord]
) -> tuple[dict[str, FloatArray], list[tuple[str, str, FloatArray]]]:
    """Every claim's embedding: from the store when its text (and the model) is unchanged, else computed now
    (identical texts once: syndicated copies repeat their sentences). Returns them and the new rows to keep."""
    tag = model_tag()
    wanted = {c.id: _text_hash(tag, c.text) for c in claims}
    vectors: dict[str, FloatArray] = {}
    if len(wanted) < 10_000:  # a join: look its claims up rather than read the whole table
        found: Iterable[tuple[str, str, bytes]] = [
            row
            for chunk in chunks(sorted(wanted))
            for row in store.db.execute(
                f"SELECT claim_id, text_hash, vector FROM claim_embeddings WHERE claim_id IN ({marks(chunk)})", chunk
            )
        ]
    else:
        found = store.db.execute("SELECT claim_id, text_hash, vector FROM claim_embeddings")
    for claim_id, text_hash, blob in found:
        if wanted.get(claim_id) == text_hash:
            vectors[claim_id] = np.frombuffer(blob, dtype="<f4").astype(np.float32)
    missing = [c for c in claims if c.id not in vectors]
    if not missing:  # loading the model costs a third of a second: a join with nothing new to embed skips it
        return vectors, []
    embedder = default_embedder()
    # One text per call: the int8 model quantises activations per batch, so a batched claim's vector depends on
    # its batch mates (cosines move by up to 0.03). Alone, a claim gets the same vector whatever else the store
    # holds, which is what lets a stored vector stand in for a fresh one. It costs about twice the batched time.
    encoded = {text: embedder.encode([text])[0] for text in dict.fromkeys(c.text for c in missing)}
    fresh = []
    for claim in missing:
        vector = encoded[claim.text]
        vectors[claim.id] = vector
        fresh.append((claim.id, wanted[claim.id], vector))
    return vectors, fresh


def _write_vectors(store: Store, fresh: list[tuple[str, str, FloatArray]], *, prune: bool = True) -> None:
    """Keep the new vectors; ``prune``: drop those of claims that are gone (a join removes none)."""
    with store.transaction() as db:
        db.executemany(
            "INSERT OR REPLACE INTO claim_embeddings (claim_id, text_hash, vector) VALUES (?, ?, ?)",
            [(claim_id, text_hash, vector.astype("<f4").tobytes()) for claim_id, text_hash, vector in fresh],
        )
        if prune:
            db.execute("DELETE FROM claim_embeddings WHERE claim_id NOT IN (SELECT id FROM claims)")


_FLUSH_ROWS = 2_000  # about 6 MB of float16 vectors
Float16Array = npt.NDArray[np.float16]


class _EventVectors:
    """``group_events``' cache (``events.EventVectorCache``): each report's rows of ``event_embeddings``. New rows
    are written every ``_FLUSH_ROWS`` (each a valid row on its own, so they need not wait for the run's
    transaction, and a first run at 100k reports does not hold them all); ``flush(prune=True)`` (a full run) also
    drops the rows of every report it did not look up: gone, or with no scored mention left."""

    def __init__(self, store: Store) -> None:
        self.store, self.tag = store, model_tag()
        self.pending: dict[str, Sequence[tuple[int, int, str, Float16Array]]] = {}
        self.pending_rows = 0
        self.looked_up: set[str] = set()
        self.embedded = 0

    def load(self, doc_id: str) -> dict[tuple[int, int], tuple[str, Float16Array]]:
        self.looked_up.add(doc_id)
        rows = self.store.db.execute(
            "SELECT start_char, end_char, text_hash, vector FROM event_embeddings WHERE doc_id = ?", (doc_id,)
        )
        return {(s, e): (h, np.frombuffer(blob, dtype="<f2").reshape(len(VIEWS), -1)) for s, e, h, blob in rows}

    def save(self, doc_id: str, rows: Sequence[tuple[int, int, str, Float16Array]]) -> None:
        self.pending[doc_id] = rows
        self.embedded += len(rows)
        self.pending_rows += len(rows)
        if self.pending_rows >= _FLUSH_ROWS:
            self.flush(prune=False)

    def flush(self, *, prune: bool) -> None:
        with self.store.transaction() as db:
            db.executemany("DELETE FROM event_embeddings WHERE doc_id = ?", [(d,) for d in self.pending])
            db.executemany(
                "INSERT INTO event_embeddings (doc_id, start_char, end_char, text_hash, vector) VALUES (?, ?, ?, ?, ?)",
                [(d, s, e, h, v.astype("<f2").tobytes()) for d, rows in self.pending.items() for s, e, h, v in rows],
            )
            if prune:
                stored = [r[0] for r in db.execute("SELECT DISTINCT doc_id FROM event_embeddings")]
                db.executemany(
                    "DELETE FROM event_embeddings WHERE doc_id = ?", [(d,) for d in stored if d not in self.looked_up]
                )
        self.pending, self.pending_rows = {}, 0

    def count(self, report: ResolveReport, pile: EventPile, mentions: Iterable[EventMention]) -> None:
        report.events_embedded = self.embedded
        report.event_vectors_reused = sum(pile.is_learned(m) for m in mentions) - self.embedded


def _write(
    store: Store,
    mentions: list[MentionIn],
    entities: EntityResolution,
    claims: list[ClaimRecord],
    propositions: list[PropositionRecord],
) -> int:
    per_entity: dict[str, list[MentionIn]] = defaultdict(list)
    texts = {(m.doc_id, m.start_char, m.end_char): m for m in mentions}
    for key, (entity, *_rest) in entities.links.items():
        per_entity[entity].append(texts[key])
    with store.transaction() as db:
        written = _sync(
            db,
            "entities",
            _ENTITY_COLUMNS,
            1,
            [
                (
                    entity,
                    entities.kinds.get(entity, ""),
                    entities.names.get(entity, ms[0].text),
                    entities.pack_ids.get(entity),
                    len(ms),
                    len({m.doc_id for m in ms}),
                    min((m.published for m in ms if m.published), default=None),
                    max((m.published for m in ms if m.published), default=None),
                )
                for entity, ms in per_entity.items()
            ],
            stamped=True,
        )
        written += _sync(
            db,
            "mentions",
            _MENTION_COLUMNS,
            3,
            [
                (k[0], k[1], k[2], texts[k].text, texts[k].label, entity, score, method, why)
                for k, (entity, score, method, why) in entities.links.items()
            ],
        )
        written += _sync(db, "claims", _CLAIM_COLUMNS, 1, [_claim_row(c) for c in claims])
        written += _sync(
            db,
            "propositions",
            _PROPOSITION_COLUMNS,
            1,
            [_proposition_row(p) for p in propositions],
            stamped=True,
        )
    return written


def _sync(
    db: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    key_size: int,
    rows: Iterable[tuple[Any, ...]],
    *,
    stamped: bool = False,
) -> int:
    """Make ``table`` hold exactly ``rows`` (values in ``columns`` order, the key's ``key_size`` columns first),
    writing only the rows that differ; ``stamped``: a changed row gets ``updated_at`` now, an unchanged one keeps
    its own. Returns how many rows were written or deleted. Reading the table back costs less than rewriting it,
    and a run that changes little then writes little."""
    existing = {tuple(r[:key_size]): tuple(r) for r in db.execute(f"SELECT {', '.join(columns)} FROM {table}")}
    changed: list[tuple[Any, ...]] = []
    keep: set[tuple[Any, ...]] = set()
    for row in rows:
        key = row[:key_size]
        keep.add(key)
        if existing.get(key) != row:
            changed.append(row)
    gone = [key for key in existing if key not in keep]
    where = " AND ".join(f"{c} = ?" for c in columns[:key_size])
    db.executemany(f"DELETE FROM {table} WHERE {where}", gone)
    return _upsert(db, table, columns, changed, stamped=stamped) + len(gone)


def _upsert(
    db: sqlite3.Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]], *, stamped: bool = False
) -> int:
    """Insert or replace ``rows`` (values in ``columns`` order; ``stamped``: with ``updated_at`` now)."""
    names = [*columns, "updated_at"] if stamped else list(columns)
    now = now_iso()
    db.executemany(
        f"INSERT OR REPLACE INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        [(*row, now) for row in rows] if stamped else rows,
    )
    return len(rows)


_ENTITY_COLUMNS = ("id", "kind", "name", "pack_id", "mentions", "documents", "first_seen", "last_seen")
_MENTION_COLUMNS = (
    *("doc_id", "start_char", "end_char", "text", "label", "entity_id", "score", "method", "explanation"),
)
_PROPOSITION_COLUMNS = (
    *("id", "text", "status", "reasons", "origins", "supports", "refutes", "reports", "event_id"),
    *("first_seen", "last_seen"),
)
_EVENT_COLUMNS = (
    *("id", "type", "date", "date_precision", "date_conflicts", "place_id", "place", "summary", "reports"),
    *("first_seen", "last_seen", "asserted", "modality"),
)
_CLAIM_COLUMNS = (
    "id",
    "doc_id",
    "start_char",
    "end_char",
    "sentence_start",
    "sentence_end",
    "text",
    "voice",
    "speaker",
    "speaker_kind",
    "speaker_entity",
    "chain",
    "polarity",
    "hedges",
    "modality",
    "proposition_id",
    "stance",
    "stance_score",
    "stance_reason",
    "origin",
    "origin_reason",
    "published_at",
    "context",
    "report_stance",
)


def _proposition_row(p: PropositionRecord) -> tuple[Any, ...]:
    return (
        p.id,
        p.text,
        p.status,
        json.dumps(p.reasons, ensure_ascii=False),
        p.origins,
        p.supports,
        p.refutes,
        p.reports,
        p.event_id,
        p.first_seen,
        p.last_seen,
    )


def _claim_row(c: ClaimRecord) -> tuple[Any, ...]:
    speaker = c.speaker
    return (
        c.id,
        c.doc_id,
        c.start_char,
        c.end_char,
        c.sentence_start,
        c.sentence_end,
        c.text,
        c.voice,
        speaker.text if speaker else None,
        speaker.kind if speaker else None,
        speaker.entity_id if speaker else None,
        json.dumps([{"text": h.text, "kind": h.kind, "entity_id": h.entity_id} for h in c.chain], ensure_ascii=False),
        c.polarity,
        json.dumps(list(c.hedges), ensure_ascii=False),
        c.modality,
        c.proposition_id,
        c.stance,
        c.stance_score,
        c.stance_reason,
        c.origin,
        c.origin_reason,
        c.published_at,
        json.dumps(
            {
                "entities": list(c.entities),
                "event_types": list(c.event_types),
                "event_ids": list(c.event_ids),
                "figures": list(c.figures),
                "copy_root": c.copy_root,
                "lead": c.lead,
            },
            ensure_ascii=False,
        ),
        c.report_stance,
    )


def _assertion(counts: Counter[str | None]) -> tuple[int, str | None]:
    """An event's ``asserted`` and ``modality`` from its mentions' modalities (None: asserted): asserted when one
    report says it happened; else what most say instead (ties: the first by name, so that the order reports
    arrive in, a join's or a full run's, does not matter)."""
    said = {m: n for m, n in counts.items() if m is not None and n > 0}
    if counts[None] > 0 or not said:
        return 1, None
    return 0, min(said, key=lambda m: (-said[m], m))


def _stored_modalities(db: sqlite3.Connection, event_ids: Sequence[str]) -> dict[str, Counter[str | None]]:
    """The modalities of the stored mentions of these events (a join adds its new mentions to them)."""
    out: dict[str, Counter[str | None]] = defaultdict(Counter)
    for chunk in chunks(sorted(set(event_ids))):
        sql = (
            f"SELECT event_id, modality, COUNT(*) FROM event_mentions WHERE event_id IN ({marks(chunk)}) GROUP BY 1, 2"
        )
        for event_id, modality, n in db.execute(sql, chunk):
            out[event_id][modality] += int(n)
    return out


def _event_rows(
    events: Iterable[ResolvedEvent],
    modalities: Mapping[_MentionKey, str | None],
    stored: Mapping[str, Counter[str | None]] | None = None,
) -> list[tuple[Any, ...]]:
    """The events' rows; ``modalities``: of their mentions (this run's), ``stored``: of their stored mentions."""
    rows = []
    for e in events:
        # One count per mention row, as the table keys them (and as the v11 migration counts them)
        keys = {(m.doc_id, m.start_char, m.end_char) for m in e.mentions}
        counts = Counter(modalities.get(k) for k in keys)
        if stored and e.id in stored:
            counts.update(stored[e.id])
        rows.append(
            (
                e.id,
                e.type,
                e.date,
                e.precision,
                json.dumps(e.date_conflicts, ensure_ascii=False),
                e.place,
                e.place_text,
                e.summary,
                e.reports_count,
                e.first_seen,
                e.last_seen,
                *_assertion(counts),
            )
        )
    return rows


_EVENT_MENTION_COLUMNS = (
    *("doc_id", "start_char", "end_char", "event_id", "type", "date", "precision", "score", "explanation"),
    "modality",
)


def _event_mention_rows(
    events: Iterable[ResolvedEvent], modalities: Mapping[_MentionKey, str | None]
) -> list[tuple[Any, ...]]:
    """The rows of the events' mentions (an event's id is derived from the mention that founded it)."""
    rows = []
    for e in events:
        for m in e.mentions:
            first = e.id == make_id("evt", m.doc_id, m.start_char)
            why = (
                "first report of the event"
                if first
                else f"same {e.type} family, compatible date and place, shared participants"
            )
            key = (m.doc_id, m.start_char, m.end_char)
            score = 1.0 if first else 0.8
            rows.append((*key, e.id, m.type, m.date, m.precision, score, why, modalities.get(key)))
    return rows


def _write_events(store: Store, events: list[ResolvedEvent], modalities: Mapping[_MentionKey, str | None]) -> int:
    with store.transaction() as db:
        written = _sync(db, "events", _EVENT_COLUMNS, 1, _event_rows(events, modalities), stamped=True)
        written += _sync(db, "event_mentions", _EVENT_MENTION_COLUMNS, 3, _event_mention_rows(events, modalities))
    return written


def write_state(
    db: sqlite3.Connection,
    pile: EntityPile,
    votes: Mapping[str, Counter[str]],
    event_pile: EventPile,
    clusterer: ClaimClusterer,
    documents: Iterable[str],
) -> None:
    """Upsert what the stages hold of the entities, events and propositions they touched, the kind votes given,
    and the reports now resolved (a full run clears the tables first)."""
    entity_rows: list[tuple[str, str | None, str]] = []
    key_rows: list[tuple[str, str]] = []
    for entity_id in sorted(pile.touched):
        entity = pile.entities.get(entity_id)
        if entity is None:  # folded into another (alias_pile)
            continue
        state, keys = pile.state_of(entity)
        entity_rows.append((entity_id, entity.generic, state))
        key_rows.extend((k, entity_id) for k in keys)
    db.executemany("INSERT OR REPLACE INTO entity_pile (id, generic, state) VALUES (?, ?, ?)", entity_rows)
    db.executemany("INSERT OR IGNORE INTO entity_keys (key, entity_id) VALUES (?, ?)", key_rows)
    db.executemany(
        "INSERT OR REPLACE INTO name_votes (skeleton, counts) VALUES (?, ?)",
        [(skeleton, json.dumps(dict(counts), sort_keys=True)) for skeleton, counts in votes.items()],
    )
    event_rows: list[tuple[int, str, str]] = []
    event_key_rows: list[tuple[str, int]] = []
    for index in sorted(event_pile.touched):
        event, tally = event_pile.events[index], event_pile.tallies[index]
        event_rows.append((index, event.id, json.dumps({"type": event.type, **tally.state()}, ensure_ascii=False)))
        event_key_rows.extend((k, index) for k in event_pile.keys_of(index))
    db.executemany("INSERT OR REPLACE INTO event_pile (seq, id, state) VALUES (?, ?, ?)", event_rows)
    db.executemany("INSERT OR IGNORE INTO event_keys (key, seq) VALUES (?, ?)", event_key_rows)
    touched = sorted(clusterer.touched)
    db.executemany(
        "INSERT OR REPLACE INTO proposition_pile (seq, id, total, state) VALUES (?, ?, ?, ?)",
        [(i, clusterer.clusters[i].proposition.id, *clusterer.state_of(i)) for i in touched],
    )
    db.executemany(
        "INSERT OR IGNORE INTO proposition_keys (key, seq) VALUES (?, ?)",
        [(k, i) for i in touched for k in sorted(clusterer.clusters[i].keys)],
    )
    db.executemany("INSERT OR IGNORE INTO resolved_documents (doc_id) VALUES (?)", [(d,) for d in documents])


def _write_state(
    store: Store,
    pile: EntityPile,
    votes: Mapping[str, Counter[str]],
    event_pile: EventPile,
    clusterer: ClaimClusterer,
    stamp: Mapping[str, str],
) -> None:
    with store.transaction() as db:
        for table in _STATE_TABLES:
            db.execute(f"DELETE FROM {table}")
        documents = [r[0] for r in db.execute("SELECT id FROM documents")]
        write_state(db, pile, votes, event_pile, clusterer, documents)
        _write_sources(db)
        db.executemany("INSERT OR REPLACE INTO resolve_state (key, value) VALUES (?, ?)", sorted(stamp.items()))


def _write_sources(db: sqlite3.Connection) -> None:
    """The outlets known to this run: a later join traces again the claims that cite one it has not seen."""
    known = json.dumps(sorted(r[0] for r in db.execute("SELECT id FROM sources")))
    db.execute("INSERT OR REPLACE INTO resolve_state (key, value) VALUES ('sources', ?)", (known,))


_STATE_TABLES = (
    *("resolve_state", "resolved_documents", "entity_pile", "entity_keys", "name_votes", "event_pile"),
    *("event_keys", "proposition_pile", "proposition_keys"),
)
