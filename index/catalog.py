"""SQLite catalog of documents, ALL their units (headings included) and ingested files.

KTGS_HOME/catalog.sqlite, one file for all collections (every row carries its collection).
Schema changes are named migrations, applied once each and recorded in `migrations`.
The vector store holds only the units that are searched; the catalog holds every unit, so that
hits can be shown with their Chương/Mục context and an Điều can list its khoản.
"""
from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ktgs.contracts import Document, Unit
from ktgs.ingest.relations import Event, events_of
from ktgs.index import consistency, crossref_store
from ktgs.migrations import apply_migrations

MIGRATIONS: list[tuple[str, str]] = [
    ("0001_initial", """
        CREATE TABLE documents (
            collection TEXT NOT NULL, doc_id TEXT NOT NULL,
            doc_number TEXT, doc_type TEXT, issuer TEXT, year INTEGER, status TEXT, access TEXT,
            title TEXT, source_path TEXT, checksum TEXT,
            data TEXT NOT NULL,               -- Document.to_dict() as JSON, without text
            text TEXT NOT NULL DEFAULT '',    -- the full normalised text
            PRIMARY KEY (collection, doc_id));
        CREATE TABLE units (
            collection TEXT NOT NULL, unit_id TEXT NOT NULL, doc_id TEXT NOT NULL,
            parent_id TEXT, level TEXT NOT NULL, ord INTEGER NOT NULL, indexed INTEGER NOT NULL,
            data TEXT NOT NULL,               -- Unit.to_dict() as JSON
            PRIMARY KEY (collection, unit_id));
        CREATE INDEX units_doc ON units (collection, doc_id, ord);
        CREATE INDEX units_parent ON units (collection, parent_id);
        CREATE TABLE files (
            collection TEXT NOT NULL, path TEXT NOT NULL, checksum TEXT NOT NULL,
            doc_id TEXT NOT NULL, ingested_at TEXT NOT NULL,
            PRIMARY KEY (collection, path));
    """),
    ("0002_relations", """
        CREATE TABLE relations (
            collection TEXT NOT NULL, doc_id TEXT NOT NULL,   -- the document whose text states it
            kind TEXT NOT NULL, actor TEXT NOT NULL, target TEXT NOT NULL,
            scope TEXT NOT NULL DEFAULT '', except_scope TEXT NOT NULL DEFAULT '',
            date TEXT NOT NULL DEFAULT '', unit_id TEXT NOT NULL DEFAULT '',
            stated_in TEXT NOT NULL DEFAULT '', text TEXT NOT NULL DEFAULT '');
        CREATE INDEX relations_target ON relations (collection, target);
        CREATE INDEX relations_actor ON relations (collection, actor);
        CREATE INDEX relations_doc ON relations (collection, doc_id);
    """),
    (crossref_store.MIGRATION_NAME, crossref_store.MIGRATION_SQL),   # unit references (SQL in its module)
    (consistency.MIGRATION_NAME, consistency.MIGRATION_SQL),         # ingest write intents (crash safety)
    ("0005_access_overrides", """
        CREATE TABLE access_overrides (        -- levels changed with `ktgs doc access`; survive re-ingest
            collection TEXT NOT NULL, doc_id TEXT NOT NULL, access TEXT NOT NULL,
            groups TEXT NOT NULL DEFAULT '[]', changed_at TEXT NOT NULL,
            PRIMARY KEY (collection, doc_id));
    """),
]


@dataclass
class FileRecord:
    path: str
    checksum: str
    doc_id: str
    ingested_at: str


def _year(document: Document) -> int | None:
    return int(document.issued_date[:4]) if document.issued_date[:4].isdigit() else None


class Catalog:
    def __init__(self, path: str | Path, collection: str):
        self.path = Path(path)
        self.collection = collection
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path))
        self.db.execute("PRAGMA journal_mode=WAL")
        self.migrate()

    @classmethod
    def open(cls, settings, collection: str | None = None) -> "Catalog":
        return cls(settings.home_path / "catalog.sqlite", collection or settings.collection)

    def migrate(self) -> list[str]:
        """Apply the migrations not yet applied; return their names."""
        applied = apply_migrations(self.db, MIGRATIONS)
        if "0002_relations" in applied:
            self._backfill_relations()
        return applied

    def _backfill_relations(self) -> None:
        """Documents catalogued before the relations table: their stored relations become events
        (re-ingest reads them again with units, scopes and dates)."""
        rows = self.db.execute("SELECT collection, data FROM documents").fetchall()
        with self.db:
            for collection, data in rows:
                document = Document.from_dict(json.loads(data))
                self.db.executemany(
                    "INSERT INTO relations VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    [(collection, document.doc_id, e.kind, e.actor, e.target, e.scope, e.except_scope, e.date,
                      e.unit_id, e.stated_in, e.text) for e in events_of(document)])

    def close(self) -> None:
        self.db.close()

    # --- writes -------------------------------------------------------------------------------
    def put_document(self, document: Document, units: Iterable[Unit], indexed_levels: Iterable[str]) -> None:
        """Replace a document and all its units (one transaction)."""
        levels = set(indexed_levels)
        c = self.collection
        with self.db:
            self._delete_document(document.doc_id)
            self.db.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (c, document.doc_id, document.doc_number, document.doc_type, document.issuer, _year(document),
                 document.status, document.access, document.title, document.source_path, document.checksum,
                 json.dumps(document.to_dict(), ensure_ascii=False), document.text))
            self.db.executemany(
                "INSERT INTO units VALUES (?,?,?,?,?,?,?,?)",
                [(c, u.unit_id, u.doc_id, u.parent_id, u.level, u.order, int(u.level in levels),
                  json.dumps(u.to_dict(), ensure_ascii=False)) for u in units])
            self.db.executemany(
                "INSERT INTO relations VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [(c, document.doc_id, e.kind, e.actor, e.target, e.scope, e.except_scope, e.date, e.unit_id,
                  e.stated_in, e.text) for e in events_of(document)])

    def _delete_document(self, doc_id: str) -> None:
        self.db.execute("DELETE FROM relations WHERE collection=? AND doc_id=?", (self.collection, doc_id))
        self.db.execute("DELETE FROM units WHERE collection=? AND doc_id=?", (self.collection, doc_id))
        self.db.execute("DELETE FROM documents WHERE collection=? AND doc_id=?", (self.collection, doc_id))

    def delete_document(self, doc_id: str) -> None:
        with self.db:
            self._delete_document(doc_id)
            self.db.execute("DELETE FROM files WHERE collection=? AND doc_id=?", (self.collection, doc_id))

    def put_file(self, path: str, checksum: str, doc_id: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?)",
                            (self.collection, path, checksum, doc_id, time.strftime("%Y-%m-%dT%H:%M:%S")))

    def put_files(self, records: Iterable[tuple[str, str, str]]) -> None:
        """(path, checksum, doc_id) rows in one transaction."""
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?)",
                                [(self.collection, p, c, d, stamp) for p, c, d in records])

    def delete_file(self, path: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM files WHERE collection=? AND path=?", (self.collection, path))

    def set_access(self, doc_id: str, access: str, groups: list[str]) -> None:
        """Record a document's new level and groups (catalog row and an override kept for re-ingest)."""
        document = self.document(doc_id)
        if document is None:
            return
        document.access, document.groups = access, list(groups)
        with self.db:
            self.db.execute("UPDATE documents SET access=?, data=? WHERE collection=? AND doc_id=?",
                            (access, json.dumps(document.to_dict(), ensure_ascii=False), self.collection, doc_id))
            self.db.execute("INSERT OR REPLACE INTO access_overrides VALUES (?,?,?,?,?)",
                            (self.collection, doc_id, access, json.dumps(list(groups)),
                             time.strftime("%Y-%m-%dT%H:%M:%S")))

    def access_override(self, doc_id: str) -> tuple[str, tuple[str, ...]] | None:
        row = self.db.execute("SELECT access, groups FROM access_overrides WHERE collection=? AND doc_id=?",
                              (self.collection, doc_id)).fetchone()
        return (row[0], tuple(json.loads(row[1]))) if row else None

    def clear(self) -> None:
        with self.db:
            for table in ("units", "documents", "files", "relations", "unit_refs", "ingest_intents"):
                self.db.execute(f"DELETE FROM {table} WHERE collection=?", (self.collection,))

    # --- reads --------------------------------------------------------------------------------
    def files(self) -> dict[str, FileRecord]:
        rows = self.db.execute("SELECT path, checksum, doc_id, ingested_at FROM files WHERE collection=?",
                               (self.collection,))
        return {r[0]: FileRecord(*r) for r in rows}

    def document(self, doc_id: str) -> Document | None:
        row = self.db.execute("SELECT data, text FROM documents WHERE collection=? AND doc_id=?",
                              (self.collection, doc_id)).fetchone()
        if row is None:
            return None
        doc = Document.from_dict(json.loads(row[0]))
        doc.text = row[1]
        return doc

    def documents(self) -> list[Document]:
        rows = self.db.execute("SELECT data FROM documents WHERE collection=? ORDER BY doc_type, doc_id",
                               (self.collection,))
        return [Document.from_dict(json.loads(r[0])) for r in rows]

    def relation_events(self) -> list[Event]:
        """Every relation event of the collection (the legal graph's edges)."""
        rows = self.db.execute("SELECT kind, actor, target, scope, except_scope, date, unit_id, stated_in, text, "
                               "doc_id FROM relations WHERE collection=? ORDER BY rowid", (self.collection,))
        return [Event(*r) for r in rows]

    def graph_version(self) -> tuple:
        """Changes whenever a document or its relations are written or removed."""
        return self.db.execute(
            "SELECT (SELECT COUNT(*) FROM documents WHERE collection=?), (SELECT COUNT(*) FROM relations "
            "WHERE collection=?), (SELECT COALESCE(MAX(rowid), 0) FROM relations), "
            "(SELECT COALESCE(MAX(rowid), 0) FROM documents)", (self.collection, self.collection)).fetchone()

    def unit(self, unit_id: str) -> Unit | None:
        row = self.db.execute("SELECT data FROM units WHERE collection=? AND unit_id=?",
                              (self.collection, unit_id)).fetchone()
        return Unit.from_dict(json.loads(row[0])) if row else None

    def units_by_id(self, unit_ids: Iterable[str]) -> dict[str, Unit]:
        ids = list(dict.fromkeys(unit_ids))
        out: dict[str, Unit] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            rows = self.db.execute(
                f"SELECT unit_id, data FROM units WHERE collection=? AND unit_id IN ({','.join('?' * len(chunk))})",
                (self.collection, *chunk))
            out.update({r[0]: Unit.from_dict(json.loads(r[1])) for r in rows})
        return out

    def units(self, doc_id: str, indexed_only: bool = False) -> list[Unit]:
        sql = "SELECT data FROM units WHERE collection=? AND doc_id=?" + (" AND indexed=1" if indexed_only else "")
        rows = self.db.execute(sql + " ORDER BY ord", (self.collection, doc_id))
        return [Unit.from_dict(json.loads(r[0])) for r in rows]

    def unit_ids(self, doc_id: str, indexed_only: bool = True) -> list[str]:
        sql = "SELECT unit_id FROM units WHERE collection=? AND doc_id=?" + (" AND indexed=1" if indexed_only else "")
        return [r[0] for r in self.db.execute(sql, (self.collection, doc_id))]

    def children(self, unit_id: str) -> list[Unit]:
        rows = self.db.execute("SELECT data FROM units WHERE collection=? AND parent_id=? ORDER BY ord",
                               (self.collection, unit_id))
        return [Unit.from_dict(json.loads(r[0])) for r in rows]

    def parents(self, unit_ids: Iterable[str]) -> dict[str, str | None]:
        """unit_id -> parent_id for every unit given and all their ancestors."""
        out: dict[str, str | None] = {}
        todo = [u for u in unit_ids if u]
        while todo:
            chunk = [u for u in dict.fromkeys(todo) if u not in out][:500]
            if not chunk:
                break
            rows = self.db.execute(
                f"SELECT unit_id, parent_id FROM units WHERE collection=? AND unit_id IN ({','.join('?' * len(chunk))})",
                (self.collection, *chunk)).fetchall()
            for u in chunk:
                out.setdefault(u, None)
            out.update({r[0]: r[1] for r in rows})
            todo = [p for p in (r[1] for r in rows) if p and p not in out] + [u for u in todo if u not in out]
        return out

    def count_units(self, indexed_only: bool = False) -> int:
        sql = "SELECT COUNT(*) FROM units WHERE collection=?" + (" AND indexed=1" if indexed_only else "")
        return self.db.execute(sql, (self.collection,)).fetchone()[0]
