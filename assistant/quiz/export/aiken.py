"""Aiken export (Moodle): single-line stem, lettered options, ANSWER line. Cloze items do not fit."""
from __future__ import annotations

from pathlib import Path

from ..items import QuizItem

LETTERS = "ABCDEFGH"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def dumps(items: list[QuizItem]) -> tuple[str, list[str]]:
    blocks, skipped = [], []
    for it in items:
        if it.type not in ("mcq", "tf", "situational") or not it.options:
            skipped.append(it.id)
            continue
        lines = [_one_line(it.stem)]
        lines += [f"{LETTERS[i]}. {_one_line(o)}" for i, o in enumerate(it.options)]
        lines.append(f"ANSWER: {LETTERS[it.options.index(it.key)]}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n", skipped


def write(items: list[QuizItem], path: Path) -> list[str]:
    text, skipped = dumps(items)
    path.write_text(text, encoding="utf-8")
    return skipped
