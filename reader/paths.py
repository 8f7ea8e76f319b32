"""Where Reader keeps its data and finds its bundled files (checkout, installed or frozen)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import appdirs

from reader import APP_AUTHOR, APP_NAME

DATA_DIR_ENV = "READER_DATA_DIR"
NO_SEED_ENV = "READER_NO_SEED"

_PACKAGE_DIR = Path(__file__).resolve().parent


def default_data_dir() -> Path:
    """The per-user data directory chosen by appdirs for this platform."""
    return Path(appdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data dir: an explicit override, else $READER_DATA_DIR, else the platform default."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


def seeding_disabled_by_env() -> bool:
    """True when $READER_NO_SEED asks not to import the bundled seeds into an empty library."""
    return os.environ.get(NO_SEED_ENV, "").strip().lower() not in ("", "0", "false", "no")


def _data_roots() -> list[Path]:
    roots: list[Path] = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        roots.append(Path(frozen_root))
    roots.append(_PACKAGE_DIR / "_data")  # installed wheel (see setup.py)
    roots.append(_PACKAGE_DIR.parent)  # source checkout or editable install
    return roots


def bundled_dir(name: str) -> Path:
    """The bundled folder `name` ('seeds' or 'resources') wherever this copy of Reader runs from."""
    for root in _data_roots():
        candidate = root / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Reader's bundled folder {name!r} is missing from this installation")


def seeds_dir() -> Path:
    """The folder of bundled sample articles."""
    return bundled_dir("seeds")


def resource_path(*parts: str) -> Path:
    """A file under resources/ (icons, stylesheets)."""
    return bundled_dir("resources").joinpath(*parts)
