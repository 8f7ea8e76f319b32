"""Saved web pages: article text and metadata, nothing active or remote survives."""

from __future__ import annotations

import datetime as dt

import pytest

from reader.core.errors import ImportFailed
from reader.core.importers import extract_bytes

PARAGRAPH = (
    "The harbour bridge reopened on Sunday after two years of repairs, with wider pavements "
    "and a new cycle lane on its northern side, the city council said in a statement."
)
PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="gb2312">
<title>Bridge reopens | The Harbour Post</title>
<meta property="og:title" content="Harbour bridge reopens after two years">
<meta property="og:site_name" content="The Harbour Post">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2023-05-14T09:30:00+02:00">
<script>alert("never runs"); document.write("INJECTED")</script>
<style>body {{ color: red }}</style>
</head><body>
<nav><a href="/">Home</a> &gt; <a href="/city">City</a></nav>
<article>
<h1>Harbour bridge reopens after two years</h1>
<p>{PARAGRAPH}</p>
<p onclick="steal()">Residents said the closure had cost shops customers — 居民表示满意.</p>
<img src="https://tracker.example/pixel.gif">
<iframe src="https://ads.example/frame"></iframe>
<form action="https://evil.example"><input name="q"></form>
<p>{PARAGRAPH}</p>
</article>
<footer>Copyright 2023 The Harbour Post</footer>
</body></html>
"""


def test_article_and_metadata_from_a_page():
    doc = extract_bytes(PAGE.encode("utf-8"), "bridge.html")  # declares gb2312, is UTF-8
    assert doc.title == "Harbour bridge reopens after two years"
    assert doc.date == dt.date(2023, 5, 14)
    assert doc.byline == "Jane Doe"
    assert doc.source == "The Harbour Post"
    assert doc.format == "html" and doc.encoding == "utf-8"
    assert doc.paragraphs[0].startswith("The harbour bridge reopened on Sunday")
    assert "居民表示满意" in doc.text
    for hostile in ("alert", "INJECTED", "steal", "tracker.example", "evil.example", "color: red"):
        assert hostile not in doc.text


def test_a_gbk_page_that_says_so():
    page = PAGE.replace("居民表示满意", "居民表示满意，大桥重新开放").encode("gb18030")
    doc = extract_bytes(page, "bridge.htm")
    assert "大桥重新开放" in doc.text


@pytest.mark.parametrize(
    "page",
    [
        b"<!DOCTYPE html><html><body><nav>Home</nav></body></html>",
        b"<html><body>" + b"<div>" * 5000 + b"x" + b"</div>" * 5000 + b"</body></html>",
        b"<html><body><p>truncated in the mid",
    ],
)
def test_broken_pages_give_a_clear_error_or_a_safe_result(page):
    try:
        doc = extract_bytes(page, "page.html")
    except ImportFailed as exc:
        assert "web page" in str(exc)
    else:
        assert "<" not in doc.text


STRUCTURED = f"""<html><head><title>Notes on bridges</title></head><body>
<nav><ul><li><a href="/a">Home</a></li><li><a href="/b">World</a></li></ul></nav>
<article><h1>Notes on bridges</h1>
<p>{PARAGRAPH} It is <b>strong</b>, <i>elegant</i> and <a href="https://example.org/b">linked</a>;
a <a href="javascript:steal()">bad link</a> stays text.</p>
<h2>How it was built</h2>
<p>{PARAGRAPH}</p>
<img src="page_files/bridge.png" alt="The bridge">
<img src="https://cdn.example/remote.png">
<img src="../../secret.png">
<ul><li>Steel from the north</li><li>Stone from the quarry</li></ul>
<ol><li>Plan</li><li>Build</li></ol>
<blockquote><p>A bridge is a promise kept in stone and steel.</p></blockquote>
<pre>span = 420
load = 9000</pre>
<table><tr><th>Year</th><th>Event</th></tr><tr><td>1990</td><td>Planned</td></tr></table>
<p>{PARAGRAPH}</p>
</article></body></html>"""
# A real 1x1 RGBA image (one blue pixel), decodable by any viewer.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\xdac\xd0\xca\xdf\xf0\x1f\x00\x04Y\x02I7\xbf"
    b"=\xc1\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _kinds(doc):
    return [(block.kind, text) for text, block in zip(doc.paragraphs, doc.layout(), strict=True)]


def test_a_page_keeps_its_structure_and_marks():
    doc = extract_bytes(STRUCTURED.encode(), "bridges.html")
    kinds = _kinds(doc)
    assert ("h2", "How it was built") in kinds
    assert ("li", "Steel from the north") in kinds
    assert ("quote", "A bridge is a promise kept in stone and steel.") in kinds
    assert ("code", "span = 420") in kinds and ("code", "load = 9000") in kinds
    assert ("row", "Year\tEvent") in kinds and ("row", "1990\tPlanned") in kinds
    numbered = [
        b.ordinal
        for t, b in zip(doc.paragraphs, doc.layout(), strict=True)
        if t in ("Plan", "Build")
    ]
    assert numbered == [1, 2]
    assert [b.src for b in doc.blocks if b.kind == "image"] == [
        "page_files/bridge.png",
        "https://cdn.example/remote.png",
        "../../secret.png",
    ]
    assert "Home" not in doc.text and "Notes on bridges" not in doc.paragraphs
    first = doc.paragraphs[0]
    marks = {(first[m.start : m.end], m.kind, m.href) for m in doc.blocks[0].marks}
    assert ("strong", "strong", None) in marks and ("elegant", "em", None) in marks
    assert ("linked", "link", "https://example.org/b") in marks
    assert all(m.href is None or not m.href.startswith("javascript") for m in doc.blocks[0].marks)
    assert "bad link" in first


def test_a_page_saved_complete_brings_its_images_and_nothing_else(tmp_path):
    from reader.core.library import Library

    folder = tmp_path / "saved"
    (folder / "page_files").mkdir(parents=True)
    (folder / "page_files" / "bridge.png").write_bytes(PNG)
    (tmp_path / "secret.png").write_bytes(PNG + b"secret")
    page = folder / "bridges.html"
    page.write_text(STRUCTURED, encoding="utf-8")
    with Library.open(tmp_path / "data", seed=False) as library:
        report = library.import_paths([page])
        doc = library.document(report.imported[0])
        assert list(doc.images) == ["page_files/bridge.png"]
        assert library.image(doc.images["page_files/bridge.png"]) == PNG
        # The remote image and the one outside the page's folder are not in the article.
        assert [b.src for b in doc.blocks if b.kind == "image"] == ["page_files/bridge.png"]
        (folder / "page_files" / "bridge.png").unlink()
        library.reextract(doc.id)  # the kept copy serves, the page's folder is not needed
        assert list(library.document(doc.id).images) == ["page_files/bridge.png"]


def test_an_image_no_page_shows_any_more_is_not_kept(tmp_path):
    from reader.core.blobs import sha256
    from reader.core.library import Library

    red = PNG[:33] + (
        b"\x00\x00\x00\rIDATx\xdac\xb8\xe0`\xf0\x1f\x00\x05d\x02@\x00U\x1cq"
        b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    pages = []
    for name in ("one", "two"):  # two saved pages showing the same picture
        (tmp_path / name / "page_files").mkdir(parents=True)
        (tmp_path / name / "page_files" / "bridge.png").write_bytes(PNG)
        pages.append(tmp_path / name / "bridges.html")
        pages[-1].write_text(STRUCTURED.replace("Notes on", f"Notes {name} on"), "utf-8")
    with Library.open(tmp_path / "data", seed=False) as library:
        first, second = library.import_paths(pages).imported
        originals = {library.document(i).original_sha256 for i in (first, second)}

        def saved_again(page):  # a new version of the page, with another picture
            (page.parent / "page_files" / "bridge.png").write_bytes(red)
            update = "<p>This page was updated when the bridge opened to traffic.</p></article>"
            page.write_text(page.read_text("utf-8").replace("</article>", update), "utf-8")
            imported = library.import_paths([page]).imported  # the same document, new text
            assert imported in ([first], [second])

        saved_again(pages[0])
        assert library.document(first).images == {"page_files/bridge.png": sha256(red)}
        assert library.store.blob(sha256(PNG)) == PNG  # the other page still shows it
        saved_again(pages[1])
        assert library.store.blob(sha256(PNG)) is None  # no page shows it any more
        assert library.image(sha256(red)) == red
        for digest in originals:  # the earlier versions of the pages are kept
            assert library.store.blob(digest) is not None


def _mhtml(html: str, image: bytes) -> bytes:
    return (
        "From: <Saved by Blink>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; type="text/html"; boundary="----B"\r\n\r\n'
        "------B\r\nContent-Type: text/html\r\nContent-ID: <frame-1@mhtml.blink>\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "Content-Location: https://news.example/2023/bridge.html\r\n\r\n"
        + html.replace("=", "=3D")
        + "\r\n------B\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        "Content-Location: https://news.example/2023/page_files/bridge.png\r\n\r\n"
        + __import__("base64").b64encode(image).decode()
        + "\r\n------B--\r\n"
    ).encode()


def test_a_web_archive_imports_with_its_images():
    doc = extract_bytes(_mhtml(STRUCTURED, PNG), "bridges.mhtml")
    assert doc.format == "mhtml"
    assert doc.title == "Notes on bridges"
    assert ("h2", "How it was built") in _kinds(doc)
    assert doc.images == {"page_files/bridge.png": PNG}  # found by its absolute location


@pytest.mark.parametrize(
    "data",
    [
        b"MIME-Version: 1.0\r\n\r\n<html></html>",
        b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n\r\n--x\r\n"
        b"Content-Type: image/png\r\n\r\nxx\r\n--x--",
        _mhtml(STRUCTURED, PNG)[:300],
    ],
)
def test_broken_web_archives_are_refused_clearly(data):
    with pytest.raises(ImportFailed, match=r"web archive|web page"):
        extract_bytes(data, "page.mhtml")
