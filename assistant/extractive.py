"""Extractive answers: no LLM; whole sentences quoted verbatim with their labels.

    “không quá 30 ngày kể từ ngày thụ lý tố cáo” [1]; “vụ việc phức tạp … gia hạn giải quyết tố cáo
    một lần nhưng không quá 30 ngày” [2]; …                      ← lead line (number, deadline questions)
    “Thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ lý tố cáo.” [1] (khoản 1 Điều 30 …).
    “Đối với vụ việc phức tạp thì …” [2] (khoản 2 Điều 30 …).    ← sibling khoản that qualify the rule
    Xem thêm: Điều 31 …

An enumeration question gets the whole list of the Điều / section it asks about, one quoted item per
line, every item cited. A quote is a whole sentence with its ";"-clauses (a list introduced by ":"
comes with its items); a short khoản is quoted whole. Every quote is an exact substring of its unit's
text, so the answer passes verify_answer() by construction; the verifier still runs on it like on any
LLM answer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ktgs.assistant.evidence import (DURATION_BONUS, ITEM_RE, Evidence, asks_duration, asks_enumeration, asks_quantity,
                                     expand_abbreviations, list_items, overlap_ratio, states_duration, terms,
                                     without_doc_refs)

_LINE_RE = re.compile(r"[^\n]+")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[^\W\d_a-zđ]|[“\"(\d])")   # ". " before a capital, a quote, a digit
_CLAUSE_END_RE = re.compile(r"(?<=;)\s+")
_ENUM_RE = ITEM_RE
_TRAIL = " \t.;:,"
MIN_SPAN = 12
LONG_SENTENCE = 700                # a longer sentence is also offered as its ";"-clauses
MAX_LIST_CHARS = 1500
WHOLE_UNIT_CHARS = 450             # a khoản / point this short is quoted whole
MAX_ITEM_CHARS = 320               # an item of a quoted list: its first sentence(s) up to this length
TITLE_LINE = 0.85                  # spans of a section's first line (maybe its title) weigh less
SECOND_CLAUSE_RATIO = 0.8          # a second clause must score this close to the first
SEE_ALSO = 3


def _trimmed(text: str, s: int, e: int) -> tuple[int, int]:
    m = _ENUM_RE.match(text[s:e])
    if m:
        s += m.end()
    while e > s and text[e - 1] in _TRAIL:
        e -= 1
    while s < e and text[s] in " \t":
        s += 1
    return s, e


def candidate_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans of `text` (each line split at ". " before a capital; a sentence keeps its
    ";"-clauses, and one longer than LONG_SENTENCE is also offered clause by clause), enumerators
    and trailing punctuation trimmed; offsets into `text`."""
    spans: list[tuple[int, int]] = []
    for line in _LINE_RE.finditer(text):
        bounds = [line.start()] + [line.start() + m.end() for m in _SENTENCE_END_RE.finditer(line.group())] \
            + [line.end()]
        for a, b in zip(bounds, bounds[1:]):
            s, e = _trimmed(text, a, b)
            if e - s >= MIN_SPAN:
                spans.append((s, e))
            if b - a > LONG_SENTENCE:
                cuts = [a] + [a + m.end() for m in _CLAUSE_END_RE.finditer(text[a:b])] + [b]
                for c, d in zip(cuts, cuts[1:]):
                    cs, ce = _trimmed(text, c, d)
                    if ce - cs >= MIN_SPAN and (cs, ce) != (s, e):
                        spans.append((cs, ce))
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
    """Length of the title line the unit text starts with ("Điều 49. Hình thức khiếu nại",
    "1.1. Về tuổi đời."), when more text follows it; a one-line point is its own content."""
    text = ev.unit.text
    first, _, rest = text.partition("\n")
    if not rest.strip():
        return 0
    if ev.unit.level in ("dieu", "phan", "chuong", "muc"):
        return len(first)
    # a khoản's first line is content ("1. Người tố cáo có các quyền sau đây:"); a section's first
    # line may be a title ("1.1. Về tuổi đời.") or content: it stays, its spans weigh less (TITLE_LINE)
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
        if not ITEM_RE.match(item.strip()) or re.match(r"\s*\d+(?:\.\d+)+\.?\s", item):
            break
        new_stop = end + line.end()
        if new_stop - end > MAX_LIST_CHARS:
            break
        stop = new_stop
    while stop > end and text[stop - 1] in _TRAIL:
        stop -= 1
    return stop if stop > end + 1 else end


def _whole(ev: Evidence) -> tuple[int, int] | None:
    """The whole text of a short khoản / point (without its number), as one quote."""
    text = ev.unit.text
    skip = _heading_end(ev)
    first, _, rest = text.partition("\n")
    if not skip and rest.strip() and ev.unit.level == "section":
        title = first[_ENUM_RE.match(first).end():] if _ENUM_RE.match(first) else first
        if _is_heading(title) or not re.search(r"[.;:!?…]$", title.strip()) or len(title) <= 60:
            skip = len(first)         # "IV. KINH PHÍ THỰC HIỆN", "1.1. Về tuổi đời": a title
    s, e = _trimmed(text, skip, len(text))
    while s < e and text[s] in "\n ":
        s += 1
    s2, e = _trimmed(text, s, e)
    if e - s2 < MIN_SPAN or e - s2 > WHOLE_UNIT_CHARS or ev.unit.level in ("dieu", "phan", "chuong", "muc"):
        return None
    return s2, e


def best_clause(question: str, ev: Evidence) -> Clause | None:
    """The span of ev's unit that shares most terms with the question (numbers preferred when
    the question asks "bao lâu / bao nhiêu / thời hạn"); ties go to the earlier (longer) span, so a
    list is quoted with its introduction. A short khoản / point is quoted whole. Document
    references in the question ("69-QĐ/TW") are ignored here: they say which document, not which
    clause."""
    q_terms = terms(expand_abbreviations(without_doc_refs(question)))
    wants_number, wants_duration = asks_quantity(question), asks_duration(question)
    text = ev.unit.text
    whole = _whole(ev)
    if whole is not None:
        return Clause(ev, whole[0], whole[1], _clause_score(text[whole[0]:whole[1]], q_terms,
                                                            wants_number, wants_duration))
    best: Clause | None = None
    skip = _heading_end(ev)
    spans = []
    for start, end in candidate_spans(text):
        spans.append((start, end))
        list_end = _with_list(text, end)
        if list_end != end:
            spans.append((start, list_end))     # the list intro with its items, as one clause
    first_end = text.find("\n")
    for start, end in spans:
        span = text[start:end]
        if start < skip or _is_heading(span):
            continue
        score = _clause_score(span, q_terms, wants_number, wants_duration)
        if ev.unit.level == "section" and 0 < first_end and end <= first_end:
            score *= TITLE_LINE
        if best is None or score > best.score:
            best = Clause(ev, start, end, score)
    return best


def _clause_score(span: str, q_terms: set[str], wants_number: bool, wants_duration: bool) -> float:
    score = overlap_ratio(q_terms, terms(span))
    if wants_number and any(ch.isdigit() for ch in span):
        score += 0.15
    if wants_duration and states_duration(span):
        score += DURATION_BONUS
    return score


def _quoted(text: str) -> str:
    text = " ".join(text.split())          # a quoted list stays on the answer's line
    if "“" not in text and "”" not in text:
        return f"“{text}”"
    if '"' not in text:
        return f'"{text}"'
    return f"“{text.replace('“', '').replace('”', '')}”"   # pragma: no cover - both kinds inside


def choose_clauses(question: str, evidence: Sequence[Evidence], max_clauses: int = 2) -> list[Clause]:
    """The best clause of the best evidence with the clauses of the sibling khoản that qualify it
    (evidence role "qualifier"), plus one from the next evidence when it is nearly as good (both as
    evidence and as a clause)."""
    clauses: list[Clause] = []
    others = 0
    for ev in evidence[:3 + sum(1 for e in evidence if e.role == "qualifier")]:
        clause = best_clause(question, ev)
        if clause is None:
            continue
        if not clauses:
            clauses.append(clause)
            continue
        if ev.role == "qualifier":
            clauses.append(clause)
            continue
        first = clauses[0]
        if others + 1 < max_clauses and clause.score >= SECOND_CLAUSE_RATIO * first.score \
                and ev.score >= SECOND_CLAUSE_RATIO * first.evidence.score:
            clauses.append(clause)
            others += 1
        if others + 1 >= max_clauses:
            break
    return clauses


def _render(quote: str) -> str:
    """A quote as shown: a point quoted with its sub-points becomes one quote per line (without the
    sub-points' numbers, "“…”; “…”"); a list introduced by ":" stays one quote on one line."""
    lines = [ln for ln in quote.split("\n") if ln.strip()]
    if len(lines) < 2 or lines[0].rstrip().endswith(":"):
        return _quoted(quote)
    parts = []
    for ln in lines:
        s, e = _trimmed(ln, 0, len(ln))
        if e - s >= 4:
            parts.append(_quoted(ln[s:e]))
    return "; ".join(parts) if parts else _quoted(quote)


# ---- the lead line ------------------------------------------------------------------------------
_THEN_RE = re.compile(r"\s+thì\s+")
_IS_RE = re.compile(r"\s+là\s+")
_FOR_RE = re.compile(r"^(?:Đối với|Trường hợp|Trong trường hợp)\s+", re.IGNORECASE)


def lead_piece(quote: str) -> str | None:
    """The words of a quoted rule that state its number: "không quá 30 ngày kể từ ngày thụ lý tố
    cáo" of "Thời hạn … là không quá 30 ngày …"; "vụ việc phức tạp … gia hạn … một lần nhưng không
    quá 30 ngày" of "Đối với vụ việc phức tạp thì có thể gia hạn …" (an elision inside one line)."""
    if "\n" in quote:               # a point quoted with its sub-points: the first line with a number
        for line in quote.split("\n"):
            s, e = _trimmed(line, 0, len(line))
            piece = lead_piece(line[s:e]) if e > s else None
            if piece:
                return piece
        return None
    if not any(ch.isdigit() for ch in quote):
        return None
    m = _THEN_RE.search(quote)
    if m and any(ch.isdigit() for ch in quote[m.end():]):
        cond = _FOR_RE.sub("", quote[:m.start()]).strip(" ,")
        rule = quote[m.end():].strip()
        rule = re.sub(r"^có thể\s+", "", rule)
        if cond and len(cond) <= 80 and 0 < len(rule) <= 160:
            return f"{cond} … {rule}"
    m = _IS_RE.search(quote)
    if m and any(ch.isdigit() for ch in quote[m.end():]) and len(quote) - m.end() <= 160:
        return quote[m.end():].strip()
    if len(quote) <= 160:
        return quote
    for piece in re.split(r"(?<=[,;])\s+", quote):      # the clause that holds the number
        piece = piece.strip(" ,;")
        if any(ch.isdigit() for ch in piece) and len(piece.split()) >= 3 and len(piece) <= 160:
            return piece
    return None


def lead_line(question: str, clauses: Sequence[Clause]) -> str:
    """One short line stating the number / deadline in the quoted words, for questions that ask one."""
    if not (asks_quantity(question) or asks_duration(question)):
        return ""
    pieces = []
    for c in clauses:
        if c is not clauses[0] and c.evidence.role != "qualifier":
            continue
        piece = lead_piece(c.quote)
        if piece:
            pieces.append(f"{_quoted(piece)} [{c.evidence.n}]")
    if not pieces or (len(pieces) == 1 and len(clauses) == 1 and lead_piece(clauses[0].quote) == clauses[0].quote):
        return ""
    text = "; ".join(pieces) + "."
    return text[:1].upper() + text[1:] if not text.startswith("“") else text


# ---- whole lists -------------------------------------------------------------------------------
def _item_quote(line: str) -> str:
    """An item of a list, without its enumerator: its whole first sentence(s) up to MAX_ITEM_CHARS."""
    s, e = _trimmed(line, 0, len(line))
    body = line[s:e]
    if len(body) <= MAX_ITEM_CHARS:
        return body
    cuts = [m.start() for m in re.finditer(r"[.;](?=\s)", body) if m.start() <= MAX_ITEM_CHARS]
    return body[:cuts[-1]] if cuts else body


def list_answer(ev: Evidence) -> list[str]:
    """Lines of an enumeration: the list's title or introduction, then every item quoted, cited."""
    text = ev.unit.text
    first = text.split("\n", 1)[0]
    title = re.sub(r"^(?:Điều\s+\d+[a-z]?\s*[.:]|\d+(?:\.\d+)*\.?)\s*", "", first).strip(_TRAIL)
    items = [_item_quote(ln.strip()) for ln in list_items(ev.unit)]
    items = [i for i in items if len(i) >= 4]
    lines = []
    head = f"{_quoted(title)} [{ev.n}] ({ev.label}):" if len(title) >= 4 else f"({ev.label}):"
    lines.append(head)
    for i, item in enumerate(items):
        end = "." if i == len(items) - 1 else ";"
        lines.append(f"- {_quoted(item)} [{ev.n}]{end}")
    return lines


@dataclass
class Parts:
    lead: str                         # "" or the lead line
    lines: list[str]                  # quoted clauses (or a list's lines), each with [n] and label
    see_also: str                     # "" or "Xem thêm: …"
    is_list: bool = False


def answer_parts(question: str, evidence: Sequence[Evidence], max_clauses: int = 2) -> Parts:
    """The pieces of an extractive answer (the local mode reorders them)."""
    if not evidence:
        return Parts("", [], "")
    is_list = evidence[0].role == "list" and asks_enumeration(question)
    lead = ""
    if is_list:
        lines = list_answer(evidence[0])
        used = {evidence[0].n}
    else:
        clauses = choose_clauses(question, evidence, max_clauses)
        if not clauses:
            return Parts("", [], "")
        lines = [f"{_render(c.quote)} [{c.evidence.n}] ({c.evidence.label})." for c in clauses]
        lead = lead_line(question, clauses)
        used = {c.evidence.n for c in clauses}
    more = [ev.label for ev in evidence if ev.n not in used and ev.role != "qualifier"][:SEE_ALSO]
    see_also = "Xem thêm: " + "; ".join(more) + "." if more else ""
    return Parts(lead, lines, see_also, is_list)


def extractive_answer(question: str, evidence: Sequence[Evidence], max_clauses: int = 2) -> str:
    """Answer text: a lead line (number / deadline questions), quoted clauses with [n] and label
    (or the whole list for an enumeration), then "Xem thêm:" with the next labels."""
    parts = answer_parts(question, evidence, max_clauses)
    if not parts.lines:
        return ""
    return "\n".join(([parts.lead] if parts.lead else []) + parts.lines + ([parts.see_also] if parts.see_also else []))
