"""Users and roles in SQLite (KTGS_HOME/users.sqlite); passwords hashed with scrypt.

scrypt (hashlib, OpenSSL) with a random 16-byte salt per password, stored as
`scrypt$n$r$p$salt$hash` (base64) so the cost can be raised later; checks use
hmac.compare_digest. Failed logins are counted per name: after `login_max_failures` failures in
`login_lock_minutes`, that name cannot log in until the window has passed (throttling).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ktgs import access
from ktgs.errors import AccessError, AuthError
from ktgs.migrations import apply_migrations

FILENAME = "users.sqlite"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
MIN_PASSWORD = 8
MIGRATIONS = (
    ("0001_users", """
        CREATE TABLE users (
            name TEXT PRIMARY KEY, role TEXT NOT NULL, groups TEXT NOT NULL DEFAULT '[]',
            password TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE TABLE login_failures (name TEXT NOT NULL, at REAL NOT NULL);
        CREATE INDEX login_failures_name ON login_failures (name, at);
    """),
)


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt)}${b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        want = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(want))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


@dataclass
class User:
    name: str
    role: str
    groups: tuple[str, ...]
    disabled: bool
    created_at: str
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "groups": list(self.groups), "disabled": self.disabled,
                "created_at": self.created_at, "updated_at": self.updated_at}


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S")


class Users:
    def __init__(self, path: str | Path, settings: Any):
        self.path = Path(path)
        self.settings = settings
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), check_same_thread=False)
        apply_migrations(self.db, MIGRATIONS)

    @classmethod
    def open(cls, settings: Any) -> "Users":
        return cls(settings.home_path / FILENAME, settings)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Users":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- management ---------------------------------------------------------------------------
    def add(self, name: str, role: str, password: str, groups: Iterable[str] = ()) -> User:
        name = _valid_name(name)
        access.role(role)
        _valid_password(password)
        if self.get(name) is not None:
            raise AccessError(f"người dùng {name!r} đã có")
        now = _now()
        with self.db:
            self.db.execute("INSERT INTO users VALUES (?,?,?,?,0,?,?)",
                            (name, role, json.dumps(list(access.groups_of(groups))), hash_password(password), now, now))
        return self.require(name)

    def passwd(self, name: str, password: str) -> None:
        self.require(name)
        _valid_password(password)
        with self.db:
            self.db.execute("UPDATE users SET password=?, updated_at=? WHERE name=?", (hash_password(password), _now(), name))
            self.db.execute("DELETE FROM login_failures WHERE name=?", (name,))

    def disable(self, name: str) -> None:
        self.require(name)
        with self.db:
            self.db.execute("UPDATE users SET disabled=1, updated_at=? WHERE name=?", (_now(), name))

    def get(self, name: str) -> User | None:
        row = self.db.execute("SELECT name, role, groups, disabled, created_at, updated_at FROM users WHERE name=?",
                              (name,)).fetchone()
        return User(row[0], row[1], tuple(json.loads(row[2])), bool(row[3]), row[4], row[5]) if row else None

    def require(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            raise AccessError(f"không có người dùng {name!r} (xem `ktgs users list`)")
        return user

    def list(self) -> list[User]:
        rows = self.db.execute("SELECT name FROM users ORDER BY name").fetchall()
        return [self.require(r[0]) for r in rows]

    def count_active(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM users WHERE disabled=0").fetchone()[0]

    # --- who is asking --------------------------------------------------------------------------
    def viewer(self, name: str) -> access.Viewer:
        """The rights of an existing, enabled user (for --as-user and sessions)."""
        user = self.require(name)
        if user.disabled:
            raise AuthError(f"người dùng {name!r} đã bị khóa")
        return access.viewer(user.name, user.role, user.groups, self.settings)

    def authenticate(self, name: str, password: str) -> access.Viewer:
        """The viewer for a correct name and password; AuthError (one message for a wrong name or
        password) otherwise, and after too many recent failures."""
        window = self.settings.login_lock_minutes * 60
        now = time.time()
        recent = self.db.execute("SELECT COUNT(*) FROM login_failures WHERE name=? AND at>?",
                                 (name, now - window)).fetchone()[0]
        if recent >= self.settings.login_max_failures:
            raise AuthError(f"đăng nhập sai quá {self.settings.login_max_failures} lần; "
                            f"thử lại sau {self.settings.login_lock_minutes} phút")
        row = self.db.execute("SELECT password, disabled FROM users WHERE name=?", (name,)).fetchone()
        ok = row is not None and check_password(password, row[0]) and not row[1]
        if row is None:
            check_password(password, hash_password("dummy-password"))   # same cost for an unknown name
        if not ok:
            with self.db:
                self.db.execute("INSERT INTO login_failures VALUES (?, ?)", (name, now))
                self.db.execute("DELETE FROM login_failures WHERE at<?", (now - 24 * 3600,))
            raise AuthError("sai tên đăng nhập hoặc mật khẩu")
        with self.db:
            self.db.execute("DELETE FROM login_failures WHERE name=?", (name,))
        return self.viewer(name)


def _valid_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() or c in "/\\:$" for c in name):
        raise AccessError("tên người dùng phải có 1–64 ký tự, không có khoảng trắng hay / \\ : $")
    return name


def _valid_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccessError(f"mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự")
