"""Local readers: files, folders (recursively), JSON/JSONL records and stdin, with size, binary and encoding checks."""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import charset_normalizer

from storytrace.errors import (
    BinaryInput,
    InputError,
    InputNotFound,
    InputTooLarge,
    MalformedRecord,
    UnknownEncoding,
    UnreadableInput,
    UnsupportedInput,
)
from storytrace.model import DateVia, RawItem

__all__ = [
    "KIND_BY_SUFFIX",
    "ReadOptions",
    "decode_bytes",
    "iter_folder",
    "iter_records",
    "read_path",
    "read_stdin",
    "record_to_item",
    "sniff_text_kind",
]

KIND_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "records",
    ".jsonl": "records",
    ".ndjson": "records",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}


@dataclass(slots=True)
class ReadOptions:
    max_bytes: int = 20 * 1024 * 1024  # one article; JSONL files are read record by record, each under this
    encoding: str | None = None  # force an encoding instead of detecting it


# Magic numbers of the binary formats people most often drop into a folder of articles.
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"RIFF", "a media file"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3", "an SQLite database"),
)
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CONTROL = bytes(range(9)) + bytes(range(14, 32))


def check_not_binary(data: bytes, locator: str) -> None:
    head = data[:4096]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise BinaryInput(f"this is {what}, not text", locator=locator)
    if b"\x00" in head:
        raise BinaryInput("binary data (NUL bytes), not text", locator=locator)
    if head and sum(head.count(c) for c in _CONTROL) / len(head) > 0.05:
        raise BinaryInput("mostly control bytes, not text", locator=locator)


def decode_bytes(data: bytes, locator: str, declared: str | None = None) -> str:
    """Bytes to text: a BOM, then a declared charset, then UTF-8, then detection; never a silent mojibake."""
    check_not_binary(data, locator)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec)
    candidates: list[str] = []
    if declared:
        candidates.append(declared)
    meta = _META_CHARSET.search(data[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    candidates.append("utf-8")
    for codec in candidates:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    # Among the detector's least chaotic readings prefer windows-1252, the usual legacy encoding of
    # Western news pages (the detector alone reads French cp1252 text as cp1250 or cp775).
    matches = sorted(
        charset_normalizer.from_bytes(data[:200_000]),
        key=lambda m: (round(m.chaos, 2), m.encoding != "cp1252", -m.coherence),
    )
    for match in matches:
        try:
            return data.decode(match.encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise UnknownEncoding("the bytes are not UTF-8 and match no known text encoding", locator=locator)


def sniff_text_kind(text: str) -> str:
    """Guess what a suffix-less input is: records (JSON), feed, html or plain text."""
    head = text.lstrip()[:2048].lower()
    if head.startswith(("{", "[")):
        return "records"
    if "<rss" in head or "<feed" in head or "<rdf:rdf" in head:
        return "feed"
    if head.startswith(("<!doctype html", "<html", "<head", "<body", "<article", "<div", "<p>")):
        return "html"
    return "text"


def _read_bytes(path: Path, locator: str, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputTooLarge(f"{size:,} bytes is over the {max_bytes:,}-byte limit", locator=locator)
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except InputError:
        raise
    except PermissionError as exc:
        raise UnreadableInput("permission denied", locator=locator) from exc
    except IsADirectoryError as exc:
        raise UnreadableInput("is a folder", locator=locator) from exc
    except OSError as exc:
        raise UnreadableInput(f"cannot read it: {exc.strerror or exc}", locator=locator) from exc


def read_path(path: Path, options: ReadOptions) -> Iterator[RawItem | InputError]:
    """Items from one file path; a folder is walked. Errors are yielded, not raised, so a batch goes on."""
    locator = str(path)
    if not path.exists():
        yield InputNotFound("no such file or folder", locator=locator)
        return
    if path.is_dir():
        yield from iter_folder(path, options)
        return
    kind = KIND_BY_SUFFIX.get(path.suffix.lower())
    if kind == "records":
        yield from _read_records_file(path, options)
        return
    try:
        data = _read_bytes(path, locator, options.max_bytes)
        text = decode_bytes(data, locator, options.encoding)
    except InputError as exc:
        yield exc
        return
    if kind is None:
        # A file named on the command line with an unknown suffix is read when its bytes are text
        # (binary formats were refused above); inside a folder such files are skipped with a note.
        kind = sniff_text_kind(text)
    if kind == "records":
        yield from iter_records(io.StringIO(text), locator, options)
        return
    if kind == "feed":
        yield RawItem(locator=locator, content=data, kind="feed")
        return
    yield RawItem(locator=locator, content=text, kind=kind)


def iter_folder(folder: Path, options: ReadOptions) -> Iterator[RawItem | InputError]:
    """Every readable file under a folder, in a stable order; hidden files and folders are skipped."""
    for path in walk_folder(folder):
        if path.suffix.lower() in KIND_BY_SUFFIX or not path.suffix:
            yield from read_path(path, options)
        else:
            yield UnsupportedInput(f"{path.suffix} files are not read", locator=str(path))


def walk_folder(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(folder, onerror=None, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(root) / name for name in sorted(files) if not name.startswith("."))
    return found


def _read_records_file(path: Path, options: ReadOptions) -> Iterator[RawItem | InputError]:
    locator = str(path)
    try:
        handle = path.open("rb")
    except PermissionError:
        yield UnreadableInput("permission denied", locator=locator)
        return
    except OSError as exc:
        yield UnreadableInput(f"cannot read it: {exc.strerror or exc}", locator=locator)
        return
    with handle:
        head = handle.read(4096)
        try:
            check_not_binary(head, locator)
        except InputError as exc:
            yield exc
            return
        handle.seek(0)
        stream = io.TextIOWrapper(handle, encoding=options.encoding or "utf-8-sig", errors="strict")
        try:
            yield from iter_records(stream, locator, options)
        except UnicodeDecodeError:
            yield UnknownEncoding("JSON must be UTF-8", locator=locator)


def read_stdin(stream: IO[bytes], options: ReadOptions) -> Iterator[RawItem | InputError]:
    """Standard input: JSONL records, a feed, an HTML page or plain text, told apart by their first bytes."""
    locator = "-"
    data = stream.read(options.max_bytes + 1)
    if len(data) > options.max_bytes:
        first = data.lstrip()[:1]
        if first not in (b"{", b"["):
            yield InputTooLarge(f"standard input is over the {options.max_bytes:,}-byte limit", locator=locator)
            return
        # JSONL on stdin may be long: read the rest, each record is checked on its own.
        data += stream.read()
    try:
        text = decode_bytes(data, locator, options.encoding)
    except InputError as exc:
        yield exc
        return
    kind = sniff_text_kind(text)
    if kind == "records":
        yield from iter_records(io.StringIO(text), "stdin", options)
    elif kind == "feed":
        yield RawItem(locator=locator, content=data, kind="feed")
    else:
        yield RawItem(locator=locator, content=text, kind=kind)


def iter_records(stream: IO[str], locator: str, options: ReadOptions) -> Iterator[RawItem | InputError]:
    """JSON Lines (one object per line), or one JSON document holding an object or a list of objects."""
    first = ""
    for line in stream:
        if line.strip():
            first = line
            break
    if not first:
        yield MalformedRecord("no records in it", locator=locator)
        return
    stripped = first.lstrip()
    # A JSON document (a list, or an object spread over lines) rather than JSON Lines.
    if stripped.startswith("[") or (stripped.startswith("{") and not _is_json_object(first)):
        rest = first + stream.read()
        if len(rest) > 50 * options.max_bytes:
            yield InputTooLarge("JSON document too large; use JSON Lines for big collections", locator=locator)
            return
        try:
            value = json.loads(rest)
        except json.JSONDecodeError as exc:
            yield MalformedRecord(f"invalid JSON at line {exc.lineno}: {exc.msg}", locator=locator)
            return
        records = value if isinstance(value, list) else value.get("documents", [value])
        for index, record in enumerate(records, start=1):
            yield _record_or_error(record, f"{locator}:{index}", options)
        return
    lineno = 1
    yield _line_to_item(first, f"{locator}:{lineno}", options)
    for line in stream:
        lineno += 1
        if line.strip():
            yield _line_to_item(line, f"{locator}:{lineno}", options)


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False


def _line_to_item(line: str, locator: str, options: ReadOptions) -> RawItem | InputError:
    if len(line) > options.max_bytes:
        return InputTooLarge(f"record of {len(line):,} characters is over the limit", locator=locator)
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return MalformedRecord(f"invalid JSON: {exc.msg} at column {exc.colno}", locator=locator)
    return _record_or_error(record, locator, options)


# Field names other tools use for the same thing; the documented names come first.
_ALIASES = {
    "text": ("text", "body", "content"),
    "html": ("html", "raw_html"),
    "id": ("id", "doc_id", "guid"),
    "url": ("url", "link"),
    "outlet": ("outlet", "source", "site_name", "publisher"),
    "title": ("title", "headline"),
    "published": ("published", "date", "published_at", "pubdate"),
    "lang": ("lang", "language"),
}


def _field(record: dict[str, Any], name: str) -> str | None:
    for key in _ALIASES[name]:
        value = record.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, dict) and name == "outlet":
            value = value.get("name")
        return str(value) if value is not None else None
    return None


def _record_or_error(record: object, locator: str, options: ReadOptions) -> RawItem | InputError:
    try:
        return record_to_item(record, locator)
    except InputError as exc:
        return exc


def record_to_item(record: object, locator: str) -> RawItem:
    """One JSON record to a RawItem; the record's own id, url, outlet, title, date and language are kept."""
    if not isinstance(record, dict):
        raise MalformedRecord(f"expected a JSON object, got {type(record).__name__}", locator=locator)
    html = _field(record, "html")
    text = _field(record, "text")
    if html is None and text is None:
        keys = ", ".join(sorted(record)[:8]) or "none"
        raise MalformedRecord(f'no "text" or "html" field (fields: {keys})', locator=locator)
    published = _field(record, "published")
    return RawItem(
        locator=locator,
        content=html if html is not None else str(text),
        kind="html" if html is not None else "text",
        url=_field(record, "url"),
        original_id=_field(record, "id"),
        outlet=_field(record, "outlet"),
        title=_field(record, "title"),
        published=published,
        published_via=DateVia.USER if published else None,
        lang=_field(record, "lang"),
        meta={"via": "user"},
    )
