"""`storytrace.load()`: the per-article pipeline as a callable, for use from Python without a store.

    import storytrace
    nlp = storytrace.load()                      # the default pipeline with the built-in mideast pack
    doc = nlp("BAGHDAD, Jan 5 - A drone struck a base, officials said.", published="2025-01-05")
    for span in doc.spans["attributions"]:
        print(doc.span_text(span), dict(span.attrs)["source"])

The Document is the same object `storytrace extract` prints and the store keeps.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from storytrace.clean import clean_item
from storytrace.model import DateVia, Document, RawItem
from storytrace.pipeline import PIPELINES, Pipeline, pack_config

__all__ = ["Annotator", "load"]


class Annotator:
    """Cleans and annotates texts with one pipeline, built (and its models loaded) once."""

    def __init__(self, names: Sequence[str], config: dict[str, dict[str, Any]] | None = None) -> None:
        self.names = tuple(names)
        self.pipeline = Pipeline.from_names(self.names, config)

    def __call__(
        self,
        text: str,
        *,
        kind: str = "text",
        title: str | None = None,
        published: str | None = None,
        outlet: str | None = None,
        url: str | None = None,
        original_id: str | None = None,
        locator: str = "<python>",
    ) -> Document:
        """Annotate one report given as plain text (``kind="html"`` or ``"markdown"`` for those)."""
        raw = RawItem(
            locator=locator,
            content=text,
            kind=kind,
            url=url,
            original_id=original_id,
            outlet=outlet,
            title=title,
            published=published,
            published_via=DateVia.USER if published else None,
        )
        return self.pipeline(clean_item(raw))

    def pipe(self, texts: Iterable[str]) -> Iterator[Document]:
        """Annotate many plain texts, one Document each, in order."""
        for text in texts:
            yield self(text)

    def __repr__(self) -> str:
        return f"Annotator({', '.join(self.names)})"


def load(
    pipeline: str | Sequence[str] = "default",
    *,
    packs: Sequence[str] = (),
    config: dict[str, dict[str, Any]] | None = None,
) -> Annotator:
    """An Annotator for a named pipeline ("default", "fast", …) or a list of component names.

    ``packs`` adds domain packs (folders or built-in names) before the built-in ``mideast``; ``config`` sets
    any component's parameters by its name, and wins over ``packs``.
    """
    names = PIPELINES[pipeline] if isinstance(pipeline, str) and pipeline in PIPELINES else pipeline
    if isinstance(names, str):
        names = tuple(n.strip() for n in names.split(",") if n.strip())
    merged = pack_config(packs)
    for name, settings in (config or {}).items():
        merged.setdefault(name, {}).update(settings)
    return Annotator(names, merged)
