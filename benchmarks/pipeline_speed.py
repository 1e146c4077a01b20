"""Speed and memory of the per-article extraction pipelines on generated ~1,000-word reports.

    python benchmarks/pipeline_speed.py                  # the named pipelines, 300 articles each, one process
    python benchmarks/pipeline_speed.py --articles 1000 --json
    python benchmarks/pipeline_speed.py --workers 2      # a pool of 2 worker processes (one per core)
    python benchmarks/pipeline_speed.py --swap extract.entities.minilm.v1=extract.entities.minilm.v2
    python benchmarks/pipeline_speed.py --ingest --articles 200   # as the product runs it: `storytrace ingest`

Each pipeline runs in a fresh interpreter on Documents built from the grammar in benchmarks/near_duplicates.py
(invented text, joined into articles of about 1,000 words, with a publication date). Timed: the components
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
a user would: ``storytrace ingest FOLDER --db NEW.db --pipeline ... --no-resolve`` in a child process (one
process: reading, cleaning, near-duplicate lookup, the components, storage). Its wall time includes starting
Python and loading the models; CPU and peak RSS are the child's.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def articles(count: int, seed: int) -> list[str]:
    import near_duplicates as gen  # the benchmark's own invented-text generator

    rng = random.Random(seed)
    pool = [a.text for a in gen.generate(seed, max(1, count // 2)) if a.kind in ("original", "same_event")]
    texts = []
    for _ in range(count):
        words: list[str] = []
        parts = []
        while len(words) < 1000:
            part = rng.choice(pool)
            parts.append(part)
            words += part.split()
        texts.append("\n\n".join(parts))
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


def run_pipeline(name: str, count: int, seed: int, workers: int = 1, swaps: list[str] | None = None) -> dict[str, Any]:
    from storytrace.pipeline import Pipeline

    names = pipeline_names(name, swaps or [])
    texts = articles(count + 1, seed)
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


def run_ingest(name: str, count: int, seed: int, swaps: list[str]) -> dict[str, Any]:
    """``storytrace ingest`` of ``count`` generated articles (text files) into a fresh store, in a child process."""
    names = pipeline_names(name, swaps)
    texts = articles(count, seed)
    with tempfile.TemporaryDirectory(prefix="storytrace-speed-") as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for i, text in enumerate(texts):
            (folder / f"report-{i:05d}.txt").write_text(text, encoding="utf-8")
        cmd = [sys.executable, "-m", "storytrace", "ingest", str(folder), "--db", str(Path(tmp) / "speed.db")]
        cmd += ["--pipeline", ",".join(names), "--published", "2025-03-14", "--no-resolve"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, text=True, check=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {
        "pipeline": name,
        "components": list(names),
        "workers": "ingest",
        "articles": count,
        "mean_words": round(sum(len(t.split()) for t in texts) / count),
        "seconds": round(wall, 2),
        "articles_per_s": round(count / wall, 1),
        "cpu_ms_per_article": round(1000 * cpu / count, 1),
        "spans_per_article": None,
        "peak_rss_mb": round(after.ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1: the pipeline in-process)")
    parser.add_argument("--pipelines", default="fast,crf,default", help="named pipelines, comma-separated")
    parser.add_argument("--swap", action="append", default=[], help="OLD=NEW: run component NEW in place of OLD")
    parser.add_argument(
        "--ingest",
        action="store_true",
        help="time `storytrace ingest` on the articles instead (one process: --workers does not apply)",
    )
    parser.add_argument("--only", help="run one pipeline in this process (used internally)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.only:
        print(json.dumps(run_pipeline(args.only, args.articles, args.seed, args.workers, args.swap)))
        return
    names = args.pipelines.split(",")
    for swap in args.swap:
        if not any(swap.split("=", 1)[0] in pipeline_names(name, []) for name in names):
            parser.error(f"--swap {swap}: no pipeline of {args.pipelines} has that component")
    results = []
    for name in names:
        swaps = [swap for swap in args.swap if swap.split("=", 1)[0] in pipeline_names(name, [])]
        if args.ingest:
            results.append(run_ingest(name, args.articles, args.seed, swaps))
            continue
        cmd = [sys.executable, __file__, "--only", name, "--articles", str(args.articles), "--seed", str(args.seed)]
        cmd += ["--workers", str(args.workers), *(f"--swap={swap}" for swap in swaps)]
        results.append(json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        "| pipeline | workers | articles | words/article | articles/s | CPU ms/article | spans/article | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['pipeline']} | {r['workers']} | {r['articles']} | {r['mean_words']} | {r['articles_per_s']} | "
            f"{r['cpu_ms_per_article']} | {r['spans_per_article'] or '–'} | {r['peak_rss_mb']} |"
        )


if __name__ == "__main__":
    main()
