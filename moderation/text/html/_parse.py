"""A forgiving HTML tokenizer and tree builder that remembers where every element and text node sits.

Why our own, when lxml, selectolax (lexbor), resiliparse and trafilatura all parse HTML faster or better:
none of them tells where a node *was* in the source (lxml gives a line number, the others nothing), and
the HTML path must hand back the page with the spam elements cut out and every other byte untouched, and
map every offset of the extracted text to an element and a character range of the source. So this module
keeps the source and records, for each element, the range of its start tag and of its whole extent, and
for each text node its range. The tree follows the parts of the HTML parsing rules that decide which text
belongs to which element: void elements, raw-text elements (``script``, ``style``, ...), comments,
end tags that close what is open inside them, ``p``/``li``/``td`` closed by their next sibling, and
stray end tags ignored. It does not rebuild tables or misnested formatting the way browsers do; nothing it
produces is rendered, only read.

Hostile input: the work is linear in the length of the page (every element is popped once; a tag that
never ends stops parsing, as in the HTML rules: the rest cannot hold a tag), nesting deeper than
``MAX_DEPTH`` is flattened onto the deepest element, and nothing recurses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

MAX_DEPTH = 512

VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr keygen frame basefont "
    "bgsound".split()
)
# their content is not markup: it runs to the matching end tag
RAW_TEXT = frozenset("script style xmp iframe noembed noframes noscript textarea title plaintext".split())
# a start tag of one of these closes an open <p>
CLOSES_P = frozenset(
    "address article aside blockquote details dialog div dl fieldset figcaption figure footer form h1 h2 h3 "
    "h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul li dd dt".split()
)
# a start tag of the key closes the nearest open element of a value tag, unless a boundary comes first
_SIBLING_CLOSE: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "li": (frozenset({"li"}), frozenset({"ul", "ol", "menu"})),
    "dt": (frozenset({"dt", "dd"}), frozenset({"dl"})),
    "dd": (frozenset({"dt", "dd"}), frozenset({"dl"})),
    "tr": (frozenset({"tr", "td", "th"}), frozenset({"table", "tbody", "thead", "tfoot"})),
    "td": (frozenset({"td", "th"}), frozenset({"tr", "table"})),
    "th": (frozenset({"td", "th"}), frozenset({"tr", "table"})),
    "option": (frozenset({"option"}), frozenset({"select", "datalist"})),
}

_ATTRS = r"(?P<{0}>[^>\"']*+(?:(?:\"[^\"]*+\"|'[^']*+')[^>\"']*+)*+)"
# One token: text, a start or end tag (attributes may
# hold '>' inside quotes), a comment, a declaration / processing instruction / bogus comment, a tag that
# never ends, or a '<' that is only text. Possessive quantifiers: nothing backtracks.
_TOKEN = re.compile(
    r"(?P<text>[^<]++)"
    r"|</(?P<end>[A-Za-z][^\t\n\f\r />]*+)(?:[^>\"']*+(?:(?:\"[^\"]*+\"|'[^']*+')[^>\"']*+)*+)>"
    r"|<(?P<name>[A-Za-z][^\t\n\f\r />]*+)" + _ATTRS.format("attrs") + r">"
    r"|<!--(?P<comment>.*?)--!?>"
    r"|<[!?/][^>]*+>"
    r"|(?P<bad><(?:[A-Za-z]|/[A-Za-z]|!--))"
    r"|(?P<lt><)",
    re.DOTALL,
)
# m.lastindex of each kind of token
_TEXT, _END, _START, _BAD, _LT = 1, 2, 4, 6, 7


_RAW_END: dict[str, re.Pattern[str]] = {
    tag: re.compile("</" + "".join(f"[{c.upper()}{c}]" for c in tag) + r"(?=[\t\n\f\r />])[^>]*+>")
    for tag in RAW_TEXT
}


@dataclass(slots=True)
class Element:
    """One element and where it sits in the source.

    Attributes:
        index: position in ``Tree.elements`` (document order of start tags).
        tag: lower-case tag name (``#root`` for the document itself).
        parent: index of the parent element (-1 for the root).
        depth: nesting depth (the root is 0).
        start: offset of the ``<`` of the start tag.
        open_end: offset one past the start tag's ``>``.
        end: offset one past the element's last character: after its end tag, or where it was closed
            implicitly (the next sibling's start, the parent's end tag, the end of the page).
        attrs: the start tag's attribute text, raw (parsed on demand by ``moderation.html._attrs``).
        closed: the element had its own end tag.
    """

    index: int
    tag: str
    parent: int
    depth: int
    start: int
    open_end: int
    end: int = -1
    attrs: str = ""
    closed: bool = False


@dataclass(slots=True)
class TextNode:
    """A run of character data between two tags (entities not yet decoded).

    Attributes:
        start, end: its range in the source.
        parent: index of the element that holds it.
    """

    start: int
    end: int
    parent: int


@dataclass
class Tree:
    """The parsed page: the source, its elements (document order) and its text nodes (document order).

    Attributes:
        source: the HTML as a string.
        elements: ``elements[0]`` is the root (``#root``, the whole source).
        texts: text nodes outside raw-text elements and comments.
        raw: raw-text elements' content ranges, by element index (``script``, ``style``, ``title``, ...).
        truncated: parsing stopped at a tag that never ends (the rest of the page cannot hold markup).
        flattened: elements nested deeper than ``MAX_DEPTH`` were attached to the deepest one.
    """

    source: str
    elements: list[Element]
    texts: list[TextNode]
    raw: dict[int, tuple[int, int]] = field(default_factory=dict)
    truncated: bool = False
    flattened: bool = False

    @cached_property
    def text_starts(self) -> list[int]:
        """Source offset of each text node (sorted), for bisecting."""
        return [t.start for t in self.texts]

    @cached_property
    def element_starts(self) -> list[int]:
        """Source offset of each element's start tag (sorted: document order), for bisecting."""
        return [e.start for e in self.elements]

    def path(self, index: int) -> str:
        """A readable element path: ``html > body > div#main.story > p:nth(3)`` style, from attributes."""
        from ._attrs import describe

        parts = []
        i = index
        while i > 0:
            el = self.elements[i]
            parts.append(describe(el))
            i = el.parent
        return " > ".join(reversed(parts))


def parse(source: str) -> Tree:
    """Parse ``source`` into a ``Tree``; never raises on malformed markup."""
    n = len(source)
    root = Element(0, "#root", -1, 0, 0, 0, n, "", True)
    tree = Tree(source, [root], [])
    stack = [root]
    pos = 0
    while 0 <= pos < n:
        pos = _run(tree, stack, {}, pos) if pos == 0 else _run(tree, stack, _counts(stack), pos)
    for el in stack[1:]:
        el.end = n
    return tree


def _counts(stack: list[Element]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for el in stack[1:]:
        counts[el.tag] = counts.get(el.tag, 0) + 1
    return counts


def _run(tree: Tree, stack: list[Element], open_count: dict[str, int], pos: int) -> int:
    """Tokenize from ``pos`` until a raw-text element (returns where to go on after it), the end (returns
    the length) or a tag that never ends (returns -1)."""
    source, elements, texts = tree.source, tree.elements, tree.texts
    add_text, add_element = texts.append, elements.append
    node, element = TextNode, Element
    closes_p, sibling_close, void, raw_text = CLOSES_P, _SIBLING_CLOSE, VOID, RAW_TEXT
    top = stack[-1]
    for m in _TOKEN.finditer(source, pos):
        kind = m.lastindex  # see _TEXT ... _LT; None for comments, declarations, processing instructions
        if kind == _TEXT:
            add_text(node(m.start(), m.end(), top.index))
        elif kind == _START:
            name, attrs = m.group(3, 4)
            name = name.lower()
            start, end = m.span()
            if name in closes_p and open_count.get("p"):
                _close_p(stack, open_count, start)
                top = stack[-1]
            rule = sibling_close.get(name)
            if rule is not None and any(open_count.get(t) for t in rule[0]):
                _close_sibling(stack, open_count, rule, start)
                top = stack[-1]
            el = element(len(elements), name, top.index, top.depth + 1, start, end, -1, attrs)
            add_element(el)
            if name in void or (name in _FOREIGN_SELF_CLOSING and attrs.endswith("/")):
                el.end = end
                el.closed = True
            elif name in raw_text:
                close = _RAW_END[name].search(source, end)
                tree.raw[el.index] = (end, close.start() if close else len(source))
                el.end = close.end() if close else len(source)
                el.closed = close is not None
                return el.end
            elif len(stack) > MAX_DEPTH:
                el.end = end  # flattened: its content goes to the deepest open element
                tree.flattened = True
            else:
                stack.append(el)
                open_count[name] = open_count.get(name, 0) + 1
                top = el
        elif kind == _END:
            name = m.group(2).lower()
            if top.tag == name:  # the common case: it closes the innermost element
                top.end = m.end()
                top.closed = True
                stack.pop()
                open_count[name] -= 1
                top = stack[-1]
            elif open_count.get(name) and name != "br":  # stray end tags are ignored; </br> is a <br>
                _pop_to(stack, open_count, name, m.start(), m.end())
                top = stack[-1]
        elif kind == _LT:
            add_text(node(m.start(), m.end(), top.index))
        elif kind == _BAD:
            tree.truncated = True  # a tag or comment that never ends: the rest of the page is inside it
            return -1
    return len(source)


def _pop_to(stack: list[Element], open_count: dict[str, int], tag: str, lt: int, gt: int) -> None:
    """``</tag>`` at ``lt``..``gt``: close the innermost open ``tag`` there, and everything opened inside it
    where the end tag starts."""
    while True:
        el = stack.pop()
        open_count[el.tag] -= 1
        if el.tag == tag:
            el.end = gt
            el.closed = True
            return
        el.end = lt


# SVG/MathML elements written <x/> are complete (only these matter for where text goes)
_FOREIGN_SELF_CLOSING = frozenset("path circle rect line polyline polygon ellipse use stop g svg".split())


def _close_p(stack: list[Element], open_count: dict[str, int], at: int) -> None:
    """A block start tag closes an open <p> (and what is open inside it) unless a boundary comes first."""
    for k in range(len(stack) - 1, 0, -1):
        tag = stack[k].tag
        if tag == "p":
            while len(stack) > k:
                el = stack.pop()
                el.end = at
                open_count[el.tag] -= 1
            return
        if tag in _P_BOUNDARY:
            return


_P_BOUNDARY = frozenset("button table td th caption marquee object applet template html body".split())


def _close_sibling(
    stack: list[Element],
    open_count: dict[str, int],
    rule: tuple[frozenset[str], frozenset[str]],
    at: int,
) -> None:
    closes, boundary = rule
    for k in range(len(stack) - 1, 0, -1):
        tag = stack[k].tag
        if tag in closes:
            while len(stack) > k:
                el = stack.pop()
                el.end = at
                open_count[el.tag] -= 1
            return
        if tag in boundary:
            return
