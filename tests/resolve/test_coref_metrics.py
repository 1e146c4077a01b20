from __future__ import annotations

import itertools
import random
from collections.abc import Hashable

import pytest

from storytrace.resolve.coref_metrics import (
    Score,
    _max_assignment,
    b_cubed,
    ceaf_e,
    clusters_from_labels,
    conll,
    muc,
    without_singletons,
)


def _c(*groups: str) -> list[frozenset[Hashable]]:
    return [frozenset(g) for g in groups]


# Key {a b c} {d e} {f}; response {a b} {c d e} {f}: every number below is worked out by hand.
KEY = _c("abc", "de", "f")
RESPONSE = _c("ab", "cde", "f")


def test_muc_by_hand() -> None:
    # recall: {a b c} is cut in 2 parts (3-2=1), {d e} in 1 (2-1=1) over (2+1) links; precision alike.
    s = muc(KEY, RESPONSE)
    assert s.recall == pytest.approx(2 / 3) and s.precision == pytest.approx(2 / 3)


def test_b_cubed_by_hand() -> None:
    # recall: (2²+1²)/3 + 2²/2 + 1 = 14/3 over 6 mentions; precision: 2²/2 + (1²+2²)/3 + 1 = 14/3 over 6.
    s = b_cubed(KEY, RESPONSE)
    assert s.recall == pytest.approx(7 / 9) and s.precision == pytest.approx(7 / 9)


def test_ceaf_e_by_hand() -> None:
    # best alignment: abc-ab 2·2/5, de-cde 2·2/5, f-f 1 = 2.6 over 3 clusters each side.
    s = ceaf_e(KEY, RESPONSE)
    assert s.recall == pytest.approx(2.6 / 3) and s.precision == pytest.approx(2.6 / 3)


def test_conll_is_the_mean_of_three_f1() -> None:
    result = conll(KEY, RESPONSE)
    assert result["conll"] == pytest.approx((2 / 3 + 7 / 9 + 2.6 / 3) / 3)


def test_without_singletons_by_hand() -> None:
    key, response = without_singletons(KEY), without_singletons(RESPONSE)
    assert b_cubed(key, response).recall == pytest.approx((5 / 3 + 2) / 5)
    assert ceaf_e(key, response).f1 == pytest.approx(0.8)
    assert muc(key, response).f1 == pytest.approx(2 / 3)  # MUC never sees singletons


def test_asymmetric_sizes() -> None:
    # key one cluster of 4, response all singletons: MUC recall 0 (precision undefined -> 0), B³ P=1, R=1/4.
    key, response = _c("abcd"), _c("a", "b", "c", "d")
    assert muc(key, response) == Score(0.0, 0.0)
    s = b_cubed(key, response)
    assert (s.recall, s.precision) == (pytest.approx(0.25), pytest.approx(1.0))
    # φ4(abcd, a) = 2/5 for the one aligned pair: recall 0.4/1, precision 0.4/4
    c = ceaf_e(key, response)
    assert (c.recall, c.precision) == (pytest.approx(0.4), pytest.approx(0.1))


def test_perfect_response_scores_one() -> None:
    result = conll(KEY, list(reversed(KEY)))
    assert result["conll"] == pytest.approx(1.0)


def test_hungarian_matches_brute_force() -> None:
    rng = random.Random(7)
    for _ in range(200):
        rows, cols = rng.randint(1, 4), rng.randint(1, 5)
        if rows > cols:
            rows, cols = cols, rows
        weights = [[rng.choice([0.0, 0.25, 0.4, 0.5, 0.8, 1.0]) for _ in range(cols)] for _ in range(rows)]
        best = max(sum(weights[i][p[i]] for i in range(rows)) for p in itertools.permutations(range(cols), rows))
        assert _max_assignment(weights) == pytest.approx(best)


def test_ceaf_aligns_each_cluster_once() -> None:
    # key {a b} {c d}, response {a b c} {d}: φ4 ab-abc 4/5, cd-abc 2/5, cd-d 2/3; best = 4/5 + 2/3 per 2 clusters.
    key, response = _c("ab", "cd"), _c("abc", "d")
    s = ceaf_e(key, response)
    assert s.recall == pytest.approx((4 / 5 + 2 / 3) / 2) and s.precision == pytest.approx((4 / 5 + 2 / 3) / 2)
    # one response cluster for two key clusters: only one pair is aligned (abcd-abcde: 8/9).
    s = ceaf_e(_c("abcd", "e"), _c("abcde"))
    assert (s.recall, s.precision) == (pytest.approx(4 / 9), pytest.approx(8 / 9))


def test_clusters_from_labels() -> None:
    got = clusters_from_labels({"a": 1, "b": 1, "c": 2})
    assert sorted(sorted(str(m) for m in c) for c in got) == [["a", "b"], ["c"]]
