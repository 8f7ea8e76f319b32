"""``reader --self-test``: passes on a working copy, says what failed on a broken one, and
never touches the user's library."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from reader import selftest
from reader.cli import main


def test_the_self_test_passes_and_prints_each_check(data_dir):
    out = io.StringIO()
    assert selftest.run_self_test(out) == 0
    lines = out.getvalue().splitlines()
    checks = lines[:-1]
    assert len(checks) >= 10
    assert all(line.startswith("ok    ") and line.endswith(" s") for line in checks), lines
    names = "\n".join(checks)
    for name in ("import the sample articles", "child process", "卢拉", "web page", "Markdown"):
        assert name in names
    for name in ("EPUB", "open the library again", "main window", "Chinese, Japanese and Korean"):
        assert name in names
    assert lines[-1].startswith("Self-test passed in ")
    assert not data_dir.exists()  # the user's (here: the test's) library was not touched


def test_a_broken_copy_fails_with_a_readable_report(tmp_path, monkeypatch):
    empty = tmp_path / "no seeds"
    empty.mkdir()
    monkeypatch.setattr(selftest, "seeds_dir", lambda: empty)
    out = io.StringIO()
    assert selftest.run_self_test(out) == 1
    report = out.getvalue()
    assert "FAIL  import the sample articles  " in report
    assert f"0 sample articles in {empty}" in report
    assert "ok    import Markdown" in report  # the other checks still ran
    assert report.splitlines()[-1].startswith("Self-test FAILED: ")


def test_an_unexpected_error_says_where_it_happened(monkeypatch):
    def broken(*_args, **_kwargs):
        raise ModuleNotFoundError("No module named 'whoosh.lang'")

    monkeypatch.setattr(selftest, "run_index_job", broken)
    out = io.StringIO()
    assert selftest.run_self_test(out) == 1
    report = out.getvalue()
    assert "FAIL  build the search index (child process)" in report
    assert "ModuleNotFoundError: No module named 'whoosh.lang'" in report
    assert "test_selftest.py" in report  # at file:line in function


def test_from_the_command_line_without_a_display(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env.pop("WAYLAND_DISPLAY", None)
    env["READER_DATA_DIR"] = str(tmp_path / "user library")
    proc = subprocess.run(
        [sys.executable, "-m", "reader", "--self-test"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok    show the main window (offscreen" in proc.stdout
    assert proc.stdout.splitlines()[-1].startswith("Self-test passed")
    assert not Path(env["READER_DATA_DIR"]).exists()


def test_the_global_option_runs_it(capsys, monkeypatch):
    monkeypatch.setattr(selftest, "run_self_test", lambda out: 7)
    assert main(["--self-test"]) == 7
