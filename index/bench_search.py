"""Search speed: end-to-end latency on the real index, and the two Store backends on synthetic data.

Synthetic units: random L2-normalised dense vectors, sparse vectors built from real corpus sentences
(each unit sums the BM25 vectors of 1–3 sentences), so the sparse index sees real term statistics.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from tqdm import tqdm

from ktgs.index.sparse import SparseEncoder, SparseVector
from ktgs.index.store import Point, Store

# Questions about the shipped laws and Đề án (typed the way users type them, some without diacritics).
DEFAULT_QUERIES = (
    "Thời hạn giải quyết tố cáo là bao lâu?", "thoi han giai quyet to cao", "Kinh phí thực hiện đề án",
    "Người tố cáo có những quyền gì?", "Các hành vi bị nghiêm cấm trong tố cáo",
    "Thời hiệu khiếu nại là bao lâu?", "Trách nhiệm tiếp công dân của Chủ tịch Ủy ban nhân dân",
    "Kê khai tài sản, thu nhập", "Xử lý tố cáo nặc danh", "bao ve nguoi to cao",
    "Nghĩa vụ của người khiếu nại", "Thẩm quyền giải quyết khiếu nại lần hai",
    "Giám sát thường xuyên của UBKT", "Các hành vi tham nhũng", "Tặng quà và nhận quà tặng",
    "Rút khiếu nại", "Đình chỉ giải quyết tố cáo", "Nơi tiếp công dân", "xung dot loi ich",
    "Mục tiêu của đề án giám sát thường xuyên",
)


def percentiles(ms: Sequence[float]) -> dict[str, float]:
    s = sorted(ms)
    p95 = s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]
    return {"p50_ms": round(statistics.median(s), 2), "p95_ms": round(p95, 2), "n": len(s)}


def search_latency(searcher, queries: Iterable[str] = DEFAULT_QUERIES, k: int = 10, mode: str = "hybrid",
                   repeat: int = 3) -> dict:
    """End-to-end latency of Searcher.search (query embedding included) after one warm-up query."""
    queries = list(queries)
    searcher.search(queries[0], k=k, mode=mode)
    total, embed, store = [], [], []
    for _ in range(repeat):
        for q in queries:
            searcher.search(q, k=k, mode=mode)
            total.append(searcher.last_timings["total_ms"])
            embed.append(searcher.last_timings["embed_ms"])
            store.append(searcher.last_timings["store_ms"])
    return {"mode": mode, "k": k, **percentiles(total), "embed_p50_ms": round(statistics.median(embed), 2),
            "store_p50_ms": round(statistics.median(store), 2)}


def corpus_sentences(folder: Path, limit: int = 6000) -> list[str]:
    out = []
    for f in sorted(folder.glob("*")):
        if f.suffix.lower() in (".md", ".txt") and f.stem.lower() not in ("readme", "manifest"):
            out += [ln.strip() for ln in f.read_text(encoding="utf-8").splitlines() if len(ln.strip()) > 40]
    return out[:limit]


def synthetic_points(n: int, dim: int, sentence_vectors: Sequence[dict[int, float]], seed: int = 0) -> list[Point]:
    rng = np.random.default_rng(seed)
    dense = rng.normal(size=(n, dim)).astype(np.float32)
    dense /= np.linalg.norm(dense, axis=1, keepdims=True)
    points = []
    for i in range(n):
        merged: dict[int, float] = {}
        for j in rng.integers(0, len(sentence_vectors), size=int(rng.integers(1, 4))):
            for t, w in sentence_vectors[j].items():
                merged[t] = merged.get(t, 0.0) + w
        idx = sorted(merged)
        uid = f"synthetic/{i}"
        points.append(Point(uid, dense[i], SparseVector(idx, [merged[t] for t in idx]),
                            {"unit_id": uid, "doc_id": f"synthetic-{i % 500}", "doc_type": "luat",
                             "year": 2000 + i % 25, "level": "dieu", "status": "unknown", "access": "public"}))
    return points


def _make_store(backend: str, workdir: Path, name: str) -> Store:
    if backend == "edge":
        from ktgs.index.store_edge import EdgeStore
        return EdgeStore(workdir / name)
    from ktgs.index.store_client import ClientStore
    return ClientStore(name, path=str(workdir / name))


def store_benchmark(corpus: Path, sizes: Sequence[int] = (10_000, 50_000), backends: Sequence[str] = ("edge", "client"),
                    dim: int = 384, n_queries: int = 50, prefetch_k: int = 50, progress: bool = True) -> list[dict]:
    """Upsert time and hybrid query latency for each (backend, size) on synthetic units."""
    sentences = corpus_sentences(corpus)
    doc_enc, q_enc = SparseEncoder(avgdl=40.0), SparseEncoder()
    vectors = [dict(zip(v.indices, v.values)) for v in
               (doc_enc.encode_document(s) for s in tqdm(sentences, desc="BM25", disable=not progress))]
    rng = np.random.default_rng(1)
    queries = [(v / np.linalg.norm(v), q_enc.encode_query(q))
               for v, q in zip(rng.normal(size=(n_queries, dim)).astype(np.float32),
                               (sentences[i][:80] for i in rng.integers(0, len(sentences), size=n_queries)))]
    results = []
    for n in sizes:
        points = synthetic_points(n, dim, vectors)
        for backend in backends:
            with tempfile.TemporaryDirectory() as tmp:
                store = _make_store(backend, Path(tmp), f"b{n}")
                store.create(dim)
                t0 = time.perf_counter()
                for i in range(0, n, 1000):
                    store.upsert(points[i:i + 1000])
                upsert_s = time.perf_counter() - t0
                optimize_s = 0.0
                if backend == "edge":
                    t1 = time.perf_counter()
                    store.optimize()
                    optimize_s = time.perf_counter() - t1
                store.query(*queries[0], k=10, prefetch_k=prefetch_k)
                ms = []
                for dense, sparse in queries:
                    t = time.perf_counter()
                    store.query(dense, sparse, k=10, prefetch_k=prefetch_k)
                    ms.append((time.perf_counter() - t) * 1e3)
                store.close()
            results.append({"backend": backend, "units": n, "upsert_s": round(upsert_s, 2),
                            "optimize_s": round(optimize_s, 2), "build_s": round(upsert_s + optimize_s, 2),
                            **{f"query_{k}": v for k, v in percentiles(ms).items()}})
    return results
