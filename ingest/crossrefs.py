"""References inside a unit's text to units of this or another document: the grammar.

"điểm a khoản 2 Điều này", "khoản 1 Điều 30 của Luật này", "các khoản 1, 2 và 3 Điều 13",
"từ Điều 12 đến Điều 18", "Chương VI của Luật Tố cáo", "Điều 7 Quy định số 69-QĐ/TW".

`parse_crossrefs(text)` finds every reference group in a text: one or more chains (smallest level
first, as written: điểm < khoản < Điều < Mục < Chương < Phần) with lists and ranges expanded, and
the document phrase after them (this document, another by number or by name, or none).
Resolution to unit ids: `crossref_resolve.resolve_document` over a `crossref_corpus.Corpus`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ktgs.ingest import outline as ol
from ktgs.ingest.outline import ORDINALS, POINT_LETTERS, roman_or_int
from ktgs.ingest.references import extract_references
from ktgs.ingest.text import fold_diacritics

LEVELS = ("diem", "khoan", "dieu", "muc", "chuong", "phan")   # smallest first
RANK = {lv: i for i, lv in enumerate(LEVELS)}
LEVEL_NAMES = {"diem": "điểm", "khoan": "khoản", "dieu": "Điều", "muc": "Mục", "chuong": "Chương",
               "phan": "Phần"}
HERE = "này"


# --- the scanner --------------------------------------------------------------------------------
_W = r"[^\W_]"          # a letter or digit (Vietnamese letters included)
_KW = {
    "diem": r"[Đđ]iểm", "khoan": r"[Kk]hoản", "dieu": r"Điều|điều", "muc": r"Mục",
    "chuong": r"Chương", "phan": r"Phần",
}
DESIGNATORS = {
    "diem": r"[a-zđ](?:\d{1,2})?", "khoan": r"\d{1,3}[a-z]?", "dieu": r"\d{1,3}[a-zđ]?",
    "muc": r"\d{1,2}", "chuong": r"[IVXLC]{1,6}|\d{1,2}",
    "phan": r"thứ\s+(?:nhất|hai|ba|tư|năm|sáu|bảy|tám|chín|mười)|[IVXLC]{1,5}|\d{1,2}",
}
_END = rf"(?!{_W})(?!\.\d|\.[A-ZĐ])"
_HEAD = re.compile(
    r"(?<![^\W_])(?:(?P<tu>[Tt]ừ)\s+)?(?:(?P<cac>[Cc]ác)\s+)?(?P<kw>" + "|".join(
        f"(?P<{lv}>{kw})" for lv, kw in _KW.items()) + r")\s+(?P<des>" + "|".join(
        sorted({d for d in DESIGNATORS.values()}, key=len, reverse=True)) + r"|này)" + _END)
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


def norm_designator(level: str, des: str) -> str:
    des = " ".join(des.split())
    if des == HERE:
        return HERE
    if level in ("chuong", "phan", "muc"):
        if des.lower().startswith("thứ"):
            return str(ORDINALS.get(des.split()[-1].lower(), 0))
        return str(roman_or_int(des) or des)
    return des.lower() if level in ("dieu", "khoan", "diem") else des


def _des_re(level: str) -> re.Pattern:
    return re.compile(rf"(?:(?:{_KW[level]})\s+)?({DESIGNATORS[level]}|này){_END}")


_DES_RE = {lv: _des_re(lv) for lv in LEVELS}
_HEAD_AT = {lv: re.compile(rf"(?:(?P<tu>[Tt]ừ)\s+)?(?:[Cc]ác\s+)?(?:{_KW[lv]})\s+({DESIGNATORS[lv]}|này){_END}") for lv in LEVELS}


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
    values = [norm_designator(level, m.group(2))]
    end = m.end()
    if m.group("tu"):
        t = _TO.match(text, end)
        d = t and _DES_RE[level].match(text, t.end())
        if d:
            rng = _expand(level, values[0], norm_designator(level, d.group(1)))
            if rng is None:
                return None            # a range we cannot expand is not guessed
            return rng, d.end()
    while True:
        s = _SEP.match(text, end)
        if not s:
            break
        d = _DES_RE[level].match(text, s.end())
        if not d or norm_designator(level, d.group(1)) == HERE:
            break
        # "khoản 1, Điều 5": a designator of this level only, not the head of a higher level
        values.append(norm_designator(level, d.group(1)))
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
        if nxt is None or RANK[nxt] <= RANK[levels[-1][0]]:
            break
        head = _HEAD_AT[nxt].match(text, link.end())
        if head is None or head.group("tu"):
            break
        # one designator per higher level: in "khoản 1 Điều 7, Điều 9 và Điều 10" Điều 7 closes
        # this chain and the others start chains of their own
        levels.append((nxt, [norm_designator(nxt, head.group(2))]))
        end = head.end()
    # expand: the smallest level may list several designators; larger levels have one each
    fixed = [(lv, vals[0]) for lv, vals in reversed(levels[1:])]
    small_lv, small_vals = levels[0]
    return [fixed + [(small_lv, v)] for v in small_vals], end


def doc_phrase(text: str, pos: int, refs_at: dict[int, object], names: Iterable[str]) -> DocPhrase:
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
    line_end = text.find("\n", m.start())
    line = text[m.start():len(text) if line_end < 0 else line_end].strip()
    heading = ol.legal(line) or ol.phan(line) if before.strip() == "" else None
    if heading is not None and heading.kind in ("phan", "chuong", "muc"):
        return True       # "Chương I NHỮNG QUY ĐỊNH CHUNG": the structure parser's own heading
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
            if RANK[later[0][0]] > RANK[top]:
                chains[i] = [p for p in later if RANK[p[0]] > RANK[top]] + chains[i]
        doc = doc_phrase(text, end, refs_at, names)
        stop = max(end, doc.end)
        groups.append(RefGroup(m.start(), stop, text[m.start():stop], [Chain(c) for c in chains], doc))
        pos = stop
    return groups
