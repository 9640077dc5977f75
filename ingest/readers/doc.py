"""Word 97-2003 .doc through Debian's `antiword` (UTF-8 output, no line wrapping).

Why antiword (measured on the vbpl.vn .doc files of ../shared/real-docs, see docs/benchmarks.md):
it keeps tables as rows of cells ("|QUỐC HỘI |CỘNG HOÀ …|"), so a two-cell header table can be read
cell by cell; its Unicode output is clean, where catdoc leaks bytes of embedded objects as letters
("hc", CJK characters) and flattens tables into tab-separated lines; both take ~10-20 ms a file.
LibreOffice (a far larger install, seconds to start headless) is not needed for this. Tables become the lines a .docx table gives: a header/signature table cell by cell,
a data table row by row with cells joined by " | ".

The converter runs with a timeout; a hang or crash is reported for that file only (ParseError).
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

from ktgs.errors import ParseError
from ktgs.ingest.raw import RawDocument
from ktgs.ingest.readers.tables import layout_table_lines
from ktgs.ingest.text import normalise
from ktgs.settings import Settings

CONVERTER = "antiword"
TIMEOUT_S = 60
_ROW = re.compile(r"^\s*\|(.*)\|\s*$")


def converter_missing() -> str | None:
    return None if shutil.which(CONVERTER) else f"chưa cài {CONVERTER} để đọc tệp Word cũ (.doc) (apt-get install antiword)"


def convert(path: Path, data: bytes, timeout_s: float | None = None) -> str:
    """The text antiword reads from `data` (a .doc file). Raises ParseError with a Vietnamese reason.

    The converter runs in its own process group, killed whole when it overruns `timeout_s`."""
    timeout_s = TIMEOUT_S if timeout_s is None else timeout_s
    missing = converter_missing()
    if missing:
        raise ParseError(str(path), missing)
    try:   # "-" = read stdin: the file name never reaches a command line
        proc = subprocess.Popen([CONVERTER, "-w", "0", "-m", "UTF-8.txt", "-"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    except OSError as exc:
        raise ParseError(str(path), f"không chạy được {CONVERTER}: {exc}") from exc
    try:
        stdout, stderr = proc.communicate(data, timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise ParseError(str(path), f"{CONVERTER} không đọc xong tệp .doc sau {timeout_s:g} giây (đã dừng)") from exc
    if proc.returncode != 0:
        err = stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise ParseError(str(path), f"tệp Word cũ (.doc) hỏng, {CONVERTER} không đọc được"
                                    f" (mã {proc.returncode}{': ' + err[-1] if err else ''})")
    return stdout.decode("utf-8", errors="replace")


def tables_to_lines(text: str) -> str:
    """antiword's table rows ("|a  |b  |") → the lines of the table (see readers/tables.py)."""
    out: list[str] = []
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            out.extend(layout_table_lines(rows))
            rows.clear()

    for line in text.split("\n"):
        m = _ROW.match(line)
        if m:
            rows.append([c.strip() for c in m.group(1).split("|")])
            continue
        flush()
        out.append(line)
    flush()
    return "\n".join(out)


def read(path: Path, data: bytes, settings: Settings, fmt: str = "doc") -> RawDocument:
    text = tables_to_lines(convert(path, data))
    return RawDocument(text=normalise(text), source_path=str(path), format=fmt, checksum="",
                       metadata={"converter": CONVERTER})
