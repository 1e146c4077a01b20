"""The status of a proposition, with the reasons an analyst can check.

* **corroborated**: two or more independent origins support it and none refutes it;
* **single_source**: one origin supports it (however many reports carry it: see circular);
* **circular**: three or more reports (copies counted once) carry it, endorsed or not, and they all trace back
  to one origin (a refusal to comment, "declined to comment on …", relays nothing and names no origin);
* **denied**: a party concerned (an actor the proposition names, or its spokesman) denies or refutes it,
  and fewer than two independent origins support it;
* **contested**: it is refuted by an origin independent of the parties concerned, or denied by a party while
  two or more independent origins support it;
* **reported**: claims relay it without endorsing it and no origin asserts it (rare: all hedged).

**Only a sure refutation counts** for contested and denied (``is_sure_refutation``): one the claims layer read as a
denial or a refutation ("denied", "baseless", "invented": ``polarity``), or an analyst's correction. A claim read
as refuting by the stance readers alone (a negation where the proposition has none, the learned models) is named
in the reasons as a possible refutation, not counted: on the demo corpus every such reading was wrong ("though not at
ministerial level" against "there were contacts"; "has not appeared in public" against "its leader is …"), as the
readers were trained on headlines, not on the sentences of article bodies.

Counting is by origin (resolve/sources.py), never by report; copies of one report are one report. Unnamed
social-media chatter ("claims on social media", ``social:unnamed``) is counted with the one account the
proposition's claims name, when they name exactly one: posts nobody can tell apart are never independent of
the account they echo, so a rumour relayed by five outlets, some naming its account and some not, stays one
origin (and is circular). A claim that came through an outlet ("according to the Herald, a lawmaker said …")
counts as the one origin that outlet's own report in the proposition rests on, when it rests on exactly one other
than itself (the chain joined across reports: the lawmaker the Herald quotes by name), and the reasons say so.
**Background is no origin** (``_background``): an outlet's own-voice mention of the proposition outside its
report's headline and lede (when no claim of that report leads with it), in a report dated after another origin
had carried it ("He was detained in Harbal on 1 March", in a story a week later about something else), is what
the outlet read; the reasons name it as background. A report that leads with the proposition, a same-day report
and an attributed claim are never background, except what another report credits to an outlet whose own mentions
here are all background ("according to the Courier's sources, … the smuggler arrested on March 1").

**Parties concerned** (``parties_of``): the actors the supporting claims name, plus every refuter who speaks
on the record for a side: a named speaker whose words or title say so ("government spokesman", "the
ministry", "Ibdara's foreign ministry"), even when it is not resolved to an entity ("The government").

Known gaps: a party is recognised by its title, not by its relation to the proposition, so a government
spokesman refuting a claim about another country counts as a party too; an anonymous official's denial is
never a party's (it is not on the record); two different unnamed social sources in one proposition that also
names one account are folded into that account; background is told by date and lead position only, so an
outlet's own later reporting that adds a new witness in its own voice, without attributing it, is read as
background too.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Sequence

from storytrace.model.dossier import ClaimRecord, Hop, PropositionRecord
from storytrace.resolve.stance import CAVEAT, NONCOMMITTAL

__all__ = ["CORRECTED", "STATUSES", "assess", "is_sure_refutation", "origin_label", "parties_of", "party_key"]

STATUSES = ("corroborated", "contested", "denied", "circular", "single_source", "reported")

# Someone who speaks for a side: a spokesman, a ministry, a government, an official or an office.
_PARTY_WORDS = re.compile(r"\b(?:spokes(?:man|woman|person)|minist(?:er|ry)|government|official|office)\b", re.I)
_UNNAMED_SOCIAL = "social:unnamed"
CORRECTED = "corrected by an analyst"  # how an analyst's stance correction begins its reason (resolve/job.py)


def is_sure_refutation(claim: ClaimRecord) -> bool:
    """A refutation the status may count: read by the claims layer as a denial or refutation, or set by an analyst."""
    return claim.stance == "refutes" and (
        claim.polarity in ("denies", "refutes") or (claim.stance_reason or "").startswith(CORRECTED)
    )


def party_key(speaker: Hop) -> str:
    """How a speaker is named in a set of parties: its entity id, else ``speaker:<its words>`` (as an origin)."""
    return speaker.entity_id or "speaker:" + " ".join(speaker.text.casefold().removeprefix("the ").split())


def parties_of(proposition: PropositionRecord, claims: Sequence[ClaimRecord]) -> set[str]:
    """Who the proposition concerns (see the module docstring): the entities its supporting claims name, and the
    refuters who speak on the record for a side, by entity id or, unresolved, by ``party_key``."""
    parties: set[str] = set()
    for claim in claims:
        if claim.stance == "supports":
            parties.update(claim.entities)
    for claim in claims:
        speaker = claim.speaker
        if claim.stance != "refutes" or speaker is None:
            continue
        if speaker.entity_id and (_PARTY_WORDS.search(speaker.text) or _PARTY_WORDS.search(claim.text)):
            parties.add(speaker.entity_id)
        elif not speaker.entity_id and speaker.kind == "named" and _PARTY_WORDS.search(speaker.text):
            parties.add(party_key(speaker))  # "The government": on the record, though not a pack entity
    return parties


def _is_party(claim: ClaimRecord, parties: set[str]) -> bool:
    speaker = claim.speaker
    return speaker is not None and party_key(speaker) in parties


def _folded_social(claims: Sequence[ClaimRecord]) -> dict[str, str]:
    """``social:unnamed`` -> the one named account among the claims' origins, when there is exactly one."""
    handles = {c.origin for c in claims if c.origin and c.origin.startswith("social:") and c.origin != _UNNAMED_SOCIAL}
    return {_UNNAMED_SOCIAL: next(iter(handles))} if len(handles) == 1 else {}


def _through_outlets(claims: Sequence[ClaimRecord]) -> dict[str, str]:
    """``outlet:X`` -> the one origin X's own claims in the proposition rest on, when they rest on exactly one other
    than X itself: "according to the Herald, a lawmaker said …" is the lawmaker the Herald's own report names (the
    chain joined across reports), not a second origin beside him. Refutations are left out."""
    own: dict[str, set[str]] = {}
    for claim in claims:
        if claim.source_id and claim.origin and claim.stance != "refutes":
            own.setdefault(claim.source_id, set()).add(claim.origin)
    return {
        f"outlet:{source}": next(iter(origins))
        for source, origins in own.items()
        if len(origins) == 1 and f"outlet:{source}" not in origins
    }


def _background(supporting: Sequence[ClaimRecord]) -> set[str]:
    """The ids of the supporting claims that restate the proposition as background: in an outlet's own voice (or a
    copy of it), outside the report's headline and lede while no claim of that report leads with the proposition, in
    a report dated after another origin had already carried it. "He was detained in Harbal on 1 March", a week
    after the ministry announced it, is what the outlet read, not an origin of its own. Undated reports never
    count as earlier. Linear in the claims: a proposition of a large pile holds hundreds."""
    leading = {c.doc_id for c in supporting if c.lead is not None}
    firsts: dict[str, str] = {}  # origin -> the day it first carried the proposition
    for claim in supporting:
        day = (claim.published_at or "")[:10]
        if claim.origin and day and (claim.origin not in firsts or day < firsts[claim.origin]):
            firsts[claim.origin] = day
    two = heapq.nsmallest(2, ((day, origin) for origin, day in firsts.items()))

    def restated(claim: ClaimRecord) -> bool:  # dated after another origin had carried the proposition
        day = (claim.published_at or "")[:10]
        other = next((first for first, origin in two if origin != claim.origin), None)
        return bool(day) and other is not None and other < day

    out = {
        c.id
        for c in supporting
        if c.voice == "outlet" and (c.origin or "").startswith("outlet:") and c.doc_id not in leading and restated(c)
    }
    # What another report credits to an outlet ("according to the Courier's sources, …") is that outlet's
    # background too, when every claim of the outlet's own reports here is background.
    own: dict[str, bool] = {}  # outlet origin -> all its own claims are background
    for claim in supporting:
        if claim.source_id and claim.origin == f"outlet:{claim.source_id}":
            own[claim.origin] = own.get(claim.origin, True) and claim.id in out
    faded = {origin for origin, background in own.items() if background}
    out |= {c.id for c in supporting if c.origin in faded and c.doc_id not in leading and restated(c)}
    return out


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
    refuting: list[ClaimRecord] = []  # the sure refutations, which the status counts
    unsure: list[ClaimRecord] = []  # read as refuting by the stance readers alone: named in the reasons only
    for claim in claims:
        if claim.stance == "refutes":
            (refuting if is_sure_refutation(claim) else unsure).append(claim)
    relaying = [c for c in claims if c.stance == "reports"]
    folded = _folded_social(claims)
    through = _through_outlets(claims)

    def origin_of(claim: ClaimRecord) -> str | None:
        if not claim.origin:
            return None
        origin = through.get(claim.origin, claim.origin)
        return folded.get(origin, origin)

    background = _background(supporting)
    origins = sorted({o for c in supporting if c.id not in background and (o := origin_of(c))})
    # A refusal to comment relays nothing: its speaker is no origin of the proposition, even unendorsed.
    relay_origins = sorted(
        {o for c in relaying if (o := origin_of(c)) and not NONCOMMITTAL.search(c.text) and not CAVEAT.search(c.text)}
        - set(origins)
    )
    reports = {c.copy_root or c.doc_id for c in claims}
    by_party = [c for c in refuting if _is_party(c, party_ids)]
    independent_refuters = sorted({o for c in refuting if (o := origin_of(c)) and c not in by_party} - set(origins))
    proposition.origins = len(origins)
    proposition.supports = len({c.doc_id for c in supporting})
    proposition.refutes = len({c.doc_id for c in (*refuting, *unsure)})
    proposition.reports = len(reports)
    dates = sorted(c.published_at for c in claims if c.published_at)
    proposition.first_seen = dates[0] if dates else None
    proposition.last_seen = dates[-1] if dates else None

    def named(keys: Iterable[str]) -> str:
        return ", ".join(origin_label(k, claims) for k in keys)

    reasons = [f"supported by {_plural(len(origins), 'independent origin')}: {named(origins) or 'none'}"]
    if folded and any(c.origin == _UNNAMED_SOCIAL for c in claims):
        reasons.append(f"unnamed social-media posts counted with {named(folded.values())}, the one account named")
    # Claims of other reports that came through an outlet whose own report names the one origin behind it.
    joined = sorted({c.origin for c in claims if c.origin in through and f"outlet:{c.source_id}" != c.origin})
    for outlet in joined:
        behind = named([through[outlet]])
        reasons.append(f"what reached us through {named([outlet])} is {behind}, as its own report says")
    if relay_origins:
        reasons.append(f"relayed without endorsement from {named(relay_origins)}")
    if restated := sorted({o for c in supporting if c.id in background and (o := origin_of(c))} - set(origins)):
        reasons.append(
            f"restated as background by {named(restated)}, after other origins had reported it: not counted as origins"
        )
    if by_party:
        who: dict[str, str] = {}  # one name per speaker however written: "Government" and "The government"
        for claim in by_party:
            if claim.speaker is not None:
                text = claim.speaker.text
                key = claim.speaker.entity_id or re.sub(r"^the\s+", "", text.casefold())
                # the fullest writing, whatever the order the claims come in (a join's differs from a full run's)
                who[key] = min(who.get(key, text), text, key=lambda t: (-len(t), t))
        reasons.append(f"denied by a party concerned: {', '.join(sorted(who.values()))}")
    if independent_refuters:
        reasons.append(
            f"refuted by {_plural(len(independent_refuters), 'independent origin')}: {named(independent_refuters)}"
        )
    if unsure:
        maybe = sorted({origin_label(o, claims) for c in unsure if (o := origin_of(c))})
        reasons.append(
            f"possibly refuted by {', '.join(maybe) or _plural(len(unsure), 'claim')} (a reading of the stance models "
            "or a negation, no denial word: not counted; check the claims)"
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
