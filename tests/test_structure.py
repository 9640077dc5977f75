"""Structure parser on the real corpus: exact counts, addressable khoản, the seed Đề án, span invariant,
and the same units from TXT, DOCX and PDF."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ktgs.ingest.parse import iter_files, parse_file, parse_text
from ktgs.ingest.raw import RawDocument

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "corpus" / "de-an-giam-sat-thuong-xuyen-2025-2030.txt"


@pytest.fixture(scope="module")
def to_cao(corpus_dir):
    return parse_file(corpus_dir / "luat-to-cao-25-2018-QH14.md")


@pytest.fixture(scope="module")
def seed():
    return parse_file(SEED)


@pytest.mark.parametrize("name, dieu", [
    ("luat-to-cao-25-2018-QH14.md", 67), ("luat-khieu-nai-02-2011-QH13.md", 70),
    ("luat-phong-chong-tham-nhung-36-2018-QH14.md", 96), ("luat-tiep-cong-dan-42-2013-QH13.md", 36),
    ("luat-thanh-tra-11-2022-QH15.md", 2),
])
def test_law_article_counts(corpus_dir, name, dieu):
    res = parse_file(corpus_dir / name)
    ids = [u.unit_id for u in res.units if u.level == "dieu"]
    assert len(ids) == dieu
    assert ids == [f"{res.document.doc_id}/dieu-{i}" for i in range(1, dieu + 1)]


def test_to_cao_article_30(to_cao):
    units = {u.unit_id: u for u in to_cao.units}
    assert to_cao.document.doc_number == "25/2018/QH14"
    assert to_cao.document.doc_id == "25-2018-QH14"
    dieu = units["25-2018-QH14/dieu-30"]
    assert dieu.heading == "Điều 30. Thời hạn giải quyết tố cáo"
    assert dieu.path == ["Chương III", "Mục 3", "Điều 30"]
    khoans = [u for u in to_cao.units if u.parent_id == dieu.unit_id]
    assert [u.unit_id.rsplit("/", 1)[1] for u in khoans] == [f"khoan-{i}" for i in range(1, 6)]
    k3 = units["25-2018-QH14/dieu-30/khoan-3"]
    assert k3.text == ("3. Đối với vụ việc đặc biệt phức tạp thì có thể gia hạn giải quyết tố cáo hai lần, "
                       "mỗi lần không quá 30 ngày.")
    assert k3.path == ["Chương III", "Mục 3", "Điều 30", "Khoản 3"]
    assert k3.text in dieu.text
    assert dieu.breadcrumb.startswith("Luật Tố cáo › Chương III. ")
    assert dieu.breadcrumb.endswith(" › Điều 30. Thời hạn giải quyết tố cáo")


def test_to_cao_points_and_headings(to_cao):
    units = {u.unit_id: u for u in to_cao.units}
    a = units["25-2018-QH14/dieu-2/khoan-1/diem-a"]
    assert a.text == "a) Tố cáo hành vi vi phạm pháp luật trong việc thực hiện nhiệm vụ, công vụ;"
    assert a.parent_id == "25-2018-QH14/dieu-2/khoan-1"
    chuong = units["25-2018-QH14/chuong-3"]
    assert chuong.level == "chuong" and chuong.text == chuong.heading
    assert units["25-2018-QH14/chuong-3/muc-2"].level == "muc"
    levels = Counter(u.level for u in to_cao.units)
    assert levels == {"chuong": 9, "muc": 5, "dieu": 67, "khoan": 191, "diem": 181}


def test_seed_de_an_outline(seed):
    units = {u.unit_id: u for u in seed.units}
    doc_id = seed.document.doc_id
    assert doc_id.startswith("doc-") and len(doc_id) == 16
    phan = [u for u in seed.units if u.level == "phan"]
    assert [u.path for u in phan] == [["Phần thứ nhất"], ["Phần thứ hai"], ["Phần thứ ba"]]
    assert phan[2].heading == "Phần thứ ba. TỔ CHỨC THỰC HIỆN"
    kp = units[f"{doc_id}/phan-2/muc-iv"]
    assert kp.path == ["Phần thứ hai", "IV. KINH PHÍ THỰC HIỆN"]
    assert "4,7 tỷ đồng" in kp.text and kp.level == "section"
    s21 = units[f"{doc_id}/phan-2/muc-ii/2-1"]
    assert s21.path[:2] == ["Phần thứ hai", "II. NHIỆM VỤ"] and s21.path[3].startswith("2.1. ")
    assert s21.parent_id == f"{doc_id}/phan-2/muc-ii/2"
    assert len(s21.footnotes) == 1 and s21.footnotes[0].startswith("Kết luận số 203-KL/TW, ngày 04/11/2025")
    assert not any(f.startswith("Kết luận số 203") for u in seed.units for f in u.footnotes
                   if u.unit_id.startswith(f"{doc_id}/phan-2/muc-ii/2-2"))
    assert all("Kết luận số 203-KL/TW, ngày 04/11/2025" not in u.text for u in seed.units)
    s11 = units[f"{doc_id}/phan-1/muc-ii/1-1"]
    assert [f.split(":")[0] for f in s11.footnotes] == [
        "Các văn bản của Ban Chấp hành Trung ương", "Các văn bản của Bộ Chính trị",
        "Các văn bản của Ủy ban Kiểm tra Trung ương"]
    assert len([u for u in seed.units if u.level == "section"]) == 53


def test_seed_km2_is_not_a_footnote_reference(seed):
    first = next(u for u in seed.units if u.unit_id.endswith("/phan-1/muc-i"))
    assert "8.375,2 km²" in first.text and first.footnotes == []


def test_seed_recipients_and_signature(seed):
    doc = seed.document
    assert doc.recipients[0] == "Ban Bí thư TW Đảng" and doc.recipients[-1] == "Lưu Văn phòng Tỉnh ủy"
    assert len(doc.recipients) == 8
    assert doc.signature.startswith("UBKTTU/216\nT/M BAN CHẤP HÀNH\nBÍ THƯ")
    assert not any("Nơi nhận" in u.text or "T/M BAN CHẤP HÀNH" in u.text for u in seed.units)
    assert doc.doc_type == "de-an"
    assert doc.title == ("Đề án nâng cao hiệu quả công tác giám sát thường xuyên đáp ứng yêu cầu nhiệm vụ "
                         "trong tình hình mới, nhiệm kỳ 2025 - 2030")


def _check_span(doc_text: str, unit) -> None:
    span = doc_text[unit.char_start:unit.char_end]
    lines = unit.text.split("\n")
    assert span.startswith(lines[0]) and span.endswith(lines[-1]), unit.unit_id
    pos = 0
    for line in lines:
        k = span.find(line, pos)
        assert k >= 0, (unit.unit_id, line)
        pos = k + len(line)
    if not unit.footnotes and "\n\n" not in span:
        assert span == unit.text, unit.unit_id


def test_every_corpus_file_parses_and_spans_hold(corpus_dir):
    files = iter_files([corpus_dir, SEED])
    assert len(files) == 27          # 26 shared documents + the seed Đề án; MANIFEST.md is not a document
    for f in files:
        res = parse_file(f)
        assert res.units, f.name
        ids = [u.unit_id for u in res.units]
        assert len(ids) == len(set(ids)), f.name
        assert [u.order for u in res.units] == list(range(len(res.units)))
        for u in res.units:
            _check_span(res.document.text, u)


def test_no_structure_gives_paragraph_units():
    text = ("VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử\n\nĐoạn thứ nhất của văn bản không có cấu trúc.\n\n"
            "Đoạn thứ hai, cũng không có tiêu đề nào.")
    res = parse_text(RawDocument(text=text, source_path="x.txt", format="txt", checksum=""))
    assert [u.unit_id.split("/")[1] for u in res.units] == ["p-1", "p-2"]
    assert res.units[0].heading == "VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử"
    assert all(u.level == "paragraph" for u in res.units)


def _units_key(res):
    return [(u.unit_id, u.heading, u.text, u.level, u.footnotes) for u in res.units]


def test_same_units_from_txt_docx_pdf(tmp_path):
    import docx

    from ktgs.ingest.bench import write_pdf
    from ktgs.ingest.readers import read_document

    txt = parse_file(SEED)
    text = read_document(SEED).text
    d = docx.Document()
    for line in text.split("\n"):
        d.add_paragraph(line)
    d.save(tmp_path / "seed.docx")
    pages = write_pdf(text, tmp_path / "seed.pdf")
    from_docx = parse_file(tmp_path / "seed.docx")
    from_pdf = parse_file(tmp_path / "seed.pdf")
    assert _units_key(from_docx) == _units_key(txt)
    assert _units_key(from_pdf) == _units_key(txt)
    assert from_pdf.document.recipients == txt.document.recipients
    kp = next(u for u in from_pdf.units if u.unit_id.endswith("/phan-2/muc-iv"))
    assert 1 <= kp.page_start <= kp.page_end <= pages
    assert pages == 8                 # 40 lines a page; "Nơi nhận" and the signature fill page 8
    assert from_pdf.units[0].page_start == 1 and from_pdf.units[-1].page_end == 7
