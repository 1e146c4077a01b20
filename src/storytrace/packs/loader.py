"""Reading and validating domain packs: a folder of YAML files (pack, actors, anchors) → a checked ``Pack``."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from storytrace.errors import PipelineError
from storytrace.packs.names import name_key

__all__ = [
    "AFFILIATION_KINDS",
    "ENTITY_KINDS",
    "Actor",
    "Affiliation",
    "Anchor",
    "Pack",
    "PackError",
    "Role",
    "builtin_packs",
    "clear_pack_cache",
    "load_pack",
]

ENTITY_KINDS = frozenset({"PER", "ORG", "GPE", "LOC", "FAC", "NORP"})
AFFILIATION_KINDS = frozenset(
    {"member_of", "part_of", "backed_by", "allied_with", "split_from", "successor_of", "located_in", "leader_of"}
)
BUILTIN_DIR = Path(__file__).resolve().parent
PACKS_ENV = "STORYTRACE_PACKS"  # extra folders searched for packs by name, separated like PATH

_PACK_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ENTITY_ID = re.compile(r"^[a-z0-9][a-z0-9-]*:[a-z]+/[a-z0-9][a-z0-9-]*$")
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_LINE = "__line__"


class PackError(PipelineError):
    """A domain pack cannot be found or does not validate; the locator is ``file:line``."""

    code = "ST410"
    default_hint = "fix the pack file; docs/packs.md describes the format"


@dataclass(frozen=True, slots=True)
class Role:
    """A position held by a person: "Prime Minister" of ``organisation`` from ``start`` to ``end`` (ISO dates)."""

    title: str
    organisation: str | None = None
    start: str | None = None
    end: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Affiliation:
    """A dated link from one actor to another: ``member_of``, ``backed_by`` …"""

    kind: str
    target: str
    start: str | None = None
    end: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Actor:
    """One entity of a pack with its canonical name and every spelling it goes by."""

    id: str
    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    # What its people are called ("Iraqi", "Iraqis"): a GPE only. A demonym mention links to the place and is
    # marked as a demonym (``form``) so that nationality can be read from it.
    demonyms: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    affiliations: tuple[Affiliation, ...] = ()
    coordinates: tuple[float, float] | None = None
    notes: str = ""
    sources: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical name first, then the aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Anchor:
    """An event that other dates are counted from ("the 39th day of the Gaza war")."""

    id: str
    names: tuple[str, ...]
    start: str
    end: str | None = None
    notes: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Pack:
    id: str
    name: str
    version: str
    licence: str
    description: str
    path: Path
    actors: tuple[Actor, ...] = ()
    anchors: tuple[Anchor, ...] = ()

    def actor(self, actor_id: str) -> Actor:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise KeyError(actor_id)


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of every mapping under ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=True)
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings ("2024-07-31"), as the model stores them.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path, *, required: bool) -> Any:
    if not path.is_file():
        if required:
            raise PackError(f"the pack has no {path.name}", locator=str(path.parent))
        return None
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise PackError(f"not valid YAML: {exc.problem or exc}", locator=where) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"cannot read the file: {exc}", locator=str(path)) from None


class _Entry:
    """One mapping of a pack file, with the helpers that turn its fields into typed values or clear errors."""

    def __init__(self, data: Any, path: Path, what: str, fields: set[str], line: int | None = None) -> None:
        if not isinstance(data, dict):
            raise PackError(
                f"{what} must be a mapping of fields, not {type(data).__name__}", locator=self._at(path, line)
            )
        self.data = data
        self.path = path
        self.line = data.get(_LINE, line)
        self.what = what
        unknown = sorted(str(k) for k in data if k != _LINE and k not in fields)
        if unknown:
            self.fail(f"unknown field {unknown[0]!r} (allowed: {', '.join(sorted(fields))})")

    @staticmethod
    def _at(path: Path, line: int | None) -> str:
        return f"{path}:{line}" if line else str(path)

    def fail(self, message: str) -> None:
        raise PackError(f"{self.what}: {message}", locator=self._at(self.path, self.line))

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None and not required:
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{key!r} must be a non-empty string" if key in self.data else f"{key!r} is missing")
        return str(value).strip()

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(f"{key!r} must be a list of non-empty strings")
        return tuple(v.strip() for v in value)

    def date(self, key: str, *, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(f"{key!r} is missing")
            return None
        value = str(value)
        if not _DATE.match(value):
            self.fail(f"{key!r} must be an ISO date like 2024-07-31, 2024-07 or 2024, not {value!r}")
        return value

    def period(self) -> tuple[str | None, str | None]:
        start, end = self.date("from"), self.date("to")
        if start and end and end < start:
            self.fail(f"'to' ({end}) is before 'from' ({start})")
        return start, end

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            self.fail(f"{key!r} must be a list")
        return list(value)


def _pack_meta(path: Path) -> dict[str, str]:
    file = path / "pack.yaml"
    entry = _Entry(
        _read_yaml(file, required=True), file, "pack", {"id", "name", "version", "licence", "description"}, 1
    )
    meta = {key: entry.text(key) for key in ("id", "name", "version", "licence")}
    meta["description"] = entry.text("description", required=False)
    if not _PACK_ID.match(meta["id"]):
        entry.fail(f"id {meta['id']!r} must be lower-case letters, digits and hyphens, like 'mideast'")
    return meta


_ACTOR_FIELDS = {
    "id",
    "kind",
    "name",
    "aliases",
    "demonyms",
    "roles",
    "affiliations",
    "coordinates",
    "notes",
    "sources",
}


def _actors(path: Path, pack_id: str) -> tuple[list[Actor], list[tuple[Actor, _Entry]]]:
    file = path / "actors.yaml"
    data = _read_yaml(file, required=False) or []
    if not isinstance(data, list):
        raise PackError("actors.yaml must be a list of entities", locator=str(file))
    actors: list[Actor] = []
    entries: list[tuple[Actor, _Entry]] = []
    for number, raw in enumerate(data, 1):
        entry = _Entry(raw, file, f"entity #{number}", _ACTOR_FIELDS)
        actor_id = entry.text("id")
        entry.what = f"entity {actor_id!r}"
        if not _ENTITY_ID.match(actor_id) or not actor_id.startswith(f"{pack_id}:"):
            entry.fail(f"the id must look like '{pack_id}:org/short-name' (the pack id, a type, a slug)")
        kind = entry.text("kind")
        if kind not in ENTITY_KINDS:
            entry.fail(f"kind {kind!r} is not one of {', '.join(sorted(ENTITY_KINDS))}")
        demonyms = entry.texts("demonyms")
        if demonyms and kind != "GPE":
            entry.fail(f"'demonyms' is for a GPE (a country, region or city), not a {kind}")
        roles = tuple(_role(item, file, entry) for item in entry.items("roles"))
        affiliations = tuple(_affiliation(item, file, entry) for item in entry.items("affiliations"))
        actor = Actor(
            id=actor_id,
            kind=kind,
            name=entry.text("name"),
            aliases=entry.texts("aliases"),
            demonyms=demonyms,
            roles=roles,
            affiliations=affiliations,
            coordinates=_coordinates(entry),
            notes=entry.text("notes", required=False),
            sources=entry.texts("sources"),
        )
        actors.append(actor)
        entries.append((actor, entry))
    return actors, entries


def _role(raw: Any, file: Path, owner: _Entry) -> Role:
    entry = _Entry(raw, file, f"{owner.what}, role", {"title", "org", "from", "to", "sources"}, owner.line)
    start, end = entry.period()
    org = entry.text("org", required=False) or None
    return Role(entry.text("title"), org, start, end, entry.texts("sources"))


def _affiliation(raw: Any, file: Path, owner: _Entry) -> Affiliation:
    entry = _Entry(raw, file, f"{owner.what}, affiliation", {"kind", "target", "from", "to", "sources"}, owner.line)
    kind = entry.text("kind")
    if kind not in AFFILIATION_KINDS:
        entry.fail(f"kind {kind!r} is not one of {', '.join(sorted(AFFILIATION_KINDS))}")
    start, end = entry.period()
    return Affiliation(kind, entry.text("target"), start, end, entry.texts("sources"))


def _coordinates(entry: _Entry) -> tuple[float, float] | None:
    value = entry.data.get("coordinates")
    if value is None:
        return None
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        and -90 <= value[0] <= 90
        and -180 <= value[1] <= 180
    ):
        return float(value[0]), float(value[1])
    entry.fail(f"coordinates must be [latitude, longitude] in degrees, not {value!r}")
    raise AssertionError  # unreachable: fail() raises


def _anchors(path: Path, pack_id: str) -> list[Anchor]:
    file = path / "anchors.yaml"
    data = _read_yaml(file, required=False) or []
    if not isinstance(data, list):
        raise PackError("anchors.yaml must be a list of anchor events", locator=str(file))
    anchors: list[Anchor] = []
    seen: set[str] = set()
    for number, raw in enumerate(data, 1):
        entry = _Entry(raw, file, f"anchor #{number}", {"id", "names", "from", "to", "notes", "sources"})
        anchor_id = entry.text("id")
        entry.what = f"anchor {anchor_id!r}"
        if not _ENTITY_ID.match(anchor_id) or not anchor_id.startswith(f"{pack_id}:"):
            entry.fail(f"the id must look like '{pack_id}:event/short-name'")
        if anchor_id in seen:
            entry.fail("the id is used twice")
        seen.add(anchor_id)
        names = entry.texts("names")
        if not names:
            entry.fail("'names' must list at least one name")
        entry.date("from", required=True)
        start, end = entry.period()
        assert start is not None
        anchors.append(
            Anchor(anchor_id, names, start, end, entry.text("notes", required=False), entry.texts("sources"))
        )
    return anchors


def _check_references(pack_id: str, entries: list[tuple[Actor, _Entry]]) -> None:
    ids: dict[str, _Entry] = {}
    for actor, entry in entries:
        if actor.id in ids:
            entry.fail(f"the id is already used at line {ids[actor.id].line}")
        ids[actor.id] = entry
    for actor, entry in entries:
        targets = [r.organisation for r in actor.roles if r.organisation] + [a.target for a in actor.affiliations]
        for target in targets:
            # References into other packs ("mideast:org/hamas" from a user pack) are checked when both are loaded.
            if target.startswith(f"{pack_id}:") and target not in ids:
                entry.fail(f"refers to {target!r}, which is not in this pack")
    # Two entities answering to the same normalised name would make every mention of it a coin toss.
    owners: dict[tuple[str, ...], tuple[str, str]] = {}
    for actor, entry in entries:
        for alias in (*actor.names, *actor.demonyms):
            key = name_key(alias)
            if not key:
                entry.fail(f"alias {alias!r} has no letters or digits to match")
            other = owners.setdefault(key, (actor.id, alias))
            if other[0] != actor.id:
                entry.fail(
                    f"alias {alias!r} reads the same as {other[1]!r} of {other[0]!r} once normalised "
                    f"({' '.join(key).strip(chr(0))}); remove one or make it longer"
                )


def _read_pack(path: Path) -> Pack:
    if not path.is_dir():
        raise PackError("a pack must be a folder holding pack.yaml", locator=str(path))
    meta = _pack_meta(path)
    actors, entries = _actors(path, meta["id"])
    _check_references(meta["id"], entries)
    return Pack(
        id=meta["id"],
        name=meta["name"],
        version=meta["version"],
        licence=meta["licence"],
        description=meta["description"],
        path=path,
        actors=tuple(actors),
        anchors=tuple(_anchors(path, meta["id"])),
    )


def _search_dirs() -> Iterator[Path]:
    for folder in os.environ.get(PACKS_ENV, "").split(os.pathsep):
        if folder:
            yield Path(folder)
    yield BUILTIN_DIR


def builtin_packs() -> list[str]:
    """The names of the packs shipped with storytrace."""
    return sorted(p.name for p in BUILTIN_DIR.iterdir() if (p / "pack.yaml").is_file())


_CACHE: dict[Path, Pack] = {}


def clear_pack_cache() -> None:
    _CACHE.clear()


def _resolve(path_or_name: str | os.PathLike[str]) -> Path:
    text = os.fspath(path_or_name)
    if os.sep in text or "/" in text or text.startswith(".") or isinstance(path_or_name, Path):
        return Path(text).expanduser().resolve()
    for folder in _search_dirs():
        candidate = folder / text
        if (candidate / "pack.yaml").is_file():
            return candidate.resolve()
    if Path(text).is_dir():
        return Path(text).resolve()
    raise PackError(
        f"no pack named {text!r} (built in: {', '.join(builtin_packs()) or 'none'})",
        hint=f"give the path of a pack folder, or add its parent folder to {PACKS_ENV}",
    )


def load_pack(path_or_name: str | os.PathLike[str]) -> Pack:
    """A pack by built-in name ("mideast"), by name in a ``STORYTRACE_PACKS`` folder, or by folder path; cached."""
    path = _resolve(path_or_name)
    pack = _CACHE.get(path)
    if pack is None:
        pack = _CACHE[path] = _read_pack(path)
    return pack
