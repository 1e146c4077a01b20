"""Markdown articles to readable plain text (no markup for spans to point into), plus their front matter."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["MarkdownText", "markdown_to_text"]

_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\n(?P<body>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_FIELD = re.compile(r"(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*)")
_FENCE = re.compile(r"(?:```|~~~)")
_ATX_HEADING = re.compile(r"#{1,6}(?:\s+|$)(?P<text>.*?)(?:\s+#+)?\s*$")
_SETEXT_UNDERLINE = re.compile(r"(?:=+|-+)\s*$")
_RULE = re.compile(r"(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_BLOCKQUOTE = re.compile(r"(?:>\s?)+")
_BULLET = re.compile(r"[*+-]\s+")
_LINK_DEFINITION = re.compile(r"\[(?!\^)[^\]]+\]:\s*\S+.*$")
# Footnotes are the report's references: "[^2]: Harbal Herald, 17 March 2025." is kept as "[2] Harbal Herald, …"
# and the mark "[^2]" in the text as "[2]", the way plain-text reports write them.
_FOOTNOTE_DEFINITION = re.compile(r"\[\^(?P<label>[^\]\s]+)\]:\s*")
_FOOTNOTE_MARK = re.compile(r"\[\^(?P<label>[^\]\s]+)\]")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]")
_INLINE_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
_REFERENCE_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<(?P<url>(?:https?|mailto):[^>\s]+)>")
_CODE_SPAN = re.compile(r"`+(?P<text>[^`]+?)`+")
# Emphasis marks only where they open and close around text: "snake_case" and "5 * 3" are left alone.
_STRONG = re.compile(r"(?<![\w*_\\])(\*\*|__)(?=\S)(?P<text>.+?)(?<=\S)\1(?![\w*_])")
_EMPHASIS = re.compile(r"(?<![\w*_\\])([*_])(?=\S)(?P<text>.+?)(?<=\S)\1(?![\w*_])")
_STRIKE = re.compile(r"~~(?=\S)(?P<text>.+?)(?<=\S)~~")
_ESCAPE = re.compile(r"\\(?P<char>[\\`*_{}\[\]()#+\-.!|>~])")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


@dataclass(slots=True)
class MarkdownText:
    """Plain text made from Markdown, and the ``key: value`` pairs of its YAML front matter, if any.

    ``footer_offset`` is where, in ``text``, the part below the document's last horizontal rule starts
    (None without a rule, or with nothing but blank lines below it): publishers put the about-us line,
    the paywall notice and the copyright there.
    """

    text: str
    front_matter: dict[str, str] = field(default_factory=dict)
    footer_offset: int | None = None

    @property
    def footer(self) -> str:
        return self.text[self.footer_offset :] if self.footer_offset is not None else ""

    @property
    def above_footer(self) -> str:
        return self.text[: self.footer_offset] if self.footer_offset is not None else self.text


def markdown_to_text(markdown: str) -> MarkdownText:
    """Strip Markdown syntax and keep the words: headings as their own lines, links as their text.

    Images are dropped (their alt text is rarely the article's), link targets and reference definitions
    too; code blocks keep their content without the fences. Lines stay lines, so paragraph breaks survive.
    """
    source = markdown.replace("\r\n", "\n").replace("\r", "\n")
    front: dict[str, str] = {}
    found = _FRONT_MATTER.match(source)
    if found is not None:
        front = _parse_front_matter(found.group("body"))
        source = source[found.end() :]

    out: list[str] = []
    in_fence = False
    last_rule: int | None = None  # index in ``out`` of the line that stands for the last rule
    for raw in source.split("\n"):
        stripped = raw.strip()
        if _FENCE.match(stripped):
            in_fence = not in_fence
            continue
        if in_fence:
            out.append(raw.rstrip())
            continue
        if _SETEXT_UNDERLINE.fullmatch(stripped) and out and out[-1].strip():
            continue  # the underline of a "Title\n=====" heading: the title line above is kept
        if _RULE.fullmatch(stripped):
            last_rule = len(out)
            out.append("")
            continue
        if _LINK_DEFINITION.fullmatch(stripped):
            continue
        out.append(_convert_line(stripped))
    footer_offset: int | None = None
    if last_rule is not None and any(line.strip() for line in out[last_rule + 1 :]):
        footer_offset = sum(len(line) + 1 for line in out[: last_rule + 1])
    return MarkdownText(text="\n".join(out), front_matter=front, footer_offset=footer_offset)


def _convert_line(line: str) -> str:
    if quote := _BLOCKQUOTE.match(line):
        line = line[quote.end() :]
    if heading := _ATX_HEADING.fullmatch(line):
        line = heading.group("text")
    elif bullet := _BULLET.match(line):
        line = "- " + line[bullet.end() :]  # one bullet style, as the HTML path writes lists
    elif footnote := _FOOTNOTE_DEFINITION.match(line):
        line = f"[{footnote.group('label')}] " + line[footnote.end() :]
    # Footnote marks are set aside while the link patterns run ("[^1][^2]" is not a reference link).
    line = _FOOTNOTE_MARK.sub(lambda m: f"\ue000{m.group('label')}\ue001", line)
    line = _HTML_BREAK.sub(" ", line)
    line = _IMAGE.sub("", line)
    line = _INLINE_LINK.sub(lambda m: m.group("text"), line)
    line = _REFERENCE_LINK.sub(lambda m: m.group("text"), line)
    line = _AUTOLINK.sub(lambda m: m.group("url"), line)
    line = _CODE_SPAN.sub(lambda m: m.group("text"), line)
    line = _STRONG.sub(lambda m: m.group("text"), line)
    line = _EMPHASIS.sub(lambda m: m.group("text"), line)
    line = _STRIKE.sub(lambda m: m.group("text"), line)
    line = _ESCAPE.sub(lambda m: m.group("char"), line)
    line = line.replace("\ue000", "[").replace("\ue001", "]")
    return line.strip()


def _parse_front_matter(body: str) -> dict[str, str]:
    """Flat ``key: value`` lines only; nested YAML is skipped rather than half-read (no YAML dependency)."""
    fields: dict[str, str] = {}
    for line in body.split("\n"):
        if line[:1].isspace():
            continue
        found = _FRONT_FIELD.fullmatch(line.strip())
        if found is None:
            continue
        value = found.group("value").strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if value:
            fields[found.group("key").lower()] = value
    return fields
