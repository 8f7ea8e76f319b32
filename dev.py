#!/usr/bin/env python3
"""Set up Reader in ./.venv and run it or its tests: ``python3 dev.py run`` or ``test``.

Needs only Python 3.11+ on the machine. The virtual environment is created on first use and
refreshed whenever pyproject.toml or setup.py change; extra arguments go to reader or pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".reader-setup"


def _fingerprint(extra: str) -> str:
    digest = hashlib.sha256(extra.encode())
    for name in ("pyproject.toml", "setup.py"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_environment(extra: str) -> None:
    """Create .venv and install Reader (editable) with ``extra`` unless already done."""
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    wanted = _fingerprint(extra)
    if STAMP.exists() and wanted in STAMP.read_text().split():
        return
    print(f"Installing Reader{f' with [{extra}]' if extra else ''} into .venv ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
    target = f".[{extra}]" if extra else "."
    subprocess.run([*pip, "install", "-e", target], check=True, cwd=ROOT)
    STAMP.write_text(wanted + "\n" + _fingerprint("") + "\n" if extra == "test" else wanted)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test", "setup"):
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    ensure_environment("test" if command in ("test", "setup") else "")
    if command == "setup":
        return 0
    if command == "run":
        return subprocess.call([str(PYTHON), "-m", "reader", *rest])
    env = {**os.environ}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.call([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
