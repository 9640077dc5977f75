"""Named SQLite migrations, applied once each and recorded in a `migrations` table.

One implementation for every SQLite file under KTGS_HOME (catalog, Q&A log, users, audit).
"""
from __future__ import annotations

import sqlite3
import time
from typing import Sequence


def apply_migrations(db: sqlite3.Connection, migrations: Sequence[tuple[str, str]]) -> list[str]:
    """Apply the (name, sql script) pairs not yet recorded in `migrations`; return their names."""
    with db:
        db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        done = {r[0] for r in db.execute("SELECT name FROM migrations")}
    applied = []
    for name, sql in migrations:
        if name in done:
            continue
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        db.executescript(f"BEGIN; {sql}; INSERT INTO migrations VALUES ('{name}', '{stamp}'); COMMIT;")
        applied.append(name)
    return applied
