"""Attributions by a fine-tuned MiniLM-L6 tagger stacked on the rules: who (source) says what (content), and how.

A drop-in replacement for ``extract.attributions.crf.v3`` (read ``extract/attributions_crf.py``): the same four
layers (``attributions``, ``cues``, ``sources``, ``contents``) with the same labels and attrs, built by the same
code (``attributions_crf.attributions_from_tags``: grouping, attrs from the rules' helpers, the "read:",
headline and "according to" overrides). Only the tagger differs:

* every word (``extract.sentences.tokenize`` token) of a paragraph gets ``B/I-SOURCE``, ``B/I-CUE``,
  ``B/I-CONTENT`` or ``O`` from all-MiniLM-L6-v2 fine-tuned for two epochs on PolNeAR train
  (``scripts/train_attributions_minilm.py``; model card ``storytrace/models/attributions-minilm-polnear/README.md``,
  research-only data), run as ONNX int8 by ``extract.ner_minilm.MiniLMTagger`` (onnxruntime and tokenizers only);
* the document's sentences are packed into windows with document context as the MiniLM NER does
  (``ner_minilm.build_windows``; 24 wordpieces of context per side, ``V1_CONTEXT``: 4 would save about a fifth
  of the encoder's work for 0.5 less mean exact F1 on dev); each word's input embedding gets its case class
  **and the rules' tag for it** (stacking, as the CRF does) as one id, ``case + 8 × rule tag`` (``feature_id``),
  so the ONNX graph keeps the NER model's three inputs;
* per paragraph, tags are the best path under the constraints the chunker relies on (``I-SOURCE`` and ``I-CUE``
  only after their own ``B``/``I``); ``I-CONTENT`` may follow anything, since a later piece of a discontinuous
  content ("“A,” he said, “B.”") starts with it (``attributions_crf.decode`` joins the pieces). Against per-word
  argmax: mean exact F1 of the three roles 67.35 against 66.67 on PolNeAR dev;
* a headline in which the rules read an attribution is theirs (PolNeAR has no headlines: the tagger cut "ferry
  sank near Teluna" short); no change on PolNeAR dev.

PolNeAR exact F1 (``python benchmarks/eval_polnear.py --split dev|test --component minilm``, 2026-11-22): dev
source 77.5, cue 71.1, content 53.5 (crf.v3: 70.6 / 65.6 / 50.4); test, run once, 76.9 / 70.4 / 55.2 (crf.v3:
68.4 / 64.9 / 50.7). It costs about 137 CPU ms more than crf.v3 per 1,000-word report (the encoder reads every
word), which would take the ``default`` pipeline under 10 articles/s with 2 workers, so ``default`` keeps crf.v3
(see the model card).

Known gaps: content boundaries (dev content exact F1 53.5 against 79.8 overlap: the far end, and whether a
nested source starts the content); a source whose cue or content the tagger missed is dropped by the grouping
(the first run's raw source chunks scored 78.3 exact F1 on dev, its layer 76.3); trained on 2016 US election
coverage only (PolNeAR), so wire styles such as "which quoted X as saying that …" can be missed where the CRF
finds them; the rules' gaps in chains, polarity and cross-paragraph links remain (see ``attributions_crf``); no
confidence is output.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storytrace.errors import PipelineError
from storytrace.extract.attributions_crf import Paragraph, attributions_from_tags
from storytrace.extract.ner_minilm import (
    CASE_CLASSES,
    FloatArray,
    MiniLMTagger,
    TaggerSettings,
    build_windows,
    case_class,
)
from storytrace.model import Document, Span
from storytrace.pipeline import ComponentFn, register

__all__ = [
    "DEFAULT_MODEL_DIR",
    "LABELS",
    "MODEL_NAME",
    "RULE_TAGS",
    "V1_CONTEXT",
    "AttributionTagger",
    "extract_attributions_minilm",
    "feature_id",
    "load_attribution_tagger",
    "make_attribution_minilm",
    "paragraph_units",
]

MODEL_NAME = "attributions-minilm-polnear"
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / MODEL_NAME
LABELS = ("O", "B-SOURCE", "I-SOURCE", "B-CUE", "I-CUE", "B-CONTENT", "I-CONTENT")
RULE_TAGS = LABELS  # the rules' tags (``attributions_crf.rules_tags``) use the same seven
REBUILD_COMMAND = (
    "python scripts/train_attributions_minilm.py --data ../shared/data/polnear "
    f"--out src/storytrace/models/{MODEL_NAME}"
)
_RULE_INDEX = {tag: i for i, tag in enumerate(RULE_TAGS)}
# Wordpieces of document context per side in v1: the training value (4 scored 0.5 lower mean exact F1 on dev).
V1_CONTEXT = 24


def feature_id(word: str, rule_tag: str) -> int:
    """The one input id of a word: its case class and the rules' tag for it (0 only for padding)."""
    return case_class(word) + len(CASE_CLASSES) * _RULE_INDEX[rule_tag]


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence of a paragraph: its words, their input ids, and where they sit in the paragraph."""

    paragraph: int
    first: int  # index of the first word in the paragraph's token list
    words: list[str]
    features: list[int]


def paragraph_units(text: str, parts: Sequence[Paragraph], rule_tags: Sequence[Sequence[str]]) -> list[Unit]:
    """The sentences of ``parts`` in document order, each with its words and input ids (the windows' units)."""
    units: list[Unit] = []
    for p, (paragraph, tags) in enumerate(zip(parts, rule_tags, strict=True)):
        i = 0
        n = len(paragraph.starts)
        while i < n:
            end = i
            while end < n and paragraph.sentence_of[end] == paragraph.sentence_of[i]:
                end += 1
            words = [text[a:b] for a, b in zip(paragraph.starts[i:end], paragraph.ends[i:end], strict=True)]
            units.append(Unit(p, i, words, [feature_id(w, t) for w, t in zip(words, tags[i:end], strict=True)]))
            i = end
    return units


class AttributionTagger(MiniLMTagger):
    """The NER tagger's loading and decoding, with the rules' tags in the input ids and a content-gap-aware path."""

    def __init__(self, model_dir: Path, *, threads: int = 2, context: int | None = None) -> None:
        for name in ("config.json", "model.onnx", "tokenizer.json"):
            if not (model_dir / name).is_file():
                raise PipelineError(
                    f"MiniLM attribution model file not found: {model_dir / name}",
                    hint=f"rebuild the model directory with `{REBUILD_COMMAND}`, pass model_dir to "
                    "extract.attributions.minilm.v1, or use extract.attributions.crf.v3",
                )
        # ``context``: wordpieces of document context per side at run time (None: the training value, 24).
        super().__init__(model_dir, threads=threads, settings=TaggerSettings(context=context))
        if self.labels != LABELS:
            raise PipelineError(
                f"{model_dir} is not an attribution model (labels {self.labels})",
                hint=f"rebuild it with `{REBUILD_COMMAND}`",
            )
        # I-CONTENT may follow anything: a discontinuous content's later piece starts with it.
        content = self.labels.index("I-CONTENT")
        self._transitions[:, content] = 0.0
        self._start[content] = 0.0

    def unit_probabilities(self, units: Sequence[Unit]) -> list[FloatArray]:
        """(words × labels) probabilities of each unit's words, the units being one document's sentences in order."""
        pieces = [self.piecer.pieces(u.words) for u in units]
        out = [np.zeros((len(u.words), len(self.labels)), dtype=np.float32) for u in units]
        windows = build_windows(
            pieces,
            [u.features for u in units],
            self.window_config,
            cls_id=self.piecer.cls_id,
            sep_id=self.piecer.sep_id,
        )
        for window, probs in zip(windows, self.window_probabilities(windows), strict=True):
            for (s, w), position in zip(window.words, window.positions, strict=True):
                out[s][w] = probs[position]
        return out

    def tag_paragraphs(
        self, text: str, parts: Sequence[Paragraph], rule_tags: Sequence[Sequence[str]], quotes: object = None
    ) -> list[list[str]]:
        """One tag per token of each paragraph, decoded per paragraph (``attributions_from_tags``'s tagger; the
        quotation regions it also passes are not used: the model sees the quotation marks)."""
        units = paragraph_units(text, parts, rule_tags)
        per_paragraph: list[list[FloatArray]] = [[] for _ in parts]
        for unit, probs in zip(units, self.unit_probabilities(units), strict=True):
            per_paragraph[unit.paragraph].append(probs)
        out: list[list[str]] = []
        for paragraph, arrays in zip(parts, per_paragraph, strict=True):
            if not arrays:
                out.append(["O"] * len(paragraph.starts))
                continue
            out.append([tag for tag, _ in self.decode(np.concatenate(arrays))])
        return out


_TAGGERS: dict[tuple[Path, int, int | None], AttributionTagger] = {}
_LOCK = threading.Lock()


def load_attribution_tagger(model_dir: Path, threads: int = 2, context: int | None = None) -> AttributionTagger:
    """The attribution tagger of ``model_dir``, loaded once per process (and per thread count and context)."""
    key = (model_dir, threads, context)
    with _LOCK:
        tagger = _TAGGERS.get(key)
        if tagger is None:
            tagger = AttributionTagger(model_dir, threads=threads, context=context)
            _TAGGERS[key] = tagger
    return tagger


def extract_attributions_minilm(
    tagger: AttributionTagger, text: str, sentences: Sequence[Span]
) -> dict[str, list[Span]]:
    """The four attribution layers of ``text`` (as ``extract_attributions_crf``) with the MiniLM tagger."""
    return attributions_from_tags(text, sentences, tagger.tag_paragraphs, rules_headlines=True)


@register(
    "extract.attributions.minilm.v1",
    requires=("spans.sentences",),
    assigns=("spans.attributions", "spans.cues", "spans.sources", "spans.contents"),
    description="Attributions (cue, source, content, chain, hedges, polarity) by MiniLM-L6 fine-tuned on PolNeAR "
    "(ONNX int8, research-only data), stacked on the rules, with document context.",
)
def make_attribution_minilm(model_dir: str | None = None, intra_op_num_threads: int | None = None) -> ComponentFn:
    """Attributions by the MiniLM model in ``model_dir`` (default: the shipped one), loaded when built.

    ``intra_op_num_threads`` defaults to 2, or to ``STORYTRACE_ONNX_THREADS`` when that is set.
    """
    path = Path(model_dir).expanduser().resolve() if model_dir else DEFAULT_MODEL_DIR
    threads = intra_op_num_threads or int(os.environ.get("STORYTRACE_ONNX_THREADS", "2"))
    load_attribution_tagger(path, threads, V1_CONTEXT)  # fail when the pipeline is built, not on the first document

    def run(doc: Document) -> Document:
        tagger = load_attribution_tagger(path, threads, V1_CONTEXT)
        doc.spans.update(extract_attributions_minilm(tagger, doc.text, doc.spans.get("sentences", [])))
        return doc

    return run
