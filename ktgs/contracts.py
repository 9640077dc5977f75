"""The small typed contracts that flow between stages.

corpus → ingest (Document, Unit) → index (Hit) → assistant (Citation, Answer) → evals.
Plain dataclasses owned by us; frameworks are adapted at the edges.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Document / unit status values (computed for a date by ktgs.index.validity; these exact strings)
STATUS_IN_FORCE = "in_force"              # còn hiệu lực
STATUS_PARTLY_EXPIRED = "partly_expired"  # hết hiệu lực một phần
STATUS_EXPIRED = "expired"                # hết hiệu lực: thay thế, bãi bỏ hoặc hết hiệu lực
STATUS_NOT_YET = "not_yet"                # chưa có hiệu lực
STATUS_UNKNOWN = "unknown"
STATUSES = (STATUS_IN_FORCE, STATUS_PARTLY_EXPIRED, STATUS_EXPIRED, STATUS_NOT_YET, STATUS_UNKNOWN)
STATUS_REPLACED = STATUS_EXPIRED          # the old name: "replaced" became "expired"

# Document.access values, lowest first (ktgs.access maps the old public/internal/confidential)
ACCESS_LEVELS = ("cong-khai", "noi-bo", "mat")


@dataclass
class Relation:
    """A link from one document to another ("thay thế", "bãi bỏ", "sửa đổi, bổ sung", "căn cứ")."""

    kind: str            # replaces | repeals | ends | amends | consolidates | details | based_on | cites,
    #                      or, read in the object's own text: replaced_by | repealed_by | ended_by | amended_by
    doc_number: str      # normalised number of the other document, e.g. "69-QĐ/TW"
    doc_type: str = ""   # quy-dinh, luat, nghi-dinh, … when known
    text: str = ""       # the phrase it was read from (verbatim from the stating unit)
    scope: str = ""      # part of the target it applies to: "" (whole) | "Chương V" | "khoản 3 Điều 63" …
    except_scope: str = ""   # "trừ quy định tại khoản 1 và khoản 3 Điều 64 của Luật này"
    unit_id: str = ""    # the unit whose text states it ("" = title / front matter / header)
    date: str = ""       # ISO date the relation takes effect ("" = not stated, resolved in the graph)
    by: str = ""         # the acting document when it is not the stating one (a VBHN quoting its base law,
    #                      "Luật số 01/2007/QH12" amending the law a sentence ends)


@dataclass
class Document:
    doc_id: str                      # stable: from the normalised number ("25-2018-QH14"), else a content hash
    title: str = ""                  # trích yếu
    doc_number: str = ""             # "296-QĐ/TW", "25/2018/QH14"
    doc_type: str = ""               # luat, quy-dinh, huong-dan, de-an, thong-bao-ket-luan, …
    issuer: str = ""
    issued_date: str = ""            # ISO yyyy-mm-dd
    place: str = ""
    status: str = STATUS_UNKNOWN     # as read at ingest; the status for a date is ktgs.index.validity's
    relations: list[Relation] = field(default_factory=list)
    effective_from: str = ""         # ISO date the document takes effect, as read from its text ("" = not stated)
    access: str = "cong-khai"        # cong-khai | noi-bo | mat (ktgs.access)
    groups: list[str] = field(default_factory=list)         # only these groups see it (empty = anyone of the level)
    source_path: str = ""
    checksum: str = ""               # sha256 of the source file bytes
    completeness: str = ""           # from the source's front matter when it says it is partial
    recipients: list[str] = field(default_factory=list)   # "Nơi nhận"
    signature: str = ""                                    # signature block
    signer: str = ""                                       # the person who signed ("Nguyễn Sinh Hùng")
    metadata: dict[str, Any] = field(default_factory=dict)  # anything else (front matter, source_url …)
    text: str = ""                   # the full normalised text; Unit char spans index into it

    def to_dict(self, with_text: bool = False) -> dict[str, Any]:
        d = asdict(self)
        if not with_text:
            d.pop("text", None)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Document":
        d = dict(d)
        d["relations"] = [Relation(**r) for r in d.get("relations", [])]
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})

    @property
    def is_partial(self) -> bool:
        c = self.completeness.lower()
        return bool(c) and not c.startswith("full")


@dataclass
class Unit:
    unit_id: str                     # "25-2018-QH14/dieu-30/khoan-2"
    doc_id: str
    path: list[str]                  # ["Chương III", "Mục 2", "Điều 30", "Khoản 2"]
    heading: str                     # "Điều 30. Thời hạn giải quyết tố cáo"
    text: str                        # the unit's own full text (an Điều includes its khoản)
    level: str                       # phan | chuong | muc | dieu | khoan | diem | section | paragraph
    order: int = 0                   # position in the document
    parent_id: str | None = None
    page_start: int | None = None    # 1-based pages, when the source has pages
    page_end: int | None = None
    char_start: int = 0              # span in Document.text
    char_end: int = 0
    footnotes: list[str] = field(default_factory=list)
    breadcrumb: str = ""             # "Luật Tố cáo › Chương III › Điều 30. Thời hạn giải quyết tố cáo"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Unit":
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


@dataclass
class ParseResult:
    """What a reader + structure parser make of one file."""

    document: Document
    units: list[Unit]
    warnings: list[str] = field(default_factory=list)


@dataclass
class Hit:
    unit: Unit
    score: float                     # the fused score used for ranking
    rank: int = 0
    dense: float | None = None
    sparse: float | None = None
    document: Document | None = None  # filled when the store returns document metadata
    label: str = ""                  # human citation label


@dataclass
class Citation:
    unit_id: str
    label: str                       # "khoản 2 Điều 30 Luật Tố cáo số 25/2018/QH14"
    quote: str                       # verbatim span of the unit text
    doc_number: str = ""
    quote_start: int = 0             # offsets of the quote in the unit text
    quote_end: int = 0
    status: str = STATUS_UNKNOWN     # of the cited unit's text on the answer's date
    partial: bool = False
    n: int = 0                       # the [n] used in the answer text
    status_note: str = ""            # "Quy định 22-QĐ/TW đã được thay thế bởi Quy định 296-QĐ/TW (30/5/2025)"


@dataclass
class Answer:
    text: str
    citations: list[Citation]
    grounded: bool
    mode: str = "extractive"
    hits: list[Hit] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)   # milliseconds per stage
    model_ids: dict[str, str] = field(default_factory=dict)
    prompt_id: str = ""
    question: str = ""
    rewritten_question: str = ""
    warnings: list[str] = field(default_factory=list)   # what the reader must know about validity
    as_of: str = ""                                     # ISO date the answer speaks for
