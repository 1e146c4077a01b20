"""``csv``: the story's events in ACLED-like columns, one row per event merged across reports.

Types map from our ontology (extract/event_types.yaml) to ACLED's event and sub-event types (``ACLED_TYPES``);
two are refined by what the reports say: an attack or killing whose targets are soldiers, police, a convoy or a
checkpoint is a battle, one on civilians is violence against civilians (ACLED's "Attack"); a bombing is a suicide
bomb or a grenade when the sentence says so; a protest is a riot when it is called one. Types ACLED does not code
(statements, meetings, appeals, aid …, see ``UNCODED``) are left out, and so is an event every report of which
denies it, puts it in the future or makes it conditional ("No agreement was reached", "talks may resume").

Columns: ACLED's names where the meaning is the same (``event_id_cnty`` holds our event id, ``time_precision`` is
ACLED's 1 day / 2 week or range / 3 month or longer), plus ``date_precision`` (ours), ``storytrace_type``,
``source_count`` (reports of the event) and ``documents`` (their ids). ``actor1``/``actor2`` are the agent and
target sides: the resolved entity's canonical name, else the report's own words ("fighters"); the other names of
a side go to ``assoc_actor_1``/``assoc_actor_2``. ``fatalities`` is the lowest number of killed any report gives
(ACLED's conservative rule), empty when none gives one; ``notes`` holds the first report's sentence, who else
reported it, every report's casualty wording when they differ or are not plain numbers, and conflicting dates.
``latitude``/``longitude``, ``country`` and ``admin1`` come from the domain pack (coordinates, ``located_in``).

Known gaps: ``event_date`` is the reconciled date as precise as reports give it (``2025-03`` for a month), not a
day picked inside the range; no ``interaction`` code, ``disorder_type`` or ``source_scale``; the civilian/military
refinement reads target words, so an attack with no stated target is a battle; actors come from the event
extractor, which has no coreference ("the group" stays as written).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from storytrace.report.exports import ExportContext, register_format
from storytrace.report.exports.actor_graph import EntityResolver, place_chain

__all__ = ["ACLED_TYPES", "COLUMNS", "UNCODED", "acled_type", "event_rows"]

BATTLES = "Battles"
REMOTE = "Explosions/Remote violence"
CIVILIANS = "Violence against civilians"
PROTESTS = "Protests"
RIOTS = "Riots"
STRATEGIC = "Strategic developments"

# Our event type -> (ACLED event type, sub-event type) before refinement.
ACLED_TYPES: dict[str, tuple[str, str]] = {
    "armed_clash": (BATTLES, "Armed clash"),
    "attack": (BATTLES, "Armed clash"),
    "killing": (CIVILIANS, "Attack"),
    "abduction": (CIVILIANS, "Abduction/forced disappearance"),
    "air_strike": (REMOTE, "Air/drone strike"),
    "drone_strike": (REMOTE, "Air/drone strike"),
    "shelling": (REMOTE, "Shelling/artillery/missile attack"),
    "bombing": (REMOTE, "Remote explosive/landmine/IED"),
    "protest": (PROTESTS, "Peaceful protest"),
    "arrest": (STRATEGIC, "Arrests"),
    "agreement": (STRATEGIC, "Agreement"),
    "ceasefire": (STRATEGIC, "Agreement"),
    "talks": (STRATEGIC, "Agreement"),  # ACLED's Agreement covers peace talks and negotiations
    "office_opening": (STRATEGIC, "Headquarters or base established"),
    "relocation": (STRATEGIC, "Change to group/activity"),
    "deployment": (STRATEGIC, "Change to group/activity"),
    "withdrawal": (STRATEGIC, "Change to group/activity"),
    "siege": (STRATEGIC, "Other"),
    "displacement": (STRATEGIC, "Other"),
    "coercion": (STRATEGIC, "Other"),
    "arms_transfer": (STRATEGIC, "Other"),  # a delivery of weapons to an armed party: a strategic development
}
# Verbal and cooperative types: ACLED codes political violence, demonstrations and strategic developments only.
UNCODED = frozenset(
    {
        "meeting",
        "visit",
        "statement",
        "accusation",
        "threat",
        "demand",
        "appeal",
        "denial",
        "appointment",
        "resignation",
        "sanction",
        "aid",
        "support",
        "cooperation",
        "concession",
        "legal_action",
        "release",  # events v3: a release from custody (CAMEO 0841); ACLED has no such type
    }
)

COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "date_precision",
    "event_type",
    "sub_event_type",
    "storytrace_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "source",
    "source_count",
    "fatalities",
    "notes",
    "tags",
    "documents",
)

_TIME_PRECISION = {"day": "1", "week": "2", "range": "2", "month": "3", "season": "3", "year": "3"}
_MILITARY = re.compile(
    r"\b(soldiers?|troops?|army|forces|police(men)?|officers?|convoy|checkpoints?|patrols?|base|garrison|"
    r"fighters|militants|gunmen|guards?|militia(men)?|servicemen|personnel|positions?)\b",
    re.IGNORECASE,
)
_CIVILIAN = re.compile(
    r"\b(civilians?|residents?|villagers?|people|protesters|demonstrators|journalists?|workers?|children|women|"
    r"famil(y|ies)|farmers?|worshippers|students?|passengers?|shoppers|patients|refugees|displaced)\b",
    re.IGNORECASE,
)
_ASSERTED = frozenset({"asserted", ""})
# What a spreadsheet or ACLED tool reads as a date: calendar dates as precise as known, and ISO weeks.
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?|-W\d{2})?$")


@dataclass(slots=True)
class _Report:
    doc_id: str
    outlet: str | None
    published: str | None
    sentence: str
    attrs: dict[str, Any]


@dataclass(slots=True)
class _Sides:
    names: Counter[str] = field(default_factory=Counter)

    def add(self, name: str) -> None:
        self.names[name] += 1

    def main(self) -> tuple[str, str]:
        ranked = [n for n, _ in sorted(self.names.items(), key=lambda kv: (-kv[1], kv[0]))]
        return (ranked[0], "; ".join(ranked[1:])) if ranked else ("", "")


def acled_type(our_type: str, reports: list[dict[str, Any]], sentences: list[str]) -> tuple[str, str] | None:
    """ACLED's (event type, sub-event type) for one event, refined by its targets and wording; None if uncoded."""
    mapped = ACLED_TYPES.get(our_type)
    if mapped is None:
        return None
    targets = " ".join(str(t.get("text") or "") for a in reports for t in a.get("targets") or [])
    text = " ".join(sentences).lower()
    if our_type in ("attack", "killing"):
        if _MILITARY.search(targets):
            return BATTLES, "Armed clash"
        if _CIVILIAN.search(targets):
            return CIVILIANS, "Attack"
    if our_type == "bombing":
        if "suicide" in text:
            return REMOTE, "Suicide bomb"
        if "grenade" in text:
            return REMOTE, "Grenade"
    if our_type == "protest" and re.search(r"\briot(s|ed|ing|ers?)?\b", text):
        return RIOTS, "Violent demonstration"
    return mapped


def _reports_by_event(context: ExportContext) -> dict[str, list[_Report]]:
    rows = context.store.db.execute(
        "SELECT m.event_id, m.doc_id, s.attrs, d.outlet, d.published_at, "
        "substr(d.text, json_extract(s.attrs, '$.sentence[0]') + 1, "
        "json_extract(s.attrs, '$.sentence[1]') - json_extract(s.attrs, '$.sentence[0]')) AS sentence "
        "FROM event_mentions m JOIN documents d ON d.id = m.doc_id "
        "JOIN spans s ON s.doc_id = m.doc_id AND s.layer = 'events' AND s.start_char = m.start_char "
        "AND s.end_char = m.end_char ORDER BY d.published_at, m.doc_id, m.start_char"
    )
    out: dict[str, list[_Report]] = {}
    for r in rows:
        out.setdefault(r["event_id"], []).append(
            _Report(
                r["doc_id"],
                r["outlet"],
                r["published_at"],
                " ".join(str(r["sentence"] or "").split()),
                json.loads(r["attrs"]),
            )
        )
    return out


def _who(report: _Report) -> str:
    when = (report.published or "")[:10]
    return f"{report.outlet or report.doc_id} ({when})" if when else report.outlet or report.doc_id


def _happened(reports: list[_Report]) -> bool:
    return any(not r.attrs.get("negated") and (r.attrs.get("modality") or "") in _ASSERTED for r in reports)


def _killed(reports: list[_Report]) -> tuple[int | None, list[str]]:
    """The lowest stated number killed, and each report's wording when they differ or are not plain numbers."""
    numbers: list[int] = []
    wordings: list[str] = []
    plain = True
    for report in reports:
        figures = [f for f in report.attrs.get("figures") or [] if f.get("kind") == "killed"]
        if not figures:
            continue
        lows = [f.get("low") for f in figures]
        if all(isinstance(low, int) for low in lows):
            numbers.append(sum(int(low) for low in lows))
        plain = plain and all(isinstance(f.get("low"), int) and not f.get("approximate") for f in figures)
        said = " and ".join(repr(str(f.get("text"))) for f in figures)
        wordings.append(f"{said} killed, per {_who(report)}")
    lowest = min(numbers) if numbers else None
    if plain and len(set(numbers)) <= 1:
        wordings = []
    return lowest, wordings


def event_rows(context: ExportContext) -> Iterator[dict[str, str]]:
    """The CSV rows, in date order (undated events last), of the events ACLED would code."""
    by_event = _reports_by_event(context)
    resolve = EntityResolver(context.store)
    names = {r["id"]: r["name"] for r in context.records("entities")}
    pack_ids = {r["id"]: r["pack_id"] for r in context.records("entities")}
    events = sorted(context.records("events"), key=lambda e: (e["date"] is None, e["date"] or "", e["id"]))
    for event in events:
        reports = by_event.get(event["id"], [])
        if not reports or not _happened(reports):
            continue
        mapped = acled_type(event["type"], [r.attrs for r in reports], [r.sentence for r in reports])
        if mapped is None:
            continue
        sides = (_Sides(), _Sides())
        for report in reports:
            for side, key in zip(sides, ("actors", "targets"), strict=True):
                for arg in report.attrs.get(key) or []:
                    entity = resolve(report.doc_id, arg)
                    side.add(names.get(entity, "") if entity else " ".join(str(arg.get("text") or "").split()))
        actor1, assoc1 = sides[0].main()
        actor2, assoc2 = sides[1].main()
        actor = context.actors.get(pack_ids.get(event["place_id"]) or "")
        chain = place_chain(actor.id, context.actors) if actor else []
        countries = [a for a in chain if a.kind == "GPE"]
        fatalities, wordings = _killed(reports)
        outlets = list(dict.fromkeys(r.outlet or r.doc_id for r in reports))
        first = reports[0]
        notes = [f'{_who(first)}: "{first.sentence}"']
        if len(outlets) > 1:
            notes.append("Also reported by " + ", ".join(outlets[1:]) + ".")
        if wordings:
            notes.append("Fatalities as reported: " + "; ".join(wordings) + ".")
        for conflict in event["date_conflicts"]:
            notes.append(f"Other date given: {json.dumps(conflict, ensure_ascii=False)}.")
        hedges = sorted({str(h) for r in reports for h in r.attrs.get("hedges") or []})
        date = event["date"] or ""
        if date and not _ISO_DATE.match(date):
            notes.append(f"Date as read: {date} (no calendar date).")
            date = ""
        yield {
            "event_id_cnty": event["id"],
            "event_date": date,
            "year": date[:4],
            "time_precision": _TIME_PRECISION.get(event["date_precision"] or "", "") if date else "",
            "date_precision": (event["date_precision"] or "") if date else "",
            "event_type": mapped[0],
            "sub_event_type": mapped[1],
            "storytrace_type": event["type"],
            "actor1": actor1,
            "assoc_actor_1": assoc1,
            "actor2": actor2,
            "assoc_actor_2": assoc2,
            "country": countries[-1].name if countries else "",
            "admin1": countries[-2].name if len(countries) > 1 else "",
            "location": names.get(event["place_id"], "") or event["place"] or "",
            "latitude": f"{actor.coordinates[0]:.5f}" if actor and actor.coordinates else "",
            "longitude": f"{actor.coordinates[1]:.5f}" if actor and actor.coordinates else "",
            "source": "; ".join(outlets),
            "source_count": str(len({r.doc_id for r in reports})),
            "fatalities": "" if fatalities is None else str(fatalities),
            "notes": " ".join(notes),
            "tags": "; ".join(f"hedged: {h}" for h in hedges),
            "documents": "; ".join(dict.fromkeys(r.doc_id for r in reports)),
        }


@register_format(
    "csv",
    description="events in ACLED-like columns (date, precision, type, actors, place, sources, fatalities, notes)",
    extension="csv",
    media_type="text/csv",
)
def write_csv(context: ExportContext, out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(event_rows(context))
