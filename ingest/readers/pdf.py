"""PDF with pymupdf: the text layer page by page, OCR for pages without one.

Pages are normalised one by one and joined with "\\n"; RawDocument.pages records each page's span.
Encrypted files raise EncryptedFileError, corrupt or truncated ones ParseError.
"""
from __future__ import annotations

from pathlib import Path

import pymupdf

from ktgs.errors import EncryptedFileError, ParseError
from ktgs.ingest.raw import RawDocument
from ktgs.ingest.readers.ocr import OCR_DPI, ocr_png, tesseract_missing
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


def _page_text(doc: pymupdf.Document, page_no: int, path: Path, settings: Settings,
               warnings: list[str]) -> str:
    try:
        page = doc[page_no - 1]
        text = page.get_text("text", flags=_TEXT_FLAGS)
    except _PDF_ERRORS as exc:
        warnings.append(f"trang {page_no}: không đọc được lớp văn bản ({exc})")
        return ""
    if text.strip():
        return text
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


def read(path: Path, data: bytes, settings: Settings, fmt: str = "pdf") -> RawDocument:
    doc = _open(path, data)
    warnings: list[str] = []
    parts: list[str] = []
    pages: list[tuple[int, int, int]] = []
    pos = 0
    try:
        metadata = {key: doc.metadata[src] for src, key in _META_KEYS.items()
                    if doc.metadata and doc.metadata.get(src)}
        metadata["page_count"] = doc.page_count
        for index in range(doc.page_count):
            page_no = index + 1
            text = normalise(_page_text(doc, page_no, path, settings, warnings))
            if text and parts:
                pos += 1  # the "\n" joining this page to the previous one
            start = pos
            if text:
                parts.append(text)
                pos += len(text)
            pages.append((page_no, start, pos))
    finally:
        doc.close()
    return RawDocument(text="\n".join(parts), source_path=str(path), format=fmt, checksum="",
                       pages=pages, metadata=metadata, warnings=warnings)
