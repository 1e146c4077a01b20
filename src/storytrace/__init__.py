"""storytrace: turn a pile or a stream of news reports into a sourced, cross-checked dossier.

The library attaches only a NullHandler to its logger; the CLI decides what is shown.
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["__version__"]
