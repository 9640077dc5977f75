"""Moodle XML export (multichoice, truefalse, shortanswer), written with lxml."""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..items import QuizItem
from . import answer_note


def _text(parent: etree._Element, tag: str, value: str, fmt: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, tag)
    if fmt:
        el.set("format", fmt)
    etree.SubElement(el, "text").text = value
    return el


def _answer(q: etree._Element, text: str, correct: bool) -> None:
    a = etree.SubElement(q, "answer", fraction="100" if correct else "0", format="plain_text")
    etree.SubElement(a, "text").text = text
    _text(a, "feedback", "")


def question(item: QuizItem, n: int) -> etree._Element:
    kind = {"tf": "truefalse", "cloze": "shortanswer"}.get(item.type, "multichoice")
    q = etree.Element("question", type=kind)
    _text(q, "name", f"Câu {n} ({item.id})")
    _text(q, "questiontext", item.stem, "plain_text")
    _text(q, "generalfeedback", answer_note(item), "plain_text")
    etree.SubElement(q, "defaultgrade").text = "1"
    etree.SubElement(q, "idnumber").text = item.id
    if kind == "multichoice":
        etree.SubElement(q, "single").text = "true"
        etree.SubElement(q, "shuffleanswers").text = "true"
        etree.SubElement(q, "answernumbering").text = "ABCD"
        for o in item.options:
            _answer(q, o, o == item.key)
    elif kind == "truefalse":
        _answer(q, "true", item.key == "Đúng")
        _answer(q, "false", item.key == "Sai")
    else:
        etree.SubElement(q, "usecase").text = "0"
        _answer(q, item.key, True)
    tags = etree.SubElement(q, "tags")
    for t in item.tags:
        _text(tags, "tag", t)
    return q


def dumps(items: list[QuizItem]) -> bytes:
    root = etree.Element("quiz")
    for i, it in enumerate(items, 1):
        root.append(question(it, i))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write(items: list[QuizItem], path: Path) -> list[str]:
    path.write_bytes(dumps(items))
    return []
