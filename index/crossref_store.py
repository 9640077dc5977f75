"""Unit references in the catalog, both ways: what a unit cites and which units cite it.

One row per target of a reference (`ingest.crossrefs.Target`); resolved rows carry the target's
unit id, unresolved ones a reason code. Rows of a document are rewritten whenever it is ingested;
references of other documents that named it (by number or name) or pointed into it are resolved
again, so a reference to a document not yet in the corpus resolves once that document arrives.
The table is the catalog migration "0003_unit_refs" (index/catalog.py lists it).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from ktgs.contracts import Unit
from ktgs.ingest.crossref_corpus import REASONS, Corpus, Target
from ktgs.ingest.crossref_resolve import resolve_document
from ktgs.ingest.text import fold_diacritics

if TYPE_CHECKING:  # the catalog imports this module for its migration
    from ktgs.index.catalog import Catalog

MIGRATION_NAME = "0003_unit_refs"
MIGRATION_SQL = """
    CREATE TABLE unit_refs (
        collection TEXT NOT NULL, source_doc TEXT NOT NULL, source_unit TEXT NOT NULL,
        ord INTEGER NOT NULL, text TEXT NOT NULL, label TEXT NOT NULL,
        span_start INTEGER NOT NULL, span_end INTEGER NOT NULL,
        target_doc_number TEXT NOT NULL DEFAULT '', target_doc TEXT, target_unit TEXT,
        reason_code TEXT NOT NULL DEFAULT '', doc_name TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (collection, source_doc, ord));
    CREATE INDEX unit_refs_source ON unit_refs (collection, source_unit);
    CREATE INDEX unit_refs_target ON unit_refs (collection, target_unit);
    CREATE INDEX unit_refs_target_doc ON unit_refs (collection, target_doc);
"""
_COLS = ("source_unit, text, label, target_doc_number, target_doc, target_unit, reason_code, "
         "span_start, span_end, doc_name")


def corpus_of(catalog: "Catalog") -> Corpus:
    return Corpus(catalog.documents(), lambda doc_id: catalog.units(doc_id))


def write_document_refs(catalog: "Catalog", doc_id: str, corpus: Corpus | None = None) -> list[Target]:
    """Resolve and store the references of every unit of one catalogued document."""
    corpus = corpus or corpus_of(catalog)
    document = corpus.documents.get(doc_id)
    targets = resolve_document(document, catalog.units(doc_id), corpus) if document else []
    c = catalog.collection
    with catalog.db:
        catalog.db.execute("DELETE FROM unit_refs WHERE collection=? AND source_doc=?", (c, doc_id))
        catalog.db.executemany(
            "INSERT INTO unit_refs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(c, doc_id, t.source_unit, i, t.text, t.label, t.start, t.end, t.doc_number or "", t.doc_id,
              t.unit_id, t.reason_code, t.doc_name) for i, t in enumerate(targets)])
    return targets


def refresh_refs(catalog: "Catalog", changed: Iterable[str]) -> int:
    """After documents were (re)catalogued: store their references, then resolve again those of
    other documents that name them by number or name or point into them. Returns documents written."""
    changed = list(dict.fromkeys(changed))
    corpus = corpus_of(catalog)
    numbers = {corpus.documents[d].doc_number for d in changed if d in corpus.documents} - {""}
    names = {fold_diacritics(corpus.documents[d].title).lower() for d in changed if d in corpus.documents}
    rows = catalog.db.execute(
        "SELECT DISTINCT source_doc, target_doc_number, doc_name, target_doc FROM unit_refs WHERE collection=?",
        (catalog.collection,)).fetchall()
    again = {src for src, number, name, target in rows
             if src not in changed and (number in numbers or target in changed
                                        or (name and fold_diacritics(name).lower() in names))}
    for doc_id in changed + sorted(again):
        write_document_refs(catalog, doc_id, corpus)
    return len(changed) + len(again)


def forget_document_refs(catalog: "Catalog", doc_id: str) -> None:
    """A document leaves the catalog: its references go; references into it become unresolved."""
    c = catalog.collection
    with catalog.db:
        catalog.db.execute("DELETE FROM unit_refs WHERE collection=? AND source_doc=?", (c, doc_id))
        catalog.db.execute(
            "UPDATE unit_refs SET target_unit=NULL, reason_code='not_in_corpus' "
            "WHERE collection=? AND target_doc=?", (c, doc_id))


def _target(row) -> Target:
    src, text, label, number, doc, unit, code, start, end, name = row
    return Target(src, text, label, number, doc, unit, code, start, end, name)


def cites(catalog: "Catalog", unit_id: str, with_children: bool = False) -> list[Target]:
    """What a unit's own text cites (with_children: also its khoản and điểm), in text order."""
    sql = f"SELECT {_COLS} FROM unit_refs WHERE collection=? AND (source_unit=?"
    args = [catalog.collection, unit_id]
    if with_children:
        sql += " OR source_unit LIKE ? ESCAPE '\\'"
        args.append(_like_prefix(unit_id))
    rows = catalog.db.execute(sql + ") ORDER BY source_doc, ord", args).fetchall()
    return [_target(r) for r in rows]


def cited_by(catalog: "Catalog", unit_id: str) -> list[str]:
    """Units whose text cites `unit_id` or a khoản/điểm inside it ("which articles point to Điều 30?"),
    in document order."""
    rows = catalog.db.execute(
        "SELECT source_unit, MIN(ord) FROM unit_refs WHERE collection=? AND (target_unit=? OR target_unit LIKE ? "
        "ESCAPE '\\') GROUP BY source_doc, source_unit ORDER BY source_doc, MIN(ord)",
        (catalog.collection, unit_id, _like_prefix(unit_id))).fetchall()
    return [r[0] for r in rows]


def _like_prefix(unit_id: str) -> str:
    return unit_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%"


def unit_refs_json(catalog: "Catalog", unit_id: str,
                   status_of: Callable[[str], str] | None = None) -> dict:
    """{"cites": [{text, doc_number, unit_id, target, reason?}], "cited_by": [unit ids]} — for
    `ktgs refs`, `ktgs doc show` and the Văn bản tab. `status_of(doc_id)` (validity) adds the cited
    document's status to each resolved cite."""
    out = []
    for t in cites(catalog, unit_id):
        d = t.to_json()
        if status_of is not None and t.unit_id and t.doc_id:
            d["status"] = status_of(t.doc_id)
        out.append(d)
    return {"cites": out, "cited_by": cited_by(catalog, unit_id)}


def document_refs(catalog: "Catalog", doc_id: str) -> dict[str, dict]:
    """unit_id → unit_refs_json for every unit of a document that cites or is cited (one query each way)."""
    out: dict[str, dict] = {}
    c = catalog.collection
    for row in catalog.db.execute(f"SELECT {_COLS} FROM unit_refs WHERE collection=? AND source_doc=? ORDER BY ord",
                                  (c, doc_id)):
        t = _target(row)
        out.setdefault(t.source_unit, {"cites": [], "cited_by": []})["cites"].append(t.to_json())
    for target, source in catalog.db.execute(
            "SELECT DISTINCT target_unit, source_unit FROM unit_refs WHERE collection=? AND target_doc=? "
            "ORDER BY source_doc, ord", (c, doc_id)):
        out.setdefault(target, {"cites": [], "cited_by": []})["cited_by"].append(source)
    return out


def referenced_units(unit: Unit, catalog: "Catalog", limit: int = 3) -> list[Unit]:
    """Units that `unit` (or its khoản/điểm) refers to and that it does not itself contain, in the
    order they are cited: "theo quy định tại khoản 1 Điều 30" → khoản 1 Điều 30."""
    ids = []
    for t in cites(catalog, unit.unit_id, with_children=True):
        u = t.unit_id
        if not u or u == unit.unit_id or u.startswith(unit.unit_id + "/") or unit.unit_id.startswith(u + "/"):
            continue
        if u not in ids:
            ids.append(u)
    found = catalog.units_by_id(ids)
    # a Chương / Mục / Phần is a heading over many articles, not a text to quote beside the evidence
    kept = [found[i] for i in ids if i in found and found[i].level not in ("phan", "chuong", "muc")]
    return kept[:limit]


def reference_counts(catalog: "Catalog") -> dict[str, int]:
    """How many targets are resolved and how many are not, per reason code."""
    rows = catalog.db.execute(
        "SELECT CASE WHEN target_unit IS NULL THEN reason_code ELSE 'resolved' END, COUNT(*) FROM unit_refs "
        "WHERE collection=? GROUP BY 1", (catalog.collection,)).fetchall()
    return {k: n for k, n in rows if k in REASONS or k == "resolved"}
