"""HTML with BeautifulSoup + lxml: visible text, block elements on their own lines.

script/style/nav (and other non-content elements) are dropped, table cells joined with " | ",
<br> kept as a line break. Metadata: <title>, <meta name|property=… content=…>, <html lang>.
"""
from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction

from ktgs.errors import ParseError
from ktgs.ingest.raw import RawDocument
from ktgs.ingest.readers.plaintext import decode_bytes
from ktgs.ingest.text import normalise
from ktgs.settings import Settings

_DROP = ("script", "style", "nav", "noscript", "template", "head", "iframe", "svg", "form", "button")
_BLOCKS = ("p", "div", "section", "article", "main", "header", "footer", "aside", "h1", "h2", "h3", "h4",
           "h5", "h6", "li", "dt", "dd", "ul", "ol", "dl", "table", "tr", "blockquote", "pre", "address",
           "figure", "figcaption", "hr", "center", "body", "caption", "tbody", "thead", "tfoot")
_WS = re.compile(r"\s+")


def _metadata(soup: BeautifulSoup) -> dict[str, str]:
    meta: dict[str, str] = {}
    if soup.title and soup.title.get_text(strip=True):
        meta["title"] = normalise(soup.title.get_text(" ", strip=True))
    for tag in soup.find_all("meta"):
        name = tag.get("name") or tag.get("property")
        content = tag.get("content")
        if name and content and str(name).lower() not in meta:
            meta[str(name).lower()] = normalise(str(content))
    html = soup.find("html")
    if html and html.get("lang"):
        meta["lang"] = str(html.get("lang"))
    return meta


def _visible_text(soup: BeautifulSoup) -> str:
    for node in soup.find_all(string=lambda s: isinstance(s, (Comment, Declaration, Doctype, ProcessingInstruction))):
        node.extract()
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for node in list(soup.find_all(string=True)):
        if node.find_parent("pre") is None:
            node.replace_with(NavigableString(_WS.sub(" ", str(node))))
    for br in soup.find_all("br"):
        br.replace_with(NavigableString("\n"))
    for cell in soup.find_all(("td", "th")):
        if cell.find_previous_sibling(("td", "th")) is not None:
            cell.insert_before(NavigableString(" | "))
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before(NavigableString("\n"))
        tag.insert_after(NavigableString("\n"))
    return soup.get_text("")


def read(path: Path, data: bytes, settings: Settings, fmt: str = "html") -> RawDocument:
    text, warnings = decode_bytes(data)
    try:
        soup = BeautifulSoup(text, "lxml")
    except (ValueError, TypeError) as exc:
        raise ParseError(str(path), f"không phân tích được HTML ({exc})") from exc
    metadata = _metadata(soup)
    return RawDocument(text=normalise(_visible_text(soup)), source_path=str(path), format=fmt, checksum="",
                       metadata=metadata, warnings=warnings)
