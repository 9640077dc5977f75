"""Party numbers restart each term: two documents numbered 21-QĐ/TW are two nodes, and a reference by
bare number goes to the latest one issued on or before the citing text. All four documents below are
FICTITIOUS fixtures (no such texts exist); they only carry the words the relation reader needs."""
from __future__ import annotations

import pytest

from ktgs.index.catalog import Catalog
from ktgs.index.validity import Graph
from ktgs.ingest.parse import parse_file

TODAY = "2026-12-01"


def _doc(folder, name, number, issued, title, body):
    path = folder / name
    path.write_text(f"""---
title: "{title}"
doc_number: "{number}"
issuer: "Cơ quan hư cấu (FIXTURE)"
date: "{issued}"
doc_type: quy-dinh
completeness: "full — FIXTURE: văn bản hư cấu dùng cho kiểm thử, không phải văn bản thật"
---

# {title}

Điều 1. Phạm vi

{body}
""", encoding="utf-8")
    return parse_file(path).document


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    d = tmp_path_factory.mktemp("same-number")
    return {
        "old": _doc(d, "a.md", "21-QĐ/TW", "2011-03-01", "Quy định hư cấu A (FIXTURE)",
                    "Văn bản hư cấu A quy định việc thử nghiệm (FIXTURE)."),
        "new": _doc(d, "b.md", "21-QĐ/TW", "2026-06-01", "Quy định hư cấu B (FIXTURE)",
                    "Văn bản hư cấu B quy định việc thử nghiệm (FIXTURE)."),
        "c2020": _doc(d, "c.md", "990-QĐ/TW", "2020-05-01", "Quy định hư cấu C (FIXTURE)",
                      "Quy định này thay thế Quy định số 21-QĐ/TW (FIXTURE)."),
        "d2026": _doc(d, "d.md", "991-QĐ/TW", "2026-09-01", "Quy định hư cấu D (FIXTURE)",
                      "Quy định này thay thế Quy định số 21-QĐ/TW (FIXTURE)."),
    }


def test_two_documents_with_one_number_are_two_nodes(docs):
    assert (docs["old"].doc_id, docs["new"].doc_id) == ("21-QD-TW-2011", "21-QD-TW-2026")
    graph = Graph.from_documents([docs["old"], docs["new"]])
    assert graph.card("21-QD-TW-2011")["title"] == "Quy định hư cấu A (FIXTURE)"
    assert graph.card("21-QD-TW-2026")["title"] == "Quy định hư cấu B (FIXTURE)"
    assert graph.card("21-QD-TW-2011")["doc_number"] == graph.card("21-QD-TW-2026")["doc_number"] == "21-QĐ/TW"
    assert graph.resolve("21-QĐ/TW").doc_id == "21-QD-TW-2026"          # by bare number: the latest


def test_a_bare_number_names_the_latest_issued_before_the_citing_text(docs):
    graph = Graph.from_documents([docs["old"], docs["new"], docs["c2020"]])
    old, new = graph.status_of("21-QD-TW-2011", TODAY), graph.status_of("21-QD-TW-2026", TODAY)
    assert (old.status, old.by, old.since) == ("expired", "990-QĐ/TW", "2020-05-01")
    assert old.reason == "Quy định 21-QĐ/TW đã được thay thế bởi Quy định 990-QĐ/TW (01/5/2020)"
    assert new.status == "in_force"
    out = [(r["kind"], r["doc_id"]) for r in graph.relations_of("990-QĐ/TW") if r["direction"] == "out"]
    assert out == [("replaces", "21-QD-TW-2011")]


def test_a_later_text_names_the_later_document(docs, tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite", "c")
    catalog.migrate()
    try:
        for d in docs.values():
            catalog.put_document(d, [], [])
        graph = Graph.from_catalog(catalog)
    finally:
        catalog.close()
    assert graph.status_of("21-QD-TW-2011", TODAY).by == "990-QĐ/TW"
    new = graph.status_of("21-QD-TW-2026", TODAY)
    assert (new.status, new.by, new.since) == ("expired", "991-QĐ/TW", "2026-09-01")
    assert graph.status_of("21-QD-TW-2026", "2026-08-31").status == "in_force"
