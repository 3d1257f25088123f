"""The dataset cleanup on a Dask cluster: files, Dask bags, Dask DataFrames (needs ``moderation[dask]``).

The public home of ``moderation.clean.dask`` (see its docstring for how a cluster run works)::

    from moderation.dask import clean_bag, clean_dataframe, clean_files_on_cluster
"""

from .clean.dask import STATUS_FIELD, clean_bag, clean_dataframe, clean_files_on_cluster

__all__ = ["STATUS_FIELD", "clean_bag", "clean_dataframe", "clean_files_on_cluster"]
