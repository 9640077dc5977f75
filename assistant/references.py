"""Evidence expansion along references: a quoted clause that says "theo quy định tại khoản 1 Điều 30"
brings khoản 1 Điều 30 with it, so the answer (and the trainee) can read what it depends on.

Opt-in (settings.expand_references). The added units are evidence like any other: numbered after
the retrieved ones, quoted only verbatim, verified by the same checks.
"""
from __future__ import annotations

from typing import Any, Sequence

from ktgs.assistant.evidence import Evidence, make_label
from ktgs.index.crossref_store import referenced_units

EXPAND_FROM = 2          # the best evidence items whose references are followed
PER_ITEM = 2             # referenced units added per item
REFERENCED_WEIGHT = 0.9  # an added unit ranks just below the item that cites it


def add_referenced_evidence(evidence: Sequence[Evidence], searcher: Any,
                            expand_from: int = EXPAND_FROM, per_item: int = PER_ITEM) -> list[Evidence]:
    """`evidence` followed by the units its first `expand_from` items refer to (not already there)."""
    out = list(evidence)
    catalog = getattr(searcher, "catalog", None)
    if catalog is None:
        return out
    have = {ev.unit.unit_id for ev in out}
    for ev in list(evidence)[:expand_from]:
        for unit in referenced_units(ev.unit, catalog, limit=per_item):
            if unit.unit_id in have or any(unit.unit_id.startswith(h + "/") for h in have):
                continue
            have.add(unit.unit_id)
            document = searcher.get_document(unit.doc_id)
            out.append(Evidence(n=len(out) + 1, unit=unit, document=document, label=make_label(unit, document),
                                score=ev.score * REFERENCED_WEIGHT, retrieval=ev.retrieval, overlap=0.0,
                                hit_unit_id=ev.hit_unit_id, notes=[f"được dẫn chiếu tại {ev.label}"]))
    return out
