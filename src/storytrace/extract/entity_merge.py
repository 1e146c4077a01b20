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

``extract.entities.merge.v3`` adds, for an analyst's entity list:

- a pack mention's ``form`` attr is kept (``("form", "demonym")`` from ``extract.entities.gazetteer.v2``);
- a place or demonym the pack found *inside* a longer capitalised model name yields to that name: "Syrian
  Democratic Forces", "Harbal Herald", "Baghdad International Airport" are one ORG/FAC, not a place plus words
  (a model LOC takes only demonyms: "Iraqi Kurdistan", never "northern Iraq");
- noise a CoNLL-trained model tags is dropped: a one-word language ("read in Arabic"; "English", "French" only
  after "in" or before "language"), a word for God ("thank God"), a one-word heading alone on its line
  ("Outlook"), and a sentence-initial one-word name that the report also writes in lower case ("Checkpoints
  were closed" where the text says "checkpoint" elsewhere);
- a facility or route name the model cut before its number is extended to it ("Checkpoint" -> "Checkpoint 14").

Known gaps: a model's span that only partly overlaps a pack mention is dropped rather than trimmed; types are
not reconciled across reports here (that is entity resolution, a later stage); v3's lower-case test reads only
the same report, so a one-word common noun at the start of a short report stays; the language and God lists are
English words only.
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


# One-word model entities that are languages, never a name in a dossier; the second set are nationality words too
# ("French", "Turkish"), dropped only where the text reads them as a language ("in French", "French-language").
_LANGUAGES = frozenset(
    {"Arabic", "Hebrew", "Farsi", "Urdu", "Aramaic", "Pashto", "Dari", "Sorani", "Kurmanji", "Latin"}
)
_NATIONAL_LANGUAGES = frozenset(
    {
        "English",
        "French",
        "German",
        "Spanish",
        "Italian",
        "Persian",
        "Turkish",
        "Kurdish",
        "Russian",
        "Chinese",
        "Japanese",
        "Portuguese",
        "Dutch",
        "Greek",
        "Armenian",
        "Azeri",
        "Hindi",
        "Bengali",
        "Malay",
        "Indonesian",
    }
)
_DIVINE = frozenset({"God", "Allah", "Almighty", "Lord"})  # "thank God", "God willing": an exclamation, not an actor
_LANGUAGE_AFTER = re.compile(r"[\s-]+(?:language|speaking|speakers?|translation|dialect)\b", re.IGNORECASE)
_IN_BEFORE = re.compile(r"\b(?:in|into|from)\s+$", re.IGNORECASE)
# "Checkpoint 14", "Route 9", "Gate 3": a number right after a facility or route word is part of its name, unless a
# unit follows it ("the base 2 km away").
_NUMBERED_HEAD = re.compile(r"\b(?:route|highway|road|gate|checkpoint|camp|base|sector|block|terminal|pier)$", re.I)
_NUMBER_AFTER = re.compile(r" (\d{1,4})(?![\d,.]\d)(?! ?(?:km|kilomet|mile|met|m\b|%|per|hour|day|year|people|time))")
_NAME_JOINERS = frozenset({"of", "for", "the", "and", "al", "el", "de", "on", "in", "&"})
# Words that only qualify a place ("Northern Qarnassa", "Greater Baghdad"): the place itself is the name meant.
_QUALIFIERS = frozenset(
    "north south east west northern southern eastern western central upper lower greater inner outer rural "
    "northeastern northwestern southeastern southwestern north-east north-west south-east south-west".split()
)
_PLACE_KINDS = frozenset({"GPE", "LOC"})


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
    sentences: Sequence[Span] | None = None,
) -> list[Span]:
    """Pack mentions first, then each model's entities (best model first) where nothing overlaps them.

    ``times``: a model's entity inside one of these time expressions is dropped ("Mar" of "Mar. 9": a date is
    never a name). ``possessives``: a model's entity ending in "'s" loses it ("Parliament's" -> "Parliament").
    ``sentences``: given (v3), the pack's ``form`` attr is kept, places yield to longer model names, model noise
    is dropped and numbered facilities are extended (see the module docstring).
    """
    v3 = sentences is not None
    packed = sorted(mentions, key=lambda s: s.start_char)
    if v3:
        packed = _yield_to_longer_names(text, packed, model_layers)
    chosen: list[Span] = [Span(m.start_char, m.end_char, m.label, _pack_attrs(m, keep_form=v3)) for m in packed]
    type_of_surface: dict[str, str] = {}
    lower_words = _lower_words(text) if v3 else frozenset()
    starts = {s.start_char for s in sentences or ()}
    for layer in model_layers:
        for span in sorted(layer, key=lambda s: s.start_char):
            if possessives:
                span = _without_possessive(text, span)
            named = text[span.start_char : span.end_char]  # the name without a number v3 adds ("Checkpoint")
            if v3:
                if _is_noise(text, span, starts, lower_words):
                    continue
                span = _with_number(text, span)
            if _overlaps(span, chosen) or _within(span, times):
                continue
            surface = text[span.start_char : span.end_char]
            attrs = dict(span.attrs)
            label = type_of_surface.setdefault(surface, _model_label(span.label, named))
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


def _pack_attrs(mention: Span, *, keep_form: bool = False) -> tuple[tuple[str, object], ...]:
    attrs = dict(mention.attrs)
    out: tuple[tuple[str, object], ...] = (
        ("entity_id", attrs.get("entity_id")),
        ("name", attrs.get("name")),
        ("via", "gazetteer"),
    )
    if keep_form and attrs.get("form"):
        out += (("form", attrs["form"]),)
    return out


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:['’][^\W_]+)*", text)


def _yield_to_longer_names(text: str, mentions: list[Span], model_layers: Sequence[Sequence[Span]]) -> list[Span]:
    """The pack mentions without the places and demonyms that lie inside a longer capitalised model name."""
    yielded: set[int] = set()
    for layer in model_layers:
        for span in layer:
            if span.label not in {"ORG", "FAC", "MISC", "LOC"}:
                continue
            inside = [
                i
                for i, m in enumerate(mentions)
                if span.start_char <= m.start_char and m.end_char <= span.end_char and i not in yielded
            ]
            if not inside or any(_overlaps(mentions[i], [span]) and i not in inside for i in range(len(mentions))):
                continue
            demonyms_only = span.label == "LOC"  # "northern Iraq" stays Iraq; "Iraqi Kurdistan" is a place name
            if not all(_yields(mentions[i], demonyms_only) for i in inside):
                continue
            surface = text[span.start_char : span.end_char]
            rest = list(surface)
            for i in inside:
                m = mentions[i]
                rest[m.start_char - span.start_char : m.end_char - span.start_char] = " " * (m.end_char - m.start_char)
            others = _words("".join(rest))
            if not others or surface.isupper():  # nothing added, or a shouted headline ("BETRAYAL AT QASR NUMAYR")
                continue
            if all(w.casefold() in _QUALIFIERS for w in others):
                continue
            if all(w[:1].isupper() or w.casefold() in _NAME_JOINERS for w in others) and others[-1][:1].isupper():
                yielded.update(inside)
    return [m for i, m in enumerate(mentions) if i not in yielded]


def _yields(mention: Span, demonyms_only: bool) -> bool:
    is_demonym = dict(mention.attrs).get("form") == "demonym"
    return is_demonym or (not demonyms_only and mention.label in _PLACE_KINDS)


def _lower_words(text: str) -> frozenset[str]:
    """The report's words written in lower case, outside URLs, handles and addresses (a slug writes names so)."""
    prose = " ".join(c for c in text.split() if not any(mark in c for mark in ("/", "@", "www.", "_")))
    return frozenset(w for w in _words(prose) if w[:1].islower())


def _is_noise(text: str, span: Span, sentence_starts: set[int], lower_words: frozenset[str]) -> bool:
    """A one-word model entity that is a language, a word for God, a heading, or a common noun opening a sentence."""
    surface = text[span.start_char : span.end_char]
    if len(_words(surface)) != 1 or surface != _words(surface)[0]:
        return False
    if surface in _LANGUAGES or surface in _DIVINE:
        return True
    if surface in _NATIONAL_LANGUAGES and (
        _IN_BEFORE.search(text, max(0, span.start_char - 8), span.start_char)
        or _LANGUAGE_AFTER.match(text, span.end_char)
    ):
        return True
    line_start = text.rfind("\n", 0, span.start_char) + 1
    line_end = text.find("\n", span.end_char)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    if line.strip(" \t#*_:") == surface:
        return True  # a one-word heading ("Outlook", "## Background")
    at_start = span.start_char in sentence_starts or not text[line_start : span.start_char].strip(" \t\"“'‘-*#")
    lower = surface.lower()
    written_lower = (
        lower in lower_words or f"{lower}s" in lower_words or (lower[-1:] == "s" and lower[:-1] in lower_words)
    )
    return at_start and written_lower and not surface.isupper()


def _with_number(text: str, span: Span) -> Span:
    """ "Checkpoint" followed by " 14" -> "Checkpoint 14" (the model stopped before the number)."""
    if not _NUMBERED_HEAD.search(text, span.start_char, span.end_char):
        return span
    number = _NUMBER_AFTER.match(text, span.end_char)
    if number is None:
        return span
    return Span(span.start_char, number.end(1), span.label, span.attrs)


def _model_label(label: str, surface: str) -> str:
    if label in {"LOC", "ORG", "GPE"} and _FACILITY.search(surface):
        return "FAC"
    return label


def entity_spans(doc: Document) -> list[Span]:
    """The report's entities: the ``entities`` layer when a pipeline made it, else merged on the fly."""
    if "entities" in doc.spans:
        return doc.spans["entities"]
    return merge_entities(doc.text, doc.spans.get("mentions", []), [doc.spans[n] for n in _model_layers(doc)])


def _merger(*, v2: bool, v3: bool = False) -> ComponentFn:
    def run(doc: Document) -> Document:
        doc.spans.pop("entities", None)
        layers = [doc.spans[n] for n in _model_layers(doc)]
        times = doc.spans.get("times", []) if v2 else ()
        sentences = doc.spans.get("sentences", []) if v3 else None
        doc.spans["entities"] = merge_entities(
            doc.text, doc.spans.get("mentions", []), layers, times=times, possessives=v2, sentences=sentences
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


@register(
    "extract.entities.merge.v3",
    requires=("spans.mentions", "spans.times", "spans.sentences"),
    assigns=("spans.entities",),
    description="Entities: v2's merge; v3 keeps a pack mention's form (demonym), lets a place inside a longer model "
    "name yield to it, drops model noise (languages, 'God', headings, sentence-initial common nouns) and extends "
    "'Checkpoint' to 'Checkpoint 14'.",
)
def make_entity_merger_v3() -> ComponentFn:
    """v2's merge with the entity-list fixes of the module docstring."""
    return _merger(v2=True, v3=True)
