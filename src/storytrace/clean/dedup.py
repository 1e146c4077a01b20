"""Near-duplicate detection of reports: word shingles, MinHash signatures, LSH bands, exact verification."""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = [
    "BANDS",
    "CONTAINMENT_MIN",
    "JACCARD_MIN",
    "METHOD",
    "MIN_SHARED",
    "NUM_PERM",
    "ROWS",
    "SHINGLE_WORDS",
    "SHORT_JACCARD_MIN",
    "Fingerprint",
    "Match",
    "NearDuplicateIndex",
    "Shingles",
    "Similarity",
    "bands",
    "compare",
    "explain",
    "fingerprint",
    "is_near_duplicate",
    "score",
    "shingles",
    "similarity",
]

# The scheme's name goes on every stored edge and next to every stored band. Any change that alters a
# signature, a band or a verdict (normalisation, k, seeds, N, b×r, thresholds) is a new version, because
# bands persisted by an older version would silently stop matching.
METHOD = "clean.near_duplicates.minhash.v2"

# Chosen on the DEV seed of benchmarks/near_duplicates.py (``--sweep --seed 1``); the numbers are in
# benchmarks/README.md.
#
# k = 4 words. Every changed word breaks k shingles, so light rewrites fall apart as k grows (DEV F1 of the
# best rule 0.9995 at k=4, 0.997 at 5, 0.989 at 6), while what independent reports of one event share (names,
# quotes, stock phrases) hardly shrinks. k=3 separated as well, but unrelated texts share so many 3-word
# phrases that LSH hands 2.6 times as many candidates to exact verification.
SHINGLE_WORDS = 4
#
# LSH S-curve: a pair with Jaccard J becomes a candidate with P = 1 - (1 - J^r)^b. The verdict's bar is low
# (J=0.16 for a light rewrite), so r must be 2: with b=96, P = 0.92 at J=0.16, 0.98 at 0.20 and 0.9999 at
# 0.30, while unrelated texts (J around 0.02) become candidates with P = 0.04. r=3 would find only 23% of
# pairs at the bar even with 64 bands; b=64 (N=128) found 98.2% of DEV light rewrites against 99.8% for b=96.
NUM_PERM = 192
BANDS = 96
ROWS = 2
#
# The verdict: a pair shares at least MIN_SHARED shingles (so a short text of stock phrases cannot match) and
# Jaccard clears its bar (texts of similar length) or containment does (a short copy of a longer text: a
# truncation, a brief). Two texts too short for MIN_SHARED match on SHORT_JACCARD_MIN. DEV: no pair of
# different origins has containment above 0.51, so 0.6 keeps a margin and still finds 99% of lede-only briefs.
JACCARD_MIN = 0.16
CONTAINMENT_MIN = 0.6
MIN_SHARED = 10
SHORT_JACCARD_MIN = 0.5

_PRIME = (1 << 31) - 1  # a Mersenne prime: (a·x + b) with a, x < 2^31 stays below 2^62, exact in uint64
_EMPTY_SLOT = np.uint32(0xFFFF_FFFF)  # the slot of a text without shingles: above any value mod _PRIME
_CHUNK = 4096  # shingles per MinHash step, bounding the (N × chunk) matrix for very long texts

Shingles = npt.NDArray[np.uint64]
Signature = npt.NDArray[np.uint32]


def _permutations() -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """The N hash functions h(x) = (a·x + b) mod p, a in [1, p) and b in [0, p) as universal hashing asks.

    Drawn from BLAKE2b rather than a numpy RNG so they are fixed by this code alone, not by a library's
    generator stream. (a and b must span [1, p) and [0, p): with small a, a·x + b does not wrap for small x,
    h is monotone there and many slots pick the same shingle, which the benchmark caught as lost recall.)
    """
    a = np.empty(NUM_PERM, dtype=np.uint64)
    b = np.empty(NUM_PERM, dtype=np.uint64)
    for i in range(NUM_PERM):
        digest = hashlib.blake2b(f"storytrace/minhash/v1/{i}".encode(), digest_size=16).digest()
        a[i] = int.from_bytes(digest[:8], "little") % (_PRIME - 1) + 1
        b[i] = int.from_bytes(digest[8:], "little") % _PRIME
    return a.reshape(-1, 1), b.reshape(-1, 1)


_PERM_A, _PERM_B = _permutations()


@functools.cache
def _strip_table() -> dict[int, str | None]:
    """Punctuation and symbols (P*, S*) become spaces, format characters (Cf: soft hyphen, ZWSP) vanish.

    Built from the Unicode tables so curly quotes, dashes, guillemets and Arabic commas are covered alike;
    combining marks are kept so Arabic and Devanagari words are not cut apart (``\\w`` would cut them).
    All P/S code points lie below U+20000; plane 14 holds the tag characters. The categories (and NFKC) come
    from the running Python's Unicode tables, so only a character Unicode assigned later could differ.
    """
    table: dict[int, str | None] = {}
    for cp in (*range(0x20000), *range(0xE0000, 0xE0080)):
        category = unicodedata.category(chr(cp))
        if category[0] in "PS":
            table[cp] = " "
        elif category == "Cf":
            table[cp] = None
    return table


def _words(text: str) -> list[str]:
    """NFKC, casefold, punctuation to space, split on any whitespace."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_strip_table()).split()


# Odd 64-bit constants (from the SplitMix64 generator): the rolling multiplier and the finaliser's multipliers.
_ROLL = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


@functools.lru_cache(maxsize=500_000)
def _word_hash(word: str) -> int:
    # BLAKE2b per distinct word (cached: a news pile repeats its vocabulary), not per shingle.
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def shingles(text: str, k: int = SHINGLE_WORDS) -> Shingles:
    """The sorted, unique 64-bit hashes of the text's k-word sequences after normalisation.

    A text of fewer than k words is one shingle (itself), so identical short items still match; a text with
    no words at all has no shingles. Each word is hashed with BLAKE2b; a shingle's hash is a polynomial of
    its words' hashes (mod 2^64) passed through the SplitMix64 finaliser, all in numpy: identical on every
    machine and in every process, and about ten times faster than hashing every shingle's bytes.
    """
    if k < 1:
        raise ValueError(f"shingle size must be at least 1 word, got {k}")
    words = _words(text)
    if not words:
        return np.empty(0, dtype=np.uint64)
    hashes = np.fromiter((_word_hash(w) for w in words), dtype=np.uint64, count=len(words))
    width = min(k, len(words))
    count = len(words) - width + 1
    acc = np.zeros(count, dtype=np.uint64)
    for j in range(width):
        acc = acc * _ROLL + hashes[j : j + count]  # uint64 arrays wrap modulo 2^64, as intended
    acc ^= acc >> np.uint64(30)
    acc *= _MIX1
    acc ^= acc >> np.uint64(27)
    acc *= _MIX2
    acc ^= acc >> np.uint64(31)
    return np.unique(acc)


@dataclass(frozen=True, slots=True, eq=False)
class Fingerprint:
    """A text's MinHash signature (``NUM_PERM`` uint32 slots, read-only) and its number of unique shingles."""

    signature: Signature = field(repr=False)
    shingle_count: int


def _minhash(hashes: Shingles) -> Fingerprint:
    signature = np.full(NUM_PERM, _EMPTY_SLOT, dtype=np.uint32)
    prime = np.uint64(_PRIME)
    x = (hashes % prime).reshape(1, -1)
    for start in range(0, x.shape[1], _CHUNK):
        values = (_PERM_A * x[:, start : start + _CHUNK] + _PERM_B) % prime
        np.minimum(signature, values.min(axis=1).astype(np.uint32), out=signature)
    signature.flags.writeable = False
    return Fingerprint(signature=signature, shingle_count=int(hashes.size))


def fingerprint(text: str | Shingles) -> Fingerprint:
    """The MinHash signature of a text's shingles (or of shingles already computed); the same forever."""
    return _minhash(shingles(text) if isinstance(text, str) else text)


def bands(signature: Signature) -> list[tuple[int, int]]:
    """``(band, bucket)`` pairs for LSH: two texts sharing any pair are candidates for ``compare``.

    Each of the ``BANDS`` bands hashes ``ROWS`` consecutive slots (and its own index, so buckets of different
    bands never coincide) to a non-negative 63-bit integer that fits a SQLite INTEGER. A text without
    shingles has no bands: empty texts must not all land in one bucket.
    """
    if signature.shape != (NUM_PERM,):
        raise ValueError(f"a signature has {NUM_PERM} slots, got shape {signature.shape}")
    if bool((signature == _EMPTY_SLOT).all()):
        return []
    raw = signature.astype("<u4").tobytes()  # fixed byte order: the same buckets on every machine
    width = ROWS * 4
    out: list[tuple[int, int]] = []
    for band in range(BANDS):
        digest = hashlib.blake2b(
            band.to_bytes(2, "little") + raw[band * width : (band + 1) * width], digest_size=8
        ).digest()
        out.append((band, int.from_bytes(digest, "little") >> 1))
    return out


@dataclass(frozen=True, slots=True)
class Similarity:
    """Exact overlap of two shingle sets.

    ``containment`` is |A∩B| / min(|A|, |B|): how much of the shorter text occurs in the longer, which stays
    high for a truncated copy where Jaccard halves.
    """

    jaccard: float
    containment: float
    shared: int


def similarity(a: Shingles, b: Shingles) -> Similarity:
    """Exact Jaccard and containment of two shingle sets (from ``shingles``), for callers that reuse them."""
    if a.size == 0 or b.size == 0:
        return Similarity(jaccard=0.0, containment=0.0, shared=0)
    shared = int(np.intersect1d(a, b, assume_unique=True).size)
    return Similarity(
        jaccard=shared / (a.size + b.size - shared),
        containment=shared / min(a.size, b.size),
        shared=shared,
    )


def compare(text_a: str, text_b: str) -> Similarity:
    """Exact Jaccard and containment of the two texts' shingle sets (for candidates; it is symmetric)."""
    return similarity(shingles(text_a), shingles(text_b))


def is_near_duplicate(sim: Similarity) -> bool:
    """True when one text is a copy of the other: same words in the same order for much of the shorter one."""
    if sim.shared >= MIN_SHARED:
        return sim.jaccard >= JACCARD_MIN or sim.containment >= CONTAINMENT_MIN
    return sim.jaccard >= SHORT_JACCARD_MIN


def score(sim: Similarity) -> float:
    """The number stored on a near-duplicate edge: containment, the share of the shorter text that was copied.

    It is what a reader can check against the two texts, and it ranks a brief or a truncation (all of it
    copied) above a light rewrite. It is not the verdict on its own: containment alone links short reports of
    one event (DEV F1 0.988 against 0.9995 for ``is_near_duplicate``, which weighs Jaccard too).
    """
    return sim.containment


def explain(sim: Similarity) -> str:
    """One line for a human: "82% of the shorter text's 4-word sequences also occur in the other (…)"."""
    return (
        f"{sim.containment:.0%} of the shorter text's {SHINGLE_WORDS}-word sequences also occur in the other "
        f"({sim.shared} shared, Jaccard {sim.jaccard:.2f})"
    )


@dataclass(frozen=True, slots=True)
class Match:
    """A near-duplicate pair found by ``NearDuplicateIndex.add``: the new document and one already indexed.

    Symmetric: which of the two is the original is decided elsewhere (publication date, then ingest order).
    """

    doc_id: str
    other_id: str
    similarity: Similarity

    @property
    def score(self) -> float:
        return score(self.similarity)

    @property
    def explanation(self) -> str:
        return explain(self.similarity)


class NearDuplicateIndex:
    """In-memory LSH index: ``add`` a document, get its near-duplicates among those added before.

    The SQLite store does the same with a ``minhash_bands(band, bucket, doc_id)`` table; this one keeps the
    buckets in a dict and each document's shingle hashes (sorted uint64, 8 bytes each) for verification.
    ``candidates_checked`` counts the pairs verified exactly: the work LSH did not save.
    """

    __slots__ = ("_buckets", "_ids", "_positions", "_shingles", "candidates_checked")

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._positions: dict[str, int] = {}
        self._shingles: list[Shingles] = []
        self._buckets: dict[int, list[int]] = {}  # bucket → positions; buckets already encode their band
        self.candidates_checked = 0

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._positions

    def add(self, doc_id: str, text: str) -> list[Match]:
        """Index the document and return its near-duplicates among the documents added before it."""
        if doc_id in self._positions:
            raise ValueError(f"{doc_id!r} is already in the index; add each document once")
        hashes = shingles(text)
        keys = [bucket for _, bucket in bands(_minhash(hashes).signature)]
        candidates = sorted({other for key in keys for other in self._buckets.get(key, ())})
        matches = self._verify(doc_id, hashes, candidates)
        position = len(self._ids)
        self._ids.append(doc_id)
        self._positions[doc_id] = position
        self._shingles.append(hashes)
        for key in keys:
            self._buckets.setdefault(key, []).append(position)
        return matches

    def _verify(self, doc_id: str, hashes: Shingles, candidates: list[int]) -> list[Match]:
        # One intersect1d per candidate (~5 µs for two 500-shingle texts): one searchsorted over all
        # candidates at once measured no faster, so the plain loop stays.
        self.candidates_checked += len(candidates)
        matches: list[Match] = []
        for other in candidates:
            sim = similarity(hashes, self._shingles[other])
            if is_near_duplicate(sim):
                matches.append(Match(doc_id=doc_id, other_id=self._ids[other], similarity=sim))
        return matches
