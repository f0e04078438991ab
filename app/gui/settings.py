"""Remembered state (window, columns, filters) in an INI file whose path tests can inject."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
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
    """Filters saved by an earlier run; anything unreadable gives the defaults."""
    if not text:
        return DEFAULT_FILTERS
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            return DEFAULT_FILTERS
        known = {f.name for f in fields(Filters)}
        return Filters(**{k: v for k, v in data.items() if k in known})
    except (ValueError, TypeError, AttributeError):
        return DEFAULT_FILTERS
