"""A web page's metadata (title, date, author, site, language) from what the page carries."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import unicodedata
import warnings
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from dateutil.parser import UnknownTimezoneWarning
from lxml import etree
from lxml import html as lxml_html

from reader.core.dates import find_dates, parse_structured_date

# Work limits: the page is hostile until proven otherwise.
_MAX_PAGE_CHARS = 1_000_000  # parsed; metadata sits in the head and at the top of the body
_MAX_JSON_LD_PAGE_CHARS = 4_000_000  # searched for JSON-LD scripts
_MAX_METAS = 600
_MAX_SCRIPTS = 20
_MAX_SCRIPT_CHARS = 300_000
_MAX_JSON_DEPTH = 12
_MAX_JSON_NODES = 2_000
_MAX_HEADINGS = 12
_MAX_TIMES = 60
_MAX_DATELINE_NODES = 60  # elements after the headline searched for its date
_MAX_DATELINE_CHARS = 300
_MAX_DATELINE_LINE = 80
_MAX_TITLE_CHARS = 400
_MAX_TITLE_PARTS = 8  # of a title split at its separators, looked at for a heading
_MAX_AUTHORS = 8
_MAX_SITE_WORDS = 5  # a longer "site name" is a page's title in the wrong field
_SITE_REPEATS = 2  # times the body names the site (logo, footer) to tell it from a headline

_PARSER = lxml_html.HTMLParser(
    encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, huge_tree=False
)
_NON_SPACE = re.compile(r"\S")
_BODY_TAG = re.compile(r"<body", re.IGNORECASE)
_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_JSON_LD_OPEN = re.compile(r"<script\b[^>]*\bld\+json[^>]*>", re.IGNORECASE)
_SCRIPT_CLOSE = re.compile(r"</script", re.IGNORECASE)
_CDATA = re.compile(r"^\s*(?:<!\[CDATA\[|<!--)|(?:\]\]>|-->)\s*$")
_ANCHOR_MARKS = " ¶§🔗"  # permalink marks that documentation generators put in headings
_SQUASH = re.compile(r"[\W_]+")
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]|[^\W_]+")
_URL = re.compile(r"(?:https?:/|www\.|/|@)\S*|\S+\.(?:com|org|net)/\S*", re.IGNORECASE)
_NAME_SEPARATOR = re.compile(r"\s*(?:[,;|，；·•]|\band\b|&)\s*")
_ORGANISATION = re.compile(r"Organi[sz]ation|Corporation|NewsMedia|Brand", re.IGNORECASE)
_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|info|co|io|[a-z]{2})$", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
# Where a title splits into the headline and the site's name: spaced dashes, bars, dots and
# arrows; bars, underscores and full-width bars with or without spaces; a bare dash next to CJK.
_TITLE_SEPARATOR = re.compile(
    r"\s+(?:[|\-–—·•»~/:]|::|--|\\)\s+|\s*[|｜_：]\s*|\s*::\s*"
    r"|(?<=[\u3000-\u9fff\uff00-\uffef])\s*[-–—]\s*|\s*[-–—]\s*(?=[\u3000-\u9fff\uff00-\uffef])"
)

# Schema.org types of an article (their subtypes end the same way) and of a page that holds one.
_ARTICLE_TYPE = re.compile(r"(?:Article|Posting|Report|Blog|Review)$")
_PAGE_TYPE = re.compile(r"(?:WebPage|ItemPage|AboutPage|QAPage|Recipe|CreativeWork|VideoObject)$")

# <meta> keys (name, property or itemprop, lower-cased), most trusted first.
_TITLE_KEYS = (
    "og:title",
    "twitter:title",
    "dc.title",
    "dc:title",
    "dcterms.title",
    "parsely-title",
    "sailthru.title",
    "title",
    "headline",
)
_PUBLISHED_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "published_time",
    "article.published",
    "citation_publication_date",
    "citation_online_date",
    "citation_date",
    "prism.publicationdate",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dc:date",
    "dcterms.date",
    "parsely-pub-date",
    "cxenseparse:recs:publishtime",
    "rnews:datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "pubdate",
    "pub_date",
    "date",
    "sailthru.date",
    "datecreated",
)
# Where JSON-LD nests the page's own objects (not "itemListElement": lists of other articles).
_JSON_LD_CONTAINERS = ("@graph", "mainEntity", "mainEntityOfPage")
_JSON_LD_DATES = ("datePublished", "dateCreated", "pubDate", "uploadDate")
_AUTHOR_KEYS = (
    "article:author",
    "parsely-author",
    "sailthru.author",
    "cxenseparse:author",
    "byl",
    "dc.creator",
    "dc:creator",
    "dcterms.creator",
    "citation_author",
    "author",
)
_SITE_KEYS = ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site")

_BYLINE_LEAD = re.compile(
    r"^(?:(?:written|posted|published|reported|text|words|story|analysis|opinion|commentary)"
    r"\s+)?by[:\s]+"
    r"|^(?:作者|文|记者|撰文|編集|執筆|著者|責任編輯|责任编辑)(?:\s*[:：/／●]\s*|\s+)",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(
    r"^(?:staff|admin|administrator|editor|editors|guest|anonymous|unknown|none|null|"
    r"author|name|e-?mail|user ?name|your name|news desk|"
    r"january|february|march|april|may|june|july|august|september|october|november|december)$",
    re.IGNORECASE,
)
# What a page prints after a byline's name: links to the author's page, the date's month,
# the author's job.
_BYLINE_FURNITURE = re.compile(
    r"(?:^|\s+)(?:View|More|Follow|See|Get|Read|Link|Email|Contact|Updated|Published|Posted)\b.*$"
)
_JOB_TITLE = re.compile(
    r"\s+(?:(?:Senior|Staff|Chief|Contributing|Deputy|Associate|Managing|Executive|Special)\s+)?"
    r"(?:\w+\s+)?(?:Writer|Editor|Reporter|Correspondent|Columnist|Contributor|Producer)\b.*$"
)
# ("May" and "June" are names too often to be cut.)
_TRAILING_MONTH = re.compile(
    r"\s+(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|Jul(?:y)?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?$"
)
_DATE_ITEMPROPS = ("datePublished", "dateCreated")
_MARKED_DATES = '//@itemprop[.="datePublished" or .="dateCreated"]/..'
_LOGO = re.compile(r"logo|brand|masthead|site-?(?:title|name)", re.IGNORECASE)
_HIDDEN = re.compile(r"\bhidden\b|sr-only|visually-hidden|screen-reader", re.IGNORECASE)
_HOME_LINK = re.compile(
    r"^(?:https?://[^/]+)?/?(?:[a-z]{2}(?:-[a-z]{2})?/?)?(?:index\.\w+)?$", re.IGNORECASE
)
_NOT_TEXT = ("script", "style", "noscript", "template")
_PUBLISHED_CLASS = re.compile(r"publish|posted|created|entry-date|pubdate|dateline", re.IGNORECASE)
_MODIFIED_CLASS = re.compile(r"updat|modif|edited|revis", re.IGNORECASE)
# Where a page shows other dates than the article's: comments, other stories, the masthead's
# "today".
_ASIDE_AREA = re.compile(
    r"comment|reply|related|sidebar|footer|recommend|masthead|navbar|menu", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What the page says about itself; None where it says nothing usable."""

    title: str | None = None
    date: dt.date | None = None
    author: str | None = None
    site: str | None = None
    language: str | None = None


@dataclass(slots=True)
class _Signals:
    """What the markup says about the page, read once from the parsed tree."""

    metas: dict[str, list[str]] = field(default_factory=dict)
    articles: list[dict[str, Any]] = field(default_factory=list)  # JSON-LD article objects
    pages: list[dict[str, Any]] = field(default_factory=list)  # JSON-LD pages, untyped nodes
    others: list[dict[str, Any]] = field(default_factory=list)  # JSON-LD sites, organisations
    title_tag: str = ""
    headings: list[str] = field(default_factory=list)  # <h1> texts but logos and hidden ones
    logos: list[str] = field(default_factory=list)  # <h1> texts that name the site
    heading_elements: list[Any] = field(default_factory=list)
    root: Any = None  # the parsed page, for what is read only when needed

    def meta(self, keys: tuple[str, ...]) -> Iterator[str]:
        """The values of these <meta> keys, in the order of ``keys``."""
        for key in keys:
            yield from self.metas.get(key, ())


def page_metadata(html: str, fields: Mapping[str, Any]) -> PageMetadata:
    """The page's metadata: ``fields`` is what trafilatura's bare_extraction found in ``html``.

    The page's own structured metadata (JSON-LD, OpenGraph, <meta>, <time>, its <h1>) comes
    first; trafilatura's guesses fill the gaps. Nothing here raises: a page that cannot be
    read gets trafilatura's fields.
    """
    try:
        signals = _signals(html)
        if signals is not None:
            return _from_signals(signals, html, fields)
    except Exception:  # hostile or broken markup: trafilatura's reading is what there is
        pass
    return _fallback(html, fields)


def _from_signals(signals: _Signals, html: str, fields: Mapping[str, Any]) -> PageMetadata:
    sites = _site_names(signals, fields)
    author = _author(signals, fields, sites)
    names = sites | {_squash(name) for name in (author or "").split(", ")} - {""}
    title = _title(signals, sites, _Site(frozenset(names), html), fields) or _title_tag(html)
    return PageMetadata(
        title=title or None,
        date=_date(signals, fields, html, title),
        author=author,
        site=_site(signals, fields, title),
        language=_field(fields, "language").split("-")[0] or None,
    )


def _fallback(html: str, fields: Mapping[str, Any]) -> PageMetadata:
    return PageMetadata(
        title=_field(fields, "title") or _title_tag(html) or None,
        date=_guessed_date(fields, html),
        author=_clean_names([_field(fields, "author")], set()),
        site=_field(fields, "sitename") or None,
        language=_field(fields, "language").split("-")[0] or None,
    )


def _field(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    return _text(value) if isinstance(value, str) else ""


def _title_tag(html: str) -> str:
    match = _TITLE_TAG.search(html, 0, 200_000)
    return _text(match.group(1)) if match else ""


# --- reading the markup ----------------------------------------------------------------------


def _signals(html: str) -> _Signals | None:
    if not _NON_SPACE.search(html):
        return None
    data = html[:_MAX_PAGE_CHARS].encode("utf-8", "replace")
    root = lxml_html.document_fromstring(data, parser=_PARSER)
    signals = _Signals()
    for element in itertools.islice(root.iter("meta"), _MAX_METAS):
        content = element.get("content")
        if content is None:
            content = element.get("value")  # pages saved by some tools keep it there
        content = _text(content or "")
        if not content:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            for key in (element.get(attribute) or "").lower().split():
                signals.metas.setdefault(key, []).append(content)
    for text in _json_ld_texts(html):
        _read_json_ld(text, signals)
    title = root.xpath("//head/title") or root.xpath("//title[not(ancestor::svg)]")
    if title:
        signals.title_tag = _text(_start_of_text(title[0], _MAX_TITLE_CHARS + 1))
    for heading in itertools.islice(root.iter("h1"), _MAX_HEADINGS):
        text = _text(_start_of_text(heading, _MAX_TITLE_CHARS + 1)).rstrip(_ANCHOR_MARKS)
        if not text or len(text) > _MAX_TITLE_CHARS:
            continue
        if _is_logo(heading) or _HIDDEN.search(heading.get("class") or ""):
            signals.logos.append(text)  # a hidden <h1> names the site for search engines
        else:
            signals.headings.append(text)
            signals.heading_elements.append(heading)
    signals.root = root
    return signals


def _is_logo(heading: Any) -> bool:
    """Whether an <h1> holds the site's logo or name (a picture, a link home), not a headline."""
    if _LOGO.search(f"{heading.get('class') or ''} {heading.get('id') or ''}"):
        return True
    for element in itertools.islice(heading.iter("a", "img", "svg"), 8):
        if element.tag != "a" or _HOME_LINK.match(element.get("href") or "x"):
            return True
    return False


def _start_of_text(element: Any, limit: int) -> str:
    """About the first ``limit`` characters of an element's text (a whole article may follow)."""
    chunks: list[str] = []
    size = 0
    for chunk in element.itertext():
        chunks.append(chunk)
        size += len(chunk.strip())  # markup's indentation does not count
        if size >= limit:
            break
    return "".join(chunks)


def _text(value: str) -> str:
    """``value`` with its whitespace collapsed and the entities it still holds decoded.

    JSON-LD is not markup, and many sites escape their meta tags twice: both can carry
    "&#8217;" where the page shows "’".
    """
    if "&" in value:
        value = unescape(value)
    return " ".join(unicodedata.normalize("NFC", value).split())


def _json_ld_texts(html: str) -> list[str]:
    """The JSON-LD scripts, found in the raw page: sites often put them at its very end."""
    texts: list[str] = []
    position = 0
    while len(texts) < _MAX_SCRIPTS:
        opening = _JSON_LD_OPEN.search(html, position, _MAX_JSON_LD_PAGE_CHARS)
        if opening is None:
            break
        closing = _SCRIPT_CLOSE.search(html, opening.end(), _MAX_JSON_LD_PAGE_CHARS)
        if closing is None:
            break
        texts.append(html[opening.end() : closing.start()])
        position = closing.end()
    return texts


def _read_json_ld(text: str, signals: _Signals) -> None:
    text = _CDATA.sub("", text[:_MAX_SCRIPT_CHARS])
    try:
        data = json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return
    for node in _json_objects(data):
        kinds = node.get("@type")
        names = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
        names = [str(name).rsplit("/", 1)[-1] for name in names]
        if any(_ARTICLE_TYPE.search(name) for name in names):
            signals.articles.append(node)
        elif not names or any(_PAGE_TYPE.search(name) for name in names):
            signals.pages.append(node)
        else:
            signals.others.append(node)


def _json_objects(data: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document (lists, @graph, nested values), bounded."""
    queue: deque[tuple[Any, int]] = deque([(data, 0)])
    seen = 0
    while queue and seen < _MAX_JSON_NODES:
        node, depth = queue.popleft()
        seen += 1
        if depth > _MAX_JSON_DEPTH:
            continue
        if isinstance(node, list):
            queue.extend((item, depth + 1) for item in node[:_MAX_JSON_NODES])
        elif isinstance(node, dict):
            yield node
            for key, value in node.items():
                if key in _JSON_LD_CONTAINERS:
                    queue.append((value, depth + 1))


def _marked_dates(root: Any) -> tuple[list[dt.date], list[dt.date]]:
    """Dates the markup marks as published (itemprop, pubdate, class), and other <time>s."""
    published: list[dt.date] = []
    times: list[dt.date] = []
    for element in root.xpath(_MARKED_DATES)[:_MAX_TIMES]:
        if date := _element_date(element):
            published.append(date)
    for element in itertools.islice(root.iter("time"), _MAX_TIMES):
        itemprop = element.get("itemprop")
        if itemprop in _DATE_ITEMPROPS or element.get("datetime") is None:
            if element.get("pubdate") is not None and (date := _element_date(element)):
                published.append(date)
            continue
        classes = f"{element.get('class') or ''} {element.get('id') or ''}"
        is_published = _PUBLISHED_CLASS.search(classes) or element.get("pubdate") is not None
        if not is_published and (_MODIFIED_CLASS.search(classes) or _in_aside(element)):
            continue
        if date := _element_date(element):
            (published if is_published else times).append(date)
    return published, times


def _element_date(element: Any) -> dt.date | None:
    """The date an element states: as printed when its text agrees with its attribute.

    ``<time datetime="2016-12-01T23:29Z">December 2, 2016</time>`` is the 2nd where the page
    was written: the attribute is often in UTC, the text in the publisher's time zone.
    """
    value = element.get("datetime") or element.get("content") or element.get("value")
    stated = _parse_date(value) if value else None
    text = _text(_start_of_text(element, _MAX_DATELINE_LINE))
    printed = next((m.resolve() for m in find_dates(text) if m.year is not None), None)
    printed = _plausible(printed)
    if printed is not None and (stated is None or abs((printed - stated).days) <= 1):
        return printed
    return stated


def _in_aside(element: Any) -> bool:
    """Whether an element sits in comments, a list of other stories, navigation or a footer."""
    for _ in range(12):
        element = element.getparent()
        if element is None:
            return False
        where = f"{element.get('class') or ''} {element.get('id') or ''}"
        if element.tag in ("footer", "aside", "nav") or _ASIDE_AREA.search(where):
            return True
    return False


# --- the fields ------------------------------------------------------------------------------


def _strings(value: Any) -> list[str]:
    """The text values of a JSON-LD property: a string, a list of them, or objects' names."""
    if isinstance(value, str):
        return [_text(value)] if value.strip() else []
    if isinstance(value, dict):
        return _strings(value.get("name"))
    if isinstance(value, list):
        return [text for item in value[:20] for text in _strings(item)]
    return []


def _squash(text: str) -> str:
    return _SQUASH.sub("", unicodedata.normalize("NFKC", text).casefold())


def _site_names(signals: _Signals, fields: Mapping[str, Any]) -> set[str]:
    """Squashed names the site goes by: declared names, the publisher, the host's main label."""
    names = [*signals.meta(_SITE_KEYS), *signals.logos]
    for node in signals.articles + signals.pages:
        names.extend(_strings(node.get("publisher")))
    for node in signals.others:
        if node.get("@type") in ("WebSite", "Organization", "NewsMediaOrganization"):
            names.extend(_strings(node.get("name")))
    host = _field(fields, "hostname")
    for url in signals.meta(("og:url",)):
        host = host or re.sub(r"^\w+://([^/]+).*$", r"\1", url)
    labels = [label for label in host.lower().split(".") if label not in ("www", "m", "amp")]
    names.extend(label for label in labels[:-1] if len(label) >= 3)
    short = (name for name in names if len(name.split()) <= _MAX_SITE_WORDS)
    return {squashed for name in short if len(squashed := _squash(name.lstrip("@"))) >= 2}


@dataclass(frozen=True, slots=True)
class _Site:
    """What tells a site's name (or the author's) from a headline in a page's title."""

    names: frozenset[str]  # squashed
    page: str = ""  # the page's markup

    def matches(self, segment: str) -> bool:
        squashed = _squash(segment)
        if not squashed:
            return True
        for site in self.names:
            if squashed == site or (len(squashed) >= 3 and squashed in site):
                return True
            if len(site) >= 4 and site in squashed and len(squashed) <= len(site) + 8:
                return True  # "Yahoo News", "Spiceworks Inc"; not "Apple unveils iPhone"
        return False

    def repeated(self, segment: str, rest: str) -> bool:
        """Whether the body repeats ``segment`` (as a site does its name), more than ``rest``."""
        if len(segment.split()) > _MAX_SITE_WORDS or len(segment) > 40:
            return False
        body = _BODY_TAG.search(self.page, 0, _MAX_PAGE_CHARS)
        start = body.start() if body else 0
        count = self.page.count(segment.strip(), start, _MAX_PAGE_CHARS)
        return count >= _SITE_REPEATS and count > self.page.count(
            rest.strip(), start, _MAX_PAGE_CHARS
        )


def _clean_title(title: str, site: _Site, others: list[str]) -> str:
    """The headline in ``title``: the site's name around it dropped, or a heading it contains."""
    cuts = [(m.start(), m.end()) for m in _TITLE_SEPARATOR.finditer(title) if m.start() > 0]
    if not cuts:
        return title
    starts = [0, *(end for _, end in cuts)]
    ends = [*(start for start, _ in cuts), len(title)]
    parts = [title[a:b] for a, b in zip(starts, ends, strict=True)]
    wanted = {_squash(other) for other in others}
    best = ""
    for first in range(min(len(parts), _MAX_TITLE_PARTS)):
        for last in range(first, min(len(parts), first + _MAX_TITLE_PARTS)):
            if (first, last) != (0, len(parts) - 1):
                piece = title[starts[first] : ends[last]].strip()
                if _squash(piece) in wanted and len(piece) > len(best):
                    best = piece
    if best:
        return best
    first, last = 0, len(parts) - 1
    while last > first and site.matches(parts[last]):
        last -= 1
    while last > first and site.matches(parts[first]):
        first += 1
    if (first, last) == (0, len(parts) - 1):
        # No declared name: the site's own name ends the title and recurs in the body (logo,
        # footer). A leading part that recurs is more often the topic ("Minecraft 1.8 - ...").
        rest = title[: ends[-2]]
        if len(parts[-1]) < len(rest) and site.repeated(parts[-1], rest):
            last -= 1
    return title[starts[first] : ends[last]].strip() or title


def _title(
    signals: _Signals, sites: set[str], site: _Site, fields: Mapping[str, Any]
) -> str | None:
    """The page's headline: its most trusted statement, cleaned, in the words of its <h1>.

    The metadata title (JSON-LD first, then OpenGraph and the other meta tags, then <title>)
    gives way to <title> when the <title> and an <h1> agree on another headline: the sharing
    title is then an alternative one ("Schrödinger's Hack" for "Hacking, Cryptography...").
    """
    sources = _title_sources(signals)
    page_title = signals.title_tag if len(signals.title_tag) <= _MAX_TITLE_CHARS else ""
    in_wrong_field = {_squash(text) for text in [*sources, page_title]}  # as the site's name
    sites = sites - in_wrong_field
    site = _Site(site.names - in_wrong_field, site.page)
    headings = [h for h in signals.headings if not _is_generic(h, sites)]
    others = [*headings, *sources, page_title]
    cleaned = [_clean_title(text, site, others) for text in [*sources, page_title]]
    usable = [text for text in cleaned if _squash(text) and not _is_generic(text, sites)]
    if not usable:
        return headings[0] if headings else _field(fields, "title") or None
    title, page_title = usable[0], cleaned[-1]
    agreed = any(_squash(heading) == _squash(page_title) for heading in headings)
    if agreed and page_title in usable and _similarity(title, page_title) < 0.5:
        title = page_title
    return _in_heading_words(title, headings)


def _title_sources(signals: _Signals) -> list[str]:
    """The titles the metadata states, most trusted first (JSON-LD, then <meta>)."""
    sources: list[str] = []
    for node in signals.articles[:1]:
        headline = _strings(node.get("headline"))[:1]
        sources.extend(headline or _strings(node.get("name"))[:1])
    for key in _TITLE_KEYS:
        sources.extend(signals.metas.get(key, [])[:1])
    return [text for text in sources if len(text) <= _MAX_TITLE_CHARS]


def _similarity(a: str, b: str) -> float:
    """Share of words in common (Jaccard)."""
    first, second = _words(a), _words(b)
    return len(first & second) / len(first | second) if first and second else 0.0


def _in_heading_words(title: str, headings: list[str]) -> str:
    """The <h1> that states ``title`` (same words, or more of them), else ``title``.

    The visible headline keeps the page's typography (curly quotes, accents) and is often
    the full version of a title shortened for search results.
    """
    words = _words(title)
    if not words:
        return title
    best, best_share = title, 0.0
    key = _squash(title)
    for heading in headings:
        heading_key = _squash(heading)
        if heading_key == key or (heading_key in key and len(heading_key) >= 0.6 * len(key)):
            return heading  # the same, or the title with a tag added ("... (Published 2016)")
        heading_words = _words(heading)
        shared = len(words & heading_words)
        if len(heading_words) > len(words) and shared / len(words) >= 0.85:
            share = shared / len(heading_words)
            if share >= 1 / 3 and share > best_share:
                best, best_share = heading, share
    return best


def _words(text: str) -> set[str]:
    return set(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def _is_generic(title: str, sites: set[str]) -> bool:
    return _squash(title) in sites


def _plausible(date: dt.date | None) -> dt.date | None:
    """The date if it could be a web page's: not in the future, not before 1900."""
    if date is None or date.year < 1900 or date > dt.date.today() + dt.timedelta(days=1):
        return None
    return date


def _parse_date(value: str) -> dt.date | None:
    value = value.strip()
    if value.isdigit() and len(value) in (10, 13):  # seconds or milliseconds since 1970
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        return _plausible(dt.datetime.fromtimestamp(seconds, dt.UTC).date())
    with warnings.catch_warnings():  # dateutil warns about time zone names it does not know
        warnings.simplefilter("ignore", UnknownTimezoneWarning)
        try:
            return _plausible(parse_structured_date(value))
        except (ValueError, OverflowError):
            return None


def _date(signals: _Signals, fields: Mapping[str, Any], html: str, title: str) -> dt.date | None:
    """The publication date: the first that the page's sources give, most trusted first."""
    return next((date for date in _dates(signals, fields, html, title) if date), None)


def _dates(
    signals: _Signals, fields: Mapping[str, Any], html: str, title: str
) -> Iterator[dt.date | None]:
    """JSON-LD and OpenGraph published dates, marked-up ones (itemprop, pubdate), the other
    date meta tags, the first <time>; then trafilatura's guess; then the headline's dateline.
    Modified dates are never used: an old article updated yesterday is still old."""
    for node in signals.articles:
        yield from map(_parse_date, _strings(node.get("datePublished"))[:1])
    yield from map(_parse_date, signals.meta(_PUBLISHED_KEYS[:6]))
    published, times = _marked_dates(signals.root)  # read only when the metadata is silent
    yield from published
    for node in signals.articles + signals.pages:
        for key in _JSON_LD_DATES:
            yield from map(_parse_date, _strings(node.get(key))[:1])
    yield from map(_parse_date, signals.meta(_PUBLISHED_KEYS[6:]))
    yield from times[:1]
    yield _guessed_date(fields, html)
    yield _date_by_headline(signals, title)


def _date_by_headline(signals: _Signals, title: str) -> dt.date | None:
    """The first full date written just below the page's headline (its dateline)."""
    best, best_similarity = None, 0.5
    for heading, element in zip(signals.headings, signals.heading_elements, strict=True):
        similarity = _similarity(heading, title)
        if similarity > best_similarity:
            best, best_similarity = element, similarity
    if best is None:
        return None
    seen = 0
    for chunk in _text_after(best):
        line = " ".join(chunk.split())
        seen += len(line)
        if seen > _MAX_DATELINE_CHARS:
            break
        if line and len(line) <= _MAX_DATELINE_LINE:  # a dateline, not a sentence naming a date
            for mention in find_dates(line):
                if mention.year is not None:
                    return _plausible(mention.resolve())
    return None


def _text_after(element: Any) -> Iterator[str]:
    """The text that follows ``element`` in the page, in order, scripts and styles left out."""
    visited = 0
    node = element
    while node is not None and visited < _MAX_DATELINE_NODES:
        if node.tail:
            yield node.tail
        sibling = node.getnext()
        while sibling is not None and visited < _MAX_DATELINE_NODES:
            for event, descendant in etree.iterwalk(sibling, events=("start", "end")):
                if event == "start":
                    visited += 1
                    if descendant.text and descendant.tag not in _NOT_TEXT:
                        yield descendant.text
                elif descendant.tail:
                    yield descendant.tail  # the sibling's own tail too
                if visited >= _MAX_DATELINE_NODES:
                    return
            sibling = sibling.getnext()
        node = node.getparent()


def _guessed_date(fields: Mapping[str, Any], html: str) -> dt.date | None:
    """trafilatura's date, unless it is a year alone ("© 2019") read as 1 January."""
    date = _parse_date(_field(fields, "date"))
    if date and (date.month, date.day) == (1, 1) and not _states(html, date):
        return None
    return date


def _states(html: str, date: dt.date) -> bool:
    year = date.year
    forms = (f"{year}-01-01", f"{year}/01/01", f"{year}.01.01", f"{year}年1月1日", f"{year}年01月")
    return any(form in html for form in forms)


def _clean_names(values: list[str], sites: set[str]) -> str | None:
    """The people in author fields: "By", e-mails, links and page furniture dropped.

    A name that is the site's own ("ABC News") is skipped; ``sites`` empty keeps it.
    """
    names: list[str] = []
    for value in values:
        if _URL.fullmatch(value.strip()):
            continue  # a profile page, not a name
        for part in _NAME_SEPARATOR.split(value):
            name = _clean_name(part)
            if name is None or _squash(name) in sites:
                continue
            if name.casefold() not in (known.casefold() for known in names):
                names.append(name)
    return ", ".join(names[:_MAX_AUTHORS]) or None


def _clean_name(value: str) -> str | None:
    value = _URL.sub(" ", _EMAIL.sub(" ", value))
    value = _BYLINE_LEAD.sub("", _text(value)).strip(" .:-–—|@")
    if _BYLINE_FURNITURE.match(value):
        return None  # "Updated Oct 9"
    for tail in (_BYLINE_FURNITURE, _JOB_TITLE, _TRAILING_MONTH):
        shorter = tail.sub("", value)
        if len(shorter.split()) >= 2:
            value = shorter
        elif tail is _JOB_TITLE and shorter != value:
            return None  # "AP Auto Writer", "CNN Editor-at-large": a role, not a person
    if not value or _NOT_A_NAME.match(value) or len(value) > 60 or len(value.split()) > 5:
        return None
    if _DOMAIN.match(value):
        return None  # "Cleveland.com": the site
    if not any(ch.isalpha() for ch in value):
        return None
    return value


def _people(value: Any) -> list[str]:
    """The names in a JSON-LD author: its persons, or else its organisations."""
    items = value[:_MAX_AUTHORS] if isinstance(value, list) else [value]
    persons = [
        item
        for item in items
        if not (isinstance(item, dict) and _ORGANISATION.search(str(item.get("@type") or "")))
    ]
    return [name for item in persons or items for name in _strings(item)]


def _author(signals: _Signals, fields: Mapping[str, Any], sites: set[str]) -> str | None:
    """The article's authors: JSON-LD, then author meta tags, then trafilatura's byline.

    The site's own name is passed over while another source names someone; on a personal
    site the author and the site share it, and then it is the author.
    """
    candidates = [_people(node.get("author") or node.get("creator")) for node in signals.articles]
    candidates.extend(signals.metas.get(key, []) for key in _AUTHOR_KEYS)
    candidates.append([_field(fields, "author")])
    for skipped in (sites, set()):
        for values in candidates:
            if names := _clean_names(values, skipped):
                return names
    return None


def _site(signals: _Signals, fields: Mapping[str, Any], title: str) -> str | None:
    """The site's name: declared (OpenGraph, the publisher), else trafilatura's guess."""
    names = [*signals.meta(_SITE_KEYS[:1])]
    names.extend(name for node in signals.articles for name in _strings(node.get("publisher")))
    names.extend(signals.meta(_SITE_KEYS[1:2]))
    names.append(_field(fields, "sitename"))
    names = [name.lstrip("@") for name in names]  # "@politifact"
    short = (n for n in names if 0 < len(n.split()) <= _MAX_SITE_WORDS and not _URL.fullmatch(n))
    return next((name for name in short if _squash(name) != _squash(title)), None)
