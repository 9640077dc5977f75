"""Citation and quote verification on units parsed from the real corpus texts."""
from __future__ import annotations

import pytest

from ktgs.assistant.evidence import evidence_from_units
from ktgs.assistant.verify import (INVALID_REF, QUOTE_NOT_FOUND, SUPPORTED, UNSUPPORTED, VERIFIED,
                                   find_quote, split_sentences, verify_answer)
from ktgs.ingest.parse import parse_file

K1 = "Thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ lý tố cáo"


@pytest.fixture(scope="module")
def to_cao(corpus_dir):
    r = parse_file(corpus_dir / "luat-to-cao-25-2018-QH14.md")
    return r.document, {u.unit_id: u for u in r.units}


@pytest.fixture(scope="module")
def dieu30(to_cao):
    doc, units = to_cao
    return evidence_from_units([(units[f"25-2018-QH14/dieu-30/khoan-{i}"], doc) for i in (1, 2, 3)])


def test_find_quote_exact_offsets(dieu30):
    unit = dieu30[0].unit
    assert unit.text.startswith("1. " + K1)
    assert find_quote(K1, unit.text) == (3, 75)
    assert unit.text[3:75] == K1


def test_find_quote_ignores_case_whitespace_and_quote_shape(dieu30):
    text = dieu30[0].unit.text
    assert find_quote("thời hạn  giải quyết\ntố cáo LÀ không quá 30 ngày", text) == (3, 50)
    # NFD input (decomposed accents) is normalised before matching
    import unicodedata
    assert find_quote(unicodedata.normalize("NFD", "không quá 30 ngày"), text) == (33, 50)


def test_find_quote_with_ellipsis_spans_the_pieces(dieu30):
    text = dieu30[0].unit.text
    assert find_quote("Thời hạn giải quyết tố cáo … kể từ ngày thụ lý", text) == (3, 68)


def test_find_quote_rejects_changed_words(dieu30):
    text = dieu30[0].unit.text
    assert find_quote("không quá 45 ngày", text) is None
    assert find_quote("Thời hạn giải quyết tố cáo là … 60 ngày", text) is None


def test_verified_quote_gives_labelled_citation(dieu30):
    v = verify_answer(f"Theo luật, “{K1}” [1].", dieu30)
    assert v.grounded
    [c] = v.citations
    assert (c.unit_id, c.n, c.quote_start, c.quote_end) == ("25-2018-QH14/dieu-30/khoan-1", 1, 3, 75)
    assert c.label == "khoản 1 Điều 30 Luật Tố cáo số 25/2018/QH14"
    assert c.doc_number == "25/2018/QH14"
    assert c.quote == K1 and not c.partial
    assert [s.status for s in v.sentences] == [VERIFIED]


def test_invalid_reference_and_fabricated_quote_are_dropped(dieu30):
    text = ("Căn cứ [9] quy định “thời hạn là 90 ngày làm việc” [9]. "
            "Theo [1], “thời hạn giải quyết tố cáo là không quá 45 ngày” [1]. "
            f"Cụ thể: “{K1}” [1].")
    v = verify_answer(text, dieu30)
    assert [s.status for s in v.sentences] == [INVALID_REF, QUOTE_NOT_FOUND, VERIFIED]
    assert v.grounded and len(v.citations) == 1
    assert v.text == f"Cụ thể: “{K1}” [1]."
    assert len(v.dropped) == 2


def test_only_unsupported_sentences_means_not_grounded(dieu30):
    v = verify_answer("Thời hạn là 90 ngày [9]. Người tố cáo phải nộp lệ phí “500.000 đồng” [2].", dieu30)
    assert not v.grounded and v.text == "" and v.citations == []


def test_quote_must_be_in_the_cited_unit_not_another(dieu30):
    # the sentence is khoản 1's, cited as [2] (khoản 2): not accepted
    v = verify_answer(f"“{K1}” [2].", dieu30)
    assert [s.status for s in v.sentences] == [QUOTE_NOT_FOUND]


def test_paraphrase_needs_the_units_words_and_numbers(dieu30):
    ok = verify_answer("Thời hạn giải quyết tố cáo là không quá 30 ngày [1].", dieu30)
    assert ok.sentences[0].status == SUPPORTED
    assert ok.citations[0].quote == K1          # the unit's own sentence becomes the quote
    wrong_number = verify_answer("Thời hạn giải quyết tố cáo là không quá 60 ngày [1].", dieu30)
    assert wrong_number.sentences[0].status == UNSUPPORTED and not wrong_number.grounded
    off_topic = verify_answer("Người tố cáo được khen thưởng bằng tiền mặt [1].", dieu30)
    assert off_topic.sentences[0].status == UNSUPPORTED


def test_uncited_claims_dropped_connectives_kept(dieu30):
    v = verify_answer(f"Theo quy định:\n“{K1}” [1].\nNgười tố cáo được nhận tiền thưởng rất lớn ngay lập tức.", dieu30)
    assert [s.status for s in v.sentences] == ["connective", VERIFIED, "uncited"]
    assert v.text == f"Theo quy định:\n“{K1}” [1]."


def test_split_sentences_keeps_labels_with_dots_together():
    text = ("“Kinh phí thực hiện Đề án dự kiến: Khoảng 4,7 tỷ đồng” [1] (Phần thứ hai, mục IV. Kinh phí "
            "thực hiện — Đề án nâng cao hiệu quả). Xem thêm: Điều 30. [2]")
    assert split_sentences(text) == [
        "“Kinh phí thực hiện Đề án dự kiến: Khoảng 4,7 tỷ đồng” [1] (Phần thứ hai, mục IV. Kinh phí "
        "thực hiện — Đề án nâng cao hiệu quả).",
        "Xem thêm: Điều 30. [2]",
    ]


def test_partial_party_document_is_flagged(corpus_dir):
    r = parse_file(corpus_dir / "quy-dinh-69-QD-TW-2022.md")
    unit = next(u for u in r.units if u.unit_id == "69-QD-TW-2022/p-17")
    [ev] = evidence_from_units([(unit, r.document)])
    v = verify_answer("“Đối với đảng viên dự bị: Khiển trách, cảnh cáo” [1].", [ev])
    [c] = v.citations
    assert c.partial is True
    assert c.label.endswith("(văn bản trong kho chưa đầy đủ)")
    assert c.doc_number == "69-QĐ/TW"


# --- review findings: ways a wrong citation could get through ---------------------------------

def _ev(to_cao, *ids):
    doc, units = to_cao
    return evidence_from_units([(units[i], doc) for i in ids])


def test_ellipsis_cannot_stitch_clauses_into_a_sentence_the_law_never_says(to_cao):
    whole = _ev(to_cao, "25-2018-QH14/dieu-30")
    v = verify_answer("“Thời hạn giải quyết tố cáo là … hai lần” [1].", whole)
    assert not v.grounded and v.sentences[0].status == QUOTE_NOT_FOUND
    # a short elision inside one clause is still an honest quote
    ok = verify_answer("“Thời hạn giải quyết tố cáo là … 30 ngày” [1].", whole)
    assert ok.grounded and ok.citations[0].quote == "Thời hạn giải quyết tố cáo là không quá 30 ngày"


def test_paraphrase_may_not_flip_polarity_or_change_the_unit_of_a_number(to_cao):
    k1_dieu9 = _ev(to_cao, "25-2018-QH14/dieu-9/khoan-1")
    flipped = verify_answer("Người tố cáo không được bảo đảm bí mật họ tên, địa chỉ, bút tích và thông tin "
                            "cá nhân khác [1].", k1_dieu9)
    assert not flipped.grounded and flipped.sentences[0].status == UNSUPPORTED
    k1 = _ev(to_cao, "25-2018-QH14/dieu-30/khoan-1")
    months = verify_answer("Thời hạn giải quyết tố cáo là không quá 30 tháng kể từ ngày thụ lý tố cáo [1].", k1)
    assert not months.grounded
    days = verify_answer("Thời hạn giải quyết tố cáo không quá 30 ngày kể từ ngày thụ lý tố cáo [1].", k1)
    assert days.grounded and days.sentences[0].status == SUPPORTED


def test_a_label_written_next_to_a_marker_is_replaced_by_the_units_own(to_cao):
    k1 = _ev(to_cao, "25-2018-QH14/dieu-30/khoan-1")
    v = verify_answer("“Thời hạn giải quyết tố cáo là không quá 30 ngày” [1] "
                      "(khoản 3 Điều 31 Luật Khiếu nại số 02/2011/QH13).", k1)
    assert v.grounded
    assert v.text == ("“Thời hạn giải quyết tố cáo là không quá 30 ngày” [1] "
                      "(khoản 1 Điều 30 Luật Tố cáo số 25/2018/QH14).")


def test_each_quote_is_checked_in_the_unit_of_its_own_marker(to_cao):
    ev = _ev(to_cao, "25-2018-QH14/dieu-30/khoan-1", "25-2018-QH14/dieu-30/khoan-3")
    wrong = verify_answer("“gia hạn giải quyết tố cáo hai lần” [1], theo [2].", ev)
    assert not wrong.grounded and wrong.sentences[0].status == QUOTE_NOT_FOUND
    right = verify_answer("Theo [1], “gia hạn giải quyết tố cáo hai lần” [2].", ev)
    assert right.grounded and right.citations[0].unit_id.endswith("khoan-3")
    bare = verify_answer("Luật quy định “gia hạn giải quyết tố cáo hai lần”.", ev)
    assert bare.grounded and bare.text == "Luật quy định “gia hạn giải quyết tố cáo hai lần” [2]."


def test_see_also_line_with_de_an_labels_is_kept_whole():
    line = "Xem thêm: Phần thứ nhất, mục II. Căn cứ xây dựng Đề án; Phần thứ hai, mục II. Nhiệm vụ."
    assert split_sentences(line) == [line]
