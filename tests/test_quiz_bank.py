"""Quiz items and the SQLite bank: stable ids, grounding checks, review workflow, reuse."""
from __future__ import annotations

import sqlite3

import pytest

from ktgs.assistant.quiz.bank import QuizBank, QuizBankError
from ktgs.assistant.quiz.items import QuizItem, verify_item
from ktgs.contracts import Citation
from ktgs.settings import load_settings

QUOTE = "VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử: thời hạn xử lý giả định là không quá 15 ngày."
UNIT = {"gia-dinh/dieu-1": "1. " + QUOTE}


def item(stem="Câu giả định: thời hạn xử lý giả định là không quá bao lâu?", key="15 ngày") -> QuizItem:
    return QuizItem("mcq", stem, ["15 ngày", "20 ngày", "25 ngày", "45 ngày"], key, "Giả định.",
                    [Citation("gia-dinh/dieu-1", "Điều 1 văn bản giả định", QUOTE, doc_number="01/GD")])


def test_id_is_stable_and_round_trips():
    a, b = item(), item()
    assert a.id == b.id and len(a.id) == 12
    assert QuizItem.from_dict(a.to_dict()) == a
    assert item(stem="Một câu khác?").id != a.id


def test_verify_item_checks_key_quote_and_options():
    assert verify_item(item(), UNIT) == []
    assert verify_item(item(key="20 ngày"), UNIT) == ["support '20 ngày' not in the quote of gia-dinh/dieu-1"]
    bad = item()
    bad.citations[0].quote = QUOTE + " thêm"
    assert verify_item(bad, UNIT) == ["quote not verbatim in gia-dinh/dieu-1"]


def test_bank_review_workflow(ktgs_home):
    settings = load_settings()
    with QuizBank.open(settings) as bank:
        assert bank.add([item(), item("Câu giả định thứ hai?")]) == 2
        assert bank.add([item()]) == 0                        # already there, keeps its status
        a = item().id
        assert bank.approve(a, "đạt").status == "approved"
        e = bank.edit(a, note="sửa câu dẫn", stem="Câu giả định đã sửa?")
        assert (e.status, e.item.stem, e.original.stem, e.reviewer_note) == (
            "draft", "Câu giả định đã sửa?", item().stem, "sửa câu dẫn")
        bank.approve(a)
        other = item("Câu giả định thứ hai?").id
        assert bank.reject(other).status == "rejected"
        assert [x.stem for x in bank.approved_items("01/GD")] == ["Câu giả định đã sửa?"]
        assert bank.approved_items("99/XX") == []
        assert [e.item.id for e in bank.list("rejected")] == [other]
        with pytest.raises(QuizBankError):
            bank.edit(a, key="không có trong phương án")
        with pytest.raises(QuizBankError):
            bank.approve("khong-co")
    assert (ktgs_home / "quiz_bank.sqlite").is_file()
    db = sqlite3.connect(ktgs_home / "quiz_bank.sqlite")
    assert db.execute("SELECT name FROM migrations").fetchall() == [("001_items",)]
    db.close()
