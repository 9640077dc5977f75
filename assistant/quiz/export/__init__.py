"""Quiz exports: Moodle GIFT and XML, Aiken, CSV, printable DOCX/PDF, Anki deck.

`export_items(items, path)` picks the format from the extension (or `fmt`). Flagged items
(self-check disagreement, ambiguity, unverified key) are left out unless `include_flagged`.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from ktgs.errors import KtgsError

from ..items import QuizItem

FORMATS = {  # name -> (module, extension)
    "gift": ("gift", ".gift"),
    "xml": ("moodle_xml", ".xml"),
    "aiken": ("aiken", ".txt"),
    "csv": ("csv_export", ".csv"),
    "docx": ("printable", ".docx"),
    "pdf": ("printable", ".pdf"),
    "apkg": ("anki", ".apkg"),
}


class ExportError(KtgsError):
    pass


@dataclass
class ExportResult:
    path: Path
    fmt: str
    written: int
    skipped_flagged: int = 0
    skipped_unsupported: list[str] = field(default_factory=list)   # item ids the format cannot hold


def format_for(path: str | Path, fmt: str | None = None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise ExportError(f"định dạng {fmt!r} không hỗ trợ; chọn một trong: {', '.join(FORMATS)}")
        return fmt
    ext = Path(path).suffix.lower()
    for name, (_, e) in FORMATS.items():
        if e == ext:
            return name
    raise ExportError(f"không nhận ra định dạng của {Path(path).name!r}; dùng đuôi "
                      f"{', '.join(e for _, e in FORMATS.values())} hoặc --format")


def export_items(items: list[QuizItem], path: str | Path, fmt: str | None = None,
                 include_flagged: bool = False, title: str = "Đề ôn tập") -> ExportResult:
    fmt = format_for(path, fmt)
    keep = [it for it in items if include_flagged or not it.flagged]
    module = importlib.import_module(f"{__name__}.{FORMATS[fmt][0]}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt in ("docx", "pdf"):
        unsupported = getattr(module, f"write_{fmt}")(keep, path, title=title)
    elif fmt == "apkg":
        unsupported = module.write(keep, path, title=title)
    else:
        unsupported = module.write(keep, path)
    written = len(keep) - len(unsupported)
    return ExportResult(path, fmt, written, len(items) - len(keep), unsupported)


def answer_note(item: QuizItem) -> str:
    """Explanation plus citations, as plain text for feedback fields."""
    parts = [item.explanation] if item.explanation else []
    for c in item.citations:
        parts.append(f"Căn cứ: {c.label}: “{c.quote}”")
    return "\n".join(parts)
