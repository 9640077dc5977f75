"""Evidence selection at khoản level.

Retrieval returns Điều (or Đề án section) hits; an answer should cite the exact khoản/điểm.
For each hit that has children we score the children by lexical agreement with the question
(diacritic-folded syllables and syllable bigrams, abbreviations expanded) and keep the best
ones; the retrieval score of the parent (dense + BM25 fused) carries over. Deterministic and
fast: no model runs here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from ktgs.contracts import STATUS_UNKNOWN, Document, Hit, Unit

# folded syllables that carry no content in a question (question words, particles, glue)
STOP_SYLLABLES = frozenset("""
a ai bao boi bi cac cai can cho chu co con cua da dang dau day de den di do doi duoc gi hay hoac
khi khong la lam lau len ma may minh mot nao nay neu nhieu nhu nhung o phai ra roi sao se the thi
thuoc tai theo tren trong tu va vao ve vi voi vay xin gom nhat
""".split())
CHILD_LEVELS = ("khoan", "section", "paragraph")      # điểm stay inside their khoản (lists read whole)
EXPANDABLE_LEVELS = ("dieu", "section", "phan", "chuong", "muc")
RANK_DECAY = 0.15                 # retrieval prior of the hit at 0-based position i: 1 / (1 + 0.15 i)
SIBLING_PENALTY = 0.95            # a second child of the same hit ranks just below the first
NO_NUMBER_PENALTY = 0.85
HEADING_WEIGHT = 0.2              # the Điều / section title matching the question ("Thời hạn giải quyết tố cáo")
RETRIEVAL_WEIGHT = 0.4            # score = 0.4 × rank prior + 0.6 × fit          # "bao lâu / bao nhiêu" questions: units without any digit
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_DURATION_Q_RE = re.compile(r"\b(bao lau|thoi han|thoi hieu|thoi gian|trong bao nhieu ngay|may ngay|may nam)\b")
_DURATION_RE = re.compile(r"\b\d+\s+(ngay|thang|nam|lan)\b")
DURATION_BONUS = 0.1              # "bao lâu" questions: units stating "30 ngày", "5 năm"
# "Quy định 69-QĐ/TW", "Luật số 25/2018/QH14": which document, not what is asked in it
_DOC_REF_RE = re.compile(r"(?:(?:theo\s+)?(?:quy định|qđ|luật|hướng dẫn|hd|nghị quyết|nq|kết luận|kl)\s+(?:số\s+)?)?"
                         r"\d+(?:/\d{4})?[-/][^\s,.;:?]+", re.IGNORECASE)
_QUANTITY_RE = re.compile(r"\b(bao lau|bao nhieu|may|thoi han|thoi hieu|thoi gian|kinh phi|muc|ty le)\b")


@dataclass
class Evidence:
    """One numbered piece of evidence ([n] in prompts and answers)."""

    n: int
    unit: Unit
    document: Document | None
    label: str                        # citation label + label notes ("(đã bị thay thế)")
    score: float                      # selection score used for ordering (0..1)
    retrieval: float                  # rank prior of the hit it came from (1 for the first hit)
    overlap: float                    # share of the question's terms found in the unit (with its heading)
    hit_unit_id: str = ""             # the retrieved unit it was selected from (itself or its parent)
    notes: list[str] = field(default_factory=list)

    @property
    def doc_number(self) -> str:
        return self.document.doc_number if self.document else ""

    @property
    def doc_status(self) -> str:
        return self.document.status if self.document else STATUS_UNKNOWN

    @property
    def partial(self) -> bool:
        return bool(self.document and self.document.is_partial)


def expand_abbreviations(text: str) -> str:
    """"UBKT" → "UBKT ủy ban kiểm tra", with the one table owned by the sparse encoder."""
    from ktgs.index.sparse import expand_abbreviations as expand

    return expand(text)


def syllables(text: str) -> list[str]:
    """normalise() → fold_diacritics() → lower-case word syllables."""
    from ktgs.ingest.text import fold_diacritics, normalise

    return _WORD_RE.findall(fold_diacritics(normalise(text)).lower())


def terms(text: str) -> set[str]:
    """Content syllables plus bigrams of adjacent content syllables ("thoi_han")."""
    syl = syllables(text)
    keep = [s not in STOP_SYLLABLES and not s.isdigit() for s in syl]
    out = {s for s, k in zip(syl, keep) if k}
    out.update(f"{a}_{b}" for (a, ka), (b, kb) in zip(zip(syl, keep), zip(syl[1:], keep[1:])) if ka and kb)
    out.update(s for s in syl if s.isdigit())   # numbers count ("Điều 30", "30 ngày")
    return out


def overlap_ratio(query_terms: set[str], unit_terms: set[str]) -> float:
    """Share of the query's terms found in the unit; bigrams weigh twice as much as syllables."""
    if not query_terms:
        return 0.0
    weight = {t: (2.0 if "_" in t else 1.0) for t in query_terms}
    total = sum(weight.values())
    return sum(w for t, w in weight.items() if t in unit_terms) / total


def asks_quantity(question: str) -> bool:
    """Questions about a time limit, an amount or a rate ("bao lâu", "bao nhiêu", "thời hạn")."""
    return bool(_QUANTITY_RE.search(" ".join(syllables(question))))


def asks_duration(question: str) -> bool:
    return bool(_DURATION_Q_RE.search(" ".join(syllables(question))))


def states_duration(text: str) -> bool:
    return bool(_DURATION_RE.search(" ".join(syllables(text))))


def without_doc_refs(question: str) -> str:
    """The question without document references, for choosing clauses inside one document."""
    return _DOC_REF_RE.sub(" ", question)


def unit_overlap(question_terms: set[str], unit: Unit, context: str = "") -> float:
    """Mostly the unit's own text; its heading and parent heading (`context`) count for 30 %."""
    own = overlap_ratio(question_terms, terms(unit.text))
    ctx = overlap_ratio(question_terms, terms(f"{unit.heading} {context}"))
    return 0.7 * own + 0.3 * max(own, ctx)


def make_label(unit: Unit, document: Document | None, fallback: str = "") -> str:
    """citation_label(unit, document) plus label_notes (partial / replaced document)."""
    from ktgs.ingest.labels import citation_label, label_notes

    if document is None:
        return fallback or unit.heading or unit.unit_id
    label = citation_label(unit, document)
    notes = label_notes(document)
    return f"{label} {' '.join(notes)}" if notes else label


def _title(searcher: Any, unit: Unit) -> str:
    """The heading of the Điều a khoản/điểm hit belongs to (its own heading is "Khoản 1")."""
    if unit.level not in ("khoan", "diem") or not unit.parent_id:
        return unit.heading
    getter = getattr(searcher, "get_unit", None) or getattr(searcher, "unit", None)
    parent = getter(unit.parent_id) if getter else None
    if parent is not None and parent.level != "dieu" and parent.parent_id:
        parent = getter(parent.parent_id)
    return parent.heading if parent is not None else unit.heading


def _children(searcher: Any, unit: Unit) -> list[Unit]:
    if searcher is None or unit.level not in EXPANDABLE_LEVELS or not hasattr(searcher, "children"):
        return []
    return [c for c in searcher.children(unit.unit_id) if c.level in CHILD_LEVELS and c.text.strip()]


def select_evidence(question: str, hits: Sequence[Hit], searcher: Any = None,
                    max_items: int = 5, per_hit: int = 2) -> list[Evidence]:
    """Number the best evidence units for `question` from `hits`.

    For a hit with khoản/điểm/sub-section children, its best `per_hit` children (by
    `unit_overlap`) replace it when they agree with the question at least as well as the whole
    unit does per syllable of text; otherwise the hit itself is kept. Score = 0.4 × retrieval
    prior (by rank: fused RRF scores are too flat to compare) + 0.6 × fit, where fit = overlap
    + 0.2 × the overlap of the Điều/section title; for questions asking "bao lâu / bao nhiêu" a
    unit without any digit is discounted and one stating "30 ngày", "5 năm" gets a bonus.
    Ordered by score, then by retrieval rank.
    """
    if not hits:
        return []
    q_terms = terms(expand_abbreviations(question))
    wants_number = asks_quantity(question)
    wants_duration = asks_duration(question)
    pool: list[tuple[float, int, Evidence]] = []
    seen: set[str] = set()
    for rank, hit in enumerate(hits):
        retrieval = 1.0 / (1.0 + RANK_DECAY * rank)
        title_fit = HEADING_WEIGHT * overlap_ratio(q_terms, terms(_title(searcher, hit.unit)))
        parent_overlap = unit_overlap(q_terms, hit.unit, hit.unit.breadcrumb)
        chosen: list[tuple[Unit, float]] = []
        children = _children(searcher, hit.unit)
        if children:
            scored = sorted(((unit_overlap(q_terms, c, hit.unit.heading), c.order, c) for c in children),
                            key=lambda t: (-t[0], t[1]))
            best = scored[0][0]
            if best > 0 and best >= 0.5 * parent_overlap:
                chosen = [(c, s) for s, _, c in scored[:per_hit] if s >= 0.8 * best]
        if not chosen:
            chosen = [(hit.unit, parent_overlap)]
        for i, (unit, ov) in enumerate(chosen):
            if unit.unit_id in seen:
                continue
            fit = ov + title_fit       # ordering only; `overlap` stays the plain lexical share
            if wants_number and not any(ch.isdigit() for ch in unit.text):
                fit *= NO_NUMBER_PENALTY
            if wants_duration and states_duration(unit.text):
                fit += DURATION_BONUS
            seen.add(unit.unit_id)
            document = hit.document
            label = hit.label if unit is hit.unit and hit.label else ""
            if document is not None or not label:
                label = make_label(unit, document, fallback=label)
            notes = _notes(document)
            ev = Evidence(n=0, unit=unit, document=document, label=label,
                          score=(RETRIEVAL_WEIGHT * retrieval + (1 - RETRIEVAL_WEIGHT) * fit) * (SIBLING_PENALTY ** i),
                          retrieval=retrieval, overlap=ov,
                          hit_unit_id=hit.unit.unit_id, notes=notes)
            pool.append((ev.score, rank, ev))
    pool.sort(key=lambda t: (-t[0], t[1]))
    out = [ev for _, _, ev in pool[:max_items]]
    for i, ev in enumerate(out, 1):
        ev.n = i
    return out


def _notes(document: Document | None) -> list[str]:
    if document is None:
        return []
    from ktgs.ingest.labels import label_notes

    return list(label_notes(document))


def evidence_from_units(units: Iterable[tuple[Unit, Document | None]]) -> list[Evidence]:
    """Number hand-picked units as evidence (tests, the quiz, a UI "ask about this unit")."""
    out = []
    for i, (unit, doc) in enumerate(units, 1):
        out.append(Evidence(n=i, unit=unit, document=doc, label=make_label(unit, doc),
                            score=1.0, retrieval=1.0, overlap=1.0, hit_unit_id=unit.unit_id,
                            notes=_notes(doc)))
    return out
