"""Quiz items worded by a language model: situational stems and paraphrased template stems, on the
real Luật Tố cáo (25/2018/QH14). The model is the real OpenAILike generator talking HTTP to the fake
OpenAI-compatible server (fake_openai_server.py: fake-quiz, fake-quiz-leak, fake-quiz-broken);
keys, distractors and citations must stay the generator's own."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from assistant_index import index_home
from fake_openai_server import FakeOpenAIServer, canned_situation
from ktgs.assistant.llm import openai_generator
from ktgs.assistant.prompts import QUIZ_PARAPHRASE, QUIZ_SITUATION
from ktgs.assistant.quiz.extract import UnitTree, extract_facts, matched_units, true_values
from ktgs.assistant.quiz.generate import Builder, QuizSpec, build_quiz
from ktgs.assistant.quiz.items import QuizItem, verify_item
from ktgs.assistant.quiz.llm_items import (CALLS_PER_ITEM, TAG_LLM, TAG_PARAPHRASE, paraphrase_problem,
                                           parse_json_reply, situational_problem)
from ktgs.assistant.quiz.selfcheck import answer_item
from ktgs.assistant.quiz.service import quiz_generator
from ktgs.assistant.quiz.source import select_units
from ktgs.assistant.quiz.textmatch import contains, flat
from ktgs.cli import main
from ktgs.settings import Settings

NAME = "Luật Tố cáo số 25/2018/QH14"
K1_QUOTE = "Thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ lý tố cáo."


@pytest.fixture(scope="module")
def texts(law):
    return {u.unit_id: u.text for u in law.units}


@pytest.fixture(scope="module")
def server():
    with FakeOpenAIServer() as s:
        yield s


@pytest.fixture()
def gen(server, tmp_path):
    """The real OpenAILike generator for one of the fake server's models."""
    def make(model: str):
        server.requests.clear()
        return openai_generator(Settings(home=str(tmp_path), llm_url=server.url, llm_model=model))
    return make


def _user(request: dict) -> str:
    return request["messages"][-1]["content"]


def _fact_of(item: QuizItem, facts):
    c = item.citations[0]
    return next(f for f in facts if (f.unit.unit_id, f.quote, f.value) == (c.unit_id, c.quote, item.key))


# --- situational items ----------------------------------------------------------------------------
def test_situational_items_keep_the_cited_key_and_corpus_distractors(law, texts, gen, server):
    quiz = build_quiz(law.units, law.documents, QuizSpec(n=5, types=("situational",), seed=1),
                      generator=gen("fake-quiz"))
    items = quiz.items
    assert len(items) == 5 and {it.type for it in items} == {"situational"}
    facts, builder, tree = extract_facts(law.units), Builder(law.units, law.documents), UnitTree(law.units)
    sent = [r for r in server.requests if r["messages"][0]["content"] == QUIZ_SITUATION.system]
    assert len(sent) == len(server.requests) >= 5
    for it in items:
        fact = _fact_of(it, facts)                        # the key is a fact's value, cited by its span
        assert it.key == fact.value and it.key in it.citations[0].quote
        assert it.citations[0].quote in texts[it.citations[0].unit_id]
        assert verify_item(it, texts) == []
        assert len(it.options) == 4 == len(set(it.options)) and it.key in it.options
        distractors = [o for o in it.options if o != it.key]
        assert set(distractors) <= set(builder.distractor_candidates(fact))
        matched = " | ".join(flat(u.text) for u in matched_units(fact, tree))
        for d in distractors:
            assert f" {flat(d)} " not in f" {matched} " and d not in true_values(fact, tree)
        assert not any(contains(it.stem, o) for o in it.options)           # the stem gives nothing away
        # the stem is exactly what the model wrote for this fact's prompt
        request = next(r for r in sent if f"Quy định (trích nguyên văn): “{fact.quote}”" in _user(r)
                       and f"Nội dung được hỏi: {fact.prompt}\n" in _user(r))
        assert f"): {it.key}\n" in _user(request)
        reply = canned_situation(_user(request))
        assert it.stem == f"{reply['scenario']} {reply['question']}"
        assert TAG_LLM in it.tags and it.fact_kind == fact.kind
        assert it.explanation == f"Đáp án: {it.key}. Căn cứ {it.citations[0].label}: “{fact.quote}”"
    assert f"Câu tình huống (mô hình openai:fake-quiz@{server.url}, lời nhắc {QUIZ_SITUATION.id}): nhận {len(sent)}, loại 0." \
        in quiz.notes


def test_deadline_scenario_of_dieu_30(law, texts, gen):
    units = select_units(law, ["25/2018/QH14"], dieu=["30"])
    quiz = build_quiz(units, law.documents, QuizSpec(n=1, types=("situational",), seed=1), pool_units=law.units,
                      generator=gen("fake-quiz"))
    [it] = quiz.items
    assert it.stem == ("Ông Nguyễn Văn An, cán bộ Ủy ban Kiểm tra huyện, được giao xử lý một vụ việc và cần vận dụng "
                       "quy định: Thời hạn giải quyết tố cáo là không quá …… kể từ ngày thụ lý tố cáo. "
                       f"Theo {NAME}, ông An cần xác định nội dung nào là đúng?")
    assert (it.key, it.citations[0].unit_id, it.citations[0].quote) == ("30 ngày", "25-2018-QH14/dieu-30/khoan-1", K1_QUOTE)
    assert it.citations[0].label == f"khoản 1 Điều 30 {NAME}"
    # extensions of 30 days make 60 and 90 days defensible: never offered
    assert len(set(it.options)) == 4 and not {"60 ngày", "90 ngày"} & set(it.options)
    # self-check answers it like an mcq, from Điều 30
    tree = UnitTree(law.units)
    r = answer_item(it, tree.subtree(tree.by_id["25-2018-QH14/dieu-30"]))
    assert r.answer == "30 ngày" and r.agrees and not r.ambiguous
    assert all(score == 0.0 for o, score in r.scores.items() if o != "30 ngày")


def test_selfcheck_ignores_quotes_the_model_put_in_a_scenario(law):
    """A scenario quoting “……” is no statement of the law: scored as a question, not as a blank
    (as an mcq's blank, every option found in the passages fills it and the item reads as ambiguous)."""
    tree = UnitTree(law.units)
    units = [u for a in ("dieu-24", "dieu-26", "dieu-30") for u in tree.subtree(tree.by_id[f"25-2018-QH14/{a}"])]
    stem = ("Bà Trần Thị Bình gửi đơn tố cáo; cán bộ tiếp nhận ghi vào phiếu hẹn “……”. "
            "Theo Luật Tố cáo, thời hạn giải quyết tố cáo là bao lâu kể từ ngày thụ lý tố cáo?")
    options = ["20 ngày", "30 ngày", "07 ngày làm việc", "10 ngày làm việc"]
    situational = answer_item(QuizItem("situational", stem, options, "30 ngày", "", []), units)
    assert situational.answer == "30 ngày" and situational.agrees and not situational.ambiguous
    assert max(v for o, v in situational.scores.items() if o != "30 ngày") < situational.scores["30 ngày"]
    as_blank = answer_item(QuizItem("mcq", stem, options, "30 ngày", "", []), units)
    assert as_blank.ambiguous and set(as_blank.scores.values()) == {1.0}


@pytest.mark.parametrize("model, reason", [("fake-quiz-leak", "lộ đáp án"), ("fake-quiz-broken", "không phải JSON hợp lệ")])
def test_leaked_or_broken_replies_are_skipped(law, gen, server, model, reason):
    quiz = build_quiz(law.units, law.documents, QuizSpec(n=5, types=("situational",), seed=1), generator=gen(model))
    assert quiz.items == []
    budget = CALLS_PER_ITEM * 5
    assert len(server.requests) == budget                    # bounded: no call past the budget
    assert (f"Câu tình huống (mô hình openai:{model}@{server.url}, lời nhắc quiz-situation-vi-v1): nhận 0, "
            f"loại {budget} ({budget} {reason}).") in quiz.notes
    assert f"Đã dùng hết {budget} lượt gọi mô hình ngôn ngữ dành cho đề này." in quiz.notes
    assert "Chỉ tạo được 0/5 câu hỏi từ phạm vi đã chọn." in quiz.notes
    # asked for situational or mcq, the rejected stems fall back to template items
    mixed = build_quiz(law.units, law.documents, QuizSpec(n=5, types=("situational", "mcq"), seed=1),
                       generator=gen(model))
    assert [it.type for it in mixed.items] == ["mcq"] * 5


def test_situational_stem_checks_on_real_values():
    distractors = ["20 ngày", "10 ngày làm việc", "05 ngày làm việc"]
    ok = "Ông An được giao giải quyết một đơn tố cáo vừa thụ lý. Theo Luật Tố cáo, ông phải giải quyết trong bao lâu?"
    assert situational_problem(ok, "30 ngày", distractors) is None
    assert situational_problem(ok + " Ông nghĩ là Không quá 30 NGÀY.", "30 ngày", distractors) == "leaks_key"
    assert situational_problem(ok + " Cán bộ khác nói 20 ngày.", "30 ngày", distractors) == "leaks_distractor"
    assert situational_problem("", "30 ngày", distractors) == "empty"
    assert situational_problem("Ông An " * 100 + "?", "30 ngày", distractors) == "too_long"
    # the document's name may name a defined term; anything else naming it gives the answer away
    term = f"Theo {NAME}, việc ông An báo cho cơ quan có thẩm quyền biết về hành vi vi phạm của ông Bình gọi là gì?"
    assert situational_problem(term, "Tố cáo", ["Khiếu nại"], [NAME, "Luật Tố cáo"]) is None
    assert situational_problem("Ông An tố cáo ông Bình. " + term, "Tố cáo", ["Khiếu nại"], [NAME]) == "leaks_key"
    assert parse_json_reply('```json\n{"scenario": "a", "question": "b"}\n```') == {"scenario": "a", "question": "b"}
    assert parse_json_reply('["a"]') is None and parse_json_reply('{"scenario": "a",') is None


# --- paraphrased stems ------------------------------------------------------------------------------
def test_paraphrase_keeps_items_and_rewords_the_lead_in(law, gen, server):
    spec = dict(n=6, types=("mcq", "tf", "cloze"), seed=6)
    base = build_quiz(law.units, law.documents, QuizSpec(**spec)).items
    quiz = build_quiz(law.units, law.documents, QuizSpec(**spec, paraphrase=True), generator=gen("fake-quiz"))
    assert len(quiz.items) == len(base) == 6 and {it.type for it in base} == {"mcq", "tf", "cloze"}
    assert all(r["messages"][0]["content"] == QUIZ_PARAPHRASE.system for r in server.requests)
    for old, new in zip(base, quiz.items):
        assert (new.type, new.key, new.options, new.citations) == (old.type, old.key, old.options, old.citations)
        assert new.stem == re.sub(r"^Theo (.+?), ", r"Căn cứ \1, ", old.stem) != old.stem
        assert re.findall(r"“.*”", new.stem) == re.findall(r"“.*”", old.stem)
        assert new.tags == old.tags + [TAG_PARAPHRASE] and new.id != old.id
    assert f"Diễn đạt lại lời dẫn (mô hình openai:fake-quiz@{server.url}, lời nhắc {QUIZ_PARAPHRASE.id}): nhận 6, loại 0." \
        in quiz.notes
    leaked = build_quiz(law.units, law.documents, QuizSpec(**spec, paraphrase=True), generator=gen("fake-quiz-leak"))
    assert [it.stem for it in leaked.items] == [it.stem for it in base]
    assert (f"Diễn đạt lại lời dẫn (mô hình openai:fake-quiz-leak@{server.url}, lời nhắc {QUIZ_PARAPHRASE.id}): "
            "nhận 0, loại 6 (6 lộ đáp án).") in leaked.notes


def test_paraphrase_checks():
    stem = (f"Theo Điều 30 {NAME} (Thời hạn giải quyết tố cáo), chọn phương án đúng để điền vào chỗ trống: "
            "“Thời hạn giải quyết tố cáo là không quá …… kể từ ngày thụ lý tố cáo.”")
    quoted = stem[stem.index("“"):]
    forbidden = ["30 ngày", "20 ngày", "10 ngày làm việc", "05 ngày làm việc"]
    good = f"Căn cứ Điều 30 {NAME}, hãy chọn cụm từ điền vào chỗ trống: {quoted}"
    assert paraphrase_problem(stem, good, forbidden) is None
    assert paraphrase_problem(stem, good.replace("Điều 30 ", ""), forbidden) == "drops_reference"
    assert paraphrase_problem(stem, good.replace("25/2018/QH14", "25/2018"), forbidden) == "drops_reference"
    assert paraphrase_problem(stem, good.replace("không quá", "tối đa"), forbidden) == "drops_quote"
    assert paraphrase_problem(stem, good + " (khoảng 30 ngày)", forbidden) == "leaks_key"
    assert paraphrase_problem(stem, stem, forbidden) == "unchanged"
    tf = (f"Theo {NAME}, nhận định sau đúng hay sai? "
          "“Thời hạn giải quyết tố cáo là không quá 20 ngày kể từ ngày thụ lý tố cáo.”")
    tf_new = tf.replace("Theo", "Căn cứ").replace("nhận định sau đúng hay sai?", "nhận định sau là đúng hay sai?")
    assert paraphrase_problem(tf, tf_new, ["Sai", "30 ngày", "Đúng"]) is None
    assert paraphrase_problem(tf, tf_new + " Đáp án: Sai.", ["Sai", "30 ngày", "Đúng"]) == "leaks_key"


# --- without a usable model -------------------------------------------------------------------------
def test_without_a_model_situational_is_a_note(law):
    quiz = build_quiz(law.units, law.documents, QuizSpec(n=3, types=("situational",), seed=1, paraphrase=True))
    assert quiz.items == []
    assert quiz.notes[0].startswith("Bỏ qua câu tình huống: cần mô hình ngôn ngữ (answer_mode local/openai)")
    assert quiz.notes[1].startswith("Giữ nguyên lời dẫn theo mẫu")


def test_failing_endpoint_stops_after_one_call(law, gen, server):
    quiz = build_quiz(law.units, law.documents, QuizSpec(n=4, types=("situational", "mcq"), seed=1),
                      generator=gen("no-such-model"))
    assert len(server.requests) == 1
    assert [it.type for it in quiz.items] == ["mcq"] * 4
    assert quiz.notes[0].startswith(f"Không gọi được mô hình ngôn ngữ openai:no-such-model@{server.url}: ")
    assert "no-such-model" in quiz.notes[0].split(": ", 1)[1]


def test_quiz_generator_follows_the_answer_mode(tmp_path, server):
    spec = QuizSpec(types=("situational",))
    s = Settings(home=str(tmp_path))
    assert quiz_generator(s, spec) == (None, [])                                   # extractive
    assert quiz_generator(s.with_(answer_mode="openai", llm_url=server.url), QuizSpec()) == (None, [])
    g, notes = quiz_generator(s.with_(answer_mode="openai", llm_url=server.url, llm_model="fake-quiz"), spec)
    assert g.model_id == f"openai:fake-quiz@{server.url}" and notes == []
    g, notes = quiz_generator(s.with_(answer_mode="openai", llm_url=""), spec)
    assert g is None and notes[0].startswith("Không mở được mô hình ngôn ngữ (openai): chưa đặt địa chỉ máy chủ LLM")


# --- the CLI over the shared test index ---------------------------------------------------------------
def test_cli_builds_situational_items_from_the_index(tmp_path_factory, corpus_dir, server, texts):
    settings = index_home(tmp_path_factory.getbasetemp(), corpus_dir)
    server.requests.clear()
    env = {"KTGS_HOME": settings.home, "KTGS_ANSWER_MODE": "openai", "KTGS_LLM_URL": server.url,
           "KTGS_LLM_MODEL": "fake-quiz"}
    r = CliRunner().invoke(main, ["quiz", "build", "--doc", "25/2018/QH14", "--n", "5", "--types", "situational",
                                  "--json", "--no-save", "--quiet"], env=env)
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert len(out["items"]) == 5 and {it["type"] for it in out["items"]} == {"situational"}
    for it in out["items"]:
        assert set(it) >= {"type", "stem", "options", "key", "explanation", "citations", "flags"}
        [c] = it["citations"][:1]
        assert set(c) >= {"unit_id", "label", "quote"} and c["unit_id"].startswith("25-2018-QH14/")
        assert it["key"] in c["quote"] and c["quote"] in texts[c["unit_id"]]
        assert len(it["options"]) == 4 == len(set(it["options"])) and it["key"] in it["options"]
        assert not contains(it["stem"], it["key"]) and NAME in it["stem"]
        assert set(it["flags"]) <= {"selfcheck_disagrees", "ambiguous"}
    assert out["selfcheck"]["checked"] == 5
    assert {q["model"] for q in server.requests} == {"fake-quiz"} and len(server.requests) >= 5
