"""storytrace: turn a pile or a stream of news reports into a sourced, cross-checked dossier.

    import storytrace
    with storytrace.open_store("story.db") as store:
        report = storytrace.ingest_inputs(store, ["examples/demo"])
        doc = store.get_document("MW-2025-0412")

    nlp = storytrace.load()          # the per-article pipeline, without a store
    doc = nlp("BAGHDAD, Jan 5 - A drone struck a base, officials said.", published="2025-01-05")

The library attaches only a NullHandler to its logger; the CLI decides what is shown.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from storytrace.annotator import Annotator
    from storytrace.batch import IngestOptions, IngestReport
    from storytrace.errors import StorytraceError
    from storytrace.model import Document
    from storytrace.store import Store

__all__ = [
    "Annotator",
    "Document",
    "IngestOptions",
    "IngestReport",
    "Store",
    "StorytraceError",
    "__version__",
    "ingest_inputs",
    "load",
    "open_store",
]

# Imported on first use, so `import storytrace` (and the CLI's start) stays fast.
_LAZY = {
    "Annotator": "storytrace.annotator",
    "Document": "storytrace.model",
    "IngestOptions": "storytrace.batch",
    "IngestReport": "storytrace.batch",
    "Store": "storytrace.store",
    "StorytraceError": "storytrace.errors",
}


def open_store(path: str | Path = "storytrace.db") -> Store:
    """Open (or create) a store; use it as a context manager."""
    from storytrace.store import Store

    return Store(path)


def ingest_inputs(store: Store, inputs: list[str], options: IngestOptions | None = None) -> IngestReport:
    """Ingest paths, folders, URLs, feeds or ``-`` into ``store`` (``storytrace.ingest`` is the reader package)."""
    from storytrace.batch import ingest

    return ingest(store, inputs, options)


def load(
    pipeline: str | Sequence[str] = "default",
    *,
    packs: Sequence[str] = (),
    config: dict[str, dict[str, Any]] | None = None,
) -> Annotator:
    """The per-article pipeline ("default", "fast", … or component names) as a callable: text -> Document.

    ``packs`` adds domain packs before the built-in mideast; ``config`` maps component names to their settings.
    """
    from storytrace.annotator import load as _load

    return _load(pipeline, packs=packs, config=config)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'storytrace' has no attribute {name!r}")
