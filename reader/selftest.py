"""``reader --self-test``: check that this copy of Reader works, in a temporary library.

Meant for installers and frozen builds as much as for a checkout: it imports the bundled seeds,
builds the search index in its child process, searches in English and Chinese, imports a web
page, a Markdown file and an EPUB it writes itself, opens the library again, and shows the
window offscreen. Nothing touches the network, a display or the user's own library.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from reader.core.jobs import run_index_job
from reader.core.library import Library
from reader.paths import seeds_dir

SEED_COUNT = 5
CJK_LINE = "中文：卢拉。日本語：ひらがな、カタカナ。한국어：한글."

Check = tuple[str, Callable[[], str]]  # name, the check (returns a detail to show; raises)

# A 2x2 PNG (red, green, blue, white), small enough to keep in the source.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00"
    b"\xfd\xd4\x9as\x00\x00\x00\x13IDATx\xdac\xf8\xcf\xc0\xc0\xd0\x00\xc4\x0c\xff\x81\x00\x00"
    b"\x1bw\x05|=\xb2x\xc7\x00\x00\x00\x00IEND\xaeB`\x82"
)
_PROSE = (
    "The harbour committee met on Tuesday to discuss the new ferry line, the budget for the "
    "bridge and the timetable for the winter months, and agreed to publish its report before "
    "the end of the month so that everyone in the town can read it."
)
HTML_PAGE = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Bridges of the harbour</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Bridges of the harbour</h1>
<p>{_PROSE} The old bridge is <b>strong</b> and <i>elegant</i>.</p>
<h2>How the bridge was built</h2>
<p>{_PROSE}</p>
<img src="bridges_files/bridge.png" alt="The bridge">
<ul><li>Steel from the north</li><li>Stone from the quarry</li></ul>
<p>{_PROSE}</p>
</article></body></html>
"""
MARKDOWN = f"""---
title: Notes on ferries
date: 2023-04-02
author: Ann Lee
---

## Routes

{_PROSE}

- Morning ferry
- Evening ferry

{CJK_LINE}
"""


def _xhtml(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head>'
        f"<body>{body}</body></html>"
    )


def epub_bytes() -> bytes:
    """A small EPUB 2 book of two chapters, made in memory."""
    package = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:title>The Lighthouse Book</dc:title><dc:creator>Bo Keeper</dc:creator>"
        '<dc:identifier id="id">reader-self-test</dc:identifier><dc:language>en</dc:language>'
        "</metadata><manifest>"
        '<item id="c1" href="one.xhtml" media-type="application/xhtml+xml"/>'
        '<item id="c2" href="two.xhtml" media-type="application/xhtml+xml"/>'
        '</manifest><spine><itemref idref="c1"/><itemref idref="c2"/></spine></package>'
    )
    container = (
        '<?xml version="1.0"?><container version="1.0" '
        'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
        '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
        "</rootfiles></container>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", container)
        archive.writestr("OEBPS/content.opf", package)
        archive.writestr("OEBPS/one.xhtml", _xhtml(f"<h1>The Keeper</h1><p>{_PROSE}</p>"))
        archive.writestr("OEBPS/two.xhtml", _xhtml(f"<h1>The Lamp</h1><p>{_PROSE}</p>"))
    return buffer.getvalue()


class CheckFailed(Exception):
    """A check found Reader not working as it should; the message says what it saw."""


def expect(condition: object, message: str) -> None:
    """Fail the running check with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message)


class SelfTest:
    """The checks, in order, on one temporary folder (a data dir and the files to import)."""

    def __init__(self, root: Path) -> None:
        self.data_dir = root / "data"
        self.files = root / "files"
        self.library: Library | None = None
        self.imported: dict[str, int] = {}  # what the import checks imported: format -> id

    def checks(self) -> list[Check]:
        """Every check, the window's last (they need Qt)."""
        core: list[Check] = [
            ("import the sample articles", self.import_seeds),
            ("build the search index (child process)", self.build_index),
            ("search: treaty", self.search_english),
            ("search: 卢拉", self.search_chinese),
            ("import a web page with its image", self.import_web_page),
            ("import Markdown", self.import_markdown),
            ("import EPUB", self.import_epub),
            ("import many files (worker processes)", self.import_many),
            ("place a highlight in a changed text", self.reanchor),
            ("open the library again", self.reopen),
        ]
        try:
            from reader.ui.selftest import window_checks
        except ImportError as exc:  # a bundle without its Qt parts
            return [*core, ("load the window's modules", _reraise(exc))]
        return core + window_checks(self.data_dir, lambda: self.imported.get("markdown"))

    def close(self) -> None:
        """Close the library the checks opened."""
        if self.library is not None:
            self.library.close()
            self.library = None

    def _library(self) -> Library:
        expect(self.library is not None, "the library could not be opened (see above)")
        assert self.library is not None
        return self.library

    def _seed(self, library: Library, prefix: str) -> int:
        for doc in library.documents():
            if Path(doc.imported_from).name.startswith(prefix):
                return doc.id
        raise CheckFailed(f"sample article {prefix} is not in the library")

    def import_seeds(self) -> str:
        self.library = Library.open(self.data_dir, seed=True, check_index=False)
        files = sorted(seeds_dir().glob("*.txt"))
        expect(len(files) == SEED_COUNT, f"{len(files)} sample articles in {seeds_dir()}")
        docs = self.library.documents()
        expect(len(docs) == SEED_COUNT, f"{len(docs)} documents imported, not {SEED_COUNT}")
        untitled = [doc.imported_from for doc in docs if not doc.title.strip()]
        expect(not untitled, f"no title: {', '.join(untitled)}")
        return f"{len(docs)} documents"

    def build_index(self) -> str:
        library = self._library()
        run_index_job(self.data_dir, "rebuild")
        problem = library.index_problem()
        expect(problem is None, f"after the build, {problem}")
        return f"{library.index.doc_count()} documents indexed"

    def search_english(self) -> str:
        library = self._library()
        result = library.search("treaty")
        found = {hit.id for hit in result.hits}
        expect(self._seed(library, "004") in found, f"sample 004 not found ({result.total} hits)")
        return f"{result.total} found"

    def search_chinese(self) -> str:
        library = self._library()
        result = library.search("卢拉")
        found = {hit.id for hit in result.hits}
        expect(self._seed(library, "000") in found, f"sample 000 not found ({result.total} hits)")
        return f"{result.total} found"

    def reanchor(self) -> str:
        from reader.core.anchoring import anchor, make_selector

        text = self._library().document(self._seed(self._library(), "004")).text
        start = len(text) // 2
        selector = make_selector(text, start, start + 40)
        changed = text[:start] + "An inserted sentence. " + text[start : start + 20] + "x"
        changed += text[start + 21 :]  # the quote itself changed too: a fuzzy match is needed
        found = anchor(selector, changed)
        expect(found is not None, "the highlight was not found in the changed text")
        assert found is not None
        return f"found at {found.start}"

    def _import_one(self, path: Path) -> int:
        # Indexed when the library is opened again (the last check), not here: an import
        # check tells about its importer only.
        report = self._library().import_paths([path], sync_index=False)
        failures = "; ".join(f"{f.path}: {f.reason}" for f in report.failures)
        expect(not report.failures, failures)
        expect(len(report.imported) == 1, f"{len(report.imported)} documents from {path.name}")
        return report.imported[0]

    def import_web_page(self) -> str:
        folder = self.files / "page"
        (folder / "bridges_files").mkdir(parents=True)
        (folder / "bridges_files" / "bridge.png").write_bytes(PNG)
        page = folder / "bridges.html"
        page.write_text(HTML_PAGE, encoding="utf-8")
        library = self._library()
        doc = library.document(self._import_one(page))
        self.imported["html"] = doc.id
        expect(doc.title == "Bridges of the harbour", f"title {doc.title!r}")
        kinds = {block.kind for block in doc.blocks}
        expect({"h2", "li", "image"} <= kinds, f"structure lost: blocks are {sorted(kinds)}")
        expect("Home" not in doc.text, "the page's navigation was kept as text")
        image = doc.images.get("bridges_files/bridge.png")
        expect(image is not None, "the picture in bridges_files/ was not kept")
        assert image is not None
        expect(library.image(image) == PNG, "the kept picture differs from the file")
        return f"{len(doc.paragraphs)} paragraphs, 1 picture"

    def import_markdown(self) -> str:
        self.files.mkdir(parents=True, exist_ok=True)
        path = self.files / "ferries.md"
        path.write_text(MARKDOWN, encoding="utf-8")
        doc = self._library().document(self._import_one(path))
        self.imported["markdown"] = doc.id
        expect(doc.title == "Notes on ferries", f"title {doc.title!r}")
        expect(doc.date == dt.date(2023, 4, 2), f"date {doc.date}")
        kinds = [block.kind for block in doc.blocks]
        expect("h2" in kinds and kinds.count("li") == 2, f"structure lost: blocks are {kinds}")
        expect(CJK_LINE in doc.paragraphs, "the Chinese, Japanese and Korean line was lost")
        return f"{len(doc.paragraphs)} paragraphs"

    def import_epub(self) -> str:
        self.files.mkdir(parents=True, exist_ok=True)
        path = self.files / "lighthouse.epub"
        path.write_bytes(epub_bytes())
        doc = self._library().document(self._import_one(path))
        self.imported["epub"] = doc.id
        expect(doc.title == "The Lighthouse Book", f"title {doc.title!r}")
        expect(doc.byline == "Bo Keeper", f"author {doc.byline!r}")
        headings = [t for t, b in zip(doc.paragraphs, doc.blocks, strict=True) if b.kind == "h1"]
        expect(headings == ["The Keeper", "The Lamp"], f"chapters {headings}")
        return f"{len(doc.paragraphs)} paragraphs"

    def import_many(self) -> str:
        # Into a library of its own: the other checks count the documents of theirs.
        from reader.core.library import INDEX_ALONGSIDE

        folder = self.files / "many"
        folder.mkdir(parents=True, exist_ok=True)
        for number in range(INDEX_ALONGSIDE):
            (folder / f"note-{number:04d}.txt").write_text(
                f"Harbour note {number}\n\nThe harbour master logged vessel {number} at dawn. "
                "Its cargo was checked, and the crew went ashore before noon.\n",
                encoding="utf-8",
            )
        with Library.open(self.data_dir.parent / "many", seed=False) as library:
            report = library.import_paths([folder])
            failures = "; ".join(f"{f.path}: {f.reason}" for f in report.failures[:3])
            expect(not report.failures, failures)
            imported = len(report.imported)
            expect(imported == INDEX_ALONGSIDE, f"{imported} of {INDEX_ALONGSIDE} imported")
            total = library.search("harbour").total
            expect(total == INDEX_ALONGSIDE, f"'harbour' finds {total} of {INDEX_ALONGSIDE}")
        return f"{imported} files imported and indexed"

    def reopen(self) -> str:
        self.close()
        expected = SEED_COUNT + len(self.imported)
        with Library(self.data_dir) as library:
            count = library.store.count()
            expect(count == expected, f"{count} documents, not {expected}")
            problem = library.index_problem()
            expect(problem is None, f"the search index does not open: {problem}")
            library.sync_index()  # the imported documents
            for query, kind in (("lighthouse", "epub"), ("ferries", "markdown")):
                found = {hit.id for hit in library.search(query).hits}
                expect(self.imported.get(kind) in found, f"{query!r} does not find the {kind}")
        return f"{count} documents, index opened"


def _reraise(exc: BaseException) -> Callable[[], str]:
    def check() -> str:
        raise exc

    return check


def _reason(exc: BaseException) -> str:
    """One or two lines saying what went wrong (and where, for an unexpected error)."""
    if isinstance(exc, CheckFailed):
        return str(exc)
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f"\n      at {frame.filename}:{frame.lineno} in {frame.name}" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"


def run_self_test(out: TextIO | None = None) -> int:
    """Run every check, print one line for each with its time; 0 if all passed, else 1."""
    out = out or sys.stdout or io.StringIO()  # a windowed Windows app has no stdout
    started = time.perf_counter()
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="reader-self-test-", ignore_cleanup_errors=True) as tmp:
        test = SelfTest(Path(tmp))
        try:
            for name, check in test.checks():
                began = time.perf_counter()
                try:
                    detail = check()
                except Exception as exc:
                    failed.append(name)
                    took = time.perf_counter() - began
                    out.write(f"FAIL  {name}  {took:.2f} s\n      {_reason(exc)}\n")
                else:
                    took = time.perf_counter() - began
                    out.write(f"ok    {name}{f' ({detail})' if detail else ''}  {took:.2f} s\n")
                out.flush()
        finally:
            test.close()
    total = time.perf_counter() - started
    if failed:
        out.write(
            f"Self-test FAILED: {len(failed)} check(s) failed in {total:.2f} s: "
            f"{', '.join(failed)}\n"
        )
        return 1
    out.write(f"Self-test passed in {total:.2f} s.\n")
    return 0
