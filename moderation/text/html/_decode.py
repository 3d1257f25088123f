"""Bytes to text for HTML pages whose declared encoding may be missing or wrong.

Order (after the HTML standard's encoding sniffing, simplified): a byte-order mark; the transport's
charset (an HTTP header, given by the caller); a ``<meta charset>`` / ``http-equiv`` declaration in the first
4 KB; else UTF-8 when the bytes are valid UTF-8, else windows-1252 (the web's default for unlabelled pages).
A declaration is checked against the bytes, because pages lie: a page declared ``iso-8859-1`` whose bytes
are valid UTF-8 with multi-byte sequences is read as UTF-8, and a page declared ``utf-8`` with many invalid
sequences is read as windows-1252. Decoding uses ``surrogateescape``, so bytes that fit no character survive
as lone surrogates and encode back to the same bytes: the cleaned page can be returned byte for byte.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_META = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)
# labels the HTML standard maps to another encoding than Python's codec of the same name would
_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "windows-1252": "cp1252",
    "x-user-defined": "cp1252",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-sjis": "shift_jis",
}


@dataclass(frozen=True, slots=True)
class Decoded:
    """A page as text.

    Attributes:
        text: the page; bytes that fit no character are lone surrogates (``surrogateescape``).
        encoding: the Python codec used (``utf-8``, ``cp1252``, ...).
        note: why this encoding when it is not the declared one (empty when nothing was odd).
    """

    text: str
    encoding: str
    note: str = ""

    def encode(self, text: str) -> bytes:
        """``text`` (the page or a cleaned copy) back to bytes in the page's own encoding."""
        return text.encode(self.encoding, "surrogateescape")


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return "utf-8"  # an ASCII-compatible page cannot really be UTF-16 (the standard says the same)
    return name


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _bad_utf8_share(data: bytes) -> float:
    """Share of bytes that are not part of a valid UTF-8 sequence (a page-sized sample)."""
    sample = data[:262144]
    text = sample.decode("utf-8", "surrogateescape")
    bad = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    return bad / max(1, len(sample))


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode a page's bytes; ``declared`` is the transport's charset (an HTTP ``Content-Type`` charset)."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return Decoded(data[len(bom) :].decode(name, "surrogateescape"), name, "byte-order mark")
    label = declared
    if not label:
        m = _META.search(data[:4096])
        label = m.group(1).decode("ascii", "replace") if m else None
    codec = _codec(label) if label else None
    utf8 = _valid_utf8(data)
    note = ""
    if label and codec is None:
        note = f"unknown charset {label!r} ignored"
    if codec is None:
        codec = "utf-8" if utf8 else "cp1252"
    elif codec != "utf-8" and utf8 and not data.isascii():
        note = f"declared {label} but the bytes are UTF-8"
        codec = "utf-8"
    elif codec == "utf-8" and not utf8 and _bad_utf8_share(data) > 0.001:
        note = f"declared {label} but the bytes are not UTF-8; read as windows-1252"
        codec = "cp1252"
    return Decoded(data.decode(codec, "surrogateescape"), codec, note)
