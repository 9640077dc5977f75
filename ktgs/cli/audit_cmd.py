"""`ktgs audit list|verify|prune`: the hash-chained audit trail (KTGS_HOME/audit.sqlite)."""
from __future__ import annotations

import json
import sys

import click

from ktgs.audit import AuditLog
from ktgs.cli.as_user import LOCAL_USER
from ktgs.settings import load_settings


def register(main: click.Group) -> None:
    @main.group("audit")
    def audit_group() -> None:
        """Nhật ký kiểm toán: chỉ ghi thêm, mỗi mục nối với mục trước bằng SHA-256."""

    @audit_group.command("list")
    @click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
    @click.option("--limit", type=int, default=None, help="Chỉ in N mục cuối.")
    @click.option("--user", default=None, help="Chỉ mục của người dùng này.")
    @click.option("--action", default=None, help="Chỉ loại thao tác này (login, ask, search, …).")
    def list_entries(as_json: bool, limit: int | None, user: str | None, action: str | None) -> None:
        """Liệt kê các mục kiểm toán."""
        with AuditLog.open(load_settings()) as log:
            rows = log.entries(limit=limit, user=user, action=action)
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for r in rows:
            click.echo(f"{r['seq']:>6} {r['ts']} {r['user']:<16} {r['action']:<14} "
                       f"{json.dumps(r['detail'], ensure_ascii=False)}")

    @audit_group.command("verify")
    def verify() -> None:
        """Kiểm tra chuỗi băm: mã thoát 0 khi nguyên vẹn, 2 và tên mục hỏng đầu tiên khi không."""
        with AuditLog.open(load_settings()) as log:
            v = log.verify()
        if v.ok:
            click.echo(f"Nhật ký kiểm toán nguyên vẹn ({v.checked} mục).")
            return
        click.echo(f"Nhật ký kiểm toán bị thay đổi: mục {v.bad_seq}: {v.reason} "
                   f"({v.checked} mục trước đó hợp lệ).", err=True)
        sys.exit(2)

    @audit_group.command("prune")
    def prune() -> None:
        """Xóa các mục cũ hơn audit_retention_days (0 = giữ mãi); chuỗi vẫn kiểm tra được."""
        settings = load_settings()
        with AuditLog.open(settings) as log:
            n = log.prune(settings.audit_retention_days)
            if n:
                log.record(LOCAL_USER, "prune", removed=n, retention_days=settings.audit_retention_days)
        click.echo(f"Đã xóa {n} mục cũ.")
