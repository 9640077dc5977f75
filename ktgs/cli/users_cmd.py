"""`ktgs users add|list|passwd|disable`: users, roles and groups (KTGS_HOME/users.sqlite)."""
from __future__ import annotations

import json
import sys

import click

from ktgs import audit
from ktgs.access import ROLES
from ktgs.cli.as_user import LOCAL_USER
from ktgs.errors import AccessError
from ktgs.settings import load_settings
from ktgs.users import Users


def _read_password(password_stdin: bool) -> str:
    if not password_stdin:
        raise AccessError("cần --password-stdin (mật khẩu đọc từ đầu vào chuẩn, không để trên dòng lệnh)")
    return sys.stdin.readline().rstrip("\r\n")


def register(main: click.Group) -> None:
    @main.group("users")
    def users() -> None:
        """Người dùng và vai trò: học viên, cán bộ, giảng viên, quản trị."""

    @users.command("add")
    @click.argument("name")
    @click.option("--role", type=click.Choice(ROLES), required=True, help="Vai trò.")
    @click.option("--groups", default="", help="Nhóm, cách nhau bởi dấu phẩy (ví dụ ubkt-tinh-a).")
    @click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu từ đầu vào chuẩn.")
    def add(name: str, role: str, groups: str, password_stdin: bool) -> None:
        """Thêm người dùng: ktgs users add an --role hoc-vien --password-stdin < matkhau.txt"""
        settings = load_settings()
        password = _read_password(password_stdin)
        with Users.open(settings) as db:
            user = db.add(name, role, password, groups.split(","))
        audit.record(settings, LOCAL_USER, "user_add", name=user.name, role=user.role, groups=list(user.groups))
        click.echo(f"Đã thêm {user.name} ({user.role}" + (f"; nhóm {', '.join(user.groups)}" if user.groups else "") + ").")

    @users.command("list")
    @click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
    def list_users(as_json: bool) -> None:
        """Danh sách người dùng."""
        with Users.open(load_settings()) as db:
            rows = db.list()
        if as_json:
            click.echo(json.dumps([u.to_dict() for u in rows], ensure_ascii=False, indent=2))
            return
        for u in rows:
            state = "  [đã khóa]" if u.disabled else ""
            click.echo(f"{u.name:<20} {u.role:<11} {','.join(u.groups)}{state}")
        click.echo(f"{len(rows)} người dùng.", err=True)

    @users.command("passwd")
    @click.argument("name")
    @click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu mới từ đầu vào chuẩn.")
    def passwd(name: str, password_stdin: bool) -> None:
        """Đổi mật khẩu."""
        settings = load_settings()
        password = _read_password(password_stdin)
        with Users.open(settings) as db:
            db.passwd(name, password)
        audit.record(settings, LOCAL_USER, "user_passwd", name=name)
        click.echo(f"Đã đổi mật khẩu của {name}.")

    @users.command("disable")
    @click.argument("name")
    def disable(name: str) -> None:
        """Khóa người dùng (không xóa: dấu vết kiểm toán vẫn nhắc tên)."""
        settings = load_settings()
        with Users.open(settings) as db:
            db.disable(name)
        audit.record(settings, LOCAL_USER, "user_disable", name=name)
        click.echo(f"Đã khóa {name}.")
