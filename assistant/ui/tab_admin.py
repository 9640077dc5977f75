"""Quản trị: the audit trail (newest first) and its chain check, for administrators only."""
from __future__ import annotations

import json
from typing import Any

import gradio as gr  # tab modules are imported only by build_app()

from ktgs.audit import AuditLog
from ktgs.errors import KtgsError

AUDIT_COLUMNS = ["#", "Thời điểm", "Người dùng", "Thao tác", "Chi tiết"]
SHOWN = 200


def audit_view(ctx: Any) -> tuple[list[list[Any]], str]:
    """(rows, chain status) of the audit trail; AccessError for a role that may not manage."""
    ctx.require("manage")
    with AuditLog.open(ctx.settings) as log:
        rows = log.entries(limit=SHOWN)
        check = log.verify()
    table = [[r["seq"], r["ts"], r["user"], r["action"], json.dumps(r["detail"], ensure_ascii=False)[:300]]
             for r in reversed(rows)]
    status = (f"Chuỗi băm nguyên vẹn ({check.checked} mục)." if check.ok
              else f"Nhật ký bị thay đổi: mục {check.bad_seq}: {check.reason}.")
    return table, status


def build(ctx: Any) -> None:
    from ktgs.assistant.ui import render

    with gr.Tab("Quản trị", id="admin", elem_id="tab-admin"):
        gr.HTML('<div class="ktgs-muted">Chỉ quản trị viên: nhật ký kiểm toán (đăng nhập, câu hỏi, tra cứu, '
                'xem văn bản, xuất đề, nạp văn bản, đổi quyền). Người dùng và mức truy cập: '
                '<code>ktgs users …</code>, <code>ktgs doc access …</code>.</div>')
        show = gr.Button("Xem nhật ký kiểm toán", elem_id="ktgs-audit-show")
        status = gr.HTML("", elem_id="ktgs-audit-status")
        table = gr.Dataframe([], headers=AUDIT_COLUMNS, interactive=False, wrap=True, elem_id="ktgs-audit-table")

        def on_show() -> tuple:
            try:
                rows, line = audit_view(ctx)
            except KtgsError as exc:
                return [], render.error_box(f"Lỗi: {exc}")
            return rows, f'<div class="ktgs-report">{render.esc(line)}</div>'

        show.click(on_show, None, [table, status])
