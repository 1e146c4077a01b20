"""Dossier verbs: `resolve`, `entities`, `entity`, `claims`, `claim`; the analyst's `merge`, `split`, `stance`."""

from __future__ import annotations

import json
from typing import Any

import click

from storytrace.assess.status import STATUSES
from storytrace.cli.output import db_option, emit, output_options, shorten
from storytrace.resolve.job import ResolveReport, resolve_store
from storytrace.resolve.stance import STANCE_WORDS
from storytrace.store import Store
from storytrace.store.dossier import (
    add_judgement,
    entity_detail,
    find_entity,
    list_entities,
    list_events,
    list_propositions,
    proposition_detail,
)

__all__ = [
    "claim_command",
    "claims_command",
    "entities_command",
    "entity_command",
    "merge_command",
    "resolve_command",
    "resolve_summary",
    "split_command",
    "stance_command",
    "timeline_command",
]


@click.command("resolve")
@db_option
@click.option("--full", is_flag=True, help="Replay the whole pile instead of joining the new reports.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def resolve_command(db_path: str, full: bool, quiet: bool) -> None:
    """Resolve entities, trace claims to their origins, group them into propositions and assess each one.

    Reports added since the last run join the dossier's entities, events and propositions, and only what they
    touch is recomputed; a stance correction rewrites only its claim and proposition. The whole pile is replayed
    on the first run, after a merge, a split or a withdrawn judgement, after `process`, or with --full (a join
    takes reports dated before resolved ones after them: --full gives the order of the reports' dates). Your
    judgements are applied on every run.
    """
    with Store(db_path, create=False) as store:
        report = resolve_store(store, full=full)
    if not quiet:
        click.echo(resolve_summary(report))


def resolve_summary(report: ResolveReport) -> str:
    """One line: what `resolve` found (also printed by `ingest`, which resolves after adding reports)."""
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(report.statuses.items(), key=lambda kv: -kv[1]))
    how = {
        "join": f"{report.joined} new report{'s' if report.joined != 1 else ''} joined the dossier. ",
        "unchanged": "No new reports. ",
        "corrected": f"{report.corrected} stance correction{'s' if report.corrected != 1 else ''} applied. ",
    }.get(report.mode, "")
    return (
        f"{how}{report.documents} documents: {report.mentions} mentions of {report.entities} entities; "
        f"{report.claims} claims in {report.propositions} propositions ({statuses or 'none'})."
    )


@click.command("entities")
@db_option
@click.option("--kind", help="Only this kind: PER, ORG, GPE, LOC, FAC, NORP, MISC.")
@click.option("--search", help="Names or spellings containing this.")
@click.option("--limit", type=click.IntRange(0), default=50, show_default=True, help="At most this many (0: all).")
@output_options
def entities_command(db_path: str, kind: str | None, search: str | None, limit: int, fmt: str) -> None:
    """The people, groups and places of the story, most reported first, with every spelling seen."""
    with Store(db_path, create=False) as store:
        rows = list_entities(store, kind=kind, search=search, limit=limit or None)
    emit(rows, fmt, ["id", "kind", "name", "documents", "mentions", "spellings"], wide="spellings")


@click.command("entity")
@click.argument("ref")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Everything as one JSON object.")
def entity_command(ref: str, db_path: str, as_json: bool) -> None:
    """One entity: its spellings with evidence (how each was linked, and where), and what it said.

    REF is an entity id (or a unique prefix), its name, or one of its spellings.
    """
    with Store(db_path, create=False) as store:
        detail = entity_detail(store, find_entity(store, ref))
        detail["affiliations"] = _affiliations(store, detail["id"])
    if as_json:
        click.echo(json.dumps(detail, ensure_ascii=False, indent=2))
        return
    click.echo(click.style(detail["id"], bold=True) + f"  {detail['name']} ({detail['kind']})")
    click.echo(
        f"  named in {detail['documents']} reports, {len(detail['mentions'])} times, "
        f"{detail['first_seen'] or '?'} .. {detail['last_seen'] or '?'}"
    )
    click.echo("\nSpellings:")
    for s in detail["spellings"]:
        ev = s["evidence"]
        click.echo(
            f"  {s['text']!r} ×{s['count']}  ({ev['explanation']}; e.g. {ev['doc_id'][:16]} "
            f"{ev['start_char']}-{ev['end_char']})"
        )
    if detail["affiliations"]:
        click.echo("\nRoles and affiliations (stated in reports, or recorded in a domain pack):")
        for a in detail["affiliations"]:
            role = f" ({a['role']})" if a["role"] else ""
            ev = a["evidence"]
            source = (
                f"{a['reports']} reports, e.g. {ev['outlet']}: «{shorten(ev['sentence'], 80)}»" if ev else "domain pack"
            )
            click.echo(f"  {a['subject']} {a['kind']}{role} {a['object']}  [{source}]")
    if detail["claims_made"]:
        click.echo("\nWhat it said:")
        for c in detail["claims_made"]:
            click.echo(
                f"  {(c['published_at'] or '')[:10]}  {c['outlet'] or '?'}: «{shorten(c['text'], 90)}» "
                f"[{c['stance']}, {c['proposition_id'][:16] if c['proposition_id'] else ''}]"
            )


def _affiliations(store: Store, entity_id: str) -> list[dict[str, Any]]:
    """The relations reports state between this entity and others (the graph the exports write)."""
    from storytrace.report.exports import ExportContext, pack_actors  # loaded only when needed
    from storytrace.report.exports.actor_graph import build_actor_graph

    graph = build_actor_graph(ExportContext(store, pack_actors(store)))
    rows = []
    for edge in graph.edges:
        if entity_id not in (edge.source, edge.target):
            continue
        first = edge.evidence[0] if edge.evidence else None
        rows.append(
            {
                "subject": graph.nodes[edge.source].name if edge.source in graph.nodes else edge.source,
                "kind": edge.kind,
                "role": edge.role,
                "object": graph.nodes[edge.target].name if edge.target in graph.nodes else edge.target,
                "reports": edge.reports,
                "evidence": {"doc_id": first.doc_id, "sentence": first.sentence, "outlet": first.outlet or "?"}
                if first
                else None,
            }
        )
    return sorted(rows, key=lambda r: -int(r["reports"]))


@click.command("claims")
@db_option
@click.option("--status", type=click.Choice(STATUSES), help="Only propositions with this status.")
@click.option("--about", help="Only propositions naming this entity (id, name or spelling).")
@click.option("--search", help="Only propositions whose wording contains this.")
@click.option(
    "--min-reports", type=click.IntRange(1), default=1, show_default=True, help="Carried by at least N reports."
)
@click.option("--limit", type=click.IntRange(0), default=50, show_default=True, help="At most this many (0: all).")
@output_options
def claims_command(
    db_path: str, status: str | None, about: str | None, search: str | None, min_reports: int, limit: int, fmt: str
) -> None:
    """Propositions of the story with their status, independent origins and reports for and against."""
    with Store(db_path, create=False) as store:
        entity = find_entity(store, about) if about else None
        rows = list_propositions(
            store, status=status, about=entity, search=search, min_reports=min_reports, limit=limit or None
        )
    for row in rows:
        row["why"] = "; ".join(row["reasons"])
    columns = ["id", "status", "origins", "supports", "refutes", "reports", "first_seen", "text"]
    if fmt != "table":
        columns += ["last_seen", "reasons"]
    emit(rows, fmt, columns, wide="text")


@click.command("claim")
@click.argument("ref")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Everything as one JSON object.")
def claim_command(ref: str, db_path: str, as_json: bool) -> None:
    """One proposition: why it has its status, and every report's sentence, stance, speaker, chain and origin.

    REF is a proposition id (or a unique prefix) from `storytrace claims`.
    """
    with Store(db_path, create=False) as store:
        detail = proposition_detail(store, ref)
    if as_json:
        click.echo(json.dumps(detail, ensure_ascii=False, indent=2))
        return
    click.echo(click.style(detail["id"], bold=True) + f"  {detail['status'].upper()}")
    click.echo(f"  «{detail['text']}»")
    for reason in detail["reasons"]:
        click.echo(f"  - {reason}")
    click.echo(f"\n{len(detail['claims'])} claims in {detail['reports']} reports:")
    for c in detail["claims"]:
        _print_claim(c)


def _print_claim(c: dict[str, Any]) -> None:
    chain = " <- ".join(f"{h['text']} ({h['kind']})" for h in c["chain"]) or "(the outlet's own voice)"
    hedges = f" hedged: {', '.join(c['hedges'])}" if c["hedges"] else ""
    click.echo(f"\n  {(c['published_at'] or '?')[:10]}  {c['outlet'] or '?'}  [{c['stance']}{hedges}]  {c['id']}")
    click.echo(f"    sentence  «{shorten(c['sentence'], 160)}»")
    click.echo(f"    speaker   {chain}")
    if c.get("stance_reason"):
        click.echo(f"    stance    {c['stance']}: {c['stance_reason']}")
    if c.get("report_stance") and c["report_stance"] != c["stance"]:  # "X, the ministry said": X's, not the outlet's
        click.echo(f"    outlet    {STANCE_WORDS[c['report_stance']]}")
    click.echo(f"    origin    {c['origin_reason']} [{c['origin']}]")
    click.echo(
        f"    report    {c['doc_id']} {c['sentence_start']}-{c['sentence_end']} {c['url'] or c['original_id'] or ''}"
    )


@click.command("merge")
@click.argument("keep")
@click.argument("other")
@db_option
@click.option("--note", help="Why (kept with the judgement).")
def merge_command(keep: str, other: str, db_path: str, note: str | None) -> None:
    """Merge entity OTHER into KEEP (both: id, name or spelling). Kept as a judgement; re-run `storytrace resolve`."""
    with Store(db_path, create=False) as store:
        a, b = find_entity(store, keep), find_entity(store, other)
        add_judgement(store, "merge", a, b, note=note)
        resolve_store(store)
    click.echo(f"merged {b} into {a}; the dossier was resolved again.")


@click.command("split")
@click.argument("entity")
@click.argument("spelling")
@db_option
@click.option("--note", help="Why (kept with the judgement).")
def split_command(entity: str, spelling: str, db_path: str, note: str | None) -> None:
    """Take the mentions written as SPELLING out of ENTITY into an entity of their own. Kept as a judgement."""
    with Store(db_path, create=False) as store:
        entity_id = find_entity(store, entity)
        add_judgement(store, "split", entity_id, spelling, note=note)
        resolve_store(store)
    click.echo(f"split {spelling!r} out of {entity_id}; the dossier was resolved again.")


@click.command("stance")
@click.argument("claim_id")
@click.argument("stance", type=click.Choice(["supports", "refutes", "reports"]))
@db_option
@click.option("--note", help="Why (kept with the judgement).")
def stance_command(claim_id: str, stance: str, db_path: str, note: str | None) -> None:
    """Correct the stance of one claim (its id from `storytrace claim`). Kept as a judgement."""
    with Store(db_path, create=False) as store:
        add_judgement(store, "stance", claim_id, stance, note=note)
        resolve_store(store)
    click.echo(f"{claim_id} now {stance}; the dossier was resolved again.")


@click.command("timeline")
@db_option
@click.option("--since", help="Events on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Events on or before this date (YYYY-MM-DD).")
@click.option("--type", "kind", help="Only this event type (attack, meeting, arrest, …).")
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="Also list the events no report says happened (only demanded, denied, planned, …), with their modality.",
)
@output_options
def timeline_command(
    db_path: str, since: str | None, until: str | None, kind: str | None, show_all: bool, fmt: str
) -> None:
    """Events merged across reports, in date order, with the date's precision and the dates reports disagree on.

    Only the events some report says happened or is happening are listed: a release that is only demanded, a
    meeting that is denied, a visit that is planned are not, unless --all is given, which lists them too with
    their modality (what their reports say instead: negated, demanded, future, planned, conditional, …).
    JSON and CSV output always carry `asserted` and `modality`.
    """
    with Store(db_path, create=False) as store:
        rows = list_events(store, since=since, until=until, kind=kind, asserted_only=not show_all)
    for row in rows:
        row["conflicts"] = "; ".join(f"{c['date']} in {len(c['reports'])} report(s)" for c in row["date_conflicts"])
    rest = ["place", "reports", "outlets", "conflicts", "summary"]
    if fmt == "table":
        columns = ["date", "date_precision", "type", *(["modality"] if show_all else []), *rest]
    else:
        columns = ["id", "date", "date_precision", "type", "asserted", "modality", *rest, "date_conflicts"]
    emit(rows, fmt, columns, wide="summary")
