"""Named entities: the shipped NER models on CoNLL-2003 and UNER, the CRF (default) or MiniLM (``--model minilm``).

``--model crf`` is ``extract.entities.crf.v1`` (model ``ner-crf-conll03``); ``--model minilm`` is the
``extract.entities.minilm.vN`` of the `default` pipeline (model ``ner-minilm-conll03``, ONNX int8, with document
context), or with ``--version 1|2|3|4`` the same model run as that version (its ``TaggerSettings``: context,
decoding, script filter, cropping, dropped chunks, v4's function words and document-level consistency),
entities taken exactly as the component takes them (``MiniLMTagger.chunks``).
Reads the data from ``../shared/data`` (research-only CoNLL-2003, CC BY-SA UNER English-EWT; never copied into
the repo) and tags each split's sentences on its own tokens, as given (no re-tokenisation), with the same
code the component uses (CRF: features + tagger; MiniLM: ``MiniLMTagger.chunks`` on whole documents, split at
``-DOCSTART-`` in CoNLL and ``# newdoc`` in UNER, so it sees the same document context as on an article).
Scores follow conlleval: a chunk counts when both boundaries and the type match; micro-averaged precision,
recall and F1 over all chunks (``storytrace.extract.ner.score_chunks``). UNER annotates PER, ORG and LOC only,
so MISC predictions are mapped to O there.

    python benchmarks/eval_ner.py --data conll03-dev     # valid.txt (eng.testa): the split settings were chosen on
    python benchmarks/eval_ner.py --data conll03-test    # test.txt (eng.testb): TEST, never tuned on
    python benchmarks/eval_ner.py --data uner-test       # UNER EN-EWT test: out-of-domain web text
    python benchmarks/eval_ner.py --data uner-dev --json
    python benchmarks/eval_ner.py --speed                # articles/s: CoNLL test text cut into 1,000-word articles
    python benchmarks/eval_ner.py --model minilm --data conll03-test   # the same for the MiniLM model
    python benchmarks/eval_ner.py --model minilm --speed
    python benchmarks/eval_ner.py --model minilm --version 3 --data conll03-dev   # extract.entities.minilm.v3
    python benchmarks/eval_ner.py --model minilm --version 3 --crop none --data conll03-dev   # v3 without cropping
    python benchmarks/eval_ner.py --model minilm --version 4 --no-consistency --data conll03-dev   # v4 = v3 + this
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

from storytrace.extract import ner, ner_minilm
from storytrace.extract.ner import score_chunks, sentence_features
from storytrace.pipeline import PIPELINES

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SPLITS = {
    "conll03-dev": DATA / "conll2003" / "valid.txt",
    "conll03-test": DATA / "conll2003" / "test.txt",
    "uner-dev": DATA / "uner-en-ewt" / "en_ewt-ud-dev.iob2",
    "uner-test": DATA / "uner-en-ewt" / "en_ewt-ud-test.iob2",
}
# Published test F1 to read our numbers against (from each data set's SOURCE.md).
ANCHORS = {
    "conll03-test": [
        ("Florian et al. 2003 (best CoNLL-2003 system)", 88.76),
        ("BiLSTM-CRF, Lample et al. 2016", 90.94),
        ("LUKE, Yamada et al. 2020", 94.3),
    ],
    "uner-test": [("XLM-R large fine-tuned on EN-EWT train, Mayhew et al. 2024", 86.0)],
}

MODELS = {
    "crf": (ner.MODEL_NAME, ner.DEFAULT_MODEL_PATH),
    "minilm": (ner_minilm.MODEL_NAME, ner_minilm.DEFAULT_MODEL_DIR),
}

Sentence = tuple[list[str], list[str]]


def read_documents(path: Path) -> list[list[Sentence]]:
    """Documents of (words, tags) sentences: CoNLL-2003 (space separated, tag last, ``-DOCSTART-`` between
    documents) or UNER iob2 (tab separated, ``# newdoc id`` opens a document)."""
    uner = path.suffix == ".iob2"
    documents: list[list[Sentence]] = [[]]
    words: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") and uner:
            if line.startswith("# newdoc") and documents[-1]:
                documents.append([])
            continue
        parts = line.split("\t") if uner else line.split()
        if not line.strip() or parts[0] == "-DOCSTART-":
            if words:
                documents[-1].append((words, tags))
                words, tags = [], []
            if parts and parts[0] == "-DOCSTART-" and documents[-1]:
                documents.append([])
            continue
        words.append(parts[1] if uner else parts[0])
        tags.append(parts[2] if uner else parts[-1])
    if words:
        documents[-1].append((words, tags))
    return [d for d in documents if d]


def read_split(path: Path) -> list[Sentence]:
    """(words, tags) per sentence of a split, documents concatenated."""
    return [sentence for document in read_documents(path) for sentence in document]


VERSIONS = {
    1: ner_minilm.V1_SETTINGS,
    2: ner_minilm.V2_SETTINGS,
    3: ner_minilm.V3_SETTINGS,
    4: ner_minilm.V4_SETTINGS,
}


# The MiniLM version the `default` pipeline runs (the --version default).
DEFAULT_VERSION = next(
    int(name.rsplit(".v", 1)[1]) for name in PIPELINES["default"] if name.startswith("extract.entities.minilm.v")
)


def chunk_tags(length: int, chunks: list[tuple[str, int, int, float]]) -> list[str]:
    """BIO tags of a sentence of ``length`` words from its entity chunks."""
    tags = ["O"] * length
    for kind, first, end, _ in chunks:
        tags[first:end] = [f"B-{kind}", *[f"I-{kind}"] * (end - first - 1)]
    return tags


def evaluate(
    split: str, model: str, path: Path, context: int | None = None, settings: ner_minilm.TaggerSettings | None = None
) -> dict[str, object]:
    documents = read_documents(SPLITS[split])
    sentences = [sentence for document in documents for sentence in document]
    started = time.perf_counter()
    cpu_started = time.process_time()
    if model == "minilm":
        minilm = ner_minilm.load_tagger(path, context=context, settings=settings or ner_minilm.V1_SETTINGS)
        # One document per call, as the component tags an article (dynamic int8 makes batch-mates matter a little).
        predicted = [
            chunk_tags(len(words), chunks)
            for document in documents
            for (words, _), chunks in zip(document, minilm.chunks([[words for words, _ in document]])[0], strict=True)
        ]
    else:
        tagger = ner.load_tagger(path)
        predicted = [list(tagger.tag(sentence_features(words))) for words, _ in sentences]
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    wordpieces = None
    if model == "minilm":  # what the encoder ran on (with [CLS], [SEP] and context), outside the clock
        wordpieces = sum(
            len(window.input_ids)
            for document in documents
            for _, window in minilm.windows([[words for words, _ in document]])
        )
    if split.startswith("uner"):  # UNER has no MISC: a MISC prediction is an O there
        predicted = [["O" if tag.endswith("-MISC") else tag for tag in tags] for tags in predicted]
    scores = score_chunks([tags for _, tags in sentences], predicted)
    return {
        "split": split,
        "file": str(SPLITS[split]),
        "model": MODELS[model][0],
        "documents": len(documents),
        "sentences": len(sentences),
        "tokens": sum(len(w) for w, _ in sentences),
        "tag_seconds": round(seconds, 2),
        "tag_cpu_seconds": round(cpu_seconds, 2),
        "sentences_per_second": round(len(sentences) / seconds, 1),
        "encoded_wordpieces": wordpieces,
        "scores": {
            kind: {
                "precision": round(s.precision, 2),
                "recall": round(s.recall, 2),
                "f1": round(s.f1, 2),
                "gold": s.gold,
                "predicted": s.predicted,
                "correct": s.correct,
            }
            for kind, s in scores.items()
        },
        "anchors": [{"system": name, "f1": f1} for name, f1 in ANCHORS.get(split, [])],
        "misc_mapped_to_o": split.startswith("uner"),
    }


def print_table(result: dict[str, object]) -> None:
    scores = result["scores"]
    assert isinstance(scores, dict)
    print(f"{result['split']}: {result['sentences']} sentences, {result['tokens']} tokens, model {result['model']}")
    if result.get("settings"):
        print(f"run as: {result['settings']}")
    if result["misc_mapped_to_o"]:
        print("(UNER has PER/ORG/LOC only: MISC predictions are mapped to O)")
    print()
    print("| type | gold | predicted | correct | P | R | F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind, s in scores.items():
        name = f"**{kind}**" if kind == "overall" else kind
        print(
            f"| {name} | {s['gold']} | {s['predicted']} | {s['correct']} | "
            f"{s['precision']:.2f} | {s['recall']:.2f} | {s['f1']:.2f} |"
        )
    anchors = result["anchors"]
    assert isinstance(anchors, list)
    for anchor in anchors:
        print(f"| anchor: {anchor['system']} | | | | | | {anchor['f1']:.2f} |")
    how = "features + Viterbi, one core" if result["model"] == ner.MODEL_NAME else "ONNX int8, 2 threads"
    if result["encoded_wordpieces"]:
        how += f", {result['encoded_wordpieces']} wordpieces encoded"
    print(
        f"\ntagging took {result['tag_seconds']} s, {result['tag_cpu_seconds']} CPU s "
        f"({result['sentences_per_second']} sentences/s; {how})",
        file=sys.stderr,
    )


def speed(model: str, path: Path, words: int = 1000, version: int = 1) -> dict[str, object]:
    """Sentences + NER over the CoNLL-2003 test text cut into ~1,000-word articles (tokens joined by spaces).

    The first pass starts with an empty word cache (CRF features or MiniLM wordpieces: a fresh process); the
    second shows the warm cache.
    """
    from storytrace.model import Document
    from storytrace.pipeline import Pipeline

    texts: list[str] = []
    lines: list[str] = []
    count = 0
    for sentence_words, _ in read_split(SPLITS["conll03-test"]):
        lines.append(" ".join(sentence_words))
        count += len(sentence_words)
        if count >= words:
            texts.append("\n\n".join(lines))
            lines, count = [], 0
    if model == "minilm":
        component, config = f"extract.entities.minilm.v{version}", {"model_dir": str(path)}
    else:
        component, config = "extract.entities.crf.v1", {"model_path": str(path)}
    pipeline = Pipeline.from_names(["extract.sentences.rules.v1", component], {component: config})
    pipeline(Document(id="warm", text="Model loading.", locator="speed"))
    if model == "minilm":
        ner_minilm.load_tagger(path, settings=VERSIONS[version]).piecer._cache.clear()
    else:
        ner._word_features.cache_clear()
    passes = []
    cpu_passes = []
    sentence_count = 0
    for _ in range(2):
        started = time.perf_counter()
        cpu_started = time.process_time()
        sentence_count = 0
        for i, text in enumerate(texts):
            doc = pipeline(Document(id=f"a{i}", text=text, locator="speed"))
            sentence_count += len(doc.spans.get("sentences", []))
        passes.append(time.perf_counter() - started)
        cpu_passes.append(time.process_time() - cpu_started)
    return {
        "model": MODELS[model][0],
        "articles": len(texts),
        "sentences": sentence_count,
        "words_per_article": round(sum(len(t.split()) for t in texts) / len(texts)),
        "warm_sentences_per_second": round(sentence_count / passes[1], 1),
        "cold_articles_per_second": round(len(texts) / passes[0], 1),
        "cold_ms_per_article": round(1000 * passes[0] / len(texts), 2),
        "warm_articles_per_second": round(len(texts) / passes[1], 1),
        "warm_ms_per_article": round(1000 * passes[1] / len(texts), 2),
        "warm_cpu_ms_per_article": round(1000 * cpu_passes[1] / len(texts), 2),  # all threads: steadier when shared
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", choices=sorted(SPLITS))
    parser.add_argument(
        "--speed", action="store_true", help="time sentences + CRF on 1,000-word articles of CoNLL test text"
    )
    parser.add_argument("--model", choices=sorted(MODELS), default="crf", help="which shipped model (default crf)")
    parser.add_argument("--model-path", type=Path, help="another model file (crf) or model directory (minilm)")
    parser.add_argument(
        "--context",
        type=int,
        help="minilm: wordpieces of document context per side (default: the model's 24; "
        "extract.entities.minilm.v2 uses 4)",
    )
    parser.add_argument(
        "--version",
        type=int,
        choices=sorted(VERSIONS),
        default=DEFAULT_VERSION,
        help=f"minilm: run the model as extract.entities.minilm.vN (default {DEFAULT_VERSION}, the default pipeline's)",
    )
    parser.add_argument(
        "--crop",
        help="minilm: words encoded around each capitalised word ('none': every word), over the version's setting",
    )
    parser.add_argument("--decoding", choices=["argmax", "viterbi"], help="minilm: over the version's decoding")
    parser.add_argument(
        "--no-consistency", action="store_true", help="minilm: without the document-level label consistency (v4)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args()
    path = args.model_path.expanduser().resolve() if args.model_path else MODELS[args.model][1]
    if args.speed:
        print(json.dumps(speed(args.model, path, version=args.version)))
        return 0
    if args.data is None:
        parser.error("give --data or --speed")
    settings = VERSIONS[args.version]
    if args.crop is not None:
        settings = replace(settings, crop=None if args.crop == "none" else int(args.crop))
    if args.decoding is not None:
        settings = replace(settings, decoding=args.decoding)
    if args.no_consistency:
        settings = replace(settings, consistency=None)
    result = evaluate(args.data, args.model, path, args.context, settings)
    result["settings"] = asdict(settings) if args.model == "minilm" else None
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
