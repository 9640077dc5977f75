"""The local answer shape (assistant/llm_answer.py): reading the model's two-line reply, composing."""
from __future__ import annotations

from ktgs.assistant.llm_answer import Candidates, compose, lead_so_far, read_reply

# candidate lines as the extractive path writes them (quotes of khoản 1–2 Điều 30 Luật Tố cáo)
C1 = "“Thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ lý tố cáo” [1] (khoản 1 Điều 30 Luật Tố cáo số 25/2018/QH14)."
C2 = ("“Đối với vụ việc phức tạp thì có thể gia hạn giải quyết tố cáo một lần nhưng không quá 30 ngày” [2] "
      "(khoản 2 Điều 30 Luật Tố cáo số 25/2018/QH14).")
SEE = "Xem thêm: Điều 31 Luật Tố cáo số 25/2018/QH14."


def test_read_reply():
    assert read_reply("TRẢ LỜI: Không quá 30 ngày kể từ ngày thụ lý [1].\nCHỌN: 2, 1, 9, 2", 2) == \
        ("Không quá 30 ngày kể từ ngày thụ lý [1].", [2, 1])
    assert read_reply("**TRẢ LỜI:** Có [1]\n**CHỌN:** 1", 2) == ("Có [1]", [1])
    assert read_reply("Tôi không biết.", 2) == ("", [])
    assert lead_so_far("TRẢ LỜI: Không quá") == "Không quá" and lead_so_far("TRẢ") == ""


def test_compose_orders_the_chosen_quotes_and_keeps_the_best():
    cands = Candidates([C1, C2], SEE, fixed=False)
    assert compose(cands, "TRẢ LỜI: Không quá 30 ngày [1].\nCHỌN: 2, 1") == \
        "\n".join(["Không quá 30 ngày [1].", C2, C1, SEE])
    # the best candidate is never left out; a lead without [n] gets the first shown quote's marker
    assert compose(cands, "TRẢ LỜI: Không quá 30 ngày\nCHỌN: 2") == "\n".join(["Không quá 30 ngày [2].", C2, C1, SEE])
    # an unreadable reply: the extractive order, no lead
    assert compose(cands, "…") == "\n".join([C1, C2, SEE])
