"""References and relation phrases, on the real texts and on fictitious sentences."""
from __future__ import annotations

from pathlib import Path

import pytest

from ktgs.ingest.parse import parse_file
from ktgs.ingest.references import (doc_id_from_number, doc_type_from_number, extract_references,
                                    extract_relations, normalise_doc_number)

SEED = Path(__file__).resolve().parents[1] / "corpus" / "de-an-giam-sat-thuong-xuyen-2025-2030.txt"


@pytest.mark.parametrize("raw, expected", [
    ("296-QĐ/TW", "296-QĐ/TW"), ("181- QĐ/TW", "181-QĐ/TW"), ("296-QĐ/TƯ", "296-QĐ/TW"),
    ("07-QĐI/TW", "07-QĐi/TW"), ("15-HD/UBKTTW", "15-HD/UBKTTW"), ("25/2018/QH14", "25/2018/QH14"),
    ("31/2019/Nð-CP", "31/2019/NĐ-CP"), ("31/2019/NÐ-CP", "31/2019/NĐ-CP"), ("123/QĐ-TTg", "123/QĐ-TTg"),
    ("5-NQ/TW", "05-NQ/TW"), ("Thông báo kỳ họp 24", None), ("30/5/2025", None),
])
def test_normalise_doc_number(raw, expected):
    assert normalise_doc_number(raw) == expected


def test_doc_ids_and_types():
    assert doc_id_from_number("25/2018/QH14", "2018") == "25-2018-QH14"
    assert doc_id_from_number("296-QĐ/TW", "2025") == "296-QD-TW-2025"
    assert doc_type_from_number("31/2019/NĐ-CP") == "nghi-dinh"
    assert doc_type_from_number("123/QĐ-TTg") == "quyet-dinh"
    assert doc_type_from_number("34-KL/TW") == "ket-luan"
    assert doc_type_from_number("25/2018/QH14") == "luat"


def test_every_reference_in_the_seed_is_found():
    text = parse_file(SEED).document.text
    refs = extract_references(text)
    numbers = [r.doc_number for r in refs]
    for n in ("296-QĐ/TW", "69-QĐ/TW", "34-KL/TW", "57-NQ/TW"):
        assert numbers.count(n) == text.count(n) == 2
    by_number = {r.doc_number: r for r in refs}
    assert by_number["202/2025/QH15"].doc_type == "nghi-quyet"     # a QH number that is not a law
    assert by_number["202/2025/QH15"].text == "Nghị quyết số 202/2025/QH15"
    assert by_number["31/2019/NĐ-CP"].doc_type == "nghi-dinh"
    assert len(refs) == 38
    assert not any(r.doc_number.startswith(("30/", "18/")) for r in refs)     # dates are not numbers


def test_seed_relations_are_citations_only():
    every = parse_file(SEED).document.relations
    rels = [r for r in every if not r.by]          # the Đề án's own relations (r.by: another document's act)
    assert {r.kind for r in rels} == {"cites"}
    assert ("amends", "05-HD/UBKTTW", "15-HD/UBKTTW") in {(r.kind, r.doc_number, r.by) for r in every}
    # "Hướng dẫn số 15-HD/UBKTTW … về sửa đổi, bổ sung Hướng dẫn số 05-HD/UBKTTW": not the Đề án's own act
    assert [r.doc_number for r in rels].count("05-HD/UBKTTW") == 1
    assert len(rels) == 32


def test_relations_of_real_party_documents(corpus_dir):
    q69 = parse_file(corpus_dir / "quy-dinh-69-QD-TW-2022.md").document
    kinds = {(r.kind, r.doc_number) for r in q69.relations}
    assert {("based_on", "22-QĐ/TW"), ("based_on", "24-QĐ/TW"), ("replaces", "07-QĐi/TW"),
            ("replaces", "102-QĐ/TW"), ("amended_by", "264-QĐ/TW")} <= kinds
    q296 = parse_file(corpus_dir / "quy-dinh-296-QD-TW-2025.md").document
    assert sorted(r.doc_number for r in q296.relations if r.kind == "replaces") == sorted(
        ["22-QĐ/TW", "262-QĐ/TW", "86-QĐ/TW", "85-QĐ/TW", "221-QĐ/TW", "210-QĐ/TW", "211-QĐ/TW"])
    q102 = parse_file(corpus_dir / "quy-dinh-102-QD-TW-2017.md").document
    assert ("replaced_by", "69-QĐ/TW") in {(r.kind, r.doc_number) for r in q102.relations}
    assert q102.status == "expired"
    to_cao = parse_file(corpus_dir / "luat-to-cao-25-2018-QH14.md").document
    assert [(r.kind, r.doc_number) for r in to_cao.relations] == [("ends", "03/2011/QH13")]


def test_relation_phrases_on_fictitious_text():
    text = ("VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử.\n"
            "Căn cứ Quy định số 901-QĐ/TW;\n"
            "Quy định này thay thế Quy định số 902-QĐ/TW và bãi bỏ Hướng dẫn 903-HD/UBKTTW.\n"
            "Quy định này sửa đổi, bổ sung Quyết định số 904/QĐ-TTg và Thông tư số 05/2021/TT-BTC.\n")
    got = [(r.kind, r.doc_number, r.doc_type) for r in extract_relations(text, "900-QĐ/TW")]
    assert got == [("based_on", "901-QĐ/TW", "quy-dinh"), ("replaces", "902-QĐ/TW", "quy-dinh"),
                   ("repeals", "903-HD/UBKTTW", "huong-dan"), ("amends", "904/QĐ-TTg", "quyet-dinh"),
                   ("amends", "05/2021/TT-BTC", "thong-tu")]
