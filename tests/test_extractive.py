"""Khoản-level evidence selection and extractive answers on the real corpus texts.

Children come from the real SQLite unit catalog (index/catalog.py), the same object the
Searcher asks; hits are the parsed Điều / section units themselves.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ktgs.assistant.evidence import evidence_from_units, select_evidence, terms
from ktgs.assistant.extractive import best_clause, candidate_spans, extractive_answer
from ktgs.assistant.verify import verify_answer
from ktgs.contracts import Hit
from ktgs.index.catalog import Catalog
from ktgs.ingest.parse import parse_file

SEED = Path(__file__).resolve().parents[1] / "corpus" / "de-an-giam-sat-thuong-xuyen-2025-2030.txt"
K1 = "Thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ lý tố cáo"


@pytest.fixture(scope="module")
def parsed(corpus_dir, tmp_path_factory):
    files = [corpus_dir / "luat-to-cao-25-2018-QH14.md", corpus_dir / "luat-khieu-nai-02-2011-QH13.md", SEED]
    catalog = Catalog(tmp_path_factory.mktemp("catalog") / "catalog.sqlite", "test")
    docs, units = {}, {}
    for f in files:
        r = parse_file(f)
        catalog.put_document(r.document, r.units, indexed_levels=("dieu", "khoan", "section"))
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
    first = text.splitlines()[0]
    assert first == f"“{K1}” [1] (khoản 1 Điều 30 Luật Tố cáo số 25/2018/QH14)."
    assert text.splitlines()[-1].startswith("Xem thêm: ")
    v = verify_answer(text, ev)
    assert v.grounded and v.citations[0].quote == K1


def test_kinh_phi_clause(parsed):
    docs, units, _ = parsed
    da = next(d for d in docs.values() if d.doc_type == "de-an")
    [ev] = evidence_from_units([(units[f"{da.doc_id}/phan-2/muc-iv"], da)])
    clause = best_clause("Kinh phí thực hiện đề án là bao nhiêu?", ev)
    assert clause.quote == "Kinh phí thực hiện Đề án dự kiến: Khoảng 4,7 tỷ đồng"


def test_quantity_questions_prefer_the_sentence_with_the_number(parsed):
    docs, units, _ = parsed
    doc = docs["02-2011-QH13"]
    [ev] = evidence_from_units([(units["02-2011-QH13/dieu-28"], doc)])
    clause = best_clause("thoi han giai quyet khieu nai lan dau", ev)
    assert clause.quote.startswith("Thời hạn giải quyết khiếu nại lần đầu không quá 30 ngày, kể từ ngày thụ lý")


def test_no_evidence_no_answer():
    assert extractive_answer("Thời hạn giải quyết tố cáo là bao lâu?", []) == ""
