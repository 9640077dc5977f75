"""`ktgs parse` and `ktgs bench ingest` through the real CLI group."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ktgs.cli import main

SEED = Path(__file__).resolve().parents[1] / "corpus" / "de-an-giam-sat-thuong-xuyen-2025-2030.txt"


def test_parse_file_json(corpus_dir, ktgs_home):
    r = CliRunner().invoke(main, ["parse", str(corpus_dir / "luat-to-cao-25-2018-QH14.md"), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert set(out) == {"document", "units", "warnings"}
    doc = out["document"]
    assert {"doc_id", "doc_number", "doc_type", "title", "issuer", "issued_date", "relations"} <= set(doc)
    assert (doc["doc_id"], doc["doc_type"]) == ("25-2018-QH14", "luat")
    k3 = next(u for u in out["units"] if u["unit_id"] == "25-2018-QH14/dieu-30/khoan-3")
    assert {"unit_id", "path", "heading", "text", "level", "page_start"} <= set(k3)
    assert sum(u["level"] == "dieu" for u in out["units"]) == 67


def test_parse_folder_reports_each_file(tmp_path, ktgs_home):
    (tmp_path / "README.md").write_text("# không phải văn bản\n", encoding="utf-8")
    (tmp_path / "rong.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "hong.pdf").write_bytes(b"not a pdf at all")
    (tmp_path / "de-an.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    r = CliRunner().invoke(main, ["parse", str(tmp_path), "--quiet"])
    assert r.exit_code == 0, r.output
    lines = r.output.strip().splitlines()
    assert "✓ de-an.txt: 120 đơn vị" in lines
    assert any(line.startswith("✗ hong.pdf: ") for line in lines)
    assert any(line.startswith("✗ rong.txt: ") for line in lines)
    assert not any("README" in line for line in lines)
    assert lines[-1] == "Đã phân tích 1/3 tệp, 120 đơn vị; 2 tệp lỗi."


def test_parse_folder_all_bad_exits_1(tmp_path, ktgs_home):
    (tmp_path / "hong.pdf").write_bytes(b"not a pdf at all")
    r = CliRunner().invoke(main, ["parse", str(tmp_path), "--quiet"])
    assert r.exit_code == 1


def test_parse_single_bad_file_is_one_line(tmp_path, ktgs_home):
    (tmp_path / "hong.pdf").write_bytes(b"not a pdf at all")
    r = CliRunner().invoke(main, ["parse", str(tmp_path / "hong.pdf")])
    assert r.exit_code == 1
    assert r.output.strip().startswith("Lỗi: ") and len(r.output.strip().splitlines()) == 1


def test_bench_ingest_json(corpus_dir, ktgs_home):
    r = CliRunner().invoke(main, ["bench", "ingest", "--repeat", "1", "--json", "--path", str(corpus_dir)])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert (out["files"], out["errors"]) == (26, 0)
    # 3,215 pinned units (tests/test_corpus_pinned.py) + 344 paragraph children; the PDF is the seed Đề án (56 + 64)
    assert out["units"] == 3559 and out["pdf_units"] == 120 and out["pdf_pages"] == 8
    assert out["files_per_s"] > 0 and out["pdf_pages_per_s"] > 0
