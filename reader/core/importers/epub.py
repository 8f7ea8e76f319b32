"""EPUB books and news issues: the spine documents' text and structure, with the package metadata.

A news issue made by calibre (its package says ``calibre:publication_type`` = ``periodical:...``)
becomes one document per article; anything else (a book, a single article) becomes one document
whose chapters follow each other in spine order.

The file is hostile until proven otherwise: it is read in memory and never unpacked to disk;
every member is read with a bounded read against a budget for the whole file; references are
resolved inside the container only; XML is parsed without loading DTDs, resolving entities or
touching the network; scripts, styles and forms never reach the text.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from reader.core.dates import parse_structured_date
from reader.core.encoding import decode
from reader.core.errors import ImportFailed
from reader.core.images import MAX_IMAGE_BYTES, with_images
from reader.core.importers import Importer
from reader.core.language import detect_language
from reader.core.layout import BlockBuilder
from reader.core.models import Block, ExtractedDocument

# Work limits for one file.
MAX_MEMBERS = 10_000
MAX_CENTRAL_DIRECTORY = 16 * 1024 * 1024  # the zip's list of members
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # all members read, together
MAX_MEMBER_BYTES = 16 * 1024 * 1024  # one XHTML, OPF or NCX member
# Elements in all content documents together (a parsed element costs about 250 bytes).
MAX_ELEMENTS = 1_000_000
MAX_PARAGRAPHS = 200_000  # a long book has tens of thousands
_MAX_DEPTH = 200  # element nesting followed in a content document
_MAX_TOC_ENTRIES = 20_000

_OPF_MEDIA = "application/oebps-package+xml"
_NCX_MEDIA = "application/x-dtbncx+xml"
_CONTENT_MEDIA = frozenset({"application/xhtml+xml", "text/html", "application/xml", "text/xml"})
_CONTENT_SUFFIXES = (".xhtml", ".html", ".htm", ".xml")
_DC = "http://purl.org/dc/elements/"
_OPS = "{http://www.idpf.org/2007/ops}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# Encryption algorithms that only obfuscate embedded fonts (not DRM).
_FONT_OBFUSCATION = frozenset(
    {"http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"}
)

# Elements whose content never reaches the text.
_SKIP = frozenset(
    {
        "head", "title", "script", "style", "noscript", "template", "meta", "link", "base",
        "form", "input", "button", "select", "option", "optgroup", "textarea", "label",
        "iframe", "frame", "frameset", "object", "embed", "applet", "canvas", "audio", "video",
        "source", "track", "map", "area", "nav", "rt", "rp", "datalist", "output", "dialog",
    }
)  # fmt: skip
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "body", "center", "dd", "details", "div", "dl", "dt",
        "fieldset", "footer", "header", "hgroup", "legend", "main", "p", "section", "summary",
        "tbody", "thead", "tfoot", "tr", "td", "th", "table", "hr", "html",
    }
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_MARKS = {
    "em": "em", "i": "em", "cite": "em", "dfn": "em", "var": "em",
    "strong": "strong", "b": "strong",
    "code": "code", "tt": "code", "kbd": "code", "samp": "code",
    "del": "del", "s": "del", "strike": "del",
    "sup": "sup", "sub": "sub",
}  # fmt: skip
_EXTERNAL = ("http://", "https://", "mailto:")
# Date-carrying <meta> names in an article's head.
_DATE_METAS = frozenset(
    {"article:published_time", "datepublished", "date", "dc.date", "dc:date", "dcterms.date",
     "dcterms.issued", "pubdate", "publish-date", "publication_date"}
)  # fmt: skip
_AUTHOR_METAS = frozenset({"author", "dc.creator", "dc:creator", "article:author"})
_ISO_639_2 = {
    "eng": "en", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "spa": "es", "ita": "it",
    "por": "pt", "nld": "nl", "dut": "nl", "rus": "ru", "zho": "zh", "chi": "zh", "jpn": "ja",
    "kor": "ko", "swe": "sv", "tur": "tr", "pol": "pl", "ara": "ar", "ell": "el", "gre": "el",
    "heb": "he", "cat": "ca", "ron": "ro", "rum": "ro", "ces": "cs", "cze": "cs", "dan": "da",
    "fin": "fi", "nor": "no", "nob": "nb", "hun": "hu", "ukr": "uk", "vie": "vi", "tha": "th",
    "hin": "hi",
}  # fmt: skip
_BRACKETED_EMAIL = re.compile(r"<[^<>\s]*@[^<>\s]*>")
_EMAIL = re.compile(r"[^\s<>()]+@[^\s<>()]+\.\w+")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|<\s*>")
# A declaration and a DOCTYPE with an internal subset at the start of a document (anchored, and
# looked for in the first part only: a hostile file must not make the search quadratic).
_PROLOGUE = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>)?\s*(?:<!DOCTYPE[^\[>]*\[.*?\]\s*>)?",
    re.DOTALL | re.IGNORECASE,
)
_PROLOGUE_WINDOW = 256 * 1024
_MAX_FIELD = 1000  # characters kept of a metadata value or a table-of-contents label
_DECLARED = re.compile(
    rb"""<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)|charset\s*=\s*["']?([\w.:-]+)"""
)
_ISSUE_DATE_SUFFIX = re.compile(r"\s*\[[^\]]*\]\s*$")


# --- the container -------------------------------------------------------------------------


class _Container:
    """The ZIP archive, read in memory with bounded reads against one budget."""

    def __init__(self, data: bytes) -> None:
        _check_central_directory(data)
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
            raise ImportFailed(
                "the EPUB file is damaged or incomplete (it is not a readable ZIP archive)"
            ) from exc
        if len(infos) > MAX_MEMBERS:
            raise ImportFailed(f"it holds too many files ({len(infos)}) to be an EPUB")
        self.members = {info.filename: info for info in infos if not info.is_dir()}
        self._left = MAX_UNPACKED_BYTES
        self.elements_left = MAX_ELEMENTS
        self.paragraphs_left = MAX_PARAGRAPHS

    def read(self, path: str, limit: int = MAX_MEMBER_BYTES) -> bytes | None:
        """The bytes of a member (None if there is no such member); raises ImportFailed."""
        info = self.members.get(path)
        if info is None:
            return None
        if info.file_size > limit or info.file_size > self._left:
            raise ImportFailed(f"a part of it is too large ({path}: {_megabytes(info.file_size)})")
        try:
            with self._zip.open(info) as member:
                data = member.read(min(limit, self._left) + 1)
        except RuntimeError as exc:  # zipfile's word for a password-protected member
            raise ImportFailed("it is password-protected") from exc
        except NotImplementedError as exc:
            raise ImportFailed(f"it is packed with an unsupported compression ({path})") from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
            raise ImportFailed(f"the EPUB file is damaged ({path} cannot be unpacked)") from exc
        if len(data) > limit or len(data) > self._left:
            raise ImportFailed(f"a part of it is too large once unpacked ({path})")
        self._left -= len(data)
        return data

    def find(self, suffix: str) -> str | None:
        """The first member whose name ends with ``suffix`` (for packages without a container)."""
        return next((name for name in self.members if name.lower().endswith(suffix)), None)


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


def _check_central_directory(data: bytes) -> None:
    """Refuse a member list too long to read before zipfile builds it (a ZIP bomb of entries)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return  # zipfile says what is wrong
    count = int.from_bytes(data[end + 10 : end + 12], "little")
    size = int.from_bytes(data[end + 12 : end + 16], "little")
    locator = end - 20
    zip64 = count == 0xFFFF or size == 0xFFFFFFFF
    if zip64 and locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        at = int.from_bytes(data[locator + 8 : locator + 16], "little")
        if data[at : at + 4] == b"PK\x06\x06":
            count = int.from_bytes(data[at + 32 : at + 40], "little")
            size = int.from_bytes(data[at + 40 : at + 48], "little")
    if count > MAX_MEMBERS or size > MAX_CENTRAL_DIRECTORY:
        raise ImportFailed(f"it holds too many files ({count}) to be an EPUB")


def _resolve(base: str, href: str | None) -> tuple[str, str] | None:
    """(path inside the container, fragment) of a relative reference; None for anything else.

    URLs, absolute paths and paths that climb out of the container are refused, so nothing
    a file names can reach outside it.
    """
    if not href or not href.strip():
        return None
    parts = urlsplit(href.strip())
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path:
        return None
    if path.startswith("/") or "\\" in path or "\x00" in path:
        return None
    joined = posixpath.normpath(posixpath.join(base, path))
    if joined in (".", "..") or joined.startswith("../") or joined.startswith("/"):
        return None
    return joined, unquote(parts.fragment)


# --- XML -----------------------------------------------------------------------------------


def _xml_parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=recover,
        remove_comments=True,
        remove_pis=True,
    )


def _parse_xml(data: bytes, what: str) -> tuple[Any, str | None]:
    """A package file (container, OPF, NCX, encryption) as an element tree, and what was wrong
    with it when only the forgiving parser could read it; raises ImportFailed."""
    try:
        return etree.fromstring(data, _xml_parser(recover=False)), None
    except (etree.XMLSyntaxError, ValueError) as exc:
        problem = _first_line(exc)
    try:
        root = etree.fromstring(data, _xml_parser(recover=True))
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise ImportFailed(f"its {what} cannot be read ({problem})") from exc
    if root is None:
        raise ImportFailed(f"its {what} cannot be read ({problem})")
    return root, problem


def _first_line(exc: Exception) -> str:
    line = (str(exc).splitlines() or [exc.__class__.__name__])[0]
    return re.sub(r"\s*\(<string>, line \d+\)$", "", line)[:160]


def _parse_content(data: bytes) -> tuple[Any, str]:
    """A content document and its encoding: strict XHTML first, then HTML's forgiving parser for
    broken markup."""
    try:
        root = etree.fromstring(data, _xml_parser(recover=False))
        if root is not None:
            return root, (root.getroottree().docinfo.encoding or "utf-8").lower()
    except (etree.XMLSyntaxError, ValueError):
        pass
    text, encoding = _decode_content(data)
    # The forgiving parser reads a DOCTYPE's entity declarations as text: drop them first.
    body = text.encode("utf-8")
    prologue = _PROLOGUE.match(body, 0, _PROLOGUE_WINDOW)
    body = body[prologue.end() :] if prologue else body
    parser = etree.HTMLParser(
        encoding="utf-8", no_network=True, huge_tree=False, remove_comments=True, remove_pis=True
    )
    try:
        root = etree.fromstring(body, parser) if body.strip() else None
    except (etree.XMLSyntaxError, ValueError):
        root = None
    return root, encoding


def _decode_content(data: bytes) -> tuple[str, str]:
    """The text of a content document the XML parser refused: declared, UTF-8, or detected."""
    declared = _DECLARED.search(data[:2048])
    if declared:
        name = (declared.group(1) or declared.group(2)).decode("ascii", "replace")
        try:
            return data.decode(name), name.lower()
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return decode(data)


_LOCAL_NAMES: dict[str, str] = {}


def _local(element: Any) -> str:
    """The element's lower-case local name ('' for comments, entities and the like)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()
        if len(_LOCAL_NAMES) < 4096:  # a hostile file cannot grow it without bound
            _LOCAL_NAMES[tag] = name
    return name


def _text(element: Any) -> str:
    """The element's text (script and style left out), whitespace collapsed."""
    parts: list[str] = []

    def gather(node: Any, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        if node.text and _local(node) not in _SKIP:
            parts.append(node.text)
        for child in node:
            if _local(child) and _local(child) not in _SKIP:
                gather(child, depth + 1)
            if child.tail:
                parts.append(child.tail)

    if _local(element) not in _SKIP:
        gather(element, 0)
    return " ".join("".join(parts).split())


# --- the package ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Item:
    path: str
    media_type: str
    properties: frozenset[str]


@dataclass(slots=True)
class _Entry:
    """One table-of-contents entry."""

    label: str
    path: str
    depth: int
    leaf: bool
    author: str | None = None


@dataclass(slots=True)
class _Package:
    path: str
    titles: list[str] = field(default_factory=list)
    creators: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    publication_type: str = ""
    manifest: dict[str, _Item] = field(default_factory=dict)
    spine: list[str] = field(default_factory=list)  # content document paths, each once
    toc_id: str = ""
    skip: set[str] = field(default_factory=set)  # navigation documents in the spine

    @property
    def base(self) -> str:
        return posixpath.dirname(self.path)


def _package_path(container: _Container) -> str:
    data = container.read("META-INF/container.xml")
    if data is None:
        fallback = container.find(".opf")
        if fallback is None:
            raise ImportFailed(
                "it is a ZIP archive but not an EPUB (it has no META-INF/container.xml)"
            )
        return fallback
    root, _ = _parse_xml(data, "container.xml")
    rootfiles = [el for el in root.iter() if _local(el) == "rootfile"]
    rootfiles.sort(key=lambda el: (el.get("media-type") or _OPF_MEDIA) != _OPF_MEDIA)
    for rootfile in rootfiles:
        resolved = _resolve("", rootfile.get("full-path"))
        if resolved and resolved[0] in container.members:
            return resolved[0]
    raise ImportFailed("its package document (OPF) is missing")


def _read_package(container: _Container) -> _Package:
    path = _package_path(container)
    data = container.read(path)
    if data is None:
        raise ImportFailed("its package document (OPF) is missing")
    root, problem = _parse_xml(data, "package document (OPF)")
    package = _Package(path)
    roles: dict[str, str] = {}  # EPUB 3: <meta refines="#id" property="role">aut</meta>
    creators: list[tuple[str, str | None, str]] = []  # (name, id, role)
    dates: list[tuple[str, str]] = []  # (value, event)
    for element in root.iter():
        name = _local(element)
        tag = element.tag if isinstance(element.tag, str) else ""
        namespace = tag[1:].split("}")[0] if tag.startswith("{") else ""
        value = " ".join((element.text or "")[:_MAX_FIELD].split())
        if namespace.startswith(_DC) and value:
            if name == "title":
                package.titles.append(value)
            elif name == "creator":
                creators.append((value, element.get("id"), _attribute(element, "role")))
            elif name == "date":
                dates.append((value, _attribute(element, "event").lower()))
            elif name == "language":
                package.languages.append(value)
            elif name == "publisher":
                package.publishers.append(value)
            elif name == "type":
                package.types.append(value.lower())
        elif name == "meta":
            key = element.get("name") or element.get("property") or ""
            content = element.get("content") if element.get("content") is not None else value
            if key == "calibre:publication_type":
                package.publication_type = (content or "").strip()
            elif key == "role" and element.get("refines", "").startswith("#"):
                roles[element.get("refines", "")[1:]] = value
        elif name == "item":
            resolved = _resolve(package.base, element.get("href"))
            if resolved and element.get("id"):
                package.manifest[element.get("id", "")] = _Item(
                    resolved[0],
                    (element.get("media-type") or "").lower(),
                    frozenset((element.get("properties") or "").split()),
                )
        elif name == "spine":
            package.toc_id = element.get("toc") or ""
    package.creators = _authors(creators, roles)
    # Publication dates first; a modification date only when nothing else is given.
    package.dates = [v for v, event in dates if "modif" not in event] + [
        v for v, event in dates if "modif" in event
    ]
    _read_spine(root, package)
    if problem is not None and not package.spine:
        raise ImportFailed(f"its package document (OPF) cannot be read ({problem})")
    return package


def _attribute(element: Any, name: str) -> str:
    """An attribute in any namespace (opf:role, role)."""
    for key, value in element.attrib.items():
        if key.rsplit("}", 1)[-1] == name:
            return str(value)
    return ""


def _authors(creators: list[tuple[str, str | None, str]], roles: dict[str, str]) -> list[str]:
    """The creators who wrote the book: those marked as authors, else all of them."""
    marked = [(name, role or roles.get(ident or "", "")) for name, ident, role in creators]
    authors = [name for name, role in marked if role.lower() in ("aut", "")]
    return authors or [name for name, _ in marked]


def _read_spine(root: Any, package: _Package) -> None:
    seen: set[str] = set()
    for element in root.iter():
        name = _local(element)
        if name == "itemref":
            item = package.manifest.get(element.get("idref") or "")
            if item is None or item.path in seen or not _is_content(item):
                continue
            seen.add(item.path)
            package.spine.append(item.path)
            if "nav" in item.properties:
                package.skip.add(item.path)
        elif name == "reference" and (element.get("type") or "").lower() == "toc":
            resolved = _resolve(package.base, element.get("href"))
            if resolved:
                package.skip.add(resolved[0])


def _is_content(item: _Item) -> bool:
    if item.media_type:
        return item.media_type in _CONTENT_MEDIA
    return item.path.lower().endswith(_CONTENT_SUFFIXES)


def _check_drm(container: _Container, package: _Package) -> None:
    """Refuse a book whose text is encrypted (fonts obfuscated for licensing are fine)."""
    data = container.read("META-INF/encryption.xml")
    if data is None:
        return
    root, _ = _parse_xml(data, "encryption.xml")
    spine = set(package.spine)
    for encrypted in (el for el in root.iter() if _local(el) == "encrypteddata"):
        methods = [
            el.get("Algorithm") for el in encrypted.iter() if _local(el) == "encryptionmethod"
        ]
        if methods and all(method in _FONT_OBFUSCATION for method in methods):
            continue
        for reference in (el for el in encrypted.iter() if _local(el) == "cipherreference"):
            resolved = _resolve("", reference.get("URI"))
            if resolved and resolved[0] in spine:
                raise ImportFailed(
                    "it is protected by DRM (its text is encrypted), which Reader cannot read"
                )


# --- the table of contents -----------------------------------------------------------------


def _read_toc(container: _Container, package: _Package) -> list[_Entry]:
    """The entries of the NCX (which carries calibre's article authors), else the EPUB 3 nav."""
    ncx = package.manifest.get(package.toc_id)
    if ncx is None:
        ncx = next((i for i in package.manifest.values() if i.media_type == _NCX_MEDIA), None)
    if ncx is not None:
        data = _read_quietly(container, ncx.path)
        if data is not None:
            entries = _ncx_entries(data, posixpath.dirname(ncx.path))
            if entries:
                return entries
    nav = next((i for i in package.manifest.values() if "nav" in i.properties), None)
    if nav is not None:
        data = _read_quietly(container, nav.path)
        if data is not None:
            return _nav_entries(data, posixpath.dirname(nav.path))
    return []


def _read_quietly(container: _Container, path: str) -> bytes | None:
    """A member the book can do without: None instead of an error."""
    try:
        return container.read(path)
    except ImportFailed:
        return None


def _ncx_entries(data: bytes, base: str) -> list[_Entry]:
    try:
        root, _ = _parse_xml(data, "table of contents")
    except ImportFailed:
        return []
    entries: list[_Entry] = []
    nav_map = next((el for el in root.iter() if _local(el) == "navmap"), None)

    def visit(point: Any, depth: int) -> None:
        if len(entries) >= _MAX_TOC_ENTRIES or depth > 20:
            return
        label = next((el for el in point if _local(el) == "navlabel"), None)
        content = next((el for el in point if _local(el) == "content"), None)
        children = [el for el in point if _local(el) == "navpoint"]
        author = next(
            (
                _text_of(el)[:_MAX_FIELD]
                for el in point
                if _local(el) == "meta" and el.get("name") == "author"
            ),
            None,
        )
        resolved = _resolve(base, content.get("src") if content is not None else None)
        if resolved:
            text = _text(label) if label is not None else ""
            entries.append(
                _Entry(text[:_MAX_FIELD], resolved[0], depth, not children, author or None)
            )
        for child in children:
            visit(child, depth + 1)

    if nav_map is not None:
        for point in (el for el in nav_map if _local(el) == "navpoint"):
            visit(point, 0)
    return entries


def _nav_entries(data: bytes, base: str) -> list[_Entry]:
    root, _ = _parse_content(data)
    if root is None:
        return []
    navs = [el for el in root.iter() if _local(el) == "nav"]
    nav = next(
        (n for n in navs if "toc" in (n.get(f"{_OPS}type") or n.get("epub:type") or "")), None
    )
    nav = nav if nav is not None else (navs[0] if navs else None)
    entries: list[_Entry] = []

    def visit(listing: Any, depth: int) -> None:
        for item in (el for el in listing if _local(el) == "li"):
            if len(entries) >= _MAX_TOC_ENTRIES or depth > 20:
                return
            link = next((el for el in item.iter() if _local(el) == "a"), None)
            sublists = [el for el in item if _local(el) == "ol"]
            resolved = _resolve(base, link.get("href") if link is not None else None)
            if resolved and link is not None:
                entries.append(_Entry(_text(link)[:_MAX_FIELD], resolved[0], depth, not sublists))
            for sublist in sublists:
                visit(sublist, depth + 1)

    if nav is not None:
        for listing in (el for el in nav if _local(el) == "ol"):
            visit(listing, 0)
    return entries


# --- content documents ---------------------------------------------------------------------


@dataclass(slots=True)
class _Chapter:
    """What one content document gave."""

    path: str
    paragraphs: list[str]
    blocks: list[Block]
    heading: str | None  # the first heading's text
    title: str  # the <title>
    date: dt.date | None
    author: str | None
    link_share: float  # share of the text that links to other parts of the book
    links: int

    @property
    def has_text(self) -> bool:
        return any(self.paragraphs)


class _Walker:
    """Turns one content document's elements into paragraphs and blocks."""

    def __init__(self, path: str, container: _Container) -> None:
        self.out = BlockBuilder()
        self.base = posixpath.dirname(path)
        self.container = container
        self.kind = "p"
        self.level = 0
        self.ordinal: int | None = None
        self.item_done = False  # the list item's first paragraph has been written
        self.marks: tuple[tuple[str, str | None], ...] = ()
        self.lists = 0
        self.quotes = 0
        self.pre = False
        self.pending = False  # text added since the last paragraph was closed
        self.in_link = 0  # inside a link to another part of the book
        self.chars = 0
        self.link_chars = 0
        self.links = 0

    def flush(self) -> None:
        if not self.pending:
            return
        self.pending = False
        kind = "p" if self.kind == "li" and self.item_done else self.kind
        before = len(self.out.paragraphs)
        self.out.end_block(kind, level=self.level, ordinal=self.ordinal if kind == "li" else None)
        if kind == "li" and len(self.out.paragraphs) > before:
            self.item_done = True
        if len(self.out.paragraphs) > self.container.paragraphs_left:
            raise ImportFailed(f"it is too long for Reader (over {MAX_PARAGRAPHS:,} paragraphs)")

    def text(self, text: str | None) -> None:
        if not text:
            return
        self.out.add_text(text, self.marks)
        self.pending = True
        size = len(text.strip())
        self.chars += size
        if self.in_link:
            self.link_chars += size

    def children(self, element: Any, depth: int) -> None:
        self.text(element.text)
        for child in element:
            if _local(child):
                self.element(child, depth + 1)
            self.text(child.tail)

    def element(self, element: Any, depth: int) -> None:
        container = self.container
        container.elements_left -= 1
        if container.elements_left < 0:
            raise ImportFailed(f"it is too complex for Reader (over {MAX_ELEMENTS:,} elements)")
        tag = _local(element)
        if depth > _MAX_DEPTH or tag in _SKIP or _hidden(element):
            return
        if tag in ("img", "image"):
            self.image(element.get("src") or element.get(_XLINK_HREF) or element.get("href"))
        elif tag == "svg":
            for node in element.iter():
                if _local(node) == "image":
                    self.image(node.get(_XLINK_HREF) or node.get("href") or node.get("xlink:href"))
        elif tag == "br":
            if self.pre:
                self.text("\n")
            else:
                self.flush()
        elif self.pre:
            self.inline(element, tag, depth)
        elif tag == "pre":
            self.flush()
            self.pre = True
            self.children(element, depth)
            self.pre = self.pending = False
            self.out.end_block("code", raw=True)
        elif tag == "table" and not any(_local(d) == "table" for d in element.iterdescendants()):
            self.table(element)
        elif tag in _HEADINGS:
            self.block(element, depth, tag, 0)
        elif tag in ("ul", "ol"):
            self.listing(element, tag, depth)
        elif tag == "li":
            self.item(element, depth, None)
        elif tag == "blockquote":
            self.quotes += 1
            self.block(element, depth, "quote", self.quotes - 1)
            self.quotes -= 1
        elif tag in ("figcaption", "caption"):
            self.block(element, depth, "caption", 0)
        elif tag in _BLOCKS or tag == "figure":
            self.block(element, depth, None, self.level)
        else:
            self.inline(element, tag, depth)

    def inline(self, element: Any, tag: str, depth: int) -> None:
        saved = self.marks
        mark = _MARKS.get(tag)
        internal = False
        if mark:
            self.marks = (*saved, (mark, None))
        elif tag == "a" and element.get("href"):
            href = element.get("href", "").strip()
            if href.lower().startswith(_EXTERNAL):
                self.marks = (*saved, ("link", href))
            elif not href.startswith("#"):
                internal = True
                self.links += 1
        self.in_link += internal
        self.children(element, depth)
        self.in_link -= internal
        self.marks = saved

    def block(self, element: Any, depth: int, kind: str | None, level: int) -> None:
        """A block element: its own paragraphs; ``kind`` None keeps the surrounding kind."""
        self.flush()
        saved = (self.kind, self.level)
        if kind is not None:
            self.kind, self.level = kind, level
        self.children(element, depth)
        self.flush()
        self.kind, self.level = saved

    def listing(self, element: Any, tag: str, depth: int) -> None:
        self.flush()
        self.lists += 1
        number = _integer(element.get("start"), 1) if tag == "ol" else None
        for child in element:
            name = _local(child)
            if name == "li" and not _hidden(child):
                if number is not None:
                    number = _integer(child.get("value"), number)
                self.item(child, depth + 1, number)
                if number is not None:
                    number += 1
            elif name:
                self.element(child, depth + 1)
            self.text(child.tail)
        self.flush()
        self.lists -= 1

    def item(self, element: Any, depth: int, ordinal: int | None) -> None:
        self.flush()
        saved = (self.kind, self.level, self.ordinal, self.item_done)
        self.kind, self.level, self.ordinal = "li", max(self.lists - 1, 0), ordinal
        self.item_done = False
        self.children(element, depth)
        self.flush()
        self.kind, self.level, self.ordinal, self.item_done = saved

    def table(self, element: Any) -> None:
        """A simple table: one paragraph per row, cells separated by tabs."""
        self.flush()
        for node in element.iter():
            name = _local(node)
            if name == "caption":
                self.out.add_text(_text(node))
                self.out.end_block("caption")
            elif name == "tr" and not _hidden(node):
                cells = [_text(cell) for cell in node if _local(cell) in ("td", "th")]
                if any(cells):
                    self.out.add_text("\t".join(cells))
                    self.out.end_block("row", raw=True)

    def image(self, href: str | None) -> None:
        resolved = _resolve(self.base, href)
        if resolved and resolved[0] in self.container.members:
            self.flush()
            self.out.add_image(resolved[0])


def _hidden(element: Any) -> bool:
    """Hidden, or navigation a converter added (calibre's article bar, page-break markers)."""
    attributes = element.attrib
    if not attributes:
        return False
    if attributes.get("hidden") is not None:
        return True
    style = (attributes.get("style") or "").replace(" ", "").lower()
    if "display:none" in style:
        return True
    classes = (attributes.get("class") or "").split()
    kinds = (attributes.get(f"{_OPS}type") or attributes.get("epub:type") or "").split()
    return "calibre_navbar" in classes or "pagebreak" in kinds


def _integer(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _read_chapter(container: _Container, path: str) -> tuple[_Chapter, str] | None:
    data = container.read(path)
    if data is None:
        return None
    if data.count(b"<") > 2 * container.elements_left + 1000:  # before the tree is built
        raise ImportFailed(f"it is too complex for Reader (over {MAX_ELEMENTS:,} elements)")
    root, used = _parse_content(data)
    if root is None:
        return None
    body = next((el for el in root.iter() if _local(el) == "body"), root)
    walker = _Walker(path, container)
    walker.element(body, 0)
    walker.flush()
    out = walker.out
    container.paragraphs_left -= len(out.paragraphs)
    if container.paragraphs_left < 0:
        raise ImportFailed(f"it is too long for Reader (over {MAX_PARAGRAPHS:,} paragraphs)")
    heading = next(
        (
            text[:_MAX_FIELD]
            for text, block in zip(out.paragraphs, out.blocks, strict=True)
            if block.kind in _HEADINGS
        ),
        None,
    )
    date, author, title = _head_metadata(root)
    chapter = _Chapter(
        path=path,
        paragraphs=out.paragraphs,
        blocks=out.blocks,
        heading=heading,
        title=title,
        date=date,
        author=author,
        link_share=walker.link_chars / walker.chars if walker.chars else 0.0,
        links=walker.links,
    )
    return chapter, used


def _head_metadata(root: Any) -> tuple[dt.date | None, str | None, str]:
    """Date, author and <title> a content document's head gives."""
    head = next((el for el in root.iter() if _local(el) in ("head", "body")), None)
    if head is None or _local(head) != "head":
        return None, None, ""
    date: dt.date | None = None
    author: str | None = None
    title = ""
    for element in list(head)[:200]:
        name = _local(element)
        if name == "title":
            title = _text_of(element)[:_MAX_FIELD]
        elif name == "meta":
            key = (element.get("name") or element.get("property") or "").lower()
            content = (element.get("content") or "")[:_MAX_FIELD].strip()
            if key in _DATE_METAS and date is None:
                date = _parse_date(content)
            elif key in _AUTHOR_METAS and author is None:
                author = _clean_author(content) or None
    return date, author, title


def _text_of(element: Any) -> str:
    return " ".join("".join(element.itertext())[: _MAX_FIELD * 4].split())


def _is_link_list(chapter: _Chapter) -> bool:
    """A page of links to the rest of the book (a table of contents or an index)."""
    if chapter.links < 3 or chapter.link_share < 0.6:
        return False
    return chapter.links >= 10 or chapter.link_share >= 0.85


# --- metadata ------------------------------------------------------------------------------


def _parse_date(value: str) -> dt.date | None:
    """A metadata date; calibre's ``0101-01-01`` means "no date", and so does anything absurd."""
    try:
        date = parse_structured_date(value)
    except (ValueError, OverflowError):
        return None
    if date is None or date.year < 1000 or date.year > dt.date.today().year + 1:
        return None
    return date


def _first_date(values: list[str]) -> dt.date | None:
    for value in values:
        if date := _parse_date(value):
            return date
    return None


def _clean_author(value: str) -> str:
    value = _EMAIL.sub(" ", _BRACKETED_EMAIL.sub(" ", value))
    return " ".join(_EMPTY_BRACKETS.sub(" ", value).split()).strip(" ,;")


def _byline(creators: list[str]) -> str | None:
    names: list[str] = []
    for creator in creators:
        name = _clean_author(creator)
        if name and name.casefold() not in (n.casefold() for n in names):
            names.append(name)
    return ", ".join(names[:8]) or None


def _language(values: list[str]) -> str | None:
    for value in values:
        code = re.split(r"[-_]", value.strip().lower())[0]
        code = _ISO_639_2.get(code, code)
        if re.fullmatch(r"[a-z]{2,3}", code) and code not in ("und", "mul", "zxx"):
            return code
    return None


def _is_periodical(package: _Package) -> bool:
    return package.publication_type.lower().startswith("periodical") or any(
        kind in ("periodical", "newspaper", "magazine") for kind in package.types
    )


def _periodical_name(package: _Package) -> str | None:
    """calibre writes ``periodical:<kind>:<name>``; else the title without the issue's date."""
    parts = package.publication_type.split(":", 2)
    if len(parts) == 3 and parts[2].strip():
        return parts[2].strip()
    if package.titles:
        return _ISSUE_DATE_SUFFIX.sub("", package.titles[0]) or package.titles[0]
    return next(iter(package.publishers), None)


# --- the importer --------------------------------------------------------------------------


def extract_many(data: bytes, name: str, encoding: str | None = None) -> list[ExtractedDocument]:
    """Import an EPUB: one document per article of a news issue, else one for the whole book.

    ``encoding`` is not used: each part declares its own (EPUB allows UTF-8 and UTF-16), and a
    charset given for the whole file (a web server's) says nothing about its parts.
    """
    if not data.startswith(b"PK\x03\x04"):
        raise ImportFailed("it is not an EPUB (an EPUB is a ZIP archive, and this is not one)")
    container = _Container(data)
    package = _read_package(container)
    if not package.spine:
        raise ImportFailed("it has no content to read (the EPUB's spine is empty)")
    _check_drm(container, package)
    toc = _read_toc(container, package)
    chapters: dict[str, _Chapter] = {}
    used: str | None = None
    for path in package.spine:
        if path in package.skip:
            continue
        read = _read_chapter(container, path)
        if read is not None:
            chapters[path] = read[0]
            used = used or read[1]

    def load(ref: str) -> bytes | None:
        try:
            return container.read(ref, MAX_IMAGE_BYTES)
        except ImportFailed:
            return None

    if _is_periodical(package):
        documents = _articles(package, toc, chapters)
    else:
        documents = [_book(package, toc, chapters, Path(name).stem)]
    documents = [
        replace(with_images(doc, load), encoding=used or "utf-8")
        for doc in documents
        if any(doc.paragraphs)
    ]
    if not documents:
        raise ImportFailed("no text was found in this EPUB")
    return documents


def extract(data: bytes, name: str, encoding: str | None = None) -> ExtractedDocument:
    """Import an EPUB as one document (the first article of a news issue)."""
    return extract_many(data, name, encoding)[0]


def _book(
    package: _Package, toc: list[_Entry], chapters: dict[str, _Chapter], stem: str
) -> ExtractedDocument:
    """The whole book: chapters in spine order, each opening with its title as a heading."""
    labels: dict[str, _Entry] = {}
    for entry in toc:
        labels.setdefault(entry.path, entry)
    paragraphs: list[str] = []
    blocks: list[Block] = []
    for chapter in chapters.values():
        if _is_link_list(chapter):
            continue
        chapter_paragraphs, chapter_blocks = list(chapter.paragraphs), list(chapter.blocks)
        label = labels.get(chapter.path)
        if label is not None and label.label and chapter.has_text:
            _open_with_heading(chapter_paragraphs, chapter_blocks, label)
        paragraphs.extend(chapter_paragraphs)
        blocks.extend(chapter_blocks)
    text = "\n".join(paragraphs)
    first_heading = next((c.heading for c in chapters.values() if c.heading), None)
    return ExtractedDocument(
        title=next(iter(package.titles), None) or first_heading or stem or "Untitled",
        paragraphs=tuple(paragraphs),
        date=_first_date(package.dates),
        source=next(iter(package.publishers), None),
        byline=_byline(package.creators),
        language=_language(package.languages) or detect_language(text),
        format="epub",
        blocks=tuple(blocks),
    )


def _open_with_heading(paragraphs: list[str], blocks: list[Block], entry: _Entry) -> None:
    """Make the chapter start with its table-of-contents title, unless it has a heading there."""
    first = next((i for i, text in enumerate(paragraphs) if text), None)
    if first is None or blocks[first].kind in _HEADINGS:
        return
    kind = f"h{min(entry.depth + 1, 3)}"
    if paragraphs[first].casefold() == entry.label.casefold():
        blocks[first] = Block(kind)
    else:
        paragraphs.insert(first, entry.label)
        blocks.insert(first, Block(kind))


def _articles(
    package: _Package, toc: list[_Entry], chapters: dict[str, _Chapter]
) -> list[ExtractedDocument]:
    """A news issue: each article (a leaf of the table of contents) with the pages after it."""
    starts: dict[str, _Entry] = {}
    sections: set[str] = set()
    for entry in toc:
        if entry.leaf:
            starts.setdefault(entry.path, entry)
        else:
            sections.add(entry.path)
    if not starts:  # no usable table of contents: every page that is no list of links
        starts = {
            path: _Entry("", path, 0, True)
            for path, chapter in chapters.items()
            if not _is_link_list(chapter)
        }
    groups: list[tuple[_Entry, list[_Chapter]]] = []
    for path, chapter in chapters.items():
        if path in starts:
            groups.append((starts[path], [chapter]))
        elif path in sections:
            groups.append((_Entry("", "", 0, False), []))  # a section's list of articles
        elif groups and groups[-1][1]:
            groups[-1][1].append(chapter)  # the article's next page
    issue_date = _first_date(package.dates)
    source = _periodical_name(package)
    language = _language(package.languages)
    documents = []
    for entry, pages in groups:
        if pages:
            documents.append(_article(entry, pages, issue_date, source, language))
    return documents


def _article(
    entry: _Entry,
    pages: list[_Chapter],
    issue_date: dt.date | None,
    source: str | None,
    language: str | None,
) -> ExtractedDocument:
    first = pages[0]
    title = entry.label or first.heading or first.title or "Untitled article"
    paragraphs = [p for page in pages for p in page.paragraphs]
    blocks = [b for page in pages for b in page.blocks]
    # The article's own headline opens its page; the document's title says it already.
    at = next((i for i, text in enumerate(paragraphs) if text), None)
    if at is not None and blocks[at].kind in _HEADINGS and _same(paragraphs[at], title):
        del paragraphs[at], blocks[at]
    text = "\n".join(paragraphs)
    return ExtractedDocument(
        title=title,
        paragraphs=tuple(paragraphs),
        date=first.date or issue_date,
        source=source,
        byline=entry.author or first.author,
        language=language or detect_language(text),
        format="epub",
        blocks=tuple(blocks),
        part=first.path,
    )


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


IMPORTER = Importer("epub", frozenset({".epub"}), extract, extract_many)
