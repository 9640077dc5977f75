"""Tra cứu: hybrid search with filters (loại văn bản, cơ quan ban hành, năm, hiệu lực); results
grouped by document; a result opens the unit in context (its parent Điều with the sibling khoản)."""
from __future__ import annotations

from typing import Any

import gradio as gr  # tab modules are imported only by build_app()

from ktgs.errors import KtgsError

SEARCH_MODES = [("Kết hợp (từ khóa + ngữ nghĩa)", "hybrid"), ("Từ khóa (BM25)", "bm25"),
                ("Ngữ nghĩa", "dense")]
STATUS_CHOICES = [("Đang áp dụng (mặc định)", ""), ("Còn hiệu lực", "in_force"),
                  ("Hết hiệu lực một phần", "partly_expired"), ("Hết hiệu lực / đã bị thay thế", "expired"),
                  ("Chưa có hiệu lực", "not_yet"), ("Chưa rõ", "unknown")]
ALL = ""


def facet_choices(ctx: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(document types, issuers) present in the index, each with "Tất cả" first."""
    from ktgs.assistant.ui.render import doc_type_name

    docs = ctx.documents()
    types = sorted({d.doc_type for d in docs if d.doc_type})
    issuers = sorted({d.issuer for d in docs if d.issuer})
    return ([("Tất cả", ALL)] + [(doc_type_name(t), t) for t in types],
            [("Tất cả", ALL)] + [(i, i) for i in issuers])


def make_filters(doc_type: str, issuer: str, year_from: Any, year_to: Any, status: str) -> Any:
    from ktgs.index.store import SearchFilters

    def year(v: Any) -> int | None:
        if v is None or not str(v).strip():
            return None
        try:
            return int(str(v).strip())
        except (TypeError, ValueError):
            raise KtgsError(f"năm không hợp lệ: {v!r}") from None

    filters = SearchFilters(doc_type=doc_type or None, issuer=issuer or None, year_from=year(year_from),
                            year_to=year(year_to), status=status or None)
    return None if filters.empty else filters


def context_html(ctx: Any, unit_id: str) -> str:
    """A unit in context: khoản/điểm with their parent and siblings; other levels on their own."""
    from ktgs.assistant.ui import render

    unit = ctx.unit(unit_id)
    document = ctx.document(unit.doc_id)
    label, notes = ctx.label(unit, document)
    if unit.level in ("khoan", "diem") and unit.parent_id:
        parent = ctx.find_unit(unit.parent_id)
        siblings = ctx.children(unit.parent_id) if parent is not None else []
        return render.render_context(unit, parent, siblings, document, label=label, notes=notes)
    return render.render_unit_panel(unit, document, label=label, notes=notes)


def build(ctx: Any) -> None:
    from ktgs.assistant.ui import render

    types, issuers = facet_choices(ctx)
    with gr.Tab("Tra cứu", id="search", elem_id="tab-search") as tab:
        with gr.Row():
            query = gr.Textbox(show_label=False, placeholder="Tìm trong kho văn bản (có thể gõ không dấu)…",
                               scale=6, elem_id="ktgs-search-query")
            go = gr.Button("Tìm", variant="primary", scale=1, min_width=80, elem_id="ktgs-search-go")
        with gr.Row():
            doc_type = gr.Dropdown(types, value=ALL, label="Loại văn bản", elem_id="ktgs-f-type")
            issuer = gr.Dropdown(issuers, value=ALL, label="Cơ quan ban hành", elem_id="ktgs-f-issuer")
            year_from = gr.Textbox(label="Năm từ", placeholder="vd. 2013", max_lines=1)
            year_to = gr.Textbox(label="đến năm", placeholder="vd. 2025", max_lines=1)
            status = gr.Dropdown(STATUS_CHOICES, value="", label="Hiệu lực")
        with gr.Row():
            mode = gr.Radio(SEARCH_MODES, value="hybrid", label="Cách tìm", scale=3)
            k = gr.Slider(1, 50, value=ctx.settings.top_k, step=1, label="Số kết quả", scale=2)
        with gr.Row(equal_height=False):
            results = gr.HTML('<div class="ktgs-muted">Nhập từ khóa để tìm.</div>',
                              js_on_load=render.CLICK_JS, elem_id="ktgs-results")
            panel = gr.HTML(render.empty_panel("Bấm vào một kết quả để xem trong ngữ cảnh."),
                            elem_id="ktgs-search-panel")

        def run(q: str, t: str, i: str, yf: Any, yt: Any, s: str, m: str, n: float) -> str:
            q = (q or "").strip()
            if not q:
                return '<div class="ktgs-muted">Nhập từ khóa để tìm.</div>'
            try:
                hits = ctx.search(q, k=int(n), mode=m, filters=make_filters(t, i, yf, yt, s))
            except KtgsError as exc:
                return render.error_box(f"Lỗi: {exc}")
            return render.render_hits(hits)

        def open_hit(evt: gr.SelectData) -> str:
            try:
                return context_html(ctx, str(evt.value))
            except KtgsError as exc:
                return render.error_box(str(exc))

        def refresh_facets() -> tuple:
            t, i = facet_choices(ctx)
            return gr.Dropdown(choices=t), gr.Dropdown(choices=i)

        tab.select(refresh_facets, None, [doc_type, issuer])
        inputs = [query, doc_type, issuer, year_from, year_to, status, mode, k]
        query.submit(run, inputs, results)
        go.click(run, inputs, results)
        results.select(open_hit, None, panel)
