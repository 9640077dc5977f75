"""References in units resolved to unit ids, relative to the unit that writes them ("khoản 1 Điều
này", a bare "khoản 2" inside an Điều, the lead-in "… sau đây của Luật Tố cáo:" of a list) and
never guessed: a reference with no document in a text without Điều, one followed in its paragraph
by another document's name, one in a consolidated text's note, a number that occurs twice, all
stay unresolved with their reason.
"""
from __future__ import annotations

import re

from ktgs.contracts import Document, Unit
from ktgs.ingest.crossref_corpus import Corpus, Target, lookup_key, path_parts
from ktgs.ingest.crossrefs import HERE, LEVEL_NAMES, RANK, DocPhrase, doc_phrase, parse_crossrefs
from ktgs.ingest.outline import _int_to_roman
from ktgs.ingest.references import extract_references


def own_text_mask(unit: Unit, children: list[Unit]) -> list[tuple[int, int]]:
    """Spans of `unit.text` that belong to its children (a reference there is the child's)."""
    spans, cursor = [], 0
    for c in children:
        if not c.text:
            continue
        i = unit.text.find(c.text, cursor)
        if i < 0:
            i = unit.text.find(c.text[:40], cursor)
        if i < 0:
            continue
        spans.append((i, i + len(c.text)))
        cursor = i + len(c.text)
    return spans


def _label(parts: list[tuple[str, str]]) -> str:
    out = []
    for lv, v in reversed(parts):
        if lv in ("chuong", "phan") and v.isdigit():
            v = _int_to_roman(int(v)) if lv == "chuong" else v
        out.append(f"{LEVEL_NAMES[lv]} {v}")
    return " ".join(out)


_LEAD_DOC = re.compile(r"(?:của|tại|theo)\s+(?P<doc>.{3,120}?)\s*:\s*$", re.DOTALL)
_ITEM_LABEL = re.compile(r"^\s*(?:[a-zđ]\d{0,2}\)|\d{1,3}[.)]|[-–•+])\s*")


# outline numbering of a Party guidance, explicitly of this text: "Điểm 3.6 và 3.7, Mục 3 của Hướng dẫn này"
_OUTLINE_REF = re.compile(
    r"(?<![^\W_])(?:[Đđ]iểm|[Tt]iểu mục|[Mm]ục)\s+(\d{1,2}(?:\.\d{1,2}){0,3})"
    r"((?:\s*(?:,|và)\s*\d{1,2}(?:\.\d{1,2}){1,3})*)(?![.\d])"
    r"(?:\s*,\s*(?:[Mm]ục|[Pp]hần)\s+(?:\d{1,2}|[IVX]{1,4}))?\s+(?:của|tại)\s+"
    r"(?:Hướng dẫn|Quy định|Đề án|Kế hoạch|Quy chế|Chỉ thị|Nghị quyết|Kết luận) này(?![^\W_])")


def _outline_refs(unit: Unit, corpus: Corpus, citing: Document) -> list[Target]:
    """Numbered headings (1., 1.1., 1.1.1.) of a text without Điều, named with "… này": their unit ids."""
    keys = corpus.keys(citing.doc_id)
    if keys.has_articles:
        return []
    out = []
    for m in _OUTLINE_REF.finditer(unit.text):
        numbers = [m.group(1)] + re.findall(r"\d{1,2}(?:\.\d{1,2})+", m.group(2) or "")
        for n in numbers:
            uid = f"{citing.doc_id}/{n.replace('.', '-')}"
            found = uid in keys.ids
            out.append(Target(unit.unit_id, m.group(0), n, citing.doc_number, citing.doc_id,
                              uid if found else None, "" if found else "unit_not_found", m.start(), m.end()))
    return out


def resolve_unit_refs(unit: Unit, corpus: Corpus, children: list[Unit] = (),
                      parent: Unit | None = None, parent_children: list[Unit] = ()) -> list[Target]:
    """The targets of every reference in `unit`'s own text (its children's text excluded)."""
    citing = corpus.documents.get(unit.doc_id) or Document(doc_id=unit.doc_id)
    mask = own_text_mask(unit, list(children))
    here = dict(path_parts(unit.path))
    out: list[Target] = [t for t in _outline_refs(unit, corpus, citing)
                         if not any(s <= t.start < e for s, e in mask)]
    taken = [(t.start, t.end) for t in out]
    for g in parse_crossrefs(unit.text, corpus.names):
        if any(s <= g.start < e for s, e in mask) or any(s < g.end and g.start < e for s, e in taken):
            continue
        doc = g.doc
        inherited = False
        if doc.kind == "none" and parent is not None and _ITEM_LABEL.match(unit.text) \
                and _ITEM_LABEL.match(unit.text).end() == g.start:
            lead = _lead_in(parent, parent_children)
            m = _LEAD_DOC.search(lead)
            if m:
                cand = doc_phrase(lead, m.start("doc"), {r.phrase_start: r for r in extract_references(lead)},
                                   corpus.names)
                if cand.kind != "none" and cand.end >= len(lead.rstrip().rstrip(":").rstrip()):
                    doc, inherited = cand, True
        relative_only = all(any(v == HERE for _, v in c.parts) for c in g.chains)   # "khoản 1 Điều này"
        if doc.kind == "none" and not inherited and not relative_only \
                and _names_other_doc_after(unit.text, g.end, citing):
            doc = DocPhrase("unknown", start=g.end, end=g.end)
        if doc.kind in ("self", "none") and not inherited and _in_footnote(unit.text, g.start):
            doc = DocPhrase("unknown", start=g.end, end=g.end)   # a note quoting the amending law
        doc_id, number, reason = corpus.doc_for(doc, citing)
        for chain in g.chains:
            parts = list(chain.parts)
            code = reason
            relative = doc.kind in ("self", "none") and not inherited
            if any(v == HERE for _, v in parts):
                if not relative:
                    code = code or "relative_missing"
                for i, (lv, v) in enumerate(parts):
                    if v == HERE:
                        if lv not in here:
                            code = "relative_missing"
                        else:
                            parts[i] = (lv, here[lv])
            top = parts[0][0]
            if not code and relative and top in ("khoan", "diem", "muc"):
                # "khoản 2" in an Điều, "điểm a" in a khoản, "Mục 2" in a Chương: the enclosing ones
                need = {"khoan": ["dieu"], "diem": ["dieu", "khoan"], "muc": ["chuong"]}[top]
                if all(n in here for n in need):
                    parts = [(n, here[n]) for n in need if n not in dict(parts)] + parts
                    # điểm a khoản 2 (bare): the Điều only
                    parts = sorted(parts, key=lambda p: -RANK[p[0]])
                else:
                    code = "relative_missing"
            elif not code and top in ("khoan", "diem"):
                code = "incomplete"
            label = _label(parts)
            target = Target(unit.unit_id, g.text, label, number, doc_id, None, code, g.start, g.end,
                            doc.name)
            if not code:
                keys = corpus.keys(doc_id)
                if doc.kind == "none" and not inherited and not keys.has_articles:
                    target.reason_code = "unknown_document"
                else:
                    key = lookup_key(parts)
                    if key in keys.keys and keys.keys[key] is None:
                        target.reason_code = "duplicate_unit"
                    elif key in keys.keys:
                        target.unit_id = keys.keys[key]
                    else:
                        partial = corpus.documents[doc_id].is_partial
                        target.reason_code = "partial_document" if partial else "unit_not_found"
                        if doc.kind == "none" and not inherited:
                            target.reason_code = "unknown_document"
            out.append(target)
    return sorted(out, key=lambda t: t.start)     # text order; a group's chains keep theirs


def _names_other_doc_after(text: str, pos: int, citing: Document) -> bool:
    """'… tại điểm l khoản 2 Điều 57; bãi bỏ điểm a khoản 1 Điều 59 của Luật Đo đạc và bản đồ số …':
    a reference with no document of its own, followed in its paragraph (up to a line that ends with
    '.', ';' or ':'; a wrapped line does not end it) by another document's name."""
    end = _PARAGRAPH_END.search(text, pos)
    rest = text[pos:end.start() if end else len(text)]
    if any(r.doc_number != citing.doc_number for r in extract_references(rest)):
        return True
    return bool(_OTHER_NAMED.search(rest))


_PARAGRAPH_END = re.compile(r"[.;:]\s*(?:\n|$)")
_OTHER_NAMED = re.compile(r"\b(?:của|theo)\s+(?:Bộ luật|Luật|Pháp lệnh|Nghị quyết|Nghị định|Thông tư)\s+(?!này\b)[^\W\d_]")


_FOOTNOTE = re.compile(r"\[\d{1,3}\]")


def _in_footnote(text: str, pos: int) -> bool:
    """After a '[12]' note marker on the same line: a consolidated text's note, whose "Luật này" is
    the amending law it quotes ("[2] Điều này được sửa đổi, bổ sung theo … Luật số 81/2025/QH15")."""
    return bool(_FOOTNOTE.search(text, text.rfind("\n", 0, pos) + 1, pos))


def _lead_in(parent: Unit, children: list[Unit]) -> str:
    spans = own_text_mask(parent, list(children))
    return parent.text[:spans[0][0]] if spans else parent.text


def resolve_document(document: Document, units: list[Unit], corpus: Corpus) -> list[Target]:
    """Targets of every reference in every unit of one document, in document order."""
    by_id = {u.unit_id: u for u in units}
    kids: dict[str | None, list[Unit]] = {}
    for u in units:
        kids.setdefault(u.parent_id, []).append(u)
    out: list[Target] = []
    for u in units:
        parent = by_id.get(u.parent_id) if u.parent_id else None
        out += resolve_unit_refs(u, corpus, kids.get(u.unit_id, []), parent,
                                 kids.get(u.parent_id, []) if parent else [])
    return out
