"""Header metadata read from the text itself: issuer, number, place and date, type, trích yếu.

Official Vietnamese documents open with a fixed block (Nghị định 30/2020/NĐ-CP; Hướng dẫn 36-HD/VPTW
for Party documents):

    BAN CHẤP HÀNH TRUNG ƯƠNG            ĐẢNG CỘNG SẢN VIỆT NAM
    Số 296-QĐ/TW                         Hà Nội, ngày 30 tháng 5 năm 2025
                        QUY ĐỊNH
         về công tác kiểm tra, giám sát và kỷ luật của Đảng

Text extraction puts these on separate lines in varying order; this module reads them in any order
from the top of the text, up to the first structural heading or "Căn cứ". Crawled text and OCR
often flatten the block onto a few lines ("Luật số:\n84/2025/QH15\nHà Nội, ngày 25 tháng 6 năm 2025
LUẬT THANH TRA"): `header_segments` cuts such lines at the motto, separators, cell bars, the
number, the place-and-date and the type word before they are read. A web page's own title line above
the header is skipped. OCR look-alikes inside a date ("ngày 1Š tháng II") are read as digits.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ktgs.ingest.labels import sentence_case, title_case_name
from ktgs.ingest.references import TYPE_NAMES, TYPE_WORDS, doc_type_from_number, normalise_doc_number

_ISSUER_START = re.compile(
    r"^(BAN CHẤP HÀNH|BAN BÍ THƯ|BỘ CHÍNH TRỊ|ỦY BAN|UỶ BAN|QUỐC HỘI|CHÍNH PHỦ|THỦ TƯỚNG|TỈNH ỦY|TỈNH UỶ|"
    r"THÀNH ỦY|THÀNH UỶ|HUYỆN ỦY|HUYỆN UỶ|ĐẢNG ỦY|ĐẢNG UỶ|ĐẢNG BỘ|CHI BỘ|BỘ |BAN |VĂN PHÒNG|HỘI ĐỒNG|"
    r"TỔNG BÍ THƯ|CHỦ TỊCH NƯỚC|TÒA ÁN|VIỆN KIỂM SÁT|KIỂM TOÁN|THANH TRA |TỔNG CỤC|CỤC |SỞ |NGÂN HÀNG NHÀ NƯỚC|"
    r"ĐẢNG ĐOÀN|BAN CÁN SỰ|ĐOÀN ĐẠI BIỂU)")
_MOTTO = re.compile(r"^(ĐẢNG CỘNG SẢN VIỆT NAM|CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|CỘNG HOÀ XÃ HỘI CHỦ NGHĨA"
                    r"|Độc lập\s*[-–]\s*Tự do|[-–_*=\s]+$)", re.IGNORECASE)
_NUMBER = re.compile(r"^(?:(?:Luật|Bộ luật|Pháp lệnh)\s+)?Số\s*:?\s*(.*?)\s*$", re.IGNORECASE)
_OCR_DIGIT = "0-9OoIlSŠš|"
_DATE_WORDS = re.compile(rf"^(?:(.{{2,40}}?),\s*)?ngày\s*([{_OCR_DIGIT}]{{1,2}})\s*tháng\s+([{_OCR_DIGIT}]{{1,2}})"
                         r"\s+năm\s+(\d{4})", re.IGNORECASE)
_DATE_BLANK = re.compile(r"^(?:(.{2,40}?),\s*)?ngày\s+(?:\d{1,2}\s+)?tháng\s+(?:\d{1,2}\s+)?năm\s+\d{4}", re.IGNORECASE)
_OCR_TO_DIGIT = str.maketrans("OoIlSŠš|", "00115551")
_DATE_SLASH = re.compile(r"^(?:(.{2,40}?),\s*)?(?:ngày\s+)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$", re.IGNORECASE)
_VV = re.compile(r"^V/v\s+(.+)$", re.IGNORECASE)
_TYPE_UPPER = "|".join(re.escape(w.upper()) for w, _ in TYPE_WORDS)
_TYPE_LINE = re.compile(r"^(" + _TYPE_UPPER + r")\b\s*[:.]?\s*(.*)$")
_NOTE_MARKS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾*"                      # a footnote mark glued to a number
_TYPE_NUMBER = re.compile(r"^SỐ\s*:?\s*(\S+)\s*(.*)$")       # "ÁN LỆ SỐ 43/2021/AL"
_BODY_START = re.compile(
    r"^([-–•*]\s*)?(Căn cứ|Phần\s+(thứ|[IVX\d])|PHẦN\s|Chương\s+[IVX\d]|CHƯƠNG\s|Mục\s+\d|Điều\s+\d+\s*[.:]|"
    r"[IVX]+\s*[.\-–]\s|\d+\s*[.\-]\s)", re.IGNORECASE)
_MAX_HEADER_LINES = 40


@dataclass
class Header:
    issuer: str = ""
    doc_number: str = ""
    place: str = ""
    issued_date: str = ""       # yyyy-mm-dd
    doc_type: str = ""
    type_word: str = ""         # as written: "QUY ĐỊNH"
    title: str = ""             # "Quy định về công tác kiểm tra, giám sát và kỷ luật của Đảng"
    body_start: int = 0         # char offset where the body (căn cứ, first heading) begins
    spans: list[tuple[int, int]] | None = None   # spans of the header lines that were read


def parse_header(text: str) -> Header:
    """Read the header block at the top of `text` (already normalised)."""
    h = Header(spans=[])
    lines = header_segments(text)
    issuers: list[str] = []
    title_lines: list[str] = []
    vv = ""
    state = "head"          # head → title (after the type word) → done
    seen = skipped = 0
    number_next = False     # "Luật số:" with the number on the next line
    for start, end, raw in lines:
        line = raw.strip().strip("*").strip()
        if not line:
            if state == "title" and title_lines:
                state = "after-title"
            continue
        seen += 1
        if seen > _MAX_HEADER_LINES:
            break
        if state in ("title", "after-title"):
            if _MOTTO.match(line):          # a rule under the title
                h.spans.append((start, end))
                continue
            if (state == "after-title" or _BODY_START.match(line) or line.endswith((";", ":"))
                    or (len(line) > 100 and line.endswith(".")) or len(title_lines) >= 4):
                h.body_start = start
                break
            title_lines.append(line)
            h.spans.append((start, end))
            h.body_start = end
            continue
        if _MOTTO.match(line):
            h.spans.append((start, end))
            continue
        if number_next:
            number_next = False
            number = normalise_doc_number(line.split()[0])
            if number and not h.doc_number:
                h.doc_number = number
                h.spans.append((start, end))
                continue
        m = _NUMBER.match(line)
        if m and not h.doc_number and len(line) < 60:
            rest = m.group(1)
            number = _number_token(rest) if rest and re.match(r"\d", rest) else None
            if number or not re.search(r"\d", rest):
                h.doc_number = number or ""       # "Số     - HD/BTCTU": left blank in a draft
                number_next = not rest
                h.spans.append((start, end))
                continue
        m = _DATE_WORDS.match(line) or _DATE_SLASH.match(line)
        if m and not h.issued_date:
            place, day, month, year = m.groups()
            day, month = int(day.translate(_OCR_TO_DIGIT)), int(month.translate(_OCR_TO_DIGIT))
            if 1 <= day <= 31 and 1 <= month <= 12:
                h.place = (place or "").strip()
                h.issued_date = f"{int(year):04d}-{month:02d}-{day:02d}"
                h.spans.append((start, end))
                continue
        m = _DATE_BLANK.match(line)
        if m and not h.issued_date:        # "Hà Nội, ngày    tháng 11 năm 2025": day left blank
            h.place = (m.group(1) or "").strip()
            h.spans.append((start, end))
            continue
        m = _VV.match(line)
        if m:
            vv = m.group(1).strip()
            h.spans.append((start, end))
            continue
        m = _TYPE_LINE.match(line)
        if m and line.upper() == line:
            h.type_word = m.group(1)
            h.doc_type = dict(TYPE_WORDS)[m.group(1).lower()]
            rest = m.group(2)
            n = _TYPE_NUMBER.match(rest)
            token = n.group(1).rstrip(_NOTE_MARKS) if n else ""
            if n and normalise_doc_number(token) and not h.doc_number:
                h.doc_number, rest = normalise_doc_number(token), n.group(2)
            if rest:
                title_lines.append(rest)
            h.spans.append((start, end))
            h.body_start = end
            state = "title"
            continue
        if _ISSUER_START.match(line) and line.upper() == line and state == "head":
            issuers.append(line)
            h.spans.append((start, end))
            h.body_start = end
            continue
        if _BODY_START.match(line) or len(line) > 160:
            break          # the body began without a recognisable header
        if state == "head" and not (h.doc_number or h.issued_date or issuers):
            if skipped == 0 and seen == 1 and _looks_like_header_below(lines, start):
                skipped += 1   # a web page's own title above the header ("Luật Thanh tra 2025")
                continue
            break          # first line is not a header line at all
    h.issuer = _issuer(issuers)
    word_type = h.doc_type
    by_number = doc_type_from_number(h.doc_number) if h.doc_number else ""
    if not h.doc_type or by_number in ("van-ban-hop-nhat", "an-le"):
        h.doc_type = by_number or h.doc_type   # a VBHN is headed "LUẬT …" like its base law
    if h.doc_type == "quy-dinh" and h.type_word == "QUYẾT ĐỊNH":
        h.doc_type = "quyet-dinh"
    h.title = _title(h.type_word, word_type or h.doc_type, title_lines, vv)
    if not (h.doc_number or h.issued_date or h.type_word or h.issuer):
        h.body_start = 0
    return h


def _number_token(rest: str) -> str | None:
    """The normalised number at the start of `rest`: "38 - HD/BTCTW", "99/2022/NĐ-CP", "43/2021/AL¹"."""
    joined = re.sub(r"\s*([-/])\s*", r"\1", rest.strip())
    return normalise_doc_number(joined.split()[0].rstrip(_NOTE_MARKS)) if joined else None


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append((pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def _looks_like_header_below(lines: list[tuple[int, int, str]], after: int) -> bool:
    """The next few segments hold header items (issuer, motto, number): the first line was a title
    the website put above the document."""
    near = [t.strip() for s, _, t in lines if s > after and t.strip()][:4]
    return any(_MOTTO.match(t) or (_ISSUER_START.match(t) and t.upper() == t) or _NUMBER.match(t) for t in near)


# ---- cutting flattened header lines -----------------------------------------------------------
_MOTTO_IN = re.compile(r"ĐẢNG CỘNG SẢN VIỆT NAM|(?<!NƯỚC )CỘNG H[OÒ]A XÃ HỘI CHỦ NGHĨA VIỆT NAM"
                       r"|Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*(?:[-–_=*]{3,}|\|)\s*")
_NUMBER_IN = re.compile(r"(?<!\S)(?:(?:Luật|Bộ luật|Pháp lệnh)\s+)?Số\s*:?\s*"
                        r"(?:\d[\w/.\-Đđ]*(?:\s*-\s*[A-ZĐ][\w/.\-Đđ]*)?|-\s*[A-ZĐ][\w/.\-Đđ]*|$)")
_DATE_IN = re.compile(rf"(?<!\S)(?:[A-ZĐ][^\W\d_]*(?:\s+[A-ZĐ][^\W\d_]*){{0,3}}\s*,\s*)?ngày\s*[{_OCR_DIGIT}]{{0,2}}"
                      rf"\s*tháng\s+[{_OCR_DIGIT}]{{1,2}}\s+năm\s+\d{{4}}")
_TYPE_IN = re.compile(r"(?<![^\W\d_])(" + _TYPE_UPPER + r")(?![^\W\d_])")


def header_segments(text: str, max_lines: int = 3 * _MAX_HEADER_LINES) -> list[tuple[int, int, str]]:
    """The lines of the top of `text`, each cut into the header items it holds, with their spans."""
    out: list[tuple[int, int, str]] = []
    for i, (start, end, raw) in enumerate(_lines(text)):
        if i >= max_lines or len(raw) > 600:
            out.append((start, end, raw))
            continue
        out += [(start + a, start + b, raw[a:b]) for a, b in _cut(raw)]
    return out


def _cut(line: str) -> list[tuple[int, int]]:
    """Spans of the header items of one line (the whole line when it holds one item)."""
    t = _type_cut(line)
    head_end = t[0] if t else len(line)
    cuts: list[tuple[int, int]] = []          # spans of recognised items in line[:head_end]
    for rx in (_MOTTO_IN, _DATE_IN, _NUMBER_IN, _SEPARATOR):
        for m in rx.finditer(line, 0, head_end):
            before = line[:m.start()].rstrip()
            if rx is _DATE_IN and before and before[-1].isalnum() and m.group(0).startswith("ngày"):
                continue                        # "… thông qua ngày 24 tháng 02 năm 2021": a sentence
            if m.end() > m.start() and not any(a < m.end() and m.start() < b for a, b in cuts):
                cuts.append((m.start(), m.end()))
    if not cuts and not t:
        return [(0, len(line))]
    spans, pos = [], 0
    for a, b in sorted(cuts):
        spans += [(pos, a), (a, b)]
        pos = b
    spans.append((pos, head_end))
    if t:
        spans += [t, (t[1], len(line))]
    out = []
    for a, b in spans:                          # strip, drop empty pieces and bare separators
        piece = line[a:b]
        lead = len(piece) - len(piece.lstrip())
        a, b = a + lead, a + len(piece.rstrip())
        if b > a and not _SEPARATOR.fullmatch(line[a:b]):
            out.append((a, b))
    return out or [(0, len(line))]


def _type_cut(line: str) -> tuple[int, int] | None:
    """Span of an upper-case type word and the upper-case title after it ("LUẬT THANH TRA") inside a
    longer line, when what comes before it is not part of an upper-case name."""
    for m in _TYPE_IN.finditer(line):
        before = line[:m.start()]
        tail = _MOTTO_IN.sub("", _DATE_IN.sub("", before)).rstrip(" -–_=*|")
        prev = tail.split()[-1] if tail.split() else ""
        if m.start() and prev and any(c.isalpha() for c in prev) and prev.upper() == prev \
                and not _MOTTO_IN.search(before[-45:]):
            continue                            # "… BỘ Y TẾ" style name: not a type line
        run = next((i for i in range(m.end(), len(line)) if line[i].islower()), len(line))
        words = line[m.end():run].split()
        end = m.end()
        if words:                               # the upper-case run, less a last capital of a word
            if run < len(line) and not line[run - 1].isspace():
                words = words[:-1]
            if words:
                end = line.index(words[-1], m.end()) + len(words[-1])
        if m.start() == 0 and end >= len(line.rstrip()):
            return None                         # the line is just the type line
        return m.start(), end
    return None


def _issuer(lines: list[str]) -> str:
    """Stacked issuer lines: the last one is the issuer, qualified by its parent body."""
    if not lines:
        return ""
    last = lines[-1]
    if len(lines) > 1:
        parent = re.sub(r"^BAN CHẤP HÀNH\s+", "", lines[-2])
        if parent and parent not in last:
            last = f"{last} {parent}"
    return _COMMON_NOUNS.sub(lambda m: m.group(1) + " " + m.group(2).lower(), title_case_name(last))


# two-syllable common nouns inside names keep their second syllable lower case ("Ban Tổ chức",
# "Văn phòng Quốc hội", "Bộ Y tế", "Thanh tra Chính phủ"); title_case_name capitalises every word
_COMMON_NOUNS = re.compile(r"\b(Văn|Tổ|Thanh|Y|Tài|Tư|Công|Nội|Tuyên|Dân|Kiểm|Quốc|Ngoại|Giáo|Xây|Tài|Lao|Nông"
                           r"|Khoa|Thông|Kế|Văn|Giao|Công)\s(Phòng|Chức|Tra|Tế|Chính|Pháp|An|Vụ|Giáo|Vận|Sát|Phòng"
                           r"|Giao|Dục|Dựng|Nguyên|Động|Nghiệp|Học|Tin|Hoạch|Hóa|Thông)\b")


def _title(type_word: str, doc_type: str, lines: list[str], vv: str) -> str:
    body = " ".join(" ".join(lines).replace("*", "").split())
    if not body and vv:
        body = vv
    if not body:
        return TYPE_NAMES.get(doc_type, "") if type_word else ""
    body = sentence_case(body)
    if not type_word:
        return body[:1].upper() + body[1:]
    kind = TYPE_NAMES.get(doc_type, type_word.capitalize())
    if doc_type not in ("luat", "bo-luat") and not re.match(r"(Ban|Bộ|Ủy|Đảng|Trung|Quốc|Chính|Tỉnh|Việt)\b", body):
        body = body[:1].lower() + body[1:]
    return f"{kind} {body}"
