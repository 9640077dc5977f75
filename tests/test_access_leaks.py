"""Leak test: every role × every path; a fixture document above the role's rights never shows up
in any output (text, label, number, id, count), and the documents the role may see DO show up (a
handler that hides everything from everyone would fail). The matrix is printed at the end.

Real index (tests/access_index.py): four fictitious documents, one per level, with canaries.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from access_index import DOCS, EXPECTED, USERS, access_home, seen_levels
from ktgs.assistant.ask import Assistant
from ktgs.assistant.qa_log import FILENAME, QALog
from ktgs.cli import main
from ktgs.index.scoped import scoped
from ktgs.index.search import Searcher
from ktgs.users import Users

ALL_USERS = ["local", *USERS]
QUESTIONS = {   # one question aimed at each fixture document
    "CK": "Thời hạn trả lời khách của phòng thử nghiệm hư cấu là bao lâu?",
    "NB": "Thời hạn lưu trữ biên bản họp của phòng thử nghiệm hư cấu là bao lâu?",
    "MT": "Thời hạn báo cáo kết quả kiểm tra kho lưu trữ là bao lâu?",
    "GR": "Thời hạn kết thúc vụ việc thử nghiệm của nhóm A là bao lâu?",
}
MATRIX: dict[str, dict[str, set[str]]] = {}


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return access_home(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def searcher(settings):
    s = Searcher.open(settings)
    yield s
    s.close()


def viewer(settings, user):
    if user == "local":
        return None
    with Users.open(settings) as users:
        return users.viewer(user)


def cli(settings, args, user, input=None):
    extra = [] if user == "local" else ["--as-user", user]
    result = CliRunner().invoke(main, [*args, *extra], env={"KTGS_HOME": settings.home}, input=input,
                                catch_exceptions=False)
    return result, result.output + (getattr(result, "stderr", "") or "")


def check(path: str, user: str, seen: set[str], must: set[str] | None = None) -> None:
    """Nothing above the user's rights; and at least `must` (default: all they may see) seen."""
    MATRIX.setdefault(path, {})[user] = seen
    must = EXPECTED[user] if must is None else must
    leaked = seen - EXPECTED[user]
    assert not leaked, f"{path}: {user} saw {sorted(leaked)} above their rights"
    assert must <= seen, f"{path}: {user} should see {sorted(must)}, saw {sorted(seen)}"


# --- CLI paths ---------------------------------------------------------------------------------
@pytest.mark.parametrize("user", ALL_USERS)
def test_cli_search(settings, user):
    result, out = cli(settings, ["search", "thời hạn phòng thử nghiệm hư cấu", "--json", "-k", "20"], user)
    assert result.exit_code == 0, out
    check("cli search", user, seen_levels(out))
    hits = json.loads(result.stdout if hasattr(result, "stdout") else out)
    assert len(hits) == 2 * len(EXPECTED[user])      # the count too: two articles per visible document


@pytest.mark.parametrize("user", ALL_USERS)
def test_cli_ask(settings, user):
    seen: set[str] = set()
    for key in ("NB", "MT"):
        result, out = cli(settings, ["ask", QUESTIONS[key], "--json"], user)
        assert result.exit_code == 0, out
        seen |= seen_levels(out)
        if key in EXPECTED[user]:
            assert key in seen_levels(json.loads(out)["answer"]), out   # the answer cites that document
    check("cli ask (câu về NB, MT)", user, seen, EXPECTED[user] & {"NB", "MT"})


@pytest.mark.parametrize("user", ALL_USERS)
def test_cli_doc_show(settings, user):
    seen: set[str] = set()
    for key, (canary, number, _) in DOCS.items():
        result, out = cli(settings, ["doc", "show", number, "--json"], user)
        if key in EXPECTED[user]:
            assert result.exit_code == 0 and canary in out, out
            seen |= seen_levels(out)
        else:   # exactly the answer for a number that does not exist: no existence oracle
            assert result.exit_code == 1
            _, missing = cli(settings, ["doc", "show", "999/XX-KHONGCO", "--json"], user)
            assert out.replace(number, "999/XX-KHONGCO") == missing
            assert canary not in out
    check("cli doc show", user, seen)


@pytest.mark.parametrize("user", ALL_USERS)
def test_cli_quiz_build_and_export(settings, user, tmp_path):
    seen: set[str] = set()
    for key, (canary, number, _) in DOCS.items():
        out_file = tmp_path / f"{key}.gift"
        result, out = cli(settings, ["quiz", "build", "--doc", number, "--n", "2", "--types", "tf", "--no-selfcheck",
                                     "--no-save", "--json", "--out", str(out_file)], user)
        text = out + (out_file.read_text(encoding="utf-8") if out_file.is_file() else "")
        if key in EXPECTED[user]:
            assert result.exit_code == 0 and out_file.is_file() and canary in text, out
        else:       # refused; the error lists only the documents in the user's own scope
            assert result.exit_code == 1 and not out_file.exists(), out
        # the number typed is the user's own input (echoed in the refusal)
        seen |= seen_levels(text) if key in EXPECTED[user] else seen_levels(text.replace(number, ""))
    check("cli quiz build + export", user, seen)


# --- library paths the UI uses -------------------------------------------------------------------
@pytest.mark.parametrize("user", ALL_USERS)
def test_documents_browser(settings, searcher, user):
    s = scoped(searcher, viewer(settings, user))
    docs = s.documents()
    text = json.dumps([d.to_dict() for d in docs], ensure_ascii=False)
    text += "".join(u.text for d in docs for u in s.units(d.doc_id))
    # direct reads by id of every fixture document and unit: nothing for what is hidden
    for key, (_, _, doc_id) in DOCS.items():
        document, unit = s.get_document(doc_id), s.get_unit(f"{doc_id}/dieu-1")
        assert (document is not None) == (unit is not None) == (key in EXPECTED[user])
        text += (document.title if document else "") + (unit.text if unit else "")
        text += "".join(u.text for u in s.children(f"{doc_id}/dieu-1"))
    check("Văn bản (danh sách, đọc theo mã)", user, seen_levels(text))


@pytest.mark.parametrize("user", ALL_USERS)
def test_ask_refusal_followup_and_qa_log(settings, searcher, user, tmp_path):
    log_settings = settings.with_(home=str(tmp_path))       # a Q&A log of this test only
    who = viewer(settings, user)
    assistant = Assistant(log_settings, searcher=scoped(searcher, who))
    try:
        refusal = assistant.ask("Giá vàng hôm nay là bao nhiêu?")          # closest units of a refusal
        first = assistant.ask(QUESTIONS["CK"])
        follow = assistant.ask("còn kiểm tra kho lưu trữ thì sao?", history=[(QUESTIONS["CK"], first)])
        answers = [refusal, first, follow] + [assistant.ask(q) for q in QUESTIONS.values()]
    finally:
        assistant.close()
    out = "".join(a.text + "".join(c.label + c.quote for c in a.citations)
                  + "".join(h.label + h.unit.text for h in a.hits) for a in answers)
    check("ask (từ chối, hỏi tiếp, 4 câu)", user, seen_levels(out))
    # the Q&A log as each user would read it: only rows whose documents they may all see
    log = QALog(log_settings.path(FILENAME))
    try:
        for other in ALL_USERS:
            rows = log.recent(100, viewer=viewer(settings, other))
            assert seen_levels(json.dumps(rows, ensure_ascii=False)) <= EXPECTED[other]
        own = json.dumps(log.recent(100, viewer=who), ensure_ascii=False)
    finally:
        log.close()
    check("nhật ký hỏi đáp", user, seen_levels(own))


class _RemoteLLM:
    """A fake OpenAI-compatible endpoint at a non-local address: records what it is sent."""

    model_id = "openai:fake-remote"

    def __init__(self):
        self.prompts: list[str] = []

    def complete(self, messages):
        self.prompts.append("\n".join(m[1] for m in messages))
        return "Không rõ."

    def stream(self, messages):
        yield self.complete(messages)


@pytest.mark.parametrize("allow", [False, True])
def test_remote_llm_never_gets_mat_unless_allowed(settings, searcher, allow):
    s = settings.with_(answer_mode="openai", llm_url="http://10.20.30.40:8000/v1", llm_allow_mat=allow)
    llm = _RemoteLLM()
    assistant = Assistant(s, searcher=searcher, generator=llm, log=False)
    try:
        answers = [assistant.ask(q, mode="openai") for q in QUESTIONS.values()]
        # a follow-up after an answer that rests on the mat document: the rewrite prompt shows it only when allowed
        assistant.ask("còn thời hạn gửi thông báo thì sao?", history=[(QUESTIONS["MT"], answers[2])], mode="openai")
    finally:
        assistant.close()
    sent = seen_levels("".join(llm.prompts))
    expected = {"CK", "NB", "MT", "GR"} if allow else {"CK", "NB"}
    MATRIX.setdefault("LLM ngoài máy" + (" (llm_allow_mat)" if allow else ""), {})["local"] = sent
    assert sent == expected


@pytest.mark.parametrize("user", list(USERS))
def test_ui_context_reads_as_the_logged_in_user(settings, user):
    """The UI's callbacks read through UIContext: with login on, as the user of the Gradio request."""
    from types import SimpleNamespace

    from gradio.context import LocalContext

    from access_index import PASSWORD
    from ktgs.assistant.ui.app import UIContext
    from ktgs.assistant.ui.tab_eval import run_eval
    from ktgs.errors import AccessError, KtgsError

    ctx = UIContext(settings, login=True)
    try:
        assert ctx.documents() == []                       # outside a request: nobody, nothing
        assert ctx.sessions.login(user, PASSWORD)
        token = LocalContext.request.set(SimpleNamespace(username=user))
        try:
            docs = ctx.documents()
            text = json.dumps([d.to_dict() for d in docs], ensure_ascii=False) + ctx.index_status()
            text += "".join(h.label + h.unit.text for h in ctx.search("thời hạn phòng thử nghiệm hư cấu", k=20))
            for q in QUESTIONS.values():
                for item in ctx.ask_stream(q, [], "extractive"):
                    text += item if isinstance(item, str) else item.text + "".join(h.unit.text for h in item.hits)
            for key, (_, _, doc_id) in DOCS.items():
                panel = ctx.unit_panel(f"{doc_id}/dieu-1")      # a hidden id: the not-found box, echoing it
                text += panel.replace(f"{doc_id}/dieu-1", "") + "".join(u.text for u in ctx.units_of(doc_id))
            assert f"{len(EXPECTED[user])} văn bản" in ctx.index_status()
            with pytest.raises(KtgsError, match="không có trong danh sách"):
                run_eval(ctx, "/etc/passwd", ["bm25"], 1)      # no free server paths
            if user == "hv":
                with pytest.raises(AccessError, match="không được chạy đánh giá"):
                    run_eval(ctx, "alqac", ["bm25"], 1)
        finally:
            LocalContext.request.reset(token)
    finally:
        ctx.close()
    check("UI (UIContext: Văn bản, Tra cứu, Hỏi đáp)", user, seen_levels(text))


def test_doc_access_change_reaches_the_store(settings, tmp_path):
    import shutil

    home = tmp_path / "copy"
    shutil.copytree(settings.home, home)
    copy = settings.with_(home=str(home))
    result, out = cli(copy, ["doc", "access", "902/QC-THUNGHIEM", "mat"], "gv")       # a trainer may not
    assert result.exit_code == 1 and "chỉ quản trị viên" in out
    result, out = cli(copy, ["doc", "access", "902/QC-THUNGHIEM", "mat", "--groups", "ubkt-a"], "qt")
    assert result.exit_code == 0 and "noi-bo → mat" in out and "2 đơn vị" in out
    seen = {}
    for user in ("gv", "cb", "qt"):
        result, out = cli(copy, ["search", "thời hạn lưu trữ biên bản họp", "--json"], user)
        seen[user] = seen_levels(out)
    assert seen == {"gv": {"CK"}, "cb": {"CK", "NB", "MT", "GR"}, "qt": {"CK", "MT"}}
    # the payload itself changed: a store query with only the level filter no longer finds it for noi-bo
    from ktgs.index.store import SearchFilters

    s = Searcher.open(copy)
    try:
        hits = s.search("biên bản họp", k=20, filters=SearchFilters(access="noi-bo"))
    finally:
        s.close()
    assert hits == []
    result, out = cli(copy, ["audit", "list", "--json", "--action", "access_change"], "local")
    changes = json.loads(out)
    assert [(c["user"], c["detail"].get("denied", False)) for c in changes] == [("gv", True), ("qt", False)]
    assert changes[1]["detail"]["new"] == ["mat", ["ubkt-a"]]


def test_zz_print_matrix(capsys):
    """The role × path matrix (documents each user saw), printed in the test output."""
    lines = ["", "Ma trận truy cập (tài liệu kiểm thử thấy được; CK=công khai NB=nội bộ MT=mật GR=mật+nhóm ubkt-a)",
             f"{'đường đi':<44}" + "".join(f"{u:<14}" for u in ALL_USERS)]
    for path, row in MATRIX.items():
        lines.append(f"{path:<44}" + "".join(f"{' '.join(sorted(row[u])) if u in row else '-':<14}" for u in ALL_USERS))
    lines.append("quyền: " + ", ".join(f"{u}={' '.join(sorted(EXPECTED[u]))}" for u in ALL_USERS))
    with capsys.disabled():
        print("\n".join(lines))
    assert MATRIX, "no path ran"
