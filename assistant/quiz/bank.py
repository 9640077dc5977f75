"""The quiz bank: items under review in SQLite (KTGS_HOME/quiz_bank.sqlite).

Each item has a status (draft, approved, rejected), an optional edited version, a reviewer note and
timestamps. `approve`, `reject` and `edit` are what the UI calls; later quizzes reuse approved items.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ktgs.errors import KtgsError
from ktgs.settings import Settings

from .items import QuizItem

BANK_FILE = "quiz_bank.sqlite"
STATUSES = ("draft", "approved", "rejected")
EDITABLE = ("stem", "options", "key", "explanation", "difficulty", "tags")

MIGRATIONS = (
    ("001_items", """
        CREATE TABLE items (
            id TEXT PRIMARY KEY,
            item_json TEXT NOT NULL,
            edited_json TEXT,
            status TEXT NOT NULL DEFAULT 'draft',
            reviewer_note TEXT NOT NULL DEFAULT '',
            doc_numbers TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX items_status ON items(status);
    """),
)


class QuizBankError(KtgsError):
    pass


@dataclass
class BankEntry:
    item: QuizItem              # the edited version when there is one
    original: QuizItem
    status: str
    reviewer_note: str
    created_at: str
    updated_at: str

    @property
    def edited(self) -> bool:
        return self.item is not self.original


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class QuizBank:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.row_factory = sqlite3.Row
        self._migrate()

    @classmethod
    def open(cls, settings: Settings) -> "QuizBank":
        return cls(settings.path(BANK_FILE))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "QuizBank":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _migrate(self) -> None:
        with self._db:
            self._db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
            done = {r[0] for r in self._db.execute("SELECT name FROM migrations")}
            for name, sql in MIGRATIONS:
                if name not in done:
                    self._db.executescript(sql)
                    self._db.execute("INSERT INTO migrations VALUES (?, ?)", (name, _now()))

    # --- writing ------------------------------------------------------------------------------
    def add(self, items: list[QuizItem]) -> int:
        """Store new items as drafts; items already in the bank keep their status. Returns how many were new."""
        new = 0
        with self._db:
            for it in items:
                docs = ",".join(sorted({c.doc_number for c in it.citations if c.doc_number}))
                cur = self._db.execute(
                    "INSERT OR IGNORE INTO items (id, item_json, doc_numbers, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (it.id, json.dumps(it.to_dict(), ensure_ascii=False), docs, _now(), _now()))
                new += cur.rowcount
        return new

    def _set_status(self, item_id: str, status: str, note: str | None) -> BankEntry:
        self.get(item_id)
        with self._db:
            self._db.execute(
                "UPDATE items SET status = ?, reviewer_note = COALESCE(?, reviewer_note), updated_at = ? "
                "WHERE id = ?", (status, note, _now(), item_id))
        return self.get(item_id)

    def approve(self, item_id: str, note: str | None = None) -> BankEntry:
        return self._set_status(item_id, "approved", note)

    def reject(self, item_id: str, note: str | None = None) -> BankEntry:
        return self._set_status(item_id, "rejected", note)

    def edit(self, item_id: str, note: str | None = None, **changes) -> BankEntry:
        """Store an edited version (stem, options, key, explanation, difficulty, tags); back to draft."""
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise QuizBankError(f"không sửa được trường: {', '.join(sorted(unknown))}")
        entry = self.get(item_id)
        d = entry.item.to_dict()
        d.update(changes)
        if d["type"] in ("mcq", "tf") and d["key"] not in d["options"]:
            raise QuizBankError("đáp án phải là một trong các phương án")
        edited = QuizItem.from_dict(d)
        with self._db:
            self._db.execute(
                "UPDATE items SET edited_json = ?, status = 'draft', reviewer_note = COALESCE(?, reviewer_note), "
                "updated_at = ? WHERE id = ?",
                (json.dumps(edited.to_dict(), ensure_ascii=False), note, _now(), item_id))
        return self.get(item_id)

    # --- reading ------------------------------------------------------------------------------
    def _entry(self, row: sqlite3.Row) -> BankEntry:
        original = QuizItem.from_dict(json.loads(row["item_json"]))
        item = QuizItem.from_dict(json.loads(row["edited_json"])) if row["edited_json"] else original
        return BankEntry(item, original, row["status"], row["reviewer_note"], row["created_at"], row["updated_at"])

    def get(self, item_id: str) -> BankEntry:
        row = self._db.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise QuizBankError(f"không có câu hỏi {item_id!r} trong ngân hàng")
        return self._entry(row)

    def list(self, status: str | None = None, doc_number: str | None = None) -> list[BankEntry]:
        if status is not None and status not in STATUSES:
            raise QuizBankError(f"trạng thái {status!r} không hợp lệ; chọn một trong: {', '.join(STATUSES)}")
        sql, args = "SELECT * FROM items WHERE 1=1", []
        if status:
            sql += " AND status = ?"
            args.append(status)
        if doc_number:
            sql += " AND (',' || doc_numbers || ',') LIKE ?"
            args.append(f"%,{doc_number},%")
        return [self._entry(r) for r in self._db.execute(sql + " ORDER BY created_at, id", args)]

    def approved_items(self, doc_number: str | None = None) -> list[QuizItem]:
        return [e.item for e in self.list("approved", doc_number)]
