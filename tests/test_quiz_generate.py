"""Quiz facts and items on the real Luật Tố cáo (25/2018/QH14), without an index or an LLM."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from ktgs.assistant.quiz.extract import UnitTree, extract_facts, matched_units, true_values
from ktgs.assistant.quiz.generate import QuizSpec, build_quiz, coverage_map, parse_mix
from ktgs.assistant.quiz.items import BLANK, verify_item
from ktgs.assistant.quiz.source import select_units
from ktgs.assistant.quiz.textmatch import flat



@pytest.fixture(scope="session")
def facts(law):
    return extract_facts(law.units)


@pytest.fixture(scope="session")
def mcq20(law):
    return build_quiz(law.units, law.documents, QuizSpec(n=20, types=("mcq",), seed=1))


def _fact(facts, unit_id, kind):
    return next(f for f in facts if f.unit.unit_id == unit_id and f.kind == kind)


def test_fact_counts_per_kind(facts):
    assert Counter(f.kind for f in facts) == {"enumeration": 128, "authority": 17, "deadline": 15, "definition": 5}


def test_deadline_fact_of_dieu_30(facts, law):
    f = _fact(facts, "25-2018-QH14/dieu-30/khoan-1", "deadline")
    assert f.value == "30 ngày"
    assert f.quote == "Thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ lý tố cáo."
    assert f.template == f"Thời hạn giải quyết tố cáo là không quá {BLANK} kể từ ngày thụ lý tố cáo."
    tree = UnitTree(law.units)
    # khoản 2 and 3 allow extensions of 30 days: 60 and 90 days are defensible, never distractors
    assert true_values(f, tree) == ["30 ngày", "60 ngày", "90 ngày"]
    assert {"25-2018-QH14/dieu-30/khoan-2", "25-2018-QH14/dieu-30/khoan-3"} <= {u.unit_id for u in matched_units(f, tree)}


def test_deadline_values_in_order(facts):
    got = [(f.unit.unit_id.split("/", 1)[1], f.value) for f in facts if f.kind == "deadline"]
    assert got[:4] == [("dieu-24/khoan-1", "07 ngày làm việc"), ("dieu-24/khoan-1", "10 ngày làm việc"),
                       ("dieu-24/khoan-2", "05 ngày làm việc"), ("dieu-26/khoan-2", "20 ngày")]
    assert ("dieu-01", "01 tháng") not in got      # "ngày 01 tháng 01 năm 2019" is a date, not a term


def test_definitions_of_dieu_2(facts):
    assert [f.value for f in facts if f.kind == "definition"] == [
        "Tố cáo", "Người tố cáo", "Người bị tố cáo", "Người giải quyết tố cáo", "Giải quyết tố cáo"]
    f = _fact(facts, "25-2018-QH14/dieu-2/khoan-4", "definition")
    assert f.template == f"{BLANK} là cá nhân thực hiện việc tố cáo."


def test_authority_with_points(facts):
    got = [f for f in facts if f.kind == "authority" and f.unit.unit_id == "25-2018-QH14/dieu-13/khoan-4"]
    assert [f.value for f in got] == ["Chủ tịch Ủy ban nhân dân cấp tỉnh"] * 2
    assert got[0].quote == "Chủ tịch Ủy ban nhân dân cấp tỉnh có thẩm quyền sau đây:"
    assert got[0].extra[0][0].unit_id == "25-2018-QH14/dieu-13/khoan-4/diem-a"
    assert got[0].question.startswith("ai có thẩm quyền giải quyết tố cáo hành vi vi phạm pháp luật trong việc "
                                      "thực hiện nhiệm vụ, công vụ của Chủ tịch, Phó Chủ tịch Ủy ban nhân dân cấp huyện")
    # "… của cơ quan, tổ chức do mình quản lý trực tiếp" holds for every head: never asked
    generic = ("ai có thẩm quyền giải quyết tố cáo hành vi vi phạm pháp luật trong việc thực hiện nhiệm vụ, "
               "công vụ của cơ quan, tổ chức do mình quản lý trực tiếp?")
    assert generic not in [f.prompt for f in facts]
    assert sum(f.kind == "authority" for f in facts) == 17


def test_prohibited_acts_list(facts):
    got = [f for f in facts if f.kind == "enumeration" and f.unit.unit_id.startswith("25-2018-QH14/dieu-8/")]
    assert len(got) == 11          # khoản 5 and 12 are too long to be an option
    assert got[0].question == "nội dung nào sau đây thuộc “Các hành vi bị nghiêm cấm trong tố cáo và giải quyết tố cáo”?"
    assert got[0].value == "Cản trở, gây khó khăn, phiền hà cho người tố cáo"


def test_twenty_mcq_are_grounded_and_distinct(mcq20, law):
    items = mcq20.items
    assert len(items) == 20 and all(it.type == "mcq" and len(set(it.options)) == 4 for it in items)
    texts = {u.unit_id: u.text for u in law.units}
    for it in items:
        assert verify_item(it, texts) == []
        assert it.key in it.citations[0].quote and it.citations[0].quote in texts[it.citations[0].unit_id]
    assert len({flat(it.stem) for it in items}) == 20


def test_distractors_are_false_for_the_stem(law, facts):
    """No distractor appears in any unit matched by the stem's predicate."""
    quiz = build_quiz(law.units, law.documents, QuizSpec(n=20, types=("mcq",), seed=1))
    tree = UnitTree(law.units)
    by_quote = {(f.unit.unit_id, f.quote, f.value): f for f in facts}
    for it in quiz.items:
        fact = by_quote[(it.citations[0].unit_id, it.citations[0].quote, it.key)]
        matched = " | ".join(flat(u.text) for u in matched_units(fact, tree))
        for d in it.options:
            if d != it.key:
                assert f" {flat(d)} " not in f" {matched} ", (it.stem, d)
                assert d not in true_values(fact, tree)


def test_same_seed_same_json_other_seed_other_quiz(law):
    spec = QuizSpec(n=12, types=("mcq", "tf", "cloze"), seed=7)
    a = json.dumps(build_quiz(law.units, law.documents, spec).to_dict(), ensure_ascii=False)
    b = json.dumps(build_quiz(law.units, law.documents, spec).to_dict(), ensure_ascii=False)
    c = json.dumps(build_quiz(law.units, law.documents, QuizSpec(n=12, types=("mcq", "tf", "cloze"), seed=8)).to_dict())
    assert a == b and a != c


def test_types_difficulty_mix_and_tf_cloze(law):
    spec = QuizSpec(n=12, types=("mcq", "tf", "cloze"), seed=3, difficulty_mix=parse_mix("1:1,3:1"))
    items = build_quiz(law.units, law.documents, spec).items
    assert {it.type for it in items} == {"mcq", "tf", "cloze"}
    assert Counter(it.difficulty for it in items) == {1: 6, 3: 6}
    for it in items:
        if it.type == "tf":
            assert it.options == ["Đúng", "Sai"] and it.support in it.citations[0].quote
        if it.type == "cloze":
            assert it.options == [] and BLANK in it.stem
        if it.difficulty == 1:
            assert it.stem.startswith("Theo Điều ")


def test_scope_and_coverage(law):
    units = select_units(law, ["25/2018/QH14"], chuong=["III"], dieu=["30", "13"])
    assert {u.path[2] for u in units} == {"Điều 13", "Điều 30"}
    quiz = build_quiz(units, law.documents, QuizSpec(n=4, types=("mcq",), seed=1), pool_units=law.units)
    assert set(quiz.coverage) == {"25-2018-QH14/dieu-13", "25-2018-QH14/dieu-30"}
    assert sum(len(v) for v in quiz.coverage.values()) == len(quiz.items) >= 3
    assert coverage_map([], units) == {"25-2018-QH14/dieu-13": [], "25-2018-QH14/dieu-30": []}


def test_parse_mix_rejects_bad_levels():
    assert parse_mix("1:0.3,2:0.5,3:0.2") == {1: 0.3, 2: 0.5, 3: 0.2}
    with pytest.raises(ValueError):
        parse_mix("4:1")
