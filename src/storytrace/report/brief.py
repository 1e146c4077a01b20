"""Briefings (`storytrace brief`): the state of a story in Markdown or self-contained HTML, every sentence cited.

A briefing is built from the dossier tables that `storytrace resolve` writes, through the readers of
``storytrace.store.dossier`` (list_propositions, proposition_detail, list_events, find_entity, entity_detail):

* **what changed** since the last briefing recorded for the same scope (new reports, new propositions, status
  changes), from the ``briefings`` table, which keeps a snapshot of each briefing's propositions;
* **key propositions**, corroborated / contested / denied first, then by independent origins and reports, each
  with its status, the reasons of ``storytrace.assess.status`` (origin keys spelled out as outlet and speaker
  names), the for/against counts, and every report's sentence with its speaker, named or anonymous, the chain
  it came through, its stance and its origin;
* **conflicting figures and dates** side by side: the figures the reports of one event (or one proposition)
  give for the same quantity, and the dates the events table records as disagreeing;
* the **timeline** of dated events with their date precision; the **actors** with their spellings and the
  affiliations the reports state (the ``relations`` layer, resolved to entities through the mentions table).

Nothing is written that the store does not hold: a generated sentence only restates stored facts, and each one
carries the report sentences it rests on as citations (outlet, date, the document's url with a
``#:~:text=`` fragment when it has one, and our locator ``doc_id:start-end`` into the cleaned text). The lines
that describe the briefing itself (scope, report counts) are marked as such and carry no citation.

Known gaps: the summary sentences are restatements of single stored facts, not prose; a text fragment can miss
when the page renders the sentence differently from our cleaned text (the locator is always exact); figures are
compared as stored (``at least five`` and ``5`` are shown as different values, for the reader to judge);
affiliations are read from at most ``RELATION_DOCS`` reports per actor; a proposition whose every claim
disappeared between two briefings is counted, not listed; ``--topic`` narrows reports with the full-text index
and then keeps claims and events whose sentence holds the topic's words (prefix match, all words, or any word
when the topic uses OR).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from storytrace.errors import StoreError, StorytraceError
from storytrace.resolve.stance import STANCE_WORDS
from storytrace.store import DocumentFilter, Store, now_iso
from storytrace.store.dossier import (
    entity_detail,
    find_entity,
    list_events,
    list_propositions,
    proposition_detail,
)

__all__ = [
    "BriefOptions",
    "Briefing",
    "Citation",
    "Statement",
    "build_briefing",
    "record_briefing",
    "render_briefing",
    "render_html",
    "render_markdown",
]


CSS_PATH = Path(__file__).with_name("brief.css")
RELATION_DOCS = 300  # reports read per actor for its affiliations: enough to find them, bounded on big stores
MAX_CITES = 4  # citations on one generated sentence, beyond which the rest add nothing to check
MAX_CHANGES = 20  # items per "what changed" list

_STATUS_RANK = {"corroborated": 0, "contested": 0, "denied": 0, "circular": 1, "single_source": 1, "reported": 1}
_STATUS_LABEL = {
    "corroborated": "Corroborated",
    "contested": "Contested",
    "denied": "Denied",
    "circular": "Circular",
    "single_source": "Single source",
    "reported": "Reported",
}
_ACTOR_KINDS = {"PER": "person", "ORG": "organisation", "NORP": "group"}
_RELATION_PHRASE = {
    "leads": "leads",
    "member_of": "is a member of",
    "spokesman_for": "speaks for",
    "backed_by": "is backed by",
    "founded_by": "was founded by",
    "founded_in": "was founded in",
    "part_of": "is part of",
    "located_in": "is based in",
    "allied_with": "is allied with",
    "alias_of": "is also known as",
    "commands": "commands",
    "works_for": "works for",
}
_TOPIC_SKIP = {"or", "and", "not", "near"}


# -- records ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Citation:
    """One report sentence a statement rests on: ``text`` is exactly ``documents.text[start:end]``."""

    doc_id: str
    start: int
    end: int
    text: str
    outlet: str | None
    published: str | None
    url: str | None

    @property
    def locator(self) -> str:
        return f"{self.doc_id}:{self.start}-{self.end}"

    @property
    def date(self) -> str:
        return (self.published or "")[:10] or "undated"

    def link(self) -> str | None:
        """The report's page scrolled to the sentence (a text fragment), for http(s) urls only."""
        if not self.url:
            return None
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return None  # a javascript: or data: url from a hostile page never becomes a link
        base = self.url.split("#", 1)[0]
        return base + _text_fragment(self.text)


@dataclass(slots=True)
class Statement:
    """One generated sentence: our words, an optional verbatim quote of a report, more words, its citations."""

    text: str
    cites: tuple[Citation, ...]
    quote: str | None = None
    tail: str = ""


@dataclass(slots=True)
class PropositionItem:
    id: str
    status: str
    headline: Statement
    why: list[Statement]
    counts: Statement
    voices: list[Statement]
    claims: list[dict[str, Any]] = field(default_factory=list, repr=False)  # proposition_detail's claims


@dataclass(slots=True)
class Conflict:
    """Reports disagreeing on one quantity or date of one event or proposition, each value with its sentences."""

    subject: Statement
    quantity: str
    values: list[Statement]


@dataclass(slots=True)
class TimelineEntry:
    id: str  # the event's id
    date: str
    precision: str
    statement: Statement


@dataclass(slots=True)
class Actor:
    id: str
    name: str
    kind: str
    statement: Statement
    affiliations: list[Statement]


@dataclass(slots=True)
class Changes:
    previous_at: str | None  # when the briefing compared against was written; None: this is the first
    new_reports: list[Statement] = field(default_factory=list)
    new_propositions: list[Statement] = field(default_factory=list)
    status_changes: list[Statement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class BriefOptions:
    """What a briefing covers. ``about`` is an entity id, name or spelling; ``since`` a date YYYY-MM-DD."""

    about: str | None = None
    topic: str | None = None
    since: str | None = None
    limit: int = 12  # key propositions; the timeline gets twice as many events, the actors as many entries


@dataclass(slots=True)
class Briefing:
    title: str
    generated_at: str
    store: str
    params: dict[str, Any]
    scope: dict[str, Any]
    about_lines: list[str]  # lines about the briefing itself (scope, counts): no story content, no citation
    changes: Changes
    propositions: list[PropositionItem]
    conflicts: list[Conflict]
    timeline: list[TimelineEntry]
    actors: list[Actor]
    snapshot: dict[str, Any]
    warnings: list[str]

    def statements(self) -> Iterator[Statement]:
        """Every generated sentence, in reading order."""
        yield from self.changes.new_reports
        yield from self.changes.new_propositions
        yield from self.changes.status_changes
        for p in self.propositions:
            yield p.headline
            yield from p.why
            yield p.counts
            yield from p.voices
        for c in self.conflicts:
            yield c.subject
            yield from c.values
        for t in self.timeline:
            yield t.statement
        for a in self.actors:
            yield a.statement
            yield from a.affiliations


# -- reading the store ------------------------------------------------------------------------------------------


class _Reader:
    """Per-briefing caches over the store: documents, sentence layers, event and relation spans, names."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db
        self._docs: dict[str, dict[str, Any]] = {}
        self._sentences: dict[str, list[tuple[int, int]]] = {}
        self._spans: dict[tuple[str, str], list[tuple[int, int, dict[str, Any]]]] = {}
        self._doc_mentions: dict[str, list[tuple[int, int, str]]] = {}
        self._names: dict[str, str] = {}

    def doc(self, doc_id: str) -> dict[str, Any]:
        if doc_id not in self._docs:
            row = self.db.execute(
                "SELECT n, id, outlet, url, title, published_at, text FROM documents WHERE id = ?", (doc_id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"document {doc_id!r} is cited by the dossier but missing from the store")
            self._docs[doc_id] = dict(row)
        return self._docs[doc_id]

    def cite(self, doc_id: str, start: int, end: int) -> Citation:
        d = self.doc(doc_id)
        return Citation(doc_id, start, end, d["text"][start:end], d["outlet"], d["published_at"], d["url"])

    def sentence(self, doc_id: str, start: int, end: int) -> Citation:
        """The sentence holding [start, end) (the span itself when no sentence layer covers it)."""
        if doc_id not in self._sentences:
            self._sentences[doc_id] = [
                (int(r[0]), int(r[1]))
                for r in self.db.execute(
                    "SELECT start_char, end_char FROM spans WHERE doc_id = ? AND layer = 'sentences' "
                    "ORDER BY start_char",
                    (doc_id,),
                )
            ]
        for s, e in self._sentences[doc_id]:
            if s <= start < e or (s == start == e):
                return self.cite(doc_id, s, max(e, end))
        return self.cite(doc_id, start, end)

    def spans(self, doc_id: str, layer: str) -> list[tuple[int, int, dict[str, Any]]]:
        key = (doc_id, layer)
        if key not in self._spans:
            self._spans[key] = [
                (int(r[0]), int(r[1]), {**json.loads(r[2]), "_label": r[3]})
                for r in self.db.execute(
                    "SELECT start_char, end_char, attrs, label FROM spans WHERE doc_id = ? AND layer = ? "
                    "ORDER BY start_char",
                    key,
                )
            ]
        return self._spans[key]

    def entity_at(self, doc_id: str, start: int, end: int) -> str | None:
        """The resolved entity of the mention overlapping [start, end) most, if any."""
        if doc_id not in self._doc_mentions:
            self._doc_mentions[doc_id] = [
                (int(r[0]), int(r[1]), str(r[2]))
                for r in self.db.execute(
                    "SELECT start_char, end_char, entity_id FROM mentions WHERE doc_id = ?", (doc_id,)
                )
            ]
        best, overlap = None, 0
        for s, e, entity in self._doc_mentions[doc_id]:
            o = min(e, end) - max(s, start)
            if o > overlap:
                best, overlap = entity, o
        return best

    def name(self, entity_id: str) -> str:
        if entity_id not in self._names:
            row = self.db.execute("SELECT name FROM entities WHERE id = ?", (entity_id,)).fetchone()
            self._names[entity_id] = str(row[0]) if row else entity_id
        return self._names[entity_id]


# -- helpers --------------------------------------------------------------------------------------------------


def _text_fragment(sentence: str) -> str:
    words = sentence.split()

    def enc(part: list[str]) -> str:
        # '-', ',' and '&' are text-fragment syntax; quote() leaves '-' alone, so it is escaped by hand
        return quote(" ".join(part), safe="").replace("-", "%2D")

    if len(words) <= 8:
        return "#:~:text=" + enc(words)
    return "#:~:text=" + enc(words[:4]) + "," + enc(words[-4:])


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _topic_matcher(topic: str) -> tuple[list[re.Pattern[str]], bool]:
    words = [w for w in re.findall(r"\w+", _plain(topic)) if w not in _TOPIC_SKIP]
    if not words:
        raise StorytraceError(f"nothing to match in --topic {topic!r}", hint="give one or more words")
    return [re.compile(r"\b" + re.escape(w)) for w in words], " OR " in topic


def _matches(patterns: list[re.Pattern[str]], any_word: bool, text: str) -> bool:
    plain = _plain(text)
    hits = (p.search(plain) is not None for p in patterns)
    return any(hits) if any_word else all(hits)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _unique(cites: Iterable[Citation], limit: int = MAX_CITES) -> tuple[Citation, ...]:
    seen: dict[str, Citation] = {}
    for c in cites:
        seen.setdefault(c.locator, c)
    return tuple(list(seen.values())[:limit])


def _chunks(items: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _check_store(store: Store) -> list[str]:
    docs = int(store.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    if docs == 0:
        raise StoreError(f"{store.path} holds no reports", hint="ingest some first: storytrace ingest PATH")
    resolved = store.db.execute("SELECT MAX(updated_at) FROM entities").fetchone()[0]
    if resolved is None and store.db.execute("SELECT 1 FROM propositions LIMIT 1").fetchone() is None:
        raise StoreError(
            f"{store.path} has not been resolved: there is no dossier to brief on",
            hint=f"run `storytrace resolve --db {store.path}` first",
        )
    warnings = []
    if resolved is not None:
        stale = int(store.db.execute("SELECT COUNT(*) FROM documents WHERE ingested_at > ?", (resolved,)).fetchone()[0])
        if stale:
            warnings.append(
                f"{_plural(stale, 'report')} ingested after the last `storytrace resolve` "
                f"{'is' if stale == 1 else 'are'} not in this briefing's propositions and events; "
                "run `storytrace resolve` to include them"
            )
    return warnings


def _since(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise StorytraceError(f"--since {value!r} is not a date", hint="give it as YYYY-MM-DD") from None


# -- scope ----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Scope:
    entity: str | None
    since: str | None
    topic: str | None
    proposition_ids: set[str] | None  # None: no filter
    event_ids: set[str] | None
    doc_ids: set[str] | None  # reports in scope for "new reports"; None: all (subject to since)

    def key(self) -> str:
        return json.dumps({"about": self.entity, "since": self.since, "topic": self.topic}, sort_keys=True)


def _intersect(a: set[str] | None, b: set[str]) -> set[str]:
    return b if a is None else a & b


def _scope(reader: _Reader, opts: BriefOptions) -> _Scope:
    db = reader.db
    since = _since(opts.since)
    entity = find_entity(reader.store, opts.about) if opts.about else None
    scope = _Scope(entity, since, opts.topic.strip() if opts.topic else None, None, None, None)
    if entity:
        props = {r["id"] for r in list_propositions(reader.store, about=entity, limit=None)}
        props |= {
            str(r[0])
            for r in db.execute("SELECT DISTINCT proposition_id FROM claims WHERE speaker_entity = ?", (entity,))
            if r[0]
        }
        events: set[str] = {str(r[0]) for r in db.execute("SELECT id FROM events WHERE place_id = ?", (entity,))}
        docs: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for r in db.execute("SELECT doc_id, start_char, end_char FROM mentions WHERE entity_id = ?", (entity,)):
            docs[str(r[0])].append((int(r[1]), int(r[2])))
        for doc_id, spans in docs.items():
            for start, end, attrs in reader.spans(doc_id, "events"):
                s_start, s_end = attrs.get("sentence") or (start, end)
                if any(s_start <= s and e <= s_end for s, e in spans):
                    events |= _event_of(db, doc_id, start, end)
        scope.proposition_ids, scope.event_ids, scope.doc_ids = props, events, set(docs)
    if since:
        scope.proposition_ids = _intersect(
            scope.proposition_ids,
            {
                str(r[0])
                for r in db.execute(
                    "SELECT DISTINCT c.proposition_id FROM documents d JOIN claims c ON c.doc_id = d.id "
                    "WHERE d.published_at >= ? AND c.proposition_id IS NOT NULL",
                    (since,),
                )
            },
        )
        scope.event_ids = _intersect(
            scope.event_ids,
            {
                str(r[0])
                for r in db.execute(
                    "SELECT DISTINCT m.event_id FROM documents d JOIN event_mentions m ON m.doc_id = d.id "
                    "WHERE d.published_at >= ?",
                    (since,),
                )
            },
        )
    if scope.topic:
        patterns, any_word = _topic_matcher(scope.topic)
        hits = reader.store.search(scope.topic, DocumentFilter(limit=None, since=since))
        topic_docs = {str(r["id"]) for r in hits}
        props, events = set(), set()
        for doc_id in topic_docs:
            text = reader.doc(doc_id)["text"]
            for r in db.execute(
                "SELECT proposition_id, sentence_start, sentence_end FROM claims WHERE doc_id = ? "
                "AND proposition_id IS NOT NULL",
                (doc_id,),
            ):
                if _matches(patterns, any_word, text[r[1] : r[2]]):
                    props.add(str(r[0]))
            for start, end, attrs in reader.spans(doc_id, "events"):
                s_start, s_end = attrs.get("sentence") or (start, end)
                if _matches(patterns, any_word, text[s_start:s_end]):
                    events |= _event_of(db, doc_id, start, end)
        scope.proposition_ids = _intersect(scope.proposition_ids, props)
        scope.event_ids = _intersect(scope.event_ids, events)
        scope.doc_ids = _intersect(scope.doc_ids, topic_docs)
    return scope


def _event_of(db: Any, doc_id: str, start: int, end: int) -> set[str]:
    row = db.execute(
        "SELECT event_id FROM event_mentions WHERE doc_id = ? AND start_char = ? AND end_char = ?",
        (doc_id, start, end),
    ).fetchone()
    return {str(row[0])} if row else set()


# -- sections -------------------------------------------------------------------------------------------------


def _rank_key(p: dict[str, Any]) -> tuple[int, int, int, int, str]:
    return (_STATUS_RANK.get(p["status"], 2), -p["origins"], -p["reports"], -p["refutes"], p["first_seen"] or "~")


def _claim_cite(reader: _Reader, claim: dict[str, Any]) -> Citation:
    return reader.cite(claim["doc_id"], claim["sentence_start"], claim["sentence_end"])


def _speaker(claim: dict[str, Any]) -> str:
    chain = claim["chain"]
    if not chain:
        return "in its own voice"
    hops = [f"{h['text']} ({h['kind']})" for h in reversed(chain)]
    return hops[0] + (", via " + ", via ".join(hops[1:]) if len(hops) > 1 else "")


def _proposition(reader: _Reader, row: dict[str, Any]) -> PropositionItem:
    detail = proposition_detail(reader.store, row["id"])
    claims = detail["claims"]
    by_stance: dict[str, list[Citation]] = defaultdict(list)
    for c in claims:
        by_stance[c["stance"] or "reports"].append(_claim_cite(reader, c))
    main = next((c for c in claims if c["text"] == detail["text"]), claims[0] if claims else None)
    all_cites = [_claim_cite(reader, c) for c in claims]
    label = _STATUS_LABEL.get(detail["status"], detail["status"])
    if main is not None:
        head_cite = _claim_cite(reader, main)
        # quote the representative wording only where it is the cited sentence's own text
        quote = detail["text"] if detail["text"] in head_cite.text else head_cite.text
        headline = Statement(f"{label}:", (head_cite,), quote)
    else:
        headline = Statement(f"{label}: {detail['text']}", ())
    why = []
    for reason in detail["reasons"]:
        if reason.startswith("supported"):
            cites = by_stance["supports"]
        elif reason.startswith("relayed"):
            cites = by_stance["reports"]
        elif reason.startswith(("denied", "refuted")):
            cites = by_stance["refutes"]
        else:
            cites = all_cites
        cites = cites or all_cites  # "supported by 0 origins" rests on the claims that show it
        why.append(Statement(reason[:1].upper() + reason[1:] + ".", _unique(cites)))  # reasons name their origins
    counts = Statement(
        f"For: {_plural(detail['supports'], 'report')}; against: {detail['refutes']}; "
        f"{_plural(detail['reports'], 'report')} in all (copies counted once), from "
        f"{_plural(detail['origins'], 'independent origin')}.",
        _unique(by_stance["supports"] + by_stance["refutes"]),
    )
    voices = []
    for c in claims:
        hedges = f", hedged ({', '.join(c['hedges'])})" if c["hedges"] else ""
        why_stance = f" [{c['stance_reason']}]" if c.get("stance_reason") and c["stance"] != "supports" else ""
        voices.append(
            Statement(
                f"{c['outlet'] or 'An unnamed outlet'}, {(c['published_at'] or '')[:10] or 'undated'}, "
                f"{'citing ' if c['chain'] else ''}{_speaker(c)}, "
                f"{STANCE_WORDS.get(c['stance'] or '', 'reports it')}{hedges}{why_stance}:",
                (_claim_cite(reader, c),),
                _claim_cite(reader, c).text,
                f"Origin: {c['origin_reason']}." if c["origin_reason"] else "",
            )
        )
    return PropositionItem(detail["id"], detail["status"], headline, why, counts, voices, claims)


def _figure_value(f: dict[str, Any]) -> str:
    """A figure as a reader compares it: the number, or the report's own wording when that is approximate
    ("dozens", not "about at least 24", the lower bound the extraction reads it as)."""
    if f.get("approximate") and f.get("text"):
        return " ".join(str(f["text"]).split())
    low, high = f.get("low"), f.get("high")
    if low is None and high is None:
        return str(f.get("text", "?"))
    if high is None:
        value = f"at least {low}"
    elif low is None or low == high:
        value = str(high if low is None else low)
    else:
        value = f"{low}-{high}"
    return ("about " if f.get("approximate") else "") + value


def _figures_of(
    reader: _Reader, doc_id: str, figures: Iterable[dict[str, Any]], sentence: tuple[int, int]
) -> Iterator[tuple[str, str, tuple[str, int, int], Citation]]:
    """(kind, value, identity, citation of the sentence) per figure."""
    cite = reader.cite(doc_id, sentence[0], sentence[1])
    for f in figures:
        if "kind" in f and "start_char" in f:
            yield str(f["kind"]), _figure_value(f), (doc_id, int(f["start_char"]), int(f["end_char"])), cite


def _figure_speaker(reader: _Reader, ident: tuple[str, int, int]) -> str:
    """Who gives a figure: the speaker of the narrowest claim around it (the outlet's own voice without one)."""
    row = reader.db.execute(
        "SELECT chain FROM claims WHERE doc_id = ? AND start_char <= ? AND end_char >= ? "
        "ORDER BY end_char - start_char LIMIT 1",
        ident,
    ).fetchone()
    return _speaker({"chain": json.loads(row[0]) if row is not None else []})


def _conflict(subject: Statement, kind: str, rows: list[tuple[str, Citation, str]]) -> Conflict | None:
    values: dict[str, list[tuple[Citation, str]]] = defaultdict(list)
    for value, cite, who in rows:
        values[value].append((cite, who))
    reports = {c.doc_id for _, c, _ in rows}
    if len(values) < 2 or len(reports) < 2:
        return None
    statements = []
    for value, items in values.items():
        sayers = sorted(
            {f"{c.outlet or 'an unnamed outlet'} ({c.date})" + (f", {who}" if who else "") for c, who in items}
        )
        statements.append(Statement(f"{value}: {'; '.join(sayers)}.", _unique(c for c, _ in items)))
    return Conflict(subject, kind, statements)


def _conflicts(reader: _Reader, events: list[dict[str, Any]], props: list[PropositionItem]) -> list[Conflict]:
    """Figures first from the claims of each key proposition, then from the mentions of each event that the
    propositions did not already cover; then the dates the events table records as disagreeing."""
    out: list[Conflict] = []
    shown: dict[str, set[tuple[str, int, int]]] = defaultdict(set)  # figure kind -> figures already set out
    for p in props:
        rows_p: dict[str, list[tuple[str, Citation, str]]] = defaultdict(list)
        ids_p: dict[str, set[tuple[str, int, int]]] = defaultdict(set)
        for c in p.claims:
            for start, end, attrs in reader.spans(c["doc_id"], "claims"):
                if (start, end) != (c["start_char"], c["end_char"]):
                    continue
                sentence = (c["sentence_start"], c["sentence_end"])
                for kind, value, ident, cite in _figures_of(reader, c["doc_id"], attrs.get("figures") or (), sentence):
                    if ident not in ids_p[kind]:
                        ids_p[kind].add(ident)
                        rows_p[kind].append((value, cite, _speaker(c)))
        for kind, rows in rows_p.items():
            conflict = _conflict(p.headline, kind, rows)
            if conflict is not None:
                out.append(conflict)
                shown[kind] |= ids_p[kind]
    for e in events:
        mentions = reader.db.execute(
            "SELECT doc_id, start_char, end_char, date FROM event_mentions WHERE event_id = ? ORDER BY doc_id",
            (e["id"],),
        ).fetchall()
        first = _event_cites(reader, mentions)
        place = f" in {e['place']}" if e["place"] else ""
        subject = Statement(
            f"The {e['type'].replace('_', ' ')} of {e['date'] or 'unknown date'}{place}:",
            tuple(first[:1]),
            first[0].text if first else None,
        )
        rows_e: dict[str, list[tuple[str, Citation, str]]] = defaultdict(list)
        ids_e: dict[str, set[tuple[str, int, int]]] = defaultdict(set)
        for m in mentions:
            for start, end, attrs in reader.spans(m["doc_id"], "events"):
                if (start, end) != (m["start_char"], m["end_char"]):
                    continue
                s_start, s_end = attrs.get("sentence") or (start, end)
                for kind, value, ident, cite in _figures_of(
                    reader, m["doc_id"], attrs.get("figures") or (), (s_start, s_end)
                ):
                    if ident not in ids_e[kind]:
                        ids_e[kind].add(ident)
                        rows_e[kind].append((value, cite, _figure_speaker(reader, ident)))
        for kind, rows in rows_e.items():
            if ids_e[kind] & shown[kind]:
                continue  # these figures are already side by side under a proposition
            conflict = _conflict(subject, kind, rows)
            if conflict is not None:
                out.append(conflict)
                shown[kind] |= ids_e[kind]
        if e["date_conflicts"]:
            rows_d: list[tuple[str, Citation, str]] = []
            for m in mentions:
                cite = reader.sentence(m["doc_id"], m["start_char"], m["end_char"])
                if m["date"] == e["date"]:
                    rows_d.append((f"{e['date']} ({e['date_precision']})", cite, ""))
                for other in e["date_conflicts"]:
                    if m["doc_id"] in other["reports"] and m["date"] == other["date"]:
                        rows_d.append((str(other["date"]), cite, ""))
            conflict = _conflict(subject, "date", rows_d)
            if conflict is not None:
                out.append(conflict)
    return out


def _event_cites(reader: _Reader, mentions: Sequence[Any]) -> list[Citation]:
    cites: dict[str, Citation] = {}
    for m in mentions:
        if m["doc_id"] not in cites:
            cites[m["doc_id"]] = reader.sentence(m["doc_id"], m["start_char"], m["end_char"])
    return sorted(cites.values(), key=lambda c: (c.published or "~", c.doc_id))


def _is_dated(e: dict[str, Any]) -> bool:
    d = e["date"] or ""
    return bool(re.match(r"\d{4}", d)) and e["date_precision"] not in (None, "vague")


def _timeline(reader: _Reader, events: list[dict[str, Any]]) -> list[TimelineEntry]:
    out = []
    for e in events:
        mentions = reader.db.execute(
            "SELECT doc_id, start_char, end_char FROM event_mentions WHERE event_id = ?", (e["id"],)
        ).fetchall()
        cites = _event_cites(reader, mentions)
        if not cites:
            continue
        place = f" in {e['place']}" if e["place"] else ""
        text = f"{e['type'].replace('_', ' ').capitalize()}{place}, reported by {_plural(len(cites), 'report')}:"
        out.append(
            TimelineEntry(e["id"], e["date"], e["date_precision"], Statement(text, _unique(cites), cites[0].text))
        )
    return out


def _actors(reader: _Reader, entity: str | None, props: list[PropositionItem], limit: int) -> list[Actor]:
    candidates: dict[str, int] = {}
    for p in props:
        for voice in p.voices:
            for cite in voice.cites:
                for r in reader.db.execute(
                    "SELECT m.entity_id, e.kind, e.documents FROM mentions m JOIN entities e ON e.id = m.entity_id "
                    "WHERE m.doc_id = ? AND m.start_char >= ? AND m.end_char <= ?",
                    (cite.doc_id, cite.start, cite.end),
                ):
                    if r["kind"] in _ACTOR_KINDS:
                        candidates[str(r["entity_id"])] = int(r["documents"])
    ranked = sorted(candidates, key=lambda k: (-candidates[k], reader.name(k)))
    if entity:
        ranked = [entity] + [k for k in ranked if k != entity]
    return [_actor(reader, k) for k in ranked[:limit]]


def _actor(reader: _Reader, entity_id: str) -> Actor:
    detail = entity_detail(reader.store, entity_id)
    shown = detail["spellings"][:5]
    cites = [
        reader.sentence(s["evidence"]["doc_id"], s["evidence"]["start_char"], s["evidence"]["end_char"]) for s in shown
    ]
    spellings = ", ".join(s["text"] for s in shown)
    kind = _ACTOR_KINDS.get(detail["kind"], detail["kind"].lower())
    statement = Statement(
        f"{detail['name']} ({kind}) is named in {_plural(detail['documents'], 'report')}, written as: {spellings}.",
        _unique(cites, limit=len(cites)),
    )
    docs = list(dict.fromkeys(m["doc_id"] for m in reversed(detail["mentions"])))[:RELATION_DOCS]
    grouped: dict[tuple[str, str, str], list[Citation]] = defaultdict(list)
    roles: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for doc_id in docs:
        for start, end, attrs in reader.spans(doc_id, "relations"):
            ends: list[tuple[str | None, str | None]] = []
            for part in ("subject", "object"):
                arg = attrs.get(part)
                if not isinstance(arg, dict):
                    ends.append((None, None))
                    continue
                ent = reader.entity_at(doc_id, int(arg["start_char"]), int(arg["end_char"]))
                ends.append((ent, reader.name(ent) if ent else str(arg.get("text", ""))))
            (subj_id, subj), (obj_id, obj) = ends
            if entity_id not in (subj_id, obj_id) or not subj or (subj_id is not None and subj_id == obj_id):
                continue
            kind = str(attrs["_label"])
            if kind == "founded_in" or (kind != "holds_role" and not obj):
                continue  # a year is not an affiliation; a relation without its other end says nothing
            key = (subj, kind, obj or "" if kind != "holds_role" else str(attrs.get("role") or ""))
            if kind == "holds_role" and obj:
                key = (subj, kind, f"{attrs.get('role') or 'holding a role'} of {obj}")
            if attrs.get("role") and kind in ("member_of", "works_for", "part_of"):
                roles[key].add(str(attrs["role"]))
            sentence = attrs.get("sentence") or (start, end)
            grouped[key].append(reader.cite(doc_id, sentence[0], sentence[1]))
    affiliations = []
    for (subj, kind, obj), cites_r in grouped.items():
        if kind == "holds_role":
            text = f"{subj} is described as {obj or 'holding a role'}"
        else:
            text = f"{subj} {_RELATION_PHRASE.get(kind, kind.replace('_', ' '))} {obj}"
        if roles[(subj, kind, obj)]:
            text += f" (as {', '.join(sorted(roles[(subj, kind, obj)]))})"
        reports = len({c.doc_id for c in cites_r})
        affiliations.append(Statement(f"{text}, in {_plural(reports, 'report')}.", _unique(cites_r)))
    affiliations.sort(key=lambda s: (-len(s.cites), s.text))
    return Actor(entity_id, detail["name"], detail["kind"], statement, affiliations)


# -- what changed -----------------------------------------------------------------------------------------------


def _snapshot(reader: _Reader, rows: list[dict[str, Any]]) -> dict[str, Any]:
    member: dict[str, str] = {}
    for r in reader.db.execute(
        "SELECT proposition_id, MIN(id) FROM claims WHERE proposition_id IS NOT NULL GROUP BY proposition_id"
    ):
        member[str(r[0])] = str(r[1])
    max_n = reader.db.execute("SELECT COALESCE(MAX(n), 0) FROM documents").fetchone()[0]
    return {
        "max_doc_n": int(max_n),
        "propositions": {r["id"]: [r["status"], r["origins"], r["reports"], member.get(r["id"])] for r in rows},
    }


def _changes(reader: _Reader, scope: _Scope, rows: list[dict[str, Any]]) -> Changes:
    prev = reader.db.execute(
        "SELECT created_at, snapshot FROM briefings WHERE scope = ? ORDER BY id DESC LIMIT 1", (scope.key(),)
    ).fetchone()
    if prev is None:
        return Changes(None)
    changes = Changes(str(prev["created_at"]))
    snap = json.loads(prev["snapshot"])
    max_n = int(snap.get("max_doc_n", 0))
    before: dict[str, list[Any]] = snap.get("propositions", {})
    # new reports
    sql = "SELECT id, outlet, title, published_at, text FROM documents WHERE n > ?"
    params: list[Any] = [max_n]
    if scope.since:
        sql += " AND published_at >= ?"
        params.append(scope.since)
    new_docs = [dict(r) for r in reader.db.execute(sql + " ORDER BY published_at, n", params)]
    if scope.doc_ids is not None:
        new_docs = [d for d in new_docs if d["id"] in scope.doc_ids]
    for d in new_docs[:MAX_CHANGES]:
        title = d["title"] or ""
        at = d["text"].find(title) if title else -1
        cite = reader.sentence(d["id"], max(at, 0), max(at, 0) + len(title))
        quote = title if title and at >= 0 else cite.text
        changes.new_reports.append(
            Statement(
                f"New report, {d['outlet'] or 'unnamed outlet'}, {(d['published_at'] or '')[:10] or 'undated'}:",
                (cite,),
                quote,
            )
        )
    if len(new_docs) > MAX_CHANGES:
        changes.notes.append(f"and {len(new_docs) - MAX_CHANGES} more new reports")
    new_ids = {d["id"] for d in new_docs} | {
        str(r[0]) for r in reader.db.execute("SELECT id FROM documents WHERE n > ?", (max_n,))
    }
    # propositions: same id, or the proposition that now holds a claim the old one held
    successor: dict[str, str] = {}
    current = {r["id"] for r in rows}
    missing = [pid for pid in before if pid not in current]
    claim_of = {before[pid][3]: pid for pid in missing if len(before[pid]) > 3 and before[pid][3]}
    for chunk in _chunks(list(claim_of)):
        marks = ", ".join("?" * len(chunk))
        for r in reader.db.execute(f"SELECT id, proposition_id FROM claims WHERE id IN ({marks})", list(chunk)):
            if r[1]:
                successor[str(r[1])] = claim_of[str(r[0])]
    matched: set[str] = set()
    new_rows, changed = [], []
    for r in sorted(rows, key=_rank_key):
        old_id = r["id"] if r["id"] in before else successor.get(r["id"])
        if old_id is None:
            new_rows.append(r)
            continue
        matched.add(old_id)
        status, origins, reports = before[old_id][:3]
        if status != r["status"] or origins != r["origins"]:
            changed.append((r, status, origins, reports))
    for r in new_rows[:MAX_CHANGES]:
        item = _changed_cites(reader, r["id"], new_ids)
        changes.new_propositions.append(
            Statement(f"New, {_STATUS_LABEL.get(r['status'], r['status']).lower()}:", item[1], item[0])
        )
    if len(new_rows) > MAX_CHANGES:
        changes.notes.append(f"and {len(new_rows) - MAX_CHANGES} more new propositions")
    for r, status, origins, reports in changed[:MAX_CHANGES]:
        text, cites = _changed_cites(reader, r["id"], new_ids)
        changes.status_changes.append(
            Statement(
                f"Was {_STATUS_LABEL.get(status, status).lower()}, "
                f"now {_STATUS_LABEL.get(r['status'], r['status']).lower()} "
                f"(independent origins {origins} -> {r['origins']}, reports {reports} -> {r['reports']}):",
                cites,
                text,
            )
        )
    if len(changed) > MAX_CHANGES:
        changes.notes.append(f"and {len(changed) - MAX_CHANGES} more status changes")
    gone = len(set(before) - matched)
    if gone:
        changes.notes.append(f"{_plural(gone, 'proposition')} of the last briefing no longer hold any claim in scope")
    return changes


def _changed_cites(reader: _Reader, prop_id: str, new_docs: set[str]) -> tuple[str, tuple[Citation, ...]]:
    """The proposition's wording, cited by its claims from new reports (or, with none, by its main claim)."""
    detail = proposition_detail(reader.store, prop_id)
    claims = detail["claims"]
    main = next((c for c in claims if c["text"] == detail["text"]), claims[0])
    fresh = [c for c in claims if c["doc_id"] in new_docs]
    head = _claim_cite(reader, main)
    quote = detail["text"] if detail["text"] in head.text else head.text
    return quote, _unique([head] + [_claim_cite(reader, c) for c in fresh])


# -- building -------------------------------------------------------------------------------------------------


def build_briefing(store: Store, options: BriefOptions | None = None) -> Briefing:
    """Read the dossier of ``store`` and assemble a briefing (render it with render_markdown / render_html)."""
    opts = options or BriefOptions()
    warnings = _check_store(store)
    reader = _Reader(store)
    scope = _scope(reader, opts)
    rows = list_propositions(store, limit=None)
    if scope.proposition_ids is not None:
        rows = [r for r in rows if r["id"] in scope.proposition_ids]
    changes = _changes(reader, scope, rows)
    ranked = sorted(rows, key=_rank_key)[: max(opts.limit, 0)]
    propositions = [_proposition(reader, r) for r in ranked]
    events = list_events(store)
    if scope.event_ids is not None:
        events = [e for e in events if e["id"] in scope.event_ids]
    # The timeline says what happened: not a release only demanded, a meeting denied, a visit planned
    dated = [e for e in events if _is_dated(e) and e["asserted"]]
    picked = sorted(dated, key=lambda e: (-e["reports"], e["date"]))[: max(opts.limit, 0) * 2]
    picked.sort(key=lambda e: (e["date"], e["first_seen"] or ""))
    # and so do the conflicts: two dates for a demanded release are no conflict about an event
    conflict_events = [e for e in events if e["reports"] >= 2 and e["asserted"]]
    conflicts = _conflicts(reader, conflict_events, propositions)
    about_name = reader.name(scope.entity) if scope.entity else None
    title = "Briefing" + (f": {about_name}" if about_name else "") + (f" - {scope.topic}" if scope.topic else "")
    sql = "SELECT COUNT(*), COUNT(DISTINCT source_id), MIN(published_at), MAX(published_at) FROM documents"
    counts = store.db.execute(
        sql + (" WHERE published_at >= ?" if scope.since else ""), (scope.since,) if scope.since else ()
    ).fetchone()
    about_lines = [
        f"Scope: {'reports naming ' + about_name if about_name else 'all reports'}"
        + (f", matching {scope.topic!r}" if scope.topic else "")
        + (f", published on or after {scope.since}" if scope.since else "")
        + ".",
        f"The store holds {_plural(int(counts[0]), 'report')} from {_plural(int(counts[1]), 'outlet')}"
        + (f", published {str(counts[2])[:10]} to {str(counts[3])[:10]}" if counts[2] else "")
        + f"; {_plural(len(rows), 'proposition')} and {_plural(len(events), 'event')} in scope"
        + f" ({sum(1 for e in events if e['asserted'])} of them reported as happened).",
    ]
    return Briefing(
        title=title,
        generated_at=now_iso(),
        store=str(store.path),
        params={"about": opts.about, "topic": opts.topic, "since": opts.since, "limit": opts.limit},
        scope=json.loads(scope.key()),
        about_lines=about_lines,
        changes=changes,
        propositions=propositions,
        conflicts=conflicts,
        timeline=_timeline(reader, picked),
        actors=_actors(reader, scope.entity, propositions, max(opts.limit, 0)),
        snapshot=_snapshot(reader, rows),
        warnings=warnings,
    )


def record_briefing(store: Store, briefing: Briefing, fmt: str = "md") -> int:
    """Keep this briefing's snapshot in the ``briefings`` table, so that the next one can say what changed."""
    with store.transaction() as db:
        cursor = db.execute(
            "INSERT INTO briefings (created_at, scope, params, snapshot) VALUES (?, ?, ?, ?)",
            (
                briefing.generated_at,
                json.dumps(briefing.scope, sort_keys=True),
                json.dumps({**briefing.params, "format": fmt}, ensure_ascii=False),
                json.dumps(briefing.snapshot, ensure_ascii=False, separators=(",", ":")),
            ),
        )
    return int(cursor.lastrowid or 0)


# -- rendering ------------------------------------------------------------------------------------------------


class _Notes:
    """Citation numbers in order of first use; one number per cited sentence."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.items: list[Citation] = []

    def ref(self, cite: Citation) -> int:
        if cite.locator not in self.numbers:
            self.items.append(cite)
            self.numbers[cite.locator] = len(self.items)
        return self.numbers[cite.locator]


_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}|#<>~!])")


def _md(text: str) -> str:
    """Article text made inert in Markdown: one line, no markup, no raw HTML, no entity tricks."""
    text = " ".join(text.split())
    text = re.sub(r"&(?=#?\w+;)", "&amp;", text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_url(url: str) -> str:
    return "".join(quote(ch, safe="") if ch in "<> ()\n\r\t" else ch for ch in url)


def _md_statement(s: Statement, notes: _Notes) -> str:
    parts = [_md(s.text)]
    if s.quote:
        parts.append(f"«{_md(s.quote)}»")
    if s.tail:
        parts.append(_md(s.tail))
    marks = "".join(f"[^{notes.ref(c)}]" for c in s.cites)
    return " ".join(parts) + marks


def render_markdown(b: Briefing) -> str:
    notes = _Notes()
    out = [f"# {_md(b.title)}", ""]
    out += [f"_Generated {_md(b.generated_at)} from {_md(b.store)}._ " + " ".join(_md(x) for x in b.about_lines), ""]
    for w in b.warnings:
        out += [f"> **Warning:** {_md(w)}", ""]
    out += ["## What changed since the last briefing", ""]
    c = b.changes
    if c.previous_at is None:
        out += ["_This is the first briefing recorded for this scope; the next one will list what changed._", ""]
    else:
        out += [f"_Compared with the briefing of {_md(c.previous_at)}._", ""]
        for title, items in (
            ("New reports", c.new_reports),
            ("New propositions", c.new_propositions),
            ("Status changes", c.status_changes),
        ):
            out.append(f"**{title}:**" + ("" if items else " none."))
            out += [f"- {_md_statement(s, notes)}" for s in items]
            out.append("")
        out += [f"_{_md(n.capitalize())}._" for n in c.notes] + ([""] if c.notes else [])
    out += ["## Key propositions", ""]
    if not b.propositions:
        out += ["_No proposition in scope._", ""]
    for i, p in enumerate(b.propositions, 1):
        out += [f"### {i}. {_md_statement(p.headline, notes)}", ""]
        out += [f"- **Why:** {_md_statement(s, notes)}" for s in p.why]
        out += [f"- **For and against:** {_md_statement(p.counts, notes)}", "- **Who says what:**"]
        out += [f"  - {_md_statement(s, notes)}" for s in p.voices]
        out.append("")
    out += ["## Conflicting figures and dates", ""]
    if not b.conflicts:
        out += ["_No figures or dates in scope on which reports disagree._", ""]
    for k in b.conflicts:
        out += [f"**{_md(k.quantity.replace('_', ' ').capitalize())}** - {_md_statement(k.subject, notes)}", ""]
        out += [f"- {_md_statement(s, notes)}" for s in k.values]
        out.append("")
    out += ["## Timeline", ""]
    if not b.timeline:
        out += ["_No dated event in scope._", ""]
    out += [f"- **{_md(t.date)}** ({_md(t.precision)}) {_md_statement(t.statement, notes)}" for t in b.timeline]
    out += ["", "## Actors and affiliations", ""]
    if not b.actors:
        out += ["_No actor in scope._", ""]
    for a in b.actors:
        out += [f"### {_md(a.name)}", "", _md_statement(a.statement, notes), ""]
        out += [f"- {_md_statement(s, notes)}" for s in a.affiliations]
        out += [""] if a.affiliations else []
    out += ["## Sources", ""]
    for n, cite in enumerate(notes.items, 1):
        link = cite.link()
        where = f"[`{cite.locator}`](<{_md_url(link)}>)" if link else f"`{cite.locator}`"
        out.append(f"[^{n}]: {_md(cite.outlet or 'Unnamed outlet')}, {cite.date}: «{_md(cite.text)}» {where}")
    return "\n".join(out).rstrip() + "\n"


def _h(text: str) -> str:
    return html.escape(" ".join(text.split()), quote=True)


def _html_statement(s: Statement, notes: _Notes) -> str:
    parts = [_h(s.text)]
    if s.quote:
        parts.append(f'<q class="src">{_h(s.quote)}</q>')
    if s.tail:
        parts.append(f'<span class="tail">{_h(s.tail)}</span>')
    marks = "".join(f'<sup class="cite"><a href="#n{notes.ref(c)}">{notes.ref(c)}</a></sup>' for c in s.cites)
    return " ".join(parts) + marks


def render_html(b: Briefing) -> str:
    notes = _Notes()
    css = CSS_PATH.read_text(encoding="utf-8")
    body: list[str] = [f"<header><h1>{_h(b.title)}</h1>"]
    body.append(
        f'<p class="meta">Generated {_h(b.generated_at)} from <code>{_h(b.store)}</code>. '
        + " ".join(_h(x) for x in b.about_lines)
        + "</p>"
    )
    body += [f'<p class="warning">Warning: {_h(w)}</p>' for w in b.warnings]
    body.append("</header>")
    c = b.changes
    body.append('<section id="changes"><h2>What changed since the last briefing</h2>')
    if c.previous_at is None:
        body.append(
            '<p class="meta">This is the first briefing recorded for this scope; '
            "the next one will list what changed.</p>"
        )
    else:
        body.append(f'<p class="meta">Compared with the briefing of {_h(c.previous_at)}.</p>')
        for title, items in (
            ("New reports", c.new_reports),
            ("New propositions", c.new_propositions),
            ("Status changes", c.status_changes),
        ):
            body.append(f"<h3>{title}</h3>")
            body.append(_html_list(items, notes) if items else '<p class="meta">None.</p>')
        body += [f'<p class="meta">{_h(n.capitalize())}.</p>' for n in c.notes]
    body.append("</section>")
    body.append('<section id="propositions"><h2>Key propositions</h2>')
    if not b.propositions:
        body.append('<p class="meta">No proposition in scope.</p>')
    for i, p in enumerate(b.propositions, 1):
        body.append(f'<article class="proposition status-{_h(p.status)}" id="{_h(p.id)}">')
        body.append(f'<h3><span class="badge">{i}</span> {_html_statement(p.headline, notes)}</h3>')
        body.append("<dl>")
        body.append("<dt>Why</dt>" + "".join(f"<dd>{_html_statement(s, notes)}</dd>" for s in p.why))
        body.append(f"<dt>For and against</dt><dd>{_html_statement(p.counts, notes)}</dd>")
        body.append("<dt>Who says what</dt><dd>" + _html_list(p.voices, notes) + "</dd>")
        body.append("</dl></article>")
    body.append("</section>")
    body.append('<section id="conflicts"><h2>Conflicting figures and dates</h2>')
    if not b.conflicts:
        body.append('<p class="meta">No figures or dates in scope on which reports disagree.</p>')
    for k in b.conflicts:
        body.append('<div class="conflict">')
        body.append(
            f"<h3>{_h(k.quantity.replace('_', ' ').capitalize())}</h3><p>{_html_statement(k.subject, notes)}</p>"
        )
        body.append("<table><thead><tr><th>Value and who gives it</th></tr></thead><tbody>")
        body += [f"<tr><td>{_html_statement(s, notes)}</td></tr>" for s in k.values]
        body.append("</tbody></table></div>")
    body.append("</section>")
    body.append('<section id="timeline"><h2>Timeline</h2>')
    if not b.timeline:
        body.append('<p class="meta">No dated event in scope.</p>')
    else:
        body.append(
            '<table class="timeline"><thead><tr><th>Date</th><th>Precision</th><th>Event</th></tr></thead><tbody>'
        )
        body += [
            f"<tr><td>{_h(t.date)}</td><td>{_h(t.precision)}</td><td>{_html_statement(t.statement, notes)}</td></tr>"
            for t in b.timeline
        ]
        body.append("</tbody></table>")
    body.append("</section>")
    body.append('<section id="actors"><h2>Actors and affiliations</h2>')
    if not b.actors:
        body.append('<p class="meta">No actor in scope.</p>')
    for a in b.actors:
        body.append(f'<div class="actor"><h3>{_h(a.name)}</h3><p>{_html_statement(a.statement, notes)}</p>')
        body.append(_html_list(a.affiliations, notes) if a.affiliations else "")
        body.append("</div>")
    body.append("</section>")
    body.append('<section id="sources"><h2>Sources</h2><ol class="notes">')
    for n, cite in enumerate(notes.items, 1):
        link = cite.link()
        where = (
            f'<a class="ext" href="{_h(link)}">{_h(cite.locator)}</a>' if link else f"<code>{_h(cite.locator)}</code>"
        )
        body.append(
            f'<li id="n{n}"><span class="outlet">{_h(cite.outlet or "Unnamed outlet")}</span>, {_h(cite.date)}: '
            f'<q>{_h(cite.text)}</q> <span class="loc">{where}</span></li>'
        )
    body.append("</ol></section>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # no external request of any kind: the page must open offline and print as it shows
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f"<title>{_h(b.title)}</title>\n<style>\n{css}</style></head>\n<body>\n"
        + "\n".join(part for part in body if part)
        + "\n</body></html>\n"
    )


def _html_list(items: Sequence[Statement], notes: _Notes) -> str:
    return "<ul>" + "".join(f"<li>{_html_statement(s, notes)}</li>" for s in items) + "</ul>"


def render_briefing(b: Briefing, fmt: str) -> str:
    """``md`` or ``html``."""
    if fmt == "html":
        return render_html(b)
    if fmt == "md":
        return render_markdown(b)
    raise StorytraceError(f"unknown briefing format {fmt!r}", hint="use md or html")
