"""Equivalent gold units (a law and its văn bản hợp nhất), the superseded-trap metric and the
per-kind breakdown: exact values on small constructed cases (ids and texts are fixtures)."""
from __future__ import annotations

import json
from types import SimpleNamespace as NS

import pytest

from ktgs.contracts import Answer, Citation
from ktgs.evals import metrics as m
from ktgs.evals import validity as v
from ktgs.evals.answers import judge
from ktgs.evals.datasets import load_jsonl, question_from_dict, save_jsonl
from ktgs.evals.report import kind_rows, markdown
from ktgs.evals.runner import by_kind

LAW, VBHN = "25-2018-QH14/dieu-30/khoan-2", "112-VBHN-VPQH-2025/dieu-30/khoan-2"


def test_relevant_may_hold_a_list_of_equivalent_ids(tmp_path):
    q = question_from_dict({"id": "a", "question": "?", "relevant": [[VBHN, LAW], "42-2013-QH13/dieu-9"],
                            "kind": "deadline", "not_current": ["22-QĐ/TW"]})
    assert q.relevant == [VBHN, "42-2013-QH13/dieu-9"]
    assert q.relevant_groups == [[VBHN, LAW], ["42-2013-QH13/dieu-9"]]
    assert q.equivalents == {VBHN: [LAW]} and q.kind == "deadline" and q.not_current == ["22-QĐ/TW"]
    assert q.metadata == {"kind": "deadline"}
    again = load_jsonl(save_jsonl(tmp_path / "g.jsonl", [q]))
    assert again == [q]
    row = json.loads((tmp_path / "g.jsonl").read_text(encoding="utf-8"))
    assert row["relevant"] == [[VBHN, LAW], "42-2013-QH13/dieu-9"] and "equivalents" not in row
    # an old-style row keeps its shape: no new keys are written back
    old = question_from_dict({"id": "b", "question": "?", "relevant": ["d/dieu-1"]})
    assert old.to_dict()["relevant"] == ["d/dieu-1"] and "not_current" not in old.to_dict()


@pytest.mark.parametrize("bad", [[[]], [[1, 2]], [{"x": 1}]])
def test_bad_relevant_items_raise(bad):
    from ktgs.errors import EvalError

    with pytest.raises(EvalError, match="lists of equivalent unit ids"):
        question_from_dict({"id": "a", "question": "?", "relevant": bad})


def test_citation_precision_recall_with_equivalents():
    gold = [[VBHN, LAW], "d/dieu-3"]
    # the law's khoản cited: that gold unit is satisfied; d/dieu-3 missing → R = 1/2, P = 1/1
    assert m.citation_precision_recall([LAW], gold) == (1.0, 0.5)
    # both texts cited once each: both citations correct, the unit counted once
    assert m.citation_precision_recall([VBHN, LAW, "d/dieu-3/khoan-1"], gold) == (1.0, 1.0)
    # containment works on an equivalent id: the VBHN Điều holds the gold khoản
    assert m.citation_precision_recall(["112-VBHN-VPQH-2025/dieu-30", "x/dieu-1"], gold) == (0.5, 0.5)
    # plain string gold behaves as before
    assert m.citation_precision_recall(["d/dieu-30/khoan-1", "d/dieu-31"], ["d/dieu-30"]) == (0.5, 1.0)


def test_align_to_gold_maps_an_equivalent_to_its_gold_unit_once():
    ranked = [LAW, "x", VBHN, "112-VBHN-VPQH-2025/dieu-30"]
    aligned = m.align_to_gold(ranked, [[VBHN, LAW]])
    assert aligned == [VBHN, "x", VBHN + "#again", "112-VBHN-VPQH-2025/dieu-30"]
    assert m.recall_at_k(aligned, [VBHN], 1) == 1.0 and m.reciprocal_rank(aligned, [VBHN]) == 1.0


def _cit(uid: str, number: str, status: str = "in_force") -> Citation:
    return Citation(unit_id=uid, label=uid, quote="…", doc_number=number, status=status)


def test_superseded_trap_flag_by_status_or_warning():
    nc = ["22-QĐ/TW"]
    old = _cit("22-QD-TW-2021/p-3", "22-QĐ/TW")
    new = _cit("296-QD-TW-2025/p-1", "296-QĐ/TW")
    # cited as if in force, no warning → a trap
    assert v.superseded_trap(NS(citations=[new, old]), nc) == 1.0
    # its status says it is no longer in force → flagged
    assert v.superseded_trap(NS(citations=[_cit("22-QD-TW-2021/p-3", "22-QĐ/TW", "expired")]), nc) == 0.0
    # a warning names the number (any spelling of the diacritics / case) → flagged
    w = ["Quy định 22-QD/TW đã được thay thế bởi Quy định 296-QĐ/TW (30/5/2025)"]
    assert v.superseded_trap(NS(citations=[old], warnings=w), nc) == 0.0
    # a warning about another number does not flag it ("122-QĐ/TW" is not "22-QĐ/TW")
    assert v.superseded_trap(NS(citations=[old], warnings=["Quy định 122-QĐ/TW …"]), nc) == 1.0
    # only current texts cited, or a refusal → no trap; nothing not current → None
    assert v.superseded_trap(NS(citations=[new]), nc) == 0.0
    assert v.superseded_trap(NS(citations=[]), nc) == 0.0
    assert v.superseded_trap(NS(citations=[old]), []) is None
    # an answer object without the new fields at all (before they land)
    assert v.superseded_trap(object(), nc) == 0.0


def test_superseded_trap_without_doc_number_and_for_units():
    # no doc_number: the unit id's document part is compared with the number's slug
    c = NS(unit_id="11-2022-QH15/dieu-1", doc_number="")
    assert v.superseded_trap(NS(citations=[c]), ["11/2022/QH15"]) == 1.0
    assert v.superseded_trap(NS(citations=[NS(unit_id="111-2022-QH15/dieu-1")]), ["11/2022/QH15"]) == 0.0
    # a not-current unit of a document that is otherwise in force (and everything below it)
    units = ["25-2018-QH14/dieu-14"]
    assert v.superseded_trap(NS(citations=[_cit("25-2018-QH14/dieu-14/khoan-1", "25/2018/QH14")]), [], units) == 1.0
    assert v.superseded_trap(NS(citations=[_cit("25-2018-QH14/dieu-140", "25/2018/QH14")]), [], units) == 0.0
    assert v.superseded_trap(NS(citations=[_cit("25-2018-QH14/dieu-14", "25/2018/QH14", "partly_expired")]),
                             [], units) == 0.0
    assert v.superseded_trap(NS(citations=[_cit("25-2018-QH14/dieu-14", "25/2018/QH14")],
                                warnings=["Điều 14 Luật Tố cáo 25/2018/QH14 đã được sửa đổi"]), [], units) == 0.0


def test_false_flag_on_gold_units():
    gold = [["02-2011-QH13/dieu-48"]]
    assert v.false_flag(NS(citations=[_cit("02-2011-QH13/dieu-48", "02/2011/QH13", "expired")]), gold) == 1.0
    assert v.false_flag(NS(citations=[_cit("02-2011-QH13/dieu-48", "02/2011/QH13")]), gold) == 0.0
    assert v.false_flag(NS(citations=[_cit("x/dieu-1", "X", "expired")]), gold) is None


def test_judge_reports_trap_and_equivalent_recall():
    q = question_from_dict({"id": "t", "question": "?", "relevant": [[VBHN, LAW]], "key_facts": ["30 ngày"],
                            "not_current": ["25/2018/QH14"], "kind": "trap"})
    ans = Answer(text="Không quá 30 ngày [1].", citations=[_cit(LAW, "25/2018/QH14")], grounded=True)
    v = judge(q, ans, ["Không quá 30 ngày"])
    assert v["citation_recall"] == 1.0 and v["citation_precision"] == 1.0
    assert v["superseded_trap_rate"] == 1.0 and v["false_flag_rate"] == 0.0 and v["key_fact_recall"] == 1.0


def test_by_kind_and_report_table():
    recs = [{"kind": "deadline", "metrics": {"key_fact_recall": 1.0, "citation_recall": 0.5}},
            {"kind": "deadline", "metrics": {"key_fact_recall": 0.0, "citation_recall": 1.0}},
            {"kind": "unanswerable", "metrics": {"refusal_accuracy": 1.0}},
            {"metrics": {"key_fact_recall": 0.0}}]
    k = by_kind(recs)
    assert list(k) == ["deadline", "unanswerable"]
    assert k["deadline"]["key_fact_recall"] == 0.5 and k["deadline"]["citation_recall"] == 0.75
    assert k["deadline"]["n"] == 2 and k["deadline"]["refusal_accuracy"] is None
    assert k["unanswerable"]["refusal_accuracy"] == 1.0 and k["unanswerable"]["n"] == 1
    results = {"run_id": "r", "dataset": "d", "split": "dev", "n_questions": 4, "created": "t",
               "configs": {"extractive": {"key_fact_recall": 0.33, "n": 4, "by_kind": k}}}
    head, rows = kind_rows(results)
    assert head == ["config", "kind", "n", "key_fact_recall", "citation_recall", "refusal_accuracy"]
    assert rows == [["extractive", "deadline", "2", "0.500", "0.750", "–"],
                    ["extractive", "unanswerable", "1", "–", "–", "1.000"]]
    assert "## Theo loại câu hỏi" in markdown(results)
