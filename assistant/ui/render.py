"""HTML rendering for the UI: answers, citation chips, the unit panel with the quoted span marked,
search results grouped by document, document metadata and structure trees.

Pure functions of our contracts (Answer, Citation, Unit, Document, Hit): no Gradio, no I/O, every
piece of text escaped. Clickable elements carry `data-unit-id` (and `data-start`/`data-end` for a
quoted span); `CLICK_JS` turns a click on one into a Gradio `select` event whose value is the id.
"""
from __future__ import annotations

import html
from collections import OrderedDict
from typing import Iterable, Sequence

from ktgs.contracts import (STATUS_EXPIRED, STATUS_IN_FORCE, STATUS_NOT_YET, STATUS_PARTLY_EXPIRED, Answer,
                            Citation, Document, Hit, Unit)

STATUS_NAMES = {
    STATUS_IN_FORCE: "Còn hiệu lực",
    STATUS_PARTLY_EXPIRED: "Hết hiệu lực một phần",
    STATUS_EXPIRED: "Hết hiệu lực / đã bị thay thế",
    STATUS_NOT_YET: "Chưa có hiệu lực",
    "unknown": "Chưa rõ hiệu lực",
}
_BADGE_CLASS = {STATUS_IN_FORCE: "ok", STATUS_EXPIRED: "bad", STATUS_PARTLY_EXPIRED: "partial", STATUS_NOT_YET: "partial"}
RELATION_NAMES = {  # (outgoing, incoming)
    "replaces": ("thay thế", "bị thay thế bởi"), "repeals": ("bãi bỏ", "bị bãi bỏ bởi"),
    "ends": ("làm hết hiệu lực", "hết hiệu lực theo"), "amends": ("sửa đổi, bổ sung", "được sửa đổi bởi"),
    "consolidates": ("hợp nhất", "được hợp nhất trong"), "details": ("hướng dẫn / quy định chi tiết", "được hướng dẫn bởi"),
    "based_on": ("căn cứ", "là căn cứ của"), "cites": ("dẫn chiếu", "được dẫn chiếu bởi"),
}
LEVEL_NAMES = {"phan": "Phần", "chuong": "Chương", "muc": "Mục", "dieu": "Điều", "khoan": "Khoản",
               "diem": "Điểm", "section": "Mục", "paragraph": "Đoạn"}
PANEL_HINT = "Bấm vào một trích dẫn để xem nguyên văn điều khoản được trích."

# Runs in the browser for every gr.HTML that holds clickable items: a click on an element with
# data-unit-id becomes a `select` event; index carries the quoted span [start, end] (or -1s).
CLICK_JS = """
element.addEventListener('click', (ev) => {
  const el = ev.target.closest('[data-unit-id]');
  if (!el || !element.contains(el)) return;
  ev.preventDefault();
  const start = Number(el.dataset.start ?? -1), end = Number(el.dataset.end ?? -1);
  trigger('select', {index: [start, end], value: el.dataset.unitId, selected: true});
});
element.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && ev.target.matches('[data-unit-id]')) ev.target.click();
});
"""


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def doc_type_name(doc_type: str) -> str:
    from ktgs.ingest.references import TYPE_NAMES

    return TYPE_NAMES.get(doc_type, doc_type or "—")


def status_name(status: str) -> str:
    return STATUS_NAMES.get(status, STATUS_NAMES["unknown"])


def completeness_name(document: Document) -> str:
    if not document.completeness:
        return "Đầy đủ" if document.doc_type else "—"
    return "Chưa đầy đủ — " + document.completeness if document.is_partial else "Đầy đủ"


def status_badge(status: str, partial: bool = False) -> str:
    cls = _BADGE_CLASS.get(status, "unknown")
    out = f'<span class="ktgs-badge ktgs-badge-{cls}">{esc(status_name(status))}</span>'
    if partial:
        out += '<span class="ktgs-badge ktgs-badge-partial">Văn bản trong kho chưa đầy đủ</span>'
    return out


# -- answers and chips -------------------------------------------------------------------------

def chip(citation: Citation) -> str:
    """One clickable citation chip: "[n] label"."""
    n = f"[{citation.n}] " if citation.n else ""
    mark = " ⚠" if citation.partial or citation.status_note or citation.status != STATUS_IN_FORCE else ""
    title = f"{citation.status_note}\n\n{citation.quote}" if citation.status_note else citation.quote
    return (f'<button type="button" class="ktgs-chip" data-unit-id="{esc(citation.unit_id)}" '
            f'data-start="{int(citation.quote_start)}" data-end="{int(citation.quote_end)}" '
            f'data-status="{esc(citation.status)}" title="{esc(title)}">{esc(n)}{esc(citation.label)}{mark}</button>')


def render_chips(answer: Answer | None) -> str:
    if answer is None:
        return '<div class="ktgs-chips ktgs-muted">Chưa có câu trả lời.</div>'
    if not answer.citations:
        if answer.grounded:
            return '<div class="ktgs-chips ktgs-muted">Câu trả lời không kèm trích dẫn.</div>'
        closest = [h for h in answer.hits[:3]]
        items = "".join(
            f'<button type="button" class="ktgs-chip ktgs-chip-weak" data-unit-id="{esc(h.unit.unit_id)}">'
            f'{esc(h.label or h.unit.heading or h.unit.unit_id)}</button>' for h in closest)
        note = "Không tìm thấy căn cứ. Các quy định gần nhất:" if items else "Không tìm thấy căn cứ."
        return f'<div class="ktgs-chips"><div class="ktgs-muted">{note}</div>{items}</div>'
    chips = "".join(chip(c) for c in _unique_citations(answer.citations))
    warns = "".join(f'<div class="ktgs-note ktgs-validity">⚠ {esc(w)}</div>' for w in answer.warnings)
    return f'<div class="ktgs-chips"><div class="ktgs-chips-title">Căn cứ trích dẫn:</div>{chips}{warns}</div>'


def _unique_citations(citations: Iterable[Citation]) -> list[Citation]:
    seen, out = set(), []
    for c in citations:
        key = (c.unit_id, c.quote_start, c.quote_end)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def answer_markdown(answer: Answer) -> str:
    """The chat message for an answer: its text, plus the timing line."""
    total = answer.timings.get("total")
    foot = f"\n\n<sub>{mode_name(answer.mode)} · {total:.0f} ms</sub>" if total is not None else ""
    return answer.text + foot


def mode_name(mode: str) -> str:
    return {"extractive": "Trích dẫn", "local": "LLM cục bộ", "openai": "Máy chủ LLM"}.get(mode, mode)


# -- unit panel --------------------------------------------------------------------------------

def marked_text(text: str, start: int = -1, end: int = -1, quote: str = "") -> str:
    """Escape `text`, wrapping [start, end) (or the first occurrence of `quote`) in <mark>."""
    if not (0 <= start < end <= len(text)) and quote:
        start = text.find(quote)
        end = start + len(quote) if start >= 0 else -1
    if not (0 <= start < end <= len(text)):
        return esc(text)
    return f"{esc(text[:start])}<mark>{esc(text[start:end])}</mark>{esc(text[end:])}"


def document_meta(document: Document) -> str:
    rows = [("Số hiệu", document.doc_number or "—"), ("Loại văn bản", doc_type_name(document.doc_type)),
            ("Cơ quan ban hành", document.issuer or "—"), ("Ngày ban hành", vn_date(document.issued_date)),
            ("Hiệu lực", status_name(document.status)), ("Độ đầy đủ", completeness_name(document))]
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return f'<table class="ktgs-meta">{body}</table>'


def vn_date(iso: str) -> str:
    parts = (iso or "").split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{int(parts[2]):02d}/{int(parts[1]):02d}/{parts[0]}"
    return iso or "—"


def render_unit_panel(unit: Unit, document: Document | None, label: str = "", start: int = -1,
                      end: int = -1, quote: str = "", notes: Sequence[str] = ()) -> str:
    """The side panel: label, status, document metadata, the unit text with the quote marked."""
    title = label or unit.breadcrumb or unit.heading or unit.unit_id
    doc_title = document_title(document) if document else ""
    status = document.status if document else "unknown"
    partial = bool(document and document.is_partial)
    notes_html = "".join(f'<div class="ktgs-note">{esc(n)}</div>' for n in notes)
    feet = "".join(f"<li>{esc(f)}</li>" for f in unit.footnotes)
    footnotes = f'<div class="ktgs-footnotes"><b>Chú thích</b><ol>{feet}</ol></div>' if feet else ""
    pages = ""
    if unit.page_start:
        pages = f" · trang {unit.page_start}" + (f"–{unit.page_end}" if unit.page_end and unit.page_end != unit.page_start else "")
    return (
        f'<div class="ktgs-panel" data-shown-unit="{esc(unit.unit_id)}">'
        f'<div class="ktgs-panel-title">{esc(title)}</div>'
        f'<div class="ktgs-panel-doc">{esc(doc_title)}{esc(pages)}</div>'
        f'<div>{status_badge(status, partial and not notes)}</div>{notes_html}'
        f'<div class="ktgs-path">{esc(" › ".join(unit.path))}</div>'
        f'<div class="ktgs-unit-text">{marked_text(unit.text, start, end, quote)}</div>'
        f'{footnotes}'
        f'{document_meta(document) if document else ""}'
        f'</div>')


def render_context(unit: Unit, parent: Unit | None, siblings: Sequence[Unit], document: Document | None,
                   label: str = "", notes: Sequence[str] = ()) -> str:
    """A unit shown in context: its parent heading, then the parent's children with `unit` marked."""
    if parent is None or not siblings:
        return render_unit_panel(unit, document, label=label, notes=notes)
    items = []
    for s in siblings:
        cls = "ktgs-sibling ktgs-current" if s.unit_id == unit.unit_id else "ktgs-sibling"
        body = f"<mark>{esc(s.text)}</mark>" if s.unit_id == unit.unit_id else esc(s.text)
        items.append(f'<div class="{cls}" data-sibling="{esc(s.unit_id)}">{body}</div>')
    status = document.status if document else "unknown"
    partial = bool(document and document.is_partial)
    return (
        f'<div class="ktgs-panel" data-shown-unit="{esc(unit.unit_id)}">'
        f'<div class="ktgs-panel-title">{esc(label or unit.heading)}</div>'
        f'<div class="ktgs-panel-doc">{esc(document_title(document) if document else "")}</div>'
        f'<div>{status_badge(status, partial and not notes)}</div>'
        + "".join(f'<div class="ktgs-note">{esc(n)}</div>' for n in notes) +
        f'<div class="ktgs-path">{esc(" › ".join(parent.path))}</div>'
        f'<div class="ktgs-parent-heading">{esc(parent.heading)}</div>'
        + "".join(items)
        + (document_meta(document) if document else "") + "</div>")


def empty_panel(message: str = PANEL_HINT) -> str:
    return f'<div class="ktgs-panel ktgs-muted">{esc(message)}</div>'


def error_box(message: str) -> str:
    return f'<div class="ktgs-error">{esc(message)}</div>'


# -- search results ----------------------------------------------------------------------------

def render_hits(hits: Sequence[Hit], snippet_chars: int = 320) -> str:
    """Hits grouped by document (in order of each document's best hit); each hit clickable."""
    if not hits:
        return '<div class="ktgs-muted">Không tìm thấy kết quả phù hợp.</div>'
    groups: "OrderedDict[str, list[Hit]]" = OrderedDict()
    for h in hits:
        groups.setdefault(h.unit.doc_id, []).append(h)
    out = []
    for doc_id, group in groups.items():
        doc = group[0].document
        head = esc(document_title(doc) if doc else doc_id)
        number = f' <span class="ktgs-docnum">{esc(doc.doc_number)}</span>' if doc and doc.doc_number else ""
        badge = status_badge(doc.status, doc.is_partial) if doc else ""
        rows = []
        for h in group:
            text = h.unit.text if len(h.unit.text) <= snippet_chars else h.unit.text[:snippet_chars].rstrip() + "…"
            rows.append(
                f'<div class="ktgs-hit" role="button" tabindex="0" data-unit-id="{esc(h.unit.unit_id)}">'
                f'<div class="ktgs-hit-label"><span class="ktgs-rank">{h.rank}</span> {esc(h.label or h.unit.heading)}'
                f' <span class="ktgs-score">{h.score:.3f}</span></div>'
                f'<div class="ktgs-hit-text">{esc(text)}</div></div>')
        out.append(f'<div class="ktgs-group"><div class="ktgs-group-title">{head}{number} {badge}</div>'
                   + "".join(rows) + "</div>")
    return "".join(out)


# -- documents ---------------------------------------------------------------------------------

def document_rows(documents: Sequence[Document]) -> list[list[str]]:
    """Rows for the documents table (the first column is the doc_id the row selects)."""
    return [[d.doc_id, d.doc_number or "—", doc_type_name(d.doc_type), document_title(d), d.issuer or "—",
             vn_date(d.issued_date), status_name(d.status), completeness_name(d)] for d in documents]


def document_title(document: Document) -> str:
    """The trích yếu, else the file name it came from (a file without a readable header)."""
    return document.title or (document.source_path.replace("\\", "/").rsplit("/", 1)[-1]) or document.doc_id


DOCUMENT_COLUMNS = ["Mã", "Số hiệu", "Loại", "Trích yếu", "Cơ quan ban hành", "Ngày", "Hiệu lực", "Độ đầy đủ"]


def render_tree(units: Sequence[Unit], leaf_levels: tuple[str, ...] = ("diem",)) -> str:
    """The structure tree (Chương › Mục › Điều › khoản …) as nested <details>, each node clickable."""
    by_parent: dict[str | None, list[Unit]] = {}
    ids = {u.unit_id for u in units}
    for u in sorted(units, key=lambda u: u.order):
        parent = u.parent_id if u.parent_id in ids else None
        by_parent.setdefault(parent, []).append(u)

    def node(u: Unit, depth: int) -> str:
        kids = [k for k in by_parent.get(u.unit_id, []) if k.level not in leaf_levels]
        name = esc(u.heading or " › ".join(u.path[-1:]) or u.unit_id)
        link = f'<span class="ktgs-node" role="button" tabindex="0" data-unit-id="{esc(u.unit_id)}">{name}</span>'
        if not kids:
            return f'<div class="ktgs-leaf">{link}</div>'
        inner = "".join(node(k, depth + 1) for k in kids)
        opened = " open" if depth == 0 and u.level in ("phan", "chuong") else ""
        return f"<details{opened}><summary>{link}</summary>{inner}</details>"

    roots = by_parent.get(None, [])
    if not roots:
        return '<div class="ktgs-muted">Văn bản chưa có cấu trúc.</div>'
    return '<div class="ktgs-tree">' + "".join(node(u, 0) for u in roots) + "</div>"


# -- validity card and its "Lược đồ" ------------------------------------------------------------

def validity_card(card: dict) -> str:
    """The document's validity card: status badge, effective dates, the reason, then the Lược đồ."""
    rows = [("Hiệu lực", f"{status_name(card['status'])} (tính đến {vn_date(card['as_of'])})"),
            ("Có hiệu lực từ", vn_date(card["effective_from"])), ("Hết hiệu lực từ", vn_date(card["effective_to"])),
            ("Lý do", card["status_reason"])]
    rows += [("Sắp thay đổi", p) for p in card.get("pending", [])]
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return (f'<div class="ktgs-card" data-status="{esc(card["status"])}">{status_badge(card["status"])}'
            f'<table class="ktgs-meta">{body}</table>'
            f'<div class="ktgs-panel-title">Lược đồ</div>{relation_svg(card)}</div>')


def relation_svg(card: dict, max_side: int = 10) -> str:
    """The relation graph as a picture: documents acting on this one on the left, documents this one
    acts on on the right, the kind on each edge; documents not in the corpus drawn dashed."""
    rels = [r for r in card.get("relations", []) if r["kind"] != "cites"]
    left = [r for r in rels if r["direction"] == "in"][:max_side]
    right = [r for r in rels if r["direction"] == "out"][:max_side]
    if not left and not right:
        return '<div class="ktgs-muted">Không có quan hệ nào với văn bản khác.</div>'
    row, width = 34, 760
    height = max(len(left), len(right), 1) * row + 20
    cy = height / 2
    out = [f'<svg class="ktgs-graph" viewBox="0 0 {width} {height}" width="100%" role="img" '
           f'aria-label="Lược đồ quan hệ của {esc(card.get("name", ""))}">']

    def box(x: float, y: float, text: str, dashed: bool, strong: bool = False) -> str:
        dash = ' stroke-dasharray="4 3"' if dashed else ""
        fill = "#e0e7ff" if strong else "#f9fafb"
        return (f'<rect x="{x}" y="{y - 12}" width="200" height="24" rx="4" fill="{fill}" stroke="#6b7280"{dash}/>'
                f'<text x="{x + 100}" y="{y + 4}" text-anchor="middle" font-size="12">{esc(text[:30])}</text>')

    for side, items, x in (("in", left, 10), ("out", right, width - 210)):
        top = cy - (len(items) - 1) * row / 2
        for i, r in enumerate(items):
            y = top + i * row
            x1, x2 = (210, 280) if side == "in" else (480, width - 210)
            label = RELATION_NAMES.get(r["kind"], (r["kind"], r["kind"]))[0 if side == "out" else 1]
            if r.get("scope"):
                label += f" ({r['scope']})"
            out.append(f'<line x1="{x1}" y1="{y}" x2="{x2}" y2="{cy}" stroke="#9ca3af" marker-end="url(#a)"/>'
                       if side == "in" else
                       f'<line x1="{x1}" y1="{cy}" x2="{x2}" y2="{y}" stroke="#9ca3af" marker-end="url(#a)"/>')
            lx = x1 + 4 if side == "in" else x2 - 4
            anchor = "start" if side == "in" else "end"
            out.append(f'<text x="{lx}" y="{y - 3}" font-size="10" fill="#4b5563" text-anchor="{anchor}">'
                       f'{esc(label[:34])}</text>')
            out.append(box(x, y, r["doc_number"], not r.get("in_corpus", True)))
    out.append(box(280, cy, card.get("doc_number") or card.get("name", ""), False, strong=True))
    out.insert(1, '<defs><marker id="a" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
                  'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#9ca3af"/></marker></defs>')
    out.append("</svg>")
    return "".join(out)
