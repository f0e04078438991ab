"""Query layer: filters compiled to parameterised SQL over the catalogue (no Qt here)."""
