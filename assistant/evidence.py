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

from ktgs.contracts import STATUS_IN_FORCE, STATUS_REPLACED, STATUS_UNKNOWN, Document, Hit, Unit

# folded syllables that carry no content in a question (question words, particles, glue)
STOP_SYLLABLES = frozenset("""
a ai bao boi bi cac cai can cho chu co con cua da dang dau day de den di do doi duoc gi hay hoac
khi khong la lam lau len ma may minh mot nao nay neu nhieu nhu nhung o phai ra roi sao se the thi
thuoc tai theo tren trong tu va vao ve vi voi vay xin gom nhat
""".split())
CHILD_LEVELS = ("khoan", "section", "paragraph")      # điểm stay inside their khoản (lists read whole)
EXPANDABLE_LEVELS = ("dieu", "section", "phan", "chuong", "muc")
WHOLE_SECTION = 450              # a section this short stays one evidence item (its sub-points inside)
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
    parent: Unit | None = None        # the Điều / section a khoản / paragraph belongs to
    siblings: list[Unit] = field(default_factory=list)   # the parent's children, in order (itself included)
    role: str = ""                    # "" | "list" (a whole enumeration) | "qualifier" (a sibling khoản of the rule)

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


def _family(searcher: Any, unit: Unit) -> tuple[Unit | None, list[Unit]]:
    """The parent of a khoản / paragraph / sub-section hit and the parent's children (siblings)."""
    if searcher is None or not unit.parent_id or unit.level not in CHILD_LEVELS:
        return None, []
    getter = getattr(searcher, "get_unit", None)
    parent = getter(unit.parent_id) if getter else None
    if parent is None:
        return None, []
    return parent, _children(searcher, parent)


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
        if hit.unit.level == "section" and len(hit.unit.text) <= WHOLE_SECTION:
            children = []             # a short point is quoted whole, its sub-points with it
        if children:
            scored = sorted(((unit_overlap(q_terms, c, hit.unit.heading), c.order, c) for c in children),
                            key=lambda t: (-t[0], t[1]))
            best = scored[0][0]
            if best > 0 and best >= 0.5 * parent_overlap:
                chosen = [(c, s) for s, _, c in scored[:per_hit] if s >= 0.8 * best]
        family: tuple[Unit | None, list[Unit]] = (hit.unit, children) if chosen else (None, [])
        if not chosen:
            chosen = [(hit.unit, parent_overlap)]
            family = _family(searcher, hit.unit)
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
                          hit_unit_id=hit.unit.unit_id, notes=notes, parent=family[0], siblings=family[1])
            pool.append((ev.score, rank, ev))
    pool.sort(key=lambda t: (-t[0], t[1]))
    out = general_first(dedupe([ev for _, _, ev in pool]))[:max_items]
    out = dedupe(complete_rule(question, out, q_terms))
    for i, ev in enumerate(out, 1):
        ev.n = i
    return out


GENERAL_FIRST_MARGIN = 0.05       # overlap a shallower point may lack and still go first


def _point_path(unit: Unit) -> list[str]:
    """"294-QD-TW-2025/7-2-3" → ["7", "2", "3"]; "…/phan-2/muc-ii/2-1/doan-1" → ["phan-2", "muc-ii", "2", "1", "doan-1"]."""
    out: list[str] = []
    for seg in unit.unit_id.split("/")[1:]:
        out += seg.split("-") if re.fullmatch(r"\d+(?:-\d+)*", seg) else [seg]
    return out


def general_first(evidence: list[Evidence]) -> list[Evidence]:
    """The general rule before its details: when the best evidence is a sub-point of a numbered
    section ("7.2.3") and a shallower point of the same top-level point ("7.1") agrees with the
    question as well (within GENERAL_FIRST_MARGIN), the shallower one goes first."""
    if len(evidence) < 2 or evidence[0].unit.level not in ("section", "paragraph"):
        return evidence
    first = evidence[0]
    top, depth = _point_path(first.unit)[:1], len(_point_path(first.unit))
    best = None
    for i, ev in enumerate(evidence[1:], 1):
        path = _point_path(ev.unit)
        if (ev.unit.doc_id == first.unit.doc_id and ev.unit.level == first.unit.level and path[:1] == top
                and len(path) < depth and ev.overlap >= first.overlap - GENERAL_FIRST_MARGIN
                and path != _point_path(first.unit)[:len(path)]):      # not an ancestor of it
            if best is None or len(path) < len(_point_path(evidence[best].unit)):
                best = i
    if best is None:
        return evidence
    return [evidence[best]] + [ev for i, ev in enumerate(evidence) if i != best]


# ---- one fact, one citation --------------------------------------------------------------------
SAME_TEXT = 0.92                  # share of words two units must share to be "the same text"
_FOOTNOTE_MARK_RE = re.compile(r"\[\d{1,3}\]|[⁽⁾¹²³⁴⁵⁶⁷⁸⁹⁰]+")
_LEAD_ENUM_RE = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[a-zđ]\d?\))\s+")


def _words(text: str) -> list[str]:
    return syllables(_LEAD_ENUM_RE.sub("", _FOOTNOTE_MARK_RE.sub(" ", text)))


def same_text(a: str, b: str) -> bool:
    """Near-identical texts: the same khoản in a law and in its văn bản hợp nhất (footnote marks and
    the leading number ignored), or a sentence repeated in another document."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    sa, sb = set(wa), set(wb)
    return (min(len(wa), len(wb)) / max(len(wa), len(wb)) >= SAME_TEXT
            and len(sa & sb) / max(len(sa), len(sb)) >= SAME_TEXT)


def preferred(a: Evidence, b: Evidence) -> Evidence:
    """Of two evidence items that quote the same text, the one to cite: a document that is not
    replaced, then one known to be in force, then the consolidated text (văn bản hợp nhất: the
    wording in force of a law and its amendments); otherwise the better-ranked `a`.
    The one place that decides it (document status is refined by the validity code)."""
    def rank(ev: Evidence) -> tuple[bool, bool, bool]:
        doc_type = ev.document.doc_type if ev.document else ""
        return (ev.doc_status == STATUS_REPLACED, ev.doc_status != STATUS_IN_FORCE,
                doc_type != "van-ban-hop-nhat")
    return b if rank(b) < rank(a) else a


def dedupe(evidence: Sequence[Evidence]) -> list[Evidence]:
    """Evidence with each text once: of near-identical units (`same_text`) the `preferred` one is
    kept, in the place of the better-ranked one."""
    out: list[Evidence] = []
    for ev in evidence:
        twin = next((i for i, kept in enumerate(out)
                     if kept.unit.unit_id == ev.unit.unit_id or same_text(kept.unit.text, ev.unit.text)), None)
        if twin is None:
            out.append(ev)
            continue
        keep = preferred(out[twin], ev)
        if keep is ev:
            ev.score, ev.retrieval = max(ev.score, out[twin].score), max(ev.retrieval, out[twin].retrieval)
            ev.overlap = max(ev.overlap, out[twin].overlap)
            ev.role = ev.role or out[twin].role
            out[twin] = ev
    return out


# ---- the rule with what qualifies it; whole lists ------------------------------------------------
_ENUM_Q_RE = re.compile(r"\b(nhung gi|gom nhung|bao gom|gom co|gom|cac truong hop|nhung truong hop|"
                        r"bi nghiem cam|nghiem cam|nhung hanh vi|cac hanh vi|nhung viec|cac viec|"
                        r"nhung noi dung|cac noi dung|nhung nhiem vu|cac nhiem vu|nhung quyen|cac quyen|"
                        r"nhung ai|nhung hinh thuc|cac hinh thuc|cac buoc|nhung buoc|liet ke)\b")
_QUALIFIER_RE = re.compile(r"\b(gia han|truong hop|tru truong hop|ngoai tru|khong ap dung|doi voi|neu|"
                           r"keo dai|cham nhat|duoc phep|ngoai ra)\b")
MAX_QUALIFIERS = 3
QUALIFIER_FIT = 0.6               # a sibling qualifies the rule when it shares this share of the rule's fit
LIST_INTRO_BONUS = 0.1            # a list introduced by ":" ("… bao gồm:") over a titled Điều
LIST_RANK_PENALTY = 0.1           # per evidence rank: a later list must fit better
LIST_CANDIDATES = 3               # the list may come from any of the first three evidence items
LIST_TITLE_FIT = 0.5              # an enumeration question must match the list's title this well


def asks_enumeration(question: str) -> bool:
    """"những gì", "gồm", "các trường hợp", "hành vi bị nghiêm cấm": the answer is a whole list."""
    return bool(_ENUM_Q_RE.search(" ".join(syllables(question))))


# "1. ", "2.1. ", "a) ", "đ) ", "(1) ", "1) ", "- ", "+ ", "• ", "IV. " at the start of a line
ITEM_RE = re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+|[a-zđ]\d?\)\s+|\(\d{1,2}\)\s*|\d{1,2}\)\s+|[-+•–]\s+|[IVXLC]+\.\s+)")


def list_items(unit: Unit) -> list[str]:
    """The item lines of a unit that is a list (khoản of an Điều, "a)", "-", "(1)" lines)."""
    return [ln for ln in unit.text.split("\n")[1:] if ITEM_RE.match(ln.strip())]


def _as_list(ev: Evidence, q_terms: set[str]) -> tuple[float, Evidence] | None:
    """The list the question asks for, as one evidence item with how well its title / introduction
    fits the question: ev's own unit when it is a list (a khoản with its điểm), else its parent
    (an Điều with its khoản)."""
    for unit in (ev.unit, ev.parent):
        if unit is None or len(list_items(unit)) < 3:
            continue
        intro = unit.text.split("\n", 1)[0]
        fit = overlap_ratio(q_terms, terms(intro))
        if fit < LIST_TITLE_FIT:
            continue
        if intro.rstrip().endswith(":"):
            fit += LIST_INTRO_BONUS     # "Trụ sở tiếp công dân bao gồm:" introduces exactly this list
        if unit is ev.unit:
            whole = Evidence(n=0, unit=unit, document=ev.document, label=ev.label, score=ev.score,
                             retrieval=ev.retrieval, overlap=ev.overlap, hit_unit_id=ev.hit_unit_id,
                             notes=list(ev.notes), parent=ev.parent, siblings=ev.siblings, role="list")
        else:
            whole = Evidence(n=0, unit=unit, document=ev.document, label=make_label(unit, ev.document),
                             score=ev.score, retrieval=ev.retrieval,
                             overlap=max(ev.overlap, unit_overlap(q_terms, unit, unit.breadcrumb)),
                             hit_unit_id=ev.hit_unit_id, notes=list(ev.notes), role="list")
        return fit, whole
    return None


def complete_rule(question: str, evidence: list[Evidence], q_terms: set[str] | None = None) -> list[Evidence]:
    """The best evidence made whole: for an enumeration question, the list it belongs to (the Điều
    with all its khoản) replaces it; otherwise its sibling khoản / points that qualify it (a
    "gia hạn", "trường hợp", "đối với …" clause sharing most of its terms, stating a number when
    the question asks for one) follow it as evidence of their own."""
    if not evidence:
        return evidence
    q_terms = q_terms if q_terms is not None else terms(expand_abbreviations(question))
    first = evidence[0]
    if asks_enumeration(question):
        found = [(fit - LIST_RANK_PENALTY * i, -i, whole) for i, ev in enumerate(evidence[:LIST_CANDIDATES])
                 for fit, whole in [_as_list(ev, q_terms) or (0.0, None)] if whole is not None]
        if found:
            whole = max(found, key=lambda t: (t[0], t[1]))[2]     # the best-fitting title, then the earlier
            listed = " ".join(_words(whole.unit.text))
            return [whole] + [ev for ev in evidence if ev.unit.unit_id != whole.unit.unit_id
                              and not ev.unit.unit_id.startswith(whole.unit.unit_id + "/")
                              and " ".join(_words(ev.unit.text)) not in listed]   # an item already listed
    if first.parent is None or len(first.siblings) < 2 or first.unit.level not in ("khoan", "diem"):
        return evidence               # qualifiers: sibling khoản / điểm of one Điều
    wants_number = asks_quantity(question)
    fit = first.overlap
    extra: list[Evidence] = []
    for sib in first.siblings:
        if sib.unit_id == first.unit.unit_id:
            continue
        folded = " ".join(syllables(sib.text))
        if not _QUALIFIER_RE.search(folded):
            continue
        if wants_number and not any(ch.isdigit() for ch in _LEAD_ENUM_RE.sub("", sib.text)):
            continue
        ov = unit_overlap(q_terms, sib, first.parent.heading if first.parent else "")
        if ov < QUALIFIER_FIT * fit:
            continue
        extra.append(Evidence(n=0, unit=sib, document=first.document, label=make_label(sib, first.document),
                              score=first.score * SIBLING_PENALTY, retrieval=first.retrieval, overlap=ov,
                              hit_unit_id=first.hit_unit_id, notes=list(first.notes), parent=first.parent,
                              siblings=first.siblings, role="qualifier"))
        if len(extra) >= MAX_QUALIFIERS:
            break
    if not extra:
        return evidence
    ids = {ev.unit.unit_id for ev in extra}
    return [first] + extra + [ev for ev in evidence[1:] if ev.unit.unit_id not in ids]


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
