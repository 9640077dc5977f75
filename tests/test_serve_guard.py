"""`ktgs serve` on a non-loopback address refuses to start without users; with users the UI logs
in, audits the attempt, expires sessions and reads with the user's rights."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from ktgs.assistant.ui.auth import NOBODY, Sessions, is_loopback, login_required
from ktgs.audit import AuditLog
from ktgs.cli import main
from ktgs.errors import AccessError, AuthError
from ktgs.settings import Settings
from ktgs.users import Users


@pytest.mark.parametrize("host, loop", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                        ("0.0.0.0", False), ("192.168.1.10", False), ("::", False)])
def test_loopback(host, loop):
    assert is_loopback(host) is loop


def test_serve_refuses_non_loopback_without_users(tmp_path):
    r = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--no-ingest"], env={"KTGS_HOME": str(tmp_path)})
    assert r.exit_code == 1 and "không mở giao diện trên 0.0.0.0 khi chưa có người dùng" in r.output
    assert not (tmp_path / "qdrant-edge").exists()


def test_login_required_rules(tmp_path):
    s = Settings(home=str(tmp_path))
    assert login_required(s, "127.0.0.1") is False            # the single-user local default
    with pytest.raises(AccessError):
        login_required(s, "0.0.0.0")
    with Users.open(s) as users:
        users.add("qt", "quan-tri", "mat-khau-qt-1")
    assert login_required(s, "0.0.0.0") is True and login_required(s, "127.0.0.1") is True


def test_sessions_login_audit_and_expiry(tmp_path, monkeypatch):
    s = Settings(home=str(tmp_path), session_minutes=30)
    with Users.open(s) as users:
        users.add("hv", "hoc-vien", "mat-khau-hv-1")
    sessions = Sessions(s)
    assert sessions.viewer(None) is NOBODY and NOBODY.levels == ()
    assert not sessions.login("hv", "sai-mat-khau")
    assert sessions.login("hv", "mat-khau-hv-1")
    assert sessions.viewer("hv").levels == ("cong-khai",)
    with AuditLog.open(s) as log:
        assert [(e["user"], e["action"]) for e in log.entries()] == [("hv", "login_failed"), ("hv", "login")]
        assert "mat-khau" not in str(log.entries())
    import ktgs.assistant.ui.auth as auth

    later = auth.time.time() + 31 * 60
    monkeypatch.setattr(auth.time, "time", lambda: later)
    with pytest.raises(AuthError, match="hết hạn"):
        sessions.viewer("hv")


def test_admin_audit_view_is_for_administrators_only(tmp_path):
    from types import SimpleNamespace

    from gradio.context import LocalContext

    from ktgs.assistant.ui.app import UIContext
    from ktgs.assistant.ui.tab_admin import audit_view

    s = Settings(home=str(tmp_path))
    with Users.open(s) as users:
        users.add("hv", "hoc-vien", "mat-khau-hv-1")
        users.add("qt", "quan-tri", "mat-khau-qt-1")
    ctx = UIContext(s, login=True)
    try:
        for name, password in (("hv", "mat-khau-hv-1"), ("qt", "mat-khau-qt-1")):
            assert ctx.sessions.login(name, password)
        token = LocalContext.request.set(SimpleNamespace(username="hv"))
        try:
            with pytest.raises(AccessError, match="không được quản lý"):
                audit_view(ctx)
        finally:
            LocalContext.request.reset(token)
        token = LocalContext.request.set(SimpleNamespace(username="qt"))
        try:
            rows, status = audit_view(ctx)
        finally:
            LocalContext.request.reset(token)
    finally:
        ctx.close()
    assert [r[2:4] for r in rows] == [["qt", "login"], ["hv", "login"]]
    assert status == "Chuỗi băm nguyên vẹn (2 mục)."
