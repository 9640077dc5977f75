"""One file → Document + Units: read → header metadata → endnotes "[n]" of a VBHN → closing block
and footnotes → structure → references. Also `parse_paths` for folders (one bad file never stops the batch).

Metadata precedence: the file's front matter (title, doc_number, issuer, date, doc_type, status,
completeness) over what the header block of the text says.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from tqdm import tqdm

from ktgs.contracts import (STATUS_EXPIRED, STATUS_IN_FORCE, STATUS_NOT_YET, STATUS_PARTLY_EXPIRED,
                            STATUS_UNKNOWN, Document, ParseResult, Unit)
from ktgs.errors import KtgsError, ParseError
from ktgs.ingest import structure as st
from ktgs.ingest.consolidation import consolidation
from ktgs.ingest.endnotes import attach_endnotes, split_endnotes
from ktgs.ingest.header import Header, parse_header
from ktgs.ingest.raw import RawDocument
from ktgs.ingest.numbering import irregular_groups, warnings_for as numbering_warnings
from ktgs.ingest.reflow import REFLOW_VERSION
from ktgs.ingest.references import doc_id_from_number, doc_type_from_number, issuer_from_number, normalise_doc_number
from ktgs.ingest.relations import read_relations
from ktgs.settings import Settings, load_settings

# What the readers + structure parser make of a file changes with this stamp (bump it when units or
# document metadata of an unchanged file would change); ingest re-parses files read by another one.
PARSER_VERSION = f"ktgs-parse-3+{REFLOW_VERSION}"
_FRONT_MATTER_FORMATS = ("txt", "md")
SKIP_NAMES = {"readme.md", "manifest.md"}   # a folder's README/MANIFEST describe it; not documents
_STATUS_WORDS = {"in_force": STATUS_IN_FORCE, "còn hiệu lực": STATUS_IN_FORCE, "replaced": STATUS_EXPIRED,
                 "expired": STATUS_EXPIRED, "hết hiệu lực": STATUS_EXPIRED, "đã bị thay thế": STATUS_EXPIRED,
                 "partly_expired": STATUS_PARTLY_EXPIRED, "hết hiệu lực một phần": STATUS_PARTLY_EXPIRED,
                 "not_yet": STATUS_NOT_YET, "chưa có hiệu lực": STATUS_NOT_YET, "unknown": STATUS_UNKNOWN}
_SUPERS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FOOTNOTE_LINE = re.compile(rf"^(?:⁽([{_SUPERS}]+)⁾|([{_SUPERS}]+))\s*(\S.*)$")
_UNIT_BEFORE = re.compile(r"(?:^|[\s(])(?:k?m|cm|dm|mm|ha)$")
_NOI_NHAN = re.compile(r"^Nơi\s+nhận\s*:?", re.IGNORECASE)
_SIGN = re.compile(r"^(?:(T/M|TM\.?|K/T|KT\.?|Q\.|TL\.?|T/L|TUQ\.?)\s+[A-ZĐÀ-Ỹ]"
                   r"|(?:CHỦ TỊCH QUỐC HỘI|CHỦ TỊCH NƯỚC|XÁC THỰC VĂN BẢN HỢP NHẤT)\b)")
_LIST_ITEM = re.compile(r"^[-–+•]\s*\S")


def parse_file(path: str | Path, settings: Settings | None = None) -> ParseResult:
    from ktgs.ingest.readers import read_document   # the reader package loads its parsers lazily
    return parse_text(read_document(path, settings or load_settings()))


def parse_text(raw: RawDocument) -> ParseResult:
    text = raw.text
    warnings = list(raw.warnings)
    header = parse_header(text)
    lines, endnotes = split_endnotes(st.split_lines(text), text)
    closing_at, recipients, signature = _closing(lines, header.body_start)
    body = [ln for ln in lines if header.body_start <= ln.start and ln.end <= closing_at]
    footnotes = {i for i, ln in enumerate(body) if _FOOTNOTE_LINE.match(ln.text)}
    flow = [ln for i, ln in enumerate(body) if i not in footnotes]

    appendix: list[st.Line] = []
    if not _signer(signature):
        found = _signature_before_appendix(flow)
        if found:      # the body ends at the signature; forms and tables after it are an appendix
            _, sign_at, appendix_at = found
            appendix = [ln for ln in flow if ln.start >= appendix_at]
            _, recipients, signature = _closing([ln for ln in flow if ln.start < appendix_at], header.body_start)
            flow = [ln for ln in flow if ln.start < sign_at]
    doc = _document(raw, header, recipients, signature)
    mode = st.detect_mode(flow)
    roots = st.build_tree(flow, mode)
    title = doc.title or doc.doc_number
    units = _preamble(flow, roots, doc.doc_id, title, raw) + st.units_from_tree(
        roots, mode, doc.doc_id, title, flow, raw.page_at)
    if not roots:
        units = _paragraph_units(flow, doc.doc_id, title, raw)
    units += _appendix_units(appendix, doc.doc_id, title, raw)
    for i, u in enumerate(units):
        u.order = i
    warnings += _attach_footnotes(text, [body[i] for i in sorted(footnotes)], units)
    if endnotes:
        warnings += attach_endnotes(text, endnotes, units, endnotes[0].start)
    _relations(doc, units, text)
    doc.metadata["numbering"] = irregular_groups(units)
    warnings += numbering_warnings(doc.metadata["numbering"], doc.is_partial)
    if not units:
        warnings.append("không tìm thấy nội dung nào ngoài phần đầu văn bản")
    return ParseResult(document=doc, units=units, warnings=warnings)


# ---- document metadata ------------------------------------------------------------------------

def _document(raw: RawDocument, h: Header, recipients: list[str], signature: str) -> Document:
    meta = dict(raw.metadata)
    number = str(meta.pop("doc_number", "") or h.doc_number)
    issued = str(meta.pop("date", "") or meta.pop("issued_date", "") or h.issued_date)
    doc_type = str(meta.pop("doc_type", "") or h.doc_type)
    # a file's own properties (DOCX core title, PDF info, a web page's <title>) are often a template's
    # or a site's: the header's trích yếu wins over them; YAML front matter wins over the header
    file_title = str(meta.pop("title", "") or "")
    title = (file_title or h.title) if raw.format in _FRONT_MATTER_FORMATS else (h.title or file_title)
    consolidates = consolidation(raw.text[:h.body_start + 8000])
    if consolidates and doc_type in ("", "luat", "bo-luat", "phap-lenh", "nghi-dinh", "thong-tu", "nghi-quyet"):
        doc_type = "van-ban-hop-nhat"     # headed like its base law, but a consolidated text
    if consolidates and "consolidates" not in meta:
        meta["consolidates"] = consolidates
    normal = normalise_doc_number(number)
    if normal:
        number = normal
        doc_type = doc_type or doc_type_from_number(normal)
        doc_id = doc_id_from_number(normal, issued[:4] if re.match(r"\d{4}", issued) else "")
    else:
        doc_id = _unnumbered_doc_id(doc_type, title, issued, raw.text)
    declared = _STATUS_WORDS.get(str(meta.pop("status", "")).strip().lower(), "")
    if declared:
        meta["declared_status"] = declared     # front matter may still win where the texts say nothing
    issuer = str(meta.pop("issuer", "") or h.issuer) or _issuer_from_text(raw.text[h.body_start:h.body_start + 2000],
                                                                          doc_type, normal or "")
    return Document(
        doc_id=doc_id, title=title, doc_number=number, doc_type=doc_type,
        issuer=issuer, issued_date=issued, signer=str(meta.pop("signer", "") or _signer(signature)),
        place=str(meta.pop("place", "") or h.place), status=declared or STATUS_UNKNOWN,
        access=str(meta.pop("access", "public")), source_path=raw.source_path, checksum=raw.checksum,
        completeness=str(meta.pop("completeness", "")), recipients=recipients, signature=signature,
        metadata={**meta, "format": raw.format}, text=raw.text,
    )


_ADOPTED_BY = re.compile(r"Được\s+(Hội đồng Thẩm phán Tòa án nhân dân tối cao)\s+thông qua")


def _issuer_from_text(body: str, doc_type: str, number: str) -> str:
    """No issuer line in the header: an án lệ names the body that adopted it; a State number names
    its issuer by code (a scan whose top edge, with the issuer, was cut off)."""
    if doc_type == "an-le":
        m = _ADOPTED_BY.search(body)
        if m:
            return m.group(1)
    return issuer_from_number(number)


def _signer(signature: str) -> str:
    """The signer's name: the last run of 2-5 capitalised words ending a line of the signature block
    ("CHỦ TỊCH QUỐC HỘI\nNguyễn Sinh Hùng", "XÁC THỰC VĂN BẢN HỢP NHẤT CHỦ NHIỆM Lê Quang Tùng")."""
    for line in reversed(signature.split("\n")):
        words = line.strip().split()
        run = 0
        for w in reversed(words):
            if w[:1].isupper() and w[1:].isalpha() and w[1:].islower():
                run += 1
            else:
                break
        if 2 <= run <= 5:
            return " ".join(words[-run:])
    return ""


def _unnumbered_doc_id(doc_type: str, title: str, issued: str, text: str) -> str:
    """An id for a document without a number (a Đề án, a report): stable across edits of its body.

    Keyed on type + title (+ date) when there is a title, so a corrected typo in the text does not
    orphan quiz items, logs and gold sets that cite its units; on the words of the whole text
    otherwise. Either way the same document read from TXT, DOCX or PDF gets the same id.
    """
    key = " ".join(f"{doc_type}|{title.lower()}|{issued}".split()) if title else " ".join(text.split())
    return "doc-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def _relations(doc: Document, units: list[Unit], text: str) -> None:
    """Relations (with stating unit, scope, date) and the effective date; the status as read here
    (the status for a date is computed over the whole corpus by ktgs.index.validity)."""
    found = read_relations(doc, units, text)
    doc.relations = found.relations
    doc.effective_from = found.effective.date
    doc.metadata["effective"] = {"date": found.effective.date, "basis": found.effective.basis,
                                 "unit_id": found.effective.unit_id, "text": found.effective.text}
    if found.consolidates:
        doc.metadata["consolidates"] = {**found.consolidates, **(doc.metadata.get("consolidates") or {})}
    if doc.status == STATUS_UNKNOWN:
        gone = any(r.kind in ("replaced_by", "repealed_by", "ended_by") for r in doc.relations)
        said = re.search(r"(đã|bị)\s+(được\s+)?(thay thế|hết hiệu lực|bãi bỏ)", doc.title, re.IGNORECASE)
        doc.status = STATUS_EXPIRED if gone or said else STATUS_UNKNOWN


def mark_replaced(documents: Iterable[Document]) -> None:
    """Across a list of documents: one another replaces, repeals or ends wholly gets 'expired', in
    part 'partly_expired' (the date-aware status is ktgs.index.validity's)."""
    docs = list(documents)
    whole = {r.doc_number for d in docs for r in d.relations
             if r.kind in ("replaces", "repeals", "ends") and not r.scope}
    part = {r.doc_number for d in docs for r in d.relations if r.kind in ("replaces", "repeals", "ends") and r.scope}
    for d in docs:
        if d.status in (STATUS_UNKNOWN, STATUS_IN_FORCE) and d.doc_number in whole:
            d.status = STATUS_EXPIRED
        elif d.status in (STATUS_UNKNOWN, STATUS_IN_FORCE) and d.doc_number in part:
            d.status = STATUS_PARTLY_EXPIRED


# ---- closing block, preamble, paragraphs, footnotes -------------------------------------------

def _closing(lines: list[st.Line], body_start: int) -> tuple[int, list[str], str]:
    """Where "Nơi nhận" / the signature block starts; the recipients and the signature text."""
    tail = [ln for ln in lines if ln.text and ln.start >= body_start][-40:]
    starts = [i for i, ln in enumerate(tail) if _NOI_NHAN.match(ln.text) or _SIGN.match(ln.text)]
    if not starts:
        return (lines[-1].end if lines else 0), [], ""
    first = starts[0]
    recipients, signature = [], []
    in_list = False
    for ln in tail[first:]:
        m = _NOI_NHAN.match(ln.text)
        if m:
            rest = ln.text[m.end():].strip()
            recipients += [rest.lstrip("-–+• ").rstrip(",;.")] if rest else []
            in_list = True
        elif in_list and _LIST_ITEM.match(ln.text):
            recipients.append(ln.text.lstrip("-–+• ").rstrip(",;."))
        else:
            in_list = False
            signature.append(ln.text)
    return tail[first].start, recipients, "\n".join(signature)


_APPENDIX = re.compile(r"^(?:PHỤ LỤC|Phụ lục|Mẫu số|MẪU SỐ)\b")


def _signature_before_appendix(lines: list[st.Line]) -> tuple[str, int, int] | None:
    """A document with appendices (forms, tables) signs before them, far from its end: a
    "TM. CHÍNH PHỦ" / "KT. BỘ TRƯỞNG" block ending in a name, followed within a few lines by
    "Phụ lục" or "Mẫu số". Returns (the signature text, where the closing block starts: its
    "Nơi nhận" or the signature, where the appendix starts), or None."""
    for i, ln in enumerate(lines):
        if not _SIGN.match(ln.text):
            continue
        block = [x.text for x in lines[i:i + 5] if x.text]
        end = next((k for k in range(len(block)) if _signer(block[k])), None)
        after = next((x for x in lines[i + 1:i + 12] if _APPENDIX.match(x.text)), None)
        if end is None or after is None:
            continue
        recipients = next((x for x in reversed(lines[max(0, i - 30):i]) if _NOI_NHAN.match(x.text)), None)
        return "\n".join(block[:end + 1]), (recipients or ln).start, after.start
    return None


def _appendix_units(lines: list[st.Line], doc_id: str, title: str, raw: RawDocument) -> list[Unit]:
    """The appendix after the signature (forms, model charters with their own "Điều 1."): its
    paragraphs as units under "Phụ lục", never articles of the document."""
    units = _paragraph_units(lines, doc_id, title, raw)
    for n, u in enumerate(units, start=1):
        u.unit_id = f"{doc_id}/phu-luc/p-{n}"
        u.path = ["Phụ lục", f"Đoạn {n}"]
        u.breadcrumb = " › ".join(filter(None, [title, "Phụ lục", u.heading or f"Đoạn {n}"]))
    return units


def _preamble(flow: list[st.Line], roots: list[st.Node], doc_id: str, title: str, raw: RawDocument) -> list[Unit]:
    """Căn cứ and opening sentences between the header and the first heading, as one unit."""
    if not roots or not flow:
        return []
    lines = [ln for ln in flow if ln.end <= roots[0].start and ln.text]
    text = "\n".join(ln.raw for ln in lines)
    if not lines or (len(lines) == 1 and not re.search(r"[.;:]", text)):
        return []          # just a title line
    start, end = lines[0].start, lines[-1].end
    return [Unit(unit_id=f"{doc_id}/mo-dau", doc_id=doc_id, path=["Phần mở đầu"], heading="Phần mở đầu",
                 text=text, level="paragraph", page_start=raw.page_at(start), page_end=raw.page_at(end - 1),
                 char_start=start, char_end=end, breadcrumb=" › ".join(filter(None, [title, "Phần mở đầu"])))]


def _heading_like(block: list[st.Line]) -> bool:
    t = block[0].text
    return len(block) == 1 and len(t) <= 120 and not re.search(r"[.;:!?…\]]$", t)


def _paragraph_units(flow: list[st.Line], doc_id: str, title: str, raw: RawDocument) -> list[Unit]:
    """A text without structure: one unit per paragraph; a short title-like line joins the next one."""
    blocks: list[list[st.Line]] = []
    for ln in flow:
        if not ln.text:
            if blocks and blocks[-1]:
                blocks.append([])
            continue
        if not blocks:
            blocks.append([])
        blocks[-1].append(ln)
    blocks = [b for b in blocks if b]
    units: list[Unit] = []
    pending: list[st.Line] = []
    for i, block in enumerate(blocks):
        if _heading_like(block) and i + 1 < len(blocks) and not _heading_like(blocks[i + 1]):
            pending = block
            continue
        lines = pending + block
        heading = pending[0].text if pending else ""
        pending = []
        n = len(units) + 1
        start, end = lines[0].start, lines[-1].end
        units.append(Unit(
            unit_id=f"{doc_id}/p-{n}", doc_id=doc_id, path=[f"Đoạn {n}"], heading=heading,
            text="\n".join(ln.raw for ln in lines), level="paragraph",
            page_start=raw.page_at(start), page_end=raw.page_at(end - 1), char_start=start, char_end=end,
            breadcrumb=" › ".join(filter(None, [title, heading or f"Đoạn {n}"]))))
    return units


def _attach_footnotes(text: str, notes: list[st.Line], units: list[Unit]) -> list[str]:
    """Each footnote line goes to the units whose text holds its reference mark (⁽¹⁾, or a bare ⁴
    after a word); "km²" is not a reference. Falls back to the unit around the footnote line."""
    warnings = []
    note_spans = [(n.start, n.end) for n in notes]
    for note in notes:
        m = _FOOTNOTE_LINE.match(note.text)
        mark = m.group(1) or m.group(2)
        body = m.group(3).strip()
        pos = _reference_mark(text, mark, note.start, note_spans)
        if pos is None:
            warnings.append(f"chú thích {mark} không có dấu tham chiếu trong văn bản; gắn vào đoạn chứa nó")
            pos = note.start
        holders = [u for u in units if u.char_start <= pos < u.char_end and u.level not in ("phan", "chuong", "muc")]
        for u in holders:
            u.footnotes.append(body)
    return warnings


def _reference_mark(text: str, mark: str, before: int, note_spans: list[tuple[int, int]]) -> int | None:
    def outside(p: int) -> bool:
        return not any(s <= p < e for s, e in note_spans)

    bracketed = [m.start() for m in re.finditer(re.escape(f"⁽{mark}⁾"), text) if outside(m.start())]
    if bracketed:
        prior = [p for p in bracketed if p < before]
        return (prior or bracketed)[-1]
    bare = [m.start() for m in re.finditer(rf"(?<=[^\W\d_]){re.escape(mark)}(?![{_SUPERS}⁾])", text)
            if outside(m.start()) and not _UNIT_BEFORE.search(text[max(0, m.start() - 4):m.start()])]
    prior = [p for p in bare if p < before]
    return (prior or bare or [None])[-1]


# ---- folders -----------------------------------------------------------------------------------

def iter_files(paths: Iterable[str | Path]) -> list[Path]:
    from ktgs.ingest.readers import SUPPORTED_SUFFIXES
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
                          and f.name.lower() not in SKIP_NAMES and not f.name.startswith("."))
        else:
            out.append(p)
    return out


def parse_paths(paths: Iterable[str | Path], settings: Settings | None = None, progress: bool = True
                ) -> Iterator[tuple[Path, ParseResult | None, KtgsError | None]]:
    """Parse every supported file under `paths`; yields (path, result, None) or (path, None, error)."""
    settings = settings or load_settings()
    files = iter_files(paths)
    for f in tqdm(files, desc="Phân tích", unit="tệp", disable=not progress or settings.quiet):
        try:
            yield f, parse_file(f, settings), None
        except KtgsError as exc:
            yield f, None, exc
        except (ValueError, IndexError, KeyError) as exc:   # a parser bug must not stop the batch
            yield f, None, ParseError(str(f), f"lỗi phân tích cấu trúc: {type(exc).__name__}: {exc}")
