"""Facts a question can be built on, read from units without any model.

Kinds: `deadline` ("không quá 30 ngày", "trong thời hạn 07 ngày làm việc"), `authority` ("Chủ tịch Ủy
ban nhân dân cấp tỉnh có thẩm quyền …"), `definition` (khoản of a "Giải thích từ ngữ" article: "Tố cáo
là …") and `enumeration` (an item of a list such as "Điều 8. Các hành vi bị nghiêm cấm …").
Every fact carries the verbatim quote that proves its value and the predicate phrases that decide
which other units speak about the same thing (those units can never supply a distractor).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ktgs.contracts import Unit

from .items import BLANK
from .textmatch import flat, tokens

GROUP_OF = {"deadline": "period", "authority": "authority", "definition": "term", "enumeration": "list-item"}
_MARKER = re.compile(r"^(?:Điều\s+\d+[a-zđ]?\.\s*|\d+\.\s+|[a-zđ]\)\s+|[a-zđ]\.\s+|[-–•+]\s+)")
PERIOD = re.compile(r"(?<![\w/])(\d{1,3}) (ngày làm việc|ngày|tháng|năm)(?![\w/])")
_PERIOD_CUE = re.compile(r"(không quá|trong thời hạn|chậm nhất là|trong vòng|tối đa|ít nhất|thời hạn là|kéo dài)\s+$", re.IGNORECASE)
_AUTHORITY = re.compile(r"^(?P<auth>(?:Chủ tịch|Phó Chủ tịch|Chánh án|Viện trưởng|Thủ tướng|Bộ trưởng|Tổng|Cục "
                        r"trưởng|Người đứng đầu|Thủ trưởng|Chánh [Tt]hanh tra|Thường trực|Giám đốc|Trưởng|Bí thư|"
                        r"Ủy ban|Ban |Bộ Chính trị|Hội đồng|Đảng ủy|Cấp ủy|Chi bộ)[^:;.]{2,160}?) "
                        r"có thẩm quyền (?P<rest>.+?)[.;]?$")
_LIST_INTRO = re.compile(r"^(?P<intro>.{8,200}?)\s*(?:sau đây|như sau)?\s*:$")
_STOP_AFTER = {"là", "không", "nhưng", "một", "hai", "mỗi", "kể", "trong", "được", "có", "thì", "và"}
_LIST_HEADING = re.compile(r"^(?:Các|Những)\s|nghiêm cấm|hình thức|trình tự|nguyên tắc|trách nhiệm|quyền", re.IGNORECASE)
_CONTEXT_BOUND = re.compile(r"\b(?:Điều|khoản|điểm|Luật|Nghị định|Quy định) này\b|quy định tại|hiệu lực")
MAX_QUOTE_WORDS = 70
MAX_ITEM_WORDS = 40


@dataclass
class Fact:
    kind: str                      # deadline | authority | definition | enumeration
    unit: Unit                     # the unit whose text holds `quote`
    quote: str                     # verbatim span of unit.text that holds `value`
    value: str                     # the answer; verbatim in quote
    template: str = ""             # statement with the value replaced by BLANK (verbatim apart from it)
    question: str = ""             # question form, when there is no template
    predicate: list[str] = field(default_factory=list)
    article_id: str = ""           # the enclosing Điều (or top unit)
    extra: list[tuple[Unit, str]] = field(default_factory=list)   # further citations (unit, quote)
    exclude: list[str] = field(default_factory=list)             # values also true for the predicate
    whole_article: bool = False    # the whole article speaks about the predicate (deadline rules)

    @property
    def group(self) -> str:
        return GROUP_OF[self.kind]

    @property
    def prompt(self) -> str:
        return self.template or self.question


class UnitTree:
    """Parent/children lookups over a list of units."""

    def __init__(self, units: list[Unit]):
        self.units = units
        self.by_id = {u.unit_id: u for u in units}
        self.children: dict[str, list[Unit]] = {}
        for u in units:
            if u.parent_id:
                self.children.setdefault(u.parent_id, []).append(u)

    def article_of(self, unit: Unit) -> Unit:
        u = unit
        while u.level != "dieu" and u.parent_id in self.by_id:
            u = self.by_id[u.parent_id]
        return u if u.level == "dieu" else unit

    def subtree(self, unit: Unit) -> list[Unit]:
        out, stack = [], [unit]
        while stack:
            u = stack.pop()
            out.append(u)
            stack.extend(reversed(self.children.get(u.unit_id, [])))
        return out

    def own_lines(self, unit: Unit) -> list[str]:
        """Lines of unit.text that belong to no child unit."""
        lines = [ln for ln in unit.text.split("\n") if ln.strip()]
        taken = Counter(ln for c in self.children.get(unit.unit_id, []) for ln in c.text.split("\n"))
        out = []
        for ln in lines:
            if taken[ln] > 0:
                taken[ln] -= 1
            else:
                out.append(ln)
        return out


def strip_marker(line: str) -> str:
    """'2. Đối với …' -> 'Đối với …' (a suffix of the line, so still verbatim)."""
    return line[_MARKER.match(line).end():] if _MARKER.match(line) else line


def _words(s: str) -> int:
    return len(s.split())


def _clauses(line: str) -> list[str]:
    """Pieces of a line between '; ' and '. ' boundaries, each a verbatim substring."""
    return [p for p in re.split(r"(?<=[;.])\s+", line) if p.strip()]


# --- deadlines --------------------------------------------------------------------------------
def _deadline_predicates(clause: str) -> list[str]:
    preds = []
    m = re.search(r"(?:thời hạn|gia hạn)\s+([^\d,.;:]+)", clause, re.IGNORECASE)
    if m:
        words = []
        for w in m.group(1).split():
            if w.lower() in _STOP_AFTER or len(words) == 6:
                break
            words.append(w)
        if len(words) >= 2:
            x = " ".join(words)
            preds += [f"thời hạn {x}", f"gia hạn {x}"]
    m = re.search(r"(?:có trách nhiệm|phải)\s+((?:[^\s,.;]+\s+){2}[^\s,.;]+)", clause)
    if m:
        preds.append(m.group(1))
    return preds


def _period_sums(values: list[str]) -> list[str]:
    out = []
    for v in values:
        m = PERIOD.fullmatch(v)
        if m:
            n = int(m.group(1))
            out += [f"{n * k:02d} {m.group(2)}" for k in (2, 3)]
    return out


def deadline_facts(tree: UnitTree) -> list[Fact]:
    facts = []
    for unit in tree.units:
        for line in tree.own_lines(unit):
            for clause in _clauses(strip_marker(line)):
                clause = strip_marker(clause)
                if _words(clause) > MAX_QUOTE_WORDS:
                    continue
                for m in PERIOD.finditer(clause):
                    if not _PERIOD_CUE.search(clause[: m.start()]):
                        continue
                    value = m.group(0)
                    template = clause[: m.start()] + BLANK + clause[m.end():]
                    facts.append(Fact("deadline", unit, clause, value, template=template,
                                      predicate=_deadline_predicates(clause),
                                      article_id=tree.article_of(unit).unit_id, whole_article=True))
    return facts


# --- authorities ------------------------------------------------------------------------------
def _names_someone(body: str) -> bool:
    """'… của Chủ tịch, Phó Chủ tịch …' names whose conduct; '… của cơ quan do mình quản lý' only
    says "one's own", which holds for every head and makes an ill-posed question."""
    if "do mình" not in body:
        return True
    after = body.split(" của ", 1)[1] if " của " in body else ""
    return any(w[:1].isupper() for w in after.split())


def authority_facts(tree: UnitTree) -> list[Fact]:
    facts = []
    for unit in tree.units:
        if unit.level not in ("khoan", "dieu", "diem"):
            continue
        own = tree.own_lines(unit)
        if not own:
            continue
        if unit.level == "dieu":
            own = own[1:]                     # the heading line
        if not own:
            continue
        first = strip_marker(own[0])
        m = _AUTHORITY.match(first)
        if not m or _words(m.group("auth")) > 18 or " là " in m.group("auth"):
            continue
        auth, rest = m.group("auth").strip(), m.group("rest").strip()
        article = tree.article_of(unit).unit_id
        if re.fullmatch(r"(?:sau đây|như sau)\s*:?", rest):
            for child in tree.children.get(unit.unit_id, []):
                body = strip_marker(tree.own_lines(child)[0]).rstrip(";.")
                if not body or _words(body) > MAX_QUOTE_WORDS or not _names_someone(body):
                    continue
                facts.append(Fact("authority", unit, first, auth,
                                  question=f"ai có thẩm quyền {body[0].lower()}{body[1:]}?",
                                  predicate=[body], article_id=article, extra=[(child, body)]))
        elif _words(rest) <= MAX_QUOTE_WORDS and _names_someone(rest):
            rest = rest.rstrip(";.")
            facts.append(Fact("authority", unit, first, auth, question=f"ai có thẩm quyền {rest}?",
                              predicate=[rest], article_id=article))
    return facts


# --- definitions ------------------------------------------------------------------------------
def definition_facts(tree: UnitTree) -> list[Fact]:
    facts = []
    for unit in tree.units:
        if unit.level != "khoan" or unit.parent_id not in tree.by_id:
            continue
        article = tree.article_of(unit)
        if "giải thích từ ngữ" not in article.heading.lower():
            continue
        line = strip_marker(tree.own_lines(unit)[0]) if tree.own_lines(unit) else ""
        m = re.match(r"^(?P<term>[^.;:]{2,100}?) là (?P<body>.+)$", line)
        if not m or _words(m.group("term")) > 12:
            continue
        quote = line
        if _words(quote) > MAX_QUOTE_WORDS:
            quote = " ".join(line.split(" ")[:MAX_QUOTE_WORDS])
            quote = quote[: quote.rfind(",")] if "," in quote[len(m.group("term")):] else quote
        term = m.group("term")
        body_words = m.group("body").split()[:10]
        facts.append(Fact("definition", unit, quote, term, template=BLANK + quote[len(term):],
                          predicate=[" ".join(body_words)], article_id=article.unit_id))
    return facts


# --- enumerations -----------------------------------------------------------------------------
def enumeration_facts(tree: UnitTree) -> list[Fact]:
    facts = []
    for unit in tree.units:
        kids = tree.children.get(unit.unit_id, [])
        if len(kids) < 3 or unit.level not in ("dieu", "khoan"):
            continue
        own = tree.own_lines(unit)
        if unit.level == "dieu":
            if len(own) != 1:
                continue
            intro_line, intro = own[0], strip_marker(own[0]).strip()
            if not _LIST_HEADING.search(intro):
                continue
        else:
            if len(own) != 1 or not _LIST_INTRO.match(strip_marker(own[0])):
                continue
            intro_line, intro = own[0], _LIST_INTRO.match(strip_marker(own[0])).group("intro").strip()
        items = []
        for k in kids:
            lines = tree.own_lines(k)
            if len(lines) != 1 or tree.children.get(k.unit_id):
                items = []
                break
            value = strip_marker(lines[0]).rstrip(";.")
            # too long for an option, or "… quy định tại Điều 23 của Luật này" (needs its context)
            if _words(value) <= MAX_ITEM_WORDS and len(tokens(value)) >= 3 and not _CONTEXT_BOUND.search(value):
                items.append((k, value))
        article = tree.article_of(unit).unit_id
        for k, value in items:
            facts.append(Fact("enumeration", k, value, value, question=f"nội dung nào sau đây thuộc “{intro}”?",
                              predicate=[intro], article_id=article,
                              extra=[(unit, strip_marker(intro_line))], whole_article=unit.level == "dieu"))
    return facts


def extract_facts(units: list[Unit], kinds: tuple[str, ...] = tuple(GROUP_OF)) -> list[Fact]:
    """All facts of the wanted kinds, in document order; ambiguous prompts (the same prompt with
    different values in different places) are dropped, except list items (one prompt, many items)."""
    tree = UnitTree(units)
    found: list[Fact] = []
    for kind, fn in (("definition", definition_facts), ("deadline", deadline_facts),
                     ("authority", authority_facts), ("enumeration", enumeration_facts)):
        if kind in kinds:
            found += fn(tree)
    values: dict[str, set[str]] = {}
    for f in found:
        values.setdefault(f.kind + flat(f.prompt), set()).add(flat(f.value))
    keep = [f for f in found if f.kind == "enumeration" or len(values[f.kind + flat(f.prompt)]) == 1]
    seen, out = set(), []
    for f in keep:
        key = (f.kind, flat(f.prompt), flat(f.value))
        if key not in seen:
            seen.add(key)
            out.append(f)
    order = {u.unit_id: i for i, u in enumerate(units)}
    out.sort(key=lambda f: order.get(f.unit.unit_id, 0))
    return out


def matched_units(fact: Fact, tree: UnitTree) -> list[Unit]:
    """Units that speak about the fact's predicate: its own units, the smallest units holding a
    predicate phrase (with the khoản above a điểm), and the whole article for deadline rules and
    article-level lists. A value found in any of them is never used as a distractor."""
    out = {fact.unit.unit_id: fact.unit}
    out.update({u.unit_id: u for u, _ in fact.extra})
    if fact.whole_article and fact.article_id in tree.by_id:
        out.update({u.unit_id: u for u in tree.subtree(tree.by_id[fact.article_id])})
    phrases = [flat(p) for p in fact.predicate if len(tokens(p)) >= 2]
    if phrases:
        holding = {u.unit_id for u in tree.units if any(f" {p} " in f" {flat(u.text)} " for p in phrases)}
        for uid in holding:
            u = tree.by_id[uid]
            if any(c.unit_id in holding for c in tree.children.get(uid, [])):
                continue                      # not the smallest unit holding it
            out[uid] = u
            if u.level == "diem" and u.parent_id in tree.by_id:
                out[u.parent_id] = tree.by_id[u.parent_id]
    return [out[k] for k in sorted(out)]


def true_values(fact: Fact, tree: UnitTree) -> list[str]:
    """Values of the fact's kind that its predicate makes defensible: those in matched units and,
    for periods, their sums (a 30-day term extended by 30 days makes 60 days defensible)."""
    vals = [fact.value]
    if fact.kind == "deadline":
        for u in matched_units(fact, tree):
            vals += [m.group(0) for m in PERIOD.finditer(u.text)]
        vals += _period_sums(vals)
    return sorted(set(vals) | set(fact.exclude))
