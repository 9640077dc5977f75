"""Self-check: the assistant answers every item from what it retrieves for the stem.

For an mcq with a blank, each option is put into the blank and scored by the longest stretch of
the completed sentence around the option found verbatim in a retrieved passage; without a blank,
an option scores only in passages that contain it, by how much of the stem those passages (with
their article heading) cover. A tf statement is true when a passage holds it verbatim; a cloze
blank is read off the passage that holds the words around it. A situational item is answered as
an mcq without a blank: its scenario was written by a model, so a phrase it puts in quotes is not a
statement of the law and is not scored. Items answered against their key are flagged
"selfcheck_disagrees"; two options within MARGIN of each other are "ambiguous".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ktgs.contracts import Unit

from .extract import strip_marker
from .items import BLANK, FLAG_AMBIGUOUS, FLAG_SELFCHECK_DISAGREES, TF_OPTIONS, QuizItem
from .textmatch import bigram_containment, contains, flat, longest_run, tokens, window_around

MARGIN = 0.02
TOP_K = 8
_QUOTED = re.compile(r"“(.+)”")
_BLOCK_START = re.compile(r"^(?:\d+\.|Điều\s+\d+)\s")


@dataclass
class CheckResult:
    item_id: str
    answer: str
    scores: dict[str, float]
    agrees: bool
    ambiguous: bool
    evidence: list[str] = field(default_factory=list)


@dataclass
class SelfCheckReport:
    results: list[CheckResult]

    @property
    def agreement_rate(self) -> float:
        return sum(r.agrees for r in self.results) / len(self.results) if self.results else 0.0

    @property
    def ambiguous(self) -> int:
        return sum(r.ambiguous for r in self.results)


def _article_context(u: Unit) -> str:
    """The breadcrumb from the article down ('Điều 8. Các hành vi bị nghiêm cấm … › Khoản 9')."""
    crumb = u.breadcrumb or u.heading
    i = crumb.find("Điều ")
    return crumb[i:] if i >= 0 else crumb


def passages(units: list[Unit]) -> list[tuple[str, str]]:
    """(context, text) blocks: each unit split at khoản starts, the context being its breadcrumb."""
    out, seen = [], set()
    for u in units:
        blocks: list[list[str]] = [[]]
        for line in u.text.split("\n"):
            if _BLOCK_START.match(line) and blocks[-1]:
                blocks.append([])
            blocks[-1].append(line)
        for b in blocks:
            text = "\n".join(b)
            if text and text not in seen:
                seen.add(text)
                out.append((_article_context(u), text))
    return out


def _score_blank(statement: str, option: str, blocks: list[tuple[str, str]]) -> float:
    before, _, after = statement.partition(BLANK)
    s = tokens(before) + tokens(option) + tokens(after)
    i, j = len(tokens(before)), len(tokens(before)) + len(tokens(option))
    return max((window_around(s, i, j, text) for _, text in blocks), default=0) / max(1, len(s))


def _score_question(stem: str, quoted: str, option: str, blocks: list[tuple[str, str]]) -> float:
    """Stem coverage of the passages holding the option, plus how much of the quoted phrase they hold."""
    return max((bigram_containment(stem, f"{ctx}\n{text}") + (longest_run(quoted, f"{ctx}\n{text}") if quoted else 0)
                for ctx, text in blocks if contains(text, option)), default=0.0)


def _read_blank(statement: str, blocks: list[tuple[str, str]]) -> str:
    """The words a passage has where the statement has its blank (line by line, so a blank at the
    start of a sentence reads from the start of the line, after its number)."""
    before, _, after = statement.partition(BLANK)
    left, right = " ".join(tokens(before)[-4:]), " ".join(tokens(after)[:4])
    for _, text in blocks:
        for line in text.split("\n"):
            hay = f" {flat(strip_marker(line))} "
            i = hay.find(f" {left} ") if left else 0
            if i < 0:
                continue
            i += len(left) + 1 if left else 0
            j = hay.find(f" {right} ", i) if right else len(hay) - 1
            if j > i:
                return hay[i:j].strip()
    return ""


def answer_item(item: QuizItem, units: list[Unit]) -> CheckResult:
    """Answer one item from retrieved units, without looking at its key or citations."""
    blocks = passages(units)
    m = _QUOTED.search(item.stem) if item.type != "situational" else None
    statement = m.group(1) if m else ""
    if item.type == "cloze":
        got = _read_blank(statement, blocks)
        ok = bool(got) and flat(got) == flat(item.key)
        return CheckResult(item.id, got, {}, ok, False, [u.unit_id for u in units])
    if item.type == "tf":
        true = any(contains(text, statement) for _, text in blocks) if statement else False
        answer = TF_OPTIONS[0] if true else TF_OPTIONS[1]
        return CheckResult(item.id, answer, {answer: 1.0}, answer == item.key, False, [u.unit_id for u in units])
    # mcq and situational: score every option
    if BLANK in statement:
        scores = {o: _score_blank(statement, o, blocks) for o in item.options}
    else:
        scores = {o: _score_question(item.stem, statement, o, blocks) for o in item.options}
    ranked = sorted(item.options, key=lambda o: -scores[o])
    best = ranked[0] if ranked and scores[ranked[0]] > 0 else ""
    ambiguous = bool(best) and len(ranked) > 1 and scores[ranked[1]] >= scores[best] - MARGIN
    return CheckResult(item.id, best, scores, best == item.key and not ambiguous, ambiguous,
                       [u.unit_id for u in units])


def retriever_for(assistant: Any, k: int = TOP_K) -> Callable[[str], list[Unit]]:
    """Units the assistant would answer from: Assistant.retrieve (hits + evidence) or Searcher.search."""
    if hasattr(assistant, "retrieve"):
        def retrieve(q: str) -> list[Unit]:
            hits, evidence = assistant.retrieve(q, k=k)
            return [h.unit for h in hits] + [e.unit for e in evidence]
        return retrieve
    return lambda q: [h.unit for h in assistant.search(q, k=k)]


def self_check(items: list[QuizItem], assistant: Any, k: int = TOP_K, progress: bool = False) -> SelfCheckReport:
    """Answer every item with the assistant; flag disagreements and ambiguity on the items."""
    from tqdm import tqdm

    retrieve = retriever_for(assistant, k)
    results = []
    for it in tqdm(items, desc="Tự kiểm tra", unit="câu", disable=not progress):
        r = answer_item(it, retrieve(it.stem))
        if r.ambiguous:
            it.add_flag(FLAG_AMBIGUOUS)
        elif not r.agrees:
            it.add_flag(FLAG_SELFCHECK_DISAGREES)
        results.append(r)
    return SelfCheckReport(results)
