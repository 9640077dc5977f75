"""SparseEncoder on real texts from ../shared/corpus: terms, references, abbreviations, BM25 weights."""
from __future__ import annotations

import pytest

from ktgs.index.sparse import (ABBREVIATIONS, SparseEncoder, expand_abbreviations, has_diacritics, term_id)


def _article(corpus_dir, filename: str, number: int) -> str:
    text = (corpus_dir / filename).read_text(encoding="utf-8")
    start = text.index(f"#### Điều {number}.")
    end = text.index(f"#### Điều {number + 1}.")
    return text[start + len("#### "):end].strip()


@pytest.fixture(scope="module")
def dieu30(corpus_dir) -> str:
    return _article(corpus_dir, "luat-to-cao-25-2018-QH14.md", 30)


def test_term_ids_are_stable_32_bit_hashes():
    assert term_id("thời_hạn") == 1826427572
    assert term_id("#296-qd/tw") == 216163882
    assert term_id("@dieu_30") == 1045713067
    assert all(0 <= term_id(t) < 2 ** 32 for t in ("a", "đảng_viên", "~to"))


def test_accented_query_uses_segmented_words_without_stopwords():
    enc = SparseEncoder()
    assert enc.query_terms("Thời hạn giải quyết tố cáo là bao lâu?") == ["thời_hạn", "giải_quyết", "tố_cáo", "bao_lâu"]


def test_unaccented_query_uses_folded_syllables_and_ngrams():
    terms = SparseEncoder().query_terms("thoi han giai quyet to cao")
    assert terms[:6] == ["~thoi", "~han", "~giai", "~quyet", "~to", "~cao"]
    assert {"f:thoi_han", "f:giai_quyet", "f:to_cao", "f:thoi_han_giai"} <= set(terms)
    assert len(terms) == 6 + 5 + 4


def test_document_terms_of_dieu_30_luat_to_cao(dieu30):
    counts, length = SparseEncoder().document_terms(dieu30)
    assert length == 78
    assert counts["tố_cáo"] == 9
    assert counts["f:to_cao"] == 9            # folded word, for unaccented queries
    assert counts["~to"] == 10                # folded syllable: tố (cáo) ×9 + tổ (chức) ×1
    assert counts["thời_hạn"] == 2
    assert counts["@dieu_30"] == 1            # "Điều 30." heading
    assert counts["là"] == 0                  # stopword
    # every term an unaccented query makes for its heading words is present
    q = SparseEncoder().query_terms("thoi han giai quyet to cao")
    assert {"~thoi", "~han", "f:thoi_han", "f:giai_quyet", "f:to_cao"} <= set(counts)
    assert not {"f:han_giai", "f:quyet_to"} & set(counts)     # spurious bigrams find nothing
    assert len(set(q) & set(counts)) == 9


def test_document_numbers_and_article_references_become_tokens():
    enc = SparseEncoder()
    terms = enc.query_terms("Thẩm quyền của BTV theo Quy định 296-QĐ/TW, khoản 2 Điều 8")
    assert "#296-qđ/tw" in terms and "#296-qd/tw" in terms
    assert "@khoan_2" in terms and "@dieu_8" in terms
    # unaccented: only the folded number
    terms = enc.query_terms("quy dinh 296-qd/tw dieu 8")
    assert "#296-qd/tw" in terms and "#296-qđ/tw" not in terms and "@dieu_8" in terms
    counts, _ = enc.document_terms("Luật Tố cáo số 25/2018/QH14 và Quy định 07-QĐi/TW; Nghị định 31/2019/NĐ-CP")
    assert {"#25/2018/qh14", "#07-qđi/tw", "#07-qdi/tw", "#31/2019/nđ-cp", "#31/2019/nd-cp"} <= set(counts)
    # dates are not document numbers
    counts, _ = enc.document_terms("ngày 01/7/2025")
    assert not [t for t in counts if t.startswith("#")]


def test_abbreviations_expand_at_query_time_and_keep_the_original():
    assert expand_abbreviations("UBKT xử lý ĐV vi phạm") == "UBKT (ủy ban kiểm tra) xử lý ĐV (đảng viên) vi phạm"
    # inside a document number they are left alone
    assert expand_abbreviations("Quy định 296-QĐ/TW") == "Quy định 296-QĐ/TW"
    terms = SparseEncoder().query_terms("Thẩm quyền của BTV")
    assert terms == ["thẩm_quyền", "btv", "ban", "thường_vụ"]
    # an unaccented query stays unaccented after expansion
    terms = SparseEncoder().query_terms("ubkt xu ly dv")
    assert "~kiem" in terms and "f:kiem_tra" in terms and "f:dang_vien" in terms
    assert not [t for t in terms if has_diacritics(t)]
    assert set(ABBREVIATIONS) >= {"ubkt", "btv", "bch", "dv", "tcd", "qd", "hd", "kl", "nq", "pctn"}


def test_bm25_document_weights(dieu30):
    enc = SparseEncoder(avgdl=40.0)
    counts, length = enc.document_terms(dieu30)
    vec = enc.encode_document(dieu30)
    weights = dict(zip(vec.indices, vec.values))
    norm = 1.2 * (1 - 0.75 + 0.75 * length / 40.0)
    assert weights[term_id("tố_cáo")] == pytest.approx(9 * 2.2 / (9 + norm))
    assert weights[term_id("@dieu_30")] == pytest.approx(2.2 / (1 + norm))
    assert vec.indices == sorted(vec.indices)
    raw = SparseEncoder(saturate=False).encode_document(dieu30)
    assert dict(zip(raw.indices, raw.values))[term_id("tố_cáo")] == 9.0
    with pytest.raises(ValueError):
        SparseEncoder().encode_document(dieu30)   # saturation needs avgdl


def test_query_vector_has_unit_values():
    vec = SparseEncoder().encode_query("Kinh phí thực hiện đề án")
    assert sorted(vec.indices) == sorted(term_id(t) for t in ("kinh_phí", "thực_hiện", "đề_án"))
    assert vec.values == [1.0, 1.0, 1.0]
