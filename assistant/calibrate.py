"""When to refuse, and how well the assistant answers a gold set.

support_score(question, evidence) is the best evidence's lexical agreement with the question
(share of the question's folded syllables and syllable bigrams found in the unit text, its
heading and breadcrumb). The assistant refuses below a threshold calibrated on the gold set
(answerable vs unanswerable questions): `ktgs ask --gold evals/gold/de-an-and-laws.jsonl
--calibrate` sweeps the midpoints between observed scores and picks the one with the best
refusal accuracy (ties: the lowest such threshold: a verified quote on an off-topic question
costs less than refusing an answerable one). settings.refusal_threshold = 0 means
"use CALIBRATED_THRESHOLD"; docs/benchmarks.md records the run that chose it.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

from ktgs.errors import EvalError
from ktgs.jsonl import iter_jsonl

CALIBRATED_THRESHOLD = 0.54          # ktgs ask --gold evals/gold/de-an-and-laws.jsonl --calibrate (docs/benchmarks.md)


def refusal_threshold(settings: Any) -> float:
    value = float(getattr(settings, "refusal_threshold", 0.0) or 0.0)
    return value if value > 0 else CALIBRATED_THRESHOLD


def support_score(question: str, evidence: Sequence[Any]) -> float:
    """Best lexical agreement between the question and one evidence unit (0..1)."""
    return max((ev.overlap for ev in evidence), default=0.0)


@dataclass
class GoldItem:
    id: str
    question: str
    relevant: list[str]
    answer: str
    key_facts: list[str] = field(default_factory=list)
    question_type: str = ""
    answerable: bool = True


def load_gold(path: str | Path) -> list[GoldItem]:
    """Gold items; a `relevant` element that lists equivalent unit ids (law and văn bản hợp nhất)
    contributes all of them (any one cited counts as related)."""
    items = []
    for _, d in iter_jsonl(path, EvalError, "gold set"):
        d = {**d, "relevant": [u for r in d.get("relevant") or [] for u in ([r] if isinstance(r, str) else r)]}
        items.append(GoldItem(**{k: v for k, v in d.items() if k in GoldItem.__dataclass_fields__}))
    return items


def _comparable(text: str) -> str:
    from ktgs.ingest.text import fold_diacritics, normalise

    return " ".join(fold_diacritics(normalise(text)).lower().replace("“", '"').replace("”", '"').split())


def _related(unit_id: str, relevant: Sequence[str]) -> bool:
    """The cited unit is a gold unit, inside one (điểm of a gold khoản) or holds one (its Điều)."""
    return any(unit_id == r or unit_id.startswith(r + "/") or r.startswith(unit_id + "/") for r in relevant)


@dataclass
class GoldResult:
    id: str
    answerable: bool
    grounded: bool
    support: float
    answer_found: bool                # the gold answer phrase is in the answer text
    citation_correct: bool            # some citation is (inside / the parent of) a gold unit
    citation_exact: bool              # some citation is exactly a gold unit
    latency_ms: float
    cited: list[str] = field(default_factory=list)


def run_gold(items: Sequence[GoldItem], assistant: Any, mode: str | None = None,
             progress: bool = False) -> list[GoldResult]:
    """Ask every gold question (no history) and score the answers."""
    from tqdm import tqdm

    results = []
    for item in tqdm(items, desc="gold", disable=not progress):
        _, evidence = assistant.retrieve(item.question)
        t = time.perf_counter()
        answer = assistant.ask(item.question, mode=mode)
        latency = (time.perf_counter() - t) * 1000
        cited = [c.unit_id for c in answer.citations]
        found = bool(item.answer) and _comparable(item.answer) in _comparable(answer.text)
        results.append(GoldResult(
            id=item.id, answerable=item.answerable, grounded=answer.grounded,
            support=round(support_score(item.question, evidence), 4),
            answer_found=answer.grounded and found,
            citation_correct=any(_related(u, item.relevant) for u in cited),
            citation_exact=any(u in item.relevant for u in cited),
            latency_ms=round(latency, 1), cited=cited))
    return results


def best_threshold(results: Sequence[GoldResult]) -> tuple[float, float]:
    """(threshold, refusal accuracy) maximising accuracy of "answer iff support ≥ threshold"."""
    if not results:
        raise EvalError("no gold results to calibrate on")
    values = sorted({r.support for r in results})
    cands = [values[0] - 1e-3] + [(a + b) / 2 for a, b in zip(values, values[1:])] + [values[-1] + 1e-3]
    scored = [(sum((r.support >= t) == r.answerable for r in results) / len(results), t) for t in cands]
    top = max(acc for acc, _ in scored)
    best = [t for acc, t in scored if acc == top]
    return round(best[0], 4), top        # ties: the lowest, which answers the most questions


@dataclass
class GoldReport:
    n: int
    n_answerable: int
    answer_found: float               # over answerable questions
    citation_correct: float           # over answerable questions
    citation_exact: float
    refusal_accuracy: float           # answered iff answerable, over all questions
    refused_unanswerable: float       # share of unanswerable questions refused
    answered_answerable: float        # share of answerable questions answered
    latency_p50_ms: float
    latency_max_ms: float
    threshold: float
    results: list[GoldResult]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarise(results: Sequence[GoldResult], threshold: float) -> GoldReport:
    ans = [r for r in results if r.answerable]
    una = [r for r in results if not r.answerable]
    lat = sorted(r.latency_ms for r in results)

    def share(rows: Sequence[GoldResult], key: str) -> float:
        return round(sum(bool(getattr(r, key)) for r in rows) / len(rows), 4) if rows else 0.0

    return GoldReport(
        n=len(results), n_answerable=len(ans),
        answer_found=share(ans, "answer_found"), citation_correct=share(ans, "citation_correct"),
        citation_exact=share(ans, "citation_exact"),
        refusal_accuracy=round(sum(r.grounded == r.answerable for r in results) / len(results), 4)
        if results else 0.0,
        refused_unanswerable=round(sum(not r.grounded for r in una) / len(una), 4) if una else 0.0,
        answered_answerable=share(ans, "grounded"),
        latency_p50_ms=lat[len(lat) // 2] if lat else 0.0, latency_max_ms=lat[-1] if lat else 0.0,
        threshold=threshold, results=list(results))
