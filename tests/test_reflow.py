"""ingest/reflow.py: hard line breaks inside sentences joined, on the real PDF text layers of the corpus."""
from __future__ import annotations

from ktgs.ingest.parse import parse_file
from ktgs.ingest.readers.plaintext import markdown_to_text, split_front_matter
from ktgs.ingest.reflow import reflow, wrap_width
from ktgs.ingest.text import normalise


def _body(path):
    _, body, _ = split_front_matter(path.read_text(encoding="utf-8"))
    return normalise(markdown_to_text(body))


def _units(path):
    res = parse_file(path)
    return {u.unit_id: u for u in res.units}


def test_pdf_text_layer_sentences_are_whole(corpus_dir):
    q294 = _units(corpus_dir / "quy-dinh-294-QD-TW-2025.md")
    assert q294["294-QD-TW-2025/1-1-1"].text == (
        "1.1.1. Tại thời điểm chi bộ xét kết nạp, người vào Đảng phải đủ 18 tuổi đến đủ 60 tuổi (tính theo tháng).")
    # a page break (blank line) inside a sentence: "… nhiệm vụ của địa" + "" + "phương, cơ quan …"
    assert "tình hình, nhiệm vụ của địa phương, cơ quan, đơn vị; các chủ trương" in q294["294-QD-TW-2025/2-1"].text
    # a line broken after "cấp ủy cấp trên trực tiếp" etc. stays one sentence; headings stay lines
    assert q294["294-QD-TW-2025/7-1"].text.split("\n")[0].endswith("Chi ủy hoặc bí thư chi bộ báo cáo cấp ủy cấp trên trực tiếp biết.")
    hd06 = _units(corpus_dir / "huong-dan-06-HD-TW-2025.md")
    assert hd06["06-HD-TW-2025/1-1"].text == (
        "1.1. Về tuổi đời\nChỉ xem xét kết nạp vào Đảng những người trên 60 tuổi khi đủ các điều kiện: Có sức "
        "khỏe và uy tín; đang công tác, cư trú ở cơ sở chưa có tổ chức đảng, chưa có đảng viên hoặc do yêu cầu "
        "đặc biệt; được ban thường vụ cấp ủy trực thuộc Trung ương đồng ý bằng văn bản trước khi cấp ủy có thẩm "
        "quyền ra quyết định kết nạp.")


def test_page_number_inside_a_sentence_goes(corpus_dir):
    text = reflow(_body(corpus_dir / "huong-dan-06-HD-TW-2025.md"))
    assert ("nếu được cử làm trưởng đoàn cần sinh hoạt với đoàn đại biểu đảng bộ mới thì chuyển đại biểu về "
            "sinh hoạt tại đoàn đại biểu mới") in text


def test_one_paragraph_per_line_texts_are_unchanged(corpus_dir):
    for name in ("luat-to-cao-25-2018-QH14.md", "luat-khieu-nai-02-2011-QH13.md", "quy-dinh-69-QD-TW-2022.md"):
        body = _body(corpus_dir / name)
        assert wrap_width(body.split("\n")) == 0
        assert reflow(body) == body, name


def test_wrapped_width_and_idempotence(corpus_dir):
    body = _body(corpus_dir / "quy-dinh-294-QD-TW-2025.md")
    assert wrap_width(body.split("\n")) == 95
    once = reflow(body)
    assert reflow(once) == once
    # structure markers never join the line before them
    assert "\n1.1.2. Việc kết nạp vào Đảng những người trên 60 tuổi" in once


def test_rules_on_fixture_text():
    # fictitious fixture text
    assert reflow("Điều 1. Phạm vi\nLuật này quy định về việc\nkiểm thử; và\na) điểm một;\nb) điểm hai.") == \
        "Điều 1. Phạm vi\nLuật này quy định về việc kiểm thử; và\na) điểm một;\nb) điểm hai."
    assert reflow("theo Quy định số 294-\nthứ nhất") == "theo Quy định số 294-thứ nhất"   # no space after "-"
    assert reflow("chính trị\n- xã hội") == "chính trị\n- xã hội"     # a dash line may be a list item: kept
    assert reflow("Câu một.\n- Nội dung hai") == "Câu một.\n- Nội dung hai"
