"""Numbered headings of a Đề án, báo cáo, hướng dẫn: "Phần thứ hai", "IV. KINH PHÍ THỰC HIỆN",
"2. …", "2.1. …". Also the Phần/Chương/Mục/Điều/khoản/điểm line patterns of legal texts.

Each classifier looks at one stripped line and returns a `Heading` or None; whether a candidate
really is a heading (numbering in sequence, an open Điều for a khoản …) is decided by structure.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ORDINALS = {"nhất": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8,
            "chín": 9, "mười": 10}
# Vietnamese alphabet order of điểm letters (no f, j, w, z)
POINT_LETTERS = "abcdđeghiklmnopqrstuvxy"


@dataclass
class Heading:
    kind: str          # phan chuong muc dieu khoan diem | roman arabic dotted
    number: str        # "30", "3", "a", "IV", "2.1"
    title: str         # text after the number on the same line
    value: int = 0     # numeric value for sequence checks (roman/arabic/letter index)

    @property
    def needs_title_line(self) -> bool:
        return self.kind in ("phan", "chuong", "muc") and not self.title


def roman_to_int(s: str) -> int:
    vals = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for a, b in zip(s, s[1:] + " "):
        v = vals[a]
        total += -v if b in vals and vals[b] > v else v
    return total if _int_to_roman(total) == s else 0


def _int_to_roman(n: int) -> str:
    out = ""
    for v, r in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                 (4, "IV"), (1, "I")):
        while n >= v:
            out += r
            n -= v
    return out


def number_value(token: str) -> int:
    token = token.strip()
    if token.isdigit():
        return int(token)
    low = token.lower()
    if low.startswith("thứ"):
        return ORDINALS.get(low.split()[-1], 0)
    return roman_to_int(token.upper())


_PHAN = re.compile(r"^(?:Phần|PHẦN)\s+(thứ\s+\w+|THỨ\s+\w+|[IVXLC]+|\d+)\s*(?:[.:—–-]\s*(.*))?$")
_CHUONG = re.compile(r"^(?:Chương|CHƯƠNG)\s+([IVXLC]+|\d+)\s*(?:[.:—–-]\s*(.*))?$")
_CHUONG_CAPS = re.compile(r"^(?:Chương|CHƯƠNG)\s+([IVXLC]+|\d+)\s+([^\W\d_].*)$")  # "Chương I NHỮNG QUY ĐỊNH CHUNG"
_MUC = re.compile(r"^(?:Mục|MỤC)\s+(\d+|[IVXLC]+)\s*(?:([.:—–-])\s*(.*))?$")
_DIEU = re.compile(r"^Điều\s+(\d+[a-z]?)\s*(?:[.:](?!\d)\s*(.*)|$)")   # "Điều 1" alone: a Hiến pháp; not "Điều 18.5.LQ.1." (pháp điển)
# an article of the Bộ pháp điển: "Điều 18.5.LQ.1." (đề mục 18.5, article 1 of its law), "Điều 18.5.NĐ.4.5."
# (article 5 of its 4th nghị định)
_DIEU_PHAP_DIEN = re.compile(r"^Điều\s+(\d{1,2}\.\d{1,3}\.[A-ZĐ]{2,5}(?:\.\d{1,3})?\.\d{1,4}[a-z]?)\.?\s+(.*)$")
_KHOAN = re.compile(r"^(\d{1,3})\s*[.\-](?![\d])\s*(\S.*)$")
_KHOAN_LABEL = re.compile(r"^[-*•+]?\s*Khoản\s+(\d+)\s*[.:]?\s*(.*)$")
_DIEM = re.compile(r"^([a-zđ])(\d{0,2})\)\s*(\S.*)$")
_ROMAN = re.compile(r"^([IVXLC]+)\s*[.\-–]\s*(\S.*)$")
_ARABIC = re.compile(r"^(\d{1,2})\s*[.\-](?![\d])\s*(\S.*)$")
_DOTTED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+(\S.*)$")


def phan(line: str) -> Heading | None:
    m = _PHAN.match(line)
    if not m:
        return None
    token = m.group(1)
    value = number_value(token)
    if not value:
        return None
    number = f"thứ {token.split()[-1].lower()}" if token.lower().startswith("thứ") else token
    return Heading("phan", number, (m.group(2) or "").strip(), value)


def legal(line: str) -> Heading | None:
    """Chương / Mục / Điều / khoản / điểm candidates of a legal text (Phần via `phan`)."""
    m = _CHUONG.match(line) or _CHUONG_CAPS.match(line)
    if m and m.re is _CHUONG_CAPS and m.group(2).upper() != m.group(2):
        m = None                    # "Chương VI của Luật này …": a reference running on
    if m and roman_or_int(m.group(1)):
        return Heading("chuong", m.group(1), (m.group(2) or "").strip(), roman_or_int(m.group(1)))
    m = _MUC.match(line)
    if m and roman_or_int(m.group(1)):
        title = (m.group(3) or "").strip()
        if m.group(2) or not title or title.upper() == title:
            return Heading("muc", m.group(1), title, roman_or_int(m.group(1)))
    m = _DIEU_PHAP_DIEN.match(line)
    if m:
        return Heading("dieu", m.group(1), m.group(2).strip(), int(re.search(r"(\d+)[a-z]?$", m.group(1)).group(1)))
    m = _DIEU.match(line)
    if m:
        return Heading("dieu", m.group(1), (m.group(2) or "").strip(), int(re.match(r"\d+", m.group(1)).group()))
    m = _KHOAN_LABEL.match(line)
    if m:
        return Heading("khoan", m.group(1), m.group(2).strip(), -1)   # explicit "Khoản 11": any number
    m = _KHOAN.match(line)
    if m:
        return Heading("khoan", m.group(1), m.group(2), int(m.group(1)))
    m = _DIEM.match(line)
    if m and m.group(1) in POINT_LETTERS:
        return Heading("diem", m.group(1) + m.group(2), m.group(3), POINT_LETTERS.index(m.group(1)) + 1)
    return None


def outline(line: str) -> Heading | None:
    """Roman, arabic and dotted numbered headings of a Đề án or report (Phần via `phan`)."""
    m = _ROMAN.match(line)
    if m and roman_to_int(m.group(1)):
        return Heading("roman", m.group(1), m.group(2).strip(), roman_to_int(m.group(1)))
    m = _DOTTED.match(line)
    if m:
        return Heading("dotted", m.group(1), m.group(2).strip(), int(m.group(1).split(".")[-1]))
    m = _ARABIC.match(line)
    if m:
        return Heading("arabic", m.group(1), m.group(2).strip(), int(m.group(1)))
    return None


def roman_or_int(token: str) -> int:
    return int(token) if token.isdigit() else roman_to_int(token)


def is_dieu_line(line: str) -> bool:
    return bool(_DIEU.match(line) or _DIEU_PHAP_DIEN.match(line))


def phan_label(number: str) -> str:
    """'thứ hai' → 'Phần thứ hai'; 'II' → 'Phần II'."""
    return f"Phần {number}"
