"""Answer evaluation of one question: ask the assistant, then judge the Answer with the metrics."""
from __future__ import annotations

from typing import Any

from ktgs.contracts import Answer
from ktgs.evals import metrics as M
from ktgs.evals import validity as V
from ktgs.evals.datasets import EvalQuestion


def question_text(q: EvalQuestion) -> str:
    """What the assistant is asked: the question, and for multiple choice its options A–D."""
    if not q.choices:
        return q.question
    return q.question.strip() + "\n" + "\n".join(f"{k}. {v}" for k, v in q.choices.items())


def judge(q: EvalQuestion, answer: Answer, cited_texts: list[str]) -> dict[str, Any]:
    """Per-question answer verdicts (None where a metric does not apply to this question)."""
    cited = [c.unit_id for c in answer.citations]
    correct = M.answer_correct(q.question_type, q.answer, answer.text, q.choices) if q.answerable else None
    if q.question_type == "Đúng/Sai":
        parsed = M.parse_verdict(answer.text)
    elif q.question_type == "Trắc nghiệm":
        parsed = M.parse_choice(answer.text, q.choices)
    else:
        parsed = None
    groups = q.relevant_groups
    cp, cr = M.citation_precision_recall(cited, groups) if q.answerable and groups else (None, None)
    return {
        "parsed": parsed,
        "accuracy": None if correct is None else float(correct),
        "answered": None if correct is None else float(parsed is not None),
        "key_fact_recall": M.key_fact_recall(answer.text, q.key_facts) if q.answerable else None,
        "citation_precision": cp,
        "citation_recall": cr,
        "refusal_accuracy": None if q.answerable else float(M.refusal_correct(False, answer.grounded)),
        "answer_rate": float(answer.grounded) if q.answerable else None,
        "faithfulness": M.faithfulness(answer.text, cited_texts) if answer.grounded else None,
        "superseded_trap_rate": V.superseded_trap(answer, q.not_current, q.not_current_units),
        "false_flag_rate": V.false_flag(answer, groups) if q.answerable and groups else None,
    }


def answer_record(q: EvalQuestion, assistant: Any, searcher: Any, mode: str) -> dict[str, Any]:
    """Ask, judge, and return the per-question record merged into questions.jsonl."""
    answer = assistant.ask(question_text(q), mode=mode)
    texts = []
    for c in answer.citations:
        unit = searcher.get_unit(c.unit_id)
        texts.append(f"{c.label} {unit.text if unit else c.quote}")
    verdicts = judge(q, answer, texts)
    return {
        "answer": answer.text, "grounded": answer.grounded,
        "citations": [{"unit_id": c.unit_id, "label": c.label, "quote": c.quote, "doc_number": c.doc_number,
                       "status": getattr(c, "status", "")} for c in answer.citations],
        "warnings": list(getattr(answer, "warnings", None) or []),
        "answer_ms": float(answer.timings.get("total", 0.0)),
        "metrics_answer": verdicts,
    }
