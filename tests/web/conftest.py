"""Fixtures for the web workspace: the demo store (plus one hostile report) built once, and a live server on it."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import storytrace
from storytrace.pipeline import pack_config
from storytrace.resolve.job import resolve_store
from storytrace.web import WorkspaceServer, make_server

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "examples" / "packs" / "ain-bashura"

# An invented report written to attack the pages: markup in its title, text, outlet and URL must stay text.
HOSTILE_TXT = """Ain Bashura <script>window.__pwned = "title"; alert('title')</script> residents \
<img src=x onerror=alert(1)> speak

TESRA, March 20, 2025 (Meridian Wire) - <script>window.__pwned = 1; alert("xss")</script> Fighters of Kata'ib Sayf
al-Hudhud were seen near Ain Bashura on Thursday, a resident said. <img src="x" onerror="window.__pwned=2;alert(2)">
The Interior Ministry said <b onmouseover="alert(3)">nothing</b> about the convoy.
"""
HOSTILE_RECORD = {
    "title": '<svg onload="window.__pwned=4;alert(4)"></svg> Convoy report',
    "outlet": "<i onclick=alert(5)>Evil</i> Wire",
    "url": "javascript:alert(6)",
    "published": "2025-03-21",
    "text": "The convoy reached Ain Bashura on Friday, the Interior Ministry said in a statement. "
    "</script><script>window.__pwned=7;alert(7)</script> Residents said the checkpoints were open.",
}


@pytest.fixture(scope="session")
def demo_store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/demo with the ain-bashura pack, two hostile reports, resolved: built once per test session."""
    folder = tmp_path_factory.mktemp("web-demo")
    hostile = folder / "hostile"
    hostile.mkdir()
    (hostile / "99-hostile.txt").write_text(HOSTILE_TXT, encoding="utf-8")
    (hostile / "98-hostile.jsonl").write_text(json.dumps(HOSTILE_RECORD) + "\n", encoding="utf-8")
    db = folder / "demo.db"
    options = storytrace.IngestOptions(config=pack_config([str(PACK)]))
    with storytrace.open_store(db) as store:
        storytrace.ingest_inputs(store, [str(ROOT / "examples" / "demo"), str(hostile)], options)
        resolve_store(store)
    return db


def copy_store(source: Path, folder: Path) -> Path:
    """A private copy of a store (the tests write judgements into it)."""
    target = folder / source.name
    shutil.copy(source, target)
    return target


class RunningServer:
    """A workspace server on a free loopback port, served from a thread."""

    def __init__(self, server: WorkspaceServer) -> None:
        self.server = server
        self.thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return self.server.url

    def __enter__(self) -> RunningServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def wait_for_resolve(server: WorkspaceServer, runs_before: int, timeout: float = 120.0) -> None:
    """Block until the background resolve started by a judgement has finished."""
    import time

    deadline = time.monotonic() + timeout
    state = server.workspace.state
    while time.monotonic() < deadline:
        if state.runs > runs_before and not state.running:
            assert state.error is None, state.error
            return
        time.sleep(0.1)
    raise AssertionError("the resolve after a judgement did not finish")


@pytest.fixture(scope="module")
def live(demo_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server on this module's own copy of the demo store."""
    db = copy_store(demo_store_file, tmp_path_factory.mktemp("web-live"))
    with RunningServer(make_server(db, port=0, packs=[str(PACK)])) as running:
        yield running
