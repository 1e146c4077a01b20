"""Name keys: the spelling-tolerant form in which pack aliases and article tokens are compared.

A name becomes a tuple of token keys. Each token is NFKD-decomposed with its combining marks dropped
("Ḥizb" → "hizb", "أ" → "ا"), case-folded, stripped of apostrophes and ayn/hamza signs (Kata'ib, Kata’ib,
ʿAyn), and folded by the transliteration rules of the NLP spike §4 that are safe for exact lookup: ou→u,
ph→f, kh→k, y→i, the vowel classes e/i (but not a final e: "fate" is not "Fateh") and o/u, doubled letters
collapsed, a final h after a vowel dropped ("Hezbollah", "Hizbullah" → ``hizbula``; "Haniyeh", "Hanieh" →
``hani``). dh/th are deliberately *not*
folded: "Hudhud" and "Hudud" are different groups. Hyphens separate tokens; the article tokens al/el
(and the assimilated ad/an/ar/as/ash/at/az… when hyphen-joined: "ash-Shuhada") are dropped.

Acronyms ("KH", "PMF", "U.S.") are compared case-sensitively, without folding, so that "KH" never matches
"kh" and "US" never matches "us".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

__all__ = ["ACRONYM_PREFIX", "NameToken", "is_acronym", "name_key", "name_tokens"]

# A word: letters/digits with inner apostrophes (Kata'ib), but a possessive 's is not part of the name.
_WORD = re.compile(r"""(?:[A-Za-z]\.){2,}|[^\W_]+(?:['’‘`](?![sS]\b)[^\W_]+)*""")
_ARTICLES = frozenset({"al", "el"})
# Sun-letter articles are ordinary English words on their own ("as", "an", "at"): drop them only when
# hyphen-joined to the name they belong to ("ash-Shuhada", "ad-Dawa").
_ASSIMILATED = frozenset({"ad", "adh", "an", "ar", "as", "ash", "at", "ath", "az"})
_MARKS = str.maketrans("", "", "'’‘`ʼʿʾ\u0640")  # apostrophes, ayn/hamza letters, Arabic tatweel
_ARABIC = str.maketrans({"ة": "ه", "ى": "ي"})
_DOUBLE = re.compile(r"([a-z])\1+")
_FINAL_H = re.compile(r"(?<=[aiu])h$")
_INNER_E = re.compile(r"e(?!$)")

ACRONYM_PREFIX = "\x00"  # marks an acronym key so it cannot collide with a folded word key


class NameToken(NamedTuple):  # a tuple, not a frozen dataclass: made for every word of every report
    """One token of a name or sentence: its offsets, its folded key, and whether it is a droppable article."""

    start: int
    end: int
    key: str
    acronym: str | None  # the acronym key when the token is written in capitals ("KH", "U.S.")
    is_article: bool


@lru_cache(maxsize=1 << 16)  # news vocabulary repeats; folding is the hot path of the gazetteer
def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFKC", stripped).casefold().translate(_MARKS).translate(_ARABIC)
    if not text.isascii():
        return text
    text = text.replace("ou", "u").replace("ph", "f").replace("kh", "k")
    # A final e stays: it is English ("fate", "raise"), not a transliterated vowel ("Fateh", "Raisi").
    text = _INNER_E.sub("i", text.replace("y", "i")).replace("o", "u")
    text = _DOUBLE.sub(r"\1", text)
    return _FINAL_H.sub("", text) if len(text) > 2 else text


@lru_cache(maxsize=1 << 16)
def _acronym(word: str) -> str | None:
    letters = word.replace(".", "")
    if len(letters) >= 2 and letters.isalnum() and letters.isascii() and letters.isupper():
        return ACRONYM_PREFIX + letters
    return None


def is_acronym(name: str) -> bool:
    """An alias made of one capitalised word such as "KH", "PMF" or "U.S.": matched exactly, never folded."""
    words = _WORD.findall(name)
    return len(words) == 1 and words[0] == name.strip() and _acronym(words[0]) is not None


def name_tokens(text: str, start: int = 0, end: int | None = None) -> list[NameToken]:
    """The tokens of ``text[start:end]`` with offsets into ``text`` and their folded keys."""
    end = len(text) if end is None else end
    tokens: list[NameToken] = []
    for match in _WORD.finditer(text, start, end):
        word = match.group(0)
        if word in ("s", "S") and match.start() > 0 and text[match.start() - 1] in "'’":
            continue  # the possessive of "Hamas’s"
        key = _fold(word.replace(".", "") if "." in word else word)
        lower = word.casefold()
        hyphen_joined = text.startswith(("-", "‐"), match.end())
        is_article = lower in _ARTICLES or (hyphen_joined and lower in _ASSIMILATED)
        tokens.append(NameToken(match.start(), match.end(), key, _acronym(word), is_article))
    return tokens


def name_key(name: str) -> tuple[str, ...]:
    """The lookup key of a pack alias: acronyms as written, other names folded, articles and a leading "the" gone."""
    if is_acronym(name):
        acronym = _acronym(name.strip())
        assert acronym is not None
        return (acronym,)
    tokens = [t for t in name_tokens(name) if not t.is_article]
    if len(tokens) > 1 and tokens[0].key == "thi":  # "The Islamic Resistance in Iraq"
        tokens = tokens[1:]
    return tuple(t.key for t in tokens if t.key)
