"""Sentences and tokens that survive news text: datelines, quotes, abbreviations ("Oct.", "U.S."), headlines.

Rules, not a model: a paragraph break always ends a sentence; a line break ends one when the line is a
headline, a byline or a dateline (short, no closing punctuation) or closes with sentence punctuation, and is
otherwise a hard wrap; inside a paragraph a sentence ends at ``.``, ``!`` or ``?`` (with any closing quotes
or brackets) followed by space and a capital, digit or opening quote, unless the word before is an
abbreviation, an initial or a number. Tokens keep names whole: "Al-Halbousi", "Kata'ib", "U.S."; a word-final
apostrophe ("Shia’") is split off, since it is as often a closing quote as part of a transliteration.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from storytrace.model import Document, Span
from storytrace.pipeline import ComponentFn, register

__all__ = ["ABBREVIATIONS", "is_headline", "split_sentences", "tokenize"]

# Words that end in a full stop without ending a sentence (lower-cased, without the stop).
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj capt cpt sgt cpl pvt adm cmdr brig rev fr sr jr st sen rep gov pres
    amb hon messrs mme mlle no nos vol vs etc approx est dept univ corp inc ltd co bros jan feb mar apr jun jul
    aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun u.s u.k u.n e.g i.e a.m p.m al""".split()
)

# A sentence end: punctuation, optional closing quotes/brackets, then space.
_END = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s)""")
_NEXT_STARTS_SENTENCE = re.compile(r"""\s+["'“‘(\[]?[\d\w]""")
_WORD_BEFORE = re.compile(r"""([\w.'’-]+)[.!?…]*["'”’)\]]*$""")
_PARAGRAPH = re.compile(r"\n[ \t]*\n+")
_LINE_END_PUNCT = re.compile(r"""[.!?:;…]["'”’)\]]*\s*$""")
_TOKEN = re.compile(
    r"""
    (?:[A-Za-z]\.){2,}                      # U.S. U.N. e.g.
    | \d+(?:[.,:/]\d+)*(?:st|nd|rd|th|s)?   # 1,400  3.5  09:40  12.03.2025  39th  1990s
    | \w+(?:[-'’]\w+)*                      # Al-Halbousi  Kata'ib  Iran-backed
    | \S                                    # any other single character: punctuation, symbols
    """,
    re.VERBOSE,
)
TOKEN_PATTERN = _TOKEN  # for components that tokenise in a hot loop without building Spans

# A line that is a headline, byline or dateline rather than a wrapped piece of a sentence.
_SHORT_LINE_WORDS = 14


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Tokens of ``text[start:end]`` as spans with offsets into ``text``."""
    end = len(text) if end is None else end
    return [Span(m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


def is_headline(text: str, start: int, end: int, *, quoted_end: bool = False) -> bool:
    """Whether ``text[start:end]`` is a headline or title: a line of its own that ends without a stop.

    A line ending in a closing quote or bracket is not one, unless ``quoted_end``: then the stop is looked for
    inside it ('Ibdara rejects claim as "baseless"' is a headline, 'He said: "We will stay."' is not). The
    extractors keep the strict reading, which their stored outputs were made with.
    """
    body = text[start:end].rstrip()
    if quoted_end:
        body = body.rstrip("\"”’'»)")
    if not body or body[-1] in ".!?:;…\"”’'»)":
        return False
    return (start == 0 or text[start - 1] == "\n") and (end >= len(text.rstrip()) or text[end] == "\n")


def _is_abbreviation(before: str) -> bool:
    match = _WORD_BEFORE.search(before)
    if match is None:
        return False
    word = match.group(1).rstrip(".").lower()
    if word in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith"
        return True
    return bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))  # u.s, e.g. written without a final stop


def _line_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split a paragraph into runs of lines that belong to one flow of sentences."""
    run_start = start
    position = start
    while position < end:
        newline = text.find("\n", position, end)
        if newline == -1:
            break
        line = text[position:newline]
        ends_block = bool(_LINE_END_PUNCT.search(line)) or len(line.split()) <= _SHORT_LINE_WORDS
        if ends_block and line.strip():
            yield run_start, newline
            run_start = newline + 1
        position = newline + 1
    yield run_start, end


def _sentences_in(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    sentence_start = start
    for match in _END.finditer(text, start, end):
        stop = match.end()
        if not _NEXT_STARTS_SENTENCE.match(text, stop, end):
            continue
        following = text[stop:end].lstrip()[:1]
        if following.islower():
            continue
        if match.group(0).startswith(".") and _is_abbreviation(text[sentence_start : match.start() + 1]):
            continue
        yield sentence_start, stop
        sentence_start = stop
    yield sentence_start, end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str) -> list[Span]:
    """Sentence spans (label ``"S"``) covering every non-blank stretch of ``text``, in order."""
    spans: list[Span] = []
    paragraph_start = 0
    boundaries = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)] + [(len(text), len(text))]
    for para_end, next_start in boundaries:
        for line_start, line_end in _line_spans(text, paragraph_start, para_end):
            for s, e in _sentences_in(text, line_start, line_end):
                s, e = _trim(text, s, e)
                if s < e:
                    spans.append(Span(s, e, "S"))
        paragraph_start = next_start
    return spans


@register(
    "extract.sentences.rules.v1",
    requires=("doc.text",),
    assigns=("spans.sentences",),
    description="Sentences by rules tuned for news text (datelines, quotes, abbreviations, headlines).",
)
def make_sentence_splitter() -> ComponentFn:
    def run(doc: Document) -> Document:
        doc.spans["sentences"] = split_sentences(doc.text)
        return doc

    return run
