"""The legal graph over a corpus and the status of a document or unit on a date, with its reason.

Nodes are documents: those in the corpus and those known only because a text names them
(`in_corpus: false`). Edges are the relation events the documents' units state (see
ktgs.ingest.relations), normalised to "actor acts on target" (a "replaced_by" read in the
replaced text becomes "replaces" by the other). Status is never stored: `status_of(number, as_of)`
computes it from the events whose date is on or before `as_of`:

  expired         a replaces / repeals / ends event on the whole document has taken effect
  partly_expired  such an event on a part ("Chương V") has; the units inside that part are expired
  not_yet         the document's effective date is after as_of
  in_force        in the corpus, effective, and nothing has ended it
  unknown         known only by reference and nothing says it ended

Every Status carries its reason: the sentence, the document that acts, the unit whose text says
so and the words. A văn bản hợp nhất in force marks the units of its base law as `history` for
questions about the current wording (the base law stays in force).

    from ktgs.index.validity import status_of, Graph
    status_of("22-QĐ/TW", date(2026, 12, 1), settings).status  -> "expired"
    graph = Graph.from_catalog(catalog); graph.unit_status(unit_id, as_of)
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Iterable, Sequence

from ktgs.contracts import (STATUS_EXPIRED, STATUS_IN_FORCE, STATUS_NOT_YET, STATUS_PARTLY_EXPIRED,
                            STATUS_UNKNOWN, Document)
from ktgs.errors import KtgsError
from ktgs.ingest.numbering import irregular_groups, locate, topic_of, warnings_for
from ktgs.ingest.references import TYPE_NAMES, doc_type_from_number, normalise_doc_number
from ktgs.index.catalog import Catalog
from ktgs.ingest.relations import Event, events_of, is_party_number
from ktgs.settings import load_settings

ENDING = ("replaces", "repeals", "ends")
_VERB = {"replaces": "đã được thay thế bởi", "repeals": "đã bị bãi bỏ bởi", "ends": "hết hiệu lực theo"}
_BASIS = {"stated": "", "signing": "từ ngày ký", "party-issue": "văn bản của Đảng có hiệu lực từ ngày ký",
          "assumed-issue": "tạm tính từ ngày ban hành: bản trong kho không có điều khoản hiệu lực",
          "consolidated": "ngày có hiệu lực của văn bản sửa đổi gần nhất được hợp nhất"}
_PART_RE = re.compile(r"(chương|mục|điều|khoản|điểm|phần)\s+([0-9]+[a-z]?|[IVXLC]+|[a-zđ]|thứ\s+\w+)\b", re.IGNORECASE)
_LEVEL_KEY = {"chương": "chuong", "mục": "muc", "điều": "dieu", "khoản": "khoan", "điểm": "diem", "phần": "phan"}


def today() -> date:
    return date.today()


def as_date(value: date | str | None) -> date:
    """None → today; 'YYYY-MM-DD' → date; a friendly error otherwise."""
    if value is None or value == "":
        return today()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise KtgsError(f"ngày không hợp lệ {value!r}; dùng dạng YYYY-MM-DD, ví dụ 2025-07-01") from None


def vn_date(iso: str) -> str:
    """'2025-05-30' → '30/5/2025', '2025-07-01' → '01/7/2025'."""
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    return f"{m.group(3)}/{int(m.group(2))}/{m.group(1)}" if m else (iso or "")


@dataclass
class Node:
    key: str                # the graph key: doc_id in the corpus; the number for a document known by reference
    doc_id: str = ""
    in_corpus: bool = False
    title: str = ""
    doc_type: str = ""
    issued_date: str = ""
    effective_from: str = ""
    effective_basis: str = ""
    effective_unit: str = ""
    declared_status: str = ""
    name_hint: str = ""     # "Luật Tố cáo số 03/2011/QH13" as another text names it
    numbering: list = field(default_factory=list)   # irregular Phần/Chương/Mục labels (ktgs.ingest.numbering)
    partial: bool = False   # the stored copy is a part of the document (Document.is_partial)
    number: str = ""        # the normalised doc_number ("" when the document has none)

    @property
    def label(self) -> str:
        """How the document is named to the reader: its number, else its doc_id."""
        return self.number or self.key


@dataclass
class Status:
    status: str
    reason: str                     # the human sentence
    doc_number: str = ""
    as_of: str = ""
    since: str = ""                 # when this status began (the event's date / the effective date)
    by: str = ""                    # the acting document
    unit_id: str = ""               # the unit that says so
    text: str = ""                  # what it says
    kind: str = ""                  # the event kind behind the status
    scope: str = ""
    expired_scopes: list[str] = field(default_factory=list)
    history: bool = False           # the unit is the text as enacted; a VBHN holds the current wording
    consolidated_by: str = ""
    pending: list[str] = field(default_factory=list)   # changes dated after as_of
    # each partial ending, its scope as the stating text names it and as the stored copy labels it:
    # {"scope": "Chương V", "stored": "Chương VI", "note": "(trong văn bản lưu: …)", "unknown": False,
    #  "candidates": [...], "sentence": "…"} (see ktgs.ingest.numbering.locate)
    located: list[dict] = field(default_factory=list)

    @property
    def current(self) -> bool:
        """May be offered as the answer on that date."""
        return self.status not in (STATUS_EXPIRED, STATUS_NOT_YET)

    @property
    def note(self) -> str:
        """The status_note of a citation: empty for an ordinary unit in force."""
        if self.status == STATUS_IN_FORCE and not self.history:
            return ""
        return self.reason

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def name_of(node: Node | None, key: str) -> str:
    """'Quy định 22-QĐ/TW', 'Luật Thanh tra 11/2022/QH15', 'Văn bản hợp nhất 112/VBHN-VPQH'."""
    doc_type = (node.doc_type if node else "") or doc_type_from_number(key)
    if node and node.doc_type == "van-ban-hop-nhat":
        return f"Văn bản hợp nhất {key}"
    if doc_type == "luat":
        title = node.title if node and node.title.lower().startswith("luật") else ""
        if not title and node and node.name_hint:
            title = re.sub(r"\s+số\s*$", "", node.name_hint.split(key)[0]).strip()
        title = re.sub(r"\s*\(.*\)\s*$", "", title)
        return f"{title or 'Luật'} {key}"
    if not normalise_doc_number(key):
        return (node.title if node and node.title else key)
    return f"{TYPE_NAMES.get(doc_type, 'Văn bản')} {key}"


def unit_label(unit_id: str, graph: "Graph") -> str:
    """'khoản 2 Điều 63 Luật Thanh tra 84/2025/QH15' from a unit id."""
    doc_id, _, rest = unit_id.partition("/")
    node = graph.by_doc_id.get(doc_id)
    parts = []
    for seg in reversed(rest.split("/")):
        kind, _, num = seg.partition("-")
        name = {"dieu": "Điều", "khoan": "khoản", "diem": "điểm"}.get(kind)
        if name:
            parts.append(f"{name} {num}")
    where = " ".join(parts) or ("phần mở đầu" if rest == "mo-dau" else "")
    doc = name_of(node, node.label) if node else doc_id
    return f"{where} {doc}".strip() if where else doc


def parse_scope(scope: str) -> list[dict[str, str]]:
    """'khoản 1 và khoản 3 Điều 64' → [{'khoan': '1', 'dieu': '64'}, {'khoan': '3', 'dieu': '64'}];
    'Chương V' → [{'chuong': 'V'}]; a scope without parts ("những quy định về …") → []."""
    groups: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for m in _PART_RE.finditer(scope):
        key = _LEVEL_KEY[m.group(1).lower()]
        if key in current:
            groups.append(current)
            current = {}
        current[key] = m.group(2)
    if current:
        groups.append(current)
    # parts named before the Điều they belong to share it: "khoản 1 và khoản 3 Điều 64"
    for key in ("dieu", "chuong"):
        last = next((g[key] for g in reversed(groups) if key in g), None)
        if last:
            for g in groups:
                if key not in g and ("khoan" in g or "diem" in g) and key == "dieu":
                    g[key] = last
    return groups


def unit_parts(path: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in path:
        m = _PART_RE.match(p.strip())
        if m:
            out[_LEVEL_KEY[m.group(1).lower()]] = m.group(2)
    return out


def in_scope(path: Sequence[str], scope: str) -> bool:
    """The unit with this path lies inside `scope` (the whole unit, not a part of it)."""
    parts = unit_parts(path)
    return any(g and all(parts.get(k, "").lower() == v.lower() for k, v in g.items()) for g in parse_scope(scope))


class Graph:
    """Nodes keyed by doc_id (numbers repeat: a Party number restarts each term, "21-QĐ/TW" of 2026 is
    not the 21-QĐ/TW of an earlier term); a reference by bare number resolves to the latest document
    with that number issued on or before the citing text (or the only one). Documents known only by
    reference are keyed by their number. Statuses, cards and relations name documents by number."""

    def __init__(self, documents: Iterable[Document], events: Iterable[Event]):
        self.nodes: dict[str, Node] = {}
        self.by_doc_id: dict[str, Node] = {}
        self.by_number: dict[str, list[Node]] = {}
        for d in documents:
            number = d.doc_number if normalise_doc_number(d.doc_number or "") else ""
            eff = (d.metadata or {}).get("effective") or {}
            node = Node(d.doc_id, d.doc_id, True, d.title, d.doc_type, d.issued_date[:10],
                        d.effective_from or eff.get("date", ""), eff.get("basis", ""), eff.get("unit_id", ""),
                        (d.metadata or {}).get("declared_status", ""),
                        numbering=list((d.metadata or {}).get("numbering") or []), partial=d.is_partial,
                        number=number)
            if not node.effective_from and re.match(r"\d{4}-\d{2}-\d{2}$", node.issued_date):
                node.effective_from = node.issued_date
                node.effective_basis = "party-issue" if is_party_number(number) else "assumed-issue"
            self.nodes[node.key] = node
            self.by_doc_id[d.doc_id] = node
            if number:
                self.by_number.setdefault(number, []).append(node)
        self.events: list[Event] = []
        self.incoming: dict[str, list[Event]] = {}
        self.outgoing: dict[str, list[Event]] = {}
        for raw in events:
            e = self._keyed(raw)
            if e is None:
                continue
            self.events.append(e)
            hint = re.search(rf"((?:Luật|Bộ luật)[^;.()]{{0,60}}?số\s*){re.escape(raw.target)}", e.text)
            if hint and not self.nodes[e.target].name_hint:
                self.nodes[e.target].name_hint = hint.group(1) + raw.target
            self.incoming.setdefault(e.target, []).append(e)
            self.outgoing.setdefault(e.actor, []).append(e)

    def _keyed(self, e: Event) -> Event | None:
        """The event with graph keys for its ends: the stating document's side is that document
        (by doc_id), the other side a reference by number resolved as of the stating text's date."""
        stating = self.by_doc_id.get(e.doc_id) if e.doc_id else None
        if stating is None and e.stated_in:     # catalogued before events kept their doc_id
            stating = self.by_doc_id.get(e.stated_in) or self._reference(e.stated_in, "", None)
        own = e.stated_in
        cited_on = stating.issued_date if stating else ""
        if stating is not None and e.actor == own:
            actor = stating.key
            target = self._reference_key(e.target, cited_on, exclude=stating)
        elif stating is not None and e.target == own:
            actor = self._reference_key(e.actor, cited_on, exclude=stating)
            target = stating.key
        else:       # a VBHN states the base law's acts: neither end is the stating text
            actor = self._reference_key(e.actor, cited_on)
            target = self._reference_key(e.target, cited_on)
        if not actor or not target:
            return None
        return Event(e.kind, actor, target, e.scope, e.except_scope, e.date, e.unit_id,
                     stating.key if stating is not None else e.stated_in, e.text, e.doc_id)

    def _reference(self, number: str, cited_on: str, exclude: Node | None) -> Node | None:
        """The corpus document a bare number names for a text of `cited_on`: the latest issued on or
        before it, else the latest; None when no corpus document has that number."""
        normal = normalise_doc_number(number or "") or number
        found = [n for n in self.by_number.get(normal, []) if n is not exclude]
        if not found:
            return None
        if len(found) == 1:
            return found[0]
        before = [n for n in found if n.issued_date and cited_on and n.issued_date <= cited_on]
        return max(before or found, key=lambda n: n.issued_date or "")

    def _reference_key(self, number: str, cited_on: str, exclude: Node | None = None) -> str:
        if number in self.by_doc_id:
            return number
        node = self._reference(number, cited_on, exclude) or self._reference(number, cited_on, None)
        if node is not None:      # (the stating document itself only when no other has its number)
            return node.key
        key = normalise_doc_number(number or "") or number
        if key and key not in self.nodes:
            self.nodes[key] = Node(key, doc_type=doc_type_from_number(key), number=key if normalise_doc_number(key) else "")
        return key

    def _num(self, key: str) -> str:
        node = self.nodes.get(key)
        return node.label if node else key

    def _name(self, key: str) -> str:
        node = self.nodes.get(key)
        return name_of(node, node.label if node else key)

    # --- building ---------------------------------------------------------------------------
    @classmethod
    def from_documents(cls, documents: Sequence[Document]) -> "Graph":
        docs = list(documents)
        return cls(docs, [e for d in docs for e in events_of(d)])

    @classmethod
    def from_catalog(cls, catalog) -> "Graph":
        docs = catalog.documents()
        for d in docs:    # indexed before numbering was read at parse time: read it from the stored units
            if "numbering" not in (d.metadata or {}):
                d.metadata["numbering"] = irregular_groups(catalog.units(d.doc_id))
        return cls(docs, catalog.relation_events())

    # --- lookup -----------------------------------------------------------------------------
    def resolve(self, number_or_id: str) -> Node:
        """A doc_id, or a number: the latest corpus document with that number, else the referenced one."""
        key = (number_or_id or "").strip()
        if key in self.by_doc_id:
            return self.by_doc_id[key]
        for n in dict.fromkeys([key, normalise_doc_number(key) or key]):
            found = self._reference(n, "", None)
            if found is not None:
                return found
            if n in self.nodes:
                return self.nodes[n]
        raise KtgsError(f"không có văn bản {number_or_id!r} trong kho, và không văn bản nào nhắc đến nó")

    def event_date(self, e: Event) -> str:
        if e.date:
            return e.date
        actor = self.nodes.get(e.actor)
        return actor.effective_from if actor else ""

    # --- status -------------------------------------------------------------------------------
    def status_of(self, number_or_id: str, as_of: date | str | None = None) -> Status:
        node = self.resolve(number_or_id)
        day = as_date(as_of).isoformat()
        name = name_of(node, node.label)
        ended = self._endings(node.key)
        applied = [(d, e) for d, e in ended if not d or d <= day]
        pending = [f"{self._sentence(e, d)} (từ {vn_date(d)})" for d, e in ended if d and d > day]
        whole = [(d, e) for d, e in applied if not parse_scope(e.scope) and not e.scope]
        if whole:
            d, e = min(whole, key=lambda x: x[0] or "9999")
            return Status(STATUS_EXPIRED, self._sentence(e, d), node.label, day, d, self._num(e.actor), e.unit_id, e.text,
                          e.kind, e.scope, pending=pending)
        if node.in_corpus and node.effective_from and day < node.effective_from:
            basis = _BASIS.get(node.effective_basis, "")
            where = f" theo {unit_label(node.effective_unit, self)}" if node.effective_unit else ""
            return Status(STATUS_NOT_YET, f"{name} chưa có hiệu lực vào ngày {vn_date(day)}: có hiệu lực từ "
                          f"{vn_date(node.effective_from)}{where}{f' ({basis})' if basis else ''}",
                          node.label, day, node.effective_from, unit_id=node.effective_unit, pending=pending)
        if applied:
            d, e = min(applied, key=lambda x: x[0] or "9999")
            scopes = list(dict.fromkeys(x.scope for _, x in applied))
            located = []
            for dx, x in sorted(applied, key=lambda p: p[0] or "9999"):
                loc = self._locate(node, x)
                located.append({"scope": x.scope, "stored": loc.scope, "note": loc.note, "unknown": loc.unknown,
                                "candidates": list(loc.candidates), "sentence": self._sentence(x, dx)})
            return Status(STATUS_PARTLY_EXPIRED, f"{self._sentence(e, d)}; phần còn lại còn hiệu lực", node.label,
                          day, d, self._num(e.actor), e.unit_id, e.text, e.kind, e.scope, expired_scopes=scopes, pending=pending,
                          located=located)
        if node.declared_status and node.declared_status != STATUS_IN_FORCE and not ended:
            return Status(node.declared_status, f"{name}: hiệu lực theo ghi chú của tệp ({node.declared_status})",
                          node.label, day, pending=pending)
        if not node.in_corpus:
            return Status(STATUS_UNKNOWN, f"{name} không có trong kho; không văn bản nào trong kho nói nó đã hết "
                          f"hiệu lực", node.label, day, pending=pending)
        if not node.effective_from:
            return Status(STATUS_UNKNOWN, f"{name}: không rõ ngày có hiệu lực", node.label, day, pending=pending)
        basis = _BASIS.get(node.effective_basis, "")
        where = f" theo {unit_label(node.effective_unit, self)}" if node.effective_unit else ""
        st = Status(STATUS_IN_FORCE, f"{name} có hiệu lực từ {vn_date(node.effective_from)}{where}"
                    f"{f' ({basis})' if basis else ''}; không văn bản nào trong kho thay thế, bãi bỏ hay làm nó "
                    f"hết hiệu lực tính đến {vn_date(day)}", node.label, day, node.effective_from,
                    unit_id=node.effective_unit, pending=pending)
        vbhn = self.consolidated_by(node.key, day)
        if vbhn:
            st.consolidated_by = self._num(vbhn)
            st.reason += f"; lời văn hiện hành: {self._name(vbhn)}"
        return st

    def unit_status(self, unit_id: str, as_of: date | str | None = None, path: Sequence[str] | None = None) -> Status:
        """The status of one unit's text; `path` (["Chương V", "Điều 47"]) places it in its document."""
        doc_id = unit_id.split("/", 1)[0]
        node = self.by_doc_id.get(doc_id)
        if node is None:
            return Status(STATUS_UNKNOWN, "văn bản của đơn vị này không có trong kho", "", as_date(as_of).isoformat())
        st = self.status_of(node.key, as_of)
        if st.status == STATUS_PARTLY_EXPIRED and path is not None:
            hit = next((x for x in st.located if not x["unknown"] and in_scope(path, x["stored"])), None)
            if hit is not None:
                return Status(**{**st.to_dict(), "status": STATUS_EXPIRED, "reason": hit["sentence"],
                                 "scope": hit["scope"]})
            doubt = next((x for x in st.located if x["unknown"] and any(in_scope(path, c) for c in x["candidates"])),
                         None)
            if doubt is not None:
                return Status(**{**st.to_dict(), "status": STATUS_UNKNOWN, "scope": doubt["scope"],
                                 "reason": f"{doubt['sentence']}; {doubt['note']}"})
            out = Status(**{**st.to_dict(), "status": STATUS_IN_FORCE})
            out.reason = (f"{' '.join(path[-1:]) or 'Đơn vị này'} còn hiệu lực; "
                          f"{st.reason.replace('; phần còn lại còn hiệu lực', '')}")
            return out
        if st.status == STATUS_IN_FORCE and st.consolidated_by:
            vbhn = self.consolidated_by(node.key, st.as_of)
            st = Status(**st.to_dict())
            st.history = True
            st.reason = (f"Nguyên văn {name_of(node, node.label)} khi ban hành; lời văn hiện hành: "
                         f"{self._name(vbhn)}")
        return st

    def consolidated_by(self, key: str, day: str) -> str:
        """The graph key of the VBHN in the corpus that consolidates the document `key` (a graph key
        or a number) and whose wording applies on `day`."""
        key = key if key in self.nodes else self.resolve(key).key
        for e in self.incoming.get(key, []):
            if e.kind != "consolidates":
                continue
            node = self.nodes.get(e.actor)
            if node and node.in_corpus and (not node.effective_from or node.effective_from <= day):
                return e.actor
        return ""

    def work_unit_id(self, unit_id: str) -> str:
        """The base law's unit a VBHN unit is an expression of ('112-VBHN-VPQH-2025/dieu-30/khoan-1'
        → '25-2018-QH14/dieu-30/khoan-1'); any other id unchanged. For evals that credit the current
        wording of a gold unit of the text as enacted."""
        doc_id, _, rest = unit_id.partition("/")
        node = self.by_doc_id.get(doc_id)
        if node is None or not rest:
            return unit_id
        base = next((self.nodes.get(e.target) for e in self.outgoing.get(node.key, []) if e.kind == "consolidates"), None)
        return f"{base.doc_id}/{rest}" if base is not None and base.doc_id else unit_id

    def _endings(self, key: str) -> list[tuple[str, Event]]:
        seen: dict[tuple[str, str], tuple[str, Event]] = {}
        for e in self.incoming.get(key, []):
            if e.kind not in ENDING or e.actor == key:
                continue
            d = self.event_date(e)
            k = (e.actor, e.scope)
            if k not in seen or (e.unit_id and not seen[k][1].unit_id) or (
                    e.stated_in == e.actor and seen[k][1].stated_in != e.actor):
                seen[k] = (d, e)      # prefer what the acting text itself says, in a unit
        return list(seen.values())

    def _locate(self, node: Node, e: Event):
        """The stored division a partial ending's scope points to (labels as written unless irregular)."""
        return locate(node.numbering, e.scope, node.partial, topic_of(e.text, e.scope))

    def _sentence(self, e: Event, d: str) -> str:
        target = self._name(e.target)
        actor = self._name(e.actor)
        node = self.nodes.get(e.target)
        if e.scope and node is not None and node.numbering:
            loc = self._locate(node, e)
            if loc.note and not loc.unknown:
                target = f"{target} {loc.note}"
        part = f"{e.scope} của " if e.scope else ""
        when = f" ({vn_date(d)})" if d else " (không rõ ngày)"
        if e.kind == "ends":
            where = unit_label(e.unit_id, self) if e.unit_id and e.stated_in == e.actor else actor
            exc = f", {e.except_scope}" if e.except_scope else ""
            return f"{part}{target} hết hiệu lực từ {vn_date(d) or '(không rõ ngày)'} theo {where}{exc}"
        return f"{part}{target} {_VERB[e.kind]} {actor}{when}"

    # --- cards --------------------------------------------------------------------------------
    def relations_of(self, number_or_id: str) -> list[dict[str, Any]]:
        node = self.resolve(number_or_id)
        out = []
        for e in self.outgoing.get(node.key, []):
            out.append({"direction": "out", "kind": e.kind, "doc_number": self._num(e.target),
                        "doc_id": self.nodes[e.target].doc_id, "unit_id": e.unit_id, "scope_in_store": e.scope,
                        "scope": e.scope, "date": self.event_date(e), "except": e.except_scope,
                        "in_corpus": self.nodes[e.target].in_corpus, "text": e.text})
        for e in self.incoming.get(node.key, []):
            where = self._locate(node, e) if e.scope and node.numbering else None
            out.append({"direction": "in", "kind": e.kind, "doc_number": self._num(e.actor),
                        "doc_id": self.nodes[e.actor].doc_id, "unit_id": e.unit_id,
                        "scope_in_store": where.scope if where is not None else e.scope,
                        "scope": e.scope, "date": self.event_date(e), "except": e.except_scope,
                        "in_corpus": self.nodes[e.actor].in_corpus, "text": e.text})
        best: dict[tuple, dict[str, Any]] = {}
        for r in out:     # the same act read in both texts: keep the one a unit states
            key = (r["direction"], r["kind"], r["doc_id"] or r["doc_number"], r["scope"])
            if key not in best or (r["unit_id"] and not best[key]["unit_id"]):
                best[key] = r
        return list(best.values())

    def card(self, number_or_id: str, as_of: date | str | None = None, with_cites: bool = False) -> dict[str, Any]:
        """The document's card: identity, effective_from/to, status, status_reason, relations both ways."""
        node = self.resolve(number_or_id)
        st = self.status_of(node.key, as_of)
        ended = [d for d, e in self._endings(node.key) if not e.scope and d]
        rels = [r for r in self.relations_of(node.key) if with_cites or r["kind"] not in ("cites",)]
        return {"doc_number": node.number, "doc_id": node.doc_id,
                "title": node.title, "doc_type": node.doc_type, "issued_date": node.issued_date,
                "in_corpus": node.in_corpus, "name": name_of(node, node.label),
                "effective_from": node.effective_from, "effective_basis": node.effective_basis,
                "effective_to": min(ended) if ended else "", "as_of": st.as_of, "status": st.status,
                "status_reason": st.reason, "status_unit_id": st.unit_id, "status_by": st.by,
                "expired_scopes": st.expired_scopes,
                # the same parts as the stored copy labels them ("Chương V" → "Chương VI"; "" = cannot be told)
                "expired_scopes_in_store": [x["stored"] for x in st.located],
                "consolidated_by": st.consolidated_by,
                "pending": st.pending, "numbering_note": warnings_for(node.numbering, node.partial),
                "relations": rels}

    def documents(self, as_of: date | str | None = None, in_corpus: bool | None = None) -> list[dict[str, Any]]:
        out = []
        for node in sorted(self.nodes.values(), key=lambda n: (not n.in_corpus, n.doc_type, n.key)):
            if in_corpus is not None and node.in_corpus != in_corpus:
                continue
            st = self.status_of(node.key, as_of)
            out.append({"doc_number": node.label, "doc_id": node.doc_id, "name": name_of(node, node.label),
                        "in_corpus": node.in_corpus, "status": st.status, "status_reason": st.reason,
                        "effective_from": node.effective_from})
        return out


def status_of(doc_number_or_id: str, as_of: date | str | None = None, settings=None) -> Status:
    """The status of a document of the user's collection on `as_of` (today by default)."""
    catalog = Catalog.open(settings or load_settings())
    try:
        return Graph.from_catalog(catalog).status_of(doc_number_or_id, as_of)
    finally:
        catalog.close()
