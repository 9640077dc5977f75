"""The local model's answer shape: the model picks and orders verified evidence sentences and writes
only the lead line; the quotes are copied by code, never retyped by the model.

1. The extractive path proposes the candidate lines (each a verbatim quote with [n] and its label:
   the rule, its qualifying sibling khoản, a nearly as good clause of another unit; or a whole list).
2. The model (prompt SELECT) answers two lines: "TRẢ LỜI: <one short sentence with [n]>" and
   "CHỌN: 2, 1" (the candidates to show, in reading order).
3. The answer is the lead line, then the chosen candidates as written by code (the best one is never
   left out), then "Xem thêm". verify_answer() checks the lead line like every sentence: a lead
   the evidence does not support is dropped, the quotes stay.
A reply that cannot be read keeps the extractive order, so the local mode never carries fewer facts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ktgs.assistant.evidence import Evidence
from ktgs.assistant.extractive import answer_parts

_LEAD_RE = re.compile(r"^\s*(?:\**\s*)?TRẢ LỜI\s*:?\**\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_CHOICE_RE = re.compile(r"^\s*(?:\**\s*)?CHỌN\s*:?\**\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_MARK_RE = re.compile(r"\[(\d{1,3})\]")
MAX_LEAD_WORDS = 60


@dataclass
class Candidates:
    lines: list[str]                  # candidate lines (quotes with [n] and labels), numbered from 1
    see_also: str                     # the "Xem thêm: …" line, or ""
    fixed: bool                       # a whole list: shown as it is, the model only writes the lead


def candidates(question: str, evidence: Sequence[Evidence]) -> Candidates:
    """The extractive answer's quoted lines (its lead line left out: the model writes its own)."""
    parts = answer_parts(question, evidence)
    return Candidates(parts.lines, parts.see_also, parts.is_list)


def lead_so_far(partial: str) -> str:
    """The lead sentence of a reply still being written (for streaming), "" before "TRẢ LỜI:"."""
    m = re.search(r"TRẢ LỜI\s*:?\**\s*", partial, re.IGNORECASE)
    if not m:
        return ""
    return partial[m.end():].split("\n", 1)[0].split("CHỌN", 1)[0]


def read_reply(reply: str, n_candidates: int) -> tuple[str, list[int]]:
    """(lead sentence, chosen candidate numbers) of the model's two-line reply; ("", []) when absent."""
    lead_m = _LEAD_RE.search(reply)
    lead = lead_m.group(1).strip() if lead_m else ""
    if len(lead.split()) > MAX_LEAD_WORDS:
        lead = ""
    chosen: list[int] = []
    choice_m = _CHOICE_RE.search(reply)
    if choice_m:
        for tok in re.findall(r"\d+", choice_m.group(1)):
            k = int(tok)
            if 1 <= k <= n_candidates and k not in chosen:
                chosen.append(k)
    return lead, chosen


def compose(cands: Candidates, reply: str) -> str:
    """The answer text from the candidates and the model's reply (see module doc)."""
    lead, chosen = read_reply(reply, len(cands.lines))
    if cands.fixed or not chosen:
        body = list(cands.lines)
    else:
        body = [cands.lines[k - 1] for k in chosen]
        if cands.lines[0] not in body:
            body.append(cands.lines[0])
    if lead and not _MARK_RE.search(lead):
        refs = _MARK_RE.findall(body[0]) if body else []
        lead = f"{lead.rstrip(' .')} [{refs[0]}]." if refs else ""
    out = ([lead] if lead else []) + body + ([cands.see_also] if cands.see_also else [])
    return "\n".join(out)
