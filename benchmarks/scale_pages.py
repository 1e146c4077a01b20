"""Time what an analyst's page or briefing asks of a resolved store: p50 / p95 per target, on generated stores.

    python benchmarks/scale_pages.py --db /tmp/storytrace-scale/scale-7-10000-work.db     # a store scale_resolve made
    python benchmarks/scale_pages.py --db X.db --repeat 50 --targets list_propositions entity_detail
    python benchmarks/scale_pages.py --db X.db --json
    python benchmarks/scale_pages.py --list

The stores come from ``benchmarks/scale_resolve.py`` (generated reports, resolved; see
``benchmarks/generate_store.py``). A **target** is one call an interface makes to draw a page: today the
reading functions of ``storytrace.store.dossier`` (the CLI and the web workspace use them); briefings, web routes
and exports join by adding a function to ``TARGETS`` that takes ``(store, sample)`` and does one page's work.
Each target runs ``--repeat`` times, each time on another entity, proposition or date drawn (seeded) from the
store, so caches do not flatter it; the first call of each target is a warm-up and is not counted. Times are
wall-clock milliseconds in this process.

No anchor is published; the issue asks for p50/p95 on 1,000 / 10,000 / 100,000 reports. Our target: every
page under 200 ms at p95 on 100,000 reports.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storytrace.report.brief import BriefOptions, build_briefing, render_markdown
from storytrace.store import Store
from storytrace.store.dossier import (
    entity_detail,
    find_entity,
    list_entities,
    list_events,
    list_propositions,
    proposition_detail,
)


@dataclass(slots=True)
class Sample:
    """What a page is about, drawn from the store: one entity, one proposition, one date and a search word."""

    entity_id: str
    entity_name: str
    proposition_id: str
    day: str
    word: str


def draw_samples(store: Store, count: int, seed: int) -> list[Sample]:
    rng = random.Random(seed)
    entities = store.db.execute("SELECT id, name FROM entities ORDER BY id").fetchall()
    propositions = [r[0] for r in store.db.execute("SELECT id FROM propositions ORDER BY id")]
    days = [r[0] for r in store.db.execute("SELECT DISTINCT date FROM events WHERE date IS NOT NULL ORDER BY date")]
    if not entities or not propositions:
        raise SystemExit(f"{store.path} is not resolved: run `storytrace resolve --db {store.path}` first")
    out = []
    for _ in range(count):
        entity_id, name = rng.choice(entities)
        words = [w for w in str(name).split() if len(w) > 3] or [str(name)]
        out.append(
            Sample(
                entity_id, str(name), rng.choice(propositions), rng.choice(days or ["2025-01-01"]), rng.choice(words)
            )
        )
    return out


def _month(day: str) -> tuple[str, str]:
    """The month a date falls in, as (since, until): a timeline page of one month's events."""
    return day[:7] + "-01", day[:7] + "-31"


TARGETS: dict[str, Callable[[Store, Sample], Any]] = {
    "find_entity": lambda store, s: find_entity(store, s.entity_name),
    "entity_detail": lambda store, s: entity_detail(store, s.entity_id),
    "list_entities": lambda store, s: list_entities(store, limit=50),
    "list_entities_search": lambda store, s: list_entities(store, search=s.word, limit=50),
    "list_propositions": lambda store, s: list_propositions(store, limit=50),
    "list_propositions_about": lambda store, s: list_propositions(store, about=s.entity_id, limit=50),
    "list_propositions_contested": lambda store, s: list_propositions(store, status="contested", limit=50),
    "proposition_detail": lambda store, s: proposition_detail(store, s.proposition_id),
    "list_events_month": lambda store, s: list_events(store, since=_month(s.day)[0], until=_month(s.day)[1]),
    # `storytrace brief` (nothing recorded): the whole story, then one entity's part of it, rendered to Markdown.
    "brief": lambda store, s: render_markdown(build_briefing(store, BriefOptions(limit=20))),
    "brief_about": lambda store, s: render_markdown(build_briefing(store, BriefOptions(about=s.entity_id, limit=20))),
}


def measure(store: Store, targets: list[str], repeat: int, seed: int) -> list[dict[str, Any]]:
    samples = draw_samples(store, repeat + 1, seed)
    rows = []
    for name in targets:
        run = TARGETS[name]
        run(store, samples[0])  # warm-up: SQLite's page cache, imports
        times = []
        for sample in samples[1:]:
            start = time.perf_counter()
            run(store, sample)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        rows.append(
            {
                "target": name,
                "runs": len(times),
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2),
                "max_ms": round(times[-1], 2),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--targets", nargs="+", choices=sorted(TARGETS), default=list(TARGETS))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--list", action="store_true", help="print the targets and exit")
    args = parser.parse_args()
    if args.list:
        print("\n".join(sorted(TARGETS)))
        return
    if args.db is None:
        parser.error("--db is required")
    with Store(args.db, create=False) as store:
        documents = store.count_documents()
        rows = measure(store, args.targets, args.repeat, args.seed)
    if args.json:
        print(json.dumps({"db": str(args.db), "documents": documents, "targets": rows}, indent=2))
        return
    print(f"{documents:,} reports in {args.db}\n")
    print("| target | runs | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['target']} | {r['runs']} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} |")


if __name__ == "__main__":
    main()
