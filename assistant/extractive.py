"""Extractive answers: no LLM, the best one or two clauses quoted verbatim with their labels.

    “Thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ lý tố cáo” [1]
    (khoản 1 Điều 30 Luật Tố cáo số 25/2018/QH14).
    Xem thêm: khoản 2 Điều 30 …; Điều 31 …

Every quote is an exact substring of its unit's text, so the answer passes verify_answer()
by construction; the verifier still runs on it like on any LLM answer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ktgs.assistant.evidence import (DURATION_BONUS, Evidence, asks_duration, asks_quantity, expand_abbreviations,
                                     overlap_ratio, states_duration, terms, without_doc_refs)

_LINE_RE = re.compile(r"[^\n]+")
_SENTENCE_END_RE = re.compile(r"(?<=[.;!?])\s+")
# "1. ", "2.1. ", "a) ", "đ) ", "- ", "+ ", "• ", "IV. " at the start of a line
_ENUM_RE = re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+|[a-zđ]\d?\)\s+|[IVXLC]+\.\s+|[-+•–]\s+)")
_TRAIL = " \t.;:,"
MIN_SPAN = 12
MAX_LIST_CHARS = 600
SECOND_CLAUSE_RATIO = 0.8          # a second clause must score this close to the first
SEE_ALSO = 3


def candidate_spans(text: str) -> list[tuple[int, int]]:
    """Sentence-like spans of `text` (lines split at . ; ! ?), enumerators and trailing
    punctuation trimmed; offsets into `text`."""
    spans: list[tuple[int, int]] = []
    for line in _LINE_RE.finditer(text):
        start = line.start()
        pieces = _SENTENCE_END_RE.split(line.group())
        offset = start
        for piece in pieces:
            p_start = text.index(piece, offset) if piece else offset
            offset = p_start + len(piece)
            s, e = p_start, p_start + len(piece)
            m = _ENUM_RE.match(text[s:e])
            if m:
                s += m.end()
            while e > s and text[e - 1] in _TRAIL:
                e -= 1
            while s < e and text[s] in " \t":
                s += 1
            if e - s >= MIN_SPAN:
                spans.append((s, e))
    return spans


@dataclass
class Clause:
    evidence: Evidence
    start: int
    end: int
    score: float

    @property
    def quote(self) -> str:
        return self.evidence.unit.text[self.start:self.end]


def _heading_end(ev: Evidence) -> int:
    """Length of the heading line the unit text starts with ("Điều 49. Hình thức khiếu nại")."""
    first = ev.unit.text.split("\n", 1)[0]
    heading = ev.unit.heading.strip()
    if heading and first.strip() == heading:
        return len(first)
    return 0


def _is_heading(span: str) -> bool:
    letters = [c for c in span if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _with_list(text: str, end: int) -> int:
    """A clause that introduces a list ("… bao gồm:") takes the list's lines with it."""
    if text[end:end + 1] != ":":
        return end
    stop = end + 1
    for line in re.finditer(r"\n([^\n]*)", text[end:]):
        item = line.group(1)
        if not re.match(r"\s*(?:[a-zđ]\d?\)|[-+•])\s", item):
            break
        new_stop = end + line.end()
        if new_stop - end > MAX_LIST_CHARS:
            break
        stop = new_stop
    while stop > end and text[stop - 1] in _TRAIL:
        stop -= 1
    return stop if stop > end + 1 else end


def best_clause(question: str, ev: Evidence) -> Clause | None:
    """The span of ev's unit that shares most terms with the question (numbers preferred when
    the question asks "bao lâu / bao nhiêu / thời hạn"); ties go to the earlier (longer) span, so a
    list is quoted with its introduction. Document references in the question ("69-QĐ/TW") are
    ignored here: they say which document, not which clause."""
    q_terms = terms(expand_abbreviations(without_doc_refs(question)))
    wants_number, wants_duration = asks_quantity(question), asks_duration(question)
    text = ev.unit.text
    best: Clause | None = None
    skip = _heading_end(ev)
    spans = []
    for start, end in candidate_spans(text):
        spans.append((start, end))
        list_end = _with_list(text, end)
        if list_end != end:
            spans.append((start, list_end))     # the list intro with its items, as one clause
    for start, end in spans:
        span = text[start:end]
        if start < skip or _is_heading(span):
            continue
        score = overlap_ratio(q_terms, terms(span))
        if wants_number and any(ch.isdigit() for ch in span):
            score += 0.15
        if wants_duration and states_duration(span):
            score += DURATION_BONUS
        if best is None or score > best.score:
            best = Clause(ev, start, end, score)
    return best


def _quoted(text: str) -> str:
    text = " ".join(text.split())          # a quoted list stays on the answer's line
    if "“" not in text and "”" not in text:
        return f"“{text}”"
    if '"' not in text:
        return f'"{text}"'
    return f"“{text.replace('“', '').replace('”', '')}”"   # pragma: no cover - both kinds inside


def choose_clauses(question: str, evidence: Sequence[Evidence], max_clauses: int = 2) -> list[Clause]:
    """The best clause of the best evidence, plus a second one from the next evidence when it
    is nearly as good (both as evidence and as a clause)."""
    clauses: list[Clause] = []
    for ev in evidence[:3]:
        clause = best_clause(question, ev)
        if clause is None:
            continue
        if not clauses:
            clauses.append(clause)
            continue
        first = clauses[0]
        if (clause.score >= SECOND_CLAUSE_RATIO * first.score
                and ev.score >= SECOND_CLAUSE_RATIO * first.evidence.score):
            clauses.append(clause)
        if len(clauses) >= max_clauses:
            break
    return clauses


def extractive_answer(question: str, evidence: Sequence[Evidence], max_clauses: int = 2) -> str:
    """Answer text: quoted clauses with [n] and label, then "Xem thêm:" with the next labels."""
    clauses = choose_clauses(question, evidence, max_clauses)
    if not clauses:
        return ""
    lines = [f"{_quoted(c.quote)} [{c.evidence.n}] ({c.evidence.label})." for c in clauses]
    used = {c.evidence.n for c in clauses}
    more = [ev.label for ev in evidence if ev.n not in used][:SEE_ALSO]
    if more:
        lines.append("Xem thêm: " + "; ".join(more) + ".")
    return "\n".join(lines)
