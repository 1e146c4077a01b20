"""``stix``: the dossier as one STIX 2.1 bundle, for threat-intelligence platforms (OpenCTI, MISP, TAXII servers).

Objects (all STIX 2.1 core, no custom properties):

* an ``identity`` (class ``system``) for storytrace, the ``created_by_ref`` of every object, and one (class
  ``organization``) per outlet;
* per entity: an organisation that reports show carrying out violence (the resolved actor of an attack, clash,
  strike, bombing, killing or abduction) is a ``threat-actor`` with its spellings as ``aliases``; any other
  organisation is an ``identity`` (class ``organization``), a person an ``identity`` (class ``individual``, the
  pack's roles as ``roles``); a place a domain pack locates is a ``location`` (``latitude``/``longitude``);
* a ``report`` per document (``published``, the outlet's identity and the entities it names in ``object_refs``,
  its URL and our id in ``external_references``);
* a ``note`` per proposition (``abstract`` its wording, ``content`` its status and why, ``labels`` the status,
  ``object_refs`` the reports behind it) and an ``opinion`` per claim on it (supports → ``agree``, refutes →
  ``disagree``, otherwise ``neutral``; ``explanation`` the report's sentence, ``authors`` the speaker);
* a ``relationship`` per edge of the actor graph between exported objects (``located_in`` → ``located-at``, other
  kinds hyphenated: ``leads``, ``member-of``, ``backed-by`` …; ``description`` the stating sentence, pack dates as
  ``start_time``/``stop_time``).

Ids are UUIDv5 of the object's type and our id in a storytrace namespace, and ``created``/``modified`` come from
the reports' dates, so exporting the same store twice gives the same bundle (re-imports update, not duplicate).

Known gaps: places no pack locates have no ``location`` (STIX requires coordinates, a region or a country code);
events are not exported (STIX 2.1 has no event object; ``incident`` is a stub); relationship types other than
``located-at`` are outside the STIX vocabulary (allowed, but a platform may show them as custom); ``intrusion-set``
is never used, since nothing in news reports marks a cyber intrusion set.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import IO, Any

from storytrace.report.exports import ExportContext, register_format
from storytrace.report.exports.actor_graph import ActorGraph, EntityResolver, Node, build_actor_graph
from storytrace.report.exports.events_csv import ACLED_TYPES, BATTLES, CIVILIANS, REMOTE

__all__ = ["NAMESPACE", "stix_bundle", "stix_id"]

NAMESPACE = uuid.UUID("6f0e3bf4-54a8-5d52-9c2a-4c7d2f3c5e11")  # fixed: changing it would change every id
EPOCH = "1970-01-01T00:00:00.000Z"
_VIOLENT = frozenset(t for t, (kind, _) in ACLED_TYPES.items() if kind in (BATTLES, REMOTE, CIVILIANS))
_OPINIONS = {"supports": "agree", "refutes": "disagree"}
_RELATIONSHIP_TYPES = {"located_in": "located-at"}


def stix_id(kind: str, key: str) -> str:
    """``kind--uuid5(namespace, kind:key)``: the same record always gets the same id."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, f'{kind}:{key}')}"


def _ts(value: str | None) -> str | None:
    """A STIX timestamp (UTC, milliseconds, ``Z``) from an ISO date or datetime; None if it has no calendar date."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value if len(value) > 7 else f"{value}-01"[:10])
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class _Bundle:
    """Objects in the order they are added, with the common properties every SDO needs."""

    def __init__(self, earliest: str) -> None:
        self.objects: list[dict[str, Any]] = []
        self.earliest = earliest
        self.author = stix_id("identity", "storytrace")
        self.add("identity", "storytrace", None, None, name="storytrace", identity_class="system", author=False)

    def add(
        self, kind: str, key: str, created: str | None, modified: str | None, *, author: bool = True, **props: Any
    ) -> str:
        first = _ts(created) or self.earliest
        last = max(_ts(modified) or first, first)
        obj: dict[str, Any] = {
            "type": kind,
            "spec_version": "2.1",
            "id": stix_id(kind, key),
            "created": first,
            "modified": last,
        }
        if author:
            obj["created_by_ref"] = self.author
        obj.update({k: v for k, v in props.items() if v not in (None, "", [])})
        self.objects.append(obj)
        return str(obj["id"])


def _violent_orgs(context: ExportContext) -> set[str]:
    """Entities that a report names as the actor of a violent event."""
    resolve = EntityResolver(context.store)
    marks = ", ".join("?" * len(_VIOLENT))
    actors: set[str] = set()
    rows = context.store.db.execute(
        f"SELECT doc_id, attrs FROM spans WHERE layer = 'events' AND label IN ({marks})", sorted(_VIOLENT)
    )
    for r in rows:
        attrs = json.loads(r["attrs"])
        if attrs.get("negated"):
            continue
        for arg in attrs.get("actors") or []:
            entity = resolve(r["doc_id"], arg)
            if entity:
                actors.add(entity)
    return actors


def _entity_object(bundle: _Bundle, node: Node, violent: set[str]) -> str | None:
    spelled = f"Also written: {', '.join(node.aliases)}." if node.aliases else ""
    description = " ".join(p for p in (node.notes, spelled) if p)
    dates = (node.first_seen, node.last_seen)
    if node.kind == "ORG" and node.id in violent:
        return bundle.add("threat-actor", node.id, *dates, name=node.name, aliases=node.aliases, description=node.notes)
    if node.kind in ("ORG", "PER"):
        return bundle.add(
            "identity",
            node.id,
            *dates,
            name=node.name,
            identity_class="individual" if node.kind == "PER" else "organization",
            roles=node.roles,
            description=description,
        )
    if node.kind in ("GPE", "LOC", "FAC") and node.latitude is not None and node.longitude is not None:
        return bundle.add(
            "location",
            node.id,
            *dates,
            name=node.name,
            latitude=node.latitude,
            longitude=node.longitude,
            description=description,
        )
    return None


def _reports(context: ExportContext, bundle: _Bundle, exported: dict[str, str]) -> dict[str, str]:
    named: dict[str, list[str]] = {}
    for r in context.store.db.execute("SELECT DISTINCT doc_id, entity_id FROM mentions ORDER BY doc_id, entity_id"):
        if r["entity_id"] in exported:
            named.setdefault(r["doc_id"], []).append(exported[r["entity_id"]])
    outlets: dict[str, str] = {}
    reports: dict[str, str] = {}
    for doc in context.records("documents"):
        outlet = doc["outlet"] or "unknown outlet"
        if outlet not in outlets:
            outlets[outlet] = bundle.add(
                "identity", f"outlet:{outlet}", doc["published"], None, name=outlet, identity_class="organization"
            )
        reference: dict[str, str] = {"source_name": outlet, "external_id": doc["id"]}
        if doc["url"]:
            reference["url"] = doc["url"]
        reports[doc["id"]] = bundle.add(
            "report",
            doc["id"],
            doc["published"],
            None,
            name=doc["title"] or f"{outlet} report {doc['id']}",
            published=_ts(doc["published"]) or bundle.earliest,
            object_refs=[outlets[outlet], *named.get(doc["id"], [])],
            external_references=[reference],
        )
    return reports


def _propositions(context: ExportContext, bundle: _Bundle, reports: dict[str, str]) -> None:
    claims: dict[str, list[dict[str, Any]]] = {}
    for claim in context.records("claims"):
        if claim["proposition_id"]:
            claims.setdefault(claim["proposition_id"], []).append(claim)
    for prop in context.records("propositions"):
        members = claims.get(prop["id"], [])
        refs = list(dict.fromkeys(reports[c["doc_id"]] for c in members if c["doc_id"] in reports))
        if not refs:
            continue
        note = bundle.add(
            "note",
            prop["id"],
            prop["first_seen"],
            prop["last_seen"],
            abstract=prop["text"],
            content=f"{prop['status']}: " + " ".join(prop["reasons"]),
            authors=["storytrace"],
            labels=[prop["status"]],
            object_refs=refs,
        )
        for claim in members:
            bundle.add(
                "opinion",
                claim["id"],
                claim["published"],
                None,
                opinion=_OPINIONS.get(claim["stance"] or "", "neutral"),
                explanation=" ".join(str(claim["sentence"] or claim["text"]).split()),
                authors=[claim["speaker"]] if claim["speaker"] else None,
                object_refs=[note, reports[claim["doc_id"]]],
            )


def _relationships(graph: ActorGraph, bundle: _Bundle, exported: dict[str, str]) -> None:
    for edge in graph.edges:
        source, target = exported.get(edge.source), exported.get(edge.target)
        if not source or not target:
            continue
        first = edge.evidence[0] if edge.evidence else None
        start, stop = _ts(edge.start), _ts(edge.end)
        bundle.add(
            "relationship",
            edge.id,
            edge.first_reported,
            edge.last_reported,
            relationship_type=_RELATIONSHIP_TYPES.get(edge.kind, edge.kind.replace("_", "-")),
            source_ref=source,
            target_ref=target,
            description=first.sentence if first else f"{edge.kind.replace('_', ' ')} (domain pack)",
            start_time=start,
            stop_time=stop if stop and (not start or stop > start) else None,
        )


def stix_bundle(context: ExportContext) -> dict[str, Any]:
    """The bundle as a JSON-ready dict."""
    row = context.store.db.execute("SELECT MIN(published_at) FROM documents WHERE published_at IS NOT NULL").fetchone()
    bundle = _Bundle(_ts(row[0]) or EPOCH)
    graph = build_actor_graph(context)
    violent = _violent_orgs(context)
    exported: dict[str, str] = {}
    for node in graph.nodes.values():
        ref = _entity_object(bundle, node, violent)
        if ref:
            exported[node.id] = ref
    reports = _reports(context, bundle, exported)
    _propositions(context, bundle, reports)
    _relationships(graph, bundle, exported)
    ids = "\n".join(sorted(o["id"] for o in bundle.objects))
    return {"type": "bundle", "id": stix_id("bundle", ids), "objects": bundle.objects}


@register_format(
    "stix",
    description="a STIX 2.1 bundle (identities, threat actors, locations, reports, notes, opinions, relationships)",
    extension="stix.json",
    media_type="application/stix+json;version=2.1",
)
def write_stix(context: ExportContext, out: IO[str]) -> None:
    json.dump(stix_bundle(context), out, ensure_ascii=False, indent=1)
    out.write("\n")
