"""The command line: ``reader [FILE...]`` opens the window; subcommands import, list, show and
search."""

from __future__ import annotations

import argparse
import contextlib
import html
import io
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from reader import __version__, paths
from reader.core.errors import ReaderError
from reader.core.fetch import looks_like_url
from reader.core.library import UNSET, ImportProgress, Library, text_encoding
from reader.core.models import Document, DocumentSummary, ImportReport, SearchResult, TimelineBucket

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
_COMMANDS = frozenset(
    "import list show search timeline reindex reextract annotations backup restore".split()
)


def _parser(files: bool = False) -> argparse.ArgumentParser:
    """The command line's parser: with subcommands, or (``files``) with files to open instead."""
    parser = argparse.ArgumentParser(
        prog="reader",
        description="Read, search and annotate your archive of articles offline. "
        "Without a command, opens the Reader window (and imports and opens the FILEs given, "
        "in the window already open on the library if there is one).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check that this copy of Reader works, in a temporary library, and exit",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"where the library lives (default: ${paths.DATA_DIR_ENV} or "
        f"{paths.default_data_dir()})",
    )
    parser.add_argument(
        "--no-seed",
        action="store_true",
        help=f"do not import the sample articles into a new library (or ${paths.NO_SEED_ENV}=1)",
    )
    window = parser.add_argument_group("window options (without a command)")
    window.add_argument(
        "--screenshot",
        metavar="FILE.png",
        type=Path,
        help="open the window, save a picture of it when loaded, and exit",
    )
    window.add_argument("--query", metavar="Q", help="with --screenshot: search for Q first")
    window.add_argument(
        "--theme", choices=("system", "light", "sepia", "dark"), help="the reading theme"
    )
    if files:
        parser.add_argument(
            "files",
            nargs="+",
            metavar="FILE",
            help="a file, a folder or a web address to import and open in the window",
        )
        parser.set_defaults(command=None)
        return parser
    parser.set_defaults(files=[])
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    imp = commands.add_parser("import", help="import files, folders and web pages")
    imp.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        type=_path_or_url,
        help="a file, a folder, or the http(s) address of a page to download once",
    )
    imp.add_argument("--json", action="store_true", help="print the summary as JSON")

    lst = commands.add_parser("list", help="list the documents")
    lst.add_argument("--sort", choices=("date", "title", "source", "imported"), default="date")
    lst.add_argument("--json", action="store_true", help="print a JSON array")

    show = commands.add_parser("show", help="print a document")
    show.add_argument("id", type=int, metavar="ID")
    group = show.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print the document as JSON")
    group.add_argument("--original", action="store_true", help="write the file as imported")

    find = commands.add_parser("search", help="full-text search (see README for the syntax)")
    find.add_argument("query", nargs="+", metavar="QUERY")
    find.add_argument("--limit", type=int, default=20, help="hits to show (default 20)")
    find.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    find.add_argument("--within", metavar="PERIOD", help="only 2020, 2020-10 or undated")
    find.add_argument("--json", action="store_true", help="print the result as JSON")

    tl = commands.add_parser("timeline", help="documents per year and month")
    tl.add_argument("query", nargs="*", metavar="QUERY", help="count only the hits of a search")
    tl.add_argument("--json", action="store_true", help="print the buckets as JSON")

    commands.add_parser("reindex", help="rebuild the search index from the library")
    again = commands.add_parser(
        "reextract", help="extract documents again from their kept originals (keeps your edits)"
    )
    again.add_argument("ids", nargs="*", type=int, metavar="ID", help="documents (default: all)")
    again.add_argument(
        "--encoding",
        metavar="NAME",
        help="read the documents' text in this encoding from now on (gbk, big5, shift_jis, "
        "windows-1252...); 'auto' detects it again",
    )

    notes = commands.add_parser("annotations", help="export or import highlights and notes")
    notes_commands = notes.add_subparsers(dest="notes_command", metavar="ACTION", required=True)
    export = notes_commands.add_parser("export", help="write annotations as Markdown or JSON-LD")
    export.add_argument("--format", choices=("md", "jsonld"), default="md")
    export.add_argument(
        "--document", type=int, action="append", metavar="ID", help="only this document (repeat)"
    )
    export.add_argument("--output", "-o", type=Path, metavar="FILE", help="instead of stdout")
    notes_import = notes_commands.add_parser("import", help="add annotations from JSON-LD")
    notes_import.add_argument("file", type=Path, metavar="FILE")

    backup = commands.add_parser("backup", help="write the whole library into one file")
    backup.add_argument("file", type=Path, metavar="FILE")
    restore = commands.add_parser("restore", help="restore a backup into an empty data dir")
    restore.add_argument("file", type=Path, metavar="FILE")
    return parser


def _wants_files(argv: Sequence[str]) -> bool:
    """True if the command line names files to open rather than a command.

    The first word that is not an option decides: a command name means a command, and so does
    a word that is neither a file, a web address nor shaped like a path (a mistyped command
    gets argparse's "invalid choice", as before).
    """
    probe = _parser(files=True)
    probe.exit_on_error = False
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            args, _rest = probe.parse_known_args(argv)
        except (argparse.ArgumentError, SystemExit):
            return False
    first = args.files[0]
    if first in _COMMANDS:
        return False
    return looks_like_url(first) or Path(first).exists() or bool(re.search(r"[./\\]", first))


def _path_or_url(text: str) -> Path | str:
    """A web address stays text (a Path would fold its "//"); anything else is a path."""
    return text.strip() if looks_like_url(text) and not Path(text).exists() else Path(text)


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def _summary_json(doc: DocumentSummary | Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "date": _date(doc.date),
        "source": doc.source,
        "byline": doc.byline,
        "language": doc.language,
        "imported_from": doc.imported_from,
    }


def _search_json(result: SearchResult) -> dict[str, Any]:
    return {
        "total": result.total,
        "hits": [
            {
                "id": hit.id,
                "title": hit.title,
                "date": _date(hit.date),
                "source": hit.source,
                "snippet": hit.snippet,
                "score": round(hit.score, 4),
            }
            for hit in result.hits
        ],
        "suggestion": result.suggestion,
        "by_year": result.by_year,
    }


def _print_json(data: Any, out: TextIO) -> None:
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _terminal_snippet(snippet: str, out: TextIO) -> str:
    bold, plain = ("\033[1m", "\033[0m") if out.isatty() else ("[", "]")
    return html.unescape(re.sub(r"<b>(.*?)</b>", rf"{bold}\1{plain}", snippet))


class _ImportPrinter:
    """Progress of an import on stderr: one updating line on a terminal, else a line a file."""

    def __init__(self, err: TextIO) -> None:
        self.err = err
        self.tty = err.isatty()

    def __call__(self, step: ImportProgress) -> None:
        label = {"imported": "imported", "duplicate": "already in library", "failed": "FAILED"}
        line = f"[{step.done}/{step.total}] {label[step.outcome]}: {step.path}"
        if self.tty:
            self.err.write("\r\033[K" + line[:150])
            if step.done == step.total:
                self.err.write("\n")
        else:
            self.err.write(line + "\n")
        self.err.flush()


def _import_summary(report: ImportReport, out: TextIO) -> None:
    parts = [f"Imported {len(report.imported)} document{'s' * (len(report.imported) != 1)}"]
    if report.duplicates:
        parts.append(f"{len(report.duplicates)} already in the library")
    if report.failures:
        parts.append(f"{len(report.failures)} failed")
    out.write(", ".join(parts) + (" (cancelled)" if report.cancelled else "") + ".\n")
    for failure in report.failures:
        out.write(f"  {failure.path}: {failure.reason}\n")
    if report.index_pending:
        out.write(
            f"{report.index_pending} document(s) are waiting for the search index, which another "
            "Reader is using; they will be indexed when it is free.\n"
        )


def _cmd_import(library: Library, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    report = library.import_paths(args.paths, progress=None if args.json else _ImportPrinter(err))
    if args.json:
        _print_json(
            {
                "imported": report.imported,
                "duplicates": [{"path": str(p), "id": i} for p, i in report.duplicates],
                "failed": [{"path": str(f.path), "reason": f.reason} for f in report.failures],
                "index_pending": report.index_pending,
            },
            out,
        )
    else:
        _import_summary(report, out)
    return EXIT_ERROR if report.failures else EXIT_OK


def _cmd_list(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    docs = library.documents(args.sort)
    if args.json:
        _print_json([_summary_json(doc) for doc in docs], out)
        return EXIT_OK
    for doc in docs:
        date = _date(doc.date) or "undated"
        source = f"  ({doc.source})" if doc.source else ""
        out.write(f"{doc.id:>5}  {date:<10}  {doc.title}{source}\n")
    return EXIT_OK


def _cmd_show(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.original:
        data = library.original(args.id)
        buffer = getattr(out, "buffer", None)
        if buffer is None:
            out.write(data.decode("utf-8", "replace"))
        else:
            out.flush()
            buffer.write(data)
            buffer.flush()
        return EXIT_OK
    doc = library.document(args.id)
    if args.json:
        _print_json(
            {
                **_summary_json(doc),
                "imported_at": doc.imported_at.isoformat(),
                "format": doc.format,
                "encoding": doc.encoding,
                "read": doc.is_read,
                "paragraphs": doc.paragraphs,
            },
            out,
        )
        return EXIT_OK
    out.write(doc.title + "\n" + "=" * min(len(doc.title), 78) + "\n")
    facts = [
        ("Date", _date(doc.date) or "unknown"),
        ("Source", doc.source),
        ("By", doc.byline),
        ("Language", doc.language),
        ("Encoding", _encoding_fact(library, doc)),
        ("Imported from", doc.imported_from),
    ]
    for label, value in facts:
        if value:
            out.write(f"{label}: {value}\n")
    out.write("\n" + "\n\n".join(doc.paragraphs) + "\n")
    return EXIT_OK


def _cmd_search(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    result = library.search(
        " ".join(args.query), limit=args.limit, order=args.sort, within=args.within
    )
    if args.json:
        _print_json(_search_json(result), out)
        return EXIT_OK
    out.write(f"{result.total} document{'s' * (result.total != 1)} found")
    if result.by_year:
        out.write(" (" + ", ".join(f"{y}: {n}" for y, n in result.by_year.items()) + ")")
    out.write(".\n")
    if result.suggestion:
        out.write(f"Did you mean: {result.suggestion}\n")
    for hit in result.hits:
        date = _date(hit.date) or "undated"
        out.write(f"\n{hit.id:>5}  {date}  {hit.title}\n")
        out.write(f"       {_terminal_snippet(hit.snippet, out)}\n")
    return EXIT_OK


def _timeline_lines(buckets: Sequence[TimelineBucket]) -> list[str]:
    widest = max((b.count for b in buckets), default=1)
    lines = []
    for bucket in buckets:
        bar = "█" * max(1, round(24 * bucket.count / widest))
        indent = "    " if bucket.month is not None else ""
        lines.append(f"{indent}{bucket.label:<{12 - len(indent)}} {bucket.count:>6}  {bar}")
    return lines


def _cmd_timeline(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    buckets = library.timeline(" ".join(args.query) or None)
    if args.json:
        _print_json(
            [
                {"period": b.label, "year": b.year, "month": b.month, "count": b.count}
                for b in buckets
            ],
            out,
        )
    else:
        out.write("\n".join(_timeline_lines(buckets)) + ("\n" if buckets else "No documents.\n"))
    return EXIT_OK


def _cmd_reindex(library: Library, out: TextIO, err: TextIO) -> int:
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        if err.isatty():
            err.write(f"\r\033[KIndexing {done}/{total}")
            err.flush()

    library.rebuild_index(progress)
    if err.isatty():
        err.write("\n")
    count = library.index.doc_count()
    out.write(f"Indexed {count} documents in {time.monotonic() - started:.1f} s.\n")
    return EXIT_OK


def _cmd_annotations(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    from reader.core import exchange

    if args.notes_command == "export":
        if args.format == "md":
            text = exchange.export_markdown(library, args.document)
        else:
            text = (
                json.dumps(
                    exchange.export_jsonld(library, args.document), ensure_ascii=False, indent=2
                )
                + "\n"
            )
        if args.output is None:
            out.write(text)
        else:
            args.output.write_text(text, "utf-8")
        return EXIT_OK
    try:
        data = json.loads(args.file.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ReaderError(f"{args.file} is not a JSON-LD file ({exc}).") from exc
    added, existing, problems = exchange.import_jsonld(library, data)
    out.write(f"Added {added} annotation(s), {existing} already in the library.\n")
    for problem in problems:
        out.write(f"  not added: {problem}\n")
    return EXIT_ERROR if problems else EXIT_OK


def _encoding_fact(library: Library, doc: Document) -> str | None:
    if doc.encoding and library.chosen_encoding(doc.id):
        return f"{doc.encoding} (chosen)"
    return doc.encoding


def _cmd_reextract(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    encoding: str | None = None
    how = ""
    if args.encoding is not None:
        if not args.ids:
            raise ReaderError("--encoding needs the ids of the documents to read again.")
        if args.encoding.lower() != "auto":
            encoding = text_encoding(args.encoding)
        how = f" as {encoding}" if encoding else " with their encoding detected"
    ids = args.ids or library.document_ids()
    failed = 0
    for doc_id in ids:
        try:
            library.reextract(doc_id, UNSET if args.encoding is None else encoding)
        except ReaderError as exc:
            failed += 1
            out.write(f"  #{doc_id}: {exc}\n")
    library.sync_index()
    out.write(
        f"Extracted {len(ids) - failed} document(s) again{how}; corrections and annotations kept.\n"
    )
    return EXIT_ERROR if failed else EXIT_OK


def _cmd_backup(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    from reader.core import exchange

    manifest = exchange.backup(library, args.file)
    out.write(
        f"Backed up {manifest['documents']} documents, {manifest['annotations']} annotations "
        f"and {manifest['bookmarks']} bookmarks to {args.file}.\n"
    )
    return EXIT_OK


def _cmd_restore(data_dir: Path, args: argparse.Namespace, out: TextIO) -> int:
    from reader.core import exchange

    manifest = exchange.restore(args.file, data_dir)
    with Library.open(data_dir, seed=False) as library:  # rebuilds the search index
        count = library.store.count()
    out.write(
        f"Restored {count} documents ({manifest['annotations']} annotations) into {data_dir}.\n"
    )
    return EXIT_OK


def _run_gui(data_dir: Path, seed: bool, args: argparse.Namespace) -> int:
    from reader.ui.app import run

    return run(
        data_dir,
        seed=seed,
        screenshot=args.screenshot,
        query=args.query,
        theme=args.theme,
        files=args.files,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    # A windowed executable (readerw.exe on Windows) has no console: its streams are None.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    argv = sys.argv[1:] if argv is None else list(argv)
    if _wants_files(argv):
        args = _parser(files=True).parse_intermixed_args(argv)
        args.files = [_path_or_url(text) for text in args.files]
    else:
        args = _parser().parse_args(argv)
    out, err = sys.stdout, sys.stderr
    if args.self_test:
        from reader.selftest import run_self_test

        return run_self_test(out)
    data_dir = paths.data_dir(args.data_dir)
    seed = not (args.no_seed or paths.seeding_disabled_by_env())
    if args.command is None:
        try:
            return _run_gui(data_dir, seed, args)
        except ReaderError as exc:
            err.write(f"reader: {exc}\n")
            return EXIT_ERROR
    try:
        if args.command == "restore":
            return _cmd_restore(data_dir, args, out)
        with Library.open(data_dir, seed=seed) as library:
            commands: dict[str, Callable[[], int]] = {
                "import": lambda: _cmd_import(library, args, out, err),
                "list": lambda: _cmd_list(library, args, out),
                "show": lambda: _cmd_show(library, args, out),
                "search": lambda: _cmd_search(library, args, out),
                "timeline": lambda: _cmd_timeline(library, args, out),
                "annotations": lambda: _cmd_annotations(library, args, out),
                "backup": lambda: _cmd_backup(library, args, out),
                "reextract": lambda: _cmd_reextract(library, args, out),
                "reindex": lambda: _cmd_reindex(library, out, err),
            }
            return commands[args.command]()
    except ReaderError as exc:
        err.write(f"reader: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        err.write("reader: interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`reader list | head`): not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
