"""Store backend on qdrant-client: a Qdrant server (url), or local mode (':memory:' / path=) for tests."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ktgs.errors import StoreError
from ktgs.index.sparse import SPARSE_VECTOR_NAME, SparseVector
from ktgs.index.store import (DENSE_VECTOR_NAME, INTEGER_FIELDS, KEYWORD_FIELDS, Fused, LegResult, Point,
                              SearchFilters, fuse, point_id)

_BATCH = 256


class ClientStore:
    """One collection through qdrant-client. `url` may be http(s)://…, ':memory:', or give `path`."""

    def __init__(self, collection: str, url: str | None = None, path: str | None = None, timeout: int = 60):
        from qdrant_client import QdrantClient, models

        self.m = models
        self.collection = collection
        self.local = bool(path) or url == ":memory:"
        if path:
            self.client = QdrantClient(path=str(path))
        elif url == ":memory:":
            self.client = QdrantClient(location=":memory:")
        elif url:
            self.client = QdrantClient(url=url, timeout=timeout)
        else:
            raise StoreError("ClientStore needs a Qdrant url, ':memory:' or a path")
        self.name = f"qdrant:{url or path}/{collection}"

    def exists(self) -> bool:
        try:
            return self.client.collection_exists(self.collection)
        except Exception as exc:  # connection refused, timeouts: one clear sentence for the user
            raise StoreError(f"cannot reach Qdrant at {self.name}: {exc}") from exc

    def create(self, dim: int) -> None:
        m = self.m
        if self.exists():
            raise StoreError(f"collection {self.collection!r} already exists in {self.name}")
        self.client.create_collection(
            self.collection,
            vectors_config={DENSE_VECTOR_NAME: m.VectorParams(size=dim, distance=m.Distance.COSINE)},
            sparse_vectors_config={SPARSE_VECTOR_NAME: m.SparseVectorParams(modifier=m.Modifier.IDF)},
        )
        if self.local:
            return  # local mode ignores payload indexes (and warns); a server builds them
        for name in KEYWORD_FIELDS:
            self.client.create_payload_index(self.collection, name, m.PayloadSchemaType.KEYWORD)
        for name in INTEGER_FIELDS:
            self.client.create_payload_index(self.collection, name, m.PayloadSchemaType.INTEGER)

    def drop(self) -> None:
        if self.exists():
            self.client.delete_collection(self.collection)

    def close(self) -> None:
        self.client.close()

    def upsert(self, points: Sequence[Point]) -> None:
        m = self.m
        for i in range(0, len(points), _BATCH):
            batch = [
                m.PointStruct(id=point_id(p.unit_id), vector={
                    DENSE_VECTOR_NAME: np.asarray(p.dense, dtype=np.float32).tolist(),
                    SPARSE_VECTOR_NAME: m.SparseVector(indices=p.sparse.indices, values=p.sparse.values),
                }, payload=p.payload)
                for p in points[i:i + _BATCH]
            ]
            self.client.upsert(self.collection, points=batch, wait=True)

    def delete(self, unit_ids: Sequence[str]) -> None:
        if unit_ids:
            self.client.delete(self.collection, points_selector=self.m.PointIdsList(
                points=[point_id(u) for u in unit_ids]), wait=True)

    def set_payload(self, unit_ids: Sequence[str], values: dict) -> None:
        """Change payload fields of existing points (an access level changed later)."""
        if unit_ids:
            self.client.set_payload(self.collection, payload=values, points=[point_id(u) for u in unit_ids], wait=True)

    def count(self) -> int:
        return self.client.count(self.collection, exact=True).count

    def scroll_unit_ids(self) -> list[str]:
        """The payload unit_id of every point (one entry per point, so duplicates would show)."""
        out: list[str] = []
        offset = None
        while True:
            records, offset = self.client.scroll(self.collection, offset=offset, limit=1024,
                                                 with_payload=["unit_id"], with_vectors=False)
            out.extend(str((r.payload or {}).get("unit_id", f"<point {r.id} without unit_id>")) for r in records)
            if offset is None or not records:
                return out

    def _filter(self, filters: SearchFilters | None):
        if filters is None or filters.empty:
            return None
        m = self.m
        keywords, (lo, hi) = filters.conditions()
        must = [m.FieldCondition(key=key, match=m.MatchValue(value=vals[0]) if len(vals) == 1
                                 else m.MatchAny(any=vals)) for key, vals in keywords.items()]
        if lo is not None or hi is not None:
            must.append(m.FieldCondition(key="year", range=m.Range(gte=lo, lte=hi)))
        if filters.acl_values:   # ktgs.access: acl shares a value, or is absent (indexed before groups)
            must.append(m.Filter(should=[m.IsEmptyCondition(is_empty=m.PayloadField(key="acl")),
                                         m.FieldCondition(key="acl", match=m.MatchAny(any=filters.acl_values))]))
        return m.Filter(must=must)

    def query(self, dense: np.ndarray | None, sparse: SparseVector | None, k: int = 10,
              prefetch_k: int = 50, filters: SearchFilters | None = None,
              weights: tuple[float, float] = (1.0, 1.0), rrf_k: int = 60) -> list[Fused]:
        m = self.m
        flt = self._filter(filters)
        requests, legs = [], []
        if dense is not None:
            requests.append(m.QueryRequest(query=np.asarray(dense, dtype=np.float32).reshape(-1).tolist(),
                                           using=DENSE_VECTOR_NAME, filter=flt, limit=prefetch_k,
                                           with_payload=["unit_id"]))
            legs.append("dense")
        if sparse is not None:
            if len(sparse):
                requests.append(m.QueryRequest(
                    query=m.SparseVector(indices=sparse.indices, values=sparse.values),
                    using=SPARSE_VECTOR_NAME, filter=flt, limit=prefetch_k, with_payload=["unit_id"]))
            legs.append("sparse")
        if not legs:
            raise StoreError("a query needs a dense vector, a sparse vector or both")
        answers = [r.points for r in self.client.query_batch_points(self.collection, requests)] if requests else []
        if "sparse" in legs and not len(sparse):
            answers.append([])
        results = {leg: [LegResult(p.payload["unit_id"], float(p.score)) for p in ans]
                   for leg, ans in zip(legs, answers)}
        return fuse(results.get("dense"), results.get("sparse"), k, weights, rrf_k)
