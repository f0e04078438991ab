"""`python -m app.bench`: run the benchmark (see docs/benchmarks.md)."""

from app.bench.run import main

raise SystemExit(main())
