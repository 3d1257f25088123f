"""Dataset cleanup: files in, every record written, dropped or rejected, and counted. Builds on ``text``.

::

    formats/       which files, in which format: one Reader + Writer per format, a registry
    cleaner.py     Cleaner: one chunk of records -> output / drops / rejects + counts (pure)
    sinks.py       RunSinks: the output, rejects and drop log, written in parts and joined atomically
    pool.py        WorkerPool: chunks cleaned here or in N processes, results in input order
    runner.py      clean_files: RunPlan, checkpoints, resume
    report.py      CleanReport and the progress bar
    dask.py        the same Cleaner on a Dask cluster (public as ``moderation.dask``)
"""
