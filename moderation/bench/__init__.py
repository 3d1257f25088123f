"""The benchmarks behind ``make bench``, ``bench-api``, ``bench-clean`` and ``bench-urls``
(``python -m moderation.bench ...``). Nothing imports this package."""
