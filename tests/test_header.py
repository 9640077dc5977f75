"""Header metadata from the text itself: fictitious headers (marked as such) and the real files."""
from __future__ import annotations

from pathlib import Path

from ktgs.ingest.header import parse_header
from ktgs.ingest.parse import parse_file, parse_text
from ktgs.ingest.raw import RawDocument

SEED = Path(__file__).resolve().parents[1] / "corpus" / "de-an-giam-sat-thuong-xuyen-2025-2030.txt"
MARK = "(VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử)"


def test_party_header_fictitious():
    text = ("BAN CHẤP HÀNH TRUNG ƯƠNG\nĐẢNG CỘNG SẢN VIỆT NAM\n*\nSố 901-QĐ/TW\n"
            "Hà Nội, ngày 30 tháng 5 năm 2025\n\nQUY ĐỊNH\nVỀ CÔNG TÁC THỬ NGHIỆM CỦA BỘ CHÍNH TRỊ\n\n"
            f"- Căn cứ Điều lệ Đảng; {MARK}\n")
    h = parse_header(text)
    assert (h.issuer, h.doc_number, h.place, h.issued_date) == (
        "Ban Chấp hành Trung ương", "901-QĐ/TW", "Hà Nội", "2025-05-30")
    assert (h.doc_type, h.type_word) == ("quy-dinh", "QUY ĐỊNH")
    assert h.title == "Quy định về công tác thử nghiệm của Bộ Chính trị"
    assert text[h.body_start:].startswith("- Căn cứ Điều lệ Đảng;")


def test_stacked_issuer_and_colon_number_fictitious():
    text = ("TỈNH ỦY THÁI NGUYÊN\nỦY BAN KIỂM TRA\nSố: 15-HD/UBKTTU\nĐẢNG CỘNG SẢN VIỆT NAM\n"
            "Thái Nguyên, 3/2/2026\nHƯỚNG DẪN\nvề giám sát thử nghiệm\n\n"
            f"I. NỘI DUNG\n\n1. Nội dung giả định. {MARK}\n")
    h = parse_header(text)
    assert h.issuer == "Ủy ban Kiểm tra Tỉnh ủy Thái Nguyên"
    assert (h.doc_number, h.place, h.issued_date) == ("15-HD/UBKTTU", "Thái Nguyên", "2026-02-03")
    assert (h.doc_type, h.title) == ("huong-dan", "Hướng dẫn về giám sát thử nghiệm")
    res = parse_text(RawDocument(text=text, source_path="gia-dinh.txt", format="txt", checksum=""))
    assert res.document.doc_id == "15-HD-UBKTTU-2026"
    assert [u.unit_id for u in res.units] == ["15-HD-UBKTTU-2026/muc-i", "15-HD-UBKTTU-2026/muc-i/1"]


def test_law_header_fictitious():
    text = ("QUỐC HỘI\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Luật số: 99/2099/QH99\nHà Nội, ngày 1 tháng 1 năm 2099\n\nLUẬT\nTHỬ NGHIỆM\n\n"
            f"Căn cứ Hiến pháp; {MARK}\n\nChương I\nNHỮNG QUY ĐỊNH CHUNG\n\nĐiều 1. Phạm vi điều chỉnh\n"
            "Luật này là giả định.\n")
    h = parse_header(text)
    assert (h.issuer, h.doc_number, h.doc_type, h.title) == ("Quốc hội", "99/2099/QH99", "luat", "Luật Thử nghiệm")
    res = parse_text(RawDocument(text=text, source_path="gia-dinh.txt", format="txt", checksum=""))
    units = {u.unit_id: u for u in res.units}
    assert res.document.doc_id == "99-2099-QH99"
    assert units["99-2099-QH99/chuong-1"].heading == "Chương I. NHỮNG QUY ĐỊNH CHUNG"
    assert units["99-2099-QH99/mo-dau"].text.startswith("Căn cứ Hiến pháp;")
    assert units["99-2099-QH99/dieu-1"].path == ["Chương I", "Điều 1"]


def test_real_party_header_and_front_matter_precedence(corpus_dir):
    raw_header = parse_header((corpus_dir / "quy-dinh-102-QD-TW-2017.md").read_text(encoding="utf-8")
                              .split("---\n", 2)[2])
    assert (raw_header.doc_number, raw_header.issued_date, raw_header.place) == ("102-QĐ/TW", "2017-11-15", "Hà Nội")
    assert raw_header.title == "Quy định xử lý kỷ luật đảng viên vi phạm"
    doc = parse_file(corpus_dir / "quy-dinh-102-QD-TW-2017.md").document
    assert doc.issuer == "Bộ Chính trị (khóa XII)"          # front matter wins over the header
    assert doc.place == "Hà Nội" and doc.doc_id == "102-QD-TW-2017"
    hd = parse_file(corpus_dir / "huong-dan-06-HD-UBKTTW-2018.md")
    units = {u.unit_id for u in hd.units}
    assert {"06-HD-UBKTTW-2018/dieu-2/khoan-11", "06-HD-UBKTTW-2018/dieu-3/khoan-6"} <= units


def test_seed_header():
    h = parse_header(SEED.read_text(encoding="utf-8"))
    assert (h.doc_type, h.doc_number, h.issuer) == ("de-an", "", "")
    assert h.title.startswith("Đề án nâng cao hiệu quả công tác giám sát thường xuyên")
