"""Exact-value tests of the evaluation metrics on tiny hand-made rankings."""
from __future__ import annotations

import math

import pytest

from ktgs.evals import metrics as m
from ktgs.evals.bootstrap import bootstrap_ci, paired_delta_ci
from ktgs.evals.trec import from_trec_run, qrels_lines, to_ranx, to_trec_run

RANKED = ["a", "x", "b", "y", "z"]


def test_recall_hit_mrr_ndcg_exact():
    assert m.recall_at_k(RANKED, ["a", "b"], 1) == 0.5
    assert m.recall_at_k(RANKED, ["a", "b"], 3) == 1.0
    assert m.recall_at_k(RANKED, ["q"], 5) == 0.0
    assert m.hit_at_k(RANKED, ["b"], 2) == 0.0 and m.hit_at_k(RANKED, ["b"], 3) == 1.0
    assert m.reciprocal_rank(RANKED, ["b", "y"]) == pytest.approx(1 / 3)
    assert m.reciprocal_rank(RANKED, ["z"], k=4) == 0.0
    # DCG = 1 + 1/log2(4) = 1.5 ; IDCG = 1 + 1/log2(3)
    assert m.ndcg_at_k(RANKED, ["a", "b"], 10) == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    assert m.ndcg_at_k(["x", "a"], ["a"], 10) == pytest.approx(1 / math.log2(3))


def test_unanswerable_has_no_retrieval_score_and_mean_skips_it():
    assert m.recall_at_k(RANKED, [], 10) is None
    assert m.reciprocal_rank(RANKED, []) is None
    assert m.mean([1.0, None, 0.0, 0.5]) == 0.5
    assert m.mean([None]) is None


def test_f2_and_returned_set():
    # one of two returned is gold, the only gold: P=0.5, R=1, F2=5*.5/(2+1)=0.8333
    p, r, f2 = m.precision_recall_f2(["a", "x"], ["a"])
    assert (p, r) == (0.5, 1.0) and f2 == pytest.approx(2.5 / 3)
    assert m.precision_recall_f2(["x"], ["a"]) == (0.0, 0.0, 0.0)
    p, r, f2 = m.precision_recall_f2(["a"], ["a", "b"])  # P=1, R=.5 → 2.5/4.5
    assert f2 == pytest.approx(2.5 / 4.5)
    assert m.returned_set(["a", "b", "c"], [1.0, 0.95, 0.5], margin=0.0) == ["a"]
    assert m.returned_set(["a", "b", "c"], [1.0, 0.95, 0.5], margin=0.1) == ["a", "b"]
    assert m.returned_set([], [], margin=0.1) == []


def test_article_level_mapping():
    assert m.article_of("25-2018-QH14/dieu-30/khoan-2") == "25-2018-QH14/dieu-30"
    assert m.article_of("bo-luat-dan-su/dieu-162") == "bo-luat-dan-su/dieu-162"
    assert m.article_of("de-an-01/phan-2/muc-1") == "de-an-01/phan-2/muc-1"
    assert m.to_articles(["d/dieu-3/khoan-1", "d/dieu-3/khoan-2", "d/dieu-1"]) == ["d/dieu-3", "d/dieu-1"]


def test_align_to_gold_credits_containment_once():
    gold = ["d/dieu-30/khoan-1", "d/dieu-5"]
    ranked = ["d/dieu-30", "d/dieu-5/khoan-2", "d/dieu-5/khoan-3", "d/dieu-7"]
    assert m.align_to_gold(ranked, gold) == ["d/dieu-30/khoan-1", "d/dieu-5", "d/dieu-5/khoan-3", "d/dieu-7"]
    assert m.recall_at_k(m.align_to_gold(ranked, gold), gold, 2) == 1.0
    assert m.align_to_gold(["a/dieu-1"], ["a/dieu-1"]) == ["a/dieu-1"]
    again = m.align_to_gold(["a/dieu-1/khoan-1", "a/dieu-1"], ["a/dieu-1"])
    assert again == ["a/dieu-1", "a/dieu-1#again"] and m.ndcg_at_k(again, ["a/dieu-1"]) == 1.0


def test_percentile_matches_linear_interpolation():
    assert m.percentile([10, 20, 30, 40], 50) == 25
    assert m.percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)
    assert m.percentile([], 50) is None


@pytest.mark.parametrize("text,verdict", [
    ("Đúng. Theo khoản 1 Điều 21 …", "Đúng"),
    ("Sai, vì luật quy định khác.", "Sai"),
    ("Khẳng định này không đúng.", "Sai"),
    ("Nhận định trên là ĐÚNG", "Đúng"),
    ("Trọng tài viên có quyền từ chối", None),
    ("“Người nào khai sai thì bị xử lý” (khoản 2 Điều 5)", None),
])
def test_parse_verdict(text, verdict):
    assert m.parse_verdict(text) == verdict


def test_parse_choice_and_answer_correct():
    choices = {"A": "Bộ Tài Chính", "B": "Bộ Tư Pháp", "C": "Bộ Công An", "D": "Bộ Ngoại Giao"}
    assert m.parse_choice("Đáp án: B", choices) == "B"
    assert m.parse_choice("C. Bộ Công An", choices) == "C"
    assert m.parse_choice("Chọn (d)", choices) == "D"
    assert m.parse_choice("Bộ Tư pháp chịu trách nhiệm trước Chính phủ", choices) == "B"
    assert m.parse_choice("Không rõ", choices) is None
    assert m.answer_correct("Trắc nghiệm", "B", "Đáp án B", choices) is True
    assert m.answer_correct("Đúng/Sai", "Sai", "Đúng.") is False
    assert m.answer_correct("Tự luận", "30 ngày", "30 ngày") is None


def test_key_facts_citations_refusal():
    assert m.key_fact_recall("Thời hạn là không quá 30 ngày", ["khong qua 30 ngay", "gia hạn"]) == 0.5
    assert m.key_fact_recall("x", []) is None
    p, r = m.citation_precision_recall(["d/dieu-30/khoan-1", "d/dieu-31"], ["d/dieu-30"])
    assert (p, r) == (0.5, 1.0)
    assert m.citation_precision_recall([], ["d/dieu-30"]) == (None, 0.0)
    assert m.refusal_correct(answerable=False, grounded=False) is True
    assert m.refusal_correct(answerable=True, grounded=False) is False


def test_faithfulness():
    src = ["Thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ lý tố cáo."]
    ans = ("Thời hạn giải quyết tố cáo là không quá 30 ngày [1]. "
           "Người tố cáo được thưởng một khoản tiền lớn. \nXem thêm: Điều 31 Luật Tố cáo")
    assert m.faithfulness(ans, src) == 0.5
    assert m.faithfulness("Có.", src) is None


def test_bootstrap_is_seeded_and_brackets_the_mean():
    vals = [1.0] * 30 + [0.0] * 10
    lo, hi = bootstrap_ci(vals, n_resamples=1000, seed=7)
    assert lo < 0.75 < hi and (lo, hi) == bootstrap_ci(vals, n_resamples=1000, seed=7)
    assert bootstrap_ci([0.5] * 5) == (0.5, 0.5)
    assert bootstrap_ci([]) is None
    d, lo, hi = paired_delta_ci([1.0] * 20, [0.0] * 20)
    assert (d, lo, hi) == (-1.0, -1.0, -1.0)


def test_trec_roundtrip_and_ranx():
    run = {"q1": [("d/dieu-1", 2.5), ("d/dieu-2", 1.0)], "q2": [("d/dieu-3", 0.5)]}
    text = to_trec_run(run, tag="bm25")
    assert text.splitlines()[0] == "q1 Q0 d/dieu-1 1 2.5 bm25"
    assert from_trec_run(text) == run
    assert to_ranx(run) == {"q1": {"d/dieu-1": 2.5, "d/dieu-2": 1.0}, "q2": {"d/dieu-3": 0.5}}
    assert qrels_lines({"q1": ["d/dieu-1"]}) == ["q1 0 d/dieu-1 1"]
