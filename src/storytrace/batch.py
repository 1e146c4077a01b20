"""Runs a batch of inputs through read → clean → components → near-duplicate linking → store.

One bad input never stops the batch: its error becomes a row in ``failures`` and an outcome the caller
can print, and the rest go on. Each document is written in its own transaction, so a run killed
halfway leaves a store that opens, and running the same command again skips what is already in.
"""

from __future__ import annotations

import sys
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import IO, Any

from storytrace.clean import clean_item, dedup
from storytrace.errors import FetchError, InputError, StorytraceError, UnsupportedInput
from storytrace.ingest.feeds import iter_feed_pages, parse_feed
from storytrace.ingest.files import ReadOptions, decode_bytes, iter_records, read_path, read_stdin
from storytrace.ingest.web import Fetcher, FetchOptions, sniff_kind
from storytrace.model import DateVia, Document, Edge, Failure, RawItem, make_id
from storytrace.pipeline import DEFAULT_INGEST_PIPELINE, Pipeline, get_component
from storytrace.store import DocumentFilter, Sighting, Store

__all__ = [
    "IngestOptions",
    "IngestReport",
    "ItemOutcome",
    "NearDuplicateLinker",
    "extract_inputs",
    "ingest",
    "process_documents",
    "process_raw",
]

MAX_CANDIDATES = 50


@dataclass(slots=True)
class IngestOptions:
    read: ReadOptions = field(default_factory=ReadOptions)
    fetch: FetchOptions = field(default_factory=FetchOptions)
    pipeline: tuple[str, ...] = DEFAULT_INGEST_PIPELINE  # extraction runs at ingest; "light" defers it
    config: dict[str, dict[str, Any]] = field(default_factory=dict)  # per-component settings, e.g. packs
    published: str | None = None  # a date the user gives for every input of this batch
    outlet: str | None = None  # an outlet the user gives for every input of this batch
    near_duplicates: bool = True
    fetch_feed_pages: bool = True
    refetch: bool = False  # fetch feed items again even when their URL is already in the store


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """What happened to one input: ``added``, ``duplicate``, ``unchanged`` or ``failed``."""

    locator: str
    status: str
    doc_id: str | None = None
    near_duplicate_of: str | None = None
    failure: Failure | None = None


@dataclass(slots=True)
class IngestReport:
    counts: Counter[str] = field(default_factory=Counter)
    outcomes: list[ItemOutcome] = field(default_factory=list)

    @property
    def failures(self) -> list[Failure]:
        return [o.failure for o in self.outcomes if o.failure is not None]


def ingest(
    store: Store,
    inputs: Iterable[str],
    options: IngestOptions | None = None,
    *,
    stdin: IO[bytes] | None = None,
    on_outcome: Callable[[ItemOutcome], None] | None = None,
) -> IngestReport:
    """Ingest paths, folders, URLs, feeds and ``-`` (stdin) into ``store``; never raises for a bad input."""
    options = options or IngestOptions()
    pipeline = Pipeline.from_names(options.pipeline, options.config)
    linker = NearDuplicateLinker(store) if options.near_duplicates else None
    report = IngestReport()
    run_id = store.start_run("ingest " + " ".join(inputs if isinstance(inputs, list) else []))
    with Fetcher(options.fetch) as fetcher:
        for raw in _iter_raw(list(inputs), options, fetcher, store, stdin):
            outcome = process_raw(store, raw, options, pipeline, linker)
            report.counts[outcome.status] += 1
            if outcome.near_duplicate_of:
                report.counts["near_duplicate"] += 1
            report.outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    store.finish_run(run_id, dict(report.counts))
    return report


def extract_inputs(
    inputs: Iterable[str],
    pipeline_names: Sequence[str],
    options: IngestOptions | None = None,
    *,
    config: dict[str, dict[str, Any]] | None = None,
    stdin: IO[bytes] | None = None,
) -> Iterator[Document | Failure]:
    """Read, clean and annotate inputs without a store: each yields a Document, or a Failure for a bad input."""
    options = options or IngestOptions()
    pipeline = Pipeline.from_names(pipeline_names, config)
    with Fetcher(options.fetch) as fetcher:
        for raw in _iter_raw(list(inputs), options, fetcher, None, stdin):
            if isinstance(raw, StorytraceError):
                yield _failure(raw)
                continue
            _apply_user_overrides(raw, options)
            try:
                yield pipeline(clean_item(raw))
            except StorytraceError as exc:
                yield _failure(exc, raw.locator)


def process_documents(
    store: Store,
    pipeline_names: Sequence[str],
    flt: DocumentFilter,
    *,
    config: dict[str, dict[str, Any]] | None = None,
    on_document: Callable[[Document], None] | None = None,
) -> int:
    """Run a pipeline over stored documents and replace the layers it makes; returns how many were processed.

    The cleaned text never changes, so new spans point into the same text as the old ones did.
    """
    pipeline = Pipeline.from_names(pipeline_names, config)
    layers = sorted(
        {
            a.removeprefix("spans.")
            for name in pipeline_names
            for a in get_component(name).assigns
            if a.startswith("spans.")
        }
    )
    count = 0
    for doc in store.iter_documents(flt):
        store.replace_layers(pipeline(doc), layers)
        count += 1
        if on_document is not None:
            on_document(doc)
    return count


def _stage_of(error: StorytraceError) -> str:
    if isinstance(error, FetchError):
        return "fetch"
    if isinstance(error, InputError) and error.code in {"ST106", "ST107"}:
        return "clean"
    return "read"


def _failure(error: StorytraceError, locator: str | None = None) -> Failure:
    return Failure(
        locator=error.locator or locator or "?",
        stage=_stage_of(error),
        code=error.code,
        message=error.message,
        hint=error.hint,
    )


def _iter_raw(
    inputs: list[str], options: IngestOptions, fetcher: Fetcher, store: Store | None, stdin: IO[bytes] | None
) -> Iterator[RawItem | StorytraceError]:
    for arg in inputs:
        if arg == "-":
            yield from read_stdin(stdin or sys.stdin.buffer, options.read)
        elif "://" in arg:
            yield from _iter_url(arg, options, fetcher, store)
        else:
            for item in read_path(Path(arg), options.read):
                if isinstance(item, RawItem) and item.kind == "feed":
                    yield from _iter_feed(item, options, fetcher, store)
                else:
                    yield item


def _iter_url(
    url: str, options: IngestOptions, fetcher: Fetcher, store: Store | None
) -> Iterator[RawItem | StorytraceError]:
    if not url.lower().startswith(("http://", "https://")):
        yield UnsupportedInput(f"cannot read {url.split('://')[0]}:// URLs", locator=url)
        return
    try:
        page = fetcher.fetch(url)
    except StorytraceError as exc:
        yield exc
        return
    kind = sniff_kind(page.content, page.content_type, page.final_url)
    if kind == "feed":
        yield from _iter_feed(
            RawItem(locator=url, content=page.content, kind="feed", url=page.final_url),
            options,
            fetcher,
            store,
        )
        return
    try:
        text = decode_bytes(page.content, url, page.charset)
    except InputError as exc:
        yield exc
        return
    if kind == "json":
        yield from iter_records(StringIO(text), url, options.read)
        return
    yield RawItem(locator=url, content=text, kind="html" if kind == "html" else "text", url=page.final_url)


def _iter_feed(
    feed_item: RawItem, options: IngestOptions, fetcher: Fetcher, store: Store | None
) -> Iterator[RawItem | StorytraceError]:
    content = feed_item.content if isinstance(feed_item.content, bytes) else feed_item.content.encode("utf-8")
    try:
        feed = parse_feed(content, url=feed_item.url, locator=feed_item.locator)
    except StorytraceError as exc:
        yield exc
        return
    # A page already in the store is not fetched again, unless asked to (its text may have been updated).
    skip = None if options.refetch or store is None else store.has_sighting
    for raw in iter_feed_pages(feed, feed_item.locator, fetcher, fetch_pages=options.fetch_feed_pages, skip=skip):
        if isinstance(raw, RawItem) and isinstance(raw.content, bytes):
            try:
                raw.content = decode_bytes(raw.content, raw.locator, raw.encoding)
            except InputError as exc:
                yield exc
                continue
        yield raw


def _apply_user_overrides(raw: RawItem, options: IngestOptions) -> None:
    if options.published and not raw.published:
        raw.published = options.published
        raw.published_via = DateVia.USER
    if options.outlet and not raw.outlet:
        raw.outlet = options.outlet
        raw.meta["via"] = "user"


def process_raw(
    store: Store,
    raw: RawItem | StorytraceError,
    options: IngestOptions,
    pipeline: Pipeline,
    linker: NearDuplicateLinker | None,
) -> ItemOutcome:
    """Clean, annotate, deduplicate and store one raw item (or record the error it is); ingest and watch use it."""
    if isinstance(raw, StorytraceError):
        failure = _failure(raw)
        store.record_failure(failure)
        return ItemOutcome(failure.locator, "failed", failure=failure)
    _apply_user_overrides(raw, options)
    raw_hash = make_id("raw", raw.locator, raw.content, raw.url, raw.original_id, raw.outlet, raw.published, raw.title)
    known = store.doc_for_raw(raw_hash, raw.locator)
    if known is not None:
        return ItemOutcome(raw.locator, "unchanged", doc_id=known)
    try:
        doc = clean_item(raw)
        if not store.has_document(doc.id):  # an exact copy of a stored report needs only its sighting
            doc = pipeline(doc)
    except StorytraceError as exc:
        failure = _failure(exc, raw.locator)
        store.record_failure(failure)
        return ItemOutcome(raw.locator, "failed", failure=failure)
    sighting = Sighting(
        locator=raw.locator,
        raw_hash=raw_hash,
        url=raw.url or doc.url,
        original_id=raw.original_id,
        outlet=doc.outlet,
        title=doc.title,
        published_at=doc.published.value if doc.published else None,
    )
    outcome = store.save_document(doc, sighting)
    original = None
    if outcome.status == "added" and linker is not None:
        original = linker.link(doc)
    return ItemOutcome(raw.locator, outcome.status, doc_id=outcome.doc_id, near_duplicate_of=original)


class NearDuplicateLinker:
    """Finds a new document's near-duplicates in the store and records who copied whom as edges.

    The original of a pair is the one published first (then the one ingested first); every copy points at the
    earliest document of its group, so ten rewrites of one scoop lead back to one origin. Shingle sets of
    recent candidates are cached: in a pile about one story the same documents come up again and again.
    """

    def __init__(self, store: Store, cache_size: int = 20_000) -> None:
        self.store = store
        self.cache_size = cache_size
        self._cache: OrderedDict[str, dedup.Shingles] = OrderedDict()

    def _shingles_of(self, doc_ids: list[str]) -> dict[str, dedup.Shingles]:
        missing = [d for d in doc_ids if d not in self._cache]
        for doc_id, text in self.store.texts(missing).items():
            self._remember(doc_id, dedup.shingles(text))
        for doc_id in doc_ids:
            self._cache.move_to_end(doc_id)
        return {d: self._cache[d] for d in doc_ids}

    def _remember(self, doc_id: str, shingles: dedup.Shingles) -> None:
        self._cache[doc_id] = shingles
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def link(self, doc: Document) -> str | None:
        """Returns the original this document was found to copy, if any."""
        own = dedup.shingles(doc.text)
        fp = dedup.fingerprint(own)
        doc_bands = dedup.bands(fp.signature)
        # The most similar candidates share the most band buckets; comparing beyond the top few only costs
        # time in a pile where every report is about the same story.
        candidates = self.store.band_candidates(doc_bands, exclude=doc.id)[:MAX_CANDIDATES]
        matches: list[tuple[str, dedup.Similarity]] = []
        for other_id, other in self._shingles_of(candidates).items():
            sim = dedup.similarity(own, other)
            if dedup.is_near_duplicate(sim):
                matches.append((other_id, sim))
        self._remember(doc.id, own)
        with self.store.transaction():
            self.store.save_fingerprint(doc.id, dedup.METHOD, fp.signature.astype("<u4").tobytes(), doc_bands)
            if not matches:
                return None
            return self._record(doc, matches)

    def _record(self, doc: Document, matches: list[tuple[str, dedup.Similarity]]) -> str | None:
        store = self.store
        keys = store.order_keys([doc.id, *(m for m, _ in matches)])
        best_original: tuple[tuple[str, int], str, dedup.Similarity] | None = None
        for other_id, sim in matches:
            copy, original = (doc.id, other_id) if keys[other_id] < keys[doc.id] else (other_id, doc.id)
            store.save_edge(
                Edge(
                    left_id=copy,
                    right_id=original,
                    kind="near_duplicate",
                    score=round(dedup.score(sim), 4),
                    method=dedup.METHOD,
                    explanation=dedup.explain(sim),
                )
            )
            if original == other_id and (best_original is None or keys[other_id] < best_original[0]):
                best_original = (keys[other_id], other_id, sim)
        if best_original is not None:
            root = store.root_original(best_original[1])
            store.set_near_duplicate(doc.id, root, round(dedup.score(best_original[2]), 4))
            return root
        # This document is older than everything it matches: it becomes their original.
        for other_id, sim in matches:
            store.set_near_duplicate(other_id, doc.id, round(dedup.score(sim), 4))
            store.repoint_copies(other_id, doc.id)
        return None
