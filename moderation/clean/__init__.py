"""Dataset cleanup: files in, every record written, dropped or rejected, and counted. Builds on ``text``.

::

    formats.py     which files, in which format; reading records as a stream
    cleaner.py     Cleaner: one chunk of records -> output / drops / rejects + counts (pure)
    sinks.py       part files and the atomic join into the final files
    runner.py      clean_files: streaming, worker processes, checkpoints, resume
    dask.py        the same Cleaner on a Dask cluster (public as ``moderation.dask``)
"""
