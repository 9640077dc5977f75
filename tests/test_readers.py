"""Readers on real texts: Markdown front matter, TXT seed, DOCX/PDF/HTML generated from the seed, OCR."""
from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from pathlib import Path

import pytest

from ktgs.ingest.encodings import encode_legacy
from ktgs.ingest.readers import SUPPORTED_SUFFIXES, read_document
from ktgs.ingest.readers.ocr import tesseract_missing
from ktgs.ingest.readers.plaintext import markdown_to_text
from ktgs.ingest.text import normalise
from ktgs.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "corpus" / "de-an-giam-sat-thuong-xuyen-2025-2030.txt"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SETTINGS = Settings()


def _read(path) -> object:
    return read_document(path, SETTINGS)


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    return _read(SEED).text.split("\n")


# --- Markdown and TXT -------------------------------------------------------------------------
def test_markdown_front_matter_and_body(corpus_dir):
    path = corpus_dir / "luat-to-cao-25-2018-QH14.md"
    raw = _read(path)
    assert raw.format == "md"
    assert raw.checksum == hashlib.sha256(path.read_bytes()).hexdigest()
    assert raw.metadata["doc_number"] == "25/2018/QH14"
    assert raw.metadata["doc_type"] == "luat"
    assert raw.metadata["title"] == "Luật Tố cáo"
    assert raw.metadata["issuer"] == "Quốc hội"
    assert raw.metadata["date"] == "2018-06-12"
    assert raw.metadata["completeness"].startswith("full — Điều 1–67")
    assert list(raw.metadata)[:5] == ["title", "doc_number", "issuer", "date", "doc_type"]
    assert raw.text.startswith("Luật Tố cáo (Luật số 25/2018/QH14)\n\nChương I. NHỮNG QUY ĐỊNH CHUNG\n\n"
                               "Điều 1. Phạm vi điều chỉnh\n\nLuật này quy định về tố cáo")
    lines = raw.text.split("\n")
    assert "Điều 30. Thời hạn giải quyết tố cáo" in lines
    assert not any(line.startswith("#") for line in lines)
    # "1. *Tố cáo* là việc …": emphasis gone, list numbering kept
    assert any(line.startswith("1. Tố cáo là việc cá nhân theo thủ tục") for line in lines)
    assert "*" not in raw.text
    assert len([line for line in lines if re.match(r"Điều \d+\. ", line)]) == 67
    assert raw.warnings == []


def test_markdown_front_matter_lists_and_quotes(corpus_dir):
    raw = _read(corpus_dir / "quy-dinh-296-QD-TW-2025.md")
    assert raw.metadata["doc_number"] == "296-QĐ/TW"
    assert raw.metadata["other_sources"] == ["https://www.quanlynhanuoc.vn/?p=51516"]
    lines = raw.text.split("\n")
    assert lines[0] == "Quy định số 296-QĐ/TW ngày 30/5/2025 về công tác kiểm tra, giám sát và kỷ luật của Đảng"
    assert "- Đảng viên đã chuyển công tác, nghỉ việc, nghỉ hưu." in lines   # "> - …" quote + list kept
    assert not any(line.startswith(">") for line in lines)


def test_markdown_markup_rules():
    md = ("VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử\n"
          "## Chương I. QUY ĐỊNH CHUNG ##\n"
          "**Đoạn đậm kéo\nsang dòng sau** và *nghiêng* và ***cả hai***\n"
          "* mục danh sách\n- mục khác\n1. mục số\n"
          "Xem [Điều 3](http://x.vn/a) và `mã` \\*không nghiêng\\*\n---\n<!-- ghi chú -->Hết")
    assert markdown_to_text(md) == (
        "VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử\nChương I. QUY ĐỊNH CHUNG\n"
        "Đoạn đậm kéo\nsang dòng sau và nghiêng và cả hai\n"
        "* mục danh sách\n- mục khác\n1. mục số\nXem Điều 3 và mã *không nghiêng*\n\nHết")


def test_txt_seed_reads_with_structure(seed_lines):
    assert seed_lines[:8] == [
        "ĐỀ ÁN", "",
        # the title's second line (lower case, no marker) is a wrapped line: joined by ingest/reflow.py
        "nâng cao hiệu quả công tác giám sát thường xuyên đáp ứng yêu cầu nhiệm vụ trong tình hình mới, "
        "nhiệm kỳ 2025 - 2030", "",
        "Phần thứ nhất", "", "SỰ CẦN THIẾT VÀ CĂN CỨ XÂY DỰNG ĐỀ ÁN", ""]
    text = "\n".join(seed_lines)
    assert "*" not in text
    assert "¹ Các văn bản của Ban Chấp hành Trung ương" in text      # footnote marks survive
    assert "về công tác kiểm tra, giám sát và kỷ luật của Đảng⁽¹⁾." in text
    assert len(seed_lines) == 297


def _cp1258(text: str) -> bytes:
    """Windows-1258 writes a toned letter as its base (â, ơ, …) plus a combining tone mark."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            tone = "".join(c for c in decomposed if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tone))
            out.append((base + tone).encode("cp1258"))
    return b"".join(out)


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-be", "cp1258"])
def test_text_encodings(tmp_path, corpus_dir, codec):
    source = corpus_dir / "quy-dinh-102-QD-TW-2017.md"
    text = source.read_text(encoding="utf-8")
    data = _cp1258(text) if codec == "cp1258" else text.encode(codec)
    if codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    path = tmp_path / "van-ban.md"
    path.write_bytes(data)
    raw, expected = _read(path), _read(source)
    assert raw.text == expected.text
    assert raw.metadata == expected.metadata
    assert raw.metadata["doc_number"] == "102-QĐ/TW"
    if codec == "cp1258":
        assert raw.warnings == ["tệp không phải UTF-8; đã đọc theo bảng mã Windows-1258"]
    else:
        assert raw.warnings == []


@pytest.mark.parametrize("enc, label", [("tcvn3", "TCVN3 (ABC)"), ("vni", "VNI")])
def test_legacy_encoded_file_is_converted(tmp_path, corpus_dir, enc, label):
    text = normalise((corpus_dir / "luat-to-cao-25-2018-QH14.md").read_text(encoding="utf-8"))
    start = text.index("#### Điều 30. Thời hạn giải quyết tố cáo")
    para = text[text.index("\n", start) + 1:text.index("#### Điều 31.", start)].strip()
    path = tmp_path / f"dieu-30-{enc}.txt"
    path.write_bytes(encode_legacy(para, enc))
    raw = _read(path)
    assert raw.text == para
    assert raw.warnings == [f"tệp dùng bảng mã cũ {label}; đã chuyển sang Unicode"]


# --- DOCX -------------------------------------------------------------------------------------
def test_docx_paragraphs_tables_in_order(tmp_path, seed_lines):
    import docx

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "ĐẦU TRANG GIẢ ĐỊNH – không được đọc"
    d.core_properties.title = "Đề án giám sát thường xuyên"
    d.core_properties.author = "Tỉnh ủy Thái Nguyên"
    for line in seed_lines[:40]:
        d.add_paragraph(line)
    table = d.add_table(rows=2, cols=3)
    cells = [["Năm", "Tổ chức đảng", "Đảng viên"], ["2020 - 2025", "10.755", "7.542"]]  # figures from the seed
    for row, values in zip(table.rows, cells):
        for cell, value in zip(row.cells, values):
            cell.text = value
    for line in seed_lines[40:]:
        d.add_paragraph(line)
    path = tmp_path / "de-an.docx"
    d.save(path)

    raw = _read(path)
    assert raw.format == "docx"
    expected = seed_lines[:40] + ["Năm | Tổ chức đảng | Đảng viên", "2020 - 2025 | 10.755 | 7.542"] + seed_lines[40:]
    assert raw.text.split("\n") == expected
    assert "ĐẦU TRANG GIẢ ĐỊNH" not in raw.text
    assert raw.metadata["title"] == "Đề án giám sát thường xuyên"
    assert raw.metadata["author"] == "Tỉnh ủy Thái Nguyên"
    assert raw.pages == []


# --- PDF --------------------------------------------------------------------------------------
LINES_PER_PAGE = 40


def _write_pdf(path: Path, lines: list[str]) -> list[list[str]]:
    """One PDF line per text line (pages wide enough that nothing wraps); returns the pages' lines."""
    import pymupdf

    doc = pymupdf.open()
    font = pymupdf.Font(fontfile=str(FONT))
    size = 7
    pages = [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    for chunk in pages:
        width = min(14000, max(font.text_length(line, fontsize=size) for line in chunk) + 72)
        page = doc.new_page(width=width, height=LINES_PER_PAGE * 10 + 72)
        y = 36
        for line in chunk:
            page.insert_text((36, y), line, fontname="dejavu", fontfile=str(FONT), fontsize=size)
            y += 10
    doc.subset_fonts()
    doc.set_metadata({"title": "Đề án giám sát thường xuyên", "author": "Tỉnh ủy Thái Nguyên"})
    doc.save(path, garbage=3, deflate=True)
    doc.close()
    return pages


def test_pdf_lines_and_pages(tmp_path, seed_lines):
    lines = [line for line in seed_lines if line]      # a PDF text layer has no empty lines
    path = tmp_path / "de-an.pdf"
    pages = _write_pdf(path, lines)
    raw = _read(path)
    assert raw.format == "pdf"
    assert raw.text.split("\n") == lines
    assert len(raw.pages) == len(pages) == 4
    assert raw.metadata["title"] == "Đề án giám sát thường xuyên"
    assert raw.metadata["page_count"] == 4
    assert raw.warnings == []
    pos = 0
    for page_no, chunk in enumerate(pages, start=1):
        for line in chunk:
            pos = raw.text.index(line, pos)
            assert raw.page_at(pos) == page_no
        assert raw.text[raw.pages[page_no - 1][1]:raw.pages[page_no - 1][2]] == "\n".join(chunk)


def test_pdf_named_txt_is_read_as_pdf(tmp_path, seed_lines):
    path = tmp_path / "thuc-ra-la-pdf.txt"
    _write_pdf(path, seed_lines[:5])
    raw = _read(path)
    assert raw.format == "pdf"
    assert raw.text.split("\n") == [line for line in seed_lines[:5] if line]
    assert raw.warnings[0] == "tệp có đuôi .txt nhưng nội dung là PDF; đã đọc như PDF"


def _scanned_pdf(path: Path, lines: list[str]) -> None:
    import pymupdf

    src = pymupdf.open()
    page = src.new_page()
    for i, line in enumerate(lines):
        page.insert_text((50, 80 + 30 * i), line, fontname="dejavu", fontfile=str(FONT), fontsize=16)
    png = page.get_pixmap(dpi=200).tobytes("png")
    out = pymupdf.open()
    scan = out.new_page(width=page.rect.width, height=page.rect.height)
    scan.insert_image(scan.rect, stream=png)
    out.save(path)


def test_scanned_pdf_is_ocred(tmp_path):
    missing = tesseract_missing()
    if missing:
        pytest.skip(f"OCR not testable here: {missing}")
    # words of Điều 30 khoản 1, Luật Tố cáo
    lines = ["Điều 30. Thời hạn giải quyết tố cáo", "Thời hạn giải quyết tố cáo là không quá 30 ngày"]
    path = tmp_path / "scan.pdf"
    _scanned_pdf(path, lines)
    raw = _read(path)
    assert raw.warnings == ["trang 1: không có lớp văn bản, đã nhận dạng bằng OCR (Tesseract vie)"]
    for word in ("Điều 30", "Thời hạn giải quyết tố cáo", "không quá 30 ngày"):
        assert word in raw.text
    assert raw.pages == [(1, 0, len(raw.text))]


# --- HTML -------------------------------------------------------------------------------------
def test_html_blocks_to_lines(tmp_path, seed_lines):
    body = [line for line in seed_lines[:30] if line]
    html = ("<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>Đề án  giám sát</title>"
            "<meta name='description' content='Đề án nhiệm kỳ 2025 - 2030'><style>p{color:red}</style>"
            "<script>var x = 'không đọc';</script></head><body><nav>Trang chủ | Tin tức</nav>"
            f"<h1>{body[0]}</h1>" + "".join(f"<p>{line.replace(' ', chr(10) + '  ', 1)}</p>" for line in body[1:])
            + "<table><tr><th>Năm</th><th>Đảng viên</th></tr><tr><td>2020 - 2025</td><td>7.542</td></tr></table>"
            "<p>dòng một<br>dòng hai</p></body></html>")
    path = tmp_path / "de-an.html"
    path.write_text(html, encoding="utf-8")
    raw = _read(path)
    assert raw.format == "html"
    assert raw.metadata == {"title": "Đề án giám sát", "description": "Đề án nhiệm kỳ 2025 - 2030", "lang": "vi"}
    lines = [line for line in raw.text.split("\n") if line]
    assert lines == body + ["Năm | Đảng viên", "2020 - 2025 | 7.542", "dòng một", "dòng hai"]
    assert "không đọc" not in raw.text and "Trang chủ" not in raw.text


def test_supported_suffixes():
    assert {".txt", ".md", ".pdf", ".docx", ".html", ".htm"} <= set(SUPPORTED_SUFFIXES)
