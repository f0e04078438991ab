"""`python -m app`: the same as the `catalogue` command."""

import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    # In the packaged app, a process started for a share of an export (app.export.shares) runs
    # this executable again: freeze_support() turns it into that process and never returns.
    multiprocessing.freeze_support()
    sys.exit(main())
