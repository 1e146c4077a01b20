"""Claim clustering and stance: claims about the same thing across reports become one proposition.

Each claim is reduced to a **signature**: its content words (folded like names: case, accents, spellings), the
entities it names and the event types it reports. Claims are taken oldest first; each joins the proposition
whose signature it is most similar to, when that similarity reaches ``threshold``, else it starts a new one.
Similarity is the weighted overlap (Dice) of the content words, plus a bonus for each shared entity and event
type, so that "Mahrouq was arrested in Harbal" and "the arrest of Sufyan al-Mahrouq on Saturday" meet. A new
report can join existing propositions without recomputing the others.

**Stance** of a claim toward its proposition: ``refutes`` when it denies or refutes (a denial cue, or negated
wording where the proposition is affirmative); ``reports`` when it relays without endorsing (hedged:
"reportedly", "unconfirmed", "could"; a question; a claim attributed to an unnamed online source); otherwise
``supports``. The representative wording of a proposition is its earliest affirmative, unhedged claim.

Known gaps: word overlap misses paraphrases that share no words or names; "refutes" by counter-evidence
without a denial cue is not detected; the threshold was set on the demo corpus.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from storytrace.model import make_id
from storytrace.model.dossier import ClaimRecord, PropositionRecord
from storytrace.packs.names import name_key

__all__ = ["ClaimClusterer", "signature_words", "stance_of"]

_STOP = frozenset(
    """a an the of in on at to for from by with and or but that this these those it its is are was were be been being
    has have had will would could should may might can not no nor as than then there their they them he she his her
    him we our you your i me my mr mrs ms said says say told according also after before over under into about
    against between during while who whom which what when where why how all any some more most other such only own
    same so too very just out up down off again further once here both each few s t don now one two three
    reportedly allegedly apparently claimed claims claim reports report reported statement sources source""".split()
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|n't|n’t|without|none)\b", re.IGNORECASE)
_SOCIAL = re.compile(r"\b(?:social media|account|online|unverified|unconfirmed)\b", re.IGNORECASE)


def signature_words(text: str) -> frozenset[str]:
    """Content words of a claim, folded so that spelling variants meet ("Kata'ib" = "Kataib")."""
    words = set()
    for match in _WORD.finditer(text):
        word = match.group(0).lower()
        if word in _STOP or len(word) < 3:
            continue
        key = name_key(word)
        if key:
            words.add(key[0][:7])  # a crude stem: "arrested", "arrest", "arrests" meet
    return frozenset(words)


def stance_of(claim: ClaimRecord, proposition_negated: bool = False) -> tuple[str, float]:
    """``(stance, confidence)`` of a claim toward the proposition it was clustered with."""
    negated = bool(_NEGATION.search(claim.text))
    if claim.polarity in ("denies", "refutes"):
        return "refutes", 0.9
    if negated != proposition_negated:
        return "refutes", 0.6
    speaker = claim.speaker
    if claim.hedges or claim.modality in ("possible", "question", "conditional"):
        return "reports", 0.7
    if speaker is not None and (speaker.kind == "social" or _SOCIAL.search(speaker.text)):
        return "reports", 0.6
    return "supports", 0.8


@dataclass(slots=True)
class _Cluster:
    proposition: PropositionRecord
    words: Counter[str] = field(default_factory=Counter)
    entities: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    size: int = 0
    negated: bool = False


@dataclass(slots=True)
class ClaimClusterer:
    """Incremental clustering of claims into propositions (see the module docstring)."""

    threshold: float = 0.42
    entity_bonus: float = 0.12
    event_bonus: float = 0.08
    clusters: list[_Cluster] = field(default_factory=list)
    _by_word: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    _by_entity: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def _score(self, cluster: _Cluster, words: frozenset[str], claim: ClaimRecord) -> float:
        # The cluster's words are those at least a third of its claims share, so one long claim cannot drift it.
        floor = max(1, cluster.size // 3)
        core = {w for w, n in cluster.words.items() if n >= floor}
        if not words or not core:
            return 0.0
        dice = 2 * len(words & core) / (len(words) + len(core))
        shared_entities = sum(1 for e in set(claim.entities) if cluster.entities[e] >= floor)
        shared_events = sum(1 for e in set(claim.event_types) if cluster.events[e] >= floor)
        return dice + self.entity_bonus * min(shared_entities, 3) + self.event_bonus * min(shared_events, 2)

    def add(self, claim: ClaimRecord) -> tuple[PropositionRecord, float]:
        """Put one claim in its proposition (a new one if none is close enough); returns it and the score."""
        words = signature_words(claim.text)
        candidates: set[int] = set()
        for w in words:
            candidates |= self._by_word.get(w, set())
        for e in claim.entities:
            candidates |= self._by_entity.get(e, set())
        best, best_score = None, 0.0
        for index in sorted(candidates):
            score = self._score(self.clusters[index], words, claim)
            if score > best_score:
                best, best_score = index, score
        if best is None or best_score < self.threshold:
            proposition = PropositionRecord(id=make_id("prp", claim.id), text=claim.text)
            cluster = _Cluster(proposition, negated=bool(_NEGATION.search(claim.text)) and claim.polarity == "asserts")
            self.clusters.append(cluster)
            best, best_score = len(self.clusters) - 1, 1.0
        cluster = self.clusters[best]
        cluster.proposition.claim_ids.append(claim.id)
        cluster.words.update(words)
        cluster.entities.update(set(claim.entities))
        cluster.events.update(set(claim.event_types))
        cluster.size += 1
        for w in words:
            self._by_word[w].add(best)
        for e in claim.entities:
            self._by_entity[e].add(best)
        claim.proposition_id = cluster.proposition.id
        claim.stance, claim.stance_score = stance_of(claim, cluster.negated)
        return cluster.proposition, round(best_score, 3)

    def add_all(self, claims: Iterable[ClaimRecord]) -> list[PropositionRecord]:
        """Cluster claims oldest first; returns the propositions, each with its representative wording."""
        ordered = sorted(claims, key=lambda c: (c.published_at or "9999", c.doc_id, c.start_char))
        by_id = {c.id: c for c in ordered}
        for claim in ordered:
            self.add(claim)
        propositions = [c.proposition for c in self.clusters]
        for proposition in propositions:
            members = [by_id[i] for i in proposition.claim_ids if i in by_id]
            proposition.text = representative(members) or proposition.text
        return propositions


def representative(claims: Sequence[ClaimRecord]) -> str | None:
    """The earliest affirmative, unhedged claim's wording; else the earliest claim's."""
    for claim in claims:
        if claim.stance == "supports" and not claim.hedges:
            return claim.text
    return claims[0].text if claims else None
