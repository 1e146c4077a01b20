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
_LINK_DEFINITION = re.compile(r"\[[^\]]+\]:\s*\S+.*$")
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
    """Plain text made from Markdown, and the ``key: value`` pairs of its YAML front matter, if any."""

    text: str
    front_matter: dict[str, str] = field(default_factory=dict)


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
            out.append("")
            continue
        if _LINK_DEFINITION.fullmatch(stripped):
            continue
        out.append(_convert_line(stripped))
    return MarkdownText(text="\n".join(out), front_matter=front)


def _convert_line(line: str) -> str:
    if quote := _BLOCKQUOTE.match(line):
        line = line[quote.end() :]
    if heading := _ATX_HEADING.fullmatch(line):
        line = heading.group("text")
    elif bullet := _BULLET.match(line):
        line = "- " + line[bullet.end() :]  # one bullet style, as the HTML path writes lists
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
