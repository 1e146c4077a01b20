"""Claim records for the resolve tests (clustering, stance): invented sentences, each with a new id."""

from __future__ import annotations

from itertools import count

from storytrace.model.dossier import ClaimRecord, Hop

_ids = count()


def restart_ids(start: int) -> None:
    """Number the next claims from ``start`` (so that two batches built alike get the same ids)."""
    global _ids
    _ids = count(start)


def claim(
    text: str,
    *,
    day: int = 1,
    doc: str | None = None,
    polarity: str = "asserts",
    hedges: tuple[str, ...] = (),
    modality: str = "asserted",
    speaker: Hop | None = None,
    entities: tuple[str, ...] = (),
) -> ClaimRecord:
    n = next(_ids)
    return ClaimRecord(
        id=f"clm_{n}",
        doc_id=doc or f"doc_{n}",
        start_char=0,
        end_char=len(text),
        sentence_start=0,
        sentence_end=len(text),
        text=text,
        voice="attributed" if speaker else "outlet",
        chain=(speaker,) if speaker else (),
        polarity=polarity,
        hedges=hedges,
        modality=modality,
        published_at=f"2031-05-{day:02d}",
        outlet="The Valley Post",
        entities=entities,
    )
