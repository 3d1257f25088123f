"""The HTML evidence decides on its own which elements are spam: hidden link blocks, ad widgets and rows of
sponsored headlines, spam comments, and link sellers' anchors. The rules and their thresholds:

- a **hidden** element (the outermost one) with an outside link that carries evidence of its own (spam
  words, a mismatched anchor, a bad target), or no links but three or more spam words. Outside links alone
  are not enough: collapsed "sources" panels and mobile menus are hidden too and link out; social and
  share platforms never count; nor does a hidden element that holds the article or half of the page's
  text (pages that hide the body until a script runs);
- an **ad-named container** with at least one outside link (an empty ad slot is not spam);
- a **chumbox**: the smallest element holding three or more outside links marked ``rel="sponsored"`` or
  carrying ad tracking parameters, to at least two domains, grown to the heading that labels it;
- a **comment** with a link that carries evidence of its own (spam words, a mismatched anchor, a bad
  target by the URL checker's rules); ``rel="ugc"``/``nofollow`` alone is what every comment link has;
- any other **anchor** with two kinds of evidence out of: ``rel="sponsored"``, spam words, a mismatched
  anchor text, a bad target (a shopping article's affiliate link has one; a link seller's casino link
  has several). The anchor is cut out, or its whole block when the anchor is most of the block's text.

Each finding is an element; ``start``/``end`` are its source range (what the cleaned page loses).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..._reasons import Reason
from ._anchors import Anchor, anchor_text, link_reasons, raw_anchors
from ._extract import Extraction
from ._signals import AD_LABEL, spam_words

if TYPE_CHECKING:
    from ...urls.checker import UrlChecker

_NEVER_CONTAINER = frozenset({"html", "body", "#root", "main", "head"})
# an anchor's kinds of evidence: what the page marked, spam words, a mismatch (either way), a bad target (the
# checker's URL_ findings quoted after HTML_BAD_LINK are not kinds of their own); ugc/nofollow never count
_KIND = {"HTML_ANCHOR_NAMES_BRAND": "HTML_ANCHOR_SHOWS_DOMAIN"}
_NO_KIND = frozenset({"HTML_REL_UGC", "HTML_REL_NOFOLLOW"})


@dataclass(slots=True)
class Finding:
    """An element judged spam.

    Attributes:
        element: the element's index in the tree.
        reasons: why (first the decisive one).
        score: 0..1, how sure the rule is (fixed per rule; the text model's score for its spans).
        start, end: the source range to cut (the element, or a range inside one for partial text spans).
    """

    element: int
    reasons: list[Reason] = field(default_factory=list)
    score: float = 0.9
    start: int = -1
    end: int = -1


def _domains(anchors: list[Anchor]) -> list[str]:
    return sorted({a.domain for a in anchors if a.external and not a.platform})


class Judge:
    """Runs the rules over one extracted page."""

    def __init__(
        self,
        ext: Extraction,
        anchors: list[Anchor],
        checker: UrlChecker | None,
        base: str | None = None,
        own: set[str] | None = None,
    ) -> None:
        self.base, self.own = base, own or set()
        self.ext, self.tree, self.ctx = ext, ext.tree, ext.context
        self.anchors = anchors
        self.checker = checker
        self.findings: dict[int, Finding] = {}
        root = self.tree.elements[self.ctx.root]
        self.root_span = (root.start, root.end)
        self._starts = [t.start for t in self.tree.texts]
        self._chars = [0]  # text characters before each text node (prefix sums)
        for t in self.tree.texts:
            self._chars.append(self._chars[-1] + t.end - t.start)
        self.page_text = max(1, self._chars[-1])
        self._evidence: dict[int, tuple[list[Reason], bool]] = {}

    def evidence(self, a: Anchor) -> tuple[list[Reason], bool]:
        got = self._evidence.get(a.element)
        if got is None:
            got = self._evidence[a.element] = link_reasons(a, self.checker)
        return got

    def text_of(self, index: int) -> str:
        return anchor_text(self.tree, index, self._starts)

    def container_ok(self, index: int) -> bool:
        """A container may be cut: not the page's frame, not holding the article, not half of the text."""
        el = self.tree.elements[index]
        if el.tag in _NEVER_CONTAINER:
            return False
        if el.start <= self.root_span[0] and self.root_span[1] <= el.end:
            return False
        from bisect import bisect_left

        first, last = bisect_left(self._starts, el.start), bisect_left(self._starts, el.end)
        return self._chars[last] - self._chars[first] <= 0.5 * self.page_text

    def flag(self, index: int, reasons: list[Reason], score: float) -> None:
        f = self.findings.get(index)
        if f is None:
            el = self.tree.elements[index]
            self.findings[index] = Finding(index, list(reasons), score, el.start, el.end)
        else:
            f.reasons.extend(reasons)
            f.score = max(f.score, score)

    def run(self) -> list[Finding]:
        groups: dict[str, dict[int, list[Anchor]]] = {
            "hidden": defaultdict(list),
            "ad": defaultdict(list),
            "comment": defaultdict(list),
        }
        others = []
        ctx = self.ctx
        for a in self.anchors:
            i = a.element
            if ctx.hidden[i] >= 0:
                groups["hidden"][ctx.hidden[i]].append(a)
            elif ctx.ad[i] >= 0:
                groups["ad"][ctx.ad[i]].append(a)
            elif ctx.comments[i] >= 0:
                item = ctx.comment_item[i] if ctx.comment_item[i] >= 0 else ctx.block[i]
                groups["comment"][item].append(a)
            else:
                others.append(a)
        self._hidden(groups["hidden"])
        self._noscript()
        self._ads(groups["ad"])
        self._chumbox(others)
        self._comments(groups["comment"])
        self._anchors([a for a in others if not self._inside_finding(a.element)])
        return self._outermost()

    def _hidden(self, groups: dict[int, list[Anchor]]) -> None:
        roots = [i for i, how in self.ctx.hidden_how.items() if self.ctx.hidden[i] == i]
        for h in roots:
            if not self.container_ok(h):
                continue
            how = self.ctx.hidden_how[h]
            anchors = groups.get(h, [])
            domains = _domains(anchors)
            strong = [r for a in anchors if self.evidence(a)[1] for r in self.evidence(a)[0]]
            if domains and strong:
                why = Reason("HTML_HIDDEN_LINKS", {"how": how, "domains": domains})
                self.flag(h, [why, *strong[:3]], 0.97)
            elif not anchors:
                words = spam_words(self.text_of(h))
                if len(words) >= 3:
                    why = Reason("HTML_HIDDEN_SPAM_WORDS", {"how": how, "words": words[:4]})
                    self.flag(h, [why], 0.9)

    def _noscript(self) -> None:
        """Links inside ``<noscript>`` (shown only without scripts, i.e. to crawlers): hacked sites put link
        blocks there. Its content is raw text to the parser, so its anchors are read here."""
        for index, (a, b) in self.tree.raw.items():
            el = self.tree.elements[index]
            if el.tag != "noscript" or "href" not in self.tree.source[a:b].lower():
                continue
            found = [
                Anchor(index, url, domain, external, text, frozenset(), False)
                for url, domain, external, text in raw_anchors(self.tree.source[a:b], self.base, self.own)
            ]
            strong = [r for x in found if self.evidence_of(x)[1] for r in self.evidence_of(x)[0]]
            domains = _domains(found)
            if domains and strong:
                why = Reason("HTML_HIDDEN_LINKS", {"how": "inside <noscript>", "domains": domains})
                self.flag(index, [why, *strong[:3]], 0.95)

    def evidence_of(self, a: Anchor) -> tuple[list[Reason], bool]:
        return link_reasons(a, self.checker)

    def _ads(self, groups: dict[int, list[Anchor]]) -> None:
        for ad, anchors in groups.items():
            domains = _domains(anchors)
            if not domains or not self.container_ok(ad):
                continue
            label = self._label(ad) or self.tree.path(ad).rsplit(" > ", 1)[-1]
            why = Reason("HTML_AD_WIDGET", {"label": label, "domains": domains})
            self.flag(ad, [why], 0.95)

    def _label(self, index: int) -> str:
        """The widget's heading when it reads like an ad label (``Sponsored Stories``)."""
        el = self.tree.elements[index]
        for h in self.tree.elements[index + 1 :]:
            if h.start >= el.end:
                break
            if h.tag in ("h2", "h3", "h4", "h5", "span", "div", "p", "strong") and h.end - h.start < 200:
                text = self.text_of(h.index)
                if AD_LABEL.match(text):
                    return text
        return ""

    def _chumbox(self, anchors: list[Anchor]) -> None:
        marked = [a for a in anchors if a.external and not a.platform and ("sponsored" in a.rel or a.tracked)]
        if len(marked) < 3:
            return
        elements = self.tree.elements
        counts: dict[int, list[Anchor]] = defaultdict(list)
        for a in marked:
            i = elements[a.element].parent
            while i > 0:
                counts[i].append(a)
                i = elements[i].parent
        done: set[int] = set()
        for i in sorted(counts, key=lambda k: -elements[k].depth):
            group = counts[i]
            if i in done or len(group) < 3 or len({a.domain for a in group}) < 2 or self._inside_finding(i):
                continue
            top = i
            text = len(self.text_of(i))
            while elements[top].parent > 0:  # grow to the heading that labels the row
                parent = elements[top].parent
                if len(counts.get(parent, [])) != len(group) or len(self.text_of(parent)) > text + 60:
                    break
                top = parent
            if not self.container_ok(top):
                continue
            k = top
            while k > 0:
                done.add(k)
                k = elements[k].parent
            domains = _domains(group)
            why = Reason("HTML_CHUMBOX", {"links": len(group), "domains": domains})
            self.flag(top, [why], 0.93)

    def _comments(self, groups: dict[int, list[Anchor]]) -> None:
        for item, anchors in groups.items():
            strong = []
            for a in anchors:
                reasons, is_strong = self.evidence(a)
                if is_strong:
                    strong.append((a, reasons))
            if not strong:
                continue
            a, reasons = strong[0]
            why = Reason("HTML_COMMENT_LINK", {"domain": a.domain})
            self.flag(item, [why, *reasons], 0.92)

    def _anchors(self, anchors: list[Anchor]) -> None:
        for a in anchors:
            if not a.external or a.platform:
                continue
            if "sponsored" not in a.rel and not spam_words(a.text + " " + a.domain.replace("-", " ")):
                from ._anchors import mismatch

                if mismatch(a) is None:
                    continue  # no evidence of its own: not worth a URL check
            reasons, _ = self.evidence(a)
            kinds = {_KIND.get(r.code, r.code) for r in reasons if r.code.startswith("HTML_")} - _NO_KIND
            if len(kinds) < 2:
                continue
            block = self.ctx.block[a.element]
            target = a.element
            block_text = self.text_of(block)
            if len("".join(a.text.split())) >= 0.8 * len("".join(block_text.split())) and self.container_ok(
                block
            ):
                target = block
            self.flag(target, reasons, 0.9)

    def _inside_finding(self, index: int) -> bool:
        el = self.tree.elements[index]
        return any(f.start <= el.start and el.end <= f.end for f in self.findings.values())

    def _outermost(self) -> list[Finding]:
        """Findings sorted by position; one inside another is merged into the outer one."""
        out: list[Finding] = []
        for f in sorted(self.findings.values(), key=lambda f: (f.start, -f.end)):
            if out and f.start < out[-1].end:
                out[-1].reasons.extend(r for r in f.reasons if r not in out[-1].reasons)
                out[-1].end = max(out[-1].end, f.end)
                continue
            out.append(f)
        return out
