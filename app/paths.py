"""Where things are: bundled resources and catalogue, from source and when frozen alike."""

from __future__ import annotations

import sys
from pathlib import Path


def app_root() -> Path:
    """The folder holding `resources/` and `data/`: the checkout, or the unpacked bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return app_root() / "resources"


def data_dir() -> Path:
    return app_root() / "data"


def bundled_catalogue() -> Path:
    return data_dir() / "catalogue.db"


def bundled_sources() -> Path:
    return data_dir() / "sources"
