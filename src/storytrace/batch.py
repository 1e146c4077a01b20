"""Runs a batch of inputs through read → clean → components → near-duplicate linking → store.

One bad input never stops the batch: its error becomes a row in ``failures`` and an outcome the caller
can print, and the rest go on. Each document is written in its own transaction, so a run killed
halfway leaves a store that opens, and running the same command again skips what is already in.

With ``workers`` > 1 the clean + annotate step of each input runs in that many worker processes (fork where
the platform has it, else spawn), each building the pipeline once and giving ONNX one thread; reading,
fetching and every store write stay in the calling process, in input order, so the store ends up as a
one-process run leaves it. A worker sends back the document with its spans as plain tuples (unpickling
Span objects cost the parent more than the rest of its share). A worker checks the store (read-only) before
annotating, so an exact copy of a stored report is not annotated; a byte-identical input is held back until
the one before it is stored. A worker that dies, or a component that raises something other than a
StorytraceError, costs only that input (a recorded failure, code ST420), and a new worker takes over.

Known gaps of the workers: the parent still turns the tuples back into Spans for ``Store.save_document``
(about 2 ms per 1,000-word report); reports that clean to the same text from different bytes may both be
annotated when they are in flight together (the second is then stored as a duplicate, as in one process);
a store in memory cannot be read by the workers, so nothing is skipped for it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from io import StringIO
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import IO, Any

from storytrace.clean import clean_item, dedup
from storytrace.errors import FetchError, InputError, PipelineError, StorytraceError, UnsupportedInput
from storytrace.ingest.feeds import iter_feed_pages, parse_feed
from storytrace.ingest.files import ReadOptions, decode_bytes, iter_records, read_path, read_stdin
from storytrace.ingest.web import Fetcher, FetchOptions, sniff_kind
from storytrace.model import DateVia, Document, Edge, Failure, RawItem, Span, make_id
from storytrace.pipeline import DEFAULT_INGEST_PIPELINE, Pipeline, get_component
from storytrace.store import DocumentFilter, Sighting, Store, span_rows

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
# Fork starts a worker in milliseconds and shares the parent's imports; elsewhere (macOS, Windows) fork is unsafe
# or missing, and spawn starts a fresh interpreter.
_START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"
# Code of the failure recorded for an input whose worker died or whose components raised an unexpected error.
CRASH_CODE = "ST420"


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
    workers: int = 1  # processes that clean and annotate; 1 runs them in this process


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
    """Ingest paths, folders, URLs, feeds and ``-`` (stdin) into ``store``; never raises for a bad input.

    With ``options.workers`` > 1, cleaning and annotating run in that many worker processes; the outcomes, and
    what the store holds afterwards, are those of a one-process run.
    """
    options = options or IngestOptions()
    # Built before the run is recorded, so that a pipeline that cannot be built fails before the first input.
    store_path = _store_file(store)
    with _WorkerPool(
        options.workers, options.pipeline, options.config, store_path, with_keys=options.near_duplicates
    ) as pool:
        pipeline = Pipeline.from_names(options.pipeline, options.config) if pool.size == 0 else None
        command = "ingest " + " ".join(inputs if isinstance(inputs, list) else [])
        return _ingest(store, command, list(inputs), options, pipeline, pool, stdin, on_outcome)


def _ingest(
    store: Store,
    command: str,
    inputs: list[str],
    options: IngestOptions,
    pipeline: Pipeline | None,
    pool: _WorkerPool,
    stdin: IO[bytes] | None,
    on_outcome: Callable[[ItemOutcome], None] | None,
) -> IngestReport:
    linker = NearDuplicateLinker(store) if options.near_duplicates else None
    report = IngestReport()

    def note(outcome: ItemOutcome) -> None:
        report.counts[outcome.status] += 1
        if outcome.near_duplicate_of:
            report.counts["near_duplicate"] += 1
        report.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    run_id = store.start_run(command)
    with Fetcher(options.fetch) as fetcher:
        if pipeline is not None:
            seen = None if options.refetch else store.has_sighting
            for raw in _iter_raw(inputs, options, fetcher, seen, stdin):
                note(process_raw(store, raw, options, pipeline, linker))
        else:
            _ParallelIngest(store, options, pool, linker, note).run(inputs, fetcher, stdin)
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
    """Read, clean and annotate inputs without a store: each yields a Document, or a Failure for a bad input.

    With ``options.workers`` > 1, cleaning and annotating run in that many worker processes, in input order.
    """
    options = options or IngestOptions()
    pool = _WorkerPool(options.workers, tuple(pipeline_names), config or {}, None)
    with pool, Fetcher(options.fetch) as fetcher:
        raws = _iter_raw(list(inputs), options, fetcher, None, stdin)
        if pool.size:
            yield from _extract_in_workers(pool, raws, options)
            return
        pipeline = Pipeline.from_names(pipeline_names, config)
        for raw in raws:
            if isinstance(raw, StorytraceError):
                yield _failure(raw)
                continue
            _apply_user_overrides(raw, options)
            try:
                yield pipeline(clean_item(raw))
            except StorytraceError as exc:
                yield _failure(exc, raw.locator)


def _extract_in_workers(
    pool: _WorkerPool, raws: Iterable[RawItem | StorytraceError], options: IngestOptions
) -> Iterator[Document | Failure]:
    """``extract_inputs`` with cleaning and annotating in the pool's workers; outcomes in input order."""

    locators: deque[str] = deque()  # of the tasks in flight, oldest first, as the results come back

    def tasks() -> Iterator[_Task]:
        for raw in raws:
            locators.append(raw.locator or "?")
            if isinstance(raw, StorytraceError):  # goes through a worker too, to keep its place in the order
                yield "failed", raw
            else:
                _apply_user_overrides(raw, options)
                yield "extract", raw

    for kind, payload in pool.map_in_order(tasks()):
        locator = locators.popleft()
        if kind == "doc":
            yield _unpack(payload)
        elif kind == "crash":
            yield _crash_failure(locator, payload)
        else:
            yield payload


def process_documents(
    store: Store,
    pipeline_names: Sequence[str],
    flt: DocumentFilter,
    *,
    config: dict[str, dict[str, Any]] | None = None,
    on_document: Callable[[Document], None] | None = None,
    workers: int = 1,
) -> int:
    """Run a pipeline over stored documents and replace the layers it makes; returns how many were processed.

    The cleaned text never changes, so new spans point into the same text as the old ones did. With
    ``workers`` > 1 the pipeline runs in that many processes, which read the documents from the store file;
    the new layers are written here, in order. An error stops the run as it does in one process.
    """
    layers = sorted(
        {
            a.removeprefix("spans.")
            for name in pipeline_names
            for a in get_component(name).assigns
            if a.startswith("spans.")
        }
    )
    count = 0
    store_path = _store_file(store)
    with _WorkerPool(workers, tuple(pipeline_names), config or {}, store_path) as pool:
        if pool.size == 0:
            pipeline = Pipeline.from_names(pipeline_names, config)
            for doc in store.iter_documents(flt):
                store.replace_layers(pipeline(doc), layers)
                count += 1
                if on_document is not None:
                    on_document(doc)
            return count
        ids = [row["id"] for row in store.list_documents(flt)]
        # Workers read a store file themselves; a store in memory sends them its documents.
        tasks = (("stored", i) if store_path else ("doc", store.get_document(i)) for i in ids)
        for doc_id, (kind, payload) in zip(ids, pool.map_in_order(tasks), strict=True):
            if kind == "error":
                raise payload
            if kind == "crash":
                hint = "a bug in a component, or a lack of memory; --workers 1 shows which"
                raise PipelineError(f"{doc_id}: {payload}", hint=hint)
            doc = _unpack(payload)
            store.replace_layers(doc, layers)
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
    inputs: list[str],
    options: IngestOptions,
    fetcher: Fetcher,
    seen: Callable[[str], bool] | None,
    stdin: IO[bytes] | None,
) -> Iterator[RawItem | StorytraceError]:
    """The raw items of the inputs; ``seen(url)`` true passes a feed item's page over without fetching it."""
    for arg in inputs:
        if arg == "-":
            yield from read_stdin(stdin or sys.stdin.buffer, options.read)
        elif "://" in arg:
            yield from _iter_url(arg, options, fetcher, seen)
        else:
            for item in read_path(Path(arg), options.read):
                if isinstance(item, RawItem) and item.kind == "feed":
                    yield from _iter_feed(item, options, fetcher, seen)
                else:
                    yield item


def _iter_url(
    url: str, options: IngestOptions, fetcher: Fetcher, seen: Callable[[str], bool] | None
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
            seen,
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
    feed_item: RawItem, options: IngestOptions, fetcher: Fetcher, seen: Callable[[str], bool] | None
) -> Iterator[RawItem | StorytraceError]:
    content = feed_item.content if isinstance(feed_item.content, bytes) else feed_item.content.encode("utf-8")
    try:
        feed = parse_feed(content, url=feed_item.url, locator=feed_item.locator)
    except StorytraceError as exc:
        yield exc
        return
    # A page already in the store is not fetched again, unless asked to (its text may have been updated).
    for raw in iter_feed_pages(feed, feed_item.locator, fetcher, fetch_pages=options.fetch_feed_pages, skip=seen):
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
        return _record_failure(store, _failure(raw))
    _apply_user_overrides(raw, options)
    raw_hash = _raw_hash(raw)
    known = store.doc_for_raw(raw_hash, raw.locator)
    if known is not None:
        return ItemOutcome(raw.locator, "unchanged", doc_id=known)
    try:
        doc = clean_item(raw)
        if not store.has_document(doc.id):  # an exact copy of a stored report needs only its sighting
            doc = pipeline(doc)
    except StorytraceError as exc:
        return _record_failure(store, _failure(exc, raw.locator))
    return _save_document(store, raw, raw_hash, doc, linker)


def _raw_hash(raw: RawItem) -> str:
    return make_id("raw", raw.locator, raw.content, raw.url, raw.original_id, raw.outlet, raw.published, raw.title)


def _record_failure(store: Store, failure: Failure) -> ItemOutcome:
    store.record_failure(failure)
    return ItemOutcome(failure.locator, "failed", failure=failure)


def _save_document(
    store: Store,
    raw: RawItem,
    raw_hash: str,
    doc: Document,
    linker: NearDuplicateLinker | None,
    keys: LinkKeys | None = None,
    rows: Sequence[tuple[Any, ...]] | None = None,
) -> ItemOutcome:
    sighting = Sighting(
        locator=raw.locator,
        raw_hash=raw_hash,
        url=raw.url or doc.url,
        original_id=raw.original_id,
        outlet=doc.outlet,
        title=doc.title,
        published_at=doc.published.value if doc.published else None,
    )
    outcome = store.save_document(doc, sighting, rows=rows)
    original = None
    if outcome.status == "added" and linker is not None:
        original = linker.link(doc, keys)
    return ItemOutcome(raw.locator, outcome.status, doc_id=outcome.doc_id, near_duplicate_of=original)


# What the linker needs of a text: its shingles, its MinHash signature (stored bytes) and its LSH bands.
LinkKeys = tuple[dedup.Shingles, bytes, list[tuple[int, int]]]


def link_keys(text: str) -> LinkKeys:
    """The shingles, signature and bands of a text: a pure function, so a worker process can compute them."""
    own = dedup.shingles(text)
    signature = dedup.fingerprint(own).signature
    return own, signature.astype("<u4").tobytes(), dedup.bands(signature)


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

    def link(self, doc: Document, keys: LinkKeys | None = None) -> str | None:
        """Returns the original this document was found to copy, if any (``keys``: its text's, if known)."""
        own, signature, doc_bands = keys or link_keys(doc.text)
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
            self.store.save_fingerprint(doc.id, dedup.METHOD, signature, doc_bands)
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


# -- worker processes ------------------------------------------------------------------------------------------

# A task for a worker: ("raw", RawItem) cleans and annotates an input; ("stored", doc_id) re-annotates a stored
# document the worker reads itself; ("doc", Document) re-annotates a document sent whole (a store in memory);
# ("extract", RawItem) cleans and annotates an input for `storytrace extract` (no store: the document comes back
# whole); ("failed", StorytraceError) only turns an input that could not be read into its Failure, in order.
_Task = tuple[str, Any]
# What comes back: ("rows", (document without spans, its ``span_rows``, link keys)) for a new input, the parent
# writing the rows as they are; ("doc", packed document) for an exact copy or a re-annotated stored document;
# ("failure", Failure), ("error", StorytraceError) for a stored document, or ("crash", what happened) when the
# worker died or a component raised an unexpected error.
_Result = tuple[str, Any]
_SpanRow = tuple[int, int, str, tuple[tuple[str, Any], ...]]
_Packed = tuple[Document, list[tuple[str, list[_SpanRow]]], LinkKeys | None]

# Tasks sent to one worker before it answers: one to work on, one waiting, so it never waits for the parent.
_DEPTH = 2
# Idle workers that die before the batch gives up: something other than an input is killing them.
_MAX_IDLE_DEATHS = 3


def _pack(doc: Document, keys: LinkKeys | None = None) -> _Packed:
    """The document without its Span objects, and its spans as plain tuples: far cheaper to unpickle."""
    layers = [
        (layer, [(s.start_char, s.end_char, s.label, s.attrs) for s in spans]) for layer, spans in doc.spans.items()
    ]
    doc.spans = {}
    return doc, layers, keys


def _unpack(packed: _Packed) -> Document:
    doc, layers, _ = packed
    with _gc_paused():
        doc.spans = {layer: [Span(*row) for row in rows] for layer, rows in layers}
    return doc


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    # Thousands of new tuples per report trigger collections that find nothing to free: about 1.5 ms a report.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _store_file(store: Store) -> str | None:
    """The store's file, for workers to read; None for a store in memory."""
    return str(store.path.resolve()) if store.path.is_file() else None


def _exit_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"killed by {name}" + (", perhaps for lack of memory" if name == "SIGKILL" else "")
    return f"exit code {code}"


def _crash_failure(locator: str, what: str) -> Failure:
    return Failure(
        locator=locator,
        stage="annotate",
        code=CRASH_CODE,
        message=what,
        hint="the other inputs went on; if it happens again with this input, please report it",
    )


def _read_tasks(tasks: Connection, inbox: queue.SimpleQueue[tuple[int, _Task] | None]) -> None:
    # Reading in a thread keeps the parent's sends from blocking while this worker sends back a large result.
    try:
        while True:
            inbox.put(tasks.recv())
    except (EOFError, OSError):
        inbox.put(None)


def _run_task(task: _Task, pipeline: Pipeline, store: Store | None, with_keys: bool) -> _Result:
    kind, payload = task
    if kind == "failed":
        return "failure", _failure(payload)
    try:
        if kind == "extract":
            return "doc", _pack(pipeline(clean_item(payload)))
        if kind == "raw":
            doc = clean_item(payload)
            if store is not None and store.has_document(doc.id):  # an exact copy of a stored report: no annotation
                return "doc", _pack(doc)
            doc = pipeline(doc)
            rows = span_rows(doc)
            doc.spans = {}
            return "rows", (doc, rows, link_keys(doc.text) if with_keys else None)
        stored = store.get_document(payload) if kind == "stored" and store is not None else payload
        return "doc", _pack(pipeline(stored))
    except StorytraceError as exc:
        return ("failure", _failure(exc, payload.locator)) if kind in {"raw", "extract"} else ("error", exc)
    except Exception as exc:  # a bug in a component costs its input, not the batch
        return "crash", f"a component raised {type(exc).__name__}: {exc}"


def _work(
    tasks: Connection,
    results: Connection,
    names: tuple[str, ...],
    config: dict[str, dict[str, Any]],
    store_path: str | None,
    with_keys: bool,
) -> None:
    """A worker process: build the pipeline once, then answer tasks in the order they come."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which then stops the workers
    os.environ.setdefault("STORYTRACE_ONNX_THREADS", "1")  # the workers, not ONNX's threads, share the cores
    try:
        pipeline = Pipeline.from_names(names, config)
        store = Store(store_path, create=False) if store_path else None
    except StorytraceError as exc:
        results.send(("fatal", exc))
        return
    results.send(("ready",))
    inbox: queue.SimpleQueue[tuple[int, _Task] | None] = queue.SimpleQueue()
    threading.Thread(target=_read_tasks, args=(tasks, inbox), daemon=True).start()
    while (item := inbox.get()) is not None:
        seq, task = item
        result = _run_task(task, pipeline, store, with_keys)
        try:
            results.send(("done", seq, result))
        except (pickle.PicklingError, TypeError, AttributeError) as exc:  # something in an attribute that won't pickle
            results.send(("done", seq, ("crash", f"its annotations could not be sent back: {exc}")))
    if store is not None:
        store.close()


@dataclass(slots=True, eq=False)
class _Worker:
    process: BaseProcess
    tasks: Connection
    results: Connection
    outstanding: deque[int] = field(default_factory=deque)
    ready: bool = False
    broken: bool = False


class _WorkerPool:
    """``size`` worker processes (none for size <= 1), each with the pipeline built once.

    Tasks go to the least busy worker, at most ``_DEPTH`` each; a worker answers its tasks in order, so when
    one dies the first task it had not answered is the one it died on: that task comes back as a crash, the
    others go to the other workers, and a new worker takes its place.
    """

    def __init__(
        self,
        size: int,
        names: Sequence[str],
        config: dict[str, dict[str, Any]],
        store_path: str | None,
        *,
        with_keys: bool = False,
    ) -> None:
        self.size = size if size > 1 else 0
        self.args = (tuple(names), config, store_path, with_keys)
        self.context: Any = multiprocessing.get_context(_START_METHOD)  # typeshed's BaseContext lacks Process
        self.workers: list[_Worker] = []
        self.backlog: deque[int] = deque()
        self.tasks: dict[int, _Task] = {}
        self.idle_deaths = 0
        if self.size:
            for name in names:  # imports the components' modules once, before the forks share them
                get_component(name)
        try:
            self.workers = [self._start() for _ in range(self.size)]
            for worker in self.workers:
                self._await_ready(worker)
        except BaseException:
            self.close(wait=False)
            raise

    def __enter__(self) -> _WorkerPool:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close(wait=exc_type is None)

    def _start(self) -> _Worker:
        task_out, task_in = self.context.Pipe(duplex=False)
        result_out, result_in = self.context.Pipe(duplex=False)
        process = self.context.Process(
            target=_work, args=(task_out, result_in, *self.args), name="storytrace-worker", daemon=True
        )
        process.start()
        task_out.close()  # the worker's ends: closed here, so that a dead worker reads as end-of-file
        result_in.close()
        return _Worker(process, task_in, result_out)

    def _await_ready(self, worker: _Worker) -> None:
        try:
            message = worker.results.recv()
        except EOFError:
            worker.process.join(5)
            raise PipelineError(
                f"a worker process stopped while building the pipeline ({_exit_reason(worker.process.exitcode)})",
                hint="try fewer --workers (each loads its own copy of the models) or --workers 1",
            ) from None
        if message[0] == "fatal":
            raise message[1]
        worker.ready = True

    def submit(self, seq: int, task: _Task) -> None:
        self.tasks[seq] = task
        self.backlog.append(seq)
        self._flush()

    def _flush(self) -> None:
        while self.backlog:
            # Not to a worker still building its pipeline: a full pipe to it would hold the parent up.
            free = [w for w in self.workers if w.ready and not w.broken and len(w.outstanding) < _DEPTH]
            if not free:
                return
            worker = min(free, key=lambda w: len(w.outstanding))
            seq = self.backlog.popleft()
            worker.outstanding.append(seq)
            try:
                worker.tasks.send((seq, self.tasks[seq]))
            except OSError:  # it died: collect() finds out from its sentinel and hands its tasks on
                worker.broken = True

    def collect(self, *, block: bool = True) -> list[tuple[int, _Result]]:
        """The answers that are in, as (seq, result); with ``block``, wait for at least one (or a death)."""
        self._flush()
        if block and not self.backlog and not any(w.outstanding for w in self.workers):
            raise RuntimeError("collect() with nothing in flight")  # a bug in the caller
        ready = wait([h for w in self.workers for h in (w.results, w.process.sentinel)], None if block else 0)
        out: list[tuple[int, _Result]] = []
        for worker in list(self.workers):  # _drain may put a new worker in a dead one's place
            if worker.results in ready or worker.process.sentinel in ready:
                out += self._drain(worker)
        self._flush()
        return out

    def _drain(self, worker: _Worker) -> list[tuple[int, _Result]]:
        out: list[tuple[int, _Result]] = []
        with _gc_paused():
            try:
                while worker.results.poll():
                    message = worker.results.recv()
                    if message[0] == "ready":
                        worker.ready = True
                    elif message[0] == "fatal":
                        raise message[1]
                    else:
                        seq = worker.outstanding.popleft()
                        del self.tasks[seq]
                        out.append((seq, message[2]))
            except (EOFError, OSError):
                worker.broken = True
        if worker.broken or not worker.process.is_alive():
            out += self._replace(worker)
        return out

    def _replace(self, worker: _Worker) -> list[tuple[int, _Result]]:
        worker.process.join(5)
        reason = _exit_reason(worker.process.exitcode)
        worker.tasks.close()
        worker.results.close()
        if not worker.ready:
            raise PipelineError(
                f"a worker process stopped while building the pipeline ({reason})",
                hint="try fewer --workers (each loads its own copy of the models) or --workers 1",
            )
        out: list[tuple[int, _Result]] = []
        if worker.outstanding:
            seq = worker.outstanding.popleft()
            del self.tasks[seq]
            out.append((seq, ("crash", f"the worker process annotating it stopped ({reason})")))
            self.backlog.extendleft(reversed(worker.outstanding))  # the others go first to another worker
        else:
            self.idle_deaths += 1
            if self.idle_deaths > _MAX_IDLE_DEATHS:
                raise PipelineError(f"worker processes keep stopping while idle ({reason})")
        self.workers[self.workers.index(worker)] = self._start()
        return out

    def map_in_order(self, tasks: Iterable[_Task]) -> Iterator[_Result]:
        """The results of ``tasks`` in their order, with at most a few per worker in flight."""
        window = 4 * self.size
        done: dict[int, _Result] = {}
        submitted = emitted = 0
        for task in tasks:
            self.submit(submitted, task)
            submitted += 1
            while submitted - emitted >= window:
                while emitted not in done:
                    done.update(self.collect())
                yield done.pop(emitted)
                emitted += 1
        while emitted < submitted:
            while emitted not in done:
                done.update(self.collect())
            yield done.pop(emitted)
            emitted += 1

    def close(self, *, wait: bool = True) -> None:
        """Stop the workers: let them finish and exit, or (``wait=False``, after an error) end them now."""
        for worker in self.workers:
            if wait and not worker.broken:
                with contextlib.suppress(OSError):  # it died: the join below finds out
                    worker.tasks.send(None)
        for worker in self.workers:
            if wait:
                worker.process.join(30)
            if worker.process.is_alive():
                worker.process.terminate()
                worker.process.join(5)
            worker.tasks.close()
            worker.results.close()
        self.workers = []


@dataclass(slots=True, eq=False)
class _Slot:
    """One input of a parallel ingest, from the moment it is read until its outcome is emitted."""

    seq: int
    locator: str
    raw: RawItem | None = None
    error: StorytraceError | None = None
    key: bytes = b""  # a hash of the raw content: a byte-identical input waits for this one
    raw_hash: str = ""
    outcome: ItemOutcome | None = None
    result: _Result | None = None
    held: list[_Slot] = field(default_factory=list)

    @property
    def is_ready(self) -> bool:
        return self.error is not None or self.outcome is not None or self.result is not None


class _ParallelIngest:
    """Reads inputs here, has workers clean and annotate them, and stores the outcomes here in input order.

    Everything that reads or writes the store happens in the order a one-process run does it: a slot's
    ``doc_for_raw`` check waits for the byte-identical inputs before it, and a feed page's "already stored?"
    check waits for the inputs in flight with that URL.
    """

    def __init__(
        self,
        store: Store,
        options: IngestOptions,
        pool: _WorkerPool,
        linker: NearDuplicateLinker | None,
        emit: Callable[[ItemOutcome], None],
    ) -> None:
        self.store = store
        self.options = options
        self.pool = pool
        self.linker = linker
        self.emit = emit
        self.window = max(16, 4 * pool.size)  # inputs read but not yet stored: bounds the memory held
        self.pending: deque[_Slot] = deque()
        self.submitted: dict[int, _Slot] = {}
        self.latest: dict[bytes, _Slot] = {}
        self.locators: Counter[str] = Counter()
        self.count = 0

    def run(self, inputs: list[str], fetcher: Fetcher, stdin: IO[bytes] | None) -> None:
        seen = None if self.options.refetch else self._has_sighting
        for raw in _iter_raw(inputs, self.options, fetcher, seen, stdin):
            self._admit(raw)
            while len(self.pending) >= self.window:
                self._advance()
        while self.pending:
            self._advance()

    def _has_sighting(self, locator: str) -> bool:
        while self.locators[locator] > 0:  # an input in flight may be about to store this page
            self._advance()
        return self.store.has_sighting(locator)

    def _admit(self, raw: RawItem | StorytraceError) -> None:
        self.count += 1
        if isinstance(raw, StorytraceError):
            slot = _Slot(self.count, raw.locator or "?", error=raw)
        else:
            _apply_user_overrides(raw, self.options)
            content = raw.content if isinstance(raw.content, bytes) else raw.content.encode("utf-8", "surrogatepass")
            slot = _Slot(self.count, raw.locator, raw=raw, key=hashlib.blake2b(content, digest_size=16).digest())
            before = self.latest.get(slot.key)
            self.latest[slot.key] = slot
            if before is not None:
                before.held.append(slot)
            else:
                self._prepare(slot)
        self.pending.append(slot)
        self.locators[slot.locator] += 1

    def _prepare(self, slot: _Slot) -> None:
        assert slot.raw is not None
        slot.raw_hash = _raw_hash(slot.raw)
        known = self.store.doc_for_raw(slot.raw_hash, slot.locator)
        if known is not None:
            slot.outcome = ItemOutcome(slot.locator, "unchanged", doc_id=known)
            return
        self.submitted[slot.seq] = slot
        self.pool.submit(slot.seq, ("raw", slot.raw))

    def _advance(self) -> None:
        """Emit the first input when it is done, else wait for the workers' next answers."""
        head = self.pending[0]
        # Take in the answers that are in, even when the first input is done: a worker gets its next task only then.
        for seq, result in self.pool.collect(block=not head.is_ready):
            self.submitted.pop(seq).result = result
        if not head.is_ready:
            return
        self.pending.popleft()
        self.locators[head.locator] -= 1
        if not self.locators[head.locator]:
            del self.locators[head.locator]
        if self.latest.get(head.key) is head:
            del self.latest[head.key]
        outcome = self._finish(head)
        for slot in head.held:
            self._prepare(slot)
        self.emit(outcome)

    def _finish(self, slot: _Slot) -> ItemOutcome:
        if slot.error is not None:
            return _record_failure(self.store, _failure(slot.error))
        if slot.outcome is not None:
            return slot.outcome
        assert slot.raw is not None and slot.result is not None
        kind, payload = slot.result
        if kind == "failure":
            return _record_failure(self.store, payload)
        if kind == "crash":
            return _record_failure(self.store, _crash_failure(slot.locator, payload))
        if kind == "rows":
            doc, rows, keys = payload
            return _save_document(self.store, slot.raw, slot.raw_hash, doc, self.linker, keys, rows)
        return _save_document(self.store, slot.raw, slot.raw_hash, _unpack(payload), self.linker, payload[2])
