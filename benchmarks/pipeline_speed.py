"""Speed and memory of the per-article extraction pipelines on generated ~1,000-word reports.

    python benchmarks/pipeline_speed.py                  # the named pipelines, 300 articles each, one process
    python benchmarks/pipeline_speed.py --articles 1000 --json
    python benchmarks/pipeline_speed.py --workers 2      # a pool of 2 worker processes (one per core)
    python benchmarks/pipeline_speed.py --swap extract.entities.minilm.v1=extract.entities.minilm.v2
    python benchmarks/pipeline_speed.py --pipelines default --workers 2 --repeat 3 --compare \
        --swap extract.attributions.crf.v3=extract.attributions.minilm.v2   # with and without, alternated
    python benchmarks/pipeline_speed.py --ingest --articles 200   # as the product runs it: `storytrace ingest`
    python benchmarks/pipeline_speed.py --ingest --workers 1,2 --repeat 3 --pipelines fast,default

Each pipeline runs in a fresh interpreter on Documents built from the grammar in benchmarks/near_duplicates.py
(invented text: whole paragraphs of generated reports joined until an article has ``--words`` words, 1,000 by
default, so a mean a little above it; before 2026-11-22 whole reports were joined and articles averaged about
1,300 words), with a publication date. Timed: the components
only (cleaning and storage are measured by ingest_throughput.py); the first article is a warm-up (models load
then). Each article's layers are counted and dropped, as storing them would (until 2026-11-21 they were kept,
and the garbage collector's passes over ~300 annotated reports added about 18 % to the CPU time of ``fast``).
Peak RSS is the child's whole process.

With ``--workers N`` (N > 1) the child starts N worker processes (fork), each builds the pipeline and warms
up before the clock starts; then every article's text is sent to a worker and its annotation layers sent back
(pickled Spans both ways, the simplest pool), 4 articles at a time. CPU ms per article sums the workers and the
parent; peak RSS sums the workers' peaks and the parent's. Each worker gives ONNX one intra-op thread
(``STORYTRACE_ONNX_THREADS=1``): the workers, not threads, share the cores. The parent's share is not small:
about 7–9 ms per ``fast`` article (unpickling ~540 Spans with nested attrs is ~3 ms of it), so a product pool
should send back store-ready rows instead (0.1 ms to unpickle).

With ``--ingest`` the articles are written as text files to a temporary folder and the product runs on them as
a user would: ``storytrace ingest FOLDER --db NEW.db --pipeline ... --no-resolve --workers N`` in a child process
(reading, cleaning, near-duplicate lookup, the components, storage; with N > 1 cleaning and the components run in
N worker processes). Its wall time includes starting Python and loading the models (in every worker). CPU ms
per article sums every process (the command and its workers); "parent" is the command's own process alone
(reading, storing, near-duplicate linking and, with one worker, the components), start-up included; peak RSS
sums each process's peak (VmHWM, read from /proc every 0.1 s while the command runs). With ``--repeat R`` each
row is the median of R runs (each figure's own median; the worker counts alternate run by run), load included:
the 1-minute load average before each run, as the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def articles(count: int, seed: int, words: int = 1000) -> list[str]:
    """``count`` articles of about ``words`` words: whole paragraphs of generated reports, in their order."""
    import near_duplicates as gen  # the benchmark's own invented-text generator

    rng = random.Random(seed)
    pool = [a.text for a in gen.generate(seed, max(1, count // 2)) if a.kind in ("original", "same_event")]
    texts = []
    for _ in range(count):
        size = 0
        paragraphs: list[str] = []
        while size < words:
            for paragraph in rng.choice(pool).split("\n\n"):
                paragraphs.append(paragraph)
                size += len(paragraph.split())
                if size >= words:
                    break
        texts.append("\n\n".join(paragraphs))
    return texts


def pipeline_names(name: str, swaps: list[str]) -> tuple[str, ...]:
    """The components of the named pipeline, with each ``OLD=NEW`` of ``swaps`` replaced."""
    from storytrace.pipeline import PIPELINES

    names = list(PIPELINES[name])
    for swap in swaps:
        old, new = swap.split("=", 1)
        if old not in names:
            raise SystemExit(f"--swap {swap}: {old} is not in the {name} pipeline")
        names[names.index(old)] = new
    return tuple(names)


def make_doc(i: int, text: str) -> Any:
    from storytrace.model import DateVia, Document, PublishedDate, make_id

    return Document(
        id=make_id("doc", text), text=text, locator=f"gen:{i}", published=PublishedDate("2025-03-14", DateVia.USER)
    )


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime  # all threads: less sensitive to a busy machine than wall


_WORKER: dict[str, Any] = {}


def _init_worker(names: tuple[str, ...], warm_text: str, barrier: Any) -> None:
    from storytrace.pipeline import Pipeline

    os.environ["STORYTRACE_ONNX_THREADS"] = "1"
    pipeline = Pipeline.from_names(names)
    pipeline(make_doc(0, warm_text))  # warm-up: models and matchers load here
    _WORKER.update(pipeline=pipeline, barrier=barrier, cpu=cpu_seconds())


def _wait_ready(_: int) -> int:
    _WORKER["barrier"].wait()  # holds each worker to one of these tasks: all are warm when all return
    _WORKER["cpu"] = cpu_seconds()
    return os.getpid()


def _annotate(item: tuple[int, str]) -> dict[str, Any]:
    doc = _WORKER["pipeline"](make_doc(*item))
    return doc.spans  # sent back whole: the simplest pool (a product should send store rows, see the docstring)


def _worker_totals(_: int) -> tuple[int, float, float]:
    _WORKER["barrier"].wait()
    return os.getpid(), cpu_seconds() - _WORKER["cpu"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_pipeline(
    name: str, count: int, seed: int, workers: int = 1, swaps: list[str] | None = None, words: int = 1000
) -> dict[str, Any]:
    from storytrace.pipeline import Pipeline

    names = pipeline_names(name, swaps or [])
    texts = articles(count + 1, seed, words)
    spans = 0
    if workers <= 1:
        pipeline = Pipeline.from_names(names)
        docs = [make_doc(i, text) for i, text in enumerate(texts)]
        pipeline(docs[0])  # warm-up: models and matchers load here
        cpu_start = cpu_seconds()
        start = time.perf_counter()
        for doc in docs[1:]:
            pipeline(doc)
            spans += sum(len(layer) for layer in doc.spans.values())
            doc.spans = {}  # let it go, as a store does: 300 annotated reports kept alive cost ~18 % more in GC
        wall = time.perf_counter() - start
        cpu = cpu_seconds() - cpu_start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    else:
        context = multiprocessing.get_context("fork")
        barrier = context.Barrier(workers)
        with context.Pool(workers, _init_worker, (names, texts[0], barrier)) as pool:
            pool.map(_wait_ready, range(workers), chunksize=1)
            cpu_start = cpu_seconds()
            start = time.perf_counter()
            for layers in pool.imap(_annotate, enumerate(texts[1:], start=1), chunksize=4):
                spans += sum(len(layer) for layer in layers.values())
            wall = time.perf_counter() - start
            totals = pool.map(_worker_totals, range(workers), chunksize=1)
        if len({pid for pid, _, _ in totals}) != workers:
            raise RuntimeError("a worker answered twice: the totals are not one per worker")
        cpu = cpu_seconds() - cpu_start + sum(c for _, c, _ in totals)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 + sum(m for _, _, m in totals)
    words = sum(len(t.split()) for t in texts[1:])
    return {
        "pipeline": name,
        "components": list(names),
        "workers": workers,
        "articles": count,
        "mean_words": round(words / count),
        "seconds": round(wall, 2),
        "articles_per_s": round(count / wall, 1),
        "cpu_ms_per_article": round(1000 * cpu / count, 1),
        "spans_per_article": round(spans / count, 1),
        "peak_rss_mb": round(peak_mb, 1),
    }


# Runs the CLI and, at exit, writes the command's own CPU seconds and peak RSS (its workers have been joined by then).
_CLI = """
import atexit, json, resource, sys
from storytrace.cli import main

REPORT = sys.argv.pop(1)

def _report():
    own = resource.getrusage(resource.RUSAGE_SELF)
    with open(REPORT, "w") as out:
        json.dump({"cpu": own.ru_utime + own.ru_stime, "peak_kb": own.ru_maxrss}, out)

atexit.register(_report)
sys.argv[0] = "storytrace"
main()
"""


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        found += [int(c) for c in children]
        todo += [int(c) for c in children]
    return found


def _peak_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


def run_ingest(
    name: str, folder: Path, count: int, words: int, swaps: list[str], workers: int, tmp: Path
) -> dict[str, Any]:
    """``storytrace ingest --workers N`` of the articles in ``folder`` into a fresh store, in a child process."""
    names = pipeline_names(name, swaps)
    db = tmp / f"speed-{name}-{workers}-{time.monotonic_ns()}.db"
    own = tmp / "own.json"
    cmd = [sys.executable, "-c", _CLI, str(own), "ingest", str(folder), "--db", str(db), "--workers", str(workers)]
    cmd += ["--pipeline", ",".join(names) if swaps else name, "--published", "2025-03-14", "--no-resolve", "-q"]
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    peaks: dict[int, int] = {}
    with subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as proc:
        while proc.poll() is None:
            for pid in _descendants(proc.pid):  # the workers; the command's own peak comes from its report
                peaks[pid] = max(peaks.get(pid, 0), _peak_kb(pid))
            time.sleep(0.1)
        stderr = proc.stderr.read() if proc.stderr else ""
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"storytrace ingest failed ({proc.returncode}): {stderr[-2000:]}")
    parent = json.loads(own.read_text())
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {
        "pipeline": name,
        "components": list(names),
        "workers": f"ingest {workers}",
        "articles": count,
        "mean_words": words,
        "seconds": round(wall, 2),
        "articles_per_s": round(count / wall, 1),
        "cpu_ms_per_article": round(1000 * cpu / count, 1),
        "parent_cpu_ms_per_article": round(1000 * parent["cpu"] / count, 1),
        "spans_per_article": None,
        "peak_rss_mb": round((parent["peak_kb"] + sum(peaks.values())) / 1024, 1),
        "load": round(load, 2),
    }


def median_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure's median over repeated runs, the load average included (1 min, taken before each run)."""
    out = dict(rows[0])
    for key in ("seconds", "articles_per_s", "cpu_ms_per_article", "parent_cpu_ms_per_article", "peak_rss_mb", "load"):
        if rows[0].get(key) is not None:
            out[key] = round(statistics.median(r[key] for r in rows), 2 if key == "seconds" else 1)
    out["runs"] = [r["articles_per_s"] for r in rows]  # each run's, for the spread
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--workers", default="1", help="worker processes, or several separated by commas (default 1: in-process)"
    )
    parser.add_argument("--words", type=int, default=1000, help="words per generated article (default 1000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per row; the table shows medians (default 1)")
    parser.add_argument("--pipelines", default="fast,crf,default", help="named pipelines, comma-separated")
    parser.add_argument("--swap", action="append", default=[], help="OLD=NEW: run component NEW in place of OLD")
    parser.add_argument(
        "--ingest", action="store_true", help="time `storytrace ingest --workers N` on the articles instead"
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="with --swap: run each pipeline with and without its swaps, alternated run by run (same load), and "
        "print the ratio of their articles/s",
    )
    parser.add_argument("--only", help="run one pipeline in this process (used internally)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    counts = [int(w) for w in args.workers.split(",")]
    if args.only:
        print(json.dumps(run_pipeline(args.only, args.articles, args.seed, counts[0], args.swap, args.words)))
        return
    names = args.pipelines.split(",")
    for swap in args.swap:
        if not any(swap.split("=", 1)[0] in pipeline_names(name, []) for name in names):
            parser.error(f"--swap {swap}: no pipeline of {args.pipelines} has that component")
    results = []
    ratios: list[str] = []
    with tempfile.TemporaryDirectory(prefix="storytrace-speed-") as tmp:
        folder = Path(tmp) / "articles"
        if args.ingest:
            folder.mkdir()
            texts = articles(args.articles, args.seed, args.words)
            for i, text in enumerate(texts):
                (folder / f"report-{i:05d}.txt").write_text(text, encoding="utf-8")
            words = round(sum(len(t.split()) for t in texts) / len(texts))
        for name in names:
            swaps = [swap for swap in args.swap if swap.split("=", 1)[0] in pipeline_names(name, [])]
            variants = [[], swaps] if args.compare and swaps else [swaps]
            runs: dict[tuple[int, int], list[dict[str, Any]]] = {
                (workers, v): [] for workers in counts for v in range(len(variants))
            }
            for _ in range(args.repeat):
                for workers in counts:  # alternated, so that a change in the machine's load hits every count
                    for v, variant in enumerate(variants):  # and every variant
                        if args.ingest:
                            run = run_ingest(name, folder, args.articles, words, variant, workers, Path(tmp))
                        else:
                            cmd = [sys.executable, __file__, "--only", name, "--articles", str(args.articles)]
                            cmd += ["--seed", str(args.seed), "--workers", str(workers), "--words", str(args.words)]
                            cmd += [f"--swap={swap}" for swap in variant]
                            load = os.getloadavg()[0]
                            run = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
                            run["load"] = round(load, 2)
                        if len(variants) > 1:
                            run["pipeline"] = f"{name} with {', '.join(variant)}" if variant else name
                        runs[workers, v].append(run)
            rows = {key: median_row(value) for key, value in runs.items()}
            results += list(rows.values())
            if len(variants) > 1:
                for workers in counts:
                    before, after = rows[workers, 0], rows[workers, 1]
                    per_run = [round(b / a, 3) for a, b in zip(before["runs"], after["runs"], strict=True) if a]
                    ratios.append(
                        f"{name}, {workers} worker(s): {after['articles_per_s']} / {before['articles_per_s']} "
                        f"articles/s = {after['articles_per_s'] / before['articles_per_s']:.3f} with the swap "
                        f"(each run's ratio: {', '.join(map(str, per_run))}); CPU per article "
                        f"{before['cpu_ms_per_article']} / {after['cpu_ms_per_article']} ms = "
                        f"{before['cpu_ms_per_article'] / after['cpu_ms_per_article']:.3f}, the steadier figure on "
                        "a shared machine (the articles/s of one run follow the other jobs' load)"
                    )
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        "| pipeline | workers | articles | words/article | articles/s | CPU ms/article | parent CPU ms/article | "
        "spans/article | peak RSS MB | load | articles/s of each run |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['pipeline']} | {r['workers']} | {r['articles']} | {r['mean_words']} | {r['articles_per_s']} | "
            f"{r['cpu_ms_per_article']} | {r.get('parent_cpu_ms_per_article') or '–'} | "
            f"{r['spans_per_article'] or '–'} | {r['peak_rss_mb']} | {r['load']} | "
            f"{', '.join(str(x) for x in r['runs'])} |"
        )
    for line in ratios:
        print(f"\nratio: {line}")


if __name__ == "__main__":
    main()
