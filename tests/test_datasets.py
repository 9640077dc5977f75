"""Dataset loaders on the real ALQAC dev split, our JSONL format and a tiny BEIR folder."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from ktgs.errors import EvalError
from ktgs.evals.alqac import article_unit_id, articles_to_units, corpus_to_units, law_slug
from ktgs.evals.datasets import EvalQuestion, load_alqac, load_dataset, load_jsonl, save_jsonl

FICTION = "VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử"


def test_law_slugs():
    assert law_slug("Luật Phòng, chống ma túy") == "luat-phong-chong-ma-tuy"
    assert law_slug("Bộ luật dân sự") == "bo-luat-dan-su"
    assert law_slug("Luật Điện ảnh") == "luat-dien-anh"
    assert article_unit_id("Hiến pháp", 5) == "hien-phap/dieu-5"


def test_alqac_dev_split(alqac_dir):
    ds = load_alqac(alqac_dir, "dev")
    assert len(ds.questions) == 300
    assert Counter(q.question_type for q in ds.questions) == {"Đúng/Sai": 159, "Trắc nghiệm": 118, "Tự luận": 23}
    assert sum(len(q.relevant) for q in ds.questions) == 305
    q0 = ds.questions[0]
    assert q0.id == "train_alqac25_28"
    assert q0.relevant == ["luat-trong-tai-thuong-mai/dieu-21"] and q0.answer == "Đúng"
    assert q0.metadata["origin"] == "alqac2023_train=alqac2024_verified"
    mcq = next(q for q in ds.questions if q.id == "train_alqac25_584")
    assert mcq.choices == {"A": "Bộ Tài Chính", "B": "Bộ Tư Pháp", "C": "Bộ Công An", "D": "Bộ Ngoại Giao"}
    with pytest.raises(EvalError, match="only 'dev'"):
        load_alqac(alqac_dir, "test")


def test_alqac_corpus_units(alqac_dir):
    docs = articles_to_units(alqac_dir / "corpus.jsonl")
    units = {u.unit_id: u for _, us in docs for u in us}
    articles = {uid: u for uid, u in units.items() if u.level == "dieu"}
    assert len(docs) == 17 and len(articles) == 2249
    # 6,162 khoản: ALQAC's "Hiến pháp#114" also holds a glued "Điều 115" line whose khoản 1–2 used to be
    # taken for khoản of Điều 114; a bare "Điều N" line now ends the khoản sequence (they stay its text)
    assert Counter(u.level for u in units.values()) == {"dieu": 2249, "khoan": 6162, "diem": 3480}
    assert "hien-phap/dieu-114/khoan-1" not in units and "Điều 115" in units["hien-phap/dieu-114"].text
    assert Counter(d.doc_id for d, us in docs for u in us if u.level == "dieu")["bo-luat-dan-su"] == 689
    u = units["luat-phong-chong-ma-tuy/dieu-1"]
    assert u.level == "dieu" and u.doc_id == "luat-phong-chong-ma-tuy" and u.parent_id is None
    assert u.heading == "Điều 1. Phạm vi điều chỉnh"
    assert u.breadcrumb == "Luật Phòng, chống ma túy › Điều 1. Phạm vi điều chỉnh"
    assert u.text.startswith("Điều 1. Phạm vi điều chỉnh\nLuật này quy định về phòng, chống ma túy;")
    k = units["luat-phong-chong-ma-tuy/dieu-2/khoan-4"]
    assert k.level == "khoan" and k.parent_id == "luat-phong-chong-ma-tuy/dieu-2" and k.heading == "Khoản 4"
    assert k.text.startswith("4. Tiền chất là hóa chất không thể thiếu được trong quá trình điều chế, sản xuất")
    assert k.breadcrumb == "Luật Phòng, chống ma túy › Điều 2. Giải thích từ ngữ › Khoản 4"
    assert k.text in units["luat-phong-chong-ma-tuy/dieu-2"].text
    doc = next(d for d, _ in docs if d.doc_id == "luat-phong-chong-ma-tuy")
    assert doc.title == "Luật Phòng, chống ma túy" and doc.doc_type == "luat"
    for x in (x for d, us in docs if d is doc for x in us):   # spans hold the unit's lines
        span = doc.text[x.char_start:x.char_end]
        assert "\n".join(line.strip() for line in span.splitlines() if line.strip()) == x.text
    # the corpus's article boundaries win: "Phần thứ hai" inside a Bộ luật dân sự article stays text
    assert not any(u.level == "phan" for u in units.values())
    # every gold article of the dev split exists in the corpus
    ds = load_alqac(alqac_dir)
    assert all(r in articles for q in ds.questions for r in q.relevant)
    keep = {"hien-phap/dieu-1", "hien-phap/dieu-2"}
    kept = [u for _, us in articles_to_units(alqac_dir / "corpus.jsonl", keep) for u in us]
    assert [u.unit_id for u in kept if u.parent_id is None] == sorted(keep)
    assert all(u.unit_id.startswith(("hien-phap/dieu-1/", "hien-phap/dieu-2/")) for u in kept if u.parent_id)
    flat = [u for _, us in articles_to_units(alqac_dir / "corpus.jsonl", clauses=False) for u in us]
    assert len(flat) == 2249 and all(u.level == "dieu" for u in flat)


def test_our_jsonl_roundtrip(tmp_path):
    rows = [
        {"id": "g1", "question": f"Câu hỏi thử ({FICTION})?", "relevant": ["gia-dinh-1/dieu-3/khoan-2"],
         "answer": "không quá 10 ngày", "key_facts": ["10 ngày"], "question_type": "Tự luận"},
        {"id": "g2", "question": "Thủ tục cấp hộ chiếu?", "relevant": [], "answerable": False},
        {"id": "g3", "question": "Chọn?", "relevant": [{"law_id": "Hiến pháp", "article_id": "2"}],
         "choices": ["một", "hai"], "answer": "B", "question_type": "Trắc nghiệm", "source": "x"},
    ]
    path = tmp_path / "g.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    qs = load_jsonl(path)
    assert qs[0].key_facts == ["10 ngày"] and qs[0].answerable is True
    assert qs[1].answerable is False and qs[1].relevant == []
    assert qs[2].relevant == ["hien-phap/dieu-2"] and qs[2].choices == {"A": "một", "B": "hai"}
    assert qs[2].metadata == {"source": "x"}
    again = load_jsonl(save_jsonl(tmp_path / "h.jsonl", qs))
    assert again == qs
    assert load_dataset(str(path)).questions == qs


def test_bad_rows_raise(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_text('{"id": "a", "question": "q"}\n{"id": "a", "question": "q"}\n', encoding="utf-8")
    with pytest.raises(EvalError, match="duplicate id"):
        load_jsonl(p)
    p.write_text('{"question": "q"}\n', encoding="utf-8")
    with pytest.raises(EvalError, match="missing field 'id'"):
        load_jsonl(p)
    with pytest.raises(EvalError, match="unknown dataset"):
        load_dataset("no-such-set")


def test_beir_folder(tmp_path):
    (tmp_path / "qrels").mkdir()
    (tmp_path / "corpus.jsonl").write_text(
        '{"_id": "d1", "title": "T1", "text": "' + FICTION + ' một"}\n'
        '{"_id": "d2", "title": "T2", "text": "' + FICTION + ' hai"}\n', encoding="utf-8")
    (tmp_path / "queries.jsonl").write_text('{"_id": "q1", "text": "một"}\n{"_id": "q2", "text": "ba"}\n',
                                            encoding="utf-8")
    (tmp_path / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t0\n",
                                                 encoding="utf-8")
    ds = load_dataset(str(tmp_path))
    assert [q.id for q in ds.questions] == ["q1"] and ds.questions[0].relevant == ["beir/d1"]
    units = [u for _, us in corpus_to_units(ds.corpus) for u in us]
    assert [u.unit_id for u in units] == ["beir/d1", "beir/d2"] and units[0].heading == "T1"
    assert isinstance(ds.questions[0], EvalQuestion)
