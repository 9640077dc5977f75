"""Ingest benchmark: parse a corpus folder (files/s, units/s, MB/s) and a PDF made from the seed
text (pages/s); the readers one by one over ../shared/real-docs (pages/s per reader: PDF text layer,
DOCX, .doc, HTML, text, OCR per page image). Also `write_pdf`, the PDF writer the benchmark and the
format tests share.

Pages of formats without pages (DOCX, .doc, HTML, text) are counted as equivalent pages of
PAGE_CHARS characters of extracted text (an A4 page of a Vietnamese legal text holds about 3,000).
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


PAGE_CHARS = 3000


def default_real_docs() -> Path | None:
    real = Path(__file__).resolve().parents[2] / "shared" / "real-docs" / "files"
    return real if real.is_dir() else None


def reader_bench(root: str | Path, settings: Settings | None = None) -> dict[str, dict]:
    """Read every file under `root` once with its reader; per reader format: files, pages
    (PDF/image pages; PAGE_CHARS-character equivalents otherwise), seconds, pages/s, errors.
    PDFs are read with OCR off (their text layer); page images measure OCR per page."""
    from ktgs.ingest.readers import read_document

    settings = settings or load_settings()
    text_layer = settings.with_(ocr=False)     # the PDF row measures the text layer; OCR is the image row
    out: dict[str, dict] = {}
    for f in iter_files([Path(root)]):
        t0 = time.perf_counter()
        try:
            raw = read_document(f, text_layer if f.suffix.lower() == ".pdf" else settings)
        except KtgsError:
            out.setdefault("errors", {"files": 0})["files"] += 1
            continue
        seconds = time.perf_counter() - t0
        fmt = raw.format
        no_text = sum("không có lớp văn bản" in w for w in raw.warnings) if fmt == "pdf" else 0
        pages = raw.metadata.get("page_count") or len(raw.pages) or max(1, round(len(raw.text) / PAGE_CHARS))
        row = out.setdefault(fmt, {"files": 0, "pages": 0, "seconds": 0.0,
                                   "pages_counted": "pages" if raw.pages else f"{PAGE_CHARS} ký tự"})
        row["files"] += 1
        row["pages"] += int(pages)
        if fmt == "pdf":
            row["pages_without_text"] = row.get("pages_without_text", 0) + no_text   # not OCRed here
        row["seconds"] += seconds
    for row in out.values():
        if "seconds" in row:
            row["seconds"] = round(row["seconds"], 3)
            row["pages_per_s"] = round(row["pages"] / max(row["seconds"], 1e-6), 1)
    return out


def default_corpus() -> Path:
    shared = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    return shared if shared.is_dir() else Path.cwd() / "corpus"


def run_ingest_bench(path: str | Path | None = None, repeat: int = 3,
                     settings: Settings | None = None, real_docs: str | Path | None = None) -> dict:
    """Parse every file under `path` `repeat` times, and a PDF of the seed text; best-of timings.
    With `real_docs` (a folder of real files), also the readers one by one (`reader_bench`)."""
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
    if real_docs:
        out["readers"] = reader_bench(real_docs, settings)
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
