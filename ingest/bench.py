"""Ingest benchmark: parse a corpus folder (files/s, units/s, MB/s) and a PDF made from the seed
text (pages/s). Also `write_pdf`, the PDF writer the benchmark and the format tests share.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from ktgs.errors import KtgsError
from ktgs.ingest.parse import iter_files, parse_file
from ktgs.settings import Settings, load_settings

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SEED_NAME = "de-an-giam-sat-thuong-xuyen-2025-2030.txt"


def write_pdf(text: str, path: str | Path, lines_per_page: int = 40, fontsize: float = 7.0) -> int:
    """Write `text` to a PDF, one PDF line per text line (pages as wide as the longest line, so no
    line wraps and a text-layer reader gives the same lines back). Returns the page count."""
    import pymupdf

    font = pymupdf.Font(fontfile=FONT)
    lines = text.split("\n")
    width = max(200.0, max(font.text_length(ln, fontsize=fontsize) for ln in lines) + 72)
    height = lines_per_page * fontsize * 1.5 + 72
    doc = pymupdf.open()
    for first in range(0, len(lines), lines_per_page):
        page = doc.new_page(width=width, height=height)
        page.insert_font(fontname="dejavu", fontfile=FONT)
        y = 36 + fontsize
        for ln in lines[first:first + lines_per_page]:
            if ln.strip():
                page.insert_text((36, y), ln, fontname="dejavu", fontsize=fontsize)
            y += fontsize * 1.5
    pages = doc.page_count
    doc.save(str(path))
    doc.close()
    return pages


def default_corpus() -> Path:
    shared = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    return shared if shared.is_dir() else Path.cwd() / "corpus"


def run_ingest_bench(path: str | Path | None = None, repeat: int = 3,
                     settings: Settings | None = None) -> dict:
    """Parse every file under `path` `repeat` times, and a PDF of the seed text; best-of timings."""
    settings = settings or load_settings()
    root = Path(path) if path else default_corpus()
    files = iter_files([root])
    nbytes = sum(f.stat().st_size for f in files)
    best, units, errors = float("inf"), 0, 0
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        units, errors = 0, 0
        for f in files:
            try:
                units += len(parse_file(f, settings).units)
            except KtgsError:   # counted and reported, the benchmark goes on
                errors += 1
        best = min(best, time.perf_counter() - t0)
    out = {
        "corpus": str(root), "files": len(files), "errors": errors, "units": units,
        "megabytes": round(nbytes / 1e6, 3), "seconds": round(best, 4),
        "files_per_s": round(len(files) / best, 1), "units_per_s": round(units / best, 1),
        "mb_per_s": round(nbytes / 1e6 / best, 3), "repeat": repeat,
    }
    seed = next((f for f in files if f.name == SEED_NAME), None) or Path.cwd() / "corpus" / SEED_NAME
    if seed.is_file():
        out.update(_pdf_bench(seed, repeat, settings))
    return out


def _pdf_bench(seed: Path, repeat: int, settings: Settings) -> dict:
    from ktgs.ingest.readers import read_document

    text = read_document(seed, settings).text
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "seed.pdf"
        pages = write_pdf(text, pdf)
        best = float("inf")
        for _ in range(max(1, repeat)):
            t0 = time.perf_counter()
            units = len(parse_file(pdf, settings).units)
            best = min(best, time.perf_counter() - t0)
    return {"pdf_pages": pages, "pdf_units": units, "pdf_seconds": round(best, 4),
            "pdf_pages_per_s": round(pages / best, 1)}
