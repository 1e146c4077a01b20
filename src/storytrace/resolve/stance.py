"""Stance of a claim toward the proposition it was clustered with: supports, refutes or reports, with a reason.

The proposition is read from its **anchor**: the claim it is compared with (its first affirmative, unhedged,
asserted claim; the first claim until there is one). ``stance_of`` decides in three steps:

1. **sure rules**: ``refutes`` when the ``claims`` layer read a denial or refutation (a denial by the party,
   "dismissed the report as baseless", a fact-check); ``reports`` for a non-committal statement ("declined to
   comment", "could not independently confirm", "did not respond"); ``supports`` for an unhedged claim of
   responsibility ("the militia claimed the attack": a group asserting its own deed, not a rumour's "claims");
2. **the learned model** (``models/stance-emergent``, ``resolve/stance_features.py``), when it is shipped and the
   claim is read against another claim: a logistic regression over the two texts, their embeddings and the
   claims layer's reading of each (polarity, hedges, modality, speaker), trained on Emergent; its reason names
   the label, its probability and the evidence the claims layer saw ("model: reports (p=0.81); hedged
   (reportedly)");
3. otherwise **the rules** (``rule_stance``), first match wins:

   a. ``refutes``: the claim is negated where the anchor is not, or the reverse ("there were no contacts" against
      "there were contacts"), unless it is also hedged (then ``reports``);
   b. ``reports``: hedged ("reportedly", "unconfirmed", "could"), a question, conditional or possible;
   c. ``reports``: a plan or forecast ("is due to", "will") about an asserted proposition: a forecast is not a
      report that it happened (a plan about a planned proposition supports it);
   d. ``reports``: the speaker is an unverified online source (a social-media account);
   e. ``supports`` otherwise: the report's own voice or a named/anonymous speaker asserting it.

Negation is scoped: fixed phrases that negate nothing about the proposition ("not only", "no doubt", "did not
respond to") are ignored. The cue lists are shared with the model's features.

Scores on Emergent (claim headline = anchor, article headline = claim; ``benchmarks/eval_stance.py
emergent-product``): see ``models/stance-emergent/README.md``.

Known gaps: refutation by counter-evidence (different figures, "he was at his desk in Harbal that day") is not
seen; the model learned from headlines, where a stance is carried by a few words ("hoax", "reportedly", "not"),
so long sentences from article bodies are further from what it saw; negation is found by cue words, not parsed;
a partial confirmation ("not at that level") reads as a refutation. Without ``vector``/``anchor_vector`` the two
texts are embedded here (a few milliseconds each, memoised by text).
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from storytrace.errors import PipelineError
from storytrace.model.dossier import ClaimRecord
from storytrace.resolve.stance_features import StanceModel, pair_features

__all__ = [
    "DENIAL_WORDS",
    "HEDGE_WORDS",
    "MODEL_PATH",
    "NONCOMMITTAL",
    "Stance",
    "default_stance_model",
    "is_negated",
    "rule_stance",
    "stance_of",
]

log = logging.getLogger(__name__)
MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "stance-emergent" / "model.json"
FloatArray = npt.NDArray[np.float32]

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


def stance_of(
    claim: ClaimRecord,
    anchor: ClaimRecord | None = None,
    *,
    vector: FloatArray | None = None,
    anchor_vector: FloatArray | None = None,
    model: StanceModel | None = None,
) -> Stance:
    """The stance of ``claim`` toward the proposition whose anchor claim is ``anchor`` (see the module docstring).

    ``vector``/``anchor_vector``: the claims' embeddings when the caller has them (``ClaimClusterer`` does);
    else they are computed. ``model``: a stance model to use instead of the shipped one.
    """
    sure = _sure_rule(claim)
    if sure is not None:
        return sure
    if anchor is None or anchor is claim or anchor.id == claim.id:
        return rule_stance(claim, anchor)
    model = model or default_stance_model()
    if model is None:
        return rule_stance(claim, anchor)
    try:
        if vector is None or anchor_vector is None:
            vector, anchor_vector = _embedded(claim.text, vector), _embedded(anchor.text, anchor_vector)
    except PipelineError as error:  # no embedding model: the rules still give an answer
        log.warning("stance: %s; falling back to the rules", error)
        return rule_stance(claim, anchor)
    p = model.probabilities(pair_features(claim, anchor, vector, anchor_vector, model.tables))
    best = int(np.argmax(p))
    label = model.labels[best]
    return Stance(
        label, round(float(p[best]), 3), "; ".join([f"model: {label} (p={p[best]:.2f})", *_evidence(claim, anchor)])
    )


def rule_stance(claim: ClaimRecord, anchor: ClaimRecord | None = None) -> Stance:
    """The stance by the rules alone (the module docstring's steps 1 and 3), without the learned model."""
    sure = _sure_rule(claim)
    if sure is not None:
        return sure
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


def _sure_rule(claim: ClaimRecord) -> Stance | None:
    # What the claims layer read with certainty, or a phrase that commits to nothing: no model overrides these.
    if claim.polarity in ("denies", "refutes"):
        who = claim.speaker.text if claim.speaker is not None else claim.outlet or "the report"
        verb = "denial" if claim.polarity == "denies" else "declared false"
        return Stance("refutes", 0.9, f"{verb} by {who}")
    if NONCOMMITTAL.search(claim.text):
        return Stance("reports", 0.6, "non-committal (no comment or not confirmed)")
    # A group claiming an attack asserts it was done (its own deed): not the "X claims Y" of a rumour.
    if _RESPONSIBILITY.search(claim.text) and not claim.hedges and not is_negated(claim.text):
        return Stance("supports", 0.8, "a claim of responsibility")
    return None


_RESPONSIBILITY = re.compile(
    r"\bclaim(?:ed|s)?\s+(?:responsibility\s+for\s+|credit\s+for\s+)?(?:the|an?|its|this|that|yesterday's|"
    r"the\s+\w+'s)\s+(?:\w+\s+)?(?:attack|strike|bombing|ambush|raid|assault|operation|killing|assassination|"
    r"shooting|abduction|kidnapping|blast|explosion)s?\b(?!\s+(?:was|were|is|are|had|has|did|never)\b)",
    re.IGNORECASE,
)


def _evidence(claim: ClaimRecord, anchor: ClaimRecord) -> list[str]:
    # What a reader can check in the text, beside the model's label: the same cues the rules use.
    out = []
    anchor_negated = _anchor_negated(anchor)
    if is_negated(claim.text) != anchor_negated:
        out.append("negated where the proposition is not" if not anchor_negated else "affirms a negated proposition")
    if claim.hedges:
        out.append(f"hedged ({', '.join(claim.hedges[:3])})")
    if claim.modality != "asserted":
        out.append(claim.modality)
    words = {w.lower().strip(".,:;!?'\"") for w in claim.text.split()}
    if denial := sorted(words & DENIAL_WORDS)[:2]:
        out.append(f"denial words ({', '.join(denial)})")
    speaker = claim.speaker
    if speaker is not None:
        out.append(f"{'relays' if speaker.kind == 'social' else 'attributed to'} {speaker.text}")
    return out


_LOAD_LOCK = threading.Lock()
_MODEL: list[StanceModel | None] = []  # empty until loaded; [None] when no model is shipped
_VECTORS: OrderedDict[str, FloatArray] = OrderedDict()  # memo by text: an anchor is read against many claims
_VECTORS_MAX = 4096


def default_stance_model() -> StanceModel | None:
    """The shipped model, loaded once per process; None (and the rules alone) when it is not installed."""
    with _LOAD_LOCK:
        if not _MODEL:
            if MODEL_PATH.is_file():
                _MODEL.append(StanceModel.load(MODEL_PATH))
            else:
                log.info("stance: no model at %s; using the rules alone", MODEL_PATH)
                _MODEL.append(None)
        return _MODEL[0]


def _embedded(text: str, known: FloatArray | None) -> FloatArray:
    if known is not None:
        return known
    with _LOAD_LOCK:
        cached = _VECTORS.get(text)
        if cached is not None:
            _VECTORS.move_to_end(text)
            return cached
    from storytrace.resolve.claims import default_embedder  # claims imports this module

    vector: FloatArray = default_embedder().encode([text])[0]
    with _LOAD_LOCK:
        _VECTORS[text] = vector
        if len(_VECTORS) > _VECTORS_MAX:
            _VECTORS.popitem(last=False)
    return vector


def _anchor_negated(anchor: ClaimRecord) -> bool:
    # A denial's text is the proposition it denies ("denied that X" gives X), so it anchors an affirmative one.
    return anchor.polarity == "asserts" and is_negated(anchor.text)
