"""`storytrace resolve`: the cross-document stages over the whole store, in order, written back as tables.

1. entities: every mention of every report linked to an entity (resolve/entities.py) -> ``entities``, ``mentions``
1b. events: event mentions merged across reports (resolve/events.py) -> ``events``, ``event_mentions``
2. claims: every ``claims`` span flattened, with its chain's speakers resolved -> ClaimRecords
3. origins: each claim traced to its independent origin (resolve/sources.py)
4. propositions: claims clustered, each claim's stance set (resolve/claims.py)
5. status: each proposition assessed, with reasons (assess/status.py) -> ``claims``, ``propositions``

The derived tables are rebuilt from the span layers in one transaction, so a re-run gives the same ids and
rows; the analyst's ``judgements`` (merges, splits, stance corrections) are read first and applied every time.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from storytrace.assess.status import assess
from storytrace.extract.entity_merge import entity_spans
from storytrace.model import Document, make_id
from storytrace.model.dossier import ClaimRecord, Hop, PropositionRecord
from storytrace.resolve.claims import ClaimClusterer
from storytrace.resolve.entities import EntityResolution, MentionIn, resolve_entities
from storytrace.resolve.events import EventMention, ResolvedEvent, resolve_events
from storytrace.resolve.sources import OutletIndex, assign_origin
from storytrace.store import DocumentFilter, Store, now_iso

__all__ = ["ResolveReport", "resolve_store"]

# A refutation by someone who speaks for a side ("government spokesman", "the ministry") is a party's denial.
_PARTY_WORDS = re.compile(r"\b(?:spokes(?:man|woman|person)|minist(?:er|ry)|government|official|office)\b", re.I)


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


@dataclass(slots=True)
class _DocInfo:
    id: str
    source_id: str | None
    outlet: str | None
    published: str | None
    copy_of: str | None


def _doc_infos(store: Store) -> dict[str, _DocInfo]:
    rows = store.db.execute("SELECT id, source_id, outlet, published_at, near_duplicate_of FROM documents")
    return {r[0]: _DocInfo(r[0], r[1], r[2], r[3], r[4]) for r in rows}


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


_RELATIVE_RULES = ("weekday", "relative", "yesterday", "today", "tomorrow", "last", "next", "ago")


def _event_mentions_of(doc: Document, info: _DocInfo, entities: EntityResolution) -> list[EventMention]:
    times = {(s.start_char, s.end_char): dict(s.attrs) for s in doc.spans.get("times", [])}
    out = []
    for span in doc.spans.get("events", []):
        a = dict(span.attrs)

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
                summary=" ".join(doc.text[int(sentence[0]) : int(sentence[1])].split())[:300],
            )
        )
    return out


def _claims_of(
    doc: Document,
    info: _DocInfo,
    root: str,
    entities: EntityResolution,
    event_of: dict[tuple[str, int, int], str],
) -> list[ClaimRecord]:
    attributions = doc.spans.get("attributions", [])
    records = []
    for span in doc.spans.get("claims", []):
        a = dict(span.attrs)
        chain: list[Hop] = []
        index = a.get("attribution")
        attribution = dict(attributions[index].attrs) if isinstance(index, int) and index < len(attributions) else {}
        for hop in a.get("chain") or []:
            chain.append(Hop(str(hop.get("text", "")), str(hop.get("kind", "")), None))
        speaker = attribution.get("resolved_to") or attribution.get("speaker")
        if chain and isinstance(speaker, dict) and "start_char" in speaker:
            entity = _entity_at(entities, doc, int(speaker["start_char"]), int(speaker["end_char"]))
            last = chain[-1]
            kind = "named" if entity and last.kind == "pronoun" else last.kind
            chain[-1] = Hop(last.text if last.kind != "pronoun" else str(speaker.get("text")), kind, entity)
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
        event_ids = tuple(sorted({e for s in own if (e := event_of.get((doc.id, s.start_char, s.end_char)))}))
        sentence = a.get("sentence") or [span.start_char, span.end_char]
        records.append(
            ClaimRecord(
                id=make_id("clm", doc.id, span.start_char, span.end_char),
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
                event_ids=event_ids,
                figures=tuple(a.get("figures") or ()),
            )
        )
    return records


def _parties(proposition: PropositionRecord, claims: list[ClaimRecord]) -> set[str]:
    """Who the proposition is about, plus refuters who speak for a side (spokesmen, ministries)."""
    parties: set[str] = set()
    for claim in claims:
        if claim.stance == "supports":
            parties.update(claim.entities)
    for claim in claims:
        speaker = claim.speaker
        if claim.stance != "refutes" or speaker is None or not speaker.entity_id:
            continue
        if _PARTY_WORDS.search(speaker.text) or _PARTY_WORDS.search(claim.text):
            parties.add(speaker.entity_id)
    return parties


def resolve_store(store: Store, *, on_document: Callable[[str], None] | None = None) -> ResolveReport:
    """Run every cross-document stage over the store and rewrite the derived tables (see the module docstring)."""
    report = ResolveReport()
    infos = _doc_infos(store)
    docs: list[Document] = []
    mentions: list[MentionIn] = []
    for doc in store.iter_documents(DocumentFilter(limit=None)):
        docs.append(doc)
        mentions.extend(_mentions_of(doc, infos[doc.id].published))
        if on_document is not None:
            on_document(doc.id)
    report.documents = len(docs)
    entities = resolve_entities(mentions, _judgements(store, "merge"), _judgements(store, "split"))
    events = resolve_events(m for doc in docs for m in _event_mentions_of(doc, infos[doc.id], entities))
    event_of = {(m.doc_id, m.start_char, m.end_char): e.id for e in events for m in e.mentions}
    outlets = OutletIndex.build((r["id"], r["name"]) for r in store.list_sources())
    roots = {doc_id: _copy_root(infos, doc_id) for doc_id in infos}
    root_source = {doc_id: infos[root].source_id for doc_id, root in roots.items()}
    claims: list[ClaimRecord] = []
    for doc in docs:
        claims.extend(_claims_of(doc, infos[doc.id], roots[doc.id], entities, event_of))
    for claim in claims:
        claim.origin, claim.origin_reason = assign_origin(claim, outlets, root_source)
    propositions = ClaimClusterer().add_all(claims)
    stance_fixes = dict(_judgements(store, "stance"))
    by_id = {c.id: c for c in claims}
    for claim_id, stance in stance_fixes.items():
        if claim_id in by_id:
            claim = by_id[claim_id]
            claim.stance_reason = f"corrected by an analyst (the rules said {claim.stance}: {claim.stance_reason})"
            claim.stance, claim.stance_score = stance, 1.0
    for proposition in propositions:
        members = [by_id[i] for i in proposition.claim_ids]
        assess(proposition, members, _parties(proposition, members))
        votes = [e for c in members for e in c.event_ids]
        proposition.event_id = max(set(votes), key=votes.count) if votes else None
    _write(store, mentions, entities, claims, propositions)
    _write_events(store, events)
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


def _write(
    store: Store,
    mentions: list[MentionIn],
    entities: EntityResolution,
    claims: list[ClaimRecord],
    propositions: list[PropositionRecord],
) -> None:
    now = now_iso()
    per_entity: dict[str, list[MentionIn]] = defaultdict(list)
    texts = {(m.doc_id, m.start_char, m.end_char): m for m in mentions}
    for key, (entity, *_rest) in entities.links.items():
        per_entity[entity].append(texts[key])
    with store.transaction() as db:
        for table in ("mentions", "entities", "claims", "propositions"):
            db.execute(f"DELETE FROM {table}")
        db.executemany(
            "INSERT INTO entities (id, kind, name, pack_id, mentions, documents, first_seen, last_seen, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    now,
                )
                for entity, ms in per_entity.items()
            ],
        )
        db.executemany(
            "INSERT INTO mentions (doc_id, start_char, end_char, text, label, entity_id, score, method, explanation) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (k[0], k[1], k[2], texts[k].text, texts[k].label, entity, score, method, why)
                for k, (entity, score, method, why) in entities.links.items()
            ],
        )
        db.executemany(
            "INSERT INTO claims (id, doc_id, start_char, end_char, sentence_start, sentence_end, text, voice, speaker, "
            "speaker_kind, speaker_entity, chain, polarity, hedges, modality, proposition_id, stance, stance_score, "
            f"stance_reason, origin, origin_reason, published_at) VALUES ({', '.join('?' * 22)})",
            [_claim_row(c) for c in claims],
        )
        db.executemany(
            "INSERT INTO propositions (id, text, status, reasons, origins, supports, refutes, reports, event_id, "
            "first_seen, last_seen, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
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
                    now,
                )
                for p in propositions
            ],
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
    )


def _write_events(store: Store, events: list[ResolvedEvent]) -> None:
    now = now_iso()
    with store.transaction() as db:
        db.execute("DELETE FROM event_mentions")
        db.execute("DELETE FROM events")
        db.executemany(
            "INSERT INTO events (id, type, date, date_precision, date_conflicts, place_id, place, summary, reports, "
            "first_seen, last_seen, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    e.id,
                    e.type,
                    e.date,
                    e.precision,
                    json.dumps(e.date_conflicts, ensure_ascii=False),
                    e.place,
                    e.place_text,
                    e.summary,
                    len(e.reports),
                    min((m.published for m in e.mentions if m.published), default=None),
                    max((m.published for m in e.mentions if m.published), default=None),
                    now,
                )
                for e in events
            ],
        )
        db.executemany(
            "INSERT INTO event_mentions (doc_id, start_char, end_char, event_id, type, date, precision, score, "
            "explanation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    m.doc_id,
                    m.start_char,
                    m.end_char,
                    e.id,
                    m.type,
                    m.date,
                    m.precision,
                    1.0 if i == 0 else 0.8,
                    "first report of the event"
                    if i == 0
                    else f"same {e.type} family, compatible date and place, shared participants",
                )
                for e in events
                for i, m in enumerate(e.mentions)
            ],
        )
