"""OCR of page images with the Tesseract command line (language 'vie'), when it is installed.

No Python binding is needed: the PNG goes to `tesseract stdin stdout -l vie`. Whether Tesseract and
its Vietnamese data are present is checked once per process (tesseract_missing()).
"""
from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

from ktgs.errors import ParseError

OCR_LANG = "vie"
OCR_DPI = 300
_TIMEOUT_S = 180


@lru_cache(maxsize=4)
def tesseract_missing(lang: str = OCR_LANG) -> str | None:
    """None when `tesseract` with `lang` data can run, else the reason (Vietnamese, one line)."""
    exe = shutil.which("tesseract")
    if not exe:
        return f"chưa cài Tesseract ({lang}) để OCR"
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"không chạy được Tesseract: {exc}"
    langs = {line.strip() for line in (out.stdout + out.stderr).splitlines()}
    if lang not in langs:
        return f"chưa cài Tesseract ({lang}) để OCR: thiếu dữ liệu ngôn ngữ '{lang}'"
    return None


def ocr_png(png: bytes, where: str, lang: str = OCR_LANG) -> str:
    """Text Tesseract reads from one PNG image. Raises ParseError (with `where`) when it fails."""
    reason = tesseract_missing(lang)
    if reason:
        raise ParseError(where, reason)
    try:
        out = subprocess.run(["tesseract", "stdin", "stdout", "-l", lang, "--psm", "3"],
                             input=png, capture_output=True, timeout=_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise ParseError(where, f"OCR quá {_TIMEOUT_S} giây") from exc
    except OSError as exc:
        raise ParseError(where, f"không chạy được Tesseract: {exc}") from exc
    if out.returncode != 0:
        err = out.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise ParseError(where, f"Tesseract lỗi (mã {out.returncode}): {err[-1] if err else ''}")
    return out.stdout.decode("utf-8", errors="replace")
