"""Dated, scoped relation events read from the units of one document, and its effective date.

Every relation keeps the unit whose text states it (the deepest unit that holds the clause), so a
status computed from it can cite that unit. Effective dates: "… này có hiệu lực (thi hành) từ /
kể từ ngày …", "… kể từ ngày ký"; a relation whose clause says "kể từ ngày Luật này có hiệu lực"
(or gives no date) takes effect when its document does. A văn bản hợp nhất (VBHN) is read from its
own header ("Luật … số 25/2018/QH14 …, được sửa đổi, bổ sung bởi: 1. Luật … số 59/2020/QH14 …, có
hiệu lực kể từ ngày …") and its footnotes "[n] Điều này được sửa đổi, bổ sung theo … Luật số …":
it consolidates the base law; the acts its body states (Điều 66: "Luật Tố cáo số 03/2011/QH13 hết
hiệu lực …") are the base law's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from ktgs.contracts import Document, Relation, Unit
from ktgs.ingest.references import (dedupe_relations, normalise_doc_number, extract_references, extract_relations,
                                    parse_vn_date)

_DOC_WORD = (r"(?:Luật|Bộ luật|Pháp lệnh|Nghị định|Nghị quyết|Quy định|Hướng dẫn|Quyết định|Chỉ thị|"
             r"Kết luận|Thông tư|Quy chế|Văn bản|Thông báo)")
_EFFECT = re.compile(rf"{_DOC_WORD}(?:\s+này)?(?:[^.;:\n]{{0,80}}?,)?\s+có\s+hiệu\s+lực(?:\s+thi\s+hành)?\s+"
                     r"(?:kể\s+)?từ\s+(ngày\s+ký|ngày\s+ban\s+hành|ngày\s+\d{1,2}(?:\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|"
                     r"\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}))", re.IGNORECASE)
_SKIP_LEVELS = ("phan", "chuong", "muc")
_LEVEL_DEPTH = {"paragraph": 1, "section": 1, "dieu": 1, "khoan": 2, "diem": 3}
_FOOTNOTE = re.compile(r"\[(\d{1,3})\]\s*(.+?)(?=\s*\[\d{1,3}\]|\n|$)")
_AMENDED_BY_LIST = re.compile(r"được\s+sửa\s+đổi,?\s*bổ\s+sung\s+bởi\s*:", re.IGNORECASE)
PARTY_NUMBER = re.compile(r"^\d+-[^/]+/")
_ACTIVE_OF = {"replaced_by": "replaces", "repealed_by": "repeals", "ended_by": "ends", "amended_by": "amends"}


@dataclass
class Event:
    kind: str               # replaces | repeals | ends | amends | consolidates | details | based_on | cites
    actor: str              # number (or doc_id) of the acting document
    target: str
    scope: str = ""
    except_scope: str = ""
    date: str = ""          # as stated ("" = resolved from the actor's effective date)
    unit_id: str = ""       # the unit whose text states it ("" = title / header)
    stated_in: str = ""     # the document that states it (its number, or doc_id when unnumbered)
    text: str = ""
    doc_id: str = ""        # the stating document's doc_id (numbers repeat: Party numbers restart each term)


@dataclass
class Effective:
    date: str = ""          # ISO
    basis: str = ""         # stated | signing | party-issue | assumed-issue | consolidated | ""
    unit_id: str = ""       # the unit that states it
    text: str = ""          # the clause


@dataclass
class DocumentRelations:
    relations: list[Relation] = field(default_factory=list)
    effective: Effective = field(default_factory=Effective)
    consolidates: dict = field(default_factory=dict)   # {"base": …, "amending": [...]} for a VBHN


def is_party_number(number: str) -> bool:
    return bool(PARTY_NUMBER.match(number or ""))


def is_consolidated_text(document: Document) -> bool:
    return document.doc_type == "van-ban-hop-nhat" or "/VBHN-" in (document.doc_number or "")


def effective_date(document: Document, units: Sequence[Unit]) -> Effective:
    """When `document` takes effect, read from its own units; the issue date as the fallback
    (Party documents take effect on signing; a State text whose effect clause is not in the
    stored copy gets its issue date, marked as assumed)."""
    for u in units:
        if u.level in _SKIP_LEVELS:
            continue
        m = _EFFECT.search(u.text)
        if not m:
            continue
        when = " ".join(m.group(1).split())
        if when.lower().startswith(("ngày ký", "ngày ban hành")):
            if document.issued_date[:10] and re.match(r"\d{4}-\d{2}-\d{2}$", document.issued_date[:10]):
                return Effective(document.issued_date[:10], "signing", u.unit_id, m.group(0))
            continue
        iso = parse_vn_date(when)
        if iso:
            return Effective(iso, "stated", u.unit_id, m.group(0))
    issued = document.issued_date[:10]
    if re.match(r"\d{4}-\d{2}-\d{2}$", issued):
        return Effective(issued, "party-issue" if is_party_number(document.doc_number) else "assumed-issue")
    return Effective()


def read_relations(document: Document, units: Sequence[Unit], full_text: str = "") -> DocumentRelations:
    """All relation events of `document`, each with its stating unit, scope and date."""
    number = document.doc_number
    found: dict[tuple, Relation] = {}
    depth: dict[tuple, int] = {}
    for u in units:
        if u.level in _SKIP_LEVELS or not u.text.strip():
            continue
        d = _LEVEL_DEPTH.get(u.level, 1) + u.unit_id.count("/")
        for r in [r for t in [u.text, *u.footnotes] for r in extract_relations(t, number)]:
            key = (r.kind, r.doc_number, r.scope, r.by)
            if key not in found or d > depth[key]:
                r.unit_id = u.unit_id
                found[key], depth[key] = r, d
    title = document.title
    if title and title not in (full_text or document.text):
        for r in extract_relations(title, number):     # "(đã được thay thế bởi Quy định 296-QĐ/TW)"
            found.setdefault((r.kind, r.doc_number, r.scope, r.by), r)
    out = DocumentRelations(relations=list(found.values()), effective=effective_date(document, units))
    if is_consolidated_text(document):
        _consolidation(document, units, full_text or document.text, out)
    for r in out.relations:
        if not r.date and not r.by and r.kind in ("replaces", "repeals", "ends", "amends", "details"):
            r.date = out.effective.date   # "kể từ ngày Luật này có hiệu lực", or no date: with the document
    out.relations = dedupe_relations(out.relations)
    return out


def _consolidation(document: Document, units: Sequence[Unit], text: str, out: DocumentRelations) -> None:
    """A VBHN: base and amending documents from its header (and metadata["consolidates"]), the
    amendments its footnotes name; its body's own acts belong to the base law."""
    given = document.metadata.get("consolidates") or {}
    head_unit = next((u for u in units if u.level not in _SKIP_LEVELS), None)
    base, base_date, amending = str(given.get("base", "")), "", []
    head = head_unit.text if head_unit else text[:3000]
    m = _AMENDED_BY_LIST.search(head)
    if m:
        refs = extract_references(head)
        before = [r for r in refs if r.end <= m.start()]
        if before and not base:
            base = before[-1].doc_number
        bm = re.search(r"có\s+hiệu\s+lực\s+(?:kể\s+)?từ\s+(ngày[^,;]+)", head[before[-1].end if before else 0:m.start()])
        base_date = parse_vn_date(bm.group(1)) if bm else ""
        for item in re.finditer(r"(?:^|\n)\s*\d+\.\s*([^\n]+)", head[m.end():]):
            line = item.group(1)
            item_refs = extract_references(line)
            if not item_refs:
                continue
            dm = re.search(r"có\s+hiệu\s+lực\s+(?:kể\s+)?từ\s+(ngày[^,;.]+)", line)
            amending.append((item_refs[0].doc_number, parse_vn_date(dm.group(1)) if dm else "", line.strip()))
    for n in given.get("amending", []) or []:
        if n not in [a for a, _, _ in amending]:
            amending.append((n, "", ""))
    if not base:
        return
    out.consolidates = {"base": base, "amending": [a for a, _, _ in amending]}
    head_id = head_unit.unit_id if head_unit else ""
    dates = [d for _, d, _ in amending if d]
    latest = max(dates) if dates else ""
    if latest:   # the consolidated wording applies from the latest amendment's effect
        out.effective = Effective(latest, "consolidated", head_id, "")
    elif out.effective.basis in ("stated", "signing"):
        out.effective = Effective(document.issued_date[:10], "assumed-issue")
    tail = _closing_at(text)
    # what follows "Nơi nhận" / "XÁC THỰC" quotes the amending laws' own articles: theirs, not ours
    out.relations = [r for r in out.relations if not (0 <= tail <= text.find(r.text[:80]))]
    for r in out.relations:          # the body is the base law's text: its acts are the base law's
        if not r.by and r.kind not in ("cites", "based_on"):
            r.by = base
            r.date = r.date or base_date
    out.relations.append(Relation("consolidates", base, "luat", head.strip()[:300], unit_id=head_id,
                                  date=out.effective.date))
    for number, date, line in amending:
        out.relations.append(Relation("amends", base, "", line, unit_id=head_id, date=date, by=number))
    _footnote_amendments(units, text, base, out)


def _footnote_amendments(units: Sequence[Unit], text: str, base: str, out: DocumentRelations) -> None:
    """'[2] Điều này được sửa đổi, bổ sung theo … Luật số 81/2025/QH15 …, có hiệu lực kể từ ngày …':
    an amendment of the base law's unit that carries the marker [2]."""
    tail_at = _closing_at(text)
    if tail_at >= len(text):
        return
    for m in _FOOTNOTE.finditer(text, tail_at):
        mark, body = m.group(1), m.group(2)
        if not re.search(r"sửa\s+đổi|bổ\s+sung|thay\s+thế|được\s+bỏ|bãi\s+bỏ", body):
            continue
        refs = [r for r in extract_references(body) if r.doc_number != base]
        if not refs:
            continue
        holders = [u for u in units if f"[{mark}]" in u.text and u.level not in _SKIP_LEVELS]
        if not holders:
            continue
        unit = max(holders, key=lambda u: u.unit_id.count("/"))
        dm = re.search(r"có\s+hiệu\s+lực\s+(?:kể\s+)?từ\s+(ngày[^,;.]+)", body)
        scope = _scope_of_unit(unit)
        out.relations.append(Relation("amends", base, "", body.strip(), scope=scope, unit_id=unit.unit_id,
                                      date=parse_vn_date(dm.group(1)) if dm else "", by=refs[-1].doc_number))


def _closing_at(text: str) -> int:
    found = [i for i in (text.find("\nNơi nhận"), text.find("XÁC THỰC VĂN BẢN HỢP NHẤT")) if i >= 0]
    return min(found) if found else len(text)


def _scope_of_unit(unit: Unit) -> str:
    parts = []
    for seg in reversed(unit.unit_id.split("/")[1:]):
        kind, _, num = seg.partition("-")
        name = {"dieu": "Điều", "khoan": "khoản", "diem": "điểm"}.get(kind)
        if name:
            parts.append(f"{name} {num}")
    return " ".join(parts)


def events_of(document: Document) -> list[Event]:
    """The relations a document's text states, as actor→target events."""
    own = document.doc_number if normalise_doc_number(document.doc_number or "") else document.doc_id
    out = []
    for r in document.relations:
        if r.kind in _ACTIVE_OF:
            out.append(Event(_ACTIVE_OF[r.kind], r.doc_number, own, r.scope, r.except_scope, r.date,
                             r.unit_id, own, r.text, document.doc_id))
        else:
            out.append(Event(r.kind, r.by or own, r.doc_number, r.scope, r.except_scope, r.date,
                             r.unit_id, own, r.text, document.doc_id))
    return out
