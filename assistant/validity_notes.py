"""Validity in answers: each citation's status on the answer's date, and a notice said first when
the question is about a text not in force (or the best-matching texts are not in force).

"Lưu ý: Quy định 22-QĐ/TW đã được thay thế bởi Quy định 296-QĐ/TW (30/5/2025) [3]." — [3] cites
the unit whose text says so (296's list of replaced regulations), quoted verbatim.
"""
from __future__ import annotations

from typing import Any

from ktgs.contracts import STATUS_IN_FORCE, Answer, Citation, Hit
from ktgs.index.validity import Status
from ktgs.ingest.labels import citation_label, label_notes
from ktgs.ingest.references import extract_references

MAX_NOTICES = 2
NOTICE_PREFIX = "Lưu ý: "


def apply_validity(answer: Answer, question: str, searcher: Any, as_of: str) -> None:
    """Set status/status_note on every citation, add validity warnings and, when needed, a notice
    (with its own citation) in front of the answer text."""
    graph = searcher.graph
    answer.as_of = as_of
    hidden = getattr(searcher, "hidden_numbers", None) or set()   # a logged-in user's scope
    say = (lambda text: _redacted(text, hidden)) if hidden else (lambda text: text)
    for c in answer.citations:
        unit = searcher.get_unit(c.unit_id)
        st = graph.unit_status(c.unit_id, as_of, unit.path if unit else None)
        c.status, c.status_note = st.status, say(st.note)
        if st.note:
            _warn(answer, f"[{c.n}] {say(st.note)}")
        for p in st.pending:
            _warn(answer, f"Sắp thay đổi: {say(p)}")
    notices = _notices(question, answer.hits, searcher, graph, as_of)
    if not notices:
        return
    n = max([c.n for c in answer.citations] + [0]) + 1
    lines, cited = [], []
    for st in notices:
        citation = _stating_citation(st, searcher, graph, as_of, n)
        mark = f" [{citation.n}]" if citation else ""
        lines.append(f"{NOTICE_PREFIX}{say(st.reason)}{mark}.")
        _warn(answer, say(st.reason))
        if citation:
            cited.append(citation)
            n += 1
    answer.text = "\n".join(lines) + "\n\n" + answer.text
    answer.citations = cited + answer.citations


def _redacted(text: str, hidden: set[str]) -> str:
    """A status sentence that names a document above the reader's level says only what it means
    for the cited text (the status itself is kept: an old rule is never shown as in force)."""
    if text and any(key in text for key in hidden):
        return "Văn bản này không còn hiệu lực như nguyên văn vào ngày đã chọn."
    return text


def _warn(answer: Answer, text: str) -> None:
    if text not in answer.warnings:
        answer.warnings.append(text)


def _notices(question: str, hits: list[Hit], searcher: Any, graph: Any, as_of: str) -> list[Status]:
    """Documents named in the question that are not in force; else the not-in-force texts that
    matched better than anything in force (or when nothing in force matched)."""
    out: list[Status] = []
    seen: set[str] = set()
    for ref in extract_references(question):
        try:
            st = graph.status_of(ref.doc_number, as_of)
        except Exception:        # noqa: BLE001 — a number nobody knows: nothing to say about it
            continue
        if st.status != STATUS_IN_FORCE and st.doc_number not in seen and st.status != "unknown":
            out.append(st)
            seen.add(st.doc_number)
    excluded = getattr(searcher, "last_excluded", []) or []
    first_kept = getattr(searcher, "last_first_kept", None)
    for h in excluded:
        if len(out) >= MAX_NOTICES:
            break
        if hits and first_kept is not None and h.rank > first_kept:
            continue
        st = _status_of_hit(h)
        if st is None or st.doc_number in seen:
            continue
        out.append(st)
        seen.add(st.doc_number)
    return out[:MAX_NOTICES]


def _status_of_hit(hit: Hit) -> Status | None:
    data = (hit.document.metadata or {}).get("validity") if hit.document else None
    return Status(**data) if data else None


def _stating_citation(st: Status, searcher: Any, graph: Any, as_of: str, n: int) -> Citation | None:
    """A citation of the unit whose text states the status, quoting the stating clause verbatim."""
    if not st.unit_id:
        return None
    unit = searcher.get_unit(st.unit_id)
    document = searcher.get_document(unit.doc_id) if unit else None
    if unit is None or document is None:
        return None
    quote = st.text if st.text and st.text in unit.text else ""
    if not quote:
        line = next((ln for ln in unit.text.splitlines() if st.doc_number and st.doc_number in ln), "")
        quote = line.strip()
    if not quote or quote not in unit.text:
        return None
    start = unit.text.index(quote)
    own = graph.unit_status(unit.unit_id, as_of, unit.path)
    label = citation_label(unit, document)
    notes = label_notes(document) if document.is_partial else []
    return Citation(unit_id=unit.unit_id, label=" ".join([label, *notes]), quote=quote,
                    doc_number=document.doc_number, quote_start=start, quote_end=start + len(quote),
                    status=own.status, partial=document.is_partial, n=n, status_note=own.note)
