"""The one ONNX export the training and export scripts share: torch -> ONNX fp32 (opset 17, the legacy tracer)
-> onnxruntime dynamic int8, per channel (per-tensor int8 moved MiniLM's cosines by up to 0.1, see
research/nlp-spike.md), plus the tokenizer saved without truncation or padding (the loaders set their own)."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def export_int8(
    model: Any,
    dummy: tuple[Any, ...],
    out: Path,
    *,
    inputs: Sequence[str],
    outputs: Sequence[str],
    dynamic_axes: dict[str, dict[int, str]],
) -> None:
    """Write ``model`` (a torch module in eval mode) to ``out`` as a per-channel int8 ONNX graph."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model-fp32.onnx"
        torch.onnx.export(
            model,
            dummy,
            str(fp32),
            input_names=list(inputs),
            output_names=list(outputs),
            dynamic_axes=dynamic_axes,
            opset_version=17,
            dynamo=False,
        )
        quantize_dynamic(str(fp32), str(out), per_channel=True, weight_type=QuantType.QInt8)


def save_tokenizer(source: Path, out_dir: Path) -> None:
    """The WordPiece tokenizer at ``source``, without truncation or padding, as ``out_dir/tokenizer.json``."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(source))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    tokenizer.save(str(out_dir / "tokenizer.json"))
