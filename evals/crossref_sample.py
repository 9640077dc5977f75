"""Precision and recall of reference resolution on the hand-checked sample (tests/data/crossref_sample.jsonl).

Each sample line names a unit, a reference written in it (text + occurrence) and the unit ids a
reader finds it points to (or that it cannot be resolved in the corpus, or that it is not a
reference at all). Predicted targets are those the resolver gives for references overlapping
that span. Precision = correct predicted ids / all predicted ids; recall = correct / expected ids.
Lines carry only the reference and the few words before it (`context`, to find the unit again if
the parser renames it); the texts themselves are read in place from ../shared.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ktgs.contracts import Document, Unit
from ktgs.ingest.crossref_corpus import Corpus
from ktgs.ingest.crossref_resolve import resolve_document


@dataclass
class SampleScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    references: int = 0
    unresolved_expected: int = 0
    unresolved_kept: int = 0          # expected unresolved and nothing predicted
    non_references: int = 0
    errors: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def line(self) -> str:
        return (f"P={self.precision:.3f} ({self.tp}/{self.tp + self.fp}) R={self.recall:.3f} ({self.tp}/{self.tp + self.fn}) "
                f"over {self.references} references; unresolved kept {self.unresolved_kept}/{self.unresolved_expected}; "
                f"non-references {self.non_references}")


def load_sample(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score_sample(sample: list[dict], items: dict[str, tuple[Document, list[Unit]]], corpus: Corpus,
                 scope: str | None = None) -> SampleScore:
    """`items`: file (as written in the sample) → its parsed document and units."""
    targets = {}
    for f, (doc, units) in items.items():
        for t in resolve_document(doc, units, corpus):
            targets.setdefault(t.source_unit, []).append(t)
    s = SampleScore()
    for e in sample:
        if scope and e.get("scope", "legal") != scope:
            continue
        doc, units = items[e["file"]]
        unit = _unit_for(e, doc, units)
        span = _span(unit.text, e["text"], e["occurrence"])
        got = {t.unit_id for t in targets.get(unit.unit_id, []) if t.unit_id and t.start < span[1] and span[0] < t.end}
        local = lambda i: i.split("/", 1)[1] if i.startswith(e["unit_id"].split("/")[0] + "/") else i
        expected = {f"{doc.doc_id}/{local(i)}" if i.startswith(e["unit_id"].split("/")[0] + "/") else i
                    for i in e["expected"]}
        if e["kind"] == "not_ref":
            s.non_references += 1
        else:
            s.references += 1
            if e["unresolved"]:
                s.unresolved_expected += 1
                s.unresolved_kept += not got
        tp, fp, fn = len(got & expected), len(got - expected), len(expected - got)
        s.tp, s.fp, s.fn = s.tp + tp, s.fp + fp, s.fn + fn
        if fp or fn:
            s.errors.append({"unit_id": unit.unit_id, "text": e["text"], "wrong": sorted(got - expected),
                             "missed": sorted(expected - got)})
    return s


def _unit_for(e: dict, doc: Document, units: list[Unit]) -> Unit:
    """The sample's unit; if the parser renamed it, the smallest unit whose text has the context."""
    local = e["unit_id"].split("/", 1)[1] if "/" in e["unit_id"] else e["unit_id"]
    by_id = {u.unit_id: u for u in units}
    u = by_id.get(f"{doc.doc_id}/{local}")
    if u is not None and e["text"] in u.text:
        return u
    probe = e["context"].split("[[")[0][-40:] + e["text"]
    probe = " ".join(probe.split())
    cands = [u for u in units if probe in " ".join(u.text.split())]
    if not cands:
        raise LookupError(f"sample unit {e['unit_id']} not found in {e['file']}")
    return min(cands, key=lambda u: len(u.text))


def _span(text: str, needle: str, occurrence: int) -> tuple[int, int]:
    i = -1
    for _ in range(occurrence + 1):
        i = text.find(needle, i + 1)
        if i < 0:
            raise LookupError(f"{needle!r} not found in unit text")
    return i, i + len(needle)
