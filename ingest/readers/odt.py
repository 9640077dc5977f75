"""OpenDocument text (.odt, LibreOffice/OpenOffice) from its content.xml with lxml.

Headings and paragraphs in document order, one per line (text:s spaces, tabs and line breaks kept);
tables by the rule shared with .docx (readers/tables.py). Metadata: dc:title and friends of meta.xml.
"""
from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from lxml import etree

from ktgs.errors import ParseError
from ktgs.ingest.raw import RawDocument
from ktgs.ingest.readers.tables import layout_table_lines
from ktgs.ingest.text import normalise
from ktgs.settings import Settings

_NS = {"text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
       "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
       "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
       "dc": "http://purl.org/dc/elements/1.1/"}
_T = "{%s}" % _NS["text"]
_TB = "{%s}" % _NS["table"]


def _inline(el) -> str:
    """The text of a paragraph or heading, with <text:s/>, tabs and line breaks."""
    out = [el.text or ""]
    for child in el:
        tag = child.tag
        if tag == _T + "s":
            out.append(" " * int(child.get(_T + "c", "1")))
        elif tag == _T + "tab":
            out.append("\t")
        elif tag == _T + "line-break":
            out.append("\n")
        elif tag != _T + "note":            # footnote bodies are not part of the running text
            out.append(_inline(child))
        out.append(child.tail or "")
    return "".join(out)


def _blocks(parent, lines: list[str]) -> None:
    for el in parent:
        if el.tag in (_T + "p", _T + "h"):
            lines.append(_inline(el))
        elif el.tag == _TB + "table":
            rows = [["\n".join(_inline(p) for p in cell.iter(_T + "p", _T + "h"))
                     for cell in row.iter(_TB + "table-cell")] for row in el.iter(_TB + "table-row")]
            lines.extend(layout_table_lines(rows))
        elif el.tag in (_T + "list", _T + "list-item", _T + "section", _T + "list-header"):
            _blocks(el, lines)


def read(path: Path, data: bytes, settings: Settings, fmt: str = "odt") -> RawDocument:
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            content = etree.fromstring(zf.read("content.xml"))
            meta_xml = etree.fromstring(zf.read("meta.xml")) if "meta.xml" in zf.namelist() else None
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError) as exc:
        raise ParseError(str(path), f"tài liệu OpenDocument (.odt) hỏng, không đọc được ({type(exc).__name__}: {exc})") from exc
    body = content.find("office:body/office:text", _NS)
    if body is None:
        raise ParseError(str(path), "tệp .odt không có phần văn bản (office:text)")
    lines: list[str] = []
    _blocks(body, lines)
    metadata = {}
    if meta_xml is not None:
        for key in ("title", "subject", "creator", "description"):
            el = meta_xml.find(f".//dc:{key}", _NS)
            if el is not None and (el.text or "").strip():
                metadata[key] = normalise(el.text)
    return RawDocument(text=normalise("\n".join(lines)), source_path=str(path), format=fmt, checksum="",
                       metadata=metadata)
