"""Domain packs: curated actors (with every spelling they go by), roles, affiliations, places and anchor events.

A pack is a folder of YAML files — ``pack.yaml``, ``actors.yaml``, ``anchors.yaml`` — described in
docs/packs.md. Built-in packs live in this package (``mideast``); users load their own from any folder with
``load_pack("path/to/pack")`` or by name from a folder listed in ``STORYTRACE_PACKS``, without touching code.
"""

from __future__ import annotations

from storytrace.packs.loader import (
    AFFILIATION_KINDS,
    ENTITY_KINDS,
    PACKS_ENV,
    Actor,
    Affiliation,
    Anchor,
    Pack,
    PackError,
    Role,
    builtin_packs,
    clear_pack_cache,
    load_pack,
)
from storytrace.packs.names import name_key, name_tokens

__all__ = [
    "AFFILIATION_KINDS",
    "ENTITY_KINDS",
    "PACKS_ENV",
    "Actor",
    "Affiliation",
    "Anchor",
    "Pack",
    "PackError",
    "Role",
    "builtin_packs",
    "clear_pack_cache",
    "load_pack",
    "name_key",
    "name_tokens",
]
