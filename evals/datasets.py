"""Evaluation datasets: our JSONL format, the ALQAC dev split and BEIR folders.

Our JSONL (one question per line, documented in docs/evals.md):
`id`, `question`, `relevant` (unit ids, or {"law_id", "article_id"} articles; an element may also be
a LIST of equivalent unit ids — the same text in a law and its văn bản hợp nhất — any one of which
satisfies that gold unit), optional `answer`, `choices` (dict A–D or a list), `question_type`
("Đúng/Sai", "Trắc nghiệm", "Tự luận"), `key_facts` (list of verbatim phrases), `answerable`
(default true), `not_current` (document numbers not in force that an answer must not present as
current) and `not_current_units` (unit ids, with everything below them, that are not in force
although their document is). Other keys (e.g. `kind`) go to `metadata`.
"""
from __future__ import annotations

import csv
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ktgs.errors import EvalError
from ktgs.jsonl import iter_jsonl
from ktgs.evals.alqac import article_unit_id

GOLD_DIR = Path(__file__).resolve().parent / "gold"
_REPO = Path(__file__).resolve().parents[1]
_KNOWN = {"id", "question", "relevant", "answer", "choices", "question_type", "key_facts", "answerable",
          "not_current", "not_current_units"}
LETTERS = "ABCDEFGH"


@dataclass
class EvalQuestion:
    id: str
    question: str
    relevant: list[str]                      # unit ids (ALQAC: article unit ids); one per gold unit
    answer: str = ""
    choices: dict[str, str] | None = None    # letter → text
    question_type: str = ""
    key_facts: list[str] = field(default_factory=list)
    answerable: bool = True
    metadata: dict[str, Any] = field(default_factory=dict)
    # gold unit (its id in `relevant`) → the other unit ids accepted as that same unit
    equivalents: dict[str, list[str]] = field(default_factory=dict)
    not_current: list[str] = field(default_factory=list)        # document numbers not in force
    not_current_units: list[str] = field(default_factory=list)  # unit ids not in force

    @property
    def relevant_groups(self) -> list[list[str]]:
        """One list per gold unit: its id first, then the ids accepted as equivalent to it."""
        return [[r, *self.equivalents.get(r, [])] for r in self.relevant]

    @property
    def kind(self) -> str:
        return str(self.metadata.get("kind") or "")

    def to_dict(self) -> dict[str, Any]:
        """The JSONL row shape: equivalent ids are folded back into `relevant` as lists."""
        d = asdict(self)
        d["relevant"] = [g if len(g) > 1 else g[0] for g in self.relevant_groups]
        d.pop("equivalents")
        for key in ("not_current", "not_current_units"):
            if not d[key]:
                d.pop(key)
        return d


@dataclass
class Dataset:
    name: str
    questions: list[EvalQuestion]
    corpus: Path | None = None               # article JSONL, BEIR corpus or folder of documents; None = main index


def question_from_dict(d: dict[str, Any], where: str = "") -> EvalQuestion:
    for key in ("id", "question"):
        if key not in d:
            raise EvalError(f"{where}: missing field {key!r}")
    relevant, equivalents = [], {}
    for r in d.get("relevant") or []:
        if isinstance(r, str):
            relevant.append(r)
        elif isinstance(r, dict) and {"law_id", "article_id"} <= set(r):
            relevant.append(article_unit_id(r["law_id"], r["article_id"]))
        elif isinstance(r, list) and r and all(isinstance(x, str) for x in r):
            relevant.append(r[0])
            if len(r) > 1:
                equivalents[r[0]] = list(r[1:])
        else:
            raise EvalError(f"{where}: 'relevant' items are unit ids, lists of equivalent unit ids or "
                            f"{{law_id, article_id}}, got {r!r}")
    not_current = {}
    for key in ("not_current", "not_current_units"):
        val = d.get(key) or []
        if not isinstance(val, list) or not all(isinstance(x, str) for x in val):
            raise EvalError(f"{where}: {key!r} is a list of strings, got {val!r}")
        not_current[key] = list(val)
    choices = d.get("choices")
    if isinstance(choices, list):
        choices = {LETTERS[i]: str(c) for i, c in enumerate(choices)}
    return EvalQuestion(
        id=str(d["id"]), question=d["question"], relevant=relevant, answer=str(d.get("answer") or ""),
        choices=choices or None, question_type=d.get("question_type") or "",
        key_facts=list(d.get("key_facts") or []), answerable=bool(d.get("answerable", True)),
        metadata={k: v for k, v in d.items() if k not in _KNOWN}, equivalents=equivalents, **not_current,
    )


def load_jsonl(path: Path) -> list[EvalQuestion]:
    out, seen = [], set()
    for n, row in iter_jsonl(path, EvalError, "dataset file"):
        q = question_from_dict(row, f"{path}:{n}")
        if q.id in seen:
            raise EvalError(f"{path}:{n}: duplicate id {q.id!r}")
        seen.add(q.id)
        out.append(q)
    return out


def save_jsonl(path: Path, questions: list[EvalQuestion]) -> Path:
    with Path(path).open("w", encoding="utf-8") as fh:
        for q in questions:
            d = q.to_dict()
            meta = d.pop("metadata")
            fh.write(json.dumps({**d, **meta}, ensure_ascii=False) + "\n")
    return Path(path)


def alqac_dir() -> Path:
    """The ALQAC folder: $KTGS_ALQAC, else $KTGS_SHARED/evalsets/alqac-vn-law, else ../shared/…"""
    if os.environ.get("KTGS_ALQAC"):
        return Path(os.environ["KTGS_ALQAC"])
    shared = Path(os.environ.get("KTGS_SHARED", _REPO.parent / "shared"))
    return shared / "evalsets" / "alqac-vn-law"


def load_alqac(folder: Path | None = None, split: str = "dev") -> Dataset:
    """ALQAC questions of the dev split with its article corpus. Only dev is read, never raw/."""
    if split != "dev":
        raise EvalError(f"ALQAC split {split!r} is not available here; only 'dev' may be used")
    folder = Path(folder) if folder else alqac_dir()
    if not (folder / "dev.jsonl").is_file():
        raise EvalError(f"ALQAC dev split not found in {folder} (set KTGS_ALQAC or KTGS_SHARED)")
    return Dataset("alqac-dev", load_jsonl(folder / "dev.jsonl"), folder / "corpus.jsonl")


def gold_names() -> list[str]:
    return sorted(p.stem for p in GOLD_DIR.glob("*.jsonl")) if GOLD_DIR.is_dir() else []


def load_beir(folder: Path, split: str = "test") -> Dataset:
    """BEIR layout: corpus.jsonl (_id, title, text), queries.jsonl (_id, text), qrels/<split>.tsv."""
    folder = Path(folder)
    qrels_path = folder / "qrels" / f"{split}.tsv"
    for p in (folder / "corpus.jsonl", folder / "queries.jsonl", qrels_path):
        if not p.is_file():
            raise EvalError(f"BEIR folder {folder}: missing {p.relative_to(folder)}")
    relevant: dict[str, list[str]] = {}
    with qrels_path.open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if len(row) < 3 or row[0] == "query-id":
                continue
            if float(row[2]) > 0:
                relevant.setdefault(row[0], []).append(f"beir/{row[1]}")
    questions = []
    with (folder / "queries.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                q = json.loads(line)
                if str(q["_id"]) in relevant:
                    questions.append(EvalQuestion(id=str(q["_id"]), question=q["text"],
                                                  relevant=relevant[str(q["_id"])]))
    return Dataset(f"beir-{folder.name}-{split}", questions, folder / "corpus.jsonl")


def load_dataset(name: str, split: str = "dev", corpus: Path | None = None) -> Dataset:
    """`alqac`, a gold set name in evals/gold/, a BEIR folder, or a JSONL path (with --corpus)."""
    if name == "alqac":
        return load_alqac(split=split)
    if name in gold_names():
        return Dataset(name, load_jsonl(GOLD_DIR / f"{name}.jsonl"), Path(corpus) if corpus else None)
    path = Path(name)
    if path.is_dir() and (path / "queries.jsonl").is_file():
        return load_beir(path, split="test" if split == "dev" and not (path / "qrels/dev.tsv").is_file() else split)
    if path.is_file():
        return Dataset(path.stem, load_jsonl(path), Path(corpus) if corpus else None)
    choices = ", ".join(["alqac", *gold_names()])
    raise EvalError(f"unknown dataset {name!r}; choose one of: {choices}, or a path to a JSONL file")
