"""Attributions by a CRF tagger stacked on the rules: who (source) says what (content), through which cue.

A drop-in replacement for ``extract.attributions.rules.v3`` (read its docstring): the same four layers
(``attributions``, ``cues``, ``sources``, ``contents``) with the same labels and attrs. How it works:

* each paragraph (a run of ``spans.sentences`` with no blank line between them; contents cross sentences) is
  one sequence of ``extract.sentences.tokenize`` tokens, tagged ``B/I-SOURCE``, ``B/I-CUE``, ``B/I-CONTENT`` or
  ``O`` by a linear-chain CRF (python-crfsuite) trained on PolNeAR (``scripts/train_attributions_crf.py``; model
  card ``storytrace/models/attributions-crf-polnear.md``, research-only data);
* the features are the word, its shape and suffix, a cue lexicon (the rules' reporting verbs plus verbs and
  nouns of belief, intention and evaluation), whether the token is inside a quotation, its distance to the
  nearest cue word and quotation mark of its sentence, its distance to the sentence's start and end, the
  sentence's first word, the paragraph's number, a window of ±2 words, and the **rules' own tags** (stacking:
  the rules run first and the CRF learns when to trust them);
* chunks are read conlleval-style, except that an ``I-CONTENT`` after a gap continues the content before it
  as a second piece ("“A,” he said, “B.”"); every source and content goes to the nearest cue of its
  paragraph (same sentence first), and the nearest source and content are the cue's (the others are treated as
  having no cue);
* the attrs are filled with the rules' helpers (speaker kind, pronoun resolution, hedges, direct/indirect
  label); a cue without a tagged source takes the speaker and chain of a rules attribution that shares its
  cue or content, and a content without a cue takes the whole rules attribution that overlaps it;
* three rules override the tagger, where PolNeAR taught it little and the rules are sure: a rules attribution
  with a "read:" cue ("The post read: “…”", a colon and a quotation) that the tagger left out is kept, and so
  is one in a headline ("Government denies talks with militia": a line of its own without a final stop; the
  tagger, trained on PolNeAR, drops most of them), and a
  clause-initial "according to X," after a colon takes the rules' content after it, not the tagger's before
  the colon (no change on PolNeAR dev).

Known gaps: chains (``via`` hops, "citing") come only from a rules attribution with the same speaker; an
attribution whose source is neither tagged nor found by the rules is dropped (PolNeAR leaves about 7 % of its
attributions without a source: beliefs of the writer, passives); a source or cue in another paragraph than its
content is not linked; "denies" polarity is read from the cue's words only.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from storytrace.extract.attributions import (
    _CHAIN_MARKERS,
    _DENY_VERBS,
    REPORTING_VERBS,
    _antecedent,
    _classify,
    _content_label,
    _hedges,
    _Hop,
    _hop_dict,
    _quote_regions,
    _Quotes,
    _resolve,
    _resolve_social,
    _tokens,
    _trim_content,
    extract_attributions,
)
from storytrace.extract.ner import open_crfsuite
from storytrace.extract.sentences import TOKEN_PATTERN, is_headline
from storytrace.model import Document, Span
from storytrace.pipeline import ComponentFn, register

__all__ = [
    "DEFAULT_MODEL_PATH",
    "MODEL_NAME",
    "ROLES",
    "Paragraph",
    "TagParagraphs",
    "attributions_from_tags",
    "decode",
    "extract_attributions_crf",
    "load_tagger",
    "make_attribution_crf",
    "paragraph_features",
    "paragraphs",
    "rule_spans",
    "rules_tags",
]

MODEL_NAME = "attributions-crf-polnear"
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / f"{MODEL_NAME}.crfsuite"
REBUILD_COMMAND = (
    "python scripts/train_attributions_crf.py --data ../shared/data/polnear "
    f"--out src/storytrace/models/{MODEL_NAME}.crfsuite"
)
ROLES = ("SOURCE", "CUE", "CONTENT")
_QUOTE_CHARS = frozenset("\"“”«»„'‘’")
_OPENERS = frozenset("“«„‘")
_WORDISH = re.compile(r"\w")
# Cue-like words beyond the rules' speech verbs: PolNeAR also annotates beliefs, intentions, evaluations and
# nominal cues. Only a feature (and the anchor of the distance features), never a rule by itself.
_CUE_LIKE = REPORTING_VERBS | frozenset(
    """according want wants wanted wanting believe believes believed think thought hope hoped expect expects
    expected plan plans planned intend intends intended seek seeks sought promise promises call calls blame
    blames blamed criticize criticizes criticism support supports supported oppose opposes opposed back backs
    backed argue argument claim claims statement interview tweet wrote write reports report according view
    views knows know knew feel feels felt fear fears feared worry worries worried consider considers considered
    see sees saw say announcement comments comment remarks remark speech told asserted described describe
    describes insist urge urges demand demands demanded proposed proposes propose wants""".split()
)
_SHAPES = (
    (re.compile(r"[A-ZÀ-Þ]+"), "X"),
    (re.compile(r"[a-zß-ÿ]+"), "x"),
    (re.compile(r"[0-9]+"), "d"),
)


@dataclass(slots=True)
class Paragraph:
    """One tagging sequence: token offsets, the sentence of each token and that sentence's bounds."""

    starts: list[int]
    ends: list[int]
    sentence_of: list[int]  # index into ``sentences``
    sentences: list[tuple[int, int]]
    index: int  # paragraph number in the document


def paragraphs(text: str, sentences: Sequence[Span]) -> list[Paragraph]:
    """The paragraphs of ``text`` as token sequences; a blank line between two sentences starts a new one."""
    out: list[Paragraph] = []
    current: Paragraph | None = None
    previous_end = 0
    for sentence in sentences:
        s, e = sentence.start_char, sentence.end_char
        if current is None or text.find("\n\n", previous_end, s) >= 0:
            current = Paragraph([], [], [], [], len(out))
            out.append(current)
        previous_end = e
        k = len(current.sentences)
        current.sentences.append((s, e))
        spans = [m.span() for m in TOKEN_PATTERN.finditer(text, s, e)]
        current.starts.extend([a for a, _ in spans])
        current.ends.extend([b for _, b in spans])
        current.sentence_of.extend([k] * len(spans))
    return [p for p in out if p.starts]


def _bucket(n: int) -> str:
    return str(n) if n <= 3 else "4-6" if n <= 6 else "7-10" if n <= 10 else "11+"


# Feature strings are built once and looked up: crfsuite's per-attribute cost, not Python, should dominate.
_DISTANCE = tuple(_bucket(i) for i in range(12))
_RV_LEFT = (*("rvL=" + d for d in _DISTANCE), "rvL=none")
_RV_RIGHT = (*("rvR=" + d for d in _DISTANCE), "rvR=none")
_Q_LEFT = (*("qL=" + d for d in _DISTANCE), "qL=none")
_Q_RIGHT = (*("qR=" + d for d in _DISTANCE), "qR=none")
_TAGS = ("O", *(f"{p}-{r}" for r in ("SOURCE", "CUE", "CONTENT") for p in "BI"))
_RULE = {t: ("r=" + t, "r-1=" + t, "r+1=" + t) for t in _TAGS}
_PARA = tuple("para=" + _bucket(i) for i in range(12))
_FROM_START = tuple("fs=" + d for d in _DISTANCE)
_TO_END = tuple("te=" + d for d in _DISTANCE)


@lru_cache(maxsize=100_000)
def _word_features(word: str) -> tuple[str, bool, tuple[str, ...], tuple[str, ...]]:
    """(lower-cased word, is-reporting-verb, the word's own features, its features seen from ±1 and ±2)."""
    lw = word.lower().replace("’", "'")
    shape = word
    for pattern, letter in _SHAPES:
        shape = pattern.sub(letter, shape)
    rv = lw in _CUE_LIKE
    own = ["bias", "w=" + lw, "s3=" + lw[-3:], "sh=" + shape[:6], "rv" if rv else "nrv"]
    if word in _QUOTE_CHARS:
        own.append("q=" + ("open" if word in _OPENERS else "mark"))
    return lw, rv, tuple(own), ("-2:w=" + lw, "-1:w=" + lw, "1:w=" + lw, "2:w=" + lw)


def _distances(flags: list[bool], sent: list[int], reverse: bool) -> list[int]:
    """Tokens to the nearest flagged token of the same sentence on one side (11+ as 11, none as 12)."""
    n = len(flags)
    out = [12] * n
    last = -1
    order = range(n - 1, -1, -1) if reverse else range(n)
    previous_sentence = -1
    for i in order:
        if sent[i] != previous_sentence:
            last, previous_sentence = -1, sent[i]
        if last >= 0:
            out[i] = min(abs(i - last), 11)
        if flags[i]:
            last = i
    return out


RoleSpan = tuple[str, list[tuple[int, int]]]  # role, char pieces


def rule_spans(layers: dict[str, list[Span]]) -> list[RoleSpan]:
    """The rules' speakers, cues and contents as (role, pieces), in the order they are painted (cue last wins)."""
    spans: list[RoleSpan] = []
    for span in layers["contents"]:
        spans.append(("CONTENT", [(int(a), int(b)) for a, b in dict(span.attrs)["pieces"]]))
    for span in layers["sources"]:
        if dict(span.attrs).get("role") == "speaker":
            spans.append(("SOURCE", [(span.start_char, span.end_char)]))
    for span in layers["cues"]:
        spans.append(("CUE", [(span.start_char, span.end_char)]))
    return spans


def rules_tags(paragraph: Paragraph, spans: Sequence[RoleSpan]) -> list[str]:
    """The rules' prediction (``rule_spans``) as a tag per token of ``paragraph`` (``O`` where they found nothing)."""
    tags = ["O"] * len(paragraph.starts)
    if not tags:
        return tags
    lo, hi = paragraph.starts[0], paragraph.ends[-1]
    for role, pieces in spans:
        if pieces[-1][1] > lo and pieces[0][0] < hi:
            _paint(tags, paragraph, role, pieces)
    return tags


def _paint(tags: list[str], paragraph: Paragraph, role: str, pieces: Sequence[tuple[int, int]]) -> None:
    """Tag the tokens of one span: ``B`` on its first token, ``I`` on the rest (later pieces start with ``I``)."""
    first = True
    for start, end in pieces:
        i = max(bisect.bisect_right(paragraph.starts, start) - 1, 0)
        while i < len(tags) and paragraph.starts[i] < end:
            if paragraph.ends[i] > start:
                tags[i] = ("B-" if first else "I-") + role
                first = False
            i += 1


def paragraph_features(text: str, paragraph: Paragraph, quotes: _Quotes, rule_tags: Sequence[str]) -> list[list[str]]:
    """CRF features of each token of ``paragraph`` (see the module docstring)."""
    words = [text[s:e] for s, e in zip(paragraph.starts, paragraph.ends, strict=True)]
    info = [_word_features(w) for w in words]
    n = len(words)
    sent = paragraph.sentence_of
    rv = [x[1] for x in info]
    qm = [w in _QUOTE_CHARS for w in words]
    rv_left, rv_right = _distances(rv, sent, False), _distances(rv, sent, True)
    q_left, q_right = _distances(qm, sent, False), _distances(qm, sent, True)
    starts, max_end = quotes.starts, quotes.max_end
    para = _PARA[min(paragraph.index, 11)]
    rules = [_RULE[t] for t in rule_tags]
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for i, k in enumerate(sent):
        first.setdefault(k, i)
        last[k] = i
    opener = {k: "sw=" + info[i][0] for k, i in first.items()}  # the sentence's first word: "But", "“", "He"
    features: list[list[str]] = []
    for i in range(n):
        lw, _, own, _ = info[i]
        position = paragraph.starts[i]
        k = bisect.bisect_left(starts, position) - 1
        f = [
            *own,
            para,
            "inq" if k >= 0 and position < max_end[k] - 1 else "outq",
            _RV_LEFT[rv_left[i]],
            _RV_RIGHT[rv_right[i]],
            _Q_LEFT[q_left[i]],
            _Q_RIGHT[q_right[i]],
            rules[i][0],
            _FROM_START[min(i - first[sent[i]], 11)],
            _TO_END[min(last[sent[i]] - i, 11)],
            opener[sent[i]],
        ]
        if i:
            f.append(info[i - 1][3][1])
            f.append(rules[i - 1][1])
            f.append("bi=" + info[i - 1][0] + "|" + lw)
            if i > 1:
                f.append(info[i - 2][3][0])
        if i + 1 < n:
            f.append(info[i + 1][3][2])
            f.append(rules[i + 1][2])
            if i + 2 < n:
                f.append(info[i + 2][3][3])
        if i == 0 or sent[i] != sent[i - 1]:
            f.append("sent_start")
            if sent[i] == 0:
                f.append("para_start")
        if i == n - 1 or sent[i] != sent[i + 1]:
            f.append("sent_end")
        features.append(f)
    return features


Chunk = tuple[str, list[tuple[int, int]]]  # role, token ranges (pieces) within the paragraph


def decode(tags: Sequence[str], max_gap: int = 30) -> list[Chunk]:
    """Chunks of a tag sequence; an ``I-CONTENT`` after a gap of at most ``max_gap`` tokens since the last
    content continues that content as another piece, any other ``I-X`` after a different tag opens a chunk."""
    chunks: list[Chunk] = []
    open_role: str | None = None
    start = 0
    last_content: int | None = None  # index into chunks
    for i, tag in enumerate((*tags, "O")):
        prefix, _, role = tag.partition("-")
        if open_role is not None and (prefix != "I" or role != open_role):
            chunks.append((open_role, [(start, i)]))
            if open_role == "CONTENT":
                last_content = len(chunks) - 1
            open_role = None
        if prefix == "B" or (prefix == "I" and open_role is None):
            if prefix == "I" and role == "CONTENT" and last_content is not None:
                previous = chunks[last_content][1]
                if i - previous[-1][1] <= max_gap:
                    # A later piece of the same content: reopen it and add the piece when it closes.
                    chunks.pop(last_content)
                    chunks.append(("CONTENT+", previous))
                    last_content = None
            open_role, start = role, i
    merged: list[Chunk] = []
    pending: list[tuple[int, int]] | None = None
    for role, pieces in chunks:
        if role == "CONTENT+":
            pending = pieces
            continue
        if role == "CONTENT" and pending is not None:
            merged.append(("CONTENT", [*pending, *pieces]))
            pending = None
            continue
        merged.append((role, pieces))
    return sorted(merged, key=lambda c: c[1][0][0])


def load_tagger(path: Path) -> Any:
    """The attribution tagger of the model file ``path``, opened once per process."""
    hint = (
        f"rebuild it with `{REBUILD_COMMAND}`, pass model_path to extract.attributions.crf.v3, "
        "or use extract.attributions.rules.v3"
    )
    return open_crfsuite(path, "attribution", hint, REBUILD_COMMAND)


@dataclass(slots=True)
class _Group:
    cue: tuple[int, int]  # char offsets
    sentence: tuple[int, int]
    sources: list[tuple[int, tuple[int, int]]]  # (token distance, char offsets)
    contents: list[tuple[int, list[tuple[int, int]]]]  # (token distance, char pieces)


_EDGE = ",;:—–-()[]\"“”‘’'*_ \n\t"


def _char_pieces(text: str, paragraph: Paragraph, role: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Token ranges as char ranges, without the punctuation a chunk may start or end with ("Courier,")."""
    out = []
    for a, b in pieces:
        start, end = paragraph.starts[a], paragraph.ends[b - 1]
        if role == "CONTENT":
            start, end = _trim_content(text, start, end)
        else:
            while start < end and text[start] in _EDGE:
                start += 1
            while end > start and text[end - 1] in _EDGE:
                end -= 1
        if start < end:
            out.append((start, end))
    return out


def _group(text: str, paragraph: Paragraph, chunks: list[Chunk]) -> tuple[list[_Group], list[list[tuple[int, int]]]]:
    """Attach each source and content to the nearest cue (same sentence first); contents with no cue apart."""
    cues = [c for c in chunks if c[0] == "CUE" and _char_pieces(text, paragraph, "CUE", c[1])]
    groups = []
    for _, pieces in cues:
        chars = _char_pieces(text, paragraph, "CUE", pieces)
        groups.append(
            _Group((chars[0][0], chars[-1][1]), paragraph.sentences[paragraph.sentence_of[pieces[0][0]]], [], [])
        )
    orphans: list[list[tuple[int, int]]] = []

    def nearest(pieces: list[tuple[int, int]]) -> tuple[int, int] | None:
        """(cue index, token distance) of the cue nearest ``pieces``, a cue of the same sentence first."""
        best: tuple[int, int, int] | None = None
        sentences = {paragraph.sentence_of[x] for a, b in pieces for x in (a, b - 1)}
        for k, (_, cue) in enumerate(cues):
            a, b = cue[0][0], cue[-1][1]
            distance = max(pieces[0][0] - b, a - pieces[-1][1], 0)
            key = (int(paragraph.sentence_of[a] not in sentences), distance, k)
            if best is None or key < best:
                best = key
        return None if best is None else (best[2], best[1])

    for role, pieces in chunks:
        if role == "CUE":
            continue
        found = nearest(pieces)
        chars = _char_pieces(text, paragraph, role, pieces)
        if not chars:
            continue
        if found is None:
            if role == "CONTENT":
                orphans.append(chars)
            continue
        k, distance = found
        if role == "SOURCE":
            start, end = chars[0] if len(chars) == 1 else (chars[0][0], chars[-1][1])
            groups[k].sources.append((distance, (start, _without_time_tail(text, start, end))))
        else:
            groups[k].contents.append((distance, chars))
    return groups, orphans


# A time adjunct the tagger left at the end of a source: "The government on Wednesday", "police late on Sunday".
_TIME_TAIL = re.compile(
    r"[\s,]+(?:(?:late|early)\s+)?(?:on\s+)?(?:(?:last|this)\s+)?"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight)"
    r"(?:\s+(?:night|morning|afternoon|evening))?\s*$",
    re.IGNORECASE,
)


def _clause_initial_according(
    text: str, cue: tuple[int, int], pieces: Sequence[tuple[int, int]], rule: dict[str, Any]
) -> bool:
    """ "…: according to X, Y": the tagger took the clause before the colon, the rules (which read "according to"
    as clause-initial only when nothing but a connective precedes it in its clause) the clause after it."""
    rule_cue = (rule["cue"]["start_char"], rule["cue"]["end_char"])
    return (
        text[cue[0] : cue[1]].lower() == "according to"
        and rule_cue == cue
        and pieces[-1][1] <= cue[0]
        and rule["content"]["start_char"] >= cue[1]
        and text[pieces[-1][1] : cue[0]].strip()[:1] in {":", ";"}
    )


_READ_CUE = re.compile(r"reads?\b.*:$", re.IGNORECASE)


def _without_time_tail(text: str, start: int, end: int) -> int:
    """The end of a source span without a trailing time adjunct (the whole span when nothing else is left)."""
    match = _TIME_TAIL.search(text, start, end)
    return match.start() if match is not None and match.start() > start else end


def _hop(text: str, start: int, end: int) -> _Hop:
    toks = _tokens(text, start, end)
    return _Hop(start, end, text[start:end], _classify(toks, 0, len(toks)) if toks else "anonymous")


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class _Intervals:
    """Intervals sorted by start with the running maximum of their ends: which of them overlap a range, found by
    bisection rather than by a scan of all of them (a document has hundreds of rules attributions)."""

    def __init__(self, intervals: Sequence[tuple[int, int]]) -> None:
        self.order = sorted(range(len(intervals)), key=lambda k: intervals[k][0])
        self.starts = [intervals[k][0] for k in self.order]
        self.ends = [intervals[k][1] for k in self.order]
        self.max_end = list(itertools.accumulate(self.ends, max))

    def overlapping(self, start: int, end: int) -> list[int]:
        """The indices (in the given list, ascending) of the intervals ``(s, e)`` with ``s < end`` and
        ``start < e``: those ``_overlaps`` with ``(start, end)``, and with ``start == end`` those holding it inside."""
        out = []
        k = bisect.bisect_left(self.starts, end) - 1
        while k >= 0 and self.max_end[k] > start:  # no interval before k ends after ``start``: stop
            if self.ends[k] > start:
                out.append(self.order[k])
            k -= 1
        out.sort()
        return out


# What a tagger does for ``attributions_from_tags``: given the text, its paragraphs, the rules' tags of each
# paragraph's tokens and the quotation regions, one B/I-SOURCE|CUE|CONTENT or O tag per token of each paragraph.
TagParagraphs = Callable[[str, Sequence[Paragraph], Sequence[Sequence[str]], _Quotes], list[list[str]]]


def extract_attributions_crf(tagger: Any, text: str, sentences: Sequence[Span]) -> dict[str, list[Span]]:
    """The four layers of the rules (``attributions``, ``cues``, ``sources``, ``contents``) from the CRF."""

    def tag_paragraphs(
        text: str, parts: Sequence[Paragraph], rule_tags: Sequence[Sequence[str]], quotes: _Quotes
    ) -> list[list[str]]:
        out = []
        for paragraph, tags in zip(parts, rule_tags, strict=True):
            tagger.set(paragraph_features(text, paragraph, quotes, tags))
            out.append(list(tagger.tag()))
        return out

    return attributions_from_tags(text, sentences, tag_paragraphs)


def attributions_from_tags(
    text: str,
    sentences: Sequence[Span],
    tag_paragraphs: TagParagraphs,
    *,
    rules_headlines: bool = False,
    rules: dict[str, list[Span]] | None = None,
) -> dict[str, list[Span]]:
    """The four attribution layers from a tagger's paragraph tags (the CRF's, or another tagger's: a drop-in).

    The rules run first: their tags go to the tagger, and their attributions fill the attrs and the overrides.
    With ``rules_headlines``, a headline the rules read an attribution in is theirs even when the tagger found one
    there too (the CRF leaves most headlines out, so for it the override below is enough). ``rules``: the rules'
    layers of ``text`` when the caller has them already (read, not changed).
    """
    if rules is None:
        rules = extract_attributions(text, list(sentences))
    quotes = _quote_regions(text)
    rule_attrs = [dict(span.attrs) for span in rules["attributions"]]
    rule_hops = _rule_hops(rules, rule_attrs)
    layers: dict[str, list[Span]] = {"attributions": [], "cues": [], "sources": [], "contents": []}
    named: list[_Hop] = []
    hedges: dict[tuple[int, int], list[str]] = {}  # per sentence: several cues often share one
    used_rules: set[int] = set()
    found: list[tuple[tuple[int, int], _Hop, list[_Hop], list[tuple[int, int]], tuple[int, int]]] = []
    rule_cues = _Intervals([(a["cue"]["start_char"], a["cue"]["end_char"]) for a in rule_attrs])
    rule_contents = _Intervals([(a["content"]["start_char"], a["content"]["end_char"]) for a in rule_attrs])
    chains = _Intervals(
        [(min(h.start for h in hops), max(h.end for h in hops)) for _, hops in rule_hops if len(hops) > 1]
    )
    parts = paragraphs(text, sentences)
    rule_tags = [
        rules_tags(paragraph, painted)
        for paragraph, painted in zip(parts, _painted_per_paragraph(parts, rule_spans(rules)), strict=True)
    ]
    for paragraph, tags in zip(parts, tag_paragraphs(text, parts, rule_tags, quotes), strict=True):
        groups, orphans = _group(text, paragraph, decode(tags))
        for group in groups:
            if text[group.cue[0] : group.cue[1]].lower() in _CHAIN_MARKERS and chains.overlapping(
                group.cue[0], group.cue[0]
            ):
                continue  # "X, citing Y, said": a hop of the rules' chain, not an attribution of its own
            if rules_headlines and is_headline(text, *group.sentence) and rule_cues.overlapping(*group.sentence):
                continue  # the headline override below takes the rules' attribution
            # The nearest content is the cue's; the others (a missed cue's) go to the rules like orphans.
            pieces = sorted(min(group.contents)[1]) if group.contents else []
            orphans.extend(c for _, c in sorted(group.contents)[1:])
            content_span = (pieces[0][0], pieces[-1][1]) if pieces else group.cue
            # The first rules attribution (in their order) whose cue, or content, overlaps the tagger's.
            candidates = rule_cues.overlapping(*group.cue)
            if pieces:
                candidates += rule_contents.overlapping(*content_span)
            rule = min(candidates, default=None)
            if rule is not None and pieces and _clause_initial_according(text, group.cue, pieces, rule_attrs[rule]):
                pieces = [(int(a), int(b)) for a, b in rule_attrs[rule]["content"]["pieces"]]
            if not pieces:  # a cue the tagger found without its content: the rules' content, if they have one
                if rule is None or not _overlaps(
                    group.cue, (rule_attrs[rule]["cue"]["start_char"], rule_attrs[rule]["cue"]["end_char"])
                ):
                    continue
                pieces = [(int(a), int(b)) for a, b in rule_attrs[rule]["content"]["pieces"]]
            if group.sources:
                _, (ss, se) = min(group.sources)
                speaker = _hop(text, ss, se)
                chain = [speaker]
                if rule is not None and rule_hops[rule][0].start == ss and rule_hops[rule][0].end == se:
                    speaker, chain = rule_hops[rule]
            elif rule is not None:
                speaker, chain = rule_hops[rule]
            else:
                continue
            if rule is not None:
                used_rules.add(rule)
            found.append((group.cue, speaker, chain, pieces, group.sentence))
        for pieces in orphans:
            span = (pieces[0][0], pieces[-1][1])
            rule = next((k for k in rule_contents.overlapping(*span) if k not in used_rules), None)
            if rule is None:
                continue
            used_rules.add(rule)
            a = rule_attrs[rule]
            speaker, chain = rule_hops[rule]
            cue = (a["cue"]["start_char"], a["cue"]["end_char"])
            sentence = next(((s.start_char, s.end_char) for s in sentences if s.start_char <= cue[0] < s.end_char), cue)
            found.append((cue, speaker, chain, [tuple(p) for p in a["content"]["pieces"]], sentence))
    # Two kinds of attribution PolNeAR hardly has, so the tagger leaves them and the rules are sure of them: "The
    # post read: “…”" (a text quoted by its medium: a colon and a quotation), and a headline ("Government denies
    # talks with militia": a paragraph of one sentence without a final stop).
    for k, a in enumerate(rule_attrs):
        cue = (a["cue"]["start_char"], a["cue"]["end_char"])
        content = (a["content"]["start_char"], a["content"]["end_char"])
        if k in used_rules or any(_overlaps(content, f[3][0]) for f in found):
            continue
        sentence = next(((s.start_char, s.end_char) for s in sentences if s.start_char <= cue[0] < s.end_char), cue)
        if not _READ_CUE.match(a["cue"]["text"]) and not is_headline(text, *sentence):
            continue
        speaker, chain = rule_hops[k]
        found.append((cue, speaker, chain, [(int(p), int(q)) for p, q in a["content"]["pieces"]], sentence))
    for cue, speaker, chain, pieces, sentence in sorted(found, key=lambda f: f[0]):
        source = chain[0]
        resolved = _resolve(speaker, named) or _resolve_social(text, speaker) or _antecedent(text, speaker)
        if speaker.kind == "named":
            named.append(speaker)
        cs, ce = pieces[0][0], pieces[-1][1]
        label = _content_label(text, quotes, pieces)
        start = min(cue[0], cs, *(h.start for h in chain))
        end = max(cue[1], ce, *(h.end for h in chain))
        cue_text = text[cue[0] : cue[1]]
        sentence_hedges = hedges.get(sentence)
        if sentence_hedges is None:
            sentence_hedges = hedges[sentence] = _hedges(text, sentence[0], sentence[1])
        polarity = "denies" if any(w.lower() in _DENY_VERBS for w in cue_text.split()) else "asserts"
        attrs: tuple[tuple[str, Any], ...] = (
            ("cue", {"text": cue_text, "start_char": cue[0], "end_char": cue[1]}),
            ("source", _hop_dict(source)),
            ("speaker", _hop_dict(speaker)),
            ("content", {"start_char": cs, "end_char": ce, "pieces": [list(p) for p in pieces]}),
            ("chain", [{"text": h.text, "kind": h.kind} for h in chain]),
            ("hedges", list(sentence_hedges)),
            ("polarity", polarity),
            ("resolved_to", _hop_dict(resolved) if resolved is not None else None),
        )
        layers["attributions"].append(Span(start, end, label, attrs))
        layers["cues"].append(Span(cue[0], cue[1], "cue", (("polarity", polarity),)))
        for hop in chain:
            role = "speaker" if hop is speaker else "via"
            layers["sources"].append(Span(hop.start, hop.end, hop.kind, (("role", role),)))
        layers["contents"].append(Span(cs, ce, label, (("pieces", tuple(pieces)),)))
    return layers


def _painted_per_paragraph(parts: Sequence[Paragraph], painted: list[RoleSpan]) -> list[list[RoleSpan]]:
    """The rules' spans that ``rules_tags`` would paint in each paragraph, in painting order: each span goes to
    the paragraphs it reaches, by bisection (a document's paragraphs are in order and do not overlap)."""
    los = [p.starts[0] for p in parts]
    his = [p.ends[-1] for p in parts]
    if any(a > b for a, b in itertools.pairwise(his)) or any(a > b for a, b in itertools.pairwise(los)):
        return [painted for _ in parts]  # sentences out of order: let rules_tags filter all of them
    out: list[list[RoleSpan]] = [[] for _ in parts]
    for span in painted:
        pieces = span[1]
        # rules_tags paints a span in a paragraph when pieces[-1][1] > lo and pieces[0][0] < hi.
        for k in range(bisect.bisect_right(his, pieces[0][0]), bisect.bisect_left(los, pieces[-1][1])):
            out[k].append(span)
    return out


def _rule_hops(rules: dict[str, list[Span]], rule_attrs: list[dict[str, Any]]) -> list[tuple[_Hop, list[_Hop]]]:
    """(speaker, chain) of each rules attribution, with the offsets of the ``sources`` layer (one span per hop,
    in chain order, attribution after attribution)."""
    out: list[tuple[_Hop, list[_Hop]]] = []
    position = 0
    for a in rule_attrs:
        chain: list[_Hop] = []
        speaker: _Hop | None = None
        for hop, span in zip(a["chain"], rules["sources"][position : position + len(a["chain"])], strict=True):
            chain.append(_Hop(span.start_char, span.end_char, str(hop["text"]), str(hop["kind"])))
            if dict(span.attrs).get("role") == "speaker":
                speaker = chain[-1]
        position += len(a["chain"])
        out.append((speaker or chain[0], chain))
    return out


@register(
    "extract.attributions.crf.v3",
    requires=("spans.sentences",),
    assigns=("spans.attributions", "spans.cues", "spans.sources", "spans.contents"),
    description="Attributions (cue, source, content, chain, hedges, polarity) by a CRF stacked on the rules; "
    "trained on PolNeAR (research-only data).",
)
def make_attribution_crf(model_path: str | None = None) -> ComponentFn:
    """Attributions by the CRF; ``model_path`` overrides the shipped model (loaded when the pipeline is built)."""
    path = Path(model_path).expanduser().resolve() if model_path else DEFAULT_MODEL_PATH
    load_tagger(path)  # fail when the pipeline is built, not on the first document

    def run(doc: Document) -> Document:
        doc.spans.update(extract_attributions_crf(load_tagger(path), doc.text, doc.spans.get("sentences", [])))
        return doc

    return run
