"""`storytrace serve`: the HTTP server around the workspace (standard library ThreadingHTTPServer).

Each request opens its own connection to the store (SQLite connections stay in their thread; WAL lets pages read
while a resolve writes). A judgement is stored at once and the dossier is re-resolved by one background worker,
so the form answers immediately; pages show a banner while the resolve runs (``/api/status`` says when it ends).
"""

from __future__ import annotations

import ipaddress
import logging
import re
import secrets
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from storytrace.errors import StorytraceError
from storytrace.packs.loader import Actor
from storytrace.report.exports import pack_actors
from storytrace.resolve.job import resolve_store
from storytrace.store import Store
from storytrace.web.app import App, Request, parse_cookies

__all__ = ["Workspace", "WorkspaceServer", "is_loopback", "make_server"]

log = logging.getLogger(__name__)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{12,}")  # it travels in a cookie: no separators, long enough not to guess


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(slots=True)
class ResolveState:
    running: bool = False
    queued: bool = False
    runs: int = 0  # finished resolves since the server started
    error: str | None = None


@dataclass(slots=True)
class Workspace:
    """What the pages share: the store path, the packs' actors, the resolve worker and the graph cache."""

    db_path: Path
    actors: dict[str, Actor] = field(default_factory=dict)
    resolve_after_judgement: bool = True
    state: ResolveState = field(default_factory=ResolveState)
    lock: threading.Lock = field(default_factory=threading.Lock)
    cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    @contextmanager
    def store(self) -> Iterator[Store]:
        store = Store(self.db_path, create=False)
        try:
            yield store
        finally:
            store.close()

    def load_packs(self, packs: Sequence[str]) -> None:
        """Actors of the given packs, the built-in one, and any pack named by the store's entities."""
        with self.store() as store:
            self.actors.update(pack_actors(store, packs))

    def dossier_version(self, store: Store) -> tuple[Any, ...]:
        """Changes whenever a resolve rewrites the dossier: the key of cached figures."""
        row = store.db.execute("SELECT MAX(updated_at), COUNT(*) FROM entities").fetchone()
        return (row[0], row[1], self.state.runs)

    def request_resolve(self) -> None:
        """Re-resolve in the background; a request during a run queues exactly one more run."""
        with self.lock:
            if self.state.running:
                self.state.queued = True
                return
            self.state.running = True
        threading.Thread(target=self._resolve_loop, name="storytrace-resolve", daemon=True).start()

    def _resolve_loop(self) -> None:
        while True:
            try:
                with self.store() as store:
                    resolve_store(store)
                error = None
            except Exception as exc:  # shown on every page; the server keeps serving the previous dossier
                log.exception("resolve after a judgement failed")
                error = f"{type(exc).__name__}: {exc}"
            with self.lock:
                self.state.error = error
                self.state.runs += 1
                self.cache.clear()
                if not self.state.queued:
                    self.state.running = False
                    return
                self.state.queued = False


class _Handler(BaseHTTPRequestHandler):
    server: WorkspaceServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without NODELAY, Nagle and delayed ACKs add ~40 ms per request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_POST(self) -> None:
        self._serve()

    def _serve(self, *, head: bool = False) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > 1024 * 1024:
            self.send_error(413)
            return
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=parts.path or "/",
            query=parse_qs(parts.query),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            cookies=parse_cookies(self.headers.get("Cookie", "")),
        )
        try:
            response = self.server.app.handle(request)
        except Exception:
            log.exception("error serving %s", self.path)
            self.send_error(500, "internal error (see the server's log)")
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if not head:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)


class WorkspaceServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: App, workspace: Workspace) -> None:
        self.app = app
        self.workspace = workspace
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), int(self.server_address[1])
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        if ":" in shown:
            shown = f"[{shown}]"
        return f"http://{shown}:{port}"


def make_server(
    db_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    packs: Sequence[str] = (),
    resolve_after_judgement: bool = True,
) -> WorkspaceServer:
    """A ready server over a store. Beyond loopback a write token is required (one is made when none is given)."""
    from storytrace.web.views import build_app

    workspace = Workspace(Path(db_path), resolve_after_judgement=resolve_after_judgement)
    with workspace.store():
        pass  # fail now, with the store's own message, if there is no store
    workspace.load_packs(packs)
    if token is not None and not _TOKEN.fullmatch(token):
        raise StorytraceError(
            "the write token must be at least 12 letters, digits, '-' or '_'",
            hint="leave --token out and one is made for you",
        )
    if token is None and not is_loopback(host):
        token = secrets.token_urlsafe(18)
    app = build_app(workspace, write_token=token)
    try:
        server = WorkspaceServer((host, port), app, workspace)
    except OSError as exc:
        raise StorytraceError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="pick another --port (0 takes any free one) or --host",
        ) from None
    bound = server.server_address[1]
    names = {f"127.0.0.1:{bound}", f"localhost:{bound}", f"[::1]:{bound}"}
    if not is_loopback(host):
        names = set()  # reachable under names we cannot know; the token guards writes instead
    app.allowed_hosts = names
    return server
