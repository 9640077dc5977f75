"""References inside a unit's text to units of this or another document, parsed and resolved.

"điểm a khoản 2 Điều này", "khoản 1 Điều 30 của Luật này", "các khoản 1, 2 và 3 Điều 13",
"từ Điều 12 đến Điều 18", "Chương VI của Luật Tố cáo", "Điều 7 Quy định số 69-QĐ/TW".

`parse_crossrefs(text)` finds every reference group in a text: one or more chains (smallest level
first, as written: điểm < khoản < Điều < Mục < Chương < Phần) with lists and ranges expanded, and
the document phrase after them (this document, another by number or by name, or none).
`resolve_unit_refs(unit, corpus)` turns them into targets with unit ids, or leaves a target
unresolved with a reason code and a Vietnamese reason; nothing is guessed: a document named
ambiguously, a unit number that occurs twice, a reference with no document in a text that has no
Điều of its own all stay unresolved.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ktgs.contracts import Document, Unit
from ktgs.ingest.outline import ORDINALS, POINT_LETTERS, _int_to_roman, roman_or_int
from ktgs.ingest.references import extract_references
from ktgs.ingest.text import fold_diacritics

LEVELS = ("diem", "khoan", "dieu", "muc", "chuong", "phan")   # smallest first
_RANK = {lv: i for i, lv in enumerate(LEVELS)}
LEVEL_NAMES = {"diem": "điểm", "khoan": "khoản", "dieu": "Điều", "muc": "Mục", "chuong": "Chương",
               "phan": "Phần"}
HERE = "này"

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

# --- the scanner --------------------------------------------------------------------------------
_W = r"[^\W_]"          # a letter or digit (Vietnamese letters included)
_KW = {
    "diem": r"[Đđ]iểm", "khoan": r"[Kk]hoản", "dieu": r"Điều|điều", "muc": r"Mục",
    "chuong": r"Chương", "phan": r"Phần",
}
_DES = {
    "diem": r"[a-zđ](?:\d{1,2})?", "khoan": r"\d{1,3}[a-z]?", "dieu": r"\d{1,3}[a-zđ]?",
    "muc": r"\d{1,2}", "chuong": r"[IVXLC]{1,6}|\d{1,2}",
    "phan": r"thứ\s+(?:nhất|hai|ba|tư|năm|sáu|bảy|tám|chín|mười)|[IVXLC]{1,5}|\d{1,2}",
}
_END = rf"(?!{_W})(?!\.\d|\.[A-ZĐ])"
_HEAD = re.compile(
    r"(?<![^\W_])(?:(?P<tu>[Tt]ừ)\s+)?(?:(?P<cac>[Cc]ác)\s+)?(?P<kw>" + "|".join(
        f"(?P<{lv}>{kw})" for lv, kw in _KW.items()) + r")\s+(?P<des>" + "|".join(
        sorted({d for d in _DES.values()}, key=len, reverse=True)) + r"|này)" + _END)
_SEP = re.compile(r"\s*,\s*(?:và\s+|hoặc\s+)?|\s+(?:và|hoặc|và/hoặc)\s+")
_TO = re.compile(r"\s+(?:đến|tới)\s+")
_LINK = re.compile(r"\s*,?\s+(?:(?:của|tại|thuộc|trong)\s+)?|\s*,\s*")
# "của Luật này", "Nghị định này" …
_SELF = re.compile(
    r"(?:Bộ luật|Luật|Quy định|Nghị định|Hướng dẫn|Quy chế|Thông tư|Điều lệ|Pháp lệnh|Nghị quyết|"
    r"Quyết định|Hiến pháp|Văn bản|Kết luận|Chỉ thị|Thông báo|Đề án)\s+này" + _END)
# a named document not known to the corpus: "Điều lệ Đảng", "Luật Cán bộ, công chức", "Bộ luật Hình sự"
_NAMED = re.compile(
    r"(?:Điều lệ Đảng|Hiến pháp(?:\s+năm\s+\d{4})?|(?:Bộ luật|Luật|Pháp lệnh)\s+(?!này\b|số\b)(?:[^\W\d_]+)"
    r"(?:[ ,]+(?!số\b|năm\b|và\b|thì\b|hoặc\b|về\b|quy\b|được\b|có\b|này\b)[\wà-ỹ]+){0,6})" + _END)
_DOC_LEAD = re.compile(r"\s*,?\s*(?:(?:của|tại|thuộc|trong|theo)\s+)?")
# the unit's own heading line ("Điều 26. Tiếp nhận …", "Chương III"), not a reference
_STRUCT_HEADING = re.compile(r"(?:Phần|Chương|Mục|Điều)\s+\S+\s*(?:[.:]|$)", re.MULTILINE)
_YEAR_AFTER = re.compile(r"\s*(?:năm|ngày\s+\d{1,2}[/.-]\d{1,2}[/.-]|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm)\s*(\d{4})")


@dataclass
class DocPhrase:
    kind: str                 # self | number | name | unknown_name | none
    doc_number: str = ""      # normalised number when written
    name: str = ""            # the name as written ("Luật Tố cáo")
    year: str = ""            # "năm 2018" / "ngày … 2018" after the number or name
    start: int = 0
    end: int = 0


@dataclass
class Chain:
    """One addressed unit: parts from the largest level to the smallest, e.g. [("dieu", "30"), ("khoan", "1")]."""
    parts: list[tuple[str, str]]


@dataclass
class RefGroup:
    start: int
    end: int                  # end of the written reference, document phrase included
    text: str
    chains: list[Chain]
    doc: DocPhrase


def _norm_des(level: str, des: str) -> str:
    des = " ".join(des.split())
    if des == HERE:
        return HERE
    if level in ("chuong", "phan", "muc"):
        if des.lower().startswith("thứ"):
            return str(ORDINALS.get(des.split()[-1].lower(), 0))
        return str(roman_or_int(des) or des)
    return des.lower() if level in ("dieu", "khoan", "diem") else des


def _des_re(level: str) -> re.Pattern:
    return re.compile(rf"(?:(?:{_KW[level]})\s+)?({_DES[level]}|này){_END}")


_DES_RE = {lv: _des_re(lv) for lv in LEVELS}
_HEAD_AT = {lv: re.compile(rf"(?:(?P<tu>[Tt]ừ)\s+)?(?:[Cc]ác\s+)?(?:{_KW[lv]})\s+({_DES[lv]}|này){_END}") for lv in LEVELS}


def _expand(level: str, a: str, b: str) -> list[str] | None:
    """'12'..'18' → ['12', …, '18']; điểm 'a'..'đ' by the Vietnamese letter order."""
    if level == "diem":
        if a in POINT_LETTERS and b in POINT_LETTERS and POINT_LETTERS.index(a) < POINT_LETTERS.index(b):
            return list(POINT_LETTERS[POINT_LETTERS.index(a):POINT_LETTERS.index(b) + 1])
        return None
    if a.isdigit() and b.isdigit() and int(a) < int(b) <= int(a) + 200:
        return [str(i) for i in range(int(a), int(b) + 1)]
    return None


def _segment(text: str, pos: int, level: str) -> tuple[list[str], int] | None:
    """The designators of one level written at `pos` ("các khoản 1, 2 và 3", "từ Điều 12 đến Điều 18")."""
    m = _HEAD_AT[level].match(text, pos)
    if not m:
        return None
    values = [_norm_des(level, m.group(2))]
    end = m.end()
    if m.group("tu"):
        t = _TO.match(text, end)
        d = t and _DES_RE[level].match(text, t.end())
        if d:
            rng = _expand(level, values[0], _norm_des(level, d.group(1)))
            if rng is None:
                return None            # a range we cannot expand is not guessed
            return rng, d.end()
    while True:
        s = _SEP.match(text, end)
        if not s:
            break
        d = _DES_RE[level].match(text, s.end())
        if not d or _norm_des(level, d.group(1)) == HERE:
            break
        # "khoản 1, Điều 5": a designator of this level only, not the head of a higher level
        values.append(_norm_des(level, d.group(1)))
        end = d.end()
    return values, end


def _level_at(text: str, pos: int) -> str | None:
    m = _HEAD.match(text, pos)
    if not m:
        return None
    return next(lv for lv in LEVELS if m.group(lv))


def _chain(text: str, pos: int) -> tuple[list[list[tuple[str, str]]], int] | None:
    """A chain from `pos`: each level's designators, smallest level first in the text."""
    level = _level_at(text, pos)
    if level is None:
        return None
    seg = _segment(text, pos, level)
    if seg is None:
        return None
    values, end = seg
    levels: list[tuple[str, list[str]]] = [(level, values)]
    while True:
        link = _LINK.match(text, end)
        if not link:
            break
        nxt = _level_at(text, link.end())
        if nxt is None or _RANK[nxt] <= _RANK[levels[-1][0]]:
            break
        head = _HEAD_AT[nxt].match(text, link.end())
        if head is None or head.group("tu") or _norm_des(nxt, head.group(2)) == HERE and nxt == "khoan" \
                and levels[-1][0] != "diem":
            if head is None or head.group("tu"):
                break
        # "khoản 1 Điều 7, Điều 9 và Điều 10": Điều 7 closes this chain, the others start new ones
        levels.append((nxt, [_norm_des(nxt, head.group(2))]))
        end = head.end()
    # expand: the smallest level may list several designators; larger levels have one each
    fixed = [(lv, vals[0]) for lv, vals in reversed(levels[1:])]
    small_lv, small_vals = levels[0]
    return [fixed + [(small_lv, v)] for v in small_vals], end


def _doc_phrase(text: str, pos: int, refs_at: dict[int, object], names: Iterable[str]) -> DocPhrase:
    lead = _DOC_LEAD.match(text, pos)
    at = lead.end()
    m = _SELF.match(text, at)
    if m:
        return DocPhrase("self", start=at, end=m.end())
    ref = refs_at.get(at)
    if ref is not None:
        year = _YEAR_AFTER.match(text, ref.end)
        return DocPhrase("number", ref.doc_number, start=at, end=ref.end, year=year.group(1) if year else "")
    folded = fold_diacritics(text[at:at + 120]).lower()
    for name in sorted(names, key=len, reverse=True):
        f = fold_diacritics(name).lower()
        if folded.startswith(f) and not re.match(r"\w", folded[len(f):len(f) + 1]):
            end = at + len(name)
            # "Luật Tố cáo số 25/2018/QH14": the number decides
            num = re.match(r"\s*(?:số\s*)?", text[end:])
            ref = refs_at.get(end + num.end()) if num else None
            if ref is None:
                for r in refs_at.values():
                    if end <= r.start <= end + 6 and re.fullmatch(r"\s*(?:số\s*:?\s*)?", text[end:r.start]):
                        ref = r
            if ref is not None:
                year = _YEAR_AFTER.match(text, ref.end)
                return DocPhrase("number", ref.doc_number, text[at:end], year.group(1) if year else "", at, ref.end)
            year = _YEAR_AFTER.match(text, end)
            return DocPhrase("name", name=text[at:end], year=year.group(1) if year else "", start=at,
                             end=year.end() if year else end)
    m = _NAMED.match(text, at)
    if m:
        return DocPhrase("unknown_name", name=m.group(0), start=at, end=m.end())
    return DocPhrase("none", start=pos, end=pos)


def _is_heading(text: str, m: re.Match) -> bool:
    """'Điều 26. Tiếp nhận …' / 'Chương III' on its own line, '* Khoản 11 “…' of a guidance, a quoted
    article heading ('“Điều 3. Hiệu lực thi hành'): the structure of a text, not a reference."""
    line_start = text.rfind("\n", 0, m.start()) + 1
    before = text[line_start:m.start()]
    after = text[m.end():m.end() + 3]
    if before.strip() == "" and _STRUCT_HEADING.match(text, m.start()):
        return True
    if re.fullmatch(r"\s*[*•+-]?\s*", before) and m.group("khoan") and re.match(r"\s*(?:[.:“\"]|$)", after):
        return True
    return before.rstrip().endswith(("“", '"')) and re.match(r"\.\s", after) is not None


def parse_crossrefs(text: str, names: Iterable[str] = ()) -> list[RefGroup]:
    """Every reference group in `text`; `names` are document names known to the corpus ("Luật Tố cáo")."""
    names = list(names)
    refs_at = {}
    for r in extract_references(text):
        refs_at[r.phrase_start] = r
        refs_at.setdefault(r.start, r)
        # "Quy định số 69-QĐ/TW": the phrase may start at "số" when no type word is found
        k = text.rfind("số", max(0, r.start - 4), r.start)
        if k >= 0:
            refs_at.setdefault(k, r)
    groups: list[RefGroup] = []
    pos = 0
    for m in _HEAD.finditer(text):
        if m.start() < pos or _is_heading(text, m):
            continue
        first = _chain(text, m.start())
        if first is None:
            continue
        chains, end = first
        while True:       # "khoản 1 Điều 13 và khoản 2 Điều 14 của Luật này"
            s = _SEP.match(text, end)
            nxt = s and _chain(text, s.end())
            if not nxt:
                break
            chains += nxt[0]
            end = nxt[1]
        for i in range(len(chains) - 2, -1, -1):
            top, later = chains[i][0][0], chains[i + 1]
            if _RANK[later[0][0]] > _RANK[top]:
                chains[i] = [p for p in later if _RANK[p[0]] > _RANK[top]] + chains[i]
        doc = _doc_phrase(text, end, refs_at, names)
        stop = max(end, doc.end)
        groups.append(RefGroup(m.start(), stop, text[m.start():stop], [Chain(c) for c in chains], doc))
        pos = stop
    return groups


# --- resolution ---------------------------------------------------------------------------------
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
        if re.fullmatch(_DES[level], des, re.IGNORECASE if level in ("phan",) else 0):
            out.append((level, _norm_des(level, des)))
    return out


def lookup_key(parts: list[tuple[str, str]]) -> tuple:
    """The key a unit is found by: from the Điều down when there is one, else the Phần/Chương/Mục path."""
    levels = [lv for lv, _ in parts]
    if "dieu" in levels:
        return tuple(p for p in parts if _RANK[p[0]] <= _RANK["dieu"])
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
             "target": self.label}
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


def own_text_mask(unit: Unit, children: list[Unit]) -> list[tuple[int, int]]:
    """Spans of `unit.text` that belong to its children (a reference there is the child's)."""
    spans, cursor = [], 0
    for c in children:
        if not c.text:
            continue
        i = unit.text.find(c.text, cursor)
        if i < 0:
            i = unit.text.find(c.text[:40], cursor)
        if i < 0:
            continue
        spans.append((i, i + len(c.text)))
        cursor = i + len(c.text)
    return spans


def _label(parts: list[tuple[str, str]]) -> str:
    out = []
    for lv, v in reversed(parts):
        if lv in ("chuong", "phan") and v.isdigit():
            v = _int_to_roman(int(v)) if lv == "chuong" else v
        out.append(f"{LEVEL_NAMES[lv]} {v}")
    return " ".join(out)


_LEAD_DOC = re.compile(r"(?:của|tại|theo)\s+(?P<doc>.{3,120}?)\s*:\s*$", re.DOTALL)
_ITEM_LABEL = re.compile(r"^\s*(?:[a-zđ]\d{0,2}\)|\d{1,3}[.)]|[-–•+])\s*")


# outline numbering of a Party guidance, explicitly of this text: "Điểm 3.6 và 3.7, Mục 3 của Hướng dẫn này"
_OUTLINE_REF = re.compile(
    r"(?<![^\W_])(?:[Đđ]iểm|[Tt]iểu mục|[Mm]ục)\s+(\d{1,2}(?:\.\d{1,2}){0,3})"
    r"((?:\s*(?:,|và)\s*\d{1,2}(?:\.\d{1,2}){1,3})*)(?![.\d])"
    r"(?:\s*,\s*(?:[Mm]ục|[Pp]hần)\s+(?:\d{1,2}|[IVX]{1,4}))?\s+(?:của|tại)\s+"
    r"(?:Hướng dẫn|Quy định|Đề án|Kế hoạch|Quy chế|Chỉ thị|Nghị quyết|Kết luận) này(?![^\W_])")


def _outline_refs(unit: Unit, corpus: Corpus, citing: Document) -> list[Target]:
    """Numbered headings (1., 1.1., 1.1.1.) of a text without Điều, named with "… này": their unit ids."""
    keys = corpus.keys(citing.doc_id)
    if keys.has_articles:
        return []
    out = []
    for m in _OUTLINE_REF.finditer(unit.text):
        numbers = [m.group(1)] + re.findall(r"\d{1,2}(?:\.\d{1,2})+", m.group(2) or "")
        for n in numbers:
            uid = f"{citing.doc_id}/{n.replace('.', '-')}"
            found = uid in keys.ids
            out.append(Target(unit.unit_id, m.group(0), n, citing.doc_number, citing.doc_id,
                              uid if found else None, "" if found else "unit_not_found", m.start(), m.end()))
    return out


def resolve_unit_refs(unit: Unit, corpus: Corpus, children: list[Unit] = (),
                      parent: Unit | None = None, parent_children: list[Unit] = ()) -> list[Target]:
    """The targets of every reference in `unit`'s own text (its children's text excluded)."""
    citing = corpus.documents.get(unit.doc_id) or Document(doc_id=unit.doc_id)
    mask = own_text_mask(unit, list(children))
    here = dict(path_parts(unit.path))
    out: list[Target] = [t for t in _outline_refs(unit, corpus, citing)
                         if not any(s <= t.start < e for s, e in mask)]
    taken = [(t.start, t.end) for t in out]
    for g in parse_crossrefs(unit.text, corpus.names):
        if any(s <= g.start < e for s, e in mask) or any(s < g.end and g.start < e for s, e in taken):
            continue
        doc = g.doc
        inherited = False
        if doc.kind == "none" and parent is not None and _ITEM_LABEL.match(unit.text) \
                and _ITEM_LABEL.match(unit.text).end() == g.start:
            lead = _lead_in(parent, parent_children)
            m = _LEAD_DOC.search(lead)
            if m:
                cand = _doc_phrase(lead, m.start("doc"), {r.phrase_start: r for r in extract_references(lead)},
                                   corpus.names)
                if cand.kind != "none" and cand.end >= len(lead.rstrip().rstrip(":").rstrip()):
                    doc, inherited = cand, True
        relative_only = all(any(v == HERE for _, v in c.parts) for c in g.chains)   # "khoản 1 Điều này"
        if doc.kind == "none" and not inherited and not relative_only \
                and _names_other_doc_after(unit.text, g.end, citing):
            doc = DocPhrase("unknown", start=g.end, end=g.end)
        if doc.kind in ("self", "none") and not inherited and _in_footnote(unit.text, g.start):
            doc = DocPhrase("unknown", start=g.end, end=g.end)   # a note quoting the amending law
        doc_id, number, reason = corpus.doc_for(doc, citing)
        for chain in g.chains:
            parts = list(chain.parts)
            code = reason
            relative = doc.kind in ("self", "none") and not inherited
            if any(v == HERE for _, v in parts):
                if not relative:
                    code = code or "relative_missing"
                for i, (lv, v) in enumerate(parts):
                    if v == HERE:
                        if lv not in here:
                            code = "relative_missing"
                        else:
                            parts[i] = (lv, here[lv])
            top = parts[0][0]
            if not code and relative and top in ("khoan", "diem", "muc"):
                # "khoản 2" in an Điều, "điểm a" in a khoản, "Mục 2" in a Chương: the enclosing ones
                need = {"khoan": ["dieu"], "diem": ["dieu", "khoan"], "muc": ["chuong"]}[top]
                if all(n in here for n in need):
                    parts = [(n, here[n]) for n in need if n not in dict(parts)] + parts
                    # điểm a khoản 2 (bare): the Điều only
                    parts = sorted(parts, key=lambda p: -_RANK[p[0]])
                else:
                    code = "relative_missing"
            elif not code and top in ("khoan", "diem"):
                code = "incomplete"
            label = _label(parts)
            target = Target(unit.unit_id, g.text, label, number, doc_id, None, code, g.start, g.end,
                            doc.name)
            if not code:
                keys = corpus.keys(doc_id)
                if doc.kind == "none" and not inherited and not keys.has_articles:
                    target.reason_code = "unknown_document"
                else:
                    key = lookup_key(parts)
                    if key in keys.keys and keys.keys[key] is None:
                        target.reason_code = "duplicate_unit"
                    elif key in keys.keys:
                        target.unit_id = keys.keys[key]
                    else:
                        partial = corpus.documents[doc_id].is_partial
                        target.reason_code = "partial_document" if partial else "unit_not_found"
                        if doc.kind == "none" and not inherited:
                            target.reason_code = "unknown_document"
            out.append(target)
    return sorted(out, key=lambda t: t.start)     # text order; a group's chains keep theirs


def _names_other_doc_after(text: str, pos: int, citing: Document) -> bool:
    """'… tại điểm l khoản 2 Điều 57; bãi bỏ điểm a khoản 1 Điều 59 của Luật Đo đạc và bản đồ số …':
    a reference with no document of its own, followed in its paragraph (up to a line that ends with
    '.', ';' or ':'; a wrapped line does not end it) by another document's name."""
    end = re.compile(r"[.;:]\s*(?:\n|$)").search(text, pos)
    rest = text[pos:end.start() if end else len(text)]
    if any(r.doc_number != citing.doc_number for r in extract_references(rest)):
        return True
    return bool(re.search(r"\b(?:của|theo)\s+(?:Bộ luật|Luật|Pháp lệnh|Nghị quyết|Nghị định|Thông tư)\s+(?!này\b)[^\W\d_]", rest))


_FOOTNOTE = re.compile(r"\[\d{1,3}\]")


def _in_footnote(text: str, pos: int) -> bool:
    """After a '[12]' note marker on the same line: a consolidated text's note, whose "Luật này" is
    the amending law it quotes ("[2] Điều này được sửa đổi, bổ sung theo … Luật số 81/2025/QH15")."""
    return bool(_FOOTNOTE.search(text, text.rfind("\n", 0, pos) + 1, pos))


def _lead_in(parent: Unit, children: list[Unit]) -> str:
    spans = own_text_mask(parent, list(children))
    return parent.text[:spans[0][0]] if spans else parent.text


def resolve_document(document: Document, units: list[Unit], corpus: Corpus) -> list[Target]:
    """Targets of every reference in every unit of one document, in document order."""
    by_id = {u.unit_id: u for u in units}
    kids: dict[str | None, list[Unit]] = {}
    for u in units:
        kids.setdefault(u.parent_id, []).append(u)
    out: list[Target] = []
    for u in units:
        parent = by_id.get(u.parent_id) if u.parent_id else None
        out += resolve_unit_refs(u, corpus, kids.get(u.unit_id, []), parent,
                                 kids.get(u.parent_id, []) if parent else [])
    return out
