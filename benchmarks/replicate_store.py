"""Make a big resolved store for timing the web pages: a resolved store's rows copied N times (not a test).

    python benchmarks/replicate_store.py /tmp/demo.db /tmp/web-100k.db --copies 6250   # 16 x 6250 = 100,000 docs

Every copy gets its own documents, mentions, claims, propositions, events and the reader's span layers (times,
attributions, relations), with ids suffixed ``~k``; entities are shared, so the most named entity ends up with
every copy's mentions (the heaviest entity page), and propositions never merge across copies (the longest board
and timeline). Resolving 100,000 real documents takes far longer on this machine; the pages only read these
tables, so their cost depends on the row counts and indexes, which this reproduces (rows per document as in the
source store). The source is only read.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from pathlib import Path

from storytrace.store import Store

_READER_LAYERS = "('times', 'attributions', 'relations')"


def replicate(source: Path, target: Path, copies: int) -> None:
    with Store(target):
        pass  # the schema, by the store's own migrations
    db = sqlite3.connect(target, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("ATTACH DATABASE ? AS src", (f"file:{source}?mode=ro",))
    db.execute("CREATE TEMP TABLE ks (k INTEGER PRIMARY KEY)")
    db.executemany("INSERT INTO ks VALUES (?)", [(k,) for k in range(copies)])
    sfx = "'~' || ks.k"
    steps = {
        "sources": "INSERT INTO sources SELECT * FROM src.sources",
        "entities": "INSERT INTO entities (id, kind, name, pack_id, mentions, documents, first_seen, last_seen, "
        f"updated_at) SELECT id, kind, name, pack_id, mentions * {copies}, documents * {copies}, first_seen, "
        "last_seen, updated_at FROM src.entities",
        "documents": "INSERT INTO documents (id, source_id, outlet, outlet_via, title, url, canonical_url, "
        "original_id, domain, author, published_at, published_precision, published_via, published_evidence, lang, "
        "lang_score, kind, text, word_count, near_duplicate_of, near_duplicate_score, locator, ingested_at, meta) "
        f"SELECT d.id || {sfx}, source_id, outlet, outlet_via, title, url, canonical_url, original_id, domain, "
        "author, published_at, published_precision, published_via, published_evidence, lang, lang_score, kind, "
        f"text, word_count, CASE WHEN near_duplicate_of IS NULL THEN NULL ELSE near_duplicate_of || {sfx} END, "
        "near_duplicate_score, locator || '#' || ks.k, ingested_at, meta FROM ks, src.documents d "
        "ORDER BY ks.k, d.n",
        "spans": f"INSERT INTO spans SELECT s.id || {sfx}, s.doc_id || {sfx}, layer, start_char, end_char, label, "
        f"attrs, produced_by FROM ks, src.spans s WHERE s.layer IN {_READER_LAYERS}",
        "mentions": f"INSERT INTO mentions SELECT m.doc_id || {sfx}, start_char, end_char, text, label, entity_id, "
        "score, method, explanation FROM ks, src.mentions m",
        "events": f"INSERT INTO events SELECT e.id || {sfx}, type, date, date_precision, date_conflicts, place_id, "
        "place, summary, reports, first_seen, last_seen, updated_at FROM ks, src.events e",
        "event_mentions": f"INSERT INTO event_mentions SELECT m.doc_id || {sfx}, start_char, end_char, "
        f"m.event_id || {sfx}, type, date, precision, score, explanation FROM ks, src.event_mentions m",
        "propositions": f"INSERT INTO propositions SELECT p.id || {sfx}, text, status, reasons, origins, supports, "
        "refutes, reports, event_id, first_seen, last_seen, updated_at FROM ks, src.propositions p",
        "claims": f"INSERT INTO claims SELECT c.id || {sfx}, c.doc_id || {sfx}, start_char, end_char, "
        "sentence_start, sentence_end, text, voice, speaker, speaker_kind, speaker_entity, chain, polarity, hedges, "
        f"modality, CASE WHEN proposition_id IS NULL THEN NULL ELSE proposition_id || {sfx} END, stance, "
        "stance_score, origin, origin_reason, published_at, stance_reason FROM ks, src.claims c",
    }
    for name, sql in steps.items():
        start = time.perf_counter()
        db.execute("BEGIN")
        db.execute(sql)
        db.execute("COMMIT")
        count = db.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]
        print(f"{name:<15} {count:>10,} rows  {time.perf_counter() - start:6.1f} s", flush=True)
    db.execute("DETACH DATABASE src")  # no ANALYZE: stores in use are not analysed either
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--copies", type=int, required=True)
    args = parser.parse_args()
    if args.target.exists():
        parser.error(f"{args.target} exists; give a new path")
    replicate(args.source, args.target, args.copies)


if __name__ == "__main__":
    main()
