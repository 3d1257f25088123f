"""Request and response schemas, for OpenAPI. The responses are the library's own JSON shape
(``ScanResult.to_dict``). Documents are checked by the library's one record rule
(``moderation.text.document.read_record``), not by these models; ``ScanRequest`` describes that rule
(``tests/test_records.py`` runs one table of records through both and every other door)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, model_validator

from moderation.text.document import MAX_DEPTH, too_deep

#: A string or an integer (never a bool or a float); absent/null: see the endpoints.
DocId = StrictStr | StrictInt | None


class ScanRequest(BaseModel):
    """One document to scan."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "article-1",
                    "text": "The council approved the budget on Monday.\n\nMake money online, sign up at "
                    "https://quick-cash.top/2963723185946817/\n\nWork starts in April.",
                }
            ]
        }
    )
    text: StrictStr = Field(description="The article text; offsets in the response point into it.")
    id: DocId = Field(
        default=None,
        description="Echoed in the response; without one, null (/v1/scan) or the 1-based position (batch).",
    )
    url: StrictStr | None = Field(default=None, description="Where the article came from (optional).")
    lang: StrictStr | None = Field(default=None, description="Language hint (optional).")

    @model_validator(mode="before")
    @classmethod
    def _not_too_deep(cls, data: Any) -> Any:
        if too_deep(data):
            raise ValueError(f"nested too deeply (more than {MAX_DEPTH} levels)")
        return data


class HtmlScanRequest(BaseModel):
    """One HTML page to scan (or send the page itself with ``Content-Type: text/html``)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "page-1",
                    "url": "https://www.example-news.com/story",
                    "html": "<html><body><article><p>The council approved the budget.</p><div "
                    'style="display:none"><a href="https://cheap-meds.top/">cheap pills</a></div></article>'
                    "</body></html>",
                }
            ]
        }
    )
    html: StrictStr = Field(description="The page; page_spans' offsets point into it.")
    id: DocId = Field(default=None, description="Echoed in the response.")
    url: StrictStr | None = Field(default=None, description="The page's own URL (its domain is the site's).")


class BatchRequest(BaseModel):
    """Several documents (or pages); results come back in the same order."""

    documents: list[ScanRequest | HtmlScanRequest]


class UrlCheckRequest(BaseModel):
    """URLs to judge."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"urls": ["https://video-earn.makeup/2963723185946817/", "www.bbc.co.uk"]}]
        }
    )
    urls: list[StrictStr]


class ReasonOut(BaseModel):
    """One finding: a stable code (count and filter by it), its English text, its parameters."""

    code: str
    text: str
    params: dict[str, Any]


class SpanOut(BaseModel):
    start: int
    end: int
    text: str
    label: Literal["spam"]
    score: float
    reasons: list[ReasonOut]


class LinkOut(BaseModel):
    start: int
    end: int
    url: str
    domain: str
    score: float
    verdict: Literal["malicious", "suspicious", "unknown", "neutral", "trusted"]
    reasons: list[ReasonOut]


class ScanResponse(BaseModel):
    """The result for one document (the same object as the CLI's JSON line)."""

    id: DocId
    verdict: Literal["spam", "clean"]
    score: float
    spans: list[SpanOut]
    links: list[LinkOut]
    cleaned_text: str
    model_version: str


class PageSpanOut(BaseModel):
    """A flagged part of the page: its source range and element path, and the article text it became."""

    start: int
    end: int
    path: str
    tag: str
    text: str
    score: float
    reasons: list[ReasonOut]
    text_start: int | None
    text_end: int | None


class HtmlScanResponse(ScanResponse):
    """The result for one HTML page: the text result's fields (``spans`` point into ``text``, the article
    text extracted from the page) plus the page's own."""

    text: str
    title: str
    page_spans: list[PageSpanOut]
    encoding: str | None
    notes: list[str]
    cleaned_html: str


class BatchResponse(BaseModel):
    results: list[ScanResponse | HtmlScanResponse]
    model_version: str


class ListHitOut(BaseModel):
    kind: Literal["block", "allow", "shortener"]
    source: str
    entry: str
    match: Literal["host", "parent", "prefix"]


class UrlReport(BaseModel):
    """The URL checker's judgement of one URL (offline: model, rules, local lists); only ``url`` and
    ``error`` when the string is not a URL."""

    url: str
    domain: str | None = None
    score: float | None = None
    verdict: Literal["malicious", "suspicious", "unknown", "neutral", "trusted"] | None = None
    reasons: list[ReasonOut] = []
    list_hits: list[ListHitOut] = []
    normalized: str | None = None
    is_ip: bool | None = None
    is_shortener: bool | None = None
    error: str | None = None


class UrlCheckResponse(BaseModel):
    reports: list[UrlReport]


class Health(BaseModel):
    status: str


class Version(BaseModel):
    package: str
    model_version: str
    feature_format: int | None
    data_fingerprint: dict[str, str]
    url_model_version: str
    url_lists: int
