"""The dossier itself: ``json`` (one document) and ``jsonl`` (one typed record per line), from report/dossier.py.

Known gaps: none of its own; the layout and its versioning are documented in docs/dossier.md.
"""

from __future__ import annotations

import json
from typing import IO

from storytrace.report.dossier import dossier, iter_dossier_records
from storytrace.report.exports import ExportContext, register_format


@register_format(
    "json",
    description="the whole dossier as one JSON document (schema: docs/dossier.md)",
    extension="json",
    media_type="application/json",
)
def write_json(context: ExportContext, out: IO[str]) -> None:
    json.dump(dossier(context.store), out, ensure_ascii=False, indent=1)
    out.write("\n")


@register_format(
    "jsonl",
    description="the dossier's records one per line, each with its type",
    extension="jsonl",
    media_type="application/x-ndjson",
)
def write_jsonl(context: ExportContext, out: IO[str]) -> None:
    for record in iter_dossier_records(context.store):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
