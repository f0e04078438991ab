"""Remembered state (window, columns, filters) in an INI file whose path tests can inject."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from PySide6.QtCore import QSettings

from app.query.filters import Filters

APP_DIR_NAME = "security-cooperation-catalogue"
DEFAULT_FILTERS = Filters(kinds=("body",))  # body text unless the user asks for more


def default_settings_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_DIR_NAME)) / "browser.ini"


def open_settings(path: Path | None = None) -> QSettings:
    """INI settings at `path` (default: the user's config folder)."""
    path = Path(path) if path is not None else default_settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


def filters_to_text(filters: Filters) -> str:
    return json.dumps(asdict(filters), sort_keys=True)


def filters_from_text(text: str | None) -> Filters:
    """Filters saved by an earlier run; what cannot be read gives the defaults (a field of the
    wrong type: the default's)."""
    if not text:
        return DEFAULT_FILTERS
    try:
        data = json.loads(text)
    except (ValueError, TypeError):
        return DEFAULT_FILTERS
    return Filters.from_data(data, DEFAULT_FILTERS) if isinstance(data, dict) else DEFAULT_FILTERS
