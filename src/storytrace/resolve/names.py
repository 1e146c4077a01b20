"""Transliteration-aware name matching: keys, pair scores with explanations, and blocking keys.

The building block of entity resolution. Pure functions, no I/O, cached where a resolver repeats itself:

- :func:`normalise` turns a name (Latin or Arabic script) into a cached :class:`NameKey`: leading titles and
  honorifics stripped ("Mr", "Sheikh", "Iraqi Prime Minister", "Minister of Defence", "الشيخ"), possessives,
  articles (al-/el-/Al and the sun-letter forms ad-/ash-/as-/at-/az-/an-/ar-, Arabic ال), apostrophes and
  ayn/hamza marks, diacritics, hyphens and case removed; "Abd al-X" / "Abdul X" and "X Allah" joined into one
  token. Arabic script goes through a table of our own (letters, tāʾ marbūṭa, alif maqṣūra, hamza seats,
  Persian پ چ ژ گ ی ک; harakat and tatweel dropped). Each token gets *phonetic forms* (consonant classes
  b f t d z s S k g x h l m n r; vowels a/i/u, with y→i and w→u because Arabic writes them with the same
  letters; extra readings for ambiguous Latin spellings: ch as k or kh, j as y, w as v, a silent final t/d/s)
  and *skeletons* (a form without vowels, doubled letters collapsed, a final h dropped): "Hezbollah",
  "Hizbullah", "Hizballah", "Hizb Allah" and "حزب الله" all have the skeleton ``hzbl``.
- :func:`name_similarity` aligns each token of the shorter name with a token of the longer one by a weighted
  edit distance on the phonetic forms: vowels are cheap (a Latin vowel missing from Arabic script cheapest, an
  Arabic long vowel missing from the Latin dearer), close consonants (k/q/g, kh/h, d/z, t/s, sh/s) cost half,
  and a longer agreeing word counts as stronger evidence. The result is a :class:`Match`: a score in 0..1, a
  kind (``exact``, ``variant``, ``short_form``, ``different``) and a human-readable explanation built only
  when read. Unmatched tokens of the longer name make a ``short_form`` ("Sudani" vs "Mohammed Shia
  al-Sudani": could be the same, the caller needs context), cheaper for given names and particles, dearer for
  distinctive words ("Sayyid", "Shuhada", "Imam", "Lebanese"); an unmatched token of the shorter name makes
  the pair ``different``: "Kataib Hezbollah" stays apart from "Kataib Sayyid al-Shuhada" and from "Lebanese
  Hezbollah", "Mohammed al-Halbousi" from "Mohammed al-Hafi".
- :func:`blocking_keys` gives the skeletons (and coarser class skeletons) of a name's content tokens, so a
  caller compares only names that share a key.

Measured by ``benchmarks/eval_transliteration.py`` (Arabic–Latin word pairs; on single words a score of
0.89 is about 1% false matches against hard negatives, 0.96-0.97 about 0.1%; ``VARIANT_MIN`` 0.85 about 2%).
A warm pair score takes about 10 µs.

Known gaps: titles are only stripped at the start of a name (so "Sayyid" inside "Kataib Sayyid al-Shuhada"
stays, but a bare "Sayyid al-Shuhada" loses it); names that differ only in vowels Arabic script does not write
(Hassan / Hussein share the skeleton ``hsn``) are told apart only by vowel costs, narrowly (0.84, just under
``VARIANT_MIN``);
many hard negatives are genuinely interchangeable spellings ("Daouda" / "Dauda"), which caps recall at a
0.1% false-match rate; Persian و read as "v" ("Parviz") is taken for a vowel; Spanish z/c read as th
(ث) are not; no Hebrew, Cyrillic or Urdu-specific letters; Arabic prefixes other than ال (و, ب, ل) are not
split; acronyms ("KH", "PMF") and translations ("Hezbollah Brigades" for Kataib Hezbollah) are not known;
English names are folded with the same Arabic-minded rules (c/k/q, ch/sh), right for matching their Arabic
renderings but coarse for English homophones.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = [
    "Match",
    "MatchKind",
    "NameKey",
    "TokenKey",
    "blocking_keys",
    "name_similarity",
    "normalise",
    "token_similarity",
    "transliterate_arabic",
]

MatchKind = Literal["exact", "variant", "short_form", "different"]

# Token pairs scoring at least this are aligned as "the same word"; below it a token has no counterpart.
TOKEN_MATCH = 0.72
# A name match whose tokens all align reads as a variant at or above this score: on single words about 2%
# false matches against hard negatives and 88-93% recall (benchmarks/eval_transliteration.py --split dev).
VARIANT_MIN = 0.85

# --- Arabic script -------------------------------------------------------------------------------------------

# Readable ASCII transliteration, for explanations only.
_AR_READABLE = {
    "ا": "a", "آ": "a", "أ": "a", "إ": "i", "ٱ": "a", "ء": "'", "ؤ": "'u", "ئ": "'i", "ب": "b", "ت": "t",
    "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh",
    "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "'", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l",
    "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "w", "ي": "y", "ى": "a", "پ": "p", "چ": "ch", "ژ": "zh",
    "گ": "g", "ی": "y", "ک": "k", "ڤ": "v",
}  # fmt: skip
# Phonetic symbols (see the module docstring). Long vowels and their hamza seats are vowels; ayn and a bare
# hamza are nothing (Latin writes them as an apostrophe or not at all); tāʾ marbūṭa is a final h, dropped later.
_AR_PHONETIC = {
    "ا": "a", "آ": "a", "أ": "a", "إ": "i", "ٱ": "a", "ء": "", "ؤ": "u", "ئ": "i", "ب": "b", "ت": "t",
    "ث": "t", "ج": "g", "ح": "h", "خ": "x", "د": "d", "ذ": "d", "ر": "r", "ز": "z", "س": "s", "ش": "S",
    "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "a", "غ": "g", "ف": "f", "ق": "k", "ك": "k", "ل": "l",
    "م": "m", "ن": "n", "ه": "h", "ة": "h", "و": "u", "ي": "i", "ى": "a", "پ": "b", "چ": "S", "ژ": "g",
    "گ": "g", "ی": "i", "ک": "k", "ڤ": "f",
}  # fmt: skip
_AR_LETTERS = frozenset(_AR_PHONETIC)
_AR_DROP = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # harakat, Quranic marks, tatweel

# --- Latin script --------------------------------------------------------------------------------------------

_MARKS = str.maketrans("", "", "'’‘`ʼʿʾ´")
# Letters whose sound NFKD would lose: č is ch, not c; ð is d; đ is dj.
_LATIN_LETTERS = str.maketrans(
    {"č": "ch", "ć": "ch", "ç": "ch", "š": "sh", "ş": "sh", "ș": "sh", "ž": "zh", "ð": "d", "đ": "dj", "ł": "l",
     "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ı": "i", "ț": "ts", "ţ": "ts"}
)  # fmt: skip
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u200e\u200f\ufeff")
_LATIN_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"x", "ks"),
        (r"vic$", "fiS"),  # Serbo-Croatian -vić, written تش in Arabic
        (r"tsch|sch|tch|sh|ch", "S"),
        (r"kh", "x"),
        (r"gh|dj|zh|j", "g"),
        (r"dh", "d"),
        (r"th", "t"),
        (r"ph|v", "f"),
        (r"ck|qu|q", "k"),
        (r"tz", "z"),
        (r"c(?=[eiy])", "s"),
        (r"c", "k"),
        (r"p", "b"),
        (r"[eyi]", "i"),
        (r"[ouw]", "u"),
    )
)
_DOUBLE = re.compile(r"(.)\1+")
_VOWELS = frozenset("aiu")
_PAREN = re.compile(r"\([^()]*\)")
_WORD_SPLIT = re.compile(r"[^\w'’‘`ʼʿʾ]+")

_ARTICLES = frozenset({"al", "el", "ال"})
_SUN_ARTICLES = frozenset({"ad", "adh", "an", "ar", "as", "ash", "at", "ath", "az", "al", "el", "ul"})
_ABD = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abdur", "abdar", "abdus", "abdas", "abdoul", "عبد"})
_ALLAH = frozenset({"allah", "ullah", "ollah", "illah", "alla", "الله"})

# Titles and honorifics, stripped only at the start of a name (so "Kataib Sayyid al-Shuhada" keeps its Sayyid).
_TITLES: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        [
            tuple(t.split())
            for t in (
                "mr mrs ms miss dr prof professor sir dame lord lady haj hajj hajji sheikh shaikh sheik "
                "shaykh sayyid sayyed seyyed sayed syed imam mullah ayatollah hojatoleslam cleric king queen prince "
                "princess emir amir president premier pm mp senator sen rep "
                "speaker minister ambassador envoy judge general gen commander cmdr colonel col major maj captain "
                "capt lieutenant lt brigadier brig sergeant sgt field marshal admiral adm chief spokesman "
                "الشيخ السيد السيدة الرئيس الدكتور د اللواء العميد الفريق العقيد المقدم الرائد النقيب الأستاذ "
                "الحاج الإمام الامام الملك الأمير الوزير"
            ).split()
        ]
        + [
            tuple(t.split())
            for t in (
                "prime minister",
                "deputy prime minister",
                "foreign minister",
                "defence minister",
                "defense minister",
                "interior minister",
                "finance minister",
                "oil minister",
                "grand ayatollah",
                "supreme leader",
                "vice president",
                "crown prince",
                "lieutenant general",
                "lt gen",
                "major general",
                "maj gen",
                "brigadier general",
                "brig gen",
                "lieutenant colonel",
                "lt col",
                "field marshal",
                "rear admiral",
                "vice admiral",
                "chief of staff",
                "secretary general",
                "رئيس الوزراء",
                "رئيس الحكومة",
                "آية الله",
            )
        ],
        key=len,
        reverse=True,
    )
)
# Words that may precede a title: "Iraqi Prime Minister", "former President", "the late Sheikh".
_TITLE_LEADS = frozenset(
    "the former late then acting deputy interim caretaker outgoing incoming iraqi iranian lebanese syrian israeli "
    "palestinian jordanian egyptian saudi yemeni turkish kurdish qatari emirati us u.s american british french "
    "russian houthi hamas hezbollah militia group senior top".split()
)
# "Minister of Foreign Affairs Fuad Hussein": the portfolio words after "of"/"for".
_PORTFOLIO = frozenset(
    "of for the and defence defense interior foreign affairs finance oil health justice education electricity "
    "planning state trade economy culture agriculture water resources transport communications labour labor "
    "higher youth sports industry displacement migration security intelligence information".split()
)

# Skeletons of tokens that say little on their own: particles and very common given names.
_WEAK = frozenset({"b", "bn", "bnt", "m", "mhmd", "hmd", "l", "bd", "bdl", "st", "mr"})
_WEAK_FOLDS = frozenset({"abu", "abou", "bin", "ibn", "bint", "ben", "umm", "um", "abd", "the", "of", "and"})
# Tokens that set an entity apart: a name with one of them unmatched is another entity, not a short form.
_DISTINCTIVE = frozenset(
    {
        "sayyid", "sayyed", "shuhada", "shuhadaa", "imam", "ali", "lebanese", "iraqi", "iranian", "syrian",
        "brigades", "brigade", "battalions", "kataib", "asaib", "harakat", "movement", "front", "army", "forces",
        "nujaba", "nujabaa", "islamic", "jihad", "resistance", "popular", "mobilization", "mobilisation", "ahl",
        "haq", "badr", "hezbollah", "hizbullah", "hizballah", "jund", "ansar", "ansarallah",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True, eq=False)  # identity equality: tokens are interned by _token's cache
class TokenKey:
    """One token of a name: as written, folded (lower case, no marks), phonetic form and skeleton(s)."""

    written: str
    fold: str
    phonetic: str
    phonetics: tuple[str, ...]  # every reading, the usual one first ("Marchetti" also with ch read as k)
    skeletons: tuple[str, ...]  # the primary skeleton first, then alternates ("Abdulrahman" also as "bdrhmn")
    arabic: bool
    weak: bool
    distinctive: bool

    @property
    def skeleton(self) -> str:
        return self.skeletons[0]


@dataclass(frozen=True, slots=True)
class NameKey:
    """A normalised name: its content tokens and what was removed on the way (for explanations)."""

    original: str
    tokens: tuple[TokenKey, ...]
    titles: tuple[str, ...]
    articles: tuple[str, ...]
    arabic: bool

    @property
    def skeleton(self) -> str:
        return " ".join(t.skeleton for t in self.tokens)


class Match:
    """The verdict on a pair of names: score 0..1, kind, and why (the text is built only when read)."""

    __slots__ = ("_explain", "_text", "kind", "score")

    def __init__(self, score: float, kind: MatchKind, explanation: str | Callable[[], str]) -> None:
        self.score = score
        self.kind: MatchKind = kind
        self._text = explanation if isinstance(explanation, str) else None
        self._explain = explanation if not isinstance(explanation, str) else None

    @property
    def explanation(self) -> str:
        if self._text is None:
            assert self._explain is not None
            self._text = self._explain()
        return self._text

    def __repr__(self) -> str:
        return f"Match(score={self.score:.3f}, kind={self.kind!r}, explanation={self.explanation!r})"


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", kept)


def transliterate_arabic(text: str) -> str:
    """A readable ASCII rendering of Arabic script (for explanations): "حزب الله" → "hzb allh"."""
    text = _AR_DROP.sub("", text)
    return "".join(_AR_READABLE.get(ch, ch) for ch in text)


def _is_arabic(word: str) -> bool:
    return any(ch in _AR_LETTERS for ch in word)


@lru_cache(maxsize=1 << 18)
def _phonetic(fold: str) -> str:
    """The phonetic form of a folded token (Latin or Arabic script)."""
    if _is_arabic(fold):
        text = "".join(_AR_PHONETIC.get(ch, "") for ch in fold.replace("تش", "چ"))
    else:
        text = "".join(ch for ch in fold if ch.isalpha() and ch.isascii())
        for pattern, repl in _LATIN_RULES:
            text = pattern.sub(repl, text)
    text = _DOUBLE.sub(r"\1", text.replace("tz", "z").replace("ts", "s"))
    if len(text) > 2 and text.endswith("h"):
        text = text[:-1]
    return text


def _skeleton(phonetic: str) -> str:
    consonants = _DOUBLE.sub(r"\1", "".join(ch for ch in phonetic if ch not in _VOWELS))
    return consonants or phonetic[:1]


def _readings(fold: str, arabic_article: bool) -> tuple[str, ...]:
    """The phonetic forms a token may stand for, the usual one first."""
    if _is_arabic(fold):
        forms = [_phonetic(fold)]
        if arabic_article:  # "اليكس" may be "Alex", not al- + "yks": keep the reading with the article too
            forms.append(_phonetic("ال" + fold))
    else:
        forms = [_phonetic(fold)]
        # Latin letters read differently by the languages Arabic transliterates from: ch is k in Italian
        # ("Marchetti") and kh in German ("Hochstrasser"), j is y in Slavic ("Marjanovic"), w is v in German
        # and Polish ("Wysocki"), gn is ny ("Pagnani"), sz is sh in Polish.
        for old, new in _AMBIGUOUS:
            if old in fold:
                forms.append(_phonetic(fold.replace(old, new)))
        if len(fold) >= 5 and fold[-1] in "tdsx" and fold[-2] not in "tdsx":  # French: "Bonnet", "Mitterrand"
            forms.append(_phonetic(fold[:-1]))
    main = forms[0]
    if _ABD_L.match(main):  # "Abdulrahman" = "Abd al-Rahman" = "Abdel Rahman"
        forms.append(_ABD_L.sub(r"\1", main))
    return tuple(dict.fromkeys(forms))


_AMBIGUOUS = (("ch", "k"), ("ch", "kh"), ("j", "y"), ("w", "v"), ("gn", "ny"), ("sz", "sh"), ("cc", "ch"))
_ABD_L = re.compile(r"^(a?bd[aiu])l(?=[^l]{3})")


@lru_cache(maxsize=1 << 18)
def _token(written: str, fold: str, arabic_article: bool) -> TokenKey:
    phonetics = _readings(fold, arabic_article)
    skeletons = tuple(dict.fromkeys(_skeleton(p) for p in phonetics))
    main = skeletons[0]
    return TokenKey(
        written=written,
        fold=fold,
        phonetic=phonetics[0],
        phonetics=phonetics,
        skeletons=skeletons,
        arabic=_is_arabic(fold),
        weak=main in _WEAK or fold in _WEAK_FOLDS,
        distinctive=fold in _DISTINCTIVE,
    )


def _fold(word: str) -> str:
    word = _AR_DROP.sub("", word).translate(_INVISIBLE)
    if _is_arabic(word):  # no NFKD: it would split أ into ا + hamza and make أل look like the article ال
        return word
    if word.endswith(("'s", "’s")) and len(word) > 3:
        word = word[:-2]
    return _strip_marks(word.casefold().translate(_LATIN_LETTERS)).translate(_MARKS)


def _abd(script_of: str) -> str:  # joined tokens keep one script, so the phonetic table applies to all of it
    return "عبد" if _is_arabic(script_of) else "abd"


def _allah(script_of: str) -> str:
    return "الله" if _is_arabic(script_of) else "allah"


def _strip_titles(words: list[str]) -> tuple[list[str], list[str]]:
    """Leading title words removed, if a name remains; returns (rest, removed)."""
    lower = [w.casefold().rstrip(".") for w in words]
    i = 0
    removed: list[str] = []
    while i < len(words):
        j = i
        while j < len(words) and lower[j] in _TITLE_LEADS:
            j += 1
        for title in _TITLES:
            end = j + len(title)
            if tuple(lower[j:end]) == title and end < len(words):
                if title[-1] in {"minister", "الوزير"}:
                    while end < len(words) - 1 and lower[end] in _PORTFOLIO:
                        end += 1
                removed.extend(words[i:end])
                i = end
                break
        else:
            break
    return words[i:], removed


@lru_cache(maxsize=1 << 16)
def normalise(name: str) -> NameKey:
    """The cached key of a name: titles, articles and marks removed; tokens with phonetic forms and skeletons."""
    # A parenthesised acronym or gloss is not part of the name ("Kataib Hezbollah (KH)"); harakat are not \w,
    # so they go before the split.
    text = _PAREN.sub(" ", _AR_DROP.sub("", name)).replace("-", " ").replace("‐", " ")
    raw = [w for w in _WORD_SPLIT.split(text) if w]
    arabic = any(_is_arabic(w) for w in raw)
    raw = [w.strip("'’‘`") or w for w in raw]
    words, titles = _strip_titles(raw)
    if len(words) > 1 and words[0].casefold() == "the":  # "The Islamic Resistance in Iraq"
        words = words[1:]
    articles: list[str] = []
    tokens: list[TokenKey] = []
    i = 0
    pending_abd: str | None = None
    while i < len(words):
        word = words[i]
        fold = _fold(word)
        i += 1
        if not fold:
            continue
        followed = i < len(words)
        # Articles: al/el anywhere but last; sun-letter forms only when hyphen-joined ("ash-Shuhada").
        if followed and (fold in _ARTICLES or (fold in _SUN_ARTICLES and f"{word}-" in name)):
            articles.append(word)
            continue
        if fold in _ALLAH and (tokens or pending_abd):  # "Nasr Allah", "Hizb Allah", "عبد الله"
            if pending_abd is not None:
                tokens.append(_token(pending_abd + " " + word, _abd(fold) + _allah(fold), False))
                pending_abd = None
            else:
                prev = tokens.pop()
                tokens.append(_token(prev.written + " " + word, prev.fold + _allah(prev.fold), False))
            continue
        if fold in _ABD and followed:
            pending_abd = word
            continue
        arabic_article = False
        if _is_arabic(fold) and fold.startswith("ال") and len(fold) >= 4 and fold not in _ALLAH:
            articles.append("ال")
            fold = fold[2:]
            arabic_article = pending_abd is None
        if pending_abd is not None:
            tokens.append(_token(pending_abd + " " + word, _abd(fold) + fold, False))
            pending_abd = None
            continue
        tokens.append(_token(word, fold, arabic_article))
    if pending_abd is not None:
        tokens.append(_token(pending_abd, _fold(pending_abd), False))
    return NameKey(name, tuple(tokens), tuple(titles), tuple(articles), arabic)


# --- scoring -------------------------------------------------------------------------------------------------

_NEAR = frozenset(
    frozenset(pair)
    for pair in ("kg", "kx", "xh", "gx", "dz", "ts", "sz", "Ss", "td", "bf", "dt", "zg", "Sg", "nm", "lr")
)
# Vowel costs: a vowel written in Arabic script is a long vowel the Latin side must show, while Latin short
# vowels have no Arabic letter; between two Latin (or two Arabic) spellings the cost is in between.
_VOWEL_SUB = 0.3
_VOWEL_INDEL = {(False, False): (0.3, 0.3), (True, False): (0.45, 0.15), (True, True): (0.3, 0.3)}
_H_COST = 0.5
_NEAR_COST = 0.5


def _indel(ch: str, vowel: float) -> float:
    if ch in _VOWELS:
        return vowel
    return _H_COST if ch == "h" else 1.0


def _sub(a: str, b: str, del_vowel: float, ins_vowel: float) -> float:
    if a == b:
        return 0.0
    a_vowel, b_vowel = a in _VOWELS, b in _VOWELS
    if a_vowel and b_vowel:
        return _VOWEL_SUB
    if a_vowel or b_vowel:
        return _indel(a, del_vowel) + _indel(b, ins_vowel)
    return _NEAR_COST if frozenset((a, b)) in _NEAR else 1.0


@lru_cache(maxsize=1 << 18)
def _distance(a: str, b: str, del_vowel: float, ins_vowel: float) -> float:
    """Weighted edit distance from phonetic form ``a`` to ``b`` (vowels cheap, close consonants half price)."""
    prev = [0.0]
    for ch in b:
        prev.append(prev[-1] + _indel(ch, ins_vowel))
    for ca in a:
        cur = [prev[0] + _indel(ca, del_vowel)]
        for j, cb in enumerate(b, 1):
            cur.append(
                min(
                    prev[j] + _indel(ca, del_vowel),
                    cur[j - 1] + _indel(cb, ins_vowel),
                    prev[j - 1] + _sub(ca, cb, del_vowel, ins_vowel),
                )
            )
        prev = cur
    return prev[-1]


@lru_cache(maxsize=1 << 18)  # name pairs share their tokens; TokenKeys are interned by _token's cache
def token_similarity(a: TokenKey, b: TokenKey) -> float:
    """How alike two tokens sound, 0..1: 1 for one spelling, near 1 for one skeleton, less per edit."""
    if a.fold == b.fold:
        return 1.0
    if b.arabic and not a.arabic:
        a, b = b, a
    costs = _VOWEL_INDEL[(a.arabic, b.arabic)]
    d = min(_distance(pa, pb, *costs) for pa in a.phonetics for pb in b.phonetics)
    size = max(len(a.skeleton), len(b.skeleton)) + 1.0
    # A longer word that agrees is stronger evidence than a short one ("Ali" ~ "Lee"): identical readings score
    # 0.98 for one consonant up to 0.995 for seven, below the 1.0 of an identical spelling.
    return max(0.0, 1.0 - d / size) * (1.0 - 0.04 / size)


def _why_token(a: TokenKey, b: TokenKey, sim: float) -> str:
    if a.fold == b.fold:
        return f"same spelling: {a.written}"
    shared = next((s for s in a.skeletons if s in b.skeletons), None)
    if shared is not None:
        return f"same name after transliteration: {a.written} ~ {b.written} (skeleton {shared})"
    return f"close spelling: {a.written} ~ {b.written} ({a.skeleton} / {b.skeleton}, {sim:.2f})"


def _weight(t: TokenKey) -> float:
    return 0.4 if t.weak else 1.0


def _describe(key: NameKey) -> list[str]:
    notes: list[str] = []
    if key.titles:
        notes.append(f"title stripped from {key.original!r}: {' '.join(key.titles)}")
    if key.articles:
        notes.append(f"article dropped from {key.original!r}: {', '.join(dict.fromkeys(key.articles))}")
    if key.arabic:
        notes.append(f"Arabic script read as {transliterate_arabic(' '.join(t.written for t in key.tokens))!r}")
    return notes


def name_similarity(a: str | NameKey, b: str | NameKey) -> Match:
    """Score two names: token-aligned, with a reason for every aligned and unmatched token."""
    ka = normalise(a) if isinstance(a, str) else a
    kb = normalise(b) if isinstance(b, str) else b
    if not ka.tokens or not kb.tokens:
        return Match(0.0, "different", "nothing left to compare after normalisation")
    short, long_ = (ka, kb) if len(ka.tokens) <= len(kb.tokens) else (kb, ka)
    pairs = sorted(
        (
            (token_similarity(s, t), -abs(i - j), i, j)
            for i, s in enumerate(short.tokens)
            for j, t in enumerate(long_.tokens)
        ),
        reverse=True,
    )
    used_s: set[int] = set()
    used_l: set[int] = set()
    aligned: list[tuple[int, int, float]] = []
    for sim, _, i, j in pairs:  # greedy one-to-one alignment, best pairs first (names have few tokens)
        if i in used_s or j in used_l:
            continue
        used_s.add(i)
        used_l.add(j)
        aligned.append((i, j, sim))
    matched = [(i, j, sim) for i, j, sim in aligned if sim >= TOKEN_MATCH]
    unmatched_short = [short.tokens[i] for i in range(len(short.tokens)) if i not in {m[0] for m in matched}]
    unmatched_long = [long_.tokens[j] for j in range(len(long_.tokens)) if j not in {m[1] for m in matched}]

    total = sum(max(_weight(short.tokens[i]), _weight(long_.tokens[j])) for i, j, _ in aligned)
    base = sum(max(_weight(short.tokens[i]), _weight(long_.tokens[j])) * s for i, j, s in aligned) / total

    def explain(head: str) -> Callable[[], str]:
        def text() -> str:
            reasons = [_why_token(short.tokens[i], long_.tokens[j], s) for i, j, s in sorted(matched)]
            return "; ".join([head, *reasons, *_describe(ka), *_describe(kb)])

        return text

    if unmatched_short or not matched:
        missing = ", ".join(t.written for t in unmatched_short + unmatched_long)
        score = min(base, TOKEN_MATCH) * (0.5 + 0.5 * len(matched) / len(short.tokens))
        return Match(round(score, 4), "different", explain(f"different names: no counterpart for {missing}"))
    if unmatched_long:
        # Every token of the shorter name is in the longer one: a short form, to be settled by context.
        factor = 0.75
        for t in unmatched_long:
            factor *= 0.7 if t.distinctive else (0.95 if t.weak else 0.85)
        extra = ", ".join(t.written for t in unmatched_long)
        head = f"short form: {short.original!r} lacks {extra}; needs context"
        return Match(round(base * factor, 4), "short_form", explain(head))
    exact = all(short.tokens[i].fold == long_.tokens[j].fold for i, j, _ in matched)
    kind: MatchKind = "exact" if exact else ("variant" if base >= VARIANT_MIN else "different")
    head = {"exact": "same name", "variant": "variant spelling", "different": "too far apart"}[kind]
    return Match(round(base, 4), kind, explain(head))


# --- blocking ------------------------------------------------------------------------------------------------

_COARSE = str.maketrans({"g": "k", "x": "k", "z": "s", "S": "s", "d": "t", "f": "b", "h": ""})


def blocking_keys(name: str | NameKey) -> frozenset[str]:
    """Candidate keys: the skeletons of the name's content tokens (weak ones only if nothing else) and their
    coarse forms (k/g/kh, d/t, s/z/sh, b/f merged, h dropped), so variants one class apart still meet."""
    key = normalise(name) if isinstance(name, str) else name
    strong = [t for t in key.tokens if not t.weak] or list(key.tokens)
    keys: set[str] = set()
    for t in strong:
        for s in t.skeletons:
            keys.add("s:" + s)
            coarse = _DOUBLE.sub(r"\1", s.translate(_COARSE))
            keys.add("c:" + (coarse or s))
    return frozenset(keys)
