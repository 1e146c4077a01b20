"""Stance of a claim toward the proposition it was clustered with: supports, refutes or reports, with a reason.

The proposition is read from its **anchor**: the claim it is compared with (its first affirmative, unhedged,
asserted claim; the first claim until there is one). Rules, first match wins, each giving a short reason:

1. ``refutes``: the claim denies or refutes (polarity from the ``claims`` layer: a denial by the party, "dismissed
   the report as baseless", a fact-check);
2. ``reports``: a non-committal statement ("declined to comment", "could not independently confirm", "did not
   respond"): it neither supports nor refutes;
3. ``refutes``: the claim is negated where the anchor is not, or the reverse ("there were no contacts" against
   "there were contacts"), unless it is also hedged (then ``reports``);
4. ``reports``: hedged ("reportedly", "unconfirmed", "could"), a question, conditional or possible;
5. ``reports``: a plan or forecast ("is due to", "will") about an asserted proposition: a forecast is not a report
   that it happened (a plan about a planned proposition supports it);
6. ``reports``: the speaker is an unverified online source (a social-media account);
7. ``supports`` otherwise: the report's own voice or a named/anonymous speaker asserting it.

Negation is scoped: fixed phrases that negate nothing about the proposition ("not only", "no doubt", "did not
respond to") are ignored. The cue lists are shared with ``benchmarks/eval_stance.py`` as features.

Known gaps: refutation by counter-evidence (different figures, "he was at his desk in Harbal that day") is not
seen; negation is found by cue words, not parsed, so a negated subordinate clause ("said the men who had not
fled were arrested") flips the stance; a partial confirmation ("not at that level") reads as a refutation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storytrace.model.dossier import ClaimRecord

__all__ = [
    "DENIAL_WORDS",
    "HEDGE_WORDS",
    "NONCOMMITTAL",
    "Stance",
    "is_negated",
    "stance_of",
]

# "without" is left out: "has been without water since March 7" asserts, it does not negate.
NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|none|nothing|nobody)\b|n[’']t\b", re.IGNORECASE)
# Negations that say nothing against the proposition's content.
_HARMLESS = re.compile(
    r"\b(?:not only|not least|no doubt|no longer than|nothing but|no sooner|without doubt|not just)\b"
    r"|\bno (?:casualty figures|details|evidence|further details|comment)\b",
    re.IGNORECASE,
)
NONCOMMITTAL = re.compile(
    r"\b(?:declined? to (?:comment|confirm|say)"
    r"|(?:did|does|has|have|had) not (?:yet )?(?:respond|reply|answer|return|comment)(?:ed)?"
    r"|could not be reached|(?:could|can|cannot|can't|could ?n[’']t) (?:not )?(?:independently )?(?:confirm|verify)"
    r"|(?:has|have|had) not (?:been )?(?:independently )?(?:confirmed|verified)|unable to (?:confirm|verify|reach)"
    r"|no comment|refused to comment|would not (?:comment|confirm|say))\b",
    re.IGNORECASE,
)
HEDGE_WORDS = frozenset(
    """alleged allegedly apparently appears claim claimed claims could may might perhaps possibly potentially
    purportedly reportedly reports rumour rumor rumoured rumored seems suggests suspected unconfirmed unverified
    likely believed thought probably speculation""".split()
)
DENIAL_WORDS = frozenset(
    """deny denies denied denial false fake fakes hoax hoaxes fraud fraudulent bogus baseless debunk debunked
    debunks refute refutes refuted untrue lie lies fabricated invented retract retracted rejects rejected dismissed
    doubt doubts nonsense myth incorrect wrong misleading""".split()
)
_SOCIAL = re.compile(r"\b(?:social media|an? (?:anonymous )?account|online|unverified|unconfirmed)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Stance:
    """A claim's stance toward its proposition, how sure the rule is, and why."""

    label: str  # supports, refutes, reports
    score: float
    reason: str


def is_negated(text: str) -> bool:
    """True when the text negates something (fixed harmless and non-committal phrases aside)."""
    cleaned = NONCOMMITTAL.sub(" ", _HARMLESS.sub(" ", text))
    return bool(NEGATION.search(cleaned))


def stance_of(claim: ClaimRecord, anchor: ClaimRecord | None = None) -> Stance:
    """The stance of ``claim`` toward the proposition whose anchor claim is ``anchor`` (see the module docstring)."""
    who = claim.speaker.text if claim.speaker is not None else claim.outlet or "the report"
    if claim.polarity in ("denies", "refutes"):
        verb = "denial" if claim.polarity == "denies" else "declared false"
        return Stance("refutes", 0.9, f"{verb} by {who}")
    if NONCOMMITTAL.search(claim.text):
        return Stance("reports", 0.6, "non-committal (no comment or not confirmed)")
    anchor_negated = anchor is not None and anchor is not claim and _anchor_negated(anchor)
    if anchor is not None and anchor is not claim and is_negated(claim.text) != anchor_negated:
        if claim.hedges:
            return Stance("reports", 0.5, f"hedged contradiction ({', '.join(claim.hedges[:2])})")
        return Stance(
            "refutes",
            0.65,
            "negated where the proposition is not" if not anchor_negated else "affirms a negated proposition",
        )
    if claim.hedges:
        return Stance("reports", 0.7, f"hedged ({', '.join(claim.hedges[:3])})")
    if claim.modality in ("possible", "question", "conditional"):
        return Stance("reports", 0.7, f"{claim.modality}, not asserted")
    planned = ("future", "planned")
    if claim.modality in planned and anchor is not None and anchor is not claim and anchor.modality not in planned:
        return Stance("reports", 0.6, f"{claim.modality}: a forecast is not a report that it happened")
    speaker = claim.speaker
    if speaker is not None and (speaker.kind == "social" or _SOCIAL.search(speaker.text)):
        return Stance("reports", 0.6, f"relays an unverified online source ({speaker.text})")
    if speaker is not None:
        return Stance("supports", 0.8, f"asserted by {speaker.text}")
    return Stance("supports", 0.8, "asserted in the report's own voice")


def _anchor_negated(anchor: ClaimRecord) -> bool:
    # A denial's text is the proposition it denies ("denied that X" gives X), so it anchors an affirmative one.
    return anchor.polarity == "asserts" and is_negated(anchor.text)
