"""Every answer logged to SQLite (KTGS_HOME/qa_log.sqlite): question, rewritten question,
retrieved unit ids and scores, answer, citations, grounded, mode, model ids, prompt id, timings.
Schema changes are named migrations, applied in order and recorded in the database.
"""
from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ktgs.contracts import Answer
from ktgs.migrations import apply_migrations

MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("001_create_qa_log", """
        CREATE TABLE qa_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ts TEXT NOT NULL,
            question TEXT NOT NULL,
            rewritten TEXT NOT NULL DEFAULT '',
            mode TEXT NOT NULL,
            answer TEXT NOT NULL,
            grounded INTEGER NOT NULL,
            citations TEXT NOT NULL,
            hits TEXT NOT NULL,
            model_ids TEXT NOT NULL,
            prompt_id TEXT NOT NULL DEFAULT '',
            timings TEXT NOT NULL
        )"""),
    ("002_index_ts", "CREATE INDEX qa_log_ts ON qa_log(ts)"),
    ("003_add_checks", "ALTER TABLE qa_log ADD COLUMN checks TEXT NOT NULL DEFAULT '[]'"),
    # [[level, [groups]], …] of the documents behind the hits: recent(viewer=…) shows a row only
    # to a viewer who may see all of them
    ("004_add_access", "ALTER TABLE qa_log ADD COLUMN access TEXT NOT NULL DEFAULT '[]'"),
)
FILENAME = "qa_log.sqlite"


class QALog:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), check_same_thread=False)
        self._migrate()

    def _migrate(self) -> None:
        apply_migrations(self.db, MIGRATIONS)

    def record(self, answer: Answer, checks: list[dict[str, Any]] | None = None) -> int:
        hits = [{"unit_id": h.unit.unit_id, "score": h.score, "dense": h.dense, "sparse": h.sparse,
                 "rank": h.rank} for h in answer.hits]
        row = (
            _now(), answer.question, answer.rewritten_question, answer.mode, answer.text,
            int(answer.grounded), _json([asdict(c) for c in answer.citations]), _json(hits),
            _json(answer.model_ids), answer.prompt_id, _json(answer.timings), _json(checks or []),
            _json(_access_of(answer)),
        )
        with self.db:
            cur = self.db.execute(
                "INSERT INTO qa_log (ts, question, rewritten, mode, answer, grounded, citations, hits,"
                " model_ids, prompt_id, timings, checks, access) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", row)
        return int(cur.lastrowid)

    def recent(self, n: int = 20, viewer: Any = None) -> list[dict[str, Any]]:
        """The last `n` rows; with a viewer (ktgs.access.Viewer) only rows whose every retrieved
        document that viewer may see (a hidden row is not counted either)."""
        cur = self.db.execute("SELECT * FROM qa_log ORDER BY id DESC")
        cols = [d[0] for d in cur.description]
        out = []
        for row in cur:
            rec = dict(zip(cols, row))
            for key in ("citations", "hits", "model_ids", "timings", "checks", "access"):
                rec[key] = json.loads(rec[key])
            if viewer is not None and not all(viewer.can_see(lvl, groups) for lvl, groups in rec["access"]):
                continue
            rec["grounded"] = bool(rec["grounded"])
            out.append(rec)
            if len(out) == n:
                break
        return out

    def close(self) -> None:
        self.db.close()


def _access_of(answer: Answer) -> list[list[Any]]:
    seen = {}
    for h in answer.hits:
        if h.document is not None:
            seen[h.document.doc_id] = [h.document.access, list(getattr(h.document, "groups", []))]
    return list(seen.values())


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
