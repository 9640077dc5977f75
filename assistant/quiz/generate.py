"""Build a quiz from facts: stems, distractors from the corpus, difficulty, dedup, seed, coverage.

Distractors are values of the same kind found elsewhere in the pool (other deadlines, other
authorities, other defined terms, items of other lists), never a value found in a unit that speaks
about the stem's predicate (see extract.matched_units / true_values). A fixed seed gives the same
quiz: every choice goes through one random.Random(seed) over lists in a fixed order.
Situational items and paraphrased stems are worded by a language model (llm_items); their key,
distractors and citation come from here all the same, and a model's wording may vary between runs.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from ktgs.contracts import Citation, Document, Unit
from ktgs.ingest.labels import citation_label, document_name
from ktgs.ingest.text import segment

from .extract import PERIOD, Fact, UnitTree, extract_facts, matched_units, true_values
from .items import BLANK, TF_OPTIONS, QuizItem, verify_item
from .llm_items import CALLS_PER_ITEM, TAG_LLM, StemWriter
from .textmatch import flat, jaccard, tokens

DEFAULT_MIX = {1: 0.3, 2: 0.5, 3: 0.2}
TEMPLATE_TYPES = ("mcq", "tf", "cloze")
DUPLICATE_JACCARD = 0.8
_POLARITY = ("nghiêm cấm", "cấm", "không được")


@dataclass
class QuizSpec:
    n: int = 20
    types: tuple[str, ...] = ("mcq",)
    seed: int = 0
    difficulty_mix: dict[int, float] = field(default_factory=lambda: dict(DEFAULT_MIX))
    paraphrase: bool = False         # let the language model reword template stems (mcq, tf, cloze)

    @property
    def needs_llm(self) -> bool:
        return "situational" in self.types or self.paraphrase


@dataclass
class Quiz:
    items: list[QuizItem]
    coverage: dict[str, list[str]]           # article unit_id -> item ids (every article in scope)
    notes: list[str] = field(default_factory=list)
    facts_found: int = 0

    def to_dict(self) -> dict:
        return {"items": [it.to_dict() for it in self.items], "notes": self.notes}


def parse_mix(text: str) -> dict[int, float]:
    """'1:0.3,2:0.5,3:0.2' -> {1: 0.3, 2: 0.5, 3: 0.2}."""
    mix = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        level, _, weight = part.partition(":")
        mix[int(level)] = float(weight or 1)
    if not mix or set(mix) - {1, 2, 3} or sum(mix.values()) <= 0:
        raise ValueError(f"mức độ khó không hợp lệ: {text!r} (ví dụ 1:0.3,2:0.5,3:0.2)")
    return mix


def _article_ref(fact: Fact, tree: UnitTree, doc: Document) -> str:
    art = tree.by_id.get(fact.article_id, fact.unit)
    topic = re.sub(r"^Điều\s+\S+\s*", "", art.heading).strip(" .")
    label = citation_label(art, doc)
    return f"{label} ({topic})" if topic else label


def _prefix(fact: Fact, tree: UnitTree, doc: Document, difficulty: int) -> str:
    return f"Theo {_article_ref(fact, tree, doc) if difficulty == 1 else document_name(doc)},"


def _number(value: str) -> int | None:
    m = PERIOD.fullmatch(value)
    return int(m.group(1)) if m else None


def _similarity(a: str, b: str) -> float:
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None:
        same_unit = a.split(" ", 1)[1] == b.split(" ", 1)[1]
        return (1.0 if same_unit else 0.5) - abs(na - nb) / 400
    return jaccard(set(tokens(a)), set(tokens(b)))


class Builder:
    def __init__(self, units: list[Unit], documents: dict[str, Document], pool_units: list[Unit] | None = None):
        self.units = units
        self.documents = documents
        self.tree = UnitTree(units)
        pool = list(units) + [u for u in (pool_units or []) if u.unit_id not in self.tree.by_id]
        self.pool_tree = UnitTree(pool)
        self.pool_facts = extract_facts(pool)
        self.unit_texts = {u.unit_id: u.text for u in pool}

    # --- distractors -----------------------------------------------------------------------
    def distractor_candidates(self, fact: Fact) -> list[str]:
        """Values of the same kind from the pool that no unit about the stem's predicate makes true."""
        matched = matched_units(fact, self.pool_tree)
        matched_text = " | ".join(flat(u.text) for u in matched)
        blocked = {flat(v) for v in true_values(fact, self.pool_tree)}
        key_f, key_n = flat(fact.value), _number(fact.value)
        polar = [p for p in _POLARITY if p in flat(fact.prompt)]
        siblings = [set(tokens(line)) for u in matched for line in u.text.split("\n")] if fact.kind == "enumeration" else []
        out, seen = [], set()
        for other in self.pool_facts:
            v = other.value
            fv = flat(v)
            if other.kind != fact.kind or fv in seen or fv in blocked or not fv:
                continue
            seen.add(fv)
            if f" {fv} " in f" {matched_text} " or f" {fv} " in f" {key_f} " or f" {key_f} " in f" {fv} ":
                continue
            if key_n is not None and _number(v) == key_n:
                continue
            if fact.kind == "enumeration":
                if flat(other.prompt) == flat(fact.prompt) or any(p in flat(other.prompt) for p in polar):
                    continue
                if not 0.4 <= len(tokens(v)) / max(1, len(tokens(fact.value))) <= 2.5:
                    continue
                vt = set(tokens(v))               # "Nội dung tố cáo được thụ lý" restates "Thụ lý tố cáo"
                if any(s and len(s & vt) / len(s) >= 0.75 for s in siblings):
                    continue
            out.append(v)
        return out

    def pick_distractors(self, fact: Fact, difficulty: int, rng: random.Random, k: int = 3) -> list[str] | None:
        cands = self.distractor_candidates(fact)
        if len(cands) < k:
            return None
        if difficulty == 3:
            cands.sort(key=lambda v: (-_similarity(fact.value, v), v))
            return cands[:k]
        return rng.sample(cands, k)

    # --- items -----------------------------------------------------------------------------
    def citations(self, fact: Fact) -> list[Citation]:
        doc = self.documents.get(fact.unit.doc_id) or Document(doc_id=fact.unit.doc_id)
        out = []
        for unit, quote in [(fact.unit, fact.quote)] + fact.extra:
            start = unit.text.find(quote)
            out.append(Citation(unit_id=unit.unit_id, label=citation_label(unit, doc), quote=quote,
                                doc_number=doc.doc_number, quote_start=max(start, 0),
                                quote_end=max(start, 0) + len(quote), status=doc.status))
        return out

    def tags(self, fact: Fact) -> list[str]:
        doc = self.documents.get(fact.unit.doc_id)
        tags = [doc.doc_number] if doc and doc.doc_number else [fact.unit.doc_id]
        tags += [p for p in fact.unit.path if p.startswith(("Chương", "Điều"))]
        return tags + [fact.kind]

    def make_item(self, fact: Fact, kind: str, difficulty: int, rng: random.Random,
                  writer: StemWriter | None = None) -> QuizItem | None:
        doc = self.documents.get(fact.unit.doc_id) or Document(doc_id=fact.unit.doc_id)
        prefix = _prefix(fact, self.tree, doc, difficulty)
        cites = self.citations(fact)
        why = f"Căn cứ {cites[0].label}."
        common = dict(citations=cites, difficulty=difficulty, tags=self.tags(fact), fact_kind=fact.kind)
        if kind == "situational":
            return self.situational_item(fact, difficulty, rng, writer, doc, cites, common)
        if kind == "cloze":
            if not fact.template:
                return None
            return QuizItem("cloze", f"{prefix} điền vào chỗ trống: “{fact.template}”", [], fact.value,
                            f"Đáp án: {fact.value}. {why}", **common)
        distractors = self.pick_distractors(fact, difficulty, rng, k=3 if kind == "mcq" else 1)
        if distractors is None:
            return None
        if kind == "tf":
            if not fact.template:
                return None
            true = rng.random() < 0.5
            shown = fact.value if true else distractors[0]
            key = TF_OPTIONS[0] if true else TF_OPTIONS[1]
            expl = f"{key}. {'' if true else f'Giá trị đúng là “{fact.value}”, không phải “{shown}”. '}{why}"
            return QuizItem("tf", f"{prefix} nhận định sau đúng hay sai? “{fact.template.replace(BLANK, shown)}”",
                            list(TF_OPTIONS), key, expl, support=fact.value, **common)
        options = [fact.value] + distractors
        rng.shuffle(options)
        if fact.template:
            stem = f"{prefix} chọn phương án đúng để điền vào chỗ trống: “{fact.template}”"
        else:
            stem = f"{prefix} {fact.question}"
        return QuizItem("mcq", stem, options, fact.value, f"Đáp án: {fact.value}. {why}", **common)

    def situational_item(self, fact: Fact, difficulty: int, rng: random.Random, writer: StemWriter | None,
                         doc: Document, cites: list[Citation], common: dict) -> QuizItem | None:
        """An mcq whose stem (a scenario and a question) the model writes; key and distractors are ours."""
        if writer is None or not writer.available:
            return None
        distractors = self.pick_distractors(fact, difficulty, rng, k=3)
        if distractors is None:
            return None
        stem = writer.situational_stem(fact, document_name(doc), cites[0].label, distractors, [doc.title])
        if stem is None:
            return None
        options = [fact.value] + distractors
        rng.shuffle(options)
        common["tags"] = common["tags"] + [TAG_LLM]
        return QuizItem("situational", stem, options, fact.value,
                        f"Đáp án: {fact.value}. Căn cứ {cites[0].label}: “{fact.quote}”", **common)


def _difficulties(n: int, mix: dict[int, float], rng: random.Random) -> list[int]:
    levels = sorted(mix)
    total = sum(mix.values())
    counts = {lv: int(n * mix[lv] / total) for lv in levels}
    for lv in sorted(levels, key=lambda lv: -mix[lv])[: n - sum(counts.values())]:
        counts[lv] += 1
    seq = [lv for lv in levels for _ in range(counts[lv])]
    rng.shuffle(seq)
    return seq


def _interleave(facts: list[Fact], rng: random.Random) -> list[Fact]:
    """Round-robin over articles (shuffled), so a quiz spreads over the scope instead of one list."""
    by_article: dict[str, list[Fact]] = {}
    for f in facts:
        by_article.setdefault(f.article_id, []).append(f)
    order = list(by_article)
    rng.shuffle(order)
    for a in order:
        rng.shuffle(by_article[a])
    out = []
    while any(by_article.values()):
        for a in order:
            if by_article[a]:
                out.append(by_article[a].pop())
    return out


def is_near_duplicate(stem: str, accepted: list[set[str]]) -> bool:
    toks = set(segment(stem))
    return any(jaccard(toks, other) >= DUPLICATE_JACCARD for other in accepted)


def build_quiz(units: list[Unit], documents: dict[str, Document], spec: QuizSpec | None = None,
               pool_units: list[Unit] | None = None, reuse: list[QuizItem] | None = None,
               generator: Any = None) -> Quiz:
    """A quiz over `units` (already scoped). `pool_units` widen the distractor pool; `reuse` items
    (approved in the bank) come first. A `generator` (assistant.llm.Generator) writes situational
    stems and, when spec.paraphrase, rewords template stems; without one those are skipped with a note."""
    spec = spec or QuizSpec()
    rng = random.Random(spec.seed)
    builder = Builder(units, documents, pool_units)
    notes = []
    writer = StemWriter(generator, CALLS_PER_ITEM * spec.n) if generator is not None and spec.needs_llm else None
    types = [t for t in spec.types if t in TEMPLATE_TYPES or (t == "situational" and writer is not None)]
    if "situational" in spec.types and writer is None:
        notes.append("Bỏ qua câu tình huống: cần mô hình ngôn ngữ (answer_mode local/openai), "
                     "chưa có trong chế độ tạo câu hỏi từ văn bản.")
    if spec.paraphrase and writer is None:
        notes.append("Giữ nguyên lời dẫn theo mẫu: diễn đạt lại cần mô hình ngôn ngữ (answer_mode local/openai).")
    facts = extract_facts(units)
    items: list[QuizItem] = []
    seen_stems: list[set[str]] = []
    for it in reuse or []:
        if len(items) < spec.n and not is_near_duplicate(it.stem, seen_stems):
            items.append(it)
            seen_stems.append(set(segment(it.stem)))
    levels = _difficulties(spec.n, spec.difficulty_mix, rng)
    used_prompts: set[str] = set()
    for i, fact in enumerate(_interleave(facts, rng)):
        if len(items) >= spec.n or not types:
            break
        if fact.kind == "enumeration" and flat(fact.prompt) in used_prompts:
            continue                                    # one item per list: the stems would be equal
        level = levels[len(items) % len(levels)] if levels else 2
        for k in range(len(types)):
            kind = types[(i + k) % len(types)]
            item = builder.make_item(fact, kind, level, rng, writer)
            if item is None or verify_item(item, builder.unit_texts):
                continue
            if is_near_duplicate(item.stem, seen_stems):
                break
            seen_stems.append(set(segment(item.stem)))
            if spec.paraphrase and writer is not None and item.type in TEMPLATE_TYPES:
                item = writer.paraphrase(item)
                seen_stems.append(set(segment(item.stem)))
            items.append(item)
            used_prompts.add(flat(fact.prompt))
            break
    if writer is not None:
        notes += writer.notes()
    if len(items) < spec.n:
        notes.append(f"Chỉ tạo được {len(items)}/{spec.n} câu hỏi từ phạm vi đã chọn.")
    return Quiz(items, coverage_map(items, units), notes, len(facts))


def coverage_map(items: list[QuizItem], units: list[Unit]) -> dict[str, list[str]]:
    """Article unit_id -> ids of the items citing it or anything below it, for every article in scope."""
    tree = UnitTree(units)
    cov = {u.unit_id: [] for u in units if u.level == "dieu"}
    for it in items:
        arts = []
        for c in it.citations:
            u = tree.by_id.get(c.unit_id)
            if u is not None:
                a = tree.article_of(u).unit_id
                if a in cov and a not in arts:
                    arts.append(a)
        for a in arts:
            cov[a].append(it.id)
    return cov
