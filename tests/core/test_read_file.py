"""Reading a file to import: as many bytes as its size says, and the rest if it grew meanwhile,
never more than the limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.core import importers
from reader.core.errors import ImportFailed


def _shrunk_stat(monkeypatch: pytest.MonkeyPatch, path: Path, size: int) -> None:
    """Make ``path`` look ``size`` bytes long to stat() (as if it grew after it was stat'ed)."""
    real = Path.stat

    def stat(self: Path, *args, **kwargs) -> os.stat_result:
        status = real(self, *args, **kwargs)
        if self == path:
            fields = list(status)
            fields[6] = size  # st_size
            return os.stat_result(fields)
        return status

    monkeypatch.setattr(Path, "stat", stat)


def test_a_file_is_read_whole(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 5000)
    assert importers.read_file(path) == b"x" * 5000


def test_an_empty_file_reads_as_nothing(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert importers.read_file(path) == b""


def test_a_file_that_grew_after_its_size_was_read_is_read_whole(tmp_path, monkeypatch):
    path = tmp_path / "growing.txt"
    path.write_bytes(b"0123456789" * 10)
    _shrunk_stat(monkeypatch, path, 10)
    assert importers.read_file(path) == b"0123456789" * 10


def test_a_file_that_grew_past_the_limit_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "growing.txt"
    path.write_bytes(b"y" * 100)
    monkeypatch.setattr(importers, "MAX_FILE_BYTES", 50)
    _shrunk_stat(monkeypatch, path, 10)
    with pytest.raises(ImportFailed, match="grew while being read"):
        importers.read_file(path)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(ImportFailed, match="it is a folder, not a file"):
        importers.read_file(tmp_path)
