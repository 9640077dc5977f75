"""Retrieval evaluation: index an eval corpus once (cached per embedder), run the questions, score.

Eval indexes live apart from the user's index, one data directory per embedder:
KTGS_HOME/evals/index/<embedder-slug>/ with a collection per corpus ("alqac" for the ALQAC
articles, "corpus-<sha>" for another article JSONL, "docs-<sha of path>" for a folder of
documents). A small `<collection>.eval-cache.json` beside it records the corpus checksum and the
unit subset; when they match, nothing is re-embedded.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

from tqdm import tqdm

from ktgs.errors import EvalError
from ktgs.evals import metrics as M
from ktgs.evals.alqac import corpus_checksum, corpus_to_units, law_slug
from ktgs.evals.bootstrap import bootstrap_ci
from ktgs.evals.datasets import Dataset, EvalQuestion, load_dataset
from ktgs.settings import Settings, load_settings

K = 10
F2_MARGIN = 0.0          # returned set for macro-F2: top-1 only (see docs/evals.md)
RECALL_CURVE = (1, 3, 5, 10, 20)
HEADLINE = ("recall@10", "mrr@10", "ndcg@10", "f2")


@dataclass
class RetrievalRecord:
    qid: str
    ranked: list[str]                 # unit ids in rank order
    scores: list[float]
    latency_ms: float
    metrics: dict[str, float | None] = field(default_factory=dict)


def eval_settings(settings: Settings, dataset: Dataset, keep: set[str] | None = None) -> Settings:
    """Settings pointing at the cached eval index of this dataset's corpus and settings.embedder.
    A dataset without a corpus uses the user's own index (settings unchanged)."""
    if dataset.corpus is None:
        return settings
    corpus = Path(dataset.corpus)
    if corpus.is_dir():
        name = "docs-" + hashlib.sha256(str(corpus.resolve()).encode()).hexdigest()[:10]
    elif dataset.name.startswith("alqac"):
        name = "alqac"
    else:
        name = "corpus-" + corpus_checksum(corpus)[:10]
    if keep is not None:
        name += "-sub-" + hashlib.sha256("\n".join(sorted(keep)).encode()).hexdigest()[:8]
    home = settings.home_path / "evals" / "index" / (law_slug(settings.embedder) or "default")
    # the eval index has its own home; models stay where the user fetched them
    return settings.with_(home=str(home), collection=name, models_dir=str(settings.models_path))


def subset_keep(dataset: Dataset, distractors: int, seed: int = 0) -> set[str]:
    """Unit ids for a small fast index: the gold units of the dataset's questions plus a fixed
    random sample (random.Random(seed)) of `distractors` other top-level units (articles) of its
    corpus; an article brings its khoản and điểm along."""
    import random

    gold = {r for q in dataset.questions for g in q.relevant_groups for r in g}
    others = sorted(u.unit_id for _, units in corpus_to_units(dataset.corpus) for u in units
                    if u.parent_id is None and u.unit_id not in gold)
    return gold | set(random.Random(seed).sample(others, min(distractors, len(others))))


def prepare_index(dataset: Dataset, settings: Settings, keep: set[str] | None = None,
                  progress: bool = True) -> Settings:
    """Build (or reuse) the eval index for `dataset`; return the settings that open it."""
    from ktgs.index.indexer import index_paths, index_units
    from ktgs.index.manifest import Manifest

    es = eval_settings(settings, dataset, keep)
    if dataset.corpus is None:
        return es
    corpus = Path(dataset.corpus)
    if not corpus.exists():
        raise EvalError(f"corpus not found: {corpus}")
    progress = progress and not settings.quiet
    if corpus.is_dir():  # a folder of documents: the indexer is incremental by file hash
        index_paths([corpus], es, progress=progress, embedder=settings.embedder)
        return es
    stamp = {"corpus_sha256": corpus_checksum(corpus), "embedder": settings.embedder,
             "pipeline": pipeline_versions(), "subset": None if keep is None else sorted(keep)}
    cache = es.path(f"{es.collection}.eval-cache.json")
    if cache.is_file() and Manifest.path_for(es).is_file():
        if json.loads(cache.read_text(encoding="utf-8")) == stamp:
            return es
    items = corpus_to_units(corpus, keep=keep)
    if not items or not any(units for _, units in items):
        raise EvalError(f"corpus {corpus} gave no units to index")
    index_units(items, es, embedder=settings.embedder, rebuild=True, progress=progress)
    cache.write_text(json.dumps(stamp, ensure_ascii=False), encoding="utf-8")
    return es


def pipeline_versions() -> dict[str, str]:
    """Text-pipeline versions: when one changes, a cached eval index is rebuilt, not refused."""
    from ktgs.evals.alqac import ARTICLE_UNITS_VERSION
    from ktgs.index.sparse import SPARSE_VERSION
    from ktgs.ingest.text import NORMALISER_VERSION, SEGMENTER_VERSION

    return {"normaliser": NORMALISER_VERSION, "segmenter": SEGMENTER_VERSION, "sparse": SPARSE_VERSION,
            "articles": ARTICLE_UNITS_VERSION}


QUERY_FORMS = ("question", "question+choices")


def retrieve(questions: Sequence[EvalQuestion], searcher: Any, mode: str, k: int = 20,
             progress: bool = True, query: str = "question") -> list[RetrievalRecord]:
    """Run every question through searcher.search; wall-clock latency per question.

    query="question+choices" searches with a multiple-choice question's options A–D appended
    (what a trainee is actually shown); other questions are searched as they are."""
    from ktgs.evals.answers import question_text

    if query not in QUERY_FORMS:
        raise EvalError(f"query must be one of {', '.join(QUERY_FORMS)}, not {query!r}")
    out = []
    for q in tqdm(questions, unit="câu", desc=f"Tìm ({mode})", disable=not progress):
        text = question_text(q) if query == "question+choices" else q.question
        t0 = time.perf_counter()
        hits = searcher.search(text, k=k, mode=mode)
        ms = (time.perf_counter() - t0) * 1e3
        out.append(RetrievalRecord(q.id, [h.unit.unit_id for h in hits], [float(h.score) for h in hits], ms))
    return out


def score_question(q: EvalQuestion, rec: RetrievalRecord, margin: float = F2_MARGIN) -> dict[str, float | None]:
    """Per-question retrieval metrics at unit level (containment credited, see metrics.align_to_gold),
    plus article-level recall/MRR."""
    rel = q.relevant
    r = M.align_to_gold(rec.ranked, q.relevant_groups)
    prf = M.precision_recall_f2(M.returned_set(r, rec.scores, margin), rel)
    out: dict[str, float | None] = {f"recall@{k}": M.recall_at_k(r, rel, k) for k in RECALL_CURVE}
    out.update({
        "mrr@10": M.reciprocal_rank(r, rel, K), "ndcg@10": M.ndcg_at_k(r, rel, K), "hit@10": M.hit_at_k(r, rel, K),
        "precision": prf[0] if prf else None, "recall": prf[1] if prf else None, "f2": prf[2] if prf else None,
    })
    arts, arel = M.to_articles(rec.ranked), M.to_articles(rel)
    out["article_recall@10"] = M.recall_at_k(arts, arel, K)
    out["article_mrr@10"] = M.reciprocal_rank(arts, arel, K)
    return out


def summarise(records: Sequence[RetrievalRecord], keys: Sequence[str] | None = None,
              n_resamples: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Means of per-question metrics, latency p50/p95 and bootstrap CIs of the headline metrics."""
    keys = keys or list(records[0].metrics) if records else []
    out: dict[str, Any] = {k: M.mean(r.metrics.get(k) for r in records) for k in keys}
    lat = [r.latency_ms for r in records]
    out["p50_ms"], out["p95_ms"] = M.percentile(lat, 50), M.percentile(lat, 95)
    out["n"] = sum(1 for r in records if r.metrics.get("recall@10") is not None)
    out["ci"] = {k: bootstrap_ci([r.metrics.get(k) for r in records], n_resamples, seed)
                 for k in HEADLINE if k in keys}
    return out


def evaluate_retrieval(dataset: str | Dataset = "alqac", split: str = "dev", mode: str = "hybrid",
                       embedder: str | None = None, limit: int | None = None, corpus: Path | None = None,
                       settings: Settings | None = None, keep: set[str] | None = None,
                       progress: bool = True, margin: float = F2_MARGIN,
                       query: str = "question") -> dict[str, Any]:
    """The `ktgs eval retrieval` entry: JSON-ready summary with `records` (per question)."""
    from ktgs.index.search import Searcher

    settings = settings or load_settings()
    if embedder:
        settings = settings.with_(embedder=embedder)
    ds = dataset if isinstance(dataset, Dataset) else load_dataset(dataset, split, corpus)
    questions = [q for q in ds.questions if q.relevant][: limit or None]
    if not questions:
        raise EvalError(f"dataset {ds.name} has no question with relevant units")
    es = prepare_index(ds, settings, keep=keep, progress=progress)
    searcher = Searcher.open(es)
    try:
        records = retrieve(questions, searcher, mode, k=max(RECALL_CURVE), progress=progress and not settings.quiet,
                           query=query)
    finally:
        searcher.close()
    by_id = {q.id: q for q in questions}
    for rec in records:
        rec.metrics = score_question(by_id[rec.qid], rec, margin)
    summary = summarise(records)
    summary.update({"dataset": ds.name, "mode": mode, "query": query, "embedder": settings.embedder,
                    "rescore_embedder": settings.rescore_embedder or None,
                    "settings": {k: getattr(settings, k) for k in
                                 ("top_k", "prefetch_k", "dense_weight", "sparse_weight", "rrf_k")},
                    "records": [asdict(r) for r in records]})
    return summary
