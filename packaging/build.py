#!/usr/bin/env python3
"""Build Reader's installers: the PyInstaller folder, its self-test, then this system's installers.

    python packaging/build.py [--skip-self-test] [--skip-installers] [--dist DIR] [--work DIR]

Run it with a Python that has Reader and the packaging extra installed
(``pip install -e '.[packaging]'``; on Linux also binutils and dpkg-deb). It writes to dist/:

- every system: ``reader/``, the one-folder app (``Reader.app`` too on macOS);
- Linux: ``Reader-<version>-linux-x86_64.tar.gz`` (the folder with install.sh for a user's home)
  and ``reader_<version>_amd64.deb`` (/opt/reader, /usr/bin/reader, menu entry, icons);
- Windows: ``Reader-<version>-windows-x64-setup.exe`` (Inno Setup's iscc must be installed);
- macOS: ``Reader-<version>-macos-<arch>.dmg`` holding the ad-hoc signed Reader.app.

The build fails if the frozen app's ``reader --self-test`` fails. It ends with a summary of
times and sizes.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "reader.spec"
ICONS = ROOT / "resources" / "icons"
DESKTOP_FILE = ROOT / "resources" / "reader.desktop"

sys.path.insert(0, str(ROOT))
from reader import APP_NAME, __version__  # noqa: E402

LINUX = sys.platform.startswith("linux")
WINDOWS = sys.platform == "win32"
MACOS = sys.platform == "darwin"
SELF_TEST_TIMEOUT = 600  # seconds; it takes about two


class BuildError(Exception):
    """A step of the build failed; the message says which and why."""


def _run(command: Sequence[str | Path]) -> None:
    printable = " ".join(str(part) for part in command)
    print(f"$ {printable}", flush=True)
    try:
        subprocess.run([str(part) for part in command], check=True)
    except subprocess.CalledProcessError as exc:
        raise BuildError(f"{Path(command[0]).name} failed (exit code {exc.returncode})") from exc


def check_tools(installers: bool) -> None:
    """Fail early, with what to install, when a tool the build needs is missing."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise BuildError("PyInstaller is missing: pip install -e '.[packaging]'") from None
    needed: list[tuple[str, str]] = []
    if LINUX:
        needed += [(tool, "binutils") for tool in ("strip", "readelf", "objdump")]
        if installers:
            needed.append(("dpkg-deb", "dpkg"))
    if MACOS:
        needed += [("codesign", "the Xcode command line tools"), ("hdiutil", "macOS")]
    missing = [f"{tool} (from {source})" for tool, source in needed if not shutil.which(tool)]
    if WINDOWS and installers and _iscc() is None:
        missing.append("iscc (Inno Setup 6: choco install innosetup)")
    if missing:
        raise BuildError("missing tools: " + ", ".join(missing))


def build_bundle(dist: Path, work: Path) -> Path:
    """Run PyInstaller on packaging/reader.spec; returns the one-folder app."""
    _run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            dist,
            "--workpath",
            work,
            SPEC,
        ]
    )
    bundle = dist / "reader"
    if LINUX:
        trim_icu_data(bundle)
    return bundle


# ICU's data library is 31 MB, a quarter of the app: locale display names, currencies, units,
# time-zone names, break-iterator dictionaries and legacy converters, none of which Qt asks ICU
# for (it has its own locale data, codecs and text boundaries). Qt does use ICU's collation
# (QCollator: sorting in file dialogs) and normalisation: those, and the small tables they
# rest on, are kept; the library is rebuilt from them with ICU's own tools (4.5 MB).
_ICU_KEEP = re.compile(
    r"(coll/.*|[a-z0-9_]+\.nrm|[a-z]+\.icu|cnvalias\.icu|res_index\.res|root\.res|pool\.res"
    r"|likelySubtags\.res|supplementalData\.res|keyTypeData\.res|zoneinfo64\.res"
    r"|metaZones\.res|timezoneTypes\.res|windowsZones\.res|icustd\.res|plurals\.res"
    r"|numberingSystems\.res)"
)
_ICU_DROP = re.compile(r"unames\.icu")  # Unicode character names: 0.3 MB nobody reads


def trim_icu_data(bundle: Path) -> None:
    """Rebuild the bundle's libicudata with only what Qt uses (skipped without ICU's tools)."""
    libraries = [p for p in bundle.rglob("libicudata.so.*") if not p.is_symlink()]
    tools = {tool: shutil.which(tool) for tool in ("icupkg", "genccode", "ld", "readelf")}
    if not libraries or not all(tools.values()):
        missing = ", ".join(tool for tool, path in tools.items() if not path)
        print(f"build.py: ICU data left whole ({missing or 'no libicudata'}; apt: icu-devtools)")
        return
    import ctypes
    import tempfile

    library = libraries[0]
    version = re.search(r"\.so\.(\d+)", library.name)
    if version is None:
        return
    symbol = f"icudt{version.group(1)}_dat"
    table = subprocess.run(
        [tools["readelf"], "-sW", str(library)], capture_output=True, text=True, check=True
    ).stdout
    entry = re.search(rf"\s(0x[0-9a-f]+|\d+)\s+OBJECT\s.*\s{symbol}$", table, re.MULTILINE)
    if entry is None:
        raise BuildError(f"{library.name} has no {symbol}")
    size = int(entry.group(1), 0)
    handle = ctypes.CDLL(str(library))
    data = ctypes.string_at(ctypes.addressof(ctypes.c_char.in_dll(handle, symbol)), size)
    package_name = f"icudt{version.group(1)}l.dat"  # items are named after the package
    with tempfile.TemporaryDirectory() as scratch:
        whole, trimmed = Path(scratch) / "whole", Path(scratch) / "trimmed"
        whole.mkdir()
        trimmed.mkdir()
        (whole / package_name).write_bytes(data)
        items = subprocess.run(
            [tools["icupkg"], "-l", str(whole / package_name)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        drop = [i for i in items if not _ICU_KEEP.fullmatch(i) or _ICU_DROP.fullmatch(i)]
        (Path(scratch) / "drop.txt").write_text("\n".join(drop) + "\n")
        _run(
            [
                tools["icupkg"],
                "-r",
                Path(scratch) / "drop.txt",
                whole / package_name,
                trimmed / package_name,
            ]
        )
        _run(
            [
                tools["genccode"],
                "-q",
                "-o",
                "-e",
                symbol[: -len("_dat")],
                "-m",
                library,
                "-d",
                scratch,
                "-f",
                "icudata",
                trimmed / package_name,
            ]
        )
        rebuilt = Path(scratch) / library.name
        _run(
            [
                tools["ld"],
                "-shared",
                "-soname",
                library.name,
                "-o",
                rebuilt,
                Path(scratch) / "icudata.o",
            ]
        )
        mode = library.stat().st_mode
        shutil.copyfile(rebuilt, library)
        library.chmod(mode)
    print(
        f"build.py: ICU data {size / 1_048_576:.1f} MB -> "
        f"{library.stat().st_size / 1_048_576:.1f} MB ({len(items) - len(drop)} of "
        f"{len(items)} items kept)"
    )


def console_executable(dist: Path) -> Path:
    """The frozen command-line executable (the one that prints)."""
    if MACOS:
        return dist / f"{APP_NAME}.app" / "Contents" / "MacOS" / "reader"
    return dist / "reader" / ("reader.exe" if WINDOWS else "reader")


def self_test(executable: Path) -> None:
    """Run ``reader --self-test`` of the frozen app; BuildError unless it passes."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("READER_DATA_DIR", None)
    print(f"$ {executable} --self-test", flush=True)
    try:
        proc = subprocess.run(
            [str(executable), "--self-test"], env=env, timeout=SELF_TEST_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise BuildError(f"the frozen self-test took longer than {SELF_TEST_TIMEOUT} s") from None
    if proc.returncode != 0:
        raise BuildError(f"the frozen app's self-test failed (exit code {proc.returncode})")


def folder_size(folder: Path) -> tuple[int, int]:
    """Bytes in the regular files under ``folder`` (links not followed) and how many files."""
    sizes = [p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(sizes), len(sizes)


def _icons() -> Iterator[tuple[str, Path]]:
    """(path under hicolor/, file) of every app icon: the PNG sizes and the scalable SVG."""
    hicolor = ICONS / "hicolor"
    for png in sorted(hicolor.glob("*/apps/reader.png")):
        yield png.relative_to(hicolor).as_posix(), png
    yield "scalable/apps/reader.svg", ICONS / "reader.svg"


def _normalized(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """Archive members owned by root, readable by all, executable where they were."""
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    if not info.issym():
        info.mode = 0o755 if info.isdir() or info.mode & 0o111 else 0o644
    return info


def linux_tarball(bundle: Path, dist: Path, version: str) -> Path:
    """Reader-<version>-linux-x86_64.tar.gz: the folder, install.sh, uninstall.sh, menu files."""
    name = f"{APP_NAME}-{version}-linux-x86_64"
    target = dist / f"{name}.tar.gz"
    print(f"Writing {target}", flush=True)
    with tarfile.open(target, "w:gz", compresslevel=9) as archive:
        for script in ("install.sh", "uninstall.sh"):
            archive.add(PACKAGING / "linux" / script, f"{name}/{script}", filter=_normalized)
        archive.add(DESKTOP_FILE, f"{name}/share/applications/reader.desktop", filter=_normalized)
        for relative, icon in _icons():
            archive.add(icon, f"{name}/share/icons/hicolor/{relative}", filter=_normalized)
        archive.add(bundle, f"{name}/reader", filter=_normalized)
    return target


def _glibc_requirement(bundle: Path) -> str:
    """``libc6 (>= X.Y)``: the newest glibc symbol version any binary of the bundle uses."""
    versions: set[tuple[int, ...]] = set()
    for path in bundle.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        with path.open("rb") as file:
            if file.read(4) != b"\x7fELF":
                continue
        symbols = subprocess.run(
            ["objdump", "-T", str(path)], capture_output=True, text=True, check=False
        ).stdout
        versions.update(
            tuple(int(part) for part in found.split("."))
            for found in re.findall(r"\bGLIBC_(\d+(?:\.\d+)+)\b", symbols)
        )
    if not versions:
        raise BuildError("no glibc symbol versions found in the bundle (objdump?)")
    return "libc6 (>= {})".format(".".join(str(part) for part in max(versions)))


def linux_deb(bundle: Path, dist: Path, work: Path, version: str) -> Path:
    """reader_<version>_amd64.deb, built with dpkg-deb: the same files, system-wide.

    No maintainer scripts: dpkg's triggers refresh the desktop, MIME and icon caches when
    files land in (or leave) /usr/share/applications and /usr/share/icons. Nothing is ever
    written under /opt/reader at run time, so removing the package leaves nothing behind.
    """
    stage = work / "deb"
    if stage.exists():
        shutil.rmtree(stage)
    shutil.copytree(bundle, stage / "opt" / "reader", symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / "reader").symlink_to("/opt/reader/reader")
    share = stage / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copyfile(DESKTOP_FILE, share / "applications" / "reader.desktop")
    for relative, icon in _icons():
        (share / "icons" / "hicolor" / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(icon, share / "icons" / "hicolor" / relative)
    kib = 0
    for path in [stage, *stage.rglob("*")]:
        if path.is_symlink():
            kib += 1
            continue
        mode = path.stat().st_mode
        path.chmod(0o755 if path.is_dir() or mode & 0o111 else 0o644)
        kib += math.ceil(path.stat().st_size / 1024) if path.is_file() else 1
    control = (PACKAGING / "linux" / "control").read_text(encoding="utf-8")
    control = (
        control.replace("@VERSION@", version)
        .replace("@INSTALLED_SIZE@", str(kib))
        .replace("@LIBC@", _glibc_requirement(bundle))
    )
    (stage / "DEBIAN").mkdir(mode=0o755)
    (stage / "DEBIAN" / "control").write_text(control, encoding="utf-8")
    (stage / "DEBIAN" / "control").chmod(0o644)
    target = dist / f"reader_{version}_amd64.deb"
    _run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", stage, target])
    return target


def _iscc() -> str | None:
    found = shutil.which("iscc")
    if found:
        return found
    for folder in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        if folder and (Path(folder) / "Inno Setup 6" / "ISCC.exe").is_file():
            return str(Path(folder) / "Inno Setup 6" / "ISCC.exe")
    return None


def windows_installer(bundle: Path, dist: Path, version: str) -> Path:
    """Reader-<version>-windows-x64-setup.exe, compiled by Inno Setup from windows/reader.iss."""
    iscc = _iscc()
    if iscc is None:
        raise BuildError("Inno Setup's iscc was not found (choco install innosetup)")
    _run(
        [
            iscc,
            "/Qp",
            f"/DAppVersion={version}",
            f"/DSourceDir={bundle}",
            f"/DOutputDir={dist}",
            f"/DIconFile={ICONS / 'reader.ico'}",
            PACKAGING / "windows" / "reader.iss",
        ]
    )
    return dist / f"{APP_NAME}-{version}-windows-x64-setup.exe"


def macos_sign(dist: Path) -> Path:
    """Sign Reader.app ad hoc (no identity: Gatekeeper still asks the first time)."""
    app = dist / f"{APP_NAME}.app"
    _run(["codesign", "--force", "--deep", "--sign", "-", app])
    _run(["codesign", "--verify", "--deep", "--strict", app])
    return app


def macos_dmg(app: Path, dist: Path, work: Path, version: str) -> Path:
    """Reader-<version>-macos-<arch>.dmg: Reader.app beside a link to /Applications."""
    stage = work / "dmg"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    _run(["ditto", app, stage / app.name])
    (stage / "Applications").symlink_to("/Applications")
    target = dist / f"{APP_NAME}-{version}-macos-{platform.machine()}.dmg"
    _run(
        [
            "hdiutil",
            "create",
            "-volname",
            f"{APP_NAME} {version}",
            "-srcfolder",
            stage,
            "-fs",
            "HFS+",
            "-format",
            "UDZO",
            "-ov",
            target,
        ]
    )
    return target


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output (dist/)")
    parser.add_argument(
        "--work", type=Path, default=ROOT / "build" / "pyinstaller", help="PyInstaller's work dir"
    )
    parser.add_argument("--skip-self-test", action="store_true", help="do not run the self-test")
    parser.add_argument("--skip-installers", action="store_true", help="build the folder only")
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    version = __version__
    timings: list[tuple[str, float]] = []
    installers: list[Path] = []
    started = time.perf_counter()
    try:
        check_tools(not args.skip_installers)
        step = time.perf_counter()
        bundle = build_bundle(dist, work)
        app = macos_sign(dist) if MACOS else bundle
        timings.append(("PyInstaller", time.perf_counter() - step))
        if not args.skip_self_test:
            step = time.perf_counter()
            self_test(console_executable(dist))
            timings.append(("self-test", time.perf_counter() - step))
        if not args.skip_installers:
            step = time.perf_counter()
            if LINUX:
                installers += [
                    linux_tarball(bundle, dist, version),
                    linux_deb(bundle, dist, work, version),
                ]
            elif WINDOWS:
                installers.append(windows_installer(bundle, dist, version))
            elif MACOS:
                installers.append(macos_dmg(app, dist, work, version))
            timings.append(("installers", time.perf_counter() - step))
    except BuildError as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 1
    size, files = folder_size(app)
    print(f"\n{APP_NAME} {version} for {sys.platform}-{platform.machine()}")
    print(f"  folder    {app}  {_mib(size)} in {files} files")
    for installer in installers:
        print(f"  installer {installer}  {_mib(installer.stat().st_size)}")
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings)
    print(f"  time      {time.perf_counter() - started:.1f} s ({steps})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
