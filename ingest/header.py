"""Header metadata read from the text itself: issuer, number, place and date, type, trích yếu.

Official Vietnamese documents open with a fixed block (Nghị định 30/2020/NĐ-CP; Hướng dẫn 36-HD/VPTW
for Party documents):

    BAN CHẤP HÀNH TRUNG ƯƠNG            ĐẢNG CỘNG SẢN VIỆT NAM
    Số 296-QĐ/TW                         Hà Nội, ngày 30 tháng 5 năm 2025
                        QUY ĐỊNH
         về công tác kiểm tra, giám sát và kỷ luật của Đảng

Text extraction puts these on separate lines in varying order; this module reads them in any order
from the top of the text, up to the first structural heading or "Căn cứ".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ktgs.ingest.labels import sentence_case, title_case_name
from ktgs.ingest.references import TYPE_NAMES, TYPE_WORDS, doc_type_from_number, normalise_doc_number

_ISSUER_START = re.compile(
    r"^(BAN CHẤP HÀNH|BAN BÍ THƯ|BỘ CHÍNH TRỊ|ỦY BAN|UỶ BAN|QUỐC HỘI|CHÍNH PHỦ|THỦ TƯỚNG|TỈNH ỦY|TỈNH UỶ|"
    r"THÀNH ỦY|THÀNH UỶ|HUYỆN ỦY|HUYỆN UỶ|ĐẢNG ỦY|ĐẢNG UỶ|ĐẢNG BỘ|CHI BỘ|BỘ |BAN |VĂN PHÒNG|HỘI ĐỒNG|"
    r"TỔNG BÍ THƯ|CHỦ TỊCH NƯỚC|TÒA ÁN|VIỆN KIỂM SÁT|KIỂM TOÁN)")
_MOTTO = re.compile(r"^(ĐẢNG CỘNG SẢN VIỆT NAM|CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|CỘNG HOÀ XÃ HỘI CHỦ NGHĨA"
                    r"|Độc lập\s*[-–]\s*Tự do|[-–_*=\s]+$)", re.IGNORECASE)
_NUMBER = re.compile(r"^(?:(?:Luật|Bộ luật|Pháp lệnh)\s+)?Số\s*:?\s*(.+?)\s*$", re.IGNORECASE)
_DATE_WORDS = re.compile(r"^(?:(.{2,40}?),\s*)?ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DATE_SLASH = re.compile(r"^(?:(.{2,40}?),\s*)?(?:ngày\s+)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$", re.IGNORECASE)
_VV = re.compile(r"^V/v\s+(.+)$", re.IGNORECASE)
_TYPE_LINE = re.compile(r"^(" + "|".join(re.escape(w.upper()) for w, _ in TYPE_WORDS) + r")\b\s*[:.]?\s*(.*)$")
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
    lines = _lines(text)
    issuers: list[str] = []
    title_lines: list[str] = []
    vv = ""
    state = "head"          # head → title (after the type word) → done
    seen = 0
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
            if state == "after-title" or _BODY_START.match(line) or line.endswith((";", ":")):
                h.body_start = start
                break
            title_lines.append(line)
            h.spans.append((start, end))
            h.body_start = end
            continue
        if _MOTTO.match(line):
            h.spans.append((start, end))
            continue
        m = _NUMBER.match(line)
        if m and not h.doc_number:
            number = normalise_doc_number(m.group(1).split()[0])
            if number:
                h.doc_number = number
                h.spans.append((start, end))
                continue
        m = _DATE_WORDS.match(line) or _DATE_SLASH.match(line)
        if m and not h.issued_date:
            place, day, month, year = m.groups()
            h.place = (place or "").strip()
            h.issued_date = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
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
            if m.group(2):
                title_lines.append(m.group(2))
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
            break          # first line is not a header line at all
    h.issuer = _issuer(issuers)
    if not h.doc_type and h.doc_number:
        h.doc_type = doc_type_from_number(h.doc_number)
    if h.doc_type == "quy-dinh" and h.type_word == "QUYẾT ĐỊNH":
        h.doc_type = "quyet-dinh"
    h.title = _title(h.type_word, h.doc_type, title_lines, vv)
    if not (h.doc_number or h.issued_date or h.type_word or h.issuer):
        h.body_start = 0
    return h


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append((pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def _issuer(lines: list[str]) -> str:
    """Stacked issuer lines: the last one is the issuer, qualified by its parent body."""
    if not lines:
        return ""
    last = lines[-1]
    if len(lines) > 1:
        parent = re.sub(r"^BAN CHẤP HÀNH\s+", "", lines[-2])
        if parent and parent not in last:
            last = f"{last} {parent}"
    return title_case_name(last)


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
    if doc_type != "luat" and not re.match(r"(Ban|Bộ|Ủy|Đảng|Trung|Quốc|Chính|Tỉnh|Việt)\b", body):
        body = body[:1].lower() + body[1:]
    return f"{kind} {body}"
