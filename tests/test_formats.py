"""The formats added for real documents (.doc through antiword, page images through Tesseract) on
bad input: each failure is a typed error with a Vietnamese reason for that file only; and the
shared table rule of .docx, .doc and HTML. Fictitious content is marked as such."""
from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from ktgs.errors import ParseError, UnsupportedFormatError
from ktgs.ingest.header import header_segments
from ktgs.ingest.parse import parse_paths
from ktgs.ingest.readers import doc as doc_reader
from ktgs.ingest.readers import read_document
from ktgs.ingest.readers.crawl import clean_crawl
from ktgs.ingest.readers.tables import layout_table_lines
from ktgs.settings import Settings

SETTINGS = Settings()
MARK = "(VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử)"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _script(tmp_path: Path, body: str) -> Path:
    exe = tmp_path / "fake-antiword"
    exe.write_text("#!/bin/sh\n" + body + "\n")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return exe


def test_hanging_converter_is_stopped_and_reported_for_that_file(tmp_path, monkeypatch):
    monkeypatch.setattr(doc_reader, "CONVERTER", str(_script(tmp_path, "sleep 30")))
    monkeypatch.setattr(doc_reader, "TIMEOUT_S", 0.5)
    bad = tmp_path / "treo.doc"
    bad.write_bytes(OLE + os.urandom(4096))
    good = tmp_path / "tot.txt"
    good.write_text(f"Một đoạn văn bản. {MARK}\n", encoding="utf-8")
    results = {p.name: (res, err) for p, res, err in parse_paths([tmp_path], SETTINGS, progress=False)}
    assert results["tot.txt"][1] is None and results["tot.txt"][0].units
    err = results["treo.doc"][1]
    assert isinstance(err, ParseError) and "không đọc xong tệp .doc sau 0.5 giây (đã dừng)" in err.reason


def test_crashing_converter_is_a_parse_error(tmp_path, monkeypatch):
    monkeypatch.setattr(doc_reader, "CONVERTER", str(_script(tmp_path, "echo 'bad file' >&2; exit 3")))
    path = tmp_path / "hong.doc"
    path.write_bytes(OLE + os.urandom(2048))
    with pytest.raises(ParseError, match=r"tệp Word cũ \(.doc\) hỏng, .* không đọc được \(mã 3: bad file\)"):
        read_document(path, SETTINGS)


@pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword is not installed")
def test_corrupt_doc_with_real_antiword(tmp_path):
    path = tmp_path / "hong-that.doc"
    path.write_bytes(OLE + os.urandom(8192))
    with pytest.raises(ParseError, match="tệp Word cũ"):
        read_document(path, SETTINGS)


def test_missing_converter_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(doc_reader, "CONVERTER", "khong-co-antiword-nay")
    path = tmp_path / "cu.doc"
    path.write_bytes(OLE + os.urandom(2048))
    with pytest.raises(ParseError, match="chưa cài khong-co-antiword-nay"):
        read_document(path, SETTINGS)


def test_not_a_doc_and_rtf_named_doc(tmp_path):
    text = tmp_path / "van-ban.doc"
    text.write_bytes(b"plain text, not Word")
    with pytest.raises(ParseError, match="không phải tệp Word 97-2003"):
        read_document(text, SETTINGS)
    rtf = tmp_path / "rtf.doc"
    rtf.write_bytes(b"{\\rtf1\\ansi fictitious}")
    with pytest.raises(UnsupportedFormatError, match="RTF"):
        read_document(rtf, SETTINGS)


def test_bad_images(tmp_path):
    fake = tmp_path / "anh.png"
    fake.write_bytes(os.urandom(4096))
    with pytest.raises(ParseError, match="không phải ảnh .png hợp lệ"):
        read_document(fake, SETTINGS)
    truncated = tmp_path / "cut.jpg"
    truncated.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(64))
    with pytest.raises(ParseError, match="ảnh hỏng"):
        read_document(truncated, SETTINGS)
    off = tmp_path / "tat-ocr.png"
    off.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(64))
    with pytest.raises(ParseError, match="OCR đang tắt"):
        read_document(off, SETTINGS.with_(ocr=False))


def test_still_unsupported_format_message(tmp_path):
    path = tmp_path / "bang.rtf"
    path.write_bytes(b"{\\rtf1 fictitious}")
    with pytest.raises(UnsupportedFormatError, match=r"chưa hỗ trợ định dạng '.rtf'; hỗ trợ: .*\.doc.*\.odt.*\.png"):
        read_document(path, SETTINGS)


def test_layout_table_cell_by_cell_data_table_row_by_row():
    header = [["BỘ THỬ NGHIỆM\n-------\nSố: 01/2099/TT-BTN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
               "Độc lập - Tự do - Hạnh phúc\nHà Nội, ngày 1 tháng 1 năm 2099"]]
    assert layout_table_lines(header) == [
        "BỘ THỬ NGHIỆM", "-------", "Số: 01/2099/TT-BTN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 1 tháng 1 năm 2099"]
    data = [["STT", "Nội dung"], ["1", f"Dòng giả định\n{MARK}"]]
    assert layout_table_lines(data) == ["STT | Nội dung", f"1 | Dòng giả định {MARK}"]


def test_header_segments_cut_a_flattened_line():
    text = ("BỘ THỬ NGHIỆM ------- CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc ----\n"
            "Số: 01/2099/TT-BTN\nHà Nội, ngày 1 tháng 1 năm 2099 THÔNG TƯ VỀ THỬ NGHIỆM\n"
            f"Căn cứ … {MARK}")
    assert [s for _, _, s in header_segments(text)] == [
        "BỘ THỬ NGHIỆM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Số: 01/2099/TT-BTN", "Hà Nội, ngày 1 tháng 1 năm 2099", "THÔNG TƯ VỀ THỬ NGHIỆM", f"Căn cứ … {MARK}"]
    for a, b, s in header_segments(text):
        assert text[a:b] == s


def test_crawl_watermark_and_site_notes():
    text = (f"Thông tư thử nghiệm 2099\nĐiều 1. Nội dung {MARK}\n"
            "Thông tư thử nghiệm 2099. Chương II QUY ĐỊNH KHÁC\n"
            "Điều 2. Phạm vi [Phạm vi được hướng dẫn bởi Điều 3 Thông tư 02/2099/TT-BTN có hiệu lực từ ngày 01/01/2099]\n"
            "Thông tư thử nghiệm 2099. Mục 1. MỤC GIẢ ĐỊNH\n")
    out, notes = clean_crawl(text)
    assert out.split("\n") == ["Thông tư thử nghiệm 2099", f"Điều 1. Nội dung {MARK}", "Chương II QUY ĐỊNH KHÁC",
                               "Điều 2. Phạm vi", "Mục 1. MỤC GIẢ ĐỊNH", ""]
    assert notes == ["Phạm vi được hướng dẫn bởi Điều 3 Thông tư 02/2099/TT-BTN có hiệu lực từ ngày 01/01/2099"]


def test_reader_bench_counts_pages_per_reader(tmp_path):
    from ktgs.ingest.bench import PAGE_CHARS, reader_bench, write_pdf

    (tmp_path / "a.txt").write_text(("Một câu giả định. " * 400) + MARK, encoding="utf-8")
    pages = write_pdf(f"ĐỀ ÁN GIẢ ĐỊNH\n{MARK}\n" * 50, tmp_path / "b.pdf")
    (tmp_path / "c.doc").write_bytes(b"not a Word file")
    out = reader_bench(tmp_path, SETTINGS)
    assert PAGE_CHARS == 3000
    assert (out["txt"]["files"], out["txt"]["pages"]) == (1, 2)        # 7,243 characters
    assert (out["pdf"]["files"], out["pdf"]["pages"], out["pdf"]["pages_without_text"]) == (1, pages, 0)
    assert out["errors"] == {"files": 1}
    assert set(out["pdf"]) == {"files", "pages", "seconds", "pages_counted", "pages_without_text", "pages_per_s"}


_ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:text>
<table:table><table:table-row><table:table-cell><text:p>BỘ THỬ NGHIỆM</text:p><text:p>Số: 01/2099/TT-BTN</text:p>
</table:table-cell><table:table-cell><text:p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</text:p>
<text:p>Hà Nội, ngày 1 tháng 1 năm 2099</text:p></table:table-cell></table:table-row></table:table>
<text:h>THÔNG TƯ</text:h><text:p>Về thử nghiệm</text:p>
<text:p>Điều 1. Phạm vi<text:s text:c="2"/>điều chỉnh</text:p><text:p>Nội dung giả định. MARK</text:p>
</office:text></office:body></office:document-content>"""


def _odt(path: Path, content: str) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", content)
    return path


def test_odt_reader_header_table_and_articles(tmp_path):
    from ktgs.ingest.parse import parse_file

    res = parse_file(_odt(tmp_path / "thu.odt", _ODT_CONTENT.replace("MARK", MARK)), SETTINGS)
    d = res.document
    assert d.text.split("\n")[:4] == ["BỘ THỬ NGHIỆM", "Số: 01/2099/TT-BTN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                      "Hà Nội, ngày 1 tháng 1 năm 2099"]
    assert (d.doc_number, d.doc_type, d.issuer, d.issued_date, d.title) == (
        "01/2099/TT-BTN", "thong-tu", "Bộ Thử Nghiệm", "2099-01-01", "Thông tư về thử nghiệm")
    assert [u.heading for u in res.units if u.level == "dieu"] == ["Điều 1. Phạm vi điều chỉnh"]


def test_broken_odt(tmp_path):
    path = _odt(tmp_path / "hong.odt", "<office:document-content")
    with pytest.raises(ParseError, match=r"tài liệu OpenDocument \(.odt\) hỏng"):
        read_document(path, SETTINGS)


def test_party_number_with_spaces_and_ocr_date():
    from ktgs.ingest.header import parse_header

    h = parse_header("TỈNH ỦY THỬ NGHIỆM\nBAN TỔ CHỨC\n*\nSố 38 - HD/BTCTU\nĐẢNG CỘNG SẢN VIỆT NAM\n"
                     "Thử Nghiệm, ngày 2Š tháng I1 năm 2099\nHƯỚNG DẪN\nnghiệp vụ giả định\n\n"
                     f"- Căn cứ … {MARK}\n")
    assert (h.doc_number, h.issuer, h.issued_date, h.place, h.title) == (
        "38-HD/BTCTU", "Ban Tổ chức Tỉnh ủy Thử Nghiệm", "2099-11-25", "Thử Nghiệm", "Hướng dẫn nghiệp vụ giả định")


def test_number_formats_party_vbhn_an_le():
    from ktgs.ingest.references import doc_type_from_number, extract_references, issuer_from_number

    text = ("căn cứ Hướng dẫn số 38 - HD/BTCTW ngày 29/9/2025, Văn bản hợp nhất số 31/VBHN-VPQH và "
            f"Án lệ số 43/2021/AL¹ của Tòa án, Quy định 294-QĐ/TW² {MARK}")
    assert [(r.doc_number, r.doc_type) for r in extract_references(text)] == [
        ("38-HD/BTCTW", "huong-dan"), ("31/VBHN-VPQH", "van-ban-hop-nhat"), ("43/2021/AL", "an-le"),
        ("294-QĐ/TW", "quy-dinh")]
    assert doc_type_from_number("44/VBHN-VPQH") == "van-ban-hop-nhat"
    assert [issuer_from_number(n) for n in ("28/2021/NĐ-CP", "84/2025/QH15", "294-QĐ/TW", "44/VBHN-VPQH")] == [
        "Chính phủ", "Quốc hội", "", "Văn phòng Quốc hội"]
