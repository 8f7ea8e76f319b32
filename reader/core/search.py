"""The query language and search: parse what a user types, run it, and build hits with snippets.

Query language: words (all must match), "phrases", AND/OR/NOT and -word, field queries
(title:, source:, author:, tag:), dates (date:2020, date:2020-10, date:[2020 to 2021]),
prefix* and fuzzy~ (fuzzy~2 for two edits). Words are stemmed (run finds running); Chinese,
Japanese and Korean text is searched by character bigrams, so any word of it can be found.
"""

from __future__ import annotations

import collections
import datetime as dt
import html
import re
from collections.abc import Iterator

from whoosh import qparser, query
from whoosh.analysis import Token
from whoosh.highlight import (
    FIRST,
    BasicFragmentScorer,
    ContextFragmenter,
    Formatter,
    Fragment,
    top_fragments,
)
from whoosh.qparser import plugins
from whoosh.reading import IndexReader
from whoosh.searching import Searcher
from whoosh.util.times import long_to_datetime

from reader.core import docsets
from reader.core.analysis import CJK_RUN, stem, text_analyzer
from reader.core.errors import QueryError
from reader.core.index import UNDATED
from reader.core.leanwriter import text_matches
from reader.core.models import SearchHit, SearchResult
from reader.core.store import Store

DEFAULT_FIELDS = ("title", "body", "removed", "notes", "source", "byline")
FIELD_ALIASES = {
    "byline": ["author", "by"],
    "source": ["site", "outlet"],
    "tags": ["tag"],
    "body": ["text"],
    "notes": ["note", "annotation"],
}
_KNOWN_FIELDS = (
    set(DEFAULT_FIELDS) | {"date", "tags"} | {a for v in FIELD_ALIASES.values() for a in v}
)
_ORDERS = ("relevance", "date")
_SNIPPET_CHARS = 220
_NEGATION = re.compile(r'(?<![\w"])-(?=[\w"(])')
_FIELD_PREFIX = re.compile(r"(?<![\w:])([A-Za-z_]+):(?!//)")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_SPELLING_FIELDS = ("spell_body", "spell_title")
_STEMMED_FIELDS = (
    "title",
    "body",
    "removed",
    "notes",
)  # unstemmed words, kept by TEXT(spelling=True)
_DAY = r"\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?"
_DATE_VALUE = re.compile(r"\bdate:(\[[^\]]*\]|\{[^}]*\}|[^\s()]+)", re.IGNORECASE)
_DATE_OK = re.compile(
    rf"[<>]=?{_DAY}|{_DAY}|[\[{{]\s*(?:{_DAY})?\s*to\s*(?:{_DAY})?\s*[\]}}]", re.IGNORECASE
)
_DATE_HELP = "Dates are written date:2020, date:2020-10, date:2020-10-06 or date:[2020 to 2021]."


class _MarkFormatter(Formatter):  # type: ignore[misc]
    """HTML-escaped text with matches in <b>; overlapping CJK bigram matches are merged."""

    between = " … "

    def format_fragment(self, fragment: Fragment, replace: bool = False) -> str:
        """One fragment with its matches marked."""
        text = fragment.text
        spans: list[list[int]] = []
        for token in sorted(fragment.matches, key=lambda t: t.startchar):
            if spans and token.startchar <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], token.endchar)
            else:
                spans.append([token.startchar, token.endchar])
        out: list[str] = []
        index = fragment.startchar
        for start, end in spans:
            out.append(html.escape(text[index:start], quote=False))
            out.append(f"<b>{html.escape(text[start:end], quote=False)}</b>")
            index = end
        out.append(html.escape(text[index : fragment.endchar], quote=False))
        return " ".join("".join(out).split())

    def format(self, fragments: list[Fragment], replace: bool = False) -> str:
        """The fragments in text order, with an ellipsis wherever text was left out."""
        if not fragments:
            return ""
        fragments = sorted(fragments, key=lambda f: f.startchar)
        prefix = "… " if fragments[0].startchar > 0 else ""
        suffix = " …" if fragments[-1].endchar < len(fragments[-1].text) else ""
        return prefix + self.between.join(self.format_fragment(f) for f in fragments) + suffix


def _parser(schema: object) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema, group=qparser.AndGroup)
    parser.remove_plugin_class(plugins.SingleQuotePlugin)  # apostrophes are not quotes
    parser.add_plugin(plugins.FuzzyTermPlugin())
    parser.add_plugin(plugins.GtLtPlugin())
    parser.add_plugin(plugins.FieldAliasPlugin(FIELD_ALIASES))
    return parser


def _check_syntax(text: str) -> None:
    if text.count('"') % 2:
        raise QueryError('A phrase is missing its closing quote (").')
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise QueryError("A closing parenthesis ')' has no opening one.")
    if depth:
        raise QueryError("An opening parenthesis '(' is not closed.")
    if text.count("[") != text.count("]"):
        raise QueryError("A range is not closed: write date:[2020 to 2021].")
    for match in _FIELD_PREFIX.finditer(text):
        field = match.group(1).lower()
        if field not in _KNOWN_FIELDS:
            raise QueryError(
                f'Unknown field "{match.group(1)}:". Fields are title:, source:, author:, '
                "note:, tag: and date:."
            )
        rest = text[match.end() :]
        if not rest or rest[0].isspace():
            raise QueryError(f'"{match.group(1)}:" needs something to look for after it.')
    for value in _DATE_VALUE.findall(text):
        if not _DATE_OK.fullmatch(value):
            raise QueryError(_DATE_HELP)
    if re.search(r"(?:^|\s)[*?]", text):
        raise QueryError("A word cannot start with * or ?: put at least one letter first.")


def _walk(q: query.Query) -> Iterator[query.Query]:
    yield q
    for child in q.children():
        yield from _walk(child)


def _single_cjk_to_prefix(q: query.Query) -> query.Query:
    """A lone CJK character is indexed only as the start of bigrams: search it as a prefix."""
    if (
        isinstance(q, query.Term)
        and isinstance(q.text, str)
        and len(q.text) == 1
        and CJK_RUN.fullmatch(q.text)
    ):
        return query.Prefix(q.fieldname, q.text, boost=q.boost)
    return q.apply(_single_cjk_to_prefix)


def parse(text: str, schema: object, reader: IndexReader | None = None) -> query.Query:
    """Parse a user's query; raises QueryError with a message fit to show under the search bar.

    With a ``reader``, fuzzy words (word~) are expanded against the index's vocabulary.
    """
    text = text.strip()
    if not text:
        raise QueryError("Type something to search for.")
    _check_syntax(text)
    # "-word" means NOT word; keep hyphens inside words (China-DPRK) and dates intact.
    text = _NEGATION.sub("NOT ", text)
    q = _parser(schema).parse(text)
    for node in _walk(q):
        error = getattr(node, "error", None)
        if error:
            hint = f" {_DATE_HELP}" if "date:" in text.lower() else ""
            raise QueryError(f"This search could not be understood ({error}).{hint}")
    if isinstance(q, type(query.NullQuery)):
        raise QueryError("There is nothing to search for in this query.")
    children = list(q.children()) if isinstance(q, query.compound.CompoundQuery) else []
    if isinstance(q, query.Not) or (children and all(isinstance(n, query.Not) for n in children)):
        raise QueryError("A search needs at least one word that must match, not only NOT words.")
    q = _single_cjk_to_prefix(_dates_as_terms(q))
    return q if reader is None else _expand_fuzzy(q, reader, text)


def _dates_as_terms(q: query.Query) -> query.Query:
    """A date range of whole months or years as year and month terms.

    Whoosh answers a range on the date field by walking its many numeric terms, which took
    100-240 ms at 10,000 documents; the year and month fields hold the same facts as a few
    terms. A range that starts or ends inside a month (or is open) stays as it is.
    """
    if (
        isinstance(q, query.NumericRange)
        and q.fieldname == "date"
        and q.start is not None
        and q.end is not None
        and not q.startexcl
        and not q.endexcl
    ):
        start = long_to_datetime(q.start)
        after = long_to_datetime(q.end) + dt.timedelta(microseconds=1)
        whole = dt.time()
        if (start.day, start.time(), after.day, after.time()) == (1, whole, 1, whole):
            return _months_query(start.year, start.month, after.year, after.month)
    return q.apply(_dates_as_terms)


def _months_query(year: int, month: int, end_year: int, end_month: int) -> query.Query:
    """Months from (year, month) up to, not including, (end_year, end_month): whole years as
    year terms, the months around them as month terms."""
    terms: list[query.Query] = []
    while (year, month) < (end_year, end_month):
        if month == 1 and year < end_year:
            terms.append(query.Term("year", f"{year:04d}"))
            year += 1
        else:
            terms.append(query.Term("month", f"{year:04d}-{month:02d}"))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if not terms:
        return query.NullQuery
    # Scored like the range it replaces (a constant), so relevance order does not change.
    return query.ConstantScoreQuery(terms[0] if len(terms) == 1 else query.Or(terms), 1.0)


def _expand_fuzzy(q: query.Query, reader: IndexReader, text: str) -> query.Query:
    """Make word~ work on stemmed fields: find similar *words*, then search their stems.

    Whoosh compares the stemmed query word with the vocabulary, which finds wrong words
    ("goverment" -> "gover" -> "over") or none; the unstemmed spelling fields know the words.
    """
    if not isinstance(q, query.FuzzyTerm):
        return q.apply(lambda child: _expand_fuzzy(child, reader, text))
    start, end = getattr(q, "startchar", None), getattr(q, "endchar", None)
    word = text[start:end].lower() if start is not None and end is not None else str(q.text)
    if q.fieldname not in _STEMMED_FIELDS:
        return query.FuzzyTerm(
            q.fieldname, word, boost=q.boost, maxdist=q.maxdist, prefixlength=q.prefixlength
        )
    words = _similar_words(reader, word, q.maxdist)
    stems = sorted({stem(w) for w in words})
    if not stems:
        return query.NullQuery
    return query.Or([query.Term(q.fieldname, s) for s in stems], boost=q.boost)


def _similar_words(reader: IndexReader, word: str, maxdist: int) -> set[str]:
    """Indexed words within ``maxdist`` edits of ``word`` (including itself)."""
    if maxdist <= 1:
        candidates = _edits(word) | {word}
        return {c for c in candidates for f in _SPELLING_FIELDS if (f, c) in reader}
    # Two or more edits: too many candidates to try; let Whoosh walk the vocabulary.
    return {
        str(w)
        for f in _SPELLING_FIELDS
        if f in reader.indexed_field_names()
        for w in reader.terms_within(f, word, maxdist)
    }


def _edits(word: str) -> set[str]:
    """Every string one edit (delete, swap, replace, insert) away from ``word``."""
    letters = _LETTERS + "".join(sorted(set(word) - set(_LETTERS)))
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return {
        *(a + b[1:] for a, b in splits if b),
        *(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
        *(a + c + b[1:] for a, b in splits if b for c in letters),
        *(a + c + b for a, b in splits for c in letters),
    }


def _closest_word(searcher: Searcher, word: str) -> str | None:
    """The most frequent indexed word one edit away from ``word``, or None.

    Checking the few hundred candidates against the term index takes milliseconds, where
    Whoosh's corrector scans the whole vocabulary (hundreds of ms on 1,000 articles).
    """
    reader = searcher.reader()
    found: dict[str, int] = {}
    for candidate in _edits(word):
        for field in _SPELLING_FIELDS:
            if (field, candidate) in reader:
                found[candidate] = found.get(candidate, 0) + int(reader.frequency(field, candidate))
    return max(found, key=lambda c: (found[c], c)) if found else None


def _suggest(searcher: Searcher, text: str) -> str | None:
    """The query with unknown words replaced by the closest known ones, or None."""
    analyzer = text_analyzer()
    changed = False
    out = text
    # Only free words are checked: not field values, phrases, wildcards or operators.
    plain = re.sub(
        r'\b\w+:(?:"[^"]*"|\[[^\]]*\]|\S+)|"[^"]*"|\S*[*?~]\S*|\b(?:AND|OR|NOT)\b', " ", text
    )
    for word in dict.fromkeys(_WORD.findall(plain)):
        if len(word) < 3 or CJK_RUN.search(word) or word.isdigit():
            continue
        stems = [t.text for t in analyzer(word.lower())]
        known = any(
            searcher.doc_frequency(field, s) for s in stems for field in _STEMMED_FIELDS
        ) or any(searcher.doc_frequency(field, word.lower()) for field in ("source", "byline"))
        if known:
            continue
        replacement = _closest_word(searcher, word.lower())
        if replacement is not None:
            out = re.sub(rf"\b{re.escape(word)}\b", replacement, out, count=1)
            changed = True
    return out if changed else None


def _without_negations(q: query.Query) -> query.Query:
    if isinstance(q, query.Not):
        return query.NullQuery
    return q.apply(_without_negations)


def match_spans(searcher: Searcher, text_query: str, text: str) -> list[tuple[int, int]]:
    """Code-point spans of ``text`` that a search matches (NOT words excluded), merged."""
    reader = searcher.reader()
    q = _without_negations(parse(text_query, searcher.schema, reader))
    words = {
        term.decode("utf-8") if isinstance(term, bytes) else str(term)
        for field, term in _existing_terms(reader, q)
        if field in _STEMMED_FIELDS
    }
    spans: list[list[int]] = []
    for token in text_analyzer()(text, chars=True, mode="query"):
        if token.text not in words:
            continue
        if spans and token.startchar <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], token.endchar)
        else:
            spans.append([token.startchar, token.endchar])
    return [(start, end) for start, end in spans]


def _highlight(piece: str, words: frozenset[str], fragmenter: ContextFragmenter) -> str:
    """Whoosh's highlight() with Reader's analyzer and a ContextFragmenter, with the lean
    writer's tokenizer and _context_fragments: the same fragments, several times faster than
    the analyzer's Token chain and Whoosh's loop."""
    terms = frozenset(w.encode("utf-8") for w in words)
    # A fragment starts `surround` characters before a match and ends `surround` characters
    # of words after its last one (a match closer than that continues it).
    reach = fragmenter.surround * 3
    spans, matched = text_matches(piece, terms, reach, reach)
    fragments = _context_fragments(piece, spans, matched, fragmenter)
    best = top_fragments(fragments, 2, BasicFragmentScorer(), FIRST, 1)
    return str(_MarkFormatter()(piece, best))


def _context_fragments(
    text: str,
    spans: list[tuple[int, int]],
    matched: list[bytes | None],
    fragmenter: ContextFragmenter,
) -> Iterator[Fragment]:
    """ContextFragmenter.fragment_tokens over plain lists (Token objects only for matches)."""
    maxchars, surround, charlimit = fragmenter.maxchars, fragmenter.surround, fragmenter.charlimit
    first: int | None = None
    firsts: collections.deque[int] = collections.deque()
    countdown = -1
    tokens: list[Token] = []
    endchar = 0
    currentlen = 0
    for (startchar, endchar), term in zip(spans, matched, strict=True):
        length = endchar - startchar
        if charlimit and endchar > charlimit:
            break
        if countdown < 0 and term is None:
            firsts.append(startchar)
            while firsts and endchar - firsts[0] > surround:
                firsts.popleft()
        elif currentlen + length > maxchars:
            countdown = 0
        elif term is not None:
            countdown = surround
            if first is None:
                if firsts:
                    first = firsts[0]
                else:
                    first = startchar
                    countdown += surround
            token = Token(chars=True, boost=1.0)
            token.text = term.decode("utf-8")
            token.startchar, token.endchar = startchar, endchar
            tokens.append(token)
        if countdown >= 0:
            currentlen += length
            countdown -= length
            if countdown <= 0:
                yield Fragment(text, tokens, first, endchar)
                tokens, firsts, first, currentlen = [], collections.deque(), None, 0
    if tokens:
        yield Fragment(text, tokens, first, endchar)


def _snippet(terms: set[tuple[str, bytes]], text: str, removed: str, notes: str) -> str:
    fragmenter = ContextFragmenter(maxchars=_SNIPPET_CHARS, surround=60)
    for field, content in (("notes", notes), ("body", text), ("removed", removed)):
        words = frozenset(t.decode("utf-8") for f, t in terms if f == field)
        if not words or not content:
            continue
        # Removed lines are unrelated to each other: show only the one that matched.
        pieces = [content] if field == "body" else content.split("\n")
        for piece in pieces:
            marked = _highlight(piece, words, fragmenter)
            if marked:
                # ✎ marks a hit in the user's highlights and notes.
                return f"✎ {marked}" if field == "notes" else marked
    first = " ".join(text[: _SNIPPET_CHARS + 40].split())
    if len(first) > _SNIPPET_CHARS:
        first = first[:_SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return html.escape(first, quote=False)


def _within_filter(within: str | None) -> query.Query | None:
    if not within:
        return None
    if within == UNDATED:
        return query.Term("year", UNDATED)
    if re.fullmatch(r"\d{4}", within):
        return query.Term("year", within)
    if re.fullmatch(r"\d{4}-\d{2}", within):
        return query.Term("month", within)
    raise QueryError(f"Unknown timeline period {within!r}: use 2020, 2020-10 or undated.")


def run(
    searcher: Searcher,
    store: Store,
    text: str,
    *,
    limit: int = 20,
    order: str = "relevance",
    within: str | None = None,
) -> SearchResult:
    """Search for ``text``; hits come with snippets, the result with counts per year and month."""
    if order not in _ORDERS:
        raise QueryError(f"Unknown order {order!r}: use relevance or date.")
    q = parse(text, searcher.schema, searcher.reader())
    within_filter = _within_filter(within)
    # Every match (fast, see docsets): for the total, the timeline's counts and the order.
    scored = docsets.scored(searcher, q) if order != "date" else None
    matched = scored.mask if scored is not None else docsets.matching(searcher, q)
    if within_filter is not None:
        matched = matched & docsets.matching(searcher, within_filter)
    by_month = docsets.month_counts(searcher, matched)
    ranked: list[tuple[int, float]]  # (document number, score)
    if order == "date":
        # Newest first as Whoosh sorts the date column (its key as the score, as before).
        ranked = docsets.newest(searcher, matched, max(0, limit))
    elif scored is not None:
        ranked = docsets.best(scored, matched, max(0, limit))
    else:  # a query shape docsets does not score: Whoosh ranks it
        kwargs: dict[str, object] = {"limit": max(1, limit), "optimize": False}
        if within_filter is not None:
            kwargs["filter"] = within_filter
        results = searcher.search(q, **kwargs)
        ranked = [(hit.docnum, hit.score) for hit in results[: max(0, limit)]]
    hit_ids = [int(searcher.stored_fields(docnum)["id"]) for docnum, _ in ranked]
    summaries = {s.id: s for s in store.summaries(ids=hit_ids)}
    texts = store.texts(hit_ids)
    terms = _highlight_terms(searcher, q)
    hits: list[SearchHit] = []
    for doc_id, (_, score) in zip(hit_ids, ranked, strict=True):
        summary = summaries.get(doc_id)
        if summary is None:
            continue  # deleted since the index was written; the queue will catch up
        body, removed, notes = texts.get(doc_id, ("", "", ""))
        hits.append(
            SearchHit(
                id=doc_id,
                title=summary.title,
                date=summary.date,
                source=summary.source,
                snippet=_snippet(terms, body, removed, notes),
                score=float(score) if score is not None else 0.0,
            )
        )
    by_year: dict[str, int] = {}
    for month, count in by_month.items():
        year = month[:4] if month != UNDATED else UNDATED
        by_year[year] = by_year.get(year, 0) + count
    return SearchResult(
        query=text,
        total=int(matched.sum()),
        hits=hits,
        suggestion=_suggest(searcher, text),
        by_year=_ordered(by_year),
        by_month=_ordered(by_month),
    )


def _highlight_terms(searcher: Searcher, q: query.Query) -> set[tuple[str, bytes]]:
    """The index terms a query looks for (NOT words left out), to mark in snippets."""
    return _existing_terms(searcher.reader(), _without_negations(q))


def _existing_terms(reader: IndexReader, q: query.Query) -> set[tuple[str, bytes]]:
    """The (field, term) pairs of a query's leaves that are in the index, prefixes and the like
    expanded. (Whoosh's Query.existing_terms reuses its ``fieldname`` argument as a loop
    variable, so it stops looking after the first field: "kyrgyz" gave only title terms.)"""
    schema = reader.schema
    found: set[tuple[str, bytes]] = set()
    for leaf in q.leaves():
        for fieldname, text in leaf.expanded_terms(reader, phrases=True):
            if fieldname not in schema:
                continue
            try:
                btext = schema[fieldname].to_bytes(text)
            except ValueError:
                continue
            if (fieldname, btext) in reader:
                found.add((fieldname, btext))
    return found


def _ordered(counts: dict[str, int]) -> dict[str, int]:
    dated = sorted((k for k in counts if k and k != UNDATED), reverse=True)
    ordered = {k: counts[k] for k in dated}
    if UNDATED in counts:
        ordered[UNDATED] = counts[UNDATED]
    return ordered
