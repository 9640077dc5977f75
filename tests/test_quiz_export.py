"""Exports round-trip: GIFT (parsed by a small GIFT parser here), Moodle XML (lxml), Aiken, CSV,
DOCX (python-docx), PDF (pymupdf, Vietnamese text extractable) and the Anki package."""
from __future__ import annotations

import csv
import re
import sqlite3
import zipfile

import pytest
from lxml import etree

from ktgs.assistant.quiz.export import ExportError, export_items, format_for
from ktgs.assistant.quiz.export.gift import escape
from ktgs.assistant.quiz.generate import QuizSpec, build_quiz
from ktgs.assistant.quiz.items import FLAG_SELFCHECK_DISAGREES, QuizItem
from ktgs.contracts import Citation


@pytest.fixture(scope="module")
def items(law):
    return build_quiz(law.units, law.documents, QuizSpec(n=9, types=("mcq", "tf", "cloze"), seed=5)).items


def fictitious() -> QuizItem:
    """VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử: every GIFT special character in one item."""
    quote = "VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử: a = b ~ c # d {e} f: g \\ h"
    return QuizItem("mcq", "Câu giả định: {x} = ~y # z: \\ ?", ["a = b", "c ~ d", "{e}", "f: g # h"], "{e}",
                    "Giải thích giả định.", [Citation("gia-dinh/dieu-1", "Điều 1 văn bản giả định", quote)])


# --- a small GIFT parser ------------------------------------------------------------------------
def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), s)


def _split_unescaped(s: str, chars: str) -> list[tuple[str, str]]:
    """Split at unescaped chars, returning (marker, text) pairs."""
    out, cur, marker, i = [], "", None, 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            cur += s[i:i + 2]
            i += 2
            continue
        if s[i] in chars:
            if marker is not None:
                out.append((marker, cur))
            marker, cur = s[i], ""
        else:
            cur += s[i]
        i += 1
    if marker is not None:
        out.append((marker, cur))
    return out


def parse_gift(text: str) -> list[dict]:
    questions = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [ln for ln in block.split("\n") if not ln.startswith("//")]
        body = "\n".join(lines)
        m = re.match(r"::(.*?)(?<!\\)::(.*?)(?<!\\)\{(.*)(?<!\\)\}\s*$", body, re.S)
        assert m, block
        title, stem, answers = m.group(1), m.group(2).strip(), m.group(3)
        answers, _, feedback = answers.partition("####")
        q = {"title": _unescape(title), "stem": _unescape(stem), "feedback": _unescape(feedback.strip())}
        if answers.strip() in ("TRUE", "FALSE", "T", "F"):
            q.update(options=["Đúng", "Sai"], key="Đúng" if answers.strip().startswith("T") else "Sai")
        else:
            parts = [(mk, _unescape(t.strip())) for mk, t in _split_unescaped(answers, "=~")]
            q.update(options=[t for _, t in parts], key=next(t for mk, t in parts if mk == "="))
        questions.append(q)
    return questions


def test_gift_escapes_special_characters():
    assert escape("a=b~c#d{e}f:g\\h") == "a\\=b\\~c\\#d\\{e\\}f\\:g\\\\h"


def test_gift_round_trip(items, tmp_path):
    all_items = items + [fictitious()]
    res = export_items(all_items, tmp_path / "quiz.gift")
    assert (res.fmt, res.written) == ("gift", len(all_items))
    parsed = parse_gift((tmp_path / "quiz.gift").read_text(encoding="utf-8"))
    assert len(parsed) == len(all_items)
    for q, it in zip(parsed, all_items):
        assert q["stem"] == it.stem and q["key"] == it.key
        if it.type != "cloze":
            assert q["options"] == it.options
        assert it.citations[0].quote in q["feedback"]


def test_moodle_xml_round_trip(items, tmp_path):
    all_items = items + [fictitious()]
    export_items(all_items, tmp_path / "quiz.xml")
    root = etree.parse(str(tmp_path / "quiz.xml")).getroot()
    qs = root.findall("question")
    assert root.tag == "quiz" and len(qs) == len(all_items)
    for q, it in zip(qs, all_items):
        assert q.get("type") == {"mcq": "multichoice", "tf": "truefalse", "cloze": "shortanswer"}[it.type]
        assert q.findtext("questiontext/text") == it.stem
        answers = [(a.findtext("text"), a.get("fraction")) for a in q.findall("answer")]
        correct = [t for t, f in answers if f == "100"]
        if it.type == "mcq":
            assert [t for t, _ in answers] == it.options and correct == [it.key]
        elif it.type == "tf":
            assert correct == ["true" if it.key == "Đúng" else "false"]
        else:
            assert correct == [it.key]
        assert it.citations[0].label in q.findtext("generalfeedback/text")


def test_flagged_items_are_not_exported_silently(items, tmp_path):
    flagged = QuizItem.from_dict(items[0].to_dict())
    flagged.add_flag(FLAG_SELFCHECK_DISAGREES)
    res = export_items([flagged] + items[1:], tmp_path / "q.csv")
    assert (res.written, res.skipped_flagged) == (len(items) - 1, 1)
    res = export_items([flagged] + items[1:], tmp_path / "q2.csv", include_flagged=True)
    rows = list(csv.DictReader((tmp_path / "q2.csv").open(encoding="utf-8-sig")))
    assert res.written == len(rows) == len(items) and rows[0]["flags"] == FLAG_SELFCHECK_DISAGREES
    assert rows[1]["key"] == items[1].key and rows[1]["quotes"].startswith(items[1].citations[0].quote)


def test_aiken_holds_mcq_and_tf_only(items, tmp_path):
    res = export_items(items, tmp_path / "q.txt")
    blocks = (tmp_path / "q.txt").read_text(encoding="utf-8").strip().split("\n\n")
    n_cloze = sum(it.type == "cloze" for it in items)
    assert len(blocks) == res.written == len(items) - n_cloze and len(res.skipped_unsupported) == n_cloze
    first = next(it for it in items if it.type != "cloze")
    lines = blocks[0].split("\n")
    assert lines[0] == " ".join(first.stem.split())
    assert lines[-1] == f"ANSWER: {'ABCD'[first.options.index(first.key)]}"


def test_docx_has_questions_then_answer_key_with_citations(items, tmp_path):
    from docx import Document as Docx

    export_items(items, tmp_path / "q.docx")
    text = "\n".join(p.text for p in Docx(str(tmp_path / "q.docx")).paragraphs)
    key_at = text.index("Đáp án và căn cứ")
    assert text.index(items[0].stem) < key_at
    for it in items:
        assert f"Căn cứ: {it.citations[0].label}: “{it.citations[0].quote}”" in text[key_at:]


def test_pdf_text_is_extractable_vietnamese(items, tmp_path):
    import pymupdf

    export_items(items, tmp_path / "q.pdf")
    with pymupdf.open(tmp_path / "q.pdf") as doc:
        text = " ".join(page.get_text() for page in doc)
        assert doc.page_count >= 2
    words = " ".join(text.split())
    assert "Đáp án và căn cứ" in words and "Luật Tố cáo số 25/2018/QH14" in words
    assert "Thẩm quyền" in words or "thẩm quyền" in words or "tố cáo" in words


def test_anki_package_holds_one_note_per_item(items, tmp_path):
    export_items(items, tmp_path / "q.apkg", title="Ôn tập Luật Tố cáo")
    with zipfile.ZipFile(tmp_path / "q.apkg") as z:
        assert "collection.anki2" in z.namelist()
        z.extract("collection.anki2", tmp_path)
    db = sqlite3.connect(tmp_path / "collection.anki2")
    notes = db.execute("SELECT guid, flds FROM notes").fetchall()
    db.close()
    assert len(notes) == len(items)
    assert {f.split("\x1f")[3] for _, f in notes} == {it.id for it in items}


def test_format_from_extension_or_option():
    assert format_for("a.GIFT") == "gift" and format_for("x.bin", "apkg") == "apkg"
    with pytest.raises(ExportError):
        format_for("a.odt")
