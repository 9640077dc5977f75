"""The audit trail: append-only, tamper-evident (KTGS_HOME/audit.sqlite).

Each entry stores `prev` (the hash of the entry before it) and `hash` =
sha256(prev + canonical JSON of seq, ts, user, action, detail). SQLite triggers refuse UPDATE and
DELETE; whoever edits the file anyway is caught by `verify()`: an edited entry no longer matches
its hash, a deleted one breaks the sequence and the chain, a reordered pair breaks both. The head
(last seq and hash) is also kept in `audit_head`, so removing the newest entries shows too.

Retention (settings.audit_retention_days, 0 = keep forever): `prune()` removes entries older than
that and records the last removed entry as the new anchor, so the chain still verifies.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ktgs.migrations import apply_migrations

FILENAME = "audit.sqlite"
GENESIS = "0" * 64
ACTIONS = ("login", "login_failed", "search", "ask", "doc_view", "download", "export", "ingest", "delete",
           "access_change", "user_add", "user_passwd", "user_disable", "quiz_build", "eval_run", "prune")
MIGRATIONS = (
    ("0001_audit", """
        CREATE TABLE audit (
            seq INTEGER PRIMARY KEY, ts TEXT NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL,
            detail TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);
        CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL,
                                 anchor_seq INTEGER NOT NULL, anchor_hash TEXT NOT NULL);
        INSERT INTO audit_head VALUES (1, 0, '""" + GENESIS + """', 0, '""" + GENESIS + """');
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
    """),
)
_TRIGGER_NO_DELETE = ("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
                      "BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END")


def entry_hash(prev: str, seq: int, ts: str, user: str, action: str, detail: dict[str, Any]) -> str:
    body = json.dumps({"seq": seq, "ts": ts, "user": user, "action": action, "detail": detail},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev + body).encode("utf-8")).hexdigest()


@dataclass
class Verification:
    ok: bool
    checked: int
    bad_seq: int | None = None
    reason: str = ""


class AuditLog:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        apply_migrations(self.db, MIGRATIONS)

    @classmethod
    def open(cls, settings: Any) -> "AuditLog":
        return cls(settings.home_path / FILENAME)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "AuditLog":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def record(self, user: str, action: str, **detail: Any) -> int:
        """Append one entry; return its sequence number."""
        ts = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        self.db.execute("BEGIN IMMEDIATE")      # one writer: seq and prev stay consistent across processes
        try:
            seq, prev = self.db.execute("SELECT seq, hash FROM audit_head WHERE id=1").fetchone()
            seq += 1
            h = entry_hash(prev, seq, ts, user, action, detail)
            self.db.execute("INSERT INTO audit VALUES (?,?,?,?,?,?,?)",
                            (seq, ts, user, action, json.dumps(detail, ensure_ascii=False, sort_keys=True), prev, h))
            self.db.execute("UPDATE audit_head SET seq=?, hash=? WHERE id=1", (seq, h))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return seq

    def entries(self, limit: int | None = None, user: str | None = None, action: str | None = None) -> list[dict]:
        sql, args = "SELECT seq, ts, user, action, detail, prev, hash FROM audit", []
        where = []
        if user:
            where.append("user=?")
            args.append(user)
        if action:
            where.append("action=?")
            args.append(action)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY rowid"
        rows = [dict(zip(("seq", "ts", "user", "action", "detail", "prev", "hash"), r))
                for r in self.db.execute(sql, args)]
        for r in rows:
            r["detail"] = json.loads(r["detail"])
        return rows[-limit:] if limit else rows

    def verify(self) -> Verification:
        """Walk the chain in storage order from the anchor; the first entry that does not fit is named."""
        head_seq, head_hash, seq, prev = self.db.execute(
            "SELECT seq, hash, anchor_seq, anchor_hash FROM audit_head WHERE id=1").fetchone()
        checked = 0
        for row in self.db.execute("SELECT seq, ts, user, action, detail, prev, hash FROM audit ORDER BY rowid"):
            r_seq, ts, user, action, detail, r_prev, r_hash = row
            expected = seq + 1
            try:
                recomputed = entry_hash(r_prev, r_seq, ts, user, action, json.loads(detail))
            except json.JSONDecodeError:
                recomputed = ""
            if recomputed != r_hash:
                return Verification(False, checked, r_seq, "nội dung bị sửa (băm không khớp)")
            if r_seq != expected:
                return Verification(False, checked, r_seq, f"sai thứ tự hoặc thiếu mục (chờ mục {expected})")
            if r_prev != prev:
                return Verification(False, checked, r_seq, "không nối với mục trước (mục trước bị sửa, xóa hoặc đổi chỗ)")
            seq, prev, checked = r_seq, r_hash, checked + 1
        if (seq, prev) != (head_seq, head_hash):
            return Verification(False, checked, seq + 1, f"thiếu các mục cuối (đầu chuỗi ghi mục {head_seq})")
        return Verification(True, checked)

    def prune(self, retention_days: int) -> int:
        """Remove entries older than `retention_days` (0 = none); the chain keeps verifying."""
        if retention_days <= 0:
            return 0
        cutoff = time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(time.time() - retention_days * 86400))
        old = self.db.execute("SELECT seq, hash FROM audit WHERE ts<? ORDER BY seq", (cutoff,)).fetchall()
        if not old:
            return 0
        last_seq, last_hash = old[-1]
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("DROP TRIGGER audit_no_delete")
            self.db.execute("DELETE FROM audit WHERE seq<=?", (last_seq,))
            self.db.execute(_TRIGGER_NO_DELETE)
            self.db.execute("UPDATE audit_head SET anchor_seq=?, anchor_hash=? WHERE id=1", (last_seq, last_hash))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return len(old)


def record(settings: Any, user: str, action: str, **detail: Any) -> int:
    """Append one entry to KTGS_HOME's audit trail (opens and closes it)."""
    with AuditLog.open(settings) as log:
        return log.record(user, action, **detail)
