"""``ftm``: FollowTheMoney entities as JSON lines, for Aleph / OpenAleph (``ftm`` and ``alephclient`` read them).

One entity per line (``{"id", "schema", "properties"}`` with every value a string in a list, already in FtM's
cleaned form):

* **Person** (PER), **Organization** (ORG) and **Address** (GPE, LOC, FAC: ``full`` and, when a domain pack
  locates the place, ``latitude``/``longitude``) for the store's entities, with ``alias`` (the other spellings
  reports use), ``notes`` and, for people, ``position`` (the pack's roles);
* **Article** for each report: ``title``, ``publishedAt`` (UTC), ``publisher`` (the outlet), ``sourceUrl``,
  ``language``, ``bodyText`` (the cleaned text) and ``peopleMentioned``/``locationMentioned``/``namesMentioned``;
* **Mention** for each (report, entity): ``document`` → the Article, ``resolved`` → the entity, ``name`` (the
  spellings used in that report) and ``detectedSchema``;
* **Directorship** (leads, commands, founded_by), **Membership** (member_of, part_of, spokesman_for, works_for) and
  **UnknownLink** (any other relation, or one whose ends do not fit the schema's ranges) for the edges of the actor
  graph, with ``role``, ``startDate``/``endDate`` (pack), ``description`` (the first stating sentence),
  ``summary``, ``proof`` (the Articles stating it) and ``sourceUrl``.

Ids are ours made FtM-safe (``ain-bashura:per/x`` → ``ain-bashura-per-x``, ``doc_…`` → ``doc-…``), so the same
store gives the same ids on every export and Aleph updates entities in place.

Known gaps: NORP and MISC entities are left out (FtM has no schema for a nationality or an unnamed group);
``country`` is not set (packs do not give ISO codes); events and claims are not exported (FtM ``Event`` and
``Note`` would fit; use the STIX or JSON export for claims).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

from storytrace.report.exports import ExportContext, register_format
from storytrace.report.exports.actor_graph import Edge, Node, build_actor_graph, stable_id

__all__ = ["ftm_entities", "ftm_id"]

SCHEMA_BY_KIND = {"PER": "Person", "ORG": "Organization", "GPE": "Address", "LOC": "Address", "FAC": "Address"}
_DIRECTORSHIP = frozenset({"leads", "commands", "founded_by"})
_MEMBERSHIP = frozenset({"member_of", "part_of", "spokesman_for", "works_for"})
# ISO 639-1 (what the language detector gives) -> ISO 639-3 (what FtM stores).
_LANGUAGES = {
    "ar": "ara",
    "de": "deu",
    "en": "eng",
    "es": "spa",
    "fa": "fas",
    "fr": "fra",
    "he": "heb",
    "it": "ita",
    "ku": "kur",
    "ru": "rus",
    "tr": "tur",
    "ur": "urd",
}
_UNSAFE = re.compile(r"[^0-9A-Za-z.-]+")
_DATE_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def ftm_id(our_id: str) -> str:
    """Our id with the characters FtM ids do not allow (``:``, ``/``, ``_``) turned into hyphens."""
    return _UNSAFE.sub("-", our_id).strip("-.")


def _date(value: str | None) -> str | None:
    """A date in FtM's cleaned form: a prefix date, or a timestamp in UTC without its offset."""
    if not value:
        return None
    if _DATE_PREFIX.match(value):
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value[:10] if _DATE_PREFIX.match(value[:10]) else None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds")


def _entity(schema: str, entity_id: str, **properties: Any) -> dict[str, Any]:
    props: dict[str, list[str]] = {}
    for name, value in properties.items():
        values = value if isinstance(value, list) else [value]
        cleaned = list(dict.fromkeys(str(v) for v in values if v not in (None, "")))
        if cleaned:
            props[name] = cleaned
    return {"id": entity_id, "schema": schema, "properties": props}


def _node_entity(node: Node) -> dict[str, Any] | None:
    schema = SCHEMA_BY_KIND.get(node.kind)
    if schema is None:
        return None
    if schema == "Address":
        return _entity(
            schema,
            ftm_id(node.id),
            full=node.name,
            name=node.name,
            alias=node.aliases,
            notes=node.notes,
            latitude=None if node.latitude is None else repr(node.latitude),
            longitude=None if node.longitude is None else repr(node.longitude),
        )
    extra = {"position": node.roles} if schema == "Person" else {}
    return _entity(schema, ftm_id(node.id), name=node.name, alias=node.aliases, notes=node.notes, **extra)


def _edge_entity(edge: Edge, nodes: dict[str, Node]) -> dict[str, Any] | None:
    source, target = nodes.get(edge.source), nodes.get(edge.target)
    if source is None or target is None or not {source.kind, target.kind} <= set(SCHEMA_BY_KIND):
        return None
    legal = ("PER", "ORG")
    first = edge.evidence[0] if edge.evidence else None
    common: dict[str, Any] = {
        "role": edge.role or edge.kind.replace("_", " "),
        "startDate": edge.start,
        "endDate": edge.end,
        "description": first.sentence if first else None,
        "summary": _summary(edge),
        "proof": [ftm_id(e.doc_id) for e in edge.evidence],
        "sourceUrl": [e.url for e in edge.evidence if e.url][:1],
    }
    entity_id = ftm_id(edge.id)
    if edge.kind in _DIRECTORSHIP and target.kind == "ORG" and source.kind in legal:
        return _entity("Directorship", entity_id, director=ftm_id(source.id), organization=ftm_id(target.id), **common)
    if edge.kind == "founded_by" and source.kind == "ORG" and target.kind in legal:
        common["role"] = edge.role or "founder"
        return _entity("Directorship", entity_id, director=ftm_id(target.id), organization=ftm_id(source.id), **common)
    if edge.kind in _MEMBERSHIP and target.kind == "ORG" and source.kind in legal:
        return _entity("Membership", entity_id, member=ftm_id(source.id), organization=ftm_id(target.id), **common)
    common["role"] = edge.kind.replace("_", " ") + (f" ({edge.role})" if edge.role else "")
    return _entity("UnknownLink", entity_id, subject=ftm_id(source.id), object=ftm_id(target.id), **common)


def _summary(edge: Edge) -> str:
    parts = []
    if edge.reports:
        parts.append(f"stated in {edge.reports} report{'s' if edge.reports > 1 else ''}")
    if "pack" in edge.via:
        parts.append("recorded in the domain pack")
    return f"{edge.kind.replace('_', ' ')}: " + "; ".join(parts)


def _articles(context: ExportContext, nodes: dict[str, Node]) -> Iterator[dict[str, Any]]:
    seen: dict[str, dict[str, list[str]]] = {}
    for r in context.store.db.execute("SELECT doc_id, entity_id, text FROM mentions ORDER BY doc_id, start_char"):
        seen.setdefault(r["doc_id"], {}).setdefault(r["entity_id"], []).append(r["text"])
    for doc in context.records("documents"):
        doc_id = doc["id"]
        # One text at a time: a big store's texts do not fit in memory together.
        text = context.store.db.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
        entities = {e: names for e, names in seen.get(doc_id, {}).items() if e in nodes}
        people = [nodes[e].name for e in entities if nodes[e].kind == "PER"]
        places = [nodes[e].name for e in entities if nodes[e].kind in ("GPE", "LOC", "FAC")]
        yield _entity(
            "Article",
            ftm_id(doc_id),
            title=doc["title"],
            publishedAt=_date(doc["published"]),
            publisher=doc["outlet"],
            sourceUrl=doc["url"],
            language=_LANGUAGES.get(doc["lang"] or ""),
            bodyText=text,
            peopleMentioned=people,
            locationMentioned=places,
            namesMentioned=[nodes[e].name for e in entities],
        )
        for entity_id, names in entities.items():
            schema = SCHEMA_BY_KIND.get(nodes[entity_id].kind)
            if schema is None:
                continue
            yield _entity(
                "Mention",
                ftm_id(stable_id("mention_", doc_id, entity_id)),
                document=ftm_id(doc_id),
                resolved=ftm_id(entity_id),
                name=names,
                detectedSchema=schema,
            )


def ftm_entities(context: ExportContext) -> Iterator[dict[str, Any]]:
    """Every FtM entity of the export, entities first, then reports with their mentions, then links."""
    graph = build_actor_graph(context)
    for node in graph.nodes.values():
        entity = _node_entity(node)
        if entity is not None:
            yield entity
    yield from _articles(context, graph.nodes)
    for edge in graph.edges:
        link = _edge_entity(edge, graph.nodes)
        if link is not None:
            yield link


@register_format(
    "ftm",
    description="FollowTheMoney entities as JSON lines (people, organisations, places, articles, links) for Aleph",
    extension="ftm.json",
    media_type="application/x-ndjson",
)
def write_ftm(context: ExportContext, out: IO[str]) -> None:
    for entity in ftm_entities(context):
        out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
