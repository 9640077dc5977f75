"""Compare two eval runs: per-metric deltas with a CI note, and the questions that flipped.

Configs are matched by name; when each run has exactly one config, those two are compared
whatever their names. A delta's note says whether the two 95 % bootstrap CIs overlap and gives
the paired bootstrap CI of the difference over the questions both runs scored.
A question flips when hit@1 (retrieval) or answer correctness changes between the runs.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ktgs.errors import EvalError
from ktgs.evals.bootstrap import paired_delta_ci
from ktgs.evals.runner import CI_KEYS, JSON_KEYS

FLIP_KEYS = ("recall@1", "accuracy")


def load_run(path: Path) -> tuple[dict, list[dict]]:
    path = Path(path)
    if not (path / "results.json").is_file():
        raise EvalError(f"{path}: not an eval run (no results.json)")
    results = json.loads((path / "results.json").read_text(encoding="utf-8"))
    with (path / "questions.jsonl").open(encoding="utf-8") as fh:
        questions = [json.loads(line) for line in fh if line.strip()]
    return results, questions


def _pairs(r1: dict, r2: dict) -> list[tuple[str, str]]:
    c1, c2 = list(r1["configs"]), list(r2["configs"])
    common = [(n, n) for n in c1 if n in c2]
    if common:
        return common
    if len(c1) == 1 and len(c2) == 1:
        return [(c1[0], c2[0])]
    raise EvalError(f"the runs share no config: {', '.join(c1)} vs {', '.join(c2)}")


def compare(run1: Path, run2: Path) -> dict[str, Any]:
    r1, q1 = load_run(run1)
    r2, q2 = load_run(run2)
    by_id2 = {q["id"]: q for q in q2}
    shared = [(a, by_id2[a["id"]]) for a in q1 if a["id"] in by_id2]
    out: dict[str, Any] = {"run1": r1["run_id"], "run2": r2["run_id"], "shared_questions": len(shared),
                           "configs": {}}
    for n1, n2 in _pairs(r1, r2):
        s1, s2 = r1["configs"][n1], r2["configs"][n2]
        deltas = {}
        for key in JSON_KEYS:
            a, b = s1.get(key), s2.get(key)
            if a is None or b is None:
                continue
            entry: dict[str, Any] = {"run1": a, "run2": b, "delta": b - a}
            if key in CI_KEYS:
                c1, c2 = (s1.get("ci") or {}).get(key), (s2.get("ci") or {}).get(key)
                if c1 and c2:
                    entry["ci_overlap"] = c1[0] <= c2[1] and c2[0] <= c1[1]
                paired = paired_delta_ci([x["configs"].get(n1, {}).get("metrics", {}).get(key) for x, _ in shared],
                                         [y["configs"].get(n2, {}).get("metrics", {}).get(key) for _, y in shared])
                if paired:
                    entry["paired_ci"] = [paired[1], paired[2]]
            deltas[key] = entry
        flips = []
        for x, y in shared:
            m1 = x["configs"].get(n1, {}).get("metrics", {})
            m2 = y["configs"].get(n2, {}).get("metrics", {})
            for key in FLIP_KEYS:
                a, b = m1.get(key), m2.get(key)
                if a is not None and b is not None and a != b:
                    flips.append({"id": x["id"], "question": x["question"], "metric": key,
                                  "run1": a, "run2": b, "gold": x.get("gold"),
                                  "top1_run1": (x["configs"][n1].get("retrieved") or [None])[0],
                                  "top1_run2": (y["configs"][n2].get("retrieved") or [None])[0]})
        out["configs"][n1 if n1 == n2 else f"{n1} → {n2}"] = {"deltas": deltas, "flipped": flips}
    return out


def compare_markdown(result: dict[str, Any], max_flips: int = 30) -> str:
    lines = [f"# So sánh {result['run1']} → {result['run2']}", "",
             f"{result['shared_questions']} câu hỏi chung.", ""]
    for name, c in result["configs"].items():
        lines += [f"## {name}", "", "| chỉ số | run1 | run2 | Δ | ghi chú |", "|---|---|---|---|---|"]
        for key, d in c["deltas"].items():
            note = ""
            if "ci_overlap" in d:
                note = "CI chồng lấn (khác biệt chưa chắc chắn)" if d["ci_overlap"] else "CI tách biệt"
            if "paired_ci" in d:
                note += f"; Δ 95 % CI [{d['paired_ci'][0]:+.3f}, {d['paired_ci'][1]:+.3f}]"
            lines.append(f"| {key} | {d['run1']:.3f} | {d['run2']:.3f} | {d['delta']:+.3f} | {note} |")
        better = sum(1 for f in c["flipped"] if f["run2"] > f["run1"])
        lines += ["", f"Câu đổi kết quả: {len(c['flipped'])} ({better} tốt lên, "
                      f"{len(c['flipped']) - better} xấu đi).", ""]
        for f in c["flipped"][:max_flips]:
            lines.append(f"- `{f['id']}` {f['metric']} {f['run1']:.0f}→{f['run2']:.0f}: {f['question'][:90]}")
        lines.append("")
    return "\n".join(lines)
