"""Cross-document event coreference on ECB+ (gold mentions, gold topics): the same-lemma baseline and ours.

    python benchmarks/eval_ecbplus.py --split dev                          # the table for dev topics
    python benchmarks/eval_ecbplus.py --split dev --sweep                  # DEV: how the thresholds were chosen
    python benchmarks/eval_ecbplus.py --split train --fit --threshold 0.35 # TRAIN: refit the pair scorer
    python benchmarks/eval_ecbplus.py --split test                         # test topics 36-45, reported once
    python benchmarks/eval_ecbplus.py --split test --json
    python benchmarks/eval_ecbplus.py --split dev --contextual /tmp/minilm-tokens  # issue 4: trigger states (below)
    python benchmarks/eval_ecbplus.py --split dev --encoder DIR --sweep --symmetric  # a cross-encoder blended in
    python benchmarks/eval_ecbplus.py --split dev --encoder DIR --halves     # issue 4: fit on half of dev, score half
    python benchmarks/eval_ecbplus.py --split dev --encoder DIR --stack --write  # the stacker, fitted on dev
    python benchmarks/eval_ecbplus.py --split test --encoder DIR --stack     # ... scored on test (run once)
    python benchmarks/eval_ecbplus.py --split dev --documents                # issue 4: document-level pair columns

Data (read from ``--data``, default ``/work/shared/data/ecbplus``; never copied): the ``ECB+/<topic>/*.xml`` CAT
files and ``ECBplus_coreference_sentences.csv`` (the sentences whose annotation is complete). Standard split
(Cybulska & Vossen 2015): train 1,3,4,6-11,13,14,16,19,20,22,24-33; dev 2,5,12,18,21,23,34,35; test 36-45.

Protocol. Gold event mentions are the ``ACTION_*`` and ``NEG_ACTION_*`` markables whose tokens lie in a selected
sentence (test: 1,780; dev: 1,245). Gold clusters: a mention's ``CROSS_DOC_COREF`` instance id, else its
``INTRA_DOC_COREF`` target in its document, else itself (a singleton). Each system clusters the mentions of one
**gold topic** at a time (the standard "gold topics" setting; the predicted document groups below are a finer
split inside a topic). Systems:

* ``singletons``: every mention alone (a floor);
* ``lemma``: same lemma in the gold topic (our suffix stripper on the head word; the anchor method used spaCy);
* ``cluster+lemma``: same lemma within our predicted document groups (TF-IDF cosine of the documents, average
  link at ``DOC_THRESHOLD``, then a document left alone joins its closest group from ``DOC_ATTACH``:
  ``event_coref.cluster_documents``) — the anchor's CLUSTER+LEMMA, with our document clustering;
* ``rules``: ``event_coref.cluster_mentions`` without vectors: lemma, stem, ontology type family and sentence
  names (our CRF NER), average link inside the predicted document groups;
* ``ours``: ``event_coref.cluster_mentions`` with ``vectors`` (``embed_mentions`` with the shipped MiniLM; the
  vectors of the ECB+ texts are cached in ``/tmp/storytrace-ecbplus-embeddings.npz``): the learned pair scorer
  (``models/event-coref-pairs``: logistic regression fitted on train by ``--fit``, threshold chosen on dev),
  average link inside the predicted document groups;
* ``ours, online``: the same pair probabilities, but mentions taken in document order each join the cluster of
  best mean probability (``online_clusters``): what ``resolve_events`` would do with the pair scorer;
* ``resolve_events (rules)``: the lead's ``resolve.events.resolve_events`` fed with one ``EventMention`` per gold
  mention (type = ontology type, else the lemma; participants = sentence names; no dates: ECB+ files have no
  publication date, so relative times cannot be resolved), one predicted document group at a time;
* ``resolve_events``: the same with ``vectors`` (``embed_mentions``, as ``ours``): the learned pair scorer in
  place of the family and participant rules for every type (mean pair probability >= ``events.PAIR_THRESHOLD``,
  0.2), with its bounded candidates (``events._PER_KEY``, ``_MEMBERS``);
* ``group_events (product)``: the exact function ``storytrace resolve`` runs (``events.group_events`` into an
  ``EventPile()``): speech acts (``events.REPORTING_TYPES``; here "said", "denied" ... whose head word is a trigger
  of those types) by the rules, the others by the pair scorer at ``events.PRODUCT_PAIR_THRESHOLD`` (0.3), each
  report's mentions embedded together and rounded to float16. ``--product-sweep`` (dev) is how the split and the
  threshold were chosen.

Scores: ``storytrace.resolve.coref_metrics`` (MUC, B³, CEAF-e as in the reference scorer v8.01, mentions of all
topics pooled), with singletons kept (as Barhom et al. 2019 and the reference scorer) and removed (Cattan et al.
2021). Anchors (test, gold mentions, literature values, not re-verified here): same-lemma baseline ≈ 76.5
(CLUSTER+LEMMA, Barhom et al. 2019), Barhom et al. 2019 79.5, best published ≈ 85.7 (Held et al. 2021).

Results (CoNLL F1, singletons kept / removed; thresholds chosen on dev, test run once; about 10 s per split
with the embedding cache, 30 s without):

| system | dev | test |
|---|---|---|
| lemma (gold topics) | 72.3 / 64.1 | 73.0 / 59.8 |
| cluster+lemma | 76.7 / 69.7 | 76.9 / 65.1 |
| rules | 77.0 / 70.2 | 76.5 / 64.6 |
| ours | 79.7 / 73.5 | 77.8 / 67.2 |
| ours, online | 79.6 / 73.9 | 76.4 / 65.7 |
| resolve_events (rules) | 69.5 / 61.3 | 70.9 / 55.5 |
| resolve_events | 80.1 / 74.8 | 76.5 / 65.9 |
| group_events (product) | 78.8 / 72.7 | 76.5 / 65.2 |
| ours + cross-encoder (``--encoder``, below) | 80.6 / 74.1 | 79.7 / 68.1 |
| ours + cross-encoder, stacked (``--stack``, below; fitted on dev) | 80.4 / 74.7 | 78.9 / 68.9 |

Before ``DOC_ATTACH`` (issue 4's starting point, same pair model features): ours 78.9 / 77.5, cluster+lemma
75.9 / 76.7. Where the dev loss was: gold subtopics in place of our document groups gave ours 80.0 (+1.1; train
+1.6), so the rest is mention linking; letting lone documents join their closest group recovers most of the
first (dev +0.7, train +0.4 with the old weights; refitting on the new groups changes little).

Contextual trigger vectors (issue 4, ``--contextual DIR``; DIR from ``python scripts/export_minilm_embeddings.py
--tokens --out DIR``): ``ContextEncoder`` takes the last MiniLM token states of the trigger's wordpieces in its
sentence (``trigger``) and of the three wordpieces either side (``around``), centred on the train mean; their
cosines join the 13 features, each variant fitted on train here, CoNLL F1 with singletons on dev (2026-11-22):

| features | pair AP | 0.20 | 0.25 | 0.30 | 0.35 | 0.40 | 0.50 |
|---|---|---|---|---|---|---|---|
| 13 features (the shipped ones) | 0.767 | 79.3 | 79.2 | 79.6 | **79.7** | 79.3 | 78.8 |
| + cos trigger in context | 0.768 | 79.6 | **79.7** | 79.5 | 79.1 | 79.2 | 79.0 |
| + cos trigger, cos around | 0.769 | 80.1 | **80.3** | 79.7 | 79.0 | 79.0 | 79.1 |

Best against best, +0.6 at another threshold with the pair ranking unchanged (AP +0.002): noise-level, so
``FEATURES`` stays as it is and test was not run. The same-lemma false links that remain are different events
told in near-identical sentences ("British climber dies in New Zealand fall" / "Australian ... dies in fall in
New Zealand"; 23 vs 26 pirates captured in the Gulf of Aden): the trigger's token states are as close as the
pooled vectors there (a scratch count on the dev same-lemma pairs, not in this file: AUC of coreference 0.70 for
the trigger in context, 0.73 for the one-word window's pooled cosine); what tells them apart is who and how
many, i.e. arguments.

Cross-encoder (``--encoder DIR``; DIR from ``scripts/train_event_pair_encoder.py``, card in
``benchmarks/models/event-pair-encoder/README.md``): a MiniLM cross-encoder reads the two mentions (15 words either
side of each trigger, the trigger between "<" and ">": ``marked_text``) and gives p(same event), for the pairs of
``candidate_groups`` that the learned scorer gives at least ``ENCODER_FLOOR`` (0.02: dev 29,961 of 51,698 pairs,
95 % of the coreferent ones); ``blended`` mixes the two probabilities there, ``(1 - w) * lr + w * encoder``, and
average link clusters at a threshold, both chosen on dev (``--sweep``; ``--symmetric`` averages (a, b) and (b, a)).
Dev CoNLL F1 with singletons, 2026-11-22, the model after its third training round, both orders:

| encoder weight | 0.25 | 0.30 | 0.35 | 0.40 | 0.45 | 0.50 | 0.60 |
|---|---|---|---|---|---|---|---|
| 0 (ours alone) | 79.2 | 79.6 | 79.7 | 79.3 | 78.9 | 78.8 | 77.2 |
| 0.25 | 79.2 | 80.2 | 79.8 | 79.5 | 79.2 | 79.4 | 80.2 |
| 0.5 | 77.6 | 78.4 | 78.9 | 80.0 | 80.2 | **80.6** | 79.8 |
| 0.6 | 77.2 | 78.1 | 79.1 | 79.8 | 79.9 | 79.3 | 79.5 |
| 1 (the encoder alone on the asked pairs) | 76.6 | 77.1 | 77.5 | 77.8 | 78.0 | 77.9 | 77.4 |

Chosen (stored as ``chosen`` in the model's ``config.json``): weight 0.5, threshold 0.5, both orders: dev 80.6 /
74.1 (singletons kept / removed; ours 79.7 / 73.5), test 79.7 / 68.1 (ours 77.8 / 67.2), run once with these
settings (and once more with the same settings after the batch order was fixed: the same to 0.1). Dev pair
average precision on the asked pairs: ours 0.796, the encoder alone 0.690, the blend at 0.5 0.803 (0.25: 0.812).
The best cell of the same grid after training rounds 1 and 2: 80.2 (one order) and 80.3, the encoder alone 76.1
and 78.5: the gain grew with training. A logistic regression over (logit ours, logit encoder), fitted on one half
of the dev topics and scored on the other, gave no gain (held-out pair AP 0.803 / 0.750 against 0.792 / 0.803 for
ours alone; CoNLL F1 79.4-79.9 at thresholds 0.3-0.55): the halves fit unlike weights, so the gain is small and
rests on one fixed weight. Speed: about 450 pairs/s (int8, batches of 32 sorted by length, 2 threads; one pair
per call about 410/s): dev takes 2 minutes, test 3, against well under a second for the learned scorer.

Dev halves (issue 4, session 12, ``--halves``): the blend's gain rested on one weight and threshold chosen on all
of dev, so every setting is now chosen on one half of the dev topics (``DEV_HALVES``: A = 2, 12, 21, 34; B = 5, 18,
23, 35) and scored on the other, both ways. CoNLL F1 with singletons, held-out half; ``ours`` at its shipped
threshold 0.35 (chosen on all of dev, so favoured here) is A 78.4, B 80.8, mean 79.6:

| system | fit A, score B | fit B, score A | mean |
|---|---|---|---|
| ours, threshold chosen on the half | 80.8 | 77.5 | 79.15 |
| ours, documents first (``two_stage``: average link inside each document, then across) | 80.8 | 77.5 | 79.15 |
| blend with the encoder (weight and threshold chosen on the half) | 79.8 | 78.4 | 79.11 |
| the same blend on pairs of different lemmas only | 79.8 | 78.2 | 79.03 |
| stacker fitted on the half: 13 features, encoder logit, same-lemma x that logit | **81.6** | **78.6** | **80.15** |
| the same stacker with the encoder's columns held at 0 (the 13 weights refitted on the half) | 80.9 | 78.1 | 79.53 |
| stacker on 3 columns (logit ours, encoder logit, same-lemma x encoder logit) | 81.1 | 78.2 | 79.63 |

Only the 15-column stacker beats ours on both held-out halves (+0.8 on B, +0.2 on A against the shipped threshold;
+0.7 and +0.5 against the same refit without the encoder), and thinly: neighbouring thresholds move a half's F1
by 0.2-1.0, the held-out pair average precision on the asked pairs falls on B (0.803 -> 0.740; A 0.792 -> 0.795),
and the encoder is good on some topics and poor on others (pair AP of the encoder / ours on the asked pairs of
dev topic 23, two climbers' falls told alike: 0.40 / 0.58; topic 18: 0.82 / 0.82; topic 34: 0.85 / 0.78). The
stacker fitted on all of dev (``--stack --write``, stored as ``stacked`` in the encoder's ``config.json``) leaves
the encoder at 0.28 on pairs of different lemmas and at -0.03 on same-lemma ones; its in-sample dev curve is flat
(80.3-80.4 at thresholds 0.25-0.4; 0.3 chosen); test, run once: **78.9** / 68.9 (ours 77.8 / 67.2; the blend
79.7 / 68.1): below the blend with singletons, above it without. Document-level pair columns fitted on train
(``--documents``: TF-IDF cosine of the two documents, MiniLM cosine of their first 40 words, each alone and on
same-lemma pairs) gave nothing (dev pair AP 0.767 -> 0.759-0.765, held-out means 78.7-79.1 against 79.15). The
stacker fitted on train with out-of-fold encoder scores (``--halves --folds DIR0 DIR1 --fold-share 0.3``: two
encoders from ``train_event_pair_encoder.py --fold 0|1 --positive-share 0.5``, one round each on 9,315 / 7,690
pairs, 9.4 / 8.0 CPU minutes; a seeded 30 % of the train asked pairs scored out of fold, one order) tells
nothing yet: so short a training leaves the encoders near chance (train loss 0.61 / 0.60 against 0.51 for the
shipped model's first round; dev pair AP 0.22 / 0.23 on the asked pairs, where 0.18 are coreferent and the
shipped model has 0.68 in one order), the stacker gives them little weight, and it does worse than ours on the
held-out halves (80.8 on B, 76.7 on A); it needs encoders as strong as the shipped one, about three rounds a
fold (some 100 CPU minutes in all).

Known gaps: ours is below the issue's target (80 on test) and Barhom et al. 2019, and gains less on test (+0.9
over cluster+lemma) than on dev (+3.0); the online variant loses 1.4 more on test; the document groups still do
much of the work and two events with one lemma in one group are told apart only by their neighbouring words; no
dates (no publication dates, so relative times stay unresolved).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from storytrace.extract.ner import DEFAULT_MODEL_PATH, load_tagger, tag_entities
from storytrace.model import Span
from storytrace.resolve.claims import default_embedder
from storytrace.resolve.coref_metrics import Score, conll, without_singletons
from storytrace.resolve.event_coref import (
    FEATURES,
    PAIR_MODEL_PATH,
    CorefMention,
    FloatArray,
    PairModel,
    _average_link,
    cluster_documents,
    cluster_mentions,
    embed_mentions,
    lemma_clusters,
    load_pair_model,
    pair_features,
)
from storytrace.resolve.events import REPORTING_TYPES, EventMention, EventPile, group_events, resolve_events

TRAIN = (1, 3, 4, 6, 7, 8, 9, 10, 11, 13, 14, 16, 19, 20, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33)
SPLITS = {"train": TRAIN, "dev": (2, 5, 12, 18, 21, 23, 34, 35), "test": tuple(range(36, 46))}
DEV_HALVES = (SPLITS["dev"][0::2], SPLITS["dev"][1::2])  # fit a setting on one, score it on the other (--halves)


def train_fold(k: int) -> tuple[int, ...]:
    """Half ``k`` (0 or 1) of the train topics, alternating: an encoder trained on one scores the other out of
    fold (``train_event_pair_encoder.py --fold``, ``--halves --folds``)."""
    return TRAIN[k::2]


DOC_THRESHOLD = 0.06  # chosen on dev (--sweep): 0.04 and 0.06 tie best, 0.06 mixes fewer subtopics
DOC_ATTACH = 0.02  # a document left alone joins its closest group from this mean cosine (train and dev: 0.0-0.04 tie)
LINK_THRESHOLD = 0.6  # the rule scorer's, chosen on dev (--sweep); the learned scorer's is in its weights.json
L2 = 10.0  # the fit's penalty on the summed log-loss (sklearn's C = 0.1): C 1.0 and 0.1 tie on dev
ONLINE_THRESHOLD = 0.2  # the online variant's, chosen on dev (--sweep): 0.2 78.4, 0.25 78.3, 0.35 78.1
CACHE = Path("/tmp/storytrace-ecbplus-embeddings.npz")
CONTEXT_CACHE = Path("/tmp/storytrace-ecbplus-contexts.npz")  # ``ContextEncoder``'s, for --contextual
ENCODER_CACHE = Path("/tmp/storytrace-ecbplus-pair-encoder.npz")  # ``PairEncoderScores``', for --encoder
ENCODER_FLOOR = 0.02  # pairs the learned scorer gives less are not re-scored (dev: 58 % of pairs, 95 % of links)
ENCODER_WINDOW = 15  # words either side of a trigger that the cross-encoder reads
_STOP = frozenset(
    "the a an and or but of to in on at for by with from as is are was were be been has have had it its this that "
    "he she they we you i his her their our who which what when where said says will would could after before "
    "about into over than then there also not no more one two new".split()
)


@dataclass(frozen=True, slots=True)
class Gold:
    mention: CorefMention
    cluster: str
    topic: int


_TAGGER: object | None = None


def sentence_names(words: list[str]) -> frozenset[str]:
    """Lower-cased words of the CRF NER's entities in one sentence (tokens joined by spaces)."""
    global _TAGGER
    if _TAGGER is None:
        _TAGGER = load_tagger(DEFAULT_MODEL_PATH)
    text = " ".join(words)
    spans = tag_entities(_TAGGER, text, [Span(0, len(text))])
    return frozenset(w.lower() for s in spans for w in text[s.start_char : s.end_char].split() if w.isalnum())


def selected_sentences(data: Path) -> set[tuple[str, int]]:
    with (data / "ECBplus_coreference_sentences.csv").open(encoding="utf-8") as f:
        return {(f"{row['Topic']}_{row['File']}", int(row["Sentence Number"])) for row in csv.DictReader(f)}


def load_topic(
    data: Path, topic: int, selected: set[tuple[str, int]], names: bool = True
) -> tuple[list[Gold], dict[str, Counter[str]]]:
    """Gold event mentions of one topic, and each document's bag of content words (for document clustering)."""
    golds: list[Gold] = []
    bags: dict[str, Counter[str]] = {}
    context: dict[tuple[str, int], frozenset[str]] = {}  # NER names per selected sentence, tagged once
    for path in sorted((data / "ECB+" / str(topic)).glob("*.xml")):
        root = ET.parse(path).getroot()
        doc = path.stem
        tokens = {t.get("t_id", ""): (int(t.get("sentence", "0")), t.text or "") for t in root.iter("token")}
        bags[doc] = Counter(
            w for _, text in tokens.values() if (w := text.lower()).isalpha() and len(w) > 2 and w not in _STOP
        )
        clusters: dict[str, str] = {}
        for rel in root.iter("CROSS_DOC_COREF"):
            for src in rel.iter("source"):
                clusters[src.get("m_id", "")] = rel.get("note", "")
        for rel in root.iter("INTRA_DOC_COREF"):
            target = rel.find("target")
            for src in rel.iter("source"):
                clusters.setdefault(
                    src.get("m_id", ""), f"{doc}/intra/{target.get('m_id') if target is not None else ''}"
                )
        sentence_words: dict[int, list[str]] = {}
        sentence_tokens: dict[int, list[tuple[str, str]]] = {}  # (token id, text), in document order
        for t_id, (sent, text) in tokens.items():
            sentence_words.setdefault(sent, []).append(text)
            sentence_tokens.setdefault(sent, []).append((t_id, text))
        markables = root.find("Markables")
        for el in markables if markables is not None else []:
            if not re.match(r"(NEG_)?ACTION_", el.tag):
                continue
            anchors = [a.get("t_id", "") for a in el.iter("token_anchor")]
            if not anchors:
                continue  # an instance descriptor, not a mention
            sents = {tokens[a][0] for a in anchors}
            sent = min(sents)
            if (doc, sent) not in selected:
                continue
            m_id = el.get("m_id", "")
            words = tuple(tokens[a][1] for a in anchors)
            if names and (doc, sent) not in context:
                context[(doc, sent)] = sentence_names(sentence_words[sent])
            text, span = _sentence_and_span(sentence_tokens[sent], set(anchors))
            mention = CorefMention(
                (doc, m_id), doc, words, context.get((doc, sent), frozenset()), sentence=text, span=span
            )
            golds.append(Gold(mention, clusters.get(m_id, f"{doc}/{m_id}"), topic))
    return golds, bags


def _sentence_and_span(words: list[tuple[str, str]], anchors: set[str]) -> tuple[str, tuple[int, int] | None]:
    """The sentence's tokens joined by spaces, and the character span from the first to the last anchor token."""
    parts: list[str] = []
    start = end = -1
    offset = 0
    for t_id, text in words:
        if t_id in anchors:
            start = offset if start < 0 else start
            end = offset + len(text)
        parts.append(text)
        offset += len(text) + 1
    return " ".join(parts), (start, end) if start >= 0 else None


Clustering = list[frozenset[Hashable]]


def _keys(clusters: Iterable[Iterable[CorefMention]]) -> Clustering:
    return [frozenset(m.key for m in c) for c in clusters]


def run_resolve_events(
    mentions: list[CorefMention],
    groups: dict[str, int],
    vectors: FloatArray | None = None,
    *,
    encode: Callable[[Sequence[str]], FloatArray] | None = None,
    pile: Callable[[], EventPile] | None = None,
) -> Clustering:
    """The lead's resolver on the gold mentions, one predicted document group at a time (so that two groups never
    meet, as for the other systems); a mention's index stands for its offset (a stable order). With ``vectors``
    (``embed_mentions`` of ``mentions``) ``resolve_events`` scores every mention with the learned pair scorer;
    with ``encode``, the product's ``group_events`` (into ``pile()``, default ``EventPile()``: the rules for
    ``REPORTING_TYPES``, the pair scorer for the others, each report embedded alone)."""
    out: Clustering = []
    for rows in group_rows(mentions, groups):
        ems = [
            EventMention(
                m.doc_id,
                i,
                i + 1,
                m.family or m.lemma,
                " ".join(m.tokens),
                participants=m.context,
                sentence=m.sentence,
                trigger_span=m.span,
            )
            for i in rows
            for m in [mentions[i]]
        ]
        if encode is not None:
            events = group_events(pile() if pile else EventPile(), ems, encode).resolved()
        else:
            events = resolve_events(ems, vectors=vectors[rows] if vectors is not None else None)
        out.extend(frozenset(mentions[e.start_char].key for e in ev.mentions) for ev in events)
    return out


class CachedEncoder:
    """The shipped MiniLM, with the vectors of the ECB+ texts kept in ``CACHE`` (outside the repository)."""

    def __init__(self, path: Path = CACHE) -> None:
        self.path = path
        self.vectors: dict[str, FloatArray] = {}
        if path.is_file():
            with np.load(path) as saved:
                self.vectors = dict(zip(saved["texts"].tolist(), saved["vectors"], strict=True))

    def __call__(self, texts: Sequence[str]) -> FloatArray:
        missing = sorted({t for t in texts if t not in self.vectors})
        if missing:
            self.vectors |= dict(zip(missing, default_embedder().encode(missing), strict=True))
            np.savez(self.path, texts=np.array(list(self.vectors)), vectors=np.stack(list(self.vectors.values())))
        return np.stack([self.vectors[t] for t in texts])


class ContextEncoder:
    """Contextual trigger vectors for ``--contextual`` (issue 4's experiment, not used by the pair scorer): the
    mean of the last MiniLM token states (output ``tokens`` of ``scripts/export_minilm_embeddings.py --tokens``)
    over the wordpieces of a trigger's span in its sentence (``trigger``), and over the three wordpieces either
    side of it (``around``); unit vectors, kept in ``CONTEXT_CACHE`` (outside the repository)."""

    KINDS = ("trigger", "around")

    def __init__(self, model_dir: Path, path: Path = CONTEXT_CACHE) -> None:
        self.model_dir, self.path = model_dir, path
        model = model_dir / "model.onnx"
        self.stamp = f"{model.resolve()}:{model.stat().st_size}"  # a cache of another graph is not read
        self.vectors: dict[str, FloatArray] = {}
        if path.is_file():
            with np.load(path) as saved:
                if str(saved["stamp"]) == self.stamp:
                    self.vectors = dict(zip(saved["keys"].tolist(), saved["vectors"], strict=True))

    @staticmethod
    def key(m: CorefMention) -> str:
        return f"{m.span}\t{m.sentence}"

    def __call__(self, mentions: Sequence[CorefMention]) -> FloatArray:
        """Shape (mentions, ``KINDS``, 384)."""
        missing = sorted({self.key(m): m for m in mentions if self.key(m) not in self.vectors}.items())
        if missing:
            self.vectors |= dict(zip([k for k, _ in missing], self._encode([m for _, m in missing]), strict=True))
            np.savez(
                self.path,
                stamp=np.array(self.stamp),
                keys=np.array(list(self.vectors)),
                vectors=np.stack(list(self.vectors.values())),
            )
        return np.stack([self.vectors[self.key(m)] for m in mentions])

    def _encode(self, mentions: Sequence[CorefMention]) -> list[FloatArray]:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=256)  # ECB+ sentences fit: no trigger is cut off
        tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        session = ort.InferenceSession(str(self.model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"])
        sentences = sorted({m.sentence or " ".join(m.tokens) for m in mentions})
        states: dict[str, tuple[list[tuple[int, int]], FloatArray]] = {}
        for sentence in sentences:  # one at a time: no padding to mask out, and 1,800 ECB+ sentences take seconds
            encoding = tokenizer.encode(sentence)
            ids = np.array([encoding.ids], dtype=np.int64)
            (hidden,) = session.run(["tokens"], {"input_ids": ids, "attention_mask": np.ones_like(ids)})
            offsets = [
                o if not special else (0, 0)
                for o, special in zip(encoding.offsets, encoding.special_tokens_mask, strict=True)
            ]
            states[sentence] = (offsets, np.asarray(hidden[0], dtype=np.float32))
        out = []
        for m in mentions:
            sentence = m.sentence or " ".join(m.tokens)
            offsets, hidden = states[sentence]
            start, end = m.span if m.sentence and m.span else (0, len(sentence))
            pieces = [k for k, (a, b) in enumerate(offsets) if b > a and a < end and b > start] or [0]
            lo, hi, n = pieces[0], pieces[-1] + 1, len(offsets)
            around = [k for k in range(max(1, lo - 3), min(n - 1, hi + 3)) if not lo <= k < hi] or [0]
            vectors = np.stack([hidden[pieces].mean(0), hidden[around].mean(0)])
            out.append(vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
        return out


def contextual_columns(encoder: ContextEncoder, center: FloatArray, kinds: Sequence[str]) -> Extra:
    """Pair columns for ``pair_rows``: cosines of the mentions' ``ContextEncoder`` vectors of ``kinds``, each
    centred on the train mean first (raw token states share a large common direction)."""

    def extra(members: Sequence[CorefMention]) -> FloatArray:
        vectors = encoder(members) - center
        vectors /= np.linalg.norm(vectors, axis=-1, keepdims=True)
        columns = [vectors[:, k] @ vectors[:, k].T for k in (ContextEncoder.KINDS.index(kind) for kind in kinds)]
        return np.stack(columns, axis=-1).astype(np.float32)

    return extra


def contextual_experiment(data: Path, model_dir: Path, split: str, encoder: CachedEncoder) -> None:
    """Issue 4: the 13 features alone, and with the contextual trigger cosines (``ContextEncoder``), each fitted on
    train here and clustered on ``split`` (dev) at a grid of thresholds; prints pair average precision and CoNLL F1."""
    train, tuned = load_split(data, "train", names=True), load_split(data, split, names=True)
    contexts = ContextEncoder(model_dir)
    center = contexts([g.mention for _, golds, _ in train for g in golds]).mean(0)
    variants: dict[str, Extra | None] = {
        "13 features": None,
        "+ cos trigger in context": contextual_columns(contexts, center, ["trigger"]),
        "+ cos trigger, cos around": contextual_columns(contexts, center, ["trigger", "around"]),
    }
    thresholds = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
    print(f"| features ({split}) | pair AP | " + " | ".join(f"{t:.2f}" for t in thresholds) + " |")
    print("|---|---|" + "---|" * len(thresholds))
    for name, extra in variants.items():
        w = fit_logistic(*pair_rows(train, DOC_THRESHOLD, encoder, extra=extra))
        x, y = pair_rows(tuned, DOC_THRESHOLD, encoder, extra=extra)
        logits = x @ w[:-1] + w[-1]
        hits = y[np.argsort(-logits)]
        average_precision = _average_precision(hits)
        cells = []
        for threshold in thresholds:
            system = _extended_system(encoder, extra, w, threshold)
            cells.append(f"{score(tuned, system)['with_singletons']['conll_f1']:.1f}")  # type: ignore[index]
        print(f"| {name} | {average_precision:.3f} | " + " | ".join(cells) + " |")


def _average_precision(hits: npt.NDArray[np.float64]) -> float:
    """Average precision of a ranking, given its hits (1 = coreferent) in ranked order."""
    return float((np.cumsum(hits) / np.arange(1, len(hits) + 1) * hits).sum() / hits.sum())


def gold_key(golds: Sequence[Gold]) -> Clustering:
    """The gold clusters of one topic's mentions (by mention key)."""
    by_cluster: dict[str, set[Hashable]] = {}
    for g in golds:
        by_cluster.setdefault(g.cluster, set()).add(g.mention.key)
    return [frozenset(c) for c in by_cluster.values()]


def conll_f1s(key: Clustering, response: Clustering) -> dict[str, float]:
    """CoNLL F1 (x 100) with singletons kept and removed."""
    return {
        setting: 100 * float(conll(k, r)["conll"])  # type: ignore[arg-type]
        for setting, (k, r) in {
            "with_singletons": (key, response),
            "without_singletons": (without_singletons(key), without_singletons(response)),
        }.items()
    }


_K = TypeVar("_K")


def _held_out(cells: dict[_K, dict[str, float]]) -> str:
    """The cells of a fit-on-one-half, score-on-the-other row: the best setting on all of dev and its F1, each half's
    best setting with the other half's F1, and the mean of the two held-out F1."""
    best = {part: max(cells, key=lambda s: cells[s][part]) for part in ("all", "A", "B")}
    a_to_b, b_to_a = cells[best["A"]]["B"], cells[best["B"]]["A"]
    return (
        f"{best['all']} {cells[best['all']]['all']:.1f} | {best['A']} -> {a_to_b:.1f} "
        f"| {best['B']} -> {b_to_a:.1f} | {(a_to_b + b_to_a) / 2:.2f}"
    )


def _tfidf_similarities(bags: dict[str, Counter[str]]) -> dict[str, dict[str, float]]:
    """TF-IDF cosines of a topic's documents (the weighting of ``cluster_documents``)."""
    docs = sorted(bags)
    df: Counter[str] = Counter(w for d in docs for w in bags[d])
    vectors = {}
    for d in docs:
        vec = {w: c * float(np.log((len(docs) + 1) / (df[w] + 0.5))) for w, c in bags[d].items()}
        norm = float(np.sqrt(sum(v * v for v in vec.values()))) or 1.0
        vectors[d] = {w: v / norm for w, v in vec.items()}
    return {a: {b: sum(v * vectors[b].get(w, 0.0) for w, v in vectors[a].items()) for b in docs} for a in docs}


def lead_text(data: Path, doc: str, words: int = 40) -> str:
    """A document's first ``words`` words, URL lines skipped: its title and lead, which name the story's who and
    where (the climber's nationality, the mountain), while an event's own sentence often does not."""
    topic = doc.split("_")[0]
    root = ET.parse(data / "ECB+" / topic / f"{doc}.xml").getroot()
    sentences: dict[int, list[str]] = {}
    for t in root.iter("token"):
        sentences.setdefault(int(t.get("sentence", "0")), []).append(t.text or "")
    kept = [
        w for k in sorted(sentences) if not any("http" in w or "www" in w for w in sentences[k]) for w in sentences[k]
    ]
    return " ".join(kept[:words])


DOCUMENT_COLUMNS = ("doc_cos", "lemma_x_doc_cos", "lead_cos", "lemma_x_lead_cos")


def document_columns(
    data: Path,
    topics: list[tuple[int, list[Gold], dict[str, Counter[str]]]],
    encoder: CachedEncoder,
    kinds: Sequence[str],
) -> Extra:
    """Pair columns for ``pair_rows`` from the two mentions' documents (``DOCUMENT_COLUMNS``): TF-IDF cosine of the
    documents, MiniLM cosine of their ``lead_text``, each alone and on same-lemma pairs (same document: 1)."""
    sims: dict[str, dict[str, float]] = {}
    for _, _, bags in topics:
        sims |= _tfidf_similarities(bags)
    docs = sorted(sims)
    leads = encoder([lead_text(data, d) for d in docs])
    lead = dict(zip(docs, leads / np.linalg.norm(leads, axis=1, keepdims=True), strict=True))

    def extra(members: Sequence[CorefMention]) -> FloatArray:
        ids = [m.doc_id for m in members]
        doc = np.array([[sims[a].get(b, 0.0) if a != b else 1.0 for b in ids] for a in ids])
        vectors = np.stack([lead[d] for d in ids])
        lead_cos = np.clip(vectors @ vectors.T, -1.0, 1.0)
        lemma = np.array([[a.lemma == b.lemma for b in members] for a in members], dtype=np.float64)
        columns = {"doc_cos": doc, "lemma_x_doc_cos": lemma * doc, "lead_cos": lead_cos,
                   "lemma_x_lead_cos": lemma * lead_cos}  # fmt: skip
        return np.stack([columns[k] for k in kinds], axis=-1).astype(np.float32)

    return extra


def document_experiment(data: Path, encoder: CachedEncoder) -> None:
    """Issue 4: the 13 features with document-level columns (``document_columns``), fitted on train; on dev,
    the clustering threshold chosen on one half of the topics (``DEV_HALVES``) and scored on the other, both ways;
    prints dev pair average precision and CoNLL F1 (singletons kept)."""
    train, dev = load_split(data, "train", names=True), load_split(data, "dev", names=True)
    halves = {"A": [t for t in dev if t[0] in DEV_HALVES[0]], "B": [t for t in dev if t[0] in DEV_HALVES[1]]}
    variants: dict[str, tuple[str, ...]] = {
        "13 features": (),
        "+ doc_cos, lemma_x_doc_cos": ("doc_cos", "lemma_x_doc_cos"),
        "+ lead_cos, lemma_x_lead_cos": ("lead_cos", "lemma_x_lead_cos"),
        "+ all four": DOCUMENT_COLUMNS,
    }
    thresholds = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55)
    print("| features | dev pair AP | dev: best threshold, F1 | fit A, score B | fit B, score A | mean held-out |")
    print("|---|---|---|---|---|---|")
    for name, kinds in variants.items():
        train_extra = document_columns(data, train, encoder, kinds) if kinds else None
        dev_extra = document_columns(data, dev, encoder, kinds) if kinds else None
        w = fit_logistic(*pair_rows(train, DOC_THRESHOLD, encoder, extra=train_extra))
        print(f"  {name}: weights {np.round(w, 2).tolist()}", file=sys.stderr)
        x, y = pair_rows(dev, DOC_THRESHOLD, encoder, extra=dev_extra)
        hits = y[np.argsort(-(x @ w[:-1] + w[-1]), kind="stable")]
        average_precision = _average_precision(hits)
        cells: dict[float, dict[str, float]] = {}
        for threshold in thresholds:
            system = _extended_system(encoder, dev_extra, w, threshold)
            cells[threshold] = {
                part: score(ts, system)["with_singletons"]["conll_f1"]  # type: ignore[index]
                for part, ts in (("all", dev), *halves.items())
            }
        curve = " ".join(f"{t}: {cells[t]['A']:.1f}/{cells[t]['B']:.1f}" for t in thresholds)
        print(f"  {name}, F1 on A/B by threshold: {curve}", file=sys.stderr)
        print(f"| {name} | {average_precision:.3f} | {_held_out(cells)} |", flush=True)


def _extended_system(
    encoder: CachedEncoder, extra: Extra | None, w: npt.NDArray[np.float64], threshold: float
) -> Callable[[list[CorefMention], dict[str, Counter[str]]], Clustering]:
    """``ours`` with the weights ``w`` over ``pair_features`` and the ``extra`` columns (no dates in ECB+, so
    no date veto to keep)."""

    def system(ms: list[CorefMention], bags: dict[str, Counter[str]]) -> Clustering:
        vectors = embed_mentions(ms, encoder)
        out: Clustering = []
        for rows in group_rows(ms, cluster_documents(bags, DOC_THRESHOLD, DOC_ATTACH)):
            members = [ms[i] for i in rows]
            features = pair_features(members, vectors[rows])
            if extra is not None:
                features = np.concatenate([features, extra(members)], axis=-1)
            probability = 1.0 / (1.0 + np.exp(-(features.astype(np.float64) @ w[:-1] + w[-1])))
            groups = _average_link(len(members), _matrix_score(probability), threshold)
            out.extend(frozenset(members[i].key for i in g) for g in groups)
        return out

    return system


def _matrix_score(matrix: npt.NDArray[np.float64]) -> Callable[[int, int], float]:
    return lambda i, j: float(matrix[i, j])


def group_rows(mentions: Sequence[CorefMention], groups: dict[str, int]) -> list[list[int]]:
    by_group: dict[int, list[int]] = {}
    for i, m in enumerate(mentions):
        by_group.setdefault(groups.get(m.doc_id, -1), []).append(i)
    return list(by_group.values())


def online_clusters(
    mentions: Sequence[CorefMention], groups: dict[str, int], vectors: FloatArray, model: PairModel, threshold: float
) -> Clustering:
    """What ``resolve_events`` would do with the pair scorer: mentions in document order each join the cluster
    of best mean pair probability when it reaches ``threshold``, else start one (no merge of earlier clusters)."""
    out: Clustering = []
    for rows in group_rows(mentions, groups):
        members = [mentions[i] for i in rows]
        probability = model.probabilities(pair_features(members, vectors[rows]))
        clusters: list[list[int]] = []
        for i in sorted(range(len(members)), key=lambda k: (members[k].doc_id, str(members[k].key))):
            means = [float(probability[i, c].mean()) for c in clusters]
            best = max(range(len(means)), key=means.__getitem__, default=None)
            if best is not None and means[best] >= threshold:
                clusters[best].append(i)
            else:
                clusters.append([i])
        out.extend(frozenset(members[i].key for i in c) for c in clusters)
    return out


def systems(
    doc_threshold: float,
    link_threshold: float,
    encoder: CachedEncoder,
    model: PairModel | None,
    online_threshold: float = ONLINE_THRESHOLD,
    doc_attach: float | None = DOC_ATTACH,
) -> dict[str, Callable[[list[CorefMention], dict[str, Counter[str]]], Clustering]]:
    def singletons(ms: list[CorefMention], bags: dict[str, Counter[str]]) -> Clustering:
        return [frozenset([m.key]) for m in ms]

    def lemma(ms: list[CorefMention], bags: dict[str, Counter[str]]) -> Clustering:
        return _keys(lemma_clusters(ms))

    def cluster_lemma(ms: list[CorefMention], bags: dict[str, Counter[str]]) -> Clustering:
        groups = cluster_documents(bags, doc_threshold, doc_attach)
        return _keys(lemma_clusters(ms, group=lambda m: groups[m.doc_id]))

    def rules(ms: list[CorefMention], bags: dict[str, Counter[str]]) -> Clustering:
        return _keys(cluster_mentions(ms, cluster_documents(bags, doc_threshold, doc_attach), link_threshold))

    def ours(ms: list[CorefMention], bags: dict[str, Counter[str]]) -> Clustering:
        groups = cluster_documents(bags, doc_threshold, doc_attach)
        return _keys(cluster_mentions(ms, groups, vectors=embed_mentions(ms, encoder), model=model))

    def online(ms: list[CorefMention], bags: dict[str, Counter[str]]) -> Clustering:
        assert model is not None
        groups = cluster_documents(bags, doc_threshold, doc_attach)
        return online_clusters(ms, groups, embed_mentions(ms, encoder), model, online_threshold)

    def lead(ms: list[CorefMention], bags: dict[str, Counter[str]]) -> Clustering:
        return run_resolve_events(ms, cluster_documents(bags, doc_threshold, doc_attach))

    def lead_learned(ms: list[CorefMention], bags: dict[str, Counter[str]]) -> Clustering:
        return run_resolve_events(ms, cluster_documents(bags, doc_threshold, doc_attach), embed_mentions(ms, encoder))

    def product(ms: list[CorefMention], bags: dict[str, Counter[str]]) -> Clustering:
        return run_resolve_events(ms, cluster_documents(bags, doc_threshold, doc_attach), encode=encoder)

    table: dict[str, Callable[[list[CorefMention], dict[str, Counter[str]]], Clustering]] = {
        "singletons": singletons,
        "lemma": lemma,
        "cluster+lemma": cluster_lemma,
        "rules": rules,
    }
    if model is not None:
        table |= {"ours": ours, "ours, online": online}
    table["resolve_events (rules)"] = lead
    if model is not None:
        table["resolve_events"] = lead_learned
        table["group_events (product)"] = product
    return table


Extra = Callable[[Sequence[CorefMention]], FloatArray]  # more pair columns (n x n x k) for a document group


def marked_text(mention: CorefMention, window: int = ENCODER_WINDOW) -> str:
    """The cross-encoder's view of one mention: up to ``window`` words either side of the trigger, the trigger
    between "<" and ">" (plain characters: one wordpiece each; ECB+ sentences hold none)."""
    if not mention.sentence or mention.span is None:
        return f"< {' '.join(mention.tokens)} >"
    start, end = mention.span
    text = mention.sentence
    before, after = text[:start].split()[-window:] if window else [], text[end:].split()[:window]
    return " ".join([*before, "<", text[start:end], ">", *after])


@dataclass(frozen=True, slots=True)
class Candidates:
    """The pairs of one predicted document group: ``members``, the learned scorer's probability matrix ``lr``,
    the gold label matrix, and the (i, j), i < j, whose ``lr`` reaches the encoder's floor."""

    members: list[CorefMention]
    lr: npt.NDArray[np.float64]
    gold: npt.NDArray[np.bool_]
    asked: list[tuple[int, int]]
    topic: int = 0
    features: FloatArray | None = None  # ``pair_features`` of ``members`` (n x n x 13), for the stacker


def candidate_groups(
    topics: list[tuple[int, list[Gold], dict[str, Counter[str]]]],
    encoder: CachedEncoder,
    model: PairModel,
    floor: float = ENCODER_FLOOR,
) -> list[Candidates]:
    """Every predicted document group of ``topics`` (as ``ours`` clusters them), with the pairs to re-score."""
    out: list[Candidates] = []
    for topic, golds, bags in topics:
        mentions = [g.mention for g in golds]
        vectors = embed_mentions(mentions, encoder)
        for rows in group_rows(mentions, cluster_documents(bags, DOC_THRESHOLD, DOC_ATTACH)):
            members = [mentions[i] for i in rows]
            features = pair_features(members, vectors[rows])
            lr = model.probabilities(features).astype(np.float64)
            clusters = np.array([golds[i].cluster for i in rows])
            i, j = np.nonzero(np.triu(lr >= floor, k=1))
            asked = list(zip(i.tolist(), j.tolist(), strict=True))
            out.append(Candidates(members, lr, clusters[:, None] == clusters[None, :], asked, topic, features))
    return out


class PairEncoderScores:
    """Probabilities of "same event" from a cross-encoder directory (``scripts/train_event_pair_encoder.py``), run
    by ``StanceEncoder`` (ONNX int8), for the ``asked`` pairs of ``candidate_groups``; kept beside ``ENCODER_CACHE``
    (outside the repository) in a file named by a hash of the graph's path and size, one per graph. ``symmetric``
    also scores (b, a) and averages."""

    def __init__(self, model_dir: Path, *, symmetric: bool = False, batch_size: int = 32, threads: int = 2) -> None:
        from storytrace.resolve.stance_encoder import StanceEncoder

        self.runtime = StanceEncoder(model_dir, threads=threads, batch_size=batch_size)
        self.same = self.runtime.labels.index("same")
        graph = model_dir / "model.onnx"
        self.stamp = f"{graph.resolve()}:{graph.stat().st_size}"
        # one cache per graph: scores of another encoder (a retrained one, a fold's) never evict these
        self.path = ENCODER_CACHE.with_name(
            f"{ENCODER_CACHE.stem}-{hashlib.sha1(self.stamp.encode()).hexdigest()[:10]}.npz"
        )
        self.window = int(json.loads((model_dir / "config.json").read_text(encoding="utf-8"))["window"])
        self.symmetric = symmetric
        self.seconds = 0.0
        self.scored = 0
        self.cache: dict[tuple[str, str], float] = {}
        if self.path.is_file():
            with np.load(self.path) as saved:
                if str(saved["stamp"]) == self.stamp:
                    self.cache = dict(zip(map(tuple, saved["pairs"].tolist()), saved["p"].tolist(), strict=True))

    def __call__(self, groups: list[Candidates]) -> list[npt.NDArray[np.float64]]:
        """One matrix per group: the encoder's probability at the asked pairs (both halves), NaN elsewhere."""
        texts = [[marked_text(m, self.window) for m in c.members] for c in groups]
        wanted = {(t[i], t[j]) for t, c in zip(texts, groups, strict=True) for i, j in c.asked}
        wanted |= {(b, a) for a, b in wanted} if self.symmetric else set()
        # Similar lengths batched together, ties by text: int8 activations are quantised per batch, so batch-mates
        # move a pair's score (about 0.15 CoNLL F1 on dev between two orders of ties), and the order must be fixed.
        missing = sorted(wanted - self.cache.keys(), key=lambda ab: (len(ab[0]) + len(ab[1]), ab))
        for begin in range(0, len(missing), 4000):  # saved as it goes: tens of thousands of pairs take minutes
            chunk = missing[begin : begin + 4000]
            started = time.perf_counter()
            same = self.runtime.probabilities(chunk)[:, self.same]
            self.seconds += time.perf_counter() - started
            self.scored += len(chunk)
            self.cache |= dict(zip(chunk, same.tolist(), strict=True))
            np.savez(
                self.path,
                stamp=np.array(self.stamp),
                pairs=np.array(list(self.cache)),
                p=np.array(list(self.cache.values())),
            )
            print(f"  {self.scored}/{len(missing)} pairs, {self.seconds:.0f} s", file=sys.stderr, flush=True)
        out = []
        for t, c in zip(texts, groups, strict=True):
            matrix = np.full((len(c.members), len(c.members)), np.nan)
            for i, j in c.asked:
                p = self.cache[(t[i], t[j])]
                matrix[i, j] = matrix[j, i] = (p + self.cache[(t[j], t[i])]) / 2 if self.symmetric else p
            out.append(matrix)
        return out


def blended(lr: npt.NDArray[np.float64], ce: npt.NDArray[np.float64], weight: float) -> npt.NDArray[np.float64]:
    """``(1 - weight) * lr + weight * ce`` where the encoder was asked, the learned scorer's ``lr`` elsewhere."""
    return np.where(np.isnan(ce), lr, (1 - weight) * lr + weight * np.nan_to_num(ce))


def encoder_clusters(
    groups: list[Candidates], ce: list[npt.NDArray[np.float64]], weight: float, threshold: float
) -> Clustering:
    """Average link over the blended probabilities, one document group at a time."""
    out: Clustering = []
    for c, matrix in zip(groups, ce, strict=True):
        clusters = _average_link(len(c.members), _matrix_score(blended(c.lr, matrix, weight)), threshold)
        out.extend(frozenset(c.members[i].key for i in g) for g in clusters)
    return out


def pair_rows(
    topics: list[tuple[int, list[Gold], dict[str, Counter[str]]]],
    doc_threshold: float,
    encoder: CachedEncoder,
    doc_attach: float | None = DOC_ATTACH,
    extra: Extra | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Features (``pair_features``, then the ``extra`` columns) and labels of every pair of each predicted
    document group."""
    rows_x: list[FloatArray] = []
    rows_y: list[npt.NDArray[np.bool_]] = []
    for _, golds, bags in topics:
        mentions = [g.mention for g in golds]
        vectors = embed_mentions(mentions, encoder)
        for rows in group_rows(mentions, cluster_documents(bags, doc_threshold, doc_attach)):
            members = [mentions[i] for i in rows]
            upper = np.triu_indices(len(rows), k=1)
            features = pair_features(members, vectors[rows])
            if extra is not None:
                features = np.concatenate([features, extra(members)], axis=-1)
            rows_x.append(features[upper])
            clusters = np.array([golds[i].cluster for i in rows])
            rows_y.append((clusters[:, None] == clusters[None, :])[upper])
    return np.concatenate(rows_x).astype(np.float64), np.concatenate(rows_y).astype(np.float64)


def fit_logistic(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """L2 logistic regression (Newton steps, numpy): the weights, then the bias (not shrunk) last."""
    x = np.hstack([x, np.ones((len(x), 1))])
    penalty = np.full(x.shape[1], L2)
    penalty[-1] = 0.0
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    print(f"fitted on {len(y)} pairs ({int(y.sum())} coreferent)", file=sys.stderr)
    return w


def fit_pair_model(
    topics: list[tuple[int, list[Gold], dict[str, Counter[str]]]],
    doc_threshold: float,
    encoder: CachedEncoder,
    threshold: float,
    doc_attach: float | None = DOC_ATTACH,
) -> PairModel:
    """The pair scorer: ``fit_logistic`` on the pairs of each predicted document group (``pair_rows``)."""
    w = fit_logistic(*pair_rows(topics, doc_threshold, encoder, doc_attach))
    return PairModel(tuple(round(float(v), 5) for v in w[:-1]), round(float(w[-1]), 5), threshold)


def load_split(
    data: Path, split: str, names: bool, topics: Sequence[int] | None = None
) -> list[tuple[int, list[Gold], dict[str, Counter[str]]]]:
    """The gold mentions of ``split``'s topics (or of ``topics``, a subset of them: a fold or a half)."""
    selected = selected_sentences(data)
    out = []
    for topic in SPLITS[split] if topics is None else topics:
        if topic not in SPLITS[split]:
            raise ValueError(f"topic {topic} is not in {split}")
        golds, bags = load_topic(data, topic, selected, names)
        out.append((topic, golds, bags))
    return out


def score(
    topics: list[tuple[int, list[Gold], dict[str, Counter[str]]]], system: Callable[..., Clustering]
) -> dict[str, object]:
    key: Clustering = []
    response: Clustering = []
    for _, golds, bags in topics:
        key.extend(gold_key(golds))
        response.extend(system([g.mention for g in golds], bags))
    out: dict[str, object] = {}
    for setting, (k, r) in {
        "with_singletons": (key, response),
        "without_singletons": (without_singletons(key), without_singletons(response)),
    }.items():
        result = conll(k, r)
        row: dict[str, float] = {}
        for name, s in result.items():
            if isinstance(s, Score):
                row |= {f"{name}_r": 100 * s.recall, f"{name}_p": 100 * s.precision, f"{name}_f1": 100 * s.f1}
            else:
                row["conll_f1"] = 100 * s
        out[setting] = row
    return out


def encoder_experiment(
    data: Path,
    split: str,
    model_dir: Path,
    *,
    sweep: bool,
    symmetric: bool | None,
    weight: float | None,
    threshold: float | None,
    as_json: bool,
) -> None:
    """``ours`` with its pair probabilities blended with a cross-encoder's (``blended``): with ``sweep``, a grid of
    weights and thresholds (CoNLL F1 with singletons, dev only); else the settings chosen on dev (``config.json``'s
    ``chosen``, or the arguments), scored once, with the encoder's speed."""
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    chosen = config.get("chosen", {})
    symmetric = bool(chosen.get("symmetric", False)) if symmetric is None else symmetric
    topics = load_split(data, split, names=True)
    groups = candidate_groups(topics, CachedEncoder(), load_pair_model())
    scores = PairEncoderScores(model_dir, symmetric=symmetric)
    matrices = scores(groups)
    key = [c for _, golds, _ in topics for c in gold_key(golds)]  # once: a sweep clusters 49 times

    def f1(w: float, t: float) -> dict[str, float]:
        return conll_f1s(key, encoder_clusters(groups, matrices, w, t))

    asked = sum(len(c.asked) for c in groups)
    speed = (
        f"{scores.scored} pairs scored in {scores.seconds:.0f} s ({scores.scored / max(scores.seconds, 1e-9):.0f}/s)"
    )
    if scores.scored == 0:
        speed = "all pairs cached"
    print(
        f"ECB+ {split}: {asked} pairs asked ({'both orders' if symmetric else 'one order'}); {speed}", file=sys.stderr
    )
    if sweep:
        if split == "test":
            raise SystemExit("--sweep tunes: never on test")
        weights, thresholds = (0.0, 0.25, 0.5, 0.6, 0.75, 0.9, 1.0), (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
        print(f"| weight ({split}, symmetric {symmetric}) | " + " | ".join(f"{t:.2f}" for t in thresholds) + " |")
        print("|---|" + "---|" * len(thresholds))
        for w in weights:
            cells = [f"{f1(w, t)['with_singletons']:.1f}" for t in thresholds]
            print(f"| {w:.2f} | " + " | ".join(cells) + " |")
        return
    w = float(chosen["weight"]) if weight is None else weight
    t = float(chosen["threshold"]) if threshold is None else threshold
    result = {
        "split": split,
        "weight": w,
        "threshold": t,
        "symmetric": symmetric,
        "ours": f1(0.0, load_pair_model().threshold),
        "blend": f1(w, t),
    }
    print(
        json.dumps(result)
        if as_json
        else f"ours {result['ours']}\nours + encoder (weight {w}, threshold {t}): {result['blend']}"
    )


STACK_COLUMNS = (*FEATURES, "logit_encoder", "lemma_x_logit_encoder")  # the stacker's inputs (``stack_columns``)


def _logit(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    p = np.clip(p, 1e-4, 1 - 1e-4)  # the int8 encoder says 0.9999 often: keep its logits finite and comparable
    return np.asarray(np.log(p / (1 - p)), dtype=np.float64)


def stack_columns(c: Candidates, ce: npt.NDArray[np.float64], small: bool = False) -> npt.NDArray[np.float64]:
    """The stacker's columns for every pair of a group (``STACK_COLUMNS``): the 13 pair features, the encoder's
    logit and that logit on same-lemma pairs (the encoder helps most where the lemma does not decide); ``small``:
    the learned scorer's logit in place of its 13 features (3 columns: less to fit on few topics)."""
    assert c.features is not None
    encoder = _logit(np.nan_to_num(ce, nan=0.5))
    lemma = c.features[..., FEATURES.index("lemma")].astype(np.float64)
    base = _logit(c.lr)[..., None] if small else c.features.astype(np.float64)
    return np.concatenate([base, encoder[..., None], (lemma * encoder)[..., None]], axis=-1)


def stacked(
    c: Candidates, ce: npt.NDArray[np.float64], w: npt.NDArray[np.float64], small: bool = False
) -> npt.NDArray[np.float64]:
    """The stacker's probability where the encoder was asked, the learned scorer's elsewhere."""
    p = 1.0 / (1.0 + np.exp(-(stack_columns(c, ce, small) @ w[:-1] + w[-1])))
    return np.where(np.isnan(ce), c.lr, p)


def cut_asked(groups: list[Candidates], share: float) -> list[Candidates]:
    """The groups with a fixed random ``share`` of each one's asked pairs (seeded: a rerun asks the same pairs)."""
    rng = np.random.default_rng(13)
    return [
        replace(c, asked=[c.asked[i] for i in sorted(rng.choice(len(c.asked), round(share * len(c.asked)), False))])
        for c in groups
    ]


def fold_scores(
    groups: list[Candidates], folds: Sequence[Path], oof: bool, share: float = 1.0
) -> tuple[list[Candidates], list[npt.NDArray[np.float64]]]:
    """Fold encoders' probabilities (one order) at the asked pairs: with ``oof`` (train topics) each group's from
    the encoder that did not train on its topic (encoder k trained on ``train_fold(k)``), on a ``share`` of each
    group's asked pairs (the groups come back with ``asked`` cut to it); else (dev) the mean of the encoders'."""
    runs = [PairEncoderScores(d) for d in folds]
    if not oof:
        return groups, [np.mean(ms, axis=0) for ms in zip(*(r(groups) for r in runs), strict=True)]
    cut = cut_asked(groups, share)
    out: list[npt.NDArray[np.float64] | None] = [None] * len(cut)
    for k, run in enumerate(runs):
        rows = [i for i, c in enumerate(cut) if c.topic not in train_fold(k)]
        for i, matrix in zip(rows, run([cut[i] for i in rows]), strict=True):
            out[i] = matrix
    return cut, [m for m in out if m is not None]


def fit_stacker(
    groups: list[Candidates], ce: list[npt.NDArray[np.float64]], small: bool = False
) -> npt.NDArray[np.float64]:
    """``fit_logistic`` over ``stack_columns`` at the asked pairs of groups the encoder did not train on."""
    xs, ys = [], []
    for c, matrix in zip(groups, ce, strict=True):
        if not c.asked:
            continue
        i, j = np.array(c.asked).T
        xs.append(stack_columns(c, matrix, small)[i, j])
        ys.append(c.gold[i, j].astype(np.float64))
    return fit_logistic(np.concatenate(xs), np.concatenate(ys))


def _asked_ap(groups: list[Candidates], matrices: list[npt.NDArray[np.float64]], topics: Sequence[int]) -> float:
    """Average precision of coreference over the asked pairs of the groups of ``topics``, ranked by ``matrices``."""
    scores_, gold = [], []
    for c, m in zip(groups, matrices, strict=True):
        if c.topic in topics and c.asked:
            i, j = np.array(c.asked).T
            scores_.append(m[i, j])
            gold.append(c.gold[i, j])
    hits = np.concatenate(gold).astype(np.float64)[np.argsort(-np.concatenate(scores_), kind="stable")]
    return _average_precision(hits)


def average_link_matrix(
    matrix: npt.NDArray[np.float64], threshold: float, start: list[list[int]] | None = None
) -> list[list[int]]:
    """``event_coref._average_link`` on a probability matrix, in numpy (fast enough for grids), from the clusters
    ``start`` (default: singletons). Ties may be broken otherwise than there."""
    clusters = [list(c) for c in start] if start is not None else [[i] for i in range(len(matrix))]
    member = np.zeros((len(clusters), len(matrix)))
    for k, c in enumerate(clusters):
        member[k, c] = 1.0
    sums = member @ matrix @ member.T
    sizes = member.sum(1)
    alive = np.ones(len(clusters), dtype=bool)
    while alive.sum() > 1:
        mean = sums / np.outer(sizes, sizes)
        mean[~alive] = -np.inf
        mean[:, ~alive] = -np.inf
        np.fill_diagonal(mean, -np.inf)
        a, b = np.unravel_index(int(np.argmax(mean)), mean.shape)
        if mean[a, b] < threshold:
            break
        sums[a] += sums[b]
        sums[:, a] += sums[:, b]
        sizes[a] += sizes[b]
        alive[b] = False
        clusters[a].extend(clusters[b])
    return [c for k, c in enumerate(clusters) if alive[k]]


def two_stage(c: Candidates, p: npt.NDArray[np.float64], within: float, across: float) -> list[list[int]]:
    """Average link inside each document first (threshold ``within``), then across documents from those clusters
    (``across``): same-document coreference is easier, and a document's clusters then vote together."""
    docs = np.array([m.doc_id for m in c.members])
    inside = np.where(docs[:, None] == docs[None, :], p, -1e9)
    start = average_link_matrix(inside, within)
    return average_link_matrix(p, across, start)


Setting = tuple[float, ...]
Cluster = Callable[[Candidates, npt.NDArray[np.float64], Setting], list[list[int]]]


def halves_experiment(data: Path, model_dir: Path, folds: Sequence[Path] | None = None, share: float = 1.0) -> None:
    """Issue 4's robustness check on dev: every system's settings (thresholds, blend weight, and the stacker's
    weights) are chosen on one half of the dev topics (``DEV_HALVES``) and scored on the other, both ways. Prints
    CoNLL F1 (singletons kept) and, on stderr, the threshold curves and the held-out pair AP of the stackers."""
    model = load_pair_model()
    topics = load_split(data, "dev", names=True)
    groups = candidate_groups(topics, CachedEncoder(), model)
    shipped = PairEncoderScores(model_dir, symmetric=True)(groups)
    thresholds = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
    weights = (0.25, 0.5, 0.75)
    within = (0.3, 0.45, 0.6)
    link: Cluster = lambda c, p, s: average_link_matrix(p, s[0])  # noqa: E731
    staged: Cluster = lambda c, p, s: two_stage(c, p, s[0], s[1])  # noqa: E731
    Source = Callable[[Setting], list[npt.NDArray[np.float64]]]
    lr = [c.lr for c in groups]
    table: dict[str, tuple[Source, list[Setting], Cluster]] = {
        "ours": (lambda s: lr, [(t,) for t in thresholds], link),
        "ours, two-stage": (lambda s: lr, [(a, t) for a in within for t in thresholds], staged),
        "blend, shipped encoder": (
            lambda s: [blended(c.lr, m, s[1]) for c, m in zip(groups, shipped, strict=True)],
            [(t, x) for t in thresholds for x in weights],
            link,
        ),
        # the encoder is worse than the learned scorer on same-lemma pairs of near-identical sentences (dev topic
        # 23: pair AP 0.45 against 0.65), and better on some topics' synonyms: blend only where the lemmas differ
        "blend, other-lemma pairs only": (
            lambda s: [
                np.where(c.features[..., 0] > 0, c.lr, blended(c.lr, m, s[1]))  # type: ignore[index]
                for c, m in zip(groups, shipped, strict=True)
            ],
            [(t, x) for t in thresholds for x in weights],
            link,
        ),
    }
    if folds is not None:
        # the stacker fitted on train, with out-of-fold scores of encoders trained on half the train topics each;
        # on dev, the mean of the two encoders: only the threshold is chosen on a dev half
        train_cut, train_ce = fold_scores(
            candidate_groups(load_split(data, "train", names=True), CachedEncoder(), model), folds, True, share
        )
        w_oof = fit_stacker(train_cut, train_ce)
        del train_cut, train_ce
        print("out-of-fold stacker:", dict(zip([*STACK_COLUMNS, "bias"], np.round(w_oof, 3).tolist(), strict=True)))
        _, folded = fold_scores(groups, folds, False)
        fold_ap = _asked_ap(groups, folded, SPLITS["dev"])
        print(f"  dev pair AP on the asked pairs, the fold encoders' mean: {fold_ap:.3f}", file=sys.stderr)
        oof_p = [stacked(c, m, w_oof) for c, m in zip(groups, folded, strict=True)]
        table["stack fitted on train, out of fold"] = (lambda s: oof_p, [(t,) for t in thresholds], link)
        table["blend, fold encoders' mean"] = (
            lambda s: [blended(c.lr, m, s[1]) for c, m in zip(groups, folded, strict=True)],
            [(t, x) for t in thresholds for x in weights],
            link,
        )
    key = {topic: gold_key(golds) for topic, golds, _ in topics}
    parts = {"all": SPLITS["dev"], "A": DEV_HALVES[0], "B": DEV_HALVES[1]}

    def f1s(matrices: list[npt.NDArray[np.float64]], setting: Setting, cluster: Cluster) -> dict[str, float]:
        by_topic: dict[int, Clustering] = {}
        for c, p in zip(groups, matrices, strict=True):
            by_topic.setdefault(c.topic, []).extend(
                frozenset(c.members[i].key for i in g) for g in cluster(c, p, setting)
            )
        out = {}
        for part, chosen in parts.items():
            k = [x for t in chosen for x in key[t]]
            r = [x for t in chosen for x in by_topic.get(t, [])]
            out[part] = 100 * float(conll(k, r)["conll"])  # type: ignore[arg-type]
        return out

    print("| system (dev, singletons kept) | all: best setting, F1 | fit A, score B | fit B, score A | mean held-out |")
    print("|---|---|---|---|---|")
    for name, (source, grid, cluster) in table.items():
        cells = {s: f1s(source(s), s, cluster) for s in grid}
        if len(grid[0]) == 1:
            curve = " ".join(f"{s[0]}: {cells[s]['A']:.1f}/{cells[s]['B']:.1f}" for s in grid)
            print(f"  {name}, F1 on A/B by threshold: {curve}", file=sys.stderr)
        print(f"| {name} | {_held_out(cells)} |", flush=True)
        if name == "ours":
            base = cells[(0.35,)]
            print(f"| ours at the shipped 0.35 | {base['all']:.1f} | {base['B']:.1f} | {base['A']:.1f} "
                  f"| {(base['A'] + base['B']) / 2:.2f} |")  # fmt: skip
    # Stackers fitted on one dev half (the shipped encoder's scores are honest on dev), threshold chosen there too;
    # "no encoder": the same fit with the encoder's columns held at 0 (what refitting the 13 weights on dev gives).
    no_encoder = [np.where(np.isnan(m), np.nan, 0.5) for m in shipped]
    for label, small, scores_ in (("3 columns", True, shipped), ("15 columns", False, shipped),
                                  ("no encoder", False, no_encoder)):  # fmt: skip
        held: dict[str, float] = {}
        chosen_: dict[str, Setting] = {}
        aps: dict[str, str] = {}
        for fit, other in (("A", "B"), ("B", "A")):
            half = DEV_HALVES[0] if fit == "A" else DEV_HALVES[1]
            rows = [i for i, c in enumerate(groups) if c.topic in half]
            w_half = fit_stacker([groups[i] for i in rows], [scores_[i] for i in rows], small)
            matrices = [stacked(c, m, w_half, small) for c, m in zip(groups, scores_, strict=True)]
            aps[other] = (
                f"{_asked_ap(groups, [c.lr for c in groups], DEV_HALVES[1] if fit == 'A' else DEV_HALVES[0]):.3f} -> "
                f"{_asked_ap(groups, matrices, DEV_HALVES[1] if fit == 'A' else DEV_HALVES[0]):.3f}"
            )
            cells = {(t,): f1s(matrices, (t,), link) for t in thresholds}
            chosen_[fit] = max(cells, key=lambda s: cells[s][fit])
            held[other] = cells[chosen_[fit]][other]
            curve = " ".join(f"{t}: {cells[(t,)][fit]:.1f}/{cells[(t,)][other]:.1f}" for t in thresholds)
            print(f"  fitted on {fit}, F1 on {fit}/{other} by threshold: {curve}", file=sys.stderr)
        print(
            f"| stack fitted on a dev half, shipped encoder ({label}) | - | {chosen_['A']} -> "
            f"{held['B']:.1f} | {chosen_['B']} -> {held['A']:.1f} | {(held['A'] + held['B']) / 2:.2f} |",
            flush=True,
        )
        print(f"  {label}: held-out pair AP (asked pairs), ours -> stack: B {aps['B']}, A {aps['A']}", file=sys.stderr)
    print(f"(ours at 0.35 on the halves: A {base['A']:.1f}, B {base['B']:.1f})")


def stack_experiment(data: Path, split: str, model_dir: Path, write: bool) -> None:
    """The stacker over the 13 pair features and the cross-encoder's logit (``stack_columns``), fitted on all dev
    topics' asked pairs (the encoder trained on train, so its dev scores are honest) with the threshold chosen on
    dev (``--split dev``, stored in ``config.json``'s ``stacked`` with ``--write``); ``--split test`` scores the
    stored stacker once. CoNLL F1 with singletons kept and removed, ``ours`` beside it."""
    config_path = model_dir / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    topics = load_split(data, split, names=True)
    groups = candidate_groups(topics, CachedEncoder(), load_pair_model())
    shipped = PairEncoderScores(model_dir, symmetric=True)(groups)
    key = [c for _, golds, _ in topics for c in gold_key(golds)]

    def f1(matrices: list[npt.NDArray[np.float64]], threshold: float) -> dict[str, float]:
        response = [
            frozenset(c.members[i].key for i in g)
            for c, p in zip(groups, matrices, strict=True)
            for g in average_link_matrix(p, threshold)
        ]
        return {setting: round(f, 2) for setting, f in conll_f1s(key, response).items()}

    lr = [c.lr for c in groups]
    if split == "dev":
        w = fit_stacker(groups, shipped)
        matrices = [stacked(c, m, w) for c, m in zip(groups, shipped, strict=True)]
        thresholds = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
        cells = {t: f1(matrices, t) for t in thresholds}
        best = max(thresholds, key=lambda t: cells[t]["with_singletons"])
        print("stacker fitted on dev:", dict(zip([*STACK_COLUMNS, "bias"], np.round(w, 3).tolist(), strict=True)))
        print("dev CoNLL F1 (kept / removed) by threshold, in-sample:")
        for t in thresholds:
            print(f"  {t}: {cells[t]['with_singletons']:.1f} / {cells[t]['without_singletons']:.1f}")
        print(f"chosen threshold {best}; ours (0.35): {f1(lr, load_pair_model().threshold)}")
        if write:
            config["stacked"] = {
                "columns": list(STACK_COLUMNS),
                "weights": [round(float(v), 5) for v in w[:-1]],
                "bias": round(float(w[-1]), 5),
                "threshold": best,
                "symmetric": True,
                "note": "fitted on the asked pairs of all dev topics, threshold chosen there "
                "(eval_ecbplus.py --split dev --encoder DIR --stack --write); dev halves: --halves",
            }
            config_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
            print(f"wrote {config_path}")
        return
    stored = config["stacked"]
    w = np.array([*stored["weights"], stored["bias"]])
    matrices = [stacked(c, m, w) for c, m in zip(groups, shipped, strict=True)]
    result = {
        "split": split,
        "ours": f1(lr, load_pair_model().threshold),
        "stacked": f1(matrices, float(stored["threshold"])),
        "threshold": stored["threshold"],
    }
    print(json.dumps(result))


def product_sweep(topics: list[tuple[int, list[Gold], dict[str, Counter[str]]]], encoder: CachedEncoder) -> None:
    """CoNLL F1 (with / without singletons) of the product's ``group_events`` over its pair threshold, with every
    type on the pair scorer and with speech acts (``REPORTING_TYPES``) on the rules."""
    for name, rules_types in (("every type scored", frozenset[str]()), ("speech acts on the rules", REPORTING_TYPES)):
        cells = []
        for threshold in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):

            def system(
                ms: list[CorefMention],
                bags: dict[str, Counter[str]],
                t: float = threshold,
                rt: frozenset[str] = rules_types,
            ) -> Clustering:
                groups = cluster_documents(bags, DOC_THRESHOLD, DOC_ATTACH)
                return run_resolve_events(
                    ms, groups, encode=encoder, pile=lambda: EventPile(pair_threshold=t, rules_types=rt)
                )

            result = score(topics, system)
            kept, removed = result["with_singletons"], result["without_singletons"]
            assert isinstance(kept, dict) and isinstance(removed, dict)
            cells.append(f"{threshold:.1f}: {kept['conll_f1']:.1f} / {removed['conll_f1']:.1f}")
        print(f"{name}: " + "  ".join(cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data/ecbplus"))
    parser.add_argument("--split", choices=sorted(SPLITS), default="dev")
    parser.add_argument("--sweep", action="store_true", help="grid of thresholds (dev or train only)")
    parser.add_argument("--fit", action="store_true", help="fit the pair scorer on train and write its weights")
    parser.add_argument("--threshold", type=float, help="with --fit: the clustering threshold to store")
    parser.add_argument("--model", type=Path, default=PAIR_MODEL_PATH, help="the pair scorer's weights.json")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--contextual",
        type=Path,
        metavar="DIR",
        help="issue 4's experiment: the pair scorer with and without contextual trigger cosines, fitted on train, "
        "scored on --split (dev); DIR holds the graph of `scripts/export_minilm_embeddings.py --tokens`",
    )
    parser.add_argument(
        "--encoder",
        type=Path,
        metavar="DIR",
        help="ours blended with the cross-encoder in DIR (scripts/train_event_pair_encoder.py); with --sweep (dev) a "
        "grid of blend weights and thresholds, else the `chosen` settings of DIR/config.json",
    )
    parser.add_argument("--symmetric", action=argparse.BooleanOptionalAction, help="--encoder: score both orders")
    parser.add_argument(
        "--halves",
        action="store_true",
        help="--encoder, dev: settings chosen on one half of the dev topics, scored on the other (issue 4)",
    )
    parser.add_argument(
        "--folds",
        type=Path,
        nargs=2,
        metavar="DIR",
        help="--halves: also the stacker fitted on train with the out-of-fold scores of these two encoders "
        "(train_event_pair_encoder.py --fold 0, --fold 1)",
    )
    parser.add_argument(
        "--fold-share", type=float, default=1.0, help="--folds: share of the train asked pairs scored (cost)"
    )
    parser.add_argument(
        "--documents", action="store_true", help="issue 4: document-level pair columns, fitted on train, on dev halves"
    )
    parser.add_argument(
        "--stack",
        action="store_true",
        help="--encoder: the stacker fitted on dev (--split dev [--write] stores it in DIR/config.json), or the "
        "stored one scored on --split test",
    )
    parser.add_argument("--write", action="store_true", help="--stack --split dev: store the stacker in config.json")
    parser.add_argument(
        "--product-sweep",
        action="store_true",
        help="dev: the product's group_events over pair thresholds, with and without speech acts on the rules",
    )
    parser.add_argument("--blend", type=float, help="--encoder: the encoder's weight (default: DIR's chosen)")
    parser.add_argument("--link", type=float, help="--encoder: the clustering threshold (default: DIR's chosen)")
    args = parser.parse_args(argv)
    if args.documents:
        if args.split != "dev":
            parser.error("--documents fits on train and compares on dev: add --split dev")
        document_experiment(args.data, CachedEncoder())
        return 0
    if args.stack:
        if args.encoder is None:
            parser.error("--stack needs the encoder: add --encoder DIR")
        if args.split == "train":
            parser.error("--stack fits on dev and scores test: --split dev or test")
        stack_experiment(args.data, args.split, args.encoder, args.write)
        return 0
    if args.halves:
        if args.encoder is None or args.split != "dev":
            parser.error("--halves compares on dev with the shipped encoder: add --split dev --encoder DIR")
        halves_experiment(args.data, args.encoder, args.folds, args.fold_share)
        return 0
    if args.encoder is not None:
        encoder_experiment(
            args.data,
            args.split,
            args.encoder,
            sweep=args.sweep,
            symmetric=args.symmetric,
            weight=args.blend,
            threshold=args.link,
            as_json=args.json,
        )
        return 0
    if args.contextual is not None:
        if args.split != "dev":
            parser.error("--contextual fits on train and compares on dev: add --split dev")
        contextual_experiment(args.data, args.contextual, args.split, CachedEncoder())
        return 0
    started = time.perf_counter()
    topics = load_split(args.data, args.split, names=True)
    n_mentions = sum(len(g) for _, g, _ in topics)
    encoder = CachedEncoder()
    if args.fit:
        if args.split != "train":
            parser.error("--fit learns from the train topics only: add --split train")
        if args.threshold is None:
            args.threshold = load_pair_model(args.model).threshold if args.model.is_file() else 0.5
        model = fit_pair_model(topics, DOC_THRESHOLD, encoder, args.threshold)
        args.model.parent.mkdir(parents=True, exist_ok=True)
        args.model.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.model}: {dict(zip(FEATURES, model.weights, strict=True))} bias {model.bias}")
        return 0
    model = load_pair_model(args.model)
    if args.product_sweep:
        if args.split == "test":
            parser.error("--product-sweep tunes: never on test")
        product_sweep(topics, encoder)
        return 0
    if args.sweep:
        if args.split == "test":
            parser.error("--sweep tunes: never on test")
        for dt in (0.04, 0.06, 0.08):
            cells = []
            for lt in (0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
                s = systems(dt, LINK_THRESHOLD, encoder, PairModel(model.weights, model.bias, lt), lt)
                o = score(topics, s["ours"])["with_singletons"]
                n = score(topics, s["ours, online"])["with_singletons"]
                assert isinstance(o, dict) and isinstance(n, dict)
                cells.append(f"{lt:.2f}: {o['conll_f1']:.1f} / {n['conll_f1']:.1f}")
            print(f"doc {dt:.2f}, link threshold: ours / online  " + "  ".join(cells))
        for dt in (0.0, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.1, 0.2):
            for lt in (0.5, 0.6, 0.95):
                s = systems(dt, lt, encoder, None)
                o = score(topics, s["rules"])["with_singletons"]
                c = score(topics, s["cluster+lemma"])["with_singletons"]
                assert isinstance(o, dict) and isinstance(c, dict)
                print(f"doc {dt:.2f} link {lt:.2f}: rules {o['conll_f1']:.1f}  cluster+lemma {c['conll_f1']:.1f}")
        return 0
    report = {name: score(topics, fn) for name, fn in systems(DOC_THRESHOLD, LINK_THRESHOLD, encoder, model).items()}
    seconds = time.perf_counter() - started
    if args.json:
        json.dump(
            {"split": args.split, "mentions": n_mentions, "seconds": seconds, "systems": report}, sys.stdout, indent=1
        )
        print()
        return 0
    print(f"ECB+ {args.split}: {n_mentions} gold event mentions, {len(topics)} gold topics, {seconds:.1f} s\n")
    for setting in ("with_singletons", "without_singletons"):
        print(f"### {setting.replace('_', ' ')}\n")
        print("| system | MUC R/P/F1 | B³ R/P/F1 | CEAF-e R/P/F1 | CoNLL F1 |\n|---|---|---|---|---|")
        for name, result in report.items():
            row = result[setting]
            assert isinstance(row, dict)
            cells = ["/".join(f"{row[f'{m}_{x}']:.1f}" for x in ("r", "p", "f1")) for m in ("muc", "b3", "ceafe")]
            print(f"| {name} | {' | '.join(cells)} | **{row['conll_f1']:.1f}** |")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
