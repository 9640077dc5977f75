"""Stems written by a language model: situational items (tình huống) and paraphrased template stems.

The model only writes words around a fact the generator already holds. The key stays the fact's
verbatim value from the cited span and the distractors stay the corpus values chosen by
generate.Builder, so an item's grounding never depends on the model. Every reply is checked and
skipped when it is not a JSON object, is empty or longer than MAX_STEM_CHARS, or names the key or
a distractor (a situational stem), or drops a quoted span, a document number or an Điều / khoản
reference of the template stem (a paraphrase). A model that fails (LLMError) is not called again
during the build; the notes say what was kept and why the rest was skipped.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from typing import Any, Sequence

from ktgs.assistant.prompts import QUIZ_PARAPHRASE, QUIZ_SITUATION
from ktgs.errors import LLMError

from .extract import Fact
from .items import BLANK, QuizItem
from .textmatch import contains, flat

MAX_STEM_CHARS = 600
CALLS_PER_ITEM = 3                   # model calls allowed per wanted item, over the whole build
TAG_LLM = "llm"                      # situational items: the stem was written by a model
TAG_PARAPHRASE = "llm-paraphrase"    # template items whose stem a model reworded

REASONS = {                          # rejection reason -> Vietnamese wording for the notes
    "invalid_json": "không phải JSON hợp lệ",
    "empty": "để trống",
    "too_long": f"dài quá {MAX_STEM_CHARS} ký tự",
    "leaks_key": "lộ đáp án",
    "leaks_distractor": "lộ phương án sai",
    "drops_quote": "sửa phần trích nguyên văn",
    "drops_reference": "mất số hiệu văn bản hoặc số Điều, khoản",
    "unchanged": "không đổi",
}
_QUOTE = re.compile(r"“[^”]*”")
_REFERENCE = re.compile(r"\b(?:Điều|khoản|điểm|Khoản|Điểm)\s+(?:\d+[a-zđ]?|[a-zđ])\b|\b\d+(?:[-/][\wĐđ]+)*/[\wĐđ]+")
_SPACES = re.compile(r"\s+")


def parse_json_reply(reply: str) -> dict[str, Any] | None:
    """The JSON object in a model reply (a ```json fence around it is tolerated), else None."""
    text = reply.strip()
    fence = re.match(r"^```(?:json)?\s*(.*?)\s*```$", text, re.S)
    if fence:
        text = fence.group(1)
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def _clean(text: Any) -> str:
    return _SPACES.sub(" ", text).strip() if isinstance(text, str) else ""


def _count(haystack: str, needle: str) -> int:
    n = flat(needle)
    return f" {flat(haystack)} ".count(f" {n} ") if n else 0


def situational_problem(stem: str, key: str, distractors: Sequence[str], names: Sequence[str] = ()) -> str | None:
    """Why a model-written situational stem cannot be used (a REASONS key), or None.

    Key and distractors are looked for case- and punctuation-insensitively, outside the document's
    `names` (a question may say "Theo Luật Tố cáo" when the key is the defined term "Tố cáo")."""
    if not stem:
        return "empty"
    if len(stem) > MAX_STEM_CHARS:
        return "too_long"
    text = f" {flat(stem)} "
    for name in sorted(filter(flat, names), key=len, reverse=True):
        text = text.replace(f" {flat(name)} ", " _ ")
    if contains(text, key):
        return "leaks_key"
    if any(contains(text, d) for d in distractors):
        return "leaks_distractor"
    return None


def references(stem: str) -> list[str]:
    """Quoted spans, document numbers and Điều / khoản / điểm references a stem must keep."""
    return _QUOTE.findall(stem) + _REFERENCE.findall(_QUOTE.sub(" ", stem))


def paraphrase_problem(original: str, new: str, forbidden: Sequence[str]) -> str | None:
    """Why a paraphrase of `original` cannot replace it (a REASONS key), or None.

    `forbidden` holds the key and the options: none may appear more often than in the original
    (a tf stem says "đúng hay sai" and shows its statement; that much is allowed)."""
    if not new:
        return "empty"
    if len(new) > MAX_STEM_CHARS:
        return "too_long"
    if flat(new) == flat(original):
        return "unchanged"
    for quoted in _QUOTE.findall(original):
        if quoted not in new:
            return "drops_quote"
    if BLANK in original and new.count(BLANK) != original.count(BLANK):
        return "drops_quote"
    for ref in _REFERENCE.findall(_QUOTE.sub(" ", original)):
        if ref not in new:
            return "drops_reference"
    for f in forbidden:
        if _count(new, f) > _count(original, f):
            return "leaks_key"
    return None


class StemWriter:
    """Asks a Generator for stems within a call budget and keeps count of what it rejected."""

    def __init__(self, generator: Any, budget: int):
        self.generator = generator
        self.budget = budget
        self.calls = 0
        self.accepted: Counter[str] = Counter()          # "situational" | "paraphrase"
        self.rejected: dict[str, Counter[str]] = {"situational": Counter(), "paraphrase": Counter()}
        self.error = ""

    @property
    def model_id(self) -> str:
        return getattr(self.generator, "model_id", "?")

    @property
    def available(self) -> bool:
        return not self.error and self.calls < self.budget

    def _ask(self, messages: list[tuple[str, str]]) -> dict[str, Any] | None:
        self.calls += 1
        try:
            reply = self.generator.complete(messages)
        except LLMError as exc:
            self.error = str(exc)
            return None
        return parse_json_reply(reply)

    def _reject(self, task: str, reason: str) -> None:
        self.rejected[task][reason] += 1

    def situational_stem(self, fact: Fact, document: str, label: str, distractors: Sequence[str],
                         names: Sequence[str] = ()) -> str | None:
        """A scenario and a question whose answer is fact.value, or None when the reply is unusable.
        `document` is the name the prompt gives; it and `names` may appear in the stem."""
        if not self.available:
            return None
        user = QUIZ_SITUATION.user.format(document=document, label=label, quote=fact.quote, asked=fact.prompt,
                                          key=fact.value, distractors="; ".join(distractors))
        reply = self._ask([("system", QUIZ_SITUATION.system), ("user", user)])
        if reply is None:
            if not self.error:
                self._reject("situational", "invalid_json")
            return None
        stem = " ".join(p for p in (_clean(reply.get("scenario")), _clean(reply.get("question"))) if p)
        problem = situational_problem(stem, fact.value, distractors, [document, *names])
        if problem:
            self._reject("situational", problem)
            return None
        self.accepted["situational"] += 1
        return stem

    def paraphrase(self, item: QuizItem) -> QuizItem:
        """The item with a reworded stem (tagged), or the item unchanged when the reply is unusable."""
        if not self.available:
            return item
        forbidden = list(dict.fromkeys([item.key, item.support] + item.options))
        user = QUIZ_PARAPHRASE.user.format(stem=item.stem, forbidden="; ".join(forbidden))
        reply = self._ask([("system", QUIZ_PARAPHRASE.system), ("user", user)])
        if reply is None:
            if not self.error:
                self._reject("paraphrase", "invalid_json")
            return item
        new = _clean(reply.get("stem"))
        problem = paraphrase_problem(item.stem, new, forbidden)
        if problem:
            self._reject("paraphrase", problem)
            return item
        self.accepted["paraphrase"] += 1
        return replace(item, stem=new, tags=item.tags + [TAG_PARAPHRASE], id="")

    def notes(self) -> list[str]:
        """What the model wrote and what was skipped, in Vietnamese, for Quiz.notes."""
        out = []
        if self.error:
            out.append(f"Không gọi được mô hình ngôn ngữ {self.model_id}: {self.error}; "
                       f"các câu còn lại tạo từ văn bản.")
        elif self.calls >= self.budget:
            out.append(f"Đã dùng hết {self.budget} lượt gọi mô hình ngôn ngữ dành cho đề này.")
        for task, name, prompt in (("situational", "Câu tình huống", QUIZ_SITUATION),
                                   ("paraphrase", "Diễn đạt lại lời dẫn", QUIZ_PARAPHRASE)):
            ok, bad = self.accepted[task], self.rejected[task]
            if ok or bad:
                why = ", ".join(f"{n} {REASONS[r]}" for r, n in sorted(bad.items()))
                out.append(f"{name} (mô hình {self.model_id}, lời nhắc {prompt.id}): nhận {ok}, "
                           f"loại {sum(bad.values())}" + (f" ({why})." if why else "."))
        return out
