"""Synthetic catalogues and source corpora at scale, and the benchmark that measures them."""
