"""`ktgs bench ask` in extractive mode over the shared assistant index: real retrieval and answers."""
from __future__ import annotations

import json

from assistant_index import index_home
from click.testing import CliRunner

from ktgs.assistant.bench_ask import run_ask_bench
from ktgs.cli import main


def test_extractive_bench_times_every_question_and_grounds_the_known_ones(tmp_path_factory, corpus_dir):
    settings = index_home(tmp_path_factory.getbasetemp(), corpus_dir)
    questions = ("Thời hạn giải quyết tố cáo là bao lâu?", "Kinh phí thực hiện đề án là bao nhiêu?",
                 "Thủ tục cấp hộ chiếu phổ thông cần giấy tờ gì?")
    r = run_ask_bench(settings, "extractive", questions, repeat=2)
    assert r["questions"] == 3 and r["repeat"] == 2 and len(r["rows"]) == 6
    by_q = {row["question"]: row for row in r["rows"]}
    assert by_q[questions[0]]["grounded"] and "Điều 30" in " ".join(by_q[questions[0]]["citations"])
    assert by_q[questions[1]]["grounded"] and "4,7 tỷ đồng" in by_q[questions[1]]["answer"]
    assert not by_q[questions[2]]["grounded"]                        # refused, never invented
    assert r["grounded"] == 4
    for row in r["rows"]:                                            # extractive: no stream, one block
        assert row["first_token_ms"] == row["total_ms"] > 0
    assert r["first_token_ms_p50"] <= r["first_token_ms_p95"]
    assert r["total_ms_p50"] < 2000


def test_bench_ask_cli_json(tmp_path_factory, corpus_dir, monkeypatch):
    settings = index_home(tmp_path_factory.getbasetemp(), corpus_dir)
    monkeypatch.setenv("KTGS_HOME", settings.home)
    result = CliRunner().invoke(main, ["bench", "ask", "--json"])
    assert result.exit_code == 0, result.output
    (r,) = json.loads(result.output)
    assert r["mode"] == "extractive" and len(r["rows"]) == 5 and r["grounded"] >= 3
