"""Follow-up questions rewritten into standalone ones before retrieval.

"còn khiếu nại thì sao?" after "Thời hạn giải quyết tố cáo là bao lâu?" →
"Thời hạn giải quyết khiếu nại là bao lâu?". Extractive mode uses the rule below (carry the
previous question's predicate over the new subject); LLM modes ask the model (prompt
rewrite-vi-v1) and fall back to the rule when it returns nothing usable.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Sequence

log = logging.getLogger(__name__)

# lead-ins and tails of a follow-up, matched on diacritic-folded lower-case text
_LEAD_RE = re.compile(r"^(?:(?:vay|the)\s+)?(?:con\s+(?:ve\s+|doi voi\s+)?|doi voi\s+|voi\s+|the\s+)")
_TAIL_RE = re.compile(r"\s*(?:thi\s+)?(?:sao|the nao|nhu the nao|ra sao|thi sao)(?:\s+(?:a|nhi|nua))?\s*$"
                      r"|\s+(?:thi|nua)\s*$")
# subjects a follow-up typically swaps, longest first (folded spelling)
SUBJECTS = (
    "to chuc dang", "tiep cong dan", "dang vien", "to cao", "khieu nai", "tham nhung", "kiem tra",
    "giam sat", "ky luat", "thanh tra", "can bo", "cong chuc", "vien chuc", "cap uy", "de an",
    "uy ban kiem tra", "nguoi to cao", "nguoi khieu nai", "nguoi bi to cao", "tai san", "thu nhap",
)
MAX_FOLLOW_UP_SYLLABLES = 8
_BACKREF_RE = re.compile(r"\b(?:do|nay|ay|tren|vua roi)\b")   # "điều đó", "văn bản này" …


def _fold(text: str) -> str:
    """Folded lower-case text with the same length as `text` (one char per char)."""
    from ktgs.ingest.text import fold_diacritics

    out = []
    for ch in text:
        f = fold_diacritics(ch)
        out.append(f if len(f) == 1 else ch.lower())
    return "".join(out)


def _previous_question(history: Sequence[tuple[str, Any]]) -> str:
    question, answer = history[-1][0], history[-1][1]
    rewritten = getattr(answer, "rewritten_question", "")
    return rewritten or question


def is_follow_up(question: str) -> bool:
    folded = _fold(question.strip().rstrip("?").strip())
    if len(folded.split()) > MAX_FOLLOW_UP_SYLLABLES:
        return False
    return bool(_LEAD_RE.match(folded) or _TAIL_RE.search(folded))


def new_subject(question: str) -> str:
    """"còn khiếu nại thì sao?" → "khiếu nại" (original spelling kept)."""
    q = question.strip().rstrip("?").strip()
    folded = _fold(q)
    m = _LEAD_RE.match(folded)
    start = m.end() if m else 0
    t = _TAIL_RE.search(folded, start)
    end = t.start() if t else len(q)
    return q[start:end].strip(" ,")


def rule_rewrite(question: str, history: Sequence[tuple[str, Any]]) -> str:
    """Standalone form of a follow-up, or the question unchanged when it is not one."""
    if not history or not is_follow_up(question):
        return question
    subject = new_subject(question)
    if not subject:
        return question
    prev = _previous_question(history).strip()
    folded_prev, folded_subject = _fold(prev), _fold(subject)
    for old in sorted(SUBJECTS, key=len, reverse=True):
        if old in folded_subject:
            continue
        m = re.search(rf"\b{re.escape(old)}\b", folded_prev)
        if m:
            return prev[:m.start()] + subject + prev[m.end():]
    body = prev.rstrip("?").rstrip()
    return f"{body} đối với {subject}?"


def llm_rewrite(question: str, history: Sequence[tuple[str, Any]], generator: Any) -> str:
    """Ask the model for the standalone question; the rule answers when the model gives nothing."""
    from ktgs.assistant.prompts import rewrite_messages

    if not history:
        return question
    pairs = [(q, getattr(a, "text", a) or "") for q, a in history]
    reply = generator.complete(rewrite_messages(question, pairs))
    for line in reply.splitlines():
        line = line.strip().strip('"“”').strip()
        if len(line) >= 5:
            return line
    log.warning("LLM rewrite returned nothing usable; using the rule-based rewrite")
    return rule_rewrite(question, history)


def rewrite(question: str, history: Sequence[tuple[str, Any]] | None, generator: Any = None) -> str:
    if not history:
        return question
    if generator is not None and (is_follow_up(question) or _BACKREF_RE.search(_fold(question))):
        return llm_rewrite(question, history, generator)
    return rule_rewrite(question, history)
