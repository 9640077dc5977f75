"""PDF with pymupdf: the text layer page by page, OCR for pages without one.

Soft-wrapped lines of one paragraph are joined back (one space) from the line geometry, see
pdf_layout.py, also across a page break. Pages are normalised one by one and joined with "\\n" (with
" " where a paragraph runs on to the next page, "" after a break inside "294-QĐ/TW");
RawDocument.pages records each page's span.
Page furniture (Công báo running heads, bare page numbers, the digital-signature stamp) is dropped and
the first page's two-column header is read by position (pdf_layout.drop_furniture, header_columns).
Encrypted files raise EncryptedFileError, corrupt or truncated ones ParseError.
"""
from __future__ import annotations

from pathlib import Path

import pymupdf

from ktgs.errors import EncryptedFileError, ParseError
from ktgs.ingest.raw import RawDocument
from ktgs.ingest.readers import pdf_layout as layout
from ktgs.ingest.readers.ocr import OCR_DPI, ocr_png, tesseract_missing
from ktgs.ingest.reflow import reflow
from ktgs.ingest.text import normalise
from ktgs.settings import Settings

_TEXT_FLAGS = pymupdf.TEXTFLAGS_TEXT & ~pymupdf.TEXT_PRESERVE_LIGATURES  # "ﬁ" -> "fi"
_META_KEYS = {"title": "title", "author": "author", "subject": "subject", "keywords": "keywords",
              "creator": "creator", "producer": "producer", "creationDate": "creation_date",
              "modDate": "mod_date"}
_PDF_ERRORS = (pymupdf.FileDataError, pymupdf.EmptyFileError, RuntimeError, ValueError)


def _open(path: Path, data: bytes) -> pymupdf.Document:
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except _PDF_ERRORS as exc:
        raise ParseError(str(path), f"tệp PDF hỏng, không mở được ({exc})") from exc
    if doc.needs_pass:
        doc.close()
        raise EncryptedFileError(str(path), "tệp PDF được đặt mật khẩu; hãy gỡ mật khẩu rồi nạp lại")
    if doc.is_repaired and b"%%EOF" not in data[-2048:]:
        doc.close()
        raise ParseError(str(path), "tệp PDF bị cắt cụt (thiếu phần cuối %%EOF); hãy lấy lại bản đầy đủ")
    if doc.page_count == 0:
        doc.close()
        raise ParseError(str(path), "tệp PDF không có trang nào")
    return doc


def _page_content(doc: pymupdf.Document, page_no: int, path: Path, settings: Settings,
                  warnings: list[str]) -> list[layout.Line] | str:
    """The lines of the page's text layer, else its OCR text ("" when there is none)."""
    try:
        page = doc[page_no - 1]
        textpage = page.get_textpage(flags=_TEXT_FLAGS)
        lines = layout.drop_furniture(layout.page_lines(page.get_text("dict", textpage=textpage),
                                                        page.get_text("words", textpage=textpage)),
                                      page.rect.height)
        lines = layout.footnote_notes(lines, page.rect.height)
        if page_no == 1:
            lines = layout.header_columns(lines, page.rect.x0, page.rect.x1)
    except _PDF_ERRORS as exc:
        warnings.append(f"trang {page_no}: không đọc được lớp văn bản ({exc})")
        return ""
    if lines:
        return lines
    if not settings.ocr:
        warnings.append(f"trang {page_no}: không có lớp văn bản, OCR đang tắt (cài đặt ocr)")
        return ""
    missing = tesseract_missing()
    if missing:
        warnings.append(f"trang {page_no}: không có lớp văn bản, {missing}")
        return ""
    try:
        png = page.get_pixmap(dpi=OCR_DPI, colorspace=pymupdf.csGRAY).tobytes("png")
        text = ocr_png(png, f"{path} (trang {page_no})")
    except ParseError as exc:
        warnings.append(f"trang {page_no}: OCR thất bại: {exc.reason}")
        return ""
    except _PDF_ERRORS as exc:
        warnings.append(f"trang {page_no}: không dựng được ảnh trang để OCR ({exc})")
        return ""
    warnings.append(f"trang {page_no}: không có lớp văn bản, đã nhận dạng bằng OCR (Tesseract vie)")
    return text


def _paragraphs(contents: list[list[layout.Line] | str], widths: list[tuple[float, float]]
                ) -> tuple[list[str], list[bool]]:
    """Per page: its text with wrapped lines joined, and whether its first paragraph continues the
    previous page's last one."""
    text_pages = [c if isinstance(c, list) else [] for c in contents]
    frames = layout.frames(list(zip(widths, text_pages)))
    doc_style = layout.style(text_pages, frames)
    texts: list[str] = []
    runs_on: list[bool] = []
    last: list[layout.Line] | None = None        # last paragraph of the previous page
    last_frame = None
    for content, frame in zip(contents, frames):
        if isinstance(content, str):                 # OCR text (or nothing): hard line breaks joined
            texts.append(reflow(normalise(content)))
            runs_on.append(False)
            last = None
            continue
        paragraphs = layout.join_page(content, frame, doc_style)   # no frame: only rotated text
        runs_on.append(last is not None and last_frame is not None and frame is not None and layout.continues(
            last[-1], paragraphs[0][0], last_frame, frame, same_page=False, style=doc_style,
            prev_opens=len(last) == 1))
        texts.append(normalise("\n".join(layout.paragraph_text(p) for p in paragraphs)))
        last, last_frame = paragraphs[-1], frame
    return texts, runs_on


def read(path: Path, data: bytes, settings: Settings, fmt: str = "pdf") -> RawDocument:
    doc = _open(path, data)
    warnings: list[str] = []
    parts: list[str] = []
    pages: list[tuple[int, int, int]] = []
    separators: list[str] = []
    pos = 0
    try:
        metadata = {key: doc.metadata[src] for src, key in _META_KEYS.items()
                    if doc.metadata and doc.metadata.get(src)}
        metadata["page_count"] = doc.page_count
        contents = [_page_content(doc, i + 1, path, settings, warnings) for i in range(doc.page_count)]
        widths = [(doc[i].rect.x0, doc[i].rect.x1) for i in range(doc.page_count)]
        texts, runs_on = _paragraphs(contents, widths)
        for page_no, (text, joined) in enumerate(zip(texts, runs_on), start=1):
            if text and parts:
                separators.append(layout.joiner(parts[-1]) if joined else "\n")
                pos += len(separators[-1])   # what joins this page to the previous one
            start = pos
            if text:
                parts.append(text)
                pos += len(text)
            pages.append((page_no, start, pos))
    finally:
        doc.close()
    text = "".join(sep + part for sep, part in zip([""] + separators, parts))
    return RawDocument(text=text, source_path=str(path), format=fmt, checksum="",
                       pages=pages, metadata=metadata, warnings=warnings)
