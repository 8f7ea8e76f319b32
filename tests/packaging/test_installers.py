"""The installers' own files: the desktop entry, the icons, and the Linux home install script."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
ICONS = ROOT / "resources" / "icons"
DESKTOP_FILE = ROOT / "resources" / "reader.desktop"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def test_desktop_file_validates() -> None:
    validate = shutil.which("desktop-file-validate")
    if validate is None:
        pytest.skip("desktop-file-validate is not installed (desktop-file-utils)")
    proc = subprocess.run([validate, str(DESKTOP_FILE)], capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr


def test_desktop_file_opens_the_formats_reader_imports() -> None:
    entry = dict(
        line.split("=", 1) for line in DESKTOP_FILE.read_text("utf-8").splitlines() if "=" in line
    )
    assert entry["Exec"] == "reader %F"
    types = set(entry["MimeType"].rstrip(";").split(";"))
    assert {"text/plain", "text/markdown", "text/html", "application/epub+zip"} <= types


def test_icons_exist_in_every_size() -> None:
    for size in HICOLOR_SIZES:
        png = (ICONS / "hicolor" / f"{size}x{size}" / "apps" / "reader.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert struct.unpack(">II", png[16:24]) == (size, size)
    ico = (ICONS / "reader.ico").read_bytes()
    assert ico[:4] == b"\0\0\1\0" and struct.unpack("<H", ico[4:6])[0] >= 4
    icns = (ICONS / "reader.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script")
def test_home_install_and_uninstall(tmp_path: Path) -> None:
    """install.sh as the .tar.gz holds it, on a stand-in app: files land, then all go again."""
    unpacked = tmp_path / "Reader-linux"
    (unpacked / "reader" / "_internal").mkdir(parents=True)
    app = unpacked / "reader" / "reader"
    app.write_text("#!/bin/sh\necho stand-in\n")
    app.chmod(0o755)
    (unpacked / "reader" / "_internal" / "data.txt").write_text("x")
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy2(LINUX / script, unpacked / script)
    (unpacked / "share" / "applications").mkdir(parents=True)
    shutil.copy2(DESKTOP_FILE, unpacked / "share" / "applications" / "reader.desktop")
    for size in (16, 256):
        relative = Path(f"{size}x{size}") / "apps" / "reader.png"
        (unpacked / "share" / "icons" / "hicolor" / relative).parent.mkdir(parents=True)
        shutil.copy2(ICONS / "hicolor" / relative, unpacked / "share/icons/hicolor" / relative)
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}

    proc = subprocess.run(["sh", str(unpacked / "install.sh")], env=env, capture_output=True)
    assert proc.returncode == 0, proc.stderr
    installed = home / ".local" / "opt" / "reader"
    launcher = home / ".local" / "bin" / "reader"
    assert subprocess.run([str(launcher)], capture_output=True).stdout == b"stand-in\n"
    assert (installed / "_internal" / "data.txt").read_text() == "x"
    desktop = (home / ".local/share/applications/reader.desktop").read_text("utf-8")
    assert f'Exec="{installed}/reader" %F' in desktop.splitlines()
    assert (home / ".local/share/icons/hicolor/256x256/apps/reader.png").is_file()
    shutil.rmtree(unpacked)  # the unpacked archive is not needed to uninstall

    proc = subprocess.run(["sh", str(installed / "uninstall.sh")], env=env, capture_output=True)
    assert proc.returncode == 0, proc.stderr
    left = sorted(str(p.relative_to(home)) for p in home.rglob("*") if not p.is_dir())
    assert left == [] or all(p.endswith("mimeinfo.cache") for p in left), left
