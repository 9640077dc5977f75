"""Phần / Chương / Mục labels of a stored text that do not run 1..n, and what "Chương k" of it means.

A stored copy may number its divisions otherwise than the law as enacted: the Bộ pháp điển's copy of
Luật Khiếu nại 02/2011/QH13 heads its chapters I, II, III, V, VI … (no IV), so the law's Chương V
("Tiếp công dân") is headed "Chương VI" there. Another text that names "Chương V của Luật Khiếu nại"
means the law's fifth chapter. `irregular_groups(units)` finds the sibling divisions whose labels
are not 1..n (stored in `Document.metadata["numbering"]` at parse time); `locate(groups, scope, …)`
says which stored division a scope of another text points to, or why that cannot be told.

    irregular_groups(units) -> [{"level": "chuong", "parent": "", "divisions": [{"label": "I", …}, …]}]
    locate(groups, "Chương V", partial=False, topic="tiếp công dân").scope -> "Chương VI"
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ktgs.contracts import Unit
from ktgs.ingest.outline import number_value
from ktgs.ingest.text import fold_diacritics

DIVISION_LEVELS = ("phan", "chuong", "muc")
LEVEL_WORDS = {"phan": "Phần", "chuong": "Chương", "muc": "Mục"}
_LEVEL_NAMES = {"phan": "phần", "chuong": "chương", "muc": "mục"}
_PART = re.compile(r"\b(Phần|Chương|Mục)\s+(thứ\s+\w+|[IVXLC]+|\d+)\b", re.IGNORECASE)
_TOPIC = re.compile(r"quy\s+định\s+về\s+(.{3,80}?)\s+(?:tại|của|ở|trong)\s+(Phần|Chương|Mục)\s+"
                    r"(thứ\s+\w+|[IVXLC]+|\d+)\b", re.IGNORECASE)


def _label(path_part: str) -> tuple[str, str]:
    m = re.match(r"(Phần|Chương|Mục)\s+(.+)$", path_part.strip())
    return (m.group(1), m.group(2).strip()) if m else ("", "")


def irregular_groups(units: Sequence[Unit]) -> list[dict]:
    """Sibling Phần/Chương/Mục divisions (same level, same parent) whose labels are not 1, 2, … n
    in document order; each with its divisions' labels and headings as written."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for u in sorted(units, key=lambda u: u.order):
        if u.level not in DIVISION_LEVELS or not u.path:
            continue
        word, label = _label(u.path[-1])
        if not word:
            continue
        groups.setdefault((u.level, " / ".join(u.path[:-1])), []).append(
            {"label": label, "value": number_value(label), "heading": " ".join(u.heading.split()),
             "unit_id": u.unit_id})
    out = []
    for (level, parent), divs in groups.items():
        if any(d["value"] == 1 for d in divs[1:]):
            continue      # numbering restarts under a parent the structure did not see: not one sequence
        if [d["value"] for d in divs] != list(range(1, len(divs) + 1)):
            out.append({"level": level, "parent": parent, "divisions": divs})
    return out


def warnings_for(groups: Sequence[dict], partial: bool = False) -> list[str]:
    """One ingest warning per irregular group."""
    out = []
    for g in groups:
        name = _LEVEL_NAMES[g["level"]]
        labels = ", ".join(d["label"] for d in g["divisions"])
        where = f" trong {g['parent']}" if g["parent"] else ""
        meaning = (f"văn bản lưu chỉ có một phần: \"{LEVEL_WORDS[g['level']]} k\" mà văn bản khác dẫn có hiệu lực "
                   f"không rõ" if partial else
                   f"văn bản khác dẫn \"{LEVEL_WORDS[g['level']]} k\" được hiểu là {name} thứ k theo thứ tự "
                   f"trong văn bản lưu")
        out.append(f"các {name}{where} của văn bản lưu không đánh số liên tục từ 1 ({labels}): {meaning}")
    return out


@dataclass
class Located:
    scope: str            # the scope in the stored labels ("Chương VI"); "" when it cannot be told
    note: str = ""        # "(trong văn bản lưu: Chương VI. TIẾP CÔNG DÂN)" or why it is unknown
    unknown: bool = False
    candidates: tuple[str, ...] = ()   # stored scopes it may mean, when unknown


def topic_of(text: str, scope: str) -> str:
    """'Những quy định về tiếp công dân tại Chương V …' → 'tiếp công dân' for the scope 'Chương V'."""
    want = {(w.lower(), lab.lower()) for w, lab in _PART.findall(scope)}
    for m in _TOPIC.finditer(text or ""):
        if (m.group(2).lower(), m.group(3).lower()) in want:
            return " ".join(m.group(1).split())
    return ""


def locate(groups: Sequence[dict], scope: str, partial: bool, topic: str = "") -> Located:
    """Which stored division `scope` ("Chương V", "Mục 2 Chương III") of another text means.

    Labels that run 1..n are taken as written. Otherwise, in a complete document, "Chương k" is the
    k-th chapter in document order; a title named by the stating text ("những quy định về tiếp công
    dân tại Chương V") must not point to another chapter; in a partial document the stored labels
    cannot be matched to the law's, so the scope is unknown."""
    parts = [(w.capitalize(), lab) for w, lab in _PART.findall(scope)]
    if not parts:
        return Located(scope)
    order = {"Phần": 0, "Chương": 1, "Mục": 2}
    parts.sort(key=lambda p: order[p[0]])
    by_key = {(g["level"], g["parent"]): g for g in groups}
    stored: list[str] = []
    notes: list[str] = []
    for word, label in parts:
        level = next(k for k, v in LEVEL_WORDS.items() if v == word)
        g = by_key.get((level, " / ".join(stored)))
        if g is None:
            stored.append(f"{word} {label}")
            continue
        divs = g["divisions"]
        k = number_value(label)
        as_written = next((d for d in divs if d["label"].lower() == label.lower()), None)
        ordinal = divs[k - 1] if 1 <= k <= len(divs) else None
        labels = ", ".join(d["label"] for d in divs)
        if partial:
            cands = tuple(dict.fromkeys(_as_scope([*stored, f"{word} {d['label']}"])
                                        for d in (as_written, ordinal) if d))
            return Located("", f"văn bản lưu chỉ có một phần và đánh số {_LEVEL_NAMES[level]} không liên tục "
                               f"({labels}): không xác định được {word} {label} của văn bản gốc là phần nào "
                               f"trong văn bản lưu", True, cands)
        if ordinal is None:
            return Located("", f"văn bản lưu không có {_LEVEL_NAMES[level]} thứ {k} ({labels})", True,
                           (_as_scope([*stored, f"{word} {label}"]),) if as_written else ())
        if topic:
            fitting = [d for d in divs if fold_diacritics(topic) in fold_diacritics(d["heading"])]
            if fitting and ordinal not in fitting:
                cands = tuple(dict.fromkeys(_as_scope([*stored, f"{word} {d['label']}"])
                                            for d in (ordinal, *fitting)))
                return Located("", f"{word} {label} (\"{topic}\") theo thứ tự là {ordinal['heading']} trong văn "
                                   f"bản lưu, nhưng tên gọi khớp với {fitting[0]['heading']}: không xác định được",
                               True, cands)
        stored.append(f"{word} {ordinal['label']}")
        if ordinal["label"].lower() != label.lower():
            notes.append(f"{ordinal['heading']}; văn bản lưu đánh số {_LEVEL_NAMES[level]} khác văn bản gốc: {labels}")
    note = f"(trong văn bản lưu: {'; '.join(notes)})" if notes else ""
    return Located(_as_scope(stored), note)


def _as_scope(parts: Sequence[str]) -> str:
    """['Chương III', 'Mục 2'] → 'Mục 2 Chương III' (the way a text names it)."""
    return " ".join(reversed(parts))
