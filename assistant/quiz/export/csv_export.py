"""CSV export: one row per item, UTF-8 with BOM so spreadsheet programs show Vietnamese correctly."""
from __future__ import annotations

import csv
from pathlib import Path

from ..items import QuizItem

COLUMNS = ["id", "type", "difficulty", "stem", "option_a", "option_b", "option_c", "option_d",
           "key", "explanation", "citations", "quotes", "tags", "flags"]


def row(item: QuizItem) -> dict[str, str]:
    opts = (item.options + [""] * 4)[:4]
    return {
        "id": item.id, "type": item.type, "difficulty": str(item.difficulty), "stem": item.stem,
        "option_a": opts[0], "option_b": opts[1], "option_c": opts[2], "option_d": opts[3],
        "key": item.key, "explanation": item.explanation,
        "citations": " | ".join(c.label for c in item.citations),
        "quotes": " | ".join(c.quote for c in item.citations),
        "tags": ";".join(item.tags), "flags": ";".join(item.flags),
    }


def write(items: list[QuizItem], path: Path) -> list[str]:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        for it in items:
            w.writerow(row(it))
    return []
