"""Import from a URL: one bounded download of the page and its images, then a normal import."""

from __future__ import annotations

import re
import ssl
import time

import pytest

from reader.core import fetch
from reader.core.errors import ImportFailed
from reader.core.fetch import DownloadCancelled, check_url, fetch_page, page_loader
from reader.core.images import MAX_IMAGE_BYTES
from reader.core.library import Library
from tests.web import (
    CERTIFICATE,
    LOGO,
    MARKDOWN_ARTICLE,
    PARAGRAPH,
    PHOTO,
    RUSSIAN,
    SECOND,
    Site,
    article_page,
    closed_port,
    secure_web_fixture,  # noqa: F401  (the "secure_web" fixture)
    web_fixture,  # noqa: F401  (the "web" fixture)
)

# Longer than any test needs, short enough that a hang fails the test instead of the run.
NEVER = 10.0


def failure(url: str, **options: float) -> str:
    with pytest.raises(ImportFailed) as info:
        fetch_page(url, **options)  # type: ignore[arg-type]
    return str(info.value)


def snapshot(library: Library) -> tuple[list[int], list[str]]:
    """What a failed import must leave as it was: documents and kept files."""
    kept = sorted(row[0] for row in library.store.rows("SELECT sha256 FROM blobs"))
    return library.document_ids("imported"), kept


# -- downloading --------------------------------------------------------------------------------


def test_a_page_is_downloaded_with_its_type_and_charset(web: Site):
    page = fetch_page(web.url("/article.html"))
    assert page.url == web.url("/article.html")
    assert page.data == article_page(web.base)
    assert page.content_type == "text/html"
    assert page.charset == "utf-8"
    assert web.agents[-1].startswith("Reader/")


def test_redirects_are_followed_to_the_final_address(web: Site):
    page = fetch_page(web.url("/redirect"))
    assert page.url == web.url("/article.html")
    assert page.data == article_page(web.base)


def test_redirect_loops_and_redirects_out_of_the_web_are_refused(web: Site):
    assert failure(web.url("/loop")) == "127.0.0.1 redirected too many times"
    assert web.hits.count("/loop") <= fetch.MAX_REDIRECTS + 1
    assert failure(web.url("/to-file")) == "the server sent Reader on to a file: address"


@pytest.mark.parametrize(
    ("path", "answer"),
    [
        ("/missing", "404 Not Found"),
        ("/forbidden", "403 Forbidden"),
        ("/broken", "500 Internal Server Error"),
    ],
)
def test_server_errors_are_named(web: Site, path: str, answer: str):
    assert failure(web.url(path)) == f"the server answered {answer}"


def test_a_page_over_the_size_limit_is_refused_while_streaming(web: Site):
    message = failure(web.url("/huge"))
    assert message == "the page is larger than 10 MB, more than Reader downloads"


def test_a_page_declared_too_large_is_refused_before_reading(web: Site):
    message = failure(web.url("/huge-declared"))
    assert message == "the page is larger than 10 MB (50.0 MB), more than Reader downloads"


@pytest.mark.parametrize("path", ["/slow", "/stall"])
def test_a_slow_or_silent_server_is_given_up_at_the_deadline(web: Site, path: str):
    started = time.monotonic()
    message = failure(web.url(path), timeout=0.5)
    assert message == "the page did not finish downloading from 127.0.0.1 within 0.5 s"
    assert time.monotonic() - started < NEVER


def test_cancelling_stops_a_download_that_waits_for_the_server(web: Site):
    started = time.monotonic()
    with pytest.raises(DownloadCancelled):
        fetch_page(web.url("/stall"), cancel=lambda: time.monotonic() - started > 0.2)
    assert time.monotonic() - started < NEVER


def test_a_refused_connection_is_named():
    url = f"http://127.0.0.1:{closed_port()}/page"
    assert failure(url) == "127.0.0.1 refused the connection (is the address right?)"


def test_an_unknown_host_asks_whether_the_computer_is_online():
    started = time.monotonic()
    message = failure("http://reader-test.invalid/page")
    assert message.startswith("could not reach reader-test.invalid: are you online?")
    assert time.monotonic() - started < NEVER


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "Reader downloads only http and https addresses, not file: ones"),
        (
            "ftp://example.com/a.txt",
            "Reader downloads only http and https addresses, not ftp: ones",
        ),
        (
            "data:text/html,<p>hi</p>",
            "Reader downloads only http and https addresses, not data: ones",
        ),
        (
            "javascript:alert(1)",
            "Reader downloads only http and https addresses, not javascript: ones",
        ),
        ("example.com/news", "it is not a web address (it should start with https://)"),
        ("https://", "the web address has no valid host name"),
        ("http://example.com:99999/", "the web address is not valid"),
    ],
)
def test_only_web_addresses_are_downloaded(url: str, message: str):
    assert failure(url) == message


def test_pasted_addresses_with_spaces_and_accents_are_quoted():
    assert check_url(" https://de.wikipedia.org/wiki/Köln ") == (
        "https://de.wikipedia.org/wiki/K%C3%B6ln"
    )
    assert check_url("https://bücher.example/a b?q=ä#top") == (
        "https://xn--bcher-kva.example/a%20b?q=%C3%A4"
    )
    assert check_url("https://example.com/already%20quoted") == (
        "https://example.com/already%20quoted"
    )


def test_an_untrusted_certificate_is_refused(secure_web: Site):
    message = failure(secure_web.url("/article.html"))
    assert message.startswith("the secure connection to 127.0.0.1 cannot be trusted (")
    assert "self" in message  # "self-signed certificate"
    assert secure_web.hits == []


def test_https_downloads_within_the_deadline_too(secure_web: Site, monkeypatch):
    trusting = ssl.create_default_context(cadata=CERTIFICATE)
    monkeypatch.setattr(fetch, "_tls_context", lambda: trusting)
    assert fetch_page(secure_web.url("/article.html")).data == article_page(secure_web.base)
    started = time.monotonic()
    message = failure(secure_web.url("/stall"), timeout=0.5)
    assert message == "the page did not finish downloading from 127.0.0.1 within 0.5 s"
    assert time.monotonic() - started < NEVER


def test_a_compressed_answer_is_unpacked(web: Site):
    assert fetch_page(web.url("/compressed")).data == article_page(web.base)


# -- what the download is -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/report.pdf", "it is a PDF document, which Reader cannot import yet"),
        ("/picture", "it is a PNG image, which Reader cannot import yet"),
        ("/data.json", "it is a file (application/json), which Reader cannot import"),
        ("/empty", "the server sent an empty page"),
    ],
)
def test_what_is_not_a_page_or_a_text_is_named(web: Site, path: str, message: str):
    with pytest.raises(ImportFailed, match=f"^{re.escape(message)}$"):
        fetch.document_name(fetch_page(web.url(path)))


def test_the_server_charset_is_used_only_when_the_bytes_do_not_say(web: Site):
    assert fetch.charset_hint(fetch_page(web.url("/russian.txt"))) == "cp1251"
    assert fetch.charset_hint(fetch_page(web.url("/article.html"))) is None  # valid UTF-8
    lying = fetch.Download("http://x/a", "é".encode("cp1252"), "text/plain", "utf-8")
    assert fetch.charset_hint(lying) is None  # does not fit the bytes: detect instead
    western = fetch.Download("http://x/a", "café – naïve".encode("cp1252"), "text/plain", "latin-1")
    assert fetch.charset_hint(western) == "cp1252"  # what pages labelled Latin-1 are in
    declared = b'<html><head><meta charset="koi8-r"></head><body>\xc1\xc2</body></html>'
    page = fetch.Download("http://x/a", declared, "text/html", "cp1251")
    assert fetch.charset_hint(page) is None  # the page says it itself


# -- images -------------------------------------------------------------------------------------


def test_images_load_by_relative_and_absolute_address_once_each(web: Site):
    load = page_loader(web.url("/article.html"))
    assert load("img/photo.png") == PHOTO
    assert load(web.url("/img/photo.png")) == PHOTO  # the same image, named otherwise
    assert load(web.url("/abs/logo.png")) == LOGO
    assert web.hits.count("/img/photo.png") == 1
    assert web.hits.count("/abs/logo.png") == 1


def test_images_that_cannot_be_had_are_left_out(web: Site):
    load = page_loader(web.url("/article.html"))
    before = len(web.hits)
    for ref in ("file:///etc/passwd", "data:image/png;base64,iVBORw0KGgo=", "javascript:x()"):
        assert load(ref) is None
    assert len(web.hits) == before  # nothing was asked for
    assert load("nowhere.png") is None
    assert MAX_IMAGE_BYTES < 13_000_000
    assert load("/huge") is None  # larger than an image may be
    assert page_loader(web.url("/"), timeout=0.3)("/stall") is None


def test_cancelling_during_the_images_stops_the_import(web: Site):
    load = page_loader(web.url("/article.html"), cancel=lambda: True)
    with pytest.raises(DownloadCancelled):
        load("/stall")


# -- into the library ---------------------------------------------------------------------------


def test_a_page_is_imported_with_its_original(empty_library: Library, web: Site):
    ((doc_id, duplicate),) = empty_library.import_url(web.url("/redirect"))
    assert not duplicate
    doc = empty_library.document(doc_id)
    assert doc.title == "Harbour bridge reopens after two years"
    assert PARAGRAPH in doc.text and SECOND in doc.text
    assert doc.imported_from == web.url("/article.html")
    assert doc.format == "html"
    assert empty_library.original(doc_id) == article_page(web.base)
    assert empty_library.search("cycle lane").total == 0  # not indexed until synced
    empty_library.sync_index()
    assert empty_library.search("cycle lane").hits[0].id == doc_id


def test_the_images_of_a_page_are_kept_in_the_library(empty_library: Library, web: Site):
    # Needs the HTML importer's image blocks (Block(kind="image", src=...)).
    ((doc_id, _),) = empty_library.import_url(web.url("/article.html"))
    images = empty_library.document(doc_id).images
    assert set(images) == {"img/photo.png", web.url("/abs/logo.png")}
    assert empty_library.image(images["img/photo.png"]) == PHOTO
    assert empty_library.image(images[web.url("/abs/logo.png")]) == LOGO


def test_text_and_markdown_addresses_import_as_such(empty_library: Library, web: Site):
    ((notes, _),) = empty_library.import_url(web.url("/notes"))
    assert empty_library.document(notes).format == "text"
    assert empty_library.document(notes).title == "Ferry timetable changes"
    ((readme, _),) = empty_library.import_url(web.url("/readme"))
    doc = empty_library.document(readme)
    assert doc.format == "markdown"
    assert doc.title == "Library opens on Sundays"
    assert "**" not in doc.text and MARKDOWN_ARTICLE.count("Sundays") == 2


def test_the_server_charset_reads_the_text_also_when_extracted_again(
    empty_library: Library, web: Site
):
    ((doc_id, _),) = empty_library.import_url(web.url("/russian.txt"))
    assert RUSSIAN in empty_library.document(doc_id).text
    empty_library.reextract(doc_id)
    assert RUSSIAN in empty_library.document(doc_id).text


def test_importing_again_finds_it_or_updates_it_keeping_annotations(
    empty_library: Library, web: Site
):
    url = web.url("/changing")
    ((doc_id, _),) = empty_library.import_url(url)
    start = empty_library.document(doc_id).text.index("cycle lane")
    note = empty_library.notes.add(doc_id, start, start + len("cycle lane"), color="yellow")
    assert empty_library.import_url(url) == [(doc_id, True)]
    web.version = 2
    assert empty_library.import_url(url) == [(doc_id, False)]
    assert empty_library.document(doc_id).title == "Bridge opening delayed again"
    assert empty_library.notes.get(note.id).exact == "cycle lane"
    assert empty_library.document_ids() == [doc_id]


@pytest.mark.parametrize(
    "path",
    ["/missing", "/huge", "/report.pdf", "/empty", "/to-file", "/data.json", "/stall"],
)
def test_a_failed_download_leaves_the_library_as_it_was(
    empty_library: Library, web: Site, path: str
):
    empty_library.import_url(web.url("/article.html"))
    before = snapshot(empty_library)
    with pytest.raises(ImportFailed):
        if path == "/stall":
            empty_library.import_url(web.url(path), cancel=lambda: True)
        else:
            empty_library.import_url(web.url(path))
    assert snapshot(empty_library) == before


def test_addresses_and_files_import_together(empty_library: Library, web: Site, tmp_path):
    from tests.conftest import write_articles

    article = write_articles(tmp_path / "in", 1)[0]
    missing = web.url("/missing")
    seen = []
    report = empty_library.import_paths(
        [web.url("/notes"), article, missing], progress=lambda step: seen.append(step.path)
    )
    assert len(report.imported) == 2
    assert [(f.path, f.reason) for f in report.failures] == [
        (missing, "the server answered 404 Not Found")
    ]
    assert seen == [web.url("/notes"), article, missing]
    again = empty_library.import_paths([web.url("/notes")])
    assert again.duplicates == [(web.url("/notes"), report.imported[0])]


def test_a_cancelled_download_is_reported_as_cancelled(empty_library: Library, web: Site):
    started = time.monotonic()
    report = empty_library.import_paths(
        [web.url("/stall"), web.url("/notes")],
        cancel=lambda: time.monotonic() - started > 0.3,
    )
    assert report.cancelled
    assert not report.failures and not report.imported
    assert empty_library.document_ids() == []
