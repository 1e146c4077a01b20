"""Records of the cross-document dossier: claims with their origin, propositions with their status.

These are what `storytrace resolve` derives from the reports' span layers and keeps in the store (tables
``claims``, ``propositions``); they carry the offsets of their evidence, so every statement stays one lookup
from the sentence it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ClaimRecord", "Hop", "PropositionRecord"]


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of an attribution chain, nearest the report first: "Shafaq" (outlet), "a reliable source"."""

    text: str
    kind: str  # named, anonymous, outlet, document, social, pronoun
    entity_id: str | None = None  # the resolved actor, for a named speaker or an outlet we know


@dataclass(slots=True)
class ClaimRecord:
    """One claim of one report, with what the cross-document stages add to it."""

    id: str
    doc_id: str
    start_char: int
    end_char: int
    sentence_start: int
    sentence_end: int
    text: str
    voice: str  # "attributed" or "outlet" (the report's own voice)
    chain: tuple[Hop, ...] = ()
    polarity: str = "asserts"  # asserts, denies, refutes
    hedges: tuple[str, ...] = ()
    modality: str = "asserted"
    published_at: str | None = None
    outlet: str | None = None
    source_id: str | None = None  # the reporting outlet
    copy_root: str | None = None  # the earliest report this one copies (itself when it is an original)
    entities: tuple[str, ...] = ()  # entity ids the claim names
    event_types: tuple[str, ...] = ()
    event_ids: tuple[str, ...] = ()  # the resolved events its reported events belong to
    figures: tuple[dict[str, Any], ...] = ()
    # "headline" for the claim of a report's headline, "lede" for its first claim after it (news state the
    # headline's proposition first), else None: claim clustering reads them together (resolve/claims.py)
    lead: str | None = None
    proposition_id: str | None = None
    stance: str | None = None  # supports, refutes, reports
    stance_score: float | None = None
    stance_reason: str | None = None  # why that stance (the rule, or an analyst's correction)
    # The report's own stance (resolve/stance.py): supports (endorses it or states it), refutes, reports (relays it,
    # as "X, the ministry said" does); ``stance`` is the speaker's position, which origins are counted with.
    report_stance: str | None = None
    origin: str | None = None
    origin_reason: str | None = None

    @property
    def speaker(self) -> Hop | None:
        """Who the claim rests on: the hop furthest from the report (None in the outlet's own voice)."""
        return self.chain[-1] if self.chain else None


@dataclass(slots=True)
class PropositionRecord:
    """Claims about the same thing across reports, with the status the evidence supports and why."""

    id: str
    text: str
    claim_ids: list[str] = field(default_factory=list)
    status: str = "single_source"
    reasons: list[str] = field(default_factory=list)
    origins: int = 0
    supports: int = 0
    refutes: int = 0
    reports: int = 0
    event_id: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None
