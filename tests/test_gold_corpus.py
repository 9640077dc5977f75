"""The gold sets written from the users' side stay honest against the real corpus: every gold unit id
exists in the parse of ../shared/corpus, every key fact is verbatim (whitespace-insensitive, footnote
marks "[n]" ignored) in the text of one of the item's gold units, and the sets have the size, kinds
and validity fields they promise."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

import pytest

from ktgs.evals.datasets import load_dataset
from ktgs.ingest.parse import parse_file

HONEST_SETS = ("users", "hanoi-faq", "superseded-traps")
KINDS = {"paraphrase", "situation", "enumeration", "deadline", "authority", "condition", "unaccented",
         "abbreviation", "unanswerable"}


def _ws(text: str) -> str:
    """NFC, footnote marks removed, whitespace collapsed — the tolerance the test grants the parser
    (another stage may rejoin hard line breaks or add child units; ids and words stay)."""
    text = re.sub(r"\[\d+\]", "", unicodedata.normalize("NFC", text))
    return " ".join(text.split()).replace(" ,", ",")


@pytest.fixture(scope="module")
def corpus_units(corpus_dir):
    units = {}
    for path in sorted(corpus_dir.iterdir()):
        if path.name == "MANIFEST.md" or path.is_dir():
            continue
        for u in parse_file(path).units:
            units[u.unit_id] = _ws(u.text)
    return units


@pytest.mark.parametrize("name", HONEST_SETS)
def test_gold_units_exist_and_key_facts_are_verbatim(name, corpus_units):
    problems = []
    for q in load_dataset(name).questions:
        for group in q.relevant_groups:
            problems += [f"{q.id}: no unit {u!r}" for u in group if u not in corpus_units]
        for u in q.not_current_units:
            if u not in corpus_units:
                problems.append(f"{q.id}: no not-current unit {u!r}")
        # a key fact must be in the gold unit itself (the first id of its group: the text in force)
        texts = [corpus_units.get(g[0], "") for g in q.relevant_groups]
        for fact in q.key_facts:
            if not any(_ws(fact) in t for t in texts):
                problems.append(f"{q.id}: key fact not verbatim in its gold units: {fact!r}")
        if q.answerable and not (q.relevant and q.key_facts):
            problems.append(f"{q.id}: answerable without gold units or key facts")
        if not q.answerable and (q.relevant or q.key_facts):
            problems.append(f"{q.id}: unanswerable with gold units")
    assert problems == []


def test_users_set_size_and_kinds():
    qs = load_dataset("users").questions
    kinds = Counter(q.kind for q in qs)
    assert len(qs) >= 150 and set(kinds) == KINDS
    assert all(kinds[k] >= 8 for k in KINDS), kinds
    assert all(q.question_type == "Tự luận" for q in qs)
    # the Luật Tố cáo items accept the law as enacted where the consolidated wording is the same
    assert sum(1 for q in qs if any(len(g) == 2 for g in q.relevant_groups)) >= 25
    assert all(g[0].startswith("112-VBHN-VPQH-2025/") for q in qs for g in q.relevant_groups
               if any(u.startswith("25-2018-QH14/") for u in g))


def test_de_an_and_laws_credits_the_consolidated_text(corpus_units):
    # g01–g09 cite Luật Tố cáo: the VBHN 112/VBHN-VPQH unit (the text in force) first, the law as enacted
    # accepted as its equivalent — the wording of each of these units is the same in both texts
    qs = {q.id: q for q in load_dataset("de-an-and-laws").questions}
    groups = {qid: q.relevant_groups for qid, q in qs.items()
              if any(u.startswith(("25-2018-QH14/", "112-VBHN-VPQH-2025/")) for g in q.relevant_groups for u in g)}
    assert sorted(groups) == [f"g0{i}" for i in range(1, 10)]
    for qid, gs in groups.items():
        for g in gs:
            assert len(g) == 2 and g[0] == "112-VBHN-VPQH-2025/" + g[1].removeprefix("25-2018-QH14/"), qid
            assert corpus_units[g[0]] == corpus_units[g[1]], qid
        assert all(any(_ws(f) in corpus_units[g[0]] for g in gs) for f in qs[qid].key_facts), qid


def test_hanoi_faq_items_follow_the_official_questions(corpus_dir):
    import json

    official = [json.loads(line) for line in (corpus_dir.parent / "evalsets/hanoi-faq/faq.jsonl").open(encoding="utf-8")]
    qs = load_dataset("hanoi-faq").questions
    assert [q.metadata["faq_id"] for q in qs] == [o["id"] for o in official]
    assert [q.question for q in qs] == [o["question"] for o in official]
    assert [q.id for q in qs if not q.answerable] == ["faq-n1773305097809", "faq-n1773307029882", "faq-n1773307970505"]


def test_superseded_traps_name_what_is_not_current():
    qs = load_dataset("superseded-traps").questions
    traps = [q for q in qs if q.kind == "trap"]
    assert len(traps) >= 20 and all(q.not_current or q.not_current_units for q in traps)
    named = {n for q in traps for n in q.not_current}
    assert {"22-QĐ/TW", "102-QĐ/TW", "47-QĐ/TW", "181-QĐ/TW", "11/2022/QH15"} <= named
    assert any(u.startswith("25-2018-QH14/") for q in traps for u in q.not_current_units)
    assert any(u.startswith("02-2011-QH13/") for q in traps for u in q.not_current_units)
    # a gold unit is never itself a text that is not current
    for q in traps:
        for g in q.relevant_groups:
            assert not any(g[0] == u or g[0].startswith(u + "/") for u in q.not_current_units), q.id
