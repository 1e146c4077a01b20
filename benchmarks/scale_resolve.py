"""How `storytrace resolve` scales: wall time, stage times and peak memory on 10,000 and 100,000 generated
reports, and the cost of adding one report to a resolved store.

    python benchmarks/scale_resolve.py --docs 10000                     # ~5 min; the table
    nice python benchmarks/scale_resolve.py --docs 100000               # ~1 h, ~3 GB of stores in --workdir
    python benchmarks/scale_resolve.py --docs 2000 --profile 25         # where the time goes (cProfile, top 25)
    python benchmarks/scale_resolve.py --docs 10000 --json
    nice python benchmarks/scale_resolve.py --docs 10000 --again-full --workdir DIR   # a replay with warm caches

For each size N, reports 1..N-1 of ``benchmarks/generate_store.py`` (same seed) are written to a store (kept in
``--workdir`` and reused), copied, and resolved in a fresh child process (``first``: every claim embedded).
Then ``again``: the same store resolved again, nothing changed (a join with nothing to do; with
``--again-full``, a full run as after an analyst's merge or an upgrade: the claim and event-mention embeddings
come from the store).
Then report N is added and the store resolved again (``add one``: a join, resolve/incremental.py), and an analyst
corrects the stance of one claim (the first supporting one by id, as `storytrace stance CLAIM refutes` records it)
before the store is resolved again (``correct one``: applied in place, no replay). Each run is a
child process, so its peak resident memory (``ru_maxrss``) and CPU time are its own; wall time includes starting
Python and loading the model (CPU time is the steadier figure on a shared machine). Stage times come from
``ResolveReport.timings``; ``store_mib`` is the store's size (with its WAL) after the run.

No anchor is published for this: the issue asks for the measurement. Targets we hold ourselves to: resolving
must stay linear in the pile (100k no more than ~12x 10k), and adding one report must cost seconds, not the
first run again.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def child_resolve(db: Path, profile: int, *, full: bool = False) -> None:
    """Resolve ``db`` in this process (``full``: replay the pile) and print one JSON line: the report, wall
    time, peak RSS, store size."""
    from storytrace.resolve.job import resolve_store
    from storytrace.store import Store

    start = time.perf_counter()
    with Store(db, create=False) as store:
        profiler = cProfile.Profile() if profile else None
        if profiler is not None:
            profiler.enable()
        report = resolve_store(store, full=full)
        if profiler is not None:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(profile)
        # The event grouping's state: the pair scorer's events keep their first mentions' vectors (resolve/events.py)
        event_state = store.db.execute("SELECT COALESCE(SUM(LENGTH(state)), 0) FROM event_pile").fetchone()[0]
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mib = usage.ru_maxrss / 1024  # Linux: KiB
    out = {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),  # on a shared machine, steadier than wall time
        "peak_rss_mib": round(peak_mib),
        "documents": report.documents,
        "mentions": report.mentions,
        "entities": report.entities,
        "events": report.events,
        "event_state_mib": round(event_state / 2**20, 1),
        "claims": report.claims,
        "propositions": report.propositions,
        "embedded": report.embedded,
        "embeddings_reused": report.embeddings_reused,
        # event mentions embedded for the pair scorer, and those whose vectors the store held (older versions: -)
        "events_embedded": getattr(report, "events_embedded", None),
        "event_vectors_reused": getattr(report, "event_vectors_reused", None),
        "store_mib": round(sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 2**20, 1),
        "mode": report.mode,  # full, join (the new reports joined the stored dossier) or unchanged
        "rows_written": report.rows_written,
        "stages": report.timings,
    }
    print(json.dumps(out))


def child_judge(db: Path) -> None:
    """Record one stance correction, as `storytrace stance` does before it resolves."""
    from storytrace.store import Store
    from storytrace.store.dossier import add_judgement

    with Store(db, create=False) as store:
        claim = store.db.execute("SELECT id FROM claims WHERE stance = 'supports' ORDER BY id LIMIT 1").fetchone()[0]
        add_judgement(store, "stance", claim, "refutes", note="benchmarks/scale_resolve.py")


def _run(args: list[str]) -> dict[str, Any]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr[-3000:]}")
    if proc.stderr.strip() and "--profile" in args:
        print(proc.stderr, file=sys.stderr)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    result: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    result["process_s"] = round(time.perf_counter() - start, 2)
    return result


def measure(
    docs: int, seed: int, workdir: Path, profile: int, *, with_again: bool = True, again_full: bool = False
) -> dict[str, Any]:
    workdir.mkdir(parents=True, exist_ok=True)
    base = workdir / f"scale-{seed}-{docs}-base.db"
    if not base.exists():
        partial = base.with_suffix(".partial")
        for leftover in workdir.glob(partial.name + "*"):
            leftover.unlink()
        started = time.perf_counter()
        _run(
            [
                str(HERE / "generate_store.py"),
                "--docs",
                str(docs),
                "--seed",
                str(seed),
                "--db",
                str(partial),
                "--first",
                str(docs - 1),
            ]
        )
        partial.rename(base)
        print(f"generated {base} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    work = workdir / f"scale-{seed}-{docs}-work.db"
    for old in workdir.glob(work.name + "*"):
        old.unlink()
    shutil.copyfile(base, work)
    resolve = [str(Path(__file__).resolve()), "--child-resolve", str(work)] + (
        ["--profile", str(profile)] if profile else []
    )
    first = _run(resolve)
    again = _run([*resolve, "--child-full"] if again_full else resolve) if with_again else None
    generate = [str(HERE / "generate_store.py"), "--docs", str(docs), "--seed", str(seed)]
    added = _run([*generate, "--db", str(work), "--skip", str(docs - 1)])
    one = _run(resolve)
    _run([str(Path(__file__).resolve()), "--child-judge", str(work)])
    corrected = _run(resolve)
    return {
        "docs": docs,
        "first": first,
        "again": again,
        "add_one_write_s": added["process_s"],
        "add_one": one,
        "correct_one": corrected,
    }


def _table(rows: list[dict[str, Any]]) -> str:
    out = [
        "| reports | run | mode | wall s | CPU s | peak RSS MiB | store MiB | claims embedded | event mentions "
        "embedded | stages (s) |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        for name in ("first", "again", "add_one", "correct_one"):
            r = row[name]
            if r is None:
                continue
            stages = ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items())
            docs = r["documents"]
            out.append(
                f"| {docs:,} | {name.replace('_', ' ')} | {r.get('mode', '')} | {r['wall_s']:.1f} | "
                f"{r.get('cpu_s', float('nan')):.1f} | "
                f"{r['peak_rss_mib']:,} | {r.get('store_mib', float('nan')):,.1f} | "
                f"{r['embedded']:,} | {_count(r.get('events_embedded'))} | {stages} |"
            )
    return "\n".join(out)


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, nargs="+", default=[10_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/storytrace-scale"))
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions (cProfile) of each run")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-again", action="store_true", help="skip the re-run with nothing changed")
    parser.add_argument(
        "--again-full", action="store_true", help="make the re-run a full one (`storytrace resolve --full`)"
    )
    parser.add_argument("--child-resolve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-judge", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-full", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_resolve:
        child_resolve(args.child_resolve, args.profile, full=args.child_full)
        return
    if args.child_judge:
        child_judge(args.child_judge)
        return
    rows = [
        measure(n, args.seed, args.workdir, args.profile, with_again=not args.no_again, again_full=args.again_full)
        for n in args.docs
    ]
    print(json.dumps(rows, indent=2) if args.json else _table(rows))


if __name__ == "__main__":
    main()
