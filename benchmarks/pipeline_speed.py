"""Speed and memory of the per-article extraction pipelines on generated ~1,000-word reports.

    python benchmarks/pipeline_speed.py                  # both named pipelines, 300 articles each
    python benchmarks/pipeline_speed.py --articles 1000 --json

Each pipeline runs in a fresh interpreter on Documents built from the grammar in benchmarks/near_duplicates.py
(invented text, joined into articles of about 1,000 words, with a publication date). Timed: the components
only (cleaning and storage are measured by ingest_throughput.py); the first article is a warm-up (models load
then). Peak RSS is the child's whole process.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
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


def run_pipeline(name: str, count: int, seed: int) -> dict[str, Any]:
    from storytrace.model import DateVia, Document, PublishedDate, make_id
    from storytrace.pipeline import PIPELINES, Pipeline

    pipeline = Pipeline.from_names(PIPELINES[name])
    docs = [
        Document(
            id=make_id("doc", text),
            text=text,
            locator=f"gen:{i}",
            published=PublishedDate("2025-03-14", DateVia.USER),
        )
        for i, text in enumerate(articles(count + 1, seed))
    ]
    pipeline(docs[0])  # warm-up: models and matchers load here
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_start = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    spans = 0
    for doc in docs[1:]:
        pipeline(doc)
        spans += sum(len(layer) for layer in doc.spans.values())
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_start  # all threads: less sensitive to a busy machine than wall
    words = sum(len(d.text.split()) for d in docs[1:])
    return {
        "pipeline": name,
        "components": list(PIPELINES[name]),
        "articles": count,
        "mean_words": round(words / count),
        "seconds": round(wall, 2),
        "articles_per_s": round(count / wall, 1),
        "cpu_ms_per_article": round(1000 * cpu / count, 1),
        "spans_per_article": round(spans / count, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--only", help="run one pipeline in this process (used internally)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.only:
        print(json.dumps(run_pipeline(args.only, args.articles, args.seed)))
        return
    results = []
    for name in ("fast", "crf", "default"):
        cmd = [sys.executable, __file__, "--only", name, "--articles", str(args.articles), "--seed", str(args.seed)]
        results.append(json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print("| pipeline | articles | words/article | articles/s | CPU ms/article | spans/article | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['pipeline']} | {r['articles']} | {r['mean_words']} | {r['articles_per_s']} | "
            f"{r['cpu_ms_per_article']} | {r['spans_per_article']} | {r['peak_rss_mb']} |"
        )


if __name__ == "__main__":
    main()
