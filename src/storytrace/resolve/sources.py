"""Source chains and independence: which origin each claim traces back to.

Ten outlets repeating one newspaper's scoop are one origin, not ten. A claim's **origin** is decided from its
attribution chain (nearest hop first) and from the copy links of its report:

* a **named speaker** (a minister, a spokesman, a group's statement) is its own origin, whoever carries it:
  two wires quoting the same ministry statement give one origin (``speaker:<entity id or name>``); "the group
  said" counts as the armed group the report named last before it (the resolve job reads it so), not as a
  speaker of its own;
* an **outlet** in the chain ("according to the Courier", "sources told the Mirror") is the origin of the
  anonymous or documentary material it carried (``outlet:<source id>``), and so is the reporting outlet for
  its own reporting and its own anonymous sources, and an outlet of the store for the sources credited to it
  ("according to the Courier's sources"); a near-duplicate counts as the outlet it copied;
* an **anonymous social-media account** ("an anonymous account on X", "social media", "open-source
  monitors") is one origin per handle, and all unnamed ones together are one (``social:<handle>``): a rumour
  passed along by five outlets stays one rumour. That holds when the outlet says it in its own sentence too
  ("an anonymous account on X claimed that …", "claims on social media that …").

Every origin comes with a one-line reason. Known gaps: two different named people who repeat the same source
("the minister said, citing the police") count as the innermost named speaker only when the chain says so;
wording shared without credit (a heavy rewrite that names no one) is not yet traced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from storytrace.model.dossier import ClaimRecord, Hop

__all__ = ["OutletIndex", "assign_origin", "normalise_outlet"]

_LEADING = re.compile(r"^(?:the|daily|newspaper|paper|agency|news\s+agency|website|site|broadcaster|channel|\s)+", re.I)
_POSSESSIVE = re.compile(r"['’]s?$")
_HANDLE = re.compile(r"@\w+")
# "the Courier's sources", "the Herald's own source": anonymous sources an outlet of the store is credited with.
_OUTLETS_SOURCES = re.compile(r"^(?P<outlet>.+?)['’]s?\s+(?:own\s+)?(?:sources?|informants?|contacts?)$", re.I)
# Chains that end in unnamed online chatter are one origin together: they cannot be told apart.
_SOCIAL_WORDS = re.compile(
    r"\b(?:social media|online|open[- ]source monitors?|accounts?|posts?|channels?|users?)\b", re.I
)


# The same, said in the outlet's own sentence: "an anonymous account … claimed", "claims on social media".
_SOCIAL_IN_TEXT = re.compile(
    r"\b(?:anonymous (?:account|user|post)|(?:claims?|posts?|reports?|rumou?rs?) (?:on|circulating on) social media|"
    r"on social media|social[- ]media (?:claims?|posts?|reports?|rumou?rs?))\b",
    re.IGNORECASE,
)


def normalise_outlet(name: str) -> str:
    """ "the daily Harbal Herald's" -> "harbal herald"; used to match chain hops with known outlets."""
    text = _POSSESSIVE.sub("", name.strip())
    text = _LEADING.sub("", text)
    return " ".join(text.casefold().split())


@dataclass(slots=True)
class OutletIndex:
    """Known outlets by normalised name, plus unambiguous short forms ("the Courier" for "The Tesra Courier")."""

    by_name: dict[str, str] = field(default_factory=dict)  # normalised name -> source id
    by_last_word: dict[str, set[str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # source id -> display name

    @classmethod
    def build(cls, sources: Iterable[tuple[str, str]]) -> OutletIndex:
        """From (source id, name) pairs, e.g. the store's ``sources`` table."""
        index = cls()
        for source_id, name in sources:
            key = normalise_outlet(name)
            if not key:
                continue
            index.by_name.setdefault(key, source_id)
            index.names.setdefault(source_id, name)
            index.by_last_word.setdefault(key.split()[-1], set()).add(source_id)
        return index

    def find(self, text: str) -> str | None:
        """The source id a chain hop names, or None: exact name first, then a unique last word ("the Herald")."""
        key = normalise_outlet(text)
        if not key:
            return None
        if key in self.by_name:
            return self.by_name[key]
        for name, source_id in self.by_name.items():  # "the daily Harbal Herald newspaper" contains a name
            if f" {name} " in f" {key} ":
                return source_id
        words = key.split()
        if len(words) <= 2:
            candidates = self.by_last_word.get(words[-1], set())
            if len(candidates) == 1:
                return next(iter(candidates))
        return None


def _speaker_key(hop: Hop) -> str:
    return hop.entity_id or " ".join(hop.text.casefold().removeprefix("the ").split())


def assign_origin(claim: ClaimRecord, outlets: OutletIndex, root_source: Mapping[str, str | None]) -> tuple[str, str]:
    """``(origin key, reason)`` for one claim. ``root_source`` maps a report id to the outlet (source id) of
    the earliest report it copies, itself included."""
    reporter = root_source.get(claim.copy_root or claim.doc_id) or claim.source_id or f"doc:{claim.doc_id}"
    reporter_name = outlets.names.get(reporter, claim.outlet or "the report")
    copied = claim.copy_root not in (None, claim.doc_id)
    via_copy = f", through a copy of {reporter_name}'s report" if copied else ""
    speaker = claim.speaker
    if speaker is None:
        # "An anonymous account on X claimed that …" in the outlet's own sentence still rests on that account.
        social = _SOCIAL_IN_TEXT.search(claim.text)
        if social is not None:
            handle = _HANDLE.search(claim.text)
            key = handle.group(0).casefold() if handle else "unnamed"
            what = f"the account {handle.group(0)}" if handle else "unnamed social-media accounts"
            return f"social:{key}", f"the report relays {what} ({social.group(0)!r})"
        return f"outlet:{reporter}", f"{reporter_name}'s own reporting{via_copy}"
    if speaker.kind == "social" or (speaker.kind == "anonymous" and _SOCIAL_WORDS.search(speaker.text)):
        handle = _HANDLE.search(speaker.text)
        key = handle.group(0).casefold() if handle else "unnamed"
        what = f"the account {handle.group(0)}" if handle else "unnamed social-media accounts"
        return f"social:{key}", f"rests on {what} ({speaker.text!r})"
    if speaker.kind == "named":
        # A named speaker that is an outlet of the store ("the Centre for Frontier Security Studies, a think tank")
        # is that outlet's own reporting, not a second origin beside it: exact names only, never a last word.
        outlet = outlets.by_name.get(normalise_outlet(speaker.text.split(",")[0]))
        if outlet is not None:
            name = outlets.names.get(outlet, outlet)
            return f"outlet:{outlet}", f"the named speaker {speaker.text!r} is the outlet {name}"
    if speaker.kind in ("named", "pronoun") and (speaker.kind == "named" or speaker.entity_id):
        return f"speaker:{_speaker_key(speaker)}", f"a named speaker, {speaker.text!r}, whoever carries it"
    # An outlet named only by what it is ("the newspaper", "the agency") is unknown: the reporter stands for it.
    if speaker.kind == "outlet" and (key := outlets.find(speaker.text) or normalise_outlet(speaker.text)):
        return f"outlet:{key}", f"the outlet {speaker.text!r} is cited as the source"
    # Anonymous sources credited to another outlet are that outlet's: a copy of its scoop, not a second origin.
    credited = _OUTLETS_SOURCES.match(speaker.text.strip())
    owner = outlets.find(credited.group("outlet")) if credited is not None else None
    if owner is not None and owner != reporter:
        return f"outlet:{owner}", f"{speaker.text!r} are {outlets.names.get(owner, owner)}'s own sources"
    # Anonymous, documentary or unresolved: the nearest outlet that carried it, else the reporter itself.
    for hop in claim.chain[:-1]:
        if hop.kind == "outlet" and (key := outlets.find(hop.text) or normalise_outlet(hop.text)):
            return f"outlet:{key}", f"{speaker.text!r} reached us through {hop.text!r}"
    return f"outlet:{reporter}", f"{speaker.text!r} is {reporter_name}'s own source{via_copy}"
