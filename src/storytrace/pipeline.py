"""The component registry and the per-document pipeline: versioned ``Document -> Document`` stages.

A component is registered under a versioned name (``clean.language.py3langid.v1``) with what it
``requires`` and ``assigns``; a pipeline is a list of names, checked when it is built, so a missing
prerequisite fails before the first document rather than halfway through a batch. Built-in components
register through the same decorator a third party uses; other packages add theirs through the
``storytrace.components`` entry-point group.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from storytrace.errors import PipelineError
from storytrace.model import Document

__all__ = [
    "BASE_ASSIGNS",
    "DEFAULT_INGEST_PIPELINE",
    "PACK_READERS",
    "PIPELINES",
    "ComponentFn",
    "ComponentInfo",
    "Pipeline",
    "get_component",
    "pack_config",
    "register",
    "registered_components",
]

ComponentFn = Callable[[Document], Document]

# What every cleaned Document carries before any component runs.
BASE_ASSIGNS = frozenset({"doc.text", "doc.title", "doc.url", "doc.outlet", "doc.published", "doc.trims"})

# Modules holding the built-in components, imported on first use of the registry: the language detector and
# every module of the `storytrace.extract` package (one module per product: sentences, times, ...).
_BUILTIN_MODULES = ("storytrace.clean.language",)
_BUILTIN_PACKAGES = ("storytrace.extract",)

# Named pipelines for `storytrace ingest`, `extract` and `process` (``--pipeline NAME``): "default" is the most
# accurate we ship and what ingest runs (MiniLM NER, the MiniLM attribution tagger behind the CRF, ONNX); "crf" has
# the CRF NER and the rules' attributions instead (no transformer, a third of the memory); "fast" leaves out the
# statistical models; "light" only detects the language (for piles to annotate later with `storytrace process`).
# Speeds and scores: docs/benchmarks.md.
_LIGHT = ("clean.language.py3langid.v1",)
_FAST = (
    *_LIGHT,
    "extract.sentences.rules.v1",
    "extract.times.rules.v7",
    "extract.entities.gazetteer.v2",
    "extract.entities.merge.v3",
    "extract.events.rules.v4",
    "extract.attributions.rules.v3",
    "extract.relations.rules.v1",
    "extract.claims.rules.v6",
)
PIPELINES: dict[str, tuple[str, ...]] = {
    "light": _LIGHT,
    "fast": _FAST,
    "default": (
        *_LIGHT,
        "extract.sentences.rules.v1",
        "extract.times.rules.v7",
        "extract.entities.gazetteer.v2",
        "extract.entities.minilm.v4",
        "extract.entities.merge.v3",
        "extract.events.rules.v4",
        "extract.attributions.minilm.v5",
        "extract.relations.rules.v1",
        "extract.claims.rules.v6",
    ),
    "crf": (*_FAST[:4], "extract.entities.crf.v1", *_FAST[4:]),
}
DEFAULT_INGEST_PIPELINE = PIPELINES["default"]

# The components that read domain packs (actors and their spellings, anchor events).
PACK_READERS = (
    "extract.entities.gazetteer.v1",
    "extract.entities.gazetteer.v2",
    "extract.times.rules.v1",
    "extract.times.rules.v2",
    "extract.times.rules.v3",
    "extract.times.rules.v4",
    "extract.times.rules.v5",
    "extract.times.rules.v6",
    "extract.times.rules.v7",
    "extract.times.rules_crf.v1",
)


def pack_config(packs: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Settings that give every pack reader the user's packs (folders or names) before the built-in mideast."""
    if not packs:
        return {}
    return {name: {"packs": [*packs, "mideast"]} for name in PACK_READERS}  # the user's packs win ties


@dataclass(frozen=True, slots=True)
class ComponentInfo:
    name: str
    factory: Callable[..., ComponentFn]
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()
    description: str = ""
    module: str = ""


_REGISTRY: dict[str, ComponentInfo] = {}
_loaded = False


def register(
    name: str, *, requires: Iterable[str] = (), assigns: Iterable[str] = (), description: str = ""
) -> Callable[[Callable[..., ComponentFn]], Callable[..., ComponentFn]]:
    """Register a component factory: ``factory(**config) -> (Document -> Document)``."""
    parts = name.split(".")
    if len(parts) < 3 or not parts[-1].startswith("v") or not parts[-1][1:].isdigit():
        raise PipelineError(
            f"component name {name!r} must be dotted and end in a version, like 'extract.quotes.rules.v1'"
        )

    def decorator(factory: Callable[..., ComponentFn]) -> Callable[..., ComponentFn]:
        existing = _REGISTRY.get(name)
        if existing is not None and existing.factory is not factory:
            raise PipelineError(
                f"component {name!r} is already registered by {existing.module}",
                hint="a changed behaviour needs a new version in its name",
            )
        doc = (factory.__doc__ or "").strip().splitlines()
        _REGISTRY[name] = ComponentInfo(
            name=name,
            factory=factory,
            requires=tuple(requires),
            assigns=tuple(assigns),
            description=description or (doc[0] if doc else ""),
            module=factory.__module__,
        )
        return factory

    return decorator


def _load_builtins() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in _BUILTIN_MODULES:
        importlib.import_module(module)
    for package in _BUILTIN_PACKAGES:
        path = importlib.import_module(package).__path__
        for info in pkgutil.iter_modules(path):
            if not info.name.startswith("_"):
                importlib.import_module(f"{package}.{info.name}")
    for entry in entry_points(group="storytrace.components"):
        entry.load()


def registered_components() -> list[ComponentInfo]:
    _load_builtins()
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def get_component(name: str) -> ComponentInfo:
    _load_builtins()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise PipelineError(f"no component named {name!r} (registered: {known})") from None


@dataclass(slots=True)
class Pipeline:
    """An ordered, validated list of components; calling it runs a Document through all of them."""

    names: tuple[str, ...]
    config: dict[str, dict[str, Any]] = field(default_factory=dict)
    steps: list[tuple[str, ComponentFn]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        available = set(BASE_ASSIGNS)
        for name in self.names:
            info = get_component(name)
            missing = [need for need in info.requires if need not in available]
            if missing:
                raise PipelineError(
                    f"component {name!r} requires {', '.join(missing)}, which no earlier component assigns",
                    hint="put a component that assigns it before this one",
                )
            available.update(info.assigns)
            self.steps.append((name, info.factory(**self.config.get(name, {}))))

    @classmethod
    def from_names(cls, names: Sequence[str], config: dict[str, dict[str, Any]] | None = None) -> Pipeline:
        return cls(tuple(names), config or {})

    def __call__(self, doc: Document) -> Document:
        text = doc.text
        for name, step in self.steps:
            before = dict(doc.spans)  # to tell which layers this step made, for provenance
            result = step(doc)
            if not isinstance(result, Document):
                raise PipelineError(
                    f"component {name!r} returned {type(result).__name__} instead of a Document",
                    hint="a component must return the Document it was given",
                )
            if result.text is not text and result.text != text:
                raise PipelineError(
                    f"component {name!r} changed the document text",
                    hint="the cleaned text is immutable; add spans instead of editing it",
                )
            for layer, spans in result.spans.items():
                if before.get(layer) is not spans:
                    result.layer_sources[layer] = name
            doc = result
        return doc
