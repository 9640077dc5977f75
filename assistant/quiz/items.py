"""The quiz item: one question with its key, the verbatim span that proves the key, and flags.

Item types: mcq (4 options), tf (options ["Đúng", "Sai"]), cloze (fill in the blank, no options),
situational (tình huống, only with an LLM). `key` is the exact text of the correct option (for a
cloze item: the text of the blank). `support` is the text that must appear verbatim in the first
citation's quote (the key itself for mcq/cloze, the true value for a tf statement).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from ktgs.contracts import Citation

ITEM_TYPES = ("mcq", "tf", "cloze", "situational")
TF_OPTIONS = ["Đúng", "Sai"]
BLANK = "……"

FLAG_SELFCHECK_DISAGREES = "selfcheck_disagrees"
FLAG_AMBIGUOUS = "ambiguous"
FLAG_UNVERIFIED = "unverified"
BLOCKING_FLAGS = (FLAG_SELFCHECK_DISAGREES, FLAG_AMBIGUOUS, FLAG_UNVERIFIED)


@dataclass
class QuizItem:
    type: str
    stem: str
    options: list[str]
    key: str
    explanation: str
    citations: list[Citation]
    difficulty: int = 2
    tags: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    support: str = ""                # verbatim text proving the key (in citations[0].quote)
    fact_kind: str = ""              # deadline | authority | enumeration | definition (the fact behind
                                     # the key; a model-worded stem adds the tag "llm" or "llm-paraphrase")
    id: str = ""

    def __post_init__(self) -> None:
        if not self.support:
            self.support = self.key
        if not self.id:
            self.id = item_id(self.type, self.stem, self.key, [c.unit_id for c in self.citations])

    @property
    def flagged(self) -> bool:
        return any(f in BLOCKING_FLAGS for f in self.flags)

    def add_flag(self, flag: str) -> None:
        if flag not in self.flags:
            self.flags.append(flag)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["citations"] = [citation_dict(c) for c in self.citations]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "QuizItem":
        d = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        d["citations"] = [Citation(**{k: v for k, v in c.items() if k in Citation.__dataclass_fields__})
                          for c in d.get("citations", [])]
        return cls(**d)


def citation_dict(c: Citation) -> dict[str, Any]:
    return {"unit_id": c.unit_id, "label": c.label, "quote": c.quote, "doc_number": c.doc_number}


def item_id(kind: str, stem: str, key: str, unit_ids: list[str]) -> str:
    """Stable id: the same question on the same units always hashes to the same id."""
    raw = json.dumps([kind, stem, key, sorted(unit_ids)], ensure_ascii=False)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]


def verify_item(item: QuizItem, unit_texts: dict[str, str]) -> list[str]:
    """Problems with an item's grounding (empty list = verified).

    The support text must appear verbatim in the first citation's quote, every quote verbatim in
    its unit's text, and the key must be one of the options (mcq, tf).
    """
    problems = []
    if not item.citations:
        return ["no citation"]
    if item.support not in item.citations[0].quote:
        problems.append(f"support {item.support!r} not in the quote of {item.citations[0].unit_id}")
    for c in item.citations:
        text = unit_texts.get(c.unit_id)
        if text is None:
            problems.append(f"unknown unit {c.unit_id}")
        elif c.quote not in text:
            problems.append(f"quote not verbatim in {c.unit_id}")
    if item.type in ("mcq", "tf") and item.key not in item.options:
        problems.append("key is not one of the options")
    if item.type == "mcq" and len(set(item.options)) != 4:
        problems.append("an mcq needs 4 distinct options")
    return problems
