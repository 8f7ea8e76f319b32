"""Importing into the library: seeds, duplicates, bad files, crashes and the index's consistency."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from reader.core.blobs import sha256
from reader.core.errors import ImportFailed
from reader.core.index import INDEX_VERSION
from reader.core.library import Library
from tests.conftest import SEEDS, write_articles

CHINESE = (
    "两国领导人互致贺电\n\n2024年10月06日 来源：新华社\n\n"
    "新华社北京10月6日电 国家主席今天同对方领导人互致贺电，庆祝两国建交七十五周年。"
    "双方表示，愿同对方一道，加强战略沟通，深化友好交流合作。\n"
)


def _kept(library: Library) -> list[str]:
    """The digests of the kept originals and images."""
    return sorted(row[0] for row in library.store.rows("SELECT sha256 FROM blobs"))


def _snapshot(library: Library) -> tuple[int, int, list[str]]:
    return library.store.count(), library.store.pending_count(), _kept(library)


def test_empty_data_dir_gets_the_seeds_once(data_dir):
    with Library.open(data_dir) as library:
        assert library.store.count() == len(SEEDS) == 5
        titles = {doc.title for doc in library.documents()}
        assert "Xi, Kim announce 2024 as China-DPRK Friendship Year" in titles
    with Library.open(data_dir) as library:
        assert library.store.count() == 5


def test_no_seed_leaves_the_library_empty(data_dir):
    with Library.open(data_dir, seed=False) as library:
        assert library.documents() == []
        assert library.timeline() == []


def test_layout_of_the_data_dir(library, data_dir):
    assert (data_dir / "library.sqlite3").is_file()
    assert (data_dir / f"index-v{INDEX_VERSION}").is_dir()
    assert len(_kept(library)) == 5  # the originals are in the database
    assert not (data_dir / "originals").exists()  # (files there before schema 6)


def test_the_original_is_kept_even_when_the_file_goes(empty_library, tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(SEEDS[0].read_bytes())
    (doc_id,) = empty_library.import_paths([path]).imported
    path.unlink()
    assert empty_library.original(doc_id) == SEEDS[0].read_bytes()
    assert empty_library.document(doc_id).imported_from == str(path)


def test_same_content_is_not_imported_twice(library, tmp_path):
    copy = tmp_path / "renamed copy.txt"
    copy.write_bytes(SEEDS[1].read_bytes())
    report = library.import_paths([copy, SEEDS[1]])
    assert report.imported == []
    assert len(report.duplicates) == 2
    assert library.store.count() == 5


def test_same_article_in_another_encoding_is_a_duplicate(empty_library, tmp_path):
    (tmp_path / "utf8.txt").write_text(CHINESE, encoding="utf-8")
    (tmp_path / "gbk.txt").write_text(CHINESE, encoding="gbk")
    report = empty_library.import_paths([tmp_path / "utf8.txt", tmp_path / "gbk.txt"])
    assert len(report.imported) == 1
    assert len(report.duplicates) == 1


def test_bad_files_fail_clearly_and_the_rest_of_the_batch_imports(empty_library, tmp_path):
    folder = tmp_path / "batch"
    write_articles(folder, 2)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_bytes(b"  \n\n\t\n")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "garbage.txt").write_bytes(bytes(range(0x80, 0x100)) * 40)
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    page = tmp_path / "page.html"  # a folder import skips formats it cannot read; a file is tried
    page.write_bytes(b"<!DOCTYPE html><html><head><title></title></head><body></body></html>")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff" + b"\x00" * 100)
    (folder / "gbk.txt").write_bytes(CHINESE.encode("gbk"))
    (folder / "latin1.txt").write_bytes(
        ("Café crème\n\n" + "Le président a rencontré les syndicats à l'Élysée. " * 5).encode(
            "latin-1"
        )
    )
    with (folder / "huge.txt").open("wb") as handle:
        handle.write(b"All work and no play makes Jack a dull boy.\n" * 480_000)  # 21 MB
    before = _snapshot(empty_library)

    report = empty_library.import_paths([folder, page, tmp_path / "missing.txt"])

    reasons = {f.path.name: f.reason for f in report.failures}
    assert reasons == {
        "empty.txt": "the file is empty",
        "blank.txt": "the file is empty",
        "binary.txt": "it looks like binary data, not text",
        "garbage.txt": "its text encoding could not be recognised (is it a text file?)",
        "image.txt": "it is a PNG image, which Reader cannot import yet",
        "page.html": "no article text was found in this web page",
        "huge.txt": "it is too large (20.1 MB; Reader imports articles up to 10 MB)",
        "missing.txt": "the file does not exist",
    }
    assert len(report.imported) == 4  # two articles, GBK and Latin-1
    count, pending, kept = _snapshot(empty_library)
    assert count == before[0] + 4
    assert pending == 0
    assert len(kept) - len(before[2]) == 4  # the originals of the 4 articles, no other
    gbk = empty_library.document(report.imported[2])
    assert gbk.title == "两国领导人互致贺电" and gbk.encoding == "gb18030"
    latin = empty_library.document(report.imported[3])
    assert latin.title == "Café crème"
    assert empty_library.search("élysée").total == 1


def test_a_failing_file_leaves_the_library_exactly_as_it_was(library, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    db = library.data_dir / "library.sqlite3"
    dump_before = "\n".join(sqlite3.connect(db).iterdump())
    files_before = sorted(library.data_dir.rglob("*"))
    report = library.import_paths([bad])
    assert [f.reason for f in report.failures] == ["it looks like binary data, not text"]
    assert "\n".join(sqlite3.connect(db).iterdump()) == dump_before  # kept originals included
    assert sorted(library.data_dir.rglob("*")) == files_before


def test_read_state_and_position_survive_a_restart(data_dir):
    with Library.open(data_dir) as library:
        doc_id = library.documents()[0].id
        library.set_read(doc_id)
        library.store.set_read_position(doc_id, 1234)
    with Library.open(data_dir) as library:
        doc = library.document(doc_id)
        assert doc.is_read and doc.read_position == 1234


def test_missing_index_is_rebuilt_at_open(data_dir):
    Library.open(data_dir).close()
    shutil.rmtree(data_dir / f"index-v{INDEX_VERSION}")
    with Library.open(data_dir) as library:
        assert library.search("treaty").total == 1


def test_stale_index_is_detected_and_rebuilt(data_dir):
    Library.open(data_dir).close()
    ix = whoosh_index.open_dir(str(data_dir / f"index-v{INDEX_VERSION}"))
    with ix.writer() as writer:
        writer.delete_by_term("id", "1")
    with Library.open(data_dir) as library:
        assert library.index.doc_count() == 5
        assert library.search("source:xinhua").total == 2


def test_index_of_another_library_is_not_trusted(tmp_path, data_dir):
    other = tmp_path / "other"
    Library.open(other, seed=False).close()
    Library.open(data_dir).close()
    shutil.rmtree(data_dir / f"index-v{INDEX_VERSION}")
    shutil.copytree(other / f"index-v{INDEX_VERSION}", data_dir / f"index-v{INDEX_VERSION}")
    with Library.open(data_dir) as library:
        assert library.index_problem() is None
        assert library.search("treaty").total == 1


def test_import_while_another_process_holds_the_index(data_dir, tmp_path):
    write_articles(tmp_path / "new", 3)
    with Library.open(data_dir, lock_timeout=0.3) as library:
        held = threading.Event()
        release = threading.Event()

        def hold() -> None:
            with library.index.write_lock():
                held.set()
                release.wait(10)

        holder = threading.Thread(target=hold)
        holder.start()
        held.wait(5)
        try:
            report = library.import_paths([tmp_path / "new"])
        finally:
            release.set()
            holder.join()
        assert len(report.imported) == 3
        assert report.index_pending == 3
    with Library.open(data_dir) as library:  # the next start catches up
        assert library.store.pending_count() == 0
        assert library.search('"article number"').total == 3


def _kill_import_after(data_dir: Path, folder: Path, marker: str) -> None:
    env = {**os.environ, "READER_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "reader", "--no-seed", "import", str(folder)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        if marker in line:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()


@pytest.mark.parametrize("marker", ["[40/", "[150/150]"])
def test_a_killed_import_leaves_a_consistent_library_and_a_rerun_completes_it(
    data_dir, tmp_path, marker
):
    folder = tmp_path / "articles"
    write_articles(folder, 150)
    _kill_import_after(data_dir, folder, marker)

    with Library.open(data_dir, seed=False) as library:
        stored = library.store.count()
        assert 0 < stored <= 150
        assert library.index_problem() is None
        assert library.index.doc_count() == stored
        for doc in library.documents():
            original = library.original(doc.id)
            assert sha256(original) == library.document(doc.id).original_sha256
        report = library.import_paths([folder])
        assert len(report.imported) + len(report.duplicates) == 150
        assert not report.failures
        assert library.store.count() == 150
        assert library.search('"article number"').total == 150


def test_index_jobs_run_in_a_child_process(data_dir, tmp_path):
    from reader.core.jobs import run_index_job

    write_articles(tmp_path / "new", 60)
    with Library.open(data_dir, seed=False) as library:
        library.import_paths([tmp_path / "new"], sync_index=False)
        assert library.store.pending_count() == 60
        seen = []
        run_index_job(data_dir, "sync", lambda done, total: seen.append((done, total)))
        assert seen[-1] == (60, 60)
        assert library.store.pending_count() == 0
        assert library.search('"article number"').total == 60
        run_index_job(data_dir, "rebuild", cancel=lambda: True)  # cancelled at once
        assert library.index_problem() is None
        run_index_job(data_dir, "rebuild")
        assert library.search('"article number"').total == 60


def test_importing_into_a_library_whose_index_was_never_built_builds_it(data_dir):
    from reader.paths import seeds_dir

    with Library(data_dir) as library:  # opened without the start-up index check
        report = library.import_paths([seeds_dir()])
        assert len(report.imported) == 5 and report.index_pending == 0
        assert library.search("卢拉").total >= 1


def test_a_big_import_is_indexed_alongside_by_a_child_process(data_dir, tmp_path, monkeypatch):
    import reader.core.library as library_module

    monkeypatch.setattr(library_module, "INDEX_ALONGSIDE", 10)
    write_articles(tmp_path / "new", 40)
    seen: list[tuple[int, int]] = []
    with Library.open(data_dir, seed=False) as library:
        report = library.import_paths(
            [tmp_path / "new"], sync_index=False, index_progress=lambda *p: seen.append(p)
        )
        # Even without sync_index the child indexed everything before the call returned.
        assert len(report.imported) == 40 and report.index_pending == 0
        assert seen and seen[-1] == (40, 40)
        assert library.search('"article number"').total == 40
        assert library.index_problem() is None


def test_the_index_follows_a_slow_import_and_waits_for_a_fast_one() -> None:
    from reader.core.jobs import ImportPace

    # 1,000 documents a second: a batch of 100 every 0.1 s; never slow.
    fast = ImportPace(seconds=5.0, batch=100)
    assert not any(fast.slow(t / 10, t * 100) for t in range(200))
    # 10 documents a second: slow, but only once 5 seconds have been seen.
    slow = ImportPace(seconds=5.0, batch=100)
    answers = [slow.slow(t / 10, t) for t in range(200)]
    assert not any(answers[:50]) and all(answers[50:])
    # A fast import that stalls (files from the network) becomes slow 5 s later, and fast
    # again when it speeds up.
    pace = ImportPace(seconds=5.0, batch=100)
    assert not any(pace.slow(t / 10, t * 100) for t in range(100))  # until 9.9 s
    stalled = [pace.slow(10 + t / 10, 9900) for t in range(100)]  # 10-19.9 s
    assert not any(stalled[:45]) and all(stalled[55:])
    assert not pace.slow(20.5, 9900 + 100)


def test_an_import_that_fails_midway_stops_its_index_process(data_dir, tmp_path, monkeypatch):
    import reader.core.library as library_module

    monkeypatch.setattr(library_module, "INDEX_ALONGSIDE", 10)
    monkeypatch.setattr(library_module, "_BATCH_FILES", 10)
    write_articles(tmp_path / "new", 40)

    reported: list[int] = []

    def progress(step) -> None:
        reported.append(step.done)
        if step.done == 25:
            raise RuntimeError("disk full")

    with Library.open(data_dir, seed=False) as library:
        with pytest.raises(RuntimeError):
            library.import_paths([tmp_path / "new"], progress)
        # What was reported is stored (and the rest of its batch: it was committed first).
        stored = library.store.count()
        assert reported[-1] == 25 and 25 <= stored < 40
        assert library.index_problem() is None  # consistent: indexed or still queued
        library.sync_index()
        assert library.search('"article number"').total == stored
        kept = _kept(library)
        assert len(kept) == stored


def _big_import(monkeypatch) -> None:
    """Imports from 10 files on take the path of big ones (worker processes, indexing along),
    stored 10 files a batch."""
    import reader.core.library as library_module

    monkeypatch.setattr(library_module, "INDEX_ALONGSIDE", 10)
    monkeypatch.setattr(library_module, "_BATCH_FILES", 10)


def test_a_big_import_with_bad_files_and_copies_imports_the_rest(data_dir, tmp_path, monkeypatch):
    _big_import(monkeypatch)
    paths = write_articles(tmp_path / "new", 30)
    (tmp_path / "new" / "article-00003 copy.txt").write_bytes(paths[3].read_bytes())
    (tmp_path / "new" / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "new" / "empty.txt").write_bytes(b"")
    with Library.open(data_dir, seed=False) as library:
        outcomes: dict[str, str] = {}
        report = library.import_paths(
            [tmp_path / "new"], lambda step: outcomes.update({step.path.name: step.outcome})
        )
        assert len(report.imported) == 30 and library.store.count() == 30
        copies = [outcomes["article-00003 copy.txt"], outcomes["article-00003.txt"]]
        assert sorted(copies) == ["duplicate", "imported"]
        assert sorted((f.path.name, f.reason) for f in report.failures) == [
            ("binary.txt", "it looks like binary data, not text"),
            ("empty.txt", "the file is empty"),
        ]
        assert len(outcomes) == 33  # every file reported, once
        assert library.search('"article number"').total == 30
        # One kept original per document: none for the failures and the copy.
        kept = _kept(library)
        assert len(kept) == 30


def test_a_big_import_of_files_already_there_changes_nothing(data_dir, tmp_path, monkeypatch):
    _big_import(monkeypatch)
    write_articles(tmp_path / "new", 20)
    with Library.open(data_dir, seed=False) as library:
        library.import_paths([tmp_path / "new"])
        before = _snapshot(library)
        report = library.import_paths([tmp_path / "new"])
        assert report.imported == [] and len(report.duplicates) == 20
        assert _snapshot(library) == before


def test_a_cancelled_big_import_keeps_what_it_stored_and_nothing_else(
    data_dir, tmp_path, monkeypatch
):
    _big_import(monkeypatch)
    write_articles(tmp_path / "new", 60)
    reported: list[int] = []
    with Library.open(data_dir, seed=False) as library:
        report = library.import_paths(
            [tmp_path / "new"],
            lambda step: reported.append(step.done),
            cancel=lambda: len(reported) >= 5,
        )
        assert report.cancelled
        stored = library.store.count()
        assert stored == len(report.imported) == len(reported) < 60
        # Files read ahead but not stored left no copy behind.
        kept = _kept(library)
        assert len(kept) == stored
        assert library.index_problem() is None


def test_files_of_a_dead_worker_are_prepared_here(library, tmp_path):
    from reader.core.pool import ExtractionPool

    paths = write_articles(tmp_path, 3)
    pool = ExtractionPool(library.store.path)
    try:
        pool.submit(paths[0]).result()  # the workers are up
        for process in list(pool._executor._processes.values()):
            process.kill()  # as if a file had crashed a parser
            process.join()
        tickets = [pool.submit(path) for path in paths[1:]]
        prepared = [library._prepared(t, p) for t, p in zip(tickets, paths[1:], strict=True)]
    finally:
        pool.close()
    titles = [p.documents[0].title[:7] for p in prepared if p.documents]
    assert titles == ["Story 1", "Story 2"]


def test_files_go_to_the_workers_in_chunks_and_come_back_in_order(library, tmp_path):
    from reader.core.pool import CHUNK_FILES, ExtractionPool

    paths = write_articles(tmp_path, CHUNK_FILES + 3)
    (tmp_path / "empty.txt").write_bytes(b"")
    pool = ExtractionPool(library.store.path)
    try:
        tickets = [pool.submit(path) for path in [*paths, tmp_path / "empty.txt"]]
        dropped = pool.submit(paths[0])
        dropped.cancel()  # never handed out
        assert dropped.abandoned()
        # The last chunk is not full: asking for a result hands it out.
        *good, bad = tickets
        titles = [t.result().documents[0].title.split(":")[0] for t in good]  # type: ignore[index]
        with pytest.raises(ImportFailed, match="the file is empty"):
            bad.result()
    finally:
        pool.close()
    assert titles == [f"Story {n}" for n in range(len(paths))]


def test_a_big_batch_is_indexed_in_two_processes_with_the_same_results(
    data_dir, tmp_path, monkeypatch
):
    import reader.core.index as index_module

    write_articles(tmp_path / "new", 60)
    with Library.open(data_dir, seed=False) as library:
        library.import_paths([tmp_path / "new"])
        whole = library.search("article", limit=100)
        monkeypatch.setattr(index_module, "_SPLIT_FROM", 20)
        assert library.rebuild_index()
        ix = whoosh_index.open_dir(str(data_dir / f"index-v{INDEX_VERSION}"))
        assert sorted(s.doc_count() for s in ix._segments()) == [30, 30]  # one per process
        split = library.search("article", limit=100)
        assert split.total == whole.total == 60
        assert {h.id: round(h.score, 6) for h in split.hits} == {
            h.id: round(h.score, 6) for h in whole.hits
        }
        assert library.search('"article number 45"').total == 1
        # The helper's segment takes part in later changes like any other.
        library.delete([split.hits[0].id])
        library.sync_index()
        assert library.search("article").total == 59


def test_a_library_from_before_schema_6_still_reads_its_originals_as_files(tmp_path):
    """Before schema 6 the originals and images were files under originals/: they still serve
    the original, the images, extracting again and backups; what is new goes to the database."""
    from reader.core import exchange
    from tests.core.test_html import PNG, STRUCTURED

    folder = tmp_path / "saved"
    (folder / "page_files").mkdir(parents=True)
    (folder / "page_files" / "bridge.png").write_bytes(PNG)
    page = folder / "bridges.html"
    page.write_text(STRUCTURED, encoding="utf-8")
    data_dir = tmp_path / "data"
    with Library.open(data_dir, seed=False) as library:
        (doc_id,) = library.import_paths([page]).imported
    # The library as an older Reader left it: the kept bytes in files, not in rows.
    db = sqlite3.connect(data_dir / "library.sqlite3")
    for digest, data in db.execute("SELECT sha256, data FROM blobs").fetchall():
        (data_dir / "originals" / digest[:2]).mkdir(parents=True, exist_ok=True)
        (data_dir / "originals" / digest[:2] / digest).write_bytes(data)
    with db:
        db.execute("DELETE FROM blobs")
    db.close()

    with Library.open(data_dir, seed=False) as library:
        image = library.document(doc_id).images["page_files/bridge.png"]
        assert library.original(doc_id) == page.read_bytes()
        assert library.image(image) == PNG
        (folder / "page_files" / "bridge.png").unlink()
        library.reextract(doc_id)  # from the kept files
        assert library.image(library.document(doc_id).images["page_files/bridge.png"]) == PNG
        archive = tmp_path / "backup.zip"
        exchange.backup(library, archive)
        new = library.import_paths(write_articles(tmp_path / "new", 1)).imported
        assert len(_kept(library)) == 2  # the new article's original, and the image kept again
    exchange.restore(archive, tmp_path / "restored")
    with Library.open(tmp_path / "restored", seed=False) as restored:
        assert restored.original(doc_id) == page.read_bytes()
        assert restored.image(image) == PNG
        assert new[0] not in restored.document_ids()
