"""Tables of Word and web documents as lines of text, one rule for .docx, .doc and HTML.

Official documents use borderless tables for layout: the header (issuer | motto, number | place
and date) and the signature block (Nơi nhận | T/M …). Those are read cell by cell, column by
column, so each header item is a line of its own (as it would be read on paper). Any other table
is data: one line per row, cells joined by " | ", so its rows stay text of the unit around it.
"""
from __future__ import annotations

import re

_LAYOUT = re.compile(r"CỘNG H[OÒ]A XÃ HỘI|ĐẢNG CỘNG SẢN|Độc lập\s*[-–]\s*Tự do|^\s*Số\s*:?|Nơi nhận"
                     r"|^\s*(?:T/M|TM\.|K/T|KT\.|TL\.|Q\.)\s", re.IGNORECASE | re.MULTILINE)
_DATE = re.compile(r"ngày\s+\S*\s*tháng\s+\S+\s+năm\s+\d{4}", re.IGNORECASE)


def is_layout_table(rows: list[list[str]]) -> bool:
    """A header or signature table: at most 3 columns, a few rows, header/signature wording."""
    if not rows or len(rows) > 8 or max(len(r) for r in rows) > 3:
        return False
    text = "\n".join(c for r in rows for c in r)
    return len(text) < 1500 and bool(_LAYOUT.search(text) or _DATE.search(text))


def layout_table_lines(rows: list[list[str]]) -> list[str]:
    """The lines of one table (rows of cell texts; a cell may hold several lines)."""
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return []
    if not is_layout_table(rows):
        return [" | ".join(" ".join(c.split()) for c in r) for r in rows]
    out: list[str] = []
    for col in range(max(len(r) for r in rows)):
        for r in rows:
            if col < len(r):
                out += [ln.strip() for ln in r[col].split("\n") if ln.strip()]
    return out
