"""Where a quiz's units come from and how its scope is chosen.

From the current index (KTGS_HOME): the catalog's documents and units. Without an index, a file
path parsed directly. Scope: documents (number, id or path), chương and điều.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ktgs.contracts import Document, Unit
from ktgs.access import Viewer
from ktgs.errors import AccessError, KtgsError
from ktgs.index.scoped import scoped
from ktgs.index.validity import Graph, as_date, vn_date
from ktgs.settings import Settings


@dataclass
class Corpus:
    documents: dict[str, Document]
    units: list[Unit]            # every unit of every loaded document (the distractor pool)


def _key(s: str) -> str:
    return re.sub(r"[^0-9a-zđ]+", "", s.lower())


def from_files(paths: list[str | Path], settings: Settings) -> Corpus:
    from ktgs.ingest.parse import parse_file

    docs, units = {}, []
    for p in paths:
        r = parse_file(p, settings)
        docs[r.document.doc_id] = r.document
        units += r.units
    return Corpus(docs, units)


def from_index(settings: Settings, viewer: Viewer | None = None) -> Corpus:
    """The documents and units of the index that `viewer` may see (all for the local user)."""
    from ktgs.index.search import Searcher

    searcher = scoped(Searcher.open(settings), viewer)
    try:
        docs = {d.doc_id: d for d in searcher.documents()}
        units = [u for d in docs for u in searcher.units(d)]
    finally:
        searcher.close()
    return Corpus(docs, units)


def load_corpus(docs: list[str], settings: Settings, viewer: Viewer | None = None) -> Corpus:
    """Documents named by path are parsed; otherwise the index of KTGS_HOME is read."""
    paths = [d for d in docs if Path(d).is_file()]
    if paths and viewer is not None:
        raise AccessError("với quyền của một người dùng, đề chỉ lấy từ văn bản trong kho (--doc số hiệu, không phải đường dẫn)")
    if paths and len(paths) == len(docs):
        return from_files(paths, settings)
    if paths:
        raise KtgsError("không trộn đường dẫn tệp với số hiệu văn bản trong cùng một lệnh --doc")
    return from_index(settings, viewer)


def select_units(corpus: Corpus, docs: list[str] = (), chuong: list[str] = (), dieu: list[str] = (),
                 history: bool = False, as_of=None) -> list[Unit]:
    """Units in scope: documents by number/id/path, then chương (roman or arabic) and điều numbers.

    Unless `history`, only units whose text is in force on `as_of` (today by default) and is the
    current wording (not the text as enacted of a law whose văn bản hợp nhất is loaded): a quiz
    key is never built from a replaced rule."""
    wanted_docs = set()
    for d in docs:
        if Path(d).is_file():
            wanted_docs |= {k for k, doc in corpus.documents.items()
                            if doc.source_path and Path(doc.source_path).resolve() == Path(d).resolve()}
            continue
        hit = {k for k, doc in corpus.documents.items() if _key(d) in (_key(doc.doc_number), _key(doc.doc_id))}
        if not hit:
            known = ", ".join(sorted(doc.doc_number or k for k, doc in corpus.documents.items())) or "(trống)"
            raise KtgsError(f"không có văn bản {d!r} trong kho; có: {known}")
        wanted_docs |= hit
    units = [u for u in corpus.units if not wanted_docs or u.doc_id in wanted_docs]
    if chuong:
        want = {f"Chương {c.strip().upper()}" for c in chuong}
        units = [u for u in units if any(p in want for p in u.path)]
    if dieu:
        want = {f"Điều {d.strip()}" for d in dieu}
        units = [u for u in units if any(p in want for p in u.path)]
    if not units:
        raise KtgsError("phạm vi đã chọn không có điều khoản nào")
    if history:
        return units
    graph = Graph.from_documents(list(corpus.documents.values()))
    day = as_date(as_of)
    current = []
    for u in units:
        st = graph.unit_status(u.unit_id, day, u.path)
        if st.current and not st.history:
            current.append(u)
    if not current:
        reason = graph.unit_status(units[0].unit_id, day, units[0].path).reason
        raise KtgsError(f"phạm vi đã chọn không có điều khoản nào còn hiệu lực vào {vn_date(day.isoformat())} "
                        f"({reason}); dùng --history để ôn văn bản cũ")
    return current
