"""PDF paragraphs that wrap over several lines read back as one line each, so a PDF parses into the
same units as the TXT/MD it was typeset from.

The PDFs are typeset inside the tests from the real texts (the seed Đề án and Luật Tố cáo) with
pymupdf's Story on A4 pages (left margin 3 cm, others 2 cm, DejaVu Sans 11–12 pt): long paragraphs
wrap and run on from one page to the next, as in a real file.
"""
from __future__ import annotations

import html
import io
from pathlib import Path

import pytest

from ktgs.ingest.parse import parse_file
from ktgs.ingest.readers import read_document
from ktgs.ingest.readers.pdf_layout import starts_paragraph
from ktgs.ingest.readers.plaintext import markdown_to_text, split_front_matter
from ktgs.ingest.text import normalise

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "corpus" / "de-an-giam-sat-thuong-xuyen-2025-2030.txt"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
# how paragraphs are set apart: a first-line indent (justified text), or space after (ragged right)
LAYOUTS = {
    "indent": "p {margin: 0; text-align: justify; text-indent: 1cm;}",
    "spaced": "p {margin: 0 0 6pt 0; text-align: left;}",
}
pytestmark = pytest.mark.skipif(not FONT.is_file(), reason=f"font {FONT} missing")


def typeset(lines: list[str], path: Path, layout: str, size: float,
            centred: tuple[str, ...] = ()) -> int:
    """One <p> per text line, A4, the lines starting with `centred` centred. Returns the page count."""
    import pymupdf

    css = (f"@font-face {{font-family: dv; src: url({FONT.name});}} "
           f"body {{font-family: dv; font-size: {size}pt; line-height: 1.3;}} {LAYOUTS[layout]} "
           "p.c {text-align: center; text-indent: 0;}")
    body = "".join(f'<p class="c">{html.escape(ln)}</p>' if centred and ln.startswith(centred)
                   else f"<p>{html.escape(ln)}</p>" for ln in lines)
    story = pymupdf.Story(html=body, user_css=css, archive=pymupdf.Archive(str(FONT.parent)))
    page = pymupdf.paper_rect("a4")
    where = pymupdf.Rect(85, 57, page.width - 57, page.height - 57)
    buf = io.BytesIO()
    writer = pymupdf.DocumentWriter(buf)
    more = 1
    while more:
        device = writer.begin_page(page)
        more, _ = story.place(where)
        story.draw(device)
        writer.end_page()
    writer.close()
    path.write_bytes(buf.getvalue())
    return pymupdf.open(path).page_count


def printed_lines(path: Path) -> list[list[str]]:
    """The lines as printed on each page (pymupdf's plain text, nothing joined)."""
    import pymupdf

    with pymupdf.open(path) as doc:
        return [[ln.strip() for ln in page.get_text("text").split("\n") if ln.strip()] for page in doc]


def _key(res, drop: str = ""):
    return [(u.unit_id.removeprefix(drop), u.heading, u.text, u.level, u.footnotes) for u in res.units]


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    return [ln for ln in read_document(SEED).text.split("\n") if ln.strip()]


@pytest.fixture(scope="module")
def luat_lines(corpus_dir) -> list[str]:
    """Luật Tố cáo: the body after the front matter, Markdown stripped, one paragraph a line."""
    _, body, _ = split_front_matter((corpus_dir / "luat-to-cao-25-2018-QH14.md").read_text("utf-8"))
    return [ln for ln in normalise(markdown_to_text(body)).split("\n") if ln.strip()]


@pytest.mark.parametrize(("layout", "size", "pages"), [("indent", 12, 17), ("spaced", 11, 15)])
def test_de_an_pdf_gives_the_txt_units(tmp_path, seed_lines, layout, size, pages):
    path = tmp_path / "de-an.pdf"
    assert typeset(seed_lines, path, layout, size) == pages
    printed = [ln for page in printed_lines(path) for ln in page]
    assert len(printed) > 3 * len(seed_lines)          # the paragraphs really wrap

    raw = read_document(path)
    assert raw.text.split("\n") == seed_lines          # every paragraph back on one line
    assert len(raw.pages) == pages
    txt, pdf = parse_file(SEED), parse_file(path)
    assert _key(pdf) == _key(txt)
    assert pdf.document.recipients == txt.document.recipients
    assert pdf.document.doc_id == txt.document.doc_id
    kp = next(u for u in pdf.units if u.unit_id.endswith("/phan-2/muc-iv"))
    assert "4,7 tỷ đồng" in kp.text


@pytest.mark.parametrize(("layout", "size", "centred", "pages"),
                         [("indent", 12, (), 28), ("spaced", 11, ("Chương", "Mục"), 27)])
def test_luat_to_cao_pdf_gives_the_md_units(tmp_path, corpus_dir, luat_lines, layout, size, centred,
                                            pages):
    path = tmp_path / "luat-to-cao.pdf"
    assert typeset(luat_lines, path, layout, size, centred) == pages
    printed = printed_lines(path)
    assert sum(map(len, printed)) > 2 * len(luat_lines)
    # long ALL-CAPS chapter titles wrap too (centred in the second layout)
    assert "Chương III. GIẢI QUYẾT TỐ CÁO ĐỐI VỚI HÀNH VI VI PHẠM PHÁP LUẬT TRONG VIỆC THỰC HIỆN " \
           "NHIỆM VỤ, CÔNG VỤ" not in [ln for page in printed for ln in page]

    raw = read_document(path)
    assert raw.text.split("\n") == luat_lines
    # paragraphs that run on to the next page are joined across the page break too
    assert sum(raw.text[end] == " " for _, _, end in raw.pages[:-1]) >= 10

    txt_path = tmp_path / "luat-to-cao.txt"
    txt_path.write_text("\n\n".join(luat_lines), encoding="utf-8")
    txt, pdf = parse_file(txt_path), parse_file(path)
    assert _key(pdf) == _key(txt)                      # ids included: the same doc id from the words
    md = parse_file(corpus_dir / "luat-to-cao-25-2018-QH14.md")
    assert _key(pdf, pdf.document.doc_id) == _key(md, md.document.doc_id)

    dieu = [u for u in pdf.units if u.level == "dieu"]
    assert len(dieu) == 67
    d30 = next(u for u in dieu if u.heading == "Điều 30. Thời hạn giải quyết tố cáo")
    khoan = [u for u in pdf.units if u.parent_id == d30.unit_id]
    assert [u.unit_id.rsplit("/", 1)[1] for u in khoan] == [f"khoan-{i}" for i in range(1, 6)]
    assert khoan[2].unit_id == f"{pdf.document.doc_id}/dieu-30/khoan-3"
    assert khoan[2].text == ("3. Đối với vụ việc đặc biệt phức tạp thì có thể gia hạn giải quyết tố cáo "
                             "hai lần, mỗi lần không quá 30 ngày.")


def test_pages_of_wrapped_articles(tmp_path, luat_lines):
    """page_start of every Điều is the page its heading is printed on; Điều 30 on page 14."""
    path = tmp_path / "luat-to-cao.pdf"
    typeset(luat_lines, path, "indent", 12)
    printed = printed_lines(path)
    res = parse_file(path)
    dieu = [u for u in res.units if u.level == "dieu"]
    for unit in dieu:
        number = unit.heading.split(".")[0]            # "Điều 30"
        pages = [i for i, page in enumerate(printed, start=1)
                 if any(ln.startswith(number + ".") for ln in page)]
        assert pages == [unit.page_start], unit.heading
        ends = [i for i, page in enumerate(printed, start=1) if unit.text.split()[-1] in " ".join(page)]
        assert unit.page_end in ends
    d30 = next(u for u in dieu if u.heading.startswith("Điều 30."))
    assert (d30.page_start, d30.page_end) == (14, 14)
    assert sum(u.page_end > u.page_start for u in dieu) >= 10   # articles that run over a page break
    doc = res.document
    for unit in res.units:
        assert unit.text in doc.text[unit.char_start:unit.char_end]


# --- the marker rule, on lines of a clearly fictitious text -----------------------------------
FICTITIOUS = "VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử"


@pytest.mark.parametrize("line", [
    "Điều 5. Phạm vi", "Điều 12a: Nội dung", "Chương II", "Chương III. QUY ĐỊNH", "Mục 2. TRÌNH TỰ",
    "Phần thứ hai", "PHẦN THỨ BA", "1. Nội dung", "12. Nội dung", "1.1. Văn bản", "2.1 Văn bản",
    "a) nội dung", "đ) nội dung", "a1) nội dung", "1) nội dung", "1- Nội dung", "I. MỤC TIÊU",
    "IV. KINH PHÍ", "- Nội dung", "+ Nội dung", "• Nội dung", "¹ Chú thích", "⁽²⁾ Chú thích",
    "Nơi nhận:", "T/M BAN THƯỜNG VỤ", "KT. CHỦ TỊCH", "NHỮNG QUY ĐỊNH CHUNG",
])
def test_marker_lines_start_a_paragraph(line):
    assert starts_paragraph(line, "nội dung của dòng trước")


@pytest.mark.parametrize(("line", "previous"), [
    ("xã hội ở địa phương", "tổ chức chính trị -"), ("- xã hội ở địa phương", "tổ chức chính trị"),
    ("- 2030 đã đề ra", "nhiệm kỳ 2025"), ("05-HD/UBKTTW, ngày 22/11/2022", "Hướng dẫn số"),
    ("2030, công tác giám sát", "đến năm"), ("Điều 5 của Luật này", "theo quy định tại"),
    ("Chương II của Luật này", "quy định tại"), ("8.375,2 km², dân số", "diện tích là"),
    ("140.429 đảng viên", "trực thuộc với"), ("TỐ CÁO, NGƯỜI GIẢI QUYẾT", "CỦA NGƯỜI BỊ"),
    ("Nhân dân.", "trong cán bộ, đảng viên và"),
])
def test_continuation_lines_are_not_markers(line, previous):
    assert not starts_paragraph(line, previous)


FILLER = ("nội dung giả định của văn bản kiểm thử được viết ra chỉ để kiểm tra việc nối các dòng "
          "bị ngắt trong tệp PDF").split()


def _justified(page, font, y: float, words: list[str], left: float, right: float, size: float) -> None:
    """One line whose words are spread from `left` to exactly `right`, as justified text is printed."""
    words = [w + " " for w in words[:-1]] + words[-1:]          # the spaces are in the text layer
    widths = [font.text_length(w, fontsize=size) for w in words]
    gap = (right - left - sum(widths)) / (len(words) - 1)      # extra room spread between the words
    assert 0 <= gap <= 2 * font.text_length(" ", fontsize=size)
    x = left
    for word, width in zip(words, widths):
        page.insert_text((x, y), word, fontname="dv", fontfile=str(FONT), fontsize=size)
        x += width + gap


def _two_full_lines(first: list[str], font, width: float, size: float) -> list[list[str]]:
    """`first` words, then filler words, broken greedily into lines of `width`; the first two lines."""
    words, lines, cur = first + FILLER * 3, [], []
    for w in words:
        if cur and font.text_length(" ".join(cur + [w]), fontsize=size) > width:
            lines.append(cur)
            cur = []
        cur.append(w)
    return lines[:2]


def test_full_lines_before_markers_are_not_joined(tmp_path):
    """Justified lines that fill the column (no indent, no paragraph spacing: the hardest layout).
    A line is joined to a full line before it unless it opens a structure marker; a line broken
    inside "294-QĐ/TW" is joined without a space; a dash of "chính trị - xã hội" that wrapped is
    joined; a full line that ends a sentence followed by a capital starts a new paragraph."""
    import pymupdf

    size, left, right = 11.0, 85.0, 538.0
    font = pymupdf.Font(fontfile=str(FONT))
    openers = ["Điều 1. Phạm vi", "1. Khoản", "1.1. Mục", "a) điểm", "đ) điểm", "- Gạch đầu dòng",
               "¹ Chú thích", "II. PHẦN", "Chương II. NỘI DUNG"]
    paragraphs = [FICTITIOUS.split()]
    # a break inside "294-QĐ/TW", a wrapped dash, a full line ending a sentence (each ends short)
    for tail, head in [("số 294-", "QĐ/TW"), ("tổ chức chính trị", "- xã hội"), ("kiểm thử.", "Nội dung")]:
        line = []
        for w in FILLER * 2:
            if font.text_length(" ".join(line + [w] + tail.split()), fontsize=size) > right - left:
                break
            line.append(w)
        paragraphs.append([line + tail.split(), head.split() + FILLER[:6]])
    for opener in openers:                   # each one after a full line
        paragraphs.append(_two_full_lines(opener.split(), font, right - left, size))
    paragraphs.append([["Nơi", "nhận:"]])
    paragraphs[0] = [paragraphs[0]]

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 60.0
    for i, para in enumerate(paragraphs):
        for line in para:
            natural = font.text_length(" ".join(line), fontsize=size)
            if 0 < i < len(paragraphs) - 1 and natural > 0.8 * (right - left):   # a full line
                _justified(page, font, y, line, left, right, size)
            else:
                page.insert_text((left, y), " ".join(line), fontname="dv", fontfile=str(FONT),
                                 fontsize=size)
            y += size * 1.3
    path = tmp_path / "gia-dinh.pdf"
    doc.save(path)
    got = read_document(path).text.split("\n")

    expected = [" ".join(w for line in para for w in line) for para in paragraphs]
    expected[1] = expected[1].replace("294- QĐ/TW", "294-QĐ/TW")
    first, second = expected.pop(3).split("kiểm thử. ")
    expected[3:3] = [first + "kiểm thử.", second]
    assert got == expected
    assert len(got) == len(openers) + 6
    assert "số 294-QĐ/TW nội dung" in got[1] and "tổ chức chính trị - xã hội nội dung" in got[2]
    assert got[-2].startswith("Chương II. NỘI DUNG") and got[-1] == "Nơi nhận:"
