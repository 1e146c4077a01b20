"""The actor and affiliation graph the graph exports share (GraphML, GEXF, FtM, STIX): entities and their relations.

Nodes are the store's entities with kind, canonical name, spellings, report counts and, when a domain pack locates
them, coordinates. Edges are the roles and affiliations reports state (the ``relations`` layer, each end resolved to
an entity through the mention at or inside its offsets, else through its pack id), merged per (subject, kind,
object) with every stating sentence as evidence, plus the affiliations and roles the packs record (``via`` says
which). Pack ``leader_of`` is read as the reports' ``leads``; a pack role in an organisation is a ``member_of`` edge
with that role unless an edge already joins the two.

Known gaps: relation ends that resolve to no entity ("the group", "the station") and relations with no object
(``holds_role`` without an organisation, ``founded_in`` whose object is a date) give no edge; the dates of an edge
are when reports stated it (``first_reported``/``last_reported``), and only pack affiliations carry validity dates
(``start``/``end``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from storytrace.packs.loader import Actor
from storytrace.report.exports import ExportContext
from storytrace.store import Store

__all__ = ["ActorGraph", "Edge", "EntityResolver", "Evidence", "Node", "build_actor_graph", "place_chain"]

PLACE_KINDS = frozenset({"GPE", "LOC", "FAC"})
# Relations whose object is no actor, or that say two names are one.
_NO_EDGE = frozenset({"holds_role", "founded_in", "alias_of"})
_PACK_KINDS = {"leader_of": "leads"}


def stable_id(prefix: str, *parts: str) -> str:
    """``prefix`` + a short hash of ``parts``: the same content gives the same id on every export."""
    return prefix + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


@dataclass(slots=True)
class Node:
    id: str
    kind: str
    name: str
    aliases: list[str]
    documents: int
    mentions: int
    first_seen: str | None
    last_seen: str | None
    pack_id: str | None
    latitude: float | None = None
    longitude: float | None = None
    notes: str = ""
    roles: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Evidence:
    doc_id: str
    start: int
    end: int
    sentence: str
    outlet: str | None
    published: str | None
    url: str | None


@dataclass(slots=True)
class Edge:
    source: str
    target: str
    kind: str
    role: str | None = None
    via: set[str] = field(default_factory=set)  # report, pack
    evidence: list[Evidence] = field(default_factory=list)
    start: str | None = None  # validity, from the pack
    end: str | None = None

    @property
    def id(self) -> str:
        return stable_id("rel_", self.source, self.kind, self.target)

    @property
    def reports(self) -> int:
        return len({e.doc_id for e in self.evidence})

    @property
    def first_reported(self) -> str | None:
        return min((e.published for e in self.evidence if e.published), default=None)

    @property
    def last_reported(self) -> str | None:
        return max((e.published for e in self.evidence if e.published), default=None)


@dataclass(slots=True)
class ActorGraph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)


class EntityResolver:
    """The resolved entity of an argument span (a relation's end, an event's actor): the longest mention inside it,
    else the entity of its pack id."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.by_pack = {
            str(r[0]): str(r[1]) for r in store.db.execute("SELECT pack_id, id FROM entities WHERE pack_id IS NOT NULL")
        }

    def __call__(self, doc_id: str, arg: Any) -> str | None:
        if not isinstance(arg, dict):
            return None
        if isinstance(arg.get("start_char"), int) and isinstance(arg.get("end_char"), int):
            row = self.store.db.execute(
                "SELECT entity_id FROM mentions WHERE doc_id = ? AND start_char >= ? AND end_char <= ? "
                "ORDER BY end_char - start_char DESC, start_char LIMIT 1",
                (doc_id, arg["start_char"], arg["end_char"]),
            ).fetchone()
            if row:
                return str(row[0])
        pack_id = arg.get("entity_id")
        return self.by_pack.get(pack_id) if isinstance(pack_id, str) else None


def place_chain(pack_id: str | None, actors: Mapping[str, Actor]) -> list[Actor]:
    """The pack places a place lies in, nearest first, by following ``located_in`` (Baghdad → Iraq)."""
    chain: list[Actor] = []
    current = actors.get(pack_id) if pack_id else None
    while current is not None and len(chain) < 6:
        target = next((a.target for a in current.affiliations if a.kind == "located_in"), None)
        current = actors.get(target) if target else None
        if current is not None and current not in chain:
            chain.append(current)
    return chain


def _nodes(context: ExportContext) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    for r in context.records("entities"):
        actor = context.actors.get(r["pack_id"]) if r["pack_id"] else None
        node = Node(
            id=r["id"],
            kind=r["kind"],
            name=r["name"],
            aliases=[a for a in r["aliases"] if a != r["name"]],
            documents=r["documents"],
            mentions=r["mentions"],
            first_seen=r["first_seen"],
            last_seen=r["last_seen"],
            pack_id=r["pack_id"],
        )
        if actor is not None:
            node.notes = actor.notes
            node.roles = [role.title for role in actor.roles]
            if actor.coordinates is not None:
                node.latitude, node.longitude = actor.coordinates
        nodes[node.id] = node
    return nodes


def _stated(store: Store) -> Iterator[tuple[Any, dict[str, Any]]]:
    rows = store.db.execute(
        "SELECT s.doc_id, s.label, s.start_char, s.end_char, s.attrs, d.outlet, d.published_at, d.url, "
        "substr(d.text, json_extract(s.attrs, '$.sentence[0]') + 1, "
        "json_extract(s.attrs, '$.sentence[1]') - json_extract(s.attrs, '$.sentence[0]')) AS sentence "
        "FROM spans s JOIN documents d ON d.id = s.doc_id WHERE s.layer = 'relations' "
        "ORDER BY d.published_at, s.doc_id, s.start_char"
    )
    for r in rows:
        if r["label"] not in _NO_EDGE:
            yield r, json.loads(r["attrs"])


def build_actor_graph(context: ExportContext) -> ActorGraph:
    """Every entity as a node; the relations reports state and the packs' affiliations as edges."""
    graph = ActorGraph(_nodes(context))
    resolve = EntityResolver(context.store)
    edges: dict[tuple[str, str, str], Edge] = {}
    for r, attrs in _stated(context.store):
        a, b = resolve(r["doc_id"], attrs.get("subject")), resolve(r["doc_id"], attrs.get("object"))
        if not a or not b or a == b or a not in graph.nodes or b not in graph.nodes:
            continue
        edge = edges.setdefault((a, r["label"], b), Edge(a, b, r["label"]))
        edge.via.add("report")
        edge.role = edge.role or attrs.get("role")
        sentence = " ".join(str(r["sentence"] or "").split())
        edge.evidence.append(
            Evidence(r["doc_id"], r["start_char"], r["end_char"], sentence, r["outlet"], r["published_at"], r["url"])
        )
    for node in list(graph.nodes.values()):
        actor = context.actors.get(node.pack_id) if node.pack_id else None
        if actor is None:
            continue
        for aff in actor.affiliations:
            target = resolve.by_pack.get(aff.target)
            if not target or target == node.id:
                continue
            kind = _PACK_KINDS.get(aff.kind, aff.kind)
            edge = edges.setdefault((node.id, kind, target), Edge(node.id, target, kind))
            edge.via.add("pack")
            edge.start, edge.end = aff.start, aff.end
        for role in actor.roles:
            target = resolve.by_pack.get(role.organisation) if role.organisation else None
            if not target or target == node.id:
                continue
            joined = [e for (s, _, t), e in edges.items() if s == node.id and t == target]
            if not joined:
                joined = [edges.setdefault((node.id, "member_of", target), Edge(node.id, target, "member_of"))]
            for edge in joined:
                edge.via.add("pack")
                edge.role = edge.role or role.title
                edge.start, edge.end = edge.start or role.start, edge.end or role.end
    graph.edges = sorted(edges.values(), key=lambda e: (e.source, e.kind, e.target))
    return graph
