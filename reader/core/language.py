"""Which script a text is written in and a best guess at its language (ISO 639-1)."""

from __future__ import annotations

import re
from collections import Counter

_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("kana", re.compile(r"[\u3040-\u30ff]")),
    ("hangul", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("han", re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")),
    ("cyrillic", re.compile(r"[\u0400-\u04ff]")),
    ("arabic", re.compile(r"[\u0600-\u06ff]")),
    ("greek", re.compile(r"[\u0370-\u03ff]")),
    ("hebrew", re.compile(r"[\u0590-\u05ff]")),
    ("thai", re.compile(r"[\u0e00-\u0e7f]")),
    ("devanagari", re.compile(r"[\u0900-\u097f]")),
    ("latin", re.compile(r"[\u00c0-\u024f]")),
)
_NOT_ASCII_LETTER = bytes(b for b in range(128) if not chr(b).isascii() or not chr(b).isalpha())
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
# ASCII text is split into letter runs by turning every other character into a space.
_ASCII_NON_LETTERS_TO_SPACE = str.maketrans(dict.fromkeys(_NOT_ASCII_LETTER.decode(), " "))
_LETTERS = re.compile(r"[^\W\d_]+")
_SCRIPT_LANGUAGE = {
    "hangul": "ko", "cyrillic": "ru", "arabic": "ar", "greek": "el", "hebrew": "he",
    "thai": "th", "devanagari": "hi",
}  # fmt: skip
_STOPWORDS = {
    "en": "the and of to in is that for it with as was on are by this be from at have",
    "fr": "le la les et des est une un du que dans pour qui sur pas au avec ce par",
    "de": "der die und das ist nicht ein eine zu den mit sich des auf für im dem von",
    "es": "el la los las de que y en un una es por con para del se no al lo",
    "it": "il di che la per un una non sono del della con gli le nel si da al",
    "pt": "o a os as de que e do da em um uma para com não no na por se",
    "nl": "de het een en van is dat op te in zijn met voor niet aan er ook",
}
_STOP_SETS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}


def _script_counts(text: str) -> Counter[str]:
    # ASCII letters counted in C: the ASCII bytes of the text with everything else deleted.
    ascii_letters = len(text.encode("ascii", "ignore").translate(None, _NOT_ASCII_LETTER))
    counts = Counter({"latin": ascii_letters})
    # Only the non-ASCII characters need a closer look (few of them in English text).
    rest = "".join(_NON_ASCII.findall(text))
    if rest:
        counts.update({name: len(pattern.findall(rest)) for name, pattern in _SCRIPTS})
    return counts


def script_of(text: str) -> str:
    """The main script of ``text``: 'latin', 'han', 'kana', 'hangul', ... or 'none'."""
    sample = text[:20000]
    if sample.isascii():
        # What the counts would come to, known from the first letter.
        return "latin" if _ASCII_LETTER.search(sample) else "none"
    counts = _script_counts(sample)
    if counts["kana"]:
        # Japanese mixes kana with kanji; count them together.
        counts["kana"] += counts["han"]
        counts["han"] = 0
    script, count = counts.most_common(1)[0]
    if not count:
        return "none"
    cjk = counts["han"] + counts["kana"] + counts["hangul"]
    # One CJK character carries about as much as a short Latin word.
    if script == "latin" and cjk * 4 >= count:
        return max(("han", "kana", "hangul"), key=lambda s: counts[s])
    return script


def detect_language(text: str) -> str | None:
    """A best guess at the language of ``text``; None when there is too little to tell."""
    sample = text[:20000]
    script = script_of(sample)
    if script == "han":
        return "zh"
    if script == "kana":
        return "ja"
    if script in _SCRIPT_LANGUAGE:
        return _SCRIPT_LANGUAGE[script]
    if script != "latin":
        return None
    folded = sample.casefold()
    if folded.isascii():
        words = folded.translate(_ASCII_NON_LETTERS_TO_SPACE).split()  # as the regex, 4x faster
    else:
        words = _LETTERS.findall(folded)
    if len(words) < 5:
        return None
    counts = Counter(words)
    # Only the stopwords the text has: a missing key would go through Counter.__missing__.
    scores = {
        lang: sum(counts[w] for w in counts.keys() & stops) for lang, stops in _STOP_SETS.items()
    }
    lang, hits = max(scores.items(), key=lambda item: item[1])
    return lang if hits >= max(2, len(words) * 0.05) else None
