"""Benchmark a Library on a generated corpus: import, indexing, index size and search latency."""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import math
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from corpus import AUTHORS, PEOPLE, VOCABULARY, article, generate, read_manifest

from reader.core.library import DATABASE_NAME, Library
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


class IndexWatch:
    """Progress callback of sync_index() that also samples the index size on disk meanwhile.

    Sampling runs in a thread because the index is largest in the middle of a segment merge,
    between two progress calls.
    """

    def __init__(self, path: Path, interval: float = 0.25) -> None:
        self.path = path
        self.interval = interval
        self.peak_size = 0
        self.slowest = 0.0
        self.batches = 0
        self._last = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> IndexWatch:
        self._last = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_size = max(self.peak_size, tree_size(self.path))

    def __call__(self, done: int, total: int) -> None:
        """Called by sync_index() after each committed batch."""
        now = time.perf_counter()
        self.slowest = max(self.slowest, now - self._last)
        self.batches += 1
        self._last = now

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak_size = max(self.peak_size, tree_size(self.path))


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


def pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (wide CJK characters take two)."""
    columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(0, width - columns)


def kept_bytes(database: Path) -> int:
    """Bytes of the kept originals and images in the library database (schema 6 on)."""
    with contextlib.closing(sqlite3.connect(database)) as db:
        return int(db.execute("SELECT COALESCE(SUM(LENGTH(data)), 0) FROM blobs").fetchone()[0])


def tree_size(path: Path) -> int:
    """Bytes of the files under ``path`` (or of ``path``); what vanishes meanwhile counts 0."""
    if path.is_file():
        return path.stat().st_size
    total = 0
    for root, _, names in os.walk(path):  # os.walk skips folders deleted while it walks
        for name in names:
            with contextlib.suppress(FileNotFoundError):
                total += os.stat(os.path.join(root, name)).st_size
    return total


def megabytes(size: int) -> str:
    """A byte count in MB with one decimal."""
    return f"{size / 1_048_576:.1f} MB"


def rate(count: int, seconds: float) -> str:
    """Seconds taken and documents per second."""
    return f"{seconds:.1f} s  {count / seconds:.0f} docs/s"


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
            f"  {t.query.kind:<10} {pad(t.query.text, 34)} {t.query.order:<9} {t.total:>6}"
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
    extra = (
        f"Investigators said the {token} samples were sent to three laboratories on Monday,"
        " and the results of the tests are expected within the next few weeks."
    )
    path.write_text(f"{article(number).text}\n{extra}\n", "utf-8")
    report, import_seconds = timed(lambda: library.import_paths([path]))
    result, search_seconds = timed(lambda: library.search(token, limit=LIMIT))
    found = any(hit.id in report.imported for hit in result.hits)
    total = (import_seconds + search_seconds) * 1000
    return (
        f"new document {token}",
        f"{total:.0f} ms (import+sync {import_seconds * 1000:.0f} ms, "
        f"search {search_seconds * 1000:.0f} ms){'' if found else '  NOT FOUND'}",
    )


def prepare_corpus(n: int, corpus_dir: Path | None, work: Path) -> list[Path]:
    """The corpus files: those in ``corpus_dir`` if it has any, else ``n`` generated ones."""
    if corpus_dir is None or not any(corpus_dir.glob("*.txt")):
        corpus_dir = corpus_dir or work / "corpus"
        paths, seconds = timed(lambda: generate(corpus_dir, n))
        print_rows([("generated", f"{len(paths)} articles in {seconds:.1f} s")])
    files = sorted(corpus_dir.glob("*.txt"))
    size = megabytes(sum(p.stat().st_size for p in files))
    print_rows([("folder", str(corpus_dir)), ("N (files)", str(len(files))), ("size", size)])
    return files


def import_and_index(data_dir: Path, corpus_dir: Path) -> None:
    """Store the corpus with sync_index=False, then index it, timing both; print sizes."""
    with Library.open(data_dir, seed=False) as library:
        report, store_seconds = timed(lambda: library.import_paths([corpus_dir], sync_index=False))
        with IndexWatch(library.index.path) as watch:
            indexed, index_seconds = timed(lambda: library.sync_index(watch))
        index_path = library.index.path
    total_seconds = store_seconds + index_seconds
    imported = len(report.imported)
    database = sum(tree_size(p) for p in data_dir.glob(DATABASE_NAME + "*"))
    outcome = f"{imported} / {len(report.duplicates)} / {len(report.failures)}"
    print_rows(
        [
            ("imported / duplicates / failed", outcome),
            ("store (sync_index=False)", rate(imported, store_seconds)),
            ("index (sync_index())", rate(indexed, index_seconds)),
            ("end to end", rate(imported, total_seconds)),
            ("index batches / slowest batch", f"{watch.batches} / {watch.slowest:.1f} s"),
            ("index on disk", megabytes(tree_size(index_path))),
            ("index on disk, peak while indexing", megabytes(watch.peak_size)),
            ("index segments", str(len(list(index_path.glob("*.trm"))))),
            ("database (with WAL and the originals)", megabytes(database)),
            ("of it kept originals", megabytes(kept_bytes(data_dir / DATABASE_NAME))),
        ]
    )
    for failure in report.failures[:5]:
        print(f"  failed: {failure.path.name}: {failure.reason}")


def open_library(data_dir: Path) -> tuple[Library, list[DocumentSummary]]:
    """Reopen the library, timing the open, a searcher, a first search and the lists."""
    library, open_seconds = timed(lambda: Library.open(data_dir, seed=False))
    searcher, searcher_seconds = timed(library.index.open_searcher)
    searcher.close()
    _, first_seconds = timed(lambda: library.search("government", limit=LIMIT))
    documents, documents_seconds = timed(library.documents)
    _, timeline_seconds = timed(library.timeline)
    print_rows(
        [
            ("Library.open (existing library)", f"{open_seconds * 1000:.1f} ms"),
            ("searcher open", f"{searcher_seconds * 1000:.1f} ms"),
            ("first search (cold)", f"{first_seconds * 1000:.0f} ms"),
            ("documents() list", f"{documents_seconds * 1000:.0f} ms ({len(documents)} rows)"),
            ("timeline()", f"{timeline_seconds * 1000:.1f} ms"),
        ]
    )
    return library, documents


def bench(n: int, corpus_dir: Path | None, work: Path) -> None:
    """Run every measurement and print it."""
    print_heading("Machine")
    print_rows(machine())

    print_heading("Corpus")
    files = prepare_corpus(n, corpus_dir, work)
    corpus_dir = files[0].parent

    data_dir = work / "data"
    print_heading(f"Import and index (N={len(files)})")
    import_and_index(data_dir, corpus_dir)

    print_heading("Opening")
    library, documents = open_library(data_dir)
    with library:
        print_heading("Metadata found by the importer (against the corpus manifest)")
        print_rows(extraction_check(documents, corpus_dir))

        print_heading(f"Search (limit={LIMIT}, snippets for every hit; 1 warm-up + {REPEATS} runs)")
        print_queries(run_queries(library))

        print_heading("Time until a newly imported document is searchable")
        tokens = ("zorblaxquint", "quaffletrope", "vexnumbrid")
        print_rows(
            fresh_document(library, work, len(files) + 1 + i, token)
            for i, token in enumerate(tokens)
        )

    print_heading("Process")
    print_rows([("peak RSS", peak_rss())])


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
            print(f"\nkept the work folder {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
