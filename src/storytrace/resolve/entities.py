"""Entity resolution across reports: every mention of the `entities` layer linked to one entity, with the reason.

Before anything, a mention's *name* is read from its text: a description before a name is dropped ("European
airframer Airbus" -> "Airbus", "ministry spokeswoman Mireille Azzar" -> "Mireille Azzar"; not across a function
word: "Islamic Resistance in Iraq" stays), and ``names.normalise`` strips titles, articles and marks. A model's
label is overruled by the kind family most mentions of the name carry (at least 3 mentions, two thirds).

Two stages. **In a report**, mentions are grouped into local clusters, in reading order:

1. **pack**: a mention the gazetteer matched carries its domain-pack id; every spelling the pack lists
   (transliterations, Arabic script, acronyms) is one entity by construction.
2. **alias**: a mention the ``relations`` layer states is an alias of a name (``alias_of``: "X, known as Abu Z")
   joins that name's cluster; the explanation quotes the evidence.
3. **same name / variant**: a name equal to, or a transliteration variant of, a name already in the report
   (``same_name``: ``names.name_similarity`` with the guards below).
4. **acronym**: an all-capitals word ("KSH", "the GAO") spelling the initials of a name in the report.
5. **short form**: a person's or group's name whose every word is in one fuller name earlier in the report
   ("Mr Qandusi", "Sudani", "the Courier"); a person's short form must hold the surname (the last word); a
   group's may not leave out a distinctive word ("Hezbollah" is not "Kataib Hezbollah"), unless it is the head or
   tail of the fuller name and what it leaves out only says what kind of group it is ("Brigades", "Centre for")
   or is a place the report names ("Herald" of "Harbal Herald"). Ambiguous short forms (two fuller names fit)
   and places ("Tesra" is not "Wadi Tesra") are not joined. A pack mention never takes a short form's path.

**Across reports**, local clusters are taken in a fixed order (pack clusters, then by publication date, report id
and position; one-word person names and bare acronyms last) and each joins the *best* existing entity whose
*reference spellings* it matches, or founds a new one. Candidates come only through ``names.blocking_keys`` (never
all pairs). A match needs ``name_similarity`` kind ``exact`` or ``variant`` with a score of at least
``VARIANT_MIN``, every differing word pair at least ``TOKEN_MIN`` (``TOKEN_VOWELS_MIN`` when the words share a
consonant skeleton), the same digits ("A380" is not "A350") and the same number of written h's ("Hudhud" / "Hudud",
which the phonetic form reads alike); and the same kind family (person / group / place), except an exact name of two
words or more, or an exact name the model labelled MISC that is not a person's (models mistype names: "Telegram" the
app is the group of "Telegram channel"). Reference spellings are the pack's name, the founding spelling, stated
aliases and acronyms, and spellings that joined with a score of at least ``REF_MIN``; a weak variant or a short form
never becomes one, so links do not chain (A~B, B~C does not put C in A). A model's mention whose name is a pack
entity's spelling joins the pack entity (method ``pack_name``). When no name matches: a person's name that differs
from one person's name only by a middle name ("Marwan al-Qutrubi" / "Marwan Fayez al-Qutrubi"), a one-word person
name that is the surname of only one person, a group's (or a MISC name's) short form that shortens only one group's
name ("the Courier" in a report that does not name "The Tesra Courier"; the same guard against a missing distinctive
word as in a report; a group name of two words or more may also be the head or tail of one group's name, leaving out
only words that say what kind of group it is: "Frontier Security Studies"), a group known so far by one word only
that takes the first fuller name holding it ("Lantern", then "Lantern Monitor"; reports come in date order, so a
join does the same), a bare acronym that spells the initials of only one group's name (``short_form_pile``,
``acronym_pile``). An entity founded by a bare kunya ("Abu Ruwayd") joins the person a later report states it names
(``alias_pile``).

Generic descriptions ("the interior ministry", written in lower case) are not names: they join only within a
report, or across reports when their *context* (``MentionIn.context``: the resolve job gives the place written
just before them, "Ibdara's interior ministry", else the place the report names most) is the same, so Ibdara's
interior ministry stays apart from Qarnassa's. Capitalised institution names ("Interior Ministry") are still
matched by name alone.

Ids: a pack entity keeps its pack id; any other entity's id is derived from its founding spelling (the earliest
report's, in the fixed order), so the result does not depend on the order mentions are given, and adding a
report does not rename existing entities (unless it is dated earlier and founds one of them). Every link keeps
(entity, score, method, explanation). Then the analyst's judgements are applied (``merge A B``: B's mentions join
A; ``split A ALIAS``: the mentions written as ALIAS, or a close variant of it, leave A for an entity of their
own), so re-runs never undo them.

Measured: ``benchmarks/eval_meantime_entities.py`` (MEANTIME gold name mentions, cross-document, names only).

Known gaps: a bare surname shared by two people in the pile stays an entity of its own; translations ("the
Hoopoe Brigades") and epithets are not linked without a pack or an ``alias_of`` relation; the h rule rejects
genuine variants that drop a written h ("Othman" / "Osman", "Dhiyab" / "Diyab"), and names.py reads Latin "dh"
only as one letter, so "Hudhud" does not meet Arabic "هدهد"; "Hassan" / "Hussein" (0.842) and "iPad" / "iPod"
pass the word floors; a description whose last word is lower case inside a name ("the iPhone's Software
Development Kit") loses the start of the name; the context of a generic name is a place name, not a resolved
country, and a report that names a neighbour most can give the wrong one; the kind vote runs on consonant
skeletons, which look-alikes share; a join (resolve/incremental.py) matches a new report's names against the
stored pile, so a one-word name read earlier is not matched again against a fuller name that arrives later.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from storytrace.model import make_id
from storytrace.resolve.names import _VOWELS as _PHONETIC_VOWELS
from storytrace.resolve.names import (
    VARIANT_MIN,
    Match,
    NameKey,
    TokenKey,
    blocking_keys,
    name_similarity,
    normalise,
    token_similarity,
)

__all__ = [
    "REF_MIN",
    "SHORT_MIN",
    "TOKEN_MIN",
    "EntityPile",
    "EntityResolution",
    "MentionIn",
    "family",
    "resolve_entities",
    "same_name",
    "strip_title",
    "vote_counts",
]

# Every differing word pair of a cross-report match must score this ("Nmeir" ~ "Numayr" 0.842 passes,
# "Qandusi" ~ "Qaddusi" 0.794 and "Badri" ~ "Bakri" 0.742 do not).
TOKEN_MIN = 0.84
# Words with one consonant skeleton differ only in vowels: a lower floor.
TOKEN_VOWELS_MIN = 0.8
# A spelling that joined an entity this strongly becomes one of its reference spellings.
REF_MIN = 0.93
# A group's short form needs this ``name_similarity`` score: one missing ordinary word (0.64) passes, a missing
# distinctive word ("Hezbollah" for "Kataib Hezbollah", 0.53) does not. A person's must hold the surname.
SHORT_MIN = 0.6

_FAMILIES = {"PER": "person", "ORG": "group", "NORP": "group", "GPE": "place", "LOC": "place", "FAC": "place"}
_TITLES = re.compile(
    r"^(?:(?:mr|mrs|ms|miss|dr|prof|sheikh|shaikh|sayyed|imam|brigadier|general|gen|brig|col|colonel|major|"
    r"maj|capt|captain|lt|lieutenant|minister|president|prime minister|premier|king|prince|emir|sir|"
    r"commander|judge|mp|senator|sen|rep|ambassador)\.?\s+)+",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_INITIAL_SKIP = frozenset({"al", "el", "of", "the", "and", "for", "in", "ad", "ash", "as", "at", "az", "an", "ar"})
_DIGITS = re.compile(r"\d+")
_DIGRAPH_H = re.compile(r"[kscgpz]h")  # kh, sh, ch, gh, ph, zh: an h that is part of another letter


def family(label: str) -> str:
    """Labels that can name the same thing: PER; ORG/NORP; GPE/LOC/FAC; anything else by itself."""
    return _FAMILIES.get(label, label.lower())


def strip_title(name: str) -> str:
    """ "Mr Qandusi" -> "Qandusi", "Brigadier General Zaid Armoush" -> "Zaid Armoush"."""
    stripped = _TITLES.sub("", name.strip())
    return stripped or name.strip()


@dataclass(frozen=True, slots=True)
class MentionIn:
    """One entity span of one report, as the resolver reads it.

    ``alias_of``: the (start, end) of the name this mention is stated to be an alias of (``relations`` layer,
    kind ``alias_of``), with ``evidence`` the text stating it. ``context``: the place a generic description
    ("the interior ministry") belongs to in this report (see the module docstring).
    """

    doc_id: str
    start_char: int
    end_char: int
    text: str
    label: str
    pack_id: str | None = None
    pack_name: str | None = None
    published: str | None = None
    alias_of: tuple[int, int] | None = None
    evidence: str | None = None
    context: str | None = None
    form: str | None = None  # "demonym" for "Ibdaran" of the pack's Ibdara (extract.entities.gazetteer.v2)


@dataclass(slots=True)
class EntityResolution:
    """Mentions linked to entities: ``links[(doc, start, end)] = (entity id, score, method, explanation)``."""

    links: dict[tuple[str, int, int], tuple[str, float, str, str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # entity id -> label
    names: dict[str, str] = field(default_factory=dict)  # entity id -> canonical name
    pack_ids: dict[str, str] = field(default_factory=dict)
    keys: dict[tuple[str, int, int], tuple[str, ...]] = field(default_factory=dict)  # mention -> its name key

    def entity_of(self, doc_id: str, start: int, end: int) -> str | None:
        link = self.links.get((doc_id, start, end))
        return link[0] if link else None


# --- name tests ----------------------------------------------------------------------------------------------


def _key(text: str) -> tuple[str, ...]:
    return tuple(t.fold for t in normalise(text).tokens)


def _h_counts(t: TokenKey) -> tuple[int, int]:
    """Written h's of a token that are not part of kh/sh/ch/gh/ph/zh, nor final: (without dh/th, with them).
    Arabic script: its ه/ح (and ة, dropped when final)."""
    if t.arabic:
        n = t.phonetic.count("h")
        return n, n
    fold = re.sub(r"(.)\1+", r"\1", t.fold)
    fold = _DIGRAPH_H.sub("", fold[:-1] if len(fold) > 2 and fold.endswith("h") else fold)
    return fold.count("h") - fold.count("dh") - fold.count("th"), fold.count("h")


def _same_h(a: TokenKey, b: TokenKey) -> bool:
    """ "Hudhud" and "Hudud" differ by a written h the phonetic form drops (dh is read as one letter)."""
    (a_low, a_high), (b_low, b_high) = _h_counts(a), _h_counts(b)
    if not a.arabic and not b.arabic:
        return a_high == b_high
    return a_low <= b_high and b_low <= a_high  # Arabic has no dh/th digraph: either reading may fit


def _aligned(a: NameKey, b: NameKey) -> list[tuple[TokenKey, TokenKey, float]]:
    """One-to-one word alignment, best pairs first (as ``name_similarity`` aligns them)."""
    pairs = sorted(
        ((token_similarity(s, t), -abs(i - j), i, j) for i, s in enumerate(a.tokens) for j, t in enumerate(b.tokens)),
        reverse=True,
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for sim, _, i, j in pairs:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.append((a.tokens[i], b.tokens[j], sim))
    return out


def _word_agrees(a: TokenKey, b: TokenKey, sim: float) -> bool:
    """Two words of a name are one: same spelling, or close enough (a vowel-only difference may be closer to
    ``TOKEN_VOWELS_MIN``, "Ein" ~ "Ain" 0.83) with the same written h's."""
    if a.fold == b.fold:
        return True
    if _DIGITS.findall(a.fold) != _DIGITS.findall(b.fold):
        return False  # the phonetic form drops digits: "A380" / "A350", "Route 9" / "Route 7"
    floor = TOKEN_VOWELS_MIN if set(a.skeletons) & set(b.skeletons) else TOKEN_MIN
    return sim >= floor and _same_h(a, b)


def _words_agree(a: NameKey, b: NameKey) -> bool:
    return all(_word_agrees(ta, tb, sim) for ta, tb, sim in _aligned(a, b))


def same_name(a: str | NameKey, b: str | NameKey) -> Match | None:
    """The match when two names are one name (exact or a guarded transliteration variant), else ``None``."""
    return _same_name(normalise(a) if isinstance(a, str) else a, normalise(b) if isinstance(b, str) else b)


@lru_cache(maxsize=1 << 18)  # a pile repeats its spellings; NameKeys are cached by ``normalise``
def _same_name(ka: NameKey, kb: NameKey) -> Match | None:
    if len(ka.tokens) != len(kb.tokens):
        return None  # an unmatched word makes a short form or another name, never one name
    # One name needs every word paired with one that agrees: most candidates (a shared given name) fail this
    # cheap test, and name_similarity's edit distances, the bulk of the time on a large pile, are skipped.
    if not all(any(_may_agree(ta, tb) for tb in kb.tokens) for ta in ka.tokens) or not all(
        any(_may_agree(ta, tb) for ta in ka.tokens) for tb in kb.tokens
    ):
        return None
    match = name_similarity(ka, kb)
    if match.kind == "exact":
        return match
    if match.kind != "variant" or match.score < VARIANT_MIN or not _words_agree(ka, kb):
        return None
    return match


@lru_cache(maxsize=1 << 18)
def _consonant_gap(a: str, b: str) -> int:
    """Consonants of two phonetic forms that no alignment pairs with an identical consonant."""
    ca = Counter(ch for ch in a if ch not in _PHONETIC_VOWELS)
    cb = Counter(ch for ch in b if ch not in _PHONETIC_VOWELS)
    return ca.total() + cb.total() - 2 * (ca & cb).total()


def _may_agree(a: TokenKey, b: TokenKey) -> bool:
    """False only when ``token_similarity(a, b)`` is surely below ``TOKEN_VOWELS_MIN`` (so ``_word_agrees``
    fails): in ``names._distance`` every edit that touches a consonant costs at least 0.5 (an h, a near
    consonant) and touches at most two, so the distance is at least a quarter of the consonant gap."""
    return a.fold == b.fold or _readings_may_agree(a.phonetics, a.skeleton, b.phonetics, b.skeleton)


@lru_cache(maxsize=1 << 20)  # keyed by strings: hashing TokenKeys costs more than the test
def _readings_may_agree(a: tuple[str, ...], a_skeleton: str, b: tuple[str, ...], b_skeleton: str) -> bool:
    gap = min(_consonant_gap(pa, pb) for pa in a for pb in b)
    size = max(len(a_skeleton), len(b_skeleton)) + 1.0
    return max(0.0, 1.0 - 0.25 * gap / size) * (1.0 - 0.04 / size) >= TOKEN_VOWELS_MIN - 1e-9


def _short_form(short: NameKey, full: NameKey, fam: str) -> Match | None:
    """The match when ``short`` is a short form of ``full`` (see the module docstring), else ``None``."""
    if len(short.tokens) >= len(full.tokens):
        return None
    match = name_similarity(short, full)
    # names.py prices a missing distinctive word ("Imam", "Ali") for groups; a person's given name is not one.
    if match.kind != "short_form" or (fam != "person" and match.score < SHORT_MIN):
        return None
    aligned = _aligned(short, full)
    if not all(_word_agrees(ta, tb, sim) for ta, tb, sim in aligned):
        return None
    if fam == "person" and not any(tb is full.tokens[-1] for _, tb, _ in aligned):
        return None  # "Hisham" is not "Hisham al-Qandusi"'s short form, "Qandusi" is
    return match


# What a group is, not which one: a short form may leave these out ("Hoopoe" of "Hoopoe Brigades"). English words
# only: "Kataib" is "brigades" too, but "Hezbollah" and "Kataib Hezbollah" are two groups.
_GROUP_WORDS = frozenset(
    "brigade brigades battalion battalions regiment division forces force army militia militias movement party "
    "front group groups organisation organization association union league council committee assembly bloc "
    "coalition alliance network agency centre center institute foundation society trust company corporation corp "
    "inc ltd llc plc holdings media news channel monitor programme program project studies research".split()
)
_JOIN_WORDS = frozenset({"the", "of", "for", "and", "on", "in", "&"})


def _head_or_tail(short: NameKey, full: NameKey, places: frozenset[str] = frozenset()) -> str | None:
    """ "head" or "tail" when ``short``'s words are the first or the last words of ``full``, each agreeing with its
    counterpart, and every word it leaves out only says what kind of group it is, joins words, or is a place of
    ``places`` (folded): "Hoopoe" / "Hoopoe Brigades", "Frontier Security Studies" / "Centre for Frontier
    Security Studies", "Herald" / "Harbal Herald" in a report naming Harbal. Else None ("Hezbollah" / "Kataib
    Hezbollah"). Groups only: a person's short form must hold the surname (``_short_form``)."""
    n = len(short.tokens)
    if not 0 < n < len(full.tokens):
        return None
    for where, words, rest in (
        ("head", full.tokens[:n], full.tokens[n:]),
        ("tail", full.tokens[-n:], full.tokens[:-n]),
    ):
        if not all(_generic_word(t.written) or t.fold in places for t in rest):
            continue
        pairs = zip(short.tokens, words, strict=True)
        if all(a.fold == b.fold or (_may_agree(a, b) and _word_agrees(a, b, token_similarity(a, b))) for a, b in pairs):
            return where
    return None


def _generic_word(word: str) -> bool:
    lower = word.casefold()
    return lower in _GROUP_WORDS or lower in _JOIN_WORDS


def _end_match(where: str, full: str, match: Match) -> Match:
    """``match`` with the head/tail reading in front of its explanation (built only when read)."""
    return Match(match.score, match.kind, lambda: f"the {where} of {full!r}; {match.explanation}")


def _same_ends(a: NameKey, b: NameKey) -> bool:
    """Same first and last word: "Marwan al-Qutrubi" / "Marwan Fayez al-Qutrubi"."""
    first = token_similarity(a.tokens[0], b.tokens[0])
    last = token_similarity(a.tokens[-1], b.tokens[-1])
    return _word_agrees(a.tokens[0], b.tokens[0], first) and _word_agrees(a.tokens[-1], b.tokens[-1], last)


# Lower-case words that belong inside names or join phrases: a prefix holding one is not a description.
_FUNCTION_WORDS = frozenset(
    "in of for and on at to from with by de du des la le al el bin ibn bint abu umm van von der den da di".split()
)
_WORD = re.compile(r"[^\s,]+|,")


@lru_cache(maxsize=1 << 16)
def _name(text: str) -> str:
    """The name inside a description that precedes it: "European airframer Airbus" -> "Airbus", "ministry
    spokeswoman Mireille Azzar" -> "Mireille Azzar", "Los Angeles based Northrop Grumman" -> "Northrop Grumman".
    Unchanged when a function word or possessive is in the way ("Islamic Resistance in Iraq", "Boeing's 787")."""
    words = _WORD.findall(text)
    if len(words) < 2 or any(w.endswith(("'s", "’s")) or w in {"'s", "’s"} for w in words):
        return text

    def capitalised(w: str) -> bool:
        return w[:1].isupper() or w[:1].isdigit() or bool(re.match(r"^[a-z]{1,3}-[A-Z]", w))

    i = len(words)
    while i > 0 and capitalised(words[i - 1]):
        i -= 1
    prefix = [w for w in words[:i] if w != ","]
    if i == len(words) or not prefix:
        return text
    lower = [w for w in prefix if not capitalised(w)]
    if prefix[0].casefold() in {"the", "a", "an"}:
        lower = lower[1:] if lower and lower[0] is prefix[0] else lower
    if not lower or any(w.casefold() in _FUNCTION_WORDS for w in lower):
        return text
    first_lower = next(k for k, w in enumerate(prefix) if not capitalised(w) and w.casefold() not in {"the", "a", "an"})
    if any(capitalised(w) for w in prefix[first_lower:]):
        return text  # "the Moscone West center in San Francisco": not a description before a name
    return " ".join(words[i:])


def _acronym(name: str) -> str | None:
    """ "KSH", "the GAO" -> the acronym; else None."""
    text = re.sub(r"^(?:the|The)\s+", "", name.strip())
    return text if _ACRONYM.match(text) else None


def _reference_keys(spelling: str) -> set[str]:
    """The blocking keys a reference spelling is found by; acronyms find a name by the initials it spells."""
    keys = set(blocking_keys(spelling))
    if len(normalise(spelling).tokens) > 1:
        keys.add("i:" + _initials(spelling))
    return keys


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", name) if w and w.casefold().strip("'’") not in _INITIAL_SKIP]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


def _is_generic(text: str) -> bool:
    """A description in lower case ("the interior ministry"), not a name."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all("a" <= ch <= "z" for ch in letters)  # Arabic script has no case: a name


# --- local clusters (one report) -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Link:
    mention: MentionIn
    method: str
    score: float
    why: str
    reference: bool  # may the spelling serve as a reference spelling of the entity


@dataclass(slots=True)
class _Local:
    doc_id: str
    fam: str
    order: tuple[str, str, int]
    links: list[_Link] = field(default_factory=list)
    pack_id: str | None = None
    pack_name: str | None = None
    generic: str | None = None  # the context key of a generic description

    def spellings(self, references_only: bool = True) -> list[str]:
        texts = [_name(lk.mention.text) for lk in self.links if lk.reference or not references_only]
        return list(dict.fromkeys(texts))

    @property
    def primary(self) -> str:
        """The fullest reference spelling (most words), the earliest on ties."""
        spellings = self.spellings() or self.spellings(False)
        return max(spellings, key=lambda s: len(normalise(s).tokens))

    @property
    def one_word_person(self) -> bool:
        return self.fam == "person" and all(len(normalise(s).tokens) == 1 for s in self.spellings(False))

    @property
    def acronym(self) -> bool:
        return all(_acronym(s) for s in self.spellings(False))


def vote_counts(mentions: Iterable[MentionIn]) -> dict[str, Counter[str]]:
    """How the mentions of each name (by consonant skeleton) are labelled, by kind family."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        votes[normalise(_name(m.text)).skeleton][family(m.label)] += 1
    return votes


def _kind_votes(votes: Mapping[str, Counter[str]]) -> dict[str, str]:
    """The kind family most mentions of a name (by skeleton) carry, where at least 3 and two thirds agree: models
    type one name differently from report to report ("Ain Bashura" as a person in some)."""
    out = {}
    for skeleton, counts in votes.items():
        fam, n = counts.most_common(1)[0]
        if n >= 3 and 3 * n >= 2 * sum(counts.values()):
            out[skeleton] = fam
    return out


def _local_clusters(doc_mentions: list[MentionIn], votes: dict[str, str] | None = None) -> list[_Local]:
    clusters: list[_Local] = []
    at: dict[tuple[int, int], _Local] = {}
    pending_alias: list[tuple[_Local, MentionIn]] = []

    def new(
        m: MentionIn,
        method: str,
        why: str,
        pack_id: str | None = None,
        pack_name: str | None = None,
        generic: str | None = None,
        fam: str | None = None,
    ) -> _Local:
        order = (m.published or "~", m.doc_id, m.start_char)
        local = _Local(m.doc_id, fam or family(m.label), order, pack_id=pack_id, pack_name=pack_name, generic=generic)
        local.links.append(_Link(m, method, 1.0, why, True))
        clusters.append(local)
        return local

    for m in doc_mentions:
        key = normalise(_name(m.text))
        if not key.tokens:
            continue
        fam = family(m.label)
        if not m.pack_id and votes and votes.get(key.skeleton, fam) != fam:
            fam = votes[key.skeleton]
        if m.pack_id:
            local = next((c for c in clusters if c.pack_id == m.pack_id), None)
            what = "a demonym" if m.form == "demonym" else "a spelling"
            why = f"{what} of {m.pack_name or m.pack_id} in the domain pack"
            if local is None:
                local = new(m, "pack", why, pack_id=m.pack_id, pack_name=m.pack_name or m.text)
            else:
                local.links.append(_Link(m, "pack", 1.0, why, True))
            at[(m.start_char, m.end_char)] = local
            continue
        if _is_generic(m.text):
            context = m.context or f"report {m.doc_id}"
            gkey = f"{fam}|{' '.join(t.fold for t in key.tokens)}|{context}"
            local = next((c for c in clusters if c.generic == gkey), None)
            why = f"a description ({m.text!r}), read in the context of {context}"
            if local is None:
                local = new(m, "context", why, generic=gkey, fam=fam)
            else:
                local.links.append(_Link(m, "context", 1.0, f"same description in the same report; {why}", True))
            at[(m.start_char, m.end_char)] = local
            continue
        if m.alias_of is not None:
            target = at.get(m.alias_of)
            if target is not None and target.generic is None:
                target.links.append(_Link(m, "alias", 0.95, _alias_why(m, target), True))
                at[(m.start_char, m.end_char)] = target
                continue
        local = _join_in_report(m, key, fam, clusters)
        if local is None:
            local = new(m, "new", "first mention of this name", fam=fam)
        at[(m.start_char, m.end_char)] = local
        if m.alias_of is not None:
            pending_alias.append((local, m))
    # "Abu Z, whose real name is X": the name comes after its alias.
    for local, m in pending_alias:
        target = at.get(m.alias_of) if m.alias_of else None
        if target is None or target is local or target.generic is not None or local not in clusters:
            continue
        if local.pack_id and target.pack_id:
            continue  # two pack entities: the pack decides
        keep, gone = (local, target) if local.pack_id else (target, local)
        for lk in gone.links:
            why = _alias_why(m, keep) if lk.mention is m else f"{lk.why}; with the alias {m.text!r}"
            keep.links.append(_Link(lk.mention, "alias" if lk.mention is m else lk.method, 0.95, why, True))
        clusters.remove(gone)
    return clusters


def _alias_why(m: MentionIn, target: _Local) -> str:
    evidence = " ".join((m.evidence or "").split())
    said = f": \u201c{evidence}\u201d" if evidence else ""
    return f"{m.text!r} is introduced in the report as another name of {target.primary!r}{said}"


def _join_in_report(m: MentionIn, key: NameKey, fam: str, clusters: list[_Local]) -> _Local | None:
    """The report's cluster this mention joins (same name, acronym or short form), recording the link."""
    same = [c for c in clusters if c.fam == fam and c.generic is None]
    best: tuple[float, _Local, Match] | None = None
    for local in same:
        for spelling in local.spellings():
            match = same_name(key, normalise(spelling))
            if match is not None and (best is None or match.score > best[0]):
                best = (match.score, local, match)
    if best is not None:
        score, local, match = best
        method = "same_name" if match.kind == "exact" else "variant"
        local.links.append(_Link(m, method, score, f"in the same report: {match.explanation}", True))
        return local
    acronym = _acronym(_name(m.text))
    if acronym and fam in {"group", "misc", "place"}:
        fits = [c for c in clusters if any(_initials(s) == acronym for s in c.spellings())]
        if len(fits) == 1:
            why = f"{m.text!r} spells the initials of {fits[0].primary!r} earlier in the same report"
            fits[0].links.append(_Link(m, "acronym", 0.9, why, True))
            return fits[0]
    if fam in {"person", "group"}:
        fits_short: list[tuple[float, _Local, Match]] = []
        for local in same:
            found = [
                match
                for s in local.spellings()
                if len(normalise(s).tokens) > len(key.tokens)
                if (match := _short_form(key, normalise(s), fam)) is not None
            ]
            if found:
                top = max(found, key=lambda x: x.score)
                fits_short.append((top.score, local, top))
        if fam == "group":
            # The head or tail of one group's name ("Hoopoe" of "Hoopoe Brigades", "Herald" of "Harbal Herald"),
            # whatever names.py prices the missing words at: in one report, the only such name is the one meant.
            # A name the pack knows never gets here ("Hezbollah" is its own pack entity, not "Kataib Hezbollah").
            places = frozenset(
                t.fold for c in clusters if c.fam == "place" for sp in c.spellings() for t in normalise(sp).tokens
            )
            for local in same:
                if any(local is fit[1] for fit in fits_short):
                    continue
                for s in local.spellings():
                    where = _head_or_tail(key, normalise(s), places)
                    if where is not None:
                        match = name_similarity(key, normalise(s))
                        explained = _end_match(where, s, match)
                        fits_short.append((match.score, local, explained))
                        break
        if len(fits_short) == 1:
            score, local, match = fits_short[0]
            why = f"{m.text!r} shortens {local.primary!r} earlier in the same report ({match.explanation})"
            local.links.append(_Link(m, "short_form", max(score, 0.9), why, False))
            return local
    return None


# --- the pile ------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Entity:
    id: str
    fam: str
    pack_id: str | None
    name: str
    references: list[str] = field(default_factory=list)
    labels: Counter[str] = field(default_factory=Counter)
    surfaces: Counter[str] = field(default_factory=Counter)
    generic: str | None = None


# (score, reference spelling, entity, match, the cluster's spelling that matched)
_Candidate = tuple[float, str, _Entity, Match, str]


class EntityPile:
    """Entities with their reference spellings, found through blocking keys; clusters are added one at a time.

    Every lookup goes through ``_ids``, ``_entity`` and ``_generic_id``: resolve/incremental.py overrides them to
    read the entities a stored dossier holds when a new report's names first need them."""

    def __init__(self) -> None:
        self.entities: dict[str, _Entity] = {}
        self.index: dict[str, set[str]] = defaultdict(set)
        self.generic: dict[str, str] = {}
        self.result = EntityResolution()
        self.touched: set[str] = set()  # the entities that gained a mention or a reference spelling
        # (spelling, entity id) -> (the entity, how many of its references were compared, those that matched):
        # references are only ever appended, so a spelling met again is compared with the new ones alone.
        self._compared: dict[tuple[str, str], tuple[_Entity, int, tuple[tuple[str, Match], ...]]] = {}
        # The candidates of a cluster depend only on its spellings, its kind, and the entities (with their
        # references) its blocking keys find; each key has a stamp, bumped when those change, and the result is
        # reused while the stamps hold: a large pile repeats its spellings, most of them already settled.
        self._keys_of: dict[str, set[str]] = defaultdict(set)  # entity id -> the index keys holding it
        self._stamp: dict[str, int] = defaultdict(int)
        self._candidates: dict[tuple[tuple[str, ...], str], tuple[tuple[int, ...], list[_Candidate]]] = {}

    def _matching(self, spelling: str, entity: _Entity) -> tuple[tuple[str, Match], ...]:
        """The entity's references that are one name with ``spelling`` (``same_name``), in reference order."""
        known = self._compared.get((spelling, entity.id))
        if known is not None and known[0] is entity and known[1] == len(entity.references):
            return known[2]
        done, matches = (known[1], known[2]) if known is not None and known[0] is entity else (0, ())
        key = normalise(spelling)
        new = [(ref, m) for ref in entity.references[done:] if (m := same_name(key, normalise(ref))) is not None]
        matches = (*matches, *new) if new else matches
        self._compared[(spelling, entity.id)] = (entity, len(entity.references), matches)
        return matches

    def _reference(self, entity: _Entity, spelling: str) -> None:
        if spelling in entity.references:
            return
        entity.references.append(spelling)
        keys = _reference_keys(spelling)
        for k in keys:
            self._ids(k)  # what the key holds before this entity joins it (a stored pile reads it first)
            self.index[k].add(entity.id)
        self.touched.add(entity.id)
        held = self._held_keys(entity)
        held |= keys
        for k in held:  # what these keys find has changed: the candidates cached for them are stale
            self._stamp[k] += 1

    @staticmethod
    def state_of(entity: _Entity) -> tuple[str, set[str]]:
        """What resolve/incremental.py keeps of an entity: its state as JSON and the blocking keys that find it."""
        state = {
            "fam": entity.fam,
            "pack_id": entity.pack_id,
            "name": entity.name,
            "references": entity.references,
            "labels": dict(entity.labels),
            "surfaces": dict(entity.surfaces),
        }
        keys = {k for spelling in entity.references for k in _reference_keys(spelling)}
        return json.dumps(state, ensure_ascii=False), keys

    @staticmethod
    def entity_from(entity_id: str, generic: str | None, state: str) -> _Entity:
        """An entity from ``state_of``'s JSON."""
        data = json.loads(state)
        return _Entity(
            entity_id,
            str(data["fam"]),
            data.get("pack_id"),
            str(data["name"]),
            references=list(data["references"]),
            labels=Counter(data["labels"]),
            surfaces=Counter(data["surfaces"]),
            generic=generic,
        )

    def _held_keys(self, entity: _Entity) -> set[str]:
        """The index keys holding ``entity`` (a stored pile computes them when the entity first gains a spelling)."""
        return self._keys_of[entity.id]

    def _ids(self, key: str) -> set[str]:
        """The ids of the entities a blocking key finds."""
        return self.index.get(key, set())

    def _entity(self, entity_id: str) -> _Entity | None:
        return self.entities.get(entity_id)

    def _generic_id(self, generic: str) -> str | None:
        """The entity of a generic description in its context, if one was founded."""
        return self.generic.get(generic)

    def _absorbing(self, other: _Entity) -> None:
        """Called before ``other`` is folded into another entity (``alias_pile``)."""

    def _blocked(self, keys: Iterable[str]) -> list[_Entity]:
        """The entities sharing a blocking key, in id order."""
        found: set[str] = set()
        for k in keys:
            found |= self._ids(k)
        return [self.entities[e] for e in sorted(found)]

    def _found(self, local: _Local) -> _Entity:
        if local.pack_id:
            entity_id, name = local.pack_id, local.pack_name or local.primary
        else:
            base = local.generic or " ".join(_key(local.primary))
            entity_id, name = make_id("ent", local.fam, base), local.primary
            if self._entity(entity_id) is not None:  # a name kept apart from an equal one (another kind of label)
                entity_id = make_id("ent", local.fam, base, local.doc_id, local.order[2])
        entity = self._entity(entity_id)
        if entity is None:
            entity = _Entity(entity_id, local.fam, local.pack_id, name, generic=local.generic)
            self.entities[entity_id] = entity
        if local.pack_id:
            self.result.pack_ids[entity_id] = local.pack_id
            self.result.names[entity_id] = name
        if local.generic:
            self.generic[local.generic] = entity_id
        self.touched.add(entity_id)
        return entity

    def _attach(self, local: _Local, entity: _Entity, via: tuple[str, float, str] | None) -> None:
        """Link the cluster's mentions; ``via`` is the cross-report reason, None when it founded the entity."""
        self.touched.add(entity.id)
        for lk in local.links:
            m = lk.mention
            method, score, why = lk.method, lk.score, lk.why
            if via is not None and method in {"new", "same_name", "variant"}:
                method, score, why = via
            elif via is not None:
                why = f"{why}; {via[2]}"
            elif method == "new":
                method, score, why = "new", 1.0, f"first mention of {entity.name!r} in the pile"
            if family(m.label) != entity.fam and "labelled" not in why:
                why = f"{why}; labelled {m.label} here, read as a {entity.fam} like most mentions of the name"
            if _name(m.text) != m.text and "description dropped" not in why:
                why = f"{why}; description dropped: {m.text!r} read as {_name(m.text)!r}"
            key = (m.doc_id, m.start_char, m.end_char)
            self.result.links[key] = (entity.id, round(score, 4), method, why)
            self.result.keys[key] = _key(_name(m.text))
            entity.labels[m.label] += 1
            entity.surfaces[strip_title(m.text)] += 1
            # Strong matches, stated aliases and fuller names become references; weak variants and short forms
            # do not, so links do not chain.
            strong = via is None or via[1] >= REF_MIN or method in {"alias", "pack"}
            fuller = method == "short_form_pile" and len(normalise(_name(m.text)).tokens) > 1
            if lk.reference and (strong or fuller):
                self._reference(entity, _name(m.text))
        if local.pack_name:
            self._reference(entity, local.pack_name)

    def candidates(self, local: _Local, spellings: list[str]) -> list[_Candidate]:
        keys = sorted({k for spelling in spellings for k in blocking_keys(spelling)})
        stamp = tuple(self._stamp.get(k, 0) for k in keys)
        cached = self._candidates.get((tuple(spellings), local.fam))
        if cached is not None and cached[0] == stamp:
            return list(cached[1])
        found: set[str] = set()
        for k in keys:
            found |= self._ids(k)
        out = []
        for entity_id in sorted(found):
            entity = self.entities[entity_id]
            if entity.generic is not None:
                continue
            for spelling in spellings:
                for ref, match in self._matching(spelling, entity):
                    # Models mistype names: across kinds only an exact name of two words or more, or any exact
                    # name from the model's catch-all MISC ("Telegram" the app, an ORG elsewhere), never a person.
                    mistyped_ok = match.kind == "exact" and (
                        len(normalise(spelling).tokens) > 1 or (local.fam == "misc" and entity.fam != "person")
                    )
                    if entity.fam != local.fam and not mistyped_ok:
                        continue
                    out.append((match.score, ref, entity, match, spelling))
        out.sort(key=lambda x: (x[2].fam != local.fam, -x[0], x[2].id))
        self._candidates[(tuple(spellings), local.fam)] = (stamp, out)
        return list(out)

    def add(self, local: _Local) -> None:
        if local.pack_id:
            self._attach(local, self._found(local), None)
            return
        if local.generic:
            known = self._generic_id(local.generic)
            if known is None:
                self._attach(local, self._found(local), None)
            else:
                entity = self.entities[known]
                self._attach(
                    local,
                    entity,
                    ("context", 0.8, f"same description in the same context ({local.generic.split('|')[-1]})"),
                )
            return
        aliases = [_name(lk.mention.text) for lk in local.links if lk.method == "alias"]
        names = [s for s in local.spellings() if s not in aliases]
        # A cluster's own names decide; its stated aliases only when no name matches.
        found = self.candidates(local, names)
        if not found and self._join_short(local):
            found = []
        elif not found:
            found = self.candidates(local, aliases)
            if not found:
                self._attach(local, self._found(local), None)
        if found:
            score, ref, entity, match, spelling = found[0]
            method = "pack_name" if entity.pack_id else ("same_name" if match.kind == "exact" else "variant")
            kind_note = ""
            if entity.fam != local.fam:
                kind_note = f"; labelled {local.links[0].mention.label} here, kept as {entity.fam}"
            why = f"{spelling!r} matches {ref!r} of {entity.name!r}: {match.explanation}{kind_note}"
            self._attach(local, entity, (method, score, why))
        for lk in local.links:
            if lk.method == "alias":
                self._absorb(
                    self.entities[
                        self.result.links[(lk.mention.doc_id, lk.mention.start_char, lk.mention.end_char)][0]
                    ],
                    lk,
                )

    def _absorb(self, entity: _Entity, alias: _Link) -> None:
        """An entity founded by the bare alias in an earlier report joins the entity the alias was stated for."""
        found: set[str] = set()
        for k in blocking_keys(_name(alias.mention.text)):
            found |= self._ids(k)
        for other_id in sorted(found - {entity.id}):
            other = self.entities[other_id]
            if other.pack_id or other.generic or other.fam != entity.fam:
                continue
            if not all(same_name(ref, _name(alias.mention.text)) for ref in other.references):
                continue
            self._absorbing(other)
            why = f"{other.name!r} is stated elsewhere to be another name of {entity.name!r}: {alias.why}"
            for key, (linked, *_rest) in list(self.result.links.items()):
                if linked == other_id:
                    self.result.links[key] = (entity.id, 0.9, "alias_pile", why)
            for ref in other.references:
                self._reference(entity, ref)
            entity.labels.update(other.labels)
            entity.surfaces.update(other.surfaces)
            for k in self._keys_of.pop(other_id, set()):
                self.index[k].discard(other_id)
                self._stamp[k] += 1
            del self.entities[other_id]

    def _join_short(self, local: _Local) -> bool:
        """A one-word person name: the only person whose surname it is; a group's short form ("the Courier"): the
        only group whose name it shortens; a bare acronym: the only such group."""
        if local.one_word_person:
            key = normalise(local.primary)
            fits: dict[str, tuple[Match, str]] = {}
            for entity in self._blocked(blocking_keys(key)):
                if entity.fam != "person" or entity.generic is not None:
                    continue
                for ref in entity.references:
                    match = _short_form(key, normalise(ref), "person")
                    if match is not None:
                        fits.setdefault(entity.id, (match, ref))
            if len(fits) == 1:
                entity_id, (match, ref) = next(iter(fits.items()))
                entity = self.entities[entity_id]
                why = (
                    f"{local.primary!r} is the surname of the only such person in the pile ({ref!r}): "
                    f"{match.explanation}"
                )
                self._attach(local, entity, ("short_form_pile", 0.6, why))
                return True
        if local.fam == "person" and len(normalise(local.primary).tokens) > 1:
            key = normalise(local.primary)
            found: set[str] = set()
            for k in blocking_keys(key):
                found |= self._ids(k)
            fits_p: dict[str, tuple[Match, str]] = {}
            for entity_id in sorted(found):
                entity = self.entities[entity_id]
                if entity.fam != "person" or entity.generic is not None:
                    continue
                for ref in entity.references:
                    ref_key = normalise(ref)
                    match = _short_form(key, ref_key, "person") or _short_form(ref_key, key, "person")
                    if match is not None and _same_ends(key, ref_key):
                        fits_p.setdefault(entity_id, (match, ref))
            if len(fits_p) == 1:
                entity_id, (match, ref) = next(iter(fits_p.items()))
                entity = self.entities[entity_id]
                why = f"{local.primary!r} and {ref!r} differ only by a middle name: {match.explanation}"
                self._attach(local, entity, ("short_form_pile", 0.7, why))
                return True
        if local.fam in {"group", "misc"} and not local.acronym:
            key = normalise(local.primary)
            fits_g: dict[str, tuple[Match, str]] = {}
            for entity in self._blocked(blocking_keys(key)):
                if entity.fam != "group" or entity.generic is not None:
                    continue
                refs = [(ref, normalise(ref)) for ref in entity.references]
                # An entity known only by one word ("Lantern") takes the first fuller name that holds it; not a
                # MISC name ("Boeing 737s" is a product of Boeing): a MISC cluster only ever shortens a group's name.
                shortened = local.fam == "group" and all(len(ref_key.tokens) == 1 for _, ref_key in refs)
                for ref, ref_key in refs:
                    match = _short_form(key, ref_key, "group") or (
                        _short_form(ref_key, key, "group") if shortened else None
                    )
                    # Across reports a name of two words or more may be the head or tail of a longer one ("Frontier
                    # Security Studies"); one word needs the score above, a pile holds many names ending in it.
                    long_enough = len(key.tokens) > 1 and local.fam == "group"
                    if match is None and long_enough and (where := _head_or_tail(key, ref_key)):
                        match = _end_match(where, ref, name_similarity(key, ref_key))
                    if match is not None:
                        fits_g.setdefault(entity.id, (match, ref))
            if len(fits_g) == 1:
                entity_id, (match, ref) = next(iter(fits_g.items()))
                entity = self.entities[entity_id]
                short, full = (
                    (local.primary, ref) if len(key.tokens) < len(normalise(ref).tokens) else (ref, local.primary)
                )
                why = f"{short!r} is a short form of {full!r}, the only such group in the pile: {match.explanation}"
                self._attach(local, entity, ("short_form_pile", 0.6, why))
                return True
        if local.acronym:
            acronym = _acronym(local.primary) or ""
            fits_a = sorted(
                {
                    e.id
                    for e in self._blocked({"i:" + acronym})
                    if e.fam == local.fam
                    for r in e.references
                    if _initials(r) == acronym
                }
            )
            if len(fits_a) == 1:
                entity = self.entities[fits_a[0]]
                why = f"{acronym!r} spells the initials of {entity.name!r}, the only such name in the pile"
                self._attach(local, entity, ("acronym_pile", 0.6, why))
                return True
        return False


def resolve_entities(
    mentions: Iterable[MentionIn],
    merges: Sequence[tuple[str, str]] = (),
    splits: Sequence[tuple[str, str]] = (),
    *,
    pile: EntityPile | None = None,
    votes: Mapping[str, Counter[str]] | None = None,
) -> EntityResolution:
    """Link every mention to an entity (see the module docstring for the order of decisions).

    ``pile``: the entities to join (resolve/incremental.py passes the stored dossier's), else a new pile;
    ``votes``: the label counts of the kind vote (``vote_counts``), by default those of ``mentions``.
    """
    by_doc: dict[str, dict[tuple[int, int], MentionIn]] = defaultdict(dict)
    for m in mentions:
        by_doc[m.doc_id].setdefault((m.start_char, m.end_char), m)
    if votes is None:
        votes = vote_counts(m for doc_mentions in by_doc.values() for m in doc_mentions.values())
    decided = _kind_votes(votes)
    locals_: list[_Local] = []
    for doc_mentions in by_doc.values():
        ordered = sorted(doc_mentions.values(), key=lambda m: (m.start_char, -m.end_char))
        locals_.extend(_local_clusters(ordered, decided))
    # A fixed order, whatever the input order: pack clusters, names, then one-word persons and bare acronyms.
    locals_.sort(key=lambda c: (c.pack_id is None, c.one_word_person or c.acronym, c.order))
    pile = pile if pile is not None else EntityPile()
    for local in locals_:
        pile.add(local)
    result = pile.result
    for entity in pile.entities.values():
        if not entity.labels or entity.id not in pile.touched:
            continue
        top = max(entity.labels.values())
        result.kinds[entity.id] = next(label for label, n in entity.labels.items() if n == top)
        counts = entity.surfaces
        result.names.setdefault(entity.id, max(counts, key=lambda s: (len(_key(s)), counts[s], s)))
    _apply_judgements(result, merges, splits)
    return result


def _apply_judgements(
    result: EntityResolution, merges: Sequence[tuple[str, str]], splits: Sequence[tuple[str, str]]
) -> None:
    """Analyst decisions win: merges repoint links, splits move one alias's mentions to their own entity."""
    target: dict[str, str] = {}

    def find(entity: str) -> str:
        while entity in target:
            entity = target[entity]
        return entity

    for keep, other in merges:
        a, b = find(keep), find(other)
        if a != b:
            target[b] = a
    for mention, (entity, _score, _method, _why) in list(result.links.items()):
        final = find(entity)
        if final != entity:
            result.links[mention] = (final, 1.0, "judgement", f"merged by an analyst into {final}")
            result.kinds.setdefault(final, result.kinds.get(entity, ""))
    for entity, alias in splits:
        key, entity = _key(alias), find(entity)
        alias_key = normalise(alias)
        new = make_id("ent", "split", entity, *key)
        for mention, (linked, *_rest) in list(result.links.items()):
            if linked != entity:
                continue
            mention_key = result.keys.get(mention)
            if mention_key != key and (not mention_key or same_name(" ".join(mention_key), alias_key) is None):
                continue
            result.links[mention] = (new, 1.0, "judgement", f"split from {entity} by an analyst ({alias!r})")
            result.kinds[new] = result.kinds.get(entity, "")
            result.names[new] = alias
