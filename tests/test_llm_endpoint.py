"""LLM answer modes: an OpenAI-compatible endpoint (a real HTTP stand-in on 127.0.0.1, see
fake_openai_server.py) through llama-index OpenAILike, and the local GGUF when it is fetched."""
from __future__ import annotations


import pytest

from assistant_index import REPO, index_home
from fake_openai_server import FABRICATED, FakeOpenAIServer
from ktgs.assistant.ask import REFUSAL, Assistant
from ktgs.assistant.llm import endpoint_models, local_model_file, openai_generator
from ktgs.assistant.prompts import ANSWER, SELECT
from ktgs.errors import LLMError

Q = "Thời hạn giải quyết tố cáo là bao lâu?"
K1 = "Thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ lý tố cáo"


@pytest.fixture(scope="module")
def base_settings(tmp_path_factory, corpus_dir):
    return index_home(tmp_path_factory.getbasetemp(), corpus_dir)


@pytest.fixture(scope="module")
def server():
    with FakeOpenAIServer() as s:
        yield s


def _assistant(base_settings, server, model):
    return Assistant(base_settings.with_(answer_mode="openai", llm_url=server.url, llm_model=model))


def test_endpoint_lists_models(server):
    assert endpoint_models(server.url) == ["fake-good", "fake-bad", "fake-mixed", "fake-refuse",
                                           "fake-quiz", "fake-quiz-leak", "fake-quiz-broken", "fake-obey"]
    with pytest.raises(LLMError):
        endpoint_models("http://127.0.0.1:9/v1", timeout=2)


def test_good_answer_is_verified(base_settings, server):
    a = _assistant(base_settings, server, "fake-good")
    answer = a.ask(Q)
    a.close()
    assert answer.grounded and answer.mode == "openai"
    assert answer.text == f"Theo căn cứ [1]: “{K1}” [1]."
    [c] = answer.citations
    assert (c.unit_id, c.quote, c.quote_start, c.quote_end) == ("25-2018-QH14/dieu-30/khoan-1", K1, 3, 75)
    assert answer.prompt_id == ANSWER.id
    assert answer.model_ids["llm"] == f"openai:fake-good@{server.url}"
    sent = server.requests[-1]
    assert sent["model"] == "fake-good" and not sent.get("stream")
    assert sent["messages"][0]["role"] == "system" and "[n]" in sent["messages"][0]["content"]
    assert "[1] khoản 1 Điều 30 Luật Tố cáo số 25/2018/QH14\n1. " + K1 in sent["messages"][1]["content"]


def test_bad_answer_becomes_refusal(base_settings, server):
    a = _assistant(base_settings, server, "fake-bad")
    answer = a.ask(Q)
    a.close()
    assert not answer.grounded and answer.citations == []
    assert answer.text.startswith(REFUSAL) and FABRICATED not in answer.text
    assert "Các quy định gần nhất: khoản 1 Điều 30 Luật Tố cáo số 25/2018/QH14" in answer.text


def test_mixed_answer_keeps_only_the_verified_sentence(base_settings, server):
    a = _assistant(base_settings, server, "fake-mixed")
    answer = a.ask(Q)
    a.close()
    assert answer.grounded
    assert answer.text == f"Theo căn cứ [1]: “{K1}” [1]."
    assert FABRICATED not in answer.text and len(answer.citations) == 1


def test_model_saying_nothing_found_is_a_refusal(base_settings, server):
    a = _assistant(base_settings, server, "fake-refuse")
    answer = a.ask(Q)
    a.close()
    assert not answer.grounded and answer.text.startswith(REFUSAL)


def test_streaming_yields_deltas_then_verified_answer(base_settings, server):
    a = _assistant(base_settings, server, "fake-mixed")
    items = list(a.ask_stream(Q))
    a.close()
    deltas, final = items[:-1], items[-1]
    assert len(deltas) > 5 and all(isinstance(d, str) for d in deltas)
    assert "".join(deltas) == f"Theo căn cứ [1]: “{K1}” [1]. Ngoài ra, “{FABRICATED}” [1]."
    assert server.requests[-1]["stream"] is True
    assert final.grounded and final.text == f"Theo căn cứ [1]: “{K1}” [1]."
    assert 0 < final.timings["first_token"] <= final.timings["total"]


def test_follow_up_rewritten_by_the_model(base_settings, server):
    a = _assistant(base_settings, server, "fake-good")
    first = a.ask(Q)
    answer = a.ask("còn khiếu nại thì sao?", history=[(Q, first)])
    a.close()
    rewrite_request = server.requests[-2]
    assert "Câu hỏi tiếp theo: còn khiếu nại thì sao?" in rewrite_request["messages"][1]["content"]
    assert answer.rewritten_question == "Thời hạn giải quyết khiếu nại là bao lâu?"
    assert answer.grounded and answer.citations[0].doc_number == "02/2011/QH13"


def test_unknown_model_and_missing_url_are_llm_errors(base_settings, server):
    g = openai_generator(base_settings.with_(llm_url=server.url, llm_model="no-such-model"))
    with pytest.raises(LLMError, match="no-such-model"):
        g.complete([("user", "xin chào")])
    with pytest.raises(LLMError, match="KTGS_LLM_URL"):
        openai_generator(base_settings.with_(llm_url=""))


@pytest.mark.models
@pytest.mark.parametrize("question", [Q, "Kinh phí thực hiện đề án là bao nhiêu?",
                                      "Thủ tục cấp hộ chiếu phổ thông cần những giấy tờ gì?"])
def test_local_gguf_answer_is_verified(base_settings, question):
    """The fetched Qwen2.5 GGUF (KTGS_HOME/models, else ./data/models) answers through llama.cpp;
    whatever it writes, only verified quotes survive."""
    from ktgs.settings import Settings, load_settings

    homes = [load_settings().home, str(REPO / "data")]
    home = next((h for h in homes if local_model_file(Settings(home=h)).is_file()), None)
    if home is None:
        pytest.skip(f"GGUF not fetched under {homes}; run `ktgs models fetch qwen2.5-1.5b-instruct-q4`")
    gen = _local_generator(home)
    a = Assistant(base_settings.with_(answer_mode="local"), generator=gen, log=False)
    items = list(a.ask_stream(question))
    answer = items[-1]
    assert answer.mode == "local"
    if "hộ chiếu" in question:
        assert not answer.grounded and len(items) == 1     # refused before the model is called
        return
    assert answer.prompt_id == SELECT.id and "first_token" in answer.timings   # local: the model picks quotes, writes the lead
    if answer.grounded:
        for c in answer.citations:
            assert c.quote and c.quote in a.searcher.get_unit(c.unit_id).text
    else:
        assert answer.text.startswith(REFUSAL)


_LOCAL: dict = {}


@pytest.fixture(scope="module", autouse=True)
def _close_local_models():
    yield
    for gen in _LOCAL.values():       # free llama.cpp before interpreter shutdown
        gen.llm._model.close()
    _LOCAL.clear()


def _local_generator(home: str):
    """Load the GGUF once for the parametrised runs."""
    from ktgs.assistant.llm import local_generator
    from ktgs.settings import Settings

    if home not in _LOCAL:
        _LOCAL[home] = local_generator(Settings(home=home))
    return _LOCAL[home]
