"""Rejoin the soft-wrapped lines of a PDF text layer into the paragraphs they were typed as.

A PDF stores each printed line on its own; a paragraph (a khoản, a bullet of a Đề án) that wraps over
three lines comes back as three lines, and the structure parser would see three paragraphs. This module
decides, from pymupdf's line geometry, whether a line continues the previous one:

- never when the next line opens a structure marker ("Điều 5.", "Chương II", "Mục 1", "Phần thứ hai",
  "1.", "1.1.", "a)", "đ)", "IV.", "- Nội dung", a footnote mark ¹ ⁽², "Nơi nhận", "T/M …", an ALL-CAPS
  heading after ordinary text); "- xã hội" or "- 2030" (lower case, digit) may be a wrapped dash;
- never across a larger vertical gap (paragraph spacing), a change of font size, when the next line
  starts further right than the previous one (a first-line indent), or after a centred or
  right-aligned line (a centred heading over two lines is joined when its first line is full);
- only when the previous line is full: the first word of the next line would not have fitted in the
  space left before the right edge of the text column (the way a line breaker wraps); the column is
  learned per document (median margins), and a document where fewer than two lines reach the right
  edge has nothing wrapped;
- in a document that marks paragraphs neither by spacing nor by indents, a full line that ends a
  sentence followed by a capital letter is taken as a paragraph end (ambiguous; the usual case for
  generated PDFs with one line per paragraph).

Vietnamese text is not hyphenated, so joined lines get one space between them; none after a line
broken inside "294-QĐ/TW" or "05-HD/UBKTTW" (line breakers may break after "-" and "/").
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, replace

_SUPERS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁽"
_MARKERS = re.compile(
    r"(?:Điều\s+\d+[a-z]?(?:\s*[.:]|$)"                                      # Điều 30. / Điều 30
    r"|(?:Chương|CHƯƠNG|Mục|MỤC)\s+(?:[IVXLC]+|\d+)\s*(?:$|[.:—–-])"        # Chương II / Mục 1.
    r"|(?:Phần|PHẦN)\s+(?:thứ\s+\w+|THỨ\s+\w+|[IVXLC]+|\d+)\s*(?:$|[.:—–-])"  # Phần thứ hai
    r"|\d{1,3}(?:\.\d{1,2})*\.(?!\d)"                                         # 1.  1.1.  2.1.
    r"|\d{1,2}(?:\.\d{1,2})+\s"                                               # 1.1 Tiêu đề
    r"|\d{1,2}\)|\d{1,2}\s?-\s+[^\W\d_]"                                      # 1)  1- Nội dung
    r"|[a-zđ]\d{0,2}\)"                                                       # a)  đ)  a1)
    r"|[IVXLC]+\s*[.\-–]\s"                                                   # IV. / II -
    rf"|[{_SUPERS}]"                                                          # ¹ footnote, ⁽²⁾
    r"|Nơi\s+nhận|NƠI\s+NHẬN"
    r"|(?:T/M|TM\.|K/T|KT\.|TL\.|T/L|TUQ\.)\s)"
)
_BULLET = re.compile(r"[-–+•*]\s*(\S)")   # "- Nội dung"; "- xã hội", "- 2030" may be a wrapped dash


@dataclass
class Line:
    """One printed line: its text and where its ink is (points, origin top left)."""
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float            # font size of most of its characters
    first_word: float      # width of the first word
    horizontal: bool = True
    block: int = 0         # pymupdf's text block on the page
    alone: bool = False    # a header item read by position: never joined to another line

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Frame:
    """The text column of one page: left and right edges of the body text."""
    left: float
    right: float

    @property
    def width(self) -> float:
        return max(1.0, self.right - self.left)


def page_lines(textdict: dict, words: list[tuple]) -> list[Line]:
    """One page's pymupdf `get_text("dict")` and `get_text("words")` (same text page) -> its
    non-blank lines in reading order, with where their ink is and how wide their first word is."""
    by_line: dict[tuple[int, int], list[tuple]] = {}
    for word in words:                   # (x0, y0, x1, y1, text, block_no, line_no, word_no)
        by_line.setdefault((word[5], word[6]), []).append(word)
    lines = []
    for b_no, block in enumerate(textdict.get("blocks", [])):
        for l_no, line in enumerate(block.get("lines", [])):
            ink = by_line.get((block.get("number", b_no), l_no))
            if not ink:
                continue
            ink.sort(key=lambda w: w[7])
            sizes: dict[float, int] = {}
            for span in line["spans"]:
                key = round(span["size"], 1)
                sizes[key] = sizes.get(key, 0) + len(span["text"].strip())
            dx, dy = line.get("dir", (1.0, 0.0))
            lines.append(Line(
                text=_line_text(line["spans"]),
                x0=ink[0][0], y0=min(w[1] for w in ink), x1=ink[-1][2], y1=max(w[3] for w in ink),
                size=max(sizes, key=sizes.get), first_word=ink[0][2] - ink[0][0],
                horizontal=dx > 0.99 and abs(dy) < 0.01, block=b_no))
    return lines


_SUPER_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUPERSCRIPT_FLAG = 1      # pymupdf span flag


def _line_text(spans: list[dict]) -> str:
    """A line's text, footnote numbers as superscript digits: a raised span of digits ("chính¹."),
    or digits opening a line in a clearly smaller size than what follows (the number of a note at
    the foot of a page, which Word does not raise)."""
    parts = []
    for i, span in enumerate(spans):
        t = span["text"]
        digits = t.strip().isdigit()
        raised = span.get("flags", 0) & _SUPERSCRIPT_FLAG
        note_number = (i == 0 and len(spans) > 1 and spans[1]["text"].strip()
                       and span["size"] < 0.8 * spans[1]["size"])
        parts.append(t.strip().translate(_SUPER_DIGITS) if digits and (raised or note_number) else t)
    return "".join(parts).strip()


def footnote_notes(lines: list[Line], height: float) -> list[Line]:
    """The notes at the foot of a page ("¹ Luật Hải quan số …" in a smaller size, running over
    several lines) as one line each, read on their own; the page's other lines unchanged."""
    if len(lines) < 3:
        return lines
    body = statistics.median(ln.size for ln in lines)
    start = next((i for i, ln in enumerate(lines) if ln.y0 > 0.4 * height and ln.size < body - 0.5
                  and re.match(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+\s*\S", ln.text)), None)
    if start is None:
        return lines
    notes: list[Line] = []
    rest: list[Line] = []
    for ln in lines[start:]:
        if ln.size >= body - 0.5:
            rest.append(ln)                    # body text below the notes (rare): kept as it is
        elif re.match(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+\s*\S", ln.text) or not notes:
            notes.append(replace(ln, alone=True))
        else:
            a = notes[-1]
            notes[-1] = replace(a, text=a.text + joiner(a.text) + ln.text, y1=ln.y1)
    return lines[:start] + rest + notes


def frames(pages: list[tuple[tuple[float, float], list[Line]]]) -> list[Frame | None]:
    """One Frame per page ((page x0, page x1), lines). Margins are taken as the median over the
    pages with enough lines, so a short last page still gets the column of the others."""
    margins = []
    for (px0, px1), lines in pages:
        body = [ln for ln in lines if ln.horizontal]
        if len(body) >= 5:
            margins.append((min(ln.x0 for ln in body) - px0, px1 - max(ln.x1 for ln in body)))
    left_m = statistics.median(m[0] for m in margins) if margins else None
    right_m = statistics.median(m[1] for m in margins) if margins else None
    out: list[Frame | None] = []
    for (px0, px1), lines in pages:
        body = [ln for ln in lines if ln.horizontal]
        if not body:
            out.append(None)
            continue
        left, right = min(ln.x0 for ln in body), max(ln.x1 for ln in body)
        if left_m is not None:
            left, right = min(left, px0 + left_m), max(right, px1 - right_m)
        out.append(Frame(left, right))
    return out


@dataclass
class Style:
    """How the document marks a new paragraph: the usual gap between two lines of a paragraph, and
    whether paragraphs are set apart by extra space and/or by a first-line indent."""
    gap: float = 0.0
    spaced: bool = False
    indented: bool = False
    wraps: bool = True     # False when fewer than two lines reach the right edge: nothing wrapped


def style(pages: list[list[Line]], page_frames: list[Frame | None]) -> Style:
    """Learn the Style from the lines that surely end a paragraph (shorter than 3/4 of the column)."""
    gaps, starts, full = [], [], 0
    for lines, frame in zip(pages, page_frames):
        if frame is None:
            continue
        full += sum(1 for ln in lines if ln.horizontal and _body(ln, frame)
                    and frame.right - ln.x1 < 0.1 * frame.width)
        for a, b in zip(lines, lines[1:]):
            if not (a.horizontal and b.horizontal):
                continue
            space = b.y0 - a.y1
            if -0.5 * min(a.height, b.height) < space < 2 * a.height:
                gaps.append(space)
                if _body(a, frame) and _body(b, frame) and frame.right - a.x1 > 0.25 * frame.width:
                    starts.append((space, b.x0 - frame.left, min(a.height, b.height), b.size))
    if not gaps or full < 2:
        return Style(wraps=full >= 2)
    gap = sorted(gaps)[len(gaps) // 4]          # lower quartile: the gap inside a paragraph
    if len(starts) < 3:
        return Style(gap)
    return Style(gap,
                 spaced=statistics.median(s[0] - gap - 0.3 * s[2] for s in starts) > 0,
                 indented=statistics.median(s[1] - 0.5 * s[3] for s in starts) > 0)


def _body(line: Line, frame: Frame) -> bool:
    """A line that starts near the left edge (not a centred or right-aligned one)."""
    return line.x0 - frame.left <= 0.2 * frame.width


def _centred(line: Line, frame: Frame, tol: float) -> bool:
    return abs((line.x0 + line.x1) / 2 - (frame.left + frame.right) / 2) <= tol


_SENTENCE_END = re.compile(r"[.;:!?…][”\"’')\]]*$")
_CAPITAL_START = re.compile(r"[“\"‘'(\[]*[^\W\d_]")


def _sentence_break(prev: str, nxt: str) -> bool:
    """prev ends a sentence and nxt starts one with a capital letter."""
    m = _CAPITAL_START.match(nxt)
    return bool(_SENTENCE_END.search(prev) and m and m.group(0)[-1].isupper())


def starts_paragraph(text: str, previous: str = "") -> bool:
    """Does `text` open a new structural unit, whatever the geometry says?"""
    if _MARKERS.match(text):
        return True
    bullet = _BULLET.match(text)
    if bullet:   # "chính trị\n- xã hội", "2025\n- 2030" wrapped at a dash: left to the geometry
        return not (bullet.group(1).islower() or bullet.group(1).isdigit())
    letters = [c for c in text if c.isalpha()]
    # an ALL-CAPS heading after ordinary text (a wrapped ALL-CAPS heading keeps joining)
    return len(letters) >= 4 and text.isupper() and not " ".join(previous.split()[-2:]).isupper()


def continues(prev: Line, nxt: Line, prev_frame: Frame, next_frame: Frame, *, same_page: bool,
              style: Style, prev_opens: bool) -> bool:
    """Is `nxt` the soft-wrapped continuation of the paragraph whose last line is `prev`?

    prev_opens: `prev` is the first line of its paragraph (then an equally indented `nxt` is
    read as a new indented paragraph, not a continuation)."""
    if prev.alone or nxt.alone:
        return False
    if not (style.wraps and prev.horizontal and nxt.horizontal) or starts_paragraph(nxt.text, prev.text):
        return False
    size = min(prev.size, nxt.size)
    if abs(prev.size - nxt.size) > 1.0:
        return False
    if same_page:
        space = nxt.y0 - prev.y1
        if space < -0.5 * min(prev.height, nxt.height):      # same row or going back up
            return same_row(prev, nxt)
        if space > style.gap + 0.3 * min(prev.height, nxt.height):  # paragraph spacing
            return False
    tol = 0.5 * size
    if _centred(prev, prev_frame, tol) and _centred(nxt, next_frame, tol) \
            and nxt.x0 - next_frame.left > tol:                # a centred heading over two lines
        return prev_frame.width - (prev.x1 - prev.x0) < nxt.first_word + 0.33 * size + 1.0
    if not _body(prev, prev_frame):                            # centred or right-aligned
        return False
    if nxt.x0 - next_frame.left > prev.x0 - prev_frame.left + tol:   # first-line indent
        return False
    if prev_opens and nxt.x0 - next_frame.left > tol and \
            abs((nxt.x0 - next_frame.left) - (prev.x0 - prev_frame.left)) <= tol:
        return False                                           # two indented paragraphs
    slack = prev_frame.right - prev.x1
    if slack >= nxt.first_word + 0.33 * size + 1.0:            # the next word would have fitted
        return False
    # neither spacing nor indents mark paragraphs here: a full line that ends a sentence, followed
    # by a capital letter, is read as the end of a paragraph
    return style.spaced or style.indented or not _sentence_break(prev.text, nxt.text)


def same_row(prev: Line, nxt: Line) -> bool:
    """A justified line that pymupdf cut in two at a wide space ("Nguồn:      https://…")."""
    return (nxt.block == prev.block and not (prev.alone or nxt.alone) and nxt.x0 > prev.x1 and prev.horizontal and nxt.horizontal
            and abs(nxt.y1 - prev.y1) < 0.2 * min(prev.size, nxt.size))


def join_page(lines: list[Line], frame: Frame | None, doc_style: Style) -> list[list[Line]]:
    """Group a page's lines into paragraphs (lists of lines)."""
    paragraphs: list[list[Line]] = []
    for ln in lines:
        if paragraphs and same_row(paragraphs[-1][-1], ln):
            a = paragraphs[-1][-1]
            paragraphs[-1][-1] = replace(a, text=f"{a.text} {ln.text}", x1=ln.x1, y0=min(a.y0, ln.y0),
                                         y1=max(a.y1, ln.y1))
        elif paragraphs and frame is not None and continues(
                paragraphs[-1][-1], ln, frame, frame, same_page=True, style=doc_style,
                prev_opens=len(paragraphs[-1]) == 1):
            paragraphs[-1].append(ln)
        else:
            paragraphs.append([ln])
    return paragraphs


_BREAK_AFTER = re.compile(r"[^\W_][-/]$")   # "294-" + "QĐ/TW", "05-HD/" + "UBKTTW": no space


def joiner(text: str) -> str:
    """What goes between `text` and its continuation line: one space, none after a line broken at a
    hyphen or slash inside a word ("Quy định số 294-" + "QĐ/TW"; Vietnamese never hyphenates)."""
    return "" if _BREAK_AFTER.search(text) else " "


def paragraph_text(lines: list[Line]) -> str:
    out = lines[0].text
    for ln in lines[1:]:
        out += joiner(out) + ln.text
    return out


# ---- page furniture and the two-column header ---------------------------------------------------
_RUNNING_HEAD = re.compile(r"^(?:\d{1,4}\s+)?CÔNG BÁO\s*/\s*Số\b.*$|^.*\bCÔNG BÁO\s*/\s*Số\b.*?\s\d{1,4}$")
_PAGE_NUMBER = re.compile(r"^(?:Trang\s+)?[-–]?\s*\d{1,4}\s*[-–]?$")
_STAMP = re.compile(r"^(?:Người ký|Ký bởi|Email|Cơ quan|Thời gian ký|Signed by|Signing time)\s*:")


def drop_furniture(lines: list[Line], height: float) -> list[Line]:
    """Without the running heads of a Công báo issue ("CÔNG BÁO/Số 471 + 472/Ngày 26-3-2021 31"),
    bare page numbers at the top or bottom edge, and the digital-signature stamp ("Người ký: …",
    "Email: …", "Cơ quan: …", "Thời gian ký: …"): page furniture, not the document's text."""
    out = []
    for ln in lines:
        edge = ln.y1 < 0.1 * height or ln.y0 > 0.9 * height
        if _STAMP.match(ln.text) or (edge and (_PAGE_NUMBER.match(ln.text) or _RUNNING_HEAD.match(ln.text))):
            continue
        if _RUNNING_HEAD.match(ln.text) and ln.y0 < 0.2 * height:
            continue
        out.append(ln)
    return out


def header_columns(lines: list[Line], x0: float, x1: float) -> list[Line]:
    """The first page's header read by position: the official header sets issuer and number in a
    left column and motto, place and date in a right one, on shared rows ("Số 294-QĐ/TW" level with
    "Hà Nội, ngày 26 tháng 5 năm 2025"). The lines above the first centred line are read column by
    column (left, top to bottom, then right), each line on its own."""
    mid, width = (x0 + x1) / 2, max(1.0, x1 - x0)
    zone = []
    for ln in lines:
        cx = (ln.x0 + ln.x1) / 2
        if abs(cx - mid) < 0.06 * width and ln.x1 - ln.x0 < 0.8 * width or ln.x1 - ln.x0 > 0.6 * width:
            break          # the type word / title, or body text
        zone.append(ln)
    left = [ln for ln in zone if (ln.x0 + ln.x1) / 2 < mid]
    right = [ln for ln in zone if (ln.x0 + ln.x1) / 2 >= mid]
    if not left or not right:
        return lines
    ordered = sorted(left, key=lambda ln: ln.y0) + sorted(right, key=lambda ln: ln.y0)
    return [replace(ln, alone=True) for ln in ordered] + lines[len(zone):]
