"""The local web workspace (`storytrace serve`): read the dossier, follow every claim to its sentence, correct it.

Pages: overview, propositions board, a proposition's reports, timeline, actor graph, map of places, entities,
document reader (every extracted span highlighted and explained), full-text search, and the analyst's judgements
(merge and split entities, correct a stance), which are stored in the ``judgements`` table and applied by every
resolve. Standard library HTTP server, Jinja2 templates with autoescaping, vendored CSS/JS, SVG drawn on the
server: no CDN and no network. docs/web.md describes the pages, the security model and the measured page times.

Known gaps: one process, one store; a judgement re-resolves the whole store in the background (seconds on the
demo, minutes on very large stores); the map has a grid but no coastlines; no undo of a judgement from the page
(``active = 0`` in the table does it).
"""

from __future__ import annotations

from storytrace.web.server import Workspace, WorkspaceServer, make_server

__all__ = ["Workspace", "WorkspaceServer", "make_server"]
