"""The SQLite store: schema, migrations and queries, used by every layer above the model."""

from storytrace.store.migrations import SCHEMA_VERSION
from storytrace.store.sqlite import DocumentFilter, SaveOutcome, Sighting, Store, now_iso, source_id_for, span_rows

__all__ = [
    "SCHEMA_VERSION",
    "DocumentFilter",
    "SaveOutcome",
    "Sighting",
    "Store",
    "now_iso",
    "source_id_for",
    "span_rows",
]
