"""Access levels: names, old values, what each source sets at ingest, store filters, LLM endpoints."""
from __future__ import annotations

import pytest

from ktgs import access
from ktgs.access import Viewer, ingest_access, level, restrict
from ktgs.contracts import Document
from ktgs.errors import AccessError
from ktgs.index.store import SearchFilters
from ktgs.settings import Settings


@pytest.mark.parametrize("raw, want", [("cong-khai", "cong-khai"), ("public", "cong-khai"), ("internal", "noi-bo"),
                                       ("confidential", "mat"), (" Nội bộ ", "noi-bo"), ("MẬT", "mat"),
                                       ("cong_khai", "cong-khai")])
def test_level_names(raw, want):
    assert level(raw) == want


def test_unknown_level_is_an_error():
    with pytest.raises(AccessError, match="chọn một trong: cong-khai, noi-bo, mat"):
        level("tuyet-mat")


def test_default_rights():
    r = access.rights(Settings())
    assert r == {"hoc-vien": ("cong-khai",), "giang-vien": ("cong-khai", "noi-bo"),
                 "can-bo": ("cong-khai", "noi-bo", "mat"), "quan-tri": ("cong-khai", "noi-bo", "mat")}


def test_viewer_sees_levels_and_groups():
    v = Viewer("an", "can-bo", ("cong-khai", "noi-bo", "mat"), ("ubkt-a",))
    assert v.can_see("mat") and v.can_see("confidential") and v.can_see("mat", ["ubkt-a", "ubkt-b"])
    assert not v.can_see("mat", ["ubkt-b"]) and not v.can_see("bi-mat")
    t = Viewer("hv", "hoc-vien", ("cong-khai",))
    assert t.can_see("public") and not t.can_see("noi-bo") and not t.can_see("cong-khai", ["ubkt-a"])


def test_restrict_adds_the_must_conditions():
    v = Viewer("gv", "giang-vien", ("cong-khai", "noi-bo"), ("g1",))
    f = restrict(SearchFilters(doc_type="luat"), v)
    keywords, _ = f.conditions()
    assert keywords == {"doc_type": ["luat"], "access": ["cong-khai", "noi-bo", "public", "internal"]}
    assert f.acl_values == ["*", "g1"] and not f.empty
    asked = restrict(SearchFilters(access="mat"), v).conditions()[0]["access"]   # asks above their rights
    assert asked == ["__none__"]
    assert restrict(SearchFilters(access="noi-bo"), v).conditions()[0]["access"] == ["noi-bo", "internal"]
    assert restrict(None, None) is None


def _doc(**kw):
    return Document(doc_id="x", **kw)


def test_ingest_access_sources(tmp_path):
    plain = tmp_path / "a.md"
    assert ingest_access(_doc(), plain) == ("cong-khai", ())
    assert ingest_access(_doc(), plain, "noi-bo", ["g"]) == ("noi-bo", ("g",))
    # front matter `access: mat` is never lowered by a batch flag
    assert ingest_access(_doc(access="mat"), plain, "cong-khai") == ("mat", ())
    folder = tmp_path / "ho-so"
    (folder / "sub").mkdir(parents=True)
    (folder / ".ktgs-access").write_text("# mặc định của thư mục\naccess: mat\ngroups: ubkt-a\n", encoding="utf-8")
    assert ingest_access(_doc(), folder / "sub" / "b.md") == ("mat", ("ubkt-a",))
    assert ingest_access(_doc(metadata={"groups": "ubkt-b"}), folder / "b.md", "noi-bo") == ("mat", ("ubkt-b",))
    # a change made later with `ktgs doc access` wins on re-ingest
    assert ingest_access(_doc(access="mat"), folder / "b.md", override=("noi-bo", ())) == ("noi-bo", ())
    (folder / ".ktgs-access").write_text("level: mat\n", encoding="utf-8")
    with pytest.raises(AccessError, match="khóa 'level'"):
        ingest_access(_doc(), folder / "b.md")


@pytest.mark.parametrize("url, local", [("http://127.0.0.1:8000/v1", True), ("http://localhost:11434/v1", True),
                                        ("http://[::1]:8000/v1", True), ("http://10.0.0.5:8000/v1", False),
                                        ("https://api.example.com/v1", False)])
def test_endpoint_is_local(url, local):
    assert access.endpoint_is_local(url) is local


def test_history_for_a_remote_llm_drops_answers_resting_on_mat():
    from types import SimpleNamespace as NS

    def answer(*levels):
        return NS(hits=[NS(document=Document(doc_id=lv, access=lv)) for lv in levels], text="…")

    history = [("q1", answer("cong-khai", "noi-bo")), ("q2", answer("cong-khai", "mat")), ("q3", "văn bản thường")]
    remote = Settings(llm_url="http://10.0.0.5:8000/v1")
    out = access.history_for_llm(history, remote, "openai")
    assert [(q, a is history[0][1]) for q, a in out] == [("q1", True), ("q2", False), ("q3", False)]
    assert out[1][1] == "" and out[2][1] == ""
    assert access.history_for_llm(history, remote.with_(llm_allow_mat=True), "openai") is history
    assert access.history_for_llm(history, Settings(llm_url="http://127.0.0.1:8000/v1"), "openai") is history
    assert access.history_for_llm(history, remote, "local") is history
