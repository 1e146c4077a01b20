"""Claim clustering: claims about the same thing across reports become one proposition, with a stance each.

Each claim is embedded with all-MiniLM-L6-v2 (ONNX, per-channel int8, shipped in
``storytrace/models/minilm-embeddings``, built by ``scripts/export_minilm_embeddings.py``; run time needs only
onnxruntime and tokenizers) and reduced to a **signature**: its content words (folded like names: case, accents,
spellings, a crude 7-letter stem), the entities it names, its event types and resolved events.

Claims are taken oldest first. **Blocking**: a claim is compared only with the propositions that share an entity
or a content word with it (posting lists longer than ``max_postings`` are skipped, as stop words are), at most
``max_candidates`` of them, those sharing the most keys; never with all propositions. **Score** against a
candidate: the cosine between the claim's embedding and the proposition's centroid (half) and its anchor claim (half:
its first firm claim, see below; its first claim until there is one), or, when higher, the cosine with the closest of
its first ``MAX_MEMBERS`` claims (the **member link**: a later report may word the proposition as its lede did, not as
its headline; Emergent train CoNLL F1 74.9 -> 78.0), plus small bonuses for the
overlap of content words (Dice with the words a third of its claims share, or, for a claim of six content words or
more, the share of its words among them when that is at least half: Dice shrinks as a proposition's vocabulary
grows), each shared entity (up to 3), a shared event type and a shared resolved event,
minus ``event_conflict`` when each side reports a kind of happening the other does not (``_happenings``: the
families of their event types, speech acts aside; the proposition's are those a third of its claims report): the
claims of one story share its setting ("the militia besieging Ain Bashura"), and a delivery of drones is not the
talks it is told beside; plus ``lede_bonus`` for a report's lede against the proposition holding the same report's
headline (``ClaimRecord.lead``: news state the headline's proposition first, in more words; "Government and
militia held secret talks" and "Envoys of the ministry and the militia met secretly last Sunday in …" are one
proposition the sentence embeddings put at 0.57).
The claim joins the best proposition when the score reaches ``threshold``, else it starts a new one, unless it
is a **refutation by reference** (``_referred``), which names what it refutes without stating it: a headline denial
over a lede that denies too joins the lede's proposition (``order_for_clustering`` takes the lede first), and "that
report" or "the story is invented" joins the proposition of the nearest earlier claim of its report that someone
asserts (the refuter's own claims skipped); the claim's stance reason says so. A **caveat on the evidence** ("He did
not provide evidence", ``stance.CAVEAT``) always goes by reference, to the nearest earlier claim of its report that
is not a caveat, however close it is to another report's caveat, and reports it (stance ``reports``). Adding a
report later joins existing propositions without recomputing the others, and gives the same result as adding
all at once in the same order, provided each claim's vector is the same: the int8 model moves a vector by up to
0.03 with the other texts of its batch, so ``resolve`` embeds one claim at a time and keeps the vectors.

Each claim's **stance** toward its proposition (``resolve/stance.py``) is read against the proposition's
anchor claim; the reason is kept in ``ClaimRecord.stance_reason``. The representative wording of a proposition is
its earliest affirmative, unhedged, asserted claim (else its earliest claim).

Known gaps: paraphrases that share no word stem and no entity are never compared (the blocking keys); a
claim joins at most one proposition, so a sentence holding two propositions goes with the closer one; the
threshold was chosen on the Emergent train split (article headlines of the same claim) and checked on the demo;
the int8 model moves cosines by up to 0.02 against fp32.
"""

from __future__ import annotations

import heapq
import json
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from storytrace.errors import PipelineError
from storytrace.model import make_id
from storytrace.model.dossier import ClaimRecord, PropositionRecord
from storytrace.packs.names import name_key
from storytrace.resolve.events import family_of
from storytrace.resolve.stance import CAVEAT, Stance, is_negated, stance_of

__all__ = [
    "ClaimClusterer",
    "Embedder",
    "default_embedder",
    "order_for_clustering",
    "representative",
    "signature_words",
    "stance_of",
]

FloatArray = npt.NDArray[np.float32]
MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "minilm-embeddings"
DIM = 384

_STOP = frozenset(
    """a an the of in on at to for from by with and or but that this these those it its is are was were be been being
    has have had will would could should may might can not no nor as than then there their they them he she his her
    him we our you your i me my mr mrs ms said says say told according also after before over under into about
    against between during while who whom which what when where why how all any some more most other such only own
    same so too very just out up down off again further once here both each few s t don now one two three
    reportedly allegedly apparently claimed claims claim reports report reported statement sources source""".split()
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_SUFFIX = re.compile(r"(?:ing|ed|es|s)$")


class Embedder:
    """Sentence embeddings (384-d, L2-normalised) from the shipped ONNX MiniLM; no torch at run time."""

    def __init__(
        self, model_dir: Path | None = None, *, threads: int = 2, batch_size: int = 32, max_length: int = 128
    ) -> None:
        model_dir = model_dir or MODEL_DIR
        model_path, tokenizer_path = model_dir / "model.onnx", model_dir / "tokenizer.json"
        if not model_path.is_file() or not tokenizer_path.is_file():
            raise PipelineError(
                f"the sentence-embedding model is missing from {model_dir}",
                hint="rebuild it with `python scripts/export_minilm_embeddings.py` (needs the train extra)",
            )
        try:
            import onnxruntime as ort  # here, not at module level: importing it costs 0.2 s at every CLI start
            from tokenizers import Tokenizer

            self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
            self.tokenizer.enable_truncation(max_length=max_length)
            self.tokenizer.no_padding()
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # see ner_minilm.py
            self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime and tokenizers raise their own exception types
            raise PipelineError(f"cannot load the sentence-embedding model from {model_dir}: {error}") from error
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> FloatArray:
        """One unit vector per text, in order; batches are formed by length so that padding stays small."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for begin in range(0, len(order), self.batch_size):
            batch = order[begin : begin + self.batch_size]
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                piece = encodings[i].ids
                ids[row, : len(piece)] = piece
                mask[row, : len(piece)] = 1
            (vectors,) = self.session.run(["embedding"], {"input_ids": ids, "attention_mask": mask})
            out[batch] = np.asarray(vectors, dtype=np.float32)
        return out


_DEFAULT: Embedder | None = None
_LOCK = threading.Lock()


def default_embedder() -> Embedder:
    """The shipped model, loaded once per process."""
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            _DEFAULT = Embedder()
        return _DEFAULT


def signature_words(text: str) -> frozenset[str]:
    """Content words of a claim, folded so that spelling variants meet ("Kata'ib" = "Kataib")."""
    words = set()
    for match in _WORD.finditer(text):
        word = match.group(0).lower()
        if word in _STOP or len(word) < 3:
            continue
        key = name_key(_SUFFIX.sub("", word) if len(word) > 5 else word)
        if key:
            words.add(key[0][:7])  # a crude stem: "arrested", "arrest", "arrests" meet
    return frozenset(words)


# How many of a proposition's first claims a new claim is compared with one by one (``ClaimClusterer.score``):
# Emergent train, 2026-11-22: 4 / 8 / 16 / 32 give CoNLL F1 77.3 / 77.6 / 78.0 / 78.0.
MAX_MEMBERS = 16


@dataclass(slots=True)
class _Cluster:
    proposition: PropositionRecord
    anchor: ClaimRecord
    seed: FloatArray  # the first claim's embedding
    seed_id: str = ""  # the first claim's id
    total: FloatArray = field(default_factory=lambda: np.zeros(DIM, dtype=np.float32))  # sum of the members'
    centroid: FloatArray = field(default_factory=lambda: np.zeros(DIM, dtype=np.float32))  # ``total``, unit length
    words: Counter[str] = field(default_factory=Counter)
    entities: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    event_ids: Counter[str] = field(default_factory=Counter)
    keys: set[str] = field(default_factory=set)  # the blocking keys whose postings hold it
    size: int = 0
    anchor_vector: FloatArray | None = None  # the anchor's embedding, for the stance model
    core: frozenset[str] = frozenset()  # the words a third of its claims share, as of ``core_size`` claims
    happenings: frozenset[str] = frozenset()  # the event families a third of its claims report, likewise
    headlines: set[str] = field(default_factory=set)  # the reports whose headline claim it holds
    core_size: int = -1
    member_ids: list[str] = field(default_factory=list)  # its first ``MAX_MEMBERS`` claims, for the member link
    members: list[FloatArray] = field(default_factory=list)  # their embeddings (the claims' own arrays: no copy)
    member_matrix: FloatArray | None = None  # ``members`` stacked, built when first scored against (one BLAS call)


# Event types said of anything (a statement, a denial, an accusation): they name no happening to tell apart.
_SPEECH = frozenset("statement denial accusation threat demand appeal support cooperation concession coercion".split())


def _happenings(event_types: Iterable[str]) -> frozenset[str]:
    """The families of the happenings among ``event_types`` (an attack and a killing are one family)."""
    return frozenset(family_of(t) for t in event_types if t not in _SPEECH)


def _firm(claim: ClaimRecord) -> bool:
    return claim.polarity == "asserts" and not claim.hedges and claim.modality == "asserted"


@dataclass(slots=True)
class ClaimClusterer:
    """Incremental clustering of claims into propositions (see the module docstring)."""

    threshold: float = 0.66  # Emergent train: cosine alone peaks near 0.6; the bonuses add ~0.05-0.1 on news
    seed_weight: float = 0.5  # share of the cosine taken against the proposition's anchor claim: limits drift
    word_bonus: float = 0.15
    entity_bonus: float = 0.03
    event_bonus: float = 0.03
    event_id_bonus: float = 0.05
    event_conflict: float = 0.1  # each side reports a kind of event the other does not (a meeting, a delivery)
    lede_bonus: float = 0.06  # a report's lede, against the proposition of its own headline
    # The word bonus takes the share of a claim's content words in the proposition's core instead of Dice, when
    # the claim has this many content words and at least this share is in the core (Emergent train 78.0 -> 78.3)
    containment_words: int = 6
    containment_floor: float = 0.5
    max_candidates: int = 64
    max_postings: int = 5000
    embedder: Embedder | None = None
    clusters: dict[int, _Cluster] = field(default_factory=dict)  # by index: the order propositions were founded
    next_index: int = 0
    touched: set[int] = field(default_factory=set)  # the propositions that gained a claim
    reference_window: int = 5  # how many of a report's earlier claims a refutation by reference may point to
    _by_key: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    # Per report of this run, its claims so far with their propositions: a report arrives whole (in a full
    # resolve and in a join alike), so a refutation by reference finds its antecedent among them.
    _trail: dict[str, list[tuple[ClaimRecord, int]]] = field(default_factory=lambda: defaultdict(list))

    def _embed(self, texts: Sequence[str]) -> FloatArray:
        if self.embedder is None:
            self.embedder = default_embedder()
        return self.embedder.encode(texts)

    @staticmethod
    def _keys(words: frozenset[str], claim: ClaimRecord) -> set[str]:
        return {f"w:{w}" for w in words} | {f"e:{e}" for e in claim.entities}

    def _postings(self, key: str) -> list[int]:
        """The propositions holding ``key`` (resolve/incremental.py adds those a stored dossier holds)."""
        return self._by_key.get(key, [])

    def _cluster(self, index: int) -> _Cluster:
        return self.clusters[index]

    def _candidates(self, keys: set[str]) -> list[int]:
        shared: Counter[int] = Counter()
        for key in keys:
            postings = self._postings(key)
            if postings and len(postings) <= self.max_postings:
                shared.update(postings)
        # Ties go to the older proposition: Counter.most_common would break them by insertion order, which
        # follows the iteration order of ``keys``, a set of strings, so the result changed with the hash seed.
        best = heapq.nsmallest(self.max_candidates, shared.items(), key=lambda kv: (-kv[1], kv[0]))
        return [index for index, _ in best]

    def score(self, index: int, vector: FloatArray, words: frozenset[str], claim: ClaimRecord) -> float:
        """How well a claim fits proposition ``index``: centroid cosine plus the overlap bonuses."""
        cluster = self._cluster(index)
        cosine = (1 - self.seed_weight) * float(cluster.centroid @ vector)
        # Against the anchor, its first firm claim, rather than its first claim: a hedged headline ("talks held,
        # sources say") says less of the proposition than the lede that asserts it.
        anchor = cluster.anchor_vector if cluster.anchor_vector is not None else cluster.seed
        cosine += self.seed_weight * float(anchor @ vector)
        if cluster.size > 1:  # the member link: as close as its closest claim, when that is closer
            if cluster.member_matrix is None or len(cluster.member_matrix) != len(cluster.members):
                cluster.member_matrix = np.stack(cluster.members)
            cosine = max(cosine, float(np.max(cluster.member_matrix @ vector)))
        floor = max(1, cluster.size // 3)  # the words at least a third of its claims share
        if cluster.core_size != cluster.size:  # computed once per claim added, not once per candidate scored
            cluster.core, cluster.core_size = frozenset(w for w, n in cluster.words.items() if n >= floor), cluster.size
            cluster.happenings = _happenings(e for e, n in cluster.events.items() if n >= floor)
        core = cluster.core
        overlap = 2 * len(words & core) / (len(words) + len(core)) if words and core else 0.0  # Dice
        # Containment: a claim of some length most of whose content words the proposition already holds ("The town
        # has been without piped water since March 7, when the power line feeding its pumping station was cut"
        # against "Taps ran dry … after the power line feeding the town's only water pumping station was cut"):
        # Dice divides by the core, which grows with every claim a proposition gains.
        if len(words) >= self.containment_words and core:
            contained = len(words & core) / len(words)
            if contained >= self.containment_floor:
                overlap = max(overlap, contained)
        entities = sum(1 for e in set(claim.entities) if cluster.entities[e] >= floor)
        events = any(cluster.events[e] for e in claim.event_types)
        event_ids = any(cluster.event_ids[e] for e in claim.event_ids)
        mine, theirs = _happenings(claim.event_types), cluster.happenings
        conflict = bool(mine - theirs) and bool(theirs - mine)
        return (
            cosine
            + self.word_bonus * overlap
            + self.entity_bonus * min(entities, 3)
            + self.event_bonus * events
            + self.event_id_bonus * event_ids
            - self.event_conflict * conflict
            + self.lede_bonus * (claim.lead == "lede" and claim.doc_id in cluster.headlines)
        )

    def state_of(self, index: int) -> tuple[bytes, str]:
        """What resolve/incremental.py keeps of proposition ``index`` to score claims against it later: the sum
        of its claims' vectors, and (JSON) its seed and anchor claims, size and tallies."""
        cluster = self.clusters[index]
        state = {
            "seed": cluster.seed_id,
            "anchor": cluster.anchor.id,
            "size": cluster.size,
            "words": dict(cluster.words),
            "entities": dict(cluster.entities),
            "events": dict(cluster.events),
            "event_ids": dict(cluster.event_ids),
            "headlines": sorted(cluster.headlines),
            "members": cluster.member_ids,
        }
        return cluster.total.astype("<f4").tobytes(), json.dumps(state, ensure_ascii=False)

    @staticmethod
    def cluster_from(
        proposition: PropositionRecord,
        anchor: ClaimRecord,
        seed: FloatArray,
        anchor_vector: FloatArray,
        total: bytes,
        state: str,
        member_vectors: Mapping[str, FloatArray],
    ) -> _Cluster:
        """A cluster from ``state_of``'s values, with its seed's and anchor's vectors (``anchor`` as a record) and
        ``member_vectors``, the vectors of the claims its state names as ``members`` (``state_members``)."""
        data = json.loads(state)
        cluster = _Cluster(proposition, anchor, seed, seed_id=str(data["seed"]), anchor_vector=anchor_vector)
        cluster.member_ids = [str(m) for m in data["members"]]
        cluster.members = [member_vectors[m] for m in cluster.member_ids]
        cluster.total = np.frombuffer(total, dtype="<f4").astype(np.float32)
        cluster.centroid = cluster.total / max(float(np.linalg.norm(cluster.total)), 1e-9)
        cluster.size = int(data["size"])
        cluster.words, cluster.entities = Counter(data["words"]), Counter(data["entities"])
        cluster.events, cluster.event_ids = Counter(data["events"]), Counter(data["event_ids"])
        cluster.headlines = set(data.get("headlines", ()))
        cluster.keys = {f"w:{w}" for w in cluster.words} | {f"e:{e}" for e in cluster.entities}
        return cluster

    @staticmethod
    def state_members(state: str) -> list[str]:
        """The claims whose vectors ``cluster_from`` needs besides the seed and the anchor."""
        return [str(m) for m in json.loads(state).get("members", [])]

    @staticmethod
    def _join(cluster: _Cluster, claim: ClaimRecord, vector: FloatArray, words: frozenset[str]) -> None:
        """Count a claim in its cluster (also how resolve/incremental.py rebuilds a stored proposition)."""
        if not _firm(cluster.anchor) and _firm(claim):
            cluster.anchor, cluster.anchor_vector = claim, vector
        cluster.proposition.claim_ids.append(claim.id)
        if len(cluster.member_ids) < MAX_MEMBERS:
            cluster.member_ids.append(claim.id)
            cluster.members.append(vector)
        cluster.total = cluster.total + vector
        cluster.centroid = cluster.total / max(float(np.linalg.norm(cluster.total)), 1e-9)
        cluster.words.update(words)
        cluster.entities.update(set(claim.entities))
        cluster.events.update(set(claim.event_types))
        cluster.event_ids.update(set(claim.event_ids))
        if claim.lead == "headline":
            cluster.headlines.add(claim.doc_id)
        cluster.size += 1

    def add(self, claim: ClaimRecord, vector: FloatArray | None = None) -> tuple[PropositionRecord, float]:
        """Put one claim in its proposition (a new one if none is close enough); returns it and the score."""
        if vector is None:
            vector = self._embed([claim.text])[0]
        words = signature_words(claim.text)
        keys = self._keys(words, claim)
        best, best_score = -1, 0.0
        for index in self._candidates(keys):
            score = self.score(index, vector, words, claim)
            if score > best_score or (score == best_score and index < best):
                best, best_score = index, score
        referred = None
        # A caveat on the evidence goes with the claim it qualifies, however close it is to another report's caveat.
        if best < 0 or best_score < self.threshold or CAVEAT.search(claim.text):
            referred = self._referred(claim)
            if referred is not None:
                best = referred[0]
        if best < 0 or (best_score < self.threshold and referred is None):
            proposition = PropositionRecord(id=make_id("prp", claim.id), text=claim.text)
            best, best_score = self.next_index, 1.0
            self.clusters[best] = _Cluster(proposition, claim, vector, seed_id=claim.id, anchor_vector=vector)
            self.next_index += 1
        cluster = self._cluster(best)
        self._join(cluster, claim, vector, words)
        self.touched.add(best)
        for key in keys - cluster.keys:
            self._by_key[key].append(best)
        cluster.keys |= keys
        # The vectors at hand: without them the stance model embeds both texts again.
        stance = stance_of(claim, cluster.anchor, vector=vector, anchor_vector=cluster.anchor_vector)
        claim.proposition_id = cluster.proposition.id
        claim.stance, claim.stance_score, claim.stance_reason = stance.label, stance.score, stance.reason
        if referred is not None:
            claim.stance_reason = f"{stance.reason}; {referred[1]}"
        claim.report_stance = stance.report
        self._trail[claim.doc_id].append((claim, best))
        return cluster.proposition, round(best_score, 3)

    def _referred(self, claim: ClaimRecord) -> tuple[int, str] | None:
        """The proposition a refutation points to rather than states, with why; None if it states its own.

        Two forms, both read only in the refutation's own report: a headline denial that summarises its lede's
        ("Government denies talks with militia" over "The government denied that its officials had met the
        militia's commanders": ``order_for_clustering`` puts the lede first), and a reference to a report or story
        ("called that report invented", "The story is invented"): the nearest earlier claim of the report whose
        proposition someone asserts (its anchor is an assertion), not the refuter's own.
        """
        trail = self._trail.get(claim.doc_id, [])
        if CAVEAT.search(claim.text):
            for earlier, index in reversed(trail[-self.reference_window :]):
                if not CAVEAT.search(earlier.text) and self._cluster(index).anchor.polarity == "asserts":
                    quoted = earlier.text if len(earlier.text) <= 60 else earlier.text[:57] + "..."
                    return index, f"a caveat on an earlier claim of the report: «{quoted}»"
            return None
        if claim.polarity not in _REFUTING:
            return None
        if claim.lead == "headline":
            lede = next(((c, index) for c, index in trail if c.lead == "lede"), None)
            if lede is not None and lede[0].polarity in _REFUTING:
                return lede[1], "placed with the report's lede: a headline denial summarises the lede's"
            return None
        if not _REFERENCE.match(claim.text):
            return None
        for earlier, index in reversed(trail[-self.reference_window :]):
            if _same_speaker(claim, earlier):
                continue
            if self._cluster(index).anchor.polarity == "asserts":
                quoted = earlier.text if len(earlier.text) <= 60 else earlier.text[:57] + "..."
                return index, f"refers to an earlier claim of the report: «{quoted}»"
        return None

    def add_all(
        self, claims: Iterable[ClaimRecord], vectors: Mapping[str, FloatArray] | None = None
    ) -> list[PropositionRecord]:
        """Cluster claims oldest first; returns the propositions, each with its representative wording.

        ``vectors``: embeddings already known, by claim id (the store keeps them); the others are computed here.
        """
        ordered = order_for_clustering(claims)
        known = vectors or {}
        missing = [c for c in ordered if c.id not in known]
        computed = dict(zip((c.id for c in missing), self._embed([c.text for c in missing]), strict=True))
        for claim in ordered:
            self.add(claim, known[claim.id] if claim.id in known else computed[claim.id])
        return self.propositions(ordered)

    def propositions(self, claims: Iterable[ClaimRecord]) -> list[PropositionRecord]:
        """All propositions so far, their wording set to their representative among ``claims``."""
        by_id = {c.id: c for c in claims}
        propositions = [c.proposition for _, c in sorted(self.clusters.items())]
        for proposition in propositions:
            members = [by_id[i] for i in proposition.claim_ids if i in by_id]
            proposition.text = representative(members) or proposition.text
        return propositions

    def stance(self, claim: ClaimRecord) -> Stance | None:
        """The stance of a clustered claim recomputed against its proposition's current anchor."""
        for cluster in self.clusters.values():
            if claim.id in cluster.proposition.claim_ids:
                return stance_of(claim, cluster.anchor)
        return None


_REFUTING = ("denies", "refutes")
# A refutation that names what it refutes only by reference: "that report", "the story is invented", "these claims".
_REFERENCE = re.compile(
    r"(?:the|this|that|these|those|such)\s+(?:\w+\s+)?"
    r"(?:reports?|stor(?:y|ies)|claims?|accounts?|allegations?|rumou?rs?|articles?|news)\b(?:\s+(?:is|are|was|were)\b.*)?$",
    re.I,
)


def _same_speaker(a: ClaimRecord, b: ClaimRecord) -> bool:
    if a.speaker is None or b.speaker is None:
        return a.speaker is b.speaker
    if a.speaker.entity_id and a.speaker.entity_id == b.speaker.entity_id:
        return True
    return a.speaker.text.casefold() == b.speaker.text.casefold()


def order_for_clustering(claims: Iterable[ClaimRecord]) -> list[ClaimRecord]:
    """Claims oldest first, in report order, except a headline denial whose lede denies too: it comes right after
    the lede, so that it can join the proposition the lede denies (``ClaimClusterer._referred``)."""
    ordered = sorted(claims, key=lambda c: (c.published_at or "9999", c.doc_id, c.start_char))
    ledes = {c.doc_id: c for c in ordered if c.lead == "lede" and c.polarity in _REFUTING}
    deferred = {c.doc_id: c for c in ordered if c.lead == "headline" and c.polarity in _REFUTING and c.doc_id in ledes}
    out: list[ClaimRecord] = []
    for claim in ordered:
        if deferred.get(claim.doc_id) is claim:
            continue
        out.append(claim)
        if ledes.get(claim.doc_id) is claim and claim.doc_id in deferred:
            out.append(deferred[claim.doc_id])
    return out


def representative(claims: Sequence[ClaimRecord]) -> str | None:
    """The earliest affirmative, unhedged, asserted claim's wording; else the earliest claim's."""
    for claim in claims:  # negated as read against the first claim ("no evidence" is no negation of itself)
        if _firm(claim) and claim.stance == "supports" and not is_negated(claim.text, claims[0].text):
            return claim.text
    for claim in claims:
        if _firm(claim) and claim.stance == "supports":
            return claim.text
    return claims[0].text if claims else None
