"""References to other documents ("Quy định số 69-QĐ/TW", "Nghị định số 31/2019/NĐ-CP") and the
relation phrases around them ("thay thế", "bãi bỏ", "sửa đổi, bổ sung", "hết hiệu lực", "căn cứ").

Numbers are normalised one way everywhere: spaces removed, "Đ" kept ("QĐ", "NĐ"), the look-alike
"Nð"/"Nđ" read as "NĐ", "TƯ" read as "TW", mixed-case suffixes kept as written officially ("QĐi", "TTg").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ktgs.contracts import Relation

# Party numbers: 296-QĐ/TW, 15-HD/UBKTTW, 07-QĐi/TW, 01-NQ/ĐH, "181- QĐ/TW", "296-QĐ/TƯ"
_L = "A-ZĐƯÐ"          # upper-case letters that occur in symbols
_PARTY = re.compile(
    rf"(?<![\w/-])(\d{{1,4}})\s*-\s*([{_L}][{_L}]{{0,4}}[iđð]?)\s*/\s*([{_L}][{_L}0-9]{{0,12}})(?!/|[^\W⁰¹²³⁴⁵⁶⁷⁸⁹])"
)
# State numbers: 25/2018/QH14, 31/2019/NĐ-CP, 123/2020/QĐ-TTg, 05/2021/TT-BTC; and old style 123/QĐ-TTg
_STATE = re.compile(
    rf"(?<![\w/-])(\d{{1,4}})\s*/\s*(?:(\d{{4}})\s*/\s*)?"
    rf"([{_L}][{_L}a-zđð]{{0,5}}\d{{0,2}}(?:-[{_L}][{_L}a-zđð0-9]{{0,9}}){{0,3}})(?!/|[^\W⁰¹²³⁴⁵⁶⁷⁸⁹])"
)

# type words (longest first), the doc_type slug they name
TYPE_WORDS: list[tuple[str, str]] = [
    ("thông báo kết luận", "thong-bao-ket-luan"), ("văn bản hợp nhất", "van-ban-hop-nhat"),
    ("bộ luật", "bo-luat"), ("án lệ", "an-le"),
    ("nghị quyết", "nghi-quyet"), ("nghị định", "nghi-dinh"), ("quyết định", "quyet-dinh"),
    ("quy định", "quy-dinh"), ("hướng dẫn", "huong-dan"), ("kết luận", "ket-luan"),
    ("chỉ thị", "chi-thi"), ("thông báo", "thong-bao"), ("thông tư", "thong-tu"),
    ("đề án", "de-an"), ("kế hoạch", "ke-hoach"), ("quy chế", "quy-che"), ("luật", "luat"),
    ("pháp lệnh", "phap-lenh"), ("hiến pháp", "hien-phap"), ("điều lệ", "dieu-le"),
    ("công văn", "cong-van"), ("báo cáo", "bao-cao"),
]
TYPE_NAMES = {slug: word[0].upper() + word[1:] for word, slug in TYPE_WORDS}

# the abbreviation in a number → doc_type
_SYMBOL_TYPES = {
    "QĐ": "quy-dinh", "QĐi": "quy-dinh", "NQ": "nghi-quyet", "KL": "ket-luan", "CT": "chi-thi",
    "HD": "huong-dan", "TB": "thong-bao", "KH": "ke-hoach", "ĐA": "de-an", "BC": "bao-cao",
    "QC": "quy-che", "NĐ": "nghi-dinh", "TT": "thong-tu", "TTLT": "thong-tu", "CV": "cong-van",
    "VBHN": "van-ban-hop-nhat", "AL": "an-le",
}

# issuing bodies named by the code at the end of a State number ("28/2021/NĐ-CP": Chính phủ)
ISSUER_CODES = {"CP": "Chính phủ", "TTg": "Thủ tướng Chính phủ", "VPQH": "Văn phòng Quốc hội",
                "UBTVQH": "Ủy ban Thường vụ Quốc hội", "TTCP": "Thanh tra Chính phủ", "CTN": "Chủ tịch nước",
                "BYT": "Bộ Y tế", "BTC": "Bộ Tài chính", "BTP": "Bộ Tư pháp", "BCA": "Bộ Công an",
                "BNV": "Bộ Nội vụ", "BQP": "Bộ Quốc phòng", "TANDTC": "Tòa án nhân dân tối cao",
                "VKSNDTC": "Viện kiểm sát nhân dân tối cao", "KTNN": "Kiểm toán nhà nước"}


def issuer_from_number(number: str) -> str:
    """The issuing body a normalised State number names ("" for Party numbers and unknown codes)."""
    if not re.match(r"\d+/(?:\d{4}/)?[^/]+$", number):
        return ""
    code = number.rsplit("/", 1)[-1].split("-")[-1]
    if re.fullmatch(r"QH\d+", code):
        return "Quốc hội"
    return ISSUER_CODES.get(re.sub(r"\d+$", "", code) if code.startswith("UBTVQH") else code, "")


_TYPE_WORD_RE = re.compile(
    r"(" + "|".join(re.escape(w) for w, _ in TYPE_WORDS) + r")", re.IGNORECASE)


def _fix_symbol(token: str) -> str:
    t = token.replace("ð", "đ").replace("Ð", "Đ").upper()
    return {"QĐI": "QĐi", "TTG": "TTg", "TƯ": "TW"}.get(t, t)


def normalise_doc_number(text: str) -> str | None:
    """The normalised number if `text` is exactly one document number, else None."""
    s = text.strip().strip(".,;:()")
    for rx, fmt in ((_PARTY, _fmt_party), (_STATE, _fmt_state)):
        m = rx.fullmatch(s)
        if m:
            return fmt(m)
    return None


def _fmt_party(m: re.Match) -> str:
    return f"{int(m.group(1)):02d}-{_fix_symbol(m.group(2))}/{_fix_symbol(m.group(3))}"


def _fmt_state(m: re.Match) -> str:
    symbol = "-".join(_fix_symbol(p) for p in m.group(3).split("-"))
    if m.group(2) and re.fullmatch(r"AL\d{1,2}", symbol):
        symbol = "AL"     # án lệ are numbered n/yyyy/AL; a digit glued after it is a footnote mark
    year = f"/{m.group(2)}" if m.group(2) else ""
    return f"{int(m.group(1)):02d}{year}/{symbol}"


def doc_type_from_number(number: str) -> str:
    """Best guess of the doc_type from the symbol of a normalised number ("" when unknown)."""
    if re.search(r"/QH\d+$", number):
        return "luat"
    if re.search(r"/\d{4}/AL$", number):
        return "an-le"
    head = number.split("/")[-1] if re.match(r"\d+/\d{4}/", number) or re.match(r"\d+/[^/]+$", number) else ""
    if head:  # state style: NĐ-CP, QĐ-TTg, TT-BTC (a state "QĐ" is a quyết định)
        first = head.split("-")[0]
        return "quyet-dinh" if first == "QĐ" else _SYMBOL_TYPES.get(first, "")
    symbol = number.split("-", 1)[-1].split("/")[0]
    return _SYMBOL_TYPES.get(symbol, "")


def doc_id_from_number(number: str, year: str = "") -> str:
    """'25/2018/QH14' → '25-2018-QH14'; '296-QĐ/TW' + 2025 → '296-QD-TW-2025' (Party numbers repeat)."""
    folded = unicodedata.normalize("NFD", number.replace("Đ", "D").replace("đ", "d"))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    slug = re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-")
    if year and not re.search(r"/\d{4}/", number):
        slug = f"{slug}-{year}"
    return slug


@dataclass
class Reference:
    doc_number: str       # normalised
    doc_type: str         # from the type word in front of it, else from the symbol
    start: int            # span of the number in the text
    end: int
    text: str             # the phrase as written ("Quy định số 69-QĐ/TW")
    phrase_start: int     # where the phrase (type word) starts


def extract_references(text: str) -> list[Reference]:
    """Every document number in `text`, in order, with the type word written before it."""
    found: list[Reference] = []
    taken: list[tuple[int, int]] = []
    for rx, fmt in ((_PARTY, _fmt_party), (_STATE, _fmt_state)):
        for m in rx.finditer(text):
            if rx is _STATE and not m.group(2) and "-" not in m.group(3):
                continue  # "30/5" dates, "1/6" … are not numbers; old style needs a symbol with '-'
            if rx is _STATE and re.fullmatch(r"\d{1,2}", m.group(1)) and m.group(3).isdigit():
                continue
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            number = fmt(m)
            word, slug, pstart = _type_word_before(text, m.start())
            found.append(Reference(number, slug or doc_type_from_number(number), m.start(), m.end(),
                                   text[pstart:m.end()], pstart))
    return sorted(found, key=lambda r: r.start)


def _type_word_before(text: str, pos: int) -> tuple[str, str, int]:
    line_start = text.rfind("\n", 0, pos) + 1
    window = text[max(line_start, pos - 80):pos]
    best = None
    for m in _TYPE_WORD_RE.finditer(window):
        best = m
    if not best:
        return "", "", pos
    between = window[best.end():]
    slug = dict(TYPE_WORDS)[best.group(1).lower()]
    # "Quy định số 69-QĐ/TW", "Quy định 22-QĐ/TW"; a law may carry its name: "Luật Tố cáo số 25/2018/QH14"
    direct = re.fullmatch(r"\s*(?:số\s*:?)?\s*", between, re.IGNORECASE)
    named_law = slug in ("luat", "bo-luat") and re.search(r"\bsố\s*:?\s*$", between) and len(between) < 70
    if direct or named_law:
        return best.group(1), slug, pos - len(window) + best.start()
    return "", "", pos


# ---- relations -------------------------------------------------------------------------------

_ACTIVE = [  # (pattern, kind) — checked on the text between the clause start and the reference
    (r"sửa đổi,?\s*bổ sung|sửa đổi", "amends"),
    (r"bãi bỏ|hết hiệu lực", "repeals"),
    (r"thay thế|thay cho", "replaces"),
    (r"căn cứ", "based_on"),
]
_PASSIVE = [  # the document itself is the object: "được thay thế bởi 69-QĐ/TW", "thay bằng 102-QĐ/TW"
    (r"(?:được|bị)\s+thay thế\s+bởi|thay bằng|được thay bởi", "replaced_by"),
    (r"(?:được|bị)\s+sửa đổi(?:,?\s*bổ sung)?\s+bởi", "amended_by"),
    (r"(?:được|bị)\s+bãi bỏ\s+bởi", "repealed_by"),
]
_CLAUSE_END = re.compile(r"\.\s+(?=[A-ZĐÀ-Ỹ“\"(])|\n")


def extract_relations(text: str, self_number: str = "") -> list[Relation]:
    """Relations of the document whose own number is `self_number` to the documents `text` names.

    A relation phrase before a reference in the same clause gives its kind; a phrase whose subject
    is another document ("Hướng dẫn 15-HD/UBKTTW … sửa đổi, bổ sung Hướng dẫn 05-HD/UBKTTW") is
    not this document's relation and the reference is only cited. Deduplicated, strongest kind kept.
    """
    refs = extract_references(text)
    relations: list[Relation] = []
    for i, ref in enumerate(refs):
        if ref.doc_number == self_number:
            continue
        clause_start = 0
        for m in _CLAUSE_END.finditer(text, 0, ref.phrase_start):
            clause_start = m.end()
        before = text[clause_start:ref.phrase_start]
        kind = _kind_in(before.lower(), _PASSIVE) or _subject_of(text, refs, i, self_number)
        if kind:
            relations.append(Relation(kind, ref.doc_number, ref.doc_type, _snippet(text, clause_start, ref.end)))
            continue
        if re.match(r"[^.;\n]{0,40}?\bhết hiệu lực", text[ref.end:ref.end + 60]):
            relations.append(Relation("repeals", ref.doc_number, ref.doc_type, _snippet(text, clause_start, ref.end + 40)))
            continue        # "Luật Tố cáo số 03/2011/QH13 hết hiệu lực kể từ …"
        kind, kw_pos = _last_kind(before.lower())
        # another document named before the phrase, itself not the object of an earlier phrase,
        # is the phrase's subject: "Hướng dẫn 15-HD/UBKTTW … sửa đổi, bổ sung Hướng dẫn 05-HD/UBKTTW"
        others = [r for r in refs[:i] if clause_start <= r.start < clause_start + kw_pos
                  and r.doc_number != self_number
                  and not _last_kind(text[clause_start:r.phrase_start].lower())[0]]
        if kind and others:
            kind = ""      # the phrase belongs to another document named before it
        relations.append(Relation(kind or "cites", ref.doc_number, ref.doc_type,
                                  _snippet(text, clause_start, ref.end)))
    return dedupe_relations(relations)


_PASSIVE_OF = {"amends": "amended_by", "replaces": "replaced_by", "repeals": "repealed_by"}


def _subject_of(text: str, refs: list[Reference], i: int, self_number: str) -> str:
    """'Quy định 264-QĐ/TW … sửa đổi Quy định 69-QĐ/TW' read in 69: 264 is what amends it."""
    if not self_number:
        return ""
    ref = refs[i]
    end = _CLAUSE_END.search(text, ref.end)
    nxt = next((r for r in refs[i + 1:]), None)
    if nxt is None or nxt.doc_number != self_number or (end and end.start() < nxt.start):
        return ""
    kind, _ = _last_kind(text[ref.end:nxt.phrase_start].lower())
    return _PASSIVE_OF.get(kind, "")


def _kind_in(text: str, table) -> str:
    for pattern, kind in table:
        if re.search(pattern, text):
            return kind
    return ""


def _last_kind(text: str) -> tuple[str, int]:
    best_kind, best_pos = "", -1
    for pattern, kind in _ACTIVE:
        for m in re.finditer(pattern, text):
            if m.start() > best_pos:
                best_kind, best_pos = kind, m.start()
    return best_kind, max(best_pos, 0)


def _snippet(text: str, start: int, end: int) -> str:
    s = " ".join(text[max(start, end - 200):end].split())
    return s


_STRENGTH = {"replaces": 5, "repeals": 5, "replaced_by": 5, "repealed_by": 5, "amends": 4,
             "amended_by": 4, "based_on": 3, "cites": 1}


def dedupe_relations(relations: list[Relation]) -> list[Relation]:
    """One relation per (kind, number); a number that has a stronger kind is not also 'cites'."""
    out: dict[tuple[str, str], Relation] = {}
    for r in relations:
        out.setdefault((r.kind, r.doc_number), r)
    strong = {n for k, n in out if k != "cites"}
    return [r for (k, n), r in out.items() if not (k == "cites" and n in strong)]
