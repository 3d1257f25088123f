"""The engine: one document (or a batch) in, a ``ScanResult`` out. Every door calls this.

The way a document travels (see ARCHITECTURE.md)::

    text -> normalized view -> links (+ basic reputation) -> segments -> segment cascade (classifiers)
         -> article-context model (classifiers) -> article gate -> spans -> reasons -> cleaned text

All model calls are made once per *batch* of documents, not per document: scikit-learn has a fixed cost
per call, and the hashed features are cheaper in bulk.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._errors import DocumentTooLargeError
from .._reasons import Reason
from .._settings import Settings
from .boundary import Window, merge_overlaps, refine, tag, windows_for_runs
from .cut import cut_spans
from .document import Document, as_document
from .evidence import explain, link_features
from .language import language_model, span_languages_many
from .linkpull import link_pull
from .links import FoundLink, find_links
from .normalize import NormalizedText, normalize
from .results import Link, ScanResult, Segment, Span
from .segment import segment
from .structure import LEGIT_FACTOR, legit_shapes, wordless

if TYPE_CHECKING:
    from classifiers import ModelBundle, SegmentModel

    from ..urls.checker import UrlChecker, UrlReport
    from .html import HtmlScanResult


@dataclass
class Prepared:
    """A document after the model-free steps (offsets in the normalized view)."""

    doc: Document
    norm: NormalizedText
    links: list[FoundLink]
    reports: list[UrlReport]
    segments: list[Segment]
    texts: list[str]
    link_features: np.ndarray


@dataclass
class Featurized:
    """Model inputs and outputs for a batch of prepared documents (rows = segments, grouped by doc)."""

    doc_index: np.ndarray
    stage_a: np.ndarray
    text_score: np.ndarray
    context: np.ndarray
    similarity: np.ndarray
    lang_votes: np.ndarray


def prepare(doc: Document, checker: UrlChecker) -> Prepared:
    """Normalize, find the links and have ``checker`` judge each, segment (no text model involved)."""
    norm = normalize(doc.text)
    view = norm.text
    links = find_links(view)
    reports = _judge_all(links, checker)
    segments = segment(view, [lk.end for lk in links], [(lk.start, lk.end) for lk in links])
    texts = [view[s.start : s.end] for s in segments]
    feats = link_features([(s.start, s.end) for s in segments], links, reports)
    return Prepared(doc, norm, links, reports, segments, texts, feats)


def _judge_all(links: Sequence[FoundLink], checker: UrlChecker) -> list[UrlReport]:
    """The checker's report for each link, judged once per distinct (string, disguise): the judgement is
    a function of those two, and a text can repeat one link thousands of times."""
    memo: dict[tuple[str, bool], UrlReport] = {}
    out = []
    for lk in links:
        key = (lk.raw, lk.obfuscated)
        report = memo.get(key)
        if report is None:
            report = memo[key] = checker.judge(lk.parsed, obfuscated=lk.obfuscated)
        out.append(report)
    return out


def featurize(batch: Sequence[Prepared], segment_model: SegmentModel) -> Featurized:
    """Run the segment cascade and build the article-context features for a batch."""
    from classifiers import CONTEXT_FEATURES, context_features

    texts = [t for p in batch for t in p.texts]
    doc_index = np.repeat(np.arange(len(batch)), [len(p.texts) for p in batch])
    if not texts:
        empty = np.zeros(0)
        return Featurized(doc_index, empty, empty, np.zeros((0, 0), np.float32), empty, np.zeros((0, 0)))
    extra = np.vstack([p.link_features for p in batch])
    scores = segment_model.score(texts, extra)
    votes = scores.lang_votes
    paragraphs = np.array([s.paragraph for p in batch for s in p.segments])
    kinds = [s.kind for p in batch for s in p.segments]
    lengths = np.array([len(t) for t in texts])
    ctx = context_features(
        score=scores.score,
        stage_a=scores.stage_a,
        candidate=scores.candidate,
        words=scores.word_blocks,
        doc_index=doc_index,
        paragraph_index=paragraphs,
        kinds=kinds,
        lang_votes=votes,
        lengths=lengths,
    )
    sim = ctx[:, CONTEXT_FEATURES.index("similarity_to_article")]
    return Featurized(doc_index, scores.stage_a, scores.score, ctx, sim, votes)


def _runs(indices: np.ndarray) -> list[list[int]]:
    """Consecutive runs of sorted segment indices: [1, 2, 5] -> [[1, 2], [5]] (cut where a gap is:
    one slice per run, not a step per index)."""
    ids: list[int] = np.asarray(indices).tolist()
    cuts = [0, *(np.flatnonzero(np.diff(indices) != 1) + 1).tolist(), len(ids)]
    return [ids[a:b] for a, b in pairwise(cuts) if b > a]


@dataclass
class _Plan:
    """One document's decision before the spans are built (offsets in the normalized view).

    Attributes:
        links: the found links, placed in the original text, with their reports.
        proba: each segment's spam probability (the segment model's own for a one-segment document)
            after the link pull and the legitimate shapes (letterless segments among them).
        pulls: which verdict pulled each segment (``text/linkpull.py``), or None.
        doc_score: the largest segment probability (the article gate's input).
        runs: the flagged runs of adjacent segments (segment indices).
        flagged: the flagged mask over the segments.
        bounds: each run's ``(start, end)``: segment bounds, or where the boundary tagger moved them.
        rows: the document's rows in the batch's feature arrays.
    """

    links: tuple[Link, ...]
    proba: np.ndarray
    pulls: Sequence[str | None]
    doc_score: float
    runs: list[list[int]]
    flagged: np.ndarray
    bounds: list[tuple[int, int]]
    rows: slice


@dataclass
class _SpanTexts:
    """A document's planned spans in the original text: bounds, the links inside each, each span's
    words with its links blanked, and its segments' function-word votes."""

    bounds: list[tuple[int, int]]
    insides: list[Sequence[Link]]
    words: list[str]
    votes: list[np.ndarray]


_default_lock = threading.Lock()
_default_cache: dict[Path | None, ModelBundle] = {}


def _links_inside(links: Sequence[Link], starts: Sequence[int], start: int, end: int) -> Sequence[Link]:
    """The links within ``[start, end)``: ``links`` are sorted and disjoint (``starts`` their starts), so
    they are one slice, found by bisection (a filter over every link per span was spans x links)."""
    i = j = bisect_left(starts, start)
    while j < len(links) and links[j].end <= end:
        j += 1
    return links[i:j]


def _placed_links(p: Prepared) -> tuple[Link, ...]:
    """The found links placed in the original text, with the URL checker's judgement. When the view is
    the original text (no character changed), a link's offsets and its written form are the found
    link's own (no mapping, no second copy of the string)."""
    if p.norm.index is None:
        return tuple(
            Link(lk.start, lk.end, lk.raw, lk.obfuscated, report)
            for lk, report in zip(p.links, p.reports, strict=True)
        )
    out = []
    for lk, report in zip(p.links, p.reports, strict=True):
        start, end = p.norm.to_original(lk.start, lk.end)
        out.append(Link(start, end, p.doc.text[start:end], lk.obfuscated, report))
    return tuple(out)


def _quoted_reasons(link: Link, memo: dict[int, list[Reason]]) -> list[Reason]:
    """The reasons of a link that is not trusted, each naming its domain (``link``), made once per
    report (``memo``): a span of 200,000 repeated links made 200,000 of each otherwise. The reasons are
    immutable, so the links of one report can share them."""
    key = id(link.report)
    quoted = memo.get(key)
    if quoted is None:
        quoted = memo[key] = (
            [] if link.verdict == "trusted" else [r.with_params(link=link.domain) for r in link.reasons]
        )
    return quoted


def _words_around_links(text: str, start: int, end: int, inside: Sequence[Link]) -> str:
    """The span's text with its links (``inside`` it) replaced by spaces (the text cues and the language
    read words); joined once, not rebuilt per link."""
    pieces, pos = [], start
    for lk in inside:
        pieces += [text[pos : lk.start], " "]
        pos = lk.end
    pieces.append(text[pos:end])
    return "".join(pieces)


class Scanner:
    """Finds injected spam in documents. Thread-safe; load once, scan many.

    >>> scanner = Scanner.default()                      # doctest: +SKIP
    >>> result = scanner.scan("Some article ...")        # doctest: +SKIP
    """

    def __init__(
        self, models: ModelBundle, settings: Settings | None = None, url_checker: UrlChecker | None = None
    ) -> None:
        self.models = models
        self.settings = settings or Settings()
        self._url_checker = url_checker
        th = models.thresholds
        self.span_threshold = (
            self.settings.span_threshold if self.settings.span_threshold is not None else th.get("span", 0.5)
        )
        self.document_threshold = (
            self.settings.document_threshold
            if self.settings.document_threshold is not None
            else th.get("document", self.span_threshold)
        )
        self.document_threshold = max(self.document_threshold, self.span_threshold)
        extend = self.settings.extend_threshold
        self.extend_threshold = min(
            extend if extend is not None else th.get("extend", 1.0), self.span_threshold
        )

    @classmethod
    def default(cls, settings: Settings | None = None) -> Scanner:
        """A scanner over the shipped models (or ``settings.model_dir``), loaded once per process, with its
        URL checker (URL model and list store) loaded too and one warm-up scan done, so the first real scan
        is not the slow one (the suffix list and the lazy tables cost ~0.1 s once)."""
        from classifiers import load_bundle

        from ..urls.checker import UrlChecker

        settings = settings or Settings()
        key = settings.model_dir
        with _default_lock:
            fresh = key not in _default_cache
            if fresh:
                _default_cache[key] = load_bundle(key)
            bundle = _default_cache[key]
        scanner = cls(bundle, settings, UrlChecker.default(settings))
        if fresh:
            scanner.scan("Warm-up sentence. Read more at www.example.org today.")
        return scanner

    @property
    def url_checker(self) -> UrlChecker:
        """The URL checker that judges every link found (``UrlChecker.default`` unless one was given)."""
        if self._url_checker is None:
            from ..urls.checker import UrlChecker

            self._url_checker = UrlChecker.default(self.settings)
        return self._url_checker

    @property
    def model_version(self) -> str:
        """The version tag of the loaded models."""
        return self.models.version

    def scan(self, text: str, url: str | None = None, lang: str | None = None, id: Any = None) -> ScanResult:
        """Scan one document (no id stays ``None``).

        Raises:
            InputError: ``text`` is not a string, or ``id``/``url``/``lang`` of the wrong type (the record
                rule of ``document.py``, checked by ``Document``).
            DocumentTooLargeError: ``text`` is longer than ``settings.max_document_chars``.
        """
        return self._scan_batch([Document(text, id, url, lang)])[0]

    def scan_html(
        self, html: str | bytes, url: str | None = None, id: Any = None, charset: str | None = None
    ) -> HtmlScanResult:
        """Scan an HTML page: the article text, spans in it and in the page, the cleaned page
        (``text/html/``; for many pages, ``moderation.HtmlScanner(scanner).scan_many``).

        Raises:
            HtmlError: the page cannot be scanned (too large, not a string or bytes).
        """
        from .html import HtmlScanner

        return HtmlScanner(self).scan(html, url=url, id=id, charset=charset)

    def scan_many(
        self, items: Iterable[str | Mapping[str, Any] | Document], batch_size: int | None = None
    ) -> Iterator[ScanResult]:
        """Scan many documents in batches, yielding results in input order.

        Strings and mappings are checked by the record rule of ``document.py`` (one without an id gets
        its 1-based position); a ``Document`` is used as it is.

        Raises:
            InputError: an item breaks the rule (the message names the field and the position).
            DocumentTooLargeError: an item's text is longer than ``settings.max_document_chars``.
        """
        size = batch_size or self.settings.batch_size
        batch: list[Document] = []
        for position, item in enumerate(items, 1):
            batch.append(as_document(item, position))
            if len(batch) >= size:
                yield from self._scan_batch(batch)
                batch = []
        if batch:
            yield from self._scan_batch(batch)

    # -- internals -------------------------------------------------------------------------------------

    def _scan_batch(self, docs: Sequence[Document]) -> list[ScanResult]:
        limit = self.settings.max_document_chars
        for doc in docs:
            if len(doc.text) > limit:
                raise DocumentTooLargeError(len(doc.text), limit, record_id=doc.id)
        checker = self.url_checker
        prepared = [prepare(d, checker) for d in docs]
        feats = featurize(prepared, self.models.segment)
        proba = self.models.context.predict_proba(feats.context) if len(feats.context) else np.zeros(0)
        return self._decide_all(prepared, feats, proba)

    def _decide_all(
        self, prepared: Sequence[Prepared], feats: Featurized, proba: np.ndarray
    ) -> list[ScanResult]:
        """The results of a featurized batch (each document's segments' rows, in order): every
        document's runs first, then one boundary-tagger call and one language-identifier call for all
        of them, then each document's spans and result."""
        plans, offset = [], 0
        for p in prepared:
            rows = slice(offset, offset + len(p.segments))
            offset = rows.stop
            plans.append(self._plan(p, proba[rows], feats, rows))
        if self.models.boundary is not None:
            self._refine(prepared, plans)
        texts = [self._span_texts(p, plan, feats) for p, plan in zip(prepared, plans, strict=True)]
        langs = span_languages_many(
            language_model(self.settings.model_dir),
            [(feats.lang_votes[plan.rows], t.words, t.votes) for plan, t in zip(plans, texts, strict=True)],
        )
        return [
            self._finish(p, plan, feats, t, lang)
            for p, plan, t, lang in zip(prepared, plans, texts, langs, strict=True)
        ]

    @staticmethod
    def _span_texts(p: Prepared, plan: _Plan, feats: Featurized) -> _SpanTexts:
        """Each planned span's bounds in the original text, its links, its words without them and the
        function-word votes of its segments (what the language claims read)."""
        if not plan.runs:
            return _SpanTexts([], [], [], [])
        links, rows = plan.links, plan.rows
        bounds = [p.norm.to_original(s, e) for s, e in plan.bounds]
        starts = [lk.start for lk in links]
        insides = [_links_inside(links, starts, s, e) for s, e in bounds]
        words = [
            _words_around_links(p.doc.text, s, e, ins) for (s, e), ins in zip(bounds, insides, strict=True)
        ]
        votes = [feats.lang_votes[[rows.start + j for j in r]].sum(axis=0) for r in plan.runs]
        return _SpanTexts(bounds, insides, words, votes)

    def _plan(self, p: Prepared, proba: np.ndarray, feats: Featurized, rows: slice) -> _Plan:
        """Thresholds -> flagged runs of segments (segment bounds; the boundary step may move them)."""
        links = _placed_links(p)
        if len(p.segments) == 1:  # no article around it: the sentence decides, not the context model
            proba = feats.text_score[rows]
        floor = max(self.span_threshold, self.document_threshold)
        proba, pulls = link_pull(p.segments, p.links, p.reports, proba, feats.text_score[rows], floor)
        legit = legit_shapes(p.texts, [seg.paragraph for seg in p.segments]) | wordless(p.texts)
        proba = np.where(legit, proba * LEGIT_FACTOR, proba)
        doc_score = float(proba.max()) if len(proba) else 0.0
        runs: list[list[int]] = []
        flagged = np.zeros(len(proba), dtype=bool)
        if doc_score >= self.document_threshold:  # the article gate
            flagged = proba >= self.span_threshold
            self._extend(flagged, proba, p.segments)
            runs = _runs(np.flatnonzero(flagged))
        bounds = [(p.segments[r[0]].start, p.segments[r[-1]].end) for r in runs]
        return _Plan(links, proba, pulls, doc_score, runs, flagged, bounds, rows)

    def _refine(self, prepared: Sequence[Prepared], plans: Sequence[_Plan]) -> None:
        """Move every plan's span bounds to where the boundary tagger puts them (one model call)."""
        model = self.models.boundary
        assert model is not None
        per_doc: list[list[Window]] = []
        inputs: list[dict[str, list[int]]] = []
        for p, plan in zip(prepared, plans, strict=True):
            if not plan.runs:
                per_doc.append([])
                continue
            wins, ins = windows_for_runs(
                p.norm.text, p.segments, plan.runs, plan.flagged, plan.proba, p.links, len(inputs)
            )
            per_doc.append(wins)
            inputs.extend(ins)
        logits = tag(model, inputs)
        bias = float(self.models.thresholds.get("boundary", 0.0))
        edge = float(self.models.thresholds.get("edge", 0.0))
        pos = 0
        for plan, wins in zip(plans, per_doc, strict=True):
            if not wins:
                continue
            rows = slice(pos, pos + sum(len(w.starts) for w in wins))
            pos = rows.stop
            tags = (logits[0][rows], logits[1][rows], logits[2][rows])
            plan.runs, plan.bounds = merge_overlaps(plan.runs, refine(wins, tags, bias, edge))

    def _finish(
        self,
        p: Prepared,
        plan: _Plan,
        feats: Featurized,
        texts: _SpanTexts,
        langs: tuple[str | None, list[str | None]],
    ) -> ScanResult:
        """Spans with reasons from the plan's runs and bounds -> the result."""
        rows, proba, runs, links = plan.rows, plan.proba, plan.runs, plan.links
        doc_lang, span_langs = langs
        spans = [
            self._span(p, run, bound, text, proba, feats, rows, inside, (lang, doc_lang), plan.pulls)
            for run, bound, text, lang, inside in zip(
                runs, texts.bounds, texts.words, span_langs, texts.insides, strict=True
            )
        ]
        return ScanResult(
            id=p.doc.id,
            verdict="spam" if spans else "clean",
            score=max((s.score for s in spans), default=plan.doc_score),
            spans=tuple(spans),
            links=links,
            cleaned_text=cut_spans(p.doc.text, [(s.start, s.end) for s in spans]),
            model_version=self.model_version,
        )

    @staticmethod
    def _span(
        p: Prepared,
        run: list[int],
        bound: tuple[int, int],
        words: str,
        proba: np.ndarray,
        feats: Featurized,
        rows: slice,
        inside: Sequence[Link],
        langs: tuple[str | None, str | None],
        pulls: Sequence[str | None],
    ) -> Span:
        """One span from a run of adjacent flagged segments, mapped to the original text, with reasons
        (``inside``: the links within it)."""
        start, end = bound
        seg_rows = [rows.start + j for j in run]
        quoted: dict[int, list[Reason]] = {}
        link_reasons = [reason for lk in inside for reason in _quoted_reasons(lk, quoted)]
        score = float(proba[run].max())
        reasons = explain(
            words,
            score=score,
            text_score=float(feats.text_score[seg_rows].max()),
            similarity=float(feats.similarity[seg_rows].min()),
            seg_lang=langs[0],
            doc_lang=langs[1],
            link_reasons=link_reasons,
        )
        pulled = {pulls[j] for j in run} - {None}
        if pulled:
            domains = ", ".join(lk.domain for lk in inside if lk.verdict in pulled)
            code = "SPAN_LINK_MALICIOUS" if "malicious" in pulled else "SPAN_LINK_TRUSTED"
            reasons.insert(0, Reason(code, {"domains": domains}))
        return Span(start, end, p.doc.text[start:end], score, "spam", tuple(reasons))

    def _extend(self, flagged: np.ndarray, proba: np.ndarray, segments: Sequence[Segment]) -> None:
        """Grow flagged runs into neighbours of the same paragraph that pass the (lower) extend threshold.

        Multi-sentence spam ("Plz help me get subscribers. Thanks to all who sub me :)") often has a
        weak second sentence that only makes sense as part of the first.

        A flagged segment passes the extend threshold too, so the segments a flagged one grows into are
        its stretch of adjacent, same-paragraph segments that all pass it: each stretch with a flagged
        segment in it becomes flagged whole (labelled by one running sum; a queue of segments was a
        Python step per flagged segment).
        """
        if self.extend_threshold >= self.span_threshold or not flagged.any():
            return
        eligible = proba >= self.extend_threshold
        paragraph = np.fromiter((seg.paragraph for seg in segments), dtype=np.int64, count=len(segments))
        joined = eligible[1:] & eligible[:-1] & (paragraph[1:] == paragraph[:-1])
        stretch = np.concatenate(([0], np.cumsum(~joined)))  # the stretch each segment belongs to
        grown = np.zeros(int(stretch[-1]) + 1, dtype=bool)
        grown[stretch[flagged]] = True
        flagged |= eligible & grown[stretch]
