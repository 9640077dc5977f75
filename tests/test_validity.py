"""The legal graph on the real corpus (read in place): statuses as of dates, with their reasons."""
from __future__ import annotations

from datetime import date

import pytest

from ktgs.index.validity import Graph, in_scope, parse_scope
from ktgs.ingest.parse import parse_file, parse_paths

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def parsed(corpus_dir):
    return {r.document.doc_number: r for _, r, _ in parse_paths([corpus_dir], progress=False) if r}


@pytest.fixture(scope="module")
def graph(parsed):
    return Graph.from_documents([r.document for r in parsed.values()])


def test_22_is_expired_by_296(graph):
    st = graph.status_of("22-QĐ/TW", TODAY)
    assert (st.status, st.by, st.kind, st.since) == ("expired", "296-QĐ/TW", "replaces", "2025-05-30")
    assert st.reason == "Quy định 22-QĐ/TW đã được thay thế bởi Quy định 296-QĐ/TW (30/5/2025)"
    assert st.unit_id == "296-QD-TW-2025/1/doan-4"   # the paragraph of 296 that says so, not 22's front matter
    assert graph.status_of("22-QĐ/TW", "2025-05-29").status == "in_force"


def test_296_replaced_seven_regulations(graph):
    replaced = sorted(r["doc_number"] for r in graph.relations_of("296-QĐ/TW")
                      if r["direction"] == "out" and r["kind"] == "replaces")
    assert replaced == sorted(["22-QĐ/TW", "262-QĐ/TW", "86-QĐ/TW", "85-QĐ/TW", "221-QĐ/TW", "210-QĐ/TW",
                               "211-QĐ/TW"])
    assert graph.status_of("262-QĐ/TW", TODAY).status == "expired"
    assert graph.card("262-QĐ/TW", TODAY)["in_corpus"] is False


def test_102_in_force_in_2020_expired_today(graph):
    assert graph.status_of("102-QĐ/TW", "2020-06-01").status == "in_force"
    st = graph.status_of("102-QĐ/TW", TODAY)
    assert (st.status, st.by, st.since, st.unit_id) == ("expired", "69-QĐ/TW", "2022-07-06", "69-QD-TW-2022/p-16")
    assert graph.status_of("102-QĐ/TW").status == "expired"      # as of today


def test_luat_thanh_tra_2022_ended_by_84_on_1_july_2025(graph):
    st = graph.status_of("11/2022/QH15", "2025-07-01")
    assert (st.status, st.by, st.kind, st.since) == ("expired", "84/2025/QH15", "ends", "2025-07-01")
    assert st.unit_id == "84-2025-QH15/dieu-63/khoan-2"
    assert st.reason == ("Luật Thanh tra 11/2022/QH15 hết hiệu lực từ 01/7/2025 theo khoản 2 Điều 63 Luật Thanh tra "
                         "84/2025/QH15, trừ quy định tại khoản 1 và khoản 3 Điều 64 của Luật này")
    assert graph.status_of("11/2022/QH15", "2024-01-01").status == "in_force"
    assert graph.status_of("11/2022/QH15", "2025-06-30").pending


def test_84_not_yet_before_1_july_2025(graph):
    st = graph.status_of("84/2025/QH15", "2025-06-30")
    assert (st.status, st.since, st.unit_id) == ("not_yet", "2025-07-01", "84-2025-QH15/dieu-63")
    assert graph.status_of("84/2025/QH15", "2025-07-01").status == "in_force"


def test_khieu_nai_partly_expired_the_laws_chuong_v_tiep_cong_dan(graph, parsed):
    # the stored copy (Bộ pháp điển) heads its chapters I, II, III, V, VI …: the law's Chương V
    # ("Tiếp công dân", Điều 59–62) is headed "Chương VI" there; its "Chương V" is the law's Chương IV
    st = graph.status_of("02/2011/QH13", TODAY)
    assert (st.status, st.expired_scopes, st.by, st.since) == ("partly_expired", ["Chương V"], "42/2013/QH13",
                                                              "2014-07-01")
    assert st.unit_id == "42-2013-QH13/dieu-35"
    assert [(x["scope"], x["stored"], x["unknown"]) for x in st.located] == [("Chương V", "Chương VI", False)]
    assert st.reason == ("Chương V của Luật Khiếu nại 02/2011/QH13 (trong văn bản lưu: Chương VI. TIẾP CÔNG DÂN; "
                         "văn bản lưu đánh số chương khác văn bản gốc: I, II, III, V, VI, VII, VIII, IX) hết hiệu "
                         "lực từ 01/7/2014 theo Điều 35 Luật Tiếp công dân 42/2013/QH13; phần còn lại còn hiệu lực")
    units = parsed["02/2011/QH13"].units
    dieu = [u for u in units if u.level in ("dieu", "khoan")]
    number = {u.unit_id: int(u.unit_id.split("/")[1].removeprefix("dieu-")) for u in dieu}
    tiep = [u for u in dieu if 59 <= number[u.unit_id] <= 62]
    ky_luat = [u for u in dieu if 47 <= number[u.unit_id] <= 58]
    others = [u for u in dieu if u not in tiep]
    assert {u.path[0] for u in tiep} == {"Chương VI"} and {u.path[0] for u in ky_luat} == {"Chương V"}
    assert len(tiep) == 4 + sum(u.level == "khoan" for u in tiep) and len(ky_luat) > 10 and len(others) > 100
    assert {graph.unit_status(u.unit_id, "2014-07-01", u.path).status for u in tiep} == {"expired"}
    assert {graph.unit_status(u.unit_id, "2014-07-01", u.path).status for u in others} == {"in_force"}
    assert {graph.unit_status(u.unit_id, "2014-06-30", u.path).status for u in tiep} == {"in_force"}
    d59 = next(u for u in units if u.unit_id == "02-2011-QH13/dieu-59")
    assert graph.unit_status(d59.unit_id, TODAY, d59.path).reason == st.reason.removesuffix("; phần còn lại còn hiệu lực")
    d47 = next(u for u in units if u.unit_id == "02-2011-QH13/dieu-47")
    assert graph.unit_status(d47.unit_id, TODAY, d47.path).reason.startswith(
        "Điều 47 còn hiệu lực; Chương V của Luật Khiếu nại 02/2011/QH13 (trong văn bản lưu: Chương VI. TIẾP CÔNG DÂN;")
    card = graph.card("02/2011/QH13", TODAY)
    assert card["numbering_note"][0] == (
        "các chương của văn bản lưu không đánh số liên tục từ 1 (I, II, III, V, VI, VII, VIII, IX): văn bản khác "
        "dẫn \"Chương k\" được hiểu là chương thứ k theo thứ tự trong văn bản lưu")
    assert card["numbering_note"][0] in parsed["02/2011/QH13"].warnings
    assert (card["expired_scopes"], card["expired_scopes_in_store"]) == (["Chương V"], ["Chương VI"])
    ended = [r for r in card["relations"] if r["direction"] == "in" and r["kind"] == "ends"]
    assert [(r["doc_number"], r["scope"], r["scope_in_store"]) for r in ended] == [("42/2013/QH13", "Chương V",
                                                                                   "Chương VI")]
    # Luật Thanh tra 2025 drops a phrase in khoản 3 Điều 63: an amendment, the khoản stays in force
    k = next(u for u in units if u.unit_id == "02-2011-QH13/dieu-63/khoan-3")
    assert graph.unit_status(k.unit_id, TODAY, k.path).status == "in_force"


def test_luat_to_cao_in_force_from_2019_and_consolidated(graph):
    assert graph.status_of("25/2018/QH14", "2019-01-01").status == "in_force"
    assert graph.status_of("25/2018/QH14", "2018-12-31").status == "not_yet"
    st = graph.status_of("25/2018/QH14", TODAY)
    assert (st.status, st.consolidated_by) == ("in_force", "112/VBHN-VPQH")
    rel = [r for r in graph.relations_of("25/2018/QH14") if r["kind"] == "consolidates"]
    assert [(r["direction"], r["doc_number"], r["unit_id"]) for r in rel] == [
        ("in", "112/VBHN-VPQH", "112-VBHN-VPQH-2025/mo-dau")]
    unit = graph.unit_status("25-2018-QH14/dieu-14", TODAY, ["Chương II", "Điều 14"])
    assert unit.history and unit.status == "in_force"
    assert unit.note == "Nguyên văn Luật Tố cáo 25/2018/QH14 khi ban hành; lời văn hiện hành: Văn bản hợp nhất 112/VBHN-VPQH"
    amended = {(r["doc_number"], r["scope"]) for r in graph.relations_of("25/2018/QH14")
               if r["direction"] == "in" and r["kind"] == "amends"}
    assert {("81/2025/QH15", "Điều 14"), ("84/2025/QH15", "khoản 1 Điều 32"), ("59/2020/QH14", "")} <= amended


def test_luat_to_cao_2011_not_in_corpus_is_expired(graph):
    st = graph.status_of("03/2011/QH13", TODAY)
    assert (st.status, st.by, st.since) == ("expired", "25/2018/QH14", "2019-01-01")
    assert graph.card("03/2011/QH13")["in_corpus"] is False


def test_phong_chong_tham_nhung_ends_55_2005_not_the_amending_laws(graph):
    ended = {r["doc_number"] for r in graph.relations_of("36/2018/QH14")
             if r["direction"] == "out" and r["kind"] == "ends"}
    assert ended == {"55/2005/QH11"}
    assert graph.status_of("55/2005/QH11", TODAY).status == "expired"
    for amending in ("01/2007/QH12", "27/2012/QH13"):
        assert graph.status_of(amending, TODAY).status == "unknown"
    amends = {(r["doc_number"], r["direction"]) for r in graph.relations_of("55/2005/QH11") if r["kind"] == "amends"}
    assert amends == {("01/2007/QH12", "in"), ("27/2012/QH13", "in")}


def test_scope_parsing():
    assert parse_scope("khoản 1 và khoản 3 Điều 64") == [{"khoan": "1", "dieu": "64"}, {"khoan": "3", "dieu": "64"}]
    assert in_scope(["Chương V", "Mục 7", "Điều 47", "Khoản 2"], "Chương V")
    assert not in_scope(["Chương VI", "Điều 59"], "Chương V")
    assert not in_scope(["Chương VII", "Điều 63"], "khoản 3 Điều 63")      # a part of the Điều only


def test_card_keys(graph):
    card = graph.card("11/2022/QH15", TODAY)
    assert {"effective_from", "effective_to", "status", "status_reason", "relations"} <= set(card)
    assert card["effective_to"] == "2025-07-01"
    assert {"kind", "doc_number", "unit_id", "scope", "date"} <= set(card["relations"][0])


def test_quiz_keys_only_from_texts_in_force(corpus_dir):
    from ktgs.assistant.quiz.source import from_files, select_units
    from ktgs.errors import KtgsError
    from ktgs.settings import Settings

    corpus = from_files([corpus_dir / "luat-khieu-nai-02-2011-QH13.md", corpus_dir / "luat-tiep-cong-dan-42-2013-QH13.md",
                         corpus_dir / "quy-dinh-102-QD-TW-2017.md", corpus_dir / "quy-dinh-69-QD-TW-2022.md"],
                        Settings(quiet=True))
    units = select_units(corpus, ["02/2011/QH13"], as_of=TODAY)
    assert units and not any(u.path and u.path[0] == "Chương VI" for u in units)     # the law's Chương V
    assert any(u.path and u.path[0] == "Chương V" for u in units)                   # the law's Chương IV
    assert any(u.path and u.path[0] == "Chương VI" for u in select_units(corpus, ["02/2011/QH13"], history=True))
    with pytest.raises(KtgsError, match="đã được thay thế bởi Quy định 69-QĐ/TW"):
        select_units(corpus, ["102-QĐ/TW"], as_of=TODAY)
    assert select_units(corpus, ["102-QĐ/TW"], as_of="2020-06-01")


def test_validity_card_renders_the_relation_graph(graph):
    from ktgs.assistant.ui.render import validity_card

    html = validity_card(graph.card("22-QĐ/TW", TODAY))
    assert 'data-status="expired"' in html and "Lược đồ" in html and "<svg" in html
    assert "296-QĐ/TW" in html and "bị thay thế bởi" in html
    assert "30-QĐ/TW" in html and 'stroke-dasharray' in html     # 30-QĐ/TW is not in the corpus: dashed


def test_migration_backfills_relations_of_catalogued_documents(tmp_path):
    import json
    import sqlite3

    from ktgs.index.catalog import MIGRATIONS, Catalog

    path = tmp_path / "catalog.sqlite"
    db = sqlite3.connect(path)          # a catalog of the previous schema, one document in it
    db.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    db.executescript(f"BEGIN; {MIGRATIONS[0][1]}; INSERT INTO migrations VALUES ('0001_initial', 'x'); COMMIT;")
    data = {"doc_id": "296-QD-TW-2025", "doc_number": "296-QĐ/TW",
            "relations": [{"kind": "replaces", "doc_number": "22-QĐ/TW", "doc_type": "quy-dinh", "text": "…"}]}
    db.execute("INSERT INTO documents VALUES ('c', '296-QD-TW-2025', '296-QĐ/TW', 'quy-dinh', '', 2025, 'unknown', "
               "'public', '', '', '', ?, '')", (json.dumps(data),))
    db.commit()
    db.close()
    catalog = Catalog(path, "c")
    try:
        assert [(e.kind, e.actor, e.target) for e in catalog.relation_events()] == [("replaces", "296-QĐ/TW", "22-QĐ/TW")]
    finally:
        catalog.close()


def test_a_vbhn_unit_maps_to_the_base_law_unit(graph):
    assert graph.work_unit_id("112-VBHN-VPQH-2025/dieu-30/khoan-1") == "25-2018-QH14/dieu-30/khoan-1"
    assert graph.work_unit_id("25-2018-QH14/dieu-30/khoan-1") == "25-2018-QH14/dieu-30/khoan-1"


def test_status_note_naming_a_document_above_the_readers_level_is_redacted(graph):
    """A trainee reading 22-QĐ/TW learns it is no longer in force, not the number of a replacing
    document they may not see (here 296-QĐ/TW stands in for such a document)."""
    from ktgs.assistant.validity_notes import _redacted

    note = graph.status_of("22-QĐ/TW", TODAY).note
    assert "296-QĐ/TW" in note
    assert _redacted(note, {"296-QĐ/TW", "296-QD-TW-2025"}) == \
        "Văn bản này không còn hiệu lực như nguyên văn vào ngày đã chọn."
    assert _redacted(note, {"69-QĐ/TW"}) == note            # nothing hidden named: said as it is
