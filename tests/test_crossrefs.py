"""Cross-references resolve to the units they name (issue 12), on real texts read in place.

The sample tests/data/crossref_sample.jsonl was checked by hand, reading each reference in its
unit; the resolver's output was not used to write it.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ktgs.contracts import Document
from ktgs.evals.crossref_sample import load_sample, score_sample
from ktgs.ingest.crossref_corpus import Corpus
from ktgs.ingest.crossref_resolve import resolve_document
from ktgs.ingest.crossrefs import DocPhrase, parse_crossrefs
from ktgs.ingest.parse import parse_file
from ktgs.settings import Settings

from conftest import SHARED

SAMPLE = Path(__file__).parent / "data" / "crossref_sample.jsonl"


@pytest.fixture(scope="module")
def parsed():
    settings = Settings(quiet=True)
    files = sorted(p for p in (SHARED / "corpus").iterdir() if p.suffix in (".md", ".txt") and p.name != "MANIFEST.md")
    sample_files = {e["file"] for e in load_sample(SAMPLE)}
    files += [SHARED / f for f in sorted(sample_files) if f.startswith("real-docs/")]
    items = {}
    for f in files:
        res = parse_file(f, settings)
        items[str(f.relative_to(SHARED))] = (res.document, res.units)
    return items


@pytest.fixture(scope="module")
def corpus(parsed):
    return Corpus.from_parsed(parsed.values())


def _targets(parsed, corpus, file, unit_id):
    doc, units = parsed[file]
    return [t for t in resolve_document(doc, units, corpus) if t.source_unit == unit_id]


def test_luat_to_cao_dieu_26_khoan_1_diem_b(parsed, corpus):
    got = _targets(parsed, corpus, "corpus/luat-to-cao-25-2018-QH14.md", "25-2018-QH14/dieu-26/khoan-1/diem-b")
    assert [(t.text, t.unit_id) for t in got] == [("Điều 29 của Luật này", "25-2018-QH14/dieu-29")]


def test_nghi_dinh_31_dieu_1_khoan_1_points(parsed, corpus):
    f = "corpus/nghi-dinh-31-2019-ND-CP.md"
    got = {p: [t.unit_id for t in _targets(parsed, corpus, f, f"31-2019-ND-CP/dieu-1/khoan-1/diem-{p}")]
           for p in ("a", "b", "c", "d", "đ")}
    assert got == {"a": ["25-2018-QH14/dieu-30"], "b": ["25-2018-QH14/dieu-33"],
                   "c": ["25-2018-QH14/dieu-38/khoan-5"], "d": ["25-2018-QH14/dieu-40"],
                   "đ": ["25-2018-QH14/chuong-6"]}
    # the khoản's own lead-in ("Các chương, điều, khoản sau đây của Luật Tố cáo:") cites nothing itself
    assert _targets(parsed, corpus, f, "31-2019-ND-CP/dieu-1/khoan-1") == []


def test_sample_precision_and_recall(parsed, corpus):
    sample = load_sample(SAMPLE)
    refs = [e for e in sample if e["kind"] == "ref"]
    assert len(refs) >= 200
    legal = score_sample(sample, parsed, corpus, scope="legal")
    overall = score_sample(sample, parsed, corpus)
    print("\ncrossref sample (legal structure):", legal.line())
    print("crossref sample (all, outline numbering included):", overall.line())
    for err in legal.errors:
        print("  ", err)
    assert legal.precision >= 0.97 and legal.recall >= 0.95
    assert overall.precision >= 0.97


def test_corpus_resolve_share(parsed, corpus):
    """Not a target, a number to report: how many targets of all references in the corpus resolve."""
    total = resolved = 0
    for f, (doc, units) in parsed.items():
        if not f.startswith("corpus/"):
            continue
        ts = resolve_document(doc, units, corpus)
        total += len(ts)
        resolved += sum(1 for t in ts if t.unit_id)
    print(f"\ncorpus references: {resolved}/{total} targets resolve ({resolved / total:.1%})")
    assert total > 500 and resolved > 0


# --- the grammar on short phrases (written for the test, not regulation text) ----------------------

def _parts(text):
    return [[c.parts for c in g.chains] for g in parse_crossrefs(text)]


@pytest.mark.parametrize("text, chains", [
    ("các Điều 13, 14 và 15", [[[("dieu", "13")], [("dieu", "14")], [("dieu", "15")]]]),
    ("từ Điều 12 đến Điều 18", [[[("dieu", str(n))] for n in range(12, 19)]]),
    ("các khoản 1, 2 và 3 Điều 13", [[[("dieu", "13"), ("khoan", k)] for k in "123"]]),
    ("điểm a khoản 2 Điều này", [[[("dieu", "này"), ("khoan", "2"), ("diem", "a")]]]),
    ("điểm a khoản 1 và điểm b khoản 2 Điều 5", [[[("dieu", "5"), ("khoan", "1"), ("diem", "a")],
                                                 [("dieu", "5"), ("khoan", "2"), ("diem", "b")]]]),
    ("Mục 2 Chương III", [[[("chuong", "3"), ("muc", "2")]]]),
    ("từ điểm a đến điểm đ khoản 1", [[[("khoan", "1"), ("diem", x)] for x in "abcdđ"]]),
])
def test_grammar(text, chains):
    assert _parts(text) == chains


def test_document_phrases():
    g = parse_crossrefs("theo khoản 1 Điều 30 của Luật Tố cáo số 25/2018/QH14", ["Luật Tố cáo"])[0]
    assert (g.doc.kind, g.doc.doc_number, g.text) == ("number", "25/2018/QH14", "khoản 1 Điều 30 của Luật Tố cáo số 25/2018/QH14")
    g = parse_crossrefs("tại Điều 7 Quy định số 69-QĐ/TW")[0]
    assert (g.doc.kind, g.doc.doc_number) == ("number", "69-QĐ/TW")
    g = parse_crossrefs("Chương VI của Luật Tố cáo.", ["Luật Tố cáo"])[0]
    assert (g.doc.kind, g.doc.name) == ("name", "Luật Tố cáo")
    assert parse_crossrefs("Điều 35 Điều lệ Đảng")[0].doc.kind == "unknown_name"
    assert parse_crossrefs("khoản 2 Điều 5 Nghị định này")[0].doc.kind == "self"
    # numbering that is not a reference
    assert parse_crossrefs("Điều 18.5.LQ.1. Phạm vi điều chỉnh") == []
    assert parse_crossrefs("điều kiện thụ lý") == []


def test_a_name_means_the_law_of_that_name_in_force_when_cited():
    laws = [Document(doc_id="11-2022-QH15", doc_number="11/2022/QH15", doc_type="luat", title="Luật Thanh tra",
                     issued_date="2022-11-14"),
            Document(doc_id="84-2025-QH15", doc_number="84/2025/QH15", doc_type="luat", title="Luật Thanh tra",
                     issued_date="2025-06-25")]
    corpus = Corpus(laws, lambda doc_id: [])
    name = DocPhrase("name", name="Luật Thanh tra")
    when = lambda date: corpus.doc_for(name, Document(doc_id="x", issued_date=date))
    assert when("2024-01-01") == ("11-2022-QH15", "11/2022/QH15", "")
    assert when("2026-01-01") == ("84-2025-QH15", "84/2025/QH15", "")
    assert when("2019-05-28") == (None, "", "not_in_corpus")      # the 2010 law, not in this corpus
    assert when("") == (None, "", "ambiguous_document")
