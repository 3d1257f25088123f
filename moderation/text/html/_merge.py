"""After the text engine: its spans become page spans (whole blocks, or source ranges grown so they cut no
element in two), the comments' spans become flagged comments, HTML findings inside the article become text
spans, and both are merged and cut out of the text and the page."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Any

from ..._reasons import Reason
from ..results import ScanResult, Span
from ._anchors import anchor_text
from ._extract import Extraction
from ._judge import Finding
from ._signals import spam_words


def embeds(tree: Any, links: list[Any]) -> list[tuple[int, int]]:
    """Source ranges of embedded social posts: a ``blockquote`` (the way X, Instagram, TikTok and Facebook
    embeds are written) holding a link to the platform. Quoted posts are chatty by nature; the text model's
    spans inside them are not taken (see ``without_embedded``)."""
    out = []
    elements = tree.elements
    for a in links:
        if not a.platform:
            continue
        i = elements[a.element].parent
        while i > 0 and elements[i].tag != "blockquote":
            i = elements[i].parent
        if i > 0 and (elements[i].start, elements[i].end) not in out:
            out.append((elements[i].start, elements[i].end))
    return out


def without_embedded(ext: Extraction, result: ScanResult, embeds: list[tuple[int, int]]) -> ScanResult:
    """The text result without spans that lie inside embedded social posts."""
    from dataclasses import replace

    keep = []
    for span in result.spans:
        s, e = ext.source_range(span.start, span.end)
        if not any(a <= s and e <= b for a, b in embeds):
            keep.append(span)
    if len(keep) == len(result.spans):
        return result
    return replace(result, spans=tuple(keep), verdict="spam" if keep else "clean")


def comment_doc(ext: Extraction) -> tuple[list[tuple[int, int, int]], str]:
    """The comments as one document for the text engine (a paragraph per comment), and where each comment
    is in it: ``(element, start, end)``."""
    tree, ctx = ext.tree, ext.context
    comments: list[tuple[int, int, int]] = []
    starts = [t.start for t in tree.texts]
    parts: list[str] = []
    pos = 0
    for el in tree.elements:
        if ctx.comment_item[el.index] != el.index:
            continue
        text = anchor_text(tree, el.index, starts, ctx.block)
        if not text:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        comments.append((el.index, pos, pos + len(text)))
        parts.append(text)
        pos += len(text)
    return comments, "".join(parts)


def unique(reasons: list[Reason]) -> tuple[Reason, ...]:
    """Reasons in order, each (code, text) once."""
    seen: set[tuple[str, str]] = set()
    out = []
    for r in reasons:
        key = (r.code, r.text)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return tuple(out)


def _model_reasons(span: Span) -> list[Reason]:
    """A text-engine span as a page span's reasons: that the engine flagged it, then the span's own."""
    return [Reason("HTML_TEXT_MODEL", {"score": round(span.score, 4)}), *span.reasons]


def _nonspace(s: str) -> int:
    return len(s) - s.count(" ") - s.count("\n")


def engine_findings(ext: Extraction, result: ScanResult) -> list[Finding]:
    """Each engine span as whole block elements when it covers (nearly) all of them, else as a source range
    grown to whole elements where it would cut one in two."""
    out = []
    text, tree = ext.text, ext.tree
    for span in result.spans:
        blocks: list[int] = []
        first = max(0, bisect_right(ext.starts, span.start) - 1)
        for k in range(first, len(ext.starts)):
            start = ext.starts[k]
            if start >= span.end:
                break
            if start + ext.lengths[k] > span.start:
                b = ext.context.block[tree.texts[ext.nodes[k]].parent]
                if b not in blocks:
                    blocks.append(b)
        whole = []
        for b in blocks:
            r = ext.text_range(b)
            if r is None:
                continue
            inside = text[max(r[0], span.start) : min(r[1], span.end)]
            if _nonspace(inside) >= 0.8 * max(1, _nonspace(text[r[0] : r[1]])):
                whole.append(b)
            else:
                whole = []
                break
        reasons = _model_reasons(span)
        if whole:
            for b in whole:
                el = tree.elements[b]
                out.append(Finding(b, list(reasons), span.score, el.start, el.end))
            continue
        s, e = ext.source_range(span.start, span.end)
        s, e, holder = _balanced(tree, s, e)
        out.append(Finding(holder, list(reasons), span.score, s, e))
    return out


def _balanced(tree: Any, s: int, e: int) -> tuple[int, int, int]:
    """Grow ``[s, e)`` so that it cuts no element in two; also return the innermost element holding it.
    ``s`` and ``e`` come from text positions, so they never fall inside a tag."""
    starts, elements = tree.element_starts, tree.elements
    changed = True
    while changed:
        changed = False
        for el in elements[max(1, bisect_left(starts, s)) : bisect_left(starts, e)]:
            if el.end > e:  # starts inside, ends after: take all of it
                e, changed = el.end, True
        el = elements[bisect_right(starts, s) - 1]
        while el.index > 0:  # the elements holding s: one that ends inside is taken whole
            if el.start < s < el.end <= e:
                s, changed = el.start, True
            el = elements[el.parent]
    el = elements[bisect_right(starts, s) - 1]
    while el.index > 0 and not (el.start <= s and e <= el.end):
        el = elements[el.parent]
    return s, e, el.index


_CUE = re.compile(
    r"(?:\+?\d[\d ()-]{7,}\d)|(?:[$€£]\s?\d)|(?:\d\s?(?:usd|eur|dollars|euros|pounds))"
    r"|whatsapp|telegram|dm me",
    re.I,
)


def _spam_cue(text: str, start: int, end: int, result: ScanResult) -> bool:
    """A comment the text model flags counts only with a cue of its own beyond its tone (comments are chatty,
    which the model was taught to find in articles): a link the URL checker finds suspicious, spam words, a
    phone number, money, a chat invitation."""
    if any(
        start <= lk.start and lk.end <= end and lk.verdict in ("malicious", "suspicious")
        for lk in result.links
    ):
        return True
    own = text[start:end]
    return bool(spam_words(own)) or bool(_CUE.search(own))


def comment_findings(
    ext: Extraction, comments: list[tuple[int, int, int]], comment_text: str, result: ScanResult
) -> list[Finding]:
    """Comments at least half flagged by the text model, with a cue of their own."""
    out = []
    tree = ext.tree
    for item, a, b in comments:
        flagged = [s for s in result.spans if min(b, s.end) > max(a, s.start)]
        covered = sum(min(b, s.end) - max(a, s.start) for s in flagged)
        if not flagged or covered < 0.5 * (b - a) or not _spam_cue(comment_text, a, b, result):
            continue
        span = max(flagged, key=lambda s: s.score)
        el = tree.elements[item]
        why = Reason("HTML_COMMENT_TEXT")
        out.append(Finding(item, [why, *_model_reasons(span)], span.score, el.start, el.end))
    return out


def outermost(findings: list[Finding]) -> list[Finding]:
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if out and f.start < out[-1].end:
            last = out[-1]
            last.reasons.extend(r for r in f.reasons if r not in last.reasons)
            last.end = max(last.end, f.end)
            last.score = max(last.score, f.score)
            continue
        out.append(f)
    return out


def range_text(ext: Extraction, f: Finding) -> tuple[int, int] | None:
    """The article text that came from source ``[f.start, f.end)``."""
    texts = ext.tree.texts
    node_starts = [texts[n].start for n in ext.nodes] if ext._node_starts is None else ext._node_starts
    ext._node_starts = node_starts
    first = bisect_left(node_starts, f.start)
    last = bisect_left(node_starts, f.end) - 1
    if first > last:
        return None
    return ext.starts[first], ext.starts[last] + ext.lengths[last]


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def visible(ext: Extraction, f: Finding) -> str:
    from ._extract import emit

    tree = ext.tree
    lo, hi = bisect_left(tree.text_starts, f.start), bisect_left(tree.text_starts, f.end)
    parts = [tree.source[t.start : t.end] for t in tree.texts[lo:hi] if t.end <= f.end]
    return " ".join(emit("".join(parts)).split())


def merge_spans(text: str, spans: list[tuple[int, int, float, list[Reason]]]) -> tuple[Span, ...]:
    out: list[tuple[int, int, float, list[Reason]]] = []
    for s, e, score, reasons in sorted(spans, key=lambda x: (x[0], -x[1])):
        if e <= s:
            continue
        if out and s < out[-1][1]:
            ls, le, lscore, lreasons = out[-1]
            out[-1] = (
                ls,
                max(le, e),
                max(lscore, score),
                lreasons + [r for r in reasons if r not in lreasons],
            )
        else:
            out.append((s, e, score, list(reasons)))
    return tuple(Span(s, e, text[s:e], score, "spam", tuple(r)) for s, e, score, r in out)


def cut(source: str, ranges: list[tuple[int, int]]) -> str:
    if not ranges:
        return source
    out, pos = [], 0
    for s, e in sorted(ranges):
        if s > pos:
            out.append(source[pos:s])
        pos = max(pos, e)
    out.append(source[pos:])
    return "".join(out)


def chunks(text: str, size: int) -> list[tuple[int, int]]:
    """``text`` in pieces of at most about ``size`` characters, cut after paragraph breaks (or anywhere,
    for a piece with none)."""
    out = []
    start, n = 0, len(text)
    while n - start > size:
        cut = text.rfind("\n\n", start + size // 2, start + size)
        end = cut + 2 if cut >= 0 else start + size
        out.append((start, end))
        start = end
    out.append((start, n))
    return out


def join_results(first: ScanResult | None, piece: ScanResult, offset: int) -> ScanResult:
    """``piece`` (the result for the text from ``offset`` on) appended to ``first``."""
    from dataclasses import replace

    if offset:
        piece = replace(
            piece,
            spans=tuple(replace(s, start=s.start + offset, end=s.end + offset) for s in piece.spans),
            links=tuple(replace(lk, start=lk.start + offset, end=lk.end + offset) for lk in piece.links),
        )
    if first is None:
        return piece
    spans = first.spans + piece.spans
    return replace(
        first,
        spans=spans,
        links=first.links + piece.links,
        verdict="spam" if spans else "clean",
        score=max(first.score, piece.score),
        cleaned_text="",  # not used: the HTML path cuts the merged spans itself
    )
