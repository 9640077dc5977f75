"""What a reader returns: the normalised text of one file, before structure is parsed."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RawDocument:
    text: str                                   # full text, already passed through normalise()
    source_path: str
    format: str                                 # pdf | docx | html | txt | md
    checksum: str                               # sha256 of the file bytes
    pages: list[tuple[int, int, int]] = field(default_factory=list)  # (page_no 1-based, char_start, char_end) in text
    metadata: dict[str, Any] = field(default_factory=dict)           # front matter, docx core properties, html <title>
    warnings: list[str] = field(default_factory=list)                # per-page OCR warnings, encoding conversions …

    def page_at(self, char_pos: int) -> int | None:
        """1-based page number holding the character at char_pos, or None for page-less formats."""
        for page_no, start, end in self.pages:
            if start <= char_pos < end:
                return page_no
        return self.pages[-1][0] if self.pages and char_pos >= self.pages[-1][2] else None
