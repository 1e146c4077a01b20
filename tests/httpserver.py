"""A real HTTP server on 127.0.0.1 for tests: a route table served from a thread, recording every request.

    with LocalServer() as server:
        server.route("/page", body=b"<html>…</html>", headers={"Content-Type": "text/html"})
        server.route_handler("/moved", redirect("/page"))
        fetch(server.url("/page"))

Or take the ``local_server`` fixture (import ``local_server_fixture`` into the test module). Static routes
answer with a Content-Length unless ``content_length=False``: then the body ends when the connection closes.
Handlers (``redirect``, ``slow_drip``, ``stall``, ``chunked``, ``sequence``, ``drop_connection``) write the
response themselves, which is how the misbehaving servers are built.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

__all__ = [
    "LocalServer",
    "Recorded",
    "Reply",
    "chunked",
    "drop_connection",
    "free_port",
    "local_server_fixture",
    "redirect",
    "sequence",
    "slow_drip",
    "stall",
]

Handler = Callable[["RequestHandler"], None]


@dataclass(slots=True)
class Reply:
    """A canned response."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_length: bool = True  # False: no Content-Length, the body ends when the connection closes


@dataclass(slots=True)
class Recorded:
    """One request as the server saw it; header names lower-cased."""

    method: str
    path: str
    headers: dict[str, str]
    time: float  # time.monotonic() on arrival, to check politeness delays


class RequestHandler(BaseHTTPRequestHandler):
    """Dispatches to the owning LocalServer's route table."""

    protocol_version = "HTTP/1.1"  # keep-alive and chunked bodies, as real servers do
    server: _Server

    def do_GET(self) -> None:
        self.server.owner.dispatch(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def write_reply(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.status in (204, 304):
            self.end_headers()
            return
        if reply.content_length:
            self.send_header("Content-Length", str(len(reply.body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(reply.body)

    def write_head(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LocalServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The client hanging up on a slow or huge body is what several tests do on purpose.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class LocalServer:
    """A threaded HTTP server on an ephemeral loopback port with a route table and a request log."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply | Handler] = {}
        self.requests: list[Recorded] = []
        self.stopping = threading.Event()  # wakes handlers that sleep, so shutdown is quick
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), RequestHandler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_length: bool = True,
    ) -> str:
        """Serve a canned reply at ``path``; returns the full URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Reply(status, data, dict(headers or {}), content_length)
        return self.url(path)

    def route_handler(self, path: str, handler: Handler) -> str:
        """Serve ``path`` with a function that writes the whole response; returns the full URL."""
        self.routes[path] = handler
        return self.url(path)

    def requests_to(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def dispatch(self, handler: RequestHandler) -> None:
        record = Recorded(
            handler.command,
            handler.path,
            {k.lower(): v for k, v in handler.headers.items()},
            time.monotonic(),
        )
        with self._lock:
            self.requests.append(record)
        route = self.routes.get(handler.path) or self.routes.get(handler.path.split("?", 1)[0])
        if route is None:
            handler.write_reply(Reply(404, b"no such route", {"Content-Type": "text/plain"}))
        elif isinstance(route, Reply):
            handler.write_reply(route)
        else:
            route(handler)

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture(name="local_server")
def local_server_fixture() -> Iterator[LocalServer]:
    """A started LocalServer, stopped after the test.

    Named apart from the fixture so a test module can import it (``from tests.httpserver import
    local_server_fixture``) and take ``local_server`` as an argument without shadowing the import. A root
    conftest.py could instead declare ``pytest_plugins = ["tests.httpserver"]``.
    """
    with LocalServer() as server:
        yield server


def free_port() -> int:
    """A loopback port with nothing listening on it (bound, then released), for connection-refused tests."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# --- Handlers for misbehaving servers ---------------------------------------------------------------------


def redirect(location: str, status: int = 302) -> Handler:
    """Answer with a redirect to ``location`` (absolute or relative, as given)."""

    def handle(handler: RequestHandler) -> None:
        handler.write_reply(Reply(status, b"", {"Location": location}))

    return handle


def sequence(*replies: Reply) -> Handler:
    """Answer the n-th request with the n-th reply, repeating the last one (e.g. 429, then 200)."""
    count = 0
    lock = threading.Lock()

    def handle(handler: RequestHandler) -> None:
        nonlocal count
        with lock:
            reply = replies[min(count, len(replies) - 1)]
            count += 1
        handler.write_reply(reply)

    return handle


def chunked(body: bytes, chunk_size: int = 4096, content_type: str = "text/html") -> Handler:
    """Send ``body`` with Transfer-Encoding: chunked, so the client cannot know its size up front."""

    def handle(handler: RequestHandler) -> None:
        handler.write_head(200, {"Content-Type": content_type, "Transfer-Encoding": "chunked"})
        for start in range(0, len(body), chunk_size):
            piece = body[start : start + chunk_size]
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        handler.wfile.write(b"0\r\n\r\n")

    return handle


def slow_drip(piece: bytes = b"x", interval: float = 0.05, count: int = 200) -> Handler:
    """Send ``count`` pieces, one every ``interval`` s: never silent long enough for a read timeout."""

    def handle(handler: RequestHandler) -> None:
        handler.write_head(200, {"Content-Type": "text/html", "Content-Length": str(len(piece) * count)})
        for _ in range(count):
            handler.wfile.write(piece)
            if handler.server.owner.stopping.wait(interval):
                return

    return handle


def stall(seconds: float = 5.0, *, after_headers: bool = False) -> Handler:
    """Say nothing for ``seconds`` (optionally after sending the headers), then give up."""

    def handle(handler: RequestHandler) -> None:
        if after_headers:
            handler.write_head(200, {"Content-Type": "text/html", "Content-Length": "100"})
        handler.server.owner.stopping.wait(seconds)
        handler.close_connection = True

    return handle


def drop_connection(head: bytes = b"") -> Handler:
    """Write ``head`` raw (maybe a partial response), then close the connection."""

    def handle(handler: RequestHandler) -> None:
        if head:
            handler.wfile.write(head)
        handler.close_connection = True
        handler.connection.shutdown(socket.SHUT_RDWR)

    return handle
