"""Vietnamese text in one place: normalise, segment and fold diacritics.

The same functions run at ingest time and at query time; their versions are stored with the index
(NORMALISER_VERSION, SEGMENTER_VERSION), so a change here means a rebuild, never silent drift.

Tone-mark style: the shipped corpus writes open syllables ending in oa / oe / uy with the mark on the
first vowel ("hóa", "tòa", "khỏe", "ủy", "thủy"); 1,000+ such words against a handful of "hoá"/"uỷ".
normalise() moves the mark there. Closed syllables ("hoạt", "thuyết", "khoảng") and qu- syllables
("quý", "quỹ") are written the same in both styles and are left alone.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

NORMALISER_VERSION = "ktgs-normalise-1"


def _underthesea_version() -> str:
    try:
        return version("underthesea")
    except PackageNotFoundError:  # pragma: no cover - a dependency of the project
        return "missing"


SEGMENTER_VERSION = f"underthesea-{_underthesea_version()}+ktgs-segment-2"

# --- characters -------------------------------------------------------------------------------
_LOOKALIKES = str.maketrans({
    "\u00d0": "\u0110",  # Ð (Icelandic eth, capital) -> Đ
    "\u0189": "\u0110",  # Ɖ (African D) -> Đ
    "\u00f0": "\u0111",  # ð (eth) -> đ
    "\u0256": "\u0111",  # ɖ (d with tail) -> đ
})
_REMOVE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                                 "\u2008\u2009\u200a\u205f\u3000\t\v\f"), " ")
_LINE_SEPARATORS = dict.fromkeys(map(ord, "\u2028\u2029\x85"), "\n")
# C0/C1 control characters other than \n and \t (which become space above)
_CONTROLS = {c: None for c in list(range(0x00, 0x20)) + list(range(0x7f, 0xa0))
             if c not in (0x0a, 0x09, 0x0b, 0x0c, 0x0d, 0x85)}
_TABLE = {**_LOOKALIKES, **_REMOVE, **_SPACES, **_LINE_SEPARATORS, **_CONTROLS}

# combining marks: shape (circumflex, breve, horn) must come before tone marks for NFC to compose
_SHAPE_MARKS = "\u0302\u0306\u031b"
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_MARK_RUN = re.compile(f"[{_SHAPE_MARKS}{_TONE_MARKS}]{{2,}}")

# --- tone placement ---------------------------------------------------------------------------
_TONED_SECOND = {  # second vowel carrying the tone -> (tone mark, bare vowel)
    c: (unicodedata.normalize("NFD", c)[1], unicodedata.normalize("NFD", c)[0])
    for c in "áàảãạéèẻẽẹýỳỷỹỵÁÀẢÃẠÉÈẺẼẸÝỲỶỸỴ"
}
# a syllable: onset consonants, then o+a/e or u+y with the mark on the second vowel, then a word end
_OLD_STYLE = re.compile(
    r"(?<![^\W\d_])([b-df-hj-np-tv-zđB-DF-HJ-NP-TV-ZĐ]*)"
    r"(?:([oO])([áàảãạéèẻẽẹÁÀẢÃẠÉÈẺẼẸ])|([uU])([ýỳỷỹỵÝỲỶỸỴ]))(?![^\W\d_])"
)


def _move_tone(m: re.Match[str]) -> str:
    onset = m.group(1)
    first, second = (m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(5))
    if first in "uU" and onset[-1:] in ("q", "Q"):
        return m.group(0)  # "quý": u belongs to the onset
    tone, bare = _TONED_SECOND[second]
    return onset + unicodedata.normalize("NFC", first + tone) + bare


_SPACE_RUN = re.compile(" {2,}")
_SUPERSCRIPTS = "⁽⁾¹²³⁴⁵⁶⁷⁸⁹⁰*"


def normalise(text: str) -> str:
    """Canonical form of Vietnamese text: NFC, one tone style, clean whitespace, lines kept.

    Keeps footnote marks (¹ ² ⁽¹⁾), keeps one heading per line, allows at most one blank line.
    Idempotent: normalise(normalise(x)) == normalise(x).
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFD", text)
    if _MARK_RUN.search(text):
        text = _MARK_RUN.sub(lambda m: "".join(sorted(m.group(0), key=lambda c: c in _TONE_MARKS)), text)
    text = unicodedata.normalize("NFC", text).translate(_TABLE)
    text = _OLD_STYLE.sub(_move_tone, text)
    text = "\n".join(_SPACE_RUN.sub(" ", line).strip(" ") for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n")


# --- folding ----------------------------------------------------------------------------------
_FOLD = str.maketrans({"đ": "d", "Đ": "d"})


def fold_diacritics(s: str) -> str:
    """'Thời hạn giải quyết tố cáo' -> 'thoi han giai quyet to cao' (lower case, đ -> d)."""
    decomposed = unicodedata.normalize("NFD", s.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


# --- segmentation -----------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _word_tokenize():
    from underthesea import word_tokenize  # heavy import: only when first needed

    return word_tokenize


def _keep(token: str) -> bool:
    return any(c.isalnum() and c not in _SUPERSCRIPTS for c in token)


def segment(text: str) -> list[str]:
    """Word tokens for the BM25 leg: lower case, syllables joined by '_', punctuation dropped.

    'Thời hạn giải quyết tố cáo' -> ['thời_hạn', 'giải_quyết', 'tố_cáo']. One-letter syllables
    ("ở", "a") are kept; footnote marks are dropped.
    """
    text = normalise(text)
    if not text:
        return []
    tokens = []
    for line in text.split("\n"):
        if not line:
            continue
        for tok in _word_tokenize()(line):
            # underthesea sometimes glues punctuation to the next word ("? Công dân"): keep the
            # syllables that hold a letter or digit
            syllables = [s.strip(_SUPERSCRIPTS) for s in tok.lower().split()]
            syllables = [s for s in syllables if _keep(s)]
            if syllables:
                tokens.append("_".join(syllables))
    return tokens
