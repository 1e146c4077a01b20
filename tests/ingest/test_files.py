"""Tests for the local readers: files, folders, JSON/JSONL records, stdin, and every bad-input error."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
from storytrace.ingest.files import ReadOptions, decode_bytes, read_path, read_stdin, sniff_text_kind
from storytrace.model import DateVia, RawItem

OPTS = ReadOptions()


def _items(path: Path, options: ReadOptions = OPTS) -> list[RawItem | InputError]:
    return list(read_path(path, options))


def test_read_path_folder_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.txt").write_text("Report A.")
    (tmp_path / "b" / "c.html").write_text("<html><body><p>Report C.</p></body></html>")
    (tmp_path / "b" / "d.md").write_text("# Brief\n\nReport D.")
    (tmp_path / ".hidden.txt").write_text("secret")
    (tmp_path / ".git" / "x.txt").write_text("object")
    items = _items(tmp_path)
    assert [(Path(i.locator).name, i.kind) for i in items if isinstance(i, RawItem)] == [
        ("a.txt", "text"),
        ("c.html", "html"),
        ("d.md", "markdown"),
    ]


def test_read_path_folder_notes_unsupported_files(tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n")
    [item] = _items(tmp_path)
    assert isinstance(item, UnsupportedInput)
    assert item.line() == (
        f"{tmp_path / 'photo.png'}: .png files are not read (give a .txt, .html, .htm, .md, .json, .jsonl, "
        ".xml/.rss/.atom file, a folder, an http(s) URL or -) [ST110]"
    )


def test_read_path_missing(tmp_path: Path) -> None:
    [item] = _items(tmp_path / "nope.txt")
    assert isinstance(item, InputNotFound)
    assert "no such file or folder" in item.line() and "nope.txt" in item.line()


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n...", "this is a PDF document, not text"),
        (b"PK\x03\x04rest", "this is a ZIP archive (or an Office document), not text"),
        (b"text\x00with\x00nuls" * 10, "binary data (NUL bytes), not text"),
    ],
)
def test_read_path_refuses_binary(tmp_path: Path, data: bytes, what: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    [item] = _items(path)
    assert isinstance(item, BinaryInput)
    assert item.message == what
    assert "convert the file to text first" in item.line()


def test_read_path_refuses_huge_file(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000)
    [item] = _items(path, ReadOptions(max_bytes=100))
    assert isinstance(item, InputTooLarge)
    assert item.message == "5,000 bytes is over the 100-byte limit"
    assert "--max-bytes" in item.hint


def test_decode_bytes_legacy_encodings() -> None:
    text = "Café au lait, naïve résumé des armées à Harbal, l’office a dit « non »."
    assert decode_bytes(text.encode("cp1252") * 3, "x") == text * 3
    assert decode_bytes("\ufeff".encode() + text.encode("utf-8"), "x") == text
    assert decode_bytes(text.encode("utf-16"), "x") == text
    assert decode_bytes(b'<meta charset="iso-8859-1"><p>caf\xe9</p>', "x") == '<meta charset="iso-8859-1"><p>café</p>'


def test_decode_bytes_unknown_encoding() -> None:
    rng = random.Random(1)
    noise = bytes(rng.randrange(0x80, 0x100) for _ in range(2000))
    with pytest.raises(UnknownEncoding) as info:
        decode_bytes(noise, "noise.txt")
    assert info.value.line() == (
        "noise.txt: the bytes are not UTF-8 and match no known text encoding "
        "(re-save the file as UTF-8, or pass --encoding) [ST105]"
    )


@given(st.text(min_size=1, max_size=300))
def test_decode_bytes_roundtrips_utf8(text: str) -> None:
    data = text.encode("utf-8")
    try:
        assert decode_bytes(data, "x") == text
    except BinaryInput:
        assert b"\x00" in data or any(c < 32 and c not in (9, 10, 11, 12, 13) for c in data)


def test_jsonl_records_keep_their_fields_and_bad_lines_do_not_stop_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"id": "MW-1", "url": "https://mw.example/1", "outlet": "Meridian Wire", "title": "T1",'
        ' "published": "2025-03-14", "lang": "en", "text": "Body one."}\n'
        "{not json}\n"
        '{"id": "MW-2", "body": "Body two.", "source": {"name": "Harbal Daily"}}\n'
        "\n"
        '{"id": "MW-3", "title": "no text"}\n'
        '{"html": "<p>Body four.</p>"}\n'
    )
    items = _items(path)
    first, bad, second, missing, html = items
    assert isinstance(first, RawItem)
    assert (first.locator, first.original_id, first.url, first.outlet, first.title) == (
        f"{path}:1",
        "MW-1",
        "https://mw.example/1",
        "Meridian Wire",
        "T1",
    )
    assert (first.published, first.published_via, first.lang, first.content) == (
        "2025-03-14",
        DateVia.USER,
        "en",
        "Body one.",
    )
    assert isinstance(bad, MalformedRecord) and bad.locator == f"{path}:2"
    assert "invalid JSON" in bad.message
    assert isinstance(second, RawItem) and (second.outlet, second.content) == ("Harbal Daily", "Body two.")
    assert isinstance(missing, MalformedRecord)
    assert missing.line() == (
        f'{path}:5: no "text" or "html" field (fields: id, title) '
        '(each line must be one JSON object with a "text" or "html" field) [ST108]'
    )
    assert isinstance(html, RawItem) and html.kind == "html"


def test_json_array_file(tmp_path: Path) -> None:
    path = tmp_path / "docs.json"
    path.write_text('[\n {"text": "One."},\n {"text": "Two."}\n]\n')
    assert [i.content for i in _items(path) if isinstance(i, RawItem)] == ["One.", "Two."]


def test_read_stdin_sniffs_kind() -> None:
    jsonl = b'{"text": "From a pipe."}\n{"text": "Another."}\n'
    items = list(read_stdin(io.BytesIO(jsonl), OPTS))
    assert [i.locator for i in items] == ["stdin:1", "stdin:2"]
    [html] = list(read_stdin(io.BytesIO(b"<!DOCTYPE html><html><p>x</p></html>"), OPTS))
    assert isinstance(html, RawItem) and html.kind == "html"
    [text] = list(read_stdin(io.BytesIO(b"Plain words on stdin."), OPTS))
    assert isinstance(text, RawItem) and (text.kind, text.locator) == ("text", "-")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('  {"a": 1}', "records"),
        ("<?xml version='1.0'?><rss>", "feed"),
        ("<html>", "html"),
        ("Hello", "text"),
    ],
)
def test_sniff_text_kind(text: str, kind: str) -> None:
    assert sniff_text_kind(text) == kind


def test_read_path_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("A report.")

    def deny(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    # Tests run as root in CI, where chmod cannot make a file unreadable; the OS error is simulated instead.
    monkeypatch.setattr(Path, "open", deny)
    [item] = _items(path)
    assert isinstance(item, UnreadableInput)
    assert item.line() == (
        f"{path}: permission denied (check the file's permissions and that it is a regular file) [ST102]"
    )
