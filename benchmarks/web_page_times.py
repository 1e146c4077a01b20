"""Time the workspace's pages on a store: p50/p95 per page over a real loopback server (not a test).

    python benchmarks/web_page_times.py /tmp/scale-10k.db --repeat 20

Pages: overview, board (first and a deep page, and filtered by status), a proposition, the timeline (first and a
deep page), entities, an entity, the reader, search, graph, map. The ids are the most reported ones of the store,
so the proposition and entity pages are their heaviest. The store is only read.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import threading
import time
from urllib.parse import quote

import httpx

from storytrace.web import make_server


def _pages(db_path: str) -> list[tuple[str, str]]:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    one = db.execute
    prop = one("SELECT id FROM propositions ORDER BY reports DESC LIMIT 1").fetchone()[0]
    entity = one("SELECT id FROM entities ORDER BY documents DESC LIMIT 1").fetchone()[0]
    doc = one("SELECT doc_id FROM claims WHERE proposition_id = ? LIMIT 1", (prop,)).fetchone()[0]
    word = one("SELECT name FROM entities WHERE kind = 'PER' ORDER BY documents DESC LIMIT 1").fetchone()[0]
    db.close()
    return [
        ("overview", "/"),
        ("board", "/propositions"),
        ("board page 40", "/propositions?page=40"),
        ("board contested", "/propositions?status=contested"),
        ("proposition", f"/propositions/{quote(prop, safe='')}"),
        ("timeline", "/timeline"),
        ("timeline page 40", "/timeline?page=40"),
        ("entities", "/entities"),
        ("entity", f"/entities/{quote(entity, safe='')}"),
        ("reader", f"/documents/{quote(doc, safe='')}"),
        ("documents page 40", "/documents?page=40"),
        ("search", f"/search?q={quote(word.split()[-1])}"),
        ("graph", "/graph"),
        ("graph around entity", f"/graph?entity={quote(entity, safe='')}"),
        ("map", "/map"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    server = make_server(args.db, port=0, resolve_after_judgement=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    documents = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True).execute("SELECT COUNT(*) FROM documents")
    print(f"store {args.db}: {documents.fetchone()[0]} documents; {args.repeat} requests per page (after 1 warm-up)")
    print(f"{'page':<22} {'first ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  status")
    try:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            for name, path in _pages(args.db):
                start = time.perf_counter()
                status = client.get(path).status_code  # warm-up: fills the cached figures (graph, counts)
                first = (time.perf_counter() - start) * 1000
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    client.get(path)
                    times.append((time.perf_counter() - start) * 1000)
                times.sort()
                p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
                print(f"{name:<22} {first:8.1f} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f}  {status}")
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
