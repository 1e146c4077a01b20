"""One ``entities`` layer from the gazetteer and the statistical models: known actors keep their identity, the
model finds the names no pack knows.

Every mention of a domain-pack actor (layer ``mentions``) is kept with its canonical id and kind (PER, ORG, GPE,
LOC, FAC …). A model's entity (any ``entities_<model>`` layer: ``entities_minilm``, ``entities_crf``, or a
plugged-in spaCy / Hugging Face model) is added where no pack mention overlaps it; when several models are
present, the earlier in ``MODEL_PREFERENCE`` wins an overlap. A model's LOC or ORG whose last word names a
structure ("Tesra General Hospital", "Ain al-Asad air base") becomes FAC, which CoNLL-trained models do not tag.
The same surface string keeps the same type within a report (the first confident reading wins), since a
model often types a repeated name differently from one sentence to the next.

Attrs: ``entity_id`` (the pack id, or ``None``), ``name`` (canonical name, or the surface), ``via``
(``gazetteer`` or the model's name) and, for model entities, ``confidence``.

``extract.entities.merge.v2`` (the pipelines' since 2026-11-22) also drops a model's entity that lies inside a
time expression ("Mar" of "Mar. 9", which the MiniLM tags LOC) and trims a possessive "'s" ("Parliament's").

Known gaps: a model's span that only partly overlaps a pack mention is dropped rather than trimmed; types are
not reconciled across reports here (that is entity resolution, a later stage).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storytrace.model import Document, Span
from storytrace.pipeline import ComponentFn, register

__all__ = ["MODEL_PREFERENCE", "entity_spans", "merge_entities"]

# Models' layers in the order their readings are trusted, best first (CoNLL test F1 in docs/benchmarks.md);
# any other ``entities_*`` layer (a plugged-in model) comes first: a user who adds one means to use it.
MODEL_PREFERENCE = ("entities_minilm", "entities_crf")

# Head nouns of facilities; "air base", "checkpoint", "hospital" … at the end of a name.
_FACILITY = re.compile(
    r"\b(?:base|airbase|airport|air\s+field|airfield|hospital|camp|prison|jail|port|harbou?r|bridge|dam|embassy|"
    r"consulate|checkpoint|crossing|mosque|church|shrine|stadium|palace|refinery|university|school|compound|"
    r"barracks|headquarters|tower|building|station|plant|complex|terminal)$",
    re.IGNORECASE,
)


def _within(span: Span, spans: Sequence[Span]) -> bool:
    return any(other.start_char <= span.start_char and span.end_char <= other.end_char for other in spans)


def _without_possessive(text: str, span: Span) -> Span:
    if span.end_char - span.start_char > 3 and text[span.end_char - 2 : span.end_char] in ("'s", "’s"):
        return Span(span.start_char, span.end_char - 2, span.label, span.attrs)
    return span


def _overlaps(span: Span, taken: Sequence[Span]) -> bool:
    return any(span.start_char < other.end_char and other.start_char < span.end_char for other in taken)


def _model_layers(doc: Document) -> list[str]:
    present = [name for name in doc.spans if name.startswith("entities_")]
    plugged = sorted(name for name in present if name not in MODEL_PREFERENCE)
    return plugged + [name for name in MODEL_PREFERENCE if name in present]


def merge_entities(
    text: str,
    mentions: Sequence[Span],
    model_layers: Sequence[Sequence[Span]],
    *,
    times: Sequence[Span] = (),
    possessives: bool = False,
) -> list[Span]:
    """Pack mentions first, then each model's entities (best model first) where nothing overlaps them.

    ``times``: a model's entity inside one of these time expressions is dropped ("Mar" of "Mar. 9": a date is
    never a name). ``possessives``: a model's entity ending in "'s" loses it ("Parliament's" -> "Parliament").
    """
    chosen: list[Span] = [
        Span(m.start_char, m.end_char, m.label, _pack_attrs(m)) for m in sorted(mentions, key=lambda s: s.start_char)
    ]
    type_of_surface: dict[str, str] = {}
    for layer in model_layers:
        for span in sorted(layer, key=lambda s: s.start_char):
            if possessives:
                span = _without_possessive(text, span)
            if _overlaps(span, chosen) or _within(span, times):
                continue
            surface = text[span.start_char : span.end_char]
            attrs = dict(span.attrs)
            label = type_of_surface.setdefault(surface, _model_label(span.label, surface))
            chosen.append(
                Span(
                    span.start_char,
                    span.end_char,
                    label,
                    (
                        ("entity_id", None),
                        ("name", surface),
                        ("via", str(attrs.get("model", "model"))),
                        ("confidence", attrs.get("confidence")),
                    ),
                )
            )
    chosen.sort(key=lambda s: (s.start_char, -s.end_char))
    return chosen


def _pack_attrs(mention: Span) -> tuple[tuple[str, object], ...]:
    attrs = dict(mention.attrs)
    return (("entity_id", attrs.get("entity_id")), ("name", attrs.get("name")), ("via", "gazetteer"))


def _model_label(label: str, surface: str) -> str:
    if label in {"LOC", "ORG", "GPE"} and _FACILITY.search(surface):
        return "FAC"
    return label


def entity_spans(doc: Document) -> list[Span]:
    """The report's entities: the ``entities`` layer when a pipeline made it, else merged on the fly."""
    if "entities" in doc.spans:
        return doc.spans["entities"]
    return merge_entities(doc.text, doc.spans.get("mentions", []), [doc.spans[n] for n in _model_layers(doc)])


def _merger(*, v2: bool) -> ComponentFn:
    def run(doc: Document) -> Document:
        doc.spans.pop("entities", None)
        layers = [doc.spans[n] for n in _model_layers(doc)]
        times = doc.spans.get("times", []) if v2 else ()
        doc.spans["entities"] = merge_entities(
            doc.text, doc.spans.get("mentions", []), layers, times=times, possessives=v2
        )
        return doc

    return run


@register(
    "extract.entities.merge.v1",
    requires=("spans.mentions",),
    assigns=("spans.entities",),
    description="Entities: pack mentions with their canonical ids, plus the names the NER model found.",
)
def make_entity_merger() -> ComponentFn:
    """Merge ``mentions`` with every ``entities_*`` model layer present on the document."""
    return _merger(v2=False)


@register(
    "extract.entities.merge.v2",
    requires=("spans.mentions", "spans.times"),
    assigns=("spans.entities",),
    description="Entities: pack mentions with their canonical ids, plus the names the NER model found; v2 drops "
    "a model's name inside a time expression and trims a possessive 's.",
)
def make_entity_merger_v2() -> ComponentFn:
    """v1's merge, without a model's entity inside a ``times`` span and with a possessive "'s" trimmed."""
    return _merger(v2=True)
