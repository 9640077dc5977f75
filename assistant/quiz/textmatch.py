"""Plain text matching shared by the quiz generator and the self-check: syllable tokens with
punctuation dropped, containment, longest matched windows, bigram overlap, stem Jaccard."""
from __future__ import annotations

import re
from functools import lru_cache

from ktgs.ingest.text import normalise

_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(normalise(text).lower()))


def flat(text: str) -> str:
    """' '.join(tokens): punctuation and case insensitive form used for containment checks."""
    return " ".join(tokens(text))


def contains(haystack: str, needle: str) -> bool:
    n = flat(needle)
    return bool(n) and f" {n} " in f" {flat(haystack)} "


def bigrams(toks: tuple[str, ...]) -> set[tuple[str, str]]:
    return set(zip(toks, toks[1:]))


def bigram_containment(query: str, text: str) -> float:
    q = bigrams(tokens(query))
    return len(q & bigrams(tokens(text))) / len(q) if q else 0.0


def window_around(statement: tuple[str, ...], start: int, end: int, text: str) -> int:
    """Length of the longest token window statement[a:b] with a <= start, end <= b found
    contiguously in text (0 when statement[start:end] itself is not there)."""
    hay = f" {flat(text)} "

    def found(a: int, b: int) -> bool:
        return f" {' '.join(statement[a:b])} " in hay

    best = 0
    for a in range(start, -1, -1):
        if not found(a, end):
            break
        b = end
        while b < len(statement) and found(a, b + 1):
            b += 1
        best = max(best, b - a)
    return best


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def longest_run(query: str, text: str) -> float:
    """Share of query's tokens in the longest contiguous run of them found verbatim in text."""
    q = tokens(query)
    if not q:
        return 0.0
    hay = f" {flat(text)} "
    best = 0
    for a in range(len(q)):
        b = a + best + 1                      # only longer runs can improve
        while b <= len(q) and f" {' '.join(q[a:b])} " in hay:
            best = b - a
            b += 1
    return best / len(q)
