"""Retrieval eval, side-by-side runs, reports, compare and the CLI on a tiny fictitious corpus;
quality floors on an ALQAC dev subset (marked eval)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ktgs.cli import main
from ktgs.errors import EvalError
from ktgs.evals.compare import compare
from ktgs.evals.runner import JSON_KEYS, json_summary, parse_config, run
from ktgs.evals.retrieval import evaluate_retrieval
from ktgs.settings import load_settings

FICTION = "VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử."
ARTICLES = [
    ("Luật Giả định Nuôi ong", "1", "Phạm vi điều chỉnh\n\n" + FICTION + " Luật này quy định về nuôi ong lấy mật."),
    ("Luật Giả định Nuôi ong", "2", "Thời hạn đăng ký trại ong\n\n" + FICTION +
     " Trại ong phải đăng ký trong thời hạn không quá 15 ngày kể từ ngày thành lập."),
    ("Luật Giả định Nuôi ong", "3", "Bảo vệ đàn ong\n\n" + FICTION + " Cấm phun thuốc trừ sâu gần tổ ong vào mùa hoa."),
    ("Luật Giả định Trồng nấm", "1", "Giống nấm\n\n" + FICTION + " Giống nấm rơm phải được kiểm định trước khi bán."),
    ("Luật Giả định Trồng nấm", "2", "Nhà trồng nấm\n\n" + FICTION + " Nhà trồng nấm phải thông gió và tránh ánh nắng."),
]
QUESTIONS = [
    {"id": "q1", "question": "Trại ong phải đăng ký trong thời hạn bao lâu?",
     "relevant": [{"law_id": "Luật Giả định Nuôi ong", "article_id": "2"}], "answer": "không quá 15 ngày",
     "question_type": "Tự luận", "key_facts": ["15 ngày"]},
    {"id": "q2", "question": "Có được phun thuốc trừ sâu gần tổ ong vào mùa hoa không, đúng hay sai?",
     "relevant": [{"law_id": "Luật Giả định Nuôi ong", "article_id": "3"}], "answer": "Sai",
     "question_type": "Đúng/Sai"},
    {"id": "q3", "question": "Giống nấm rơm phải làm gì trước khi bán?",
     "relevant": [{"law_id": "Luật Giả định Trồng nấm", "article_id": "1"}], "answer": "B",
     "question_type": "Trắc nghiệm", "choices": {"A": "Đóng gói", "B": "Được kiểm định", "C": "Phơi khô",
                                                 "D": "Dán nhãn"}},
    {"id": "q4", "question": "Thủ tục cấp hộ chiếu phổ thông?", "relevant": [], "answerable": False},
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("tiny-eval")
    corpus, qs = root / "corpus.jsonl", root / "questions.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"{l}#{a}", "law_id": l, "article_id": a, "text": t},
                                         ensure_ascii=False) + "\n" for l, a, t in ARTICLES), encoding="utf-8")
    qs.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in QUESTIONS), encoding="utf-8")
    home = root / "home"
    home.mkdir()
    return corpus, qs, home


def test_parse_config():
    assert parse_config("bm25").mode == "bm25" and not parse_config("bm25").answers
    c = parse_config("mode=hybrid,dense_weight=0.5,top_k=5")
    assert c.overrides == {"dense_weight": "0.5", "top_k": "5"} and c.name == "mode=hybrid,dense_weight=0.5,top_k=5"
    assert parse_config("preset=extractive,top_k=3").answers is True
    with pytest.raises(EvalError, match="unknown config"):
        parse_config("bm26")
    with pytest.raises(Exception, match="unknown setting"):
        parse_config("colour=red")
    assert parse_config("bm25").query == "question"
    assert parse_config("mode=bm25,query=question+choices").query == "question+choices"
    with pytest.raises(EvalError, match="query must be one of"):
        parse_config("mode=bm25,query=answer")


def test_query_with_choices_searches_the_options_of_multiple_choice_questions(tiny):
    from ktgs.evals.datasets import load_dataset
    from ktgs.evals.retrieval import retrieve

    corpus, qs, _ = tiny
    searched = []

    class Spy:  # records the text each question is searched with
        def search(self, text, k, mode):
            searched.append(text)
            return []

    questions = load_dataset(str(qs), corpus=corpus).questions[:3]
    retrieve(questions, Spy(), "bm25", progress=False, query="question+choices")
    assert searched == [QUESTIONS[0]["question"], QUESTIONS[1]["question"],
                        "Giống nấm rơm phải làm gì trước khi bán?\nA. Đóng gói\nB. Được kiểm định\nC. Phơi khô\n"
                        "D. Dán nhãn"]
    searched.clear()
    retrieve(questions, Spy(), "bm25", progress=False)
    assert searched == [q["question"] for q in QUESTIONS[:3]]
    with pytest.raises(EvalError, match="query must be one of"):
        retrieve(questions, Spy(), "bm25", progress=False, query="answer")


def test_retrieval_on_tiny_corpus_and_cache(tiny):
    corpus, qs, home = tiny
    s = load_settings(home=str(home), quiet=True)
    r = evaluate_retrieval(str(qs), mode="bm25", corpus=corpus, settings=s, progress=False)
    assert r["n"] == 3  # the unanswerable question has no retrieval score
    assert r["recall@10"] == 1.0 and r["mrr@10"] == 1.0 and r["f2"] == 1.0
    assert [x["ranked"][0] for x in r["records"]] == [
        "luat-gia-dinh-nuoi-ong/dieu-2", "luat-gia-dinh-nuoi-ong/dieu-3", "luat-gia-dinh-trong-nam/dieu-1"]
    index_dir = home / "evals" / "index" / "multilingual-e5-small"
    cache = next(index_dir.glob("corpus-*.eval-cache.json"))
    before = cache.stat().st_mtime_ns
    evaluate_retrieval(str(qs), mode="hybrid", corpus=corpus, settings=s, progress=False)
    assert cache.stat().st_mtime_ns == before  # the second run re-used the index


def test_run_writes_artifacts_and_compare(tiny):
    corpus, qs, home = tiny
    s = load_settings(home=str(home), quiet=True)
    d1 = run(str(qs), ["bm25", "extractive"], corpus=corpus, settings=s, progress=False, run_id="r1")
    for name in ("results.json", "questions.jsonl", "report.md", "report.html", "run-bm25.trec"):
        assert (d1 / name).is_file(), name
    summary = json_summary(d1)
    assert set(summary["configs"]) == {"bm25", "extractive"}
    assert set(summary["configs"]["bm25"]) == set(JSON_KEYS)
    assert summary["configs"]["bm25"]["accuracy"] is None            # retrieval-only config
    ex = summary["configs"]["extractive"]
    assert ex["recall@10"] == 1.0 and ex["refusal_accuracy"] is not None and ex["n"] == 4
    rows = [json.loads(x) for x in (d1 / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows[0]["configs"]["bm25"]["retrieved"][0] == "luat-gia-dinh-nuoi-ong/dieu-2"
    assert "answer" in rows[0]["configs"]["extractive"]
    assert "data:image/png;base64," in (d1 / "report.html").read_text(encoding="utf-8")
    d2 = run(str(qs), ["bm25"], corpus=corpus, settings=s.with_(top_k=1), progress=False, run_id="r2")
    cmp = compare(d1, d2)
    assert cmp["shared_questions"] == 4 and cmp["configs"]["bm25"]["deltas"]["recall@10"]["delta"] == 0.0


def test_cli_json(tiny, monkeypatch):
    corpus, qs, home = tiny
    monkeypatch.setenv("KTGS_HOME", str(home))
    res = CliRunner().invoke(main, ["eval", "retrieval", "--dataset", str(qs), "--corpus", str(corpus),
                                    "--mode", "bm25", "--json", "--quiet"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert {"recall@10", "mrr@10", "ndcg@10", "f2", "n", "recall@1", "recall@5", "p50_ms"} <= set(out)
    res = CliRunner().invoke(main, ["eval", "run", "--dataset", str(qs), "--corpus", str(corpus),
                                    "--config", "bm25", "--config", "dense", "--json", "--quiet"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert set(out["configs"]) == {"bm25", "dense"} and out["report"].endswith("report.html")
    res = CliRunner().invoke(main, ["eval", "retrieval", "--dataset", "alqac", "--split", "test"])
    assert res.exit_code == 1 and "only 'dev'" in res.output


FLOORS = Path(__file__).resolve().parents[1] / "evals" / "floors.json"


@pytest.fixture(scope="session")
def alqac_subset_home(tmp_path_factory, alqac_dir):
    """One eval home for the floors: the subset index is built once per session."""
    return tmp_path_factory.mktemp("alqac-floors")


@pytest.mark.eval
@pytest.mark.parametrize("mode", ["bm25", "hybrid"])
def test_quality_floors(mode, alqac_dir, alqac_subset_home):
    from ktgs.evals.retrieval import subset_keep
    from ktgs.evals.datasets import load_alqac

    spec = json.loads(FLOORS.read_text(encoding="utf-8"))
    sub = spec["subset"]
    ds = load_alqac(alqac_dir)
    ds.questions = ds.questions[: sub["questions"]]
    keep = subset_keep(ds, sub["distractors"], sub["seed"])
    s = load_settings(home=str(alqac_subset_home), quiet=True, embedder=sub["embedder"])
    r = evaluate_retrieval(ds, mode=mode, settings=s, keep=keep, progress=False)
    assert r["n"] == sub["questions"]
    for metric, floor in spec["floors"][mode].items():
        assert r[metric] >= floor, f"{mode} {metric} {r[metric]:.4f} fell below the floor {floor}"


def test_eval_index_has_its_own_home_but_the_users_models(tmp_path):
    from ktgs.evals.datasets import Dataset
    from ktgs.evals.retrieval import eval_settings
    from ktgs.settings import Settings

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"law_id": "Luật giả định (văn bản hư cấu)", "article_id": "1", "text": "Điều 1."}\n',
                      encoding="utf-8")
    user = Settings(home=str(tmp_path / "home"))
    es = eval_settings(user, Dataset("tiny", [], corpus))
    assert es.home_path != user.home_path and es.home_path.is_relative_to(user.home_path / "evals" / "index")
    assert es.models_path == user.models_path == user.home_path / "models"
    custom = user.with_(models_dir=str(tmp_path / "shared-models"))
    assert eval_settings(custom, Dataset("tiny", [], corpus)).models_path == tmp_path / "shared-models"


def test_run_reports_per_kind_and_the_superseded_trap_rate(tiny):
    corpus, _, home = tiny
    rows = [dict(q, kind=kind) for q, kind in zip(QUESTIONS, ["deadline", "yes-no", "choice", "unanswerable"])]
    # a fictitious "not current" number on q1: the fixture answers carry no such citation → rate 0
    rows[0]["not_current"] = ["99/1999/QH99"]
    qs = home.parent / "kinds.jsonl"
    qs.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in rows), encoding="utf-8")
    s = load_settings(home=str(home), quiet=True)
    d = run(str(qs), ["extractive"], corpus=corpus, settings=s, progress=False, run_id="kinds")
    ex = json_summary(d)["configs"]["extractive"]
    assert ex["superseded_trap_rate"] == 0.0
    kinds = ex["by_kind"]
    assert sorted(kinds) == ["choice", "deadline", "unanswerable", "yes-no"]
    assert all(k["n"] == 1 for k in kinds.values())
    assert kinds["deadline"]["recall@10"] == 1.0 and kinds["unanswerable"]["recall@10"] is None
    assert kinds["unanswerable"]["refusal_accuracy"] is not None and kinds["deadline"]["superseded_trap_rate"] == 0.0
    assert "## Theo loại câu hỏi" in (d / "report.md").read_text(encoding="utf-8")
    row = json.loads((d / "questions.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert row["kind"] == "deadline" and row["not_current"] == ["99/1999/QH99"]
