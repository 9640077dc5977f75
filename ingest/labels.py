"""Human citation labels: "khoản 1 Điều 30 Luật Tố cáo số 25/2018/QH14", "Điều 7 Quy định số 69-QĐ/TW",
"Phần thứ hai, mục IV. Kinh phí thực hiện — Đề án nâng cao hiệu quả …"; and notes on the document
("(văn bản trong kho chưa đầy đủ)", "(đã hết hiệu lực)", "(nguyên văn khi ban hành)").
"""
from __future__ import annotations

import re

from ktgs.contracts import STATUS_EXPIRED, STATUS_NOT_YET, STATUS_PARTLY_EXPIRED, Document, Unit
from ktgs.ingest.references import TYPE_NAMES, normalise_doc_number

# names that keep their capitals when an ALL-CAPS line is put in sentence case
PROPER_PHRASES = [
    "Ban Chấp hành Trung ương", "Bộ Chính trị", "Ban Bí thư", "Ủy ban Kiểm tra", "Điều lệ Đảng",
    "Trung ương", "Quốc hội", "Chính phủ", "Thủ tướng", "Tỉnh ủy", "Thành ủy", "Đảng ủy", "Huyện ủy",
    "Nhà nước", "Nhân dân", "Mặt trận Tổ quốc", "của Đảng", "Việt Nam", "Hồ Chí Minh",
]
_PROPER_RE = re.compile(r"\b(" + "|".join(re.escape(p.lower()) for p in
                                          sorted(PROPER_PHRASES, key=len, reverse=True)) + r")\b")


_BEFORE_ROMAN = {"khóa", "khoá", "chương", "phần", "mục", "lần", "thứ", "đại", "hội"}


def sentence_case(text: str) -> str:
    """'IV. KINH PHÍ THỰC HIỆN' → 'IV. Kinh phí thực hiện'; leaves mixed-case text alone.

    Numbers and symbols ("07-QĐI/TW", "XIII") keep their case; known proper names are restored.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return text
    words: list[str] = []
    for w in text.split(" "):
        prev = words[-1].lower() if words else ""
        roman = re.fullmatch(r"[IVXLC]+[.:,;)]*", w) and (not words or prev in _BEFORE_ROMAN)
        if re.search(r"\d|/", w) or roman:
            words.append(re.sub(r"QĐI/", "QĐi/", w))
        else:
            words.append(w.lower())
    out = _PROPER_RE.sub(lambda m: _proper(m.group(1)), " ".join(words))
    prefix = re.match(r"\s*(?:[IVXLC]+\s*[.\-–]\s*|\d+(?:\.\d+)*\s*[.\-–]?\s*)?", out).end()
    return out[:prefix] + out[prefix:prefix + 1].upper() + out[prefix + 1:]


def _proper(lower: str) -> str:
    return next(p for p in PROPER_PHRASES if p.lower() == lower)


def title_case_name(text: str) -> str:
    """'ỦY BAN KIỂM TRA TỈNH ỦY THÁI NGUYÊN' → 'Ủy ban Kiểm tra Tỉnh ủy Thái Nguyên'."""
    low = " ".join(text.lower().split())
    out, pos = [], 0
    for m in _PROPER_RE.finditer(low):
        out.append(_capitalise_words(low[pos:m.start()]))
        out.append(_proper(m.group(1)))
        pos = m.end()
    out.append(_capitalise_words(low[pos:]))
    return "".join(out).strip()


def _capitalise_words(s: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in s.split(" "))


def document_name(document: Document) -> str:
    """'Luật Tố cáo số 25/2018/QH14', 'Quy định số 69-QĐ/TW', or the title when there is no number."""
    number = document.doc_number if _is_number(document) else ""
    if document.doc_type == "luat" and document.title and number:
        return f"{document.title} số {number}"
    if number and document.doc_type == "van-ban-hop-nhat":
        # "Văn bản hợp nhất số 112/VBHN-VPQH (Luật Tố cáo)": the law it consolidates, from its title
        law = re.sub(r"^\s*văn bản hợp nhất\s+|\s*\((?:văn bản hợp nhất|VBHN)\)\s*$", "", document.title or "",
                     flags=re.IGNORECASE).strip()
        return f"Văn bản hợp nhất số {number}" + (f" ({law})" if law else "")
    if number:
        kind = TYPE_NAMES.get(document.doc_type, "Văn bản")
        return f"{kind} số {number}"
    return document.title or document.doc_id


def _is_number(document: Document) -> bool:
    return bool(document.doc_number) and normalise_doc_number(document.doc_number) is not None


_LEGAL_NAMES = {"dieu": "Điều", "khoan": "khoản", "diem": "điểm"}


def citation_label(unit: Unit, document: Document) -> str:
    """The label a citation shows for `unit` of `document`."""
    name = document_name(document)
    if unit.level in ("dieu", "khoan", "diem"):
        parts = []
        for seg in reversed(unit.unit_id.split("/")[1:]):
            kind, _, num = seg.partition("-")
            if kind in _LEGAL_NAMES:
                parts.append(f"{_LEGAL_NAMES[kind]} {num}")
        return " ".join(parts + [name])
    if unit.level in ("chuong", "muc", "phan") and unit.path:
        # "Mục 1 Chương III Luật …": Mục numbers restart in every Chương
        return " ".join(list(reversed(unit.path)) + [name])
    if unit.level == "section":
        return _section_label(unit.path, name)
    if unit.level == "paragraph" and len(unit.path) > 1 and unit.path[-1].startswith("Đoạn "):
        # a paragraph child of a long section: cited as its section, "tiết c)" when it is a lettered item
        base = _section_label(unit.path[:-1], name)
        m = _TIET_RE.match(unit.text)
        return f"tiết {m.group(1)}) {base}" if m else base
    if unit.level == "paragraph":
        return f"{unit.heading} — {name}" if unit.heading else name
    return name


_TIET_RE = re.compile(r"([a-zđ]\d?)\)\s")
_POINT_RE = re.compile(r"(\d+(?:\.\d+)*)\.?(?:\s|$)")


def _section_label(path: list[str], name: str) -> str:
    """A Đề án's "Phần thứ hai, mục IV. Kinh phí thực hiện — <title>"; a numbered point of a document
    without Phần / roman parts (Quy định, Hướng dẫn of the Party) the way the sector cites it:
    "điểm 20.2 Quy định số 294-QĐ/TW"."""
    outer = any(p.lower().startswith("phần") or re.match(r"[IVXLC]+\.", p) for p in path)
    m = _POINT_RE.match(path[-1]) if path else None
    if not outer and m:
        return f"điểm {m.group(1)} {name}"
    return f"{_outline_label(path)} — {name}"


def _outline_label(path: list[str]) -> str:
    parts = []
    for i, p in enumerate(path):
        if p.lower().startswith("phần"):
            parts.append(p)
            continue
        m = re.match(r"([IVXLC]+)\.\s*(.*)", p)
        if m:
            title = sentence_case(m.group(2)).rstrip(":")
            parts.append(f"mục {m.group(1)}. {title}" if title else f"mục {m.group(1)}")
            continue
        m = re.match(r"(\d+(?:\.\d+)*)\.?\s*(.*)", p)
        if m and i == len(path) - 1:
            parts.append(f"mục {m.group(1)}")
    out = ", ".join(parts)
    return out[:1].upper() + out[1:]


def label_notes(document: Document) -> list[str]:
    notes = []
    if document.is_partial:
        notes.append("(văn bản trong kho chưa đầy đủ)")
    note = STATUS_NOTES.get(document.status)
    if note:
        notes.append(note)
    if (document.metadata or {}).get("history_of"):      # set on a hit by the searcher (ktgs.index.search)
        notes.append("(nguyên văn khi ban hành)")
    return notes


# the status of the hit's text on the question's date (Searcher puts the unit's status on Hit.document)
STATUS_NOTES = {STATUS_EXPIRED: "(đã hết hiệu lực)", STATUS_PARTLY_EXPIRED: "(hết hiệu lực một phần)",
                STATUS_NOT_YET: "(chưa có hiệu lực)"}
