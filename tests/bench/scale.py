"""Reader side by side with bare Whoosh and SQLite FTS5 on one generated corpus (issue 7).

    .venv/bin/python tests/bench/scale.py -n 10000 [-n 100000] [--corpus-dir DIR] [--work DIR]
        [--only reader,whoosh,fts5] [--queries N] [--rounds R] [--gui-runs R] [--json OUT] [--keep]

Each size's corpus is generated once (corpus.py: ~600-word news articles, dates over 20 years,
sources, 5% Chinese) into the corpus dir and reused. Each system runs in a fresh process of
its own (so that its peak memory is its own) on a fresh work dir:

- reader: ``Library.import_paths(folder)``, Reader's real path: documents are in the list once
  stored (visible: when the last one is), a child process indexes them (once the import is
  done, or alongside a slow one), and the call returns when all are searchable; queries
  through ``Library.search(q, limit=20)``.
- whoosh: ``index.create_in`` with StemmingAnalyzer on stored title and body, KEYWORD source,
  sortable DATETIME date; the default ``ix.writer()`` and one commit at the end; queries with a
  MultifieldParser on title and body, ``hit.highlights("body")`` and ``len(results)``.
- fts5: stdlib sqlite3 (WAL), a ``docs`` table plus an external-content FTS5 table with the
  ``porter unicode61`` tokenizer, one row of each per document, a commit per 1,000 documents;
  queries with ``bm25()``, ``snippet()`` and a ``COUNT(*)``; dates are a normal indexed column.

The bare systems take title, date and source from the corpus manifest and the whole file text as
the body; Reader finds them itself in the messy files (the figures include its extraction).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from corpus import PEOPLE, VOCABULARY, article, generate, read_manifest

BENCH_FILE = Path(__file__).resolve()
SYSTEMS = ("reader", "whoosh", "fts5")
LIMIT = 20
FTS5_BATCH = 1000
OPEN_RUNS = 5
PROGRESS_EVERY = 2000
FRESH_TOKENS = ("zorblaxquint", "quaffletrope", "vexnumbrid")
DEFAULT_CORPUS_DIR = Path(tempfile.gettempdir()) / "reader-scale-corpus"


# -- the query mix ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogicalQuery:
    """One query of the mix, written once and translated for each system."""

    kind: str
    words: str = ""  # words and "phrases", searched in title and body
    title: str = ""
    source: str = ""
    years: tuple[int, int] | None = None
    order: str = "relevance"  # or "date": newest first

    def text(self) -> str:
        """The query in Reader's syntax, which bare Whoosh's parser reads the same way."""
        parts = [self.words] if self.words else []
        if self.title:
            parts.append(f"title:{self.title}")
        if self.source:
            parts.append(f"source:{self.source}")
        if self.years:
            parts.append(f"date:[{self.years[0]} to {self.years[1]}]")
        return " ".join(parts)

    def fts_match(self) -> str | None:
        """The FTS5 MATCH expression (None for a query of dates only)."""
        parts = []
        if self.words:
            parts.append(f"{{title body}} : ({self.words})")
        if self.title:
            parts.append(f"title : ({self.title})")
        if self.source:
            parts.append(f"source : ({self.source})")
        return " AND ".join(parts) or None

    def label(self) -> str:
        """What the tables show."""
        return self.text() + ("  [by date]" if self.order == "date" else "")


def query_mix() -> list[LogicalQuery]:
    """The fixed mix: 53 queries in 7 kinds, plus 4 Chinese ones reported apart ("cjk")."""
    q = LogicalQuery
    common = ("said", "government", "people", "officials", "security", "market")
    rare = (*(VOCABULARY[i] for i in (600, 1500, 2500, -1)), "semiconductor", "dinosaur")
    rare += ("tsunami", "orchestra")
    pairs = ("climate emissions", "vaccine hospital", "inflation unemployment")
    pairs += ("earthquake rescue", "court verdict", "rocket satellite", "oil pipeline", PEOPLE[0])
    phrases = ("central bank", "interest rates", "artificial intelligence", "supply chain")
    phrases += ("peace talks", "climate summit", "foreign minister", PEOPLE[1])
    return [
        *(q("word, common", w) for w in common),
        *(q("word, rare", w) for w in rare),
        *(q("two words", w) for w in pairs),
        *(q("phrase", f'"{p}"') for p in phrases),
        *(q("field", title=w) for w in ("earthquake", "inflation", "vaccine", "election")),
        *(q("field", source=s) for s in ("xinhua", "reuters", "cnn")),
        q("field", title="summit", source="reuters"),
        q("field", "government", source="xinhua"),
        q("date range", "inflation", years=(2018, 2020)),
        q("date range", "election", years=(2008, 2010)),
        q("date range", "vaccine", years=(2020, 2021)),
        q("date range", "government", years=(2015, 2015)),
        q("date range", '"central bank"', years=(2010, 2014)),
        q("date range", years=(2010, 2012)),
        q("by date", "earthquake", order="date"),
        q("by date", "said", order="date"),
        q("by date", "said government", order="date"),
        q("by date", '"artificial intelligence"', order="date"),
        q("by date", title="summit", order="date"),
        q("by date", source="xinhua", order="date"),
        q("by date", "inflation", years=(2018, 2020), order="date"),
        q("by date", years=(2010, 2012), order="date"),
        *(q("cjk", w) for w in ("经济", "人工智能", "北京", "新华社")),
    ]


def select_queries(count: int | None) -> list[LogicalQuery]:
    """``count`` queries of the mix taken in turn from each kind (all of them for None)."""
    mix = query_mix()
    if count is None or count >= len(mix):
        return mix
    kinds: dict[str, list[LogicalQuery]] = {}
    for item in mix:
        kinds.setdefault(item.kind, []).append(item)
    chosen: list[LogicalQuery] = []
    while len(chosen) < count:
        for items in kinds.values():
            if items and len(chosen) < count:
                chosen.append(items.pop(0))
    return [item for item in mix if item in chosen]


# -- helpers ------------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    kilobytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kilobytes / 1024 if sys.platform != "darwin" else kilobytes / 1_048_576


def tree_mb(path: Path) -> float:
    """MB of the files under ``path`` (or of the file ``path``)."""
    if path.is_file():
        return path.stat().st_size / 1_048_576
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1_048_576


def log(message: str) -> None:
    """A progress line, flushed at once (children share the terminal with the parent)."""
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", flush=True)


@dataclass(frozen=True, slots=True)
class CorpusDoc:
    """One corpus file as the bare systems index it: manifest metadata and the file's text."""

    id: int
    title: str
    date: dt.date | None
    source: str
    body: str


def corpus_docs(corpus_dir: Path) -> Iterator[CorpusDoc]:
    """The corpus in file order, one file read at a time (100,000 bodies never in memory)."""
    for number, (name, row) in enumerate(sorted(read_manifest(corpus_dir).items()), start=1):
        text = (corpus_dir / name).read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        date = dt.date.fromisoformat(row["date"]) if row["date"] else None
        yield CorpusDoc(number, row["title"], date, row["source"], text)


def fresh_doc(number: int, token: str) -> CorpusDoc:
    """A new article (not in the corpus) whose last paragraph holds the unique word ``token``."""
    item = article(number)
    extra = (
        f"Investigators said the {token} samples were sent to three laboratories on Monday,"
        " and the results of the tests are expected within the next few weeks."
    )
    return CorpusDoc(number, item.title, item.date, item.source or "", f"{item.text}\n{extra}\n")


class Progress:
    """Logs every PROGRESS_EVERY documents with the rate so far."""

    def __init__(self, what: str, total: int) -> None:
        self.what = what
        self.total = total
        self.start = time.perf_counter()

    def __call__(self, done: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == self.total:
            elapsed = time.perf_counter() - self.start
            log(f"{self.what} {done:,}/{self.total:,}  {elapsed:.0f} s  {done / elapsed:.0f}/s")


# -- the three systems --------------------------------------------------------------------------


class System(Protocol):
    """What each system under test offers the benchmark."""

    def load(self, corpus_dir: Path, count: int) -> dict[str, float]:
        """Import the corpus; seconds until visible in the list, until searchable, indexing."""

    def open_once(self) -> None:
        """Open the existing index ready for a query, and close it again."""

    def open(self) -> None:
        """Open the index for the queries."""

    def search(self, q: LogicalQuery) -> tuple[int, int]:
        """Run one query (top LIMIT with snippets and the total); (total, hits shown)."""

    def add_and_find(self, doc: CorpusDoc, token: str) -> bool:
        """Add one document and search for ``token`` until found; True if it was."""

    def close(self) -> None:
        """Release everything."""

    def sizes(self) -> dict[str, float]:
        """MB on disk: 'index' and 'total'."""


class ReaderSystem:
    """Reader through its Library API, as `reader import` and `reader search` use it."""

    def __init__(self, work: Path) -> None:
        from reader.core.library import Library

        self.library_class = Library
        self.data_dir = work / "data"
        self.work = work
        self.library: Any = None

    def load(self, corpus_dir: Path, count: int) -> dict[str, float]:
        from reader.core.library import ImportProgress

        store_progress = Progress("stored", count)
        index_progress = Progress("indexed", count)
        batches: list[float] = []  # when each index batch was committed

        stored_at: list[float] = []  # when the last file was stored

        def stored(step: ImportProgress) -> None:
            store_progress(step.done)
            if step.done == step.total:
                stored_at.append(time.perf_counter())

        def indexed(done: int, _total: int) -> None:
            batches.append(time.perf_counter())
            index_progress(done)

        with self.library_class.open(self.data_dir, seed=False) as library:
            # The real path: documents are listed as soon as stored, a child process indexes
            # them, import_paths returns when all are searchable.
            start = index_progress.start = time.perf_counter()
            report = library.import_paths([corpus_dir], stored, index_progress=indexed)
            searchable = time.perf_counter()
        visible = stored_at[-1] if stored_at else searchable
        if report.failures or len(report.imported) != count:
            log(f"imported {len(report.imported)}, failed {len(report.failures)} of {count}")
        return {
            "visible_s": visible - start,
            "searchable_s": searchable - start,
            "index_s": searchable - visible,  # how long indexing ran on after the import
            "documents": len(report.imported),
            "slowest_batch_s": max(
                (b - a for a, b in itertools.pairwise([start, *batches])), default=0.0
            ),
            "batches": len(batches),
        }

    def open_once(self) -> None:
        library = self.library_class.open(self.data_dir, seed=False, check_index=False)
        library.index.open_searcher().close()
        library.close()

    def open(self) -> None:
        self.library = self.library_class.open(self.data_dir, seed=False, check_index=False)

    def search(self, q: LogicalQuery) -> tuple[int, int]:
        result = self.library.search(q.text(), limit=LIMIT, order=q.order)
        return result.total, len(result.hits)

    def add_and_find(self, doc: CorpusDoc, token: str) -> bool:
        path = self.work / f"fresh-{token}.txt"
        path.write_text(doc.body, "utf-8")
        report = self.library.import_paths([path])
        return any(hit.id in report.imported for hit in self.library.search(token).hits)

    def close(self) -> None:
        self.library.close()

    def sizes(self) -> dict[str, float]:
        from reader.core.index import SearchIndex

        return {
            "index": tree_mb(SearchIndex(self.data_dir).path),
            "total": tree_mb(self.data_dir),
        }


class WhooshSystem:
    """Bare Whoosh: a default schema with StemmingAnalyzer and the default writer."""

    def __init__(self, work: Path) -> None:
        self.path = work / "index"
        self.index: Any = None
        self.searcher: Any = None
        self.parser: Any = None

    def _fields(self, doc: CorpusDoc) -> dict[str, object]:
        fields: dict[str, object] = {"id": str(doc.id), "title": doc.title, "body": doc.body}
        if doc.source:
            fields["source"] = doc.source
        if doc.date:
            fields["date"] = dt.datetime(doc.date.year, doc.date.month, doc.date.day)
        return fields

    def load(self, corpus_dir: Path, count: int) -> dict[str, float]:
        from whoosh import index
        from whoosh.analysis import StemmingAnalyzer
        from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema

        schema = Schema(
            id=ID(stored=True, unique=True),
            title=TEXT(analyzer=StemmingAnalyzer(), stored=True),
            body=TEXT(analyzer=StemmingAnalyzer(), stored=True),
            source=KEYWORD(lowercase=True, scorable=True, stored=True),
            date=DATETIME(stored=True, sortable=True),
        )
        self.path.mkdir(parents=True)
        progress = Progress("added", count)
        start = time.perf_counter()
        ix = index.create_in(str(self.path), schema)
        writer = ix.writer()
        for number, doc in enumerate(corpus_docs(corpus_dir), start=1):
            writer.add_document(**self._fields(doc))
            progress(number)
        log("committing (one commit for the whole corpus)")
        writer.commit()
        seconds = time.perf_counter() - start
        return {"visible_s": seconds, "searchable_s": seconds, "index_s": seconds}

    def open_once(self) -> None:
        from whoosh import index

        index.open_dir(str(self.path)).searcher().close()

    def open(self) -> None:
        from whoosh import index
        from whoosh.qparser import MultifieldParser

        self.index = index.open_dir(str(self.path))
        self.searcher = self.index.searcher()
        self.parser = MultifieldParser(["title", "body"], self.index.schema)

    def search(self, q: LogicalQuery) -> tuple[int, int]:
        from whoosh.sorting import FieldFacet

        kwargs: dict[str, object] = {"limit": LIMIT}
        if q.order == "date":
            kwargs["sortedby"] = FieldFacet("date", reverse=True)
        results = self.searcher.search(self.parser.parse(q.text()), **kwargs)
        # len(results) can be short for phrases and for words with a date range (the collector
        # counts only what it scored: 118 of 164 matches at 10,000 documents); docs() runs
        # the query again unscored and is exact.
        total = len(results.docs())
        hits = [
            (hit["id"], hit["title"], hit.get("date"), hit.get("source"), hit.highlights("body"))
            for hit in results
        ]
        return total, len(hits)

    def add_and_find(self, doc: CorpusDoc, token: str) -> bool:
        writer = self.index.writer()
        writer.add_document(**self._fields(doc))
        writer.commit()
        self.searcher.close()
        self.searcher = self.index.searcher()
        results = self.searcher.search(self.parser.parse(token), limit=LIMIT)
        return any(hit["id"] == str(doc.id) and hit.highlights("body") for hit in results)

    def close(self) -> None:
        self.searcher.close()

    def sizes(self) -> dict[str, float]:
        return {"index": tree_mb(self.path), "total": tree_mb(self.path)}


_FTS5_SCHEMA = """
CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, date TEXT, source TEXT, body TEXT);
CREATE INDEX docs_date ON docs (date);
CREATE VIRTUAL TABLE fts USING fts5 (
    title, body, source, content='docs', content_rowid='id', tokenize='porter unicode61'
);
"""
_FTS5_SNIPPET = "snippet(fts, 1, '<b>', '</b>', '…', 24)"


class Fts5System:
    """SQLite FTS5 through the stdlib: a table of documents and an external-content index."""

    def __init__(self, work: Path) -> None:
        self.path = work / "fts5.sqlite3"
        self.db: sqlite3.Connection | None = None

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        return db

    @staticmethod
    def _insert(db: sqlite3.Connection, doc: CorpusDoc) -> None:
        date = doc.date.isoformat() if doc.date else None
        db.execute(
            "INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
            (doc.id, doc.title, date, doc.source or None, doc.body),
        )
        db.execute(
            "INSERT INTO fts (rowid, title, body, source) VALUES (?, ?, ?, ?)",
            (doc.id, doc.title, doc.body, doc.source),
        )

    def load(self, corpus_dir: Path, count: int) -> dict[str, float]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        progress = Progress("inserted", count)
        start = time.perf_counter()
        db = self._connect(self.path)
        db.executescript(_FTS5_SCHEMA)
        db.execute("BEGIN")
        for number, doc in enumerate(corpus_docs(corpus_dir), start=1):
            self._insert(db, doc)
            if number % FTS5_BATCH == 0:
                db.execute("COMMIT")
                db.execute("BEGIN")
            progress(number)
        db.execute("COMMIT")
        db.close()
        seconds = time.perf_counter() - start
        return {"visible_s": seconds, "searchable_s": seconds, "index_s": seconds}

    def open_once(self) -> None:
        db = self._connect(self.path)
        db.execute("SELECT rowid FROM fts WHERE fts MATCH 'said' LIMIT 1").fetchall()
        db.close()

    def open(self) -> None:
        self.db = self._connect(self.path)

    def search(self, q: LogicalQuery) -> tuple[int, int]:
        assert self.db is not None
        match = q.fts_match()
        where: list[str] = []
        params: list[str] = []
        if match:
            where.append("fts MATCH ?")
            params.append(match)
        if q.years:
            where.append("d.date BETWEEN ? AND ?")
            params += [f"{q.years[0]}-01-01", f"{q.years[1]}-12-31"]
        tables = "fts JOIN docs d ON d.id = fts.rowid" if match else "docs d"
        snippet = _FTS5_SNIPPET if match else "substr(d.body, 1, 200)"
        if q.order == "date":
            order = "d.date DESC"
        else:
            order = "bm25(fts, 2.5, 1.0, 1.0)" if match else "d.id"
        condition = " AND ".join(where)
        total = self.db.execute(f"SELECT COUNT(*) FROM {tables} WHERE {condition}", params)
        count = int(total.fetchone()[0])
        rows = self.db.execute(
            f"SELECT d.id, d.title, d.date, d.source, {snippet} FROM {tables}"
            f" WHERE {condition} ORDER BY {order} LIMIT {LIMIT}",
            params,
        ).fetchall()
        return count, len(rows)

    def add_and_find(self, doc: CorpusDoc, token: str) -> bool:
        assert self.db is not None
        self.db.execute("BEGIN")
        self._insert(self.db, doc)
        self.db.execute("COMMIT")
        rows = self.db.execute(
            f"SELECT rowid, {_FTS5_SNIPPET} FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT ?",
            (token, LIMIT),
        ).fetchall()
        return any(row[0] == doc.id for row in rows)

    def close(self) -> None:
        if self.db is not None:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.db.close()

    def sizes(self) -> dict[str, float]:
        db = sqlite3.connect(self.path)
        index_bytes = db.execute(
            "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'fts%' OR name = 'docs_date'"
        ).fetchone()[0]
        db.close()
        total = sum(tree_mb(p) for p in self.path.parent.glob(self.path.name + "*"))
        return {"index": index_bytes / 1_048_576, "total": total}


# -- one system in its own process ------------------------------------------------------------


def run_queries(system: System, queries: list[LogicalQuery], rounds: int) -> list[dict[str, Any]]:
    """``rounds`` passes over the mix (the first is a warm-up, not counted)."""
    records = [{"query": q.label(), "kind": q.kind, "ms": []} for q in queries]
    for number in range(rounds):
        for q, record in zip(queries, records, strict=True):
            start = time.perf_counter()
            total, shown = system.search(q)
            millis = (time.perf_counter() - start) * 1000
            if number:
                record["ms"].append(millis)
            record["total"], record["shown"] = total, shown
        log(f"query round {number + 1}/{rounds}{' (warm-up)' if number == 0 else ''} done")
    return records


def timed(action: Callable[[], object]) -> float:
    """Seconds ``action`` took."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def run_system(
    name: str, corpus_dir: Path, work: Path, queries: list[LogicalQuery], rounds: int
) -> dict[str, Any]:
    """Everything measured of one system, in this (fresh) process."""
    classes: dict[str, Callable[[Path], System]] = {
        "reader": ReaderSystem,
        "whoosh": WhooshSystem,
        "fts5": Fts5System,
    }
    system = classes[name](work)
    count = len(read_manifest(corpus_dir))
    result: dict[str, Any] = {"system": name, "documents": count, "rss_start_mb": peak_rss_mb()}
    started = time.perf_counter()
    result.update(system.load(corpus_dir, count))
    result["load_wall_s"] = time.perf_counter() - started
    result["rss_after_load_mb"] = peak_rss_mb()
    log(f"{name}: searchable after {result['searchable_s']:.1f} s; opening the index")
    system.open_once()  # the first open reads the files into the page cache
    result["open_ms"] = [timed(system.open_once) * 1000 for _ in range(OPEN_RUNS)]

    started = time.perf_counter()
    system.open()
    result["queries"] = run_queries(system, queries, rounds)
    result["query_wall_s"] = time.perf_counter() - started
    fresh = []
    for number, token in enumerate(FRESH_TOKENS, start=count + 1):
        doc = fresh_doc(number, token)
        start = time.perf_counter()
        found = system.add_and_find(doc, token)
        fresh.append({"ms": (time.perf_counter() - start) * 1000, "found": found})
    result["fresh"] = fresh
    system.close()
    result["sizes_mb"] = system.sizes()
    result["rss_peak_mb"] = peak_rss_mb()
    result["rss_children_mb"] = (
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 or None
    )
    return result


def spawn_system(
    name: str, corpus_dir: Path, work: Path, queries: int | None, rounds: int
) -> dict[str, Any]:
    """Run one system in a child process of this script; its result."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    out = work.parent / f"{name}.json"
    command = [sys.executable, str(BENCH_FILE), "--child", name, "--result", str(out)]
    command += ["--corpus-dir", str(corpus_dir), "--work", str(work), "--rounds", str(rounds)]
    if queries is not None:
        command += ["--queries", str(queries)]
    subprocess.run(command, check=True)
    result: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return result


# -- the window ---------------------------------------------------------------------------------


def gui_start(data_dir: Path, runs: int) -> dict[str, Any]:
    """gui_startup.py on Reader's data dir: 1 warm-up, then ``runs`` measured starts."""
    from gui_bench import start_window

    start_window(data_dir)
    starts = [start_window(data_dir) for _ in range(runs)]
    return {
        "window_ms": [s["first_line_ms"] + s["first_paint_ms"] for s in starts],
        "document_ms": [s["total_ms"] for s in starts],
        "peak_rss_mb": [s["end_rss_mb"] for s in starts],
        "rows": starts[-1]["rows"],
    }


# -- corpus -------------------------------------------------------------------------------------


def ensure_corpus(base: Path, n: int) -> Path:
    """The corpus of ``n`` articles in ``base``/n<N>, generated unless complete already."""
    folder = base / f"n{n}"
    if len(read_manifest(folder)) == n and len(list(folder.glob("*.txt"))) == n:
        log(f"reusing the corpus in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
        log(f"generating {n:,} articles into {folder}")
        seconds = timed(lambda: generate(folder, n))
        log(f"generated in {seconds:.0f} s")
    for path in folder.glob("*.txt"):  # the same warm page cache for every system
        path.read_bytes()
    return folder


# -- the report ---------------------------------------------------------------------------------


def machine() -> list[tuple[str, str]]:
    """CPU, memory and the versions under test (library_bench's, plus PySide6)."""
    from importlib.metadata import version

    from library_bench import machine as bench_machine

    return [*bench_machine(), ("pyside6", version("PySide6-Essentials"))]


def summarize(result: dict[str, Any]) -> dict[str, float | None]:
    """The figures of the table for one system."""
    from library_bench import percentile

    count = result["documents"]
    timings = [m for r in result["queries"] if r["kind"] != "cjk" for m in r["ms"]]
    cjk = [m for r in result["queries"] if r["kind"] == "cjk" for m in r["ms"]]
    gui = result.get("gui")
    return {
        "visible": count / result["visible_s"],
        "searchable": count / result["searchable_s"],
        "index_tail_s": result["searchable_s"] - result["visible_s"],
        "index_mb": result["sizes_mb"]["index"],
        "disk_mb": result["sizes_mb"]["total"],
        "open_ms": statistics.median(result["open_ms"]),
        "p50": percentile(timings, 0.5) if timings else None,
        "p95": percentile(timings, 0.95) if timings else None,
        "max": max(timings) if timings else None,
        "cjk_p50": percentile(cjk, 0.5) if cjk else None,
        "fresh_ms": statistics.median(f["ms"] for f in result["fresh"]),
        "gui_window_ms": statistics.median(gui["window_ms"]) if gui else None,
        "gui_document_ms": statistics.median(gui["document_ms"]) if gui else None,
        "gui_rss_mb": max(gui["peak_rss_mb"]) if gui else None,
        "rss_mb": result["rss_peak_mb"],
        "child_rss_mb": result.get("rss_children_mb"),
        "load_s": result["load_wall_s"],
    }


FIGURES = (
    ("visible", "visible in the list, docs/s", "{:.0f}"),
    ("searchable", "searchable (end to end), docs/s", "{:.0f}"),
    ("index_tail_s", "indexing on after the last was stored, s", "{:.1f}"),
    ("load_s", "import until searchable, s", "{:.1f}"),
    ("index_mb", "index size, MB", "{:.1f}"),
    ("disk_mb", "everything on disk, MB", "{:.1f}"),
    ("open_ms", "index open (median of 5), ms", "{:.1f}"),
    ("p50", "query p50, ms", "{:.1f}"),
    ("p95", "query p95, ms", "{:.1f}"),
    ("max", "query max, ms", "{:.1f}"),
    ("cjk_p50", "CJK queries p50 (apart), ms", "{:.1f}"),
    ("fresh_ms", "one new doc searchable (median of 3), ms", "{:.1f}"),
    ("gui_window_ms", "GUI spawn -> first window painted, ms", "{:.0f}"),
    ("gui_document_ms", "GUI spawn -> first document painted, ms", "{:.0f}"),
    ("gui_rss_mb", "GUI peak RSS, MB", "{:.0f}"),
    ("rss_mb", "bench process peak RSS, MB", "{:.0f}"),
    ("child_rss_mb", "its child processes' peak RSS, MB", "{:.0f}"),
)


def cell(value: float | None, form: str) -> str:
    """A figure, or N/A."""
    return "N/A" if value is None else form.format(value)


def ratio(reader: float | None, other: float | None) -> str:
    """Reader / other, or a dash."""
    if reader is None or other is None or other == 0:
        return "-"
    return f"{reader / other:.2f}x"


def print_table(n: int, results: dict[str, dict[str, Any]]) -> None:
    """The main table: one row per figure, the systems and Reader's ratios as columns."""
    figures = {name: summarize(result) for name, result in results.items()}
    columns = [s for s in SYSTEMS if s in figures]
    queries = results[columns[0]]["queries"]
    plain = sum(r["kind"] != "cjk" for r in queries)
    runs = len(queries[0]["ms"])
    title = f"N = {n:,}: {plain} queries (+{len(queries) - plain} CJK) x {runs} timed run(s) each"
    print(f"\n{title}\n{'=' * len(title)}")
    names = {"reader": "Reader", "whoosh": "bare Whoosh", "fts5": "FTS5"}
    header = f"  {'':<42}" + "".join(f"{names[c]:>13}" for c in columns)
    header += f"{'Reader/FTS5':>13}{'Reader/Whoosh':>15}"
    print(header)
    reader = figures.get("reader", {})
    for key, label, form in FIGURES:
        line = f"  {label:<42}" + "".join(f"{cell(figures[c][key], form):>13}" for c in columns)
        line += f"{ratio(reader.get(key), figures.get('fts5', {}).get(key)):>13}"
        line += f"{ratio(reader.get(key), figures.get('whoosh', {}).get(key)):>15}"
        print(line)
    print(
        "  Ratios are Reader/other: above 1 is better for docs/s, below 1 better for the rest."
        "\n  Bare Whoosh (one commit) and FTS5 (commit per 1,000) list and find a document"
        " after the same commit,\n  so their 'visible' equals 'searchable'. Index size: Reader"
        " ids only (text in SQLite); bare Whoosh\n  stores title and body (for highlights);"
        " FTS5 the fts shadow tables and the date index (text in docs)."
    )


def print_kinds(results: dict[str, dict[str, Any]]) -> None:
    """p50/p95 and the hits found per kind of query, per system."""
    from library_bench import percentile

    columns = [s for s in SYSTEMS if s in results]
    kinds = list(dict.fromkeys(r["kind"] for r in results[columns[0]]["queries"]))
    print("\n  p50 / p95 ms and total hits per kind of query")
    print(f"  {'kind':<15}" + "".join(f"{c:>32}" for c in columns))
    for kind in kinds:
        cells = []
        for c in columns:
            records = [r for r in results[c]["queries"] if r["kind"] == kind]
            millis = [m for r in records for m in r["ms"]]
            hits = sum(r["total"] for r in records)
            text = f"{percentile(millis, 0.5):.1f} / {percentile(millis, 0.95):.1f}"
            cells.append(f"{text:>18} {hits:>9} hits")
        print(f"  {kind:<15}" + "".join(f"{c:>32}" for c in cells))


def print_queries(results: dict[str, dict[str, Any]]) -> None:
    """Each query: median ms and total per system, flagged where the totals differ."""
    from library_bench import pad

    columns = [s for s in SYSTEMS if s in results]
    print("\n  Each query: median ms / total hits")
    print(f"  {'query':<48}" + "".join(f"{c:>20}" for c in columns))
    for number, record in enumerate(results[columns[0]]["queries"]):
        cells = []
        totals = []
        for c in columns:
            r = results[c]["queries"][number]
            totals.append(r["total"])
            cells.append(f"{statistics.median(r['ms']):.1f} / {r['total']}")
        flag = "  <- counts differ >20%" if max(totals) > 1.2 * max(1, min(totals)) else ""
        print(f"  {pad(record['query'], 48)}" + "".join(f"{c:>20}" for c in cells) + flag)


def print_report(n: int, corpus_dir: Path, results: dict[str, dict[str, Any]]) -> None:
    """Everything about one size."""
    files = sorted(corpus_dir.glob("*.txt"))
    size = sum(p.stat().st_size for p in files) / 1_048_576
    print(f"\nCorpus: {len(files):,} files, {size:.1f} MB, in {corpus_dir}")
    for name, result in results.items():
        fresh = ", ".join(
            f"{f['ms']:.0f}{'' if f['found'] else ' NOT FOUND'}" for f in result["fresh"]
        )
        opens = ", ".join(f"{m:.1f}" for m in result["open_ms"])
        print(
            f"  {name}: import {result['load_wall_s']:.1f} s (visible {result['visible_s']:.1f} s,"
            f" indexing {result['index_s']:.1f} s), queries {result['query_wall_s']:.1f} s,"
            f" opens {opens} ms, new docs {fresh} ms, RSS after imports"
            f" {result['rss_start_mb']:.0f} MB, after load {result['rss_after_load_mb']:.0f} MB"
        )
        if "slowest_batch_s" in result:
            print(
                f"  {name}: {result['batches']} index batches (commits), the slowest"
                f" {result['slowest_batch_s']:.1f} s"
            )
        if "gui" in result:
            gui = result["gui"]
            print(
                f"  {name} GUI ({gui['rows']:,} rows): window "
                + ", ".join(f"{m:.0f}" for m in gui["window_ms"])
                + " ms; document "
                + ", ".join(f"{m:.0f}" for m in gui["document_ms"])
                + " ms; peak RSS "
                + ", ".join(f"{m:.0f}" for m in gui["peak_rss_mb"])
                + " MB"
            )
    print_table(n, results)
    print_kinds(results)
    print_queries(results)


# -- command line -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-n", type=int, action="append", help="corpus size (repeatable)")
    parser.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS_DIR)
    parser.add_argument("--work", type=Path, help="work dir (default: a new temporary one)")
    parser.add_argument("--only", default=",".join(SYSTEMS), help="systems, comma-separated")
    parser.add_argument("--queries", type=int, help="use N queries of the mix (default all)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the mix, 1st warm-up")
    parser.add_argument("--gui-runs", type=int, default=3, help="measured window starts")
    parser.add_argument("--json", type=Path, help="also write all results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the work dirs")
    parser.add_argument("--child", choices=SYSTEMS, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    if unknown := set(args.only) - set(SYSTEMS):
        parser.error(f"unknown system(s): {', '.join(sorted(unknown))}")
    if args.rounds < 2:
        parser.error("--rounds must be at least 2 (the first is a warm-up)")
    return args


def main(argv: list[str] | None = None) -> int:
    """Command line: each size, each system in its own process, then the report."""
    args = parse_args(argv)
    queries = select_queries(args.queries)
    if args.child:
        result = run_system(args.child, args.corpus_dir, args.work, queries, args.rounds)
        args.result.write_text(json.dumps(result), "utf-8")
        return 0

    work = args.work or Path(tempfile.mkdtemp(prefix="reader-scale-"))
    print("Machine")
    for label, value in machine():
        print(f"  {label:<10} {value}")
    everything: dict[str, Any] = {"machine": dict(machine()), "sizes": {}}
    reports = []
    try:
        for n in args.n or [10_000]:
            corpus_dir = ensure_corpus(args.corpus_dir, n)
            results: dict[str, dict[str, Any]] = {}
            for name in args.only:
                log(f"N={n:,}: {name}")
                system_work = work / f"n{n}" / name
                results[name] = spawn_system(
                    name, corpus_dir, system_work, args.queries, args.rounds
                )
                if name == "reader":
                    log("reader: starting the window on its data dir")
                    results[name]["gui"] = gui_start(system_work / "data", args.gui_runs)
                if not args.keep:
                    shutil.rmtree(system_work, ignore_errors=True)
            reports.append((n, corpus_dir, results))
            everything["sizes"][str(n)] = {
                "corpus_dir": str(corpus_dir),
                "queries": [asdict(q) for q in queries],
                "results": results,
                "figures": {name: summarize(r) for name, r in results.items()},
            }
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print("\nMachine")
    for label, value in machine():
        print(f"  {label:<10} {value}")
    for n, corpus_dir, results in reports:
        print_report(n, corpus_dir, results)
    if args.json:
        args.json.write_text(json.dumps(everything, indent=1, default=str), "utf-8")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
