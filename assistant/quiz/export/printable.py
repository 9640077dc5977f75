"""Printable quiz: questions first, then the answer key with citations. DOCX (python-docx) and PDF
(pymupdf with a TTF that has Vietnamese glyphs, DejaVu Sans by default)."""
from __future__ import annotations

from pathlib import Path

from ktgs.errors import KtgsError

from ..items import QuizItem

LETTERS = "ABCDEFGH"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
)


def question_lines(item: QuizItem, n: int) -> list[str]:
    lines = [f"Câu {n}. {item.stem}"]
    if item.type == "cloze":
        lines.append("Trả lời: ..................................................")
    else:
        lines += [f"   {LETTERS[i]}. {o}" for i, o in enumerate(item.options)]
    return lines


def key_lines(item: QuizItem, n: int) -> list[str]:
    key = item.key
    if item.options and item.key in item.options and item.type != "cloze":
        key = f"{LETTERS[item.options.index(item.key)]}. {item.key}"
    lines = [f"Câu {n}: {key}"]
    if item.explanation:
        lines.append(f"   {item.explanation}")
    lines += [f"   Căn cứ: {c.label}: “{c.quote}”" for c in item.citations]
    return lines


def write_docx(items: list[QuizItem], path: Path, title: str = "Đề ôn tập") -> list[str]:
    from docx import Document as Docx

    doc = Docx()
    doc.add_heading(title, level=1)
    for n, it in enumerate(items, 1):
        first, *rest = question_lines(it, n)
        doc.add_paragraph(first).runs[0].bold = True
        for line in rest:
            doc.add_paragraph(line.strip())
    doc.add_page_break()
    doc.add_heading("Đáp án và căn cứ", level=1)
    for n, it in enumerate(items, 1):
        for line in key_lines(it, n):
            doc.add_paragraph(line.strip())
    doc.save(str(path))
    return []


def font_file() -> str:
    for f in FONT_CANDIDATES:
        if Path(f).is_file():
            return f
    raise KtgsError("không tìm thấy phông chữ có dấu tiếng Việt (DejaVu Sans) để xuất PDF")


class _Measure:
    """Text width from cached per-character advances (Font.text_length is slow per call)."""

    def __init__(self, font):
        self.font, self.adv = font, {}

    def __call__(self, text: str, size: float) -> float:
        total = 0.0
        for ch in text:
            a = self.adv.get(ch)
            if a is None:
                a = self.adv[ch] = self.font.glyph_advance(ord(ch))
            total += a
        return total * size


def _wrap(text: str, measure: _Measure, size: float, width: float) -> list[str]:
    out = []
    for para in text.split("\n"):
        indent = para[: len(para) - len(para.lstrip())]
        words, line = para.split(), indent
        for w in words:
            cand = f"{line} {w}" if line.strip() else indent + w
            if measure(cand, size) <= width or not line.strip():
                line = cand
            else:
                out.append(line)
                line = indent + w
        out.append(line)
    return out


def write_pdf(items: list[QuizItem], path: Path, title: str = "Đề ôn tập") -> list[str]:
    import pymupdf

    font = pymupdf.Font(fontfile=font_file())
    measure = _Measure(font)
    doc = pymupdf.open()
    size, lead, margin = 10.5, 14.5, 50
    rect = pymupdf.paper_rect("a4")
    width = rect.width - 2 * margin
    state = {"page": None, "y": 0.0, "writer": None}

    def new_page() -> None:
        if state["writer"] is not None:
            state["writer"].write_text(state["page"])
        state["page"] = doc.new_page(width=rect.width, height=rect.height)
        state["writer"] = pymupdf.TextWriter(rect)
        state["y"] = margin

    def emit(text: str, fontsize: float = size, gap: float = 0.0) -> None:
        for line in _wrap(text, measure, fontsize, width):
            if state["y"] + lead > rect.height - margin:
                new_page()
            state["y"] += lead * fontsize / size
            state["writer"].append((margin, state["y"]), line, font=font, fontsize=fontsize)
        state["y"] += gap

    new_page()
    emit(title, 15, 8)
    for n, it in enumerate(items, 1):
        for line in question_lines(it, n):
            emit(line)
        state["y"] += 6
    new_page()
    emit("Đáp án và căn cứ", 15, 8)
    for n, it in enumerate(items, 1):
        for line in key_lines(it, n):
            emit(line)
        state["y"] += 6
    state["writer"].write_text(state["page"])
    doc.save(str(path))
    doc.close()
    return []
