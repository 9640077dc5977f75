"""The real files of ../shared/real-docs (read in place) against EXPECTED.tsv, and exact tests of the
header and structure parsers on their text."""
from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, SHARED
from real_docs_check import compare, expected_rows, report, run

REAL = SHARED / "real-docs"
FILES = REAL / "files"
pytestmark = pytest.mark.skipif(not FILES.is_dir(), reason=f"real documents not found at {REAL}")
NEEDS_OCR = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed (OCR)")
NEEDS_ANTIWORD = pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword is not installed (.doc)")


@functools.cache
def _parse(name: str):
    """Parsed once per session (read-only use in the tests)."""
    from ktgs.ingest.parse import parse_file

    return parse_file(FILES / name)


@NEEDS_OCR
@NEEDS_ANTIWORD
def test_expected_cells_at_least_95_percent():
    cells, errors = run(REAL, lambda path: _parse(path.name))
    print(report(cells, errors))
    assert not errors, errors
    right = sum(c.ok for c in cells)
    assert len(cells) >= 110
    assert right / len(cells) >= 0.95, report(cells, errors)


def test_cli_parse_json_matches_expected_row():
    row = next(r for r in expected_rows(REAL) if r["file"].startswith("39_"))
    exe = Path(sys.executable).with_name("ktgs")        # the installed console script
    out = subprocess.run([str(exe), "parse", "--json", "--quiet", str(FILES / row["file"])],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"doc_number", "doc_type", "issuer", "issued_date", "title"} <= set(data["document"])
    from ktgs.contracts import Document, ParseResult, Unit

    res = ParseResult(Document.from_dict(data["document"]), [Unit.from_dict(u) for u in data["units"]])
    cells = compare(row, res)
    assert [c for c in cells if not c.ok] == []
    assert len(cells) == 6


def test_docx_header_table():
    d = _parse("09_ND-19-2019-ND-CP_ho-hui-bieu-phuong.docx").document
    assert (d.doc_number, d.doc_type, d.issuer, d.issued_date, d.place) == (
        "19/2019/NĐ-CP", "nghi-dinh", "Chính phủ", "2019-02-19", "Hà Nội")
    assert d.title == "Nghị định về họ, hụi, biêu, phường"


def test_docx_data_tables_stay_rows_of_their_unit():
    res = _parse("07_ND-03-2026-ND-CP_quy-xa-hoi-tu-thien.docx")
    dieu = [u for u in res.units if u.level == "dieu"]
    assert len(dieu) == len({u.path[-1] for u in dieu}) == 56   # the model charters' "Điều 1." are appendix
    appendix = [u for u in res.units if u.unit_id.startswith("03-2026-ND-CP/phu-luc/")]
    assert appendix[0].text.startswith("Phụ lục I\nDANH MỤC MẪU VĂN BẢN ÁP DỤNG CHO QUỸ")
    assert dieu[-1].text.endswith("chịu trách nhiệm thi hành Nghị định này.")      # no signature inside
    assert (res.document.signer, res.document.recipients[0]) == ("Phạm Thị Thanh Trà", "Ban Bí thư Trung ương Đảng")
    rows = [ln for ln in res.document.text.split("\n") if " | " in ln]
    assert rows and all(any(r in u.text for u in res.units) for r in rows[:20])


def test_two_column_pdf_header_by_position():
    from ktgs.ingest.readers import read_document

    text = read_document(FILES / "01_QD-294-QD-TW_2025_thi-hanh-Dieu-le-Dang.pdf").text
    assert text.split("\n")[:7] == ["BAN CHẤP HÀNH TRUNG ƯƠNG", "*", "Số 294-QĐ/TW", "ĐẢNG CỘNG SẢN VIỆT NAM",
                                    "---------------", "Hà Nội, ngày 26 tháng 5 năm 2025", "QUY ĐỊNH"]
    d = _parse("01_QD-294-QD-TW_2025_thi-hanh-Dieu-le-Dang.pdf").document
    assert (d.doc_number, d.issued_date, d.issuer) == ("294-QĐ/TW", "2025-05-26", "Ban Chấp hành Trung ương")


def test_draft_party_number_and_day_left_blank():
    d = _parse("04_HD-BTCTU-HaNoi_11-2025_nghiep-vu-TCD-DV_chua-so.pdf").document
    assert (d.doc_number, d.issued_date, d.doc_type) == ("", "", "huong-dan")
    assert d.issuer == "Ban Tổ chức Thành ủy Hà Nội"
    assert d.title == "Hướng dẫn nghiệp vụ công tác tổ chức đảng và đảng viên"


def test_cong_bao_running_heads_and_stamp_are_furniture():
    res = _parse("22_BLHS-100-2015-QH13_Cong-bao_P1.pdf")
    text = res.document.text
    assert "CÔNG BÁO/Số" not in text and "Thời gian ký" not in text and "Ký bởi" not in text
    assert text.startswith("QUỐC HỘI\nLuật số: 100/2015/QH13\n")
    d = res.document
    assert (d.doc_number, d.doc_type, d.issuer, d.title) == ("100/2015/QH13", "bo-luat", "Quốc hội", "Bộ luật Hình sự")
    assert len({u.path[-1] for u in res.units if u.level == "dieu"}) == 107


def test_flattened_crawl_header():
    from ktgs.ingest.header import parse_header

    text = (FILES / "39_TXT_Luat-Thanh-tra-84-2025-QH15_tvpl-crawl.txt").read_text(encoding="utf-8")
    h = parse_header(text)
    assert (h.issuer, h.doc_number, h.place, h.issued_date, h.doc_type, h.title) == (
        "Quốc hội", "84/2025/QH15", "Hà Nội", "2025-06-25", "luat", "Luật Thanh tra")
    assert text[h.body_start:].startswith("Căn cứ Hiến pháp nước Cộng hòa")


@NEEDS_ANTIWORD
def test_dieu_without_full_stop_in_a_constitution():
    res = _parse("18_Hien-phap-2013.doc")
    dieu = [u for u in res.units if u.level == "dieu"]
    assert len({u.path[-1] for u in dieu}) == 120
    first = dieu[0]
    assert first.path == ["Chương I", "Điều 1"] and first.heading == "Điều 1"
    assert first.text.startswith("Điều 1\nNước Cộng hòa xã hội chủ nghĩa Việt Nam là một nước độc lập")
    assert (res.document.doc_type, res.document.issuer) == ("hien-phap", "Quốc hội")


@NEEDS_ANTIWORD
def test_doc_header_table_read_cell_by_cell():
    d = _parse("16_Luat-XLVPHC-15-2012-QH13.doc").document
    assert d.text.split("\n")[:5] == ["QUỐC HỘI", "Số: 15/2012/QH13", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                      "Độc lập – Tự do – Hạnh phúc", "Hà Nội, ngày 20 tháng 6 năm 2012"]
    assert (d.doc_number, d.issued_date, d.title) == ("15/2012/QH13", "2012-06-20", "Luật Xử lý vi phạm hành chính")


def test_vbhn_consolidation_header():
    d = _parse("40_TXT_VBHN-112-VPQH-2025_Luat-To-cao_tvpl-crawl.txt").document
    assert (d.doc_number, d.doc_type, d.issuer, d.issued_date) == (
        "112/VBHN-VPQH", "van-ban-hop-nhat", "Văn phòng Quốc hội", "2025-08-27")
    assert d.title == "Luật Tố cáo"
    assert d.metadata["consolidates"] == {"base": "25/2018/QH14",
                                          "amending": ["59/2020/QH14", "81/2025/QH15", "84/2025/QH15"]}


def test_vbhn_without_number_is_known_by_its_consolidation_header():
    d = _parse("20_VBHN-31-VPQH_Luat-XLVPHC_tvHienThiToanVan.pdf").document
    assert d.doc_type == "van-ban-hop-nhat" and d.doc_number == ""
    assert d.metadata["consolidates"]["base"] == "15/2012/QH13"
    assert d.metadata["consolidates"]["amending"] == ["54/2014/QH13", "18/2017/QH14", "67/2020/QH14"]


def test_vbpl_page_body_only():
    res = _parse("32_HTML_vbpl_ND-273-2025-ND-CP_thanh-tra-CAND.html")
    dieu = [u for u in res.units if u.level == "dieu"]
    assert len(dieu) == len({u.path[-1] for u in dieu}) == 44      # each Điều once
    d = res.document
    assert (d.doc_number, d.issued_date) == ("273/2025/NĐ-CP", "2025-10-16")
    assert d.title == "Nghị định quy định về tổ chức và hoạt động thanh tra Công an nhân dân"
    assert "Văn bản gốc" not in d.text and "Tải về" not in d.text


def test_an_le_number_and_type():
    d = _parse("12_An-le-43-2021-AL.pdf").document
    assert (d.doc_number, d.doc_type) == ("43/2021/AL", "an-le")
    assert d.title.startswith("Án lệ về hiệu lực của hợp đồng thế chấp")


@NEEDS_OCR
def test_page_image_ocr_header():
    d = _parse("26_IMG_QD-3467-QD-BYT_2024_trang1.png").document
    assert (d.doc_number, d.doc_type, d.issued_date) == ("3467/QĐ-BYT", "quyet-dinh", "2024-11-15")
    assert d.metadata["format"] == "image"


def test_interleaved_mirror_is_not_one_law():
    res = _parse("38_MD_phap-dien-de-muc-18.5-To-cao_mirror.md")
    assert res.document.doc_number == "" and res.document.doc_type == ""
    dieu = [u for u in res.units if u.level == "dieu"]
    assert not any(u.path[-1] == "Điều 18" for u in dieu)          # not "Điều 18" 474 times
    ids = [u.unit_id.split("/", 1)[1] for u in dieu]
    assert ids[:6] == ["dieu-18.5.lq.1", "dieu-18.5.nđ.2.1", "dieu-18.5.nđ.2.2", "dieu-18.5.nđ.3.1",
                       "dieu-18.5.nđ.3.2", "dieu-18.5.nđ.4.1"]          # a law and its decrees interleaved
    assert {"dieu-18.5.nđ.4.5", "dieu-18.5.tt.10.5"} <= set(ids)
    assert dieu[0].heading == "Điều 18.5.LQ.1. Phạm vi điều chỉnh"


def test_vbhn_endnotes_belong_to_the_units_with_their_marker():
    res = _parse("40_TXT_VBHN-112-VPQH-2025_Luat-To-cao_tvpl-crawl.txt")
    units = {u.unit_id.split("/", 1)[1]: u for u in res.units}
    assert units["dieu-14"].footnotes == [
        "Điều này được sửa đổi, bổ sung theo quy định tại điểm a khoản 7 Điều 2 của Luật số 81/2025/QH15 sửa đổi, "
        "bổ sung một số điều của Luật Tổ chức Tòa án nhân dân, có hiệu lực kể từ ngày 01 tháng 7 năm 2025."]
    assert units["dieu-60/khoan-2"].footnotes[0].startswith("Khoản này được sửa đổi, bổ sung theo quy định tại điểm b")
    # the closing quotations of the amending laws are notes, not articles of the VBHN
    articles = [k for k in units if k.startswith("dieu-") and "/" not in k]
    assert "dieu-218" not in units and len(articles) == 67 and articles[-1] == "dieu-67"
    assert any("“Điều 217. Điều khoản thi hành" in f for u in res.units for f in u.footnotes)
    assert res.document.signer == "Lê Quang Tùng"


def test_crawl_site_notes_and_signer():
    d = _parse("39_TXT_Luat-Thanh-tra-84-2025-QH15_tvpl-crawl.txt").document
    assert "được hướng dẫn bởi" not in d.text
    assert d.metadata["site_notes"][0].startswith("Đối tượng thanh tra của Thanh tra quốc phòng được hướng dẫn bởi "
                                                  "Điều 19 Nghị định 284/2025/NĐ-CP")
    assert d.signer == "Trần Thanh Mẫn"


def test_cong_bao_footnotes_are_notes_of_their_units():
    res = _parse("20_VBHN-31-VPQH_Luat-XLVPHC_tvHienThiToanVan.pdf")
    units = {u.unit_id.split("/", 1)[1]: u for u in res.units}
    assert units["mo-dau"].text.endswith("Quốc hội ban hành Luật xử lý vi phạm hành chính¹.")
    assert units["mo-dau"].footnotes[0].startswith("Luật Hải quan số 54/2014/QH13 có căn cứ ban hành như sau:")
    assert units["dieu-50"].heading == "Điều 50.⁸⁸ (được bãi bỏ)"
    assert not any(ln.startswith(("⁸⁵", "85 ")) for u in res.units if u.level == "dieu" for ln in u.text.split("\n"))


def test_corpus_unit_ids_unchanged_by_real_document_support():
    """Every corpus file still parses to the ids the exact corpus tests rely on."""
    from ktgs.ingest.parse import parse_file

    law = parse_file(CORPUS / "luat-to-cao-25-2018-QH14.md")
    assert len({u.path[-1] for u in law.units if u.level == "dieu"}) == 67
    assert "25-2018-QH14/dieu-30/khoan-1" in {u.unit_id for u in law.units}
    vbhn = parse_file(CORPUS / "van-ban-hop-nhat-112-VBHN-VPQH-2025-luat-to-cao.md")
    assert vbhn.document.doc_number == "112/VBHN-VPQH"
