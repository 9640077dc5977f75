"""ALQAC-style article corpora (corpus.jsonl: id, law_id, article_id, text) → Documents and Units.

Each article becomes one Unit at level "dieu": doc_id = slug of the law name
("Luật Phòng, chống ma túy" → "luat-phong-chong-ma-tuy"), unit_id = f"{doc_id}/dieu-{article_id}",
heading = the article's first line (its title), text = the article text. One Document per law.
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
from ktgs.ingest.text import normalise


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


def articles_to_units(path: Path, keep: set[str] | None = None) -> list[tuple[Document, list[Unit]]]:
    """Documents (one per law, in first-seen order) with their article Units.

    `keep`: optional set of unit ids; other articles are skipped (used for small fast subsets).
    """
    checksum = corpus_checksum(path)
    docs: dict[str, tuple[Document, list[Unit]]] = {}
    for row in iter_articles(path):
        doc_id = law_slug(row["law_id"])
        uid = article_unit_id(row["law_id"], row["article_id"])
        if keep is not None and uid not in keep:
            continue
        if doc_id not in docs:
            doc = Document(doc_id=doc_id, title=row["law_id"], doc_type=_doc_type(row["law_id"]),
                           source_path=str(path), checksum=checksum, metadata={"corpus": "alqac"})
            docs[doc_id] = (doc, [])
        doc, units = docs[doc_id]
        text = normalise(row["text"]).strip()
        heading_line = text.split("\n", 1)[0].strip()
        label = f"Điều {row['article_id']}"
        units.append(Unit(
            unit_id=uid, doc_id=doc_id, path=[label], heading=f"{label}. {heading_line}",
            text=text, level="dieu", order=len(units),
            breadcrumb=f"{row['law_id']} › {label}. {heading_line}",
        ))
    for doc, units in docs.values():
        _fill_document_text(doc, units)
    return list(docs.values())


def _fill_document_text(doc: Document, units: list[Unit]) -> None:
    """Document.text = the articles joined by blank lines; unit char spans point into it."""
    parts, pos = [], 0
    for u in units:
        u.char_start, u.char_end = pos, pos + len(u.text)
        parts.append(u.text)
        pos = u.char_end + 2
    doc.text = "\n\n".join(parts)


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
