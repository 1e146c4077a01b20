"""Plug in your own NER model: a spaCy pipeline or a Hugging Face token-classification model.

Both adapters write an ``entities_<name>`` layer that ``extract.entities.merge.v1`` folds into ``entities``
ahead of the shipped models, so pack identities still win and the plugged model fills in the rest:

    storytrace extract report.txt --pipeline \\
      clean.language.py3langid.v1,extract.sentences.rules.v1,extract.entities.gazetteer.v1,extract.entities.spacy.v1,extract.entities.merge.v1

with ``{"extract.entities.spacy.v1": {"model": "en_core_web_trf"}}`` as config (Python: ``storytrace.load(names,
config=...)``). The model runs on our sentences, so its offsets line up with every other layer. Labels are mapped
to ours (spaCy's PERSON -> PER, NORP stays NORP, FACILITY -> FAC, ...); any label we do not know is kept as is.

Neither spaCy nor transformers is a dependency of storytrace: install the one you use. Loading a model that is
not on disk fails when the pipeline is built, with the model's name in the message.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from storytrace.errors import PipelineError
from storytrace.model import Document, Span
from storytrace.pipeline import ComponentFn, register

__all__ = ["LABELS", "hf_entities", "make_hf_ner", "make_spacy_ner", "spacy_entities"]

# Other schemes' labels in ours (OntoNotes for spaCy's English models, CoNLL and WNUT for most HF models).
LABELS = {
    "PERSON": "PER",
    "PER": "PER",
    "ORG": "ORG",
    "ORGANIZATION": "ORG",
    "GPE": "GPE",
    "LOC": "LOC",
    "LOCATION": "LOC",
    "FAC": "FAC",
    "FACILITY": "FAC",
    "NORP": "NORP",
    "MISC": "MISC",
}
# Labels that are not names of actors or places (dates, amounts ...): times have their own component.
_SKIPPED = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"})


def _import(module: str, component: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise PipelineError(
            f"{component} needs the {module} package, which is not installed",
            hint=f"pip install {module}",
        ) from error


def _label(raw: str) -> str | None:
    raw = raw.upper().removeprefix("B-").removeprefix("I-")
    if raw in _SKIPPED:
        return None
    return LABELS.get(raw, raw)


def spacy_entities(nlp: Any, text: str, sentences: Sequence[Span], model: str) -> list[Span]:
    """Entities a spaCy ``nlp`` finds in each sentence, as spans into ``text``."""
    spans: list[Span] = []
    bounds = [(s.start_char, s.end_char) for s in sentences]
    for (start, _), parsed in zip(bounds, nlp.pipe(text[a:b] for a, b in bounds), strict=True):
        for ent in parsed.ents:
            label = _label(ent.label_)
            if label is not None:
                spans.append(Span(start + ent.start_char, start + ent.end_char, label, (("model", model),)))
    return spans


def hf_entities(tagger: Callable[[list[str]], Any], text: str, sentences: Sequence[Span], model: str) -> list[Span]:
    """Entities a Hugging Face token-classification pipeline (``aggregation_strategy="simple"``) finds."""
    bounds = [(s.start_char, s.end_char) for s in sentences]
    if not bounds:
        return []
    results = tagger([text[a:b] for a, b in bounds])
    if bounds and results and isinstance(results[0], dict):  # one input gives a flat list
        results = [results]
    spans: list[Span] = []
    for (start, end), found in zip(bounds, results, strict=True):
        for ent in found:
            label = _label(str(ent.get("entity_group") or ent.get("entity") or ""))
            a, b = int(ent["start"]), int(ent["end"])
            while a < b and text[start + a].isspace():  # word-piece tokenizers can include the leading space
                a += 1
            if label is None or not 0 <= a < b <= end - start:
                continue
            attrs = (("confidence", round(float(ent.get("score", 0.0)), 4)), ("model", model))
            spans.append(Span(start + a, start + b, label, attrs))
    return spans


@register(
    "extract.entities.spacy.v1",
    requires=("spans.sentences",),
    assigns=("spans.entities_spacy",),
    description="Named entities from a spaCy pipeline you provide (config: model = a package name or a folder).",
)
def make_spacy_ner(model: str | Any = "en_core_web_sm") -> ComponentFn:
    """Run a spaCy pipeline (a loaded ``Language``, an installed package name or a saved folder) per sentence."""
    if isinstance(model, str):
        spacy = _import("spacy", "extract.entities.spacy.v1")
        try:
            nlp = spacy.load(model)
        except OSError as error:
            raise PipelineError(
                f"cannot load the spaCy model {model!r}: {error}",
                hint="give an installed spaCy package name or the folder of a saved pipeline",
            ) from error
        name = model
    else:
        nlp, name = model, str(getattr(model, "meta", {}).get("name", "spacy"))

    def run(doc: Document) -> Document:
        doc.spans["entities_spacy"] = spacy_entities(nlp, doc.text, doc.spans.get("sentences", []), name)
        return doc

    return run


@register(
    "extract.entities.hf.v1",
    requires=("spans.sentences",),
    assigns=("spans.entities_hf",),
    description="Named entities from a Hugging Face token-classification model you provide (config: model = a folder).",
)
def make_hf_ner(model: str | Any = "", batch_size: int = 32) -> ComponentFn:
    """Run a Hugging Face token-classification model (a local folder, or a ready ``pipeline`` object)."""
    if isinstance(model, str):
        if not model:
            raise PipelineError(
                "extract.entities.hf.v1 needs a model",
                hint='set config {"extract.entities.hf.v1": {"model": "/path/to/model"}}',
            )
        transformers = _import("transformers", "extract.entities.hf.v1")
        try:
            tagger = transformers.pipeline("token-classification", model=model, aggregation_strategy="simple")
        except (OSError, ValueError) as error:
            raise PipelineError(
                f"cannot load the Hugging Face model {model!r}: {error}",
                hint="give the folder of a saved token-classification model (no model hub is used offline)",
            ) from error
        name = model
    else:
        tagger, name = model, "hf"

    def tag(texts: Iterable[str]) -> Any:
        return tagger(list(texts), batch_size=batch_size) if isinstance(model, str) else tagger(list(texts))

    def run(doc: Document) -> Document:
        doc.spans["entities_hf"] = hf_entities(tag, doc.text, doc.spans.get("sentences", []), name)
        return doc

    return run
