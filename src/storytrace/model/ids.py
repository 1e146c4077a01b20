"""Deterministic, type-prefixed IDs: a hash of stable content, so re-runs are idempotent upserts."""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["make_id", "normalize_for_hash"]

_PREFIX = re.compile(r"^[a-z]{2,4}$")
_SPACE = re.compile(r"\s+")


def normalize_for_hash(text: str) -> str:
    """Canonical form for content hashing: NFC, one space between words, no outer space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def make_id(prefix: str, *parts: object) -> str:
    """``prefix_`` + 20 hex digits of BLAKE2b over the parts, e.g. ``make_id("doc", text)`` -> ``doc_3f…``.

    Parts are joined with a separator that cannot occur in normalised text, so ("ab", "c") != ("a", "bc").
    """
    if not _PREFIX.match(prefix):
        raise ValueError(f"ID prefix must be 2-4 lower-case letters, got {prefix!r}")
    digest = hashlib.blake2b(digest_size=10)
    for part in parts:
        digest.update(str(part).encode("utf-8"))
        digest.update(b"\x1f")
    return f"{prefix}_{digest.hexdigest()}"
