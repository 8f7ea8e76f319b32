"""Shared test set-up: offscreen Qt, and a temporary data dir for every test (never the user's)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from reader.core.library import Library  # noqa: E402
from reader.paths import seeds_dir  # noqa: E402

SEEDS = sorted(seeds_dir().glob("*.txt"))


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data dir, also set as $READER_DATA_DIR so nothing can touch the real one."""
    path = tmp_path / "data"
    monkeypatch.setenv("READER_DATA_DIR", str(path))
    monkeypatch.delenv("READER_NO_SEED", raising=False)
    return path


@pytest.fixture
def library(data_dir: Path) -> Iterator[Library]:
    """A library holding the five seed articles."""
    with Library.open(data_dir, seed=True) as lib:
        yield lib


@pytest.fixture
def empty_library(data_dir: Path) -> Iterator[Library]:
    """A library with nothing in it."""
    with Library.open(data_dir, seed=False) as lib:
        yield lib


def seed_id(library: Library, prefix: str) -> int:
    """The id of the seed article whose file name starts with ``prefix`` ('000'...)."""
    for doc in library.documents():
        if Path(doc.imported_from).name.startswith(prefix):
            return doc.id
    raise LookupError(prefix)


_WORDS = (
    "council harbour railway budget election festival museum drought vaccine orchestra "
    "satellite glacier tariff summit village bridge library ferry copper wheat archive "
    "parliament reservoir telescope monsoon lantern vineyard marathon volcano"
).split()


def write_articles(folder: Path, count: int, start: int = 0) -> list[Path]:
    """Write ``count`` distinct small articles (deterministic) and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(start, start + count):
        words = [_WORDS[(number * 7 + i * 3) % len(_WORDS)] for i in range(60)]
        year = 2000 + number % 20
        body = " ".join(words).capitalize() + f". Article number {number} ends here."
        path = folder / f"article-{number:05d}.txt"
        path.write_text(
            f"Story {number}: the {words[0]} and the {words[1]}\n\n"
            f"{year}-{1 + number % 12:02d}-{1 + number % 28:02d}\n\n{body}\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths
