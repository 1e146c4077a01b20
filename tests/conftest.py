"""Shared fixtures: a small pile of invented reports written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

# Invented reports (fiction written for these tests): a scoop, a syndicated copy, an unrelated report.
SCOOP = """Talks in Harbal reach a deal on the water stations

HARBAL, March 14, 2025 (Tesra Courier) - Negotiators for the Kataib al-Nour militia and the provincial council
reached a deal on Thursday to reopen the three water stations on the eastern bank, two officials told the Tesra
Courier. The stations have been shut since the siege began on March 3.

Under the deal, engineers from the water authority will return to the stations within 48 hours, and the militia
will withdraw its fighters to the old cement works, the officials said. A council member who asked not to be named
said the militia had demanded a share of the water fees, which the council refused.

Mr Darwish, the council's spokesman, declined to comment on the fees but said the talks would continue next week.

Share.
Exit mobile version
"""

COPY = """Water stations to reopen after Harbal deal

HARBAL, March 14, 2025 (Tesra Courier) - Negotiators for the Kataib al-Nour militia and the provincial council
reached a deal on Thursday to reopen the three water stations on the eastern bank, two officials told the Tesra
Courier. The stations have been shut since the siege began on March 3.

Under the deal, engineers from the water authority will return to the stations within 48 hours, and the militia
will withdraw its fighters to the old cement works, the officials said. A council member who asked not to be named
said the militia had demanded a share of the water fees, which the council refused.

Mr Darwish, the council's spokesman, declined to comment on the fees but said the talks would continue next week.

Source: Ibdara Mirror
© 2025 Ibdara Mirror. All rights reserved.
"""

OTHER = """Drone strike hits depot near Qarnassa

QARNASSA, March 16, 2025 (Meridian Wire) - A drone struck a fuel depot outside Qarnassa late on Saturday,
killing five people and wounding 34, a hospital official said. No group claimed the attack.

The depot supplies the generators of the town's hospital, which switched to reserve fuel on Sunday morning,
the official said. Residents described two explosions shortly before midnight.
"""

PAGE = """<!DOCTYPE html><html><head><title>Council denies fee demand | Harbal Herald</title>
<meta property="og:site_name" content="Harbal Herald">
<meta property="article:published_time" content="2025-03-15T09:30:00+03:00">
<link rel="canonical" href="https://harbalherald.example/2025/03/15/council-denies"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Council denies fee demand</h1>
<p>The provincial council on Saturday denied that the Kataib al-Nour militia had asked for a share of the water
fees in the talks that led to Thursday's deal on the eastern water stations.</p>
<p>"There was no such demand, and there was no such refusal," said Samir Darwish, the council's spokesman, in a
statement read to reporters outside the council building in Harbal.</p>
<p>The Tesra Courier had reported the demand on Friday, citing a council member who asked not to be named.</p>
</article>
<aside>Related: <a href="/x">Other story</a></aside>
<footer>© 2025 Harbal Herald. All rights reserved.</footer></body></html>
"""


@pytest.fixture
def pile(tmp_path: Path) -> Path:
    """A folder of three text reports (one a syndicated copy) and an HTML page."""
    folder = tmp_path / "pile"
    folder.mkdir()
    (folder / "01-scoop.txt").write_text(SCOOP)
    (folder / "02-copy.txt").write_text(COPY)
    (folder / "03-other.txt").write_text(OTHER)
    (folder / "04-page.html").write_text(PAGE)
    return folder
