"""Evaluation metrics: pure functions over ranked ids, sets and answer texts.

Retrieval metrics use binary relevance. A question without relevant ids (an unanswerable one)
has no retrieval score: the per-question functions return None and the averages skip it.

ALQAC Task 1 metric (macro-F2): for each question, P = |returned ∩ gold| / |returned|,
R = |returned ∩ gold| / |gold|, F2 = 5·P·R / (4·P + R) (0 when P = R = 0); the reported F2 is the
mean of the per-question F2 (not the F2 of the mean P and R). Our searcher returns a ranking, not
a set: `returned_set` takes the top-1 hit plus every further hit whose score is within a relative
`margin` of the top score (margin 0 = top-1 only).
"""
from __future__ import annotations

import math
import re
import unicodedata
from typing import Iterable, Sequence, Union

# A gold unit: one unit id, or a list of equivalent ids (the same text in a law and its văn bản hợp
# nhất) any one of which satisfies it; the first id names it.
Gold = Union[str, Sequence[str]]

_DIEU = re.compile(r"^dieu-[^/]+$")


# ---------------------------------------------------------------- retrieval

def recall_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float | None:
    """Share of the relevant ids found in the top k."""
    rel = set(relevant)
    if not rel:
        return None
    return len(rel.intersection(ranked[:k])) / len(rel)


def hit_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float | None:
    """1.0 when at least one relevant id is in the top k."""
    rel = set(relevant)
    if not rel:
        return None
    return 1.0 if rel.intersection(ranked[:k]) else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: Iterable[str], k: int = 10) -> float | None:
    """1 / rank of the first relevant id within the top k, else 0."""
    rel = set(relevant)
    if not rel:
        return None
    for i, uid in enumerate(ranked[:k]):
        if uid in rel:
            return 1.0 / (i + 1)
    return 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int = 10) -> float | None:
    """nDCG@k with binary gains: DCG = Σ 1/log2(i+2) over relevant positions i (0-based)."""
    rel = set(relevant)
    if not rel:
        return None
    dcg = sum(1.0 / math.log2(i + 2) for i, uid in enumerate(ranked[:k]) if uid in rel)
    idcg = sum(1.0 / math.log2(i + 2) for i in range(min(len(rel), k)))
    return dcg / idcg


def precision_recall_f2(returned: Iterable[str], relevant: Iterable[str]) -> tuple[float, float, float] | None:
    """(P, R, F2) of a returned set against the gold set (ALQAC Task 1, one question)."""
    ret, rel = set(returned), set(relevant)
    if not rel:
        return None
    hit = len(ret & rel)
    p = hit / len(ret) if ret else 0.0
    r = hit / len(rel)
    f2 = 5 * p * r / (4 * p + r) if (p + r) > 0 else 0.0
    return p, r, f2


def returned_set(ranked: Sequence[str], scores: Sequence[float], margin: float = 0.0) -> list[str]:
    """Top-1 plus every later id whose score ≥ top·(1 − margin) (scores are higher-is-better)."""
    if not ranked:
        return []
    top = scores[0]
    floor = top - abs(top) * margin
    out = [ranked[0]]
    for uid, s in zip(ranked[1:], scores[1:]):
        if s >= floor and uid not in out:
            out.append(uid)
    return out


def article_of(unit_id: str) -> str:
    """The Điều ancestor of a unit id ("doc/dieu-30/khoan-2" → "doc/dieu-30"); ids without one stay."""
    parts = unit_id.split("/")
    for i, part in enumerate(parts):
        if _DIEU.match(part):
            return "/".join(parts[: i + 1])
    return unit_id


def to_articles(ids: Sequence[str]) -> list[str]:
    """Map a ranking to article level, keeping the first occurrence of each article."""
    seen: dict[str, None] = {}
    for uid in ids:
        seen.setdefault(article_of(uid), None)
    return list(seen)


def gold_groups(relevant: Iterable[Gold]) -> list[list[str]]:
    """Each gold unit as a list of accepted ids (a plain id becomes a one-id list); duplicates dropped."""
    out: dict[str, list[str]] = {}
    for g in relevant:
        ids = [g] if isinstance(g, str) else list(g)
        if ids and ids[0] not in out:
            out[ids[0]] = ids
    return list(out.values())


def _group_match(uid: str, group: Sequence[str]) -> bool:
    return any(unit_match(uid, g) for g in group)


def align_to_gold(ranked: Sequence[str], relevant: Iterable[Gold]) -> list[str]:
    """Credit containment: a retrieved unit that is the ancestor or descendant of a gold unit not yet
    credited (the Điều of a gold khoản, a khoản of a gold Điều) — or of an id equivalent to it — is
    replaced by that gold unit's (first) id; other ids stay. Exact metrics on the result then count
    such hits as found, each gold unit once."""
    groups = gold_groups(relevant)
    credited: set[str] = set()
    out = []
    for uid in ranked:
        match = next((g[0] for g in groups if g[0] not in credited and _group_match(uid, g)), None)
        if match is not None:
            credited.add(match)
            out.append(match)
        else:  # a second hit on an already credited gold unit earns nothing
            out.append(uid + "#again" if uid in credited else uid)
    return out


def mean(values: Iterable[float | None]) -> float | None:
    """Mean over the values that are not None; None when there are none."""
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def percentile(values: Sequence[float], p: float) -> float | None:
    """p-th percentile (0–100) with linear interpolation between order statistics (numpy's default)."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * p / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


# ---------------------------------------------------------------- answers

def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower().replace("ð", "đ")
    return re.sub(r"\s+", " ", text).strip()


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", _norm(text)).replace("đ", "d")
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


_SAI = re.compile(r"(?<!\w)(không\s+đúng|sai)(?!\w)")
_DUNG = re.compile(r"(?<!\w)đúng(?!\w)")


_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


def parse_verdict(text: str) -> str | None:
    """The first verdict the answer itself states: "Đúng", "Sai" ("không đúng" counts as Sai), or
    None. Quoted spans (“…”, "…") are ignored: a quoted clause saying "sai" is not a verdict."""
    t = _norm(_QUOTED.sub(" ", text))
    sai, dung = _SAI.search(t), _DUNG.search(t)
    found = [(m.start(), v) for m, v in ((sai, "Sai"), (dung, "Đúng")) if m]
    return min(found)[1] if found else None


_CHOICE_PATTERNS = (
    r"(?:đáp án|phương án|lựa chọn|chọn|câu trả lời)(?: đúng)?(?: là)?\s*[:\-]?\s*\(?([a-d])\)?(?!\w)",
    r"^\(?([a-d])\)?\s*[.):\-]",
    r"^([a-d])$",
)


def parse_choice(text: str, choices: dict[str, str] | None = None) -> str | None:
    """The choice letter (A–D) an answer picks: an explicit "Đáp án: B" / "B." / "(B)", else the one
    choice whose text appears in the answer (when exactly one does)."""
    t = _norm(text)
    for pat in _CHOICE_PATTERNS:
        m = re.search(pat, t, flags=re.MULTILINE)
        if m:
            return m.group(1).upper()
    if choices:
        found = [k for k, v in choices.items() if _norm(v) and _norm(v) in t]
        if len(found) == 1:
            return found[0].upper()
    return None


def answer_correct(question_type: str, gold: str, answer_text: str,
                   choices: dict[str, str] | None = None) -> bool | None:
    """Whether the answer states the gold verdict/choice; None for question types we cannot judge."""
    if question_type == "Đúng/Sai":
        return parse_verdict(answer_text) == parse_verdict(gold)
    if question_type == "Trắc nghiệm":
        return parse_choice(answer_text, choices) == gold.strip().upper()
    return None


def key_fact_recall(answer_text: str, key_facts: Sequence[str]) -> float | None:
    """Share of key facts that occur in the answer (case-, whitespace- and diacritic-insensitive)."""
    if not key_facts:
        return None
    t = _fold(answer_text)
    return sum(1 for f in key_facts if _fold(f) in t) / len(key_facts)


def unit_match(a: str, b: str) -> bool:
    """The same unit, or one contains the other ("d/dieu-30" and "d/dieu-30/khoan-2")."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def citation_precision_recall(cited: Sequence[str], gold: Sequence[Gold]) -> tuple[float | None, float | None]:
    """(precision, recall) of cited unit ids against gold units. A citation matches a gold unit when it
    is that unit, one of its descendants (a khoản of a gold Điều) or its ancestor (the Điều of a gold
    khoản). A gold unit given as a list of equivalent ids is one unit: any of them matches it, and
    citing two of them (the law and its văn bản hợp nhất) counts both citations as correct but the
    unit once. Precision is None without citations, recall None without gold units."""
    cited, groups = list(dict.fromkeys(cited)), gold_groups(gold)
    p = sum(1 for c in cited if any(_group_match(c, g) for g in groups)) / len(cited) if cited else None
    r = sum(1 for g in groups if any(_group_match(c, g) for c in cited)) / len(groups) if groups else None
    return p, r


def refusal_correct(answerable: bool, grounded: bool) -> bool:
    """An unanswerable question must be refused (not grounded); an answerable one answered."""
    return grounded if answerable else not grounded


_SENT = re.compile(r"(?<=[.!?;:])\s+|\n+")
_WORD = re.compile(r"\w+")


def _content_sentences(text: str) -> list[str]:
    text = re.sub(r"\[\d+\]", " ", text)
    text = "\n".join(line for line in text.splitlines() if not _norm(line).startswith("xem thêm"))
    return [s for s in (x.strip() for x in _SENT.split(text)) if len(_WORD.findall(s)) >= 4]


def faithfulness(answer_text: str, cited_texts: Sequence[str], threshold: float = 0.8) -> float | None:
    """Share of answer sentences (≥ 4 words, citation marks removed) whose words are at least
    `threshold` contained in one cited text. None when the answer has no such sentence."""
    sents = _content_sentences(answer_text)
    if not sents:
        return None
    sources = [set(_WORD.findall(_norm(t))) for t in cited_texts]
    supported = 0
    for s in sents:
        words = _WORD.findall(_norm(s))
        if any(sum(1 for w in words if w in src) / len(words) >= threshold for src in sources):
            supported += 1
    return supported / len(sents)

