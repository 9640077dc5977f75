"""Page images (.png, .jpg/.jpeg, .tif/.tiff): OCR with Tesseract 'vie', one page per image frame.

pymupdf opens the image (a multi-page TIFF gives one page per frame) and renders it as a grey PNG
at its own resolution for Tesseract, the way scanned PDF pages are read (readers/pdf.py).
"""
from __future__ import annotations

from pathlib import Path

import pymupdf

from ktgs.errors import ParseError
from ktgs.ingest.raw import RawDocument
from ktgs.ingest.readers.ocr import ocr_png, tesseract_missing
from ktgs.ingest.text import normalise
from ktgs.settings import Settings

_IMAGE_ERRORS = (pymupdf.FileDataError, pymupdf.EmptyFileError, pymupdf.mupdf.FzErrorBase, RuntimeError, ValueError)


def _pages_png(path: Path, data: bytes) -> list[bytes]:
    try:
        doc = pymupdf.open(stream=data, filetype=path.suffix.lower().lstrip(".") or "png")
        try:
            return [page.get_pixmap(colorspace=pymupdf.csGRAY).tobytes("png") for page in doc]
        finally:
            doc.close()
    except _IMAGE_ERRORS as exc:
        raise ParseError(str(path), f"ảnh hỏng hoặc không phải ảnh {path.suffix} ({exc})") from exc


def read(path: Path, data: bytes, settings: Settings, fmt: str = "image") -> RawDocument:
    if not settings.ocr:
        raise ParseError(str(path), "tệp ảnh cần OCR nhưng OCR đang tắt (cài đặt ocr)")
    missing = tesseract_missing()
    if missing:
        raise ParseError(str(path), f"tệp ảnh cần OCR: {missing}")
    parts, pages, warnings, pos = [], [], [], 0
    for page_no, png in enumerate(_pages_png(path, data), start=1):
        text = normalise(ocr_png(png, f"{path} (trang {page_no})"))
        if parts and text:
            pos += 1
        pages.append((page_no, pos, pos + len(text)))
        if text:
            parts.append(text)
            pos += len(text)
    warnings.append(f"{len(pages)} trang ảnh, đã nhận dạng bằng OCR (Tesseract vie); có thể có lỗi nhận dạng")
    return RawDocument(text="\n".join(parts), source_path=str(path), format=fmt, checksum="", pages=pages,
                       metadata={"page_count": len(pages)}, warnings=warnings)
