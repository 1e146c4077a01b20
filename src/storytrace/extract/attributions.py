"""Attributions by rules over tokens: who (source) says what (content), through which cue, via which hops.

No parser and no lemmas are available offline, so the rules work on the tokens of
``storytrace.extract.sentences.tokenize`` with lists of inflected forms:

* a **cue** is a reporting verb ("said", "told", "denied" …), "according to", a colon that opens a quotation
  ("The officer said: “…”" uses the verb; "Ryder: “…”" uses the colon; "The post, published at 22:10, read in
  Arabic: “…”" uses "read", the quoted text's medium being the source, and a bracketed translation right after
  the quotation, “…” (“…”), is the content's second piece). "According to X," takes the clause after it when
  nothing but a connective comes before it in its sentence or after a colon or semicolon ("He had other
  worries: according to X, Y" gives Y), else the clause before it;
* the **source** (the speaker) is the noun phrase next to the cue: before it ("officials said"), after it
  ("…, said a source close to the group") or after "according to"; it is classed ``named``, ``anonymous``,
  ``outlet``, ``document``, ``social`` or ``pronoun`` (a pronoun is resolved to the nearest preceding named
  person-like speaker of the document when there is one, and an unnamed social source, "the post", "this
  account", to the handle, "@name", named last before it in the text: ``resolved_to``);
* the **content** is the reported clause on the other side of the cue, or the quotation next to it; it is
  ``direct`` (all quoted), ``indirect`` (no quotation marks) or ``mixed``. A quotation may run over several
  sentences ("“A. B,” he said."), so a content can start in an earlier sentence of the same paragraph, and it
  may have two ``pieces`` around the cue ("“A,” he said, “B.”", "“A,” he said. “B.”", "Then, she said, B");
* **hedges** ("reportedly", "allegedly", "could", "may", "might", "unconfirmed", "apparently" …) in the cue's
  sentence are listed, and the **polarity** is ``denies`` when the cue is deny/reject/refute-like;
* a **chain** lists the hops from the report towards the origin: "Shafaq, citing a reliable source, reported …" gives
  ``[Shafaq (outlet), a reliable source (anonymous)]``; "sources told Agenzia Nova" gives
  ``[Agenzia Nova (outlet), sources (anonymous)]``; "according to the Courier, a council member said …" gives
  ``[the Courier, a council member]``. The report's own outlet is the implicit first hop and is not listed.
  The attribution's ``source`` is the first hop (the speaker nearest the report); ``speaker`` is who the cue
  belongs to grammatically (what PolNeAR and PARC annotate as the source).

Layers assigned: ``attributions`` (one span over cue, source and content, label ``direct``/``indirect``/
``mixed``; attrs ``cue``, ``source``, ``speaker``, ``content`` (with ``pieces``), ``chain``, ``hedges``,
``polarity``, ``resolved_to``), ``cues``, ``sources`` (one span per hop, label = kind, attr ``role`` =
``speaker`` or ``via``) and ``contents`` (label as the attribution, attr ``pieces``).

Known gaps: no cue from a noun ("criticism", "in an interview"), from verbs of belief or intention outside the
list, or from "in a statement" without a verb; "who" as a speaker is left unresolved; a quotation whose
speaker is only named in a later paragraph gets no attribution; "the post" is tied to the last handle named
before it, even when the text has since moved on to another, unnamed account.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from storytrace.extract.sentences import ABBREVIATIONS, TOKEN_PATTERN
from storytrace.model import Document, Span
from storytrace.pipeline import ComponentFn, register

__all__ = ["HEDGES", "REPORTING_VERBS", "extract_attributions"]

# Reporting verbs, inflected (no lemmatizer offline). Forms that are mostly nouns or adjectives ("posts",
# "reporting", "writing") are left out; "the said agreement" is caught by the determiner rule below.
REPORTING_VERBS = frozenset(
    """say says said saying tells told telling adds added adding stated claimed claiming deny denies denied denying
    confirm confirms confirmed confirming
    reported announces announced announcing warns warned warning insists insisted insisting argue argues
    argued arguing explains explained explaining notes noted noting
    wrote writes posted tweeted tweets quoted cited acknowledge acknowledges acknowledged acknowledging
    admit admits admitted admitting allege alleges alleged alleging assert asserts asserted asserting
    contend contends contended declare declares declared declaring reiterate reiterates reiterated
    reiterating reject rejects rejected rejecting refute refutes refuted refuting dismissed dismisses
    accuse accuses accused accusing predict predicts predicted predicting suggest suggests suggested
    suggesting emphasized emphasised stressed reveal reveals revealed revealing disclose discloses disclosed
    recalled replied responded countered conceded complained agreed promised vowed pledged threatened
    estimated estimates believes believed asked asks observed remarked maintained indicated indicates
    testified assured boasted lamented called calling calls described criticized criticised
    accused declined refused urged praised defended concluded expressed questioned writes showed shows found
    endorsed thinks hopes pointed continued referring""".split()
)
_TELL_VERBS = frozenset("tell tells told telling assured".split())
_DENY_VERBS = frozenset(
    """deny denies denied denying reject rejects rejected rejecting refute refutes refuted refuting dismissed
    dismisses""".split()
)
_NOT_ASSERTED = frozenset(
    "to will would can could should must might may did does do not never didn't didn’t won't won’t".split()
)
_CUE_PREFIX = frozenset("has have had also is are was were".split())
# Words between a cue and its "that": "said on Tuesday that", "told reporters in a statement that".
_ADJUNCT = frozenset(
    """on in at last this a an the statement interview reporters journalists told to during earlier later also
    again repeatedly week night morning evening afternoon day month year recently previously yesterday today
    separately privately publicly late early s ’s 's him her them us me""".split()
)
# Cues that put their speaker after them: "“…,” said a source", "…, wrote Ryder".
_INVERTING = frozenset(
    """said says added adds wrote writes told tells asked asks continued explained noted recalled replied responded
    insisted argued warned claimed stated reported tweeted declared confirmed remarked observed countered
    conceded complained""".split()
)
_ADJUNCT_PREPOSITIONS = frozenset("in on at during after before from via through while".split())
_TIME_WORDS = frozenset("monday tuesday wednesday thursday friday saturday sunday yesterday today tonight".split())
_TIME_HEADS = frozenset("week month year night morning afternoon evening weekend".split())
_TIME_MODIFIERS = frozenset("on last this late early that".split())
_HEAD_ENDS = frozenset("of at in with close from for on who which familiar".split())
_INSTITUTIONS = frozenset(
    """government ministry army police military embassy council committee party presidency cabinet parliament
    court prosecutor prosecutors department administration office command militia group movement""".split()
)
_CONNECTIVES = frozenset("however but and yet meanwhile still also so moreover indeed".split())
_CLAUSE_BREAK = frozenset("but while although though whereas".split())
_PARTICIPLES = frozenset(w for w in REPORTING_VERBS if w.endswith("ing"))
HEDGES = frozenset("reportedly allegedly could may might unconfirmed apparently purportedly unverified".split())
_CHAIN_MARKERS = frozenset({"citing", "quoting"})
# What every attribution starts from: a reporting verb, "according (to)" or a colon. A sentence with none of
# them is skipped before it is tokenised (most sentences of a report); a set lookup of its letter runs is
# ten times cheaper than one regex alternation of all the verbs.
_CUE_WORDS = REPORTING_VERBS | {"according"}
_LETTERS = re.compile(r"[^\W\d_]+")


def _may_hold_cue(sentence: str) -> bool:
    return ":" in sentence or not _CUE_WORDS.isdisjoint(_LETTERS.findall(sentence.lower()))


# Words that a noun phrase does not cross when it is read leftwards or rightwards from a cue.
_STOP = frozenset(
    """that which but while because as when if after before since so where than though although whether what
    how why or nor then until unless once and also is are was were be been has have had will would can could
    should may might must do does did not never to on in at during last this yesterday today tonight earlier
    later on by with without into via amid over under about against""".split()
)
# Between a speaker and the cue: "he also said", "officials have repeatedly said", "the ministry reportedly said".
_BETWEEN = frozenset(
    """also has have had was were is are will would did does do later previously recently then once repeatedly
    publicly privately never not already further again reportedly allegedly apparently only flatly quickly
    strongly initially first subsequently immediately since separately could may might""".split()
)
_PREPOSITIONS_INSIDE = frozenset({"of", "for", "from", "close", "to", "with", "in", "at", "on"})
_PRONOUNS = frozenset("he she they it we i you who his her their".split())
_PERSON_PRONOUNS = frozenset({"he", "she"})
_DETERMINERS = frozenset("the a an this these those its their his her".split())
# Outlets: common nouns ("the paper", "a news agency") and words of outlet names, which count only capitalised
# ("the Mirror", "Shafaq News"; not "several times").
_OUTLET_NOUNS = frozenset(
    "newspaper newspapers paper daily weekly agency outlet broadcaster channel network magazine website tv".split()
)
_OUTLET_NAME_WORDS = frozenset(
    """news times post journal tribune courier mirror herald wire gazette television radio reuters afp ap bbc cnn
    nova monitor press shafaq al-awsat asharq national guardian telegraph observer amwaj.media""".split()
)
_QUANTIFIERS = frozenset("a an some several one two three four five many most both another other all".split())
_SOCIAL_WORDS = frozenset(
    "post tweet tweets account telegram twitter x facebook instagram tiktok youtube social handle".split()
)
_DOCUMENT_WORDS = frozenset(
    """statement report communique communiqué document letter memo release transcript analysis study survey
    poll filing video recording message""".split()
)
_ANON_WORDS = frozenset(
    """source sources official officials lawmaker lawmakers diplomat diplomats aide aides insider insiders
    person people someone witness witnesses resident residents anonymous unnamed anonymity spokesman
    spokeswoman spokesperson officer commander member members leader leaders analyst analysts expert experts
    mp mps minister""".split()
)
_INSIDE_HEADS = _ANON_WORDS | _SOCIAL_WORDS | _DOCUMENT_WORDS
_OPEN_QUOTES = "“«„"
_EMPHASIS = "*_"  # Markdown emphasis around a name: "the daily *Harbal Herald*"
_CLOSE_QUOTES = "”»"


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    text: str
    low: str
    is_word: bool


@dataclass(slots=True)
class _Hop:
    start: int
    end: int
    text: str
    kind: str


@dataclass(slots=True)
class _Found:
    cue: tuple[int, int]
    speaker: _Hop
    content: tuple[int, int]
    via: list[_Hop] = field(default_factory=list)  # hops nearer the report than the speaker, outermost first
    after: list[_Hop] = field(default_factory=list)  # hops behind the speaker ("X, citing Y": Y)
    rest: tuple[int, int] | None = None  # the content's second piece: "Back then, she said, the road was open"
    is_according: bool = False  # "according to X, …": may wrap a speaker of its own (a chain)


# The characters _quote_regions looks at; everything else is skipped by the regex engine, not by Python.
_QUOTE_MARKS = re.compile("''|\n\n|[" + _OPEN_QUOTES + _CLOSE_QUOTES + '"]')


class _Quotes(list[tuple[int, int]]):
    """Quotation regions sorted by start, with the running maximum of their ends for a fast "inside" test."""

    def __init__(self, regions: list[tuple[int, int]]) -> None:
        super().__init__(sorted(regions))
        self.starts = [qs for qs, _ in self]
        self.max_end: list[int] = list(itertools.accumulate((qe for _, qe in self), max))


def _quote_regions(text: str) -> _Quotes:
    """Quotations as (start of the opening mark, end of the closing mark); straight quotes pair per paragraph."""
    regions: list[tuple[int, int]] = []
    open_curly: int | None = None
    open_straight: int | None = None
    for match in _QUOTE_MARKS.finditer(text):
        mark, i = match.group(), match.start()
        if mark == "''":  # ''newspaper style'': two apostrophes as a quotation mark
            if open_straight is None:
                open_straight = i
            else:
                regions.append((open_straight, i + 2))
                open_straight = None
        elif mark == "\n\n":
            open_curly = open_straight = None
        elif mark in _OPEN_QUOTES:
            open_curly = i
        elif mark in _CLOSE_QUOTES:
            if open_curly is not None:
                regions.append((open_curly, i + 1))
                open_curly = None
        elif open_straight is None:
            open_straight = i
        else:
            regions.append((open_straight, i + 1))
            open_straight = None
    return _Quotes(regions)


def _tokens(text: str, start: int, end: int) -> list[_Tok]:
    # Every token of two characters or more starts with a word character (see TOKEN_PATTERN), so the regex
    # test is needed for one-character tokens only; ``str.isalnum`` or "_" is exactly ``\w`` for one character.
    return [
        _Tok(s, e, word, word.lower(), e - s > 1 or word.isalnum() or word == "_")
        for m in TOKEN_PATTERN.finditer(text, start, end)
        for (s, e), word in ((m.span(), m.group()),)
    ]


def _is_abbrev_stop(toks: list[_Tok], i: int) -> bool:
    """A full stop that belongs to "Mr." or "Gen." inside a name."""
    if toks[i].text != "." or i == 0 or not toks[i - 1].text[:1].isupper():
        return False
    return toks[i - 1].low in ABBREVIATIONS or len(toks[i - 1].text) == 1


# A name particle before a capital: "al-Qandusi", "el-Sisi", "bin Salman" is still a name.
_NAME_PARTICLE = re.compile(r"(?:al|el|ad|ag|an|ar|as|ash|at|az|ibn|bin|bint|abu|ben|de|di|da|van|von|le|la)[-'’]\w")


def _is_capitalised(tok: _Tok) -> bool:
    text = tok.text
    if text[:1].isupper():
        return True
    particle = _NAME_PARTICLE.match(text)
    return particle is not None and text[particle.end() - 1].isupper()


def _short_quoted_name(toks: list[_Tok], i: int, step: int) -> int | None:
    """Index past a short quoted name like “Shafaq” starting at quote mark ``i`` (reading in ``step``)."""
    j = i + step
    words = 0
    while 0 <= j < len(toks) and words <= 4:
        if toks[j].text in '"“”«»':
            return j if words and words <= 4 else None
        if not toks[j].is_word or not _is_capitalised(toks[j]):
            return None
        words += 1
        j += step
    return None


def _np_left(toks: list[_Tok], end: int, lo: int) -> tuple[int, int] | None:
    """The noun phrase ending just before token ``end`` (exclusive), not crossing ``lo``."""
    i = end - 1
    first = end
    count = 0
    while i >= lo and count < 12:
        tok = toks[i]
        if tok.low in _PRONOUNS and first == end:
            return (i, end)
        if tok.text in '"“”' and first == end:
            closing = _short_quoted_name(toks, i, -1)
            if closing is None:
                break
            first = closing
            i = closing - 1
            count += 2
            continue
        if not tok.is_word:
            if (i + 1 < len(toks) and _is_abbrev_stop(toks, i)) or tok.text in _EMPHASIS:
                i -= 1
                continue
            break
        if tok.low in _STOP and not (tok.low in _PREPOSITIONS_INSIDE and _inside_preposition(toks, i, lo)):
            break
        first = i
        count += 1
        i -= 1
    if first == end:
        return None
    return (first, end)


def _inside_preposition(toks: list[_Tok], i: int, lo: int) -> bool:
    """ "a source close to the leadership", "a spokesman for the ministry": a preposition inside a speaker."""
    if i - 1 < lo:
        return False
    before = toks[i - 1]
    return before.is_word and before.low not in _STOP and (before.low in _INSIDE_HEADS or before.low == "close")


def _np_right(toks: list[_Tok], start: int, hi: int) -> tuple[int, int] | None:
    """The noun phrase starting at token ``start``, not reaching ``hi``."""
    i = start
    count = 0
    while i < hi and count < 14:
        tok = toks[i]
        if tok.text in '"“”' and i == start:
            closing = _short_quoted_name(toks, i, 1)
            if closing is None:
                break
            i = closing + 1
            count += 2
            continue
        if not tok.is_word:
            if _is_abbrev_stop(toks, i) or (tok.text in _EMPHASIS and i > start):
                i += 1
                continue
            break
        if i == start and tok.low in _PRONOUNS:
            return (i, i + 1)
        if (
            tok.low in _STOP
            and i > start
            and not (tok.low in _PREPOSITIONS_INSIDE and _inside_preposition(toks, i, start))
            and not (tok.low == "who" or (tok.low == "with" and toks[i - 1].low == "familiar"))
        ):
            break
        i += 1
        count += 1
    if i == start:
        return None
    return (start, i)


def _classify(toks: list[_Tok], lo: int, hi: int) -> str:
    commas = [i for i in range(lo, hi) if toks[i].text == ","]
    if commas:
        # An apposition ("Pat Ryder, a Pentagon spokesman"): the most specific kind of its parts wins.
        kinds = {_classify(toks, a, b) for a, b in zip([lo, *(c + 1 for c in commas)], [*commas, hi], strict=True)}
        return next(k for k in ("outlet", "social", "document", "named", "pronoun", "anonymous") if k in kinds)
    words = [t for t in toks[lo:hi] if t.is_word]
    if not words:
        return "anonymous"
    lows = {t.low for t in words}
    if len(words) == 1 and words[0].low in _PRONOUNS:
        return "pronoun"
    if lows & _SOCIAL_WORDS and (lows & {"account", "telegram", "twitter", "facebook", "tweet", "x", "handle"}):
        return "social"
    if lows & _SOCIAL_WORDS and "post" in lows and not _is_capitalised(words[-1]):
        return "social"
    if lows & _DOCUMENT_WORDS and not _is_capitalised(words[-1]):
        return "document"
    is_outlet = lows & _OUTLET_NOUNS or any(t.low in _OUTLET_NAME_WORDS and _is_capitalised(t) for t in words)
    if is_outlet and not lows & {"source", "sources", "official", "officials"}:
        return "outlet"
    if lows & {"anonymous", "unnamed", "anonymity"} or "not to be named" in " ".join(t.low for t in words):
        return "anonymous"
    # The head comes before a modifier: "a medical source at Tesra General Hospital" is a source.
    cut = next((j for j, t in enumerate(words) if j and t.low in _HEAD_ENDS), len(words))
    head = words[cut - 1]
    if head.low in _INSTITUTIONS:  # "the government", "Ibdara's foreign ministry": on the record
        return "named"
    if head.low in _ANON_WORDS:
        return "anonymous"
    if _is_capitalised(head):
        return "named"
    return "anonymous"


def _trim_content(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-."):
        if text[end - 1] == "." and end - 1 > start and text[end - 2].isupper() and end - 2 == start:
            break
        end -= 1
    return start, end


def _quote_ending_at(quotes: _Quotes, position: int, floor: int) -> tuple[int, int] | None:
    """A quotation closing at ``position`` (give or take a comma) that opened at or after ``floor``."""
    # A quotation opens before it closes: only those opened between ``floor`` and ``position + 2`` can match.
    last = bisect.bisect_right(quotes.starts, position + 2)
    for k in range(bisect.bisect_left(quotes.starts, floor), last):
        qs, qe = quotes[k]
        if position - 2 <= qe <= position + 2:
            return (qs, qe)
    return None


def _quote_starting_at(quotes: _Quotes, position: int) -> tuple[int, int] | None:
    """The first quotation opening at ``position`` or up to two characters after it."""
    k = bisect.bisect_left(quotes.starts, position)
    if k < len(quotes) and quotes.starts[k] <= position + 2:
        return quotes[k]
    return None


def _hop(text: str, toks: list[_Tok], span: tuple[int, int]) -> _Hop:
    start, end = toks[span[0]].start, toks[span[1] - 1].end
    # Strip quotation marks around a quoted outlet name (“Shafaq”) from the hop's edges.
    while start < end and text[start] in '"“”' + _EMPHASIS:
        start += 1
    while end > start and text[end - 1] in '"“”' + _EMPHASIS:
        end -= 1
    return _Hop(start, end, text[start:end].replace("*", ""), _classify(toks, span[0], span[1]))


def _skip_to_clause(toks: list[_Tok], i: int, hi: int) -> int:
    """After a cue: skip "on Tuesday", "reporters", "in a statement" up to a nearby "that" or colon."""
    for j in range(i, min(hi, i + 9)):
        if toks[j].low == "that" or toks[j].text == ":":
            return j + 1 if toks[j].text == ":" else j
        if not (toks[j].low in _ADJUNCT or _is_capitalised(toks[j]) or toks[j].text[:1].isdigit()):
            break  # "said he is leaving and that …": the clause starts right after the cue
    return i


def _find_in_sentence(text: str, s_start: int, s_end: int, para_start: int, quotes: _Quotes) -> list[_Found]:
    toks = _tokens(text, s_start, s_end)
    n = len(toks)
    found: list[_Found] = []
    used: set[int] = set()
    end_content = s_end

    def content_right(i: int) -> tuple[int, int] | None:
        if i >= n or toks[i].text in ".!?":
            return None
        if toks[i].text in ":," and i + 1 < n:
            i += 1
            if toks[i - 1].text == "," and _quote_starting_at(quotes, toks[i].start) is None:
                return None
        quote = _quote_starting_at(quotes, toks[i].start)
        if quote is not None:
            return quote
        words = [t for t in toks[i:] if t.is_word]
        if len(words) < 2:
            return None
        stop = next(
            (
                toks[j].start
                for j in range(i + 2, n - 1)
                if toks[j].text == ";" or (toks[j].text == "," and toks[j + 1].low in _CLAUSE_BREAK)
            ),
            end_content,
        )
        return _trim_content(text, toks[i].start, stop)

    def content_left(stop_tok: int) -> tuple[int, int] | None:
        # The comma (or dash) before the speaker/cue closes the content: "…, officials said."
        j = stop_tok - 1
        while j >= 0 and toks[j].text not in ",—–:":
            j -= 1
        edge = toks[j].start if j >= 0 else (toks[stop_tok].start if stop_tok < n else s_end)
        quote = _quote_ending_at(quotes, edge + 1, para_start)
        if quote is not None and quote[0] < edge:
            return quote
        if j < 0:
            return None
        floor = max([s_start, *(f.content[1] for f in found if f.content[1] <= toks[j].start)])
        words = [t for t in toks[:j] if t.is_word and t.start >= floor]
        if len(words) < 2:
            return None
        return _trim_content(text, floor, toks[j].start)

    def parenthetical_rest(first: int, after: int) -> tuple[int, int] | None:
        """ "Back then, she said, the road was open": the piece of the content after ", she said,"."""
        if first == 0 or toks[first - 1].text != "," or after + 1 >= n or toks[after].text != ",":
            return None
        if _inside_quote(quotes, toks[after].start) or toks[after + 1].low in REPORTING_VERBS | {"according"}:
            return None
        if sum(1 for t in toks[after + 1 :] if t.is_word) < 2:
            return None
        return _trim_content(text, toks[after + 1].start, end_content)

    for i, tok in enumerate(toks):
        low = tok.low
        # The word tests first: they rule out most tokens for less than the quotation lookup costs.
        if (low not in REPORTING_VERBS and low != "according") or i in used or _inside_quote(quotes, tok.start):
            continue
        # "according to X, …" / "…, according to X."
        if low == "according" and i + 1 < n and toks[i + 1].low == "to":
            np = _np_right(toks, i + 2, n)
            if np is None:
                continue
            np = _extend_apposition(toks, np, n)
            hop = _hop(text, toks, np)
            cue = (tok.start, toks[i + 1].end)
            after_np = np[1]
            # "However, according to X, …", also after a colon: "He had other worries: according to X, …".
            clause = max(
                (j + 1 for j in range(i) if toks[j].text in ":;" and not _inside_quote(quotes, toks[j].start)),
                default=0,
            )
            if all(t.low in _CONNECTIVES or not t.is_word for t in toks[clause:i]):
                right = content_right(after_np + 1 if after_np < n and toks[after_np].text == "," else after_np)
                if right is None:
                    continue
                found.append(_Found(cue, hop, right, is_according=True))
            else:
                left = content_left(i)
                if left is None:
                    continue
                found.append(_Found(cue, hop, left, is_according=True))
            used.update(range(i, after_np))
            continue
        if low not in REPORTING_VERBS:
            continue
        if i > 0 and toks[i - 1].low in _DETERMINERS:  # "the said agreement", "the alleged attack"
            continue
        if i > 0 and toks[i - 1].low in _NOT_ASSERTED:  # "to say", "would say", "did not say": no claim made
            continue
        if low in _PARTICIPLES and i > 0 and toks[i - 1].text == ",":
            # "…, he said, adding that …": the participle shares the speaker of the clause before it.
            if found and low not in _CHAIN_MARKERS:
                prev = found[-1]
                right = content_right(_skip_to_clause(toks, i + 1, n))
                if right is not None:
                    found.append(_Found((tok.start, tok.end), prev.speaker, right, list(prev.via)))
            continue
        cue = (_cue_start(toks, i), _cue_end(toks, i, n))
        # The speaker on the left, past "also", "has", "reportedly" …
        k = i - 1
        while k >= 0 and (
            toks[k].low in _BETWEEN
            or (toks[k].low.endswith("ly") and toks[k].text.islower())
            or _is_time_adjunct(toks, k, i)
        ):
            k -= 1
        after_hops: list[_Hop] = []
        # "X, citing Y, reported …"
        if k >= 0 and toks[k].text == ",":
            marker = next((m for m in range(k - 1, -1, -1) if toks[m].low in _CHAIN_MARKERS), None)
            if marker is not None and marker > 0 and toks[marker - 1].text == ",":
                cited = _np_right(toks, marker + 1, k)
                if cited is not None:
                    after_hops.append(_hop(text, toks, cited))
                    k = marker - 2
        left_np = _np_left(toks, k + 1, 0) if k >= 0 else None
        right_start = next((m for m in range(i + 1, n) if toks[m].start >= cue[1]), n)
        if left_np is None and k > 0 and toks[k].text == "," and not after_hops:
            left_np = _apposition_left(toks, k)
        via: list[_Hop] = []
        if left_np is not None:
            speaker = _hop(text, toks, left_np)
            j = right_start
            if low in _TELL_VERBS:
                obj = _np_right(toks, j, n)
                if obj is not None:
                    hop = _hop(text, toks, obj)
                    if hop.kind == "outlet":  # "sources told the Mirror": the Mirror is the nearer hop
                        via.append(hop)
                    j = obj[1]
            j, after = _chain_after(text, toks, j, n)
            after_hops.extend(after)
            clause = _skip_to_clause(toks, j, n)
            content = content_right(clause)
            rest = None
            if content is not None and clause < n and toks[clause].low in _ADJUNCT_PREPOSITIONS:
                # "“…,” he said in an interview with the Herald.": the content is the quotation before the cue.
                content = content_left(left_np[0]) or content
            if content is not None and clause < n and toks[clause].text == ",":
                # "“A is here,” he said, “and B is there.”": one quotation in two pieces.
                left = content_left(left_np[0])
                if left is not None and text[left[0]] in _OPEN_QUOTES + "\"'":
                    content, rest = left, content
            if content is None:
                content = content_left(left_np[0])
                rest = parenthetical_rest(left_np[0], j)
            if content is None:
                continue
        else:
            # "“…,” said a source close to the group." / "…, said Ryder."
            right_np = _np_right(toks, right_start, n)
            if right_np is None or low not in _INVERTING or not _starts_speaker(toks[right_start]):
                continue
            following = toks[right_np[1]] if right_np[1] < n else None
            if following is not None and following.is_word and (following.low not in _STOP or following.low == "that"):
                # "said he remembers …" is a clause, not "…, said Ryder."
                continue
            right_np = _extend_apposition_right(toks, right_np, n)
            speaker = _hop(text, toks, right_np)
            _, after = _chain_after(text, toks, right_np[1], n)
            after_hops.extend(after)
            content = content_left(i)
            rest = parenthetical_rest(i, right_np[1])
            if content is None:
                continue
        if rest is None and content[1] <= cue[0] and text[content[0]] in _OPEN_QUOTES + "\"'":
            rest = _next_quote(text, quotes, s_end)
        found.append(_Found(cue, speaker, content, via, after_hops, rest))
    # "Ryder: “…”" — a name, a colon and a quotation, with no verb; "The post read: “…”" — a text quoted.
    for i, tok in enumerate(toks):
        if tok.text != ":" or i == 0 or any(f.cue[0] <= tok.start < f.content[1] for f in found):
            continue
        quote = _quote_starting_at(quotes, tok.end)
        if quote is None:
            continue
        translation = _translation(text, quotes, quote)
        read = _read_cue(toks, i)
        if read is not None:
            subject = _subject_left(toks, read)
            if subject is not None:
                found.append(_Found((toks[read].start, tok.end), _hop(text, toks, subject), quote, rest=translation))
            continue
        left_np = _np_left(toks, i, 0)
        if left_np is None or toks[i - 1].low in REPORTING_VERBS:
            continue
        found.append(_Found((tok.start, tok.end), _hop(text, toks, left_np), quote, rest=translation))
    return _merge_according(found)


_READ = frozenset({"read", "reads"})
_TRANSLATION = re.compile(r"\s*\(\s*")


def _translation(text: str, quotes: _Quotes, quote: tuple[int, int]) -> tuple[int, int] | None:
    """The translation in brackets right after a quotation, “…” (“…”): the content's second piece."""
    bracket = _TRANSLATION.match(text, quote[1])
    if bracket is None:
        return None
    translation = _quote_starting_at(quotes, bracket.end())
    if translation is None or translation[0] != bracket.end() or not text.startswith(")", translation[1]):
        return None
    return translation


def _read_cue(toks: list[_Tok], colon: int) -> int | None:
    """ "read:" or "read in Arabic:" before the colon at ``colon``: the index of "read", else None."""
    if colon >= 1 and toks[colon - 1].low in _READ:
        return colon - 1
    if colon >= 3 and toks[colon - 3].low in _READ and toks[colon - 2].low == "in" and _is_capitalised(toks[colon - 1]):
        return colon - 3
    return None


def _subject_left(toks: list[_Tok], verb: int) -> tuple[int, int] | None:
    """The noun phrase before ``verb``, past one parenthetical: "The post, published at 23:52, read"."""
    if verb >= 1 and toks[verb - 1].text == ",":
        opening = next((j for j in range(verb - 2, max(-1, verb - 14), -1) if toks[j].text == ","), None)
        return _np_left(toks, opening, 0) if opening is not None else None
    return _np_left(toks, verb, 0)


def _cue_start(toks: list[_Tok], i: int) -> int:
    """ "has said", "also said", "had also told": auxiliaries and "also" belong to the cue (as in PARC)."""
    j = i
    while j > 0 and toks[j - 1].low in _CUE_PREFIX:
        j -= 1
    return toks[j].start


def _cue_end(toks: list[_Tok], i: int, n: int) -> int:
    """ "said in a statement" is one cue."""
    words = [t.low for t in toks[i + 1 : i + 4]]
    if words[:3] == ["in", "a", "statement"]:
        return toks[i + 3].end
    return toks[i].end


def _content_label(text: str, quotes: _Quotes, pieces: list[tuple[int, int]]) -> str:
    """ "direct" when the content is all quotation, "mixed" when partly, "indirect" when not at all."""
    quoted = unquoted = 0
    for ps, pe in pieces:
        covered = 0
        # Walk back over the quotations opened before the piece ends; once none of them (running maximum)
        # ends after the piece starts, no earlier one overlaps it either.
        k = bisect.bisect_left(quotes.starts, pe) - 1
        while k >= 0 and quotes.max_end[k] > ps:
            qs, qe = quotes[k]
            covered += max(0, min(qe, pe) - max(qs, ps))
            k -= 1
        quoted += covered
        unquoted += len(text[ps:pe].strip()) - covered
    if quoted == 0:
        return "indirect"
    return "direct" if unquoted <= 2 * len(pieces) else "mixed"


def _next_quote(text: str, quotes: _Quotes, s_end: int) -> tuple[int, int] | None:
    """ "“A,” he said. “B.”": the quotation that opens the next sentence of the paragraph continues the quote."""
    start = s_end
    while start < len(text) and text[start] in " \t":  # not lstrip: that would copy the rest of the text
        start += 1
    k = bisect.bisect_left(quotes.starts, start)
    return quotes[k] if k < len(quotes) and quotes.starts[k] == start else None


def _extend_apposition_right(toks: list[_Tok], np: tuple[int, int], hi: int) -> tuple[int, int]:
    """ "…, said Richard Sabato, the president of a council.": the speaker keeps the apposition."""
    i = np[1]
    if i + 1 >= hi or toks[i].text != "," or toks[i + 1].low not in {"a", "an", "the"}:
        return np
    role = _np_right(toks, i + 1, hi)
    if role is None:
        return np
    return (np[0], role[1])


def _is_time_adjunct(toks: list[_Tok], k: int, cue: int) -> bool:
    """ "Qandusi on Wednesday denied", "the ministry late on Tuesday said": time words between speaker and cue."""
    low = toks[k].low
    if low in _TIME_WORDS:
        return True
    if low in _TIME_HEADS:
        return k > 0 and toks[k - 1].low in _TIME_MODIFIERS
    return low in _TIME_MODIFIERS and k + 1 < cue and toks[k + 1].low in _TIME_HEADS | _TIME_WORDS | _TIME_MODIFIERS


def _starts_speaker(tok: _Tok) -> bool:
    """Whether a phrase after the cue can be its speaker: "said Ryder", "said a source", not "warned of war"."""
    return (
        _is_capitalised(tok)
        or tok.low in _DETERMINERS
        or tok.low in _PRONOUNS
        or tok.low in _ANON_WORDS
        or tok.low in _QUANTIFIERS
        or tok.text[:1].isdigit()
    )


def _inside_quote(quotes: _Quotes, position: int) -> bool:
    """Whether ``position`` is inside a quotation (a cue there belongs to the quoted words)."""
    k = bisect.bisect_left(quotes.starts, position) - 1  # the quotations opened before ``position``
    return k >= 0 and position < quotes.max_end[k] - 1


def _apposition_left(toks: list[_Tok], comma: int) -> tuple[int, int] | None:
    """ "Pat Ryder, a Pentagon spokesman, said" / "Doley, who held a fundraiser, said": the name with its
    appositions (at most two comma-separated pieces), up to the comma before the cue."""
    end = comma
    for _ in range(2):
        j = end - 1
        while j >= 0 and j > end - 30 and (toks[j].is_word or _is_abbrev_stop(toks, j)) and toks[j].low != "that":
            j -= 1
        if j < 1 or j == end - 1 or toks[j].text != ",":
            return None
        name = _np_left(toks, j, 0)
        is_name = name is not None and all(_is_capitalised(t) for t in toks[name[0] : name[1]] if t.is_word)
        if name is not None and is_name and (name[0] == 0 or not toks[name[0] - 1].is_word):
            return (name[0], comma)
        end = j
    return None


def _extend_apposition(toks: list[_Tok], np: tuple[int, int], hi: int) -> tuple[int, int]:
    """ "according to a UAE newspaper, the National, …": take the name after the comma too."""
    i = np[1]
    if i + 1 >= hi or toks[i].text != ",":
        return np
    j = i + 1
    while j < hi and j - i <= 5 and (toks[j].low in {"the"} or (toks[j].is_word and _is_capitalised(toks[j]))):
        j += 1
    if j > i + 1 and (j >= hi or toks[j].text in ",.;") and any(_is_capitalised(t) for t in toks[i + 1 : j]):
        return (np[0], j)
    return np


def _chain_after(text: str, toks: list[_Tok], j: int, hi: int) -> tuple[int, list[_Hop]]:
    """ "X reported, citing Y, that …": the hop after the cue and the token index past it."""
    if j + 1 < hi and toks[j].text == "," and toks[j + 1].low in _CHAIN_MARKERS:
        cited = _np_right(toks, j + 2, hi)
        if cited is not None:
            end = cited[1] + 1 if cited[1] < hi and toks[cited[1]].text == "," else cited[1]
            return end, [_hop(text, toks, cited)]
    return j, []


def _merge_according(found: list[_Found]) -> list[_Found]:
    """ "According to the Courier, a council member said …": one attribution with a two-hop chain."""
    out: list[_Found] = []
    for f in found:
        outer = next(
            (
                o
                for o in out
                if o.is_according
                and o.cue != f.cue
                and o.content[0] <= f.cue[0] < o.content[1]
                and o.speaker.start < f.cue[0]
            ),
            None,
        )
        if outer is not None and outer.speaker.text and outer.cue[0] < f.cue[0]:
            out.remove(outer)
            f.via = [*outer.via, outer.speaker, *f.via]
        out.append(f)
    return out


def _hedges(text: str, start: int, end: int) -> list[str]:
    # HEDGES is lower-case, so membership of the token as written skips "May" 2025 without lower-casing.
    return [word for word in TOKEN_PATTERN.findall(text, start, end) if word in HEDGES]


def _resolve(hop: _Hop, named: list[_Hop]) -> _Hop | None:
    if hop.kind != "pronoun" or hop.text.lower() not in _PERSON_PRONOUNS:
        return None
    for candidate in reversed(named):
        if candidate.start < hop.start and len(candidate.text.split()) >= 2:
            return candidate
    return None


def _antecedent(text: str, hop: _Hop) -> _Hop | None:
    """ "the Meridian Wire news agency, which quoted an official": the noun phrase a relative "which" or "who"
    right after a comma stands for. Read right to left from the comma: common-noun head words ("news agency"),
    then capitalised words ("Meridian Wire", "Ministry of Defence"), up to a determiner; a lower-case word left
    of a capitalised one ends it ("came from Dana Kassouf, who": "Dana Kassouf")."""
    if hop.text.lower() not in ("which", "who"):
        return None
    comma = len(text[: hop.start].rstrip()) - 1
    if comma < 0 or text[comma] != ",":
        return None
    toks = _tokens(text, max(0, comma - 200), comma)
    first, capitals, heads = None, False, 0
    for i in range(len(toks) - 1, max(-1, len(toks) - 11), -1):
        tok = toks[i]
        if not tok.is_word or tok.low in _PRONOUNS:
            break
        if tok.low in ("the", "a", "an"):
            first = i
            break
        if tok.text[0].isupper():
            first, capitals = i, True
        elif capitals and tok.low in ("of", "al", "el", "for") and i > 0 and toks[i - 1].text[0].isupper():
            continue  # "Ministry of Defence"
        elif capitals or heads == 3 or tok.low in _STOP or tok.low in _PREPOSITIONS_INSIDE:
            break
        else:
            first, heads = i, heads + 1
    if first is None:
        return None
    start, end = toks[first].start, toks[-1].end
    return _Hop(start, end, text[start:end], _classify(toks, first, len(toks)))


# "@tesra_nightwatch", not an e-mail address; "the post", "this account": an unnamed reference to one.
_HANDLE = re.compile(r"(?<![\w.@])@\w{2,}")
_DEFINITE = frozenset({"the", "this", "that"})


def _resolve_social(text: str, hop: _Hop) -> _Hop | None:
    """ "The post read: …" after "an account (@nightwatch) claimed …": the handle named last before the hop."""
    words = hop.text.split()
    if hop.kind != "social" or not words or words[0].lower() not in _DEFINITE or _HANDLE.search(hop.text):
        return None
    handles = list(_HANDLE.finditer(text, 0, hop.start))
    if not handles:
        return None
    last = handles[-1]
    return _Hop(last.start(), last.end(), last.group(), "social")


def _hop_dict(hop: _Hop) -> dict[str, Any]:
    return {"text": hop.text, "start_char": hop.start, "end_char": hop.end, "kind": hop.kind}


def extract_attributions(text: str, sentences: list[Span]) -> dict[str, list[Span]]:
    """The four layers (``attributions``, ``cues``, ``sources``, ``contents``) for ``text`` and its sentences."""
    quotes = _quote_regions(text)
    layers: dict[str, list[Span]] = {"attributions": [], "cues": [], "sources": [], "contents": []}
    named: list[_Hop] = []
    para_start = 0
    for sentence in sentences:
        if not _may_hold_cue(text[sentence.start_char : sentence.end_char]):
            continue  # no reporting verb, "according" or colon: nothing can start an attribution here
        gap = text.rfind("\n\n", 0, sentence.start_char)
        para_start = gap + 2 if gap >= 0 else 0
        hedges: list[str] | None = None  # the sentence's, read once for all its attributions
        for f in _find_in_sentence(text, sentence.start_char, sentence.end_char, para_start, quotes):
            chain = [*f.via, f.speaker, *f.after]
            source = chain[0]
            resolved = _resolve(f.speaker, named) or _resolve_social(text, f.speaker) or _antecedent(text, f.speaker)
            if f.speaker.kind == "named":
                named.append(f.speaker)
            cs, ce = f.content
            pieces = [f.content] if f.rest is None else [f.content, f.rest]
            ce = pieces[-1][1]
            label = _content_label(text, quotes, pieces)
            start = min(f.cue[0], f.speaker.start, cs, *(h.start for h in chain))
            end = max(f.cue[1], f.speaker.end, ce, *(h.end for h in chain))
            cue_text = text[f.cue[0] : f.cue[1]]
            if hedges is None:
                hedges = _hedges(text, sentence.start_char, sentence.end_char)
            polarity = "denies" if cue_text.lower() in _DENY_VERBS else "asserts"
            attrs: tuple[tuple[str, Any], ...] = (
                ("cue", {"text": cue_text, "start_char": f.cue[0], "end_char": f.cue[1]}),
                ("source", _hop_dict(source)),
                ("speaker", _hop_dict(f.speaker)),
                ("content", {"start_char": cs, "end_char": ce, "pieces": [list(p) for p in pieces]}),
                ("chain", [{"text": h.text, "kind": h.kind} for h in chain]),
                ("hedges", list(hedges)),  # a list of its own: attrs are not shared between spans
                ("polarity", polarity),
                ("resolved_to", _hop_dict(resolved) if resolved is not None else None),
            )
            layers["attributions"].append(Span(start, end, label, attrs))
            layers["cues"].append(Span(f.cue[0], f.cue[1], "cue", (("polarity", polarity),)))
            for hop in chain:
                role = "speaker" if hop is f.speaker else "via"
                layers["sources"].append(Span(hop.start, hop.end, hop.kind, (("role", role),)))
            layers["contents"].append(Span(cs, ce, label, (("pieces", tuple(pieces)),)))
    return layers


@register(
    "extract.attributions.rules.v3",
    requires=("spans.sentences",),
    assigns=("spans.attributions", "spans.cues", "spans.sources", "spans.contents"),
    description="Attributions (cue, source, content, chain, hedges, polarity) by rules over tokens.",
)
def make_attribution_extractor() -> ComponentFn:
    def run(doc: Document) -> Document:
        doc.spans.update(extract_attributions(doc.text, doc.spans.get("sentences", [])))
        return doc

    return run
