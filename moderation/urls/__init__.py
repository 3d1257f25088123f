"""URL judgement: one string in, one ``UrlReport`` out. The bottom layer: imports nothing from ``text``.

::

    parse.py       the string -> ParsedUrl (normalize, IDNA, IPs, refang, tracking parameters)
    suffixes.py    public-suffix split (tldextract's bundled snapshot, never fetched)
    rules.py       explainable rule evidence (TLD abuse, tracking paths, shorteners, IP hosts, ...)
    lists.py       the local block / allow / shortener lists (store, index, feeds)
    providers.py   optional online providers (off by default, fail open)
    checker.py     UrlChecker: lists + look-alikes + rules + the lexical model -> UrlReport
"""
