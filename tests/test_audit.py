"""The audit trail is append-only and tamper-evident: an edited, deleted or reordered entry is found."""
from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from ktgs.audit import FILENAME, AuditLog
from ktgs.cli import main
from ktgs.settings import Settings


@pytest.fixture()
def home(tmp_path):
    settings = Settings(home=str(tmp_path))
    with AuditLog.open(settings) as log:
        log.record("local", "ingest", paths=["a.md"])
        log.record("hv", "login")
        log.record("hv", "search", query="thời hạn", unit_ids=["x/dieu-1"])
        log.record("hv", "ask", question="Thời hạn?", unit_ids=["x/dieu-2"])
        log.record("qt", "access_change", doc_id="x", old=["cong-khai", []], new=["mat", []])
    return tmp_path


def tamper(home, *sql):
    """What someone with the file could do: drop the guards, change rows."""
    db = sqlite3.connect(str(home / FILENAME))
    with db:
        db.execute("DROP TRIGGER audit_no_update")
        db.execute("DROP TRIGGER audit_no_delete")
        for s in sql:
            db.execute(s)
    db.close()


def verify(home):
    result = CliRunner().invoke(main, ["audit", "verify"], env={"KTGS_HOME": str(home)})
    return result.exit_code, result.output + (getattr(result, "stderr", "") or "")


def test_intact_chain_verifies(home):
    code, out = verify(home)
    assert code == 0 and "nguyên vẹn (5 mục)" in out


def test_list_json_has_the_chain(home):
    result = CliRunner().invoke(main, ["audit", "list", "--json"], env={"KTGS_HOME": str(home)})
    rows = json.loads(result.output)
    assert [r["action"] for r in rows] == ["ingest", "login", "search", "ask", "access_change"]
    assert rows[2]["detail"] == {"query": "thời hạn", "unit_ids": ["x/dieu-1"]}
    assert all(r["prev"] == p["hash"] for p, r in zip(rows, rows[1:]))


def test_the_library_refuses_update_and_delete(home):
    db = sqlite3.connect(str(home / FILENAME))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE audit SET user='x' WHERE seq=2")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM audit WHERE seq=2")
    db.close()


def test_edited_entry_is_named(home):
    tamper(home, """UPDATE audit SET detail='{"query": "khác", "unit_ids": []}' WHERE seq=3""")
    code, out = verify(home)
    assert code == 2 and "mục 3" in out and "bị sửa" in out


def test_edited_user_is_named(home):
    tamper(home, "UPDATE audit SET user='qt' WHERE seq=2")
    code, out = verify(home)
    assert code == 2 and "mục 2" in out


def test_deleted_entry_is_named(home):
    tamper(home, "DELETE FROM audit WHERE seq=3")
    code, out = verify(home)
    assert code == 2 and "mục 4" in out          # the entry after the gap no longer fits


def test_deleted_last_entries_are_found(home):
    tamper(home, "DELETE FROM audit WHERE seq>=4")
    code, out = verify(home)
    assert code == 2 and "mục 4" in out and "thiếu các mục cuối" in out


def test_reordered_entries_are_named(home):
    # entries 2 and 3 change places: each row takes the other's content, hash and link
    db = sqlite3.connect(str(home / FILENAME))
    (r2, r3) = db.execute("SELECT ts, user, action, detail, prev, hash FROM audit WHERE seq IN (2, 3) ORDER BY seq")
    db.close()
    cols = "ts=?, user=?, action=?, detail=?, prev=?, hash=?"
    tamper(home)
    db = sqlite3.connect(str(home / FILENAME))
    with db:
        db.execute(f"UPDATE audit SET {cols} WHERE seq=2", r3)
        db.execute(f"UPDATE audit SET {cols} WHERE seq=3", r2)
    db.close()
    code, out = verify(home)
    assert code == 2 and "mục 2" in out


def test_prune_keeps_the_chain_verifiable(home, monkeypatch):
    import time as _time

    from ktgs import audit

    settings = Settings(home=str(home))
    future = _time.time() + 10 * 86400            # ten days later, every entry is older than a week
    monkeypatch.setattr(audit.time, "time", lambda: future)
    with AuditLog.open(settings) as log:
        assert log.prune(7) == 5
        assert log.verify().ok
        log.record("local", "prune", removed=5)
        assert log.verify().ok and [e["seq"] for e in log.entries()] == [6]
    with AuditLog.open(settings) as log:
        assert log.prune(0) == 0                   # 0 = keep forever
