"""Shared test set-up: offscreen Qt, and a temporary data dir for every test (never the user's)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.paths import seeds_dir

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
    "c o u n c i l h a r b o u r r a i l w a y b u d g e t e l e c t i o n f e s t i "
    "v a l m u s e u m d r o u g h t v a c c i n e o r c h e s t r a s a t e l l i t "
    "e g l a c i e r t a r i f f s u m m i t v i l l a g e b r i d g e l i b r a r y "
    "f e r r y c o p p e r w h e a t a r c h i v e p a r l i a m e n t r e s e r v o "
    "i r t e l e s c o p e m o n s o o n l a n t e r n v i n e y a r d m a r a t h o "
    "n v o l c a n o"
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
