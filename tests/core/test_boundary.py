"""reader/core must never import Qt: it is used by the CLI, tests and worker processes."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import reader

CORE = Path(reader.__file__).parent / "core"


def test_core_sources_do_not_import_qt():
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}" for n in names if n.startswith(("PySide6", "reader.ui"))
            ]
    assert offenders == []


def test_using_the_core_and_the_cli_loads_no_qt(tmp_path):
    code = (
        "import sys, reader.cli, reader.core.library as l, pathlib\n"
        f"lib = l.Library.open(pathlib.Path({str(tmp_path)!r}), seed=True)\n"
        "lib.search('treaty'); lib.close()\n"
        "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)\n"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
