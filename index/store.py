"""One `Store` interface over Qdrant, two backends (Qdrant Edge in-process, qdrant-client).

Both backends keep the same collection layout: named dense vector "dense" (cosine), sparse vector
"bm25" (IDF modifier), one point per indexed unit with id uuid5(unit_id) and the payload fields of
`PAYLOAD_FIELDS`, with payload indexes on the filter fields. Each backend runs the two legs
(dense, sparse) as one batch and `fuse()` merges them here with weighted RRF, so the two backends
rank identically and every hit keeps both leg scores.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence, runtime_checkable

import numpy as np

from ktgs.index.sparse import SparseVector
from ktgs.ingest.text import fold_diacritics

DENSE_VECTOR_NAME = "dense"
POINT_NAMESPACE = uuid.UUID("5b0c3f2e-8f1e-4d57-9a43-6b7e0f1c2d3a")
KEYWORD_FIELDS = ("unit_id", "doc_id", "doc_type", "doc_key", "issuer", "status", "access", "acl", "level")
INTEGER_FIELDS = ("year",)
PAYLOAD_FIELDS = KEYWORD_FIELDS + INTEGER_FIELDS + ("doc_number", "parent_id")


def point_id(unit_id: str) -> str:
    return str(uuid.uuid5(POINT_NAMESPACE, unit_id))


def doc_number_key(number: str) -> str:
    """Filter key of a document number: '296-QĐ/TW', '296-qd/tw ' -> '296-qd/tw'."""
    return "".join(fold_diacritics(number).split())


@dataclass
class Point:
    unit_id: str
    dense: np.ndarray
    sparse: SparseVector
    payload: dict[str, Any]


@dataclass(frozen=True)
class SearchFilters:
    """Filters on document metadata. Keyword fields take one value or a list (any of them)."""

    doc_type: str | Sequence[str] | None = None
    doc_number: str | Sequence[str] | None = None
    issuer: str | Sequence[str] | None = None
    year_from: int | None = None
    year_to: int | None = None
    status: str | Sequence[str] | None = None
    access: str | Sequence[str] | None = None
    doc_id: str | Sequence[str] | None = None
    acl: str | Sequence[str] | None = None     # ktgs.access: the document's groups or "*"

    def conditions(self) -> tuple[dict[str, list[str]], tuple[int | None, int | None]]:
        """Backend-neutral form: {payload field: allowed values}, (year_from, year_to)."""
        keywords: dict[str, list[str]] = {}
        for name, key in (("doc_type", "doc_type"), ("issuer", "issuer"), ("status", "status"),
                          ("access", "access"), ("doc_id", "doc_id"), ("doc_number", "doc_key")):
            value = getattr(self, name)
            if value is None or value == "" or value == []:
                continue
            values = [value] if isinstance(value, str) else list(value)
            keywords[key] = [doc_number_key(v) for v in values] if key == "doc_key" else values
        return keywords, (self.year_from, self.year_to)

    @property
    def acl_values(self) -> list[str]:
        """Groups a point's `acl` must share (or have no `acl`: points indexed before groups existed)."""
        if self.acl is None or self.acl == "" or self.acl == []:
            return []
        return [self.acl] if isinstance(self.acl, str) else list(self.acl)

    @property
    def empty(self) -> bool:
        kw, (lo, hi) = self.conditions()
        return not kw and lo is None and hi is None and not self.acl_values


@dataclass
class LegResult:
    unit_id: str
    score: float


@dataclass
class Fused:
    unit_id: str
    fused: float
    dense: float | None = None
    sparse: float | None = None
    ranks: dict[str, int] = field(default_factory=dict)


def fuse(dense: list[LegResult] | None, sparse: list[LegResult] | None, k: int,
         weights: tuple[float, float] = (1.0, 1.0), rrf_k: int = 60) -> list[Fused]:
    """Weighted reciprocal rank fusion: Σ w_leg / (rrf_k + rank_leg), ranks from 1.

    With a single leg the fused score is that leg's own score. Ties break on unit_id so every
    backend returns the same order.
    """
    legs = [(name, res, w) for name, res, w in (("dense", dense, weights[0]), ("sparse", sparse, weights[1]))
            if res is not None]
    out: dict[str, Fused] = {}
    for name, results, w in legs:
        for rank, r in enumerate(results, start=1):
            f = out.setdefault(r.unit_id, Fused(r.unit_id, 0.0))
            setattr(f, name, r.score)
            f.ranks[name] = rank
            f.fused += r.score if len(legs) == 1 else w / (rrf_k + rank)
    return sorted(out.values(), key=lambda f: (-f.fused, f.unit_id))[:k]


@runtime_checkable
class Store(Protocol):
    name: str

    def exists(self) -> bool: ...

    def create(self, dim: int) -> None: ...

    def drop(self) -> None: ...

    def upsert(self, points: Sequence[Point]) -> None: ...

    def delete(self, unit_ids: Sequence[str]) -> None: ...

    def set_payload(self, unit_ids: Sequence[str], values: dict[str, Any]) -> None: ...

    def query(self, dense: np.ndarray | None, sparse: SparseVector | None, k: int = 10,
              prefetch_k: int = 50, filters: SearchFilters | None = None,
              weights: tuple[float, float] = (1.0, 1.0), rrf_k: int = 60) -> list[Fused]: ...

    def count(self) -> int: ...

    def scroll_unit_ids(self) -> list[str]: ...

    def close(self) -> None: ...


def open_store(settings, collection: str | None = None) -> Store:
    """Qdrant Edge under KTGS_HOME by default; qdrant-client when settings.qdrant_url is set."""
    collection = collection or settings.collection
    if settings.qdrant_url:
        from ktgs.index.store_client import ClientStore

        return ClientStore(collection, url=settings.qdrant_url)
    from ktgs.index.store_edge import EdgeStore

    return EdgeStore(settings.home_path / "qdrant-edge" / collection)
