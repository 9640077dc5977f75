"""Both Store backends (Qdrant Edge, qdrant-client local mode) on points made from real articles.

Dense vectors here are seeded random unit vectors (the store is under test, not a model); sparse
vectors come from the real SparseEncoder over the articles of Luật Tố cáo.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

from ktgs.index.sparse import SparseEncoder
from ktgs.index.store import LegResult, Point, SearchFilters, doc_number_key, fuse, point_id
from ktgs.index.store_client import ClientStore
from ktgs.index.store_edge import EdgeStore

DIM = 16


@pytest.fixture(scope="module")
def articles(corpus_dir) -> list[tuple[str, str]]:
    text = (corpus_dir / "luat-to-cao-25-2018-QH14.md").read_text(encoding="utf-8")
    parts = re.split(r"^#### (?=Điều \d+\.)", text, flags=re.M)[1:]
    return [(f"25-2018-QH14/dieu-{i}", p.strip()) for i, p in enumerate(parts[:40], start=1)]


@pytest.fixture(scope="module")
def points(articles) -> list[Point]:
    enc = SparseEncoder(avgdl=120.0)
    rng = np.random.default_rng(7)
    out = []
    for i, (uid, text) in enumerate(articles):
        v = rng.normal(size=DIM).astype(np.float32)
        year = 2018 if i % 2 == 0 else 2011
        out.append(Point(uid, v / np.linalg.norm(v), enc.encode_document(text), {
            "unit_id": uid, "doc_id": "25-2018-QH14", "doc_type": "luat" if i % 4 else "de-an",
            "doc_number": "25/2018/QH14", "doc_key": doc_number_key("25/2018/QH14"), "issuer": "Quốc hội",
            "year": year, "status": "unknown", "access": "public", "level": "dieu", "parent_id": None}))
    return out


@pytest.fixture(params=["edge", "client"])
def store(request, tmp_path, points):
    s = EdgeStore(tmp_path / "edge") if request.param == "edge" else ClientStore("t", url=":memory:")
    s.create(DIM)
    s.upsert(points)
    yield s
    s.close()


def _queries(points):
    enc = SparseEncoder()
    rng = np.random.default_rng(11)
    for i, q in ((29, "Thời hạn giải quyết tố cáo"), (3, "thoi han giai quyet to cao"), (10, "người tố cáo có quyền gì")):
        noisy = points[i].dense + 0.3 * rng.normal(size=DIM).astype(np.float32)
        yield noisy / np.linalg.norm(noisy), enc.encode_query(q)


def test_point_ids_are_uuid5_of_unit_id():
    assert point_id("25-2018-QH14/dieu-30") == point_id("25-2018-QH14/dieu-30")
    assert len(point_id("x")) == 36 and point_id("x") != point_id("y")


def test_fuse_is_weighted_rrf_with_both_leg_scores():
    dense = [LegResult("a", 0.9), LegResult("b", 0.8)]
    sparse = [LegResult("b", 7.0), LegResult("c", 3.0)]
    out = fuse(dense, sparse, k=10, weights=(1.0, 2.0), rrf_k=60)
    assert [f.unit_id for f in out] == ["b", "c", "a"]
    assert out[0].fused == pytest.approx(1 / 62 + 2 / 61)
    assert (out[0].dense, out[0].sparse) == (0.8, 7.0)
    assert out[2].sparse is None and out[2].fused == pytest.approx(1 / 61)
    # one leg: its own score, ties broken by unit id
    single = fuse(None, [LegResult("z", 2.0), LegResult("y", 2.0)], k=5)
    assert [(f.unit_id, f.fused) for f in single] == [("y", 2.0), ("z", 2.0)]


def test_count_query_and_delete(store, points):
    assert store.exists() and store.count() == 40
    dense, sparse = next(_queries(points))
    top = store.query(dense, sparse, k=5, prefetch_k=20)
    assert top[0].unit_id == "25-2018-QH14/dieu-30"
    assert top[0].dense is not None and top[0].sparse is not None
    bm25 = store.query(None, sparse, k=3)
    assert bm25[0].unit_id == "25-2018-QH14/dieu-30" and bm25[0].fused == bm25[0].sparse
    store.delete(["25-2018-QH14/dieu-30"])
    assert store.count() == 39
    assert "25-2018-QH14/dieu-30" not in [f.unit_id for f in store.query(dense, sparse, k=10)]


def test_filters(store, points):
    dense, sparse = next(_queries(points))
    luat = store.query(dense, sparse, k=40, prefetch_k=40, filters=SearchFilters(doc_type="luat"))
    assert len(luat) == 30 and all(int(f.unit_id.rsplit("-", 1)[1]) % 4 != 1 for f in luat)
    both = store.query(dense, sparse, k=40, prefetch_k=40, filters=SearchFilters(doc_type=["luat", "de-an"]))
    assert len(both) == 40
    old = store.query(dense, None, k=40, prefetch_k=40, filters=SearchFilters(year_to=2015))
    assert len(old) == 20
    assert len(store.query(dense, None, k=40, prefetch_k=40, filters=SearchFilters(year_from=2012, doc_type="luat"))) == 10
    by_number = store.query(dense, None, k=40, prefetch_k=40, filters=SearchFilters(doc_number="25/2018/qh14"))
    assert len(by_number) == 40
    assert store.query(dense, None, k=5, filters=SearchFilters(doc_number="36/2018/QH14")) == []


def test_stopword_only_query_gives_empty_bm25_leg(store, points):
    empty = SparseEncoder().encode_query("là và của")
    assert len(empty) == 0
    assert store.query(None, empty, k=5) == []
    assert len(store.query(points[0].dense, empty, k=5)) == 5


def test_both_backends_rank_the_same(tmp_path, points):
    edge, client = EdgeStore(tmp_path / "e"), ClientStore("t", url=":memory:")
    for s in (edge, client):
        s.create(DIM)
        s.upsert(points)
    for dense, sparse in _queries(points):
        for d, sp in ((dense, sparse), (None, sparse), (dense, None)):
            a = edge.query(d, sp, k=10, prefetch_k=20)
            b = client.query(d, sp, k=10, prefetch_k=20)
            assert [f.unit_id for f in a] == [f.unit_id for f in b]
            assert [f.fused for f in a] == pytest.approx([f.fused for f in b], rel=1e-5)
    edge.close()
    client.close()


def test_edge_persists_and_reopens(tmp_path, points):
    s = EdgeStore(tmp_path / "shard")
    assert not s.exists()
    s.create(DIM)
    s.upsert(points[:5])
    s.close()
    again = EdgeStore(tmp_path / "shard")
    assert again.exists() and again.count() == 5
    again.drop()
    assert not (tmp_path / "shard").exists()


def test_edge_stores_on_one_path_share_the_open_shard(tmp_path, points):
    first = EdgeStore(tmp_path / "shared")
    first.create(DIM)
    first.upsert(points[:3])
    second = EdgeStore(tmp_path / "shared")      # a second Qdrant Edge open of the same WAL would fail
    assert second.count() == 3
    first.close()
    assert second.count() == 3                    # still open for the other user
    second.close()
    third = EdgeStore(tmp_path / "shared")
    assert third.count() == 3
    third.drop()


def test_edge_index_held_by_another_process_is_a_clear_store_error(tmp_path, points):
    import subprocess
    import sys
    import time

    from ktgs.errors import StoreError

    path = tmp_path / "edge"
    s = EdgeStore(path)
    s.create(DIM)
    s.upsert(points[:3])
    s.close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from ktgs.index.store_edge import EdgeStore; "
         f"s = EdgeStore({str(path)!r}); s.count(); print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        other = EdgeStore(path)
        with pytest.raises(StoreError, match="đang được một tiến trình khác dùng"):
            other.count()
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.2)
    assert EdgeStore(path).count() == 3   # the index survives and opens once the holder is gone


def test_access_filter_with_groups_and_points_indexed_before_groups(store, points):
    """ktgs.access.restrict on both backends; set_payload changes a level later; points without
    `acl` (and with the old 'public') count as group-free cong-khai."""
    from ktgs.access import Viewer, restrict

    ids = [p.unit_id for p in points]
    store.set_payload(ids[:10], {"access": "mat", "acl": ["ubkt-a"]})
    store.set_payload(ids[10:20], {"access": "noi-bo", "acl": ["*"]})
    dense, _ = next(_queries(points))

    def visible(levels, groups=()):
        flt = restrict(None, Viewer("u", "can-bo", levels, groups))
        return {f.unit_id for f in store.query(dense, None, k=40, prefetch_k=40, filters=flt)}

    assert visible(("cong-khai",)) == set(ids[20:])
    assert visible(("cong-khai", "noi-bo")) == set(ids[10:])
    assert visible(("cong-khai", "noi-bo", "mat")) == set(ids[10:])          # no group ubkt-a
    assert visible(("cong-khai", "noi-bo", "mat"), ("ubkt-a",)) == set(ids)
    assert visible(("mat",), ("ubkt-b",)) == set()
