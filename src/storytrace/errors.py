"""The one exception tree of storytrace; every message says what happened, to which input, and what to do.

    StorytraceError
    ├── InputError              a user's input cannot be turned into a document (recorded, batch goes on)
    │   ├── InputNotFound       ST101  path does not exist
    │   ├── UnreadableInput     ST102  permission denied, I/O error, a directory where a file was expected
    │   ├── BinaryInput         ST103  PDF, image, archive or other non-text bytes
    │   ├── InputTooLarge       ST104  over the size limit
    │   ├── UnknownEncoding     ST105  bytes that decode as no known text encoding
    │   ├── EmptyText           ST106  nothing left after cleaning
    │   ├── NoMainText          ST107  an HTML page with no article body
    │   ├── MalformedRecord     ST108  a JSON/JSONL record that is not valid or lacks text
    │   ├── MalformedFeed       ST109  an RSS/Atom feed that cannot be parsed
    │   └── UnsupportedInput    ST110  a file type or URL scheme we do not read
    ├── FetchError              ST2xx  the network path: DNS, refused, timeout, HTTP status, redirects, size
    ├── StoreError              ST3xx  the SQLite store cannot be opened, is newer than this version, is locked
    ├── PipelineError           ST4xx  a component or pipeline is misconfigured
    │   └── PackError           ST410  a domain pack is invalid (storytrace.packs)
    └── NotFound                ST501  an ID or name that is not in the store

Each error carries a stable ``code`` (documented in docs/errors.md), the ``locator`` of the input it concerns
(a path, URL or ``file.jsonl:3``) when there is one, and a ``hint`` that tells the user what to do.
"""

from __future__ import annotations

__all__ = [
    "BinaryInput",
    "EmptyText",
    "FetchError",
    "InputError",
    "InputNotFound",
    "InputTooLarge",
    "MalformedFeed",
    "MalformedRecord",
    "NoMainText",
    "NotFound",
    "PipelineError",
    "StoreError",
    "StorytraceError",
    "UnknownEncoding",
    "UnreadableInput",
    "UnsupportedInput",
]


class StorytraceError(Exception):
    """Base of every error storytrace raises on purpose."""

    code = "ST000"
    default_hint = ""

    def __init__(self, message: str, *, locator: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.locator = locator
        self.hint = hint if hint is not None else self.default_hint
        super().__init__(self.line())

    def line(self) -> str:
        """One readable line: what happened, to which input, what to do."""
        where = f"{self.locator}: " if self.locator else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint} [{self.code}]"


class InputError(StorytraceError):
    code = "ST100"


class InputNotFound(InputError):
    code = "ST101"
    default_hint = "check the path; folders are read recursively"


class UnreadableInput(InputError):
    code = "ST102"
    default_hint = "check the file's permissions and that it is a regular file"


class BinaryInput(InputError):
    code = "ST103"
    default_hint = "storytrace reads text, HTML, Markdown, JSON/JSONL and feeds; convert the file to text first"


class InputTooLarge(InputError):
    code = "ST104"
    default_hint = "raise the limit with --max-bytes if this really is one article"


class UnknownEncoding(InputError):
    code = "ST105"
    default_hint = "re-save the file as UTF-8, or pass --encoding"


class EmptyText(InputError):
    code = "ST106"
    default_hint = "the input holds no article text; check that it is the file you meant"


class NoMainText(InputError):
    code = "ST107"
    default_hint = "the page may need JavaScript or a login; save the article text and ingest that file"


class MalformedRecord(InputError):
    code = "ST108"
    default_hint = 'each line must be one JSON object with a "text" or "html" field'


class MalformedFeed(InputError):
    code = "ST109"
    default_hint = "check that the URL or file is an RSS or Atom feed"


class UnsupportedInput(InputError):
    code = "ST110"
    default_hint = "give a .txt, .html, .htm, .md, .json, .jsonl, .xml/.rss/.atom file, a folder, an http(s) URL or -"


class FetchError(StorytraceError):
    """A network fetch failed; ``status`` is the HTTP status when there was one."""

    code = "ST200"
    default_hint = "check the URL and your connection, then run the same command again"

    def __init__(
        self,
        message: str,
        *,
        locator: str | None = None,
        hint: str | None = None,
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        if code is not None:
            self.code = code
        self.status = status
        super().__init__(message, locator=locator, hint=hint)


class StoreError(StorytraceError):
    code = "ST300"
    default_hint = "check the --db path (or STORYTRACE_DB); the file must be a storytrace SQLite store"


class PipelineError(StorytraceError):
    code = "ST400"
    default_hint = "see `storytrace components` for the registered names and what each requires"


class NotFound(StorytraceError):
    code = "ST501"
    default_hint = "list what the store holds with `storytrace docs`"
