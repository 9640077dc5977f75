"""File readers: one file -> RawDocument (normalised text, pages, metadata, warnings).

read_document() checks size and emptiness before parsing, then picks the reader by extension AND
content: a PDF named .txt is read as PDF, a random binary named .docx is refused. Each reader module
exposes `read(path, data, settings, fmt) -> RawDocument`; third-party parser exceptions are turned
into ParseError subclasses there, so callers only ever see ktgs.errors types.
"""
from __future__ import annotations

import hashlib
import importlib
import zipfile
from dataclasses import replace
from io import BytesIO
from pathlib import Path
from typing import Protocol

from ktgs.errors import EmptyFileError, FileTooLargeError, ParseError, UnsupportedFormatError
from ktgs.ingest.raw import RawDocument
from ktgs.settings import Settings, load_settings

_FORMAT_BY_SUFFIX = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
    ".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".doc": "doc", ".odt": "odt",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image",
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_FORMAT_BY_SUFFIX)
_READER_MODULES = {"txt": "plaintext", "md": "plaintext", "pdf": "pdf", "docx": "docx", "html": "html",
                   "doc": "doc", "image": "image", "odt": "odt"}
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")



class Reader(Protocol):
    """What each reader module provides (plaintext, pdf, docx, doc, odt, html, image)."""

    def read(self, path: Path, data: bytes, settings: Settings, fmt: str) -> RawDocument: ...


ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Office files (.doc, .xls)
_MB = 1024 * 1024


def read_document(path: str | Path, settings: Settings | None = None) -> RawDocument:
    """Read one file into a RawDocument. Raises ParseError subclasses with a Vietnamese reason."""
    settings = settings or load_settings()
    p = Path(path)
    if not p.is_file():
        raise ParseError(str(p), "không tìm thấy tệp" if not p.exists() else "không phải là tệp")
    suffix = p.suffix.lower()
    if suffix not in _FORMAT_BY_SUFFIX:
        raise UnsupportedFormatError(
            str(p), f"chưa hỗ trợ định dạng '{suffix or '(không có đuôi)'}'; hỗ trợ: {', '.join(SUPPORTED_SUFFIXES)}")
    size = p.stat().st_size
    if size > settings.max_file_mb * _MB:
        raise FileTooLargeError(
            str(p), f"tệp {size / _MB:.1f} MB vượt giới hạn {settings.max_file_mb} MB (cài đặt max_file_mb)")
    if size == 0:
        raise EmptyFileError(str(p), "tệp rỗng (0 byte)")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ParseError(str(p), f"không đọc được tệp: {exc.strerror or exc}") from exc

    fmt, notes = sniff_format(p, data, _FORMAT_BY_SUFFIX[suffix])
    reader = importlib.import_module(f"ktgs.ingest.readers.{_READER_MODULES[fmt]}")
    raw = reader.read(p, data, settings, fmt)
    if not raw.text.strip():
        reason = "không có nội dung văn bản"
        if raw.warnings:
            reason += " (" + "; ".join(raw.warnings) + ")"
        raise EmptyFileError(str(p), reason)
    return replace(raw, source_path=str(p), checksum=hashlib.sha256(data).hexdigest(),
                   warnings=notes + raw.warnings)


def sniff_format(path: Path, data: bytes, by_suffix: str) -> tuple[str, list[str]]:
    """The format to read `data` as, given its extension; refuses content that contradicts it."""
    content = _content_kind(data)
    where = str(path)
    if by_suffix == "pdf":
        if content != "pdf" and b"%PDF-" not in data[:1024]:
            raise ParseError(where, "không phải tệp PDF hợp lệ (thiếu phần đầu %PDF); tệp hỏng hoặc sai đuôi")
        return "pdf", []
    if by_suffix == "docx":
        if content == "docx":
            return "docx", []
        if content == "ole":
            raise UnsupportedFormatError(
                where, "đây là tệp Word cũ (.doc) mang đuôi .docx; hãy mở bằng Word và lưu lại dạng .docx")
        if content == "zip":
            raise ParseError(where, "tệp ZIP nhưng không phải tài liệu Word (.docx): thiếu word/document.xml")
        raise ParseError(where, "không phải tài liệu Word .docx hợp lệ (nội dung không phải định dạng OOXML)")
    if by_suffix == "odt":
        if content == "odt":
            return "odt", []
        if content == "docx":
            return "docx", [f"tệp có đuôi {path.suffix} nhưng nội dung là DOCX; đã đọc như DOCX"]
        raise ParseError(where, "không phải tài liệu OpenDocument (.odt) hợp lệ; tệp hỏng hoặc sai đuôi")
    if by_suffix == "doc":
        if content == "ole":
            return "doc", []
        if content in ("pdf", "docx"):
            return content, [f"tệp có đuôi {path.suffix} nhưng nội dung là {content.upper()}; đã đọc như {content.upper()}"]
        if content == "text" and data.lstrip()[:5] == b"{\\rtf":
            raise UnsupportedFormatError(where, "tệp RTF mang đuôi .doc; chưa hỗ trợ RTF, hãy lưu lại dạng .docx")
        raise ParseError(where, "không phải tệp Word 97-2003 (.doc) hợp lệ; tệp hỏng hoặc sai đuôi")
    if by_suffix == "image":
        if content == "image":
            return "image", []
        if content == "pdf":
            return "pdf", [f"tệp có đuôi {path.suffix} nhưng nội dung là PDF; đã đọc như PDF"]
        raise ParseError(where, f"không phải ảnh {path.suffix} hợp lệ; tệp hỏng hoặc sai đuôi")
    # txt, md, html: trust recognisable content over the name
    if content in ("pdf", "docx"):
        return content, [f"tệp có đuôi {path.suffix} nhưng nội dung là {content.upper()}; đã đọc như {content.upper()}"]
    if content in ("zip", "ole", "binary", "image", "odt"):
        raise ParseError(where, f"tệp nhị phân, không phải văn bản {path.suffix} (tệp hỏng hoặc sai đuôi)")
    return by_suffix, []


def _content_kind(data: bytes) -> str:
    head = data[:1024]
    if head.lstrip().startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as zf:
                names = zf.namelist()
                if "word/document.xml" in names:
                    return "docx"
                if "content.xml" in names and "mimetype" in names and zf.read("mimetype").strip() == ODT_MIMETYPE:
                    return "odt"
                return "zip"
        except (zipfile.BadZipFile, OSError):
            return "binary"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    from ktgs.ingest.readers.plaintext import has_text_bom

    if has_text_bom(head):
        return "text"
    if b"\x00" in head:
        return "binary"
    # TCVN3 uses a few C0 bytes for capitals; real binaries have far more control bytes than that
    controls = sum(1 for b in head if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D))
    return "binary" if controls > max(3, len(head) // 20) else "text"
