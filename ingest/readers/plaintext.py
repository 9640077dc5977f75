"""Plain text and Markdown: byte decoding (UTF-8/16, TCVN3, VNI, cp1258), YAML front matter, markup.

Markdown keeps its line structure: "#### Điều 1. Phạm vi điều chỉnh" becomes "Điều 1. Phạm vi điều
chỉnh", list lines stay list lines, emphasis markers (*x*, **x**) go. Plain text keeps everything but
paired emphasis markers, which the shipped .txt seed uses the Markdown way.
"""
from __future__ import annotations

import codecs
import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from ktgs.ingest.encodings import TCVN3, detect_legacy, to_unicode
from ktgs.ingest.raw import RawDocument
from ktgs.ingest.readers.crawl import clean_crawl
from ktgs.ingest.reflow import reflow
from ktgs.ingest.text import normalise
from ktgs.settings import Settings

_LEGACY_NAMES = {TCVN3: "TCVN3 (ABC)", "vni": "VNI"}
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CP1258_HINTS = re.compile("[ăđơưĂĐƠƯ\u0300\u0301\u0303\u0309\u0323]")


def has_text_bom(data: bytes) -> bool:
    return any(data.startswith(bom) for bom, _ in _BOMS)


def decode_bytes(data: bytes) -> tuple[str, list[str]]:
    """Bytes of a text file -> (str, warnings). UTF-8 (± BOM), UTF-16/32 with BOM, TCVN3, VNI, cp1258/cp1252."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), []
            except UnicodeDecodeError as exc:
                return data.decode(codec, errors="replace"), [f"tệp có BOM {codec} nhưng có byte lỗi ({exc.reason}); đã thay bằng �"]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    legacy = detect_legacy(data)
    if legacy:
        name = _LEGACY_NAMES[legacy]
        return to_unicode(data, legacy), [f"tệp dùng bảng mã cũ {name}; đã chuyển sang Unicode"]
    for codec, label in (("cp1258", "Windows-1258"), ("cp1252", "Windows-1252")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "cp1252" or _CP1258_HINTS.search(text):
            return text, [f"tệp không phải UTF-8; đã đọc theo bảng mã {label}"]
    return data.decode("latin-1"), ["tệp không phải UTF-8; đã đọc theo bảng mã Latin-1"]


# --- front matter -----------------------------------------------------------------------------
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def _plain(value: Any) -> Any:
    """YAML values -> JSON-friendly ones (dates as ISO strings, strings normalised)."""
    if isinstance(value, str):
        return normalise(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def split_front_matter(text: str) -> tuple[dict[str, Any], str, list[str]]:
    """'---\\nyaml\\n---\\nbody' -> (metadata, body, warnings). Keys are kept as written."""
    text = text.lstrip("\ufeff")
    m = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not m:
        return {}, text, []
    body = text.replace("\r\n", "\n")[m.end():]
    try:
        meta = yaml.safe_load(m.group(1))
    except yaml.YAMLError as exc:
        reason = str(exc).splitlines()[0]
        return {}, body, [f"phần đầu YAML (front matter) không đọc được: {reason}"]
    if meta is None:
        return {}, body, []
    if not isinstance(meta, dict):
        return {}, body, ["phần đầu YAML (front matter) không phải bảng khóa: giá trị; đã bỏ qua"]
    return _plain(meta), body, []


# --- markup -----------------------------------------------------------------------------------
_SPAN = r"(?:(?!\n\s*\n)[^*])"  # a run inside emphasis: may cross a line break, never a blank line
_EMPHASIS = [
    re.compile(r"\*\*\*(?=\S)(" + _SPAN + r"+?)(?<=\S)\*\*\*"),
    re.compile(r"\*\*(?=\S)(" + _SPAN + r"+?)(?<=\S)\*\*"),
    re.compile(r"(?<![\w*])\*(?=[^\s*])(" + _SPAN + r"+?)(?<=[^\s*])\*(?![\w*])"),
    re.compile(r"(?<!\w)__(?=\S)((?:(?!\n\s*\n)[^_])+?)(?<=\S)__(?!\w)"),
    re.compile(r"(?<!\w)_(?=[^\s_])((?:(?!\n\s*\n)[^_])+?)(?<=[^\s_])_(?!\w)"),
]
_MD_LINE_RULES = [
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.M), r"\1"),   # ATX headings
    (re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+", re.M), ""),                               # block quotes
    (re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$", re.M), ""),                  # horizontal rules
    (re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$", re.M), ""),  # table rules
    (re.compile(r"^[ \t]*```.*$", re.M), ""),                                          # code fences
]
_MD_INLINE_RULES = [
    (re.compile(r"<!--.*?-->", re.S), ""),
    (re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)"), r"\1"),   # links and images -> their text
    (re.compile(r"`([^`\n]+)`"), r"\1"),
]
_ESCAPES = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")
_HIDDEN = re.compile("[\ue000-\ue07f]")  # escaped ASCII punctuation, parked in the private-use area


def strip_emphasis(text: str) -> str:
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    return text


def markdown_to_text(text: str) -> str:
    text = _ESCAPES.sub(lambda m: chr(0xE000 + ord(m.group(1))), text)  # "\\*" is a literal "*"
    for pattern, repl in _MD_INLINE_RULES + _MD_LINE_RULES:
        text = pattern.sub(repl, text)
    return _HIDDEN.sub(lambda m: chr(ord(m.group(0)) - 0xE000), strip_emphasis(text))


# --- the reader -------------------------------------------------------------------------------
def read(path: Path, data: bytes, settings: Settings, fmt: str = "txt") -> RawDocument:
    text, warnings = decode_bytes(data)
    metadata, body, fm_warnings = split_front_matter(text)
    body = markdown_to_text(body) if fmt == "md" else strip_emphasis(body)
    body, site_notes = clean_crawl(body)
    if site_notes:
        metadata = {**metadata, "site_notes": [normalise(n) for n in site_notes]}
    return RawDocument(text=reflow(normalise(body)), source_path=str(path), format=fmt, checksum="",
                       metadata=metadata, warnings=warnings + fm_warnings)
