"""Vietnamese BM25 sparse vectors for Qdrant's "bm25" vector (IDF modifier).

Terms come from the shared `normalise()` + `segment()` (one tokeniser for ingest and query) and
live in four namespaces, so queries with and without diacritics each meet consistent statistics:

    exact word        "thời_hạn"        queries typed with diacritics use these
    folded word       "f:thoi_han"      multi-syllable words, for unaccented queries (n-grams)
    folded syllable   "~thoi"           every syllable, for unaccented queries
    reference         "#296-qđ/tw", "#296-qd/tw", "@dieu_30", "@khoan_2"

Term ids are a stable 32-bit blake2b hash, so no vocabulary file exists to drift. Document values
are BM25-saturated term frequencies, tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)) (plain tf when
`saturate=False`); query values are 1. Qdrant's IDF modifier supplies the idf factor, so a dot
product is the BM25 score. avgdl is fixed when an index is created and kept in its manifest.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from ktgs.ingest.text import fold_diacritics, normalise, segment

SPARSE_VERSION = "ktgs-sparse-1"
SPARSE_VECTOR_NAME = "bm25"
K1 = 1.2
B = 0.75

# Common abbreviations of the inspection sector, expanded at query time only (keys are folded).
ABBREVIATIONS: dict[str, str] = {
    "ubkt": "ủy ban kiểm tra",
    "ubkttw": "ủy ban kiểm tra trung ương",
    "btv": "ban thường vụ",
    "bch": "ban chấp hành",
    "dv": "đảng viên",
    "tcd": "tổ chức đảng",
    "qd": "quy định",
    "hd": "hướng dẫn",
    "kl": "kết luận",
    "nq": "nghị quyết",
    "pctn": "phòng chống tham nhũng",
    "tw": "trung ương",
    "kt": "kiểm tra",
    "gs": "giám sát",
}

# Minimal: function words that carry no topic. Question words are left to idf.
STOPWORDS = frozenset({"là", "và", "của", "các", "những", "thì", "mà", "với", "cho", "được", "này", "đó"})

# "25/2018/QH14", "296-QĐ/TW", "07-QĐi/TW", "06-HD/UBKTTW", "59/2019/NĐ-CP"
_DOC_NUMBER = re.compile(r"(?<![\w/])\d{1,4}(?:/\d{4})?[/-][^\W\d_][\w]*(?:[/-][^\W\d_][\w]*)*", re.UNICODE)
# on folded lower-case text: "dieu 30", "khoan 2", "diem a", "chuong iii", "muc 2"
_REFERENCE = re.compile(r"\b(dieu|khoan|diem|chuong|muc)\s+(\d+[a-z]?|[ivxlc]+|[a-z])\b")
_WORD = re.compile(r"(?<![\w/-])([^\W\d_]+)(?![\w/-])", re.UNICODE)


@dataclass(frozen=True)
class SparseVector:
    indices: list[int]
    values: list[float]

    def __len__(self) -> int:
        return len(self.indices)


def term_id(term: str) -> int:
    """Stable unsigned 32-bit id of a term."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest(), "little")


def has_diacritics(text: str) -> bool:
    return fold_diacritics(text) != text.lower()


def expand_abbreviations(text: str) -> str:
    """'UBKT xử lý ĐV' -> 'UBKT (ủy ban kiểm tra) xử lý ĐV (đảng viên)' (the abbreviation is kept)."""
    def repl(m: re.Match[str]) -> str:
        word = m.group(1)
        expansion = ABBREVIATIONS.get(fold_diacritics(word))
        return f"{word} ({expansion})" if expansion else word  # brackets: the segmenter never joins across

    return _WORD.sub(repl, text)


def _reference_terms(text: str, accented: bool) -> list[str]:
    terms = []
    for m in _DOC_NUMBER.finditer(text):
        number = m.group(0).lower()
        folded = fold_diacritics(number)
        terms.append("#" + folded)
        if accented and number != folded:
            terms.append("#" + number)
    for m in _REFERENCE.finditer(fold_diacritics(text)):
        terms.append(f"@{m.group(1)}_{m.group(2)}")
    return terms


class SparseEncoder:
    """Text → SparseVector for documents (BM25 tf) and queries (unique terms, value 1)."""

    version = SPARSE_VERSION

    def __init__(self, avgdl: float | None = None, k1: float = K1, b: float = B, saturate: bool = True):
        self.avgdl = avgdl
        self.k1 = k1
        self.b = b
        self.saturate = saturate

    # --- documents ------------------------------------------------------------------------
    def document_terms(self, text: str) -> tuple[Counter[str], int]:
        """Term counts over all namespaces and the document length (exact, non-stopword tokens)."""
        text = normalise(text)
        counts: Counter[str] = Counter()
        length = 0
        for token in segment(text):
            if token in STOPWORDS:
                continue
            length += 1
            counts[token] += 1
            syllables = fold_diacritics(token).split("_")
            if len(syllables) > 1:
                counts["f:" + "_".join(syllables)] += 1
            for syl in syllables:
                counts["~" + syl] += 1
        counts.update(_reference_terms(text, accented=True))
        return counts, length

    def document_length(self, text: str) -> int:
        return self.document_terms(text)[1]

    def encode_document(self, text: str) -> SparseVector:
        return self.weigh(*self.document_terms(text))

    def weigh(self, counts: Counter[str], length: int) -> SparseVector:
        """Document term counts → BM25-saturated (or raw tf) SparseVector."""
        if self.saturate:
            if not self.avgdl:
                raise ValueError("SparseEncoder needs avgdl to saturate document term frequencies")
            norm = self.k1 * (1.0 - self.b + self.b * length / self.avgdl)
            weights = {t: tf * (self.k1 + 1.0) / (tf + norm) for t, tf in counts.items()}
        else:
            weights = {t: float(tf) for t, tf in counts.items()}
        return _to_vector(weights)

    # --- queries --------------------------------------------------------------------------
    def query_terms(self, text: str) -> list[str]:
        """Unique query terms. With diacritics: exact words; without: folded syllables + n-grams."""
        text = normalise(text)
        accented = has_diacritics(text)   # decided before the (accented) expansions are added
        text = expand_abbreviations(text)
        if not accented:
            text = fold_diacritics(text)
        terms: list[str] = []
        if accented:
            terms = [t for t in segment(text) if t not in STOPWORDS]
        else:
            syllables = [s for tok in segment(text) for s in tok.split("_")]
            terms = ["~" + s for s in syllables]
            for n in (2, 3):
                terms += ["f:" + "_".join(syllables[i:i + n]) for i in range(len(syllables) - n + 1)]
        terms += _reference_terms(text, accented)
        return list(dict.fromkeys(terms))

    def encode_query(self, text: str) -> SparseVector:
        return _to_vector({t: 1.0 for t in self.query_terms(text)})


def _to_vector(weights: dict[str, float]) -> SparseVector:
    merged: dict[int, float] = {}
    for term, w in weights.items():       # a hash collision adds the two weights
        tid = term_id(term)
        merged[tid] = merged.get(tid, 0.0) + w
    indices = sorted(merged)
    return SparseVector(indices=indices, values=[merged[i] for i in indices])
