"""The public Python API: what `import storytrace` offers, and that it works on a real store."""

from __future__ import annotations

from pathlib import Path

import storytrace
from storytrace.store import DocumentFilter


def test_api_exports_are_the_documented_ones() -> None:
    assert sorted(storytrace.__all__) == sorted(
        [
            "Document",
            "IngestOptions",
            "IngestReport",
            "Store",
            "StorytraceError",
            "__version__",
            "ingest_inputs",
            "open_store",
        ]
    )
    for name in storytrace.__all__:
        assert getattr(storytrace, name) is not None


def test_api_ingest_and_read_back(pile: Path, tmp_path: Path) -> None:
    with storytrace.open_store(tmp_path / "s.db") as store:
        report = storytrace.ingest_inputs(store, [str(pile)])
        assert report.counts["added"] == 4 and not report.failures
        [row] = store.search("depot", DocumentFilter())
        assert store.get_document(row["id"]).outlet == "Meridian Wire"
