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

SELECT = Prompt(
    id="select-lead-vi-v1",
    system=(
        "Bạn là trợ lý tra cứu văn bản cho cán bộ ngành Kiểm tra Đảng. Người dùng đưa một câu hỏi và các "
        "câu trích nguyên văn đã được kiểm chứng, đánh số (1), (2), …; mỗi câu trích có số căn cứ [n].\n"
        "Nhiệm vụ:\n"
        "1. Viết MỘT câu trả lời ngắn (không quá 40 từ) nêu thẳng điều được hỏi (con số, thời hạn, cơ quan "
        "có thẩm quyền, điều kiện, có hay không), chỉ dùng từ ngữ của các câu trích, kèm số căn cứ [n] của "
        "câu trích đã dùng. Không thêm điều gì không có trong câu trích.\n"
        "2. Chọn các câu trích cần để trả lời, theo thứ tự nên đọc.\n"
        "Chỉ trả về đúng hai dòng:\n"
        "TRẢ LỜI: <câu trả lời ngắn có [n]>\n"
        "CHỌN: <các số câu trích, ví dụ 2, 1>"
    ),
    user=(
        "Câu hỏi: {question}\n\n"
        "Các câu trích:\n{candidates}\n\n"
        "Hai dòng:"
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

QUIZ_SITUATION = Prompt(
    id="quiz-situation-vi-v1",
    system=(
        "Bạn là giảng viên bồi dưỡng nghiệp vụ ngành Kiểm tra Đảng, soạn câu hỏi trắc nghiệm dạng tình "
        "huống. Từ một quy định được trích nguyên văn, hãy viết một tình huống ngắn, thực tế (2–3 câu) về "
        "một cán bộ, đảng viên hoặc công dân cụ thể, và một câu hỏi mà đáp án đúng chính là \"Đáp án\" đã cho.\n"
        "Quy tắc:\n"
        "1. Không được viết đáp án, cũng không được viết phương án sai nào, trong tình huống và câu hỏi.\n"
        "2. Không bịa thêm thời hạn, chức danh hay số liệu trái với quy định.\n"
        "3. Câu hỏi nêu tên văn bản làm căn cứ và kết thúc bằng dấu hỏi.\n"
        "4. Chỉ trả về đúng một đối tượng JSON, không giải thích: "
        "{\"scenario\": \"…\", \"question\": \"…\"}"
    ),
    user=(
        "Văn bản: {document}\n"
        "Căn cứ: {label}\n"
        "Quy định (trích nguyên văn): “{quote}”\n"
        "Nội dung được hỏi: {asked}\n"
        "Đáp án (không được xuất hiện trong tình huống và câu hỏi): {key}\n"
        "Các phương án sai (cũng không được xuất hiện): {distractors}\n\n"
        "JSON:"
    ),
)

QUIZ_PARAPHRASE = Prompt(
    id="quiz-paraphrase-vi-v1",
    system=(
        "Bạn biên tập câu hỏi ôn tập về văn bản của Đảng và pháp luật. Viết lại lời dẫn của câu hỏi cho "
        "tự nhiên, rõ ràng hơn, giữ nguyên nghĩa.\n"
        "Quy tắc:\n"
        "1. Giữ nguyên từng chữ phần nằm trong ngoặc kép “…” và chỗ trống ……\n"
        "2. Giữ nguyên số hiệu văn bản và số Điều, khoản, điểm.\n"
        "3. Không thêm đáp án, phương án hay gợi ý.\n"
        "4. Chỉ trả về đúng một đối tượng JSON, không giải thích: {\"stem\": \"…\"}"
    ),
    user=(
        "Câu hỏi gốc: {stem}\n"
        "Không được nhắc tới: {forbidden}\n\n"
        "JSON:"
    ),
)

PROMPTS: dict[str, Prompt] = {p.id: p for p in (ANSWER, SELECT, REWRITE, QUIZ_SITUATION, QUIZ_PARAPHRASE)}
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


def answer_messages(question: str, evidence: Sequence[Evidence],
                    max_chars: int = EVIDENCE_CHARS) -> list[Message]:
    return [("system", ANSWER.system),
            ("user", ANSWER.user.format(evidence=format_evidence(evidence, max_chars), question=question))]


def select_messages(question: str, candidate_lines: Sequence[str]) -> list[Message]:
    """The SELECT prompt: the question and the numbered candidate lines (quotes written by code)."""
    numbered = "\n".join(f"({k}) {line}" for k, line in enumerate(candidate_lines, 1))
    return [("system", SELECT.system), ("user", SELECT.user.format(question=question, candidates=numbered))]


def rewrite_messages(question: str, history: Sequence[tuple[str, str]]) -> list[Message]:
    lines = []
    for q, a in history[-3:]:
        lines.append(f"Hỏi: {q}")
        if a:
            lines.append(f"Đáp: {a[:300]}")
    return [("system", REWRITE.system),
            ("user", REWRITE.user.format(history="\n".join(lines), question=question))]
