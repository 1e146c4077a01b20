"""Mention-pair event coreference for gold event mentions of any kind (ECB+ style), beside ``resolve.events``.

``resolve.events.resolve_events`` groups the typed events of our ontology by family, date, place and shared
entities; an ECB+ gold mention ("said", "nominated", "quake", "took place") is mostly outside that ontology and
rarely has resolved entities. This module clusters such mentions with what our pipeline offers offline:

* **trigger lemma** (``trigger_lemma``): no lemmatiser is available, so a crude English suffix stripper on the
  head token (inflections only: ``-s -es -ies -ed -ing``, doubled consonants, a short list of irregular verbs);
  ``trigger_stem`` also strips derivational ``-ion -ment -al`` so "elected"/"election" meet;
* **event type** of our ontology (``trigger_type``: the trigger words of ``extract/event_types.yaml``), read
  as ``resolve.events.family_of``: "shot"/"killing" and "bombing"/"attack" meet;
* **context**: the names of the mention's sentence (``context``: lower-cased words of NER/gazetteer
  entities) and its normalised date, when the caller gives them;
* **embeddings** (``embed_mentions``, with the shipped MiniLM: ``claims.default_embedder().encode``): cosines of
  four texts per mention (``mention_texts``): the sentence, five words either side of the trigger, one word
  either side, and the trigger alone. The trigger alone carries most of it: "earthquake"/"quake" meet (but
  "temblor" stays far from both);
* **document proximity**: ``cluster_documents`` groups the documents of a topic by TF-IDF cosine (average
  link), so that two different earthquakes in one topic are kept apart, then (``attach``) lets a document left
  alone join its closest group; mentions of different document groups never link.

``cluster_mentions`` merges mentions average-link above a threshold, one document group at a time. With
``vectors`` it scores pairs with a **learned scorer** (``PairModel``: logistic regression over ``FEATURES``,
weights in ``models/event-coref-pairs/weights.json``, fitted on the ECB+ train topics, threshold chosen on dev;
see the card beside it); without them, with the **rules** (same lemma 1.0; same stem 0.9; same type family 0.5
plus 0.1 per shared name, capped). Two mentions dated on different days never link. ``lemma_clusters`` is the
same-lemma baseline (the anchor method of Barhom et al. 2019, with our stripper in place of spaCy's lemmas).

ECB+ (``benchmarks/eval_ecbplus.py``, gold mentions, gold topics, CoNLL F1 with singletons, dev / test): learned
79.7 / 77.8; rules 77.0 / 76.5; same lemma in our document groups 76.7 / 76.9.

Known gaps: below the issue's target (80 on test) and Barhom et al. 2019 (79.5), and the dev gain (+2.7 over
the rules) shrinks on test (+1.3); the embedding of a sentence
says little about which of its events a trigger is, so two events with one lemma in one document group
("fired" a gun / "fired" an employee) still meet unless their triggers' neighbouring words differ; a
document grouped with the wrong story drags its mentions along (gold subtopics in place of ours, before the
``attach`` step: +1.1 on dev, +1.6 on train); document embeddings (mean of sentence vectors, alone or mixed with
TF-IDF) and TF-IDF mixed with trigger lemmas and names grouped worse than TF-IDF and are not used; same-lemma
pairs of different events in one group ("fall", "die"/"death", "kill"/"murder") are most of the false links on
dev, synonyms the embeddings do not bring together ("DUI"/"driving", "foil"/"thwart") most of the missed ones;
extra pair features tried on dev gave nothing (window-word Jaccard, shared numbers, document names, the share of
a group's documents holding the lemma) or too little to change ``FEATURES`` (a lemma-pair log-odds table from
train: +0.3 at one threshold; the cosines of the triggers' MiniLM token states in their sentences and of their
neighbouring wordpieces: +0.6 at another threshold, pair AP unchanged, ``eval_ecbplus.py --contextual``): the
same-lemma false links are different events told in near-identical sentences (two climbers' falls, two pirate
captures), which only their arguments (who, how many) tell apart; the stripper makes non-words ("hir" for
"hire") and misses many irregular forms; quadratic in the mentions of a document group (pair features are numpy
matrices; 200 mentions take about 0.2 s).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from storytrace.errors import PipelineError
from storytrace.extract.events import load_ontology
from storytrace.resolve.events import family_of

__all__ = [
    "FEATURES",
    "VIEWS",
    "CorefMention",
    "PairModel",
    "cluster_documents",
    "cluster_mentions",
    "embed_mentions",
    "lemma_clusters",
    "load_pair_model",
    "mention_texts",
    "pair_features",
    "trigger_lemma",
    "trigger_stem",
    "trigger_type",
]

FloatArray = npt.NDArray[np.float32]
PAIR_MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "event-coref-pairs" / "weights.json"
VIEWS = ("sentence", "window5", "window1", "trigger")  # the texts embedded per mention (``mention_texts``)
FEATURES = (
    "lemma", "stem", "family", "other_family", "names", "cos_sentence", "cos_window5", "cos_window1",
    "cos_trigger", "same_doc", "lemma_x_cos_sentence", "lemma_x_cos_window5", "other_lemma_x_cos_trigger",
)  # fmt: skip

_IRREGULAR = {
    "said": "say", "says": "say", "told": "tell", "took": "take", "taken": "take", "went": "go", "gone": "go",
    "came": "come", "made": "make", "gave": "give", "given": "give", "held": "hold", "left": "leave",
    "got": "get", "gotten": "get", "won": "win", "lost": "lose", "hit": "hit", "shot": "shoot", "struck": "strike",
    "stricken": "strike", "fell": "fall", "fallen": "fall", "found": "find", "brought": "bring", "bought": "buy",
    "sold": "sell", "sent": "send", "spoke": "speak", "spoken": "speak", "met": "meet", "began": "begin",
    "begun": "begin", "broke": "break", "broken": "break", "ran": "run", "led": "lead", "fled": "flee",
    "caught": "catch", "thought": "think", "knew": "know", "known": "know", "chose": "choose", "chosen": "choose",
    "wrote": "write", "written": "write", "saw": "see", "seen": "see", "paid": "pay", "stole": "steal",
    "stolen": "steal", "swore": "swear", "sworn": "swear", "rose": "rise", "risen": "rise", "shook": "shake",
    "shaken": "shake", "was": "be", "were": "be", "is": "be", "are": "be", "been": "be", "had": "have",
    "has": "have", "did": "do", "does": "do", "done": "do", "died": "die", "dies": "die", "dying": "die",
    "quit": "quit", "set": "set", "put": "put", "cut": "cut", "beat": "beat", "beaten": "beat", "hurt": "hurt",
    "built": "build", "kept": "keep", "felt": "feel", "meant": "mean", "heard": "hear", "stood": "stand",
    "sank": "sink", "sunk": "sink", "drove": "drive", "driven": "drive", "flew": "fly", "flown": "fly",
}  # fmt: skip
_FUNCTION = frozenset(
    "a an the to of in on at for by with from up out off down over into be is are was were been being has have had "
    "will would could should may might can do does did not no n't 's his her its their this that".split()
)
_VOWELS = frozenset("aeiouy")


def _strip_inflection(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 3:
            word = word[: len(word) - len(suffix)] + repl
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in _VOWELS | {"l", "s", "z"}:
        word = word[:-1]  # "stopped" -> "stopp" -> "stop"
    if len(word) > 3 and word.endswith("e") and word[-2] not in _VOWELS:
        word = word[:-1]  # "hire"/"hired"/"hiring" all -> "hir": a key, not a word
    return word


def _head(tokens: Sequence[str]) -> str:
    words = [t.lower() for t in tokens if t.lower() not in _FUNCTION and any(c.isalpha() for c in t)]
    if not words:
        return tokens[-1].lower() if tokens else ""
    first = words[0]
    # a verb phrase ("took place", "set fire") is headed by its verb, a noun compound ("heart attack") by its end
    if first in _IRREGULAR or first.endswith(("ed", "ing")) or len(words) == 1:
        return first
    return words[-1]


def trigger_lemma(tokens: Sequence[str]) -> str:
    """A lemma-like key of a trigger (its head word without inflection)."""
    return _strip_inflection(_head(tokens))


_DERIVATION = re.compile(r"(ation|ition|ion|ment|al|ure)$")


def trigger_stem(tokens: Sequence[str]) -> str:
    """``trigger_lemma`` without a derivational suffix, so a verb and its noun often meet ("elect"/"election")."""
    lemma = trigger_lemma(tokens)
    stripped = _DERIVATION.sub("", lemma)
    return _strip_inflection(stripped) if len(stripped) >= 4 else lemma


@lru_cache(maxsize=1)
def _word_types() -> dict[str, str]:
    onto = load_ontology()
    table: dict[str, str] = {}
    for triggers in onto.index.values():
        for trigger in triggers:
            if len(trigger.words) == 1:
                table.setdefault(trigger.words[0], trigger.type)
    return table


def trigger_type(tokens: Sequence[str]) -> str | None:
    """The ontology type of a trigger's head word, if it is a one-word trigger of ``event_types.yaml``."""
    table = _word_types()
    head = _head(tokens)
    return table.get(head) or table.get(" ".join(t.lower() for t in tokens))


@dataclass(frozen=True, slots=True)
class CorefMention:
    """One event mention as this module reads it; ``key`` is the caller's id."""

    key: Hashable
    doc_id: str
    tokens: tuple[str, ...]
    context: frozenset[str] = frozenset()  # lower-cased name words of the sentence
    date: str | None = None  # ISO day of the sentence's time expression, if any
    sentence: str = ""  # the mention's sentence, for the embedding features
    span: tuple[int, int] | None = None  # the trigger's character offsets in ``sentence``
    lemma: str = field(init=False)
    stem: str = field(init=False)
    family: str | None = field(init=False)

    def __post_init__(self) -> None:
        kind = trigger_type(self.tokens)
        object.__setattr__(self, "lemma", trigger_lemma(self.tokens))
        object.__setattr__(self, "stem", trigger_stem(self.tokens))
        object.__setattr__(self, "family", family_of(kind) if kind else None)


def lemma_clusters(
    mentions: Iterable[CorefMention], group: Callable[[CorefMention], Hashable] = lambda m: ""
) -> list[list[CorefMention]]:
    """The same-lemma baseline: mentions of one group with one lemma form one cluster."""
    clusters: dict[tuple[Hashable, str], list[CorefMention]] = {}
    for m in mentions:
        clusters.setdefault((group(m), m.lemma), []).append(m)
    return list(clusters.values())


def cluster_documents(
    bags: Mapping[str, Counter[str]], threshold: float, attach: float | None = None
) -> dict[str, int]:
    """Group documents whose TF-IDF cosine (average link) is at least ``threshold``; returns doc -> group.

    With ``attach``, a document left alone then joins the group (of two documents or more) of best mean cosine
    when that mean is at least ``attach``: a short report of a story shares few words with each of its siblings,
    yet its mentions should meet theirs."""
    docs = sorted(bags)
    df: Counter[str] = Counter(w for d in docs for w in bags[d])
    n = len(docs)
    vectors: list[dict[str, float]] = []
    for d in docs:
        vec = {w: c * math.log((n + 1) / (df[w] + 0.5)) for w, c in bags[d].items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({w: v / norm for w, v in vec.items()})
    sim = [[sum(v * b.get(w, 0.0) for w, v in a.items()) for b in vectors] for a in vectors]
    groups = _average_link(len(docs), lambda i, j: sim[i][j], threshold)
    if attach is not None:
        groups = _attach_singletons(groups, sim, attach)
    return {docs[i]: g for g, members in enumerate(groups) for i in members}


def _attach_singletons(groups: list[list[int]], sim: Sequence[Sequence[float]], attach: float) -> list[list[int]]:
    """Each group of one joins the group of two or more of best mean similarity, if at least ``attach``; the
    groups to join are those of the clustering (a joined singleton does not draw the next one)."""
    big = [g for g in groups if len(g) > 1]
    means = [[sum(sim[g[0]][j] for j in b) / len(b) for b in big] for g in groups if len(g) == 1]
    out = [list(b) for b in big]
    alone: list[list[int]] = []
    for g, row in zip([g for g in groups if len(g) == 1], means, strict=True):
        best = max(range(len(row)), key=row.__getitem__, default=None)
        if best is not None and row[best] >= attach:
            out[best].append(g[0])
        else:
            alone.append(g)
    return out + alone


def _average_link(n: int, score: Callable[[int, int], float], threshold: float) -> list[list[int]]:
    """Agglomerative clustering: merge the two clusters of best mean pair score while it is >= threshold."""
    pair = [[score(i, j) if i != j else 0.0 for j in range(n)] for i in range(n)]
    # sums[a][b]: total pair score between clusters a and b (kept up to date on merges)
    sums = {a: {b: pair[a][b] for b in range(n) if b != a} for a in range(n)}
    alive = {a: [a] for a in range(n)}
    while len(alive) > 1:
        best, best_ab = threshold, None
        for a, row in sums.items():
            for b, total in row.items():
                if a < b:
                    mean = total / (len(alive[a]) * len(alive[b]))
                    if mean >= best:
                        best, best_ab = mean, (a, b)
        if best_ab is None:
            break
        a, b = best_ab
        alive[a].extend(alive.pop(b))
        row_b = sums.pop(b)
        for c in sums:
            if c == a:
                continue
            merged = sums[c].pop(b, 0.0) + sums[c].get(a, 0.0)
            sums[c][a] = merged
            sums[a][c] = merged
        sums[a].pop(b, None)
        del row_b
    return list(alive.values())


def _pair_score(a: CorefMention, b: CorefMention) -> float:
    if a.date and b.date and a.date[:10] != b.date[:10]:
        return 0.0  # two dated mentions of different days are two events
    shared = len(a.context & b.context)
    if a.lemma == b.lemma:
        return 1.0
    if a.stem == b.stem:
        return 0.9
    if a.family is not None and a.family == b.family:
        return min(0.9, 0.5 + 0.1 * shared)
    return 0.0


def _scorer(members: Sequence[CorefMention]) -> Callable[[int, int], float]:
    return lambda i, j: _pair_score(members[i], members[j])


def mention_texts(mention: CorefMention) -> tuple[str, ...]:
    """The texts embedded for one mention, in ``VIEWS`` order: its sentence, windows of 5 words and 1 word around the
    trigger, and the trigger alone (a mention without a sentence uses its trigger for all four)."""
    trigger = " ".join(mention.tokens)
    if not mention.sentence or mention.span is None:
        return (trigger,) * len(VIEWS)
    start, end = mention.span
    text = mention.sentence
    before, inside, after = text[:start].split(), text[start:end], text[end:].split()
    return (
        text,
        " ".join([*before[-5:], inside, *after[:5]]),
        " ".join([*before[-1:], inside, *after[:1]]),
        trigger,
    )


def embed_mentions(mentions: Sequence[CorefMention], encode: Callable[[Sequence[str]], FloatArray]) -> FloatArray:
    """Unit vectors of each mention's ``mention_texts``: shape (mentions, views, dim); each distinct text once.

    ``encode`` is e.g. ``storytrace.resolve.claims.default_embedder().encode`` (or a caching wrapper of it)."""
    texts = [mention_texts(m) for m in mentions]
    unique = sorted({t for views in texts for t in views})
    index = {t: i for i, t in enumerate(unique)}
    vectors = encode(unique) if unique else np.zeros((0, 1), dtype=np.float32)
    dim = vectors.shape[1]
    out = np.zeros((len(mentions), len(VIEWS), dim), dtype=np.float32)
    for row, views in enumerate(texts):
        out[row] = vectors[[index[t] for t in views]]
    return out


def pair_features(members: Sequence[CorefMention], vectors: FloatArray) -> FloatArray:
    """Features of every pair of ``members`` (shape n x n x ``len(FEATURES)``), from their ``embed_mentions``."""
    n = len(members)

    def same(values: Sequence[object]) -> FloatArray:
        return np.array([[a == b for b in values] for a in values], dtype=np.float32)

    lemma = same([m.lemma for m in members])
    families = [m.family for m in members]
    known = np.array([f is not None for f in families], dtype=np.float32)
    family = same(families) * known[:, None] * known[None, :]
    names = np.array([[min(3, len(a.context & b.context)) / 3 for b in members] for a in members], dtype=np.float32)
    cosine = {view: vectors[:, k] @ vectors[:, k].T for k, view in enumerate(VIEWS)}
    columns = {
        "lemma": lemma,
        "stem": same([m.stem for m in members]),
        "family": family,
        "other_family": known[:, None] * known[None, :] - family,
        "names": names,
        **{f"cos_{view}": cosine[view] for view in VIEWS},
        "same_doc": same([m.doc_id for m in members]),
        "lemma_x_cos_sentence": lemma * cosine["sentence"],
        "lemma_x_cos_window5": lemma * cosine["window5"],
        "other_lemma_x_cos_trigger": (1 - lemma) * cosine["trigger"],
    }
    return np.stack([columns[f] for f in FEATURES], axis=-1).reshape(n, n, len(FEATURES)).astype(np.float32)


@dataclass(frozen=True, slots=True)
class PairModel:
    """A logistic-regression pair scorer over ``FEATURES`` and the clustering threshold chosen with it."""

    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probabilities(self, features: FloatArray) -> FloatArray:
        logits = features @ np.asarray(self.weights, dtype=np.float32) + np.float32(self.bias)
        return np.asarray(1.0 / (1.0 + np.exp(-logits)), dtype=np.float32)

    def to_json(self) -> dict[str, object]:
        return {"features": list(FEATURES), "weights": list(self.weights), "bias": self.bias,
                "threshold": self.threshold}  # fmt: skip


def load_pair_model(path: Path | None = None) -> PairModel:
    """The shipped pair scorer (``models/event-coref-pairs/weights.json``, see its card) or one at ``path``."""
    path = path or PAIR_MODEL_PATH
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PipelineError(
            f"cannot read the event-coreference pair model {path}: {error}",
            hint="refit it with `python benchmarks/eval_ecbplus.py --split train --fit`",
        ) from error
    if tuple(raw.get("features", ())) != FEATURES:
        raise PipelineError(
            f"the pair model {path} was fitted on features {raw.get('features')}, not {list(FEATURES)}",
            hint="refit it with `python benchmarks/eval_ecbplus.py --split train --fit`",
        )
    return PairModel(tuple(float(w) for w in raw["weights"]), float(raw["bias"]), float(raw["threshold"]))


def cluster_mentions(
    mentions: Sequence[CorefMention],
    doc_group: Mapping[str, Hashable],
    threshold: float | None = None,
    *,
    vectors: FloatArray | None = None,
    model: PairModel | None = None,
) -> list[list[CorefMention]]:
    """Event clusters: average-link over pair scores, within each document group (see the module docstring).

    With ``vectors`` (``embed_mentions`` of ``mentions``, same order) the pairs are scored by the learned
    ``model`` (default: the shipped one) and ``threshold`` defaults to the model's; without them, by the rules
    (``threshold`` defaults to 0.5)."""
    by_group: dict[Hashable, list[int]] = {}
    for i, m in enumerate(mentions):
        by_group.setdefault(doc_group.get(m.doc_id, m.doc_id), []).append(i)
    if vectors is not None and len(vectors) != len(mentions):
        raise ValueError(f"{len(vectors)} vectors for {len(mentions)} mentions")
    if vectors is not None:
        model = model or load_pair_model()
    limit = threshold if threshold is not None else model.threshold if model is not None else 0.5
    out: list[list[CorefMention]] = []
    for rows in by_group.values():
        members = [mentions[i] for i in rows]
        scorer = _scorer(members)
        if vectors is not None and model is not None:
            probability = model.probabilities(pair_features(members, vectors[rows]))
            for i, j in _dated_apart(members):
                probability[i, j] = probability[j, i] = 0.0
            scorer = _matrix_scorer(probability)
        groups = _average_link(len(members), scorer, limit)
        out.extend([members[i] for i in g] for g in groups)
    return out


def _matrix_scorer(matrix: FloatArray) -> Callable[[int, int], float]:
    return lambda i, j: float(matrix[i, j])


def _dated_apart(members: Sequence[CorefMention]) -> list[tuple[int, int]]:
    """Pairs dated on two different days: two events whatever their words (the rule scorer's veto)."""
    dated = [(i, m.date[:10]) for i, m in enumerate(members) if m.date]
    return [(i, j) for i, a in dated for j, b in dated if i < j and a != b]
