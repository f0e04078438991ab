"""Where things are: bundled resources and catalogue, from source and when frozen alike."""

from __future__ import annotations

import os
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


def is_frozen() -> bool:
    """True in the PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False))


# Per-user folders (never next to the program, which may be read-only).
APP_DIR_NAME = "security-cooperation-catalogue"
LOG_DIR_ENV = "CATALOGUE_LOG_DIR"  # overrides the log folder (the smoke check uses a temp one)


def user_log_dir() -> Path:
    """Where the app writes its log: the platform's per-user log folder."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_log_dir as platform_log_dir

    return Path(platform_log_dir(APP_DIR_NAME))
