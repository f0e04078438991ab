"""Pipeline: turns source reports into the SQLite catalogue (no Qt here)."""
