"""Bracketed endnotes "[n]" of consolidated texts (văn bản hợp nhất) and web crawls of them.

A VBHN marks each amended passage with "[n]" ("Điều 16. Nội dung quản lý nhà nước về tố cáo[2]")
and lists the notes after its signature block ("XÁC THỰC VĂN BẢN HỢP NHẤT … [1] Luật Doanh nghiệp
số 59/2020/QH14 có căn cứ ban hành như sau: …"). A note runs on over the following lines until the
next "[m]"; the last notes quote whole articles of the amending laws ("Điều 63. Hiệu lực thi hành"),
which are not articles of the consolidated text. `split_endnotes` cuts the lines there, and
`attach_endnotes` gives each note to the units whose text holds its marker.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ktgs.contracts import Unit
from ktgs.ingest.structure import Line

_NOTE_START = re.compile(r"(?:^|(?<=\s))\[(\d{1,4})\]\s*(?=\S)")


@dataclass
class Endnote:
    mark: str
    start: int          # span in the document text (from the "[n]")
    end: int
    text: str           # the note without its mark, lines joined by "\n"


def split_endnotes(lines: list[Line], text: str) -> tuple[list[Line], list[Endnote]]:
    """(the lines before the notes area, the notes). The area starts at a "[1]" that opens a line,
    or follows "XÁC THỰC VĂN BẢN HỢP NHẤT" on its line, in the second half of a text that also uses
    the marker "[1]" before it; without one, the lines come back unchanged."""
    half = lines[len(lines) // 2].start if lines else 0
    cut = None
    for i, ln in enumerate(lines):
        if ln.start < half:
            continue
        m = re.match(r"\[1\]\s*\S", ln.text)
        if m is None and "XÁC THỰC VĂN BẢN HỢP NHẤT" in ln.text.upper():
            m = next((x for x in _NOTE_START.finditer(ln.raw) if x.group(1) == "1"), None)
        if m is not None and "[1]" in text[:ln.start + m.start()]:
            cut = (i, ln.start + m.start())
            break
    if cut is None:
        return lines, []
    i, at = cut
    before = lines[:i]
    first = lines[i]
    if at > first.start:                 # the signature line carries the first note: split it
        head = text[first.start:at].rstrip()
        before.append(Line(first.start, first.start + len(head), head.strip("*_ "), head))
    notes: list[Endnote] = []
    area = [(at, first.end)] + [(ln.start, ln.end) for ln in lines[i + 1:]]
    for s, e in area:
        segment = text[s:e]
        starts = [m for m in _NOTE_START.finditer(segment) if m.start() == 0 or notes == []]
        m = starts[0] if starts and starts[0].start() == 0 else None
        if m is not None:
            notes.append(Endnote(m.group(1), s, e, segment[m.end():].strip()))
        elif notes and segment.strip():
            notes[-1].text += "\n" + segment.strip()
            notes[-1].end = e
    return before, notes


def attach_endnotes(text: str, notes: list[Endnote], units: list[Unit], body_end: int) -> list[str]:
    """Each note goes to the units (not Phần/Chương/Mục headings) whose span holds its marker."""
    warnings = []
    for note in notes:
        marks = [m.start() for m in re.finditer(re.escape(f"[{note.mark}]"), text[:body_end])]
        holders = [u for u in units for p in marks[:1] if u.char_start <= p < u.char_end
                   and u.level not in ("phan", "chuong", "muc")]
        if not holders:
            warnings.append(f"chú thích [{note.mark}] không có dấu tham chiếu trong văn bản")
        for u in holders:
            u.footnotes.append(note.text)
    return warnings
