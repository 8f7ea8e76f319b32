"""Benchmark a Library on a generated corpus: import, indexing, index size and search latency."""

from __future__ import annotations

import argparse
import importlib.metadata
import math
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from corpus import AUTHORS, PEOPLE, VOCABULARY, article, generate, read_manifest

from reader.core.library import DATABASE_NAME, ORIGINALS_DIR, Library
from reader.core.models import DocumentSummary

T = TypeVar("T")
REPEATS = 3
LIMIT = 20


@dataclass(frozen=True, slots=True)
class BenchQuery:
    """One query of the mix: its kind, what is typed and the result order."""

    kind: str
    text: str
    order: str = "relevance"


@dataclass(slots=True)
class Timing:
    """The timed runs of one query and the result it gave."""

    query: BenchQuery
    total: int = 0
    suggestion: str | None = None
    millis: list[float] = field(default_factory=list)


def query_mix() -> list[BenchQuery]:
    """The fixed query mix: words of every frequency, phrases, fields, dates, prefix, fuzzy, CJK."""
    mid, rare = VOCABULARY[600], VOCABULARY[-1]
    return [
        BenchQuery("word", "said"),
        BenchQuery("word", "government"),
        BenchQuery("word", mid),
        BenchQuery("word", rare),
        BenchQuery("word", "inflation"),
        BenchQuery("word", "earthquake", "date"),
        BenchQuery("two words", "climate emissions"),
        BenchQuery("two words", "vaccine hospital"),
        BenchQuery("two words", PEOPLE[0]),
        BenchQuery("two words", "said government", "date"),
        BenchQuery("phrase", '"central bank"'),
        BenchQuery("phrase", '"interest rates"'),
        BenchQuery("phrase", '"of the"'),
        BenchQuery("phrase", '"artificial intelligence"', "date"),
        BenchQuery("boolean", "inflation OR recession"),
        BenchQuery("boolean", "election -fraud"),
        BenchQuery("boolean", "(earthquake OR tsunami) AND rescue"),
        BenchQuery("field", "source:xinhua"),
        BenchQuery("field", 'source:"associated press"'),
        BenchQuery("field", "title:earthquake"),
        BenchQuery("field", f'author:"{AUTHORS[0]}"'),
        BenchQuery("field", f"author:{AUTHORS[4].split()[-1]}", "date"),
        BenchQuery("field", "title:summit source:reuters"),
        BenchQuery("date", "date:2015"),
        BenchQuery("date", "date:2015-06"),
        BenchQuery("date", "date:[2010 to 2012]", "date"),
        BenchQuery("date", "inflation date:[2018 to 2020]"),
        BenchQuery("prefix", "semicond*"),
        BenchQuery("prefix", "clim*"),
        BenchQuery("prefix", "trans*"),
        BenchQuery("prefix", "infl*", "date"),
        BenchQuery("fuzzy", "inflaton~"),
        BenchQuery("fuzzy", "goverment~"),
        BenchQuery("fuzzy", "vacine~2"),
        BenchQuery("cjk", "人工智能"),
        BenchQuery("cjk", "经济"),
        BenchQuery("cjk", "北京", "date"),
        BenchQuery("typo", "earthqauke"),
        BenchQuery("typo", "zzyzxqv"),
    ]


def timed(action: Callable[[], T]) -> tuple[T, float]:
    """Run ``action``; return its result and the seconds it took."""
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def tree_size(path: Path) -> int:
    """Bytes of all files under ``path`` (or of ``path`` itself)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def megabytes(size: int) -> str:
    """A byte count in MB with one decimal."""
    return f"{size / 1_048_576:.1f} MB"


def peak_rss() -> str:
    """Peak resident memory of this process, where the platform tells it."""
    try:
        import resource
    except ImportError:
        return "n/a"
    kilobytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return megabytes(kilobytes * 1024 if sys.platform != "darwin" else kilobytes)


def machine() -> list[tuple[str, str]]:
    """Facts about the machine and the software under test."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    try:
        memory = megabytes(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        memory = "n/a"
    return [
        ("platform", platform.platform()),
        ("cpu", f"{cpu} ({os.cpu_count()} logical CPUs)"),
        ("memory", memory),
        ("python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("whoosh", importlib.metadata.version("Whoosh-Reloaded")),
        ("sqlite", sqlite3.sqlite_version),
    ]


def print_rows(rows: Iterable[tuple[str, str]]) -> None:
    """Label/value lines, aligned."""
    for label, value in rows:
        print(f"  {label:<34} {value}")


def print_heading(title: str) -> None:
    """A section heading."""
    print(f"\n{title}\n{'-' * len(title)}", flush=True)


def extraction_check(documents: list[DocumentSummary], corpus_dir: Path) -> list[tuple[str, str]]:
    """How many titles, dates, sources and bylines the importer got right, per the manifest."""
    manifest = read_manifest(corpus_dir)
    if not manifest:
        return [("metadata check", "no manifest.tsv in the corpus folder")]
    checked = title = date = source = byline = 0
    for doc in documents:
        gold = manifest.get(Path(doc.imported_from).name)
        if gold is None:
            continue
        checked += 1
        title += " ".join(doc.title.split()) == gold["title"]
        date += (doc.date.isoformat() if doc.date else "") == gold["date"]
        source += (doc.source or "").casefold() == gold["source"].casefold()
        byline += (doc.byline or "") == gold["byline"]

    def share(count: int) -> str:
        return f"{count}/{checked} ({100 * count / max(1, checked):.1f}%)"

    return [
        ("titles exactly right", share(title)),
        ("dates right (undated = none found)", share(date)),
        ("sources right", share(source)),
        ("bylines right (none = none found)", share(byline)),
    ]


def run_queries(library: Library) -> list[Timing]:
    """Each query of the mix once to warm up, then REPEATS timed runs."""
    timings = []
    for bench_query in query_mix():
        result = library.search(bench_query.text, limit=LIMIT, order=bench_query.order)
        timing = Timing(bench_query, result.total, result.suggestion)
        for _ in range(REPEATS):
            start = time.perf_counter()
            library.search(bench_query.text, limit=LIMIT, order=bench_query.order)
            timing.millis.append((time.perf_counter() - start) * 1000)
        timings.append(timing)
    return timings


def print_queries(timings: list[Timing]) -> None:
    """The per-query table, then p50/p95/max per kind, per order and overall."""
    print(
        f"  {'kind':<10} {'query':<34} {'order':<9} {'hits':>6} {'p50 ms':>8} {'max ms':>8}"
        "  suggestion"
    )
    for t in timings:
        print(
            f"  {t.query.kind:<10} {t.query.text:<34} {t.query.order:<9} {t.total:>6}"
            f" {percentile(t.millis, 0.5):>8.1f} {max(t.millis):>8.1f}  {t.suggestion or ''}"
        )
    groups: dict[str, list[float]] = {}
    for t in timings:
        groups.setdefault(t.query.kind, []).extend(t.millis)
    for t in timings:
        groups.setdefault(f"order={t.query.order}", []).extend(t.millis)
    groups["ALL"] = [m for t in timings for m in t.millis]
    print(f"\n  {'group':<16} {'queries':>7} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, millis in groups.items():
        print(
            f"  {name:<16} {len(millis) // REPEATS:>7} {len(millis):>5}"
            f" {percentile(millis, 0.5):>8.1f} {percentile(millis, 0.95):>8.1f}"
            f" {max(millis):>8.1f}"
        )


def fresh_document(library: Library, work: Path, number: int, token: str) -> tuple[str, str]:
    """Import one new article holding ``token``, and time until a search finds it."""
    path = work / f"fresh-{token}.txt"
    path.write_text(f"Experts puzzled by {token} discovery\n\n{article(number).text}", "utf-8")
    report, import_seconds = timed(lambda: library.import_paths([path]))
    result, search_seconds = timed(lambda: library.search(token, limit=LIMIT))
    found = any(hit.id in report.imported for hit in result.hits)
    total = (import_seconds + search_seconds) * 1000
    return (
        f"new document {token}",
        f"{total:.0f} ms (import+sync {import_seconds * 1000:.0f} ms, "
        f"search {search_seconds * 1000:.0f} ms){'' if found else '  NOT FOUND'}",
    )


def bench(n: int, corpus_dir: Path | None, work: Path) -> None:
    """Run every measurement and print it."""
    print_heading("Machine")
    print_rows(machine())

    print_heading("Corpus")
    if corpus_dir is None or not any(corpus_dir.glob("*.txt")):
        corpus_dir = corpus_dir or work / "corpus"
        paths, seconds = timed(lambda: generate(corpus_dir, n))
        print_rows([("generated", f"{len(paths)} articles in {seconds:.1f} s")])
    files = sorted(corpus_dir.glob("*.txt"))
    print_rows(
        [
            ("folder", str(corpus_dir)),
            ("N (files)", str(len(files))),
            ("size", megabytes(sum(p.stat().st_size for p in files))),
        ]
    )

    data_dir = work / "data"
    print_heading(f"Import and index (N={len(files)})")
    library = Library.open(data_dir, seed=False)
    report, store_seconds = timed(lambda: library.import_paths([corpus_dir], sync_index=False))
    indexed, index_seconds = timed(library.sync_index)
    total_seconds = store_seconds + index_seconds
    imported = len(report.imported)
    print_rows(
        [
            (
                "imported / duplicates / failed",
                f"{imported} / {len(report.duplicates)} / {len(report.failures)}",
            ),
            (
                "store (sync_index=False)",
                f"{store_seconds:.1f} s  {imported / store_seconds:.0f} docs/s",
            ),
            (
                "index (sync_index())",
                f"{index_seconds:.1f} s  {indexed / index_seconds:.0f} docs/s",
            ),
            ("end to end", f"{total_seconds:.1f} s  {imported / total_seconds:.0f} docs/s"),
            ("index on disk", megabytes(tree_size(library.index.path))),
            ("index segments", str(len(list(library.index.path.glob("*.trm"))))),
            (
                "database (with WAL)",
                megabytes(sum(tree_size(p) for p in data_dir.glob(DATABASE_NAME + "*"))),
            ),
            ("kept originals", megabytes(tree_size(data_dir / ORIGINALS_DIR))),
        ]
    )
    for failure in report.failures[:5]:
        print(f"  failed: {failure.path.name}: {failure.reason}")

    print_heading("Opening")
    library.close()
    library, open_seconds = timed(lambda: Library.open(data_dir, seed=False))
    searcher, searcher_seconds = timed(library.index.open_searcher)
    searcher.close()
    _, first_seconds = timed(lambda: library.search("government", limit=LIMIT))
    documents, documents_seconds = timed(library.documents)
    _, timeline_seconds = timed(library.timeline)
    print_rows(
        [
            ("Library.open (existing library)", f"{open_seconds * 1000:.0f} ms"),
            ("searcher open", f"{searcher_seconds * 1000:.0f} ms"),
            ("first search (cold)", f"{first_seconds * 1000:.0f} ms"),
            ("documents() list", f"{documents_seconds * 1000:.0f} ms ({len(documents)} rows)"),
            ("timeline()", f"{timeline_seconds * 1000:.0f} ms"),
        ]
    )

    print_heading("Metadata found by the importer (against the corpus manifest)")
    print_rows(extraction_check(documents, corpus_dir))

    print_heading(
        f"Search (limit={LIMIT}, snippets for every hit; 1 warm-up + {REPEATS} runs each)"
    )
    print_queries(run_queries(library))

    print_heading("Time until a newly imported document is searchable")
    tokens = ("zorblaxquint", "quaffletrope", "vexnumbrid")
    print_rows(
        fresh_document(library, work, len(files) + 1 + i, token) for i, token in enumerate(tokens)
    )
    library.close()

    print_heading("Process")
    print_rows([("peak RSS", peak_rss()), ("work folder", str(work))])


def main(argv: list[str] | None = None) -> int:
    """Command line: generate (or reuse) a corpus, then benchmark a fresh library on it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=1000, help="articles to generate (default 1000)")
    parser.add_argument("--corpus", type=Path, help="reuse (or generate into) this corpus folder")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="reader-bench-"))
    try:
        bench(args.n, args.corpus, work)
    finally:
        if args.keep:
            print(f"\nkept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
