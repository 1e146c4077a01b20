"""The watch loop's cost per new item: rounds of `storytrace watch` against a loopback feed of generated reports.

    python benchmarks/watch_cost.py                      # empty store, 30 new items, then 3 single items
    python benchmarks/watch_cost.py --base-docs 1000     # the same on top of 1,000 generated reports
    python benchmarks/watch_cost.py --items 10 --singles 1 --json

A real HTTP server on 127.0.0.1 serves an RSS feed (with ETag / 304) whose items link to HTML pages of invented
reports (the grammar of benchmarks/near_duplicates.py). One Watcher (default pipeline, host interval 0, so the
numbers are our cost and not the politeness wait) runs:

* ``warm-up``: one item, so loading the models is not counted below;
* ``batch``: ``--items`` new items in one round: fetch + ingest per item, and the one resolve they share;
* ``idle``: the feed unchanged: one conditional GET answered 304;
* ``single``: one new item per round, ``--singles`` times (median): the marginal cost of one item: its fetch
  and ingest, its join to the dossier and the diff of what the join touched, on top of ``--base-docs`` reports
  (made by benchmarks/generate_store.py: synthesised layers, not extracted);
* the anchor: ``batch.ingest`` of the same feed (all its items) into a fresh store, as ``storytrace ingest
  FEED`` does, in the same process under the same load: what watch costs beyond plain ingest.

With the default ``--host-interval 1`` a real run also waits 1 s per request to the same host (page + feed), on
the clock but not on the CPU. Every text is generated; nothing is read from ../shared.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import near_duplicates as gen
from storytrace.batch import IngestOptions, ingest
from storytrace.ingest.web import FetchOptions
from storytrace.store import Store
from storytrace.watch import RoundReport, Watcher, WatchOptions

ROOT = Path(__file__).resolve().parents[1]


class Site:
    """Article pages and one feed listing the published ones, newest first, with an ETag."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        self.published: list[tuple[str, str]] = []  # (title, path)
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                body, kind = (
                    (site.feed(), "application/rss+xml")
                    if self.path == "/feed.xml"
                    else (
                        site.pages.get(self.path, b""),
                        "text/html",
                    )
                )
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.path == "/feed.xml" and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", kind)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, number: int, text: str) -> None:
        headline, *rest = [block.strip() for block in text.split("\n") if block.strip()]
        path = f"/news/{number}"
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in rest)
        self.pages[path] = (
            f"<!DOCTYPE html><html><head><title>{html.escape(headline)}</title>"
            f'<meta property="article:published_time" content="2025-05-{1 + number % 28:02d}T09:00:00+00:00">'
            f"</head><body><article><h1>{html.escape(headline)}</h1>{paragraphs}</article></body></html>"
        ).encode()
        self.published.insert(0, (headline, path))

    def feed(self) -> bytes:
        items = "".join(
            f"<item><title>{html.escape(t)}</title><link>{self.base}{p}</link><guid>{self.base}{p}</guid></item>"
            for t, p in self.published[:100]
        )
        return (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>{items}</channel></rss>'
        ).encode()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _row(name: str, report: RoundReport, wall: float, items: int) -> dict[str, Any]:
    return {
        "round": name,
        "new_items": items,
        "added": report.counts["added"],
        "changes": len(report.changes),
        "wall_s": round(wall, 3),
        "per_item_s": round(wall / items, 3) if items else None,
        "fetch_ingest_s": round(report.seconds["poll"], 3),
        "resolve_s": round(report.seconds["resolve"], 3),
        "diff_s": round(report.seconds["diff"], 3),
    }


def run(items: int, singles: int, base_docs: int, seed: int) -> dict[str, Any]:
    articles = [a.text for a in gen.generate(seed, originals=(items + singles + 1) // 6 + 1)]
    random.Random(seed).shuffle(articles)
    needed = 1 + items + singles
    if len(articles) < needed:
        raise SystemExit(f"the generator gave {len(articles)} articles, {needed} needed")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "watch.db"
        if base_docs:
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "benchmarks" / "generate_store.py"),
                    "--docs",
                    str(base_docs),
                    "--db",
                    str(db),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        site = Site()
        rows: list[dict[str, Any]] = []
        try:
            with Store(db) as store:
                started = time.perf_counter()
                watcher = Watcher(store, [site.base + "/feed.xml"], WatchOptions(host_interval=0.0, timeout=30.0))
                baseline_s = time.perf_counter() - started
                with watcher:
                    site.add(0, articles[0])

                    def timed(name: str, new: int) -> None:
                        started = time.perf_counter()
                        report = watcher.run_round(ignore_schedule=True)
                        rows.append(_row(name, report, time.perf_counter() - started, new))

                    timed("warm-up", 1)
                    for n in range(1, items + 1):
                        site.add(n, articles[n])
                    timed("batch", items)
                    timed("idle", 0)
                    for k in range(singles):
                        site.add(items + 1 + k, articles[items + 1 + k])
                        timed("single", 1)
                    documents = store.count_documents()
            # The anchor: `storytrace ingest FEED` of the same items into a fresh store, same process, same load.
            with Store(Path(tmp) / "anchor.db") as other:
                started = time.perf_counter()
                counts = ingest(other, [site.base + "/feed.xml"], IngestOptions(fetch=FetchOptions(politeness_delay=0)))
                anchor_s = time.perf_counter() - started
        finally:
            site.close()
    singles_rows = [r for r in rows if r["round"] == "single"]
    return {
        "command": " ".join(sys.argv),
        "base_docs": base_docs,
        "documents_at_end": documents,
        "first_watch_baseline_s": round(baseline_s, 3),
        "rounds": rows,
        "anchor_ingest": {
            "items": counts.counts["added"],
            "wall_s": round(anchor_s, 3),
            "per_item_s": round(anchor_s / max(counts.counts["added"], 1), 3),
        },
        "single_item_median_s": statistics.median(r["wall_s"] for r in singles_rows) if singles_rows else None,
        "single_item_resolve_median_s": statistics.median(r["resolve_s"] for r in singles_rows)
        if singles_rows
        else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=30, help="new items in the batch round")
    parser.add_argument("--singles", type=int, default=3, help="rounds with one new item each")
    parser.add_argument("--base-docs", type=int, default=0, help="generated reports in the store before watching")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    result = run(args.items, args.singles, args.base_docs, args.seed)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"store: {args.base_docs} generated reports before watching; {result['documents_at_end']} at the end")
    print(f"first watch of the store (resolve + snapshot): {result['first_watch_baseline_s']:.2f} s")
    print(
        f"{'round':8} {'new':>4} {'added':>5} {'changes':>7} {'wall s':>7} {'s/item':>7} "
        f"{'fetch+ingest':>12} {'resolve':>8}"
    )
    for r in result["rounds"]:
        per = f"{r['per_item_s']:.3f}" if r["per_item_s"] is not None else "-"
        print(
            f"{r['round']:8} {r['new_items']:>4} {r['added']:>5} {r['changes']:>7} {r['wall_s']:>7.3f} {per:>7} "
            f"{r['fetch_ingest_s']:>12.3f} {r['resolve_s']:>8.3f}"
        )
    anchor = result["anchor_ingest"]
    print(
        f"anchor, `ingest FEED` of the same {anchor['items']} items into a fresh store: {anchor['wall_s']:.2f} s, "
        f"{anchor['per_item_s']:.3f} s/item"
    )
    if result["single_item_median_s"] is not None:
        print(f"one new item per round (median of {args.singles}): {result['single_item_median_s']:.3f} s")


if __name__ == "__main__":
    main()
