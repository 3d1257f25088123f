"""Rebuilding the shipped models from the data pack (``make model``). Nothing at run time imports this.

::

    injection.py   training material: spam injected into train-split articles, hard negatives
    text_models.py the segment cascade and the article-context model, thresholds, sidecar
    url_model.py   the lexical URL model (domain-disjoint split), thresholds, sidecar
"""
