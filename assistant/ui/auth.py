"""Who is using the UI: the login (Gradio auth), sessions that expire, the user behind a request.

Rules: with no users in KTGS_HOME the UI is the single-user local tool (no login) and may only
listen on a loopback address; binding any other address without users refuses to start. As soon
as one user exists, every visitor logs in, and sees and does only what their role allows.
Logins (success and failure) go to the audit trail; users.authenticate() throttles failures.
"""
from __future__ import annotations

import ipaddress
import threading
import time
from typing import Any

from ktgs import audit
from ktgs.access import LEVEL_NAMES, ROLE_NAMES, Viewer
from ktgs.errors import AccessError, AuthError
from ktgs.users import Users

NOBODY = Viewer("", "hoc-vien", ())       # a request without a logged-in user sees nothing
LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def login_required(settings: Any, host: str) -> bool:
    """True when users exist; AccessError when `host` is not loopback and there are none."""
    with Users.open(settings) as users:
        active = users.count_active()
    if not active and not is_loopback(host):
        raise AccessError(f"không mở giao diện trên {host} khi chưa có người dùng: máy khác sẽ vào được mà không "
                          "cần đăng nhập. Tạo người dùng trước (ktgs users add TÊN --role quan-tri --password-stdin) "
                          "hoặc chạy trên 127.0.0.1.")
    return bool(active)


class Sessions:
    """Login times per user name; a session older than settings.session_minutes has expired."""

    def __init__(self, settings: Any):
        self.settings = settings
        self._started: dict[str, float] = {}
        self._lock = threading.Lock()

    def login(self, name: str, password: str) -> bool:
        """The Gradio auth callback: check the password, audit the attempt, start the session."""
        try:
            with Users.open(self.settings) as users:
                users.authenticate(name, password)
        except AuthError as exc:
            audit.record(self.settings, name, "login_failed", reason=str(exc))
            return False
        with self._lock:
            self._started[name] = time.time()
        audit.record(self.settings, name, "login")
        return True

    def viewer(self, name: str | None) -> Viewer:
        if not name:
            return NOBODY
        with self._lock:
            started = self._started.get(name)
        if started is None or time.time() - started > self.settings.session_minutes * 60:
            raise AuthError("phiên đăng nhập đã hết hạn: mở /logout rồi đăng nhập lại")
        with Users.open(self.settings) as users:
            return users.viewer(name)           # a user disabled meanwhile is refused here


def request_user() -> str | None:
    """The logged-in user name of the Gradio event being handled (None outside an event)."""
    from gradio.context import LocalContext

    request = LocalContext.request.get(None)
    return getattr(request, "username", None) if request is not None else None


def rights_line(viewer: Viewer | None) -> str:
    """What the header says about the user: name, role, levels, and what they may do."""
    if viewer is None:
        return "Dùng trên máy này (không đăng nhập): toàn quyền."
    if not viewer.name:
        return "Chưa đăng nhập."
    may = [label for action, label in (("ingest", "nạp văn bản"), ("eval", "chạy đánh giá"),
                                        ("manage", "quản lý người dùng và mức truy cập")) if viewer.may(action)]
    levels = ", ".join(LEVEL_NAMES[lv] for lv in viewer.levels)
    groups = f"; nhóm {', '.join(viewer.groups)}" if viewer.groups else ""
    return (f"{viewer.name} ({ROLE_NAMES[viewer.role]}): xem văn bản {levels}{groups}; "
            + ("được " + ", ".join(may) if may else "chỉ tra cứu, hỏi đáp, ôn tập") + ".")
