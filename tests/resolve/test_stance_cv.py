"""The cross-validation tooling of the stance models: folds by claim, out-of-fold encoder predictions, and
``stance_of`` run over them (``scripts/train_stance.py --cv-product``)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import numpy as np
import pytest
from scripts.train_stance import LookupReader, encoder_oof, folds

from storytrace.resolve.stance import stance_of
from tests.resolve.records import claim
from tests.resolve.test_stance import ANCHOR, constant_model, unit

eval_stance = importlib.import_module("eval_stance")  # importing train_stance put benchmarks/ on sys.path


def rows_of(claims: int, per_claim: int) -> list[dict[str, str]]:
    return [
        {"claimId": f"c{c}", "claimHeadline": f"claim {c}", "articleHeadline": f"article {c}.{a}"}
        for c in range(claims)
        for a in range(per_claim)
    ]


def test_claim_folds_partition_the_claims_as_the_regression_cv_does() -> None:
    rows = rows_of(23, 3)
    by_claim = eval_stance.claim_folds(rows)
    assert len(by_claim) == 5
    assert set().union(*by_claim) == {f"c{c}" for c in range(23)}
    assert sum(len(f) for f in by_claim) == 23  # disjoint
    assert sorted(len(f) for f in by_claim) == [4, 4, 5, 5, 5]
    # The encoder trainer's --fold K holds out exactly what train_stance.folds holds out: same pairs scored.
    for held_claims, (train, held) in zip(by_claim, folds(rows), strict=True):
        assert {rows[i]["claimId"] for i in held} == held_claims
        assert not {rows[i]["claimId"] for i in train} & held_claims


def write_oof(path: Path, pairs: list[list[str]], by_epoch: dict[int, list[list[float]]]) -> Path:
    epochs = [{"epoch": e, "probabilities": p} for e, p in by_epoch.items()]
    path.write_text(json.dumps({"labels": ["for", "against", "observing"], "pairs": pairs, "epochs": epochs}))
    return path


def test_encoder_oof_reads_the_asked_epoch_and_averages_seeds(tmp_path: Path) -> None:
    pairs = [["claim 0", "article 0.0"], ["claim 1", "article 1.0"]]
    seed_a = write_oof(tmp_path / "a.json", pairs, {2: [[1, 0, 0], [0, 1, 0]], 3: [[0.6, 0.2, 0.2], [0, 0, 1]]})
    seed_b = write_oof(tmp_path / "b.json", pairs[:1], {3: [[0.2, 0.2, 0.6]]})
    table, labels = encoder_oof([seed_a, seed_b], 3)
    assert labels == ("for", "against", "observing")
    np.testing.assert_allclose(table[("claim 0", "article 0.0")], [0.4, 0.2, 0.4])  # both seeds, averaged
    np.testing.assert_allclose(table[("claim 1", "article 1.0")], [0, 0, 1])  # one seed only
    assert encoder_oof([seed_a], 2)[0][("claim 1", "article 1.0")].argmax() == 1


def test_stance_of_blends_the_out_of_fold_prediction_of_the_pair_it_is_asked() -> None:
    c, a = claim("The Red Hand Brigade freed the two engineers taken in Sela"), claim(ANCHOR)
    reader = LookupReader({(a.text, c.text): np.array([0.0, 0.0, 1.0])}, ("for", "against", "observing"))
    unsure = constant_model((0.5, 0.0, 0.0))  # p(supports) = 0.45: the encoder is asked
    stance = stance_of(c, a, vector=unit(1), anchor_vector=unit(2), model=unsure, encoder=reader)
    assert stance.report == "reports" and "with the encoder" in stance.reason
    with pytest.raises(KeyError):  # a pair without an out-of-fold prediction is an error, not a silent guess
        stance_of(claim("Another claim"), a, vector=unit(1), anchor_vector=unit(2), model=unsure, encoder=reader)


def test_a_pair_shown_without_its_narrowing_tail_reads_the_full_pairs_prediction() -> None:
    anchor = "There were contacts with the Red Hand Brigade through intermediaries in Sela"
    full = "Contacts did take place in Sela, though not at ministerial level"
    reader = LookupReader({(anchor, full): np.array([0.7, 0.1, 0.2])}, ("for", "against", "observing"))
    shown = (anchor, "Contacts did take place in Sela")
    np.testing.assert_allclose(reader.probabilities([shown])[0], [0.7, 0.1, 0.2])
    assert reader.fallbacks == 1
    with pytest.raises(KeyError):  # any other unseen wording is still an error
        reader.probabilities([(anchor, "Contacts did take place")])
