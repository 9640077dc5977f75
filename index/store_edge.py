"""Store backend on Qdrant Edge (qdrant-edge-py): the Qdrant engine in-process, one shard on disk."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Sequence

import numpy as np

from ktgs.errors import StoreError
from ktgs.index.sparse import SPARSE_VECTOR_NAME, SparseVector
from ktgs.index.store import (DENSE_VECTOR_NAME, INTEGER_FIELDS, KEYWORD_FIELDS, Fused, LegResult, Point,
                              SearchFilters, fuse, point_id)

_BATCH = 256
# A shard directory can be opened once per process (its WAL is locked): EdgeStores on the same path
# share one open shard, counted, and the last close() releases it.
_OPEN: dict[str, list] = {}   # resolved path -> [shard, users]


def _load_shard(q, path: Path):
    """Open an existing shard; a WAL held by another process becomes a StoreError that says so."""
    try:
        return q.EdgeShard.load(str(path))
    except Exception as exc:  # qdrant_edge raises a bare Exception with the Rust error text
        if "WAL" in str(exc) and "WouldBlock" in str(exc):
            raise StoreError(f"chỉ mục {path} đang được một tiến trình khác dùng (ví dụ `ktgs serve`); "
                             "hãy dừng tiến trình đó rồi chạy lại") from exc
        raise StoreError(f"không mở được chỉ mục Qdrant Edge tại {path}: {exc}") from exc


class EdgeStore:
    """A Qdrant Edge shard at `path` (KTGS_HOME/qdrant-edge/<collection>)."""

    def __init__(self, path: str | Path):
        import qdrant_edge  # the native module loads here, not at import time

        self._q = qdrant_edge
        self.path = Path(path)
        self.name = f"qdrant-edge:{self.path}"
        self._shard = None

    # --- lifecycle ----------------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.is_dir() and any(self.path.iterdir())

    @property
    def _key(self) -> str:
        return str(self.path.resolve())

    def _attach(self, shard) -> None:
        entry = _OPEN.setdefault(self._key, [shard, 0])
        entry[1] += 1
        self._shard = entry[0]

    @property
    def shard(self):
        if self._shard is None:
            if self._key in _OPEN:
                self._attach(_OPEN[self._key][0])
            elif not self.exists():
                raise StoreError(f"no Qdrant Edge index at {self.path}")
            else:
                self._attach(_load_shard(self._q, self.path))
        return self._shard

    def create(self, dim: int) -> None:
        """Create the shard atomically: built in a sibling `.creating` folder, renamed into place,
        so a process killed while creating never leaves a half-made shard at `path`."""
        q = self._q
        if self.exists():
            raise StoreError(f"a Qdrant Edge index already exists at {self.path}")
        config = q.EdgeConfig(
            vectors={DENSE_VECTOR_NAME: q.EdgeVectorParams(size=dim, distance=q.Distance.Cosine)},
            sparse_vectors={SPARSE_VECTOR_NAME: q.EdgeSparseVectorParams(modifier=q.Modifier.Idf)},
        )
        staging = self.path.with_name(self.path.name + ".creating")
        if staging.exists():
            shutil.rmtree(staging)   # left by a process killed while creating: it never held data
        staging.mkdir(parents=True)
        shard = q.EdgeShard.create(str(staging), config)
        for name in KEYWORD_FIELDS:
            shard.update(q.UpdateOperation.create_field_index(name, q.PayloadSchemaType.Keyword))
        for name in INTEGER_FIELDS:
            shard.update(q.UpdateOperation.create_field_index(name, q.PayloadSchemaType.Integer))
        shard.flush()
        shard.close()
        if self.path.exists():
            self.path.rmdir()        # an empty folder (exists() was False)
        staging.rename(self.path)
        self._attach(_load_shard(q, self.path))

    def drop(self) -> None:
        self.close()
        if self._key in _OPEN:
            raise StoreError(f"the Qdrant Edge index at {self.path} is open elsewhere in this process; "
                             f"close it before rebuilding")
        if self.path.exists():   # renamed first: a kill while deleting never leaves half a shard at path
            doomed = self.path.with_name(self.path.name + ".dropping")
            if doomed.exists():
                shutil.rmtree(doomed)
            self.path.rename(doomed)
            shutil.rmtree(doomed)

    def close(self) -> None:
        if self._shard is None:
            return
        entry = _OPEN.get(self._key)
        self._shard.flush()
        if entry is not None:
            entry[1] -= 1
            if entry[1] <= 0:
                entry[0].close()
                del _OPEN[self._key]
        self._shard = None

    def optimize(self) -> bool:
        """Build HNSW / merge segments now (blocking)."""
        return self.shard.optimize()

    # --- writes -------------------------------------------------------------------------------
    def upsert(self, points: Sequence[Point]) -> None:
        q = self._q
        for i in range(0, len(points), _BATCH):
            batch = [
                q.Point(point_id(p.unit_id), {
                    DENSE_VECTOR_NAME: np.asarray(p.dense, dtype=np.float32).tolist(),
                    SPARSE_VECTOR_NAME: q.SparseVector(p.sparse.indices, p.sparse.values),
                }, p.payload)
                for p in points[i:i + _BATCH]
            ]
            self.shard.update(q.UpdateOperation.upsert_points(batch))
        self.shard.flush()

    def delete(self, unit_ids: Sequence[str]) -> None:
        if unit_ids:
            self.shard.update(self._q.UpdateOperation.delete_points([point_id(u) for u in unit_ids]))
            self.shard.flush()

    def set_payload(self, unit_ids: Sequence[str], values: dict) -> None:
        """Change payload fields of existing points (an access level changed later)."""
        if unit_ids:
            self.shard.update(self._q.UpdateOperation.set_payload([point_id(u) for u in unit_ids], values))
            self.shard.flush()

    # --- reads --------------------------------------------------------------------------------
    def count(self) -> int:
        return self.shard.count(self._q.CountRequest(exact=True))

    def scroll_unit_ids(self) -> list[str]:
        """The payload unit_id of every point (one entry per point, so duplicates would show)."""
        q = self._q
        out: list[str] = []
        offset = None
        while True:
            records, offset = self.shard.scroll(q.ScrollRequest(
                offset=offset, limit=1024, with_payload=q.PayloadSelector.Include(["unit_id"])))
            out.extend(str((r.payload or {}).get("unit_id", f"<point {r.id} without unit_id>")) for r in records)
            if offset is None or not records:
                return out

    def _filter(self, filters: SearchFilters | None):
        if filters is None or filters.empty:
            return None
        q = self._q
        keywords, (lo, hi) = filters.conditions()
        must = [q.FieldCondition(key, match=q.MatchValue(vals[0]) if len(vals) == 1 else q.MatchAny(vals))
                for key, vals in keywords.items()]
        if lo is not None or hi is not None:
            must.append(q.FieldCondition("year", range=q.RangeFloat(
                gte=None if lo is None else float(lo), lte=None if hi is None else float(hi))))
        if filters.acl_values:   # ktgs.access: acl shares a value, or is absent (indexed before groups)
            must.append(q.Filter(should=[q.IsEmptyCondition("acl"),
                                         q.FieldCondition("acl", match=q.MatchAny(filters.acl_values))]))
        return q.Filter(must=must)

    def query(self, dense: np.ndarray | None, sparse: SparseVector | None, k: int = 10,
              prefetch_k: int = 50, filters: SearchFilters | None = None,
              weights: tuple[float, float] = (1.0, 1.0), rrf_k: int = 60) -> list[Fused]:
        q = self._q
        flt = self._filter(filters)
        payload = q.PayloadSelector.Include(["unit_id"])
        requests, legs = [], []
        if dense is not None:
            vec = np.asarray(dense, dtype=np.float32).reshape(-1).tolist()
            requests.append(q.QueryRequest(limit=prefetch_k, query=q.Query.Nearest(vec, using=DENSE_VECTOR_NAME),
                                           filter=flt, with_payload=payload))
            legs.append("dense")
        if sparse is not None:
            if len(sparse):
                svec = q.SparseVector(sparse.indices, sparse.values)
                requests.append(q.QueryRequest(limit=prefetch_k,
                                               query=q.Query.Nearest(svec, using=SPARSE_VECTOR_NAME),
                                               filter=flt, with_payload=payload))
            legs.append("sparse")
        if not legs:
            raise StoreError("a query needs a dense vector, a sparse vector or both")
        answers = self.shard.query_batch(q.QueryBatchRequest(requests)) if requests else []
        if "sparse" in legs and not len(sparse):
            answers.append([])  # a query of stopwords only: the BM25 leg is empty
        results = {leg: [LegResult(p.payload["unit_id"], float(p.score)) for p in ans]
                   for leg, ans in zip(legs, answers)}
        return fuse(results.get("dense"), results.get("sparse"), k, weights, rrf_k)
