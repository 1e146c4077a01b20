"""Boilerplate trimming for plain-text articles: share lines, footers, credits, mastheads, kept as audited trims."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from storytrace.clean.metadata import find_date_line, masthead_name
from storytrace.errors import PipelineError
from storytrace.model import Trim

__all__ = [
    "BoilerplateRule",
    "TrimResult",
    "load_boilerplate_rules",
    "normalize_lines",
    "trim_boilerplate",
]

_SCOPES = ("edge", "anywhere", "end")
# The head ends at the first real paragraph, and in any case after this many lines: a title, a kicker, a
# dek, a byline, a date and some page furniture fit in it; more than that is body.
_HEAD_MAX_LINES = 12
_PARAGRAPH_MIN_WORDS = 12
# An end marker ("Source link", "© 2024 …") cuts everything below it only when that is short: a marker in
# the middle of a long text is more likely a quoted phrase or a mis-ordered copy than the page footer.
_END_TAIL_MAX_WORDS = 250
_NAV_MAX_WORDS = 8
_MENU_MIN_ITEMS = 4
_SENTENCE_END = tuple('.!?…"”’)»')
_FOOTNOTE = re.compile(r"(?:\[\d{1,3}\]|\(\d{1,3}\)|\d{1,3}[.)]\s|\^\d{1,3})")
_LINE_BREAKS = re.compile(r"\r\n?")


@dataclass(frozen=True, slots=True)
class BoilerplateRule:
    """A named whole-line pattern and where in the text it may remove a line (see boilerplate.txt)."""

    name: str
    scope: str
    pattern: re.Pattern[str]


@dataclass(slots=True)
class TrimResult:
    """The kept text, what was removed (in text order), and what the removed lines said about the article.

    ``source_line``: the outlet a "Source: X" line names; ``masthead``: the outlet a masthead line at the top
    names, in title case; ``origin_url``: the URL of an "Originally published at https://…" line;
    ``credited_origin``: the outlet a syndication credit names ("first published by the Tesra Courier").
    """

    text: str
    trims: list[Trim] = field(default_factory=list)
    source_line: str | None = None
    masthead: str | None = None
    origin_url: str | None = None
    credited_origin: str | None = None


def load_boilerplate_rules(path: Path | None = None) -> tuple[BoilerplateRule, ...]:
    """Read ``name<TAB>scope<TAB>regex`` rules from ``path``, or the built-in ``clean/boilerplate.txt``."""
    if path is None:
        return _builtin_rules()
    return _parse_rules(path.read_text(encoding="utf-8"), str(path))


@cache
def _builtin_rules() -> tuple[BoilerplateRule, ...]:
    source = resources.files("storytrace.clean").joinpath("boilerplate.txt")
    return _parse_rules(source.read_text(encoding="utf-8"), "storytrace/clean/boilerplate.txt")


def _parse_rules(data: str, origin: str) -> tuple[BoilerplateRule, ...]:
    rules = []
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = raw.split("\t")
        if len(parts) != 3 or parts[1] not in _SCOPES:
            raise PipelineError(
                f"{origin}:{number}: a rule is 'name<TAB>scope<TAB>regex' with scope one of "
                f"{', '.join(_SCOPES)}, got {raw!r}",
                hint="fix the line in the rules file",
            )
        try:
            pattern = re.compile(parts[2], re.IGNORECASE)
        except re.error as exc:
            raise PipelineError(
                f"{origin}:{number}: bad regex in rule {parts[0]!r}: {exc}",
                hint="fix the line in the rules file",
            ) from None
        rules.append(BoilerplateRule(parts[0], parts[1], pattern))
    return tuple(rules)


def normalize_lines(text: str) -> list[str]:
    """Lines with line endings unified and outer whitespace stripped; blank lines kept as ``""``."""
    return [line.strip() for line in _LINE_BREAKS.sub("\n", text).splitlines()]


def trim_boilerplate(
    text: str, *, rules: Sequence[BoilerplateRule] | None = None, footer: str | None = None
) -> TrimResult:
    """Remove boilerplate lines from the head and tail of a plain text, and strong patterns anywhere.

    ``footer`` is what the source format itself set apart below the text (what follows the last
    horizontal rule of a Markdown document): removed whole when it is short, as an end marker's tail is,
    and otherwise kept as more text.

    Nothing is lost silently: every non-blank input line is either in the kept text or in one ``Trim``.
    The kept text has "\\n" line endings, no outer whitespace on any line, at most one blank line in a row.
    """
    rules = _builtin_rules() if rules is None else tuple(rules)
    lines = normalize_lines(text)
    footer_from = len(lines)
    if footer is not None:
        lines += ["", *normalize_lines(footer)]
    order = [i for i, line in enumerate(lines) if line]
    matched = {i: _match(lines[i], rules) for i in order}
    removed: dict[int, tuple[str, str]] = {}  # line index -> (position, rule)

    end = _find_end_marker(lines, order, matched)
    below_rule = _footer_marker(lines, order, footer_from)
    if below_rule is not None and (end is None or below_rule.position < end.position):
        end = below_rule
    order_above = order
    end_source: str | None = None  # a "Source: X" line in the footer below an end marker names the outlet too
    if end is not None:
        order_above = order[: end.position]
        for i in order[end.position :]:
            hit = matched[i]
            removed[i] = ("tail", hit[0].name if hit else f"after-{end.rule}")
            end_source = end_source or (_outlet(hit[1]) if hit else None)

    tail_start, tail_source = _trim_tail(lines, order_above, matched, removed, bool(removed))
    head = _trim_head(lines, order_above[:tail_start], matched, removed, Counter(lines[i] for i in order))
    source_line = tail_source or end_source or head.source

    # In the body only strong patterns remove a line; an end marker that was not followed by a short
    # tail stays, because there it is more likely a phrase of the article than the page footer.
    for i in order_above[:tail_start]:
        hit = matched[i]
        if i not in removed and hit is not None and hit[0].scope == "anywhere":
            removed[i] = ("inline", hit[0].name)

    trims = [Trim(position=removed[i][0], text=lines[i], rule=removed[i][1]) for i in order if i in removed]
    kept = [line if i not in removed else None for i, line in enumerate(lines)]
    gone = [matched[i] for i in order if i in removed]
    return TrimResult(
        text=_join_kept(kept),
        trims=trims,
        source_line=source_line,
        masthead=head.masthead,
        origin_url=next((u for hit in gone if hit and (u := _group(hit[1], "url"))), None),
        credited_origin=next((o for hit in gone if hit and (o := _group(hit[1], "origin"))), None),
    )


def _match(line: str, rules: Sequence[BoilerplateRule]) -> tuple[BoilerplateRule, re.Match[str]] | None:
    for rule in rules:
        found = rule.pattern.fullmatch(line)
        if found is not None:
            return rule, found
    return None


@dataclass(frozen=True, slots=True)
class _EndMarker:
    position: int  # index into the order of non-blank lines
    rule: str


def _footer_marker(lines: list[str], order: list[int], footer_from: int) -> _EndMarker | None:
    """The start of a footer the source format set apart, when it is short enough to be page furniture."""
    words = [len(lines[i].split()) for i in order]
    for k, i in enumerate(order):
        if i >= footer_from:
            before, after = sum(words[:k]), sum(words[k:])
            if after <= _END_TAIL_MAX_WORDS and after <= before:
                return _EndMarker(k, "markdown-rule")
            return None
    return None


def _find_end_marker(
    lines: list[str],
    order: list[int],
    matched: dict[int, tuple[BoilerplateRule, re.Match[str]] | None],
) -> _EndMarker | None:
    """The first end marker with only a short tail below it, or None."""
    words = [len(lines[i].split()) for i in order]
    total = sum(words)
    before = 0
    for k, i in enumerate(order):
        hit = matched[i]
        if hit is not None and hit[0].scope == "end":
            after = total - before - words[k]
            if after <= _END_TAIL_MAX_WORDS and after <= before:
                return _EndMarker(k, hit[0].name)
        before += words[k]
    return None


def _trim_tail(
    lines: list[str],
    order: list[int],
    matched: dict[int, tuple[BoilerplateRule, re.Match[str]] | None],
    removed: dict[int, tuple[str, str]],
    below_removed: bool,
) -> tuple[int, str | None]:
    """Walk up from the bottom; return where the tail starts (index into ``order``) and a source name."""
    source: str | None = None
    k = len(order)
    while k > 0:
        i = order[k - 1]
        line, hit = lines[i], matched[i]
        if hit is not None:
            removed[i] = ("tail", hit[0].name)
            source = source or _outlet(hit[1])
            below_removed = True
            k -= 1
        elif not _has_word(line):
            removed[i] = ("tail", "junk")
            k -= 1
        elif _is_nav_like(line):
            run_start = k - 1
            while run_start > 0 and matched[order[run_start - 1]] is None and _is_nav_like(lines[order[run_start - 1]]):
                run_start -= 1
            # One short line at the very end may be the article's own last line (a sign-off, a name);
            # short lines next to removed boilerplate, or several of them in a row, are page furniture.
            if not below_removed and k - run_start < 2:
                break
            for j in order[run_start:k]:
                removed[j] = ("tail", "nav-run")
            below_removed = True
            k = run_start
        else:
            break
    return k, source


@dataclass(slots=True)
class _Head:
    source: str | None = None
    masthead: str | None = None


def _trim_head(
    lines: list[str],
    order: list[int],
    matched: dict[int, tuple[BoilerplateRule, re.Match[str]] | None],
    removed: dict[int, tuple[str, str]],
    counts: Counter[str],
) -> _Head:
    """Walk down from the top until the first paragraph; remove furniture, keep title, dek and dateline.

    ``counts`` counts each line in the whole text: a short line that comes back (in the footer) is a masthead,
    and so is an ALL-CAPS publication name above everything kept (see ``masthead_name``). A date line (a
    byline with its date, "12.03.2025 | 09:40 | Tesra Courier") is kept even when it looks like a nav bar:
    it dates the article.
    """
    head = _Head()
    source: str | None = None
    kept_any = False
    k = 0
    limit = min(len(order), _HEAD_MAX_LINES)
    while k < limit:
        i = order[k]
        line, hit = lines[i], matched[i]
        if not kept_any and k + 1 < limit and head.masthead is None and (name := _masthead(line, lines, i)):
            removed[i] = ("head", "masthead")
            head.masthead = name
        elif hit is not None and hit[0].scope == "edge" and find_date_line(line) is not None:
            pass  # kept: a date line, not a menu
        elif hit is not None:
            removed[i] = ("head", hit[0].name)
            source = source or _outlet(hit[1])
        elif not _has_word(line):
            removed[i] = ("head", "junk")
        elif _is_nav_like(line) and counts[line] > 1:
            removed[i] = ("head", "masthead-repeat")
        elif _is_menu_item(line):
            run_start, run_end = k, k
            while run_start > 0 and _is_menu_item(lines[order[run_start - 1]]):
                run_start -= 1  # "Home" above was already removed by its rule, but it is part of the menu
            while run_end < limit and _is_menu_item(lines[order[run_end]]):
                run_end += 1
            # A menu laid out one item per line; one to three short lines are a kicker, a section name or
            # a short headline, and stay.
            if run_end - run_start >= _MENU_MIN_ITEMS:
                for j in order[k:run_end]:
                    item_hit = matched[j]
                    removed[j] = ("head", item_hit[0].name if item_hit else "nav-run")
                    source = source or (_outlet(item_hit[1]) if item_hit else None)
                k = run_end
                continue
        elif len(line.split()) >= _PARAGRAPH_MIN_WORDS and line.endswith(_SENTENCE_END):
            break
        kept_any = kept_any or i not in removed
        k += 1
    head.source = source
    return head


def _masthead(line: str, lines: list[str], index: int) -> str | None:
    rest = "\n".join(other for j, other in enumerate(lines) if j != index and other)
    return masthead_name(line, rest)


def _outlet(found: re.Match[str]) -> str | None:
    return _group(found, "outlet")


def _group(found: re.Match[str], name: str) -> str | None:
    """A named group of a rule's match, stripped; None when the rule has no such group or it is empty."""
    if name not in found.re.groupindex:
        return None
    value = (found.group(name) or "").strip()
    return value or None


def _has_word(line: str) -> bool:
    return any(ch.isalnum() for ch in line)


def _is_nav_like(line: str) -> bool:
    """A short label with no sentence ending, no digits and no footnote mark: a menu item, a masthead."""
    words = line.split()
    return (
        0 < len(words) <= _NAV_MAX_WORDS
        and not line.endswith(_SENTENCE_END)
        and not any(ch.isdigit() for ch in line)
        and _FOOTNOTE.match(line) is None
    )


def _is_menu_item(line: str) -> bool:
    return _is_nav_like(line) and len(line.split()) <= 3


def _join_kept(kept: list[str | None]) -> str:
    """Join kept lines; a removed line vanishes with its line, and blank runs collapse to one blank line."""
    out: list[str] = []
    for line in kept:
        if line is None:
            continue
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)
