"""Entry point for ``python -m reader``."""

import multiprocessing
import sys

from reader.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the index runs in a child process (frozen apps too)
    sys.exit(main())
