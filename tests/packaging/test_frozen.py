"""The frozen app that packaging/build.py makes works: its self-test passes, and it opens a
library (and search index) that Reader made when run from source."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader import __version__
from reader.core.library import Library

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "packaging" / "build.py"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The command-line executable of a one-folder build made once for this module."""
    out = tmp_path_factory.mktemp("frozen")
    command = [sys.executable, str(BUILD), "--skip-installers", "--skip-self-test"]
    command += ["--dist", str(out / "dist"), "--work", str(out / "work")]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=1200, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    if sys.platform == "darwin":
        yield out / "dist" / "Reader.app" / "Contents" / "MacOS" / "reader"
    else:
        yield out / "dist" / "reader" / ("reader.exe" if sys.platform == "win32" else "reader")
    shutil.rmtree(out, ignore_errors=True)  # 300 MB; pytest would keep it for three runs


def _run(executable: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(executable), *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_frozen_self_test_passes(frozen: Path) -> None:
    proc = _run(frozen, "--self-test")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Self-test passed" in proc.stdout


def test_frozen_app_reports_its_version(frozen: Path) -> None:
    proc = _run(frozen, "--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["reader", __version__]


def test_frozen_app_searches_an_index_made_from_source(frozen: Path, library: Library) -> None:
    expected = [hit.title for hit in library.search("treaty").hits]
    library.close()
    # A new process that has imported nothing yet unpickles the index's schema (analyzer
    # classes included) from the bundle.
    proc = _run(frozen, "--data-dir", str(library.data_dir), "search", "--json", "treaty")
    assert proc.returncode == 0, proc.stderr
    assert [hit["title"] for hit in json.loads(proc.stdout)["hits"]] == expected
    assert expected
