"""Every prompt the assistant sends, in one place, each with an id that is logged with the answer.

Change a prompt's wording → bump its id (answer-vi-v2 …) so logged answers stay traceable.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ktgs.assistant.evidence import Evidence

Message = tuple[str, str]            # (role, content): role is system | user | assistant


@dataclass(frozen=True)
class Prompt:
    id: str
    system: str
    user: str                        # str.format template


ANSWER = Prompt(
    id="answer-vi-v1",
    system=(
        "Bạn là trợ lý tra cứu văn bản cho cán bộ ngành Kiểm tra Đảng. Chỉ trả lời dựa trên các "
        "căn cứ được đánh số [1], [2], … trong tin nhắn của người dùng; không dùng hiểu biết bên ngoài. "
        "Quy tắc:\n"
        "1. Mỗi câu trả lời phải kèm số căn cứ dạng [n] và trích nguyên văn cụm từ then chốt trong "
        "ngoặc kép “…”, chép đúng từng chữ từ căn cứ đó.\n"
        "2. Không được bịa số căn cứ, không sửa lời trích.\n"
        "3. Nếu các căn cứ không chứa câu trả lời, chỉ viết đúng một câu: "
        "\"Không tìm thấy căn cứ trong kho văn bản.\"\n"
        "4. Trả lời ngắn gọn (1–3 câu), bằng tiếng Việt."
    ),
    user=(
        "Căn cứ:\n{evidence}\n\n"
        "Câu hỏi: {question}\n\n"
        "Trả lời (có [n] và lời trích nguyên văn):"
    ),
)

REWRITE = Prompt(
    id="rewrite-vi-v1",
    system=(
        "Bạn viết lại câu hỏi tiếp nối trong một cuộc hội thoại thành một câu hỏi độc lập, đầy đủ "
        "chủ ngữ và vị ngữ, bằng tiếng Việt. Chỉ trả về đúng một câu hỏi, không giải thích."
    ),
    user=(
        "Hội thoại trước:\n{history}\n\n"
        "Câu hỏi tiếp theo: {question}\n\n"
        "Câu hỏi độc lập:"
    ),
)

PROMPTS: dict[str, Prompt] = {p.id: p for p in (ANSWER, REWRITE)}
EVIDENCE_CHARS = 900                 # each evidence text is cut to this many characters in the prompt


def get_prompt(prompt_id: str) -> Prompt:
    from ktgs.errors import KtgsError

    if prompt_id not in PROMPTS:
        raise KtgsError(f"unknown prompt id {prompt_id!r}; choose one of: {', '.join(PROMPTS)}")
    return PROMPTS[prompt_id]


def format_evidence(evidence: Sequence[Evidence], max_chars: int = EVIDENCE_CHARS) -> str:
    blocks = []
    for ev in evidence:
        text = ev.unit.text.strip()
        if len(text) > max_chars:
            text = text[:max_chars].rsplit(" ", 1)[0] + " …"
        blocks.append(f"[{ev.n}] {ev.label}\n{text}")
    return "\n\n".join(blocks)


def answer_messages(question: str, evidence: Sequence[Evidence]) -> list[Message]:
    return [("system", ANSWER.system),
            ("user", ANSWER.user.format(evidence=format_evidence(evidence), question=question))]


def rewrite_messages(question: str, history: Sequence[tuple[str, str]]) -> list[Message]:
    lines = []
    for q, a in history[-3:]:
        lines.append(f"Hỏi: {q}")
        if a:
            lines.append(f"Đáp: {a[:300]}")
    return [("system", REWRITE.system),
            ("user", REWRITE.user.format(history="\n".join(lines), question=question))]
