"""EPUB import: books as one document, calibre news issues as one document per article, and
hostile or broken files refused with a clear message (the EPUBs are built here, in memory)."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile

import pytest

from reader.core.errors import ImportFailed
from reader.core.importers import epub, extract_all, read_file, sniff, supported_suffixes

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" '
    'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
    '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
    "</rootfiles></container>"
)
LOREM = (
    "The committee met on Tuesday to discuss the harbour, the budget and the new ferry line, "
    "and agreed to publish its report before the end of the month."
)


def xhtml(body: str, head: str = "", doctype: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{doctype}'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        f"<head><title>t</title>{head}</head><body>{body}</body></html>"
    )


def build_epub(
    chapters: dict[str, str | bytes],
    *,
    metadata: str = "<dc:title>A Book</dc:title>",
    spine: list[str] | None = None,
    manifest_extra: str = "",
    files: dict[str, str | bytes] | None = None,
    ncx: str | None = None,
    container: str | None = CONTAINER,
    opf: str | None = None,
    mimetype: bool = True,
) -> bytes:
    """An EPUB (a ZIP made in memory) whose chapters live under OEBPS/ next to the package."""
    items = [
        f'<item id="c{i}" href="{name}" media-type="application/xhtml+xml"/>'
        for i, name in enumerate(chapters)
    ]
    if ncx is not None:
        items.append('<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>')
    order = spine if spine is not None else [f"c{i}" for i in range(len(chapters))]
    toc = ' toc="ncx"' if ncx is not None else ""
    package = opf or (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:opf="http://www.idpf.org/2007/opf">{metadata}</metadata>'
        f"<manifest>{''.join(items)}{manifest_extra}</manifest>"
        f"<spine{toc}>"
        + "".join(f'<itemref idref="{ref}"/>' for ref in order)
        + "</spine></package>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype:
            archive.writestr(
                zipfile.ZipInfo("mimetype"), "application/epub+zip", zipfile.ZIP_STORED
            )
        if container is not None:
            archive.writestr("META-INF/container.xml", container)
        archive.writestr("OEBPS/content.opf", package)
        if ncx is not None:
            archive.writestr("OEBPS/toc.ncx", ncx)
        for name, content in chapters.items():
            archive.writestr(f"OEBPS/{name}", content)
        for name, content in (files or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def ncx_of(points: str) -> str:
    return (
        '<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" '
        'xmlns:calibre="http://calibre.kovidgoyal.net/2009/metadata" version="2005-1">'
        f"<navMap>{points}</navMap></ncx>"
    )


def point(label: str, src: str, inner: str = "") -> str:
    label_xml = f"<navLabel><text>{label}</text></navLabel>"
    return f'<navPoint>{label_xml}<content src="{src}"/>{inner}</navPoint>'


def only(data: bytes, name: str = "book.epub"):
    (document,) = extract_all(data, name)
    return document


def refused(data: bytes, name: str = "book.epub") -> str:
    started = time.perf_counter()
    with pytest.raises(ImportFailed) as failure:
        extract_all(data, name)
    assert time.perf_counter() - started < 5
    message = str(failure.value)
    assert "\n" not in message
    return message


# --- books ---------------------------------------------------------------------------------


BOOK_METADATA = (
    "<dc:title>The Harbour Book</dc:title>"
    '<dc:creator opf:role="aut">Ann Writer &lt;ann@example.org&gt;</dc:creator>'
    '<dc:creator opf:role="aut">Bo Second&lt;bo@example.org&gt;</dc:creator>'
    '<dc:creator opf:role="bkp">calibre (6.13.0)</dc:creator>'
    '<dc:date opf:event="modification">2020-02-02</dc:date>'
    "<dc:date>2015-04-26T22:00:00+00:00</dc:date>"
    "<dc:language>en-GB</dc:language>"
    "<dc:publisher>Harbour Press</dc:publisher>"
)


def test_a_book_is_one_document_with_its_chapters_in_spine_order_and_the_package_metadata():
    data = build_epub(
        {
            "two.xhtml": xhtml(f"<h1>Chapter Two</h1><p>{LOREM} Second.</p>"),
            "one.xhtml": xhtml(f"<h1>Chapter One</h1><p>{LOREM} First.</p>"),
        },
        metadata=BOOK_METADATA,
        spine=["c1", "c0"],
    )
    doc = only(data)
    assert doc.title == "The Harbour Book"
    assert doc.byline == "Ann Writer, Bo Second"
    assert doc.date == dt.date(2015, 4, 26)
    assert doc.language == "en"
    assert doc.source == "Harbour Press"
    assert doc.format == "epub"
    assert doc.part == ""
    assert doc.paragraphs == (
        "Chapter One",
        f"{LOREM} First.",
        "Chapter Two",
        f"{LOREM} Second.",
    )
    assert [b.kind for b in doc.blocks] == ["h1", "p", "h1", "p"]


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ("<dc:date>0101-01-01T00:00:00+00:00</dc:date>", None),  # calibre's "no date"
        ("<dc:date>22.09.2015</dc:date>", dt.date(2015, 9, 22)),
        ('<dc:date opf:event="published">2015-09-22</dc:date>', dt.date(2015, 9, 22)),
        ("<dc:date>not a date</dc:date><dc:date>2001-05-06</dc:date>", dt.date(2001, 5, 6)),
        ('<dc:date opf:event="modification">2019-01-02</dc:date>', dt.date(2019, 1, 2)),
        ("", None),
    ],
)
def test_the_date_is_the_first_usable_one_in_the_package(dates, expected):
    data = build_epub(
        {"a.xhtml": xhtml(f"<p>{LOREM}</p>")}, metadata=f"<dc:title>T</dc:title>{dates}"
    )
    assert only(data).date == expected


def test_chapters_without_a_heading_get_their_table_of_contents_title():
    data = build_epub(
        {
            "a.xhtml": xhtml(f"<p>{LOREM}</p>"),
            "b.xhtml": xhtml(f"<p class='chapter'>The Second Part</p><p>{LOREM}</p>"),
            "c.xhtml": xhtml(f"<h2>Own heading</h2><p>{LOREM}</p>"),
        },
        ncx=ncx_of(
            point("The First Part", "a.xhtml")
            + point("The Second Part", "b.xhtml")
            + point("Ignored label", "c.xhtml")
        ),
    )
    doc = only(data)
    headings = [
        (b.kind, p) for p, b in zip(doc.paragraphs, doc.blocks, strict=True) if b.kind != "p"
    ]
    assert headings == [("h1", "The First Part"), ("h1", "The Second Part"), ("h2", "Own heading")]
    assert doc.paragraphs.count("The Second Part") == 1


def test_navigation_pages_are_left_out_of_the_body():
    toc_page = xhtml(
        "<h1>Contents</h1><ul>"
        + "".join(f'<li><a href="ch{i}.xhtml">Chapter number {i}</a></li>' for i in range(12))
        + "</ul>"
    )
    nav = xhtml('<nav epub:type="toc"><ol><li><a href="body.xhtml">Body</a></li></ol></nav>')
    data = build_epub(
        {"toc.xhtml": toc_page, "body.xhtml": xhtml(f"<p>{LOREM}</p>")},
        files={"OEBPS/nav.xhtml": nav},
        manifest_extra=(
            '<item id="nav" properties="nav" href="nav.xhtml" media-type="application/xhtml+xml"/>'
        ),
        spine=["nav", "c0", "c1"],
    )
    doc = only(data)
    assert doc.paragraphs == ("Body", LOREM)  # the nav's label heads the chapter
    assert "Contents" not in doc.text and "Chapter number" not in doc.text


def test_a_chapter_that_introduces_a_few_sections_by_link_is_kept():
    intro = xhtml(
        "<h1>Common Tasks</h1><p>A look at a few tasks:</p><ol>"
        '<li><a href="t1.xhtml">Organising the library</a></li>'
        '<li><a href="t2.xhtml">Converting books</a></li>'
        '<li><a href="t3.xhtml">Editing books</a></li></ol>'
    )
    doc = only(build_epub({"intro.xhtml": intro, "t1.xhtml": xhtml(f"<p>{LOREM}</p>")}))
    assert doc.paragraphs[:3] == (
        "Common Tasks",
        "A look at a few tasks:",
        "Organising the library",
    )
    assert doc.blocks[2].kind == "li" and doc.blocks[2].ordinal == 1


def test_structure_and_inline_formatting_are_kept():
    body = (
        "<h2>Section</h2>"
        "<p>Plain <em>emphasis</em>, <b>bold</b>, <code>code()</code>, "
        '<a href="https://example.org/x">a link</a>, <a href="other.xhtml#n1">inner link</a>, '
        "<del>gone</del>, x<sup>2</sup> and H<sub>2</sub>O.</p>"
        "<ul><li>first</li><li>second<ol start='3'><li>three</li><li>four</li></ol></li></ul>"
        "<blockquote><p>Quoted words.</p></blockquote>"
        "<pre>line one\n    indented line\n</pre>"
        "<table><tr><th>Name</th><th>Age</th></tr><tr><td>Ann</td><td>41</td></tr></table>"
        "<p>Line<br/>break</p>"
    )
    doc = only(build_epub({"a.xhtml": xhtml(body)}))
    rows = list(zip(doc.paragraphs, doc.blocks, strict=True))
    kinds = [(text, block.kind, block.level, block.ordinal) for text, block in rows]
    assert kinds == [
        ("Section", "h2", 0, None),
        (
            "Plain emphasis, bold, code(), a link, inner link, gone, x2 and H2O.",
            "p",
            0,
            None,
        ),
        ("first", "li", 0, None),
        ("second", "li", 0, None),
        ("three", "li", 1, 3),
        ("four", "li", 1, 4),
        ("Quoted words.", "quote", 0, None),
        ("line one", "code", 0, None),
        ("    indented line", "code", 0, None),
        ("Name\tAge", "row", 0, None),
        ("Ann\t41", "row", 0, None),
        ("Line", "p", 0, None),
        ("break", "p", 0, None),
    ]
    text = doc.paragraphs[1]
    marks = {(text[m.start : m.end], m.kind, m.href) for m in doc.blocks[1].marks}
    assert marks == {
        ("emphasis", "em", None),
        ("bold", "strong", None),
        ("code()", "code", None),
        ("a link", "link", "https://example.org/x"),
        ("gone", "del", None),
        ("2", "sup", None),
        ("2", "sub", None),
    }


def test_scripts_styles_forms_and_hidden_parts_never_reach_the_text():
    body = (
        "<script>alert('script text')</script><style>p { color: red }</style>"
        "<form><label>Form label</label><input value='form value'/><button>Press</button>"
        "<textarea>typed text</textarea></form>"
        "<iframe src='https://example.org'>frame text</iframe>"
        "<p hidden=''>hidden text</p><div style='display: none'>invisible text</div>"
        f"<p onclick=\"alert('handler')\">{LOREM}</p>"
        "<p>漢字<ruby>漢<rt>かん</rt></ruby>です</p>"
    )
    doc = only(build_epub({"a.xhtml": xhtml(body, head="<script>head script</script>")}))
    assert doc.paragraphs == (LOREM, "漢字漢です")


def test_images_come_from_inside_the_book_only():
    body = (
        '<p><img src="../images/a%20b.png" alt="x"/></p>'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<image xlink:href="img/cover.jpg"/></svg>'
        '<img src="../../../../etc/passwd"/><img src="/etc/passwd"/>'
        '<img src="https://example.org/tracker.png"/><img src="img/missing.png"/>'
        f'<img src="img/not-an-image.png"/><p>{LOREM}</p>'
    )
    data = build_epub(
        {"a.xhtml": xhtml(body)},
        files={
            "images/a b.png": PNG,
            "OEBPS/img/cover.jpg": JPEG,
            "OEBPS/img/not-an-image.png": b"<html>nope</html>",
            "../../etc/passwd": b"root:x:0:0",
        },
    )
    doc = only(data)
    sources = [b.src for b in doc.blocks if b.kind == "image"]
    assert sources == ["images/a b.png", "OEBPS/img/cover.jpg"]
    assert dict(doc.images) == {"images/a b.png": PNG, "OEBPS/img/cover.jpg": JPEG}
    assert doc.paragraphs == ("", "", LOREM)


def test_the_language_is_detected_when_the_package_gives_none():
    data = build_epub({"a.xhtml": xhtml(f"<p>{LOREM}</p>")}, metadata="<dc:title>T</dc:title>")
    assert only(data).language == "en"


def test_each_part_is_read_in_its_own_encoding_whatever_is_said_for_the_file():
    undeclared = f"<html><body><p>Un café au lait. {LOREM}</p></body></html>".encode("cp1252")
    declared = xhtml("<p>Ein Straßencafé.</p>").encode("utf-8")
    data = build_epub({"a.xhtml": undeclared, "b.xhtml": declared})
    # A web server's charset for the download is about the ZIP, not the text inside it.
    (doc,) = extract_all(data, "book.epub", "iso-8859-1")
    assert doc.paragraphs == (f"Un café au lait. {LOREM}", "Ein Straßencafé.")


def test_broken_xhtml_is_read_with_a_forgiving_parser():
    broken = (
        f"<?xml version='1.0'?><html><body><p>First&nbsp;part <b>bold<p>{LOREM}<div>unclosed</body>"
    ).encode()
    doc = only(build_epub({"a.xhtml": broken}))
    assert doc.paragraphs[0] == "First part bold"
    assert LOREM in doc.paragraphs
    assert "unclosed" in doc.paragraphs


# --- news issues ---------------------------------------------------------------------------

NAVBAR = (
    '<div class="calibre_navbar calibre_rescale_70">| <a href="../article_1/index.html">Next</a>'
    ' | <a href="../index.html#article_0">Section Menu</a> |</div>'
)


def calibre_issue() -> bytes:
    """A news issue laid out the way calibre's news download writes one (two feeds)."""
    article = (
        "<h2>{title}</h2>" + NAVBAR + "<p>{body}</p><p><img src='img1.png'/></p>"
        '<div class="calibre_navbar"><p>This article was downloaded by calibre from '
        "https://news.example/{name}</p></div>"
    )
    chapters = {
        "index.html": xhtml("<ul><li><a href='feed_0/index.html'>World</a></li></ul>"),
        "feed_0/index.html": xhtml(
            "<h2>World</h2><ul><li><a href='article_0/index.html'>x</a></li></ul>"
        ),
        "feed_0/article_0/index.html": xhtml(
            article.format(title="Ferry line opens", body=LOREM, name="a")
        ),
        "feed_0/article_0/index_2.html": xhtml("<p>Page two of the ferry story.</p>"),
        "feed_0/article_1/index.html": xhtml(
            article.format(
                title="Harbour budget", body="The budget grew again this year.", name="b"
            ),
            head='<meta name="article:published_time" content="2024-03-01T08:00:00Z"/>',
        ),
        "feed_1/index.html": xhtml("<h2>Sport</h2><ul><li>x</li></ul>"),
        "feed_1/article_0/index.html": xhtml(
            article.format(title="Rowing club wins", body="The club won the regatta.", name="c")
        ),
    }
    ncx = ncx_of(
        point(
            "World",
            "feed_0/index.html",
            point(
                "Ferry line opens",
                "feed_0/article_0/index.html",
                '<calibre:meta name="author">Ann Reporter</calibre:meta>'
                '<calibre:meta name="description">A new line.</calibre:meta>',
            )
            + point("Harbour budget", "feed_0/article_1/index.html"),
        )
        + point(
            "Sport", "feed_1/index.html", point("Rowing club wins", "feed_1/article_0/index.html")
        )
    )
    metadata = (
        "<dc:title>The Daily Harbour [Fri, 08 Mar 2024]</dc:title>"
        "<dc:creator>calibre</dc:creator><dc:publisher>calibre</dc:publisher>"
        "<dc:date>2024-03-08T06:00:00+00:00</dc:date><dc:language>en</dc:language>"
        '<meta name="calibre:publication_type" content="periodical:newspaper:The Daily Harbour"/>'
    )
    files = {f"OEBPS/feed_{f}/article_{a}/img1.png": PNG for f, a in ((0, 0), (0, 1), (1, 0))}
    return build_epub(chapters, metadata=metadata, ncx=ncx, files=files)


def test_a_calibre_news_issue_becomes_one_document_per_article():
    docs = extract_all(calibre_issue(), "The Daily Harbour.epub")
    assert [d.title for d in docs] == ["Ferry line opens", "Harbour budget", "Rowing club wins"]
    assert [d.part for d in docs] == [
        "OEBPS/feed_0/article_0/index.html",
        "OEBPS/feed_0/article_1/index.html",
        "OEBPS/feed_1/article_0/index.html",
    ]
    first = docs[0]
    assert first.paragraphs == (LOREM, "", "Page two of the ferry story.")
    assert first.byline == "Ann Reporter"
    assert first.source == "The Daily Harbour"
    assert first.date == dt.date(2024, 3, 8)  # the issue's
    assert docs[1].date == dt.date(2024, 3, 1)  # the article's own
    assert docs[1].byline is None  # "calibre" made the issue; it wrote no article
    assert dict(first.images) == {"OEBPS/feed_0/article_0/img1.png": PNG}
    assert all("calibre" not in d.text and "Next" not in d.text for d in docs)
    assert all(d.format == "epub" and d.language == "en" for d in docs)


def test_a_news_issue_imports_into_the_library_as_separate_documents(empty_library, tmp_path):
    path = tmp_path / "issue.epub"
    path.write_bytes(calibre_issue())
    results = empty_library.import_file(path)
    assert len(results) == 3 and not any(duplicate for _, duplicate in results)
    documents = [empty_library.document(doc_id) for doc_id, _ in results]
    assert [d.title for d in documents] == [
        "Ferry line opens",
        "Harbour budget",
        "Rowing club wins",
    ]
    assert documents[0].part == "OEBPS/feed_0/article_0/index.html"
    (sha,) = documents[0].images.values()
    assert empty_library.image(sha) == PNG
    assert all(duplicate for _, duplicate in empty_library.import_file(path))


def test_a_folder_import_picks_up_epubs(empty_library, tmp_path):
    assert ".epub" in supported_suffixes()
    folder = tmp_path / "books"
    folder.mkdir()
    (folder / "book.epub").write_bytes(
        build_epub({"a.xhtml": xhtml(f"<h1>One</h1><p>{LOREM}</p>")}, metadata=BOOK_METADATA)
    )
    report = empty_library.import_paths([folder])
    assert report.ok and len(report.imported) == 1
    assert empty_library.document(report.imported[0]).title == "The Harbour Book"


# --- recognising EPUBs ---------------------------------------------------------------------


def test_epubs_are_recognised_by_name_or_by_their_mimetype_member():
    data = build_epub({"a.xhtml": xhtml(f"<p>{LOREM}</p>")})
    assert sniff(data, "book.epub").name == "epub"
    assert sniff(data, "download").name == "epub"
    assert only(data, "download").paragraphs == (LOREM,)


def test_a_plain_zip_is_still_refused_as_a_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", JPEG)
    assert "ZIP archive" in refused(buffer.getvalue(), "photos.zip")


def test_a_zip_named_epub_that_is_no_epub_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", JPEG)
    assert refused(buffer.getvalue()) == (
        "it is a ZIP archive but not an EPUB (it has no META-INF/container.xml)"
    )


def test_a_text_file_named_epub_is_refused():
    assert "not an EPUB" in refused(b"just some text, not a zip")


def test_read_file_allows_larger_epubs_than_articles(tmp_path):
    big = b"x" * (11 * 1024 * 1024)
    (tmp_path / "big.epub").write_bytes(big)
    (tmp_path / "big.txt").write_bytes(big)
    assert len(read_file(tmp_path / "big.epub")) == len(big)
    with pytest.raises(ImportFailed, match="too large"):
        read_file(tmp_path / "big.txt")


# --- broken and hostile files --------------------------------------------------------------


def test_a_truncated_epub_is_refused():
    data = build_epub({"a.xhtml": xhtml(f"<p>{LOREM}</p>" * 50)})
    assert refused(data[: len(data) // 2]) == (
        "the EPUB file is damaged or incomplete (it is not a readable ZIP archive)"
    )


def test_a_missing_package_document_is_refused():
    data = build_epub({"a.xhtml": xhtml("<p>x</p>")}, opf="x").replace(
        b"OEBPS/content.opf", b"OEBPS/content.opx"
    )
    assert refused(data) == "its package document (OPF) is missing"


def test_a_package_found_without_container_xml_is_still_read():
    data = build_epub({"a.xhtml": xhtml(f"<p>{LOREM}</p>")}, container=None)
    assert only(data).paragraphs == (LOREM,)


def test_an_empty_spine_is_refused():
    data = build_epub({"a.xhtml": xhtml(f"<p>{LOREM}</p>")}, spine=[])
    assert refused(data) == "it has no content to read (the EPUB's spine is empty)"


def test_a_book_without_text_is_refused():
    data = build_epub({"a.xhtml": xhtml("<div></div>")})
    assert refused(data) == "no text was found in this EPUB"


def encryption_xml(uri: str, algorithm: str) -> str:
    return (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
        'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
        f'<enc:EncryptionMethod Algorithm="{algorithm}"/>'
        f'<enc:CipherData><enc:CipherReference URI="{uri}"/></enc:CipherData>'
        "</enc:EncryptedData></encryption>"
    )


def test_drm_protected_text_is_refused():
    data = build_epub(
        {"a.xhtml": b"\x8f\x02 encrypted bytes \x99"},
        files={
            "META-INF/encryption.xml": encryption_xml(
                "OEBPS/a.xhtml", "http://www.w3.org/2001/04/xmlenc#aes128-cbc"
            ),
            "META-INF/rights.xml": "<rights/>",
        },
    )
    assert refused(data) == (
        "it is protected by DRM (its text is encrypted), which Reader cannot read"
    )


def test_obfuscated_fonts_are_not_drm():
    data = build_epub(
        {"a.xhtml": xhtml(f"<p>{LOREM}</p>")},
        files={
            "META-INF/encryption.xml": encryption_xml(
                "OEBPS/font.otf", "http://www.idpf.org/2008/embedding"
            ),
            "OEBPS/font.otf": b"\x00\x01",
        },
    )
    assert only(data).paragraphs == (LOREM,)


def test_a_zip_bomb_member_is_refused_by_its_size():
    bomb = b"<p>" + b" " * (epub.MAX_MEMBER_BYTES + 1024) + b"</p>"
    data = build_epub({"a.xhtml": bomb})
    assert len(data) < 1_000_000
    assert refused(data).startswith("a part of it is too large (OEBPS/a.xhtml")


def central_entry(data: bytearray, name: bytes) -> int:
    """Where the ZIP's central directory describes the member called ``name``."""
    at = -1
    while (at := data.find(b"PK\x01\x02", at + 1)) >= 0:
        name_length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + name_length] == name:
            return at
    raise AssertionError(name)


def test_a_member_that_lies_about_its_size_is_read_no_further():
    big = xhtml("<p>" + "all work and no play " * 20_000 + "</p>").encode()
    data = bytearray(build_epub({"a.xhtml": big}))
    # The central directory says the chapter is 100 bytes long once unpacked.
    at = central_entry(data, b"OEBPS/a.xhtml")
    data[at + 24 : at + 28] = (100).to_bytes(4, "little")
    assert refused(bytes(data)) == "the EPUB file is damaged (OEBPS/a.xhtml cannot be unpacked)"


def test_the_unpacked_total_is_capped(monkeypatch):
    monkeypatch.setattr(epub, "MAX_UNPACKED_BYTES", 200_000)
    chapters = {f"c{i}.xhtml": xhtml(f"<p>{LOREM * 200}</p>") for i in range(20)}
    assert refused(build_epub(chapters)).startswith("a part of it is too large")


def test_too_many_members_are_refused_before_they_are_listed(monkeypatch):
    monkeypatch.setattr(epub, "MAX_MEMBERS", 50)
    files = {f"OEBPS/f{i}.css": "" for i in range(60)}
    data = build_epub({"a.xhtml": xhtml(f"<p>{LOREM}</p>")}, files=files)
    assert refused(data) == "it holds too many files (64) to be an EPUB"


def test_a_book_with_too_many_elements_is_refused_before_it_is_parsed(monkeypatch):
    monkeypatch.setattr(epub, "MAX_ELEMENTS", 1000)
    data = build_epub({"a.xhtml": xhtml("<span></span>" * 5000)})
    assert refused(data) == "it is too complex for Reader (over 1,000 elements)"


def test_a_book_with_too_many_paragraphs_is_refused(monkeypatch):
    monkeypatch.setattr(epub, "MAX_PARAGRAPHS", 100)
    chapter = xhtml("<p>a</p>" * 60)
    data = build_epub({"a.xhtml": chapter, "b.xhtml": chapter})
    assert refused(data) == "it is too long for Reader (over 100 paragraphs)"


def test_paths_that_climb_out_of_the_book_are_not_followed(tmp_path, monkeypatch):
    secret = tmp_path / "secret.xhtml"
    secret.write_text(xhtml("<p>SECRET CONTENT</p>"))
    monkeypatch.chdir(tmp_path)
    chapters = {
        "a.xhtml": xhtml(f"<p>{LOREM}</p><img src='../../secret.png'/>"),
        "../../secret.xhtml": xhtml("<p>ZIP SLIP CONTENT</p>"),
        f"{secret}": xhtml("<p>ABSOLUTE CONTENT</p>"),
    }
    opf_items = (
        '<item id="up" href="../../secret.xhtml" media-type="application/xhtml+xml"/>'
        f'<item id="abs" href="{secret}" media-type="application/xhtml+xml"/>'
        f'<item id="url" href="file://{secret}" media-type="application/xhtml+xml"/>'
    )
    data = build_epub(chapters, manifest_extra=opf_items, spine=["c0", "up", "abs", "url"])
    before = sorted(tmp_path.rglob("*"))
    doc = only(data)
    assert doc.paragraphs == (LOREM,)
    assert sorted(tmp_path.rglob("*")) == before  # nothing was unpacked or written


LAUGHS = (
    '<!DOCTYPE html [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


@pytest.mark.parametrize("broken", [False, True], ids=["xhtml", "forgiving-parser"])
def test_entity_expansion_is_not_performed(broken):
    body = "<p>&lol9;</p>" + (f"<p>{LOREM}<b></p>" if broken else f"<p>{LOREM}</p>")
    data = build_epub({"a.xhtml": xhtml(body, doctype=LAUGHS)})
    doc = only(data)
    assert "lollol" not in doc.text
    assert LOREM in doc.paragraphs


@pytest.mark.parametrize("broken", [False, True], ids=["xhtml", "forgiving-parser"])
def test_external_entities_are_not_loaded(tmp_path, broken):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:SECRET")
    doctype = f'<!DOCTYPE html [<!ENTITY x SYSTEM "file://{secret}">]>'
    body = f"<p>before &x; after</p><p>{LOREM}</p>" + ("<b></p>" if broken else "")
    doc = only(build_epub({"a.xhtml": xhtml(body, doctype=doctype)}))
    assert "SECRET" not in doc.text
    assert LOREM in doc.paragraphs


def test_entities_in_the_package_document_are_not_expanded(tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text("SECRET")
    opf = (
        '<?xml version="1.0"?>'
        + LAUGHS.replace("]>", f'<!ENTITY x SYSTEM "file://{secret}">]>').replace("html", "package")
        + '<package xmlns="http://www.idpf.org/2007/opf" version="2.0">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>T &x; &lol9;</dc:title>'
        '</metadata><manifest><item id="c0" href="a.xhtml" media-type="application/xhtml+xml"/>'
        '</manifest><spine><itemref idref="c0"/></spine></package>'
    )
    data = build_epub({"a.xhtml": xhtml(f"<p>{LOREM}</p>")}, opf=opf)
    started = time.perf_counter()
    try:
        doc = only(data)
    except ImportFailed as failure:
        assert "package document" in str(failure)
    else:
        assert "SECRET" not in doc.title and "lollol" not in doc.title
    assert time.perf_counter() - started < 5


def test_a_password_protected_member_is_refused():
    data = bytearray(build_epub({"a.xhtml": xhtml(f"<p>{LOREM}</p>")}))
    data[central_entry(data, b"OEBPS/a.xhtml") + 8] |= 1  # the "encrypted" flag
    assert refused(bytes(data)) == "it is password-protected"
