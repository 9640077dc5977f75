"""Does an index agree with itself? Catalog ids against store ids, by scroll and by count.

The checker of Qdrant's crasher, for our three pieces of state: the vectors (store), the unit
catalog (SQLite) and the manifest. `check()` only reads; `repair()` deletes vectors that no
catalog row owns (left by an ingest killed between its upsert and its catalog write) and forgets
the file records of documents whose vectors are missing, so that the next `ktgs ingest` of the
same paths embeds them again. Nothing catalogued is ever deleted here.

With a Qdrant server the catalog and manifest are still local files of one machine: vectors
the local catalog does not know may be another machine's, so repair refuses to delete them.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from typing import TYPE_CHECKING, Iterable

from ktgs.errors import IndexStateError
from ktgs.index.manifest import Manifest
from ktgs.index.store import Store

if TYPE_CHECKING:  # the catalog imports this module for its migration
    from ktgs.index.catalog import Catalog

SAMPLE = 20   # ids listed per problem in the report

# Write intents: the unit ids whose vectors an ingest is about to write or delete, committed in the
# catalog before the store is touched and cleared once catalog and store agree again. A vector
# without a catalog row that an intent covers is work in progress (search never shows it: hits
# come from the catalog), not an inconsistency; the next ingest rolls it back.
MIGRATION_NAME = "0004_ingest_intents"
MIGRATION_SQL = """
    CREATE TABLE ingest_intents (
        collection TEXT NOT NULL, unit_id TEXT NOT NULL, doc_id TEXT NOT NULL,
        PRIMARY KEY (collection, unit_id));
"""


def begin_intent(catalog: "Catalog", doc_id: str, unit_ids: Iterable[str]) -> None:
    with catalog.db:
        catalog.db.executemany("INSERT OR REPLACE INTO ingest_intents VALUES (?,?,?)",
                               [(catalog.collection, u, doc_id) for u in unit_ids])


def end_intent(catalog: "Catalog", doc_id: str) -> None:
    with catalog.db:
        catalog.db.execute("DELETE FROM ingest_intents WHERE collection=? AND doc_id=?", (catalog.collection, doc_id))


def pending_intents(catalog: "Catalog") -> set[str]:
    return {r[0] for r in catalog.db.execute("SELECT unit_id FROM ingest_intents WHERE collection=?",
                                             (catalog.collection,))}


def is_remote(store: Store) -> bool:
    """A store shared with other machines (a Qdrant server), not a local shard or local mode."""
    return store.name.startswith("qdrant:") and not getattr(store, "local", False)


@dataclass
class ConsistencyReport:
    collection: str
    store: str
    manifest: bool = False
    store_exists: bool = False
    catalog_units: int = 0           # catalogued units that must have a vector (indexed=1)
    catalog_documents: int = 0
    points_counted: int = 0          # store.count()
    points_scrolled: int = 0         # points seen by scrolling the whole collection
    missing: list[str] = field(default_factory=list)      # catalogued, no vector
    orphans: list[str] = field(default_factory=list)      # vector, no catalog row, no write intent
    pending: list[str] = field(default_factory=list)      # vector, no catalog row, an interrupted write
    duplicates: list[str] = field(default_factory=list)   # unit id on more than one point
    stale_files: list[str] = field(default_factory=list)  # file record of a document not catalogued
    problems: list[str] = field(default_factory=list)     # one Vietnamese line each, with the repair

    @property
    def ok(self) -> bool:
        return not (self.missing or self.orphans or self.duplicates or self.stale_files or self.problems)

    @property
    def inconsistencies(self) -> int:
        return (len(self.missing) + len(self.orphans) + len(self.duplicates) + len(self.stale_files)
                + len(self.problems))

    def to_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok, "inconsistencies": self.inconsistencies}

    def lines(self) -> list[str]:
        out = [f"Chỉ mục {self.collection!r} ({self.store}): "
               f"{'nhất quán' if self.ok else f'{self.inconsistencies} điểm không nhất quán'}",
               f"  manifest: {'có' if self.manifest else 'không có'}; vector: "
               f"{'có' if self.store_exists else 'không có'}; văn bản trong danh mục: {self.catalog_documents}",
               f"  đơn vị cần vector: {self.catalog_units}; điểm đếm được: {self.points_counted}; "
               f"điểm duyệt được: {self.points_scrolled}"]
        for name, ids, what in (("missing", self.missing, "đơn vị trong danh mục nhưng thiếu vector"),
                                ("orphans", self.orphans, "vector không có trong danh mục"),
                                ("duplicates", self.duplicates, "đơn vị có nhiều hơn một điểm"),
                                ("stale_files", self.stale_files, "tệp đã ghi nhận nhưng văn bản không có")):
            if ids:
                more = f" … (+{len(ids) - SAMPLE})" if len(ids) > SAMPLE else ""
                out.append(f"  {what} ({len(ids)}): {', '.join(ids[:SAMPLE])}{more}")
        if self.pending:
            out.append(f"  {len(self.pending)} vector của một lần nạp bị ngắt (không hiện trong kết quả tìm kiếm); "
                       "lần `ktgs ingest` tới sẽ hoàn tất")
        out += [f"  {p}" for p in self.problems]
        if self.orphans or self.missing or self.stale_files:
            out.append("  Sửa: `ktgs index check --repair`, rồi chạy lại `ktgs ingest <thư mục>` như lần trước.")
        return out


def _catalog_state(catalog: "Catalog") -> tuple[set[str], int, list[str]]:
    c = catalog.collection
    units = {r[0] for r in catalog.db.execute("SELECT unit_id FROM units WHERE collection=? AND indexed=1", (c,))}
    docs = {r[0] for r in catalog.db.execute("SELECT doc_id FROM documents WHERE collection=?", (c,))}
    stale = sorted(p for p, rec in catalog.files().items() if rec.doc_id not in docs)
    return units, len(docs), stale


def check_open(settings, store: Store, catalog: "Catalog") -> ConsistencyReport:
    """Compare an open store and catalog (see the module docstring); reads only."""
    rep = ConsistencyReport(settings.collection, store.name)
    rep.manifest = Manifest.path_for(settings).is_file()
    rep.store_exists = store.exists()
    units, rep.catalog_documents, rep.stale_files = _catalog_state(catalog)
    rep.catalog_units = len(units)
    remote = is_remote(store)
    if rep.store_exists:
        ids = store.scroll_unit_ids()
        rep.points_scrolled, rep.points_counted = len(ids), store.count()
        seen = Counter(ids)
        rep.duplicates = sorted(u for u, n in seen.items() if n > 1)
        rep.missing = sorted(units - seen.keys())
        intents = pending_intents(catalog)
        rep.pending = sorted((seen.keys() - units) & intents)
        rep.orphans = sorted(seen.keys() - units - intents)
        if rep.points_counted != rep.points_scrolled:
            rep.problems.append(f"số điểm đếm được ({rep.points_counted}) khác số điểm duyệt được "
                                f"({rep.points_scrolled}); chạy `ktgs ingest --rebuild <thư mục>`")
    else:
        rep.missing = sorted(units)
    if not rep.manifest and rep.store_exists:
        if remote:
            rep.problems.append(
                f"bộ sưu tập {settings.collection!r} trên máy chủ có {rep.points_counted} điểm nhưng máy này không có "
                "manifest và danh mục của nó (có thể của máy khác); ktgs chưa chia sẻ danh mục qua máy chủ, nên "
                "không ghi vào đó: dùng `--collection` khác, hoặc chạy ktgs trên máy đã nạp bộ sưu tập này")
        else:
            rep.problems.append("có vector nhưng thiếu manifest; không xóa gì: chạy "
                                "`ktgs ingest --rebuild <thư mục>` để dựng lại chỉ mục")
    if rep.manifest and not rep.store_exists and (units or rep.catalog_documents):
        rep.problems.append(f"có manifest và danh mục ({rep.catalog_documents} văn bản) nhưng không có vector tại "
                            f"{store.name}; chạy `ktgs ingest --rebuild <thư mục>`")
    if remote and rep.orphans:
        rep.problems.append(f"{len(rep.orphans)} điểm trên máy chủ không có trong danh mục của máy này (của máy "
                            "khác hoặc của một lần nạp bị ngắt); ktgs không tự xóa chúng trên máy chủ")
    return rep


def check(settings, store: Store | None = None) -> ConsistencyReport:
    """Open the collection of `settings` read-only and check it."""
    from ktgs.index.catalog import Catalog   # the catalog imports this module for its migration
    from ktgs.index.store import open_store

    store = store or open_store(settings)
    catalog = Catalog.open(settings)
    try:
        return check_open(settings, store, catalog)
    finally:
        catalog.close()
        store.close()


def repair_open(rep: ConsistencyReport, store: Store, catalog: "Catalog") -> list[str]:
    """Roll back interrupted writes, delete orphan vectors (local stores only) and forget file
    records whose document lacks vectors or rows, so the next ingest of the same paths completes
    the index. Returns what was done."""
    done: list[str] = []
    if rep.pending or pending_intents(catalog):
        store.delete(rep.pending)
        with catalog.db:
            catalog.db.execute("DELETE FROM ingest_intents WHERE collection=?", (catalog.collection,))
        done.append(f"đã hủy phần dở dang của lần nạp bị ngắt ({len(rep.pending)} vector)")
    if rep.orphans:
        if is_remote(store):
            raise IndexStateError(f"{len(rep.orphans)} điểm trên máy chủ không có trong danh mục của máy này; "
                                  "ktgs không xóa dữ liệu trên máy chủ dựa vào tệp cục bộ")
        store.delete(rep.orphans)
        done.append(f"đã xóa {len(rep.orphans)} vector không có trong danh mục")
    if rep.missing:
        owners = {u.doc_id for u in catalog.units_by_id(rep.missing).values()}
        with catalog.db:
            for doc_id in sorted(owners):
                catalog.db.execute("DELETE FROM files WHERE collection=? AND doc_id=?", (catalog.collection, doc_id))
        done.append(f"{len(owners)} văn bản thiếu vector sẽ được nhúng lại ở lần `ktgs ingest` tới")
    if rep.stale_files:
        with catalog.db:
            for path in rep.stale_files:
                catalog.db.execute("DELETE FROM files WHERE collection=? AND path=?", (catalog.collection, path))
        done.append(f"{len(rep.stale_files)} tệp sẽ được đọc lại ở lần `ktgs ingest` tới")
    return done
