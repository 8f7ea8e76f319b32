"""Title, date, source, byline and clean body from article text copied off the web.

Text copied from a news site carries the site around the article: breadcrumbs, share buttons,
"ALSO READ" links, editor credits, stray numbers, other stories' headlines. The rules here are
general (they look at the shape of lines, not at particular outlets): the article body is the
run of prose paragraphs; the lines before it are the header, where the title, the date line and
the byline live; navigation and other stories are removed from the body but kept as searchable
"removed" text, and the original file is always kept untouched.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from reader.core.dates import DateMention, find_dates
from reader.core.language import detect_language, script_of
from reader.core.models import Block, ExtractedDocument

_ZERO_WIDTH = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"))
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_WORD = re.compile(r"\w+")
# ASCII text is split into words by turning every character that is not in one into a space.
_ASCII_NON_WORD_TO_SPACE = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}
)
# Twenty or more words, counted only as far as the twentieth.
_TWENTY_WORDS = re.compile(r"\W*+(?:\w++\W*+){20}")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_SENTENCE_MARKS = (".", "!", "?", "。", "！", "？")
_CLOSING_MARKS = "\"'”’)]"
_STOPWORDS = frozenset(
    "a an the of to in on at for and or but with by from as is are was were be been this that"
    " it its his her their our your has have had will would said says he she they we you i not"
    " no into over after before about than which who whom".split()
)

# Interface labels of web pages; a line made only of these is navigation, not text.
_UI_WORDS = frozenset(
    "share shares shared sharing tweet print email e-mail mail comment comments like follow"
    " subscribe facebook twitter x linkedin whatsapp wechat weibo telegram reddit pinterest"
    " instagram youtube copy link save bookmark menu search home top back next previous prev"
    " more close login log sign up in register advertisement ad ads sponsored related read"
    " font size a+ a- text listen audio video photo photos gallery suggest to friend feedback"
    " newsletter rss download app copied flipboard mailto later reply replies tags tag english"
    " 中文 settings sections account profile edition e-edition trending".split()
)
_BOILERPLATE_START = re.compile(
    r"^\W*(also read|read also|read more|more to read|see also|related( articles?| stories| news)?"
    r"|recommended|you may (also )?like|trending|most (read|popular|viewed)|more from|click here"
    r"|sign up|subscribe|follow us|copyright|all rights reserved|©|\(c\) \d{4}|advertisement"
    r"|skip to|jump to|enter your email|get the .{0,40} (delivered )?to your inbox"
    r"|you are receiving|view this email|unsubscribe|leave a (comment|reply)|reuse this content"
    r"|opens new tab|purchase licensing|lesen sie auch|mehr zum thema|lire aussi|à lire aussi"
    r"|leer más|関連(ニュース|記事)"
    r"|相关(新闻|阅读|文章|报道)|延伸阅读|推荐阅读|更多|打印本页|关闭窗口)(?!\w)",
    re.IGNORECASE,
)
# Cookie walls and consent banners copied along with the page.
_CONSENT = re.compile(
    r"\bcookies?\b.{0,200}\b(agree|accept|consent|partners|settings|preferences|personal data)"
    r"|\b(agree|accept|consent)\b.{0,80}\bcookies?\b|^(accept|reject) all\b"
    r"|^manage (preferences|settings)",
    re.IGNORECASE,
)
# Photo captions and credits: "[Photo/Xinhua]", "| Photo Credit:", "REUTERS/Name", "Name / Outlet".
_CAPTION = re.compile(
    r"(?i:\[(?:photo|image|pic|video)[^\]]*\]\s*$|photo credit|\|\s*photo\b)|^\[\d+/\d+\]"
    r"|\b(?:REUTERS|AFP|AP Photo|Getty Images|EPA|Xinhua|IANS|PTI)\s*/\s*\w|/\s*File Photo\b"
    r"|\.\s+[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3}\s*/\s*[A-Z][\w'’. -]{2,40}$",
)
_CAPTION_LABEL = re.compile(
    r"^(image|photo|picture|video)\s+(caption|source|credit)s?\b", re.IGNORECASE
)
_READING_TIME = re.compile(
    r"^\d+\s*(min|mins|minutes?)(\s+read)?$|^\d[\d,.]*\s*[km]?\s+followers?$", re.IGNORECASE
)
_LEAD_REPORTER = re.compile(
    r"\((?:reporter|reported by|by|correspondent)\s+"
    r"(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3})\)",
    re.IGNORECASE,
)
_LEAD_IN_HEADLINE = re.compile(r"^(?P<headline>[A-Z0-9'’ ]{20,}[A-Z])\s+[-–—]+\s+(?=[A-Z])")
_PERSON_NAME = re.compile(r"[A-Z][a-z'’-]+(?:\s+(?:[A-Z]\.|[A-Z][a-z'’-]+|Mac[A-Z][a-z]+)){1,3}")
_CREDIT = re.compile(
    r"^\W*(web editor|editor|editors|edited by|editing by|editor in charge|responsible editor"
    r"|chief editor|translated by|translator|translation|proofread by|photo by|photos by|photo"
    r"|image|images|graphic|video|责任编辑|编辑|责编|校对|审核|翻译)\s*[:：]",
    re.IGNORECASE,
)
_BREADCRUMB_SEP = re.compile(r"\s*(?:>|»|›|→|/|\\|::)\s*")
_LABELLED_SOURCE = re.compile(
    r"(?:^|[|·•,;\s]\s*)(?:source|来源|出处|via)\s*[:：]\s*(?P<src>[^|·•;]+)", re.IGNORECASE
)
_BYLINE = re.compile(
    r"(?:^|[\s|·•,(])(?:by|written by|author|authors|reporter|reported by|words by|text by"
    r"|作者|记者|文)\s*[:：]?\s+(?P<name>[^\W\d_][\w.'’-]*(?:\s+(?:[^\W\d_][\w.'’-]*|de|van|von|"
    r"da|al|bin|el|la|le))*)",
    re.IGNORECASE,
)
_CREDIT_WORD = re.compile(
    r"\b(?:report|reported|story|words|text|written|edited|posted|filed|photos?|interview"
    r"|analysis|compiled)$",
    re.IGNORECASE,
)
_BYLINE_CJK = re.compile(r"(?:作者|记者|文)\s*[:：|丨]?\s*(?P<name>[\u4e00-\u9fff·]{2,4})")
_DATELINE_AGENCY = re.compile(
    r"^[A-Z][A-Za-z .,'’-]{1,40}?,?\s*(?:[A-Za-z]{3,9}\.?\s+\d{1,2}(?:,?\s+\d{4})?\s*)?"
    r"(?:\((?!reporter|by )(?P<agency>[A-Za-z][\w&.'’ -]{1,40})\)"
    r"|/(?P<wire>[A-Za-z][\w&.' -]{1,30})/)\s*[-–—:]"
)
_AGENCY_LEAD = re.compile(
    r"^(?P<agency>(?:[A-Z][\w&.'’-]*\s+){0,4}(?:News Agency|Press Agency|Agency|News Service"
    r"|Press|Wire|Newswire|News|Times|Post|Daily|Herald|Telegraph|Tribune|Journal))\s*[,:(]"
)
_DATE_LABEL = re.compile(
    r"\b(?:date|dated|published|publish date|posted|updated|last updated|modified|released"
    r"|issued|time|on|at|发布时间|发布日期|时间|日期|更新)\b\s*[:：]?",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?|hrs|h|GMT|UTC|BST|EST|EDT|CST|IST"
    r"|[+-]\d{2}:?\d{2})?\b",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?"
    r"\b\.?,?",
    re.IGNORECASE,
)
_SOURCE_SUFFIX = re.compile(
    r"\s+(?:bureau|desk|news desk|staff|staff reporter|correspondent|team"
    r"|online|web desk|digital)$",
    re.IGNORECASE,
)
_EDITOR_NOTE = re.compile(r"\(\s*(?:web )?editors?\s*[:：].*\)", re.IGNORECASE)
_NUMBER_JUNK = re.compile(r"[\d\s,.#:/()+-]*")
_UI_TOKEN = re.compile(r"[\w+-]+")
_PROSE_PUNCT = re.compile(r"[.!?;:,。！？；，]")
_DIGIT = re.compile(r"\d")
_ALNUM_ID = re.compile(r"\b(?=\w*[A-Za-z])(?=\w*\d)\w{6,}\b")
_BIG_NUMBER = re.compile(r"(?<![\d,.])\b(?!(?:19|20)\d\d\b)\d{3,}\b(?![,.]\d)")

_HEADER_LIMIT = 40
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_MAX_TITLE_CHARS = 300


@dataclass(slots=True)
class _Block:
    """A paragraph of the input with what the rules found out about it."""

    text: str
    index: int
    kind: str = "text"  # text, prose, nav, meta, junk, teaser, title, dup
    dates: list[DateMention] = field(default_factory=list)


def normalize(text: str) -> str:
    """Unify line ends, drop zero-width characters and the BOM, turn odd spaces into plain ones."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    if not text.isascii():
        text = text.translate(_ZERO_WIDTH)
    return "\n".join(map(str.rstrip, text.split("\n")))


def _ends_sentence(text: str) -> bool:
    """True when a sentence mark ends the text (maybe inside quotes or brackets, or a newline)."""
    # Looked for from the end: a regex would be tried at every full stop of a long paragraph.
    text = text.removesuffix("\n")
    return text.rstrip(_CLOSING_MARKS).endswith(_SENTENCE_MARKS)


def _clean_line(line: str) -> str:
    # Most lines have no run of spaces to squeeze: skip the regex, which would scan them for none.
    if line.isascii() and "  " not in line and "\t" not in line:
        return line.strip()
    return _SPACES.sub(" ", line).strip()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \u3000"))


def _wrap_width(runs: list[list[str]]) -> int | None:
    """The column a hard-wrapped text was wrapped at, or None if lines are whole paragraphs."""
    lengths = sorted(len(line.strip()) for run in runs if len(run) > 1 for line in run[:-1])
    if len(lengths) < 8:
        return None
    p90 = lengths[int(len(lengths) * 0.9) - 1]
    median = lengths[len(lengths) // 2]
    if p90 > 110 or median < 30:
        return None
    return p90


def paragraphs_from_text(text: str) -> list[str]:
    """Split plain text into paragraphs, re-joining hard-wrapped lines."""
    runs: list[list[str]] = [[]]
    for line in normalize(text).split("\n"):
        if line:  # normalize() left blank lines empty
            runs[-1].append(line)
        elif runs[-1]:
            runs.append([])
    runs = [run for run in runs if run]
    width = _wrap_width(runs)
    paragraphs: list[str] = []
    for run in runs:
        if width is None:
            paragraphs.extend(map(_clean_line, run))
            continue
        current = [run[0]]
        for previous, line in itertools.pairwise(run):
            prev_text = previous.strip()
            starts_new = (
                _indent(line) > _indent(previous)
                or (len(prev_text) < 0.6 * width and _ends_sentence(prev_text))
                or len(prev_text) < 0.35 * width
                # The next word would have fitted with room to spare: the break was meant.
                or len(prev_text) + 1 + len(line.split()[0]) <= 0.85 * width
            )
            if starts_new:
                paragraphs.append(_join_wrapped(current))
                current = [line]
            else:
                current.append(line)
        paragraphs.append(_join_wrapped(current))
    return [p for p in paragraphs if p]


def _join_wrapped(lines: list[str]) -> str:
    out = ""
    for raw in lines:
        line = _clean_line(raw)
        if not out:
            out = line
        elif out.endswith("-") and line[:1].islower() and not out.endswith(" -"):
            out += line  # a word hyphenated at the line end
        elif _CJK.match(line[:1]) and _CJK.match(out[-1:]):
            out += line  # CJK text has no spaces between wrapped lines
        else:
            out += " " + line
    return out


def _words(text: str) -> list[str]:
    if text.isascii():
        # Lower-casing ASCII is casefolding it, and it moves no word boundary (as "İ" would).
        return text.lower().translate(_ASCII_NON_WORD_TO_SPACE).split()
    return [w.casefold() for w in _WORD.findall(text)]


@functools.lru_cache(maxsize=1024)  # asked up to three times of each header line
def _content_words(text: str) -> frozenset[str]:
    # Each distinct word tested once: a lead of three paragraphs repeats many.
    words = {w for w in set(_words(text)) - _STOPWORDS if len(w) > 2 and not w.isdigit()}
    if not text.isascii():
        # CJK runs count by character pairs, since there are no spaces between words.
        for run in re.findall(r"[\u3400-\u9fff]+", text):
            words.update(run[i : i + 2] for i in range(len(run) - 1))
    return frozenset(words)


@functools.lru_cache(maxsize=1024)  # asked up to three times of each line by _classify
def _is_consent(text: str) -> bool:
    # Every branch of _CONSENT needs one of these (checked first: the regex scans slowly).
    folded = text.casefold()
    if "cookie" not in folded and not folded.startswith(("accept", "reject", "manage")):
        return False
    return _CONSENT.search(text) is not None


def _is_caption(text: str) -> bool:
    # Every branch of _CAPTION needs a "/", a "[" or the word photo.
    if "/" not in text and "[" not in text and "photo" not in text.casefold():
        return False
    return _CAPTION.search(text) is not None


@functools.lru_cache(maxsize=1024)  # asked twice of most lines by _classify
def _is_prose(text: str) -> bool:
    if not text.isascii() and len(_CJK.findall(text)) >= 40:
        return True
    # Twenty words take at least 39 characters; the cheap tests first.
    if len(text) < 39 or _PROSE_PUNCT.search(text) is None:
        return False
    return _TWENTY_WORDS.match(text) is not None


def _is_breadcrumb(text: str) -> bool:
    # A string test, where a regex anchored at the end would be tried at every position.
    if text.rstrip().endswith((">", "»", "›", "→")):
        return True
    if _ends_sentence(text):
        return False
    parts = [p for p in _BREADCRUMB_SEP.split(text) if p]
    if len(parts) >= 2 and re.search(r"\s(?:>|»|›|→|::)\s", text):
        return all(len(_WORD.findall(p)) <= 5 for p in parts)
    # A menu: "Football | Rugby | Cricket", "Home / China / Society".
    items = [p for p in re.split(r"\s+[|/·•]\s+", text) if p.strip()]
    return len(items) >= 3 and all(len(_WORD.findall(p)) <= 2 for p in items)


def _is_ui_line(text: str) -> bool:
    if len(text) > 120:
        return False
    words = [w for w in _UI_TOKEN.findall(text.casefold()) if not w.strip("+-").isdigit()]
    words = [w if w in _UI_WORDS else w.strip("-") for w in words]
    if not words:
        return not re.search(r"\w", text)
    return len(words) <= 8 and all(w in _UI_WORDS for w in words)


def _is_number_junk(text: str) -> bool:
    return _NUMBER_JUNK.fullmatch(text) is not None or len(text.strip()) <= 2


def _is_garbled(text: str) -> bool:
    """An image caption or file name turned into text: ids, long numbers, no sentence."""
    if _ends_sentence(text) or len(text) > 200 or not _DIGIT.search(text):
        return False  # both kinds of oddity have digits
    oddities = len(_ALNUM_ID.findall(text)) + len(_BIG_NUMBER.findall(text))
    return oddities >= 2 or (oddities >= 1 and text[:1].islower())


def _strip_meta(text: str, dates: list[DateMention]) -> str:
    """What is left of a line once dates, times, weekdays and date labels are taken out."""
    for mention in sorted(dates, key=lambda m: m.start, reverse=True):
        text = text[: mention.start] + " " + text[mention.end :]
    if ":" in text:  # every time has one
        text = _TIME.sub(" ", text)
    text = _WEEKDAY.sub(" ", text)
    text = _DATE_LABEL.sub(" ", text)
    return _clean_line(text.strip(" |·•,;:-–—/"))


def _has_byline(text: str) -> bool:
    return _byline_name(text) is not None


def _classify(block: _Block) -> None:
    text = block.text
    # Dates matter in date lines and headlines; a long paragraph's dates are not its own.
    block.dates = find_dates(text) if len(text) <= _MAX_TITLE_CHARS else []
    if _BOILERPLATE_START.search(text) or _is_ui_line(text) or _is_breadcrumb(text):
        block.kind = "nav"
    elif _is_consent(text) or _READING_TIME.search(text) or _CAPTION_LABEL.search(text):
        block.kind = "nav"
    elif _is_caption(text) and len(_WORD.findall(text)) < 60:
        block.kind = "nav"
    elif _CREDIT.search(text) and not _is_prose(text):
        block.kind = "nav"
    elif _EDITOR_NOTE.fullmatch(text):
        block.kind = "nav"
    elif block.dates and not _strip_meta(text, block.dates):
        block.kind = "meta"  # a bare date
    elif _is_number_junk(text):
        block.kind = "junk"
    elif _is_prose(text) and text.rstrip().endswith(("...", "…")):
        block.kind = "teaser"
    elif _is_prose(text):
        block.kind = "prose"
    elif _LABELLED_SOURCE.search(text) or (
        block.dates and len(_strip_meta(text, block.dates)) < 60 and not _title_after_date(block)
    ):
        block.kind = "meta"
    elif _has_byline(text) and len(_WORD.findall(text)) <= 12:
        block.kind = "meta"
    elif _SOURCE_SUFFIX.search(text) and len(_WORD.findall(text)) <= 6:
        block.kind = "meta"  # "The Deccan Ledger Bureau"
    elif _is_garbled(_strip_meta(text, block.dates)):
        block.kind = "junk"


def _mark_neighbours(blocks: Sequence[_Block]) -> None:
    """Rules that look at neighbouring lines: caption labels, menus, bare author names."""
    for prev, block in itertools.pairwise(blocks):
        if _CAPTION_LABEL.search(prev.text) and len(_WORD.findall(prev.text)) <= 3:
            block.kind = "nav"  # "Image caption," then the caption itself
    # Three or more one- or two-word lines in a row: a menu.
    start = 0
    for end in range(len(blocks) + 1):
        short = (
            end < len(blocks)
            and blocks[end].kind in ("text", "nav")
            and len(_words(blocks[end].text)) <= 2
        )
        if short:
            continue
        if end - start >= 3:
            for block in blocks[start:end]:
                block.kind = "nav"
        start = end + 1
    for i, block in enumerate(blocks[:_HEADER_LIMIT]):
        if block.kind != "text" or not _is_person_name(block.text):
            continue
        neighbours = [b for b in (blocks[i - 1] if i else None, *blocks[i + 1 : i + 2]) if b]
        if any(b.kind == "meta" and b.dates for b in neighbours):
            block.kind = "meta"  # "Rachel Moore" next to the date line: the author


def _is_person_name(text: str) -> bool:
    first = text.split()[0].casefold() if text.split() else ""
    return (
        _PERSON_NAME.fullmatch(text) is not None
        and first not in _STOPWORDS
        and first not in _UI_WORDS
        and not _SOURCE_SUFFIX.search(text)
    )


def _headline_positions(header: Sequence[_Block]) -> set[int]:
    """Indexes of lines that head a cluster of header lines next to the date or byline.

    A headline sits directly above its standfirst, byline and date, or directly below a
    date line; of several title-like lines in such a cluster, the first is the headline.
    """
    positions: set[int] = set()
    run: list[_Block] = []
    for block in [*header, _Block("", -1, kind="end")]:
        if block.kind == "text":
            run.append(block)
            continue
        if block.kind == "junk":
            continue
        titled = [b for b in run if len(_words(b.text)) >= 3]
        if titled and (
            block.kind == "meta" or (run and run[0].index > 0 and _after_meta(header, run[0]))
        ):
            positions.add(titled[0].index)
        run = []
    return positions


def _after_meta(header: Sequence[_Block], first: _Block) -> bool:
    before = [b for b in header if b.index < first.index and b.kind not in ("nav", "junk")]
    return bool(before) and before[-1].kind == "meta"


def _title_after_date(block: _Block) -> str | None:
    """'date 2024-01-02 Xi, Kim announce ...': a headline that follows a leading date."""
    if not block.dates or block.dates[0].start > 20:
        return None
    rest = _strip_meta(block.text[: block.dates[0].end], block.dates[:1])
    after = _TIME.sub(" ", block.text[block.dates[0].end :])
    if len(_words(rest)) > 2:
        return None  # more than a label before the date: not a date line
    if re.match(r"\s*[|·•]", after):
        return None  # "September 24, 2016 | South China Morning Post": a field, not a headline
    tail = _clean_line(after.strip(" |·•,;:-–—/"))
    if len(_words(tail)) < 4 or _has_byline(tail) or _LABELLED_SOURCE.search(tail):
        return None
    return tail


@dataclass(slots=True)
class _Candidate:
    text: str
    block: _Block
    score: float = 0.0
    whole_block: bool = True  # False when the title is only the start of its paragraph


def _dominant_script(texts: Sequence[str]) -> str:
    return script_of(" ".join(texts)[:5000])


def _score_title(
    cand: _Candidate, rank: int, lead: frozenset[str], script: str, seen: dict[str, int]
) -> float:
    text = cand.text
    n_words = len(_words(text)) if not _CJK.search(text) else len(_CJK.findall(text)) // 2
    score = 0.0
    if 4 <= n_words <= 25:
        score += 2.0
    elif n_words == 3:
        score += 0.5
    elif n_words <= 2 or n_words > 35:
        score -= 3.0
    if text.endswith(".") and not text.endswith("..."):
        score -= 1.5
    if text[:1].isupper() or _CJK.match(text[:1]) or text[:1] in "\"“'‘":
        score += 0.5
    words = _content_words(text)
    if words and lead:
        shared = len(words & lead)
        # Share of the line's words found in the lead, and how many: a two-word line
        # that happens to share both should not beat a headline sharing five.
        score += 1.5 * shared / len(words) + 1.5 * min(1.0, shared / 4)
    if seen.get(text.casefold(), 0) > 1:
        score += 1.5
    if script_of(text) != script:
        score -= 5.0
    if len(text) > _MAX_TITLE_CHARS:
        score -= 4.0
    if _is_garbled(text):
        score -= 3.0
    if re.search(r"[.!?]\s+[A-Z]", text):
        score -= 1.5
    return score - 0.3 * min(rank, 3)


@dataclass(slots=True)
class _Meta:
    date: dt.date | None = None
    source: str | None = None
    byline: str | None = None


def _pretty_source(name: str) -> str | None:
    name = _clean_line(name.strip(" ()[]|·•,;:-–—"))
    name = _SOURCE_SUFFIX.sub("", name)
    if not name or len(name) > 60 or len(_words(name)) > 6 or find_dates(name):
        return None
    if name.islower():
        name = name.title()
    return name


def _byline_name(text: str) -> str | None:
    """The author's name in a byline ("By Jane Doe | Outlet", "记者 陈静"), or None."""
    for match in _BYLINE.finditer(text):
        name = re.split(r"\s*[(|,;·•]\s*|\s+(?:and|in|for|at|from|of)\s+", match.group("name"))[0]
        name = name.strip(" .'’-")
        parts = name.split()
        # A byline is a name: one to four capitalised words (or a CJK name) ...
        if not 1 <= len(parts) <= 4 or not all(p[:1].isupper() or _CJK.match(p) for p in parts):
            continue
        # ... and its "by" starts the line, follows a separator, is capitalised or follows a
        # credit word, unlike the "by" of a headline ("Orchestra hit by flooding").
        before = text[: match.start("name")].rstrip()
        keyword = before.split()[-1] if before.split() else ""
        previous = before[: len(before) - len(keyword)].rstrip()
        if (
            not previous
            or previous[-1] in "|·•,(:："
            or not keyword.startswith("by")
            or _CREDIT_WORD.search(previous) is not None
            or find_dates(previous)
        ):
            return name
    cjk = _BYLINE_CJK.search(text) if not text.isascii() else None  # it has CJK words
    return cjk.group("name") if cjk else None


def _source_from_meta_line(text: str, dates: list[DateMention]) -> str | None:
    labelled = _LABELLED_SOURCE.search(text)
    if labelled:
        return _pretty_source(re.split(r"\s{2,}|\s[|·•]\s", labelled.group("src"))[0])
    paren = re.search(r"\(\s*(?P<src>[A-Z][\w&.'’ -]{1,40}?)\s*\)?\s*$", text)
    if paren and _has_byline(text[: paren.start()]):
        return _pretty_source(paren.group("src"))
    if _SOURCE_SUFFIX.search(text) and not dates and len(_words(text)) <= 6:
        return _pretty_source(text)  # "The Deccan Ledger Bureau"
    after_date = False
    for segment in re.split(r"\s+[|·•]\s+|\s+[-–—]\s+", text):
        seg_dates = find_dates(segment)
        rest = _strip_meta(segment, seg_dates)
        if seg_dates:
            after_date = True
        if seg_dates or not rest or _has_byline(rest):
            continue
        if after_date and rest.isupper() and len(rest) >= 4:
            continue  # "January 02, 2024 06:40 pm - KOCHI": a dateline's place
        if segment == text:
            break  # the line had no separators: nothing marks this as the outlet's name
        words = _words(rest)
        # "France 24" is a name; "story 5" is a label with a number.
        numbered = any(w.isdigit() for w in words)
        if 1 <= len(words) <= 5 and (not numbered or rest[:1].isupper()):
            return _pretty_source(rest)
    return None


def _pick_date(blocks: Sequence[_Block], today: dt.date) -> dt.date | None:
    mentions = [m for b in blocks for m in b.dates]
    context_year = next((m.year for m in mentions if m.year is not None), None)
    if context_year is None:
        years = [
            int(y)
            for b in blocks
            if b.index >= 0
            for y in re.findall(r"(?<![\d,.])\b((?:19|20)\d\d)\b(?![,.]\d)", b.text)
            if int(y) <= today.year
        ]
        context_year = years[0] if years else None
    for mention in mentions:
        if mention.year is None and context_year is None:
            continue
        date = mention.resolve(context_year)
        if date is not None and date <= today + dt.timedelta(days=2):
            return date
    return None


def _lead_dates(paragraph: str) -> list[DateMention]:
    """Dates in a dateline or opening phrase ('BEIJING, Oct. 6 (Xinhua) --', 'On Oct 10, ...')."""
    return [m for m in find_dates(paragraph[:160]) if m.start < 120]


def _agency_from_lead(paragraph: str) -> str | None:
    match = _AGENCY_LEAD.match(paragraph) or _DATELINE_AGENCY.match(paragraph)
    if not match:
        return None
    return _pretty_source(match.group("agency") or match.groupdict().get("wire") or "")


def extract_article(
    text: str,
    *,
    fallback_title: str = "",
    today: dt.date | None = None,
    paragraphs: Sequence[str] | None = None,
    title: str | None = None,
    authored: bool = False,
    layout: Sequence[Block] = (),
    keep_structure: bool = False,
) -> ExtractedDocument:
    """Extract title, date, source, byline, language and clean paragraphs from article text.

    ``paragraphs`` may be given by a format that knows them already (Markdown), and ``title``
    when the format says which it is; ``fallback_title`` is used when nothing looks like one.
    ``authored`` text (Markdown) was written as it is, not copied off a page: its closing lines
    are kept even when they do not read like sentences. ``layout`` gives the paragraphs' blocks;
    those of the kept paragraphs are returned with them. With ``keep_structure`` the layout was
    written by the author (Markdown): its headings (but the title), list items, quotes, code,
    table rows and images are text as written, never navigation, and a title made up from the
    first sentence leaves that sentence in the text.
    """
    today = today or dt.date.today()
    paras = list(paragraphs) if paragraphs is not None else paragraphs_from_text(text)
    blocks = [_Block(p, i) for i, p in enumerate(paras)]
    for block in blocks:
        _classify(block)
    structured = keep_structure and len(layout) == len(blocks)
    headings = {i for i, b in enumerate(layout) if structured and b.kind in _HEADINGS}
    for i, shown in enumerate(layout if structured else ()):
        if shown.kind != "p":
            blocks[i].kind = "fixed"
            if i not in headings:
                blocks[i].dates = []  # a date in a list or a table is not the article's
    _mark_neighbours(blocks)

    window = blocks[: _HEADER_LIMIT + 1]
    prose_at = [b.index for b in window if b.kind == "prose"]
    body_start = next(
        (i for i in prose_at if any(b.kind == "prose" for b in blocks[i + 1 : i + 4])),
        prose_at[0] if prose_at else min(1, len(blocks)),
    )
    header, body = blocks[:body_start], blocks[body_start:]
    lead_text = " ".join(b.text for b in body[:3] if b.kind == "prose")
    lead = _content_words(lead_text)
    script = _dominant_script([b.text for b in body if b.kind == "prose"] or paras)

    seen: dict[str, int] = {}
    for block in blocks[: body_start + 3]:
        key = block.text.casefold()
        seen[key] = seen.get(key, 0) + 1

    chosen: _Candidate | None = None
    if title is None:
        candidates: list[_Candidate] = []
        for block in header:
            if block.kind in ("text", "meta") and (tail := _title_after_date(block)):
                candidates.append(_Candidate(tail, block))
            elif block.kind == "text":
                candidates.append(_Candidate(block.text, block))
        if not candidates and body and body[0].kind not in ("prose", "fixed"):
            candidates.append(_Candidate(body[0].text, body[0]))
        lead_block = next((b for b in body if b.kind == "prose"), None)
        lead_in = _LEAD_IN_HEADLINE.match(lead_block.text) if lead_block else None
        if lead_block and lead_in:
            candidates.append(_Candidate(lead_in.group("headline"), lead_block, whole_block=False))
        headline_blocks = _headline_positions(header)
        for rank, cand in enumerate(candidates):
            cand.score = _score_title(cand, rank, lead, script, seen)
            if cand.block.index in headline_blocks:
                cand.score += 1.5
        if candidates:
            chosen = max(candidates, key=lambda c: c.score)
            title = chosen.text
    made_up = not title
    if not title:
        title = _fallback_title(paras, fallback_title)
    title = title[:_MAX_TITLE_CHARS].strip()

    meta = _Meta()
    meta_blocks = [b for b in header if b.kind == "meta" or (chosen and b is chosen.block)]
    trailer = [b for b in body[-4:] if b.kind == "meta"]
    for block in meta_blocks + trailer:
        meta.source = meta.source or _source_from_meta_line(block.text, block.dates)
        meta.byline = meta.byline or _byline_name(block.text)
        if meta.byline is None and _is_person_name(block.text):
            meta.byline = block.text
    first_prose = next((b.text for b in body if b.kind == "prose"), "")
    meta.source = meta.source or _agency_from_lead(first_prose)
    if meta.byline is None and (reporter := _LEAD_REPORTER.search(first_prose[:200])):
        meta.byline = reporter.group("name")
    date_blocks = meta_blocks + [b for b in header if b.kind != "meta" and b not in meta_blocks]
    meta.date = _pick_date(date_blocks, today)
    if meta.date is None and first_prose:
        lead_block = _Block(first_prose, -1, dates=_lead_dates(first_prose))
        meta.date = _pick_date([*date_blocks, lead_block], today)
    if meta.date is None:
        meta.date = _pick_date(trailer, today)

    last_prose = max((b.index for b in body if b.kind == "prose"), default=len(blocks))
    if authored:
        last_prose = len(blocks)
    in_list = False
    for block in body:
        if block.kind in ("prose", "fixed"):
            in_list = False
        elif block.kind == "nav" and block.index > body_start:
            in_list = True
        elif in_list or (block.index > last_prose and not _ends_sentence(block.text)):
            block.kind = "nav"
    kept: list[str] = []
    kept_at: list[int] = []
    removed: list[str] = []
    title_key = title.casefold()
    images = (
        {i for i, b in enumerate(layout) if b.kind == "image"}
        if len(layout) == len(blocks)
        else set()
    )
    for block in blocks:
        is_title = (block.text.casefold() == title_key and not (structured and made_up)) or (
            chosen is not None and chosen.whole_block and block is chosen.block
        )
        # An image is part of the article wherever it stands, and so is the author's structure.
        if block.index in images or (block.kind == "fixed" and block.index not in headings):
            kept.append(block.text)
            kept_at.append(block.index)
            continue
        if block.index in headings:
            if not is_title:
                kept.append(block.text)
                kept_at.append(block.index)
            continue
        if block.index < body_start:
            related = (
                block.kind == "text"
                and script_of(block.text) == script
                and (
                    len(_content_words(block.text) & lead)
                    >= max(3, 0.3 * len(_content_words(block.text)))
                    # A whole sentence just above the body is its opening, however short.
                    or (
                        _ends_sentence(block.text)
                        and len(_words(block.text)) >= 10
                        and block.index == body_start - 1
                    )
                )
            )
            if is_title:
                continue
            if block.kind == "meta":
                removed.append(block.text)
                continue
            if related:
                kept.append(block.text)
                kept_at.append(block.index)
            else:
                removed.append(block.text)
        elif is_title or block.kind in ("nav", "junk", "teaser"):
            if not is_title:
                removed.append(block.text)
        else:
            kept.append(block.text)
            kept_at.append(block.index)
    if not kept:
        kept_at = [b.index for b in blocks if b.text.casefold() != title_key]
        kept = [blocks[i].text for i in kept_at] or [title]
    kept_layout = (
        tuple(layout[i] for i in kept_at) if len(layout) == len(blocks) and kept_at else ()
    )

    return ExtractedDocument(
        title=title,
        paragraphs=tuple(kept),
        date=meta.date,
        source=meta.source,
        byline=meta.byline,
        language=detect_language(" ".join(kept)),
        removed=tuple(removed),
        blocks=kept_layout,
    )


def _fallback_title(paragraphs: Sequence[str], fallback: str) -> str:
    for paragraph in filter(None, paragraphs):  # an image's paragraph is empty
        sentence = re.split(r"(?<=[.!?。！？])\s+", paragraph, maxsplit=1)[0]
        if len(sentence) <= 120:
            return sentence
        cut = sentence[:100].rsplit(" ", 1)[0]
        return cut + "…"
    return fallback or "Untitled"
