"""``graphml``: the actor and affiliation graph as GraphML, for Gephi, yEd, Cytoscape or networkx.

A directed graph: one node per entity (attributes ``label``, ``kind``, ``aliases`` joined by `` | ``,
``documents``, ``mentions``, ``first_seen``/``last_seen``, ``pack_id``, ``notes``, and ``latitude``/``longitude``
when a pack locates it) and one edge per (subject, relation, object) of ``actor_graph`` (attributes ``label`` and
``kind`` (the relation), ``role``, ``via``, ``reports``, ``first_reported``/``last_reported``, ``start``/``end``,
``evidence`` (the first stating sentence with outlet and date) and ``documents``). Written with the standard
library; the tests read it back with networkx.

Known gaps: the graph is the whole store's (no filter by entity or date); isolated entities are kept as nodes;
multi-valued attributes are joined strings, since GraphML has no list type.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import IO

from storytrace.report.exports import ExportContext, register_format
from storytrace.report.exports.actor_graph import ActorGraph, Edge, Node, build_actor_graph

__all__ = ["edge_attributes", "graphml_tree", "node_attributes"]

NS = "http://graphml.graphdrawing.org/xmlns"
_SCHEMA = "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"

NODE_KEYS = (
    ("label", "string"),
    ("kind", "string"),
    ("aliases", "string"),
    ("documents", "int"),
    ("mentions", "int"),
    ("first_seen", "string"),
    ("last_seen", "string"),
    ("pack_id", "string"),
    ("notes", "string"),
    ("latitude", "double"),
    ("longitude", "double"),
)
EDGE_KEYS = (
    ("label", "string"),
    ("kind", "string"),
    ("role", "string"),
    ("via", "string"),
    ("reports", "int"),
    ("first_reported", "string"),
    ("last_reported", "string"),
    ("start", "string"),
    ("end", "string"),
    ("evidence", "string"),
    ("documents", "string"),
)


def node_attributes(node: Node) -> dict[str, object]:
    """A node's attributes, without the empty ones (the graph formats leave absent values out)."""
    values: dict[str, object | None] = {
        "label": node.name,
        "kind": node.kind,
        "aliases": " | ".join(node.aliases),
        "documents": node.documents,
        "mentions": node.mentions,
        "first_seen": node.first_seen,
        "last_seen": node.last_seen,
        "pack_id": node.pack_id,
        "notes": node.notes,
        "latitude": node.latitude,
        "longitude": node.longitude,
    }
    return {k: v for k, v in values.items() if v not in (None, "")}


def edge_attributes(edge: Edge) -> dict[str, object]:
    first = edge.evidence[0] if edge.evidence else None
    evidence = f'{first.outlet or first.doc_id} ({(first.published or "")[:10]}): "{first.sentence}"' if first else ""
    values: dict[str, object | None] = {
        "label": edge.kind.replace("_", " "),
        "kind": edge.kind,
        "role": edge.role,
        "via": " | ".join(sorted(edge.via)),
        "reports": edge.reports,
        "first_reported": edge.first_reported,
        "last_reported": edge.last_reported,
        "start": edge.start,
        "end": edge.end,
        "evidence": evidence,
        "documents": " | ".join(dict.fromkeys(e.doc_id for e in edge.evidence)),
    }
    return {k: v for k, v in values.items() if v not in (None, "")}


def _text(value: object) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def graphml_tree(graph: ActorGraph) -> ET.Element:
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}graphml")
    root.set("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
    root.set("xsi:schemaLocation", _SCHEMA)
    for scope, keys in (("node", NODE_KEYS), ("edge", EDGE_KEYS)):
        for name, kind in keys:
            ET.SubElement(
                root,
                f"{{{NS}}}key",
                {"id": f"{scope[0]}_{name}", "for": scope, "attr.name": name, "attr.type": kind},
            )
    body = ET.SubElement(root, f"{{{NS}}}graph", {"id": "actors", "edgedefault": "directed"})
    for node in graph.nodes.values():
        element = ET.SubElement(body, f"{{{NS}}}node", {"id": node.id})
        for name, value in node_attributes(node).items():
            ET.SubElement(element, f"{{{NS}}}data", {"key": f"n_{name}"}).text = _text(value)
    for edge in graph.edges:
        element = ET.SubElement(body, f"{{{NS}}}edge", {"id": edge.id, "source": edge.source, "target": edge.target})
        for name, value in edge_attributes(edge).items():
            ET.SubElement(element, f"{{{NS}}}data", {"key": f"e_{name}"}).text = _text(value)
    ET.indent(root, space=" ")
    return root


@register_format(
    "graphml",
    description="the actor/affiliation graph as GraphML (entities as nodes, relations as edges), for Gephi",
    extension="graphml",
    media_type="application/graphml+xml",
)
def write_graphml(context: ExportContext, out: IO[str]) -> None:
    ET.ElementTree(graphml_tree(build_actor_graph(context))).write(out, encoding="unicode", xml_declaration=True)
    out.write("\n")
