"""Self-check: the assistant answers items from retrieved units. Unit tier answers from the cited
article's units; the models tier retrieves from a real index of Luật Tố cáo (built once)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ktgs.assistant.quiz.extract import UnitTree
from ktgs.assistant.quiz.generate import QuizSpec, build_quiz
from ktgs.assistant.quiz.items import QuizItem
from ktgs.assistant.quiz.selfcheck import answer_item, self_check
from ktgs.cli import main
from ktgs.settings import load_settings

LAW = "luat-to-cao-25-2018-QH14.md"


def _article_units(law, item: QuizItem):
    tree = UnitTree(law.units)
    art = tree.article_of(tree.by_id[item.citations[0].unit_id])
    return tree.subtree(art)


def test_answers_from_the_cited_article_agree(law):
    items = build_quiz(law.units, law.documents, QuizSpec(n=15, types=("mcq", "tf", "cloze"), seed=2)).items
    results = [answer_item(it, _article_units(law, it)) for it in items]
    assert sum(r.agrees for r in results) >= 14, [(it.stem, r.answer) for it, r in zip(items, results) if not r.agrees]


def test_deadline_mcq_and_false_statement(law):
    tree = UnitTree(law.units)
    units = tree.subtree(tree.by_id["25-2018-QH14/dieu-30"])
    stem = "Theo Luật Tố cáo, chọn phương án đúng để điền vào chỗ trống: “Thời hạn giải quyết tố cáo là không quá …… kể từ ngày thụ lý tố cáo.”"
    mcq = QuizItem("mcq", stem, ["20 ngày", "30 ngày", "60 ngày", "05 ngày làm việc"], "30 ngày", "", [])
    r = answer_item(mcq, units)
    assert r.answer == "30 ngày" and r.agrees and r.scores["30 ngày"] == 1.0 > r.scores["60 ngày"]
    tf = QuizItem("tf", "Nhận định sau đúng hay sai? “Thời hạn giải quyết tố cáo là không quá 60 ngày kể từ ngày thụ lý tố cáo.”",
                  ["Đúng", "Sai"], "Sai", "", [])
    assert answer_item(tf, units).answer == "Sai"
    cloze = QuizItem("cloze", stem.replace("chọn phương án đúng để ", ""), [], "30 ngày", "", [])
    assert answer_item(cloze, units).answer == "30 ngày"


def test_two_defensible_options_are_flagged(law):
    tree = UnitTree(law.units)
    units = tree.subtree(tree.by_id["25-2018-QH14/dieu-30"])
    stem = "Chọn phương án đúng: “Đối với vụ việc phức tạp thì có thể gia hạn giải quyết tố cáo …… nhưng không quá 30 ngày.”"
    it = QuizItem("mcq", stem, ["một lần", "hai lần", "ba lần", "bốn lần"], "một lần", "", [])

    class Evidence:          # a retriever returning Điều 30 for any question
        def search(self, q, k=8):
            from ktgs.contracts import Hit
            return [Hit(unit=u, score=1.0) for u in units]

    assert answer_item(it, units).agrees
    both = QuizItem("mcq", "Theo Điều 30, nội dung nào sau đây thuộc “Thời hạn giải quyết tố cáo”?",
                    ["Thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ lý tố cáo",
                     "Đối với vụ việc phức tạp thì có thể gia hạn giải quyết tố cáo một lần nhưng không quá 30 ngày",
                     "Đề nghị giả định A", "Đề nghị giả định B"],
                    "Thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ lý tố cáo", "", [])
    report = self_check([both], Evidence())
    assert both.flags == ["ambiguous"] and report.ambiguous == 1 and report.agreement_rate == 0.0


def test_cli_build_json_from_a_file_without_index(corpus_dir, ktgs_home):
    args = ["quiz", "build", "--doc", str(corpus_dir / LAW), "--n", "5", "--types", "mcq,tf", "--seed", "1", "--json",
            "--quiet"]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert len(out["items"]) == 5
    assert set(out["items"][0]) >= {"type", "stem", "options", "key", "explanation", "citations", "flags"}
    assert set(out["items"][0]["citations"][0]) >= {"unit_id", "label", "quote"}
    assert any("Chưa tự kiểm tra" in n for n in out["notes"])
    again = CliRunner().invoke(main, args)
    assert json.loads(again.stdout)["items"] == out["items"]
    listing = CliRunner().invoke(main, ["quiz", "bank", "list", "--status", "draft"])
    assert listing.exit_code == 0 and len(listing.stdout.strip().splitlines()) == 5
    first = out["items"][0]["id"]
    assert CliRunner().invoke(main, ["quiz", "bank", "approve", first]).stdout.strip() == f"{first}: approved"
    bad = CliRunner().invoke(main, ["quiz", "bank", "reject", "khong-co"])
    assert bad.exit_code == 1 and "không có câu hỏi" in bad.output


def test_cli_coverage_lists_articles(corpus_dir, ktgs_home):
    r = CliRunner().invoke(main, ["quiz", "coverage", "--doc", str(corpus_dir / LAW), "--chuong", "III", "--n", "6"])
    assert r.exit_code == 0, r.output
    lines = r.stdout.strip().splitlines()
    assert lines[-1].startswith("Đã phủ ") and lines[-1].endswith("/29 điều.")
    assert any(line.startswith("✓ Điều ") for line in lines)


# --- models tier: the real assistant over a real index --------------------------------------------
@pytest.fixture(scope="session")
def indexed(corpus_dir, tmp_path_factory):
    from ktgs.index.indexer import index_paths

    settings = load_settings(home=str(tmp_path_factory.mktemp("quiz-index")), quiet=True)
    index_paths([corpus_dir / LAW], settings, progress=False)
    return settings


@pytest.mark.models
def test_selfcheck_agrees_on_twenty_mcq(indexed, law):
    from ktgs.assistant.ask import Assistant

    items = build_quiz(law.units, law.documents, QuizSpec(n=20, types=("mcq",), seed=1)).items
    assert len(items) == 20
    report = self_check(items, Assistant(indexed, log=False))
    assert report.agreement_rate >= 0.9, [(it.stem, r.answer, it.key) for it, r in zip(items, report.results)
                                          if not r.agrees]
