"""Fetch pages and feeds over HTTP(S) within hard time and size limits; tell what kind of text came back."""

from __future__ import annotations

import email.utils
import http
import importlib.metadata
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import NoReturn, Self

import httpx

from storytrace.errors import FetchError

__all__ = ["DEFAULT_USER_AGENT", "FetchOptions", "Fetched", "Fetcher", "sniff_kind"]


def _package_version() -> str:
    try:
        return importlib.metadata.version("storytrace")
    except importlib.metadata.PackageNotFoundError:
        # Running from a source tree that was never installed.
        return "dev"


DEFAULT_USER_AGENT = f"storytrace/{_package_version()} (+https://github.com/storytrace/storytrace; news research tool)"
# Pages first, then feeds, then anything: servers that negotiate should give us the article, not an app shell.
DEFAULT_ACCEPT = (
    "text/html,application/xhtml+xml;q=0.9,application/rss+xml;q=0.9,application/atom+xml;q=0.9,"
    "application/rdf+xml;q=0.8,application/xml;q=0.8,text/xml;q=0.8,text/plain;q=0.7,*/*;q=0.5"
)

# The codes of FetchError raised here; docs/errors.md documents them.
CONNECT = "ST201"
TIMEOUT = "ST202"
HTTP_STATUS = "ST203"
REDIRECTS = "ST204"
TOO_LARGE = "ST205"
SCHEME = "ST206"
BINARY = "ST207"
INVALID_URL = "ST208"
BROKEN = "ST209"

_RETRY_STATUSES = frozenset({429, 503})
_BROKEN_REDIRECT_HINT = "the site sent a broken redirect; open the URL in a browser to find the article's address"
_KEPT_HEADERS = ("etag", "last-modified", "content-type", "content-language")


@dataclass(slots=True)
class FetchOptions:
    """Limits and manners of one Fetcher. Times are seconds; the defaults suit fetching news for research."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # longest silence between two chunks
    deadline: float = 60.0  # the whole fetch: redirects, retries and body, so a slow drip cannot hang us
    max_bytes: int = 10 * 1024 * 1024  # of the decoded body, checked while streaming (a gzip bomb is cut too)
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    accept: str = DEFAULT_ACCEPT
    politeness_delay: float = 1.0  # min seconds between two requests to the same host
    retries: int = 1  # extra attempts after a 429 or 503
    retry_wait_cap: float = 30.0  # a longer Retry-After is not waited for: the fetch fails instead
    retry_wait_default: float = 1.0  # when a 429/503 gives no Retry-After
    headers: dict[str, str] = field(default_factory=dict)  # extra request headers, e.g. If-None-Match
    trust_env: bool = True  # honour HTTP(S)_PROXY, NO_PROXY and SSL_CERT_FILE from the environment


@dataclass(slots=True)
class Fetched:
    """One fetched response. ``content`` is the decoded (un-gzipped) body; a 304 has an empty body."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    content_type: str | None  # media type only, lower case, e.g. "text/html"
    charset: str | None  # from the Content-Type header; None if the server did not say
    content: bytes
    headers: dict[str, str]  # the useful ones, lower-case names: etag, last-modified, content-type, …
    elapsed_s: float
    redirects: list[str] = field(default_factory=list)  # the URLs that redirected, in order


class Fetcher:
    """One HTTP client with its limits and per-host politeness clock. Not thread-safe; use one per thread.

    >>> with Fetcher(FetchOptions(politeness_delay=2.0)) as fetcher:  # doctest: +SKIP
    ...     page = fetcher.fetch("https://example.com/news/1")

    Every failure is a ``FetchError`` with a code (ST201-ST209), the URL as locator and a hint.
    """

    def __init__(self, options: FetchOptions | None = None, *, transport: httpx.BaseTransport | None = None) -> None:
        self.options = options if options is not None else FetchOptions()
        self._last_request: dict[str, float] = {}
        self._client = httpx.Client(
            headers={"User-Agent": self.options.user_agent, "Accept": self.options.accept},
            follow_redirects=False,  # followed by hand: each hop is checked for scheme, loops and politeness
            trust_env=self.options.trust_env,
            transport=transport,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str, *, headers: Mapping[str, str] | None = None) -> Fetched:
        """GET ``url``, following redirects; return the response or raise ``FetchError``.

        ``headers`` are sent with this request only (after ``options.headers``), e.g. ``If-None-Match`` for a
        conditional GET, whose 304 answer comes back as a Fetched with status 304 and no content.
        """
        opts = self.options
        hop = _parse_url(url)
        # The politeness wait is our choice, not the server's slowness: it is not counted in the deadline.
        self._wait_politely(hop.host)
        started = time.monotonic()
        deadline = started + opts.deadline
        request_headers = {**opts.headers, **(headers or {})}
        chain = [str(hop)]
        visits = {_visit_key(hop): 0}  # URL -> cookies set so far when we requested it
        cookies_set = 0
        retries_left = opts.retries
        while True:
            response = self._send(url, hop, deadline, request_headers)
            try:
                location = response.headers.get("location")
                if response.is_redirect and location:
                    cookies_set += len(response.headers.get_list("set-cookie"))
                    hop = self._next_hop(url, hop, location, chain)
                    # Revisiting a URL is a loop only if nothing changed: a cookie-check page that sets a
                    # cookie and redirects back to itself is answered differently the second time.
                    key = _visit_key(hop)
                    if visits.get(key) == cookies_set:
                        _raise_loop(url, chain)
                    visits[key] = cookies_set
                    continue
                if response.status_code in _RETRY_STATUSES and retries_left > 0:
                    wait = _retry_wait(response, opts)
                    if wait <= opts.retry_wait_cap and time.monotonic() + wait < deadline:
                        retries_left -= 1
                        time.sleep(wait)
                        continue
                if response.status_code >= 300 and response.status_code != 304:
                    _raise_status(url, hop, response, opts)
                if response.status_code != 304:
                    _refuse_binary_type(url, response)
                content = self._read_body(url, hop, response, deadline)
            finally:
                response.close()
            _refuse_binary_bytes(url, response, content)
            return Fetched(
                url=url,
                final_url=str(response.url),
                status=response.status_code,
                content_type=_media_type(response.headers.get("content-type")),
                charset=response.charset_encoding,
                content=content,
                headers={name: response.headers[name] for name in _KEPT_HEADERS if name in response.headers},
                elapsed_s=time.monotonic() - started,
                redirects=chain[:-1],
            )

    def _wait_politely(self, host: str) -> None:
        """Sleep until ``politeness_delay`` has passed since the last request to ``host``."""
        last = self._last_request.get(host)
        if last is not None and self.options.politeness_delay > 0:
            wait = last + self.options.politeness_delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)

    def _send(self, url: str, hop: httpx.URL, deadline: float, headers: dict[str, str]) -> httpx.Response:
        """Send one GET for one hop, after the politeness wait, with timeouts clipped to the deadline."""
        opts = self.options
        host = hop.host
        self._wait_politely(host)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            _raise_deadline(url, hop, opts)
        # A read timeout longer than what is left of the deadline would let one stalled read overrun it.
        timeout = httpx.Timeout(
            connect=min(opts.connect_timeout, remaining),
            read=min(opts.read_timeout, remaining),
            write=min(opts.read_timeout, remaining),
            pool=min(opts.connect_timeout, remaining),
        )
        request = self._client.build_request("GET", hop, headers=headers, timeout=timeout)
        try:
            return self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            _raise_transport(url, hop, exc, opts, deadline)
        finally:
            # Counted from when the host answered, not from when we asked: a slow connection must not bring the
            # next request closer to this one than the delay.
            self._last_request[host] = time.monotonic()

    def _next_hop(self, url: str, hop: httpx.URL, location: str, chain: list[str]) -> httpx.URL:
        """Where a redirect points (appended to ``chain``); refused if it goes too far or leaves http(s)."""
        try:
            target = hop.join(location)
        except httpx.InvalidURL as exc:
            raise FetchError(
                f"redirect from {hop} to an invalid Location {location!r}: {exc}",
                locator=url,
                code=INVALID_URL,
                hint=_BROKEN_REDIRECT_HINT,
            ) from None
        if target.scheme not in ("http", "https"):
            raise FetchError(
                f"redirected to an unsupported scheme '{target.scheme}:' (Location: {location})",
                locator=url,
                code=SCHEME,
                hint="only http:// and https:// URLs are fetched; a redirect elsewhere is refused",
            )
        chain.append(str(target))
        if len(chain) - 1 > self.options.max_redirects:
            raise FetchError(
                f"more than {self.options.max_redirects} redirects (the last to {target})",
                locator=url,
                code=REDIRECTS,
                hint="open the URL in a browser and give storytrace the address it ends at",
            )
        return target

    def _read_body(self, url: str, hop: httpx.URL, response: httpx.Response, deadline: float) -> bytes:
        """Stream the body, stopping as soon as it passes ``max_bytes`` or the deadline."""
        opts = self.options
        if response.status_code == 304:
            return b""
        declared = _content_length(response)
        if declared is not None and declared > opts.max_bytes:
            _raise_too_large(url, opts, f"the server announced {declared:,} bytes")
        body = bytearray()
        try:
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > opts.max_bytes:
                    _raise_too_large(url, opts, f"stopped after {len(body):,} bytes")
                if time.monotonic() > deadline:
                    _raise_deadline(url, hop, opts)
        except httpx.HTTPError as exc:
            _raise_transport(url, hop, exc, opts, deadline)
        return bytes(body)


def sniff_kind(content: bytes, content_type: str | None, url: str) -> str:
    """What a fetched body is: ``"feed"`` (RSS/Atom/RDF), ``"html"``, ``"json"`` or ``"text"``.

    The bytes win over the header when they are unambiguous, because servers often label feeds text/html
    or text/plain; the URL's extension only breaks ties.
    """
    media = _media_type(content_type) or ""
    if media in _FEED_TYPES:
        return "feed"
    head = _decode_head(content)
    root = _root_element(head)
    if root in _FEED_ROOTS:
        return "feed"
    if media in ("text/html", "application/xhtml+xml") or root == "html" or _HTML_MARK.search(head):
        return "html"
    if media == "application/json" or media.endswith("+json"):
        return "json"
    stripped = head.lstrip()
    path = httpx.URL(url).path.lower() if url else ""
    if stripped[:1] in ("{", "[") and (path.endswith(".json") or _is_json(content)):
        return "json"
    return "text"


_FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/rss", "text/rss"}
)
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf", "atom:feed"})
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_FIRST_TAG = re.compile(r"<(?![?!/])([A-Za-z_][\w:.-]*)")
_HTML_MARK = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)


def _decode_head(content: bytes) -> str:
    """The first KB as text, well enough to read tag names (ASCII-compatible or UTF-16/32 with a BOM)."""
    head = content[:1024].removeprefix(b"\xef\xbb\xbf")
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="ignore")
    return head.decode("latin-1")


def _root_element(head: str) -> str | None:
    match = _FIRST_TAG.search(_COMMENT.sub("", head))
    return match.group(1).lower() if match else None


def _is_json(content: bytes) -> bool:
    try:
        json.loads(content)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        return False
    return True


def _media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    media = content_type.split(";", 1)[0].strip().lower()
    return media or None


def _content_length(response: httpx.Response) -> int | None:
    try:
        return int(response.headers["content-length"])
    except (KeyError, ValueError):
        return None


# --- URLs -------------------------------------------------------------------------------------------------

_HOST = re.compile(r"^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.?)+$|^\[?[0-9a-f:.]+\]?$", re.I)
# Schemes a user may type on purpose; any other "x:" prefix is more likely a host with a port and no scheme.
_KNOWN_SCHEMES = (
    "file:",
    "ftp:",
    "ftps:",
    "sftp:",
    "mailto:",
    "data:",
    "javascript:",
    "tel:",
    "urn:",
    "news:",
)


def _parse_url(url: str) -> httpx.URL:
    """Parse a user's URL, refusing what we will not fetch (ST206) or cannot read as a URL (ST208)."""
    text = url.strip()

    def invalid(
        why: str, hint: str = "check the URL for typos; it must look like https://example.com/path"
    ) -> NoReturn:
        raise FetchError(f"invalid URL: {why}", locator=url or None, code=INVALID_URL, hint=hint)

    if not text:
        invalid("the URL is empty")
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, ValueError) as exc:  # ValueError: UnicodeError from a bad IDNA name
        invalid(str(exc))
    has_scheme = "://" in text or text.lower().startswith(_KNOWN_SCHEMES)
    if not parsed.scheme or not has_scheme:
        invalid("it has no scheme", hint=f"write it in full, e.g. https://{text.removeprefix('//')}")
    if parsed.scheme not in ("http", "https"):
        raise FetchError(
            f"unsupported URL scheme '{parsed.scheme}:'; only http and https are fetched",
            locator=url,
            code=SCHEME,
            hint="give local files as paths, not file:// URLs; other schemes are not read",
        )
    if not parsed.host:
        invalid("it has no host name")
    # raw_host is the IDNA (xn--) form, so non-ASCII domain names pass and spaces or '%' do not.
    if not _HOST.match(parsed.raw_host.decode("ascii", errors="replace")):
        invalid(f"{parsed.host!r} is not a valid host name")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        invalid(f"port {parsed.port} is out of range")
    return parsed


# --- Failures ---------------------------------------------------------------------------------------------


def _at(url: str, hop: httpx.URL) -> str:
    """' at <hop>' when a redirect led away from the requested URL, so the message names the real culprit."""
    return "" if str(hop) == url else f" at {hop}"


def _raise_transport(url: str, hop: httpx.URL, exc: httpx.HTTPError, opts: FetchOptions, deadline: float) -> NoReturn:
    """Translate an httpx exception into a FetchError with a code; never let httpx's own escape."""
    host = hop.host
    reason = str(exc).rstrip(".") or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        if time.monotonic() >= deadline - 0.05:  # clipped to the deadline: say so, not "read timeout"
            _raise_deadline(url, hop, opts)
        if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
            message = f"timed out connecting to host {host} after {opts.connect_timeout:g} s"
        else:
            message = f"host {host} sent nothing for {opts.read_timeout:g} s (read timeout)"
        raise FetchError(
            message,
            locator=url,
            code=TIMEOUT,
            hint="the server is slow or stalled; try again later",
        ) from exc
    if isinstance(exc, httpx.ConnectError):
        what, hint = _connect_reason(reason)
        raise FetchError(f"could not connect to host {host}: {what}", locator=url, code=CONNECT, hint=hint) from exc
    if isinstance(exc, httpx.UnsupportedProtocol):
        raise FetchError(
            f"unsupported URL scheme '{hop.scheme}:'",
            locator=url,
            code=SCHEME,
            hint="only http:// and https:// URLs are fetched",
        ) from exc
    if isinstance(exc, httpx.RemoteProtocolError) and "location header" in reason.lower():
        raise FetchError(
            f"redirect{_at(url, hop)} to an invalid Location: {reason}",
            locator=url,
            code=INVALID_URL,
            hint=_BROKEN_REDIRECT_HINT,
        ) from exc
    if isinstance(exc, httpx.DecodingError):
        message = f"could not decode the compressed body{_at(url, hop)}: {reason}"
    else:
        message = f"connection to host {host} broke: {reason}"
    raise FetchError(
        message,
        locator=url,
        code=BROKEN,
        hint="the server dropped the connection or sent an invalid response; try again later",
    ) from exc


def _connect_reason(reason: str) -> tuple[str, str]:
    """A short cause and a hint from the socket error text (which varies by OS, hence the loose matching)."""
    low = reason.lower()
    if "name or service not known" in low or "nodename nor servname" in low or "name resolution" in low:
        return "the host name could not be resolved (DNS)", "check the host name for typos"
    if "refused" in low:
        return "connection refused", "the server is down or not listening on that port; check the URL"
    if "certificate" in low:
        return (
            "its TLS certificate could not be verified",
            "the site's certificate is invalid or your CA bundle is out of date (see SSL_CERT_FILE)",
        )
    if "unreachable" in low:
        return "network unreachable", "check your network connection"
    return reason, "check the host name and your network connection; the site may be down"


def _visit_key(url: httpx.URL) -> str:
    return str(url.copy_with(fragment=None))


def _raise_loop(url: str, chain: list[str]) -> NoReturn:
    """Refuse a redirect loop, showing the circle from the first visit of the repeated URL."""
    keys = [_visit_key(httpx.URL(u)) for u in chain]
    loop = " → ".join(chain[keys.index(keys[-1]) :])
    raise FetchError(
        f"redirect loop: {loop}",
        locator=url,
        code=REDIRECTS,
        hint="the site redirects in a circle, often a cookie or consent wall; "
        "save the page from a browser and ingest the file",
    )


def _raise_deadline(url: str, hop: httpx.URL, opts: FetchOptions) -> NoReturn:
    raise FetchError(
        f"gave up{_at(url, hop)} after the {opts.deadline:g} s deadline for the whole download",
        locator=url,
        code=TIMEOUT,
        hint="the server is too slow; try again later",
    )


def _raise_too_large(url: str, opts: FetchOptions, detail: str) -> NoReturn:
    raise FetchError(
        f"response larger than the {opts.max_bytes:,}-byte limit ({detail})",
        locator=url,
        code=TOO_LARGE,
        hint="raise --max-bytes if this really is one article",
    )


def _raise_status(url: str, hop: httpx.URL, response: httpx.Response, opts: FetchOptions) -> NoReturn:
    status = response.status_code
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = response.reason_phrase or "(unknown status)"
    message = f"HTTP {status} {reason}{_at(url, hop)}"
    if status in (404, 410):
        hint = "the page is gone or the URL is wrong; check it in a browser"
    elif status in (401, 403, 451):
        hint = "the site refuses automated access or needs a login; save the page in a browser, ingest the file"
    elif status in _RETRY_STATUSES:
        wait = _retry_wait(response, opts)
        message += f", asking to retry after {wait:g} s" if "retry-after" in response.headers else ""
        hint = "the site is rate-limiting or overloaded; try again later"
    elif status >= 500:
        hint = "the server failed; try again later"
    elif status < 400:
        hint = "the server answered with a redirect status but no usable Location"
    else:
        hint = "the server refused the request; check the URL in a browser"
    raise FetchError(message, locator=url, code=HTTP_STATUS, hint=hint, status=status)


def _retry_wait(response: httpx.Response, opts: FetchOptions) -> float:
    """Seconds asked for by Retry-After (delta-seconds or an HTTP date), else the default wait."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return opts.retry_wait_default
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return opts.retry_wait_default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


# Declared types we never read as text, whatever the bytes look like.
_BINARY_PREFIXES = ("image/", "audio/", "video/", "font/", "model/")
_BINARY_TYPES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "application/gzip",
        "application/x-gzip",
        "application/x-tar",
        "application/x-7z-compressed",
        "application/x-rar-compressed",
        "application/vnd.rar",
        "application/msword",
        "application/wasm",
        "application/java-archive",
        "application/x-shockwave-flash",
    }
)
_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg audio/video file"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
    (b"\x00asm", "a WebAssembly module"),
)
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_BINARY_HINT = "storytrace reads web pages, feeds and text; download the file and convert it to text first"


def _refuse_binary_type(url: str, response: httpx.Response) -> None:
    """Refuse a declared binary type before downloading it: no point fetching 10 MiB of PDF."""
    media = _media_type(response.headers.get("content-type"))
    if media and (media.startswith(_BINARY_PREFIXES) or media in _BINARY_TYPES or media.startswith("application/vnd.")):
        if media.startswith("application/vnd.") and ("xml" in media or "json" in media):
            return  # e.g. application/vnd.api+json: text in a vendor wrapper
        raise FetchError(
            f"the server sent {media}, not a web page or feed", locator=url, code=BINARY, hint=_BINARY_HINT
        )


def _refuse_binary_bytes(url: str, response: httpx.Response, content: bytes) -> None:
    """Refuse plainly binary bytes, whatever the label (octet-stream, or a PDF served as text/html)."""
    head = content[:1024]
    what = next((name for magic, name in _MAGIC if head.startswith(magic)), None)
    # NUL bytes mean binary, unless the text is UTF-16/32 (marked by a BOM or the declared charset).
    wide = head.startswith(_TEXT_BOMS) or any(n in (response.charset_encoding or "") for n in ("16", "32"))
    if what is None and b"\x00" in head and not wide:
        what = "binary data"
    if what is None:
        return
    declared = response.headers.get("content-type")
    label = f" (declared as {_media_type(declared)})" if declared else ""
    raise FetchError(
        f"the server sent {what}{label}, not a web page or feed", locator=url, code=BINARY, hint=_BINARY_HINT
    )
