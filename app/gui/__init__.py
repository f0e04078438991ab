"""The desktop browser: a PySide6 window over the catalogue's query layer."""
