"""Side-by-side runs: several named configs on the same questions → KTGS_HOME/evals/<run-id>/.

A config is a preset name (PRESETS) or `key=value,...` overrides of Settings plus `mode`
(bm25 | dense | hybrid, the search mode). A config answers questions (not only retrieves) when its
preset says so or its overrides set `answer_mode`. Written files: results.json, questions.jsonl,
run-<config>.trec (TREC run of the top-20 units), report.md and report.html.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from tqdm import tqdm

from ktgs.errors import EvalError
from ktgs.evals import answers as A
from ktgs.evals.alqac import law_slug
from ktgs.evals.bootstrap import bootstrap_ci
from ktgs.evals.datasets import Dataset, load_dataset
from ktgs.evals.metrics import mean, percentile
from ktgs.evals.retrieval import QUERY_FORMS, RECALL_CURVE, prepare_index, retrieve, score_question
from ktgs.evals.trec import write_trec_run
from ktgs.settings import Settings, load_settings

PRESETS: dict[str, dict[str, str]] = {
    "bm25": {"mode": "bm25"},
    "dense": {"mode": "dense"},
    "hybrid": {"mode": "hybrid"},
    "hybrid-gemma": {"mode": "hybrid", "embedder": "embeddinggemma-300m"},
    "hybrid-rescore": {"mode": "hybrid", "rescore_embedder": "embeddinggemma-300m"},
    "extractive": {"mode": "hybrid", "answer_mode": "extractive"},
    "extractive-refs": {"mode": "hybrid", "answer_mode": "extractive", "expand_references": "true"},
    "local": {"mode": "hybrid", "answer_mode": "local"},
    "openai": {"mode": "hybrid", "answer_mode": "openai"},
}
JSON_KEYS = ("recall@10", "mrr@10", "ndcg@10", "f2", "accuracy", "key_fact_recall", "citation_precision",
             "citation_recall", "refusal_accuracy", "faithfulness", "superseded_trap_rate", "p50_ms", "n")
# per-kind breakdown (questions tagged with a `kind`): these metrics, their means over the kind's questions
KIND_METRICS = ("recall@10", "mrr@10", "key_fact_recall", "citation_recall", "citation_precision",
                "refusal_accuracy", "answer_rate", "superseded_trap_rate", "false_flag_rate")
CI_KEYS = ("recall@10", "mrr@10", "ndcg@10", "f2", "accuracy", "key_fact_recall", "citation_precision",
           "faithfulness")
SEARCH_MODES = ("bm25", "dense", "hybrid")


@dataclass
class RunConfig:
    name: str
    mode: str = "hybrid"
    overrides: dict[str, Any] = field(default_factory=dict)   # Settings fields
    answers: bool = False
    query: str = "question"      # or "question+choices": multiple-choice options join the search text

    def settings(self, base: Settings) -> Settings:
        return base.with_(**self.overrides)


def parse_config(spec: str) -> RunConfig:
    """A preset name, or `key=value,...` (keys: mode, query=question|question+choices and Settings
    fields; `preset=NAME` starts from one)."""
    spec = spec.strip()
    if "=" not in spec:
        if spec not in PRESETS:
            raise EvalError(f"unknown config {spec!r}; choose one of: {', '.join(PRESETS)}, or key=value,...")
        pairs, name = dict(PRESETS[spec]), spec
    else:
        pairs, name = {}, spec
        for part in filter(None, (p.strip() for p in spec.split(","))):
            if "=" not in part:
                raise EvalError(f"config {spec!r}: {part!r} is not key=value")
            key, value = (x.strip() for x in part.split("=", 1))
            if key == "preset":
                pairs = {**parse_config(value).overrides, "mode": parse_config(value).mode, **pairs}
                continue
            pairs[key] = value
    mode = pairs.pop("mode", "hybrid")
    if mode not in SEARCH_MODES:
        raise EvalError(f"config {spec!r}: mode must be one of {', '.join(SEARCH_MODES)}")
    query = pairs.pop("query", "question")
    if query not in QUERY_FORMS:
        raise EvalError(f"config {spec!r}: query must be one of {', '.join(QUERY_FORMS)}")
    Settings().with_(**pairs)  # unknown keys / bad values fail here, before any work
    return RunConfig(name=name, mode=mode, overrides=pairs, answers="answer_mode" in pairs, query=query)


def _run_id(dataset: str, configs: Sequence[RunConfig]) -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{law_slug(dataset)}-{len(configs)}cfg"


def run_config(cfg: RunConfig, ds: Dataset, questions, base: Settings, progress: bool) -> tuple[dict, dict]:
    """One config on the questions: (summary, {qid: per-question record})."""
    from ktgs.index.search import Searcher

    s = cfg.settings(base)
    es = prepare_index(ds, s, progress=progress)
    searcher = Searcher.open(es)
    per_q: dict[str, dict] = {}
    try:
        with_gold = [q for q in questions if q.relevant]
        for rec, q in zip(retrieve(with_gold, searcher, cfg.mode, k=max(RECALL_CURVE), progress=progress,
                                          query=cfg.query), with_gold):
            rec.metrics = score_question(q, rec)
            per_q[q.id] = {"retrieved": rec.ranked[:10], "scores": [round(x, 6) for x in rec.scores[:10]],
                           "search_ms": round(rec.latency_ms, 2), "metrics": rec.metrics, "_run": rec}
        if cfg.answers:
            from ktgs.assistant.ask import Assistant

            assistant = Assistant(es, searcher=searcher, log=False)
            try:
                for q in tqdm(questions, unit="câu", desc=f"Trả lời ({cfg.name})", disable=not progress):
                    rec = per_q.setdefault(q.id, {"metrics": {}})
                    ar = A.answer_record(q, assistant, searcher, es.answer_mode)
                    rec["metrics"].update(ar.pop("metrics_answer"))
                    rec.update(ar)
            finally:
                assistant.close()
    finally:
        searcher.close()
    for q in questions:
        if q.kind and q.id in per_q:
            per_q[q.id]["kind"] = q.kind
    return _summarise(cfg, s, per_q), per_q


def by_kind(records: Sequence[dict]) -> dict[str, dict[str, Any]]:
    """Means of KIND_METRICS per question kind (records without a kind are left out), with `n`."""
    kinds: dict[str, list[dict]] = {}
    for r in records:
        if r.get("kind"):
            kinds.setdefault(r["kind"], []).append(r)
    out = {}
    for kind in sorted(kinds):
        recs = kinds[kind]
        out[kind] = {k: mean(r["metrics"].get(k) for r in recs) for k in KIND_METRICS}
        out[kind]["n"] = len(recs)
    return out


def _summarise(cfg: RunConfig, s: Settings, per_q: dict[str, dict]) -> dict:
    recs = list(per_q.values())
    metric_keys = sorted({k for r in recs for k in r["metrics"]})
    out: dict[str, Any] = {k: mean(r["metrics"].get(k) for r in recs) for k in metric_keys}
    search = [r["search_ms"] for r in recs if "search_ms" in r]
    answer = [r["answer_ms"] for r in recs if "answer_ms" in r]
    lat = answer or search
    out.update({"p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95),
                "search_p50_ms": percentile(search, 50), "n": len(recs),
                "latencies_ms": [round(x, 2) for x in lat]})
    out["ci"] = {k: bootstrap_ci([r["metrics"].get(k) for r in recs]) for k in CI_KEYS if k in metric_keys}
    kinds = by_kind(recs)
    if kinds:
        out["by_kind"] = kinds
    out["config"] = {"name": cfg.name, "mode": cfg.mode, "overrides": cfg.overrides, "answers": cfg.answers,
                     "query": cfg.query, "embedder": s.embedder, "rescore_embedder": s.rescore_embedder}
    return out


def run(dataset: str, configs: Sequence[str], split: str = "dev", corpus: Path | None = None,
        limit: int | None = None, settings: Settings | None = None, progress: bool = True,
        run_id: str | None = None) -> Path:
    """Run the configs side by side; return the run directory."""
    from ktgs.evals.report import write_reports

    settings = settings or load_settings()
    progress = progress and not settings.quiet
    cfgs = [parse_config(c) for c in configs]
    if not cfgs:
        raise EvalError("give at least one --config")
    if len({c.name for c in cfgs}) != len(cfgs):
        raise EvalError("the same config was given twice")
    ds = load_dataset(dataset, split, corpus)
    questions = ds.questions[: limit or None]
    run_dir = settings.home_path / "evals" / (run_id or _run_id(ds.name, cfgs))
    run_dir.mkdir(parents=True, exist_ok=True)
    summaries, per_config = {}, {}
    for cfg in cfgs:
        summaries[cfg.name], per_config[cfg.name] = run_config(cfg, ds, questions, settings, progress)
        run = {qid: list(zip(r["_run"].ranked, r["_run"].scores)) for qid, r in per_config[cfg.name].items()
               if "_run" in r}
        write_trec_run(run_dir / f"run-{law_slug(cfg.name)}.trec", run, tag=law_slug(cfg.name))
    with (run_dir / "questions.jsonl").open("w", encoding="utf-8") as fh:
        for q in questions:
            row = {"id": q.id, "question": q.question, "question_type": q.question_type, "gold": q.relevant,
                   "gold_answer": q.answer, "answerable": q.answerable, "kind": q.kind,
                   "gold_equivalents": q.equivalents, "not_current": q.not_current + q.not_current_units,
                   "configs": {name: {k: v for k, v in pq.get(q.id, {}).items() if k != "_run"}
                               for name, pq in per_config.items()}}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    results = {"run_id": run_dir.name, "dataset": ds.name, "split": split, "n_questions": len(questions),
               "created": time.strftime("%Y-%m-%dT%H:%M:%S"), "configs": summaries}
    (run_dir / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    write_reports(run_dir, results)
    return run_dir


def json_summary(run_dir: Path) -> dict:
    """The `ktgs eval run --json` shape: headline metrics per config (null when not applicable)."""
    results = json.loads((Path(run_dir) / "results.json").read_text(encoding="utf-8"))
    configs = {}
    for name, s in results["configs"].items():
        configs[name] = {k: s.get(k) for k in JSON_KEYS}
        if s.get("by_kind"):
            configs[name]["by_kind"] = s["by_kind"]
    return {"configs": configs,
            "report": str(Path(run_dir) / "report.html")}
