"""The data model: plain dataclasses and deterministic IDs. Imports nothing else of storytrace, does no I/O."""

from storytrace.model.document import DateVia, Document, OutletVia, PublishedDate, RawItem, Span, Trim
from storytrace.model.ids import make_id, normalize_for_hash
from storytrace.model.records import Edge, Failure

__all__ = [
    "DateVia",
    "Document",
    "Edge",
    "Failure",
    "OutletVia",
    "PublishedDate",
    "RawItem",
    "Span",
    "Trim",
    "make_id",
    "normalize_for_hash",
]
