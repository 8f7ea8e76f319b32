"""Score Reader's importer on the shared eval sets, side by side with trafilatura used bare.

    .venv/bin/python tests/bench/extraction.py [--sets readability,cjk-zh] [--limit N] [--worst K]
                                               [--no-baseline] [--eval DIR]

Every case file goes through ``extract_bytes`` as the app would import it; ImportFailed (or any
other exception, counted apart as a crash) is a failed page: empty title, no date, empty body.
The baseline is ``trafilatura.extract(data, output_format="json", with_metadata=True)`` with all
its other options at their defaults, on the same bytes; it runs on the HTML sets only.

Scoring follows the eval READMEs: ``norm()`` titles exact and lenient; dates as YYYY-MM-DD
strings, accuracy over the cases whose gold says what the date is (cases without a gold date are
counted apart), also within one day, coverage and precision; author/byline names split on
``, ; and &``, compared as sets (macro F1); body token F1 with each CJK character a token (macro);
on article-extraction-benchmark also the upstream shingle metric. The eval data is read in place
and never copied.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import json
import logging
import math
import posixpath
import re
import statistics
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reader.core.errors import ImportFailed  # noqa: E402
from reader.core.importers import extract_bytes  # noqa: E402
from tests.bench.reuters_eval import BodyScore, body_score, norm, title_match  # noqa: E402

DEFAULT_EVAL = ROOT.parent / "shared" / "eval"
BASELINE = "trafilatura"
SYSTEMS = ("Reader", BASELINE)
# Characters of a spine document's text (word characters only) that must show up in the body.
PROBE_CHARS = 40
MIN_PROBE_CHARS = 8
QUIET_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext", "charset_normalizer")

_NAME_SEPARATOR = re.compile(r",|;| and |&")
_EMAIL = re.compile(r"<[^<>@\s]+@[^<>\s]+>")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DOTTED_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})$")
_NON_WORD = re.compile(r"\W+")
_WORD = re.compile(r"\w+")
_REUTERS_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.DOTALL)
_MARKUP_SKIPPED = re.compile(r"<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_BODY_TAG = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_OPF = "{http://www.idpf.org/2007/opf}"

# A set-specific check: its label and a score in [0, 1] for a body text.
OwnCheck = tuple[str, Callable[[str], float]]
ShingleCounts = tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class Case:
    """One document of an eval set and what its gold data says about it."""

    group: str  # the table row: the set, or a part of it that is scored apart
    name: str
    path: Path  # the file the importers are given
    title: str | None = None
    # Every right answer (None: "no date"); None when the gold does not say.
    dates: frozenset[str | None] | None = None
    authors: frozenset[str] = frozenset()
    body: str | None = None
    own: OwnCheck | None = None
    shingles: bool = False  # score the body with the article-extraction-benchmark metric too


@dataclass(frozen=True, slots=True)
class Extraction:
    """What one system made of one file."""

    title: str = ""
    date: str | None = None
    byline: str | None = None
    body: str = ""
    error: str | None = None  # why nothing was extracted
    crashed: bool = False  # failed with something other than ImportFailed
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Score:
    """One case scored for one system; None wherever the gold says nothing."""

    case: Case
    out: Extraction
    title_exact: bool | None
    title_lenient: bool | None
    date_right: bool | None
    date_near: bool | None
    author_f1: float | None
    body: BodyScore | None
    own: float | None
    shingles: ShingleCounts | None
    same_words: bool | None


@dataclass(frozen=True, slots=True)
class EvalSet:
    """An eval folder: how to turn one of its case folders (and manifest row) into a Case."""

    name: str
    load: Callable[[Path, dict[str, str]], Case]
    groups: tuple[str, ...]
    html: bool  # the baseline runs on it


# --- gold data -----------------------------------------------------------------------------


def _json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def _text(path: Path) -> str | None:
    return path.read_text("utf-8") if path.is_file() else None


def names(value: str | Iterable[str] | None) -> frozenset[str]:
    """The normalised names in an author/byline string (or list of them), e-mail addresses dropped.

    The EPUB creators carry ``<address>``; the eval README lists that as a trap for the app, so
    the address is dropped from both sides instead of being required.
    """
    if not value:
        return frozenset()
    items = [value] if isinstance(value, str) else list(value)
    parts = (_NAME_SEPARATOR.split(_EMAIL.sub(" ", item)) for item in items)
    return frozenset(filter(None, (norm(part) for group in parts for part in group)))


def _one_date(value: str | None) -> frozenset[str | None] | None:
    return frozenset({value}) if value else None


def _readability(case: Path, row: dict[str, str]) -> Case:
    meta = _json(case / "expected-metadata.json")
    published = _ISO_DATE.match(meta.get("publishedTime") or "")
    kind = "synthetic" if row.get("kind") == "synthetic" else "real"
    return Case(
        group=f"readability {kind}",
        name=case.name,
        path=case / "source.html",
        title=meta.get("title"),
        dates=_one_date(published.group(0) if published else None),
        authors=names(meta.get("byline")),
        body=_text(case / "expected.txt"),
    )


def _starts_with(lead: str) -> Callable[[str], float]:
    want = " ".join(lead.split())
    return lambda body: float(" ".join(body.split()).startswith(want))


def _postlight(case: Path, row: dict[str, str]) -> Case:
    gold = _json(case / "gold.json")
    lead = gold.get("content_first_words")
    return Case(
        group="postlight-parser",
        name=case.name,
        path=case / "source.html",
        title=gold.get("title"),
        dates=_one_date(gold.get("gold_date")),
        authors=names(gold.get("author")),
        own=("lead", _starts_with(lead)) if lead else None,
    )


def _article_benchmark(case: Path, row: dict[str, str]) -> Case:
    gold = _json(case / "gold.json")
    return Case(
        group="article-extraction-benchmark",
        name=case.name,
        path=case / "source.html",
        body=gold.get("articleBody") or "",
        shingles=True,
    )


def _snippets(present: list[str], absent: list[str]) -> Callable[[str], float]:
    """Share of snippets right: the with-snippets found in the body, the without-ones not."""
    wanted = [norm(s) for s in present]
    unwanted = [norm(s) for s in absent]

    def check(body: str) -> float:
        text = norm(body)
        right = sum(s in text for s in wanted) + sum(s not in text for s in unwanted)
        return right / (len(wanted) + len(unwanted))

    return check


def _cjk(case: Path, row: dict[str, str]) -> Case:
    gold = _json(case / "gold.json")
    kind = str(gold.get("gold_type") or "none").split()[0]
    present, absent = gold.get("with_snippets") or [], gold.get("without_snippets") or []
    return Case(
        group="cjk-zh unannotated" if kind == "none" else f"cjk-zh {kind}",
        name=case.name,
        path=case / "source.html",
        title=gold.get("title"),
        dates=_one_date(gold.get("date")),
        authors=names(gold.get("author")),
        body=_text(case / "body.txt"),
        own=("snippets", _snippets(present, absent)) if present or absent else None,
    )


def _reuters(case: Path, row: dict[str, str]) -> Case:
    gold = _json(case / "gold.json")
    body = _REUTERS_BODY.search((case / "original.xml").read_text("utf-8"))
    return Case(
        group="reuters-21578-tm",
        name=case.name,
        path=case / "article.txt",
        title=gold["title"],
        # article.txt gives no year: "no date" is right, and so is the date of the wire.
        dates=frozenset({None, gold["date"]}),
        body=html.unescape(body.group(1)) if body else "",
    )


def epub_date(value: str | None) -> str | None:
    """A dc:date as YYYY-MM-DD; None for no date and for the ``0101-…`` "undefined" sentinel."""
    if not value or value.startswith("0101-"):
        return None
    iso = _ISO_DATE.match(value)
    if iso:
        return iso.group(0)
    dotted = _DOTTED_DATE.match(value)
    return f"{dotted.group(3)}-{dotted.group(2)}-{dotted.group(1)}" if dotted else None


def _markup_text(markup: str) -> str:
    body = _BODY_TAG.split(markup, maxsplit=1)[-1]
    return html.unescape(_TAG.sub(" ", _MARKUP_SKIPPED.sub(" ", body)))


def spine_texts(book: Path, opf_path: str) -> list[str]:
    """The text of every document in an EPUB's spine, in spine order, each file once.

    The live-manual spines point into the same file many times (``file.xhtml#o8``).
    """
    with zipfile.ZipFile(book) as archive:
        package = ElementTree.fromstring(archive.read(opf_path))
        base = posixpath.dirname(opf_path)
        hrefs = {item.get("id"): item.get("href") for item in package.iter(f"{_OPF}item")}
        members, seen = set(archive.namelist()), set()
        texts = []
        for ref in package.iter(f"{_OPF}itemref"):
            href = (hrefs.get(ref.get("idref")) or "").split("#", 1)[0]
            member = posixpath.normpath(posixpath.join(base, unquote(href)))
            if href and member in members and member not in seen:
                seen.add(member)
                texts.append(_markup_text(archive.read(member).decode("utf-8", "replace")))
    return texts


def _squash(text: str) -> str:
    """Only the word characters, normalised: immune to how lines and blocks were joined."""
    return _NON_WORD.sub("", norm(text))


def _in_spine_order(texts: list[str]) -> Callable[[str], float]:
    """Share of spine documents whose opening is found in the body, each after the one before."""
    probes = [_squash(text)[:PROBE_CHARS] for text in texts]
    probes = [probe for probe in probes if len(probe) >= MIN_PROBE_CHARS]

    def check(body: str) -> float:
        text, position, found = _squash(body), 0, 0
        for probe in probes:
            at = text.find(probe, position)
            if at >= 0:
                found, position = found + 1, at + len(probe)
        return found / len(probes) if probes else float(bool(text))

    return check


def _epub(case: Path, row: dict[str, str]) -> Case:
    gold = _json(case / "gold.json")
    book = case / "book.epub"
    titles, dates = gold.get("title") or [], gold.get("date") or []
    return Case(
        group="epub-debian",
        name=case.name,
        path=book,
        title=titles[0] if titles else None,
        dates=frozenset({epub_date(dates[0] if dates else None)}),
        authors=names(gold.get("creator")),
        own=("spine", _in_spine_order(spine_texts(book, gold["opf_path"]))),
    )


EVAL_SETS = (
    EvalSet("readability", _readability, ("readability real", "readability synthetic"), True),
    EvalSet("postlight-parser", _postlight, ("postlight-parser",), True),
    EvalSet(
        "article-extraction-benchmark",
        _article_benchmark,
        ("article-extraction-benchmark",),
        True,
    ),
    EvalSet("cjk-zh", _cjk, ("cjk-zh gold", "cjk-zh silver", "cjk-zh unannotated"), True),
    EvalSet("reuters-21578-tm", _reuters, ("reuters-21578-tm",), False),
    EvalSet("epub-debian", _epub, ("epub-debian",), False),
)


def load_cases(folder: Path, spec: EvalSet, limit: int | None) -> list[Case]:
    """The first ``limit`` cases of a set (by folder name), ordered by table row."""
    manifest: dict[str, dict[str, str]] = {}
    if (folder / "manifest.tsv").is_file():
        with (folder / "manifest.tsv").open(encoding="utf-8", newline="") as handle:
            rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            manifest = {row["case"]: row for row in rows}
    dirs = sorted(path for path in (folder / "cases").iterdir() if path.is_dir())[:limit]
    cases = [spec.load(path, manifest.get(path.name, {})) for path in dirs]
    return sorted(cases, key=lambda case: spec.groups.index(case.group))


# --- the two systems -----------------------------------------------------------------------


def run_reader(data: bytes, name: str) -> Extraction:
    """Reader's importer, as the app calls it."""
    try:
        doc = extract_bytes(data, name)
    except ImportFailed as exc:
        return Extraction(error=str(exc))
    date = doc.date.isoformat()[:10] if doc.date else None
    return Extraction(doc.title or "", date, doc.byline, doc.text)


def load_baseline() -> Callable[[bytes, str], Extraction] | None:
    """trafilatura with its defaults (comments, tables, fallbacks on), or None if not installed."""
    try:
        import trafilatura
    except ImportError:
        return None
    for logger in QUIET_LOGGERS:
        logging.getLogger(logger).setLevel(logging.CRITICAL)

    def run(data: bytes, name: str) -> Extraction:
        result = trafilatura.extract(data, output_format="json", with_metadata=True)
        if result is None:
            return Extraction(error="trafilatura extracted nothing")
        fields = json.loads(result)
        # "text" is the main text; comments, extracted by default, come apart in "comments".
        return Extraction(
            fields.get("title") or "", fields.get("date"), fields.get("author"), fields["text"]
        )

    return run


def timed(system: Callable[[bytes, str], Extraction], path: Path) -> Extraction:
    """Run one system on one file (read beforehand), timing only the extraction."""
    data = path.read_bytes()
    start = time.perf_counter()
    try:
        out = system(data, path.name)
    except Exception as exc:  # a crash on one page is a figure to report, not the end of the run
        out = Extraction(error=f"{type(exc).__name__}: {exc}", crashed=True)
    return replace(out, seconds=time.perf_counter() - start)


# --- scoring -------------------------------------------------------------------------------


def author_f1(predicted: str | None, gold: frozenset[str]) -> float:
    """Set F1 of the predicted names against the gold names."""
    got = names(predicted)
    overlap = len(got & gold)
    if not overlap:
        return 0.0
    return 2 * overlap / (len(got) + len(gold))


def _near(predicted: str, accepted: frozenset[str | None]) -> bool:
    try:
        day = dt.date.fromisoformat(predicted)
    except ValueError:
        return False
    return any(
        abs((dt.date.fromisoformat(gold) - day).days) <= 1 for gold in accepted if gold is not None
    )


def shingle_counts(gold: str, predicted: str) -> ShingleCounts:
    """article-extraction-benchmark: 4-word shingle TP, FP, FN, normalised to sum to 1."""

    def shingles(text: str) -> Counter[tuple[str, ...]]:
        words = _WORD.findall(text)
        spans = (tuple(words[i : i + 4]) for i in range(max(1, len(words) - 3)))
        return Counter(span for span in spans if span)

    want, got = shingles(gold), shingles(predicted)
    tp = sum((want & got).values())
    fp, fn = sum((got - want).values()), sum((want - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def shingle_metrics(counts: list[ShingleCounts]) -> tuple[float | None, float | None, float]:
    """Upstream's P and R (means over documents with a prediction / with a gold shingle), F1."""

    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else tp / (tp + fp)

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else tp / (tp + fn)

    ps = [precision(*c) for c in counts if c[0] + c[1] > 0]
    rs = [recall(*c) for c in counts if c[0] + c[2] > 0]
    p = statistics.fmean(ps) if ps else None
    r = statistics.fmean(rs) if rs else None
    f1 = 2 * p * r / (p + r) if p and r else 0.0
    return p, r, f1


def score(case: Case, out: Extraction) -> Score:
    """Compare one extraction with the case's gold data."""
    exact = lenient = None
    if case.title:
        exact, lenient = title_match(out.title, case.title) if out.title.strip() else (False, False)
    right = near = None
    if case.dates is not None:
        right = out.date in case.dates
        near = right or (out.date is not None and _near(out.date, case.dates))
    gold_body = case.body
    return Score(
        case=case,
        out=out,
        title_exact=exact,
        title_lenient=lenient,
        date_right=right,
        date_near=near,
        author_f1=author_f1(out.byline, case.authors) if case.authors else None,
        body=body_score(out.body, gold_body) if gold_body is not None else None,
        own=case.own[1](out.body) if case.own else None,
        shingles=shingle_counts(gold_body, out.body) if case.shingles and gold_body else None,
        same_words=(
            _WORD.findall(gold_body) == _WORD.findall(out.body)
            if case.shingles and gold_body is not None
            else None
        ),
    )


# --- the table -----------------------------------------------------------------------------

COLUMNS = (
    ("set", 28),
    ("system", 11),
    ("pages", 5),
    ("failed", 7),
    ("title=", 6),
    ("title~", 6),
    ("date", 6),
    ("date±1", 6),
    ("dated", 6),
    ("dateP", 6),
    ("nogold", 6),
    ("authF1", 6),
    ("bodyF1", 6),
    ("s med", 7),
    ("s p95", 7),
    ("set-specific", 0),
)
LEGEND = """\
pages   cases run; failed: ImportFailed (or trafilatura returning nothing), "(k!)" of them crashes
title=  norm(title) == norm(gold);  title~: lenient (containment, or equal without a site name)
date    right dates / cases whose gold says the date (reuters: no date or the wire's date is right;
        epub: the first dc:date, "no date" for the 0101 sentinel or none); date±1: within one day
        (postlight gold is the UTC date); dated: pages given any date; dateP: right / dated, on
        gold-dated cases; nogold: pages given a date where the gold has none (unknown, not scored)
authF1  author/byline names as sets, macro F1 over cases with gold names (e-mails dropped)
bodyF1  token F1 (CJK characters one token each), macro over cases with a gold body
s med   seconds per page, median and 95th percentile (nearest rank), extraction call only
set-specific  aeb: upstream 4-word shingle F1 (P, R) and share of pages with identical word lists;
        lead: body starts with postlight's first 13 words; snippets: trafilatura's with/without
        snippets right; spine: EPUB spine documents found in the body, in spine order
gold n rows give the number of cases each figure is computed over"""


def _share(hits: Iterable[bool | None]) -> tuple[int, int]:
    values = [hit for hit in hits if hit is not None]
    return sum(values), len(values)


def _percent(hits: Iterable[bool | None]) -> str:
    right, total = _share(hits)
    return f"{100 * right / total:.1f}" if total else "-"


def _mean(values: Iterable[float | None]) -> str:
    kept = [value for value in values if value is not None]
    return f"{statistics.fmean(kept):.3f}" if kept else "-"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _own_cell(scores: list[Score]) -> str:
    counts = [s.shingles for s in scores if s.shingles is not None]
    if counts:
        p, r, f1 = shingle_metrics(counts)
        shown = [f"{x:.3f}" if x is not None else "-" for x in (p, r)]
        same = _percent(s.same_words for s in scores)
        return f"aeb F1 {f1:.3f} (P {shown[0]} R {shown[1]}) same {same}%"
    owns = [s for s in scores if s.own is not None and s.case.own]
    if not owns:
        return ""
    label = owns[0].case.own[0] if owns[0].case.own else ""
    return f"{label} {100 * statistics.fmean(s.own or 0.0 for s in owns):.1f}%"


def _row(group: str, system: str, scores: list[Score]) -> list[str]:
    failed = sum(s.out.error is not None for s in scores)
    crashed = sum(s.out.crashed for s in scores)
    gold_dated = [s for s in scores if s.date_right is not None]
    seconds = [s.out.seconds for s in scores]
    return [
        group,
        system,
        str(len(scores)),
        f"{failed}({crashed}!)" if crashed else str(failed),
        _percent(s.title_exact for s in scores),
        _percent(s.title_lenient for s in scores),
        _percent(s.date_right for s in scores),
        _percent(s.date_near for s in scores),
        _percent(s.out.date is not None for s in scores),
        _percent(s.date_right for s in gold_dated if s.out.date is not None),
        _percent(s.out.date is not None for s in scores if s.date_right is None),
        _mean(s.author_f1 for s in scores),
        _mean(s.body.f1 if s.body else None for s in scores),
        f"{statistics.median(seconds):.4f}" if seconds else "-",
        f"{percentile(seconds, 0.95):.4f}" if seconds else "-",
        _own_cell(scores),
    ]


def _gold_row(group: str, cases: list[Case]) -> list[str]:
    titles = str(sum(bool(c.title) for c in cases))
    dated = str(sum(c.dates is not None for c in cases))
    own = Counter(c.own[0] for c in cases if c.own)
    own_cells = [f"{label} {count}" for label, count in own.items()]
    if any(c.shingles for c in cases):
        own_cells.append(f"aeb {sum(c.shingles for c in cases)}")
    return [
        group,
        "gold n",
        str(len(cases)),
        "",
        titles,
        titles,
        dated,
        dated,
        str(len(cases)),
        "",
        str(sum(c.dates is None for c in cases)),
        str(sum(bool(c.authors) for c in cases)),
        str(sum(c.body is not None for c in cases)),
        "",
        "",
        ", ".join(own_cells),
    ]


def _na_row(group: str, system: str) -> list[str]:
    return [group, system] + ["n/a"] * (len(COLUMNS) - 2)


def _format(cells: list[str]) -> str:
    parts = [
        cell.ljust(width) if index < 2 else cell.rjust(width)
        for index, (cell, (_, width)) in enumerate(zip(cells, COLUMNS, strict=True))
    ]
    return " ".join(parts[:-1]) + "  " + cells[-1]


def print_table(rows: list[list[str]]) -> None:
    """One line per set (or part of one) and system, with a gold-count line above each pair."""
    header = _format([name for name, _ in COLUMNS])
    print(header)
    print("-" * len(header))
    for cells in rows:
        if cells[1] == "gold n" and cells is not rows[0]:
            print()
        print(_format(cells))
    print()
    print(LEGEND)


# --- reports beside the table --------------------------------------------------------------


def _case_parts(s: Score) -> list[float]:
    """Title (lenient), date and body F1 (else the set's own body check) where the gold has them."""
    parts = [float(x) for x in (s.title_lenient, s.date_right) if x is not None]
    body = s.body.f1 if s.body is not None else s.own
    return parts if body is None else [*parts, body]


def _case_score(s: Score) -> float:
    parts = _case_parts(s)
    return statistics.fmean(parts) if parts else 0.0


def print_worst(group: str, scores: list[Score], count: int) -> None:
    """The ``count`` lowest-scoring pages of a group, with what was extracted and the gold."""
    ranked = [s for s in scores if _case_parts(s) or s.out.error]
    print(f"\n{group}: Reader's {min(count, len(ranked))} worst of {len(ranked)} scored or failed")
    for s in sorted(ranked, key=lambda s: (_case_score(s), s.case.name))[:count]:
        out, case = s.out, s.case
        print(f"  {case.name}  score {_case_score(s):.3f}  {case.path}")
        if out.error:
            print(f"    failed: {out.error}")
        if case.title:
            print(f"    title  {out.title!r}  gold {case.title!r}  lenient {s.title_lenient}")
        if case.dates is not None:
            gold = " or ".join(sorted(str(d) for d in case.dates))
            print(f"    date   {out.date}  gold {gold}")
        if case.authors:
            print(f"    byline {out.byline!r}  gold {sorted(case.authors)}  F1 {s.author_f1:.2f}")
        if s.body is not None:
            print(
                f"    body   F1 {s.body.f1:.3f} P {s.body.precision:.3f} R {s.body.recall:.3f}"
                f"  starts {out.body[:70]!r}"
            )
            for label, words in (("extra ", s.body.extra.split()), ("missed", s.body.missing)):
                if words:
                    print(f"    {label} {' '.join(dict.fromkeys(words))[:100]}")
        if case.own and s.own is not None:
            print(f"    {case.own[0]:<6} {s.own:.2f}  starts {out.body[:70]!r}")


def print_failures(results: dict[tuple[str, str], list[Score]]) -> None:
    """The commonest failure messages of each group and system."""
    lines = []
    for (group, system), scores in results.items():
        messages = Counter(s.out.error for s in scores if s.out.error)
        for message, count in messages.most_common(3):
            lines.append(f"  {group:<28} {system:<11} {count:>4}x  {message}")
    if lines:
        print("\nfailures (commonest messages):")
        print("\n".join(lines))


# --- command line --------------------------------------------------------------------------


def _set_names(value: str) -> list[str]:
    known = [spec.name for spec in EVAL_SETS]
    chosen = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown set {', '.join(unknown)}; known: {known}")
    return chosen


def main(argv: list[str] | None = None) -> int:
    """Command line: run both systems on the chosen sets and print the table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sets", type=_set_names, help="comma-separated set names (default: all)")
    parser.add_argument("--limit", type=int, help="only the first N cases of each set")
    parser.add_argument("--worst", type=int, default=0, metavar="K", help="show Reader's K worst")
    parser.add_argument("--no-baseline", action="store_true", help="do not run trafilatura")
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="the eval folder")
    args = parser.parse_args(argv)
    if not args.eval.is_dir():
        print(f"no eval data at {args.eval}: nothing to score")
        return 0
    baseline = None if args.no_baseline else load_baseline()
    systems: dict[str, Callable[[bytes, str], Extraction] | None] = {
        "Reader": run_reader,
        BASELINE: baseline,
    }
    chosen = args.sets or [spec.name for spec in EVAL_SETS]
    specs = [spec for spec in EVAL_SETS if spec.name in chosen and (args.eval / spec.name).is_dir()]
    missing = [name for name in chosen if name not in {spec.name for spec in specs}]

    rows: list[list[str]] = []
    results: dict[tuple[str, str], list[Score]] = {}
    totals = dict.fromkeys(SYSTEMS, 0.0)
    warmed: set[tuple[str, str]] = set()
    loaded = [(spec, load_cases(args.eval / spec.name, spec, args.limit)) for spec in specs]
    for spec, cases in loaded:
        for group in spec.groups:
            group_cases = [case for case in cases if case.group == group]
            if not group_cases:
                continue
            rows.append(_gold_row(group, group_cases))
            for name, system in systems.items():
                if system is None or (name == BASELINE and not spec.html):
                    rows.append(_na_row(group, name))
                    continue
                if (name, spec.name) not in warmed:  # first-use imports are start-up cost
                    timed(system, group_cases[0].path)
                    warmed.add((name, spec.name))
                scores = [score(case, timed(system, case.path)) for case in group_cases]
                totals[name] += sum(s.out.seconds for s in scores)
                results[group, name] = scores
                rows.append(_row(group, name, scores))

    print(f"Extraction on {args.eval}  (limit {args.limit or 'none'})")
    if baseline is None:
        print("trafilatura: not run" + ("" if args.no_baseline else " (not installed)"))
    else:
        import trafilatura

        print(
            f"trafilatura {trafilatura.__version__}: extract(data, output_format='json', "
            "with_metadata=True), other options default (include_comments=True, "
            "include_tables=True, favor_precision/recall=False, deduplicate=False, fast=False)"
        )
    if missing:
        print(f"sets not found: {', '.join(missing)}")
    print()
    print_table(rows)
    print_failures(results)
    for (group, name), scores in results.items():
        if name == "Reader" and args.worst > 0:
            print_worst(group, scores, args.worst)
    ran = {name for _, name in results}
    spent = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in totals.items() if name in ran)
    print(f"\ntime in extraction calls: {spent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
