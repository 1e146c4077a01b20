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
* **document proximity**: ``cluster_documents`` groups the documents of a topic by TF-IDF cosine (average
  link), so that two different earthquakes in one topic are kept apart; mentions of different document groups
  never link.

``cluster_mentions`` scores mention pairs (same lemma 1.0; same stem 0.9; same type family 0.5 plus 0.1 per
shared name, capped; different dates veto) and merges average-link above a threshold, one document group at a
time. ``lemma_clusters`` is the same-lemma baseline (the anchor method of Barhom et al. 2019, with our stripper
in place of spaCy's lemmas).

Known gaps: no word senses or embeddings, so synonyms outside one ontology type ("quake"/"temblor",
"fired"/"sacked") never meet unless the stem agrees; homonyms with one lemma ("fired" a gun / "fired" an
employee) in one document group always meet; the stripper makes non-words ("hir" for "hire") and misses many
irregular forms; quadratic in the mentions of a document group.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from storytrace.extract.events import load_ontology
from storytrace.resolve.events import family_of

__all__ = [
    "CorefMention",
    "cluster_documents",
    "cluster_mentions",
    "lemma_clusters",
    "trigger_lemma",
    "trigger_stem",
    "trigger_type",
]

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


def cluster_documents(bags: Mapping[str, Counter[str]], threshold: float) -> dict[str, int]:
    """Group documents whose TF-IDF cosine (average link) is at least ``threshold``; returns doc -> group."""
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
    return {docs[i]: g for g, members in enumerate(groups) for i in members}


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


def cluster_mentions(
    mentions: Sequence[CorefMention], doc_group: Mapping[str, Hashable], threshold: float = 0.5
) -> list[list[CorefMention]]:
    """Event clusters: average-link over pair scores, within each document group (see the module docstring)."""
    by_group: dict[Hashable, list[CorefMention]] = {}
    for m in mentions:
        by_group.setdefault(doc_group.get(m.doc_id, m.doc_id), []).append(m)
    out: list[list[CorefMention]] = []
    for members in by_group.values():
        groups = _average_link(len(members), _scorer(members), threshold)
        out.extend([members[i] for i in g] for g in groups)
    return out
