"""`python -m app`: the same as the `catalogue` command."""

import sys

from app.cli import main

sys.exit(main())
