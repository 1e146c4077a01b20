"""``gexf``: the actor and affiliation graph as GEXF 1.3, Gephi's own format.

The same nodes, edges and attributes as ``graphml`` (see actor_graph.py): declared attributes (``attributes``
of class node and edge, typed string, integer or double), each node with ``label`` and its attribute values, each
directed edge with ``label`` (the relation), ``weight`` (the number of reports stating it, at least 1) and its
attribute values. Written with the standard library; the tests read it back with networkx.

Known gaps: a static graph: the dates of edges are attribute values, not GEXF spells, so Gephi's timeline does
not animate them; no ``viz`` positions or colours (Gephi lays the graph out).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import IO

from storytrace import __version__
from storytrace.report.exports import ExportContext, register_format
from storytrace.report.exports.actor_graph import ActorGraph, build_actor_graph
from storytrace.report.exports.graphml import EDGE_KEYS, NODE_KEYS, edge_attributes, node_attributes

__all__ = ["gexf_tree"]

NS = "http://gexf.net/1.3"
_SCHEMA = "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
_TYPES = {"string": "string", "int": "integer", "double": "double"}


def _text(value: object) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def gexf_tree(graph: ActorGraph) -> ET.Element:
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}gexf", {"version": "1.3"})
    root.set("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
    root.set("xsi:schemaLocation", _SCHEMA)
    meta = ET.SubElement(root, f"{{{NS}}}meta")
    ET.SubElement(meta, f"{{{NS}}}creator").text = f"storytrace {__version__}"
    ET.SubElement(meta, f"{{{NS}}}description").text = "Actors and the affiliations reports state or packs record"
    body = ET.SubElement(root, f"{{{NS}}}graph", {"defaultedgetype": "directed", "mode": "static"})
    ids: dict[str, dict[str, str]] = {}
    # "label" is the element's own attribute in GEXF, not a declared one.
    for scope, keys in (("node", NODE_KEYS), ("edge", EDGE_KEYS)):
        declared = ET.SubElement(body, f"{{{NS}}}attributes", {"class": scope})
        ids[scope] = {}
        for number, (name, kind) in enumerate(k for k in keys if k[0] != "label"):
            ids[scope][name] = str(number)
            ET.SubElement(declared, f"{{{NS}}}attribute", {"id": str(number), "title": name, "type": _TYPES[kind]})
    nodes = ET.SubElement(body, f"{{{NS}}}nodes")
    for node in graph.nodes.values():
        element = ET.SubElement(nodes, f"{{{NS}}}node", {"id": node.id, "label": node.name})
        values = ET.SubElement(element, f"{{{NS}}}attvalues")
        for name, value in node_attributes(node).items():
            if name != "label":
                ET.SubElement(values, f"{{{NS}}}attvalue", {"for": ids["node"][name], "value": _text(value)})
    edges = ET.SubElement(body, f"{{{NS}}}edges")
    for edge in graph.edges:
        attrs = edge_attributes(edge)
        element = ET.SubElement(
            edges,
            f"{{{NS}}}edge",
            {
                "id": edge.id,
                "source": edge.source,
                "target": edge.target,
                "label": str(attrs["label"]),
                "weight": str(max(edge.reports, 1)),
            },
        )
        values = ET.SubElement(element, f"{{{NS}}}attvalues")
        for name, value in attrs.items():
            if name != "label":
                ET.SubElement(values, f"{{{NS}}}attvalue", {"for": ids["edge"][name], "value": _text(value)})
    ET.indent(root, space=" ")
    return root


@register_format(
    "gexf",
    description="the actor/affiliation graph as GEXF 1.3 (Gephi's format), same content as graphml",
    extension="gexf",
    media_type="application/gexf+xml",
)
def write_gexf(context: ExportContext, out: IO[str]) -> None:
    ET.ElementTree(gexf_tree(build_actor_graph(context))).write(out, encoding="unicode", xml_declaration=True)
    out.write("\n")
