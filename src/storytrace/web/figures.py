"""The actor graph and the map of places, laid out on the server for SVG (no JavaScript library, no tiles).

Graph: nodes are entities, edges are the roles and affiliations reports state (``relations`` spans, each end
resolved to an entity as the exports do: ``actor_graph.EntityResolver``) plus the affiliations the domain packs
record. Without a focus it reads at most ``MAX_RELATIONS`` relation spans (one bounded scan) and keeps the
best-attested edges; with a focus entity it reads only the reports naming it (through the mentions index).
Layout is a seeded Fruchterman-Reingold, so the same store draws the same picture.

Map: places are entities whose pack actor has coordinates, drawn with an equirectangular projection fitted to
them, over a graticule; there is no coastline outline (we ship no geodata), and places no pack locates are listed
beside the map instead.

Known gaps: edges from relations whose ends are not resolved entities ("the group") are dropped; the unfocused
graph is cached per dossier state and recomputed after each resolve, which takes a few seconds on big stores.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from typing import Any

from storytrace.packs.loader import Actor
from storytrace.report.exports.actor_graph import EntityResolver
from storytrace.store import Store

__all__ = ["Graph", "MapPoint", "build_graph", "layout", "place_points", "project"]

MAX_RELATIONS = 20_000
PLACE_KINDS = ("GPE", "LOC", "FAC")


@dataclass(slots=True)
class GraphEdge:
    source: str
    target: str
    kind: str
    count: int = 0
    via: str = "report"  # report, pack
    evidence: tuple[str, int, int] | None = None  # doc_id, start, end of one stating sentence
    line: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # drawn from edge to edge of the circles


@dataclass(slots=True)
class Graph:
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> name, kind, documents, x, y, r
    edges: list[GraphEdge] = field(default_factory=list)
    width: int = 960
    height: int = 640


def build_graph(
    store: Store, actors: dict[str, Actor], *, focus: str | None = None, max_nodes: int = 40, seed: int = 7
) -> Graph:
    """The actor/affiliation graph (around ``focus`` when given), laid out."""
    resolve = EntityResolver(store)
    edges: dict[tuple[str, str, str], GraphEdge] = {}
    if focus:
        docs = [
            r[0]
            for r in store.db.execute(
                "SELECT DISTINCT doc_id FROM mentions WHERE entity_id = ? ORDER BY doc_id DESC LIMIT 500", (focus,)
            )
        ]
        rows: list[Any] = []
        for doc_id in docs:
            rows += store.db.execute(
                "SELECT doc_id, label, start_char, end_char, attrs FROM spans WHERE doc_id = ? AND layer = 'relations'",
                (doc_id,),
            ).fetchall()
    else:
        rows = store.db.execute(
            "SELECT doc_id, label, start_char, end_char, attrs FROM spans WHERE layer = 'relations' LIMIT ?",
            (MAX_RELATIONS,),
        ).fetchall()
    for r in rows:
        attrs = json.loads(r["attrs"])
        a, b = resolve(r["doc_id"], attrs.get("subject")), resolve(r["doc_id"], attrs.get("object"))
        if not a or not b or a == b:
            continue
        edge = edges.setdefault((a, b, r["label"]), GraphEdge(a, b, r["label"]))
        edge.count += 1
        edge.evidence = edge.evidence or (r["doc_id"], r["start_char"], r["end_char"])
    # The packs' affiliations between entities of this store.
    by_pack = resolve.by_pack
    for pack_id, entity_id in by_pack.items():
        actor = actors.get(pack_id)
        if actor is None:
            continue
        for aff in actor.affiliations:
            target = by_pack.get(aff.target)
            if target and target != entity_id:
                key = (entity_id, target, aff.kind)
                edges.setdefault(key, GraphEdge(entity_id, target, aff.kind, 0, "pack"))
    chosen = sorted(edges.values(), key=lambda e: (-(e.count + (focus in (e.source, e.target))), e.kind))
    graph = Graph()
    keep: list[GraphEdge] = []
    names: set[str] = {focus} if focus else set()
    for edge in chosen:
        new = {edge.source, edge.target} - names
        if len(names) + len(new) > max_nodes:
            continue
        if focus and focus not in (edge.source, edge.target) and new:
            continue  # around a focus: its neighbours, and the links among them
        names |= new
        keep.append(edge)
    if not names:
        return graph
    marks = ", ".join("?" * len(names))
    for r in store.db.execute(f"SELECT id, name, kind, documents FROM entities WHERE id IN ({marks})", list(names)):
        graph.nodes[r["id"]] = {"name": r["name"], "kind": r["kind"], "documents": r["documents"]}
    graph.edges = [e for e in keep if e.source in graph.nodes and e.target in graph.nodes]
    layout(graph, seed=seed, focus=focus)
    return graph


def layout(graph: Graph, *, seed: int = 7, iterations: int = 200, focus: str | None = None) -> None:
    """Fruchterman-Reingold positions in the graph's box (deterministic for a seed); radius by report count."""
    ids = sorted(graph.nodes)
    rng = random.Random(seed)
    w, h = graph.width, graph.height
    pos = {n: [rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h] for n in ids}
    if focus in pos:
        pos[focus] = [w / 2, h / 2]
    k = math.sqrt(w * h / max(1, len(ids))) * 0.6
    temperature = w / 8
    for _ in range(iterations):
        moves = {n: [0.0, 0.0] for n in ids}
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
                d = max(0.01, math.hypot(dx, dy))
                push = k * k / d
                moves[a][0] += dx / d * push
                moves[a][1] += dy / d * push
                moves[b][0] -= dx / d * push
                moves[b][1] -= dy / d * push
        for e in graph.edges:
            dx, dy = pos[e.source][0] - pos[e.target][0], pos[e.source][1] - pos[e.target][1]
            d = max(0.01, math.hypot(dx, dy))
            pull = d * d / k
            moves[e.source][0] -= dx / d * pull
            moves[e.source][1] -= dy / d * pull
            moves[e.target][0] += dx / d * pull
            moves[e.target][1] += dy / d * pull
        for n in ids:
            if n == focus:
                continue
            # Gravity towards the centre keeps unconnected pieces in view instead of at the edges.
            moves[n][0] += (w / 2 - pos[n][0]) * 0.02 * k / 10
            moves[n][1] += (h / 2 - pos[n][1]) * 0.02 * k / 10
            dx, dy = moves[n]
            d = max(0.01, math.hypot(dx, dy))
            step = min(d, temperature)
            pos[n][0] = min(w - 160, max(40, pos[n][0] + dx / d * step))  # room for the label on the right
            pos[n][1] = min(h - 30, max(30, pos[n][1] + dy / d * step))
        temperature = max(1.0, temperature * 0.97)
    top = max((graph.nodes[n]["documents"] or 0 for n in ids), default=1) or 1
    for n in ids:
        node = graph.nodes[n]
        node["x"], node["y"] = round(pos[n][0], 1), round(pos[n][1], 1)
        node["r"] = round(5 + 12 * math.sqrt((node["documents"] or 0) / top), 1)
    for e in graph.edges:
        src, dst = graph.nodes[e.source], graph.nodes[e.target]
        dx, dy = dst["x"] - src["x"], dst["y"] - src["y"]
        d = max(0.01, math.hypot(dx, dy))
        # Stop at the target's rim so the arrowhead shows.
        ra, rb = min(src["r"], d / 2), min(dst["r"] + 2, d / 2)
        e.line = (
            round(src["x"] + dx / d * ra, 1),
            round(src["y"] + dy / d * ra, 1),
            round(dst["x"] - dx / d * rb, 1),
            round(dst["y"] - dy / d * rb, 1),
        )


@dataclass(slots=True)
class MapPoint:
    id: str
    name: str
    kind: str
    documents: int
    lat: float
    lon: float
    x: float = 0.0
    y: float = 0.0
    r: float = 4.0


def place_points(
    store: Store, actors: dict[str, Actor], limit: int = 500
) -> tuple[list[MapPoint], list[dict[str, Any]]]:
    """Places with pack coordinates (for the map) and the most reported places without (listed)."""
    marks = ", ".join("?" * len(PLACE_KINDS))
    located: list[MapPoint] = []
    unlocated: list[dict[str, Any]] = []
    for r in store.db.execute(
        f"SELECT id, name, kind, pack_id, documents FROM entities WHERE kind IN ({marks}) "
        "ORDER BY documents DESC, name LIMIT ?",
        (*PLACE_KINDS, limit),
    ):
        actor = actors.get(r["pack_id"]) if r["pack_id"] else None
        if actor is not None and actor.coordinates is not None:
            lat, lon = actor.coordinates
            located.append(MapPoint(r["id"], r["name"], r["kind"], r["documents"] or 0, lat, lon))
        else:
            unlocated.append(dict(r))
    return located, unlocated


def project(points: list[MapPoint], width: int = 960, height: int = 560, pad: float = 1.0) -> dict[str, Any]:
    """Equirectangular projection fitted to the points (longitude scaled by cos of the mean latitude)."""
    if not points:
        return {"width": width, "height": height, "lines": []}
    lat0, lat1 = min(p.lat for p in points) - pad, max(p.lat for p in points) + pad
    lon0, lon1 = min(p.lon for p in points) - pad, max(p.lon for p in points) + pad
    squash = math.cos(math.radians((lat0 + lat1) / 2))
    span_x, span_y = (lon1 - lon0) * squash, lat1 - lat0
    scale = min((width - 80) / span_x, (height - 60) / span_y)
    ox = (width - span_x * scale) / 2
    oy = (height - span_y * scale) / 2

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return round(ox + (lon - lon0) * squash * scale, 1), round(oy + (lat1 - lat) * scale, 1)

    top = max(p.documents for p in points) or 1
    for p in points:
        p.x, p.y = xy(p.lat, p.lon)
        p.r = round(3 + 9 * math.sqrt(p.documents / top), 1)
    step = _grid_step(max(lat1 - lat0, lon1 - lon0))
    lines: list[dict[str, Any]] = []
    lat = math.ceil(lat0 / step) * step
    while lat <= lat1:
        (x0, y), (x1, _) = xy(lat, lon0), xy(lat, lon1)
        lines.append({"x1": x0, "y1": y, "x2": x1, "y2": y, "label": f"{lat:g}°", "lx": x0 + 2, "ly": y - 2})
        lat += step
    lon = math.ceil(lon0 / step) * step
    while lon <= lon1:
        (x, y0), (_, y1) = xy(lat1, lon), xy(lat0, lon)
        lines.append({"x1": x, "y1": y0, "x2": x, "y2": y1, "label": f"{lon:g}°", "lx": x + 2, "ly": y1 - 2})
        lon += step
    return {"width": width, "height": height, "lines": lines}


def _grid_step(span: float) -> float:
    for step in (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0):
        if span / step <= 10:
            return step
    return 45.0
