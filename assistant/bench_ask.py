"""Answer latency per mode: time to first token and total, over the user's index.

The model is opened (and, for llama.cpp, loaded) once before timing; one warm-up question fills
llama.cpp's cache of the system-prompt prefix, as in a running UI. Each question is then asked
`repeat` times with streaming, and the median and p95 of first-token and total times are reported.
Extractive answers have no tokens: their first token is the whole answer.
"""
from __future__ import annotations

import time
from typing import Any, Sequence

from ktgs.settings import Settings

QUESTIONS = (
    "Thời hạn giải quyết tố cáo là bao lâu?",
    "Kinh phí thực hiện đề án là bao nhiêu?",
    "Người khiếu nại có những quyền gì?",
    "Việc kê khai tài sản, thu nhập được thực hiện khi nào?",
    "Trụ sở tiếp công dân có trách nhiệm gì?",
)
WARM_UP = "Ai có quyền tố cáo?"


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))], 1)


def run_ask_bench(settings: Settings, mode: str, questions: Sequence[str] = QUESTIONS,
                  repeat: int = 1) -> dict[str, Any]:
    from ktgs.assistant.ask import Assistant

    t0 = time.perf_counter()
    assistant = Assistant(settings.with_(answer_mode=mode), log=False)
    try:
        if mode != "extractive":
            assistant.generator(mode)                  # load the model outside the timings
        load_s = time.perf_counter() - t0
        _ask(assistant, WARM_UP, mode)
        rows = []
        for _ in range(repeat):
            for q in questions:
                rows.append(_ask(assistant, q, mode))
    finally:
        assistant.close()
    first = [r["first_token_ms"] for r in rows if r["first_token_ms"] is not None]
    total = [r["total_ms"] for r in rows]
    return {
        "mode": mode, "model": rows[0]["model"] if rows else "", "load_s": round(load_s, 2),
        "questions": len(questions), "repeat": repeat,
        "first_token_ms_p50": _pct(first, 50) if first else None,
        "first_token_ms_p95": _pct(first, 95) if first else None,
        "total_ms_p50": _pct(total, 50), "total_ms_p95": _pct(total, 95),
        "grounded": sum(r["grounded"] for r in rows), "rows": rows,
    }


def _ask(assistant: Any, question: str, mode: str) -> dict[str, Any]:
    from ktgs.contracts import Answer

    answer = None
    for part in assistant.ask_stream(question, mode=mode):
        if isinstance(part, Answer):
            answer = part
    assert answer is not None
    timings = answer.timings
    first = timings.get("first_token")
    if mode == "extractive" or (first is None and not answer.grounded):
        first = timings["total"] if mode == "extractive" else None   # a refusal streams nothing
    return {"question": question, "first_token_ms": first, "total_ms": timings["total"],
            "grounded": answer.grounded, "model": answer.model_ids.get("llm", answer.model_ids.get("embedder", "")),
            "answer": answer.text, "citations": [c.label for c in answer.citations]}
