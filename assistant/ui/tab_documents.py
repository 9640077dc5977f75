"""Văn bản: the documents in the index with their metadata, a structure tree to browse, and the
upload of new files (ingested with progress; errors reported per file)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import gradio as gr  # tab modules are imported only by build_app()

from ktgs import uploads
from ktgs.errors import KtgsError

UPLOAD_TYPES = [".pdf", ".docx", ".txt", ".md", ".html", ".htm"]
UPLOAD_DIR = "uploads"


def store_uploads(files: Sequence[Any], settings: Any, user: str = "local") -> list[Path]:
    """Check the uploads (count, size, names, zip bombs) and keep them under KTGS_HOME/uploads/<user>/
    with unique names (ktgs.uploads); the catalog records their paths."""
    return uploads.store_uploads(uploads.gradio_files(files), settings, user)


def render_report(report: Any) -> str:
    """The ingest report: counts, then one line per file (✓ nạp, = không đổi, ✗ lỗi)."""
    from ktgs.assistant.ui.render import esc

    lines = [f'<li class="ok">✓ {esc(Path(p).name)}: đã nạp</li>' for p in report.new + report.changed]
    lines += [f'<li class="same">= {esc(Path(p).name)}: không thay đổi</li>' for p in report.unchanged]
    lines += [f'<li class="bad">✗ {esc(Path(p).name)}: {esc(reason)}</li>' for p, reason in report.failed]
    for p, warns in report.warnings.items():
        lines += [f'<li class="warn">⚠ {esc(Path(p).name)}: {esc(w)}</li>' for w in warns[:5]]
    head = (f"Mới {len(report.new)}, sửa đổi {len(report.changed)}, không đổi {len(report.unchanged)}, "
            f"lỗi {len(report.failed)} · {report.units_indexed} đơn vị được nhúng trong {report.seconds:.1f} giây")
    return f'<div class="ktgs-report"><div>{esc(head)}</div><ul>{"".join(lines)}</ul></div>'


def ingest(ctx: Any, paths: Sequence[Path]) -> Any:
    """Index `paths` with the searcher closed (one writer at a time), then reopen lazily."""
    from ktgs.index.indexer import index_paths

    return ctx.exclusive(index_paths, [str(p) for p in paths], ctx.settings, progress=True)


def build(ctx: Any) -> None:
    from ktgs.assistant.ui import render

    with gr.Tab("Văn bản", id="documents", elem_id="tab-documents") as tab:
        table = gr.Dataframe(render.document_rows(ctx.documents()), headers=render.DOCUMENT_COLUMNS,
                             interactive=False, wrap=True, elem_id="ktgs-doc-table", label="Văn bản trong kho")
        with gr.Row(equal_height=False):
            with gr.Column(scale=2):
                meta = gr.HTML('<div class="ktgs-muted">Chọn một văn bản trong bảng để xem cấu trúc.</div>',
                               elem_id="ktgs-doc-meta")
                tree = gr.HTML("", js_on_load=render.CLICK_JS, elem_id="ktgs-doc-tree")
            with gr.Column(scale=3):
                unit_panel = gr.HTML(render.empty_panel("Bấm vào một Chương/Điều/mục trong cây cấu trúc."),
                                     elem_id="ktgs-doc-unit")
        with gr.Accordion("Tải văn bản mới lên", open=False):
            files = gr.File(file_count="multiple", file_types=UPLOAD_TYPES, label="PDF, DOCX, HTML, TXT, Markdown",
                            elem_id="ktgs-upload")
            ingest_btn = gr.Button("Nạp vào kho", variant="primary", elem_id="ktgs-ingest")
            report_html = gr.HTML("", elem_id="ktgs-ingest-report")

        def show_document(evt: gr.SelectData) -> tuple[str, str]:
            row = evt.row_value or []
            if not row:
                return gr.skip(), gr.skip()
            doc_id = str(row[0])
            try:
                document = ctx.document(doc_id)
            except KtgsError as exc:
                return render.error_box(f"Lỗi: {exc}"), ""
            if document is None:
                return render.error_box(f"không tìm thấy văn bản {doc_id}"), ""
            ctx.audit("doc_view", doc_id=doc_id)
            title = f'<div class="ktgs-panel-title">{render.esc(document.title or doc_id)}</div>'
            try:
                card = render.validity_card(ctx.card(doc_id))
            except KtgsError as exc:
                card = render.error_box(f"Lỗi: {exc}")
            return title + card + render.document_meta(document), render.render_tree(ctx.units_of(doc_id))

        def show_unit(evt: gr.SelectData) -> str:
            return ctx.unit_panel(str(evt.value))

        def run_ingest(uploaded: list, progress: Any = gr.Progress(track_tqdm=True)) -> tuple:
            if not uploaded:
                return gr.skip(), render.error_box("Chưa chọn tệp nào.")
            progress(0, desc="Đang nạp văn bản…")
            try:
                viewer = ctx.require("ingest")
                stored = store_uploads(uploaded, ctx.settings, viewer.name if viewer is not None else "local")
                report = ingest(ctx, stored)
                ctx.audit("ingest", paths=[str(p) for p in stored], new=report.new, changed=report.changed,
                          failed=[p for p, _ in report.failed])
            except KtgsError as exc:
                return gr.skip(), render.error_box(f"Lỗi: {exc}")
            return render.document_rows(ctx.documents()), render_report(report)

        def refresh() -> Any:
            return render.document_rows(ctx.documents())

        table.select(show_document, None, [meta, tree])
        tree.select(show_unit, None, unit_panel)
        ingest_btn.click(run_ingest, [files], [table, report_html])
        tab.select(refresh, None, table)
