"""Query → Hits: hybrid (dense + BM25, weighted RRF), BM25 only or dense only, with filters.

The query goes through the same normalise() and SparseEncoder as the indexed text, and the dense
leg uses the embedder named in the index manifest.
"""
from __future__ import annotations

import dataclasses
import logging
import time
from datetime import date
from typing import Literal, Sequence

import numpy as np

from ktgs.contracts import Document, Hit, Unit
from ktgs.errors import KtgsError, StoreError
from ktgs.index.catalog import Catalog
from ktgs.index.embedders import Embedder, get_embedder
from ktgs.index.indexer import DENSE_MAX_CHARS, IndexHandle, configured_embedder, dense_text
from ktgs.index.manifest import Manifest
from ktgs.index.sparse import SparseEncoder
from ktgs.index.store import Fused, SearchFilters, Store, open_store
from ktgs.index.validity import Graph, Status, as_date
from ktgs.ingest.text import normalise
from ktgs.settings import Settings

__all__ = ["Searcher", "SearchFilters", "MODES"]

log = logging.getLogger(__name__)
Mode = Literal["hybrid", "bm25", "dense"]
MODES = ("hybrid", "bm25", "dense")
RESCORE_MIN = 30  # candidates re-scored by the stronger embedder (at least; 3·k when larger)


class Searcher(IndexHandle):
    def __init__(self, settings: Settings, store: Store, catalog: Catalog, manifest: Manifest,
                 embedder: Embedder | None = None):
        super().__init__(settings, store, catalog, manifest, embedder)
        self.embedder_name = manifest.embedder
        self._rescorer: Embedder | None = None
        self.encoder = SparseEncoder(manifest.avgdl, manifest.k1, manifest.b, manifest.saturate)
        self._documents: dict[str, Document | None] = {}
        self.last_timings: dict[str, float] = {}
        self.last_excluded: list[Hit] = []     # candidates left out because their text is not in force
        self.last_first_kept: int | None = None  # place of the best candidate that was kept
        self.last_as_of: str = ""
        self._graph: Graph | None = None
        self._graph_version: tuple | None = None

    @classmethod
    def open(cls, settings: Settings, embedder: str | Embedder | None = None,
             store: Store | None = None) -> "Searcher":
        """Open the index of settings.collection; its manifest must match this code and `embedder`."""
        manifest = Manifest.load(Manifest.path_for(settings))
        manifest.check_pipeline()
        obj = embedder if embedder is not None and not isinstance(embedder, str) else None
        manifest.check_embedder(obj.name if obj else configured_embedder(settings, embedder))
        store = store or open_store(settings)
        if not store.exists():
            raise StoreError(f"the index {settings.collection!r} has a manifest but no vectors in {store.name}; "
                             f"re-ingest with --rebuild")
        return cls(settings, store, Catalog.open(settings), manifest, obj)

    # --- search -------------------------------------------------------------------------------
    @property
    def graph(self) -> Graph:
        """The legal graph of the collection, rebuilt when an ingest changed documents or relations."""
        version = self.catalog.graph_version()
        if self._graph is None or version != self._graph_version:
            self._graph, self._graph_version = Graph.from_catalog(self.catalog), version
            self._documents.clear()
        return self._graph

    def unit_status(self, unit: Unit, as_of: date | str | None = None) -> Status:
        return self.graph.unit_status(unit.unit_id, as_of, unit.path)

    def search(self, query: str, k: int | None = None, mode: Mode = "hybrid",
               filters: SearchFilters | None = None, group_by_doc: bool = False,
               as_of: date | str | None = None, validity: bool = True) -> list[Hit]:
        """Top-k units for `query`, as of `as_of` (today by default).

        Units whose text is not in force on that date (expired, not yet in force) are left out
        (kept in `last_excluded`), unless `filters.status` asks for those statuses; the status
        filter reads the legal graph, so a newly ingested replacing document changes it at once.
        Units of a base law that a văn bản hợp nhất in force consolidates come after the VBHN's
        unit of the same place (their text is history for the current wording). Each Hit's
        `document` carries its unit's status on that date (`document.status`,
        `document.metadata["validity"]`).

        A unit and its ancestor or descendant never both take a slot (a khoản and its Điều, a
        section and its paragraphs): the better-ranked one is kept and the other is skipped.
        With group_by_doc, each document appears once (its best unit). With
        settings.rescore_embedder set, the fused candidates are re-ordered by that embedder's
        cosine similarity before the cut (Hit.score is then that similarity).
        """
        if mode not in MODES:
            raise KtgsError(f"unknown search mode {mode!r}; choose one of: {', '.join(MODES)}")
        k = k or self.settings.top_k
        t0 = time.perf_counter()
        text = normalise(query)
        if not text.strip():
            return []
        dense = self.embedder.embed_query(text) if mode in ("hybrid", "dense") else None
        sparse = self.encoder.encode_query(text) if mode in ("hybrid", "bm25") else None
        t1 = time.perf_counter()
        wanted = max(3 * k, self.settings.prefetch_k)
        statuses = _statuses(filters)
        if statuses is not None:
            filters = dataclasses.replace(filters, status=None)
        fused = self.store.query(dense, sparse, k=2 * wanted, prefetch_k=wanted, filters=filters,
                                 weights=(self.settings.dense_weight, self.settings.sparse_weight),
                                 rrf_k=self.settings.rrf_k)
        t2 = time.perf_counter()
        units = self.catalog.units_by_id(f.unit_id for f in fused)
        missing = [f.unit_id for f in fused if f.unit_id not in units]
        if missing:
            log.warning("%d points have no catalog row (e.g. %s); re-ingest to repair", len(missing), missing[0])
        fused = [f for f in fused if f.unit_id in units]
        scores = {f.unit_id: f.fused for f in fused}
        if self.settings.rescore_embedder and fused:
            scores = self._rescore(text, fused[:max(3 * k, RESCORE_MIN)], units)
            fused = sorted((f for f in fused if f.unit_id in scores), key=lambda f: (-scores[f.unit_id], f.unit_id))
        day = as_date(as_of)
        self.last_as_of, self.last_excluded = day.isoformat(), []
        status: dict[str, Status] = {}
        if validity or statuses is not None:
            fused, status = self._validity(fused, units, scores, day, statuses)
        chosen = self._distinct(fused, k, group_by_doc, units)
        hits = [self._hit(f, units[f.unit_id], scores[f.unit_id], rank, status.get(f.unit_id))
                for rank, f in enumerate(chosen, start=1)]
        t3 = time.perf_counter()
        self.last_timings = {"embed_ms": (t1 - t0) * 1e3, "store_ms": (t2 - t1) * 1e3,
                             "total_ms": (t3 - t0) * 1e3}
        return hits

    def _rescore(self, text: str, candidates: Sequence[Fused], units: dict[str, Unit]) -> dict[str, float]:
        if self._rescorer is None:
            self._rescorer = get_embedder(self.settings.rescore_embedder, self.settings)
        q = self._rescorer.embed_query(text)
        docs = self._rescorer.embed_documents(
            [dense_text(units[f.unit_id], self.get_document(units[f.unit_id].doc_id))[:DENSE_MAX_CHARS]
             for f in candidates])
        sims = docs @ np.asarray(q, dtype=np.float32)
        return {f.unit_id: float(s) for f, s in zip(candidates, sims)}

    def _distinct(self, fused: Sequence[Fused], k: int, group_by_doc: bool, units: dict[str, Unit]) -> list[Fused]:
        parents = self.catalog.parents(units)
        taken: set[str] = set()        # chosen units and all their ancestors
        chosen_ids: set[str] = set()
        docs: set[str] = set()
        out = []
        for f in fused:
            lineage = _ancestors(f.unit_id, parents)
            if f.unit_id in taken or chosen_ids & set(lineage):
                continue  # a descendant or an ancestor of a better-ranked hit
            doc_id = units[f.unit_id].doc_id
            if group_by_doc and doc_id in docs:
                continue
            out.append(f)
            chosen_ids.add(f.unit_id)
            taken.update([f.unit_id, *lineage])
            docs.add(doc_id)
            if len(out) == k:
                break
        return out

    def _validity(self, fused: list[Fused], units: dict[str, Unit], scores: dict[str, float], day: date,
                  statuses: set[str] | None) -> tuple[list[Fused], dict[str, Status]]:
        graph = self.graph
        status = {f.unit_id: graph.unit_status(f.unit_id, day, units[f.unit_id].path) for f in fused}
        kept, excluded = [], []
        self.last_first_kept = None
        for position, f in enumerate(fused, start=1):
            st = status[f.unit_id]
            ok = st.status in statuses if statuses is not None else st.current
            if ok and self.last_first_kept is None:
                self.last_first_kept = position
            (kept if ok else excluded).append((position, f))
        # Hit.rank of an excluded candidate: its place among all candidates (1 = best match)
        self.last_excluded = [self._hit(f, units[f.unit_id], scores[f.unit_id], position, status[f.unit_id])
                              for position, f in excluded[:20]]
        kept = [f for _, f in kept]
        out: list[Fused] = []
        present = {f.unit_id for f in kept}
        for f in kept:
            st = status[f.unit_id]
            twin = self._consolidated_twin(f.unit_id, st) if st.history else None
            if twin and twin not in present:
                extra = self.catalog.units_by_id([twin])
                if twin in extra:
                    units[twin] = extra[twin]
                    status[twin] = graph.unit_status(twin, day, extra[twin].path)
                    scores[twin] = scores[f.unit_id]
                    out.append(Fused(twin, f.fused, f.dense, f.sparse, dict(f.ranks)))
                    present.add(twin)
            out.append(f)
        if any(status[f.unit_id].history for f in out):
            # the current wording first: the text as enacted ranks below the consolidated text
            out = [f for f in out if not status[f.unit_id].history] + [f for f in out if status[f.unit_id].history]
        return out, status

    def _consolidated_twin(self, unit_id: str, st: Status) -> str | None:
        """The VBHN's unit at the same place as a base-law unit ('25-2018-QH14/dieu-14' →
        '112-VBHN-VPQH-2025/dieu-14')."""
        node = self.graph.nodes.get(st.consolidated_by)
        if not node or not node.doc_id or "/" not in unit_id:
            return None
        return f"{node.doc_id}/{unit_id.split('/', 1)[1]}"

    def _hit(self, f: Fused, unit: Unit, score: float, rank: int, status: Status | None = None) -> Hit:
        from ktgs.ingest.labels import citation_label

        document = self.get_document(unit.doc_id)
        if document is not None and status is not None:
            meta = {**document.metadata, "validity": status.to_dict()}
            if status.history:
                meta["history_of"] = status.consolidated_by
            document = dataclasses.replace(document, status=status.status, metadata=meta)
        label = citation_label(unit, document) if document else unit.unit_id
        return Hit(unit=unit, score=score, rank=rank, dense=f.dense, sparse=f.sparse, document=document,
                   label=label)

    # --- catalog access -------------------------------------------------------------------------
    def get_unit(self, unit_id: str) -> Unit | None:
        return self.catalog.unit(unit_id)

    def get_document(self, doc_id: str) -> Document | None:
        if doc_id not in self._documents:
            self._documents[doc_id] = self.catalog.document(doc_id)
        return self._documents[doc_id]

    def children(self, unit_id: str) -> list[Unit]:
        return self.catalog.children(unit_id)

    def documents(self) -> list[Document]:
        return self.catalog.documents()

    def units(self, doc_id: str) -> list[Unit]:
        return self.catalog.units(doc_id)


def _statuses(filters: SearchFilters | None) -> set[str] | None:
    value = filters.status if filters is not None else None
    if value is None or value == "" or value == []:
        return None
    values = [value] if isinstance(value, str) else list(value)
    return {"expired" if v == "replaced" else v for v in values}


def _ancestors(unit_id: str, parents: dict[str, str | None]) -> list[str]:
    out, cur = [], parents.get(unit_id)
    while cur and cur not in out:
        out.append(cur)
        cur = parents.get(cur)
    return out
