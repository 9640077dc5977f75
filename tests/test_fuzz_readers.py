"""Fuzz harness (hypothesis) over every reader and the structure parser.

Seeds are real files read in place: texts of ../shared/corpus and ../shared/real-docs/files (txt,
md, html, pdf, docx). Each example mutates a seed's bytes (bit flips, inserted structural tokens
such as "Điều 1.", "Chương II", "a)", front-matter fences, NUL and BOM bytes, deletions,
duplications, truncation); for .docx the mutations go inside word/document.xml and the file is
zipped again, so the Word reader itself is reached and not only the ZIP check.

Invariant: every input either parses or raises a ktgs.errors ParseError subclass; unit spans
lie within the document text; nothing hangs (a watchdog alarm per example).

Bounded by default (CI: a few hundred examples, derandomized). KTGS_FUZZ_SCALE multiplies the
example counts and KTGS_FUZZ_SEED=<int> makes a seeded, non-derandomized run: the long runs that
docs/benchmarks.md records. OCR is off here: scanned-page recognition has its own tests and needs Tesseract.
"""
from __future__ import annotations

import io
import os
import re
import signal
import zipfile
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import pytest
from hypothesis import HealthCheck, given, seed, settings, strategies as st

from ktgs.errors import ParseError
from ktgs.ingest.parse import parse_text
from ktgs.ingest.raw import RawDocument
from ktgs.ingest.readers import read_document
from ktgs.ingest.text import normalise
from ktgs.settings import Settings

from conftest import CORPUS, SHARED

REAL = SHARED / "real-docs" / "files"
SCALE = float(os.environ.get("KTGS_FUZZ_SCALE", "1"))
SEEDED = "KTGS_FUZZ_SEED" in os.environ
HANG_S = 60          # an example still running after this is a hang (a watchdog, not a timing test)
READ = Settings(ocr=False)

SEEDS = {
    "txt": [CORPUS / "de-an-giam-sat-thuong-xuyen-2025-2030.txt", REAL / "39_TXT_Luat-Thanh-tra-84-2025-QH15_tvpl-crawl.txt"],
    "md": [CORPUS / "quy-dinh-296-QD-TW-2025.md", CORPUS / "thong-bao-ket-luan-UBKTTW-ky-24-2018.md",
           CORPUS / "luat-thanh-tra-11-2022-QH15.md"],
    "html": [REAL / "33_HTML_vbpl_TT-07-2025-TT-TTCP_the-thanh-tra.html"],
    "pdf": [REAL / "12_An-le-43-2021-AL.pdf"],
    "docx": [REAL / "09_ND-19-2019-ND-CP_ho-hui-bieu-phuong.docx"],
}
# text formats are cut to a window of the seed so one example stays small
WINDOW = {"txt": 12_000, "md": 12_000, "html": 60_000}
EXAMPLES = {"txt": 120, "md": 120, "html": 30, "pdf": 25, "docx": 40, "structure": 200}
TOKENS = [t.encode("utf-8") for t in (
    "\nĐiều 1. ", "\nĐiều 99a. ", "\nChương II\n", "\nCHƯƠNG IV\n", "\nMục 2. ", "\nPhần thứ hai\n", "\n1. ",
    "\n1.1. ", "\na) ", "\nđ) ", "\nKhoản 3 ", "\nI. ", "---\n", "---\ntitle: [\n", "# ", "#### ", "**", "\\*",
    "\nNơi nhận:\n", "\nT/M BAN CHẤP HÀNH\n", "⁽¹⁾", "¹", "\x00", "\r", "\ufeff", "\u200b", "Số: 25/2018/QH14",
    "<p>", "</p>", "<table><tr><td>", "<script>", "<!--", "&#0;", "&amp;", "%PDF-1.7", "%%EOF", "obj", "endstream",
    "<w:p>", "</w:t>", "<w:tbl>", "]]>", "\udcff".encode("utf-8", "surrogatepass").decode("utf-8", "replace"))]
OPS = st.lists(st.tuples(st.sampled_from(["flip", "insert", "token", "delete", "dup", "truncate"]),
                         st.floats(0, 1), st.binary(min_size=1, max_size=12), st.integers(1, 400),
                         st.sampled_from(TOKENS)), min_size=1, max_size=8)


@lru_cache(maxsize=None)
def seed_bytes(path: Path) -> bytes:
    if not path.is_file():
        pytest.fail(f"fuzz seed not found at {path} (set KTGS_SHARED)")
    return path.read_bytes()


def mutate(data: bytes, ops) -> bytes:
    buf = bytearray(data)
    for kind, where, blob, n, token in ops:
        at = int(where * len(buf))
        if kind == "flip" and buf:
            at = min(at, len(buf) - 1)
            buf[at] ^= 1 << (n % 8)
        elif kind == "insert":
            buf[at:at] = blob
        elif kind == "token":
            buf[at:at] = token
        elif kind == "delete":
            del buf[at:at + n]
        elif kind == "dup":
            buf[at:at] = buf[at:at + n] * (1 + n % 4)
        elif kind == "truncate":
            del buf[max(at, 1):]
    return bytes(buf)


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang(f"an example ran over {HANG_S} s")


def _check(result) -> None:
    text = result.document.text
    for u in result.units:
        assert 0 <= u.char_start <= u.char_end <= len(text), (u.unit_id, u.char_start, u.char_end, len(text))


OUTCOMES: dict[str, Counter] = defaultdict(Counter)   # printed per test (-s): how the cases ended


def read_and_parse(path: Path, kind: str) -> None:
    """The invariant for one file: parses (spans inside the text) or raises a ParseError subclass."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_S)
    try:
        raw = read_document(path, READ)
        _check(parse_text(raw))
        OUTCOMES[kind]["parsed"] += 1
    except ParseError as exc:
        OUTCOMES[kind][type(exc).__name__] += 1
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


_W_TEXT = re.compile(rb"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)")


def _text_nodes(xml: bytes, ops) -> bytes:
    """Insert tokens (XML-escaped) into the text runs of a document.xml: still valid XML mostly."""
    nodes = list(_W_TEXT.finditer(xml))
    if not nodes:
        return xml
    edits = {}
    for _kind, where, _blob, n, token in ops:
        m = nodes[int(where * (len(nodes) - 1))]
        edits[m.start(2)] = edits.get(m.start(2), b"") + xml_escape(token.decode("utf-8", "replace")).encode("utf-8")
    out, last = bytearray(), 0
    for at in sorted(edits):
        out += xml[last:at] + edits[at]
        last = at
    return bytes(out + xml[last:])


def _docx(seed: bytes, ops, text_only: bool = False) -> bytes:
    """Mutate word/document.xml inside the real .docx (its bytes, or only its text runs), keep every
    other part, zip again."""
    change = (lambda data: _text_nodes(data, ops)) if text_only else (lambda data: mutate(data, ops))
    src = zipfile.ZipFile(io.BytesIO(seed))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, change(data) if info.filename == "word/document.xml" else data)
    return out.getvalue()


def _settings(kind: str):
    config = settings(max_examples=max(1, int(EXAMPLES[kind] * SCALE)), deadline=None, database=None,
                      derandomize=not SEEDED, suppress_health_check=list(HealthCheck))
    if not SEEDED:
        return config
    return lambda test: seed(int(os.environ["KTGS_FUZZ_SEED"]))(config(test))


def _fuzz_reader(fmt: str, tmp_path: Path, which: int, start: float, ops, mode: str = "bytes") -> None:
    seed = seed_bytes(SEEDS[fmt][which % len(SEEDS[fmt])])
    if fmt in WINDOW:
        at = int(start * max(len(seed) - WINDOW[fmt], 0))
        seed = seed[at:at + WINDOW[fmt]]
    data = _docx(seed, ops, mode == "text") if fmt == "docx" and mode != "zip" else mutate(seed, ops)
    path = tmp_path / f"fuzz.{fmt}"
    path.write_bytes(data)
    read_and_parse(path, fmt)


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "pdf"])
def test_fuzz_reader(fmt, tmp_path):
    @_settings(fmt)
    @given(which=st.integers(0, 5), start=st.floats(0, 1), ops=OPS)
    def run(which, start, ops):
        _fuzz_reader(fmt, tmp_path, which, start, ops)

    run()
    print(f"\nfuzz {fmt}: {dict(OUTCOMES[fmt])}")


def test_fuzz_docx_reader(tmp_path):
    @_settings("docx")
    @given(which=st.integers(0, 5), ops=OPS, mode=st.sampled_from(["text", "text", "bytes", "zip"]))
    def run(which, ops, mode):
        _fuzz_reader("docx", tmp_path, which, 0.0, ops, mode)

    run()
    print(f"\nfuzz docx: {dict(OUTCOMES['docx'])}")


@lru_cache(maxsize=None)
def _corpus_texts() -> tuple[str, ...]:
    return tuple(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.md")) + sorted(CORPUS.glob("*.txt"))
                 if p.name != "MANIFEST.md")


@_settings("structure")
@given(which=st.integers(0, 100), start=st.floats(0, 1), size=st.integers(1, 6000), ops=OPS)
def test_fuzz_structure_parser(which, start, size, ops):
    texts = _corpus_texts()
    text = texts[which % len(texts)]
    at = int(start * max(len(text) - size, 0))
    mutated = mutate(text[at:at + size].encode("utf-8"), ops).decode("utf-8", "replace")
    raw = RawDocument(text=normalise(mutated), source_path="fuzz.txt", format="txt", checksum="")
    try:
        _check(parse_text(raw))
        OUTCOMES["structure"]["parsed"] += 1
    except ParseError as exc:
        OUTCOMES["structure"][type(exc).__name__] += 1
