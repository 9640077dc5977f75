"""What resolving a reference needs to know about the corpus: documents by number and by name,
and each document's units by their Phần/Chương/Mục/Điều/khoản/điểm key; the Target a reference
resolves to (a unit id, or None with a reason code)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from ktgs.contracts import Document, Unit
from ktgs.ingest.crossrefs import DESIGNATORS, RANK, DocPhrase, norm_designator
from ktgs.ingest.text import fold_diacritics

# reason codes → the Vietnamese reason shown to users
REASONS = {
    "not_in_corpus": "văn bản được dẫn chiếu chưa có trong kho",
    "unit_not_found": "không tìm thấy đơn vị này trong văn bản được dẫn chiếu",
    "partial_document": "văn bản trong kho chỉ có một phần, không có đơn vị này",
    "ambiguous_document": "nhiều văn bản trong kho khớp với tên được dẫn chiếu",
    "unknown_document": "không rõ văn bản được dẫn chiếu",
    "relative_missing": "không xác định được đơn vị chứa dẫn chiếu (\"này\")",
    "duplicate_unit": "số hiệu đơn vị lặp lại trong văn bản được dẫn chiếu",
    "incomplete": "dẫn chiếu thiếu Điều",
}

_LABEL = re.compile(r"^(Phần|Chương|Mục|Điều|Khoản|Điểm)\s+(.+?)\s*$", re.IGNORECASE)
_LABEL_LEVEL = {"phần": "phan", "chương": "chuong", "mục": "muc", "điều": "dieu", "khoản": "khoan",
                "điểm": "diem"}


def path_parts(path: list[str]) -> list[tuple[str, str]]:
    """['Chương III', 'Mục 2', 'Điều 26', 'Khoản 1'] → [('chuong','3'), ('muc','2'), ('dieu','26'), ('khoan','1')]."""
    out = []
    for label in path:
        m = _LABEL.match(label)
        if not m:
            continue
        level = _LABEL_LEVEL[m.group(1).lower()]
        des = m.group(2).split(".")[0].split(":")[0].strip()
        if re.fullmatch(DESIGNATORS[level], des, re.IGNORECASE if level in ("phan",) else 0):
            out.append((level, norm_designator(level, des)))
    return out


def lookup_key(parts: list[tuple[str, str]]) -> tuple:
    """The key a unit is found by: from the Điều down when there is one, else the Phần/Chương/Mục path."""
    levels = [lv for lv, _ in parts]
    if "dieu" in levels:
        return tuple(p for p in parts if RANK[p[0]] <= RANK["dieu"])
    return tuple(parts)


class DocKeys:
    """unit key → unit id for one document (None where a key occurs twice)."""

    def __init__(self, units: Iterable[Unit]):
        self.keys: dict[tuple, str | None] = {}
        self.ids: set[str] = set()
        for u in units:
            self.ids.add(u.unit_id)
            parts = path_parts(u.path)
            if not parts or parts[-1][0] != u.level:
                continue
            for key in {lookup_key(parts), lookup_key([p for p in parts if p[0] != "phan"])}:
                if key:
                    self.keys[key] = None if key in self.keys and self.keys[key] != u.unit_id else u.unit_id

    @property
    def has_articles(self) -> bool:
        return any(k[0][0] == "dieu" for k in self.keys)


@dataclass
class Target:
    """One resolved (or not) target of a reference written in a unit."""
    source_unit: str
    text: str                     # the reference as written ("khoản 1 Điều 30 của Luật này")
    label: str                    # the one target it names ("khoản 1 Điều 30")
    doc_number: str               # the target document's number ("" when unknown)
    doc_id: str | None
    unit_id: str | None
    reason_code: str = ""
    start: int = 0                # span of the reference in the source unit's text
    end: int = 0
    doc_name: str = ""            # a name as written when there is no number

    @property
    def reason(self) -> str:
        return REASONS.get(self.reason_code, self.reason_code)

    def to_json(self) -> dict:
        d = {"text": self.text, "doc_number": self.doc_number or None, "unit_id": self.unit_id,
             "target": self.label, "start": self.start, "end": self.end}   # span in the citing unit's text
        if self.unit_id is None:
            d["reason"] = self.reason
            d["reason_code"] = self.reason_code
        return d


NAME_TYPES = ("luat", "bo-luat", "hien-phap", "dieu-le", "phap-lenh")


class Corpus:
    """What resolution needs to know about the documents: numbers, names and unit keys (lazy)."""

    def __init__(self, documents: Iterable[Document], units_of: Callable[[str], list[Unit]]):
        self.documents = {d.doc_id: d for d in documents}
        self._units_of = units_of
        self._keys: dict[str, DocKeys] = {}
        self.by_number: dict[str, list[str]] = {}
        self.by_name: dict[str, list[str]] = {}
        for d in self.documents.values():
            if d.doc_number:
                self.by_number.setdefault(d.doc_number, []).append(d.doc_id)
            if d.doc_type in NAME_TYPES and d.title and len(d.title) < 80:
                self.by_name.setdefault(fold_diacritics(d.title).lower(), []).append(d.doc_id)

    @classmethod
    def from_parsed(cls, items: Iterable[tuple[Document, list[Unit]]]) -> "Corpus":
        items = list(items)
        units = {d.doc_id: list(us) for d, us in items}
        return cls([d for d, _ in items], lambda doc_id: units.get(doc_id, []))

    @property
    def names(self) -> list[str]:
        return [self.documents[ids[0]].title for ids in self.by_name.values()]

    def keys(self, doc_id: str) -> DocKeys:
        if doc_id not in self._keys:
            self._keys[doc_id] = DocKeys(self._units_of(doc_id))
        return self._keys[doc_id]

    def doc_for(self, phrase: DocPhrase, citing: Document) -> tuple[str | None, str, str]:
        """(doc_id or None, doc_number, reason code) for a document phrase."""
        if phrase.kind in ("self", "none"):
            return citing.doc_id, citing.doc_number, ""
        if phrase.kind == "number":
            ids = self.by_number.get(phrase.doc_number, [])
            if phrase.year and len(ids) > 1:
                ids = [i for i in ids if self.documents[i].issued_date[:4] == phrase.year]
            if len(ids) == 1:
                return ids[0], phrase.doc_number, ""
            return None, phrase.doc_number, "ambiguous_document" if ids else "not_in_corpus"
        if phrase.kind == "name":
            ids = self.by_name.get(fold_diacritics(phrase.name).lower(), [])
            return self._by_date(ids, phrase, citing)
        if phrase.kind == "unknown":
            return None, "", "unknown_document"
        return None, "", "not_in_corpus"

    def _by_date(self, ids: list[str], phrase: DocPhrase, citing: Document) -> tuple[str | None, str, str]:
        """A name names the law of that name in force when the citing text was issued: the latest
        one issued before it; with no date to compare, only a single candidate is taken."""
        docs = [self.documents[i] for i in ids]
        when = citing.issued_date
        if phrase.year:
            docs = [d for d in docs if d.issued_date[:4] == phrase.year]
        elif when:
            # a law issued after the citing text cannot be the one it names (Luật Tố cáo 2018 is not
            # what a 2015 text meant); of those before it, the latest
            if any(not d.issued_date for d in docs) and len(docs) > 1:
                return None, "", "ambiguous_document"
            docs = sorted((d for d in docs if not d.issued_date or d.issued_date <= when),
                          key=lambda d: d.issued_date)[-1:]
        elif len(docs) > 1:
            return None, "", "ambiguous_document"
        if len(docs) == 1:
            return docs[0].doc_id, docs[0].doc_number, ""
        return None, "", "not_in_corpus" if not docs else "ambiguous_document"
