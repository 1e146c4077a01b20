"""Property tests for the model: deterministic IDs and spans kept in bounds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storytrace.model import Span, make_id, normalize_for_hash


@given(st.text(), st.text())
def test_make_id_is_deterministic_and_prefixed(a: str, b: str) -> None:
    assert make_id("doc", a, b) == make_id("doc", a, b)
    assert make_id("doc", a, b).startswith("doc_")
    assert len(make_id("doc", a, b)) == 24


@given(st.text(alphabet="ab", min_size=1, max_size=6), st.text(alphabet="ab", min_size=1, max_size=6))
def test_make_id_separates_parts(a: str, b: str) -> None:
    if (a + b)[:-1] and a != (a + b)[:-1]:
        assert make_id("doc", a, b) != make_id("doc", (a + b)[:-1], (a + b)[-1:])


def test_make_id_rejects_a_bad_prefix() -> None:
    with pytest.raises(ValueError, match="2-4 lower-case letters"):
        make_id("Document", "x")


@given(st.text())
def test_normalize_for_hash_is_idempotent(text: str) -> None:
    once = normalize_for_hash(text)
    assert normalize_for_hash(once) == once


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_span_offsets_are_ordered(a: int, b: int) -> None:
    if a <= b:
        assert Span(a, b).end_char - Span(a, b).start_char == b - a
    else:
        with pytest.raises(ValueError, match="bad span offsets"):
            Span(a, b)
