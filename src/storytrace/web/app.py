"""The web workspace's small framework: requests, responses, a path router, templates and the write guard.

No web framework: a route is ``(method, pattern, handler)`` where a pattern's ``{name}`` matches one
percent-encoded path segment (ids such as ``ain-bashura:org/x`` travel encoded). Every response carries a strict
Content-Security-Policy (scripts and styles only from /static, no inline script), so even markup that slipped
past the templates' autoescaping could not run.

Writes (POST) are guarded twice: a CSRF token that only pages of this server carry (a form on another site
cannot read it), and, when a write token is set (always when bound beyond loopback), a token the user gives once
on /login (kept in an HttpOnly, SameSite=Strict cookie) or sends as ``Authorization: Bearer``. The Host header
must name this server, which stops DNS-rebinding pages from talking to a loopback server.
"""

from __future__ import annotations

import hmac
import json
import mimetypes
import re
import secrets
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from storytrace.errors import StorytraceError
from storytrace.resolve.stance import STANCE_WORDS

__all__ = ["App", "HTTPError", "Request", "Response", "http_url", "page_link", "snippet_markup", "url_id"]

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATE_DIR = HERE / "templates"
MAX_BODY = 64 * 1024  # forms here are a few fields; anything bigger is not ours
TOKEN_COOKIE = "storytrace_token"

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on our own forms.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class HTTPError(Exception):
    """Ends a request with this status and a short message shown on the error page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(slots=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]  # names lower-cased
    body: bytes = b""
    params: dict[str, str] = field(default_factory=dict)  # from the route pattern
    form: dict[str, list[str]] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def arg(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0].strip() if values else default

    def int_arg(self, name: str, default: int, *, low: int = 0, high: int = 10**9) -> int:
        try:
            return max(low, min(high, int(self.arg(name, str(default)))))
        except ValueError:
            return default

    def field(self, name: str, default: str = "") -> str:
        values = self.form.get(name)
        return values[0].strip() if values else default


@dataclass(slots=True)
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def html(cls, text: str, status: int = 200) -> Response:
        return cls(status, text.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return cls(status, body, {"Content-Type": "application/json; charset=utf-8"})

    @classmethod
    def redirect(cls, location: str) -> Response:
        # 303: the browser follows a POST's answer with a GET, so reloading does not resubmit the form.
        return cls(303, b"", {"Location": location})


Handler = Callable[[Request], Response]


def url_id(value: str) -> str:
    """An id as one path segment (ids hold ':' and '/')."""
    return quote(value, safe="")


def page_link(path: str, query: Mapping[str, Any], **changes: Any) -> str:
    """The same listing with some parameters changed (pagination, filters); empty values are dropped."""
    merged = {**query, **changes}
    params = {k: v for k, v in merged.items() if v not in (None, "", 0) or (k == "page" and v)}
    return path + ("?" + urlencode(params) if params else "")


def http_url(value: str | None) -> str | None:
    """A link target only if it is an http(s) URL: a report's ``javascript:`` URL must not become a link."""
    if not value:
        return None
    scheme = urlsplit(value.strip()).scheme.lower()
    return value.strip() if scheme in ("http", "https") else None


def snippet_markup(value: str | None) -> Markup:
    """A search snippet (the store marks hits with [ and ]) as escaped text with <mark> around the hits."""
    text = str(escape(value or ""))
    return Markup(text.replace("[", "<mark>").replace("]", "</mark>"))


class _Route:
    def __init__(self, method: str, pattern: str, handler: Handler) -> None:
        self.method = method
        self.handler = handler
        parts = []
        for segment in pattern.strip("/").split("/"):
            if segment.startswith("{") and segment.endswith("}"):
                parts.append(f"(?P<{segment[1:-1]}>[^/]+)")
            else:
                parts.append(re.escape(segment))
        self.regex = re.compile("^/" + "/".join(parts) + "$") if pattern != "/" else re.compile("^/$")

    def match(self, path: str) -> dict[str, str] | None:
        found = self.regex.match(path)
        if found is None:
            return None
        return {k: unquote(v) for k, v in found.groupdict().items()}


class App:
    """Routes, templates and the write guard; ``handle(request)`` is all the HTTP server calls."""

    def __init__(self, *, write_token: str | None = None, allowed_hosts: Iterable[str] = ()) -> None:
        self.routes: list[_Route] = []
        self.write_token = write_token
        self.csrf_token = secrets.token_urlsafe(24)
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.templates = Environment(
            loader=FileSystemLoader(str(TEMPLATE_DIR)),
            autoescape=select_autoescape(["html", "svg"], default_for_string=True, default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.globals.update(url_id=url_id, page_link=page_link, stance_words=STANCE_WORDS)
        self.templates.filters.update(http_url=http_url, snippet=snippet_markup)
        self.context: dict[str, Any] = {}  # extra template globals per request (set by the views)

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes.append(_Route(method, pattern, handler))
            return handler

        return register

    def render(self, name: str, request: Request, *, http_status: int = 200, **values: Any) -> Response:
        template = self.templates.get_template(name)
        text = template.render(
            request=request,
            csrf_token=self.csrf_token,
            needs_login=self.needs_login(request),
            **self.context,
            **values,
        )
        return Response.html(text, http_status)

    # -- the write guard -------------------------------------------------------------------------------------

    def token_ok(self, request: Request) -> bool:
        if self.write_token is None:
            return True
        given = request.cookies.get(TOKEN_COOKIE, "")
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        return bool(given) and hmac.compare_digest(given.encode(), self.write_token.encode())

    def needs_login(self, request: Request) -> bool:
        return not self.token_ok(request)

    def _check_host(self, request: Request) -> None:
        host = request.headers.get("host", "").lower()
        if self.allowed_hosts and host not in self.allowed_hosts:
            raise HTTPError(HTTPStatus.MISDIRECTED_REQUEST, f"this server does not answer for host {host!r}")

    def _check_write(self, request: Request) -> None:
        origin = request.headers.get("origin")
        if (
            origin
            and origin != "null"
            and self.allowed_hosts
            and origin.split("://", 1)[-1].lower() not in self.allowed_hosts
        ):
            raise HTTPError(HTTPStatus.FORBIDDEN, "a form from another site cannot write here")
        if request.path == "/login":
            return  # the token itself is what it checks
        if not self.token_ok(request):
            raise HTTPError(HTTPStatus.UNAUTHORIZED, "give the write token first (see /login)")
        given = request.field("csrf") or request.headers.get("x-csrf-token", "")
        if not hmac.compare_digest(given.encode(), self.csrf_token.encode()):
            raise HTTPError(HTTPStatus.FORBIDDEN, "the form is stale or not from this server: reload the page")

    # -- dispatch --------------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        try:
            response = self._dispatch(request)
        except HTTPError as exc:
            response = self.render("error.html", request, http_status=exc.status, message=exc.message)
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise
            # A long resolve holds the write lock past the store's 30 s timeout.
            message = "the store is busy (a resolve is writing to it): try again in a minute"
            response = self.render("error.html", request, http_status=HTTPStatus.SERVICE_UNAVAILABLE, message=message)
        except StorytraceError as exc:
            response = self.render(
                "error.html", request, http_status=HTTPStatus.INTERNAL_SERVER_ERROR, message=exc.line()
            )
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def _dispatch(self, request: Request) -> Response:
        self._check_host(request)
        if request.method == "POST":
            if len(request.body) > MAX_BODY:
                raise HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "the form is too large")
            request.form = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
            self._check_write(request)
        if request.method in ("GET", "HEAD") and request.path.startswith("/static/"):
            return _static(request.path.removeprefix("/static/"))
        allowed: list[str] = []
        for route in self.routes:
            params = route.match(request.path)
            if params is None:
                continue
            if route.method != request.method and not (route.method == "GET" and request.method == "HEAD"):
                allowed.append(route.method)
                continue
            request.params = params
            return route.handler(request)
        if allowed:
            raise HTTPError(HTTPStatus.METHOD_NOT_ALLOWED, f"use {' or '.join(allowed)} here")
        raise HTTPError(HTTPStatus.NOT_FOUND, f"no page at {request.path}")


def parse_cookies(header: str) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # a malformed Cookie header from some other app on localhost: ignore it
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def _static(name: str) -> Response:
    path = (STATIC_DIR / name).resolve()
    if STATIC_DIR not in path.parents or not path.is_file():
        raise HTTPError(HTTPStatus.NOT_FOUND, "no such file")
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind.endswith("javascript"):
        kind += "; charset=utf-8"
    return Response(200, path.read_bytes(), {"Content-Type": kind, "Cache-Control": "max-age=3600"})
