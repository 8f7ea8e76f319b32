"""Find publication dates written in running text ("Oct. 6", "11 October, 2020", "2024-10-06")."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dateutil import parser as dateutil_parser

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR4 = r"(?P<year>(?:1[89]|20)\d\d)"
_YEAR2 = r"'?(?P<yy>\d\d)"
_NOT_DIGIT_BEFORE = r"(?<![\d\w])"
_NOT_DIGIT_AFTER = r"(?![\d])"

# Order matters: a span claimed by an earlier pattern is not matched again by a later one.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        (
            "iso",
            _NOT_DIGIT_BEFORE
            + r"(?P<year>(?:1[89]|20)\d\d)(?P<sep>[-/.])(?P<month>[01]?\d)(?P=sep)"
            r"(?P<day>[0-3]?\d)" + _NOT_DIGIT_AFTER,
        ),
        (
            "cjk",
            r"(?P<year>(?:1[89]|20)\d\d)\s*年\s*(?P<month>[01]?\d)\s*月\s*(?P<day>[0-3]?\d)\s*[日号]",
        ),
        (
            "mdy",
            _NOT_DIGIT_BEFORE
            + _MONTH
            + r"\s+"
            + _DAY
            + r"(?:\s*,\s*|\s+)"
            + _YEAR4
            + _NOT_DIGIT_AFTER,
        ),
        (
            "dmy",
            _NOT_DIGIT_BEFORE
            + _DAY
            + r"\s+(?:of\s+)?"
            + _MONTH
            + r",?\s+"
            + _YEAR4
            + _NOT_DIGIT_AFTER,
        ),
        ("dmyy", _NOT_DIGIT_BEFORE + _DAY + r"[\s-]+" + _MONTH + r"[\s-]+" + _YEAR2 + r"(?![\d:])"),
        (
            "numeric",
            _NOT_DIGIT_BEFORE
            + r"(?P<a>[0-3]?\d)(?P<sep>[/.])(?P<b>[01]?\d)(?P=sep)"
            + _YEAR4
            + _NOT_DIGIT_AFTER,
        ),
        ("cjk_md", r"(?<!\d)(?P<month>[01]?\d)\s*月\s*(?P<day>[0-3]?\d)\s*[日号]"),
        ("md", _NOT_DIGIT_BEFORE + _MONTH + r"\s+" + _DAY + r"(?![\d:])"),
        ("dm", _NOT_DIGIT_BEFORE + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"(?![a-z])"),
    )
)
_ANY_DIGIT = re.compile(r"\d")
# What each pattern cannot match without, tested first with fast searches: the patterns start
# with a look-behind, so the regex engine tries them at every position of the text.
_NEEDS = {
    "iso": "digits", "cjk": "年", "mdy": "month", "dmy": "month", "dmyy": "month",
    "numeric": "digits", "cjk_md": "月", "md": "month", "dm": "month",
}  # fmt: skip
_DIGITS_HINT = re.compile(r"\d[-/.]\d")
# Of the lower-cased text, which is faster than IGNORECASE; "ſ" is an "s" to IGNORECASE.
_MONTH_HINT = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|[sſ]ep|oct|nov|dec")
# Month words that are also ordinary lower-case English words.
_AMBIGUOUS_WORDS = {"may", "mar", "march", "jun", "dec", "sep", "jan", "oct", "aug"}


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date found in text; ``year`` is None when the text gave only month and day."""

    start: int
    end: int
    year: int | None
    month: int
    day: int

    def resolve(self, context_year: int | None = None) -> dt.date | None:
        """The date, taking the year from context when the text had none; None if invalid."""
        year = self.year if self.year is not None else context_year
        if year is None:
            return None
        try:
            return dt.date(year, self.month, self.day)
        except ValueError:
            return None


def _two_digit_year(yy: int, today: dt.date) -> int:
    pivot = today.year % 100 + 1
    return 2000 + yy if yy <= pivot else 1900 + yy


def _mention(name: str, match: re.Match[str], today: dt.date) -> DateMention | None:
    groups = match.groupdict()
    month_word = groups.get("mon")
    if month_word is not None:
        if month_word.lower().rstrip(".") in _AMBIGUOUS_WORDS and month_word[0].islower():
            return None
        month = _MONTHS[month_word[:3].lower()]
    elif name == "numeric":
        a, b = int(groups["a"]), int(groups["b"])
        if groups["sep"] == "." or a > 12:
            day, month = a, b  # 06.10.2024 is day-first wherever dots are used
        elif b > 12:
            month, day = a, b
        else:
            return None  # 06/10/2024: month-first or day-first? Better unknown than wrong.
        groups = {**groups, "day": str(day)}
    else:
        month = int(groups["month"])
    year: int | None = None
    if groups.get("year"):
        year = int(groups["year"])
    elif groups.get("yy"):
        year = _two_digit_year(int(groups["yy"]), today)
    mention = DateMention(match.start(), match.end(), year, month, int(groups["day"]))
    probe_year = year if year is not None else 2000  # a leap year, so that Feb 29 passes
    if DateMention(0, 0, probe_year, month, mention.day).resolve() is None:
        return None
    if year is not None and not (1800 <= year <= today.year + 1):
        return None
    return mention


def find_dates(text: str, today: dt.date | None = None) -> list[DateMention]:
    """All date mentions in ``text``, in text order, without overlaps."""
    if not _ANY_DIGIT.search(text):
        return []  # every pattern needs a digit
    today = today or dt.date.today()
    present = {
        "digits": _DIGITS_HINT.search(text) is not None,
        "month": _MONTH_HINT.search(text.lower()) is not None,
        "年": "年" in text,
        "月": "月" in text,
    }
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for name, pattern in _PATTERNS:
        if not present[_NEEDS[name]]:
            continue
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            mention = _mention(name, match, today)
            if mention is not None:
                taken.append((match.start(), match.end()))
                found.append(mention)
    return sorted(found, key=lambda m: m.start)


def parse_structured_date(value: str) -> dt.date | None:
    """Parse a date from a metadata field (front matter, <meta>): ISO 8601, RFC 2822 and the like.

    Keeps the local date as written (no conversion to UTC). None when it is not a date.
    """
    value = value.strip().strip("\"'")
    if not value:
        return None
    try:
        parsed: dt.datetime = dateutil_parser.isoparse(value)
    except (ValueError, OverflowError):
        pass
    else:
        return parsed.date()
    mentions = find_dates(value)
    for mention in mentions:
        if mention.year is not None:
            return mention.resolve()
    try:
        parsed = dateutil_parser.parse(value, default=dt.datetime(1, 1, 1))
    except (ValueError, OverflowError):
        return None
    return parsed.date() if parsed.year > 1 else None
