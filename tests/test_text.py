"""normalise / segment / fold_diacritics / legacy encodings, pinned on the real corpus texts."""
from __future__ import annotations

import re
import time
import unicodedata

import pytest

from ktgs.ingest.encodings import (
    TCVN3_TO_UNICODE, UNICODE_TO_VNI, detect_legacy, encode_legacy, to_unicode,
)
from ktgs.ingest.text import (
    NORMALISER_VERSION, SEGMENTER_VERSION, fold_diacritics, normalise, segment,
)

# a sentence of Điều 30 khoản 1, Luật Tố cáo 25/2018/QH14 (as in the shared corpus)
REAL_SENTENCE = "Thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ lý tố cáo"


@pytest.mark.parametrize("raw, expected", [
    ("hoá học", "hóa học"),
    ("hóa học", "hóa học"),                 # already in the corpus style: unchanged
    ("Hoá", "Hóa"), ("HOÁ", "HÓA"),
    ("thuỷ lợi", "thủy lợi"), ("thủy lợi", "thủy lợi"),
    ("Uỷ ban Kiểm tra", "Ủy ban Kiểm tra"),
    ("toà án", "tòa án"), ("oà", "òa"), ("khoẻ", "khỏe"), ("Nguỵ", "Ngụy"),
    ("quý", "quý"), ("quỹ", "quỹ"),         # qu-: the u is the onset, mark stays on y
    ("hoạt động", "hoạt động"), ("hoàn thành", "hoàn thành"), ("thuyết", "thuyết"), ("khuỷu", "khuỷu"),
    ("Ðảng", "Đảng"), ("ðảng viên", "đảng viên"),      # U+00D0 / U+00F0 look-alikes
    ("khoản 2 Điều 3", "khoản 2 Điều 3"),
    ("a\r\nb\rc", "a\nb\nc"),
    ("số\u00a0296-QĐ/TW", "số 296-QĐ/TW"),
    ("Đảng\u200b viên\ufeff", "Đảng viên"),
    ("  Điều   1.  Phạm vi   \n", "Điều 1. Phạm vi"),
    ("a\n\n\n\n\nb", "a\n\nb"),
    ("Điều 1\nĐiều 2\n\nĐiều 3", "Điều 1\nĐiều 2\n\nĐiều 3"),
    ("kỷ luật đảng⁽¹⁾ và ² ⁴ ¹", "kỷ luật đảng⁽¹⁾ và ² ⁴ ¹"),  # footnote marks kept
    ("e\u0301\u0302", "ế"),                 # tone typed before the circumflex
    ("", ""),
])
def test_normalise_table(raw, expected):
    assert normalise(raw) == expected
    assert normalise(expected) == expected


def test_nfd_input_equals_nfc():
    nfd = unicodedata.normalize("NFD", REAL_SENTENCE)
    assert nfd != REAL_SENTENCE
    assert normalise(nfd) == REAL_SENTENCE


def test_normalise_every_corpus_file_is_idempotent(corpus_dir):
    files = sorted(corpus_dir.glob("*.md")) + sorted(corpus_dir.glob("*.txt"))
    assert len(files) == 27          # 26 documents + MANIFEST.md
    for f in files:
        once = normalise(f.read_text(encoding="utf-8"))
        assert normalise(once) == once, f.name
        assert unicodedata.is_normalized("NFC", once), f.name


def test_corpus_tone_style_is_unified(corpus_dir):
    text = "\n".join(normalise(f.read_text(encoding="utf-8")) for f in sorted(corpus_dir.glob("*.md")))
    text += normalise((corpus_dir / "de-an-giam-sat-thuong-xuyen-2025-2030.txt").read_text(encoding="utf-8"))
    old_style = re.findall(r"(?<!\w)[^\W\d_]*?(?:o[áàảãạéèẻẽẹ]|(?<![qQ])u[ýỳỷỹỵ])(?!\w)", text, re.I)
    assert old_style == []
    words = re.findall(r"\w+", text.lower())
    # corpus: 97 "tòa" + 12 "toà", 19 "hóa" + 4 "hoá", 1570 "ủy" + 3 "uỷ", 7 "quý" (counted in the raw NFC files)
    assert words.count("tòa") == 109
    assert words.count("hóa") == 23
    assert words.count("ủy") == 1573
    assert words.count("quý") == 7


def test_normalise_keeps_headings_one_per_line(corpus_dir):
    text = normalise((corpus_dir / "luat-to-cao-25-2018-QH14.md").read_text(encoding="utf-8"))
    lines = text.split("\n")
    assert "#### Điều 30. Thời hạn giải quyết tố cáo" in lines
    assert "1. Thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ lý tố cáo." in lines


def test_segment_pinned():
    assert segment("Thời hạn giải quyết tố cáo là không quá 30 ngày") == [
        "thời_hạn", "giải_quyết", "tố_cáo", "là", "không", "quá", "30", "ngày"]


def test_segment_drops_punctuation_keeps_one_letter_syllables():
    assert segment("Người tố cáo ở đâu? (khoản 2 Điều 3).") == [
        "người", "tố_cáo", "ở", "đâu", "khoản", "2", "điều", "3"]
    assert "ở" in segment("cư trú ở địa phương")


def test_segment_nfd_and_old_style_give_same_tokens():
    assert segment(unicodedata.normalize("NFD", REAL_SENTENCE)) == segment(REAL_SENTENCE)
    assert segment("Uỷ ban Kiểm tra") == segment("Ủy ban Kiểm tra")


def test_segment_drops_footnote_marks():
    assert segment("vi phạm⁽²⁾") == segment("vi phạm")


def test_segment_speed_on_a_whole_law(corpus_dir):
    text = (corpus_dir / "luat-to-cao-25-2018-QH14.md").read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    segment("khởi động")  # load underthesea once
    start = time.perf_counter()
    tokens = sum(len(segment(p)) for p in paragraphs)
    elapsed = time.perf_counter() - start
    assert tokens > 10_000
    assert elapsed < 10, f"segment too slow: {elapsed:.2f}s for {len(text)} chars"


def test_fold_diacritics():
    assert fold_diacritics("Thời hạn giải quyết tố cáo") == "thoi han giai quyet to cao"
    assert fold_diacritics("Ủy ban Kiểm tra Đảng ủy") == "uy ban kiem tra dang uy"
    assert fold_diacritics(unicodedata.normalize("NFD", "Điều")) == "dieu"


def test_versions():
    assert NORMALISER_VERSION.startswith("ktgs-normalise-")
    assert SEGMENTER_VERSION.startswith("underthesea-9.5.0")


# --- legacy encodings ---------------------------------------------------------------------------
ALL_LETTERS = sorted(set(TCVN3_TO_UNICODE.values()) | set(UNICODE_TO_VNI))


def test_tables_cover_the_134_vietnamese_letters():
    assert len(ALL_LETTERS) == 134
    assert len(set(TCVN3_TO_UNICODE.values())) == 134
    assert len(UNICODE_TO_VNI) == 134
    letters = "".join(ALL_LETTERS)
    for enc in ("tcvn3", "vni"):
        assert to_unicode(encode_legacy(letters, enc), enc) == letters


def test_known_byte_values():
    # public examples of the two encodings
    assert encode_legacy("Bảo Thắng", "tcvn3") == "B¶o Th¾ng".encode("latin-1")
    assert encode_legacy("Mường Khương", "tcvn3") == b"M\xad\xeang Kh\xad\xacng"
    assert encode_legacy("Xin chào các bạn", "vni") == "Xin chaøo caùc baïn".encode("cp1252")
    assert to_unicode("Xin chaøo caùc baïn", "vni") == "Xin chào các bạn"
    assert to_unicode("B¶o Th¾ng", "tcvn3") == "Bảo Thắng"


def _paragraph(corpus_dir) -> str:
    text = normalise((corpus_dir / "luat-to-cao-25-2018-QH14.md").read_text(encoding="utf-8"))
    start = text.index("Điều 30. Thời hạn giải quyết tố cáo")
    return text[start:text.index("Điều 31.", start)].strip()


@pytest.mark.parametrize("enc", ["tcvn3", "vni"])
def test_detect_and_convert_real_paragraph(corpus_dir, enc):
    para = _paragraph(corpus_dir)
    data = encode_legacy(para, enc)
    assert detect_legacy(data) == enc
    assert detect_legacy(data.decode("latin-1")) == enc
    assert to_unicode(data, enc) == para
    assert to_unicode(data.decode("latin-1"), enc) == para
    if enc == "vni":
        assert to_unicode(data.decode("cp1252"), enc) == para


def test_unicode_and_ascii_are_not_legacy(corpus_dir):
    for f in corpus_dir.iterdir():
        text = f.read_text(encoding="utf-8")
        assert detect_legacy(text) is None, f.name
        assert detect_legacy(text.encode("utf-8")) is None, f.name
    assert detect_legacy("Plain ASCII text, nothing to convert.") is None
    assert detect_legacy("Déjà vu, où est la gare? Ça va très bien.") is None


def test_segment_unglues_punctuation_underthesea_attaches_to_the_next_word():
    # word_tokenize gives '? Công dân' and '? Điều' as single tokens
    assert segment("Ai có quyền tố cáo? Công dân.") == ["ai", "có", "quyền", "tố_cáo", "công_dân"]
    assert segment("Có được kết hôn không? Điều 30") == ["có", "được", "kết_hôn", "không", "điều", "30"]
