"""References stored both ways in the catalog, re-resolved when the cited document arrives; `ktgs refs`."""
from __future__ import annotations

import json

from click.testing import CliRunner

from ktgs.cli import main
from ktgs.index.catalog import Catalog
from ktgs.index.crossref_store import (cited_by, forget_document_refs, referenced_units, refresh_refs,
                                       unit_refs_json)
from ktgs.ingest.parse import parse_file
from ktgs.settings import Settings


def _put(catalog, path):
    res = parse_file(path, Settings(quiet=True))
    catalog.put_document(res.document, res.units, ["dieu", "khoan"])
    refresh_refs(catalog, [res.document.doc_id])


def test_refs_resolve_when_the_cited_law_arrives(corpus_dir, ktgs_home):
    catalog = Catalog.open(Settings(home=str(ktgs_home)))
    _put(catalog, corpus_dir / "nghi-dinh-31-2019-ND-CP.md")
    before = unit_refs_json(catalog, "31-2019-ND-CP/dieu-1/khoan-1/diem-a")
    assert [(c["unit_id"], c["reason"]) for c in before["cites"]] == [
        (None, "văn bản được dẫn chiếu chưa có trong kho")]
    _put(catalog, corpus_dir / "luat-to-cao-25-2018-QH14.md")
    after = unit_refs_json(catalog, "31-2019-ND-CP/dieu-1/khoan-1/diem-a")
    assert after == {"cites": [{"text": "Điều 30", "doc_number": "25/2018/QH14", "unit_id": "25-2018-QH14/dieu-30",
                                "target": "Điều 30", "start": 3, "end": 10}], "cited_by": []}
    assert "31-2019-ND-CP/dieu-1/khoan-1/diem-a" in cited_by(catalog, "25-2018-QH14/dieu-30")
    assert "25-2018-QH14/dieu-38/khoan-1" in cited_by(catalog, "25-2018-QH14/dieu-30")
    # a reference to khoản 1 Điều 30 also points to Điều 30
    assert "31-2019-ND-CP/dieu-3/khoan-1" in cited_by(catalog, "25-2018-QH14/dieu-30")
    assert "31-2019-ND-CP/dieu-3/khoan-1" in cited_by(catalog, "25-2018-QH14/dieu-30/khoan-1")
    assert "31-2019-ND-CP/dieu-3/khoan-1" not in cited_by(catalog, "25-2018-QH14/dieu-3")
    # validity can add the cited document's status in the same call
    with_status = unit_refs_json(catalog, "31-2019-ND-CP/dieu-1/khoan-1/diem-a", status_of=lambda d: f"status of {d}")
    assert with_status["cites"][0]["status"] == "status of 25-2018-QH14"
    # evidence expansion: Điều 26 khoản 1 (its điểm b says "theo quy định tại Điều 29 của Luật này")
    unit = catalog.unit("25-2018-QH14/dieu-26/khoan-1")
    assert [u.unit_id for u in referenced_units(unit, catalog)] == ["25-2018-QH14/dieu-29"]
    catalog.close()

    out = CliRunner().invoke(main, ["refs", "25-2018-QH14/dieu-26/khoan-2", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert set(data) == {"cites", "cited_by"}
    assert data["cites"] == [{"text": "khoản 1 Điều này", "doc_number": "25/2018/QH14",
                              "unit_id": "25-2018-QH14/dieu-26/khoan-1", "target": "khoản 1 Điều 26",
                              "start": 42, "end": 58}]
    catalog = Catalog.open(Settings(home=str(ktgs_home)))
    assert catalog.unit("25-2018-QH14/dieu-26/khoan-2").text[42:58] == "khoản 1 Điều này"
    catalog.close()
    missing = CliRunner().invoke(main, ["refs", "25-2018-QH14/dieu-999"])
    assert missing.exit_code == 1 and "không có đơn vị" in missing.output


class _CatalogReader:
    """The two read methods evidence expansion uses, over a real catalog (no store, no embedder)."""

    def __init__(self, catalog):
        self.catalog = catalog

    def get_document(self, doc_id):
        return self.catalog.document(doc_id)


def test_evidence_expansion_adds_the_cited_unit(corpus_dir, ktgs_home):
    from ktgs.assistant.evidence import evidence_from_units
    from ktgs.assistant.references import add_referenced_evidence

    catalog = Catalog.open(Settings(home=str(ktgs_home)))
    _put(catalog, corpus_dir / "luat-to-cao-25-2018-QH14.md")
    quoted = catalog.unit("25-2018-QH14/dieu-26/khoan-1/diem-b")
    evidence = evidence_from_units([(quoted, catalog.document("25-2018-QH14"))])
    out = add_referenced_evidence(evidence, _CatalogReader(catalog))
    assert [(ev.n, ev.unit.unit_id) for ev in out] == [(1, "25-2018-QH14/dieu-26/khoan-1/diem-b"),
                                                       (2, "25-2018-QH14/dieu-29")]
    assert out[1].label.startswith("Điều 29") and out[1].notes == [f"được dẫn chiếu tại {out[0].label}"]
    catalog.close()


def test_refs_into_a_removed_document_become_unresolved(corpus_dir, ktgs_home):
    catalog = Catalog.open(Settings(home=str(ktgs_home)))
    _put(catalog, corpus_dir / "luat-to-cao-25-2018-QH14.md")
    _put(catalog, corpus_dir / "nghi-dinh-31-2019-ND-CP.md")
    assert unit_refs_json(catalog, "31-2019-ND-CP/dieu-9/khoan-1")["cites"][0]["unit_id"] == "25-2018-QH14/dieu-29"
    catalog.delete_document("25-2018-QH14")
    forget_document_refs(catalog, "25-2018-QH14")
    cite = unit_refs_json(catalog, "31-2019-ND-CP/dieu-9/khoan-1")["cites"][0]
    assert (cite["unit_id"], cite["reason_code"]) == (None, "not_in_corpus")
    assert cited_by(catalog, "31-2019-ND-CP/dieu-9/khoan-1") == []
    catalog.close()
