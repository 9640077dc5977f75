"""Join the hard line breaks inside sentences of text that was wrapped line by line (the text layer of a
PDF saved as .txt/.md, pdftotext output, e-mail style wrapping), so sentences can be cut and quoted.

Text-only counterpart of the geometry rules in readers/pdf_layout.py, with the same idea of a
paragraph start (`starts_paragraph`: "Điều 5.", "1.1.", "a)", "- Nội dung", footnote marks, an
ALL-CAPS heading …) and the same joiner (no space after a line broken at "294-" / "05-HD/"):

- a line that starts with a lower-case letter and is no structure marker continues the previous
  line, in every document (typed paragraphs never start in lower case);
- in a document that is hard-wrapped (many such lines, lines of about one width), a line starting
  with a capital ("… của" + "Đảng") also continues a previous line that was full — its next word
  would not have fitted — and does not end a sentence;
- in a hard-wrapped document a page break (a blank line, possibly with a page number "26" alone on
  its line) inside a sentence is joined over as well; the page number goes.

Text with one paragraph per line (the codified laws, the seed Đề án) comes back unchanged.
"""
from __future__ import annotations

import re

from ktgs.ingest.readers.pdf_layout import joiner, starts_paragraph

REFLOW_VERSION = "reflow-1"
_LOWER_START = re.compile(r"[“\"‘'(\[]*[^\W\d_]")
_SENTENCE_END = re.compile(r"[.;:!?…][”\"’')\]]*$")
_PAGE_NUMBER = re.compile(r"\d{1,3}|-\s*\d{1,3}\s*-|Trang\s+\d{1,3}")
MIN_WRAPPED_SHARE = 0.15      # lines continuing in lower case, of all non-blank lines
MAX_WRAP_WIDTH = 200          # characters: longer "lines" are paragraphs, not printed lines
FULL_LINE = 0.9               # a line this close to the wrap width (with the next word) is full


def _starts_lower(line: str) -> bool:
    m = _LOWER_START.match(line)
    return bool(m) and m.group(0)[-1].islower()


def _continues_lower(prev: str, line: str) -> bool:
    return bool(prev) and _starts_lower(line) and not starts_paragraph(line, prev)


def wrap_width(lines: list[str]) -> int:
    """The printed line width (characters) of a hard-wrapped text: the 90th percentile of the
    lengths of its non-blank lines; 0 when the text is not hard-wrapped."""
    body = [ln.strip() for ln in lines if ln.strip()]
    if len(body) < 10:
        return 0
    lower = sum(_continues_lower(a, b) for a, b in zip(body, body[1:]))
    lengths = sorted(len(ln) for ln in body)
    width = lengths[int(0.9 * (len(lengths) - 1))]
    if lower < MIN_WRAPPED_SHARE * len(body) or width > MAX_WRAP_WIDTH:
        return 0
    return width


def _full(prev: str, line: str, width: int) -> bool:
    first_word = line.split(" ", 1)[0]
    return len(prev) + 1 + len(first_word) >= FULL_LINE * width


def _continues(prev: str, line: str, width: int) -> bool:
    if not prev or not line or starts_paragraph(line, prev):
        return False
    if _starts_lower(line):
        return True
    return bool(width) and _full(prev, line, width) and not _SENTENCE_END.search(prev)


def reflow(text: str) -> str:
    """`text` with the line breaks inside its sentences replaced by one space (see module doc).
    Lines are compared stripped; kept lines keep their own characters. Idempotent."""
    lines = text.split("\n")
    width = wrap_width(lines)
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        prev = out[-1].strip() if out else ""
        if not stripped and width and prev and not _SENTENCE_END.search(prev):
            j = i                          # a page break inside a sentence: blank lines, a page number
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and _PAGE_NUMBER.fullmatch(lines[j].strip()):
                j += 1
                while j < len(lines) and not lines[j].strip():
                    j += 1
            if j < len(lines) and _continues_lower(prev, lines[j].strip()):
                i = j
                continue
        if out and prev and _continues(prev, stripped, width):
            head = out[-1].rstrip()
            out[-1] = head + joiner(head) + stripped
        else:
            out.append(line)
        i += 1
    return "\n".join(out)
