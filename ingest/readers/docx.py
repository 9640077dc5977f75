"""Word .docx with python-docx: body paragraphs and tables in document order.

Table rows become one line, cells joined with " | " (merged cells once); the header and signature
tables of an official document are read cell by cell instead (readers/tables.py). Page headers and footers
are ignored. Automatic list numbering is not part of paragraph text in Word files, so a warning
says when the document uses it.
"""
from __future__ import annotations

import datetime as dt
import zipfile
from io import BytesIO
from pathlib import Path

import docx
from docx.opc.exceptions import OpcError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError

from ktgs.errors import ParseError
from ktgs.ingest.raw import RawDocument
from ktgs.ingest.readers.tables import layout_table_lines
from ktgs.ingest.text import normalise
from ktgs.settings import Settings

_CORE_KEYS = ("title", "subject", "author", "keywords", "category", "comments", "last_modified_by",
              "identifier", "language", "created", "modified")
_DOCX_ERRORS = (OpcError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError, OSError)


def _row_cells(row) -> list[str]:
    cells, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) in seen:  # a merged cell is repeated by python-docx
            continue
        seen.add(id(cell._tc))
        cells.append(cell.text)
    return cells


def _table_lines(table: Table) -> list[str]:
    """A header/signature table cell by cell, a data table row by row (readers/tables.py)."""
    return layout_table_lines([_row_cells(row) for row in table.rows])


def _core_metadata(document) -> dict[str, str]:
    meta = {}
    props = document.core_properties
    for key in _CORE_KEYS:
        value = getattr(props, key, None)
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        if value:
            meta[key] = str(value)
    return meta


def read(path: Path, data: bytes, settings: Settings, fmt: str = "docx") -> RawDocument:
    try:
        document = docx.Document(BytesIO(data))
        lines: list[str] = []
        numbered = 0
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                ppr = block._p.pPr
                if ppr is not None and ppr.numPr is not None:
                    numbered += 1
                lines.append(block.text)
            elif isinstance(block, Table):
                lines.extend(_table_lines(block))
        metadata = _core_metadata(document)
    except _DOCX_ERRORS as exc:
        raise ParseError(str(path), f"tài liệu Word hỏng, không đọc được ({type(exc).__name__}: {exc})") from exc
    warnings = []
    if numbered:
        warnings.append(f"{numbered} đoạn dùng đánh số tự động của Word; số thứ tự tự động không có trong văn bản đọc ra")
    return RawDocument(text=normalise("\n".join(lines)), source_path=str(path), format=fmt, checksum="",
                       metadata=metadata, warnings=warnings)
