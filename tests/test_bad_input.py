"""Bad input gives a typed ktgs error with a readable reason (or a sensible result), never a crash."""
from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import pytest

from ktgs.errors import (
    EmptyFileError, EncryptedFileError, FileTooLargeError, KtgsError, ParseError, UnsupportedFormatError,
)
from ktgs.ingest.encodings import encode_legacy
from ktgs.ingest.readers import read_document
from ktgs.ingest.text import normalise
from ktgs.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "corpus" / "de-an-giam-sat-thuong-xuyen-2025-2030.txt"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SETTINGS = Settings()
FICTITIOUS = ("VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử. một đoạn văn liền mạch không có tiêu đề, "
              "không có điều khoản, không có số hiệu, chỉ là những câu nối tiếp nhau")


def _valid_pdf(path: Path, pages: int = 3) -> bytes:
    import pymupdf

    lines = [line for line in SEED.read_text(encoding="utf-8").split("\n") if line][:pages * 10]
    doc = pymupdf.open()
    for p in range(pages):
        page = doc.new_page()
        for i, line in enumerate(lines[p * 10:(p + 1) * 10]):
            page.insert_text((36, 50 + 14 * i), line[:80], fontname="dejavu", fontfile=FONT, fontsize=8)
    doc.save(path)
    return path.read_bytes()


def _expect(path: Path, error: type[KtgsError], *words: str, settings: Settings = SETTINGS) -> KtgsError:
    with pytest.raises(error) as info:
        read_document(path, settings)
    assert isinstance(info.value, ParseError)
    assert info.value.path == str(path)
    for word in words:
        assert word in info.value.reason
    return info.value


@pytest.mark.parametrize("name", ["rong.txt", "rong.md", "rong.pdf", "rong.docx", "rong.html"])
def test_empty_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    _expect(path, EmptyFileError, "tệp rỗng")


def test_whitespace_only_file(tmp_path):
    path = tmp_path / "trang.txt"
    path.write_text(" \n\t\r\n\u00a0\u200b\n", encoding="utf-8")
    _expect(path, EmptyFileError, "không có nội dung")


def test_front_matter_only_markdown_is_empty(tmp_path):
    path = tmp_path / "chi-co-phan-dau.md"
    path.write_text('---\ntitle: "VĂN BẢN GIẢ ĐỊNH"\n---\n\n', encoding="utf-8")
    _expect(path, EmptyFileError)


def test_corrupt_bytes_named_pdf(tmp_path):
    path = tmp_path / "hong.pdf"
    path.write_bytes(os.urandom(4096))
    _expect(path, ParseError, "PDF")


def test_pdf_header_then_garbage(tmp_path):
    path = tmp_path / "hong2.pdf"
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(4096))
    _expect(path, ParseError, "PDF hỏng")


def test_truncated_pdf(tmp_path):
    data = _valid_pdf(tmp_path / "du.pdf")
    path = tmp_path / "cat-cut.pdf"
    path.write_bytes(data[:len(data) // 2])
    _expect(path, ParseError, "cắt cụt")


def test_encrypted_pdf(tmp_path):
    import pymupdf

    _valid_pdf(tmp_path / "du.pdf")
    doc = pymupdf.open(tmp_path / "du.pdf")
    path = tmp_path / "mat-khau.pdf"
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="user", owner_pw="owner")
    _expect(path, EncryptedFileError, "mật khẩu")


def test_owner_password_only_pdf_reads(tmp_path):
    import pymupdf

    _valid_pdf(tmp_path / "du.pdf", pages=1)
    doc = pymupdf.open(tmp_path / "du.pdf")
    path = tmp_path / "chi-cam-sua.pdf"
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner")
    raw = read_document(path, SETTINGS)
    assert raw.text.startswith("ĐỀ ÁN\n")


def test_huge_sparse_file_refused_without_reading(tmp_path):
    path = tmp_path / "rat-lon.pdf"
    with open(path, "wb") as f:
        f.truncate(200 * 1024 * 1024)
    start = time.perf_counter()
    _expect(path, FileTooLargeError, "200.0 MB", "100 MB")
    assert time.perf_counter() - start < 1.0
    _expect(path, FileTooLargeError, "50 MB", settings=SETTINGS.with_(max_file_mb=50))


def test_random_binary_named_docx(tmp_path):
    path = tmp_path / "nhi-phan.docx"
    path.write_bytes(os.urandom(8192))
    _expect(path, ParseError, "không phải tài liệu Word")


def test_old_doc_renamed_docx(tmp_path):
    path = tmp_path / "cu.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2048))
    _expect(path, UnsupportedFormatError, ".doc")


def test_zip_that_is_not_docx(tmp_path):
    path = tmp_path / "nen.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "VĂN BẢN GIẢ ĐỊNH")
    _expect(path, ParseError, "word/document.xml")


def test_docx_with_broken_xml(tmp_path):
    import docx

    good = tmp_path / "tot.docx"
    d = docx.Document()
    d.add_paragraph(FICTITIOUS)
    d.save(good)
    path = tmp_path / "xml-hong.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data[:len(data) // 2] if item.filename == "word/document.xml" else data)
    _expect(path, ParseError, "tài liệu Word hỏng")


def test_random_binary_named_txt(tmp_path):
    path = tmp_path / "nhi-phan.txt"
    path.write_bytes(os.urandom(4096))
    _expect(path, ParseError, "tệp nhị phân")


def test_unknown_extension(tmp_path):
    path = tmp_path / "bang.xlsx"
    path.write_bytes(b"PK\x03\x04")
    _expect(path, UnsupportedFormatError, ".xlsx", ".docx")


def test_missing_file(tmp_path):
    _expect(tmp_path / "khong-co.txt", ParseError, "không tìm thấy")


def test_tcvn3_text_is_converted_with_warning(tmp_path, corpus_dir):
    text = normalise((corpus_dir / "luat-khieu-nai-02-2011-QH13.md").read_text(encoding="utf-8"))
    start = text.index("#### Điều 8.")
    para = text[text.index("\n", start) + 1:text.index("#### Điều 9.", start)].strip()
    path = tmp_path / "cu-tcvn3.txt"
    path.write_bytes(encode_legacy(para, "tcvn3"))
    raw = read_document(path, SETTINGS)
    assert raw.text == para
    assert raw.warnings == ["tệp dùng bảng mã cũ TCVN3 (ABC); đã chuyển sang Unicode"]


def test_text_without_any_structure_reads_fine(tmp_path):
    path = tmp_path / "khong-cau-truc.txt"
    path.write_text(FICTITIOUS, encoding="utf-8")
    raw = read_document(path, SETTINGS)
    assert raw.text == FICTITIOUS
    assert raw.warnings == [] and raw.pages == [] and raw.metadata == {}


def test_broken_front_matter_is_a_warning(tmp_path):
    path = tmp_path / "yaml-hong.md"
    path.write_text('---\ntitle: "chưa đóng ngoặc\ndoc_type: [\n---\n' + FICTITIOUS + "\n", encoding="utf-8")
    raw = read_document(path, SETTINGS)
    assert raw.text == FICTITIOUS
    assert raw.metadata == {}
    assert raw.warnings[0].startswith("phần đầu YAML (front matter) không đọc được")


def test_image_only_pdf_without_ocr_is_empty_with_reason(tmp_path):
    import pymupdf

    src = pymupdf.open()
    page = src.new_page()
    page.insert_text((50, 80), "VĂN BẢN GIẢ ĐỊNH", fontname="dejavu", fontfile=FONT, fontsize=16)
    png = page.get_pixmap(dpi=72).tobytes("png")
    out = pymupdf.open()
    out.new_page().insert_image(pymupdf.Rect(0, 0, 595, 842), stream=png)
    path = tmp_path / "anh.pdf"
    out.save(path)
    _expect(path, EmptyFileError, "trang 1: không có lớp văn bản, OCR đang tắt",
            settings=SETTINGS.with_(ocr=False))
