"""Attributes of an element, read from its raw start-tag text only when something needs them."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: _parse builds the elements and calls these
    from ._parse import Element

_ATTR = re.compile(
    r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""",
)


@lru_cache(maxsize=8192)
def parse_attrs(raw: str) -> dict[str, str]:
    """``class="a b" hidden`` -> ``{"class": "a b", "hidden": ""}``: names lower-case, values unescaped,
    the first of repeated names wins (as in browsers)."""
    out: dict[str, str] = {}
    if not raw:
        return out
    for m in _ATTR.finditer(raw):
        name = m.group(1).lower()
        if name in out:
            continue
        value = m.group(2)
        if value is None:
            value = m.group(3)
        if value is None:
            value = m.group(4) or ""
        out[name] = html.unescape(value) if "&" in value else value
    return out


def attrs(el: Element) -> dict[str, str]:
    """The element's attributes (cached by raw text)."""
    return parse_attrs(el.attrs) if el.attrs else {}


def describe(el: Element) -> str:
    """``div#main.story.wide``: the tag, its id and up to three classes (for readable element paths)."""
    a = attrs(el)
    out = el.tag
    ident = a.get("id", "").strip()
    if ident:
        out += "#" + ident.split()[0][:40]
    classes = a.get("class", "").split()
    if classes:
        out += "".join("." + c[:40] for c in classes[:3])
    return out


def tokens(el: Element) -> frozenset[str]:
    """Lower-case words of the element's id, classes, role, itemprop and data-* widget names, split on
    ``-``, ``_`` and case changes (``adContainer`` -> ``ad``, ``container``): what ad and comment widgets
    are named by."""
    return _tokens(el.attrs) if el.attrs else frozenset()


@lru_cache(maxsize=8192)
def _tokens(raw: str) -> frozenset[str]:
    a = parse_attrs(raw)
    parts = [a.get("id", ""), a.get("class", ""), a.get("role", ""), a.get("itemprop", "")]
    parts.extend(v for k, v in a.items() if k.startswith("data-") and len(v) < 60 and k != "data-src")
    joined = " ".join(p for p in parts if p)
    if not joined:
        return frozenset()
    return frozenset(w.lower() for w in _WORDS.findall(_CAMEL.sub(" ", joined)))


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORDS = re.compile(r"[A-Za-z]+")
