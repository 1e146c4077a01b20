"""Exports of a resolved store in the formats other tools read, through one registry of formats.

Each module of this package registers its formats with ``@register_format``, the hook a third-party exporter
would use too (``storytrace export`` lists what is registered): ``json``/``jsonl`` (the dossier, schema in
docs/dossier.md), ``csv`` (events in ACLED-like columns), ``graphml``/``gexf`` (the actor and affiliation graph,
for Gephi), ``ftm`` (FollowTheMoney entities, for Aleph/OpenAleph) and ``stix`` (a STIX 2.1 bundle). A writer
takes an ``ExportContext`` (the store and the domain packs' actors, for coordinates and curated affiliations) and a
text stream; docs/exports.md documents each format with an example from the demo store.

Known gaps: an export reads the dossier tables as the last `storytrace resolve` left them; it does not re-resolve.
Packs are not recorded in the store, so a user pack must be given again (``--pack``) for its coordinates and
affiliations; the built-in pack and packs found by name (``STORYTRACE_PACKS``) are loaded on their own.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from storytrace.errors import NotFound, StorytraceError
from storytrace.packs.loader import Actor, load_pack
from storytrace.report.dossier import SECTIONS
from storytrace.store import Store

__all__ = [
    "ExportContext",
    "ExportFormat",
    "Writer",
    "export_formats",
    "load_context",
    "pack_actors",
    "register_format",
    "write_export",
]

log = logging.getLogger(__name__)

BUILTIN_PACK = "mideast"

Writer = Callable[["ExportContext", IO[str]], None]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One registered format: ``write(context, out)`` writes the whole export as text to ``out``."""

    name: str
    description: str
    extension: str
    media_type: str
    write: Writer


@dataclass(slots=True)
class ExportContext:
    """What every writer reads: the resolved store, and the packs' actors by id (coordinates, affiliations)."""

    store: Store
    actors: dict[str, Actor] = field(default_factory=dict)

    def records(self, section: str) -> Iterator[dict[str, Any]]:
        """The dossier's records of one section (documents, entities, claims …), as `export json` has them."""
        return SECTIONS[section](self.store)


_FORMATS: dict[str, ExportFormat] = {}
_LOADED = False


def register_format(name: str, *, description: str, extension: str, media_type: str) -> Callable[[Writer], Writer]:
    """Register ``write(context, out)`` as export format ``name`` (a later registration of a name replaces it)."""

    def decorate(write: Writer) -> Writer:
        _FORMATS[name] = ExportFormat(name, description, extension, media_type, write)
        return write

    return decorate


def export_formats() -> dict[str, ExportFormat]:
    """Every registered format by name; the built-in ones are imported on first use."""
    global _LOADED
    if not _LOADED:
        _LOADED = True
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
    return dict(sorted(_FORMATS.items()))


def _check_resolved(store: Store) -> None:
    documents = store.count_documents()
    if not documents:
        raise NotFound(f"nothing to export: the store {store.path} holds no documents", hint="run `storytrace ingest`")
    resolved = store.db.execute("SELECT EXISTS (SELECT 1 FROM entities) OR EXISTS (SELECT 1 FROM claims)").fetchone()
    if not resolved[0]:
        raise NotFound(
            f"the store {store.path} holds {documents} document{'s' if documents != 1 else ''} but no resolved dossier",
            hint=f"run `storytrace resolve --db {store.path}` first",
        )


def _pack_names(store: Store, packs: Iterable[str]) -> list[str]:
    named = [
        str(r[0])
        for r in store.db.execute(
            "SELECT DISTINCT substr(pack_id, 1, instr(pack_id, ':') - 1) FROM entities WHERE pack_id IS NOT NULL"
        )
    ]
    return list(dict.fromkeys([*packs, BUILTIN_PACK, *named]))


def pack_actors(store: Store, packs: Sequence[str] = ()) -> dict[str, Actor]:
    """The actors of the given packs, the built-in one and the packs the store's entities name, by id.

    A pack the user gave must load (its error is raised); one only named by the store is skipped with a log line.
    """
    actors: dict[str, Actor] = {}
    for name in _pack_names(store, packs):
        try:
            pack = load_pack(name)
        except StorytraceError as exc:
            if name in packs:
                raise
            log.info("pack %s not loaded (give it with --pack for its coordinates): %s", name, exc.message)
            continue
        for actor in pack.actors:
            actors.setdefault(actor.id, actor)
    return actors


def load_context(store: Store, packs: Sequence[str] = ()) -> ExportContext:
    """Check that the store is resolved and load its packs' actors (``pack_actors``)."""
    _check_resolved(store)
    return ExportContext(store, pack_actors(store, packs))


def write_export(store: Store, fmt: str, out: IO[str], *, packs: Sequence[str] = ()) -> None:
    """Write the store in format ``fmt`` to ``out``."""
    formats = export_formats()
    if fmt not in formats:
        raise NotFound(f"no export format {fmt!r}", hint=f"choose one of {', '.join(formats)}")
    formats[fmt].write(load_context(store, packs), out)
