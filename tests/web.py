"""A small web site on 127.0.0.1 for the import-from-URL tests (no other network is used)."""

from __future__ import annotations

import gzip
import ssl
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid PNG image of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


PHOTO = png(4, 3, (200, 30, 30))
LOGO = png(2, 2, (20, 20, 200))
PARAGRAPH = (
    "The harbour bridge reopened on Sunday after two years of repairs, with wider pavements "
    "and a new cycle lane on its northern side, the city council said in a statement."
)
SECOND = "Residents said the long closure had cost the shops on both banks many customers."


def article_page(base: str, title: str = "Harbour bridge reopens after two years") -> bytes:
    """An article with one picture by relative and one by absolute address."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | The Harbour Post</title>
<meta property="og:site_name" content="The Harbour Post">
<meta property="article:published_time" content="2023-05-14T09:30:00+02:00">
</head><body>
<nav><a href="/">Home</a></nav>
<article>
<h1>{title}</h1>
<p>{PARAGRAPH}</p>
<figure><img src="img/photo.png" alt="The bridge"></figure>
<p>{SECOND}</p>
<p><img src="{base}/abs/logo.png" alt="Logo"></p>
<p>{PARAGRAPH}</p>
</article>
<footer>Copyright 2023 The Harbour Post</footer>
</body></html>
""".encode()


TEXT_ARTICLE = (
    "Ferry timetable changes\n\n2022-03-01\n\n"
    "The ferry to the islands will leave an hour earlier from Monday, the operator said. "
    "Passengers with season tickets do not need to do anything.\n"
)
MARKDOWN_ARTICLE = (
    "# Library opens on Sundays\n\n"
    "The city library will open on **Sundays** from next month, the council said today.\n"
)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
RUSSIAN = "Мост через гавань снова открыт после двух лет ремонта, сообщил городской совет."


@dataclass
class Site:
    """The running site: its address, the paths asked for, and what the pages say."""

    base: str = ""
    hits: list[str] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)
    version: int = 1  # of the page at /changing
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path


class _Handler(BaseHTTPRequestHandler):
    site: Site

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        site = self.site
        site.hits.append(self.path)
        site.agents.append(self.headers.get("User-Agent", ""))
        route = _ROUTES.get(self.path.split("?")[0])
        if route is None:
            self._send(404, b"<html><body>Not here</body></html>", "text/html")
            return
        route(self, site)

    def _send(self, status: int, body: bytes, kind: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        headers.setdefault("Content_Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


def _huge(handler: _Handler, site: Site) -> None:
    # No Content-Length: the size shows only while reading.
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    block = b"<p>" + b"x" * 65_000 + b"</p>\n"
    try:
        for _ in range(200):  # 13 MB
            handler.wfile.write(block)
    except OSError:
        pass  # Reader hung up, as it should


def _slow(handler: _Handler, site: Site) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    try:
        handler.wfile.write(b"<html><body><p>")
        while not site.stop.wait(0.05):  # a byte every 50 ms, for ever
            handler.wfile.write(b"z")
            handler.wfile.flush()
    except OSError:
        pass


def _stall(handler: _Handler, site: Site) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    site.stop.wait(30)


def _changing(handler: _Handler, site: Site) -> None:
    title = "Bridge opening delayed" if site.version == 1 else "Bridge opening delayed again"
    handler._send(200, article_page(site.base, title), "text/html")


_ROUTES: dict[str, Callable[[_Handler, Site], None]] = {
    "/article.html": lambda h, s: h._send(200, article_page(s.base), "text/html; charset=utf-8"),
    "/img/photo.png": lambda h, s: h._send(200, PHOTO, "image/png"),
    "/abs/logo.png": lambda h, s: h._send(200, LOGO, "image/png"),
    "/redirect": lambda h, s: h._redirect("/article.html"),
    "/loop": lambda h, s: h._redirect("/loop"),
    "/to-file": lambda h, s: h._redirect("file:///etc/passwd"),
    "/missing": lambda h, s: h._send(404, b"<html>gone</html>", "text/html"),
    "/forbidden": lambda h, s: h._send(403, b"<html>no</html>", "text/html"),
    "/broken": lambda h, s: h._send(500, b"<html>oops</html>", "text/html"),
    "/huge": _huge,
    "/huge-declared": lambda h, s: h._send(
        200, b"<html>", "text/html", Content_Length=str(50 * 1024 * 1024)
    ),
    "/slow": _slow,
    "/stall": _stall,
    "/report.pdf": lambda h, s: h._send(200, PDF, "application/pdf"),
    "/picture": lambda h, s: h._send(200, PHOTO, "image/png"),
    "/data.json": lambda h, s: h._send(200, b'{"title": "no article"}', "application/json"),
    "/notes": lambda h, s: h._send(200, TEXT_ARTICLE.encode(), "text/plain; charset=utf-8"),
    "/readme": lambda h, s: h._send(200, MARKDOWN_ARTICLE.encode(), "text/markdown"),
    "/russian.txt": lambda h, s: h._send(
        200, f"Мост открыт\n\n{RUSSIAN}\n".encode("cp1251"), "text/plain; charset=windows-1251"
    ),
    "/compressed": lambda h, s: h._send(
        200, gzip.compress(article_page(s.base)), "text/html", Content_Encoding="gzip"
    ),
    "/empty": lambda h, s: h._send(200, b"", "text/html"),
    "/changing": _changing,
}


# A self-signed certificate for 127.0.0.1, valid 2000-2100, for the https tests.
CERTIFICATE = """\
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgkRPIkoui3Vywsvm8
d0NzzZs1EM5dDXpM1ziUYFHAUFyhRANCAATjzaJi/zWtPl074toq+mjQfqP+234t
xaaDxZmF4IsqIL6uTQgbI+3rHq7YuSpPVDw9Am5T2RofVXmmL+e+OjWj
-----END PRIVATE KEY-----
-----BEGIN CERTIFICATE-----
MIIBgDCCASegAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAkxMjcuMC4w
LjEwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBaMBQxEjAQBgNVBAMM
CTEyNy4wLjAuMTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABOPNomL/Na0+XTvi
2ir6aNB+o/7bfi3FpoPFmYXgiyogvq5NCBsj7eserti5Kk9UPD0CblPZGh9VeaYv
5746NaOjaDBmMA8GA1UdEQQIMAaHBH8AAAEwDwYDVR0TAQH/BAUwAwEB/zAOBgNV
HQ8BAf8EBAMCAoQwHQYDVR0OBBYEFNKZs5pcvLmrebkpBrUAZrtj/NHQMBMGA1Ud
JQQMMAoGCCsGAQUFBwMBMAoGCCqGSM49BAMCA0cAMEQCIAUpguLe7bnt2EZQRlTO
LQXI5gL3/pZQ/HqaJHM+PJzEAiBJ3OJxYhlmLs817AWXBDhMnXtVxy9mImvRK/6i
6VGiXA==
-----END CERTIFICATE-----
"""


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up or refused the certificate: expected here


@contextmanager
def serve(certificate: Path | None = None) -> Iterator[Site]:
    """Run the site on a free port of 127.0.0.1 until the block ends (https with a
    certificate file)."""
    site = Site()
    handler = type("Handler", (_Handler,), {"site": site})
    server = _Server(("127.0.0.1", 0), handler)
    scheme = "http"
    if certificate is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate)
        server.socket = context.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
        scheme = "https"
    site.base = f"{scheme}://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.stop.set()
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(name="web")
def web_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    """The test site; proxies from the environment are not used for it."""
    for name in (
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)
    with serve() as site:
        yield site


@pytest.fixture(name="secure_web")
def secure_web_fixture(tmp_path: Path) -> Iterator[Site]:
    """The test site over https, with the self-signed CERTIFICATE."""
    certificate = tmp_path / "certificate.pem"
    certificate.write_text(CERTIFICATE)
    with serve(certificate) as site:
        yield site


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
