"""Download a web page and its images once, bounded in time and size, with plain-words errors.

Only an explicit import downloads anything (the reader pane never fetches). Each download has a
wall-clock deadline and a size limit; a watchdog thread closes the connection at the deadline or
when the user cancels, so neither a server that trickles bytes nor one that stops answering can
hold an import forever.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import functools
import http.client
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import PurePosixPath
from typing import IO, Any
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit, urlunsplit

from reader import __version__
from reader.core import importers
from reader.core.errors import DownloadCancelled as DownloadCancelled
from reader.core.errors import ImportFailed
from reader.core.images import MAX_IMAGE_BYTES, ImageLoader

PAGE_TIMEOUT = 30.0  # seconds for the whole page: connecting, redirects, reading
IMAGE_TIMEOUT = 10.0  # seconds for one image
IMAGES_TIMEOUT = 120.0  # seconds for all the images of one page
MAX_REDIRECTS = 5
USER_AGENT = f"Reader/{__version__} (offline article reader)"

_WEB_SCHEMES = ("http", "https")
_CHUNK = 64 * 1024
_POLL_SECONDS = 0.05  # how often the watchdog looks at the clock and the cancel button
_GRACE_SECONDS = 1.0
_PAGE_ACCEPT = "text/html,application/xhtml+xml,text/markdown;q=0.9,text/plain;q=0.9,*/*;q=0.5"
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_MARKDOWN_TYPES = frozenset({"text/markdown", "text/x-markdown"})
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
_UNSAID_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
# What browsers read these labels as: the superset encodings real pages so labelled are in.
_LABEL_SUPERSETS = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")
_UNREACHABLE = frozenset(
    getattr(errno, name)
    for name in ("ENETUNREACH", "EHOSTUNREACH", "ENETDOWN", "EHOSTDOWN")
    if hasattr(errno, name)
)

Cancel = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class Download:
    """What a server sent for an address."""

    url: str  # the final address, after redirects
    data: bytes
    content_type: str  # "text/html"..., "" if the server did not say
    charset: str | None  # as the server declared it, if it did


def looks_like_url(text: str) -> bool:
    """True for text that starts like an address with a scheme ("https:", "ftp:", "data:"...).

    A Windows drive ("C:") has a one-letter scheme and does not count.
    """
    return _SCHEME.match(text.strip()) is not None


def is_web_url(text: str) -> bool:
    """True for an http(s) address with a host name, the kind Reader downloads."""
    try:
        check_url(text)
    except ImportFailed:
        return False
    return True


def check_url(url: str) -> str:
    """The address ready to request (non-ASCII quoted); ImportFailed says why it cannot be."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ImportFailed("the web address is not valid") from exc
    scheme = parts.scheme.lower()
    if scheme not in _WEB_SCHEMES:
        if not scheme:
            raise ImportFailed("it is not a web address (it should start with https://)")
        raise ImportFailed(f"Reader downloads only http and https addresses, not {scheme}: ones")
    host = parts.hostname
    if not host or any(c.isspace() for c in host):
        raise ImportFailed("the web address has no valid host name")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ImportFailed("the web address has no valid host name") from exc
    netloc = ascii_host if port is None else f"{ascii_host}:{port}"
    if ":" in ascii_host:  # an IPv6 literal
        netloc = f"[{ascii_host}]" + ("" if port is None else f":{port}")
    # Pasted addresses often hold spaces or accented letters; "%" stays so that what is
    # already quoted is not quoted twice.
    safe = "/%:@!$&'()*+,;=-._~?"
    return urlunsplit(
        (scheme, netloc, quote(parts.path, safe=safe), quote(parts.query, safe=safe), "")
    )


def fetch_page(
    url: str,
    *,
    timeout: float = PAGE_TIMEOUT,
    max_bytes: int = importers.MAX_FILE_BYTES,
    cancel: Cancel | None = None,
) -> Download:
    """Download a web page; raises ImportFailed (DownloadCancelled if ``cancel`` said so)."""
    return _download(url, "page", timeout, max_bytes, cancel, {"Accept": _PAGE_ACCEPT})


def page_loader(
    page_url: str,
    *,
    cancel: Cancel | None = None,
    timeout: float = IMAGE_TIMEOUT,
    budget: float = IMAGES_TIMEOUT,
) -> ImageLoader:
    """Load the images a downloaded page names, relative to its address or absolute.

    Each address is downloaded once; an image that cannot be had is left out (None), and once
    ``budget`` seconds have passed the rest are. Cancelling stops the whole import.
    """
    fetched: dict[str, bytes | None] = {}
    deadline = time.monotonic() + budget
    headers = {"Accept": "image/*", "Referer": page_url}

    def load(ref: str) -> bytes | None:
        address = urldefrag(urljoin(page_url, ref.strip())).url
        if urlsplit(address).scheme.lower() not in _WEB_SCHEMES:
            return None
        if address not in fetched:
            remaining = deadline - time.monotonic()
            data = None
            if remaining > 0:
                try:
                    image = _download(
                        address, "image", min(timeout, remaining), MAX_IMAGE_BYTES, cancel, headers
                    )
                    data = image.data
                except DownloadCancelled:
                    raise
                except ImportFailed:
                    data = None
            fetched[address] = data
        return fetched[address]

    return load


def document_name(download: Download) -> str:
    """A file name that tells the import registry what the download holds.

    Raises ImportFailed for what is not a page or a text (a PDF, an image, a program...).
    """
    if not download.data.strip():
        raise ImportFailed("the server sent an empty page")
    parts = urlsplit(download.url)
    path = PurePosixPath(unquote(parts.path))
    stem = path.stem or parts.hostname or "page"
    kind = download.content_type
    if kind in _HTML_TYPES:
        return stem + ".html"
    if kind in _MARKDOWN_TYPES:
        return stem + ".md"
    if kind == "text/plain":
        return stem + (path.suffix if path.suffix.lower() in _MARKDOWN_SUFFIXES else ".txt")
    # The server calls it something else: known binary formats are named by their bytes.
    importers.sniff(download.data, path.name)
    if kind in _UNSAID_TYPES or path.suffix.lower() in importers.supported_suffixes() - {""}:
        return path.name or stem
    raise ImportFailed(f"it is {_describe(kind)}, which Reader cannot import")


def charset_hint(download: Download) -> str | None:
    """The server's charset, when the bytes do not say what they are in themselves.

    Bytes with a byte-order mark, valid UTF-8 or a page declaring its charset speak for
    themselves; a declaration that does not fit the bytes is ignored.
    """
    data = download.data
    if download.charset is None or data.startswith((codecs.BOM_UTF8, b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return None
    if download.content_type in _HTML_TYPES and b"charset" in data[:4096].lower():
        return None
    try:
        name = codecs.lookup(download.charset).name
    except LookupError:
        return None
    name = _LABEL_SUPERSETS.get(name, name)
    try:
        data.decode(name)
    except UnicodeDecodeError:
        return None
    return name


def _describe(content_type: str) -> str:
    family = content_type.partition("/")[0]
    names = {"image": "an image", "audio": "an audio file", "video": "a video"}
    return f"{names.get(family, 'a file')} ({content_type})"


class _Watchdog:
    """Closes a download's connections at its deadline or when the user cancels.

    A read blocked on a silent server returns as soon as its socket is shut down.
    """

    def __init__(self, deadline: float, cancel: Cancel | None) -> None:
        self.deadline = deadline
        self.cancel = cancel
        self.reason: str | None = None  # "timeout" or "cancelled", once it acted
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="reader-download", daemon=True)

    def __enter__(self) -> _Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def guard(self, sock: socket.socket) -> None:
        """Watch a connection's socket (closed at once if the watchdog already acted)."""
        with self._lock:
            self._sockets.append(sock)
            if self.reason is not None:
                _shut(sock)

    def remaining(self) -> float:
        return max(0.01, self.deadline - time.monotonic())

    def _watch(self) -> None:
        while not self._done.wait(_POLL_SECONDS):
            if self.cancel is not None and self.cancel():
                reason = "cancelled"
            elif time.monotonic() >= self.deadline:
                reason = "timeout"
            else:
                continue
            with self._lock:
                self.reason = reason
                for sock in self._sockets:
                    _shut(sock)
            return


def _shut(sock: socket.socket) -> None:
    # The plain socket call, also for TLS: no goodbye message to a server that stalls.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _GuardedHTTP(http.client.HTTPConnection):
    def __init__(self, *args: Any, watchdog: _Watchdog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watchdog = watchdog

    def connect(self) -> None:
        super().connect()
        self._watchdog.guard(self.sock)


class _GuardedHTTPS(http.client.HTTPSConnection):
    def __init__(self, *args: Any, watchdog: _Watchdog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watchdog = watchdog

    def connect(self) -> None:
        super().connect()
        self._watchdog.guard(self.sock)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, watchdog: _Watchdog) -> None:
        super().__init__()
        self._watchdog = watchdog

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_GuardedHTTP, watchdog=self._watchdog), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watchdog: _Watchdog) -> None:
        super().__init__()
        self._watchdog = watchdog

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        connection = functools.partial(_GuardedHTTPS, watchdog=self._watchdog)
        return self.do_open(connection, req, context=_tls_context())


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Certificates checked against the system's authorities (loaded once: it takes a while)."""
    return ssl.create_default_context()


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows a few redirects, to web addresses only."""

    max_redirections = MAX_REDIRECTS

    def http_error_302(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
    ) -> Any:
        target = headers.get("Location") or headers.get("URI")
        if target:
            scheme = urlsplit(urljoin(req.full_url, target)).scheme.lower()
            if scheme not in _WEB_SCHEMES:
                fp.close()
                raise ImportFailed(f"the server sent Reader on to a {scheme}: address")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _download(
    url: str,
    what: str,
    timeout: float,
    max_bytes: int,
    cancel: Cancel | None,
    headers: dict[str, str],
) -> Download:
    """GET ``url`` (a "page" or an "image", for messages) within ``timeout`` seconds in all."""
    url = check_url(url)
    host = urlsplit(url).hostname or url
    request = urllib.request.Request(
        url,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **headers},
    )
    with _Watchdog(time.monotonic() + timeout, cancel) as watchdog:
        opener = urllib.request.build_opener(
            _HTTPHandler(watchdog), _HTTPSHandler(watchdog), _RedirectHandler()
        )
        try:
            # The socket's own timeout is a backstop: the watchdog keeps the deadline.
            with opener.open(request, timeout=watchdog.remaining() + _GRACE_SECONDS) as response:
                final = response.geturl()
                host = urlsplit(final).hostname or host
                data = _read(response, what, max_bytes)
                message = response.headers
                if watchdog.reason is None and response.length:
                    raise http.client.IncompleteRead(data, response.length)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            if isinstance(exc, urllib.error.HTTPError):
                exc.close()
            if watchdog.reason is None:
                raise ImportFailed(_explain(exc, host, what, timeout)) from exc
        if watchdog.reason == "cancelled":
            raise DownloadCancelled("the download was cancelled")
        if watchdog.reason == "timeout":
            raise ImportFailed(
                f"the {what} did not finish downloading from {host} within {timeout:g} s"
            )
    has_type = message.get("Content-Type") is not None
    data = _decompress(data, message.get("Content-Encoding", ""), what, max_bytes)
    return Download(
        url=final,
        data=data,
        content_type=message.get_content_type() if has_type else "",
        charset=message.get_content_charset(),
    )


def _read(response: http.client.HTTPResponse, what: str, max_bytes: int) -> bytes:
    """The body, a chunk at a time (one system call each, so the deadline is seen)."""
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise ImportFailed(_too_large(what, max_bytes, int(length)))
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise ImportFailed(_too_large(what, max_bytes))
        chunks.append(chunk)
    return b"".join(chunks)


def _decompress(data: bytes, encoding: str, what: str, max_bytes: int) -> bytes:
    # Reader asks for plain bytes, but some servers compress anyway.
    if encoding.strip().lower() not in ("gzip", "x-gzip", "deflate"):
        return data
    inflater = zlib.decompressobj(47)  # gzip or zlib header, whichever it is
    try:
        plain = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise ImportFailed(f"the {what} arrived compressed and damaged") from exc
    if len(plain) > max_bytes:
        raise ImportFailed(_too_large(what, max_bytes))
    return plain


def _too_large(what: str, max_bytes: int, size: int | None = None) -> str:
    limit = f"{max_bytes / 1_048_576:g} MB" if max_bytes >= 1_048_576 else f"{max_bytes:,} bytes"
    actual = f" ({size / 1_048_576:.1f} MB)" if size is not None else ""
    return f"the {what} is larger than {limit}{actual}, more than Reader downloads"


def _explain(exc: BaseException, host: str, what: str, timeout: float) -> str:
    """A plain-words reason for a failed download."""
    if isinstance(exc, urllib.error.HTTPError):
        if str(exc.reason).startswith(_RedirectHandler.inf_msg):
            return f"{host} redirected too many times"
        try:
            phrase = HTTPStatus(exc.code).phrase
        except ValueError:
            phrase = str(exc.reason)
        return f"the server answered {exc.code} {phrase}".rstrip()
    reason: object = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, socket.gaierror):
        return f"could not reach {host}: are you online? (is the address right?)"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"the secure connection to {host} cannot be trusted ({reason.verify_message})"
    if isinstance(reason, ssl.SSLError):
        return f"the secure connection to {host} failed ({reason.reason or reason})"
    if isinstance(reason, ConnectionRefusedError):
        return f"{host} refused the connection (is the address right?)"
    if isinstance(reason, TimeoutError):
        return f"{host} did not answer within {timeout:g} s"
    if isinstance(reason, ConnectionError | http.client.IncompleteRead):
        return f"the connection to {host} broke off before the {what} was complete"
    if isinstance(reason, http.client.HTTPException):
        return f"{host} sent an answer Reader cannot understand"
    if isinstance(reason, OSError) and reason.errno in _UNREACHABLE:
        return f"could not reach {host}: are you online?"
    if isinstance(reason, OSError):
        return f"could not download the {what} from {host} ({reason.strerror or reason})"
    return f"could not download the {what} from {host} ({reason})"
