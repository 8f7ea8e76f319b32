"""What gets installed: the seeds travel with the package, unchanged."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from reader.paths import seeds_dir

ROOT = Path(__file__).resolve().parents[2]
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"


def test_seeds_are_the_shared_files_unchanged():
    if not SHARED_SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    shared = {p.name: p.read_bytes() for p in SHARED_SEEDS.iterdir()}
    bundled = {p.name: p.read_bytes() for p in (ROOT / "seeds").iterdir()}
    assert bundled == shared


def test_seeds_are_found_from_a_checkout():
    assert len(list(seeds_dir().glob("*.txt"))) == 5


def test_wheel_ships_seeds_and_resources(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("offline_reader-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    seeds = [n for n in names if n.startswith("reader/_data/seeds/")]
    assert len(seeds) == 5
    assert "reader/cli.py" in names
    assert any(n.startswith("reader/_data/resources/") for n in names)
