"""Khoản-level evidence selection and extractive answers on the real corpus texts.

Children come from the real SQLite unit catalog (index/catalog.py), the same object the
Searcher asks; hits are the parsed Điều / section units themselves.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ktgs.assistant.evidence import asks_enumeration, evidence_from_units, preferred, same_text, select_evidence, terms
from ktgs.assistant.extractive import best_clause, candidate_spans, extractive_answer, lead_piece
from ktgs.assistant.verify import verify_answer
from ktgs.contracts import Hit
from ktgs.index.catalog import Catalog
from ktgs.ingest.parse import parse_file

SEED = Path(__file__).resolve().parents[1] / "corpus" / "de-an-giam-sat-thuong-xuyen-2025-2030.txt"
K1 = "Thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ lý tố cáo"


@pytest.fixture(scope="module")
def parsed(corpus_dir, tmp_path_factory):
    files = [corpus_dir / "luat-to-cao-25-2018-QH14.md", corpus_dir / "luat-khieu-nai-02-2011-QH13.md", SEED,
             corpus_dir / "van-ban-hop-nhat-112-VBHN-VPQH-2025-luat-to-cao.md", corpus_dir / "quy-dinh-294-QD-TW-2025.md"]
    catalog = Catalog(tmp_path_factory.mktemp("catalog") / "catalog.sqlite", "test")
    docs, units = {}, {}
    for f in files:
        r = parse_file(f)
        catalog.put_document(r.document, r.units, indexed_levels=("dieu", "khoan", "section", "paragraph"))
        docs[r.document.doc_id] = r.document
        units.update({u.unit_id: u for u in r.units})
    yield docs, units, catalog
    catalog.close()


def _hit(units, docs, unit_id, score, rank):
    u = units[unit_id]
    return Hit(unit=u, score=score, rank=rank, document=docs[u.doc_id])


def test_terms_fold_diacritics_and_bigrams():
    t = terms("Thời hạn giải quyết tố cáo là bao lâu?")
    assert {"thoi", "han", "giai", "quyet", "to", "cao", "thoi_han", "to_cao"} <= t
    assert "la" not in t and "bao" not in t and "lau" not in t
    assert terms("thoi han giai quyet to cao") == terms("Thời hạn giải quyết tố cáo")


def test_candidate_spans_strip_enumerators_and_punctuation(parsed):
    _, units, _ = parsed
    text = units["25-2018-QH14/dieu-30/khoan-1"].text
    assert [text[s:e] for s, e in candidate_spans(text)] == [K1]


def test_dieu_hit_is_narrowed_to_the_right_khoan(parsed):
    docs, units, catalog = parsed
    hits = [_hit(units, docs, "25-2018-QH14/dieu-30", 0.033, 1),
            _hit(units, docs, "25-2018-QH14/dieu-38", 0.030, 2),
            _hit(units, docs, "02-2011-QH13/dieu-28", 0.029, 3)]
    ev = select_evidence("Thời hạn giải quyết tố cáo là bao lâu?", hits, catalog)
    assert ev[0].unit.unit_id == "25-2018-QH14/dieu-30/khoan-1"
    assert ev[0].label == "khoản 1 Điều 30 Luật Tố cáo số 25/2018/QH14"
    assert ev[0].hit_unit_id == "25-2018-QH14/dieu-30"
    assert [e.n for e in ev] == list(range(1, len(ev) + 1))
    assert len({e.unit.unit_id for e in ev}) == len(ev)


def test_unit_without_children_is_kept_whole(parsed):
    docs, units, catalog = parsed
    da = next(d for d in docs.values() if d.doc_type == "de-an")
    kinh_phi = f"{da.doc_id}/phan-2/muc-iv"
    hits = [_hit(units, docs, kinh_phi, 0.032, 1),
            _hit(units, docs, f"{da.doc_id}/phan-3/muc-i", 0.031, 2)]
    ev = select_evidence("Kinh phí thực hiện đề án là bao nhiêu?", hits, catalog)
    assert ev[0].unit.unit_id == kinh_phi
    assert ev[0].label.startswith("Phần thứ hai, mục IV. Kinh phí thực hiện — Đề án")


def test_extractive_answer_quotes_the_clause_and_lists_more(parsed):
    docs, units, catalog = parsed
    hits = [_hit(units, docs, "25-2018-QH14/dieu-30", 0.033, 1),
            _hit(units, docs, "25-2018-QH14/dieu-38", 0.030, 2)]
    ev = select_evidence("Thời hạn giải quyết tố cáo là bao lâu?", hits, catalog)
    text = extractive_answer("Thời hạn giải quyết tố cáo là bao lâu?", ev)
    lines = text.splitlines()
    # the lead line: the deadline and its extensions in the quoted words of khoản 1–3
    assert lines[0] == ("“không quá 30 ngày kể từ ngày thụ lý tố cáo” [1]; “vụ việc phức tạp … gia hạn giải quyết "
                        "tố cáo một lần nhưng không quá 30 ngày” [2]; “vụ việc đặc biệt phức tạp … gia hạn giải "
                        "quyết tố cáo hai lần, mỗi lần không quá 30 ngày” [3].")
    assert lines[1] == f"“{K1}” [1] (khoản 1 Điều 30 Luật Tố cáo số 25/2018/QH14)."
    assert lines[2] == ("“Đối với vụ việc phức tạp thì có thể gia hạn giải quyết tố cáo một lần nhưng không quá "
                        "30 ngày” [2] (khoản 2 Điều 30 Luật Tố cáo số 25/2018/QH14).")
    assert lines[3].startswith("“Đối với vụ việc đặc biệt phức tạp") and "(khoản 3 Điều 30" in lines[3]
    assert lines[-1].startswith("Xem thêm: ")
    v = verify_answer(text, ev)
    assert v.grounded and v.text == text
    assert [c.unit_id for c in v.citations][:3] == [f"25-2018-QH14/dieu-30/khoan-{k}" for k in (1, 2, 3)]


def test_kinh_phi_clause(parsed):
    docs, units, _ = parsed
    da = next(d for d in docs.values() if d.doc_type == "de-an")
    [ev] = evidence_from_units([(units[f"{da.doc_id}/phan-2/muc-iv"], da)])
    clause = best_clause("Kinh phí thực hiện đề án là bao nhiêu?", ev)
    # a short section is quoted whole: the amount and where it comes from
    assert clause.quote == "Kinh phí thực hiện Đề án dự kiến: Khoảng 4,7 tỷ đồng.\nNguồn kinh phí: Ngân sách nhà nước"


def test_quantity_questions_prefer_the_sentence_with_the_number(parsed):
    docs, units, _ = parsed
    doc = docs["02-2011-QH13"]
    [ev] = evidence_from_units([(units["02-2011-QH13/dieu-28"], doc)])
    clause = best_clause("thoi han giai quyet khieu nai lan dau", ev)
    assert clause.quote.startswith("Thời hạn giải quyết khiếu nại lần đầu không quá 30 ngày, kể từ ngày thụ lý")


def test_no_evidence_no_answer():
    assert extractive_answer("Thời hạn giải quyết tố cáo là bao lâu?", []) == ""


def test_same_khoan_in_law_and_consolidated_text_is_cited_once(parsed):
    docs, units, catalog = parsed
    law, vbhn = units["25-2018-QH14/dieu-30/khoan-1"], units["112-VBHN-VPQH-2025/dieu-30/khoan-1"]
    assert same_text(law.text, vbhn.text)
    assert not same_text(law.text, units["25-2018-QH14/dieu-30/khoan-2"].text)
    a, b = evidence_from_units([(law, docs[law.doc_id]), (vbhn, docs[vbhn.doc_id])])
    assert preferred(a, b) is b                     # the văn bản hợp nhất: the wording in force
    hits = [_hit(units, docs, "25-2018-QH14/dieu-30", 0.033, 1),
            _hit(units, docs, "112-VBHN-VPQH-2025/dieu-30", 0.032, 2)]
    ev = select_evidence("Thời hạn giải quyết tố cáo là bao lâu?", hits, catalog)
    ids = [e.unit.unit_id for e in ev]
    assert ids[:3] == [f"112-VBHN-VPQH-2025/dieu-30/khoan-{k}" for k in (1, 2, 3)]
    assert not any(i.startswith("25-2018-QH14/dieu-30/khoan-") for i in ids)
    assert [e.role for e in ev[:3]] == ["", "qualifier", "qualifier"]


def test_enumeration_question_gets_the_whole_dieu(parsed):
    docs, units, catalog = parsed
    q = "Các hành vi bị nghiêm cấm trong việc tố cáo và giải quyết tố cáo là gì?"
    assert asks_enumeration(q) and not asks_enumeration("Thời hạn giải quyết tố cáo là bao lâu?")
    hits = [_hit(units, docs, "25-2018-QH14/dieu-8", 0.033, 1), _hit(units, docs, "25-2018-QH14/dieu-9", 0.03, 2)]
    ev = select_evidence(q, hits, catalog)
    assert ev[0].unit.unit_id == "25-2018-QH14/dieu-8" and ev[0].role == "list"
    text = extractive_answer(q, ev)
    lines = text.splitlines()
    assert lines[0] == ("“Các hành vi bị nghiêm cấm trong tố cáo và giải quyết tố cáo” [1] "
                        "(Điều 8 Luật Tố cáo số 25/2018/QH14):")
    items = [ln for ln in lines if ln.startswith("- ")]
    assert len(items) == 13                          # khoản 1–13 of Điều 8
    assert items[0] == "- “Cản trở, gây khó khăn, phiền hà cho người tố cáo” [1];"
    assert items[-1] == "- “Đưa tin sai sự thật về việc tố cáo và giải quyết tố cáo” [1]."
    v = verify_answer(text, ev)
    assert v.grounded and len([c for c in v.citations if c.unit_id == "25-2018-QH14/dieu-8"]) == 14


def test_lead_piece_states_the_number_in_the_quoted_words():
    assert lead_piece(K1) == "không quá 30 ngày kể từ ngày thụ lý tố cáo"
    assert lead_piece("Đối với vụ việc phức tạp thì có thể gia hạn giải quyết tố cáo một lần nhưng không quá 30 ngày") \
        == "vụ việc phức tạp … gia hạn giải quyết tố cáo một lần nhưng không quá 30 ngày"
    assert lead_piece("Người giải quyết tố cáo quyết định bằng văn bản việc gia hạn") is None


def test_one_line_point_is_quoted_whole(parsed):
    docs, units, _ = parsed
    u = units["294-QD-TW-2025/1-1-1"]
    [ev] = evidence_from_units([(u, docs[u.doc_id])])
    clause = best_clause("Tuổi đời của người được xem xét kết nạp vào Đảng là bao nhiêu?", ev)
    assert clause.quote == ("Tại thời điểm chi bộ xét kết nạp, người vào Đảng phải đủ 18 tuổi đến đủ 60 tuổi "
                            "(tính theo tháng)")
    assert ev.label == "điểm 1.1.1 Quy định số 294-QĐ/TW"
