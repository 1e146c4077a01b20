"""Coreference scores: MUC, B³, CEAF-e and their mean (CoNLL F1), for event and entity benchmarks.

Clusterings are lists of sets of hashable mention keys. The definitions follow the reference scorer
(conll/reference-coreference-scorers v8.01, Pradhan et al. 2014):

* **MUC** (Vilain et al. 1995): recall = Σ_K (|K| − |p(K)|) / Σ_K (|K| − 1), where p(K) is the partition of a key
  cluster K by the response (a mention the response lacks is a part of its own); precision swaps the roles.
  Singletons add nothing to either side.
* **B³** (Bagga & Baldwin 1998): recall = Σ_K Σ_R |K∩R|² / |K| over the number of key mentions; precision swaps
  the roles. Every mention counts, singletons included.
* **CEAF-e** (Luo 2005): φ4(K, R) = 2|K∩R| / (|K| + |R|); the best one-to-one alignment of key and response
  clusters (Hungarian method, solved per connected group of overlapping clusters) gives Φ; recall = Φ / #key
  clusters, precision = Φ / #response clusters.

``without_singletons`` removes clusters of one mention from both sides before scoring, the setting Cattan et al.
(2021) recommend; the reference scorer keeps them (Barhom et al. 2019 and most ECB+ papers). Known gaps: no
mention-matching for predicted mentions (keys must be equal objects), no BLANC or LEA.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "Clusters",
    "Score",
    "b_cubed",
    "ceaf_e",
    "clusters_from_labels",
    "conll",
    "muc",
    "without_singletons",
]

Clusters = Sequence[frozenset[Hashable]]


@dataclass(frozen=True, slots=True)
class Score:
    recall: float
    precision: float

    @property
    def f1(self) -> float:
        total = self.recall + self.precision
        return 2 * self.recall * self.precision / total if total else 0.0


def clusters_from_labels(labels: Mapping[Hashable, Hashable]) -> list[frozenset[Hashable]]:
    """Group mention keys by their cluster label."""
    groups: dict[Hashable, set[Hashable]] = {}
    for mention, label in labels.items():
        groups.setdefault(label, set()).add(mention)
    return [frozenset(g) for g in groups.values()]


def without_singletons(clusters: Iterable[frozenset[Hashable]]) -> list[frozenset[Hashable]]:
    return [c for c in clusters if len(c) > 1]


def _index(clusters: Clusters) -> dict[Hashable, int]:
    return {m: i for i, c in enumerate(clusters) for m in c}


def _muc_side(a: Clusters, b: Clusters) -> tuple[int, int]:
    where = _index(b)
    numerator = denominator = 0
    for cluster in a:
        parts = {where.get(m, ("alone", m)) for m in cluster}  # a mention missing from b is a part by itself
        numerator += len(cluster) - len(parts)
        denominator += len(cluster) - 1
    return numerator, denominator


def muc(key: Clusters, response: Clusters) -> Score:
    rn, rd = _muc_side(key, response)
    pn, pd = _muc_side(response, key)
    return Score(rn / rd if rd else 0.0, pn / pd if pd else 0.0)


def _b_cubed_side(a: Clusters, b: Clusters) -> float:
    where = _index(b)
    mentions = sum(len(c) for c in a)
    total = 0.0
    for cluster in a:
        overlaps: dict[int, int] = {}
        for m in cluster:
            if m in where:
                overlaps[where[m]] = overlaps.get(where[m], 0) + 1
        total += sum(n * n for n in overlaps.values()) / len(cluster)
    return total / mentions if mentions else 0.0


def b_cubed(key: Clusters, response: Clusters) -> Score:
    return Score(_b_cubed_side(key, response), _b_cubed_side(response, key))


def _max_assignment(weights: list[list[float]]) -> float:
    """Maximum total weight of a one-to-one assignment of rows to columns (Hungarian method, rows <= columns)."""
    rows, cols = len(weights), len(weights[0])
    inf = float("inf")
    u = [0.0] * (rows + 1)
    v = [0.0] * (cols + 1)
    owner = [0] * (cols + 1)  # owner[j]: the row (1-based) assigned to column j, 0 = free
    for i in range(1, rows + 1):
        owner[0] = i
        j0 = 0
        slack = [inf] * (cols + 1)
        prev = [0] * (cols + 1)
        done = [False] * (cols + 1)
        while owner[j0]:
            done[j0] = True
            i0, delta, j1 = owner[j0], inf, 0
            for j in range(1, cols + 1):
                if done[j]:
                    continue
                reduced = -weights[i0 - 1][j - 1] - u[i0] - v[j]  # minimise the negated weights
                if reduced < slack[j]:
                    slack[j], prev[j] = reduced, j0
                if slack[j] < delta:
                    delta, j1 = slack[j], j
            for j in range(cols + 1):
                if done[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    slack[j] -= delta
            j0 = j1
        while j0:  # flip the augmenting path
            j1 = prev[j0]
            owner[j0] = owner[j1]
            j0 = j1
    return sum(weights[owner[j] - 1][j - 1] for j in range(1, cols + 1) if owner[j])


def _phi4_total(key: Clusters, response: Clusters) -> float:
    # Only overlapping clusters have φ4 > 0, so the alignment splits into connected groups: keeps each problem small.
    parent = list(range(len(key) + len(response)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    where = _index(response)
    for i, cluster in enumerate(key):
        for m in cluster:
            if m in where:
                parent[find(i)] = find(len(key) + where[m])
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for x in range(len(key) + len(response)):
        side = groups.setdefault(find(x), ([], []))
        (side[0] if x < len(key) else side[1]).append(x if x < len(key) else x - len(key))
    total = 0.0
    for ks, rs in groups.values():
        if not ks or not rs:
            continue
        weights = [[2 * len(key[i] & response[j]) / (len(key[i]) + len(response[j])) for j in rs] for i in ks]
        if len(ks) > len(rs):
            weights = [list(column) for column in zip(*weights, strict=True)]
        total += _max_assignment(weights)
    return total


def ceaf_e(key: Clusters, response: Clusters) -> Score:
    phi = _phi4_total(key, response)
    return Score(phi / len(key) if key else 0.0, phi / len(response) if response else 0.0)


def conll(key: Clusters, response: Clusters) -> dict[str, Score | float]:
    """MUC, B³ and CEAF-e scores, and ``conll``: the mean of their F1 (in [0, 1])."""
    scores: dict[str, Score] = {"muc": muc(key, response), "b3": b_cubed(key, response), "ceafe": ceaf_e(key, response)}
    return {**scores, "conll": sum(s.f1 for s in scores.values()) / 3}
