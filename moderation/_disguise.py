"""How text and links get disguised, in one table for every layer: the text's normalized view
(``text/normalize.py``), the link finder (``text/links.py``) and the URL parser (``urls/parse.py``) all
read these, so a link the scanner finds and the same string given to ``UrlChecker.check`` are read alike.

- invisible characters spammers put inside words and host names (zero-width spaces and joiners, soft
  hyphens, direction marks, word joiners, invisible operators, the BOM);
- defanged dots (``[.]``, ``(.)``, ``{.}``, ``[dot]``, ``(dot)``) and scheme separators (``[://]``,
  ``[:]//``, ``[:][/][/]``) that security reporting writes on purpose and spam imitates;
- defanged schemes (``hxxp``, ``hxxps``, ``fxp``).
"""

from __future__ import annotations

import re

INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")

#: a dot, plain or defanged (for building host patterns)
DOT = r"(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\))"
#: a defanged dot only
DEFANGED_DOT = re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)", re.IGNORECASE)
#: the scheme separator, plain or defanged
SCHEME_SEPARATOR = r"(?:://|\[://\]|\[:\]//|\[:\]\[/\]\[/\])"
#: a web scheme, plain or defanged
SCHEME = r"(?:h(?:tt|xx)ps?|ftp|fxp)"


def refang(text: str) -> str:
    """Every defanged dot written as a plain dot."""
    return DEFANGED_DOT.sub(".", text)


def refang_scheme(scheme: str) -> str:
    """``hxxps`` -> ``https``, ``fxp`` -> ``ftp`` (lower case)."""
    return scheme.lower().replace("xx", "tt").replace("fxp", "ftp")
