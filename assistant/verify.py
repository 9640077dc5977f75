"""Verification of an answer against its evidence: every [n] must point at a retrieved unit,
every quoted span must occur verbatim (after normalise() and whitespace collapse) in that unit.

Sentences without verified support are dropped (and reported); an answer left without any
verified support is not grounded, and the caller turns it into a refusal.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from ktgs.contracts import Citation
from ktgs.assistant.evidence import Evidence, overlap_ratio, terms
from ktgs.index.store import doc_number_key
from ktgs.ingest.references import extract_references

# Citation status values
VERIFIED = "verified"              # quote found verbatim in the cited unit
SUPPORTED = "supported"            # [n] without a quote; the sentence's terms are found in the unit
QUOTE_NOT_FOUND = "quote_not_found"
INVALID_REF = "invalid_ref"        # [n] that names no retrieved unit
UNSUPPORTED = "unsupported"        # [n] without quote and without lexical support
FOREIGN_LABEL = "foreign_label"    # names, outside its quotes, an Điều or a document no cited unit is

MARK_RE = re.compile(r"\[(\d{1,3})\]")
# “…” (curly) or "…" (straight) quotes of at least 4 characters
QUOTE_RE = re.compile(r"“([^”]{4,}?)”|\"([^\"\n]{4,}?)\"")
_ELLIPSIS_RE = re.compile(r"\s*(?:…|\.\.\.|\[…\]|\[\.\.\.\])\s*")
_SENT_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[\[“\"(A-ZĐÀ-Ỹ0-9])")
_QUOTE_CHARS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
PARAPHRASE_MIN_OVERLAP = 0.6       # share of a sentence's content terms the cited unit must hold
MAX_ELISION = 160                  # characters an ellipsis may skip, inside one line of the unit
# "30 ngày", "05 ngày làm việc", "2 lần": a number is only supported together with its unit word
_QUANTITY_RE = re.compile(r"(\d+(?:[.,]\d+)*)\s+(ngày|tháng|năm|giờ|lần|người|%|phần trăm|triệu|tỷ|đồng)",
                          re.IGNORECASE)
_NEGATIONS = ("không", "chưa", "chẳng", "cấm")                    # a claim's polarity
_STRONG_NEGATIONS = ("không được", "không phải", "nghiêm cấm", "bị cấm")
_LABEL_AFTER_MARK_RE = re.compile(r"\[(\d{1,3})\]\s*\(((?:[^()]|\([^()]*\))*)\)")
_LABEL_WORDS_RE = re.compile(r"\b(?:Điều|điều|khoản|Khoản|điểm|Điểm|Luật|Quy định|Nghị định|Phần|mục|Mục|Chương|số)\b")


def _comparable(text: str) -> tuple[str, list[int]]:
    """Lower-cased text with whitespace runs collapsed and quote marks unified, plus, for each
    character kept, its index in the input (so a match maps back to offsets)."""
    out: list[str] = []
    index: list[int] = []
    prev_space = True
    for i, ch in enumerate(text):
        if ch.isspace():
            if not prev_space:
                out.append(" ")
                index.append(i)
            prev_space = True
            continue
        low = ch.translate(_QUOTE_CHARS).lower()
        if len(low) != 1:          # rare letters whose lower case is longer: keep as is
            low = ch
        out.append(low)
        index.append(i)
        prev_space = False
    while out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index


def find_quote(quote: str, unit_text: str) -> tuple[int, int] | None:
    """Offsets (start, end) of `quote` in `unit_text`, or None.

    Both sides go through normalise(); whitespace runs count as one space; case and the shape
    of quote marks are ignored. An ellipsis (… or ...) inside the quote marks an elision: the
    pieces must appear in order, and the offsets span from the first to the last piece.
    """
    from ktgs.ingest.text import normalise

    text_norm = normalise(unit_text)
    if text_norm != unit_text:       # offsets must refer to the unit text itself
        text_norm = unit_text
    hay, index = _comparable(text_norm)
    pieces = [p for p in _ELLIPSIS_RE.split(normalise(quote).strip()) if p.strip()]
    if not pieces:
        return None
    pos = 0
    start = end = None
    for piece in pieces:
        needle, _ = _comparable(piece.strip(" .,;:"))
        if len(needle) < 3:
            continue
        if start is None:
            hit = hay.find(needle, pos)
        else:    # an elision skips a few words of one line, never whole clauses
            hit = hay.find(needle, pos, pos + MAX_ELISION + len(needle))
            if hit >= 0 and "\n" in text_norm[end:index[hit]]:
                hit = -1
        if hit < 0:
            return None
        if start is None:
            start = index[hit]
        end = index[hit + len(needle) - 1] + 1
        pos = hit + len(needle)
    if start is None or end is None:
        return None
    return start, end


@dataclass
class SentenceCheck:
    text: str
    refs: list[int]
    status: str                       # verified | supported | unsupported | invalid_ref | quote_not_found | uncited
    citations: list[Citation] = field(default_factory=list)


@dataclass
class Verification:
    text: str                         # the answer with unsupported sentences dropped
    citations: list[Citation]
    grounded: bool
    sentences: list[SentenceCheck]

    @property
    def dropped(self) -> list[SentenceCheck]:
        return [s for s in self.sentences if s.status not in (VERIFIED, SUPPORTED, "connective")]


def _outside(line: str, pos: int) -> bool:
    """True when `pos` is outside parentheses and quotes (labels hold ". " too)."""
    head = line[:pos]
    return (head.count("(") <= head.count(")") and head.count("“") <= head.count("”")
            and head.count('"') % 2 == 0)


def split_sentences(text: str) -> list[str]:
    """Lines, then sentences (never inside a quote or a parenthesised label); a fragment made
    only of markers ("[1]") joins the sentence before it."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.lower().startswith("xem thêm"):   # a list of labels: their ". " does not end a sentence
            out.append(line)
            continue
        cuts = [m for m in _SENT_SPLIT_RE.finditer(line) if _outside(line, m.start())]
        bounds = [0] + [m.end() for m in cuts] + [len(line)]
        for a, b in zip(bounds, bounds[1:]):
            part = line[a:b].strip()
            if not part:
                continue
            if out and MARK_RE.sub("", part).strip(" .,;") == "":
                out[-1] = f"{out[-1]} {part}"
            else:
                out.append(part)
    return out


def _citation(ev: Evidence, start: int, end: int) -> Citation:
    """A citation of ev's unit; Citation.status is the document's status (in force / replaced)."""
    return Citation(unit_id=ev.unit.unit_id, label=ev.label, quote=ev.unit.text[start:end],
                    doc_number=ev.doc_number, quote_start=start, quote_end=end,
                    status=ev.doc_status, partial=ev.partial, n=ev.n)


def best_supporting_span(sentence: str, ev: Evidence) -> tuple[int, int, float]:
    """The sentence of the unit text that shares most terms with `sentence`: (start, end, overlap)."""
    from ktgs.assistant.extractive import candidate_spans

    want = terms(sentence)
    best = (0, 0, 0.0)
    for start, end in candidate_spans(ev.unit.text):
        score = overlap_ratio(want, terms(ev.unit.text[start:end]))
        if score > best[2]:
            best = (start, end, score)
    return best


def _check_sentence(sentence: str, evidence: dict[int, Evidence]) -> SentenceCheck:
    refs = [int(m) for m in MARK_RE.findall(sentence)]
    quotes = [a or b for a, b in QUOTE_RE.findall(sentence)]
    bare = MARK_RE.sub("", QUOTE_RE.sub("", sentence)).strip(" .,:;-–")
    if not refs and not quotes:
        # a short lead-in ("Theo quy định:") or the "Xem thêm" list carries no claim of its own
        is_connective = len(terms(bare)) <= 3 or sentence.lower().startswith("xem thêm")
        return SentenceCheck(sentence, [], "connective" if is_connective else "uncited")
    if any(n not in evidence for n in refs):
        return SentenceCheck(sentence, refs, INVALID_REF)
    cited = [evidence[n] for n in refs] if refs else list(evidence.values())
    citations: list[Citation] = []
    for m in QUOTE_RE.finditer(sentence):
        quote = m.group(1) or m.group(2)
        own = _marker_of(sentence, m.end(), m.start())
        found = None
        for ev in ([evidence[own]] if own is not None else cited):
            span = find_quote(quote, ev.unit.text)
            if span:
                found = _citation(ev, span[0], span[1])
                break
        if found is None:
            return SentenceCheck(sentence, refs, QUOTE_NOT_FOUND)
        citations.append(found)
    if citations:
        if foreign_labels(sentence, [evidence[c.n] for c in citations] + [evidence[n] for n in refs]):
            return SentenceCheck(sentence, refs, FOREIGN_LABEL)
        if not refs:   # show where the quote comes from: its marker goes into the text
            sentence = _add_markers(sentence, citations)
            refs = [c.n for c in citations]
        return SentenceCheck(sentence, refs, VERIFIED, citations)
    # [n] without a quote: the claim must be carried by the unit's own words
    numbers = set(_NUMBER_RE.findall(bare))
    for ev in cited:
        if not numbers <= set(_NUMBER_RE.findall(ev.unit.text)):
            continue                   # a number the unit does not state is not supported by it
        if not _quantities(bare) <= _quantities(ev.unit.text):
            continue                   # "30 tháng" is not supported by "30 ngày"
        start, end, score = best_supporting_span(bare, ev)
        if score >= PARAPHRASE_MIN_OVERLAP and _same_polarity(bare, ev.unit.text[start:end]):
            if foreign_labels(sentence, cited):
                return SentenceCheck(sentence, refs, FOREIGN_LABEL)
            c = _citation(ev, start, end)
            return SentenceCheck(sentence, refs, SUPPORTED, [c])
    return SentenceCheck(sentence, refs, UNSUPPORTED)


# --- labels a sentence names outside its quotes (hostile documents: tests/test_injection.py) -----
_DIEU_RE = re.compile(r"\b[Đđ]iều\s+(\d+[a-zđ]?)(?![\w/])")


def foreign_labels(sentence: str, cited: Sequence[Evidence]) -> list[str]:
    """Điều numbers and document numbers the sentence names outside its quotes that are not the
    cited units' own (their labels): a fake "Điều 157 Luật …" in front of a verified quote, or a
    claim attributed to another document than the one cited. A "[n] (label)" is not counted:
    _relabel replaces it with unit n's own label."""
    outside = QUOTE_RE.sub(" ", _LABEL_AFTER_MARK_RE.sub(lambda m: f"[{m.group(1)}]", sentence))
    own_dieu = {d for ev in cited for d in _DIEU_RE.findall(ev.label)}
    own_numbers = {doc_number_key(ev.doc_number) for ev in cited if ev.doc_number}
    bad = [f"Điều {d}" for d in _DIEU_RE.findall(outside) if d not in own_dieu]
    return bad + [r.doc_number for r in extract_references(outside) if doc_number_key(r.doc_number) not in own_numbers]


def _marker_of(sentence: str, after: int, before: int) -> int | None:
    """The [n] that owns a quote: the first marker after it, else the last one before it."""
    m = MARK_RE.search(sentence, after)
    if m:
        return int(m.group(1))
    earlier = MARK_RE.findall(sentence[:before])
    return int(earlier[-1]) if earlier else None


def _add_markers(sentence: str, citations: Sequence[Citation]) -> str:
    for c in citations:
        sentence = sentence.replace("”", f"” [{c.n}]", 1) if "”" in sentence else f"{sentence} [{c.n}]"
    return sentence


def _quantities(text: str) -> set[tuple[str, str]]:
    return {(n, unit.lower()) for n, unit in _QUANTITY_RE.findall(text)}


def _same_polarity(sentence: str, span: str) -> bool:
    """A paraphrase may not add a negation the span lacks, nor drop a prohibition it states."""
    s, t = sentence.lower(), span.lower()
    words_s, words_t = set(re.findall(r"\w+", s)), set(re.findall(r"\w+", t))
    if any(n in words_s and n not in words_t for n in _NEGATIONS):
        return False
    return all(p in s for p in _STRONG_NEGATIONS if p in t)


def _relabel(text: str, evidence: dict[int, Evidence]) -> str:
    """A citation written next to [n] by a model is replaced by the label of unit n itself."""
    def repl(m: re.Match[str]) -> str:
        n, inner = int(m.group(1)), m.group(2)
        ev = evidence.get(n)
        if ev is None or inner.strip() == ev.label or not _LABEL_WORDS_RE.search(inner):
            return m.group(0)
        return f"[{n}] ({ev.label})"

    return _LABEL_AFTER_MARK_RE.sub(repl, text)


def verify_answer(text: str, evidence: Sequence[Evidence]) -> Verification:
    """Check every sentence of `text` against the numbered evidence; keep what is supported."""
    by_n = {ev.n: ev for ev in evidence}
    checks = [_check_sentence(s, by_n) for s in split_sentences(text)]
    kept = [c for c in checks if c.status in (VERIFIED, SUPPORTED, "connective")]
    citations: list[Citation] = []
    seen: set[tuple[str, int, int]] = set()
    for c in kept:
        for cit in c.citations:
            key = (cit.unit_id, cit.quote_start, cit.quote_end)
            if key not in seen:
                seen.add(key)
                citations.append(cit)
    grounded = bool(citations)
    # a trailing lead-in with nothing after it is noise once its claims were dropped
    body = [_relabel(c.text, by_n) for c in kept]
    return Verification(text="\n".join(body) if grounded else "", citations=citations,
                        grounded=grounded, sentences=checks)
