"""Moodle GIFT export, with escaping of the GIFT special characters ~ = # { } : and backslash."""
from __future__ import annotations

from pathlib import Path

from ..items import QuizItem
from . import answer_note

_SPECIAL = "\\~=#{}:"


def escape(text: str) -> str:
    out = "".join("\\" + ch if ch in _SPECIAL else ch for ch in text)
    return out.replace("\r", "").replace("\n", "\\n")


def question(item: QuizItem, n: int) -> str:
    head = f"// {item.id} {' '.join(item.tags)}\n::{escape(f'Câu {n} ({item.id})')}::{escape(item.stem)} {{"
    if item.type == "tf":
        body = "TRUE" if item.key == "Đúng" else "FALSE"
        lines = [head + body]
    elif item.type == "cloze":
        lines = [head, f"  ={escape(item.key)}"]
    else:
        lines = [head] + [f"  {'=' if o == item.key else '~'}{escape(o)}" for o in item.options]
    lines.append(f"  ####{escape(answer_note(item))}")
    return "\n".join(lines) + "\n}\n"


def dumps(items: list[QuizItem]) -> str:
    return "\n".join(question(it, i) for i, it in enumerate(items, 1))


def write(items: list[QuizItem], path: Path) -> list[str]:
    path.write_text(dumps(items), encoding="utf-8")
    return []
