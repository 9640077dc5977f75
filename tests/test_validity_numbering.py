"""A stored copy that numbers its chapters otherwise than the law (Luật Khiếu nại 02/2011/QH13 as the
Bộ pháp điển carries it: I, II, III, V, VI …): "Chương k" of another text is the k-th chapter."""
from __future__ import annotations

import dataclasses

import pytest

from ktgs.index.catalog import Catalog
from ktgs.index.validity import Graph
from ktgs.ingest.numbering import irregular_groups, locate, topic_of
from ktgs.ingest.parse import parse_file

TODAY = "2026-12-01"


@pytest.fixture(scope="module")
def khieu_nai(corpus_dir):
    return parse_file(corpus_dir / "luat-khieu-nai-02-2011-QH13.md")


@pytest.fixture(scope="module")
def tiep_cong_dan(corpus_dir):
    return parse_file(corpus_dir / "luat-tiep-cong-dan-42-2013-QH13.md")


def test_irregular_chapter_labels_of_the_stored_copy(khieu_nai):
    groups = khieu_nai.document.metadata["numbering"]
    assert groups == irregular_groups(khieu_nai.units)
    assert [(g["level"], g["parent"], [d["label"] for d in g["divisions"]]) for g in groups] == [
        ("chuong", "", ["I", "II", "III", "V", "VI", "VII", "VIII", "IX"]), ("muc", "Chương V", ["7"])]
    assert groups[0]["divisions"][4] == {"label": "VI", "value": 6, "heading": "Chương VI. TIẾP CÔNG DÂN",
                                         "unit_id": "02-2011-QH13/chuong-6"}


def test_regular_labels_and_restarts_are_not_flagged(corpus_dir):
    to_cao = parse_file(corpus_dir / "luat-to-cao-25-2018-QH14.md")
    assert to_cao.document.metadata["numbering"] == []
    assert not [w for w in to_cao.warnings if "đánh số" in w]


def test_topic_named_by_the_stating_text(tiep_cong_dan):
    d35 = next(u for u in tiep_cong_dan.units if u.unit_id == "42-2013-QH13/dieu-35")
    assert topic_of(d35.text, "Chương V") == "tiếp công dân"
    assert topic_of(d35.text, "Chương IV") == ""


def test_locate_kth_chapter_in_order(khieu_nai):
    groups = khieu_nai.document.metadata["numbering"]
    loc = locate(groups, "Chương V", partial=False, topic="tiếp công dân")
    assert (loc.scope, loc.unknown) == ("Chương VI", False)
    assert loc.note == ("(trong văn bản lưu: Chương VI. TIẾP CÔNG DÂN; văn bản lưu đánh số chương khác văn bản "
                        "gốc: I, II, III, V, VI, VII, VIII, IX)")
    assert locate(groups, "Chương II", partial=False).scope == "Chương II"
    assert locate(groups, "Chương II", partial=False).note == ""
    assert locate(groups, "Điều 5", partial=False).scope == "Điều 5"


def test_locate_title_pointing_elsewhere_is_unknown(khieu_nai):
    # constructed: a stating text whose topic names the stored "Chương VIII. XỬ LÝ VI PHẠM" (7th in order)
    loc = locate(khieu_nai.document.metadata["numbering"], "Chương V", partial=False, topic="xử lý vi phạm")
    assert (loc.scope, loc.unknown, loc.candidates) == ("", True, ("Chương VI", "Chương VIII"))
    assert "Chương VIII. XỬ LÝ VI PHẠM" in loc.note and "không xác định được" in loc.note


def test_locate_in_a_partial_copy_is_unknown(khieu_nai):
    loc = locate(khieu_nai.document.metadata["numbering"], "Chương V", partial=True)
    assert (loc.scope, loc.unknown, loc.candidates) == ("", True, ("Chương V", "Chương VI"))
    assert loc.note == ("văn bản lưu chỉ có một phần và đánh số chương không liên tục (I, II, III, V, VI, VII, VIII, "
                        "IX): không xác định được Chương V của văn bản gốc là phần nào trong văn bản lưu")


def _unit(result, unit_id):
    return next(u for u in result.units if u.unit_id == unit_id)


def test_partial_copy_units_of_either_chapter_are_unknown(khieu_nai, tiep_cong_dan):
    # constructed: the same stored text marked as an excerpt (completeness not "full")
    partial = dataclasses.replace(khieu_nai.document, completeness="excerpt: Chương I–IX, some articles")
    graph = Graph.from_documents([partial, tiep_cong_dan.document])
    assert graph.status_of("02/2011/QH13", TODAY).status == "partly_expired"
    statuses = {uid: graph.unit_status(uid, TODAY, _unit(khieu_nai, uid).path)
                for uid in ("02-2011-QH13/dieu-47", "02-2011-QH13/dieu-59", "02-2011-QH13/dieu-63")}
    assert {k: v.status for k, v in statuses.items()} == {
        "02-2011-QH13/dieu-47": "unknown", "02-2011-QH13/dieu-59": "unknown", "02-2011-QH13/dieu-63": "in_force"}
    assert statuses["02-2011-QH13/dieu-59"].reason.endswith(
        "; văn bản lưu chỉ có một phần và đánh số chương không liên tục (I, II, III, V, VI, VII, VIII, IX): không "
        "xác định được Chương V của văn bản gốc là phần nào trong văn bản lưu")


def test_catalog_indexed_before_numbering_reads_it_from_units(khieu_nai, tiep_cong_dan, tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite", "c")
    catalog.migrate()
    try:
        old = dataclasses.replace(khieu_nai.document, metadata={
            k: v for k, v in khieu_nai.document.metadata.items() if k != "numbering"})
        catalog.put_document(old, khieu_nai.units, ["dieu", "khoan"])
        catalog.put_document(tiep_cong_dan.document, tiep_cong_dan.units, ["dieu", "khoan"])
        graph = Graph.from_catalog(catalog)
    finally:
        catalog.close()
    d59, d47 = _unit(khieu_nai, "02-2011-QH13/dieu-59"), _unit(khieu_nai, "02-2011-QH13/dieu-47")
    assert graph.unit_status(d59.unit_id, TODAY, d59.path).status == "expired"
    assert graph.unit_status(d47.unit_id, TODAY, d47.path).status == "in_force"
