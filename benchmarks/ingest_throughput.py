"""Ingest throughput and peak memory of the whole `storytrace ingest` command, on generated piles.

    python benchmarks/ingest_throughput.py                    # all scenarios, the published table
    python benchmarks/ingest_throughput.py --repeat 50 --pages 200   # a quick run
    python benchmarks/ingest_throughput.py --json
    python benchmarks/ingest_throughput.py --workers 2       # `storytrace ingest --workers 2`

Scenarios (each a fresh store, the command run as a child process; wall time and the child's peak RSS):

* ``demo-verbatim``: examples/demo repeated R times under other file names. Every repeat is an exact
  duplicate: this is the read → clean → hash → "seen as" path (a mirror or a re-saved folder).
* ``demo-rewritten``: examples/demo repeated R times, each copy reworded (10-20 % of words, as a copying
  outlet does). Every copy is a new document and a near-duplicate of the other copies of its file: the full
  path, including near-duplicate lookups, in its worst case (every document has many similar ones).
* ``html-pages``: N generated news pages (full HTML with navigation, share buttons, comments and footer
  around the article): originals, syndicated copies, rewrites and independent same-event reports, from the
  grammar in benchmarks/near_duplicates.py (invented text only).
* ``reingest``: the html-pages command run again on its store: every input is recognised and skipped.

Every text is generated or written by us; nothing is read from ../shared.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import near_duplicates as gen

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo"

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | {outlet}</title>
<meta property="og:site_name" content="{outlet}">
<meta property="article:published_time" content="{published}">
<link rel="canonical" href="https://{domain}/{path}"></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/region">Region</a>
<a href="/opinion">Opinion</a> <form><input name="q" placeholder="Search"></form></nav></header>
<div class="share"><a href="#">Share on X</a> <a href="#">Facebook</a> <a href="#">WhatsApp</a></div>
<main><article><h1>{title}</h1><p class="byline">By {author} · {published_human}</p>
{paragraphs}
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">{other1}</a></li><li><a href="/b">{other2}</a></li></ul></aside>
<section id="comments"><h3>3 comments</h3><div class="comment">Great reporting as always.</div>
<div class="comment">Who funds these groups?</div><form><textarea></textarea><button>Reply</button></form></section>
</main><footer><p>© 2025 {outlet}. All rights reserved.</p><p>We use cookies. <button>Accept</button></p></footer>
</body></html>
"""


def _slug(text: str) -> str:
    return "-".join("".join(c for c in w if c.isalnum()) for w in text.lower().split()[:8])


def write_html_pages(folder: Path, count: int, seed: int) -> int:
    """About ``count`` pages: generated stories, each with its copies, rewrites and a same-event report."""
    rng = random.Random(seed)
    per_story = 1 + len(gen.DERIVED_KINDS) + 1
    articles = gen.generate(seed, max(1, count // per_story))[:count]
    for i, article in enumerate(articles):
        lines = [line for line in article.text.split("\n\n") if line.strip()]
        title, body = lines[0], lines[1:] or lines
        outlet = rng.choice(gen.OUTLETS)
        day = 1 + i % 28
        page = PAGE.format(
            title=html.escape(title),
            outlet=html.escape(outlet),
            domain=_slug(outlet).replace("-", "") + ".example",
            path=f"2025/03/{day:02d}/{_slug(title)}-{i}",
            published=f"2025-03-{day:02d}T08:00:00+03:00",
            published_human=f"March {day}, 2025",
            author=html.escape(rng.choice(["Lina Haddad", "Omar Sfeir", "Dana Kassem"])),
            paragraphs="\n".join(f"<p>{html.escape(p)}</p>" for p in body),
            other1=html.escape(lines[0][:40]),
            other2="Markets steady as talks resume",
        )
        (folder / f"page-{i:05d}.html").write_text(page, encoding="utf-8")
    return len(articles)


def write_demo_repeats(folder: Path, repeat: int, *, rewrite: bool, seed: int) -> int:
    rng = random.Random(seed)
    written = 0
    files = sorted(p for p in DEMO.iterdir() if p.is_file())
    for r in range(repeat):
        sub = folder / f"r{r:04d}"
        sub.mkdir()
        for path in files:
            text = path.read_text(encoding="utf-8")
            if rewrite and path.suffix in {".txt", ".md"}:
                paragraphs = text.split("\n\n")
                text = "\n\n".join(gen.reword(p, rng.uniform(0.10, 0.20), rng)[0] for p in paragraphs)
            elif rewrite and path.suffix == ".jsonl":
                records = [json.loads(line) for line in text.splitlines() if line.strip()]
                for record in records:
                    record["id"] = f"{record['id']}-r{r}"
                    record["text"] = gen.reword(record["text"], rng.uniform(0.10, 0.20), rng)[0]
                text = "".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in records)
            elif rewrite:  # HTML: reword the visible paragraphs only
                text = "<p>".join(
                    [text.split("<p>")[0]]
                    + [gen.reword(part, rng.uniform(0.10, 0.20), rng)[0] for part in text.split("<p>")[1:]]
                )
            (sub / path.name).write_text(text, encoding="utf-8")
            written += 1 if path.suffix != ".jsonl" else len(text.splitlines())
    return written


def run_ingest(folder: Path, db: Path, workers: int = 1) -> dict[str, Any]:
    """Run the CLI as a child; wall time and the peak resident memory of its largest process (Linux: KiB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "storytrace", "ingest", str(folder), "--db", str(db), "--jsonl"]
    proc = subprocess.run(
        [*cmd, "--workers", str(workers)],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode not in (0, 3):
        raise SystemExit(f"ingest failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    statuses: dict[str, int] = {}
    near = 0
    for line in proc.stdout.splitlines():
        row = json.loads(line)
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
        near += row["near_duplicate_of"] is not None
    return {
        "workers": workers,
        "inputs": sum(statuses.values()),
        "statuses": statuses,
        "near": near,
        "wall_s": round(wall, 2),
        "inputs_per_s": round(sum(statuses.values()) / wall, 1),
        # ru_maxrss of children is the largest child so far (with --workers, the largest of the processes, not
        # their sum); each scenario runs in a fresh interpreter below, so `peak` is this scenario's unless an
        # earlier child was larger (then it is an upper bound).
        "peak_rss_mb": round(max(peak, before) / 1024, 1),
    }


def scenario(name: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run one scenario in this process (called in a fresh interpreter per scenario, see main)."""
    work = Path(tempfile.mkdtemp(prefix=f"st-bench-{name}-"))
    try:
        folder = work / "in"
        folder.mkdir()
        db = work / "store.db"
        if name == "demo-verbatim":
            generated = write_demo_repeats(folder, args.repeat, rewrite=False, seed=args.seed)
        elif name == "demo-rewritten":
            generated = write_demo_repeats(folder, args.repeat, rewrite=True, seed=args.seed)
        else:
            generated = write_html_pages(folder, args.pages, args.seed)
        result = run_ingest(folder, db, args.workers)
        if name == "html-pages":
            again = run_ingest(folder, db, args.workers)
            result["reingest"] = again
        result.update(scenario=name, generated=generated, store_mb=round(db.stat().st_size / 2**20, 1))
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=200, help="copies of examples/demo (default 200)")
    parser.add_argument("--pages", type=int, default=1000, help="generated HTML pages (default 1000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", choices=["demo-verbatim", "demo-rewritten", "html-pages"])
    parser.add_argument("--workers", type=int, default=1, help="storytrace ingest --workers N (default 1)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    names = [args.only] if args.only else ["demo-verbatim", "demo-rewritten", "html-pages"]
    results = []
    for name in names:
        # A fresh interpreter per scenario, so each child's peak memory is measured on its own.
        cmd = [sys.executable, __file__, "--only", name, "--json", "--repeat", str(args.repeat)]
        cmd += ["--pages", str(args.pages), "--seed", str(args.seed), "--workers", str(args.workers)]
        if args.only:
            results.append(scenario(name, args))
        else:
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            results.extend(json.loads(out))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        "| scenario | workers | inputs | added | exact dup | near-dup linked | failed | wall s | inputs/s | "
        "peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        rows = [(r["scenario"], r)]
        if "reingest" in r:
            rows.append(("reingest (same command again)", r["reingest"]))
        for label, x in rows:
            s = x["statuses"]
            print(
                f"| {label} | {x['workers']} | {x['inputs']} | {s.get('added', 0)} | {s.get('duplicate', 0)} | "
                f"{x.get('near', '')} | {s.get('failed', 0)} | {x['wall_s']} | {x['inputs_per_s']} | "
                f"{x['peak_rss_mb']} |"
            )


if __name__ == "__main__":
    main()
