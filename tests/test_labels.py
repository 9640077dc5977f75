"""Citation labels and notes on real documents."""
from __future__ import annotations

from pathlib import Path

from ktgs.ingest.labels import citation_label, label_notes, sentence_case
from ktgs.ingest.parse import parse_file

SEED = Path(__file__).resolve().parents[1] / "corpus" / "de-an-giam-sat-thuong-xuyen-2025-2030.txt"


def _unit(res, suffix):
    return next(u for u in res.units if u.unit_id == f"{res.document.doc_id}/{suffix}")


def test_law_labels(corpus_dir):
    to_cao = parse_file(corpus_dir / "luat-to-cao-25-2018-QH14.md")
    assert citation_label(_unit(to_cao, "dieu-30/khoan-1"), to_cao.document) == \
        "khoản 1 Điều 30 Luật Tố cáo số 25/2018/QH14"
    assert citation_label(_unit(to_cao, "dieu-30"), to_cao.document) == "Điều 30 Luật Tố cáo số 25/2018/QH14"
    # Mục numbers restart in each Chương: the label names both
    assert citation_label(_unit(to_cao, "chuong-6/muc-1"), to_cao.document) == \
        "Mục 1 Chương VI Luật Tố cáo số 25/2018/QH14"
    assert citation_label(_unit(to_cao, "chuong-3"), to_cao.document) == "Chương III Luật Tố cáo số 25/2018/QH14"
    pctn = parse_file(corpus_dir / "luat-phong-chong-tham-nhung-36-2018-QH14.md")
    assert citation_label(_unit(pctn, "dieu-2/khoan-1/diem-a"), pctn.document) == \
        "điểm a khoản 1 Điều 2 Luật Phòng, chống tham nhũng số 36/2018/QH14"
    assert label_notes(to_cao.document) == []


def test_consolidated_text_label(corpus_dir):
    vbhn = parse_file(corpus_dir / "van-ban-hop-nhat-112-VBHN-VPQH-2025-luat-to-cao.md")
    assert citation_label(_unit(vbhn, "dieu-14"), vbhn.document) == \
        "Điều 14 Văn bản hợp nhất số 112/VBHN-VPQH (Luật Tố cáo)"
    assert citation_label(_unit(vbhn, "dieu-30/khoan-1"), vbhn.document) == \
        "khoản 1 Điều 30 Văn bản hợp nhất số 112/VBHN-VPQH (Luật Tố cáo)"


def test_party_label_and_notes(corpus_dir):
    q102 = parse_file(corpus_dir / "quy-dinh-102-QD-TW-2017.md")
    assert citation_label(_unit(q102, "dieu-1/khoan-2"), q102.document) == "khoản 2 Điều 1 Quy định số 102-QĐ/TW"
    assert label_notes(q102.document) == ["(văn bản trong kho chưa đầy đủ)", "(đã hết hiệu lực)"]
    q69 = parse_file(corpus_dir / "quy-dinh-69-QD-TW-2022.md")
    assert label_notes(q69.document) == ["(văn bản trong kho chưa đầy đủ)"]


def test_de_an_label():
    res = parse_file(SEED)
    title = res.document.title
    assert citation_label(_unit(res, "phan-2/muc-iv"), res.document) == \
        f"Phần thứ hai, mục IV. Kinh phí thực hiện — {title}"
    assert citation_label(_unit(res, "phan-2/muc-ii/2-1"), res.document) == \
        f"Phần thứ hai, mục II. Nhiệm vụ, mục 2.1 — {title}"


def test_sentence_case():
    assert sentence_case("IV. KINH PHÍ THỰC HIỆN") == "IV. Kinh phí thực hiện"
    assert sentence_case("XỬ LÝ KỶ LUẬT ĐẢNG VIÊN VI PHẠM CỦA BỘ CHÍNH TRỊ KHÓA XIII") == \
        "Xử lý kỷ luật đảng viên vi phạm của Bộ Chính trị khóa XIII"
    assert sentence_case("Đã viết thường") == "Đã viết thường"


def test_party_numbered_points_are_cited_as_diem(corpus_dir):
    """Numbered points of a Party Quy định / Hướng dẫn: "điểm 20.2 Quy định số 294-QĐ/TW", a lettered
    item of a point's paragraphs "tiết c) …" (not "Mục")."""
    q294 = parse_file(corpus_dir / "quy-dinh-294-QD-TW-2025.md")
    assert citation_label(_unit(q294, "1-1"), q294.document) == "điểm 1.1 Quy định số 294-QĐ/TW"
    assert citation_label(_unit(q294, "20-2"), q294.document) == "điểm 20.2 Quy định số 294-QĐ/TW"
    assert citation_label(_unit(q294, "10-6-2/doan-3"), q294.document) == "tiết c) điểm 10.6.2 Quy định số 294-QĐ/TW"
    assert _unit(q294, "10-6-2/doan-3").text == "c) Được quản lý hồ sơ, dữ liệu đảng viên."
    hd06 = parse_file(corpus_dir / "huong-dan-06-HD-TW-2025.md")
    assert citation_label(_unit(hd06, "1-1"), hd06.document) == "điểm 1.1 Hướng dẫn số 06-HD/TW"
