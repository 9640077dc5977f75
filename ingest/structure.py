"""The hierarchy of a document: Phần › Chương › Mục › Điều › khoản › điểm for legal texts, and
Phần › I. › 1. › 1.1. for a Đề án or report; then one Unit per node.

Works on the normalised document text line by line; every node keeps its char span, so
Document.text[unit.char_start:unit.char_end] holds the unit's lines (footnote lines and blank lines
are left out of Unit.text, nothing else). A candidate line only becomes a heading when its number
continues the sequence of its siblings (khoản 1, 2, 3 …; điểm a, b, c …), so "1." inside a sentence
or a quoted list does not split an article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ktgs.contracts import Unit
from ktgs.ingest import outline as ol

HEADING_ONLY = {"legal": {"phan", "chuong", "muc"}, "outline": {"phan"}}
_CONTAINERS = {  # legal mode: the kinds a node may sit in, nearest first
    "phan": (), "chuong": ("phan",), "muc": ("chuong", "phan"), "dieu": ("muc", "chuong", "phan"),
    "khoan": ("dieu",), "diem": ("khoan", "dieu"),
}


@dataclass
class Line:
    start: int          # span of the stripped line in the text
    end: int
    text: str           # stripped, emphasis markers removed at the ends (for classification)
    raw: str = ""       # the document's own characters text[start:end]


@dataclass
class Node:
    kind: str
    number: str
    value: int
    title: str
    line: str
    start: int
    heading_end: int
    end: int = 0
    parent: "Node | None" = None
    children: list["Node"] = field(default_factory=list)


def split_lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    end = len(text) if end is None else end
    out, pos = [], start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        raw = text[pos:stop]
        lead = len(raw) - len(raw.lstrip())
        s, e = pos + lead, pos + len(raw.rstrip())
        out.append(Line(s, max(s, e), raw.strip().strip("*_").strip(), text[s:max(s, e)]))
        pos = stop + 1
    return out


def detect_mode(lines: list[Line]) -> str:
    return "legal" if any(ol.is_dieu_line(ln.text) for ln in lines) else "outline"


def build_tree(lines: list[Line], mode: str) -> list[Node]:
    """Nodes (roots) of the lines; skipped lines must already be removed from `lines`."""
    roots: list[Node] = []
    stack: list[Node] = []
    last_end = lines[0].start if lines else 0
    absorbed: set[int] = set()
    for i, ln in enumerate(lines):
        if i in absorbed or not ln.text:
            continue
        h = ol.phan(ln.text) or (ol.legal(ln.text) if mode == "legal" else ol.outline(ln.text))
        if h and h.kind == "dieu" and _bare_reference(ln.text, lines, i):
            h = None
        ok, container = _place(h, stack, roots, mode) if h else (False, None)
        if not ok:
            last_end = ln.end
            continue
        while stack and stack[-1] is not container:
            stack.pop().end = last_end
        node = Node(h.kind, h.number, h.value, h.title, ln.text, ln.start, ln.end, parent=container)
        if h.needs_title_line:
            j = next((k for k in range(i + 1, len(lines)) if lines[k].text), None)
            nxt = lines[j].text if j is not None else ""
            if nxt and nxt.upper() == nxt and any(c.isalpha() for c in nxt) and not _is_heading(nxt, mode):
                node.title, node.heading_end = nxt, lines[j].end
                absorbed.add(j)
        (container.children if container else roots).append(node)
        stack.append(node)
        last_end = node.heading_end
    while stack:
        stack.pop().end = last_end
    return roots


def _bare_reference(text: str, lines: list[Line], i: int) -> bool:
    """A bare "Điều 64" line (the Hiến pháp writes its articles so) between a line that stops
    mid-sentence and one that runs on in lower case ("… quy định tại" / "Điều 64" / "của Luật
    này.") is a cross-reference wrapped onto its own line, not a heading."""
    if not re.fullmatch(r"Điều\s+\d+[a-z]?", text):
        return False
    nxt = next((ln.text for ln in lines[i + 1:] if ln.text), "")
    prev = next((ln.text for ln in reversed(lines[:i]) if ln.text), "")
    mid_sentence = bool(prev) and not re.search(r"[.;:!?…”\"')]$", prev) and prev.upper() != prev
    return mid_sentence and not nxt[:1].isupper() and not nxt[:1].isdigit()


def _is_heading(text: str, mode: str) -> bool:
    return bool(ol.phan(text) or (ol.legal(text) if mode == "legal" else ol.outline(text)))


def _place(h: ol.Heading, stack: list[Node], roots: list[Node], mode: str) -> tuple[bool, Node | None]:
    """Whether heading candidate `h` opens a node here, and the node it goes into."""
    if mode == "legal":
        kinds = _CONTAINERS[h.kind]
        container = next((n for n in reversed(stack) if n.kind in kinds), None)
        if h.kind in ("khoan", "diem") and container is None:
            return False, None
        if h.kind == "khoan":
            return (h.value == -1 or _in_sequence(h, container.children, "khoan")), container
        if h.kind == "diem":
            return _diem_in_sequence(h, container.children), container
        return True, container
    if h.kind == "phan":
        return True, None
    if h.kind == "roman":
        container = next((n for n in reversed(stack) if n.kind == "phan"), None)
    elif h.kind == "arabic":
        container = next((n for n in reversed(stack) if n.kind in ("roman", "phan")), None)
    else:   # dotted "2.1" goes into the open "2." (or "2.1" for "2.1.3")
        prefix = h.number.rsplit(".", 1)[0]
        container = next((n for n in reversed(stack) if n.kind in ("arabic", "dotted") and n.number == prefix), None)
        if container is None:
            return False, None
    siblings = container.children if container else roots
    return _in_sequence(h, siblings, h.kind), container


def _in_sequence(h: ol.Heading, siblings: list[Node], kind: str) -> bool:
    prev = next((n for n in reversed(siblings) if n.kind == kind and n.value >= 0), None)
    return h.value == 1 if prev is None else h.value == prev.value + 1


def _diem_in_sequence(h: ol.Heading, siblings: list[Node]) -> bool:
    prev = next((n for n in reversed(siblings) if n.kind == "diem"), None)
    sub = h.number[1:]
    if prev is None:
        return h.value == 1 and not sub
    if sub:   # a1), a2) after a) or a1)
        return prev.number[0] == h.number[0]
    return h.value == prev.value + 1


def walk(nodes: list[Node]):
    for n in nodes:
        yield n
        yield from walk(n.children)


# ---- nodes → units ---------------------------------------------------------------------------

def key_of(n: Node, mode: str) -> str:
    if mode == "outline" and n.kind == "roman":
        return f"muc-{n.number.lower()}"
    if n.kind in ("arabic", "dotted"):
        return n.number.replace(".", "-")
    if n.kind in ("phan", "chuong", "muc"):
        return f"{n.kind}-{n.value}"
    return f"{n.kind}-{n.number.lower()}"


def id_segments(n: Node, mode: str) -> list[str]:
    parent = n.parent
    if mode == "legal":
        if n.kind in ("phan", "chuong", "dieu"):
            return [key_of(n, mode)]
        if n.kind == "muc":
            return (id_segments(parent, mode) if parent and parent.kind == "chuong" else []) + [key_of(n, mode)]
    if mode == "outline" and n.kind in ("arabic", "dotted"):
        while parent is not None and parent.kind in ("arabic", "dotted"):
            parent = parent.parent
    return (id_segments(parent, mode) if parent else []) + [key_of(n, mode)]


def path_label(n: Node, mode: str) -> str:
    if n.kind == "phan":
        return ol.phan_label(n.number)
    if mode == "legal":
        names = {"chuong": "Chương", "muc": "Mục", "dieu": "Điều", "khoan": "Khoản", "diem": "Điểm"}
        return f"{names[n.kind]} {n.number}"
    if n.kind == "roman":
        return f"{n.number}. {n.title}"
    return shorten(n.line, 80)


def heading_of(n: Node, mode: str) -> str:
    if n.kind in ("khoan", "diem") and mode == "legal":
        return path_label(n, mode)
    if n.kind in ("phan", "chuong", "muc"):
        label = path_label(n, mode) if mode == "legal" or n.kind == "phan" else n.line
        return f"{label}. {n.title}" if n.title else label
    if n.kind == "roman":
        return f"{n.number}. {n.title}"
    return shorten(n.line, 200)


def shorten(s: str, limit: int) -> str:
    if len(s) <= limit:
        return s
    cut = s[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;: ") + "…"


def units_from_tree(roots: list[Node], mode: str, doc_id: str, doc_title: str, lines: list[Line],
                    page_at: Callable[[int], int | None]) -> list[Unit]:
    units: list[Unit] = []
    seen: dict[str, int] = {}
    by_node: dict[int, Unit] = {}
    for n in walk(roots):
        heading_only = n.kind in HEADING_ONLY[mode]
        start, end = n.start, (n.heading_end if heading_only else n.end)
        uid = f"{doc_id}/" + "/".join(id_segments(n, mode))
        if uid in seen:
            seen[uid] += 1
            uid = f"{uid}-{seen[uid]}"
        else:
            seen[uid] = 1
        chain = []
        p = n
        while p is not None:
            chain.append(p)
            p = p.parent
        chain.reverse()
        level = n.kind if mode == "legal" or n.kind == "phan" else "section"
        unit = Unit(
            unit_id=uid, doc_id=doc_id, path=[path_label(c, mode) for c in chain],
            heading=heading_of(n, mode), text=text_between(lines, start, end), level=level,
            order=len(units), parent_id=by_node[id(n.parent)].unit_id if n.parent else None,
            page_start=page_at(start), page_end=page_at(max(start, end - 1)),
            char_start=start, char_end=end,
            breadcrumb=" › ".join([doc_title] * bool(doc_title) + [shorten(heading_of(c, mode), 90) for c in chain]),
        )
        by_node[id(n)] = unit
        units.append(unit)
        if mode == "outline" and level == "section":
            units.extend(paragraph_children(unit, n, lines, page_at, len(units)))
    return units


# ---- paragraph-level children of long outline sections ---------------------------------------
PARAGRAPH_MIN_CHARS = 600       # a section whose own text (without its sub-sections) is longer gets children
_ITEM = re.compile(r"^(?:[-+•–*]\s|[a-zđ]\d{0,2}\)\s|\(?\d{1,2}\)\s)")


def paragraph_blocks(own: list[Line]) -> list[list[Line]]:
    """The paragraphs of a section's own lines: one per line (lines are paragraphs once reflowed), a
    list ("… gồm:" followed by "- …", "a) …", "(1) …" items) kept whole with its introduction, and a
    short title-like line ("Về tuổi đời") joined to the paragraph after it."""
    blocks: list[list[Line]] = []
    in_list = False
    for ln in own:
        is_item = bool(_ITEM.match(ln.text))
        if blocks and is_item and in_list:
            blocks[-1].append(ln)
            continue
        if blocks and len(blocks[-1]) == 1 and len(blocks[-1][0].text) < 60 \
                and not re.search(r"[.;:!?…]$", blocks[-1][0].text):
            blocks[-1].append(ln)
        else:
            blocks.append([ln])
        in_list = ln.text.endswith(":") or (in_list and is_item)
    return blocks


def paragraph_children(unit: Unit, n: Node, lines: list[Line], page_at: Callable[[int], int | None],
                       order: int) -> list[Unit]:
    """Child units `<section>/doan-<k>` for the paragraphs of a long section's own text (the lines
    between its heading and its first sub-section), so an answer can cite the paragraph that answers
    and retrieval can find it; a section with one paragraph or a short own text gets none."""
    own_end = n.children[0].start if n.children else n.end
    own = [ln for ln in lines if ln.start >= n.heading_end and ln.end <= own_end and ln.end > ln.start]
    if sum(len(ln.raw) for ln in own) < PARAGRAPH_MIN_CHARS:
        return []
    blocks = paragraph_blocks(own)
    if len(blocks) < 2:
        return []
    out = []
    for k, block in enumerate(blocks, 1):
        start, end = block[0].start, block[-1].end
        out.append(Unit(
            unit_id=f"{unit.unit_id}/doan-{k}", doc_id=unit.doc_id, path=unit.path + [f"Đoạn {k}"],
            heading=f"{unit.heading} (đoạn {k})", text="\n".join(ln.raw for ln in block), level="paragraph",
            order=order + k - 1, parent_id=unit.unit_id, page_start=page_at(start),
            page_end=page_at(max(start, end - 1)), char_start=start, char_end=end,
            breadcrumb=f"{unit.breadcrumb} › đoạn {k}"))
    return out


def text_between(lines: list[Line], start: int, end: int) -> str:
    """The non-empty lines inside [start, end), joined by newlines (skipped lines are not in `lines`)."""
    return "\n".join(ln.raw for ln in lines if ln.start >= start and ln.end <= end and ln.end > ln.start)
