"""Legacy Vietnamese encodings: TCVN3 (ABC, TCVN 5712:1993) and VNI-Windows.

Old office files were typed in these 8-bit fonts; opened as cp1252/latin-1 they look like
"Lu\u00ACt T\u00e8 c\u00b8o" (TCVN3) or "Lua\u00e4t To\u00e1 ca\u00f9o" (VNI). detect_legacy() tells them apart,
to_unicode() converts them, encode_legacy() is the inverse (used by tests and fixtures).

TCVN3 table: the TCVN 5712 VN1 code points (as in glibc's TCVN5712-1): lower-case letters at
0xA8-0xFE, the seven shaped capitals at 0xA1-0xA7, the toned capitals at 0x80-0x9F, in the gaps
0xAF-0xFF and, for 12 of them, in the C0 range. VNI: a base letter followed by one mark byte.
"""
from __future__ import annotations

import re
import unicodedata

TCVN3 = "tcvn3"
VNI = "vni"

# --- TCVN3 ------------------------------------------------------------------------------------
_TCVN3_LOWER = {
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}
_TCVN3_UPPER = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0x80: "À", 0x81: "Ả", 0x82: "Ã", 0x83: "Á", 0x84: "Ạ", 0x85: "Ặ", 0x86: "Ậ", 0x87: "È",
    0x88: "Ẻ", 0x89: "Ẽ", 0x8A: "É", 0x8B: "Ẹ", 0x8C: "Ệ", 0x8D: "Ì", 0x8E: "Ỉ", 0x8F: "Ĩ",
    0x90: "Í", 0x91: "Ị", 0x92: "Ò", 0x93: "Ỏ", 0x94: "Õ", 0x95: "Ó", 0x96: "Ọ", 0x97: "Ộ",
    0x98: "Ờ", 0x99: "Ở", 0x9A: "Ỡ", 0x9B: "Ớ", 0x9C: "Ợ", 0x9D: "Ù", 0x9E: "Ủ", 0x9F: "Ũ",
    0xAF: "Ằ", 0xBA: "Ẳ", 0xBF: "Ẵ", 0xC0: "Ắ", 0xC1: "Ầ", 0xC2: "Ẩ", 0xC3: "Ẫ", 0xC4: "Ấ",
    0xC5: "Ề", 0xCD: "Ể", 0xD9: "Ễ", 0xDA: "Ế", 0xDB: "Ồ", 0xE0: "Ổ", 0xF0: "Ỗ", 0xFF: "Ố",
    0x01: "Ú", 0x02: "Ụ", 0x04: "Ừ", 0x05: "Ử", 0x06: "Ữ", 0x11: "Ứ", 0x12: "Ự", 0x13: "Ỳ",
    0x14: "Ỷ", 0x15: "Ỹ", 0x16: "Ý", 0x17: "Ỵ",
}
TCVN3_TO_UNICODE: dict[int, str] = {**_TCVN3_LOWER, **_TCVN3_UPPER}
UNICODE_TO_TCVN3: dict[str, int] = {u: b for b, u in TCVN3_TO_UNICODE.items()}

# --- VNI --------------------------------------------------------------------------------------
# mark bytes (lower-case form; the upper-case letter takes the upper-case mark byte)
_VNI_TONES = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_CIRCUMFLEX_TONES = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE_TONES = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_SINGLE = {"đ": "ñ", "ơ": "ô", "ư": "ö", "í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "ỵ": "î"}


def _vni_lower_table() -> dict[str, str]:
    table: dict[str, str] = dict(_VNI_SINGLE)
    for base in "aeouy":
        for tone, mark in _VNI_TONES.items():
            table.setdefault(unicodedata.normalize("NFC", base + tone), base + mark)
    for base in "aeo":
        for tone, mark in _VNI_CIRCUMFLEX_TONES.items():
            table[unicodedata.normalize("NFC", base + "\u0302" + tone)] = base + mark
    for tone, mark in _VNI_BREVE_TONES.items():
        table[unicodedata.normalize("NFC", "a\u0306" + tone)] = "a" + mark
    for base, vni in (("o\u031b", "ô"), ("u\u031b", "ö")):  # ơ, ư
        for tone, mark in _VNI_TONES.items():
            table[unicodedata.normalize("NFC", base + tone)] = vni + mark
    return table


UNICODE_TO_VNI: dict[str, str] = {}
for _u, _v in _vni_lower_table().items():
    UNICODE_TO_VNI[_u] = _v
    UNICODE_TO_VNI[_u.upper()] = _v.upper()
VNI_TO_UNICODE: dict[str, str] = {v: u for u, v in UNICODE_TO_VNI.items()}
VNI_TO_UNICODE.update({"yï": "ỵ", "YÏ": "Ỵ"})  # some VNI files spell ỵ as y + dot below
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(VNI_TO_UNICODE, key=len, reverse=True)))
_VNI_PAIR = re.compile("[aeouyAEOUYôöÔÖ][ùøûõïâáàåãäêéèúüëÙØÛÕÏÂÁÀÅÃÄÊÉÈÚÜË]")

# --- bytes <-> the characters a cp1252/latin-1 decoder produced --------------------------------
_CP1252_HIGH = {bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


def _as_bytes(text: str) -> bytes:
    """Undo a cp1252 (or latin-1) decoding: each character back to its single byte."""
    out = bytearray()
    for ch in text:
        o = ord(ch)
        if o < 0x100:
            out.append(o)
        elif ch in _CP1252_HIGH:
            out.append(_CP1252_HIGH[ch])
        else:
            raise ValueError(f"character {ch!r} is not a single byte of a legacy encoding")
    return bytes(out)


def _vietnamese_unicode_count(text: str) -> int:
    # letters outside latin-1 only: â, ê, ô also occur in cp1252-decoded TCVN3/VNI
    return sum(1 for c in text if "\u1ea0" <= c <= "\u1ef9" or c in "ăđơưĩũĂĐƠƯĨŨ")


def detect_legacy(text_or_bytes: str | bytes) -> str | None:
    """'tcvn3', 'vni' or None (Unicode, ASCII or anything else)."""
    if isinstance(text_or_bytes, bytes):
        data = text_or_bytes
        try:
            data.decode("utf-8")
            if any(b >= 0x80 for b in data):
                return None  # valid UTF-8 with non-ASCII: real Unicode
        except UnicodeDecodeError:
            pass
        text = data.decode("latin-1")
    else:
        text = text_or_bytes
        if _vietnamese_unicode_count(text) > 0:
            return None
    words = max(1, len(text.split()))
    # TCVN3 uses 0xA1-0xBF (¡…¿) and 0x80-0x9F for common letters; VNI never does.
    tcvn_hits = sum(1 for c in text if "\xa1" <= c <= "\xbf" or "\x80" <= c <= "\x9f" or c in _CP1252_HIGH)
    vni_hits = len(_VNI_PAIR.findall(text)) + text.count("ñ") + text.count("Ñ")
    best, hits = (TCVN3, tcvn_hits) if tcvn_hits >= vni_hits else (VNI, vni_hits)
    if hits >= 3 and hits / words >= 0.08:
        return best
    return None


def to_unicode(text: str | bytes, enc: str) -> str:
    """Convert TCVN3/VNI text (raw bytes, or decoded as cp1252/latin-1) to Unicode NFC."""
    if enc == TCVN3:
        data = text if isinstance(text, bytes) else _as_bytes(text)
        return "".join(TCVN3_TO_UNICODE.get(b) or chr(b) for b in data)
    if enc == VNI:
        if isinstance(text, bytes):
            text = text.decode("cp1252", errors="strict") if _cp1252_ok(text) else text.decode("latin-1")
        return _VNI_PATTERN.sub(lambda m: VNI_TO_UNICODE[m.group(0)], text)
    raise ValueError(f"unknown legacy encoding {enc!r}; choose one of: {TCVN3}, {VNI}")


def _cp1252_ok(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def encode_legacy(text: str, enc: str) -> bytes:
    """Unicode -> TCVN3 or VNI bytes (the inverse of to_unicode, for fixtures and export)."""
    text = unicodedata.normalize("NFC", text)
    if enc == TCVN3:
        out = bytearray()
        for ch in text:
            if ch in UNICODE_TO_TCVN3:
                out.append(UNICODE_TO_TCVN3[ch])
            elif ord(ch) < 0x80:
                out.append(ord(ch))
            else:
                raise ValueError(f"{ch!r} has no TCVN3 code")
        return bytes(out)
    if enc == VNI:
        converted = "".join(UNICODE_TO_VNI.get(ch, ch) for ch in text)
        try:
            return converted.encode("cp1252")
        except UnicodeEncodeError as exc:
            raise ValueError(f"text has characters with no VNI code: {exc}") from exc
    raise ValueError(f"unknown legacy encoding {enc!r}; choose one of: {TCVN3}, {VNI}")
