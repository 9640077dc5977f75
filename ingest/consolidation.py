"""The consolidation header of a văn bản hợp nhất: the base document and the amending documents.

A VBHN (Pháp lệnh hợp nhất văn bản quy phạm pháp luật 2012) opens, under its title, with

    Luật Tố cáo số 25/2018/QH14 ngày 12 tháng 6 năm 2018 của Quốc hội, có hiệu lực kể từ …,
    được sửa đổi, bổ sung bởi:
    1. Luật Doanh nghiệp số 59/2020/QH14 ngày 17 tháng 6 năm 2020 của Quốc hội, …;
    2. Luật số 81/2025/QH15 …

`consolidation(text)` reads that block (within the first lines, before "Căn cứ") and returns
{"base": "25/2018/QH14", "amending": ["59/2020/QH14", "81/2025/QH15"]}, or None. It is stored as
Document.metadata["consolidates"].
"""
from __future__ import annotations

import re

from ktgs.ingest.references import extract_references

_AMENDED_BY = re.compile(r"được\s+sửa\s+đổi,?\s*bổ\s+sung\s+(?:một số điều\s+)?(?:bởi|theo)\s*:", re.IGNORECASE)
_ITEM = re.compile(r"^\s*\d{1,2}\s*[.)]\s*\S")
_END = re.compile(r"^\s*(?:[-–]\s*)?(?:Căn cứ|Chương\s|Phần\s|PHẦN\s|CHƯƠNG\s|Điều\s+\d)", re.IGNORECASE)
_WINDOW = 6000


def consolidation(text: str) -> dict | None:
    head = text[:_WINDOW]
    m = _AMENDED_BY.search(head)
    if not m or re.search(r"(?m)^\s*Điều\s+\d+", head[:m.start()]):
        return None             # not under the title: an article of a law speaking of amendments
    sentence_start = max(head.rfind("\n", 0, m.start()) + 1, 0)
    base = next((r.doc_number for r in extract_references(head[sentence_start:m.start()])
                 if "VBHN" not in r.doc_number), None)
    if not base:
        return None
    amending: list[str] = []
    pos = m.end()
    for line in head[pos:].split("\n"):
        if not line.strip():
            continue
        if _END.match(line):
            break
        if not _ITEM.match(line) and amending:
            continue            # a wrapped item line
        refs = extract_references(line)
        if refs and refs[0].doc_number not in amending:
            amending.append(refs[0].doc_number)
    if not amending:
        return None
    return {"base": base, "amending": amending}
