"""Entity resolution across reports: every mention of the `entities` layer linked to one entity, with the reason.

Decisions, strongest first:

1. **pack**: a mention the gazetteer matched carries its domain-pack id; all spellings the pack lists
   (transliterations, Arabic script, acronyms) are one entity by construction.
2. **short form in the report**: a one-word name ("Qutrubi", "Mr Qandusi") whose key is the last word of a
   fuller name of the same kind earlier in the same report joins that name's entity. Titles are stripped first.
3. **same name**: other mentions are keyed by their folded name (``storytrace.packs.names.name_key``: case,
   accents, apostrophes, al-/el-, ou/u, e/i, doubled letters) within a kind family (person / organisation /
   place); equal keys across reports are one entity.
4. **short form in the pile**: a one-word person name no report expands is linked to the only person entity
   whose name ends with it, when there is exactly one; otherwise it stays an entity of its own.

Then the analyst's judgements are applied (``merge A B``: B's mentions join A; ``split A ALIAS``: the mentions
written as ALIAS leave A for an entity of their own), so re-runs never undo them.

Known gaps: spellings the folding does not cover ("Hizballah" vs "Hezbollah" outside a pack), Arabic script
outside packs, and aliases introduced in text ("known as Abu Z") are not used yet.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from storytrace.model import make_id
from storytrace.packs.names import name_key

__all__ = ["EntityResolution", "MentionIn", "family", "resolve_entities", "strip_title"]

_FAMILIES = {"PER": "person", "ORG": "group", "NORP": "group", "GPE": "place", "LOC": "place", "FAC": "place"}
_TITLES = re.compile(
    r"^(?:(?:mr|mrs|ms|miss|dr|prof|sheikh|shaikh|sayyed|imam|brigadier|general|gen|brig|col|colonel|major|"
    r"maj|capt|captain|lt|lieutenant|minister|president|prime minister|premier|king|prince|emir|sir|"
    r"commander|judge|mp|senator|sen|rep|ambassador)\.?\s+)+",
    re.IGNORECASE,
)


def family(label: str) -> str:
    """Labels that can name the same thing: PER; ORG/NORP; GPE/LOC/FAC; anything else by itself."""
    return _FAMILIES.get(label, label.lower())


def strip_title(name: str) -> str:
    """ "Mr Qandusi" -> "Qandusi", "Brigadier General Zaid Armoush" -> "Zaid Armoush"."""
    stripped = _TITLES.sub("", name.strip())
    return stripped or name.strip()


@dataclass(frozen=True, slots=True)
class MentionIn:
    """One entity span of one report, as the resolver reads it."""

    doc_id: str
    start_char: int
    end_char: int
    text: str
    label: str
    pack_id: str | None = None
    pack_name: str | None = None
    published: str | None = None


@dataclass(slots=True)
class EntityResolution:
    """Mentions linked to entities: ``links[(doc, start, end)] = (entity id, score, method, explanation)``."""

    links: dict[tuple[str, int, int], tuple[str, float, str, str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # entity id -> label
    names: dict[str, str] = field(default_factory=dict)  # entity id -> canonical name
    pack_ids: dict[str, str] = field(default_factory=dict)
    keys: dict[tuple[str, int, int], tuple[str, ...]] = field(default_factory=dict)  # mention -> its name key

    def entity_of(self, doc_id: str, start: int, end: int) -> str | None:
        link = self.links.get((doc_id, start, end))
        return link[0] if link else None


def _key(text: str) -> tuple[str, ...]:
    return name_key(strip_title(text))


def resolve_entities(
    mentions: Iterable[MentionIn],
    merges: Sequence[tuple[str, str]] = (),
    splits: Sequence[tuple[str, str]] = (),
) -> EntityResolution:
    """Link every mention to an entity (see the module docstring for the order of decisions)."""
    result = EntityResolution()
    by_doc: dict[str, list[MentionIn]] = defaultdict(list)
    for m in mentions:
        by_doc[m.doc_id].append(m)
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    pending_short: list[tuple[MentionIn, tuple[str, ...]]] = []

    def link(m: MentionIn, entity: str, score: float, method: str, why: str) -> None:
        result.links[(m.doc_id, m.start_char, m.end_char)] = (entity, score, method, why)
        result.keys[(m.doc_id, m.start_char, m.end_char)] = _key(m.text)
        result.kinds.setdefault(entity, m.label)
        surfaces[entity][strip_title(m.text)] += 1

    for doc_mentions in by_doc.values():
        doc_mentions.sort(key=lambda m: m.start_char)
        fuller: dict[tuple[str, str], str] = {}  # (family, last key) -> entity of a longer name in this report
        for m in doc_mentions:
            fam = family(m.label)
            if m.pack_id:
                link(m, m.pack_id, 1.0, "pack", f"a spelling of {m.pack_name or m.pack_id} in the domain pack")
                result.names[m.pack_id] = m.pack_name or m.text
                result.pack_ids[m.pack_id] = m.pack_id
                key = _key(m.text)
                if key:
                    fuller.setdefault((fam, key[-1]), m.pack_id)
                continue
            key = _key(m.text)
            if not key:
                continue
            if len(key) == 1 and (fam, key[0]) in fuller:
                entity = fuller[(fam, key[0])]
                link(m, entity, 0.9, "short_form", f"{m.text!r} shortens a fuller name earlier in the same report")
                continue
            entity = make_id("ent", fam, *key)
            if len(key) == 1 and fam == "person":
                pending_short.append((m, key))
            else:
                link(m, entity, 0.8, "same_name", f"same name after normalising spelling ({' '.join(key)})")
            if len(key) > 1:
                fuller.setdefault((fam, key[-1]), entity)

    # One-word person names no report expanded: the only person entity whose name ends with it, if unique.
    last_word: dict[str, set[str]] = defaultdict(set)
    for entity, label in result.kinds.items():
        if family(label) == "person":
            for surface in surfaces[entity]:
                key = _key(surface)
                if len(key) > 1:
                    last_word[key[-1]].add(entity)
    for m, key in pending_short:
        candidates = last_word.get(key[0], set())
        if len(candidates) == 1:
            entity = next(iter(candidates))
            link(m, entity, 0.6, "short_form_pile", f"{m.text!r} is the surname of the only such person in the pile")
        else:
            link(m, make_id("ent", "person", *key), 0.8, "same_name", "a one-word name no report expands")

    _apply_judgements(result, merges, splits)
    for entity, counts in surfaces.items():
        result.names.setdefault(entity, max(counts, key=lambda s: (len(_key(s)), counts[s], s)))
    return result


def _apply_judgements(
    result: EntityResolution, merges: Sequence[tuple[str, str]], splits: Sequence[tuple[str, str]]
) -> None:
    """Analyst decisions win: merges repoint links, splits move one alias's mentions to their own entity."""
    target: dict[str, str] = {}

    def find(entity: str) -> str:
        while entity in target:
            entity = target[entity]
        return entity

    for keep, other in merges:
        a, b = find(keep), find(other)
        if a != b:
            target[b] = a
    for mention, (entity, _score, _method, _why) in list(result.links.items()):
        final = find(entity)
        if final != entity:
            result.links[mention] = (final, 1.0, "judgement", f"merged by an analyst into {final}")
            result.kinds.setdefault(final, result.kinds.get(entity, ""))
    for entity, alias in splits:
        key, entity = _key(alias), find(entity)
        new = make_id("ent", "split", entity, *key)
        for mention, (linked, *_rest) in list(result.links.items()):
            if linked == entity and result.keys.get(mention) == key:
                result.links[mention] = (new, 1.0, "judgement", f"split from {entity} by an analyst ({alias!r})")
                result.kinds[new] = result.kinds.get(entity, "")
                result.names[new] = alias
