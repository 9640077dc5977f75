"""The consistency checker and the crash-safe open (index/consistency.py, Indexer.open).

States an interrupted ingest can leave are built directly on a real catalog and a real Qdrant
Edge shard from one real document (Quy định 102-QĐ/TW, parsed by the real parser); the dense
vectors are seeded random unit vectors (the store and catalog are under test, not a model).
"""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from ktgs.cli import main
from ktgs.errors import IndexStateError
from ktgs.index.catalog import Catalog
from ktgs.index.consistency import begin_intent, check, pending_intents
from ktgs.index.indexer import INDEXED_LEVELS, Indexer, payload
from ktgs.index.manifest import Manifest
from ktgs.index.sparse import SparseEncoder
from ktgs.index.store import Point
from ktgs.index.store_client import ClientStore
from ktgs.index.store_edge import EdgeStore
from ktgs.ingest.parse import parse_file
from ktgs.settings import Settings

DIM = 16
DOC = "102-QD-TW-2017"


@pytest.fixture(scope="module")
def parsed(corpus_dir):
    return parse_file(corpus_dir / "quy-dinh-102-QD-TW-2017.md")


def _points(document, units, extra_ids=()):
    enc, rng = SparseEncoder(avgdl=100.0), np.random.default_rng(3)
    chosen = [u for u in units if u.level in INDEXED_LEVELS and u.text.strip()]
    out = []
    for u in chosen:
        v = rng.normal(size=DIM).astype(np.float32)
        out.append(Point(u.unit_id, v / np.linalg.norm(v), enc.encode_document(u.text), payload(u, document)))
    for uid in extra_ids:
        v = rng.normal(size=DIM).astype(np.float32)
        out.append(Point(uid, v / np.linalg.norm(v), enc.encode_document("văn bản"),
                         {**payload(chosen[0], document), "unit_id": uid}))
    return out


@pytest.fixture()
def home(tmp_path, parsed):
    """A consistent index of one document: catalog rows, vectors, manifest, file record."""
    settings = Settings(home=str(tmp_path / "home"), quiet=True)
    doc, units = parsed.document, parsed.units
    cat = Catalog.open(settings)
    cat.put_document(doc, units, INDEXED_LEVELS)
    cat.put_file("/docs/quy-dinh-102.md", "abc", doc.doc_id)
    cat.close()
    store = EdgeStore(settings.home_path / "qdrant-edge" / settings.collection)
    store.create(DIM)
    store.upsert(_points(doc, units))
    store.close()
    Manifest(collection=settings.collection, embedder="multilingual-e5-small", dim=DIM, avgdl=100.0,
             backend="qdrant-edge", indexed_levels=list(INDEXED_LEVELS)).save(Manifest.path_for(settings))
    return settings


def _edge(settings):
    return EdgeStore(settings.home_path / "qdrant-edge" / settings.collection)


def test_a_consistent_index_checks_clean(home):
    rep = check(home)
    assert rep.ok and rep.inconsistencies == 0
    assert (rep.catalog_documents, rep.catalog_units, rep.points_counted, rep.points_scrolled) == (1, 6, 6, 6)
    assert rep.lines()[0].endswith("nhất quán")


def test_missing_and_orphan_vectors_are_found_and_repaired(home, parsed):
    store = _edge(home)
    store.delete([f"{DOC}/dieu-2"])
    store.upsert([p for p in _points(parsed.document, parsed.units, extra_ids=["ma-gia/dieu-9"])
                  if p.unit_id == "ma-gia/dieu-9"])
    store.close()
    rep = check(home)
    assert rep.missing == [f"{DOC}/dieu-2"] and rep.orphans == ["ma-gia/dieu-9"] and not rep.duplicates
    assert rep.inconsistencies == 2 and not rep.ok
    assert any("ktgs index check --repair" in line for line in rep.lines())

    result = CliRunner().invoke(main, ["index", "check", "--repair", "--json"], env={"KTGS_HOME": home.home})
    out = json.loads(result.output)
    assert result.exit_code == 1                      # dieu-2 still lacks its vector until the re-ingest
    assert out["orphans"] == ["ma-gia/dieu-9"] and out["after"]["orphans"] == []
    assert out["after"]["missing"] == [f"{DOC}/dieu-2"] and out["after"]["stale_files"] == []
    cat = Catalog.open(home)
    assert cat.files() == {}                           # the file is read again by the next ingest
    assert cat.count_units(indexed_only=True) == 6     # nothing catalogued was deleted
    cat.close()


def test_interrupted_write_is_pending_not_inconsistent_and_rolled_back_on_open(home, parsed):
    cat = Catalog.open(home)
    begin_intent(cat, DOC, [f"{DOC}/dieu-99"])
    cat.close()
    store = _edge(home)
    store.upsert([p for p in _points(parsed.document, parsed.units, extra_ids=[f"{DOC}/dieu-99"])
                  if p.unit_id.endswith("dieu-99")])
    store.close()
    rep = check(home)
    assert rep.ok and rep.pending == [f"{DOC}/dieu-99"] and rep.orphans == []
    indexer = Indexer.open(home)
    try:
        assert indexer.store.count() == 6 and pending_intents(indexer.catalog) == set()
    finally:
        indexer.close()
    assert check(home).pending == []


def test_vectors_without_a_local_manifest_are_reported_never_dropped(home, tmp_path):
    Manifest.path_for(home).unlink()
    with pytest.raises(IndexStateError, match=r"thiếu manifest; không xóa gì: chạy `ktgs ingest --rebuild"):
        Indexer.open(home)
    rep = check(home)
    assert rep.points_counted == 6 and rep.catalog_units == 6     # still all there
    result = CliRunner().invoke(main, ["ingest", str(tmp_path)], env={"KTGS_HOME": home.home})
    assert result.exit_code == 1 and "ktgs ingest --rebuild" in result.output
    assert check(home).points_counted == 6


def test_server_collection_of_another_machine_is_refused(tmp_path, parsed):
    settings = Settings(home=str(tmp_path / "second-machine"), quiet=True)
    server = ClientStore(settings.collection, url=":memory:")
    server.local = False                  # stands for a Qdrant server shared with another machine
    server.create(DIM)
    server.upsert(_points(parsed.document, parsed.units))
    for rebuild in (False, True):
        with pytest.raises(IndexStateError, match="máy"):
            Indexer.open(settings, store=server, rebuild=rebuild)
        assert server.count() == 6
