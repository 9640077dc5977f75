"""Units → Qdrant points + catalog rows; files → incremental ingest.

Which units become points (INDEXED_LEVELS): dieu, khoan, section, paragraph. Heading-only units
(phan, chuong, muc) stay in the catalog as context; điểm stay there too, inside their khoản and
Điều text. A point's dense text is the breadcrumb (document title › Chương › Điều heading) on one
line, then the unit's normalised text; the BM25 leg reads the same text.

`index_paths()` is incremental: files whose content hash is unchanged are skipped, changed files
are re-parsed and their old units removed before the new ones are embedded, files that vanished
from a re-ingested folder are removed, and a file that fails is reported while the batch goes on.
"""
from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from tqdm import tqdm

from ktgs import access
from ktgs.contracts import Document, Unit
from ktgs.errors import IndexStateError, KtgsError
from ktgs.index import crossref_store
from ktgs.index.catalog import Catalog
from ktgs.index.consistency import begin_intent, check_open, end_intent, is_remote, repair_open
from ktgs.index.embedders import Embedder, get_embedder
from ktgs.index.manifest import Manifest
from ktgs.index.sparse import SparseEncoder
from ktgs.index.store import Point, Store, doc_number_key, open_store
from ktgs.ingest.parse import PARSER_VERSION, iter_files, parse_file
from ktgs.settings import Settings

INDEXED_LEVELS = ("dieu", "khoan", "section", "paragraph")
EMBED_BATCH = 32
# Dense input cap (characters, about one 512-token window of Vietnamese): a long Điều is embedded by
# its heading and opening, its khoản carry the rest. The BM25 leg reads the whole text.
DENSE_MAX_CHARS = 1800
OPTIMIZE_FROM = 20_000  # points; below this a plain scan is already a few milliseconds
_CONTAINER_TITLE = re.compile(r"^((?:Chương|Mục|Phần)\s+[^\s.:]+(?:\s+[a-zà-ỹ]+)?)[.:].*$")


def compact_breadcrumb(crumb: str) -> str:
    """Chương/Mục/Phần segments keep only their label: 'Luật Tố cáo › Chương III › Mục 3 › Điều 30. …'.

    Their ALL-CAPS titles cost many tokens and repeat on every unit of the chapter.
    """
    return " › ".join(_CONTAINER_TITLE.sub(r"\1", part) for part in crumb.split(" › "))


def dense_text(unit: Unit, document: Document | None = None) -> str:
    """Indexed text: compact breadcrumb + '\n' + unit text (both legs read it; dense is capped)."""
    crumb = unit.breadcrumb
    if not crumb:
        parts = ([document.title] if document and document.title else []) + list(unit.path[:-1])
        crumb = " › ".join(parts + [unit.heading or (unit.path[-1] if unit.path else "")])
    crumb = compact_breadcrumb(crumb)
    return f"{crumb}\n{unit.text}" if crumb else unit.text


def payload(unit: Unit, document: Document) -> dict:
    year = document.issued_date[:4]
    return {
        "unit_id": unit.unit_id, "doc_id": unit.doc_id, "doc_type": document.doc_type,
        "doc_number": document.doc_number, "doc_key": doc_number_key(document.doc_number),
        "issuer": document.issuer, "year": int(year) if year.isdigit() else None,
        "status": document.status, "access": access.level(document.access),
        "acl": access.acl(document.groups), "level": unit.level,
        "parent_id": unit.parent_id,
    }


def configured_embedder(settings: Settings, explicit: str | None = None) -> str | None:
    """The embedder the user asked for: an explicit name, or a non-default setting; else None."""
    if explicit:
        return explicit
    return settings.embedder if settings.embedder != Settings().embedder else None


class IndexHandle:
    """One open collection: settings, store, catalog, manifest and the embedder named by the
    manifest (loaded on first use). Indexer writes through it, Searcher reads through it."""

    def __init__(self, settings: Settings, store: Store, catalog: Catalog, manifest: Manifest | None,
                 embedder: Embedder | None = None):
        self.settings, self.store, self.catalog, self.manifest = settings, store, catalog, manifest
        self._embedder = embedder

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.manifest.embedder, self.settings)
        return self._embedder

    def close(self) -> None:
        self.store.close()
        self.catalog.close()


class Indexer(IndexHandle):
    """Writes documents into one collection: catalog rows for all units, points for indexed ones."""

    def __init__(self, settings: Settings, store: Store, catalog: Catalog, manifest: Manifest | None,
                 embedder: Embedder | None = None, progress: bool = True):
        super().__init__(settings, store, catalog, manifest, embedder)
        self.progress = progress and not settings.quiet
        self.manifest_path = Manifest.path_for(settings)

    @classmethod
    def open(cls, settings: Settings, embedder: str | Embedder | None = None, rebuild: bool = False,
             store: Store | None = None, progress: bool = True) -> "Indexer":
        """Open (or, with rebuild, wipe) the collection; check the manifest before any work.

        Crash safety (index/consistency.py): nothing is dropped because a local file is missing;
        such a state raises IndexStateError naming the repair. Leftovers of a killed ingest
        (vectors without catalog rows, documents without vectors) are repaired here on a local
        store, so this ingest completes the index; on a Qdrant server they are refused.
        """
        store = store or open_store(settings)
        catalog = Catalog.open(settings)
        path = Manifest.path_for(settings)
        obj = embedder if embedder is not None and not isinstance(embedder, str) else None
        wanted = obj.name if obj else configured_embedder(settings, embedder)
        if rebuild:
            if is_remote(store) and store.exists() and not path.is_file():
                raise IndexStateError(f"máy này không dựng bộ sưu tập {settings.collection!r} trên máy chủ "
                                      f"{store.name} (không có manifest của nó); ktgs không xóa nó khi --rebuild")
            catalog.clear()      # this order: a kill in between leaves orphans or an empty store, never
            store.drop()         # catalog rows without vectors
            path.unlink(missing_ok=True)
        manifest = Manifest.load(path) if path.is_file() else None
        if manifest is not None:
            manifest.check_pipeline()
            manifest.check_embedder(wanted)
        state = check_open(settings, store, catalog)
        if state.problems:
            raise IndexStateError("; ".join(state.problems))
        if manifest is not None and not store.exists():
            path.unlink()    # killed between writing the manifest and creating the store: nothing was written
            manifest = None
        repair_open(state, store, catalog)   # no-op on a consistent index
        if manifest is None:
            obj = obj or get_embedder(wanted or settings.embedder, settings)
        return cls(settings, store, catalog, manifest, obj, progress)

    def remove(self, doc_id: str) -> int:
        """Remove a document's catalog rows, then its points (a kill in between leaves only orphan
        vectors, which the next open deletes); return how many points went."""
        ids = self.catalog.unit_ids(doc_id, indexed_only=True)
        begin_intent(self.catalog, doc_id, ids)
        self.catalog.delete_document(doc_id)
        crossref_store.forget_document_refs(self.catalog, doc_id)
        self.store.delete(ids)
        end_intent(self.catalog, doc_id)
        return len(ids)

    def set_access(self, doc_id: str, level: str, groups=()) -> int:
        """Change a document's level and groups in the catalog and in every point's payload."""
        lvl, grp = access.level(level), list(access.groups_of(groups))
        ids = self.catalog.unit_ids(doc_id, indexed_only=True)
        self.store.set_payload(ids, {"access": lvl, "acl": access.acl(grp)})
        self.catalog.set_access(doc_id, lvl, grp)
        return len(ids)

    def add(self, items: Sequence[tuple[Document, Sequence[Unit]]]) -> int:
        """Index documents (replacing any with the same doc_id); return the number of points written."""
        levels = self.manifest.indexed_levels if self.manifest else list(INDEXED_LEVELS)
        work = []
        for document, units in items:
            chosen = [u for u in units if u.level in levels and u.text.strip()]
            texts = [dense_text(u, document) for u in chosen]
            work.append((document, units, chosen, texts))
        encoder = SparseEncoder()
        analysed = [[encoder.document_terms(t) for t in texts] for _, _, _, texts in work]
        if self.manifest is None:
            lengths = [n for doc in analysed for _, n in doc]
            self._create(sum(lengths) / max(len(lengths), 1), levels)
        encoder = SparseEncoder(self.manifest.avgdl, self.manifest.k1, self.manifest.b, self.manifest.saturate)
        total = sum(len(c) for _, _, c, _ in work)
        written = 0
        with tqdm(total=total, unit="unit", desc="Nhúng", disable=not self.progress) as bar:
            for (document, units, chosen, texts), terms in zip(work, analysed):
                # vectors first (ids are stable: an upsert replaces), then the document's catalog rows in
                # one transaction, then the vectors of units it no longer has: see index/consistency.py
                before = set(self.catalog.unit_ids(document.doc_id, indexed_only=True))
                begin_intent(self.catalog, document.doc_id, before | {u.unit_id for u in chosen})
                for i in range(0, len(chosen), EMBED_BATCH):
                    vectors = self.embedder.embed_documents([t[:DENSE_MAX_CHARS] for t in texts[i:i + EMBED_BATCH]])
                    self.store.upsert([
                        Point(u.unit_id, vec, encoder.weigh(*t), payload(u, document))
                        for u, vec, t in zip(chosen[i:i + EMBED_BATCH], vectors, terms[i:i + EMBED_BATCH])])
                    bar.update(len(vectors))
                self.catalog.put_document(document, units, levels)
                self.store.delete(sorted(before - {u.unit_id for u in chosen}))
                end_intent(self.catalog, document.doc_id)
                written += len(chosen)
        crossref_store.refresh_refs(self.catalog, [document.doc_id for document, _, _, _ in work])
        self.manifest.save(self.manifest_path)
        return written

    def _create(self, avgdl: float, levels: Sequence[str]) -> None:
        emb = self.embedder if self._embedder is not None else get_embedder(self.settings.embedder, self.settings)
        self._embedder = emb
        self.manifest = Manifest(collection=self.settings.collection, embedder=emb.name, dim=emb.dim,
                                 avgdl=round(avgdl, 3), backend=self.store.name.split(":")[0],
                                 indexed_levels=list(levels))
        self.manifest.save(self.manifest_path)   # before the store: vectors never exist without a manifest
        if not self.store.exists():
            self.store.create(emb.dim)


def index_units(items: Iterable[tuple[Document, Sequence[Unit]]], settings: Settings,
                embedder: str | Embedder | None = None, rebuild: bool = False, store: Store | None = None,
                progress: bool = True) -> int:
    """Index already-parsed documents (e.g. ALQAC articles turned into Units); return points written."""
    indexer = Indexer.open(settings, embedder=embedder, rebuild=rebuild, store=store, progress=progress)
    try:
        return indexer.add(list(items))
    finally:
        indexer.close()


@dataclass
class IngestReport:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)     # (path, reason)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    units_indexed: int = 0          # points embedded in this run
    units_removed: int = 0
    points_total: int = 0           # points in the store afterwards
    seconds: float = 0.0

    @property
    def units_per_s(self) -> float:
        return self.units_indexed / self.seconds if self.seconds else 0.0


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path]]:
    """Files to ingest (folders scanned recursively, README/MANIFEST skipped) and the folders given."""

    resolved = [Path(p).expanduser().resolve() for p in paths]
    files = [f.resolve() for f in iter_files(resolved)]
    return list(dict.fromkeys(files)), [p for p in resolved if p.is_dir()]


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def index_paths(paths: Iterable[str | Path], settings: Settings, progress: bool = True, rebuild: bool = False,
                embedder: str | Embedder | None = None, store: Store | None = None,
                access_level: str | None = None, access_groups: Iterable[str] | None = None) -> IngestReport:
    """Parse and index files and folders incrementally; see the module docstring.

    access_level / access_groups (`--access`, `--groups`) combine with front matter and
    `.ktgs-access` files as ktgs.access.ingest_access says.
    """

    t0 = time.perf_counter()
    report = IngestReport()
    indexer = Indexer.open(settings, embedder=embedder, rebuild=rebuild, store=store, progress=progress)
    try:
        files, folders = discover(paths)
        known = indexer.catalog.files()
        current = {str(f) for f in files}
        for path, rec in known.items():  # vanished from a folder given again
            if path not in current and any(Path(path).is_relative_to(d) for d in folders):
                report.units_removed += indexer.remove(rec.doc_id)
                indexer.catalog.delete_file(path)
                report.removed.append(path)
        owners = {rec.doc_id: p for p, rec in indexer.catalog.files().items()}
        parsed = []
        for f in tqdm(files, unit="tệp", desc="Đọc", disable=not indexer.progress):
            path, sha = str(f), _sha256(f)
            checksum = f"{sha}|{PARSER_VERSION}" if sha else None   # a new parser re-reads the file
            rec = known.get(path)
            if rec and checksum and rec.checksum == checksum:
                report.unchanged.append(path)
                continue
            try:
                result = parse_file(f, settings)
            except KtgsError as exc:
                report.failed.append((path, str(getattr(exc, "reason", exc))))
                continue
            except (ValueError, IndexError, KeyError) as exc:  # a parser bug must not stop the batch
                report.failed.append((path, f"lỗi phân tích cấu trúc: {type(exc).__name__}: {exc}"))
                continue
            doc_id = result.document.doc_id
            try:
                lvl, grp = access.ingest_access(result.document, f, access_level, access_groups,
                                                indexer.catalog.access_override(doc_id))
            except KtgsError as exc:
                report.failed.append((path, str(exc)))
                continue
            result.document.access, result.document.groups = lvl, list(grp)
            if owners.get(doc_id, path) != path:   # a number that belongs to another file: never merged
                note = (f"số hiệu {result.document.doc_number or doc_id} đã thuộc văn bản {doc_id} của tệp "
                        f"{owners[doc_id]}: có thể là văn bản giả mạo số hiệu; không gộp, không nạp")
                report.warnings.setdefault(path, []).append(note)
                report.failed.append((path, f"trùng mã văn bản {doc_id} với tệp {owners[doc_id]} ({note})"))
                continue
            if rec and rec.doc_id != doc_id:
                report.units_removed += indexer.remove(rec.doc_id)
            owners[doc_id] = path
            (report.changed if rec else report.new).append(path)
            if result.warnings:
                report.warnings[path] = list(result.warnings)
            parsed.append((path, checksum, result))
        if parsed:
            # a replacing document needs no re-index of the one it replaces: the catalog's relations
            # table is the legal graph's edges, and status is computed from it (ktgs.index.validity)
            items = [(r.document, r.units) for _, _, r in parsed]
            report.units_indexed = indexer.add(items)
            # the file records last, in one transaction: a run killed before this is redone in full
            indexer.catalog.put_files([(path, checksum or r.document.checksum, r.document.doc_id)
                                       for path, checksum, r in parsed])
        elif indexer.manifest is not None:
            indexer.manifest.save(indexer.manifest_path)
        report.points_total = indexer.store.count() if indexer.store.exists() else 0
        if parsed and report.points_total >= OPTIMIZE_FROM and hasattr(indexer.store, "optimize"):
            indexer.store.optimize()   # build HNSW now rather than search unindexed segments
    finally:
        indexer.close()
    report.seconds = time.perf_counter() - t0
    return report
