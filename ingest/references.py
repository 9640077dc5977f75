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
# A relation is read from one clause (a line, or a sentence inside it). Its kind comes from the
# phrase before the reference ("thay thế", "bãi bỏ", "căn cứ"), or from "hết hiệu lực" after it;
# its scope from the parts named just before the reference ("Chương V của Luật …"); the laws of
# a "… đã được sửa đổi, bổ sung một số điều theo Luật số A và Luật số B" chain amend the law
# before them and are not the object of the clause's verb.

_ACTIVE = [  # (pattern, kind) — the last one before the reference in its clause wins
    (r"sửa đổi,?\s*bổ sung|sửa đổi", "amends"),
    (r"bãi bỏ", "repeals"),
    (r"thay thế|thay cho", "replaces"),
    (r"căn cứ", "based_on"),
    (r"quy định chi tiết|hướng dẫn (?:thi hành|thực hiện)", "details"),
    (r"(?:thay thế|bãi bỏ|bỏ)\s+(?:các\s+)?cụm\s+từ", "amends"),   # a phrase changed: not the whole text
]
_PASSIVE = [  # the document itself is the object: "được thay thế bởi 69-QĐ/TW", "thay bằng 102-QĐ/TW"
    (r"(?:được|bị)\s+thay thế\s+bởi|thay bằng|được thay bởi", "replaced_by"),
    (r"(?:được|bị)\s+sửa đổi(?:,?\s*bổ sung)?\s+bởi", "amended_by"),
    (r"(?:được|bị)\s+bãi bỏ\s+bởi", "repealed_by"),
]
_CLAUSE_END = re.compile(r"\.\s+(?=[A-ZĐÀ-Ỹ“\"(])|\n")
# "… đã được sửa đổi, bổ sung một số điều theo Luật số": the next reference amends the one before
_AMENDER_LEAD = re.compile(r"^[\s,]*(?:\([^()]*\)\s*)?(?:ngày[^,;]{0,40}?\s*)?(?:của[^,;]{0,60}?\s*)?,?\s*"
                           r"(?:(?:đã\s+)?(?:được|bị)\s+)?sửa đổi,?\s*(?:bổ sung\s*)?(?:một số điều\s*)?"
                           r"(?:theo|bởi|tại)\s*(?:quy định tại\s*)?$", re.IGNORECASE)
_AMENDER_NEXT = re.compile(r"^\s*(?:,|và|,\s*và)\s*$")
_ENDS = re.compile(r"\bhết hiệu lực", re.IGNORECASE)
_PART = (r"(?:điểm\s+[a-zđ]\b|khoản\s+\d+|điều\s+\d+[a-z]?|chương\s+[IVXLC]+\b|mục\s+\d+|"
         r"phần\s+(?:thứ\s+\w+|[IVXLC]+\b))")
_SCOPE_TAIL = re.compile(rf"((?:{_PART})(?:(?:\s*,\s*|\s+và\s+|\s+)(?:{_PART}))*)\s+(?:của|tại|trong)\s*$",
                         re.IGNORECASE)
_SCOPE_TOPIC = re.compile(r"\b((?:những\s+)?quy định về\s+.{3,80}?)\s+(?:của|tại|trong)\s*$", re.IGNORECASE)
_EXCEPT = re.compile(r",?\s*(trừ\s+(?:quy định tại|trường hợp)\s+[^.;\n]+)", re.IGNORECASE)
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DATE_NUM = re.compile(r"ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", re.IGNORECASE)
_PARTY_NUMBER = re.compile(r"^\d+-[^/]+/")


def parse_vn_date(text: str) -> str:
    """'ngày 01 tháng 7 năm 2025' / 'ngày 06/7/2022' at the start of `text` → '2025-07-01' ('' if none)."""
    m = _DATE_WORDS.match(text) or _DATE_NUM.match(text)
    if not m:
        return ""
    d, mo, y = (int(g) for g in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else ""


def scope_before(text: str) -> str:
    """The part of a document named right before its reference: 'Chương V', 'khoản 3 Điều 63'."""
    m = _SCOPE_TAIL.search(text[-160:])
    if m:
        scope = " ".join(m.group(1).split())
        return scope[:1].upper() + scope[1:] if scope.lower().startswith(("chương", "điều", "mục", "phần")) else scope
    m = _SCOPE_TOPIC.search(text[-160:])
    return " ".join(m.group(1).split()) if m else ""


def extract_relations(text: str, self_number: str = "") -> list[Relation]:
    """Relations read in `text`, the text of the document whose own number is `self_number`.

    A relation phrase before a reference in the same clause gives its kind; "hết hiệu lực" after it
    makes it "ends"; a phrase whose subject is another document ("Hướng dẫn 15-HD/UBKTTW …
    sửa đổi, bổ sung Hướng dẫn 05-HD/UBKTTW") is that document's act (Relation.by); the laws of a
    "đã được sửa đổi, bổ sung … theo Luật số A và B" chain amend the law before them (by A, B).
    Each relation keeps its scope, an exception ("trừ …"), an explicit date and the verbatim
    clause. Deduplicated, strongest kind kept.
    """
    refs = [r for r in extract_references(text)]
    relations: list[Relation] = []
    amender_of: dict[int, int] = {}          # ref index → index of the law it amends
    for i in range(1, len(refs)):
        prev = refs[i - 1]
        between = text[prev.end:refs[i].phrase_start]
        if "\n" in between:
            continue
        if _AMENDER_LEAD.match(between):
            amender_of[i] = i - 1
        elif i - 1 in amender_of and _AMENDER_NEXT.match(between):
            amender_of[i] = amender_of[i - 1]
    for i, ref in enumerate(refs):
        if ref.doc_number == self_number:
            continue
        clause_start = 0
        for m in _CLAUSE_END.finditer(text, 0, ref.phrase_start):
            clause_start = m.end()
        end_m = _CLAUSE_END.search(text, ref.end)
        clause_end = end_m.start() if end_m else len(text)
        clause = _verbatim(text, clause_start, clause_end, ref)
        if i in amender_of:
            base = refs[amender_of[i]]
            if base.doc_number != self_number:
                relations.append(Relation("amends", base.doc_number, base.doc_type, clause, by=ref.doc_number))
            relations.append(Relation("cites", ref.doc_number, ref.doc_type, clause))
            continue
        before = text[clause_start:ref.phrase_start]
        scope = scope_before(before)
        passive = _kind_in(before.lower(), _PASSIVE) or _subject_of(text, refs, i, self_number)
        if passive:
            relations.append(Relation(passive, ref.doc_number, ref.doc_type, clause))
            continue
        ends = _ends_after(text, refs, i, amender_of, clause_end)
        if ends is not None:
            after = text[ends:clause_end]
            exc = _EXCEPT.search(after)
            date_m = re.search(r"(?:kể\s+)?từ\s+(ngày\s+\d[^,;]*)", after)
            date = parse_vn_date(date_m.group(1)) if date_m else ""
            relations.append(Relation("ends", ref.doc_number, ref.doc_type, clause, scope=scope,
                                      except_scope=exc.group(1).strip() if exc else "", date=date))
            continue
        kind, kw_pos = _last_kind(before.lower())
        if kind == "repeals" and scope and re.search(r"cụm\s+từ\s*[“\"][^”\"]*[”\"]\s*tại\s+[^“”]*$", before):
            kind = "amends"     # "bãi bỏ Điều 50; cụm từ “…” tại khoản 8 Điều 54 của Luật …": a phrase goes
        if kind and re.search(r"\btheo\b", before[kw_pos:].lower()) and kind != "based_on":
            kind = ""       # "… được thay thế bằng … theo quy định tại khoản 3 Điều 217 của Luật X": X is the authority
        # another document named before the phrase, itself not the object of an earlier phrase,
        # is the phrase's subject: "Hướng dẫn 15-HD/UBKTTW … sửa đổi, bổ sung Hướng dẫn 05-HD/UBKTTW"
        others = [r for r in refs[:i] if clause_start <= r.start < clause_start + kw_pos
                  and r.doc_number != self_number
                  and not _last_kind(text[clause_start:r.phrase_start].lower())[0]]
        if kind and others:
            if kind != "based_on":
                relations.append(Relation(kind, ref.doc_number, ref.doc_type, clause, scope=scope,
                                          by=others[-1].doc_number))
            kind = ""
        relations.append(Relation(kind or "cites", ref.doc_number, ref.doc_type, clause,
                                  scope=scope if kind in ("repeals", "replaces", "amends", "details") else ""))
    return dedupe_relations(relations)


def _verbatim(text: str, start: int, end: int, ref: Reference) -> str:
    """The clause as written (a substring of `text`), at most ~300 characters around the reference."""
    s, e = start, end
    if e - s > 300:
        s = max(s, ref.phrase_start - 200)
        e = min(e, max(ref.end + 100, s + 300))
        while s > start and not text[s - 1].isspace():
            s -= 1                          # whole words at both ends
        while e < end and not text[e].isspace():
            e += 1
    return text[s:e].strip()


def _ends_after(text: str, refs: list[Reference], i: int, amender_of: dict[int, int], clause_end: int) -> int | None:
    """Where "hết hiệu lực" starts when reference i is (one of) the subject(s) of it in its clause."""
    j = i
    while j + 1 < len(refs) and amender_of.get(j + 1) == i:
        j += 1                                   # skip the amending laws of the chain
    tail_start = refs[j].end
    m = _ENDS.search(text, tail_start, clause_end)
    if not m:
        return None
    gap = text[tail_start:m.start()]
    if len(gap) <= 40 and not re.search(r"[;]", gap):
        return m.start()
    # "Chương V của Luật … số 09/1998/QH10 …, Chương V của Luật Khiếu nại số 02/2011/QH13 hết hiệu lực":
    # a later subject joined by "," or "và" before the same "hết hiệu lực"
    later = [r for r in refs[j + 1:] if r.end <= m.start()]
    if later and re.match(r"^[^;]*$", gap) and all(k in amender_of or _ENDS.search(text, r.end, clause_end)
                                                   for k, r in enumerate(refs) if r in later):
        joined = re.match(r"^\s*(?:,|và)\s*", text[tail_start:later[0].phrase_start])
        lead = text[tail_start:later[0].phrase_start]
        if joined or re.match(r"^\s*,", lead):
            return m.start()
    return None


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
            if m.start() >= best_pos:
                best_kind, best_pos = kind, m.start()
    return best_kind, max(best_pos, 0)


_STRENGTH = {"replaces": 5, "repeals": 5, "ends": 5, "replaced_by": 5, "repealed_by": 5, "amends": 4,
             "amended_by": 4, "details": 3, "based_on": 3, "cites": 1}


def dedupe_relations(relations: list[Relation]) -> list[Relation]:
    """One relation per (kind, number, scope, by); a number that has a stronger kind of this document's
    own is not also 'cites'."""
    out: dict[tuple[str, str, str, str], Relation] = {}
    for r in relations:
        out.setdefault((r.kind, r.doc_number, r.scope, r.by), r)
    strong = {n for k, n, _, b in out if k != "cites" and not b}
    return [r for (k, n, _, b), r in out.items() if not (k == "cites" and n in strong)]
