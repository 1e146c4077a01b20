"""The status of a proposition, with the reasons an analyst can check.

* **corroborated**: two or more independent origins support it and none refutes it;
* **single_source**: one origin supports it (however many reports carry it: see circular);
* **circular**: three or more reports (copies counted once) carry it, endorsed or not, and they all trace back
  to one origin;
* **denied**: a party concerned (an actor the proposition names, or its spokesman) denies or refutes it,
  and fewer than two independent origins support it;
* **contested**: it is refuted by an origin independent of the parties concerned, or denied by a party while
  two or more independent origins support it;
* **reported**: claims relay it without endorsing it and no origin asserts it (rare: all hedged).

Counting is by origin (resolve/sources.py), never by report; copies of one report are one report.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from storytrace.model.dossier import ClaimRecord, PropositionRecord

__all__ = ["STATUSES", "assess", "origin_label"]

STATUSES = ("corroborated", "contested", "denied", "circular", "single_source", "reported")


def _is_party(claim: ClaimRecord, parties: set[str]) -> bool:
    speaker = claim.speaker
    return speaker is not None and speaker.entity_id is not None and speaker.entity_id in parties


def origin_label(key: str, claims: Sequence[ClaimRecord]) -> str:
    """An origin key of resolve/sources.py as a reader says it: ``outlet:src_…`` -> "Tesra Courier (outlet)".

    An outlet is named by a report it published, else by the hop of a chain that cites it; a speaker or an
    account by its own words. The key itself when nothing names it.
    """
    kind, _, value = key.partition(":")
    if kind == "outlet":
        name = next((c.outlet for c in claims if c.source_id == value and c.outlet), None)
        if name is None:
            name = next(
                (h.text for c in claims if c.origin == key for h in c.chain if h.kind == "outlet" and h.text), None
            )
        return f"{name} (outlet)" if name else key
    if kind == "social":
        return f"{value} (social media)"
    if kind == "speaker":
        said = next((c.speaker.text for c in claims if c.origin == key and c.speaker is not None), value)
        return f"{said} (speaker)"
    return key


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def assess(proposition: PropositionRecord, claims: Sequence[ClaimRecord], parties: Iterable[str] = ()) -> None:
    """Set ``status``, ``reasons`` and the counts of ``proposition`` from its claims (stance and origin set)."""
    party_ids = set(parties)
    supporting = [c for c in claims if c.stance == "supports"]
    refuting = [c for c in claims if c.stance == "refutes"]
    relaying = [c for c in claims if c.stance == "reports"]
    origins = sorted({c.origin for c in supporting if c.origin})
    relay_origins = sorted({c.origin for c in relaying if c.origin} - set(origins))
    reports = {c.copy_root or c.doc_id for c in claims}
    by_party = [c for c in refuting if _is_party(c, party_ids)]
    independent_refuters = sorted({c.origin for c in refuting if c.origin and c not in by_party} - set(origins))
    proposition.origins = len(origins)
    proposition.supports = len({c.doc_id for c in supporting})
    proposition.refutes = len({c.doc_id for c in refuting})
    proposition.reports = len(reports)
    dates = sorted(c.published_at for c in claims if c.published_at)
    proposition.first_seen = dates[0] if dates else None
    proposition.last_seen = dates[-1] if dates else None

    def named(keys: Iterable[str]) -> str:
        return ", ".join(origin_label(k, claims) for k in keys)

    reasons = [f"supported by {_plural(len(origins), 'independent origin')}: {named(origins) or 'none'}"]
    if relay_origins:
        reasons.append(f"relayed without endorsement from {named(relay_origins)}")
    if by_party:
        who = sorted({c.speaker.text for c in by_party if c.speaker is not None})
        reasons.append(f"denied by a party concerned: {', '.join(who)}")
    if independent_refuters:
        reasons.append(
            f"refuted by {_plural(len(independent_refuters), 'independent origin')}: {named(independent_refuters)}"
        )
    if independent_refuters or (by_party and len(origins) >= 2):
        status = "contested"
    elif by_party:
        status = "denied"
    elif len(origins) >= 2:
        status = "corroborated"
    elif len(set(origins) | set(relay_origins)) == 1 and len(reports) >= 3:
        status = "circular"
        reasons.append(f"{_plural(len(reports), 'report')} carry it, all from one origin")
    elif origins:
        status = "single_source"
    else:
        status = "reported" if relaying else "single_source"
    proposition.status = status
    proposition.reasons = reasons
