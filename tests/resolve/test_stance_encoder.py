from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from storytrace.errors import PipelineError
from storytrace.resolve.stance_encoder import (
    DEFAULT_MODEL_DIR,
    TO_STANCE,
    StanceEncoder,
    default_stance_encoder,
    encode_pairs,
)

# Invented claims and headlines about invented places and groups.
CLAIM = "The Red Hand Brigade released the two engineers kidnapped in Sela"
DENIAL = "Red Hand Brigade denies releasing the engineers kidnapped in Sela"
SUPPORT = "Two engineers kidnapped in Sela freed by the Red Hand Brigade"
RUMOUR = "Red Hand Brigade may have released Sela engineers, unconfirmed reports say"
OTHER = "Bread prices rise again in the markets of Harbal"


@pytest.fixture(scope="module")
def encoder() -> StanceEncoder:
    return default_stance_encoder()


def test_stance_encoder_shipped_model_files() -> None:
    config = json.loads((DEFAULT_MODEL_DIR / "config.json").read_text(encoding="utf-8"))
    assert config["labels"] == ["for", "against", "observing"]
    assert set(TO_STANCE) == set(config["labels"])
    assert (DEFAULT_MODEL_DIR / "model.onnx").stat().st_size <= 25_000_000
    assert (DEFAULT_MODEL_DIR / "README.md").is_file()


def test_stance_encoder_probabilities_shape(encoder: StanceEncoder) -> None:
    pairs = [(CLAIM, DENIAL), (CLAIM, SUPPORT), (CLAIM, RUMOUR), (CLAIM, OTHER)]
    p = encoder.probabilities(pairs)
    assert p.shape == (4, 3)
    assert p.dtype == np.float32
    assert np.allclose(p.sum(axis=1), 1.0, atol=1e-5)
    assert (p >= 0).all()


def test_stance_encoder_predict_denial_is_against(encoder: StanceEncoder) -> None:
    (label, probability), (support_label, _), (rumour_label, _) = encoder.predict(
        [(CLAIM, DENIAL), (CLAIM, SUPPORT), (CLAIM, RUMOUR)]
    )
    assert label == "against"
    assert 0.5 < probability <= 1.0
    assert support_label == "for"
    assert rumour_label == "observing"


def test_stance_encoder_denial_scores_more_against_than_support(encoder: StanceEncoder) -> None:
    against = encoder.labels.index("against")
    p = encoder.probabilities([(CLAIM, DENIAL), (CLAIM, SUPPORT)])
    assert p[0, against] > p[1, against] + 0.3


def test_stance_encoder_predict_keeps_order_and_handles_empty(encoder: StanceEncoder) -> None:
    pairs = [(CLAIM, SUPPORT), (CLAIM, DENIAL)]
    forward = encoder.predict(pairs)
    backward = encoder.predict(pairs[::-1])
    assert forward == backward[::-1]
    assert encoder.predict([]) == []
    assert encoder.probabilities([]).shape == (0, 3)


def test_stance_encoder_batches_match_single_pairs() -> None:
    # Batch-mates (padding, dynamic-int8 scales) move probabilities a little, never the label of these clear cases;
    # a borderline pair ("Sela" alone) can flip, which is why the default is one pair per run.
    pairs = [(CLAIM, DENIAL), (CLAIM, SUPPORT), (CLAIM, "Sela")]
    single = StanceEncoder(batch_size=1).probabilities(pairs)
    batched = StanceEncoder(batch_size=8).probabilities(pairs)
    assert np.abs(single - batched).max() < 0.15
    assert (single[:2].argmax(1) == batched[:2].argmax(1)).all()
    assert np.array_equal(StanceEncoder(batch_size=1).probabilities(pairs[:1]), single[:1])  # alone: deterministic


def test_stance_encoder_encode_pairs_types_and_truncation(encoder: StanceEncoder) -> None:
    long_text = " ".join(["engineers"] * 300)
    ids, mask, types = encode_pairs(encoder.tokenizer, [(CLAIM, long_text), (CLAIM, "Sela")], max_length=32)
    assert ids.shape == mask.shape == types.shape == (2, 32)
    assert mask[1].sum() < 32 and ids[1, mask[1].sum() :].sum() == 0  # padded, not truncated
    assert types[0, 1] == 0 and types[0, 30] == 1  # claim segment, then text segment
    assert ids[0, 0] == 101 and ids[0, 31] == 102  # [CLS] ... [SEP] survive the cut


def test_stance_encoder_missing_file_error(tmp_path: Path) -> None:
    for name in ("config.json", "tokenizer.json"):
        shutil.copy(DEFAULT_MODEL_DIR / name, tmp_path / name)
    with pytest.raises(PipelineError, match=r"stance encoder file not found: .*model\.onnx") as caught:
        StanceEncoder(tmp_path)
    assert "train_stance_encoder.py" in str(caught.value)


def test_stance_encoder_broken_file_error(tmp_path: Path) -> None:
    for name in ("config.json", "tokenizer.json"):
        shutil.copy(DEFAULT_MODEL_DIR / name, tmp_path / name)
    (tmp_path / "model.onnx").write_bytes(b"not a model")
    with pytest.raises(PipelineError, match="cannot load the stance encoder"):
        StanceEncoder(tmp_path)
