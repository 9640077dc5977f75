"""Compare parse results of ../shared/real-docs/files with EXPECTED.tsv (shared by the test and
by hand runs: `python -m tests.real_docs_check`)."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ktgs.contracts import ParseResult

COLUMNS = ("doc_number", "doc_type", "issuer", "issued_date", "title", "dieu")


@dataclass
class Cell:
    file: str
    column: str
    expected: str
    got: str
    ok: bool


def expected_rows(real_docs: Path) -> list[dict[str, str]]:
    with open(real_docs / "EXPECTED.tsv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def dieu_count(res: ParseResult) -> int:
    return len({u.path[-1] for u in res.units if u.level == "dieu"})


def compare(row: dict[str, str], res: ParseResult | None) -> list[Cell]:
    """One Cell per non-empty expected cell of `row` (res None: the file did not parse)."""
    cells = []
    doc = res.document if res else None
    for col in COLUMNS:
        want = (row.get(col) or "").strip()
        if not want:
            continue
        if doc is None:
            cells.append(Cell(row["file"], col, want, "(lỗi)", False))
            continue
        if col == "dieu":
            got = str(dieu_count(res))
            ok = got == want
        else:
            got = str(getattr(doc, col) or "")
            if col == "doc_type":
                ok = got in want.split("|")
            elif col in ("issuer", "title"):
                ok = want.lower() in got.lower()
            else:
                ok = got == want
        cells.append(Cell(row["file"], col, want, got, ok))
    return cells


def run(real_docs: Path, parse_file=None) -> tuple[list[Cell], dict[str, str]]:
    from ktgs.errors import KtgsError
    from ktgs.ingest.parse import parse_file as _parse_file

    parse_file = parse_file or _parse_file
    cells, errors = [], {}
    for row in expected_rows(real_docs):
        path = real_docs / "files" / row["file"]
        try:
            res = parse_file(path)
        except KtgsError as exc:
            errors[row["file"]] = getattr(exc, "reason", str(exc))
            res = None
        cells += compare(row, res)
    return cells, errors


def report(cells: list[Cell], errors: dict[str, str]) -> str:
    right = sum(c.ok for c in cells)
    out = [f"{right}/{len(cells)} ô đúng ({100 * right / max(1, len(cells)):.1f} %)"]
    out += [f"LỖI {f}: {e}" for f, e in errors.items()]
    out += [f"SAI {c.file} {c.column}: cần {c.expected!r}, có {c.got[:120]!r}" for c in cells if not c.ok]
    return "\n".join(out)


if __name__ == "__main__":
    import sys

    from conftest import SHARED

    cells, errors = run(Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED / "real-docs")
    print(report(cells, errors))
