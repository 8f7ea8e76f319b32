"""Build hook: ship the top-level seeds/ and resources/ inside the package as reader/_data/."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
DATA_DIRS = ("seeds", "resources")


class BuildPyWithData(build_py):
    """Copy the repository's data folders next to the built package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "reader" / "_data"
        for name in DATA_DIRS:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, target / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithData})
