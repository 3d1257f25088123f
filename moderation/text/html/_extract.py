"""The article text of a parsed page, with a map from every text offset back to the source.

Which text: the article body (``itemprop=articleBody``, a body-like class or id such as ``story-body`` or
``entry-content``, else ``<article>``/``<main>``, else ``<body>``) and the headline, without page furniture
(menus, share bars, related-story lists, forms) and never the content of ``script``, ``style``,
``noscript``, ``template``, ``svg`` and the like. Hidden elements are left out too. A scraper that
does not read CSS delivers them, and that is how hidden spam reaches datasets; but a reader never sees them,
so they are not article text here; the HTML evidence judges them on their own, like comment sections and ad
widgets, and the cleaned page loses the spam among them.

How the text is laid out: each block element (``p``, ``div``, ``li``, headings, ...) starts a new paragraph
(a blank line), list items and table rows a new line, ``<br>`` a line break; white space runs become one
space, entities are decoded. Each emitted run remembers its text node, so ``source_range`` maps any text
range to the exact source characters it came from.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ._parse import Element, Tree
from ._signals import NEVER_TEXT, facts, hidden_how, hidden_rules

INLINE = frozenset(
    "a abbr b bdi bdo big br cite code data del dfn em font i img ins kbd mark nobr q rp rt ruby s samp "
    "small span strike strong sub sup time tt u var wbr label".split()
)
_LINE_BLOCKS = frozenset("li dt dd tr td th".split())
_WS = re.compile(r"[ \t\n\f\r]+")
_ENT_OR_WS = re.compile(r"(&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?))|([ \t\n\f\r]+)")


def emit(raw: str) -> str:
    """A text node as it reads: white space runs as one space, entities decoded."""
    out = _WS.sub(" ", raw)
    return html.unescape(out) if "&" in out else out


def emit_map(raw: str) -> tuple[str, list[int], list[int]]:
    """``emit(raw)`` and, for each of its characters, the raw range it came from (``starts``, ``ends``)."""
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _ENT_OR_WS.finditer(raw):
        if m.start() > pos:
            parts.append(raw[pos : m.start()])
            starts.extend(range(pos, m.start()))
            ends.extend(range(pos + 1, m.start() + 1))
        piece = " " if m.group(2) else html.unescape(m.group(1))
        parts.append(piece)
        starts.extend([m.start()] * len(piece))
        ends.extend([m.end()] * len(piece))
        pos = m.end()
    if pos < len(raw):
        parts.append(raw[pos:])
        starts.extend(range(pos, len(raw)))
        ends.extend(range(pos + 1, len(raw) + 1))
    return "".join(parts), starts, ends


@dataclass
class Context:
    """What each element is part of (lists indexed by element; -1 = none).

    Attributes:
        hidden: the outermost hidden element containing it (itself included).
        hidden_how: for each hidden element, how it is hidden.
        ad: the outermost ad-named container containing it.
        comments: the comment section containing it; ``comment_item``: the comment containing it.
        never: inside an element whose content is never text (``script``, ``svg``, ``head``, ...).
        boilerplate: inside page furniture.
        block: the nearest block element (itself if it is one).
        root: the article body element.
    """

    hidden: list[int]
    hidden_how: dict[int, str]
    ad: list[int]
    comments: list[int]
    comment_item: list[int]
    never: list[bool]
    boilerplate: list[bool]
    block: list[int]
    root: int = 0


@dataclass
class Extraction:
    """The article text and its way back to the source.

    Attributes:
        tree: the parsed page.
        context: per-element facts (``Context``).
        text: the article text.
        title: the page's ``<title>`` (decoded, white space collapsed).
        starts: text offset of each emitted run; ``nodes``: its text node; ``skips``: characters of the
            node's emission dropped before the run (a collapsed leading space); ``lengths``: run length.
    """

    tree: Tree
    context: Context
    text: str = ""
    title: str = ""
    starts: list[int] = field(default_factory=list)
    nodes: list[int] = field(default_factory=list)
    skips: list[int] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    _node_starts: list[int] | None = None

    def _source_at(self, offset: int, end: bool) -> int:
        """Source offset of text offset ``offset`` (the start of that character, or its end)."""
        k = bisect_right(self.starts, offset if not end else offset - 1) - 1
        if k < 0:
            return self.tree.texts[self.nodes[0]].start if self.nodes else 0
        node = self.tree.texts[self.nodes[k]]
        within = (offset - 1 if end else offset) - self.starts[k]
        if within >= self.lengths[k]:  # a separator or trimmed space after the run
            return node.end
        _, starts, ends = emit_map(self.tree.source[node.start : node.end])
        i = self.skips[k] + within
        return node.start + (ends[i] if end else starts[i])

    def source_range(self, start: int, end: int) -> tuple[int, int]:
        """The source characters that text ``[start, end)`` came from (tags inside included)."""
        if not self.starts or end <= start:
            return (0, 0)
        return self._source_at(start, False), self._source_at(end, True)

    def path_at(self, offset: int) -> str:
        """The element path of the text node that article text offset ``offset`` came from."""
        k = max(0, bisect_right(self.starts, offset) - 1)
        if not self.nodes:
            return ""
        return self.tree.path(self.tree.texts[self.nodes[k]].parent)

    def text_range(self, element: int) -> tuple[int, int] | None:
        """The part of the article text that came from inside ``element``, or None."""
        el = self.tree.elements[element]
        texts = self.tree.texts
        first = last = -1
        if self._node_starts is None:
            self._node_starts = [texts[n].start for n in self.nodes]
        lo = bisect_right(self._node_starts, el.start)
        for k in range(max(0, lo - 1), len(self.nodes)):
            node = texts[self.nodes[k]]
            if node.start >= el.end:
                break
            if node.start >= el.start:
                if first < 0:
                    first = k
                last = k
        if first < 0:
            return None
        return self.starts[first], self.starts[last] + self.lengths[last]


def _text_lengths(tree: Tree) -> list[int]:
    """Characters of text inside each element (raw, all descendants)."""
    lengths = [0] * len(tree.elements)
    for node in tree.texts:
        lengths[node.parent] += node.end - node.start
    for el in reversed(tree.elements[1:]):
        lengths[el.parent] += lengths[el.index]
    return lengths


def _context(tree: Tree) -> Context:
    rules: dict[str, str] = {}
    for index, (a, b) in tree.raw.items():
        if tree.elements[index].tag == "style":
            rules.update(hidden_rules(tree.source[a:b]))
    n = len(tree.elements)
    ctx = Context([-1] * n, {}, [-1] * n, [-1] * n, [-1] * n, [False] * n, [False] * n, [0] * n)
    plain = ("nav", "form", "button", "select", "menu", "dialog", "label", "option")
    for el in tree.elements[1:]:
        i, p = el.index, el.parent
        ctx.never[i] = ctx.never[p] or el.tag in NEVER_TEXT
        ctx.block[i] = ctx.block[p] if el.tag in INLINE else i
        ctx.hidden[i], ctx.ad[i], ctx.comments[i] = ctx.hidden[p], ctx.ad[p], ctx.comments[p]
        ctx.comment_item[i], ctx.boilerplate[i] = ctx.comment_item[p], ctx.boilerplate[p]
        if not el.attrs and el.tag not in plain:
            continue
        if ctx.hidden[p] < 0:
            how = hidden_how(el, rules)
            if how:
                ctx.hidden[i] = i
                ctx.hidden_how[i] = how
        f = facts(el.tag, el.attrs)
        if f.ad and ctx.ad[p] < 0:
            ctx.ad[i] = i
        if f.comment_section and ctx.comments[p] < 0:
            ctx.comments[i] = i
        if f.comment_item and ctx.comment_item[p] < 0 and ctx.comments[p] >= 0:
            ctx.comment_item[i] = i
        if f.boilerplate:
            ctx.boilerplate[i] = True
    return ctx


def _article_root(tree: Tree, lengths: list[int]) -> int:
    best, best_key = 0, (0, 0)
    body = 0
    for el in tree.elements[1:]:
        if el.tag == "body" and not body:
            body = el.index
        score = facts(el.tag, el.attrs).root_score if (el.attrs or el.tag in ("article", "main")) else 0
        if score and lengths[el.index] >= 100:
            key = (score, lengths[el.index])
            if key > best_key:
                best, best_key = el.index, key
    return best or body


def extract(tree: Tree) -> Extraction:
    """The article text of ``tree`` and its map back to the source."""
    ctx = _context(tree)
    lengths = _text_lengths(tree)
    root = ctx.root = _article_root(tree, lengths)
    elements = tree.elements
    # which elements' own text is article text: inside the root (or the headline), and not furniture,
    # never-text, ad widgets or comments (the root's own furniture flags count only below the root)
    inside = [False] * len(elements)
    furniture_root = ctx.boilerplate[root]
    strict = elements[root].tag in ("body", "#root")
    h1 = next(
        (
            e.index
            for e in elements
            if e.tag == "h1" and not ctx.never[e.index] and not ctx.boilerplate[e.index]
        ),
        -1,
    )
    for el in elements:
        i = el.index
        if i in (root, h1):
            inside[i] = True
        elif i > 0 and inside[el.parent]:
            inside[i] = not (
                (ctx.boilerplate[i] and not furniture_root)
                or (strict and el.tag in ("header", "footer", "aside"))
            )
        if inside[i] and (ctx.never[i] or ctx.ad[i] >= 0 or ctx.comments[i] >= 0 or ctx.hidden[i] >= 0):
            inside[i] = False
    ext = Extraction(tree, ctx)
    _assemble(ext, inside)
    for index, (a, b) in tree.raw.items():
        if elements[index].tag == "title" and not ext.title:
            ext.title = emit(tree.source[a:b]).strip()
    return ext


def _assemble(ext: Extraction, inside: list[bool]) -> None:
    """Lay the included text nodes (and ``<br>`` breaks) out as paragraphs and lines."""
    tree, ctx = ext.tree, ext.context
    source, elements = tree.source, tree.elements
    breaks = [e.start for e in elements if e.tag == "br" and inside[e.parent]]
    out: list[str] = []
    length = 0
    block = -1
    pending = ""
    last_space = True
    b = 0
    for k, node in enumerate(tree.texts):
        if not inside[node.parent]:
            continue
        while b < len(breaks) and breaks[b] < node.start:
            if length and not pending:
                pending = "\n"
            b += 1
        e = emit(source[node.start : node.end])
        nb = ctx.block[node.parent]
        if nb != block:
            if length:
                lines = elements[nb].tag in _LINE_BLOCKS and elements[block].tag in _LINE_BLOCKS
                pending = "\n\n" if pending == "\n\n" or not lines else "\n"
            block = nb
        skip = 0
        if pending or last_space:
            stripped = e.lstrip(" ")
            skip = len(e) - len(stripped)
            e = stripped
        if not e:
            continue
        if pending:
            if out and out[-1].endswith(" "):
                _trim_last(ext, out)
                length -= 1
            out.append(pending)
            length += len(pending)
            pending = ""
        ext.starts.append(length)
        ext.nodes.append(k)
        ext.skips.append(skip)
        ext.lengths.append(len(e))
        out.append(e)
        length += len(e)
        last_space = e.endswith(" ")
    if out and out[-1].endswith(" "):
        _trim_last(ext, out)
    ext.text = "".join(out)


def _trim_last(ext: Extraction, out: list[str]) -> None:
    """Drop the last run's trailing space (before a separator or at the end); a run left empty goes."""
    out[-1] = out[-1][:-1]
    ext.lengths[-1] -= 1
    if not ext.lengths[-1]:
        out.pop()
        for runs in (ext.starts, ext.nodes, ext.skips, ext.lengths):
            runs.pop()


__all__ = ["Context", "Element", "Extraction", "emit", "emit_map", "extract"]
