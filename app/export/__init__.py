"""Exporters that write query results to files (no Qt here)."""
