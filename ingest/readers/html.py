"""HTML with BeautifulSoup + lxml: visible text, block elements on their own lines.

script/style/nav (and other non-content elements) are dropped, table cells joined with " | ",
<br> kept as a line break. Metadata: <title>, <meta name|property=… content=…>, <html lang>.

A saved page of a legal site (vbpl.vn …) wraps the document in navigation, tabs, a table of contents
that repeats every "Điều" heading, and a footer. Only the document body is read: the element whose
own paragraphs hold most of the page's paragraph text (the way readability tools find an
article), when it holds at least half of it. The header and signature tables of the document are
read cell by cell (readers/tables.py).
"""
from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction

from ktgs.errors import ParseError
from ktgs.ingest.raw import RawDocument
from ktgs.ingest.readers.plaintext import decode_bytes
from ktgs.ingest.readers.tables import is_layout_table
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


def _content_root(soup: BeautifulSoup):
    """The element holding the document body (see the module docstring), else the whole page."""
    scores: dict[int, int] = {}
    elements = {}
    total = 0
    for p in soup.find_all("p"):
        n = len(p.get_text(" ", strip=True))
        total += n
        if p.parent is not None:
            scores[id(p.parent)] = scores.get(id(p.parent), 0) + n
            elements[id(p.parent)] = p.parent
    if not scores:
        return soup
    best = max(scores, key=scores.get)
    return elements[best] if scores[best] >= 0.5 * total and scores[best] >= 200 else soup


def _layout_tables_by_cell(soup: BeautifulSoup) -> None:
    """A header/signature table becomes one paragraph per cell line, column by column."""
    for table in soup.find_all("table"):
        if table.find("table") is not None:
            continue
        rows = [[c.get_text("\n", strip=True) for c in tr.find_all(("td", "th"), recursive=False)]
                for tr in table.find_all("tr")]
        rows = [r for r in rows if any(r)]
        if not rows or not is_layout_table(rows):
            continue
        lines = [ln.strip() for col in range(max(len(r) for r in rows)) for r in rows if col < len(r)
                 for ln in r[col].split("\n") if ln.strip()]
        div = soup.new_tag("div")
        for ln in lines:
            p = soup.new_tag("p")
            p.string = ln
            div.append(p)
        table.replace_with(div)


def _visible_text(soup: BeautifulSoup) -> str:
    for node in soup.find_all(string=lambda s: isinstance(s, (Comment, Declaration, Doctype, ProcessingInstruction))):
        node.extract()
    for tag in soup.find_all(_DROP):
        tag.decompose()
    root = _content_root(soup)
    if root is not soup:
        root = BeautifulSoup(str(root), "lxml")
        soup = root
    _layout_tables_by_cell(soup)
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
