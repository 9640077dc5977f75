"""Text crawled from law websites (thuvienphapluat and the like): the site's additions, not the law's.

- The page title the crawler wrote as the first line comes back as a watermark at the start of
  lines where the site broke its pages ("Luật Thanh tra 2025. Mục 1. THANH TRA CHÍNH PHỦ"); a first
  line repeated so at least twice is removed from those line starts (the first line itself stays;
  the header parser skips it).
- Bracketed editorial notes ("[Tổ chức và hoạt động thanh tra Công an nhân dân được hướng dẫn bởi
  … Nghị định 273/2025/NĐ-CP …]") are cut out of the text and returned apart (metadata
  "site_notes"): they say which later text guides or amends a passage, in the site's words.
"""
from __future__ import annotations

import re

_SITE_NOTE = re.compile(r"\s?\[(?=[^\[\]\n]{10,600}\])[^\[\]\n]*?\b(?:được hướng dẫn bởi|được sửa đổi bởi|được bổ sung bởi|"
                        r"được sửa đổi,? bổ sung bởi|bị bãi bỏ bởi|bị thay thế bởi|hết hiệu lực bởi)\b[^\[\]\n]*\]")


def clean_crawl(text: str) -> tuple[str, list[str]]:
    """(text without the site's watermark and bracketed notes, the notes)."""
    first, _, rest = text.partition("\n")
    title = first.strip()
    if len(title) >= 12:
        mark = re.compile(r"(?m)^[ \t]*" + re.escape(title) + r"\.?[ \t]*(?=\S)")
        if len(mark.findall(rest)) >= 2:
            rest = mark.sub("", rest)
    notes = [m.group(0).strip()[1:-1] for m in _SITE_NOTE.finditer(rest)]
    rest = _SITE_NOTE.sub("", rest)
    return first + ("\n" + rest if _ else ""), notes
