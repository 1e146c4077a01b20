"""Stance of a text toward a claim by a fine-tuned MiniLM cross-encoder in ONNX int8 (no torch at run time).

The shipped model (``storytrace/models/stance-encoder/``, card in its ``README.md``) is all-MiniLM-L6-v2
fine-tuned by ``scripts/train_stance_encoder.py`` on the (claim headline, article headline) pairs of the Emergent
train split: given a **claim** (the proposition) and a **text** that talks about it, it says whether the text is
``for`` it, ``against`` it or ``observing`` (relays it without taking a side). ``TO_STANCE`` maps these to
``resolve.stance``'s supports / refutes / reports. ``resolve.stance.stance_of`` asks it about (anchor, claim) when
its regression is unsure and averages the two: the labels are the **report's** reading (an attributed assertion is
``observing``), from which ``stance_of`` derives the speaker's. A model directory trained on FNC-1 (headline, body
passage) loads the same way; its labels (agree / disagree / discuss / unrelated) are read from its ``config.json``.

Both texts are read together as one WordPiece pair, ``[CLS] claim [SEP] text [SEP]`` (uncased), truncated
longest-first to the model's ``max_length``; the encoder's tokens are mean-pooled and a linear head gives one
logit per label. ``encode_pairs`` is the one tokenisation used by training, the benchmark and run time.

Known gaps: trained on 1,628 English news headline pairs (2014-15 rumours), so long sentences from article bodies
and other domains are further from what it saw; the probabilities are not calibrated; it reads no attribution
structure (the claims layer's denials are the sure rules of ``resolve.stance``, applied first); it saw few negated
propositions and reads a "not" shared by claim and text as a refutation (``stance_of`` does not ask it then); Emergent
has no "unrelated" class, so a text about something else still gets one of the three labels; one pair per run by
default, because dynamic int8 quantises activations per batch and batch-mates would nudge a pair's scores.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from storytrace.errors import PipelineError

__all__ = [
    "DEFAULT_MODEL_DIR",
    "INPUTS",
    "MODEL_NAME",
    "TO_STANCE",
    "StanceEncoder",
    "default_stance_encoder",
    "encode_pairs",
]

MODEL_NAME = "stance-encoder"
DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / MODEL_NAME
REBUILD_COMMAND = "python scripts/train_stance_encoder.py emergent"
TO_STANCE = {"for": "supports", "against": "refutes", "observing": "reports"}
INPUTS = ("input_ids", "attention_mask", "token_type_ids")

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


def encode_pairs(tokenizer: Any, pairs: Sequence[tuple[str, str]], max_length: int) -> tuple[IntArray, ...]:
    """(input_ids, attention_mask, token_type_ids) of ``pairs`` of (claim, text), padded to the longest pair.

    ``tokenizer`` is a ``tokenizers.Tokenizer``; truncation is set here (longest first) so that training and run
    time cannot differ.
    """
    tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
    tokenizer.no_padding()
    encodings = tokenizer.encode_batch([(claim or ".", text or ".") for claim, text in pairs])
    width = max((len(e.ids) for e in encodings), default=0)
    ids = np.zeros((len(pairs), width), dtype=np.int64)
    mask = np.zeros((len(pairs), width), dtype=np.int64)
    types = np.zeros((len(pairs), width), dtype=np.int64)
    for row, encoding in enumerate(encodings):
        n = len(encoding.ids)
        ids[row, :n] = encoding.ids
        mask[row, :n] = 1
        types[row, :n] = encoding.type_ids
    return ids, mask, types


class StanceEncoder:
    """The ONNX cross-encoder and its tokenizer: label probabilities for (claim, text) pairs."""

    def __init__(self, model_dir: Path | None = None, *, threads: int = 2, batch_size: int = 1) -> None:
        model_dir = model_dir or DEFAULT_MODEL_DIR
        paths = [model_dir / name for name in ("config.json", "model.onnx", "tokenizer.json")]
        for path in paths:
            if not path.is_file():
                raise PipelineError(
                    f"stance encoder file not found: {path}",
                    hint=f"rebuild the model directory with `{REBUILD_COMMAND}` (needs the train extra)",
                )
        try:
            config = json.loads(paths[0].read_text(encoding="utf-8"))
            self.labels: tuple[str, ...] = tuple(str(label) for label in config["labels"])
            self.max_length = int(config["max_length"])
            import onnxruntime as ort  # here, not at module level: importing it costs 0.2 s at every CLI start
            from tokenizers import Tokenizer

            self.tokenizer = Tokenizer.from_file(str(paths[2]))
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # see extract/ner_minilm.py
            self.session = ort.InferenceSession(str(paths[1]), options, providers=["CPUExecutionProvider"])
        except Exception as error:  # json, onnxruntime and tokenizers raise their own exception types
            raise PipelineError(
                f"cannot load the stance encoder from {model_dir}: {error}",
                hint=f"the directory is incomplete or broken; rebuild it with `{REBUILD_COMMAND}`",
            ) from error
        self.batch_size = max(1, batch_size)
        self._lock = threading.Lock()  # the tokenizer's truncation setting is shared state

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> FloatArray:
        """A (pairs x labels) matrix of probabilities, rows in the order of ``pairs`` of (claim, text)."""
        out = np.zeros((len(pairs), len(self.labels)), dtype=np.float32)
        for begin in range(0, len(pairs), self.batch_size):
            batch = pairs[begin : begin + self.batch_size]
            with self._lock:
                arrays = encode_pairs(self.tokenizer, batch, self.max_length)
            (logits,) = self.session.run(["logits"], dict(zip(INPUTS, arrays, strict=True)))
            z = np.asarray(logits, dtype=np.float32)
            z = np.exp(z - z.max(axis=1, keepdims=True))
            out[begin : begin + len(batch)] = z / z.sum(axis=1, keepdims=True)
        return out

    def predict(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[str, float]]:
        """(label, probability) of the most likely label of each (claim, text) pair."""
        p = self.probabilities(pairs)
        best = p.argmax(axis=1) if len(pairs) else np.zeros(0, dtype=np.int64)
        return [(self.labels[int(b)], round(float(p[i, b]), 4)) for i, b in enumerate(best)]


_DEFAULT: list[StanceEncoder] = []
_DEFAULT_LOCK = threading.Lock()


def default_stance_encoder() -> StanceEncoder:
    """The shipped model, loaded once per process (raises ``PipelineError`` when it is not installed)."""
    with _DEFAULT_LOCK:
        if not _DEFAULT:
            _DEFAULT.append(StanceEncoder())
        return _DEFAULT[0]
