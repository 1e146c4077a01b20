"""Tests of the fetcher against a real loopback server: limits, redirects, retries and every error code."""

from __future__ import annotations

import gzip
import time
from dataclasses import replace

import httpx
import pytest

from storytrace.errors import FetchError
from storytrace.ingest.web import DEFAULT_USER_AGENT, Fetched, Fetcher, FetchOptions, sniff_kind
from tests.httpserver import (
    LocalServer,
    Reply,
    RequestHandler,
    chunked,
    drop_connection,
    free_port,
    local_server_fixture,  # noqa: F401  (provides the local_server fixture)
    redirect,
    sequence,
    slow_drip,
    stall,
)

# Small limits so that every failure happens in well under a second.
FAST = FetchOptions(
    connect_timeout=1.0,
    read_timeout=1.0,
    deadline=3.0,
    max_bytes=10_000,
    politeness_delay=0.0,
    retry_wait_default=0.0,
    trust_env=False,  # a proxy in the environment must not sit between us and 127.0.0.1
)
HTML = b"<!DOCTYPE html><html><head><title>T</title></head><body><p>An article.</p></body></html>"


def fetch(url: str, **changes: object) -> Fetched:
    with Fetcher(replace(FAST, **changes)) as fetcher:  # type: ignore[arg-type]
        return fetcher.fetch(url)


def fetch_error(url: str, **changes: object) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, **changes)
    return caught.value


def assert_error(error: FetchError, code: str, url: str, message: str, hint: str) -> None:
    """The code, the URL as locator, what happened (message) and what to do (hint), all on one line."""
    assert error.code == code
    assert error.locator == url
    assert message in error.message, error.message
    assert hint in error.hint, error.hint
    line = str(error)
    assert "\n" not in line
    assert line.startswith(f"{url}: ") and line.endswith(f"[{code}]")


# --- Success ----------------------------------------------------------------------------------------------


def test_fetch_returns_body_and_useful_headers(local_server: LocalServer) -> None:
    url = local_server.route(
        "/page",
        HTML,
        headers={
            "Content-Type": "text/html; charset=ISO-8859-1",
            "ETag": '"v1"',
            "Last-Modified": "Thu, 14 Mar 2024 09:30:00 GMT",
            "X-Ignored": "1",
        },
    )
    page = fetch(url)
    assert (page.url, page.final_url, page.status) == (url, url, 200)
    assert page.content == HTML
    assert page.content_type == "text/html"
    assert page.charset == "iso-8859-1"  # as httpx gives it: lower case
    assert page.headers == {
        "etag": '"v1"',
        "last-modified": "Thu, 14 Mar 2024 09:30:00 GMT",
        "content-type": "text/html; charset=ISO-8859-1",
    }
    assert page.redirects == []
    assert 0 <= page.elapsed_s < 2


def test_fetch_charset_is_none_when_the_header_has_none(local_server: LocalServer) -> None:
    page = fetch(local_server.route("/page", HTML, headers={"Content-Type": "text/html"}))
    assert page.charset is None


def test_fetch_sends_user_agent_and_accept(local_server: LocalServer) -> None:
    fetch(local_server.route("/page", HTML))
    (seen,) = local_server.requests_to("/page")
    assert seen.headers["user-agent"] == DEFAULT_USER_AGENT
    assert DEFAULT_USER_AGENT.startswith("storytrace/")
    assert "(+https://github.com/storytrace/storytrace; news research tool)" in DEFAULT_USER_AGENT
    assert seen.headers["accept"].startswith("text/html")
    assert "application/rss+xml" in seen.headers["accept"]


def test_fetch_sends_extra_headers_and_returns_304(local_server: LocalServer) -> None:
    def conditional(handler: RequestHandler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.write_reply(Reply(304, headers={"ETag": '"v1"'}))
        else:
            handler.write_reply(Reply(200, HTML, {"ETag": '"v1"'}))

    url = local_server.route_handler("/page", conditional)
    page = fetch(url, headers={"If-None-Match": '"v1"'})  # for every request of this Fetcher
    assert (page.status, page.content, page.headers["etag"]) == (304, b"", '"v1"')
    with Fetcher(FAST) as fetcher:
        assert fetcher.fetch(url).status == 200
        assert fetcher.fetch(url, headers={"If-None-Match": '"v1"'}).status == 304  # for this request only
    assert local_server.requests[0].headers["if-none-match"] == '"v1"'
    assert "if-none-match" not in local_server.requests[1].headers


def test_fetch_accepts_text_sent_as_octet_stream(local_server: LocalServer) -> None:
    url = local_server.route("/notes", b"plain notes", headers={"Content-Type": "application/octet-stream"})
    assert fetch(url).content == b"plain notes"


def test_fetch_accepts_a_body_exactly_at_the_limit(local_server: LocalServer) -> None:
    url = local_server.route_handler("/page", chunked(b"a" * 10_000, content_type="text/plain"))
    assert len(fetch(url).content) == 10_000


def test_fetch_waits_between_requests_to_the_same_host(local_server: LocalServer) -> None:
    url = local_server.route("/page", HTML)
    with Fetcher(replace(FAST, politeness_delay=0.3)) as fetcher:
        fetcher.fetch(url)
        fetcher.fetch(url)
    first, second = local_server.requests_to("/page")
    assert second.time - first.time >= 0.28


# --- Redirects --------------------------------------------------------------------------------------------


def test_fetch_follows_a_redirect_chain(local_server: LocalServer) -> None:
    start = local_server.route_handler("/r1", redirect("/r2", 301))
    local_server.route_handler("/r2", redirect(local_server.url("/r3"), 307))
    local_server.route_handler("/r3", redirect("final", 308))  # relative to /r3
    final = local_server.route("/final", HTML, headers={"Content-Type": "text/html"})
    page = fetch(start)
    assert page.url == start
    assert page.final_url == final
    assert page.redirects == [start, local_server.url("/r2"), local_server.url("/r3")]
    assert page.content == HTML


def test_fetch_refuses_a_redirect_loop(local_server: LocalServer) -> None:
    start = local_server.route_handler("/loop-a", redirect("/loop-b"))
    local_server.route_handler("/loop-b", redirect("/loop-a"))
    error = fetch_error(start)
    loop = f"redirect loop: {start} → {local_server.url('/loop-b')} → {start}"
    assert_error(error, "ST204", start, loop, "redirects in a circle")
    assert len(local_server.requests) == 2  # refused as soon as it closes, not after max_redirects


def test_fetch_follows_a_cookie_check_back_to_the_same_url(local_server: LocalServer) -> None:
    def cookie_check(handler: RequestHandler) -> None:
        if "seen=1" in handler.headers.get("Cookie", ""):
            handler.write_reply(Reply(200, HTML, {"Content-Type": "text/html"}))
        else:
            handler.write_reply(Reply(302, headers={"Location": "/article", "Set-Cookie": "seen=1; Path=/"}))

    url = local_server.route_handler("/article", cookie_check)
    page = fetch(url)
    assert (page.status, page.final_url, page.redirects) == (200, url, [url])


def test_fetch_refuses_too_many_redirects(local_server: LocalServer) -> None:
    start = local_server.route_handler("/r0", redirect("/r1"))
    local_server.route_handler("/r1", redirect("/r2"))
    local_server.route_handler("/r2", redirect("/r3"))
    local_server.route("/r3", HTML)
    error = fetch_error(start, max_redirects=2)
    assert_error(error, "ST204", start, f"more than 2 redirects (the last to {local_server.url('/r3')})", "browser")
    assert local_server.requests_to("/r3") == []


def test_fetch_refuses_a_redirect_to_another_scheme(local_server: LocalServer) -> None:
    start = local_server.route_handler("/escape", redirect("file:///etc/passwd"))
    error = fetch_error(start)
    assert_error(error, "ST206", start, "redirected to an unsupported scheme 'file:'", "only http:// and https://")


# --- Errors, one code at a time ---------------------------------------------------------------------------


def test_fetch_connection_refused_is_st201() -> None:
    url = f"http://127.0.0.1:{free_port()}/page"
    error = fetch_error(url)
    assert_error(error, "ST201", url, "could not connect to host 127.0.0.1: connection refused", "server is down")


def test_fetch_dns_failure_is_st201() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    url = "http://no-such-host.example/page"
    with Fetcher(FAST, transport=httpx.MockTransport(fail)) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(url)
    assert_error(
        caught.value,
        "ST201",
        url,
        "could not connect to host no-such-host.example: the host name could not be resolved (DNS)",
        "typos",
    )


def test_fetch_connect_timeout_is_st202() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    url = "http://slow-host.example/page"
    with Fetcher(FAST, transport=httpx.MockTransport(fail)) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(url)
    assert_error(caught.value, "ST202", url, "timed out connecting to host slow-host.example after 1 s", "later")


@pytest.mark.parametrize("after_headers", [False, True], ids=["before-headers", "mid-body"])
def test_fetch_silent_server_is_st202(local_server: LocalServer, after_headers: bool) -> None:
    url = local_server.route_handler("/stall", stall(5.0, after_headers=after_headers))
    error = fetch_error(url, read_timeout=0.3)
    assert_error(error, "ST202", url, "host 127.0.0.1 sent nothing for 0.3 s (read timeout)", "slow or stalled")


def test_fetch_slow_drip_is_cut_by_the_deadline(local_server: LocalServer) -> None:
    url = local_server.route_handler("/drip", slow_drip(b"x", interval=0.05, count=200))
    started = time.monotonic()
    error = fetch_error(url, deadline=0.5, read_timeout=0.4)
    assert time.monotonic() - started < 1.5
    assert_error(error, "ST202", url, "gave up after the 0.5 s deadline for the whole download", "too slow")


@pytest.mark.parametrize(
    ("status", "message", "hint"),
    [
        (404, "HTTP 404 Not Found", "the page is gone or the URL is wrong"),
        (410, "HTTP 410 Gone", "the page is gone"),
        (403, "HTTP 403 Forbidden", "refuses automated access"),
        (500, "HTTP 500 Internal Server Error", "the server failed"),
        (400, "HTTP 400 Bad Request", "the server refused the request"),
    ],
)
def test_fetch_error_status_is_st203(local_server: LocalServer, status: int, message: str, hint: str) -> None:
    url = local_server.route("/page", b"nope", status=status)
    error = fetch_error(url)
    assert_error(error, "ST203", url, message, hint)
    assert error.status == status


def test_fetch_error_status_after_redirect_names_the_hop(local_server: LocalServer) -> None:
    start = local_server.route_handler("/moved", redirect("/gone"))
    error = fetch_error(start)
    assert_error(error, "ST203", start, f"HTTP 404 Not Found at {local_server.url('/gone')}", "gone")


def test_fetch_retries_429_after_retry_after(local_server: LocalServer) -> None:
    url = local_server.route_handler(
        "/busy",
        sequence(Reply(429, b"", {"Retry-After": "0"}), Reply(200, HTML, {"Content-Type": "text/html"})),
    )
    assert fetch(url).content == HTML
    assert len(local_server.requests_to("/busy")) == 2


def test_fetch_retry_after_as_http_date(local_server: LocalServer) -> None:
    past = "Wed, 21 Oct 2015 07:28:00 GMT"  # already passed: retry at once
    url = local_server.route_handler("/busy", sequence(Reply(503, b"", {"Retry-After": past}), Reply(200, HTML)))
    assert fetch(url).status == 200


def test_fetch_does_not_wait_past_the_retry_cap(local_server: LocalServer) -> None:
    url = local_server.route("/busy", b"", status=429, headers={"Retry-After": "120"})
    started = time.monotonic()
    error = fetch_error(url)
    assert time.monotonic() - started < 1
    assert_error(error, "ST203", url, "HTTP 429 Too Many Requests, asking to retry after 120 s", "rate-limiting")
    assert len(local_server.requests_to("/busy")) == 1


def test_fetch_gives_up_on_503_after_the_retries(local_server: LocalServer) -> None:
    url = local_server.route("/down", b"", status=503)
    error = fetch_error(url, retries=1)
    assert_error(error, "ST203", url, "HTTP 503 Service Unavailable", "try again later")
    assert len(local_server.requests_to("/down")) == 2


BIG = b"<p>" + b"a" * 1_000_000 + b"</p>"


def serve_big(server: LocalServer, how: str) -> None:
    if how == "content-length":
        server.route("/big", BIG)
    elif how == "chunked":
        server.route_handler("/big", chunked(BIG))
    elif how == "no-length":  # the body ends when the server closes the connection
        server.route("/big", BIG, content_length=False)
    else:  # a gzip bomb: 1 KB on the wire inflating to 1 MB; the limit is on what we decode
        server.route("/big", gzip.compress(BIG), headers={"Content-Encoding": "gzip"})


@pytest.mark.parametrize("how", ["content-length", "chunked", "no-length", "gzip"])
def test_fetch_body_over_max_bytes_is_st205(local_server: LocalServer, how: str) -> None:
    serve_big(local_server, how)
    url = local_server.url("/big")
    error = fetch_error(url)
    assert_error(error, "ST205", url, "response larger than the 10,000-byte limit", "--max-bytes")
    if how == "content-length":  # refused on the header, before reading the body
        assert "(the server announced 1,000,007 bytes)" in error.message
        return
    received = int(error.message.split("stopped after ")[1].split(" ")[0].replace(",", ""))
    if how == "gzip":
        assert received <= len(BIG)  # one compressed read can inflate to at most the whole body
    else:
        assert received < 200_000  # cut while streaming, long before the 1 MB end


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("file:///etc/passwd", "file"),
        ("ftp://ftp.example.org/news.txt", "ftp"),
        ("mailto:desk@example.org", "mailto"),
    ],
)
def test_fetch_unsupported_scheme_is_st206(url: str, scheme: str) -> None:
    error = fetch_error(url)
    assert_error(error, "ST206", url, f"unsupported URL scheme '{scheme}:'", "give local files as paths")


@pytest.mark.parametrize(
    ("content_type", "body", "message"),
    [
        (
            "image/png",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
            "the server sent image/png, not a web page or feed",
        ),
        ("application/pdf", b"%PDF-1.7 ...", "the server sent application/pdf"),
        (
            "application/octet-stream",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
            "the server sent a PNG image (declared as application/octet-stream)",
        ),
        ("text/html", b"%PDF-1.7\n%\xe2\xe3", "the server sent a PDF document (declared as text/html)"),
        ("application/octet-stream", b"\x01\x02\x00\x00\x07", "the server sent binary data"),
    ],
    ids=["image", "pdf", "octet-stream-png", "pdf-labelled-html", "nul-bytes"],
)
def test_fetch_binary_is_st207(local_server: LocalServer, content_type: str, body: bytes, message: str) -> None:
    url = local_server.route("/file", body, headers={"Content-Type": content_type})
    error = fetch_error(url)
    assert_error(error, "ST207", url, message, "convert it to text first")


@pytest.mark.parametrize(
    ("url", "message", "hint"),
    [
        ("", "the URL is empty", "check the URL"),
        ("example.com/news/1", "it has no scheme", "https://example.com/news/1"),
        ("localhost:8080/news", "it has no scheme", "https://localhost:8080/news"),
        ("http://", "it has no host name", "check the URL"),
        ("http://exa mple.com/x", "is not a valid host name", "check the URL"),
        ("http://127.0.0.1:99999/", "port 99999 is out of range", "check the URL"),
        ("https://[::1", "invalid URL: Invalid port", "check the URL"),
    ],
)
def test_fetch_invalid_url_is_st208(url: str, message: str, hint: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(url)
    error = caught.value
    assert error.code == "ST208"
    assert error.locator == (url or None)
    assert message in error.message and hint in error.hint


@pytest.mark.parametrize(
    "head",
    [b"", b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\nonly a little"],
    ids=["no-response", "short-body"],
)
def test_fetch_broken_connection_is_st209(local_server: LocalServer, head: bytes) -> None:
    url = local_server.route_handler("/broken", drop_connection(head))
    error = fetch_error(url)
    assert_error(error, "ST209", url, "connection to host 127.0.0.1 broke", "dropped the connection")


# --- sniff_kind -------------------------------------------------------------------------------------------

RSS = b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>T</title></channel></rss>'
ATOM = b'<?xml version="1.0"?><!-- <html> --><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title></feed>'
RDF = b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'


@pytest.mark.parametrize(
    ("content", "content_type", "url", "kind"),
    [
        (RSS, "application/rss+xml", "http://h/feed", "feed"),
        (RSS, "text/html; charset=utf-8", "http://h/feed", "feed"),  # mislabelled: the bytes win
        (ATOM, "application/xml", "http://h/atom", "feed"),
        (RDF, None, "http://h/index.rdf", "feed"),
        ("\ufeff".encode("utf-16-le") + ATOM.decode().encode("utf-16-le"), None, "http://h/a", "feed"),
        (b"", "application/atom+xml", "http://h/a", "feed"),
        (HTML, "text/html", "http://h/page", "html"),
        (HTML, None, "http://h/page", "html"),
        (b"<p>Mentions <rss> in text</p><body>", "text/plain", "http://h/x", "html"),
        (b'{"a": 1}', "application/json", "http://h/api", "json"),
        (b'{"a": 1}', None, "http://h/api", "json"),
        (b"[1, 2", None, "http://h/data.json", "json"),
        (b"[Reuters] plain text", None, "http://h/x", "text"),
        (b"Just words.", "text/plain", "http://h/x.txt", "text"),
    ],
)
def test_sniff_kind(content: bytes, content_type: str | None, url: str, kind: str) -> None:
    assert sniff_kind(content, content_type, url) == kind
