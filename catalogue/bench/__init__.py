"""The benchmark suite: how fast the catalogue is at archive scale.

``run_benchmarks`` (``make bench``) builds a fresh database per database engine and
tier, fills it with the synthetic corpus (``catalogue.corpus``), then times the import,
search, pages, API and export in one process after warm-up, and writes a table and a
JSON file to ``bench-results/``. Each measurement tolerates its feature being absent
("not available"), because the suite measures parts that land independently.
"""

from .runner import BenchConfig, run_suite

__all__ = ["BenchConfig", "run_suite"]
