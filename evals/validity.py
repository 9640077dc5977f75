"""Validity metrics: does an answer present a text that is not in force as current?

A gold item may list `not_current` document numbers ("22-QĐ/TW", "11/2022/QH15") and
`not_current_units` (unit ids, with everything below them, not in force although their document is:
"25-2018-QH14/dieu-14", "02-2011-QH13/dieu-59"). The contract with the validity graph: a citation is
flagged when its `status` says the text is not (wholly) in force, or when one of the answer's
`warnings` names its document number. Both are read with getattr defaults, so answers made before
those fields existed are judged by `doc_number` / unit id alone.
"""
from __future__ import annotations

import re
from typing import Any, Sequence

from ktgs.evals.metrics import Gold, gold_groups, unit_match
from ktgs.ingest.text import fold_diacritics

# Citation.status values that tell the reader the text is not (wholly) in force; "replaced" is the
# value used before the validity graph ("expired" replaces it).
FLAG_STATUSES = frozenset({"expired", "partly_expired", "not_yet", "replaced"})


def _folded(text: str) -> str:
    return " ".join(fold_diacritics(text).split())


def _number_key(number: str) -> str:
    """A document number for comparison: folded, lower case, without spaces ("22-QĐ/TW" → "22-qd/tw")."""
    return re.sub(r"\s+", "", _folded(number))


def _names_number(text: str, number: str) -> bool:
    """The text names the document number ("22-QĐ/TW" in "… Quy định 22-QĐ/TW đã …", not in "122-QĐ/TW")."""
    key = re.escape(_number_key(number))
    return re.search(rf"(?<![0-9a-z]){key}(?![0-9a-z])", _folded(text)) is not None


def _doc_slug(number: str) -> str:
    """The doc_id prefix ingest derives from a number ("25/2018/QH14" → "25-2018-qh14")."""
    return re.sub(r"[^0-9a-z]+", "-", _folded(number)).strip("-")


def cites_not_current(citation: Any, not_current: Sequence[str], not_current_units: Sequence[str] = ()) -> str | None:
    """The not-current document number (or unit id) a citation falls under, else None. The citation's
    `doc_number` is compared when present, else its unit id's document part."""
    uid = getattr(citation, "unit_id", "") or ""
    for u in not_current_units:
        if uid == u or uid.startswith(u + "/"):
            return u
    number = getattr(citation, "doc_number", "") or ""
    doc_part = uid.split("/", 1)[0].lower()
    for n in not_current:
        if number and _number_key(number) == _number_key(n):
            return n
        if not number and (doc_part == _doc_slug(n) or doc_part.startswith(_doc_slug(n) + "-")):
            return n
    return None


def citation_flagged(citation: Any, warnings: Sequence[str], number: str = "") -> bool:
    """A citation is flagged when its `status` says the text is not in force (FLAG_STATUSES) or one of
    the answer's `warnings` names its document number (or `number`, the not-current one it fell under)."""
    if (getattr(citation, "status", "") or "") in FLAG_STATUSES:
        return True
    names = [n for n in (getattr(citation, "doc_number", "") or "", number) if n]
    return any(_names_number(w, n) for w in warnings for n in names)


def superseded_trap(answer: Any, not_current: Sequence[str], not_current_units: Sequence[str] = ()) -> float | None:
    """1.0 when the answer cites a unit of a not-current document (or a not-current unit) without
    flagging it, 0.0 when it does not, None for a question with nothing not current."""
    if not not_current and not not_current_units:
        return None
    warnings = list(getattr(answer, "warnings", None) or [])
    for c in getattr(answer, "citations", None) or []:
        hit = cites_not_current(c, not_current, not_current_units)
        if hit is not None and not citation_flagged(c, warnings, hit if hit in not_current else ""):
            return 1.0
    return 0.0


def false_flag(answer: Any, gold: Sequence[Gold]) -> float | None:
    """1.0 when a citation of a gold unit (a text in force: gold units are current by construction)
    carries a not-in-force status, 0.0 when gold units are cited unflagged, None when none is cited."""
    groups = gold_groups(gold)
    on_gold = [c for c in getattr(answer, "citations", None) or []
               if any(unit_match(getattr(c, "unit_id", ""), u) for g in groups for u in g)]
    if not on_gold:
        return None
    return 1.0 if any((getattr(c, "status", "") or "") in FLAG_STATUSES for c in on_gold) else 0.0
