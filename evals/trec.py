"""Runs and qrels in TREC format (trec_eval, ranx.Run.from_file) and as ranx-compatible dicts.

A run is `{query_id: [(doc_id, score), …]}` in rank order. TREC run lines are
`qid Q0 docid rank score tag`; qrels lines are `qid 0 docid relevance`. Ids must not contain
whitespace (ours are slugs such as "bo-luat-dan-su/dieu-162").
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

from ktgs.errors import EvalError

Run = Mapping[str, Sequence[tuple[str, float]]]


def to_trec_run(run: Run, tag: str = "ktgs") -> str:
    lines = []
    for qid, ranked in run.items():
        for rank, (doc_id, score) in enumerate(ranked, start=1):
            if any(c.isspace() for c in qid + doc_id):
                raise EvalError(f"TREC ids must not contain spaces: {qid!r} / {doc_id!r}")
            lines.append(f"{qid} Q0 {doc_id} {rank} {score:.6g} {tag}")
    return "\n".join(lines) + ("\n" if lines else "")


def from_trec_run(text: str) -> dict[str, list[tuple[str, float]]]:
    rows: dict[str, list[tuple[int, str, float]]] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 6:
            raise EvalError(f"TREC run line {n}: expected 6 fields, got {len(parts)}")
        qid, _, doc_id, rank, score, _ = parts
        rows.setdefault(qid, []).append((int(rank), doc_id, float(score)))
    return {q: [(d, s) for _, d, s in sorted(r)] for q, r in rows.items()}


def to_ranx(run: Run) -> dict[str, dict[str, float]]:
    """The dict shape `ranx.Run(...)` / `ranx.Qrels(...)` accept."""
    return {qid: {doc_id: float(score) for doc_id, score in ranked} for qid, ranked in run.items()}


def qrels_lines(relevant: Mapping[str, Sequence[str]]) -> list[str]:
    return [f"{qid} 0 {doc_id} 1" for qid, ids in relevant.items() for doc_id in ids]


def write_trec_run(path: Path, run: Run, tag: str = "ktgs") -> Path:
    path.write_text(to_trec_run(run, tag), encoding="utf-8")
    return path
