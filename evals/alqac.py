"""ALQAC-style article corpora (corpus.jsonl: id, law_id, article_id, text) → Documents and Units.

Each article becomes one Unit at level "dieu": doc_id = slug of the law name
("Luật Phòng, chống ma túy" → "luat-phong-chong-ma-tuy"), unit_id = f"{doc_id}/dieu-{article_id}",
heading = "Điều N. <the article's first line>", text = the article text under that heading line;
its khoản and điểm are child Units ("…/dieu-3/khoan-2/diem-a"), as ingest makes them. One Document
per law.
The same shape serves any corpus JSONL of articles passed with `--corpus`.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path
from typing import Iterator

from ktgs.contracts import Document, Unit
from ktgs.errors import EvalError
from ktgs.jsonl import iter_jsonl
from ktgs.ingest import structure as st
from ktgs.ingest.text import normalise


ARTICLE_UNITS_VERSION = "alqac-units-2"   # 2: khoản and điểm of each article are units too


def law_slug(name: str) -> str:
    """ASCII slug of a law name: diacritics folded, đ → d, non-alphanumerics → '-'."""
    s = unicodedata.normalize("NFD", name.strip().lower().replace("đ", "d").replace("Đ", "d"))
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def article_unit_id(law_id: str, article_id: str | int) -> str:
    return f"{law_slug(law_id)}/dieu-{str(article_id).strip()}"


def iter_articles(path: Path) -> Iterator[dict]:
    """Rows of an article corpus JSONL; each must have law_id, article_id and text."""
    for n, row in iter_jsonl(path, EvalError, "corpus file"):
        missing = {"law_id", "article_id", "text"} - set(row)
        if missing:
            raise EvalError(f"{path}:{n}: missing field(s) {', '.join(sorted(missing))}")
        yield row


def corpus_checksum(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def articles_to_units(path: Path, keep: set[str] | None = None,
                      clauses: bool = True) -> list[tuple[Document, list[Unit]]]:
    """Documents (one per law, in first-seen order) with their article Units and, with `clauses`,
    the khoản and điểm inside each article as child Units — the same structure parser as ingest, so
    the eval index has the shape of a user's index (a question is often answered by one khoản).

    The corpus's article boundaries are kept: an article Unit spans its whole text (heading line
    "Điều N. <title>" added), and only the khoản/điểm of that Điều become children; a stray
    "Phần thứ hai" or "Điều 64" line inside an article's text stays plain text.
    `keep`: optional set of article unit ids; other articles are skipped (used for small fast subsets).
    """
    checksum = corpus_checksum(path)
    laws: dict[str, tuple[Document, list[dict]]] = {}
    for row in iter_articles(path):
        doc_id = law_slug(row["law_id"])
        if keep is not None and article_unit_id(row["law_id"], row["article_id"]) not in keep:
            continue
        if doc_id not in laws:
            laws[doc_id] = (Document(doc_id=doc_id, title=row["law_id"], doc_type=_doc_type(row["law_id"]),
                                     source_path=str(path), checksum=checksum, metadata={"corpus": "alqac"}), [])
        laws[doc_id][1].append(row)
    out = []
    for doc_id, (doc, rows) in laws.items():
        texts = [f"Điều {str(r['article_id']).strip()}. " + normalise(r["text"]).strip() for r in rows]
        doc.text = "\n\n".join(texts)
        units: list[Unit] = []
        pos = 0
        for row, text in zip(rows, texts):
            units += _article_units(doc, row, pos, pos + len(text), clauses)
            pos += len(text) + 2
        for i, u in enumerate(units):
            u.order = i
        out.append((doc, units))
    return out


def _article_units(doc: Document, row: dict, start: int, end: int, clauses: bool) -> list[Unit]:
    """The article Unit (its whole span) and, with `clauses`, its khoản/điểm Units."""
    uid = article_unit_id(row["law_id"], row["article_id"])
    lines = st.split_lines(doc.text, start, end)
    roots = st.build_tree(lines, "legal")
    found = st.units_from_tree(roots[:1], "legal", doc.doc_id, doc.title, lines, lambda _: None)
    if not found or found[0].level != "dieu":   # no "Điều N." heading recognised: the article alone
        label = f"Điều {str(row['article_id']).strip()}"
        heading = lines[0].text if lines else label
        found = [Unit(unit_id=uid, doc_id=doc.doc_id, path=[label], heading=heading, text="", level="dieu",
                      breadcrumb=f"{doc.title} › {heading}")]
    article, children = found[0], (found[1:] if clauses else [])
    own = article.unit_id
    article.unit_id = uid
    article.text = st.text_between(lines, start, end)
    article.char_start, article.char_end = start, end
    for c in children:      # ids follow the corpus's article id, whatever the heading line said
        c.unit_id = uid + c.unit_id[len(own):]
        c.parent_id = uid + c.parent_id[len(own):] if c.parent_id else uid
    return [article, *children]


def _doc_type(law_name: str) -> str:
    low = law_name.lower()
    if low.startswith("hiến pháp"):
        return "hien-phap"
    if low.startswith("bộ luật"):
        return "bo-luat"
    return "luat"


def beir_to_units(path: Path) -> list[tuple[Document, list[Unit]]]:
    """A BEIR corpus.jsonl (_id, title, text): one Document "beir" whose Units are its passages,
    unit_id f"beir/{_id}" (matching the relevant ids `load_beir` gives)."""
    path = Path(path)
    if not path.is_file():
        raise EvalError(f"corpus file not found: {path}")
    doc = Document(doc_id="beir", title=path.parent.name, source_path=str(path),
                   checksum=corpus_checksum(path), metadata={"corpus": "beir"})
    units = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                title = (row.get("title") or "").strip()
                units.append(Unit(unit_id=f"beir/{row['_id']}", doc_id="beir", path=[title] if title else [],
                                  heading=title, text=row["text"], level="paragraph", order=len(units),
                                  breadcrumb=title))
    return [(doc, units)]


def corpus_to_units(path: Path, keep: set[str] | None = None) -> list[tuple[Document, list[Unit]]]:
    """Article JSONL (law_id, article_id, text) or BEIR corpus (_id, text), told apart by the first row."""
    with Path(path).open(encoding="utf-8") as fh:
        first = next((json.loads(line) for line in fh if line.strip()), {})
    if "_id" in first and "law_id" not in first:
        return beir_to_units(path)
    return articles_to_units(path, keep=keep)
